"""Settings: one source of truth for where the source database and the mart live.

Order of precedence: a command-line flag, then an environment variable, then
`.streamlit/secrets.toml` (so a deployment can keep everything in one file),
then the defaults under `data/` (git-ignored; DATA_DIR moves it).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SECRETS_FILE = REPO_ROOT / ".streamlit" / "secrets.toml"


def _secrets() -> dict:
    try:
        with SECRETS_FILE.open("rb") as fh:
            return tomllib.load(fh)
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return {}


def setting(name: str, default: str | None = None) -> str | None:
    """One setting by name: environment first, then secrets.toml, then the default."""
    value = os.environ.get(name)
    if value:
        return value
    value = _secrets().get(name)
    if value not in (None, ""):
        return str(value)
    return default


@dataclass(frozen=True)
class Settings:
    database_url: str
    mart_path: str
    default_database_url: str  # the embedded demo source, used when none is configured
    demo_pegawai: int  # size of the demo built on a first start
    akses_path: str  # SQLite side store with the grants and the export audit log
    auth_disabled: bool  # AUTH_DISABLED=1: run without login on a real source (with a warning)
    # Tentang data warns where a table's latest date is more than this many months before "data per".
    batas_kesegaran_bulan: int = 3

    @property
    def is_default_source(self) -> bool:
        return self.database_url == self.default_database_url


def _count(name: str, default: int) -> int:
    raw = setting(name, str(default)).strip()
    if not raw.isdigit():
        from .db import SourceError
        raise SourceError(f"Pengaturan {name} harus bilangan bulat positif (mis. {default}), "
                          f"bukan {setting(name)!r}.")
    return int(raw)


def load_settings(db: str | None = None, mart: str | None = None) -> Settings:
    """The settings; a malformed one is a `db.SourceError` naming it."""
    data_dir = Path(setting("DATA_DIR", str(REPO_ROOT / "data")))
    default_db = f"sqlite:///{data_dir / 'sumber.sqlite'}"
    return Settings(
        database_url=db or setting("DATABASE_URL", default_db),
        mart_path=mart or setting("MART_PATH", str(data_dir / "mart.duckdb")),
        default_database_url=default_db,
        demo_pegawai=_count("DEMO_PEGAWAI", 50000),
        akses_path=setting("AKSES_PATH", str(data_dir / "akses.sqlite")),
        auth_disabled=setting("AUTH_DISABLED", "0") == "1",
        batas_kesegaran_bulan=_count("BATAS_KESEGARAN_BULAN", 3),
    )
