"""Put a mart built on another host in place on this one (docs/deployment.md, "Several hosts").

    python docs/deploy/receive_mart.py FILE [--sha256 HEX] [--riwayat RIWAYAT.jsonl]

FILE is the mart as it arrived (rsync/scp to any folder of this host). It is copied into MART_PATH's
folder under the name a refresh gives its new mart before the swap (`<mart>.baru-<pid>-<ms>`), and
the copy is checked: its SHA-256 against the one the building host computed (`--sha256`), and that
this host's dashboard reads it (data_access.mart.info: a DuckDB mart of the schema this version
reads, with its years). Only then is it renamed over MART_PATH, in one step: every running process
opens it on its next query, a query in flight finishes on the old file. A copy that fails a check
is removed and the old mart stays. `--riwayat` puts the building host's history (riwayat.jsonl)
beside it the same way, so Tentang data tells the same story on every host.

It holds the refresh's lock on the folder meanwhile (data_access/refresh.py), so it and a refresh
on this host take turns, and whatever a killed run left there is removed by the next one. The
settings are the dashboard's (the environment, then .streamlit/secrets.toml). Exit status 0 when
the new mart is in place; otherwise one line starting with `Gagal:` on stderr and status 2.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the app's folder

from data_access import config, mart, refresh, riwayat  # noqa: E402


def scratch_name(target: Path) -> Path:
    return target.with_name(f"{target.name}.baru-{os.getpid()}-{int(time.time() * 1000)}")


def copy_to(source: Path, scratch: Path) -> str:
    """Copy `source` to `scratch`, on disk (fsync); its SHA-256."""
    digest = hashlib.sha256()
    with open(source, "rb") as src, open(scratch, "wb") as dst:
        while chunk := src.read(8 * 1024 * 1024):
            digest.update(chunk)
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    return digest.hexdigest()


def swap(scratch: Path, target: Path) -> None:
    os.replace(scratch, target)
    folder = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself on disk
    finally:
        os.close(folder)


def receive(source: Path, expected_sha256: str | None = None, history: Path | None = None) -> mart.MartInfo:
    target = Path(config.load_settings().mart_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with refresh._taking_turns(target.parent, lambda step, frac: print(step)):
        scratch = scratch_name(target)
        try:
            digest = copy_to(source, scratch)
            if expected_sha256 and digest != expected_sha256.lower():
                raise mart.MartUnavailable(f"SHA-256 salinan {digest} tidak sama dengan {expected_sha256}: "
                                           "berkas rusak atau belum lengkap terkirim.")
            found = mart.info(str(scratch))
            mart._forget(str(scratch))
            if history is not None:
                copied = scratch_name(riwayat.lokasi(target))
                try:
                    copy_to(history, copied)
                    swap(copied, riwayat.lokasi(target))
                finally:
                    copied.unlink(missing_ok=True)
            swap(scratch, target)
        finally:
            scratch.unlink(missing_ok=True)
    return found


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="pasang mart yang dibangun di host lain")
    p.add_argument("berkas", type=Path)
    p.add_argument("--sha256", help="SHA-256 mart menurut host pembangun (sha256sum)")
    p.add_argument("--riwayat", type=Path, help="riwayat.jsonl host pembangun, dipasang bersama mart")
    args = p.parse_args(argv)
    try:
        found = receive(args.berkas, args.sha256, args.riwayat)
    except (mart.MartUnavailable, OSError) as exc:
        print(f"Gagal: {exc}", file=sys.stderr)
        return 2
    print(f"Mart dipasang: {config.load_settings().mart_path} (data per {found.data_per or '-'}, "
          f"dibangun {found.built_at})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
