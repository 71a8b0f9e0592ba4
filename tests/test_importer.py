"""The importer: good files load (twice gives the same data), every kind of bad file is
rejected with its file, row and column, and nothing is written when anything is wrong."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from data_access import db, importer, validate

NIP_SITI = "199001262016022001"
NIP_BUDI = "198501012010011002"


def good_files() -> dict[str, list[list[str]]]:
    """A small, consistent dataset: table -> header row and data rows."""
    return {
        "wilayah": [["kode", "nama", "tingkat", "kode_induk", "kelompok_wilayah", "daerah_3t"],
                    ["32", "Jawa Barat", "provinsi", "", "Jawa", ""],
                    ["3204", "Kabupaten Bandung", "kabupaten", "32", "", "0"],
                    ["3273", "Kota Bandung", "kota", "32", "", "0"]],
        "instansi": [["kode", "nama", "jenis", "kode_wilayah"],
                     ["P32", "Pemerintah Provinsi Jawa Barat", "provinsi", "32"],
                     ["D3204", "Pemerintah Kabupaten Bandung", "kabupaten", "3204"],
                     ["K01", "Kementerian Keuangan", "pusat", ""]],
        "unit_kerja": [["kode", "kode_instansi", "nama", "kode_wilayah", "jenis_layanan"],
                       ["U1", "D3204", "Dinas Kesehatan", "3204", "Kesehatan"],
                       ["U2", "K01", "Kantor Wilayah Jawa Barat", "3273", ""]],
        "kompetensi": [["kode", "nama", "kelompok"],
                       ["M.01", "Integritas", "manajerial"],
                       ["T.01", "Pengelolaan Keuangan", "teknis"]],
        "standar_kompetensi": [["jenjang_jabatan", "kode_kompetensi", "level_standar"],
                               ["Ahli Pertama", "M.01", "1"], ["Ahli Pertama", "T.01", "1"],
                               ["Pelaksana", "M.01", "1"]],
        "pegawai": [["nip", "nama", "jenis_kelamin", "tanggal_lahir", "jenis_asn", "golongan",
                     "jenis_jabatan", "jenjang_jabatan", "pendidikan", "kode_unit", "tmt_asn", "aktif"],
                    [NIP_SITI, "Siti Rahayu", "P", "1990-01-26", "PNS", "III/a", "Fungsional",
                     "Ahli Pertama", "S1", "U1", "2016-02-01", "1"],
                    [NIP_BUDI, "Budi Santoso", "L", "1985-01-01", "PPPK", "IX", "Pelaksana",
                     "Pelaksana", "S1", "U2", "2022-01-01", "1"]],
        "riwayat_pelatihan": [["id", "nip", "nama_pelatihan", "jalur", "jenis", "moda", "penyelenggara",
                               "tanggal_mulai", "tanggal_selesai", "jp", "kelompok_kompetensi",
                               "kode_kompetensi"],
                              ["1", NIP_SITI, "Pelatihan Pengelolaan Keuangan", "klasikal",
                               "pelatihan teknis", "tatap muka", "BPSDM", "2025-03-01", "2025-03-03",
                               "24", "teknis", "T.01"],
                              ["2", NIP_BUDI, "E-learning Integritas", "nonklasikal", "e-learning",
                               "daring", "LAN", "2025-05-01", "2025-05-01", "4", "manajerial", "M.01"]],
        "penilaian_kompetensi": [["id", "nip", "kode_kompetensi", "tanggal", "level", "metode"],
                                 ["1", NIP_SITI, "M.01", "2025-06-01", "2", "Assessment Center"]],
        "survei_kepuasan": [["id", "kode_unit", "tanggal", "jenis_layanan", "u1", "u2", "u3", "u4", "u5",
                             "u6", "u7", "u8", "u9", "jenis_kelamin", "usia", "pendidikan",
                             "pekerjaan", "saran"],
                            ["1", "U1", "2025-07-01", "Kesehatan", "4", "4", "3", "4", "3", "4", "4",
                             "3", "4", "P", "34", "S1", "Wiraswasta", "Antrean cepat"]],
        "volume_layanan": [["kode_unit", "tahun", "jumlah_penerima"], ["U1", "2025", "50"]],
    }


def pns_row(nip: str, nama: str, unit: str = "U1", jenjang: str = "Ahli Pertama") -> list[str]:
    """A pegawai row for a PNS whose NIP carries the birth date and sex (TMT 2012)."""
    return [nip, nama, "P" if nip[14] == "2" else "L", f"{nip[:4]}-{nip[4:6]}-{nip[6:8]}", "PNS",
            "III/a", "Fungsional", jenjang, "S1", unit, "2012-01-01", "1"]


def training_row(id_: int, nip: str, selesai: str, jp: str) -> list[str]:
    """A riwayat_pelatihan row: a one-day classroom technical course ending on `selesai`."""
    return [str(id_), nip, "Pelatihan Uji", "klasikal", "pelatihan teknis", "tatap muka", "",
            selesai, selesai, jp, "teknis", ""]


def survey_row(id_: int, unit: str, tanggal: str) -> list[str]:
    """A survei_kepuasan row with every element answered 3."""
    return [str(id_), unit, tanggal, "Kesehatan", *["3"] * 9, "L", "40", "S1", "Wiraswasta", ""]


def write_folder(folder: Path, files: dict, semicolon: set[str] = frozenset()) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in files.items():
        with (folder / f"{name}.csv").open("w", encoding="utf-8-sig" if name in semicolon else "utf-8",
                                           newline="") as fh:
            csv.writer(fh, delimiter=";" if name in semicolon else ",").writerows(rows)
    return folder


def imported_mart(folder: Path, files: dict) -> tuple[str, str]:
    """Import `files` into a new SQLite source in `folder`, refresh its mart: (path, version).
    Mart tests may date their data after today (a running year in 2028): no reference date."""
    from data_access import mart, refresh
    url = f"sqlite:///{folder / 's.sqlite'}"
    report = importer.import_folder(db.make_engine(url), write_folder(folder / "impor", files), per=dt.date.max)
    assert report.ok, report.text()
    path = str(folder / "m.duckdb")
    refresh.refresh(url, path)
    return path, mart.version(path)


def _set(files, table, row, column, value):
    header = files[table][0]
    files[table][row - 1][header.index(column)] = value


def _count(url, table) -> int | None:
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            if table not in sa.inspect(conn).get_table_names():
                return None
            return conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()
    finally:
        engine.dispose()


# (case, change to the good files, expected file, row, column, words of the message)
BAD_CASES = [
    ("nip pendek", lambda f: _set(f, "pegawai", 2, "nip", NIP_SITI[:-1]),
     "pegawai.csv", "2", "nip", "18 digit"),
    ("nip tidak sesuai tanggal lahir", lambda f: _set(f, "pegawai", 2, "tanggal_lahir", "1990-01-27"),
     "pegawai.csv", "2", "nip", "tanggal_lahir"),
    ("nip tidak sesuai jenis kelamin", lambda f: _set(f, "pegawai", 2, "jenis_kelamin", "L"),
     "pegawai.csv", "2", "nip", "digit ke-15"),
    ("nip nomor urut 000", lambda f: _set(f, "pegawai", 2, "nip", NIP_SITI[:-3] + "000"),
     "pegawai.csv", "2", "nip", "001-999"),
    ("tanggal tidak ada", lambda f: _set(f, "riwayat_pelatihan", 3, "tanggal_selesai", "2025-02-30"),
     "riwayat_pelatihan.csv", "3", "tanggal_selesai", "tidak ada di kalender"),
    ("tanggal format lain", lambda f: _set(f, "pegawai", 3, "tmt_asn", "01/01/2022"),
     "pegawai.csv", "3", "tmt_asn", "TTTT-BB-HH"),
    ("jenis asn tidak dikenal", lambda f: _set(f, "pegawai", 3, "jenis_asn", "Honorer"),
     "pegawai.csv", "3", "jenis_asn", "nilai tidak dikenal"),
    ("golongan pppk untuk pns", lambda f: _set(f, "pegawai", 2, "golongan", "IX"),
     "pegawai.csv", "2", "golongan", "I/a sampai IV/e"),
    ("jenjang bukan jenis jabatannya", lambda f: _set(f, "pegawai", 2, "jenjang_jabatan", "Pengawas"),
     "pegawai.csv", "2", "jenjang_jabatan", "tidak sesuai"),
    ("nama kosong", lambda f: _set(f, "pegawai", 2, "nama", " "),
     "pegawai.csv", "2", "nama", "wajib diisi"),
    ("nama terlalu panjang", lambda f: _set(f, "unit_kerja", 2, "nama", "x" * 151),
     "unit_kerja.csv", "2", "nama", "terlalu panjang"),
    ("jp nol", lambda f: _set(f, "riwayat_pelatihan", 2, "jp", "0"),
     "riwayat_pelatihan.csv", "2", "jp", "lebih dari 0"),
    ("jp bukan angka", lambda f: _set(f, "riwayat_pelatihan", 2, "jp", "dua"),
     "riwayat_pelatihan.csv", "2", "jp", "harus angka"),
    ("jp tiga desimal", lambda f: _set(f, "riwayat_pelatihan", 3, "jp", "0,705"),
     "riwayat_pelatihan.csv", "3", "jp", "paling banyak 2 angka di belakang koma"),
    ("jp tiga desimal ambigu", lambda f: _set(f, "riwayat_pelatihan", 3, "jp", "1,705"),
     "riwayat_pelatihan.csv", "3", "jp", "angka ambigu"),
    ("jp dengan pemisah ribuan", lambda f: _set(f, "riwayat_pelatihan", 2, "jp", "1.000,5"),
     "riwayat_pelatihan.csv", "2", "jp", "harus angka"),
    ("jp bukan bilangan", lambda f: _set(f, "riwayat_pelatihan", 2, "jp", "NaN"),
     "riwayat_pelatihan.csv", "2", "jp", "NaN/tak hingga tidak diterima"),
    ("jp di atas 2000", lambda f: _set(f, "riwayat_pelatihan", 2, "jp", "2000,01"),
     "riwayat_pelatihan.csv", "2", "jp", "tidak boleh lebih dari 2000"),
    ("jawaban survei 5", lambda f: _set(f, "survei_kepuasan", 2, "u3", "5"),
     "survei_kepuasan.csv", "2", "u3", "antara 1 dan 4"),
    ("survei tanpa jawaban", lambda f: [_set(f, "survei_kepuasan", 2, f"u{i}", "") for i in range(1, 10)],
     "survei_kepuasan.csv", "2", None, "tidak ada satu pun unsur"),
    ("level 6", lambda f: _set(f, "penilaian_kompetensi", 2, "level", "6"),
     "penilaian_kompetensi.csv", "2", "level", "antara 1 dan 5"),
    ("level pecahan", lambda f: _set(f, "penilaian_kompetensi", 2, "level", "2,5"),
     "penilaian_kompetensi.csv", "2", "level", "bilangan bulat"),
    ("unit tidak ada", lambda f: _set(f, "pegawai", 3, "kode_unit", "U9"),
     "pegawai.csv", "3", "kode_unit", "tidak ditemukan di tabel unit_kerja"),
    ("nip pelatihan tidak ada", lambda f: _set(f, "riwayat_pelatihan", 3, "nip", "198501012010011009"),
     "riwayat_pelatihan.csv", "3", "nip", "tidak ditemukan di tabel pegawai"),
    ("kompetensi tidak ada", lambda f: _set(f, "penilaian_kompetensi", 2, "kode_kompetensi", "M.99"),
     "penilaian_kompetensi.csv", "2", "kode_kompetensi", "tidak ditemukan di tabel kompetensi"),
    ("nip ganda", lambda f: f["pegawai"].append(list(f["pegawai"][1])),
     "pegawai.csv", "4", "nip", "kunci ganda"),
    ("standar ganda", lambda f: f["standar_kompetensi"].append(["Pelaksana", "M.01", "2"]),
     "standar_kompetensi.csv", "5", None, "kunci ganda"),
    ("jenis bukan jalurnya", lambda f: _set(f, "riwayat_pelatihan", 2, "jalur", "nonklasikal"),
     "riwayat_pelatihan.csv", "2", "jenis", "tidak termasuk jalur"),
    ("selesai sebelum mulai", lambda f: _set(f, "riwayat_pelatihan", 2, "tanggal_selesai", "2025-02-01"),
     "riwayat_pelatihan.csv", "2", "tanggal_selesai", "sebelum tanggal mulai"),
    ("kelompok kompetensi berbeda", lambda f: _set(f, "riwayat_pelatihan", 2, "kelompok_kompetensi", "manajerial"),
     "riwayat_pelatihan.csv", "2", "kode_kompetensi", "kelompok kompetensi"),
    ("kode wilayah 3 digit", lambda f: _set(f, "wilayah", 3, "kode", "320"),
     "wilayah.csv", "3", "kode", "2 digit"),
    ("kabupaten berkode kota", lambda f: _set(f, "wilayah", 3, "kode", "3274"),
     "wilayah.csv", "3", "tingkat", "kota (71-99)"),
    ("instansi pusat berwilayah", lambda f: _set(f, "instansi", 4, "kode_wilayah", "32"),
     "instansi.csv", "4", "kode_wilayah", "pusat tanpa wilayah"),
    ("unit di provinsi", lambda f: _set(f, "unit_kerja", 2, "kode_wilayah", "32"),
     "unit_kerja.csv", "2", "kode_wilayah", "kabupaten/kota"),
    ("kolom wajib hilang", lambda f: [r.pop(2) for r in f["pegawai"]],
     "pegawai.csv", "1", "jenis_kelamin", "kolom wajib tidak ada"),
    ("kolom tidak dikenal", lambda f: [r.append("x") for r in f["kompetensi"]],
     "kompetensi.csv", "1", "x", "kolom tidak dikenal"),
    ("jumlah kolom baris salah", lambda f: f["kompetensi"][1].pop(),
     "kompetensi.csv", "2", None, "jumlah kolom 2, seharusnya 3"),
]


@pytest.mark.parametrize("case, change, berkas, baris, kolom, pesan", BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_bad_file_is_rejected_and_nothing_written(tmp_path, case, change, berkas, baris, kolom, pesan):
    files = good_files()
    change(files)
    folder = write_folder(tmp_path / "impor", files)
    url = f"sqlite:///{tmp_path / 'sumber.sqlite'}"
    report = importer.import_folder(db.make_engine(url), folder)
    assert not report.ok
    matches = [p for p in report.problems
               if p.berkas == berkas and p.baris == baris and p.kolom == kolom and pesan in p.pesan]
    assert matches, report.text()
    assert "Tidak ada data yang ditulis" in report.text()
    assert not (tmp_path / "sumber.sqlite").exists()


def test_file_level_problems(tmp_path):
    folder = write_folder(tmp_path / "impor", good_files())
    (folder / "pegawai_lama.csv").write_text("nip\n1\n")
    (folder / "wilayah.csv").write_bytes("kode,nama,tingkat\n32,Jawa Barat é,provinsi\n".encode("latin-1"))
    report = importer.import_folder(db.make_engine(f"sqlite:///{tmp_path / 's.sqlite'}"), folder)
    text = report.text()
    assert "pegawai_lama.csv: nama berkas bukan nama tabel kontrak data" in text
    assert "wilayah.csv: berkas bukan teks UTF-8" in text
    empty = tmp_path / "kosong"
    empty.mkdir()
    report = importer.import_folder(db.make_engine(f"sqlite:///{tmp_path / 's.sqlite'}"), empty)
    assert "tidak ada berkas CSV atau XLSX" in report.text()
    assert not (tmp_path / "s.sqlite").exists()


def test_report_is_capped_with_a_count_of_the_rest(tmp_path):
    files = good_files()
    header = files["kompetensi"][0]
    files["kompetensi"] = [header] + [[f"X.{i}", f"Kompetensi {i}", "rahasia"] for i in range(150)]
    folder = write_folder(tmp_path / "impor", files)
    report = importer.import_folder(db.make_engine(f"sqlite:///{tmp_path / 's.sqlite'}"), folder)
    assert report.total >= 150
    assert len(report.problems) == validate.MAX_PROBLEMS
    assert f"dan {report.total - validate.MAX_PROBLEMS} masalah lainnya" in report.text()


def test_good_import_twice_gives_same_data_and_updates_by_key(empty_source, tmp_path):
    folder = write_folder(tmp_path / "impor", good_files(), semicolon={"pegawai", "riwayat_pelatihan"})
    engine = db.make_engine(empty_source)
    first = importer.import_folder(engine, folder)
    assert first.ok, first.text()
    counts = {t: _count(empty_source, t) for t in good_files()}
    assert counts["pegawai"] == 2 and counts["riwayat_pelatihan"] == 2 and counts["wilayah"] == 3
    assert importer.import_folder(engine, folder).ok
    assert {t: _count(empty_source, t) for t in good_files()} == counts
    # A row with a known key replaces the stored one; lower-case input is stored canonically.
    files = {"pegawai": good_files()["pegawai"]}
    _set(files, "pegawai", 3, "jenis_asn", "pppk")
    _set(files, "pegawai", 3, "golongan", "x")
    _set(files, "pegawai", 3, "pendidikan", "s2")
    update = importer.import_folder(engine, write_folder(tmp_path / "ubah", files))
    assert update.ok, update.text()
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT jenis_asn, golongan, pendidikan FROM pegawai WHERE nip = :n"),
                           {"n": NIP_BUDI}).one()
    assert tuple(row) == ("PPPK", "X", "S2")
    assert _count(empty_source, "pegawai") == 2
    # References may point at rows stored by an earlier import.
    more = {"riwayat_pelatihan": [good_files()["riwayat_pelatihan"][0],
                                  ["3", NIP_BUDI, "Coaching", "nonklasikal", "coaching", "tatap muka",
                                   "", "2025-08-01", "2025-08-01", "2", "manajerial", ""]]}
    assert importer.import_folder(engine, write_folder(tmp_path / "tambah", more)).ok
    assert _count(empty_source, "riwayat_pelatihan") == 3
    engine.dispose()


def test_bad_import_into_filled_source_changes_nothing(empty_source, tmp_path):
    engine = db.make_engine(empty_source)
    assert importer.import_folder(engine, write_folder(tmp_path / "a", good_files())).ok
    files = good_files()
    _set(files, "pegawai", 2, "nama", "Nama Baru")  # a valid change ...
    _set(files, "riwayat_pelatihan", 3, "jp", "-4")  # ... beside an invalid row
    report = importer.import_folder(engine, write_folder(tmp_path / "b", files))
    assert not report.ok
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT nama FROM pegawai WHERE nip = :n"),
                            {"n": NIP_SITI}).scalar() == "Siti Rahayu"
    engine.dispose()


def workbook(files: dict) -> openpyxl.Workbook:
    """The files as one XLSX workbook, a sheet per table."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in files.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    return book


def test_xlsx_workbook_one_sheet_per_table(tmp_path):
    book = workbook(good_files())
    folder = tmp_path / "xlsx"
    folder.mkdir()
    book["pegawai"]["C2"] = "p"
    book.save(folder / "data.xlsx")
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    report = importer.import_folder(db.make_engine(url), folder)
    assert report.ok, report.text()
    assert _count(url, "survei_kepuasan") == 1
    # An 18-digit NIP typed as a number is rounded by Excel: rejected with its cell.
    book["pegawai"]["A3"] = 198501012010011002
    book.save(folder / "data.xlsx")
    report = importer.import_folder(db.make_engine(f"sqlite:///{tmp_path / 't.sqlite'}"), folder)
    assert any(p.baris == "3" and p.kolom == "nip" and "sebagai angka" in p.pesan for p in report.problems)
    assert "data.xlsx [lembar pegawai]" in report.text()
