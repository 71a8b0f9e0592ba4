"""Benchmark: import a national-volume training file in bounded memory (issue #19, point 9).

    python bench/import_memory.py                          # 2 million training rows into SQLite
    python bench/import_memory.py --baris 200000           # quick run, < 1 min
    python bench/import_memory.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test
    python bench/import_memory.py --reuse --ulang --xlsx 200000   # replace every row; an XLSX too

Writes into --dir a contract folder (`impor/`): riwayat_pelatihan.csv with --baris rows
(semicolon separated, decimal commas, as Indonesian Excel saves it), a matching
pegawai.csv (one employee per 13 training rows) and the reference tables the importer
needs (wilayah, instansi, unit_kerja, kompetensi). Then runs `python -m data_access
import` into a new source, and `check` on it, each in its own process, and reads that
process's peak resident memory from the kernel (`os.wait4`, ru_maxrss). With --postgres
the import also runs into a throwaway database on that server (created and dropped);
--ulang imports the same folder a second time (every row replaces a stored one); --xlsx N
also imports the first N training rows as a workbook.
Prints a Markdown table (the one in docs/performance.md) and a verdict against the
target: at most 1 GB peak for the import.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
TARGET_MB = 1024

from data_access.reference import wilayah_resmi  # noqa: E402 (the official list, as the importer checks it)
PELATIHAN_PER_PEGAWAI = 13

_JENIS = [("klasikal", "pelatihan teknis", "teknis"), ("klasikal", "seminar", "teknis"),
          ("klasikal", "pelatihan manajerial", "manajerial"), ("nonklasikal", "e-learning", "manajerial"),
          ("nonklasikal", "coaching", "manajerial"), ("klasikal", "pelatihan sosial kultural", "sosial kultural")]
_MODA = ["tatap muka", "daring", "campuran"]
_NAMA = ["Pelatihan Pengelolaan Keuangan Daerah", "Bimbingan Teknis Penyusunan Anggaran",
         "E-learning Integritas ASN", "Seminar Pelayanan Publik Inklusif", "Coaching Kinerja Pegawai",
         "Pelatihan Kepemimpinan Pengawas", "Workshop Penulisan Naskah Dinas"]
_JP = ["2", "4", "8", "24", "1,5", "3,25", "16", "32", "40"]


def _n(x: float) -> str:
    return f"{x:,.0f}".replace(",", ".")


def _gb(mb: float) -> str:
    return f"{mb / 1024:.2f}".replace(".", ",") + " GB"


def generate(folder: Path, baris: int, seed: int = 19) -> dict[str, int]:
    """Write the contract folder; returns rows per file."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)

    def write(name: str, rows, delimiter: str = ",") -> int:
        n = -1
        with (folder / f"{name}.csv").open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, delimiter=delimiter)
            for n, row in enumerate(rows):
                w.writerow(row)
        return n

    regions = {k: w for k, w in wilayah_resmi().items() if w.induk == "32"}  # Jawa Barat's 27 kab/kota
    kab = list(regions)
    counts = {
        "wilayah": write("wilayah", [["kode", "nama", "tingkat", "kode_induk", "kelompok_wilayah", "daerah_3t"],
                                     ["32", "Jawa Barat", "provinsi", "", "Jawa", ""]]
                         + [[k, w.nama, w.tingkat, "32", "", "0"] for k, w in regions.items()]),
        "instansi": write("instansi", [["kode", "nama", "jenis", "kode_wilayah"]]
                          + [[f"D{k}", f"Pemerintah {w.nama}", w.tingkat, k] for k, w in regions.items()]),
        "unit_kerja": write("unit_kerja", [["kode", "kode_instansi", "nama", "kode_wilayah", "jenis_layanan"]]
                            + [[f"U{k}{j:02d}", f"D{k}", f"Dinas Uji {j} {k}", k, "Kesehatan"]
                               for k in kab for j in range(20)]),
        "kompetensi": write("kompetensi", [["kode", "nama", "kelompok"], ["M.01", "Integritas", "manajerial"],
                                           ["T.01", "Pengelolaan Keuangan", "teknis"]]),
    }
    units = [f"U{k}{j:02d}" for k in kab for j in range(20)]
    n_pegawai = max(1, baris // PELATIHAN_PER_PEGAWAI)
    nips = []

    def pegawai():
        yield ["nip", "nama", "jenis_kelamin", "tanggal_lahir", "jenis_asn", "golongan", "jenis_jabatan",
               "jenjang_jabatan", "pendidikan", "kode_unit", "tmt_asn", "aktif"]
        serial: dict[str, int] = {}
        for i in range(n_pegawai):
            born = date(1965, 1, 1) + timedelta(days=rng.randrange(365 * 30))
            tmt = date(born.year + rng.randrange(22, 30), rng.randrange(1, 13), 1)
            sex = rng.choice("LP")
            prefix = f"{born:%Y%m%d}{tmt:%Y%m}{'1' if sex == 'L' else '2'}"
            serial[prefix] = serial.get(prefix, 0) + 1
            nip = f"{prefix}{serial[prefix]:03d}"
            nips.append(nip)
            yield [nip, f"Pegawai Uji {i}", sex, born.isoformat(), "PNS", "III/a", "Fungsional", "Ahli Pertama",
                   "S1", rng.choice(units), tmt.isoformat(), "1"]

    counts["pegawai"] = write("pegawai", pegawai(), ";")

    def pelatihan():
        yield ["id", "nip", "nama_pelatihan", "jalur", "jenis", "moda", "penyelenggara", "tanggal_mulai",
               "tanggal_selesai", "jp", "kelompok_kompetensi", "kode_kompetensi"]
        first = date(2021, 1, 1)
        for i in range(1, baris + 1):
            jalur, jenis, kelompok = rng.choice(_JENIS)
            start = first + timedelta(days=rng.randrange(365 * 5 - 5))
            yield [i, rng.choice(nips), rng.choice(_NAMA), jalur, jenis, rng.choice(_MODA), "BPSDM Provinsi",
                   start.isoformat(), (start + timedelta(days=rng.randrange(4))).isoformat(), rng.choice(_JP),
                   kelompok, "M.01" if kelompok == "manajerial" else ""]

    counts["riwayat_pelatihan"] = write("riwayat_pelatihan", pelatihan(), ";")
    return counts


def measure(args: list[str]) -> dict:
    """Run `python -m data_access ARGS` in its own process: seconds, peak RSS (MB), exit code, output."""
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "data_access", *args], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak, not the largest of all children
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"seconds": time.monotonic() - started, "peak_mb": usage.ru_maxrss / 1024,
            "code": proc.returncode, "out": out}


def _server_database(admin_url: str):
    """A throwaway database on a PostgreSQL server: (url, drop)."""
    import sqlalchemy as sa
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"dasbor_bench_impor_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
    return sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False), drop


def xlsx_folder(folder: Path, target: Path, baris: int) -> Path:
    """The same files with the first `baris` training rows as a workbook (Excel holds at most
    1.048.575 data rows a sheet), the rest as CSV."""
    import openpyxl
    target.mkdir(parents=True, exist_ok=True)
    for name in ("wilayah", "instansi", "unit_kerja", "kompetensi", "pegawai"):
        shutil.copy(folder / f"{name}.csv", target / f"{name}.csv")
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("riwayat_pelatihan")
    with (folder / "riwayat_pelatihan.csv").open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.reader(fh, delimiter=";")):
            if i > baris:
                break
            sheet.append(row)
    book.save(target / "riwayat_pelatihan.xlsx")
    return target


def _run(rows: list, label: str, args: list[str], judged: bool) -> None:
    print(f"{label}…", file=sys.stderr, flush=True)
    m = measure(args)
    if m["code"] != 0:
        print(m["out"][-3000:], file=sys.stderr)
        sys.exit(f"{label} gagal (status {m['code']}).")
    rows.append((label, m, judged))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baris", type=int, default=2_000_000, help="baris riwayat_pelatihan (bawaan 2 juta)")
    parser.add_argument("--dir", default="/tmp/dasbor-bench-import")
    parser.add_argument("--reuse", action="store_true", help="pakai folder impor yang sudah ada")
    parser.add_argument("--postgres", metavar="URL", help="juga impor ke basis data sementara di server ini")
    parser.add_argument("--tanpa-check", dest="check", action="store_false", help="jangan ukur `check`")
    parser.add_argument("--ulang", action="store_true",
                        help="impor sekali lagi ke sumber yang sudah berisi: semua baris menggantikan")
    parser.add_argument("--xlsx", type=int, default=0, metavar="BARIS",
                        help="juga impor BARIS pelatihan pertama sebagai XLSX (ke SQLite)")
    args = parser.parse_args()

    workdir = Path(args.dir)
    folder = workdir / "impor"
    if not (args.reuse and (folder / "riwayat_pelatihan.csv").exists()):
        print(f"Membuat berkas impor ({_n(args.baris)} baris pelatihan) di {folder}…", file=sys.stderr, flush=True)
        generate(folder, args.baris)
    size_mb = (folder / "riwayat_pelatihan.csv").stat().st_size / 2**20
    with (folder / "riwayat_pelatihan.csv").open() as fh:
        baris = sum(1 for _ in fh) - 1
    with (folder / "pegawai.csv").open() as fh:
        pegawai = sum(1 for _ in fh) - 1

    targets = [("SQLite", f"sqlite:///{workdir / 'sumber.sqlite'}", None)]
    (workdir / "sumber.sqlite").unlink(missing_ok=True)
    if args.postgres:
        targets.append(("PostgreSQL", *_server_database(args.postgres)))
    rows: list = []
    try:
        for label, url, _ in targets:
            _run(rows, f"impor ke {label}", ["--db", url, "import", str(folder)], True)
            if args.ulang:
                _run(rows, f"impor ulang ke {label} (semua baris menggantikan)", ["--db", url, "import", str(folder)],
                     True)
            if args.check:
                _run(rows, f"`check` pada {label}", ["--db", url, "check"], False)
    finally:
        for _, _, drop in targets:
            if drop:
                drop()
    if args.xlsx:
        print(f"Membuat XLSX {_n(args.xlsx)} baris…", file=sys.stderr, flush=True)
        xlsx = xlsx_folder(folder, workdir / "impor-xlsx", args.xlsx)
        (workdir / "sumber-xlsx.sqlite").unlink(missing_ok=True)
        _run(rows, f"impor XLSX {_n(args.xlsx)} baris ke SQLite ({(xlsx / 'riwayat_pelatihan.xlsx').stat().st_size / 2**20:.0f} MB)",
             ["--db", f"sqlite:///{workdir / 'sumber-xlsx.sqlite'}", "import", str(xlsx)], True)

    print(f"Berkas: riwayat_pelatihan.csv {_n(baris)} baris ({size_mb:.0f} MB), pegawai.csv {_n(pegawai)} baris\n")
    print("| langkah | waktu | memori puncak (RSS) | target |\n|---|---|---|---|")
    for name, m, judged in rows:
        print(f"| {name} | {m['seconds']:.0f} detik | {_gb(m['peak_mb'])} ({_n(m['peak_mb'] * 1024)} kB) "
              f"| {'<= 1 GB' if judged else ''} |")
    worst = max(m["peak_mb"] for _, m, judged in rows if judged)
    print(f"\nPutusan: memori puncak impor terbesar {_gb(worst)}, target <= 1 GB: "
          + ("TERPENUHI" if worst <= TARGET_MB else "BELUM terpenuhi"))


if __name__ == "__main__":
    main()
