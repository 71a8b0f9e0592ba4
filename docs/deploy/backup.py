"""Back up what a refresh cannot rebuild, while the dashboard runs (docs/deployment.md, "Backup").

- AKSES_PATH, the grants and the export audit log: through SQLite's online backup API, a consistent
  copy however the processes write to it meanwhile;
- the embedded source (DATA_DIR/sumber.sqlite) when DATABASE_URL is left at that default: the rows
  that `import` and Kelola data write live there;
- riwayat.jsonl beside the mart, copied under its lock (flock, as data_access/riwayat.py appends).

The mart is not copied: a refresh rebuilds it from the source. The settings are read as the
dashboard reads them (data_access/config.py: the environment, then .streamlit/secrets.toml).

    python docs/deploy/backup.py /var/backups/dasbor [--hari 14]

writes FOLDER/akses-YYYYmmdd-HHMMSS.sqlite (and sumber-..., riwayat-...jsonl), checks every SQLite
copy (PRAGMA integrity_check), and removes this script's copies older than --hari days. One line
per file on stdout; on any failure a line starting with `Gagal:` on stderr and exit status 1.
"""

from __future__ import annotations

import argparse
import fcntl
import shutil
import sqlite3
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the app's folder

from data_access import config, riwayat  # noqa: E402

PREFIXES = ("akses-", "sumber-", "riwayat-")


def sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a live SQLite database, checked before it counts."""
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        verdict = dst.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        dst.close()
        src.close()
    if verdict != "ok":
        target.unlink(missing_ok=True)
        raise RuntimeError(f"salinan {source} rusak ({verdict})")


def locked_copy(source: Path, target: Path) -> None:
    """Copy a file its writers append to under flock, holding a shared lock meanwhile."""
    with open(source, "rb") as fh:
        fcntl.flock(fh, fcntl.LOCK_SH)
        with open(target, "wb") as out:
            shutil.copyfileobj(fh, out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="cadangkan akses, sumber tertanam dan riwayat")
    p.add_argument("folder", type=Path)
    p.add_argument("--hari", type=int, default=14, help="simpan cadangan sekian hari (bawaan 14)")
    args = p.parse_args(argv)
    settings = config.load_settings()
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    args.folder.mkdir(parents=True, exist_ok=True)
    jobs = [(sqlite_copy, Path(settings.akses_path), f"akses-{stamp}.sqlite")]
    if settings.is_default_source:
        jobs.append((sqlite_copy, Path(settings.database_url.removeprefix("sqlite:///")), f"sumber-{stamp}.sqlite"))
    jobs.append((locked_copy, riwayat.lokasi(settings.mart_path), f"riwayat-{stamp}.jsonl"))
    failed = False
    for copy, source, name in jobs:
        if not source.exists():
            print(f"Dilewati: {source} belum ada")
            continue
        try:
            copy(source, args.folder / name)
            print(f"Dicadangkan: {source} -> {args.folder / name}")
        except (OSError, sqlite3.Error, RuntimeError) as exc:
            print(f"Gagal: {source}: {exc}", file=sys.stderr)
            failed = True
    cutoff = time.time() - args.hari * 86400
    for old in args.folder.iterdir():
        if old.name.startswith(PREFIXES) and old.stat().st_mtime < cutoff:
            old.unlink()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
