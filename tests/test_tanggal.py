"""Dates as Indonesians write them (issue 20, point 3), through the real importer into a real
SQLite source: ISO, HH-BB-TTTT, HH/BB/TTTT, Excel serials and XLSX date cells each store the
right day (read back with plain SQL); one form per column, and a column that mixes forms,
reads month first, or cannot tell day from month is refused with one message for the column.

Expected dates are written out by hand; Excel serials are anchored on 45658 = 1 January 2025
and 61 = 1 March 1900 as Excel shows them, the rest counted from Excel's day 0, 1899-12-30.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from data_access import db, importer, validate

from .test_importer import _set, good_files, workbook, write_folder

PER = dt.date(2026, 6, 30)
# Every date column of the files below, with the dates they hold, row by row (ISO, by hand).
DATES = {
    ("pegawai", "tanggal_lahir"): ["1990-01-26", "1985-01-01"],  # Siti's date is her NIP's
    ("pegawai", "tmt_asn"): ["2016-02-01", "2022-01-01"],  # a TMT is the 1st: no proof of order
    ("riwayat_pelatihan", "tanggal_mulai"): ["2025-03-13", "2025-05-02"],
    ("riwayat_pelatihan", "tanggal_selesai"): ["2025-03-15", "2025-05-02"],
    ("penilaian_kompetensi", "tanggal"): ["2025-06-20"],
    ("survei_kepuasan", "tanggal"): ["2025-07-17"],
}
ORDER = {"pegawai": "nip DESC", "riwayat_pelatihan": "id", "penilaian_kompetensi": "id", "survei_kepuasan": "id"}


def serial(day: str) -> int:
    return (dt.date.fromisoformat(day) - dt.date(1899, 12, 30)).days


def test_serial_anchors():
    assert serial("2025-01-01") == 45658 and serial("1900-03-01") == 61


# How each accepted form writes an ISO date.
FORMS = {
    "TTTT-BB-HH": lambda d: d,
    "TTTT-BB-HH 00:00:00": lambda d: d + " 00:00:00",
    "HH-BB-TTTT": lambda d: f"{d[8:]}-{d[5:7]}-{d[:4]}",
    "H-B-TTTT": lambda d: f"{int(d[8:])}-{int(d[5:7])}-{d[:4]}",
    "HH/BB/TTTT": lambda d: f"{d[8:]}/{d[5:7]}/{d[:4]}",
    "angka seri": lambda d: str(serial(d)),
    "angka seri .0": lambda d: f"{serial(d)}.0",
}


def dated_files(write=lambda d: d) -> dict:
    """good_files with the dates of DATES, each written by `write`."""
    files = good_files()
    for (table, column), days in DATES.items():
        for row, day in enumerate(days, start=2):
            _set(files, table, row, column, write(day))
    return files


def stored_dates(url: str) -> dict:
    """Every date column as stored, in the rows' order in the files, read back with plain SQL."""
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            return {(t, c): [v for (v,) in conn.execute(sa.text(f"SELECT {c} FROM {t} ORDER BY {ORDER[t]}"))]
                    for t, c in DATES}
    finally:
        engine.dispose()


def run(tmp_path: Path, files: dict | None = None, folder: Path | None = None, per=PER):
    """Import a folder (the files as CSV when given) into a new SQLite source: (report, url)."""
    url = f"sqlite:///{tmp_path / 'sumber.sqlite'}"
    folder = folder or write_folder(tmp_path / "impor", files)
    engine = db.make_engine(url)
    try:
        return importer.import_folder(engine, folder, per=per), url
    finally:
        engine.dispose()


def find(report, berkas, baris, kolom, pesan):
    found = [p for p in report.problems
             if p.berkas == berkas and p.baris == baris and p.kolom == kolom and pesan in p.pesan]
    assert found, report.text()
    return found[0]


def refused(report, tmp_path):
    assert not report.ok
    assert "Tidak ada data yang ditulis" in report.text()
    assert not (tmp_path / "sumber.sqlite").exists()


def survey_dates(*days: str) -> dict:
    """good_files with one survey row per date written in `days` (rows 2, 3, ...)."""
    files = good_files()
    header, row = files["survei_kepuasan"]
    files["survei_kepuasan"] = [header] + [[str(i), *row[1:2], day, *row[3:]] for i, day in enumerate(days, 1)]
    return files


@pytest.mark.parametrize("form", FORMS)
def test_each_form_stores_the_right_date(tmp_path, form):
    # Siti (PNS) was born 1990-01-26 = her NIP's first 8 digits: the NIP rule reads the normalised date.
    report, url = run(tmp_path, dated_files(FORMS[form]))
    assert report.ok, report.text()
    assert stored_dates(url) == DATES


def test_every_column_may_have_its_own_form(tmp_path):
    files = dated_files()
    _set(files, "pegawai", 2, "tanggal_lahir", "26/01/1990")
    _set(files, "pegawai", 3, "tanggal_lahir", "01/01/1985")  # the same either way
    _set(files, "survei_kepuasan", 2, "tanggal", str(serial("2025-07-17")))
    _set(files, "penilaian_kompetensi", 2, "tanggal", "20-6-2025")
    report, url = run(tmp_path, files)
    assert report.ok, report.text()
    assert stored_dates(url) == DATES


def test_day_equal_to_month_is_not_ambiguous(tmp_path):
    report, url = run(tmp_path, survey_dates("01/01/2025", "07/07/2025", "12/12/2025"), per=dt.date(2026, 1, 1))
    assert report.ok, report.text()
    engine = db.make_engine(url)
    with engine.connect() as conn:
        assert [r[0] for r in conn.execute(sa.text("SELECT tanggal FROM survei_kepuasan ORDER BY id"))] == \
            ["2025-01-01", "2025-07-07", "2025-12-12"]
    engine.dispose()


def test_day_first_is_shown_by_another_date_column_of_the_file(tmp_path):
    """A TMT is always the 1st, so its column never shows the order; the birth dates do."""
    files = dated_files()
    for row, (lahir, tmt) in enumerate([("26/01/1990", "01/02/2016"), ("01/01/1985", "01/03/2022")], start=2):
        _set(files, "pegawai", row, "tanggal_lahir", lahir)
        _set(files, "pegawai", row, "tmt_asn", tmt)
    report, url = run(tmp_path, files)
    assert report.ok, report.text()
    assert stored_dates(url)[("pegawai", "tmt_asn")] == ["2016-02-01", "2022-03-01"]


NO_DAY, NO_DATE = "tidak ada di kalender", "bukan tanggal yang valid"


@pytest.mark.parametrize("value, words", [
    ("30-02-2025", NO_DAY), ("31/04/2025", NO_DAY), ("2025-02-29", NO_DAY), ("29/02/2025", NO_DAY),
    ("32/01/2025", NO_DAY), ("15/13/2025", NO_DAY),
    ("2025-01-15 13:45:00", NO_DATE), ("15/01/2025=1+1", NO_DATE), ("kemarin", NO_DATE)])
def test_impossible_date_is_refused_as_written(tmp_path, value, words):
    files = dated_files()
    # The other row proves the order of its own column: 13 March.
    _set(files, "riwayat_pelatihan", 2, "tanggal_mulai", "13/03/2025" if "/" in value else
         "13-03-2025" if value[2] == "-" else "2025-03-13")
    _set(files, "riwayat_pelatihan", 3, "tanggal_mulai", value)
    _set(files, "riwayat_pelatihan", 3, "tanggal_selesai", "2025-05-02")
    report, _ = run(tmp_path, files)
    refused(report, tmp_path)
    problem = find(report, "riwayat_pelatihan.csv", "3", "tanggal_mulai", words)
    assert problem.nilai == value


def test_mixed_column_is_refused_and_its_odd_rows_named(tmp_path):
    days = ["2025-01-15", "2025-02-15", "2025-03-15", "15/04/2025", "2025-05-15", "16/05/2025"]
    report, _ = run(tmp_path, survey_dates(*days))
    refused(report, tmp_path)
    column = find(report, "survei_kepuasan.csv", None, "tanggal", "kolom mencampur format tanggal")
    assert "4 baris TTTT-BB-HH, 2 baris HH/BB/TTTT; pakai satu format" in column.pesan
    odd = [p for p in report.problems if p.kolom == "tanggal" and p.baris]
    assert [(p.baris, p.nilai) for p in odd] == [("5", "15/04/2025"), ("7", "16/05/2025")]
    assert all(p.pesan.startswith("ditulis HH/BB/TTTT, sedangkan kolom ini memakai TTTT-BB-HH") for p in odd)


@pytest.mark.parametrize("days, counts, odd", [
    # '-' and '/' in one column
    (["15-01-2025", "16-01-2025", "17/01/2025"], "2 baris HH-BB-TTTT, 1 baris HH/BB/TTTT", [("4", "17/01/2025")]),
    # an ISO date among day-first dates is named too, though it would read as a date by itself
    (["15/01/2025", "2025-01-16", "17/01/2025"], "2 baris HH/BB/TTTT, 1 baris TTTT-BB-HH", [("3", "2025-01-16")]),
    # a serial (an XLSX number cell) among ISO dates
    (["2025-01-15", str(serial("2025-01-16"))], "1 baris TTTT-BB-HH, 1 baris angka seri Excel",
     [("3", str(serial("2025-01-16")))]),
])
def test_other_mixes_are_refused(tmp_path, days, counts, odd):
    report, _ = run(tmp_path, survey_dates(*days))
    refused(report, tmp_path)
    column = find(report, "survei_kepuasan.csv", None, "tanggal", "kolom mencampur format tanggal")
    assert counts in column.pesan
    assert [(p.baris, p.nilai) for p in report.problems if p.kolom == "tanggal" and p.baris] == odd


def test_month_first_column_is_refused(tmp_path):
    report, _ = run(tmp_path, survey_dates("01/05/2025", "01/15/2025", "02/20/2025"))
    refused(report, tmp_path)
    problem = find(report, "survei_kepuasan.csv", None, "tanggal", "tampaknya ditulis bulan/hari/tahun (format AS)")
    assert "2 baris" in problem.pesan and "mis. baris 3" in problem.pesan and problem.nilai == "01/15/2025"
    # One message for the column, not one per row.
    assert [p for p in report.problems if p.kolom == "tanggal"] == [problem]


def test_month_above_12_in_a_day_first_column_is_a_bad_row(tmp_path):
    report, _ = run(tmp_path, survey_dates("15/01/2025", "01/15/2025"))
    refused(report, tmp_path)
    assert [(p.baris, p.nilai) for p in report.problems if p.kolom == "tanggal"] == [("3", "01/15/2025")]


def test_ambiguous_column_is_refused(tmp_path):
    report, _ = run(tmp_path, survey_dates("05/01/2025", "01/01/2025", "03/02/2025"))
    refused(report, tmp_path)
    problem = find(report, "survei_kepuasan.csv", None, "tanggal", "hari dan bulan tidak dapat dibedakan")
    assert "TTTT-BB-HH" in problem.pesan and "sel tanggal" in problem.pesan
    assert "mis. baris 2" in problem.pesan and problem.nilai == "05/01/2025"
    assert [p for p in report.problems if p.kolom == "tanggal"] == [problem]


@pytest.mark.parametrize("value, stored", [("10000", "1927-05-18"), ("45658", "2025-01-01"), ("45672.0", "2025-01-15")])
def test_serial_numbers(tmp_path, value, stored):
    files = good_files()
    _set(files, "penilaian_kompetensi", 2, "tanggal", value)
    report, url = run(tmp_path, files)
    assert report.ok, report.text()
    engine = db.make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT tanggal FROM penilaian_kompetensi")).scalar() == stored
    engine.dispose()


@pytest.mark.parametrize("value", ["60", "1", "0", "2024", "9999.0"])
def test_short_numbers_are_no_dates(tmp_path, value):
    """Excel's serials up to 60 are a day off (its 29 February 1900), and a four-digit number in a
    date column is a year far more often than a day of 1905: neither is taken for a date."""
    files = good_files()
    _set(files, "penilaian_kompetensi", 2, "tanggal", value)
    report, _ = run(tmp_path, files)
    refused(report, tmp_path)
    problem = find(report, "penilaian_kompetensi.csv", "2", "tanggal", "bukan tanggal: angka seri Excel")
    assert problem.nilai == value and "lima digit" in problem.pesan
    assert len([p for p in report.problems if p.kolom == "tanggal"]) == 1


@pytest.mark.parametrize("value, pesan, nilai", [
    ("31/12/1899", "sebelum tahun 1900", "1899-12-31"),
    ("31-12-1899", "sebelum tahun 1900", "1899-12-31"),
    ("01/07/2026", "sesudah tanggal acuan 2026-06-30 (--per)", "2026-07-01"),
    ("15-7-2026", "sesudah tanggal acuan 2026-06-30 (--per)", "2026-07-15"),
])
def test_plausibility_rules_hold_in_day_first_form(tmp_path, value, pesan, nilai):
    files = survey_dates("15/01/2025", value)
    if "-" in value:
        _set(files, "survei_kepuasan", 2, "tanggal", "15-01-2025")
    report, _ = run(tmp_path, files)
    refused(report, tmp_path)
    assert find(report, "survei_kepuasan.csv", "3", "tanggal", pesan).nilai == nilai  # the date as it reads


def test_age_rules_read_day_first_dates(tmp_path):
    """Budi (PPPK) born 2 January 2004, TMT 1 January 2022: 17 at TMT."""
    files = dated_files()
    _set(files, "pegawai", 2, "tanggal_lahir", "26/01/1990")
    _set(files, "pegawai", 3, "tanggal_lahir", "02/01/2004")
    report, _ = run(tmp_path, files)
    refused(report, tmp_path)
    assert find(report, "pegawai.csv", "3", "tanggal_lahir", "kurang dari 18 tahun").nilai == \
        "2004-01-02 / TMT ASN 2022-01-01"


def test_check_reads_what_was_imported_in_day_first_form(tmp_path):
    report, url = run(tmp_path, dated_files(FORMS["HH/BB/TTTT"]))
    assert report.ok, report.text()
    engine = db.make_engine(url)
    checked = validate.check_source(engine, per=PER)
    engine.dispose()
    assert checked.ok, checked.text()


# --- XLSX ----------------------------------------------------------------------------

def save(tmp_path: Path, book: openpyxl.Workbook) -> Path:
    folder = tmp_path / "xlsx"
    folder.mkdir(exist_ok=True)
    book.save(folder / "data.xlsx")
    return folder


def date_cells(book, write):
    """Put every date of DATES into its cell through `write(cell, iso)`."""
    for (table, column), days in DATES.items():
        sheet = book[table]
        col = [c.value for c in sheet[1]].index(column) + 1
        for row, day in enumerate(days, start=2):
            write(sheet.cell(row=row, column=col), day)


def as_date_cell(cell, day):
    cell.value = dt.date.fromisoformat(day)
    cell.number_format = "DD/MM/YYYY"  # how an Indonesian Excel shows it: still a date cell


def as_serial_cell(cell, day):
    cell.value = serial(day)
    cell.number_format = "0"


def as_datetime_cell(cell, day):
    cell.value = dt.datetime.fromisoformat(day)


@pytest.mark.parametrize("write", [as_date_cell, as_datetime_cell, as_serial_cell,
                                   lambda c, d: setattr(c, "value", FORMS["HH/BB/TTTT"](d))],
                         ids=["sel tanggal", "sel tanggal-waktu", "sel angka", "teks HH/BB/TTTT"])
def test_xlsx_cells_store_the_right_date(tmp_path, write):
    book = workbook(dated_files())
    date_cells(book, write)
    report, url = run(tmp_path, folder=save(tmp_path, book))
    assert report.ok, report.text()
    assert stored_dates(url) == DATES


def test_xlsx_date_cells_mixed_with_text_dates_are_refused(tmp_path):
    """Excel turns what it can read as a date into a date cell and leaves the rest text: the
    classic way a column ends up holding two kinds."""
    book = workbook(dated_files())
    date_cells(book, as_date_cell)
    book["riwayat_pelatihan"]["H3"] = "02/05/2025"
    report, _ = run(tmp_path, folder=save(tmp_path, book))
    refused(report, tmp_path)
    label = "data.xlsx [lembar riwayat_pelatihan]"
    column = find(report, label, None, "tanggal_mulai", "kolom mencampur format tanggal")
    assert "1 baris TTTT-BB-HH, 1 baris HH/BB/TTTT" in column.pesan and "sel bertipe tanggal" in column.pesan
    assert find(report, label, "3", "tanggal_mulai", "ditulis HH/BB/TTTT").nilai == "02/05/2025"


def test_xlsx_serial_60_is_refused(tmp_path):
    book = workbook(good_files())
    book["penilaian_kompetensi"]["D2"] = 60
    report, _ = run(tmp_path, folder=save(tmp_path, book))
    refused(report, tmp_path)
    find(report, "data.xlsx [lembar penilaian_kompetensi]", "2", "tanggal", "bukan tanggal: angka seri Excel")
