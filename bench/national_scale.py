"""Benchmark: build the national scale (4,5 million employees) and refresh the mart.

    python bench/national_scale.py [--pegawai 4500000] [--dir /tmp/dasbor-bench]
    python bench/national_scale.py --reuse --mariadb mysql+pymysql://root@127.0.0.1:3306/dasbor_nasional

Generates the demo source in SQLite, then builds the mart from it, each step in
its own process so that its peak resident memory is its own. Prints a Markdown
table (the one in docs/performance.md). Targets (issue 2): generation within
15 minutes, refresh within 10 minutes and 4 GB.

`--mariadb URL` also copies the source into that MySQL/MariaDB database (created if
missing; its contract tables are replaced) and refreshes a second mart
(`mart-mariadb.duckdb`) from there, the way an agency's server is read (issue 26: within
10 minutes too). With `--reuse` a copy whose row counts match the SQLite source is kept.
The copy streams each table from the `sqlite3` command line (Debian's sqlite3) through a
pipe into LOAD DATA LOCAL INFILE, so it needs the server's local_infile and no disk space
beyond the database's own. With MariaDB's default 128 MB buffer pool it ran at about 30.000
rows/s; after `SET GLOBAL innodb_buffer_pool_size = 4294967296` (and
`innodb_flush_log_at_trx_commit = 2`) at 60.000-80.000 rows/s, about 25 minutes for the national
source: set them first on a machine of your own.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import threading
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


def _mariadb_rows(url: str) -> dict[str, int]:
    """Rows per contract table in the MySQL/MariaDB database of `url` (empty if it is missing)."""
    sys.path.insert(0, str(REPO))
    import sqlalchemy as sa

    from data_access import contract, db
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            present = set(sa.inspect(conn).get_table_names())
            return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                    for t in contract.TABLES if t.name in present}
    except sa.exc.OperationalError:  # no such database yet
        return {}
    finally:
        engine.dispose()


def _export_sql(table, rows: int) -> str:
    """The table's rows in MySQL's LOAD DATA text format, in key order: tab between fields,
    \\N for NULL, and backslash, tab and newline escaped in text (the sqlite3 CLI prints the
    rest as it is, doubles with the 17 digits that read back as the same double)."""
    import sqlalchemy as sa
    exprs = []
    for c in table.columns:
        col = f'"{c.name}"'
        if isinstance(c.type, (sa.String, sa.Text)):
            exprs.append(f"replace(replace(replace({col}, '\\', '\\\\'), char(9), '\\t'), char(10), '\\n')")
        elif isinstance(c.type, sa.Double):
            exprs.append(f"CASE WHEN {col} IS NULL THEN NULL ELSE printf('%!.17g', {col}) END")
        else:
            exprs.append(col)
    # In key order, so that InnoDB appends to its clustered index instead of rewriting pages all
    # over it (a buffer pool smaller than the table made that 6.000 rows/s). Up to 10 million rows
    # are sorted in memory ("+" keeps SQLite from walking the key's index, a random read per row);
    # the generator writes the larger (history) tables in key order, so their index walk is sequential.
    key = ", ".join(f'{"+" if rows <= 10_000_000 else ""}"{c.name}"' for c in table.primary_key.columns)
    return (f"PRAGMA temp_store = MEMORY; PRAGMA cache_size = -1000000; "
            f'SELECT {", ".join(exprs)} FROM "{table.name}" ORDER BY {key}')


def _copy_to_mariadb(source: Path, url: str) -> dict:
    """Copy the SQLite bench source into the MySQL/MariaDB database of `url`: the contract's
    tables without their indexes, each table piped from the sqlite3 CLI into LOAD DATA LOCAL
    INFILE, the row counts checked, then the indexes. Returns the seconds of both phases."""
    sys.path.insert(0, str(REPO))
    import pymysql
    import sqlalchemy as sa

    from data_access import contract, db
    u = sa.engine.make_url(url)
    started = time.monotonic()
    con = pymysql.connect(host=u.host, port=u.port or 3306, user=u.username, password=u.password or "",
                          charset="utf8mb4", local_infile=True, autocommit=True)
    try:
        cur = con.cursor()
        cur.execute(f"CREATE DATABASE IF NOT EXISTS `{u.database}` CHARACTER SET utf8mb4")
        cur.execute(f"USE `{u.database}`")
        engine = db.make_engine(url)
        with engine.begin() as conn:
            for table in reversed(contract.TABLES):
                table.drop(conn, checkfirst=True)
            db.create_tables(conn, indexes=False)
        # The server waits for the first rows while sqlite3 sorts a table: longer than its default 30 s.
        cur.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0, net_read_timeout = 3600")
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as lite:
            present = {r[0] for r in lite.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            expected = {t: lite.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]
                        for t in contract.REQUIRED_TABLES + sorted(contract.OPTIONAL_TABLES) if t in present}
        with tempfile.TemporaryDirectory(prefix="salin-mariadb-") as tmp:
            for table in contract.TABLES:
                if table.name not in present:
                    continue
                t0 = time.monotonic()
                pipe = Path(tmp) / f"{table.name}.tsv"
                os.mkfifo(pipe)
                failed = []

                def export(pipe=pipe, table=table, failed=failed):
                    with open(pipe, "wb") as out:  # opens once LOAD DATA opens the other end
                        done = subprocess.run(
                            ["nice", "-n", "10", "sqlite3", "-readonly", "-batch", "-noheader", "-list",
                             "-separator", "\t", "-newline", "\n", "-nullvalue", "\\N", str(source),
                             _export_sql(table, expected[table.name])], stdout=out)
                    failed.append(done.returncode)
                writer = threading.Thread(target=export)
                writer.start()
                columns = ", ".join(f"`{c.name}`" for c in table.columns)
                loaded = cur.execute(
                    f"LOAD DATA LOCAL INFILE '{pipe}' INTO TABLE `{table.name}` CHARACTER SET utf8mb4 "
                    f"FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' ({columns})")
                writer.join()
                cur.execute("SHOW COUNT(*) WARNINGS")
                warnings = cur.fetchone()[0]
                if failed != [0] or loaded != expected[table.name] or warnings:
                    raise SystemExit(f"salin {table.name}: {loaded} baris dari {expected[table.name]}, "
                                     f"{warnings} peringatan, sqlite3 keluar dengan {failed}")
                print(f"salin {table.name}: {loaded} baris, {time.monotonic() - t0:.0f} s", file=sys.stderr)
        rows_done = time.monotonic()
        with engine.begin() as conn:
            db.create_indexes(conn)
        engine.dispose()
    finally:
        con.close()
    return {"seconds": time.monotonic() - started, "index_seconds": time.monotonic() - rows_done}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pegawai", type=int, default=4_500_000)
    parser.add_argument("--dir", default="/tmp/dasbor-bench")
    parser.add_argument("--reuse", action="store_true", help="keep an existing source; measure the refresh only")
    parser.add_argument("--mariadb", metavar="URL",
                        help="also copy the source into this MySQL/MariaDB database and refresh from it")
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
    copy = ref_maria = None
    if args.mariadb:
        kept = _mariadb_rows(args.mariadb)
        if not (args.reuse and all(kept.get(t) == n for t, n in rows.items())):
            copy = _copy_to_mariadb(source, args.mariadb)
        ref_maria = _run("refresh", args.mariadb, str(workdir / "mart-mariadb.duckdb"), args.pegawai)

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
    if copy:
        print(f"| waktu salin sumber ke MariaDB | {copy['seconds'] / 60:.1f} menit "
              f"(indeks {copy['index_seconds'] / 60:.1f}) | |")
    if ref_maria:
        print(f"| waktu refresh mart dari MariaDB | {ref_maria['seconds'] / 60:.1f} menit | <= 10 menit |")
        print(f"| memori puncak refresh dari MariaDB | {ref_maria['peak_mb'] / 1024:.2f} GB | <= 4 GB |")


if __name__ == "__main__":
    main()
