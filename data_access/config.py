"""Settings: one source of truth for where the source database and the mart live.

Order of precedence: a command-line flag, then an environment variable, then
`.streamlit/secrets.toml` (so a deployment can keep everything in one file),
then the defaults under `data/`, which is git-ignored.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "data"
SECRETS_FILE = REPO_ROOT / ".streamlit" / "secrets.toml"

DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'sumber.sqlite'}"
DEFAULT_MART_PATH = str(DATA_DIR / "mart.duckdb")


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

    @property
    def is_default_source(self) -> bool:
        return self.database_url == DEFAULT_DATABASE_URL


def load_settings(db: str | None = None, mart: str | None = None) -> Settings:
    return Settings(
        database_url=db or setting("DATABASE_URL", DEFAULT_DATABASE_URL),
        mart_path=mart or setting("MART_PATH", DEFAULT_MART_PATH),
    )
