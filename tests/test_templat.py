"""The XLSX import template: built from the contract (every table a sheet, every column a
header, every choice column a dropdown over exactly its allowed values), its example imports
as is with one warning per example row, a filled-in copy imports exactly what was written,
and a copy re-saved by LibreOffice in the Indonesian locale still imports with its NIP whole."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa
from openpyxl.utils import range_boundaries

from data_access import __main__ as cli
from data_access import contract, db, importer, templat

NIP_PNS = "198807242014032003"  # born 24-07-1988, TMT CPNS March 2014, female (2), serial 003
NIP_PPPK = "199512302023211004"


@pytest.fixture
def template(tmp_path) -> Path:
    return templat.write_template(tmp_path / "templat")


def sqlite_engine(tmp_path: Path) -> sa.Engine:
    return db.make_engine(f"sqlite:///{tmp_path / 'sumber' / 'sumber.sqlite'}", create_sqlite_dir=True)


def stored(engine: sa.Engine, table: sa.Table) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(
            sa.select(table).order_by(*table.primary_key.columns)).mappings()]


def example_warnings(report) -> list[tuple[str, str]]:
    return [(w.berkas, w.baris) for w in report.warnings if w.pesan == templat.EXAMPLE_WARNING]


def all_example_rows() -> list[tuple[str, str]]:
    """(label, row) of every example row, counted from the example itself: rows 2, 3, ... per sheet."""
    return [(f"{templat.FILE_NAME} [lembar {name}]", str(i))
            for name, rows in templat.EXAMPLE.items() if name != "wilayah"  # official regions: real data
            for i in range(2, len(rows) + 2)]


def test_every_table_a_sheet_every_column_a_header(template):
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == ["Petunjuk", "Pilihan"] + [t.name for t in contract.TABLES]
    for table in contract.TABLES:
        sheet = book[table.name]
        assert [c.value for c in sheet[1]] == [c.name for c in table.columns]
        assert all(c.font.b for c in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert sheet.sheet_state == "visible"
    assert book["Pilihan"].sheet_state == "visible"


def test_example_covers_the_contract_and_nothing_else():
    """The example names only contract columns, fills every required one, and the notes on
    columns name only contract columns: a renamed column cannot leave the template stale."""
    assert set(templat.EXAMPLE) == set(contract.TABLES_BY_NAME)
    for name, rows in templat.EXAMPLE.items():
        table = contract.TABLES_BY_NAME[name]
        for row in rows:
            assert set(row) <= set(table.c.keys()), name
            assert {c.name for c in table.columns if not c.nullable} <= set(row), name
    for key in templat.KETERANGAN:
        name, column = key.split(".")
        assert column in contract.TABLES_BY_NAME[name].c, key


def _validations(sheet) -> dict[str, list]:
    """Column letter -> the data validations covering row 2 of that column."""
    found: dict[str, list] = {}
    for dv in sheet.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            min_col, min_row, max_col, max_row = range_boundaries(rng.coord)
            assert min_row == 2 and max_row == 1_048_576
            for col in range(min_col, max_col + 1):
                found.setdefault(openpyxl.utils.get_column_letter(col), []).append(dv)
    return found


def _range_values(book, formula: str) -> list:
    sheet_name, cells = formula.rsplit("!", 1)
    assert sheet_name.strip("'") == "Pilihan"
    return [row[0].value for row in book["Pilihan"][cells.replace("$", "")]]


def test_every_choice_column_has_a_dropdown_over_exactly_its_values(template):
    book = openpyxl.load_workbook(template)
    choice_columns = 0
    for table in contract.TABLES:
        sheet = book[table.name]
        validations = _validations(sheet)
        for j, c in enumerate(table.columns, start=1):
            letter = openpyxl.utils.get_column_letter(j)
            lists = [dv for dv in validations.get(letter, []) if dv.type == "list"]
            if "allowed" not in c.info:
                assert not lists, f"{table.name}.{c.name}"
                continue
            choice_columns += 1
            assert len(lists) == 1, f"{table.name}.{c.name}"
            dv = lists[0]
            # A range, never the values written into the formula (Excel refuses over 255 characters).
            assert "!" in dv.formula1 and '"' not in dv.formula1
            assert _range_values(book, dv.formula1) == list(c.info["allowed"]), f"{table.name}.{c.name}"
            assert dv.showErrorMessage and dv.errorStyle == "stop" and dv.allow_blank
    assert choice_columns == 17  # counted in the contract by hand: wilayah 2, instansi 1, kompetensi 1, standar 1, pegawai 6, pelatihan 4, survei 2


def test_formats_nip_and_codes_text_dates_real_dates_jp_a_number(template):
    book = openpyxl.load_workbook(template)
    for table in contract.TABLES:
        sheet = book[table.name]
        for j, c in enumerate(table.columns, start=1):
            letter = openpyxl.utils.get_column_letter(j)
            fmt = sheet.column_dimensions[letter].number_format
            value = sheet.cell(2, j).value
            if isinstance(c.type, sa.String):  # NIP, every code, every text
                assert fmt == "@", f"{table.name}.{c.name}"
                assert value is None or isinstance(value, str)
            elif isinstance(c.type, sa.Date):
                assert fmt == "dd-mm-yyyy"
                assert value is None or isinstance(value, dt.datetime)
            else:
                assert value is None or isinstance(value, (int, float))
    pegawai = book["pegawai"]
    assert pegawai["A2"].data_type == "s" and len(pegawai["A2"].value) == 18
    assert pegawai["A2"].number_format == "@"
    assert pegawai["D2"].number_format == "dd-mm-yyyy"
    jp = book["riwayat_pelatihan"].cell(2, list(contract.riwayat_pelatihan.c.keys()).index("jp") + 1)
    assert jp.data_type == "n" and jp.value == 24.5


def test_petunjuk_explains_the_workbook_and_every_column(template):
    sheet = openpyxl.load_workbook(template)["Petunjuk"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    text = "\n".join(str(v) for r in rows for v in r if v)
    for phrase in ("python -m data_access import FOLDER", "Kelola data", "Kemendagri", templat.EXAMPLE_WARNING,
                   "Pilihan", "Teks", "15-01-2025"):
        assert phrase in text
    header = ["Tabel", "Kolom", "Tipe", "Wajib", "Aturan", "Keterangan"]
    start = rows.index(header)
    described = {(r[0], r[1]): r for r in rows[start + 1:] if r[0]}
    for table in contract.TABLES:
        kamus = contract.kamus(table.name)
        for c in table.columns:
            r = described[table.name, c.name]
            assert r[4] == (kamus.at[c.name, "Aturan"] or None)
            assert r[3] == ("ya (kunci)" if c.primary_key else "ya" if not c.nullable else "tidak")
    assert described["pegawai", "nip"][5].startswith("18 angka")


def test_unchanged_template_imports_with_only_example_warnings(template, empty_source):
    engine = db.make_engine(empty_source)
    report = importer.import_folder(engine, template.parent)
    assert report.ok, report.text()
    assert sorted(example_warnings(report)) == sorted(all_example_rows())
    assert len(report.warnings) == len(all_example_rows()), report.text()
    assert {name: n for name, (n, _) in report.written.items()} == {
        name: len(rows) for name, rows in templat.EXAMPLE.items()}
    (pegawai,) = stored(engine, contract.pegawai)
    assert pegawai["nip"] == "199003152015031002" and pegawai["tanggal_lahir"] == dt.date(1990, 3, 15)
    (pelatihan,) = stored(engine, contract.riwayat_pelatihan)
    assert pelatihan["jp"] == Decimal("24.5") and pelatihan["tanggal_selesai"] == dt.date(2025, 3, 14)
    engine.dispose()


# A steward's own data, independent of the example: another province, a code with leading
# zeros, a PNS and a PPPK, JP with two decimals.
FILLED = {
    "wilayah": [
        {"kode": "35", "nama": "Jawa Timur", "tingkat": "provinsi", "kode_induk": None, "kelompok_wilayah": "Jawa",
         "daerah_3t": None, "lintang": -7.72, "bujur": 112.73},
        {"kode": "3578", "nama": "Kota Surabaya", "tingkat": "kota", "kode_induk": "35", "kelompok_wilayah": "Jawa",
         "daerah_3t": 0, "lintang": -7.27, "bujur": 112.75},
    ],
    "instansi": [{"kode": "0035", "nama": "Pemerintah Kota Surabaya", "jenis": "kota", "kode_wilayah": "3578"}],
    "unit_kerja": [
        {"kode": "0035.007", "kode_instansi": "0035", "nama": "Dinas Kependudukan dan Pencatatan Sipil",
         "kode_wilayah": "3578", "jenis_layanan": "Administrasi Kependudukan"},
        {"kode": "0035.001", "kode_instansi": "0035", "nama": "Sekretariat Daerah", "kode_wilayah": "3578",
         "jenis_layanan": None},
    ],
    "kompetensi": [{"kode": "M.03", "nama": "Komunikasi", "kelompok": "manajerial"}],
    "standar_kompetensi": [{"jenjang_jabatan": "Pelaksana", "kode_kompetensi": "M.03", "level_standar": 1},
                           {"jenjang_jabatan": "Pengawas", "kode_kompetensi": "M.03", "level_standar": 2}],
    "pegawai": [
        {"nip": NIP_PNS, "nama": "Sri Wahyuni", "jenis_kelamin": "P", "tanggal_lahir": dt.date(1988, 7, 24),
         "jenis_asn": "PNS", "golongan": "III/c", "jenis_jabatan": "Pengawas", "jenjang_jabatan": "Pengawas",
         "pendidikan": "S2", "kode_unit": "0035.007", "tmt_asn": dt.date(2014, 3, 1), "aktif": 1,
         "tanggal_berhenti": None},
        {"nip": NIP_PPPK, "nama": "Andi Pratama", "jenis_kelamin": "L", "tanggal_lahir": dt.date(1995, 12, 30),
         "jenis_asn": "PPPK", "golongan": "IX", "jenis_jabatan": "Pelaksana", "jenjang_jabatan": "Pelaksana",
         "pendidikan": "S1", "kode_unit": "0035.001", "tmt_asn": dt.date(2023, 1, 1), "aktif": 0,
         "tanggal_berhenti": dt.date(2025, 12, 31)},
    ],
    "riwayat_pelatihan": [
        {"id": "T001", "nip": NIP_PNS, "nama_pelatihan": "Pelatihan Kepemimpinan Pengawas", "jalur": "klasikal",
         "jenis": "pelatihan struktural kepemimpinan", "moda": "campuran", "penyelenggara": "BPSDM Jawa Timur",
         "tanggal_mulai": dt.date(2025, 2, 3), "tanggal_selesai": dt.date(2025, 4, 30), "jp": Decimal("20.25"),
         "kelompok_kompetensi": "manajerial", "kode_kompetensi": "M.03"},
        {"id": "T002", "nip": NIP_PPPK, "nama_pelatihan": "Coaching Pelayanan", "jalur": "nonklasikal",
         "jenis": "coaching", "moda": "tatap muka", "penyelenggara": None, "tanggal_mulai": dt.date(2025, 5, 6),
         "tanggal_selesai": dt.date(2025, 5, 6), "jp": Decimal("1.75"), "kelompok_kompetensi": "teknis",
         "kode_kompetensi": None},
    ],
    "penilaian_kompetensi": [{"id": "A-01", "nip": NIP_PNS, "kode_kompetensi": "M.03",
                              "tanggal": dt.date(2025, 8, 12), "level": 3, "metode": None}],
    "survei_kepuasan": [
        {"id": "R1", "kode_unit": "0035.007", "tanggal": dt.date(2025, 9, 1), "jenis_layanan": "KTP-el",
         **{u: 4 for u in ("u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9")}, "jenis_kelamin": "L",
         "usia": 51, "pendidikan": "D3", "pekerjaan": "Pedagang", "saran": "=1+1 bukan rumus"},
        {"id": "R2", "kode_unit": "0035.007", "tanggal": dt.date(2025, 9, 2), "jenis_layanan": "KTP-el",
         "u1": 2, "u2": None, "u3": 3, "u4": 4, "u5": 3, "u6": 3, "u7": 2, "u8": None, "u9": 3,
         "jenis_kelamin": None, "usia": None, "pendidikan": None, "pekerjaan": None, "saran": None},
    ],
}


def fill(template: Path, data: dict[str, list[dict]], out: Path) -> Path:
    """The template as a steward fills it: example rows deleted, their rows typed below the
    header (text as text, dates as dates, numbers as numbers), sheets without data emptied."""
    book = openpyxl.load_workbook(template)
    for table in contract.TABLES:
        sheet = book[table.name]
        sheet.delete_rows(2, sheet.max_row)
        header = [c.value for c in sheet[1]]
        for i, row in enumerate(data.get(table.name, []), start=2):
            for j, column in enumerate(header, start=1):
                value = row.get(column)
                if value is not None:
                    cell = sheet.cell(i, j, float(value) if isinstance(value, Decimal) else value)
                    if isinstance(value, str):
                        cell.data_type = "s"  # "=1+1 bukan rumus" is typed into a text cell
    out.mkdir(parents=True, exist_ok=True)
    book.save(out / "isian.xlsx")
    return out


def test_filled_in_copy_imports_exactly_what_was_written(template, tmp_path):
    folder = fill(template, FILLED, tmp_path / "isian")
    engine = sqlite_engine(tmp_path)
    report = importer.import_folder(engine, folder)
    assert report.ok, report.text()
    assert report.warnings == []
    for table in contract.TABLES:
        rows = FILLED.get(table.name, [])
        expected = sorted(({c.name: r.get(c.name) for c in table.columns} for r in rows),
                          key=lambda r: tuple(str(r[k.name]) for k in table.primary_key.columns))
        assert stored(engine, table) == expected, table.name
        assert report.written[table.name] == (len(rows), 0)
    engine.dispose()


def test_template_sheets_skipped_by_exact_name_only(template, tmp_path):
    """Petunjuk and Pilihan in any case are skipped; another sheet name is still refused, and a
    hidden Petunjuk is refused like any hidden sheet."""
    book = openpyxl.load_workbook(template)
    for old, new in (("Petunjuk", "PETUNJUK"), ("Pilihan", "pilihan")):
        book[old].title = "sementara"  # openpyxl takes a case-only rename for a clash with itself
        book["sementara"].title = new
    book.create_sheet("Petunjuk2")
    folder = tmp_path / "nama"
    folder.mkdir()
    book.save(folder / "t.xlsx")
    report = importer.import_folder(sqlite_engine(tmp_path), folder, write=False)
    assert [(p.berkas, p.pesan[:20]) for p in report.problems] == [
        ("t.xlsx [lembar Petunjuk2]", "nama lembar bukan na")]
    book.remove(book["Petunjuk2"])
    book["PETUNJUK"].sheet_state = "hidden"
    book.save(folder / "t.xlsx")
    report = importer.import_folder(sqlite_engine(tmp_path), folder, write=False)
    assert [p.berkas for p in report.problems] == ["t.xlsx [lembar PETUNJUK]"]
    assert "lembar tersembunyi" in report.problems[0].pesan


def test_example_row_left_among_own_rows_is_warned_by_sheet_and_row(template, tmp_path):
    book = openpyxl.load_workbook(template)
    sheet = book["pegawai"]
    sheet.insert_rows(2)  # the steward's row above the example, which moves to row 3
    own = {**FILLED["pegawai"][1], "kode_unit": templat.EXAMPLE["unit_kerja"][0]["kode"]}
    for j, c in enumerate(contract.pegawai.columns, start=1):
        sheet.cell(2, j, own.get(c.name))
    folder = tmp_path / "campur"
    folder.mkdir()
    book.save(folder / "t.xlsx")  # the other sheets keep their examples: the unit is there
    report = importer.import_folder(sqlite_engine(tmp_path), folder, write=False)
    assert report.ok, report.text()
    warned = [(w.berkas, w.baris, w.kolom, w.nilai) for w in report.warnings if "pegawai" in w.berkas]
    assert warned == [("t.xlsx [lembar pegawai]", "3", "nip", "199003152015031002")]


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice (soffice) tidak terpasang")
    return found


def _resave_id_id(soffice: str, src: Path, out: Path, profile: Path, to: str = "xlsx") -> None:
    """Open and save `src` with LibreOffice whose user profile is set to the id-ID locale."""
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
        + "".join(f'<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="{name}" oor:op="fuse">'
                  f'<value>id-ID</value></prop></item>\n' for name in ("ooSetupSystemLocale", "ooLocale"))
        + "</oor:items>\n", encoding="utf-8")
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", to,
                    "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=180,
                   env={**os.environ, "HOME": str(profile)})


def test_resaved_by_libreoffice_in_id_id_still_imports_with_nip_whole(template, tmp_path):
    soffice = _soffice()
    profile = tmp_path / "lo-profil"
    out = tmp_path / "libreoffice"
    _resave_id_id(soffice, template, out, profile)
    # The profile really is Indonesian: the sheet shown as CSV writes JP with a decimal comma.
    csv_dir = tmp_path / "csv"
    _resave_id_id(soffice, out / templat.FILE_NAME, csv_dir, profile,
                  "csv:Text - txt - csv (StarCalc):59,34,76,1,,0,false,true,true,false,false,-1")
    shown = (csv_dir / f"{Path(templat.FILE_NAME).stem}-riwayat_pelatihan.csv").read_text(encoding="utf-8")
    assert ";24,5;" in shown and ";14-03-2025;" in shown
    engine = sqlite_engine(tmp_path)
    report = importer.import_folder(engine, out)
    assert report.ok, report.text()
    assert sorted(example_warnings(report)) == sorted(all_example_rows())
    (pegawai,) = stored(engine, contract.pegawai)
    assert pegawai["nip"] == "199003152015031002"  # 18 digits, not 1.99003152015031E+17
    assert pegawai["tmt_asn"] == dt.date(2015, 3, 1)
    assert stored(engine, contract.riwayat_pelatihan)[0]["jp"] == Decimal("24.5")
    # The dropdowns survive the round trip (LibreOffice may shorten their ranges).
    book = openpyxl.load_workbook(out / templat.FILE_NAME)
    lists = [dv for dv in book["pegawai"].data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == sum("allowed" in c.info for c in contract.pegawai.columns)
    engine.dispose()


def test_cli_writes_template_and_refuses_to_overwrite(tmp_path, capsys):
    folder = tmp_path / "baru" / "templat"
    assert cli.main(["template", str(folder)]) == 0
    out = capsys.readouterr().out
    assert str(folder / templat.FILE_NAME) in out and "ditulis" in out
    assert (folder / templat.FILE_NAME).stat().st_size > 0
    assert cli.main(["template", str(folder)]) == 2
    assert "sudah ada" in capsys.readouterr().err
    assert cli.main(["template", str(folder), "--timpa"]) == 0
    assert [p.name for p in folder.iterdir()] == [templat.FILE_NAME]  # no temporary file left


def test_cli_unwritable_folder_is_one_sentence(tmp_path, capsys):
    blocker = tmp_path / "berkas"
    blocker.write_text("bukan folder")
    assert cli.main(["template", str(blocker / "templat")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Gagal: templat tidak bisa ditulis ke folder") and "Traceback" not in err
    assert err.count("\n") == 1
