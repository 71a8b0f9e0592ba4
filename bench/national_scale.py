"""Benchmark: build the national scale (4,5 million employees) and refresh the mart.

    python bench/national_scale.py [--pegawai 4500000] [--dir /tmp/dasbor-bench]

Generates the demo source in SQLite, then builds the mart from it, each step in
its own process so that its peak resident memory is its own. Prints a Markdown
table (the one in docs/performance.md). Targets (issue 2): generation within
15 minutes, refresh within 10 minutes and 4 GB.
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _child(step: str, db_url: str, mart: str, pegawai: int) -> None:
    """Run one step in this process and print its measurements as JSON."""
    sys.path.insert(0, str(REPO))
    from data_access import db, demo, refresh

    started = time.monotonic()
    if step == "demo":
        counts = demo.generate(db.make_engine(db_url, create_sqlite_dir=True), n_pegawai=pegawai,
                               overwrite=True)
    else:
        refresh.refresh(db_url, mart)
        counts = {}
    print(json.dumps({
        "seconds": time.monotonic() - started,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "counts": counts,
    }))


def _run(step: str, db_url: str, mart: str, pegawai: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", step, "--db-url", db_url, "--mart", mart,
         "--pegawai", str(pegawai)],
        check=True, stdout=subprocess.PIPE, text=True)  # stderr (progress, errors) passes through
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pegawai", type=int, default=4_500_000)
    parser.add_argument("--dir", default="/tmp/dasbor-bench")
    parser.add_argument("--reuse", action="store_true", help="keep an existing source; measure the refresh only")
    parser.add_argument("--child")
    parser.add_argument("--db-url")
    parser.add_argument("--mart")
    args = parser.parse_args()
    if args.child:
        _child(args.child, args.db_url, args.mart, args.pegawai)
        return

    workdir = Path(args.dir)
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / "sumber.sqlite"
    mart = workdir / "mart.duckdb"
    db_url = f"sqlite:///{source}"
    gen = None if args.reuse and source.exists() else _run("demo", db_url, str(mart), args.pegawai)
    ref = _run("refresh", db_url, str(mart), args.pegawai)
    with sqlite3.connect(source) as conn:
        rows = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in ("pegawai", "riwayat_pelatihan", "penilaian_kompetensi", "survei_kepuasan")}

    def n(x):
        return f"{x:,}".replace(",", ".")

    print("| ukuran | nilai | target |\n|---|---|---|")
    for table, count in rows.items():
        print(f"| baris {table} | {n(count)} | |")
    print(f"| ukuran sumber SQLite | {source.stat().st_size / 2**30:.1f} GB | |")
    if gen:
        print(f"| waktu pembuatan data demo | {gen['seconds'] / 60:.1f} menit | <= 15 menit |")
        print(f"| memori puncak pembuatan | {gen['peak_mb'] / 1024:.2f} GB | |")
    print(f"| waktu refresh mart | {ref['seconds'] / 60:.1f} menit | <= 10 menit |")
    print(f"| memori puncak refresh | {ref['peak_mb'] / 1024:.2f} GB | <= 4 GB |")
    print(f"| ukuran mart DuckDB | {mart.stat().st_size / 2**20:.0f} MB | |")


if __name__ == "__main__":
    main()
