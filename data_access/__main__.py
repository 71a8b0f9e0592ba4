"""Command line: `python -m data_access demo|import|template|check|refresh|access|ekspor`.

Every failure the user can fix ends in one Indonesian sentence and exit status 2
(1 for a data file or source that breaks the contract), never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import getpass
import sys
import time
from pathlib import Path

from . import config, db
from .filters import SPECS


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


def _why_not_written(exc: OSError, own: dict[int, str]) -> str:
    """Why a file could not be written, in Indonesian: `own` for what a command says its own way."""
    why = {errno.EACCES: "tidak ada izin menulis di sana", errno.EPERM: "tidak ada izin menulis di sana",
           errno.EROFS: "foldernya hanya-baca", errno.ENOTDIR: "sebagian jalurnya berkas, bukan folder",
           errno.EEXIST: "sebagian jalurnya berkas, bukan folder", errno.ENOSPC: "disk penuh", **own}
    return why.get(exc.errno, exc.strerror or str(exc))


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


def _oleh(args) -> str:
    """Who the history (data_access/riwayat.py) records for an import or refresh: --pengguna, or
    the shell user as "(cli <user>)"."""
    from . import akses
    email = getattr(args, "pengguna", None)
    if not email:
        return f"(cli {getpass.getuser()})"
    if not akses.EMAIL.fullmatch(akses.normal_email(email)):
        raise db.SourceError(f"--pengguna harus sebuah email, bukan {email!r}.")
    return akses.normal_email(email)


def cmd_refresh(args, settings) -> int:
    from . import refresh
    meta = refresh.refresh(settings.database_url, settings.mart_path, progress=_throttled(), oleh=_oleh(args))
    print(f"Mart diperbarui: {settings.mart_path} (data per {meta['data_per'] or '-'}, "
          f"{meta['durasi_detik']} detik).")
    return 0


def cmd_check(args, settings) -> int:
    from . import validate
    engine = db.make_engine(settings.database_url)
    report = validate.check_source(engine, per=args.per)
    print(report.text())
    return 0 if report.ok else 1


def _tanggal(text: str):
    """--per: a date written TTTT-BB-HH."""
    from datetime import date
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bukan tanggal TTTT-BB-HH: {text!r}") from None


def cmd_import(args, settings) -> int:
    from . import importer, riwayat
    oleh, folder = _oleh(args), Path(args.folder)
    berkas = sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    engine = db.make_engine(settings.database_url, create_sqlite_dir=True)
    try:
        result = importer.import_folder(engine, folder, per=args.per, format=args.format)
    except db.SourceError as exc:
        riwayat.catat_impor(settings.mart_path, oleh, berkas, galat=str(exc))
        raise
    riwayat.catat_impor(settings.mart_path, oleh, berkas, result)
    print(result.text())
    return 0 if result.ok else 1


def cmd_template(args, settings) -> int:
    """The XLSX import template (data_access/templat.py) written into a folder."""
    from . import templat
    folder = Path(args.folder)
    try:
        path = templat.write_template(folder, overwrite=args.timpa)
    except FileExistsError as exc:
        print(f"Gagal: {exc} sudah ada (mungkin templat yang sudah diisi); pilih folder lain, atau tambahkan "
              "--timpa untuk menggantinya.", file=sys.stderr)
        return 2
    except OSError as exc:
        why = _why_not_written(exc, {errno.ENOENT: "foldernya tidak dapat dibuat di sana",
                                     errno.EISDIR: "nama berkas templat di sana adalah folder"})
        print(f"Gagal: templat tidak bisa ditulis ke folder {folder}: {why}.", file=sys.stderr)
        return 2
    print(f"Templat impor ditulis ke {path}: satu lembar per tabel dengan satu baris contoh, daftar pilihan, dan "
          f"lembar Petunjuk. Isi, hapus baris contohnya, lalu impor dengan `python -m data_access import {folder}`.")
    return 0


def _unknown_codes(mart_path: str, wilayah, instansi) -> list[str]:
    """Codes a grant names that the current mart does not know (none when there is no mart)."""
    from . import mart
    if not Path(mart_path).exists() or not (wilayah or instansi):
        return []
    version = mart.version(mart_path)  # read as the dashboard reads it: a damaged mart is explained
    known_w = set(mart.run(mart_path, version, "SELECT kode FROM wilayah")["kode"])
    known_i = set(mart.run(mart_path, version, "SELECT kode FROM instansi")["kode"])
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


EKSPOR_FORMAT = {"csv-id": "csv_id", "csv": "csv_int", "xlsx": "xlsx"}  # --format -> ekspor.FORMAT


class _Tolak(Exception):
    """An export the command line refuses; the text says why, in one Indonesian sentence."""


def _pemakai(args, settings, info) -> tuple[str, str, object, str]:
    """(who, role, scope, the scope in words) of an export: the grant of --pengguna, read as the
    dashboard reads it at sign-in. Without --pengguna: the shell user, as admin over all data (they
    can read the mart and the source files themselves), recorded as "(cli <user>)"."""
    from . import akses, queries
    from .filters import Scope

    if not args.pengguna:
        return f"(cli {getpass.getuser()})", "admin", Scope(lihat_orang=True, nip_penuh=True), "seluruh Indonesia"
    email = akses.normal_email(args.pengguna)
    hak = akses.cari(settings.akses_path, email)
    scope = akses.scope_of(hak)
    if scope is None:
        why = "tidak terdaftar" if hak is None else f"peran {hak.peran} tanpa cakupan"
        raise _Tolak(f"{email} tidak punya akses ke dasbor ({why}); beri aksesnya dengan "
                     "`python -m data_access access grant`.")
    sel = queries.Selection(info.path, info.version, scope)
    if not scope.is_all and not queries.cakupan_ada(sel):
        raise _Tolak(f"cakupan akses {email} ({hak.cakupan}) tidak cocok dengan wilayah atau instansi mana pun "
                     "di data saat ini.")
    return email, hak.peran, scope, queries.nama_cakupan(sel)


def cmd_ekspor(args, settings) -> int:
    """A dataset of the Unduh page as a file, through the same datasets, scope rules,
    neutralisation and audit as the dashboard's buttons (data_access/ekspor.py)."""
    from . import ekspor, mart
    from .queries import Selection

    style = EKSPOR_FORMAT.get(args.format)
    if style is None:
        print(f"Gagal: format {args.format!r} tidak dikenal; pilih {', '.join(EKSPOR_FORMAT)}.", file=sys.stderr)
        return 2
    info = mart.info(settings.mart_path)
    try:
        who, peran, scope, cakupan = _pemakai(args, settings, info)
        datasets = ekspor.available(scope)
        if args.daftar:
            print("\n".join(datasets))
            return 0
        if not args.dataset:
            raise _Tolak("sebutkan DATASET yang diekspor, atau --daftar untuk melihat namanya.")
        if args.dataset not in ekspor.DATASETS:
            raise _Tolak(f"dataset {args.dataset!r} tidak dikenal; daftarnya: python -m data_access ekspor --daftar.")
        if args.dataset not in datasets:
            raise _Tolak(f"peran {peran} tidak berhak mengunduh data orang per orang ({args.dataset}).")
        if not args.keluar:
            raise _Tolak("sebutkan berkas tujuan dengan --keluar BERKAS (atau --keluar - untuk stdout).")
        ds = datasets[args.dataset]
        filters, labels = ekspor.pilih_filter(info, scope, {spec.key: getattr(args, spec.key) for spec in SPECS})
        notes = ekspor.keterangan(ds.judul, info, filters.tahun, labels, cakupan)
        rows, data = ekspor.berkas(Selection(info.path, info.version, scope, filters), ds, style, notes)
    except (_Tolak, ekspor.FilterTidakDikenal, ekspor.TerlaluBesar, PermissionError) as exc:
        print(f"Gagal: {exc}", file=sys.stderr)
        return 2
    try:
        if args.keluar == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            Path(args.keluar).write_bytes(data)
    except OSError as exc:
        why = _why_not_written(exc, {errno.ENOENT: "foldernya tidak ada", errno.EISDIR: "itu sebuah folder"})
        print(f"Gagal: berkas {args.keluar} tidak bisa ditulis: {why}.", file=sys.stderr)
        return 2
    if ds.orang:
        ekspor.catat(settings.akses_path, who, peran, ds.kunci, filters, rows, "cli")
    print(f"{ds.kunci}: {f'{rows:,}'.replace(',', '.')} baris ditulis ke "
          f"{'stdout' if args.keluar == '-' else args.keluar}.", file=sys.stderr if args.keluar == "-" else sys.stdout)
    return 0


def main(argv: list[str] | None = None) -> int:
    from . import log
    log.setup()
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
    p.add_argument("--per", type=_tanggal, metavar="TTTT-BB-HH",
                   help="tanggal acuan data: tanggal sesudahnya ditolak (bawaan: hari ini)")
    p.add_argument("--pengguna", metavar="EMAIL", help="siapa yang mengimpor, untuk riwayat (bawaan: pengguna sistem)")
    p.add_argument("--format", choices=["kontrak", "siasn"], default="kontrak",
                   help="kontrak: berkas per tabel kontrak (bawaan); siasn: juga berkas berbentuk SIASN "
                        "(data_utama*, riwayat_kursus*, riwayat_diklat*; docs/siasn.md)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("template", help="tulis templat impor XLSX (satu lembar per tabel, daftar pilihan, Petunjuk)")
    p.add_argument("folder", help="folder tujuan (dibuat bila belum ada)")
    p.add_argument("--timpa", action="store_true", help="ganti templat yang sudah ada di folder itu")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("check", help="periksa isi sumber terhadap kontrak data")
    p.add_argument("--per", type=_tanggal, metavar="TTTT-BB-HH",
                   help="tanggal acuan data: tanggal sesudahnya ditolak (bawaan: hari ini)")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("refresh", help="bangun ulang mart DuckDB dari sumber (hanya membaca sumber)")
    p.add_argument("--pengguna", metavar="EMAIL", help="siapa yang memperbarui, untuk riwayat (bawaan: pengguna sistem)")
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

    p = sub.add_parser("ekspor", help="tulis data halaman Unduh ke berkas CSV/XLSX (untuk skrip dan jadwal)")
    p.add_argument("dataset", nargs="?", metavar="DATASET", help="nama data (lihat --daftar)")
    p.add_argument("--daftar", action="store_true", help="tampilkan nama data yang boleh diekspor, satu per baris")
    p.add_argument("--format", default="csv-id", metavar="|".join(EKSPOR_FORMAT),
                   help="csv-id: Excel Indonesia (;, koma desimal; bawaan), csv: internasional (,), xlsx: Excel")
    p.add_argument("--keluar", metavar="BERKAS", help="berkas tujuan; - untuk stdout")
    p.add_argument("--pengguna", metavar="EMAIL",
                   help="ekspor dengan akses pengguna ini (peran dan cakupannya); tanpa ini: admin, semua data")
    for spec in SPECS:
        p.add_argument(f"--{spec.key.replace('_', '-')}", dest=spec.key, metavar="TAHUN" if spec.key == "tahun" else "KODE",
                       help="tahun data (bawaan: tahun terakhir)" if spec.key == "tahun"
                       else f"{spec.label}: kode seperti di tautan dasbor")
    p.set_defaults(func=cmd_ekspor)

    args = parser.parse_args(argv)
    try:
        settings = config.load_settings(db=args.db, mart=args.mart)
    except db.SourceError as exc:
        print(f"Gagal: {exc}", file=sys.stderr)
        return 2
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
    except Exception as exc:  # a failure with a known cause still gets one sentence, not a traceback
        from sqlalchemy.exc import DBAPIError

        from . import mart
        if isinstance(exc, mart.MartUnavailable):
            print(f"Gagal: {exc}", file=sys.stderr)
        elif isinstance(exc, DBAPIError):  # the source refused a query after the connection opened
            print(f"Gagal: {db.connection_error(settings.database_url, exc)}", file=sys.stderr)
        else:
            raise
        return 2
    except KeyboardInterrupt:
        print("Dibatalkan.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
