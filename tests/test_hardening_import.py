"""Only plausible rows get in (issue 19, point 4), and a big file is read in chunks (point 9).

Every rule is tried with a CSV and with an XLSX workbook written here, on SQLite; the NUL
byte on SQLite, PostgreSQL and MariaDB. Each refusal must name the file, row, column (and
value), and leave nothing stored. The report's new, replaced and renamed counts are
worked out by hand from the files below.
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

from data_access import contract, db, importer, validate

from .payloads import NUL
from .test_importer import NIP_BUDI, NIP_SITI, _count, _set, good_files, workbook, write_folder

PER = dt.date(2026, 6, 30)  # the reference date given to these imports (good_files' dates are in 2025)


def _xlsx(folder: Path, files: dict) -> Path:
    """The files as one workbook, with real date cells in the date columns (from 1900 on)."""
    book = workbook(files)
    for name in files:
        dates = [c.name for c in contract.TABLES_BY_NAME[name].columns if isinstance(c.type, sa.Date)]
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        for row in sheet.iter_rows(min_row=2):
            for cell, column in zip(row, header):
                if column in dates and cell.value:
                    try:
                        day = dt.date.fromisoformat(cell.value)
                    except ValueError:
                        continue
                    if day.year >= 1900:
                        cell.value = day
    folder.mkdir(parents=True, exist_ok=True)
    book.save(folder / "data.xlsx")
    return folder


def _import(tmp_path: Path, files: dict, kind: str, url: str | None = None, per=PER):
    folder = tmp_path / f"impor-{kind}"
    shutil.rmtree(folder, ignore_errors=True)
    if kind == "csv":
        write_folder(folder, files)
    else:
        _xlsx(folder, files)
    url = url or f"sqlite:///{tmp_path / 'sumber.sqlite'}"
    engine = db.make_engine(url)
    try:
        return importer.import_folder(engine, folder, per=per)
    finally:
        engine.dispose()


def _label(kind: str, table: str) -> str:
    return f"{table}.csv" if kind == "csv" else f"data.xlsx [lembar {table}]"


def _text(report) -> str:
    """The report's text with runs of spaces as one (the columns are padded)."""
    return " ".join(report.text().split())


def _find(report, berkas, baris, kolom, pesan):
    found = [p for p in report.problems
             if p.berkas == berkas and p.baris == baris and p.kolom == kolom and pesan in p.pesan]
    assert found, report.text()
    return found[0]


def _training(files, row, selesai, mulai=None):
    _set(files, "riwayat_pelatihan", row, "tanggal_mulai", mulai or selesai)
    _set(files, "riwayat_pelatihan", row, "tanggal_selesai", selesai)


def _budi(files, lahir, tmt="2022-01-01"):
    """Budi is PPPK: his NIP carries no birth date, so only the age rules judge these dates."""
    _set(files, "pegawai", 3, "tanggal_lahir", lahir)
    _set(files, "pegawai", 3, "tmt_asn", tmt)


# (case, change to the good files, table, row, column, words of the message, value shown)
REFUSED = [
    ("tanggal sesudah tanggal acuan", lambda f: _training(f, 2, "2026-07-01"),
     "riwayat_pelatihan", "2", "tanggal_selesai", "sesudah tanggal acuan 2026-06-30 (--per)", "2026-07-01"),
    ("tanggal jauh di masa depan", lambda f: _set(f, "survei_kepuasan", 2, "tanggal", "2205-07-01"),
     "survei_kepuasan", "2", "tanggal", "sesudah tanggal acuan", "2205-07-01"),
    ("tanggal sebelum 1900", lambda f: _set(f, "penilaian_kompetensi", 2, "tanggal", "1899-12-31"),
     "penilaian_kompetensi", "2", "tanggal", "sebelum tahun 1900", "1899-12-31"),
    ("pelatihan sebelum usia 15", lambda f: _training(f, 2, "2005-01-25"),  # Siti: born 1990-01-26
     "riwayat_pelatihan", "2", "tanggal_selesai", "sebelum pegawai berusia 15 tahun", "2005-01-25 / lahir 1990-01-26"),
    ("usia 17 pada TMT", lambda f: _budi(f, "2004-01-02"),
     "pegawai", "3", "tanggal_lahir", "kurang dari 18 tahun", "2004-01-02 / TMT ASN 2022-01-01"),
    ("usia 71 pada TMT", lambda f: _budi(f, "1951-01-01"),
     "pegawai", "3", "tanggal_lahir", "lebih dari 70 tahun", "1951-01-01 / TMT ASN 2022-01-01"),
    ("seribu dengan titik", lambda f: _set(f, "volume_layanan", 2, "jumlah_penerima", "1.000"),
     "volume_layanan", "2", "jumlah_penerima", "angka ambigu", "1.000"),
    ("JP dengan koma ribuan", lambda f: _set(f, "riwayat_pelatihan", 2, "jp", "1,000"),
     "riwayat_pelatihan", "2", "jp", "angka ambigu", "1,000"),
    ("lintang tiga desimal", lambda f: (f["wilayah"][0].append("lintang"), [r.append("") for r in f["wilayah"][1:]],
                                        _set(f, "wilayah", 2, "lintang", "-6.914")),
     "wilayah", "2", "lintang", "angka ambigu", "-6.914"),
    ("JP NaN", lambda f: _set(f, "riwayat_pelatihan", 2, "jp", "nan"),
     "riwayat_pelatihan", "2", "jp", "NaN/tak hingga tidak diterima", "nan"),
    ("JP tak hingga", lambda f: _set(f, "riwayat_pelatihan", 3, "jp", "Infinity"),
     "riwayat_pelatihan", "3", "jp", "NaN/tak hingga tidak diterima", "Infinity"),
    ("usia -inf", lambda f: _set(f, "survei_kepuasan", 2, "usia", "-inf"),
     "survei_kepuasan", "2", "usia", "NaN/tak hingga tidak diterima", "-inf"),
    ("bujur NaN", lambda f: (f["wilayah"][0].append("bujur"), [r.append("") for r in f["wilayah"][1:]],
                             _set(f, "wilayah", 3, "bujur", "NaN")),
     "wilayah", "3", "bujur", "NaN/tak hingga tidak diterima", "NaN"),
    ("saran lebih dari 4000 karakter", lambda f: _set(f, "survei_kepuasan", 2, "saran", "s" * 4001),
     "survei_kepuasan", "2", "saran", "terlalu panjang (paling banyak 4000 karakter)", "s" * 80 + "… (4.001 karakter)"),
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("case, change, table, baris, kolom, pesan, nilai", REFUSED, ids=[c[0] for c in REFUSED])
def test_implausible_row_is_refused_with_its_place_and_value(tmp_path, kind, case, change, table, baris, kolom,
                                                             pesan, nilai):
    files = good_files()
    change(files)
    report = _import(tmp_path, files, kind)
    problem = _find(report, _label(kind, table), baris, kolom, pesan)
    assert problem.nilai == nilai
    assert "Tidak ada data yang ditulis" in report.text()
    assert not (tmp_path / "sumber.sqlite").exists()


# The edge of each rule is let in.
ACCEPTED = [
    ("tanggal pada tanggal acuan", lambda f: _training(f, 2, "2026-06-30")),
    ("tanggal 1900-01-01", lambda f: _set(f, "penilaian_kompetensi", 2, "tanggal", "1900-01-01")),
    ("pelatihan pada ulang tahun ke-15", lambda f: _training(f, 2, "2005-01-26")),
    ("tepat 18 pada TMT", lambda f: _budi(f, "2004-01-01")),
    ("masih 70 pada TMT", lambda f: _budi(f, "1951-01-02")),
    ("JP 1,5 dan 1.5 dan 0,125", lambda f: (_set(f, "riwayat_pelatihan", 2, "jp", "1,5"),
                                            _set(f, "riwayat_pelatihan", 3, "jp", "1.5"))),
    ("seribu tanpa pemisah, 1.0", lambda f: (_set(f, "volume_layanan", 2, "jumlah_penerima", "1000"),
                                             _set(f, "survei_kepuasan", 2, "usia", "34.0"))),
    ("saran 4000 karakter", lambda f: _set(f, "survei_kepuasan", 2, "saran", "s" * 4000)),
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("case, change", ACCEPTED, ids=[c[0] for c in ACCEPTED])
def test_plausible_edge_is_accepted(tmp_path, kind, case, change):
    files = good_files()
    change(files)
    report = _import(tmp_path, files, kind)
    assert report.ok, report.text()


def test_reference_date_is_today_by_default(tmp_path):
    files = good_files()
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    _training(files, 3, tomorrow.isoformat())
    report = _import(tmp_path, files, "csv", per=None)
    _find(report, "riwayat_pelatihan.csv", "3", "tanggal_selesai",
          f"sesudah tanggal acuan {dt.date.today().isoformat()} (hari ini)")
    _training(files, 3, dt.date.today().isoformat())
    assert _import(tmp_path, files, "csv", per=None).ok


def test_numbers_are_stored_as_written(tmp_path):
    """1,5 and 1.5 are one and a half; an XLSX number cell is a number, never ambiguous."""
    files = good_files()
    _set(files, "riwayat_pelatihan", 2, "jp", "1,5")
    _set(files, "riwayat_pelatihan", 3, "jp", "1.5")
    url = f"sqlite:///{tmp_path / 'sumber.sqlite'}"
    assert _import(tmp_path, files, "csv", url).ok
    engine = db.make_engine(url)
    with engine.connect() as conn:
        assert [r[0] for r in conn.execute(sa.text("SELECT jp FROM riwayat_pelatihan ORDER BY id"))] == [1.5, 1.5]
    book = workbook(good_files())
    book["volume_layanan"]["C2"] = 1000  # typed as a number: seribu
    book["riwayat_pelatihan"]["J2"] = 1.25
    book["wilayah"]["G1"] = "lintang"
    book["wilayah"]["G2"] = -6.914  # three decimals in a number cell: not a thousands separator
    folder = tmp_path / "xlsx"
    folder.mkdir()
    book.save(folder / "data.xlsx")
    report = importer.import_folder(engine, folder, per=PER)
    assert report.ok, report.text()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT jumlah_penerima FROM volume_layanan")).scalar() == 1000
        assert conn.execute(sa.text("SELECT jp FROM riwayat_pelatihan WHERE id = '1'")).scalar() == 1.25
        assert conn.execute(sa.text("SELECT lintang FROM wilayah WHERE kode = '32'")).scalar() == -6.914
    engine.dispose()


def test_training_is_judged_by_the_stored_birth_date_or_the_imported_one(tmp_path):
    url = f"sqlite:///{tmp_path / 'sumber.sqlite'}"
    stored = good_files()
    _budi(stored, "1995-06-01")  # Budi (PPPK: no birth date in his NIP) is stored as born 1995
    assert _import(tmp_path, stored, "csv", url).ok
    header = good_files()["riwayat_pelatihan"][0]
    early = {"riwayat_pelatihan": [header, good_files()["riwayat_pelatihan"][1]]}
    _training(early, 2, "2005-01-25")  # Siti, born 1990-01-26 as stored
    report = _import(tmp_path, early, "csv", url)
    assert _find(report, "riwayat_pelatihan.csv", "2", "tanggal_selesai", "berusia 15 tahun").nilai == \
        "2005-01-25 / lahir 1990-01-26"
    # A training of Budi's in 2009: at 13 as stored, at 24 as born in 1985. Imported with his
    # row saying 1985, the imported birth date is the one that counts.
    files = {"pegawai": good_files()["pegawai"], "riwayat_pelatihan": [header, good_files()["riwayat_pelatihan"][2]]}
    _training(files, 2, "2009-01-01")
    report = _import(tmp_path, files, "csv", url)
    assert report.ok, report.text()
    _budi(files, "1995-06-01")
    report = _import(tmp_path, files, "csv", url)
    assert _find(report, "riwayat_pelatihan.csv", "2", "tanggal_selesai", "berusia 15 tahun").nilai == \
        "2009-01-01 / lahir 1995-06-01"


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_ten_megabyte_cell_is_refused_with_the_limit_and_a_short_value(tmp_path, kind):
    files = good_files()
    if kind == "csv":
        _set(files, "pegawai", 3, "nama", "B" * 10_000_000)
        report = _import(tmp_path, files, kind)
    else:  # openpyxl cuts a cell at Excel's 32.767 characters: the long one is written into the XML
        book = workbook(files)
        book["pegawai"]["B3"] = "PANJANG"
        _saved(tmp_path / "x", book, {"pegawai": ("<t>PANJANG</t>", f"<t>{'B' * 10_000_000}</t>")})
        report = importer.import_folder(db.make_engine(f"sqlite:///{tmp_path / 'sumber.sqlite'}"), tmp_path / "x",
                                        per=PER)
    problem = _find(report, _label(kind, "pegawai"), "3", "nama", "terlalu panjang (paling banyak 120 karakter)")
    assert problem.nilai == "B" * 80 + "… (10.000.000 karakter)"
    assert len(report.text()) < 5000
    assert not (tmp_path / "sumber.sqlite").exists()


def test_header_cell_of_ten_megabytes_is_shown_short(tmp_path):
    files = good_files()
    files["kompetensi"][0][2] = "k" * 10_000_000
    report = _import(tmp_path, files, "csv")
    assert any(p.berkas == "kompetensi.csv" and "kolom tidak dikenal" in p.pesan for p in report.problems)
    assert len(report.text()) < 5000


def _saved(folder: Path, book: openpyxl.Workbook, replace: dict[str, tuple[str, str]] | None = None) -> Path:
    """Save `book` as folder/data.xlsx, with text replaced in the XML of named sheets
    (sheet title -> (old, new)): what openpyxl cannot write, such as a saved formula value."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "data.xlsx"
    book.save(path)
    if replace:
        parts = {book.worksheets.index(book[title]): change for title, change in replace.items()}
        raw = path.with_suffix(".tmp")
        with zipfile.ZipFile(path) as src, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as dst:
            for item in src.infolist():
                data = src.read(item.filename)
                for index, (old, new) in parts.items():
                    if item.filename == f"xl/worksheets/sheet{index + 1}.xml":
                        assert old.encode() in data, data[:2000]
                        data = data.replace(old.encode(), new.encode())
                dst.writestr(item, data)
        raw.replace(path)
    return path


def test_formula_without_saved_value_is_reported_not_read_empty(tmp_path):
    book = workbook(good_files())
    book["pegawai"]["B3"] = '=A3&""'  # openpyxl saves a formula without its value, as a script would
    _saved(tmp_path / "a", book)
    url = f"sqlite:///{tmp_path / 'sumber.sqlite'}"
    report = importer.import_folder(db.make_engine(url), tmp_path / "a", per=PER)
    problem = _find(report, "data.xlsx [lembar pegawai]", "3", "nama", "sel B3 berisi rumus tanpa nilai tersimpan")
    assert problem.nilai == '=A3&""'
    assert not (tmp_path / "sumber.sqlite").exists()
    # In an optional column the formula would have been read as empty, and the row let in.
    book = workbook(good_files())
    book["riwayat_pelatihan"]["G2"] = "=1+1"  # penyelenggara
    _saved(tmp_path / "b", book)
    report = importer.import_folder(db.make_engine(url), tmp_path / "b", per=PER)
    _find(report, "data.xlsx [lembar riwayat_pelatihan]", "2", "penyelenggara", "sel G2 berisi rumus")
    assert not (tmp_path / "sumber.sqlite").exists()
    # A formula whose value was saved (as Excel and LibreOffice do) is taken as that value.
    book = workbook(good_files())
    book["pegawai"]["B3"] = '=A3&""'
    _saved(tmp_path / "c", book, {"pegawai": ('<c r="B3"><f>A3&amp;""</f><v /></c>',
                                              '<c r="B3" t="str"><f>A3&amp;""</f><v>Budi Tersimpan</v></c>')})
    report = importer.import_folder(db.make_engine(url), tmp_path / "c", per=PER)
    assert report.ok, report.text()
    engine = db.make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT nama FROM pegawai WHERE nip = :n"), {"n": NIP_BUDI}).scalar() == \
            "Budi Tersimpan"
    engine.dispose()


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_sheet_is_refused_not_taken(tmp_path, state):
    book = workbook(good_files())
    book["pegawai"].sheet_state = state
    _saved(tmp_path / "x", book)
    report = importer.import_folder(db.make_engine(f"sqlite:///{tmp_path / 'sumber.sqlite'}"), tmp_path / "x", per=PER)
    _find(report, "data.xlsx [lembar pegawai]", None, None, "lembar tersembunyi")
    assert "Tidak ada data yang ditulis" in report.text()
    assert not (tmp_path / "sumber.sqlite").exists()


@pytest.mark.parametrize("saved, words, value", [
    ("NaN", "sel angka yang tidak dapat dibaca; NaN/tak hingga tidak diterima", "NaN"),
    ("1e999", "NaN/tak hingga tidak diterima", "inf"),
    ("-1E400", "NaN/tak hingga tidak diterima", "-inf"),
])
def test_xlsx_number_cell_nan_or_infinite_is_refused(tmp_path, saved, words, value):
    book = workbook(good_files())
    book["riwayat_pelatihan"]["J3"] = 4.5
    _saved(tmp_path / "x", book, {"riwayat_pelatihan": ('<c r="J3" t="n"><v>4.5</v></c>',
                                                        f'<c r="J3" t="n"><v>{saved}</v></c>')})
    report = importer.import_folder(db.make_engine(f"sqlite:///{tmp_path / 'sumber.sqlite'}"), tmp_path / "x", per=PER)
    column = None if saved == "NaN" else "jp"  # openpyxl cannot read the cell at all: its row is named
    problem = _find(report, "data.xlsx [lembar riwayat_pelatihan]", "3", column, words)
    assert problem.nilai == value
    assert "bukan angka" not in report.text() and "harus angka" not in report.text()
    assert not (tmp_path / "sumber.sqlite").exists()


def test_nul_byte_is_refused_before_the_database_sees_it(empty_source, tmp_path):
    files = good_files()
    _set(files, "pegawai", 2, "nama", NUL)
    _set(files, "riwayat_pelatihan", 3, "penyelenggara", "LAN\x00")
    report = _import(tmp_path, files, "csv", empty_source)
    assert _find(report, "pegawai.csv", "2", "nama", "karakter NUL").nilai == NUL
    assert _find(report, "riwayat_pelatihan.csv", "3", "penyelenggara", "karakter NUL").nilai == "LAN\x00"
    assert "basis data menolak" not in report.text()
    assert _count(empty_source, "pegawai") is None  # not even the tables were created


@pytest.mark.parametrize("written", ["Nama\x00x", "Nama&#0;x", "Nama&#x0;"])
def test_nul_in_a_workbook_is_refused_with_its_row(tmp_path, written):
    """openpyxl cannot write a NUL, nor can XML hold one: a workbook made otherwise is refused."""
    book = workbook(good_files())
    book["pegawai"]["B3"] = "PANJANG"
    _saved(tmp_path / "x", book, {"pegawai": ("<t>PANJANG</t>", f"<t>{written}</t>")})
    report = importer.import_folder(db.make_engine(f"sqlite:///{tmp_path / 'sumber.sqlite'}"), tmp_path / "x", per=PER)
    _find(report, "data.xlsx [lembar pegawai]", "3", None, "memuat karakter yang tidak sah, mis. NUL")
    assert not (tmp_path / "sumber.sqlite").exists()


def test_check_finds_implausible_rows_stored_by_other_means(empty_source, tmp_path):
    assert _import(tmp_path, good_files(), "csv", empty_source).ok
    engine = db.make_engine(empty_source)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE riwayat_pelatihan SET tanggal_mulai = :d, tanggal_selesai = :d WHERE id = '2'"),
                     {"d": dt.date(2004, 12, 31)})  # Budi, born 1985-01-01: at 19, plausible
        conn.execute(sa.text("UPDATE riwayat_pelatihan SET tanggal_mulai = :d, tanggal_selesai = :d WHERE id = '1'"),
                     {"d": dt.date(2004, 12, 31)})  # Siti, born 1990-01-26: at 14
        conn.execute(sa.text("UPDATE survei_kepuasan SET tanggal = :d"), {"d": dt.date(2205, 7, 1)})
        conn.execute(sa.text("UPDATE pegawai SET tanggal_lahir = :d WHERE nip = :n"),
                     {"d": dt.date(1950, 1, 1), "n": NIP_BUDI})  # TMT 2022: at 72
        if engine.dialect.name != "postgresql":  # PostgreSQL refuses NUL in text itself
            conn.execute(sa.text("UPDATE unit_kerja SET nama = :n WHERE kode = 'U2'"), {"n": NUL})
    report = validate.check_source(engine, per=PER)
    engine.dispose()
    training = _find(report, "tabel riwayat_pelatihan", "id = 1", "tanggal_selesai", "berusia 15 tahun")
    assert training.nilai == "2004-12-31 / lahir 1990-01-26"
    assert not [p for p in report.problems if p.baris == "id = 2"], report.text()
    assert _find(report, "tabel survei_kepuasan", "id = 1", "tanggal", "sesudah tanggal acuan").nilai == "2205-07-01"
    _find(report, "tabel pegawai", f"nip = {NIP_BUDI}", "tanggal_lahir", "lebih dari 70 tahun")
    if not empty_source.startswith("postgresql"):
        assert _find(report, "tabel unit_kerja", "kode = U2", "nama", "karakter NUL").nilai == NUL


def test_report_counts_new_and_replaced_rows_and_renamed_employees(empty_source, tmp_path):
    first = _import(tmp_path, good_files(), "csv", empty_source)
    assert first.ok, first.text()
    text = _text(first)
    assert "pegawai.csv 2 baris: 2 baru, 0 menggantikan baris tersimpan" in text
    assert "riwayat_pelatihan.csv 2 baris: 2 baru, 0 menggantikan baris tersimpan" in text
    assert "Pegawai tersimpan yang berganti nama: 0." in text
    # Again, with: Siti renamed, Budi as he was, Ani new; training 1 replaced, 3 new.
    files = {"pegawai": good_files()["pegawai"], "riwayat_pelatihan": good_files()["riwayat_pelatihan"][:2]}
    _set(files, "pegawai", 2, "nama", "Siti Rahayu Putri")
    files["pegawai"].append(["199203152019032004", "Ani Lestari", "P", "1992-03-15", "PNS", "III/a", "Fungsional",
                             "Ahli Pertama", "S1", "U1", "2019-03-01", "1"])
    files["riwayat_pelatihan"].append(["3", NIP_SITI, "Coaching", "nonklasikal", "coaching", "tatap muka", "",
                                       "2025-08-01", "2025-08-01", "2", "manajerial", ""])
    second = _import(tmp_path, files, "csv", empty_source)
    assert second.ok, second.text()
    text = _text(second)
    assert "pegawai.csv 3 baris: 1 baru, 2 menggantikan baris tersimpan" in text
    assert "riwayat_pelatihan.csv 2 baris: 1 baru, 1 menggantikan baris tersimpan" in text
    assert "Pegawai tersimpan yang berganti nama: 1; periksa bila tidak disengaja" in text
    assert _count(empty_source, "pegawai") == 3 and _count(empty_source, "riwayat_pelatihan") == 3
    # Only training this time: no word on names.
    third = _import(tmp_path, {"riwayat_pelatihan": files["riwayat_pelatihan"]}, "csv", empty_source)
    assert "riwayat_pelatihan.csv 2 baris: 0 baru, 2 menggantikan" in _text(third)
    assert "berganti nama" not in third.text()


# --- chunks (point 9) -------------------------------------------------------------------

def _trainings(n: int, jp: dict[int, str] | None = None) -> list[list[str]]:
    """riwayat_pelatihan with ids 1..n for Siti; `jp` overrides the JP of some ids."""
    header = good_files()["riwayat_pelatihan"][0]
    return [header] + [[str(i), NIP_SITI, f"Pelatihan {i}", "klasikal", "pelatihan teknis", "tatap muka", "",
                        "2025-03-01", "2025-03-01", (jp or {}).get(i, "2"), "teknis", ""] for i in range(1, n + 1)]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(importer, "READ_CHUNK", 2)
    monkeypatch.setattr(importer, "WRITE_BATCH", 2)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_duplicate_key_across_chunks_is_found_with_its_row(tmp_path, small_chunks, kind):
    files = good_files()
    rows = files["riwayat_pelatihan"] = _trainings(7)  # ids 1-7 on rows 2-8, two rows a chunk
    rows.append(list(rows[2]))  # row 9 repeats id 2 (row 3, the first chunk)
    rows.append(list(rows[3]))  # row 10 repeats id 3 (row 4, the second chunk)
    report = _import(tmp_path, files, kind)
    duplicates = [(p.baris, p.nilai) for p in report.problems if "kunci ganda" in p.pesan]
    assert duplicates == [("9", "2"), ("10", "3")], report.text()


def test_bad_row_in_a_later_chunk_stores_nothing(tmp_path, small_chunks):
    url = f"sqlite:///{tmp_path / 'sumber.sqlite'}"
    assert _import(tmp_path, good_files(), "csv", url).ok
    files = {"riwayat_pelatihan": _trainings(7, jp={7: "0"})}  # the last chunk holds the bad row
    report = _import(tmp_path, files, "csv", url)
    _find(report, "riwayat_pelatihan.csv", "8", "jp", "lebih dari 0")
    assert _count(url, "riwayat_pelatihan") == 2
    # The same file, good: every chunk is stored, in one piece.
    report = _import(tmp_path, {"riwayat_pelatihan": _trainings(7)}, "csv", url)
    assert report.ok, report.text()
    assert "7 baris: 5 baru, 2 menggantikan baris tersimpan" in _text(report)
    engine = db.make_engine(url)
    with engine.connect() as conn:
        assert [r[0] for r in conn.execute(sa.text("SELECT id FROM riwayat_pelatihan ORDER BY id"))] == [str(i) for i in range(1, 8)]
    engine.dispose()


def test_database_refusing_a_later_batch_rolls_back_the_earlier_ones(tmp_path, small_chunks):
    url = f"sqlite:///{tmp_path / 'sumber.sqlite'}"
    assert _import(tmp_path, good_files(), "csv", url).ok
    engine = db.make_engine(url)
    with engine.begin() as conn:  # the database itself refuses id 6: the fourth batch of two
        conn.execute(sa.text("CREATE TRIGGER tolak BEFORE INSERT ON riwayat_pelatihan WHEN NEW.id = '6' "
                             "BEGIN SELECT RAISE(ABORT, 'ditolak pemicu'); END"))
    report = importer.import_folder(engine, write_folder(tmp_path / "b", {"riwayat_pelatihan": _trainings(7)}),
                                    per=PER)
    assert "basis data menolak penulisan" in report.text() and "ditolak pemicu" in report.text()
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, nama_pelatihan FROM riwayat_pelatihan ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [("1", "Pelatihan Pengelolaan Keuangan"), ("2", "E-learning Integritas")]
