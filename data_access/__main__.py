"""Command line: `python -m data_access demo|import|check|refresh|access`.

Every failure the user can fix ends in one Indonesian sentence and exit status 2
(1 for a data file or source that breaks the contract), never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from pathlib import Path

from . import config, db


def _progress(step: str, fraction: float) -> None:
    print(f"[{fraction * 100:5.1f}%] {step}", file=sys.stderr, flush=True)


def _throttled():
    last = {"step": None, "t": 0.0}

    def report(step: str, fraction: float) -> None:
        now = time.monotonic()
        if step != last["step"] or now - last["t"] > 5 or fraction >= 1:
            _progress(step, fraction)
            last.update(step=step, t=now)
    return report


def cmd_demo(args, settings) -> int:
    from . import demo
    engine = db.make_engine(settings.database_url, create_sqlite_dir=True)
    started = time.monotonic()
    counts = demo.generate(engine, n_pegawai=args.pegawai, seed=args.seed,
                           progress=_throttled(), overwrite=args.timpa)
    print(f"Data demo ditulis ke {db.describe_url(settings.database_url)} "
          f"dalam {time.monotonic() - started:.0f} detik:")
    for table, n in counts.items():
        print(f"  {table:22s} {n:>12,}".replace(",", "."))
    if not args.tanpa_refresh:
        return cmd_refresh(args, settings)
    return 0


def cmd_refresh(args, settings) -> int:
    from . import refresh
    meta = refresh.refresh(settings.database_url, settings.mart_path, progress=_throttled())
    print(f"Mart diperbarui: {settings.mart_path} (data per {meta['data_per'] or '-'}, "
          f"{meta['durasi_detik']} detik).")
    return 0


def cmd_check(args, settings) -> int:
    from . import validate
    engine = db.make_engine(settings.database_url)
    report = validate.check_source(engine)
    print(report.text())
    return 0 if report.ok else 1


def cmd_import(args, settings) -> int:
    from . import importer
    engine = db.make_engine(settings.database_url, create_sqlite_dir=True)
    result = importer.import_folder(engine, Path(args.folder))
    print(result.text())
    return 0 if result.ok else 1


def _unknown_codes(mart_path: str, wilayah, instansi) -> list[str]:
    """Codes a grant names that the current mart does not know (none when there is no mart)."""
    import duckdb
    if not Path(mart_path).exists() or not (wilayah or instansi):
        return []
    with duckdb.connect(mart_path, read_only=True) as con:
        known_w = {r[0] for r in con.execute("SELECT kode FROM wilayah").fetchall()}
        known_i = {r[0] for r in con.execute("SELECT kode FROM instansi").fetchall()}
    return ([f"wilayah {c}" for c in wilayah if c not in known_w]
            + [f"instansi {c}" for c in instansi if c not in known_i])


def cmd_access(args, settings) -> int:
    from . import akses
    path = settings.akses_path
    if args.aksi == "list":
        rows = akses.daftar(path)
        if not rows:
            print(f"Belum ada pengguna terdaftar di {path}.")
        for h in rows:
            print(f"{h.email:40s} {h.peran:15s} {h.cakupan}  (oleh {h.diberikan_oleh}, {h.diberikan_pada})")
        return 0
    if args.aksi == "revoke":
        if akses.revoke(path, args.email):
            print(f"Akses {akses.normal_email(args.email)} dicabut.")
            return 0
        print(f"Tidak ada akses untuk {akses.normal_email(args.email)}.", file=sys.stderr)
        return 1
    unknown = _unknown_codes(settings.mart_path, args.wilayah, args.instansi)
    if unknown and not args.paksa:
        print(f"Gagal: kode yang tidak ada di data: {', '.join(unknown)}. Periksa kodenya, "
              "atau tambahkan --paksa bila datanya memang belum dimuat.", file=sys.stderr)
        return 2
    try:
        hak = akses.grant(path, args.email, args.peran, args.wilayah, args.instansi, oleh=args.oleh)
    except akses.AksesError as exc:
        print(f"Gagal: {exc}", file=sys.stderr)
        return 2
    print(f"Akses diberikan: {hak.email} sebagai {hak.peran}, cakupan {hak.cakupan}.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m data_access",
        description="Kelola data Dasbor Pembinaan ASN: data demo, impor, pemeriksaan, dan mart.")
    parser.add_argument("--db", help="URL basis data sumber (bawaan: DATABASE_URL atau data/sumber.sqlite)")
    parser.add_argument("--mart", help="berkas mart DuckDB (bawaan: MART_PATH atau data/mart.duckdb)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")

    p = sub.add_parser("demo", help="tulis data demo yang realistis dan deterministik ke sumber")
    p.add_argument("--pegawai", type=int, default=None, help="jumlah pegawai (bawaan DEMO_PEGAWAI atau 50.000)")
    p.add_argument("--seed", type=int, default=None, help="benih acak (bawaan 2026)")
    p.add_argument("--timpa", action="store_true", help="timpa sumber walaupun berisi data bukan demo")
    p.add_argument("--tanpa-refresh", action="store_true", help="jangan bangun mart sesudahnya")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("import", help="muat folder CSV/XLSX sesuai kontrak data (semua atau tidak sama sekali)")
    p.add_argument("folder", help="folder berisi satu berkas per tabel, mis. pegawai.csv")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("check", help="periksa isi sumber terhadap kontrak data")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("refresh", help="bangun ulang mart DuckDB dari sumber (hanya membaca sumber)")
    p.set_defaults(func=cmd_refresh)

    p = sub.add_parser("access", help="kelola siapa boleh melihat apa (akses_pengguna)")
    access = p.add_subparsers(dest="aksi", required=True, metavar="AKSI")
    g = access.add_parser("grant", help="beri atau ubah akses seorang pengguna")
    g.add_argument("email", help="email yang dikirim penyedia login (OIDC)")
    g.add_argument("--peran", required=True, choices=["eksekutif", "kepala_wilayah", "perencana", "admin"])
    g.add_argument("--wilayah", action="append", default=[], metavar="KODE",
                   help="kode provinsi (2 angka) atau kabupaten/kota (4 angka); boleh berulang")
    g.add_argument("--instansi", action="append", default=[], metavar="KODE", help="kode instansi; boleh berulang")
    g.add_argument("--oleh", default=getpass.getuser(), help="siapa yang memberi (untuk jejak)")
    g.add_argument("--paksa", action="store_true", help="simpan walaupun kodenya belum ada di mart")
    r = access.add_parser("revoke", help="cabut akses seorang pengguna")
    r.add_argument("email")
    access.add_parser("list", help="daftar semua pengguna dan aksesnya")
    p.set_defaults(func=cmd_access)

    args = parser.parse_args(argv)
    settings = config.load_settings(db=args.db, mart=args.mart)
    if args.command == "demo":
        from . import demo
        args.pegawai = args.pegawai or settings.demo_pegawai
        args.seed = demo.DEFAULT_SEED if args.seed is None else args.seed
        if args.pegawai < 100:
            parser.error("--pegawai minimal 100")
    try:
        return args.func(args, settings)
    except db.SourceError as exc:
        print(f"Gagal: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("Dibatalkan.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
