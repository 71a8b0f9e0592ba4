"""Issue #20 attacked the way a hostile file or a hurried data steward would (helper "serangan"):
files the Kelola data page hands to the importer as they are, checked against a copy of the small
SQLite demo. Nothing is half written (rows counted with plain SQL before and after), hostile cell
text comes back in the report as written, an XLSX's hidden sheet and formulas without a stored value
are refused, a dotted region code is stored normalised, and a column mixing date formats is refused.
The browser side (rendering, roles, screenshots) was checked by hand; see the helper's report.
"""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest
import sqlalchemy as sa

from data_access import db, importer

from .test_importer import pns_row, write_folder
from .test_kelola import PEGAWAI_HEADER, sql

UNIT_HEADER = ["kode", "kode_instansi", "nama", "kode_wilayah", "jenis_layanan"]
TABLES = ("unit_kerja", "pegawai", "riwayat_pelatihan")


@pytest.fixture
def source(sqlite_demo, tmp_path):
    """A copy of the small demo source (the demo itself stays untouched); (url, engine, a unit code)."""
    path = tmp_path / "sumber.sqlite"
    shutil.copy(sa.make_url(sqlite_demo[0]).database, path)
    url = f"sqlite:///{path}"
    engine = db.make_engine(url)
    yield url, engine, sql(url, "SELECT kode FROM unit_kerja ORDER BY kode LIMIT 1")[0][0]
    engine.dispose()


def counts(url):
    return {t: sql(url, f"SELECT count(*) FROM {t}")[0][0] for t in TABLES}


def test_a_good_file_beside_a_bad_one_writes_nothing(source, tmp_path):
    url, engine, unit = source
    bad = pns_row("199103152015031987", '=HYPERLINK("http://contoh.invalid","klik")', unit)
    bad[2] = "<img src=x onerror=alert(1)>"
    folder = write_folder(tmp_path / "unggah", {
        "unit_kerja": [UNIT_HEADER, ["K01.999001", "K01", "Kantor Uji", "35.78", ""]],
        "pegawai": [PEGAWAI_HEADER, bad]})
    before = counts(url)
    report = importer.import_folder(engine, folder, write=True)
    assert not report.ok
    assert counts(url) == before  # the clean unit_kerja.csv was not written either
    found = {(p.berkas, p.baris, p.kolom, p.nilai) for p in report.problems}
    assert ("pegawai.csv", "2", "jenis_kelamin", "<img src=x onerror=alert(1)>") in found


def test_dotted_region_code_and_day_first_dates_are_stored_normalised(source, tmp_path):
    url, engine, unit = source
    row = pns_row("199103152015031987", "Tgl Satu", unit)
    row[3], row[10] = "15/03/1991", "01/01/2012"
    folder = write_folder(tmp_path / "unggah", {
        "unit_kerja": [UNIT_HEADER, ["K01.999001", "K01", "Kantor Uji Titik", "35.78", ""]],
        "pegawai": [PEGAWAI_HEADER, row]})
    report = importer.import_folder(engine, folder, write=True)
    assert report.ok, report.text()
    assert sql(url, "SELECT kode_wilayah FROM unit_kerja WHERE kode = 'K01.999001'") == [("3578",)]
    assert [tuple(map(str, r)) for r in sql(
        url, "SELECT tanggal_lahir, tmt_asn FROM pegawai WHERE nip = '199103152015031987'")] == [
        ("1991-03-15", "2012-01-01")]


def test_a_column_mixing_date_formats_is_refused_by_name(source, tmp_path):
    url, engine, unit = source
    first, second = pns_row("199103152015031987", "Satu", unit), pns_row("199207212015032988", "Dua", unit)
    first[3], second[3] = "15/03/1991", "1992-07-21"
    folder = write_folder(tmp_path / "unggah", {"pegawai": [PEGAWAI_HEADER, first, second]})
    before = counts(url)
    report = importer.import_folder(engine, folder, write=True)
    assert not report.ok and counts(url) == before
    assert any(p.kolom == "tanggal_lahir" and "mencampur format tanggal" in p.pesan for p in report.problems)


def test_xlsx_hidden_sheet_and_formula_without_value_are_refused(source, tmp_path):
    url, engine, unit = source
    folder = tmp_path / "unggah"
    folder.mkdir()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "pegawai"
    sheet.append(PEGAWAI_HEADER)
    sheet.append(pns_row("199103152015031987", "Xlsx Satu", unit))
    sheet["D2"] = dt.date(1991, 3, 15)  # a real date cell
    sheet.append(pns_row("199207212015032988", "Xlsx Dua", unit))
    sheet["B3"] = '=HYPERLINK("http://contoh.invalid","Xlsx Dua")'  # openpyxl stores no cached value
    hidden = book.create_sheet("riwayat_pelatihan")
    hidden.sheet_state = "hidden"
    hidden.append(["id"])
    book.save(folder / "unggah.xlsx")
    before = counts(url)
    report = importer.import_folder(engine, folder, write=True)
    assert not report.ok and counts(url) == before
    where = {(p.berkas, p.baris, p.kolom): p.pesan for p in report.problems}
    assert "tersembunyi" in where[("unggah.xlsx [lembar riwayat_pelatihan]", None, None)]
    assert "rumus" in where[("unggah.xlsx [lembar pegawai]", "3", "nama")]
    assert not any(k[1] == "2" and k[2] == "tanggal_lahir" for k in where)  # the date cell is read as a date
