"""`import --format siasn`: SIASN-shaped files (JSON as the web service returns them, or CSV with
the same field names; tests/siasn/, built from the field names and code tables in docs/siasn.md)
land in the contract tables as written out by hand below, through the importer's own checks;
unknown codes and bad values are named by file, record and SIASN field, and nothing is written."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from data_access import db, importer
from data_access.__main__ import main

FIXTURES = Path(__file__).parent / "siasn"
PER = dt.date(2026, 1, 1)
U1, U2 = "A8ACA7397AEB3912E040640A040269BB", "A8ACA7397AF03912E040640A040269BB"

# The rows the fixtures must give, worked out by hand from docs/siasn.md.
PEGAWAI = [
    # nip, nama, jenis_kelamin, tanggal_lahir, jenis_asn, golongan, jenis_jabatan, jenjang_jabatan,
    # pendidikan, kode_unit, tmt_asn, aktif, tanggal_berhenti
    ("196205101985031001", "Suparman", "L", "1962-05-10", "PNS", "IV/b", "Pelaksana", "Pelaksana", "S1", U1,
     "1985-03-01", 0, "2020-06-01"),  # kedudukan 99 Pensiun: tmtPensiun is the day he left
    ("198203152008011003", "Bambang Wijaya", "L", "1982-03-15", "PNS", "IV/a", "Administrator", "Administrator",
     "S2", U1, "2008-01-01", 1, None),  # jenisJabatanId 1, eselonId 31 (III.a)
    ("198807122023212005", "Rina Marlina", "P", "1988-07-12", "PPPK", "IX", "Fungsional", "Ahli Pertama", "S1", U1,
     "2023-03-01", 1, None),  # golRuangAkhirId 59, kedudukan 71 PPPK Aktif, jenisKelamin Wanita
    ("199001262016022001", "Siti Rahayu", "P", "1990-01-26", "PNS", "III/a", "Fungsional", "Ahli Pertama", "S1", U2,
     "2016-02-01", 1, None),
    ("199505052019031002", "Andi Pratama", "L", "1995-05-05", "PNS", "II/b", "Pelaksana", "Pelaksana", "SMA", U2,
     "2019-03-01", 1, None),  # tkPendidikanTerakhirId 15 SLTA; from the {"data": {...}} envelope
]
PELATIHAN = [
    # id, nip, nama_pelatihan, jalur, jenis, moda, penyelenggara, tanggal_mulai, tanggal_selesai, jp,
    # kelompok_kompetensi, kode_kompetensi
    ("0a1b2c3d-0000-4000-8000-000000000001", "199001262016022001", "Pelatihan Analisis Jabatan", "klasikal",
     "pelatihan teknis", "tatap muka", "Badan Kepegawaian Negara", "2025-03-03", "2025-03-05", "24.00", "teknis",
     None),
    ("0a1b2c3d-0000-4000-8000-000000000002", "198203152008011003", "E-Learning Manajemen ASN", "nonklasikal",
     "e-learning", "daring", "Lembaga Administrasi Negara", "2025-02-10", "2025-02-14", "8.00", "teknis", None),
    ("0a1b2c3d-0000-4000-8000-000000000003", "198807122023212005", "Seminar Pembelajaran Orang Dewasa", "klasikal",
     "seminar", "tatap muka", "BPSDM Provinsi Jawa Barat", "2025-04-21", "2025-04-21", "4.50", "teknis", None),
    ("0a1b2c3d-0000-4000-8000-000000000004", "199505052019031002", "Kursus Bahasa Inggris", "klasikal", "kursus",
     "tatap muka", "Lembaga Bahasa Bandung", "2025-01-06", "2025-01-06", "40.00", "teknis", None),
    ("7f3e9a10-1111-4000-8000-000000000011", "198203152008011003", "SEPADYA/SPAMA/DIKLAT PIM TK. III", "klasikal",
     "pelatihan struktural kepemimpinan", "tatap muka", "BPSDM Provinsi Jawa Barat", "2024-09-02", "2024-11-30",
     "410.00", "manajerial", None),
]


def folder(tmp_path: Path, shape: str, name: str = "masuk") -> Path:
    """The organisation tables (contract CSVs) and the SIASN files of one shape (json or csv)."""
    target = tmp_path / name
    target.mkdir()
    for source in [*(FIXTURES / "organisasi").iterdir(), *(FIXTURES / shape).iterdir()]:
        shutil.copy(source, target / source.name)
    return target


def _value(v):
    """A stored value as the expectations write it: dates ISO, JP with two decimals (SQLite keeps
    NUMERIC as a number of its own kind, PostgreSQL and MariaDB as a Decimal)."""
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()[:10]
    if isinstance(v, (float, decimal.Decimal)):
        return f"{decimal.Decimal(str(v)):.2f}"
    return v


def stored(url: str) -> tuple[list, list]:
    """pegawai and riwayat_pelatihan as stored, read with plain SQL."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            tables = []
            for sql in ("SELECT nip, nama, jenis_kelamin, tanggal_lahir, jenis_asn, golongan, jenis_jabatan, "
                        "jenjang_jabatan, pendidikan, kode_unit, tmt_asn, aktif, tanggal_berhenti FROM pegawai "
                        "ORDER BY nip",
                        "SELECT id, nip, nama_pelatihan, jalur, jenis, moda, penyelenggara, tanggal_mulai, "
                        "tanggal_selesai, jp, kelompok_kompetensi, kode_kompetensi FROM riwayat_pelatihan ORDER BY id"):
                rows = [[_value(v) for v in row] for row in conn.execute(sa.text(sql))]
                if "jp" in sql:
                    for row in rows:
                        row[9] = f"{decimal.Decimal(str(row[9])):.2f}"
                tables.append([tuple(row) for row in rows])
            return tables[0], tables[1]
    finally:
        engine.dispose()


def run(url: str, source: Path, write: bool = True):
    engine = db.make_engine(url, create_sqlite_dir=True)
    try:
        return importer.import_folder(engine, source, per=PER, write=write, format="siasn")
    finally:
        engine.dispose()


def test_clean_json_folder_lands_as_written_by_hand(empty_source, tmp_path):
    report = run(empty_source, folder(tmp_path, "json"))
    assert report.ok, report.text()
    assert stored(empty_source) == (PEGAWAI, PELATIHAN)
    assert report.written["pegawai"] == (5, 0) and report.written["riwayat_pelatihan"] == (5, 0)
    # What SIASN does not record is filled in by rule, and said so.
    notes = [(w.berkas, w.kolom, w.pesan) for w in report.warnings]
    assert ("riwayat_kursus.json", None, "SIASN tidak mencatat moda: 1 kegiatan e-learning/pelatihan jarak jauh "
            "dicatat 'daring', 3 kegiatan lainnya dicatat 'tatap muka'") in notes
    assert ("riwayat_kursus.json", "jenisDiklatId", "1 rekaman riwayat kursus tanpa jenisDiklatId dicatat sebagai "
            "jenis 'kursus'") in notes
    # The same files again replace the same rows: the organisation tables are now stored.
    again = run(empty_source, folder(tmp_path, "json", "lagi"))
    assert again.ok and again.written["pegawai"] == (5, 5) and again.written["riwayat_pelatihan"] == (5, 5)
    assert stored(empty_source) == (PEGAWAI, PELATIHAN)


def test_csv_of_the_same_records_gives_the_same_rows(tmp_path):
    url = f"sqlite:///{tmp_path / 'csv.sqlite'}"
    report = run(url, folder(tmp_path, "csv"))
    assert report.ok, report.text()
    assert stored(url) == (PEGAWAI, PELATIHAN)
    json_url = f"sqlite:///{tmp_path / 'json.sqlite'}"
    assert run(json_url, folder(tmp_path, "json", "json")).ok
    assert stored(url) == stored(json_url)


def test_siasn_files_only_use_the_stored_organisation_tables(tmp_path):
    url = f"sqlite:///{tmp_path / 'sumber.sqlite'}"
    assert run(url, folder(tmp_path, "json")).ok
    only = tmp_path / "hanya-siasn"
    only.mkdir()
    for source in (FIXTURES / "json").iterdir():
        shutil.copy(source, only / source.name)
    report = run(url, only)
    assert report.ok, report.text()
    assert set(report.written) == {"pegawai", "riwayat_pelatihan"}


def _edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data["data"] if isinstance(data, dict) else data)
    path.write_text(json.dumps(data), encoding="utf-8")


def _edit_csv(path: Path, line: int, field: str, value: str) -> None:
    text = path.read_text(encoding="utf-8")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    rows[line - 1][rows[0].index(field)] = value
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def _problems(report):
    return [(p.berkas, p.baris, p.kolom, p.nilai) for p in report.problems]


def test_unknown_golongan_is_named_by_file_record_and_field_and_nothing_is_written(tmp_path):
    url = f"sqlite:///{tmp_path / 'sumber.sqlite'}"
    source = folder(tmp_path, "json")
    _edit_json(source / "data_utama.json", lambda records: records[1].update(golRuangAkhirId="99"))
    report = run(url, source)
    assert not report.ok
    assert _problems(report) == [("data_utama.json", "rekaman 2", "golRuangAkhirId", "99")]
    assert "golRuangAkhirId tidak dikenal" in report.problems[0].pesan
    assert "Tidak ada data yang ditulis" in report.text()
    assert not (tmp_path / "sumber.sqlite").exists()

    source = folder(tmp_path, "csv", "csv")
    _edit_csv(source / "data_utama.csv", 3, "golRuangAkhirId", "99")  # the second record, under the header
    assert _problems(run(url, source)) == [("data_utama.csv", "3", "golRuangAkhirId", "99")]
    assert not (tmp_path / "sumber.sqlite").exists()


def test_nothing_is_written_into_a_filled_source(tmp_path):
    url = f"sqlite:///{tmp_path / 'sumber.sqlite'}"
    assert run(url, folder(tmp_path, "json")).ok
    source = folder(tmp_path, "json", "kedua")
    _edit_json(source / "data_utama.json", lambda records: records[0].update(nama="Nama Baru", eselonId="51"))
    report = run(url, source)
    assert _problems(report) == [("data_utama.json", "rekaman 1", "eselonId", "51")]
    assert stored(url) == (PEGAWAI, PELATIHAN)


# (file, record index, field, value, file, record as reported, field reported, words of the message)
CODES = [
    ("riwayat_kursus.json", 0, "jenisDiklatId", 26, "rekaman 1", "jenisDiklatId", "tidak dikenal"),
    ("riwayat_kursus.json", 1, "pnsOrangId", "TIDAK-ADA", "rekaman 2", "pnsOrangId", "tidak ditemukan"),
    ("riwayat_diklat.json", 0, "latihanStrukturalId", "9", "rekaman 1", "latihanStrukturalId", "tidak dikenal"),
    ("data_utama.json", 3, "kedudukanPnsId", "55", "rekaman 4", "kedudukanPnsId", "tidak dikenal"),
    ("data_utama.json", 0, "eselonId", "99", "rekaman 1", "eselonId", "non eselon tidak punya padanan"),
    ("data_utama.json", 0, "eselonId", None, "rekaman 1", "eselonId", "wajib diisi untuk jabatan struktural"),
    ("data_utama.json", 1, "jabatanFungsionalNama", "ANALIS SDM APARATUR", "rekaman 2", "jabatanFungsionalNama",
     "tepat satu jenjang"),
    ("data_utama.json", 2, "jenisKelamin", "X", "rekaman 3", "jenisKelamin", "tidak dikenal"),
    ("data_utama.json", 2, "golRuangAkhirId", "61", "rekaman 3", "golRuangAkhirId", "51-60 untuk PPPK"),
    ("data_utama.json", 0, "tkPendidikanTerakhirId", "07", "rekaman 1", "tkPendidikanTerakhirId", "tidak dikenal"),
    ("data_utama.json", 0, "jenisJabatanId", 5, "rekaman 1", "jenisJabatanId", "tidak dikenal"),
    ("data_utama.json", 0, "unorId", {"id": "x"}, "rekaman 1", "unorId", "bukan satu nilai"),
]


@pytest.mark.parametrize("berkas, index, field, value, baris, kolom, words", CODES)
def test_codes_without_a_contract_value_are_reported(tmp_path, berkas, index, field, value, baris, kolom, words):
    source = folder(tmp_path, "json")
    _edit_json(source / berkas, lambda records: records[index].update({field: value}))
    report = run(f"sqlite:///{tmp_path / 'sumber.sqlite'}", source, write=False)
    assert [(p.berkas, p.baris, p.kolom) for p in report.problems] == [(berkas, baris, kolom)], report.text()
    assert words in report.problems[0].pesan


def test_the_contract_rules_name_the_siasn_field(tmp_path):
    """Values the contract refuses come back with the SIASN file, record and field, once each."""
    source = folder(tmp_path, "json")
    _edit_json(source / "data_utama.json", lambda r: (r[0].update(tglLahir="31-02-1982"), r[3].pop("unorId"),
                                                      r[2].update(golRuangAkhirId=None)))
    _edit_json(source / "riwayat_kursus.json", lambda r: (r[1].update(jumlahJam=0), r[3].update(id=r[0]["id"])))
    report = run(f"sqlite:///{tmp_path / 'sumber.sqlite'}", source, write=False)
    assert [(p.berkas, p.baris, p.kolom) for p in report.problems] == [
        ("data_utama.json", "rekaman 1", "tglLahir"),
        ("data_utama.json", "rekaman 3", "golRuangAkhirId"),  # jenis_asn and golongan both: one problem
        ("data_utama.json", "rekaman 4", "unorId"),
        ("riwayat_kursus.json", "rekaman 2", "jumlahJam"),
        ("riwayat_kursus.json", "rekaman 4", "id"),
    ], report.text()
    assert report.total == 5
    assert [p.pesan for p in report.problems][2:4] == ["wajib diisi", "harus lebih dari 0"]

    source = folder(tmp_path, "csv", "csv")
    _edit_csv(source / "riwayat_diklat.csv", 2, "jumlahJam", "1,705")
    report = run(f"sqlite:///{tmp_path / 'sumber.sqlite'}", source, write=False)
    assert [(p.berkas, p.baris, p.kolom, p.nilai) for p in report.problems] == [
        ("riwayat_diklat.csv", "2", "jumlahJam", "1,705")], report.text()
    assert report.problems[0].pesan.startswith("angka ambigu")


@pytest.mark.parametrize("name, text, baris, words", [
    ("data_utama.json", "{not json", None, "JSON tidak dapat dibaca"),
    ("data_utama.json", '{"data": "Data tidak ditemukan"}', None, "bentuk JSON tidak dikenal"),
    ("data_utama.json", '[{"nipBaru": "1"}, "teks"]', "rekaman 2", "bukan objek JSON"),
    ("riwayat_kursus.csv", "id,namaKursus\n1,Kursus\n", "1", "kolom wajib tidak ada"),
    ("kursus.json", "[]", None, "nama berkas tidak dikenal"),
])
def test_files_that_cannot_be_read(tmp_path, name, text, baris, words):
    source = tmp_path / "masuk"
    source.mkdir()
    (source / name).write_text(text, encoding="utf-8")
    report = run(f"sqlite:///{tmp_path / 'sumber.sqlite'}", source, write=False)
    assert not report.ok
    assert (report.problems[0].berkas, report.problems[0].baris) == (name, baris)
    assert words in report.problems[0].pesan


def test_answers_of_the_web_service_collected_in_one_list(tmp_path):
    """One {"data": {...}} answer per employee, gathered into a list, reads as those records."""
    source = folder(tmp_path, "json")
    records = json.loads((source / "data_utama.json").read_text(encoding="utf-8"))
    (source / "data_utama.json").write_text(json.dumps([{"code": 1, "data": r} for r in records]), encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'sumber.sqlite'}"
    report = run(url, source)
    assert report.ok, report.text()
    assert stored(url) == (PEGAWAI, PELATIHAN)


def test_the_same_employee_in_two_files_is_a_double_key(tmp_path):
    source = folder(tmp_path, "json")
    _edit_json(source / "data_utama_pelaksana.json", lambda record: record.update(nipBaru="198203152008011003"))
    report = run(f"sqlite:///{tmp_path / 'sumber.sqlite'}", source, write=False)
    assert [(p.berkas, p.baris, p.kolom) for p in report.problems if p.pesan.startswith("kunci ganda")] == [
        ("data_utama_pelaksana.json", "rekaman 1", "nipBaru")], report.text()


def test_an_empty_answer_of_the_web_service_is_no_record(tmp_path):
    source = folder(tmp_path, "json")
    (source / "riwayat_diklat.json").write_text('{"code": 1, "data": null}', encoding="utf-8")
    report = run(f"sqlite:///{tmp_path / 'sumber.sqlite'}", source)
    assert report.ok, report.text()
    assert report.written["riwayat_pelatihan"] == (4, 0)


def test_hostile_values_are_refused_with_their_field(tmp_path):
    source = folder(tmp_path, "json")
    _edit_json(source / "data_utama.json", lambda r: r[0].update(nama="=HYPERLINK(\"x\")" + "a" * 10_000_000))
    report = run(f"sqlite:///{tmp_path / 'sumber.sqlite'}", source, write=False)
    [problem] = report.problems
    assert (problem.berkas, problem.baris, problem.kolom) == ("data_utama.json", "rekaman 1", "nama")
    assert "terlalu panjang" in problem.pesan and len(problem.nilai) < 120


def test_kontrak_format_leaves_json_alone(tmp_path):
    """Without --format siasn the importer is the contract's: SIASN files are no tables of it."""
    source = folder(tmp_path, "csv")
    engine = db.make_engine(f"sqlite:///{tmp_path / 'sumber.sqlite'}", create_sqlite_dir=True)
    report = importer.import_folder(engine, source, per=PER, write=False)
    assert {p.berkas for p in report.problems} == {"data_utama.csv", "riwayat_diklat.csv", "riwayat_kursus.csv"}
    assert importer.import_folder(engine, source, format="xml").problems[0].pesan.startswith("format 'xml'")


def test_command_line(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'sumber.sqlite'}"
    args = ["--db", url, "--mart", str(tmp_path / "mart.duckdb"), "import", "--format", "siasn", "--per",
            PER.isoformat(), str(folder(tmp_path, "json"))]
    assert main(args) == 0, capsys.readouterr()
    assert "riwayat_kursus.json / riwayat_diklat.json" in capsys.readouterr().out
    assert stored(url) == (PEGAWAI, PELATIHAN)


@pytest.mark.parametrize("code, jalur, jenis", [(13, "klasikal", "pelatihan klasikal lainnya"),
                                                (24, "nonklasikal", "bimbingan di tempat kerja"),
                                                (25, "nonklasikal", "pelatihan nonklasikal lainnya")])
def test_the_other_forms_of_lan_10_2018_are_kinds_of_their_own(tmp_path, code, jalur, jenis):
    source = folder(tmp_path, "json")
    _edit_json(source / "riwayat_kursus.json", lambda records: records[2].update(jenisDiklatId=code))
    url = f"sqlite:///{tmp_path / 'sumber.sqlite'}"
    report = run(url, source)
    assert report.ok, report.text()
    row = next(r for r in stored(url)[1] if r[0] == "0a1b2c3d-0000-4000-8000-000000000003")
    assert (row[3], row[4]) == (jalur, jenis)
