"""Download files ready for analysis: half-up rounding to each column's decimals, typed XLSX
cells (numbers, percentages 0–100, dates, text that stays text), CSV in both styles, and what
LibreOffice Calc in the Indonesian locale shows when it opens them."""

from __future__ import annotations

import csv
import datetime
import io
import os
import shutil
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import openpyxl
import pandas as pd
import pytest

from data_access import ekspor, rules
from ui import download

NIP = "199001012015031001"  # 18 digits: as a number Excel would show 1,99E+17
NAMA = "=cmd|' /C calc'!A0"  # a formula (DDE) if it were ever written as one
PRESISI = {"JP per PNS": 1, "Cakupan 20 JP (%)": 1}


def sample() -> pd.DataFrame:
    return pd.DataFrame({
        "NIP": [NIP, "198512312010122002"],
        "Kode": ["0032", "3201"],
        "Nama": [NAMA, "Siti Aminah"],
        "Selisih JP": [-1234.5, 7.0],
        "Cakupan 20 JP (%)": [62.5, 100.0],
        "Tanggal penilaian": [datetime.date(2026, 11, 27), None],
        "Sudah dilatih": [True, False],
        "PNS": [1234567, 12],
        "Tahun": [2025, 2025],
        "JP per PNS": [12.25, 0.4166666666666667],
    })


# --- rounding ------------------------------------------------------------------------------

@pytest.mark.parametrize("value, digits, expected", [
    (12.25, 1, 12.3), (78.125, 2, 78.13), (0.4166666666666667, 2, 0.42), (17.497500000000002, 2, 17.5),
    (1.005, 2, 1.01), (2.675, 2, 2.68), (0.285, 2, 0.29), (-2.5, 0, -3.0), (-12.25, 1, -12.3), (0.05, 1, 0.1),
])
def test_half_up_on_the_shortest_repr(value, digits, expected):
    assert ekspor._bulatkan([value], digits)[0] == expected == rules.round_half_up(value, digits)


def test_vectorised_rounding_equals_the_rule():
    rng = np.random.default_rng(7)
    for digits in range(5):
        ties = [float(f"{i}.{j:0{digits}d}5") if digits else float(f"{i}.5")
                for i, j in zip(rng.integers(-10**5, 10**5, 5000), rng.integers(0, 10**digits, 5000))]
        values = np.concatenate([rng.normal(0, 100, 5000), rng.uniform(0, 1, 5000), ties, [np.nan, 0.0, -0.0]])
        got = ekspor._bulatkan(values, digits)
        expected = [np.nan if np.isnan(v) else rules.round_half_up(v, digits) for v in values]
        np.testing.assert_array_equal(got, expected)
    assert str(ekspor._bulatkan([-0.001], 2)[0]) == "0.0"  # never "-0,00" in a file


def test_rounding_a_million_rows_is_fast():
    rng = np.random.default_rng(0)
    batches = [rng.uniform(0, 100, (50_000, 3)) for _ in range(20)]  # 1.000.000 rows x 3 float columns
    start = time.perf_counter()
    for batch in batches:
        for column, digits in zip(batch.T, (1, 2, 4)):
            ekspor._bulatkan(column, digits)
    assert time.perf_counter() - start < 1.0  # about 0,015 s measured; Decimal per value takes about 4 s


def test_shares_become_percentages():
    frame, presisi = ekspor.ke_persen(pd.DataFrame({"Cakupan 20 JP": [0.285, 0.625, None], "PNS": [1, 2, 3]}),
                                       ["Cakupan 20 JP"], {"Cakupan 20 JP": 1})
    assert list(frame.columns) == ["Cakupan 20 JP (%)", "PNS"] and presisi["Cakupan 20 JP (%)"] == 1
    assert frame["Cakupan 20 JP (%)"].tolist()[:2] == [28.5, 62.5] and np.isnan(frame["Cakupan 20 JP (%)"].iloc[2])
    frame, presisi = ekspor.ke_persen(pd.DataFrame({"x": [0.12345]}), ["x"], None)
    assert frame["x (%)"].tolist() == [12.35] and presisi == {"x (%)": 2}  # two decimals unless told


# --- CSV -----------------------------------------------------------------------------------

def test_csv_in_both_styles():
    indonesian = ekspor.write_csv([sample()], "csv_id", PRESISI)
    international = ekspor.write_csv([sample()], "csv_int", PRESISI)
    assert indonesian.startswith("\ufeff".encode()) and international.startswith("\ufeff".encode())
    lines = indonesian.decode("utf-8-sig").splitlines()
    assert lines[0] == "NIP;Kode;Nama;Selisih JP;Cakupan 20 JP (%);Tanggal penilaian;Sudah dilatih;PNS;Tahun;JP per PNS"
    # A formula-looking text gets an apostrophe (CSV injection), the rest is as it is.
    assert lines[1] == f"{NIP};0032;'{NAMA};-1234,5;62,5;2026-11-27;ya;1234567;2025;12,3"
    assert lines[2] == "198512312010122002;3201;Siti Aminah;7,0;100,0;;tidak;12;2025;0,4"
    rows = list(csv.reader(io.StringIO(international.decode("utf-8-sig"))))
    assert rows[1] == [NIP, "0032", f"'{NAMA}", "-1234.5", "62.5", "2026-11-27", "ya", "1234567", "2025", "12.3"]
    text = {"NIP": str, "Kode": str}
    a = pd.read_csv(io.BytesIO(indonesian), sep=";", decimal=",", encoding="utf-8-sig", dtype=text)
    b = pd.read_csv(io.BytesIO(international), sep=",", decimal=".", encoding="utf-8-sig", dtype=text)
    pd.testing.assert_frame_equal(a, b)


def test_csv_floats_get_two_decimals_unless_told():
    frame = pd.DataFrame({"a": [0.4166666666666667], "b": [78.125], "c": [None], "d": pd.array([None], "Int64"),
                          "e": [np.inf]})
    assert ekspor.write_csv([frame], "csv_int", {"b": 1}).decode("utf-8-sig").splitlines()[1] == "0.42,78.1,,,"


def test_csv_streams_its_batches():
    batches = [sample().assign(PNS=i) for i in range(3)]
    lines = ekspor.write_csv(iter(batches), "csv_id", PRESISI).decode("utf-8-sig").splitlines()
    assert len(lines) == 1 + 6 and lines.count(lines[0]) == 1


# --- XLSX ----------------------------------------------------------------------------------

def xlsx(frames, presisi=PRESISI, name="Uji") -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(ekspor.write_xlsx({name: frames}, [("Data", "uji")], presisi)))


def test_xlsx_cells_are_typed():
    book = xlsx([sample()])
    sheet = book["Uji"]
    cells = {sheet.cell(1, j).value: sheet.cell(2, j) for j in range(1, sheet.max_column + 1)}
    for column in ("NIP", "Kode", "Nama", "Sudah dilatih"):
        assert cells[column].data_type == "s", column  # text, never a number or a formula
    assert (cells["NIP"].value, cells["Kode"].value, cells["Nama"].value) == (NIP, "0032", NAMA)
    assert cells["Sudah dilatih"].value == "ya" and sheet["G3"].value == "tidak"
    expected = {"Selisih JP": (-1234.5, "#,##0.00"), "Cakupan 20 JP (%)": (62.5, '0.0"%"'), "PNS": (1234567, "#,##0"),
                "Tahun": (2025, "0"), "JP per PNS": (12.3, "#,##0.0")}
    for column, (value, number_format) in expected.items():
        assert (cells[column].value, cells[column].number_format) == (value, number_format), column
        assert cells[column].data_type == "n"
    assert sheet["J3"].value == 0.4  # 0,41666... at one decimal
    date = cells["Tanggal penilaian"]
    assert date.is_date and date.value == datetime.datetime(2026, 11, 27) and date.number_format == "dd/mm/yyyy"
    assert sheet["F3"].value is None  # missing: an empty cell


def test_xlsx_header_filter_widths():
    sheet = xlsx([sample()])["Uji"]
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:J3"
    assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$1:$1"  # printable
    assert all(cell.font.b for cell in sheet[1])
    widths = {sheet.cell(1, j).value: sheet.column_dimensions[openpyxl.utils.get_column_letter(j)].width
              for j in range(1, 11)}
    assert widths["NIP"] >= len(NIP) and widths["Nama"] >= len(NAMA)
    assert all(len(column) < width <= ekspor.LEBAR_MAKS for column, width in widths.items())
    long = xlsx([pd.DataFrame({"catatan": ["x" * 500]})])["Uji"]
    assert long.column_dimensions["A"].width == ekspor.LEBAR_MAKS


def test_xlsx_streams_its_batches():
    batches = [sample().assign(PNS=i) for i in range(1, 4)] + [sample().iloc[:0]]
    sheet = xlsx(iter(batches))["Uji"]
    rows = list(sheet.values)
    assert len(rows) == 1 + 6 and rows[0][0] == "NIP" and [r[7] for r in rows[1:]] == [1, 1, 2, 2, 3, 3]
    assert sheet.auto_filter.ref == "A1:J7"


def test_an_empty_first_batch_does_not_decide_the_types():
    frame = pd.DataFrame({"nama": ["A"], "dilatih": [True], "nilai": [1.25], "tak_hingga": [np.inf]}, dtype=object)
    sheet = xlsx(iter([frame.iloc[:0], frame]), {"nilai": 1})["Uji"]
    assert [(c.value, c.data_type) for c in sheet[2]] == [("A", "s"), ("ya", "s"), (1.3, "n"), (None, "n")]
    assert sheet["C2"].number_format == "#,##0.0"
    header_only = xlsx(iter([frame.iloc[:0]]))["Uji"]
    assert list(header_only.values) == [("nama", "dilatih", "nilai", "tak_hingga")]


def test_an_integer_nip_is_written_as_text():
    sheet = xlsx([pd.DataFrame({"nip": [199001012015031001], "jumlah": [5]})])["Uji"]
    assert (sheet["A2"].value, sheet["A2"].data_type) == (NIP, "s")  # Excel keeps 15 digits of a number
    assert (sheet["B2"].value, sheet["B2"].data_type) == (5, "n")


def test_keterangan_defines_every_column_and_its_format():
    book = xlsx([sample().rename(columns={"JP per PNS": "jp_per_pns"}).assign(cakupan=[0.5, 0.25])],
                {"jp_per_pns": 1})
    assert book.sheetnames == ["Uji", "Keterangan"]
    rows = [r for r in book["Keterangan"].values if r and r[0]]
    assert rows[0][:2] == ("Data", "uji") and ("Kolom", "Definisi", "Format") in rows
    notes = {r[0]: r[1:] for r in rows}
    assert notes["jp_per_pns"][1] == "bilangan, 1 desimal (dibulatkan setengah ke atas)"
    assert notes["Cakupan 20 JP (%)"][1] == "persen 0–100, 2 desimal"  # not in this presisi: two
    assert "0–100" in notes["Cakupan 20 JP (%)"][0] and "0–1;" not in notes["Cakupan 20 JP (%)"][0]
    assert notes["Tanggal penilaian"][1] == "tanggal (dd/mm/yyyy)" and notes["NIP"][1] == "teks"
    assert notes["cakupan"][1] == "bilangan, 2 desimal (dibulatkan setengah ke atas)"


@pytest.mark.parametrize("names, expected", [
    (["Kompetensi per kabupaten/kota [2025]"], ["Kompetensi per kabupaten-kota -"]),
    (["a:b*c?d"], ["a-b-c-d"]),
    (["   "], ["Data"]),
    (["'kutip'"], ["kutip"]),
    (["History"], ["History data"]),
    (["Keterangan"], ["Keterangan (2)"]),
    (["Data", "DATA", "data"], ["Data", "DATA (2)", "data (3)"]),
    (["x" * 40, "x" * 41], ["x" * 31, "x" * 27 + " (2)"]),  # the same once cut to 31
])
def test_sheet_names_excel_accepts(names, expected):
    data = ekspor.write_xlsx({n: [pd.DataFrame({"a": [i]})] for i, n in enumerate(names)}, [("Data", "uji")])
    got = openpyxl.load_workbook(io.BytesIO(data)).sheetnames
    assert got[:-1] == expected and got[-1] == "Keterangan"
    assert all(len(n) <= 31 and not set(n) & set("\\/*?:[]") and n.strip() and n[0] != "'" != n[-1] for n in got)


# --- names and notes of the files ----------------------------------------------------------

def konteks(labels=(("Provinsi", "Jawa Barat"),)):
    return SimpleNamespace(labels=list(labels), scope=SimpleNamespace(is_all=True), filters=SimpleNamespace(tahun=2025),
                           pengguna=SimpleNamespace(cakupan="Nasional"),
                           info=SimpleNamespace(data_per=datetime.date(2026, 10, 31), source="uji", demo=False,
                                                built_at="2026-11-01T10:00:00"))


def test_the_two_csv_styles_have_their_own_names():
    today = datetime.date(2026, 11, 27)
    names = {style: download.file_name("Cakupan pelatihan", konteks(), ext, today, style=style)
             for style, (_, ext, _) in ekspor.FORMAT.items()}
    assert names == {"csv_id": "cakupan-pelatihan_jawa-barat_2025_2026-11-27_id.csv",
                     "csv_int": "cakupan-pelatihan_jawa-barat_2025_2026-11-27_int.csv",
                     "xlsx": "cakupan-pelatihan_jawa-barat_2025_2026-11-27.xlsx"}


def test_keterangan_says_how_numbers_are_written():
    line = dict(download.keterangan("Uji", konteks()))["Format angka"]
    assert "0–100" in line and "(%)" in line and "desimal" in line and "NIP disamarkan kecuali" in line


# --- what LibreOffice Calc shows, in the Indonesian locale ---------------------------------

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
calc = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) tidak terpasang")
PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N">
  <prop oor:name="ooSetupSystemLocale" oor:op="fuse"><value>id-ID</value></prop></item>
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooLocale" oor:op="fuse"><value>id-ID</value></prop></item>
</oor:items>
"""
ID, EN = 1057, 1033  # LibreOffice language ids of id-ID and en-US


def soffice(tmp: Path, source: Path, target: str, infilter: str | None = None) -> Path:
    """Convert `source` headless with a throwaway profile in the id-ID locale."""
    profile = tmp / "profil"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE)
    locales = subprocess.run(["locale", "-a"], capture_output=True, text=True).stdout.lower()
    lang = "id_ID.UTF-8" if "id_id.utf8" in locales else "C.UTF-8"  # the profile sets id-ID either way
    out = tmp / f"keluar-{source.stem}-{target.split(':')[0]}"
    command = [SOFFICE, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore"]
    command += [f"--infilter={infilter}"] if infilter else []
    subprocess.run(command + ["--convert-to", target, "--outdir", str(out), str(source)], check=True, timeout=180,
                   capture_output=True, env={**os.environ, "LC_ALL": lang, "LANG": lang})
    (result,) = out.iterdir()
    return result


AS_SHOWN = f"csv:Text - txt - csv (StarCalc):59,34,76,1,,{ID},false,true,true"  # ";" and "save as shown"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("berkas")
    (tmp / "uji.xlsx").write_bytes(ekspor.write_xlsx({"Uji": [sample()]}, [("Data", "uji")], PRESISI))
    (tmp / "uji_id.csv").write_bytes(ekspor.write_csv([sample()], "csv_id", PRESISI))
    (tmp / "uji_int.csv").write_bytes(ekspor.write_csv([sample()], "csv_int", PRESISI))
    return tmp


@calc
def test_calc_shows_the_xlsx_in_indonesian(files):
    shown = soffice(files, files / "uji.xlsx", AS_SHOWN)
    rows = list(csv.reader(io.StringIO(shown.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0] == list(sample().columns)
    # The NIP whole, the code with its zeros, the name as text (not run as a formula), numbers with
    # point-grouped thousands and a decimal comma, the percent sign without rescaling, the date.
    assert rows[1] == [NIP, "0032", NAMA, "-1.234,50", "62,5%", "27/11/2026", "ya", "1.234.567", "2025", "12,3"]
    assert rows[2] == ["198512312010122002", "3201", "Siti Aminah", "7,00", "100,0%", "", "tidak", "12", "2025", "0,4"]


@calc
def test_calc_reads_the_csv_of_each_style_as_numbers(files):
    for name, language in (("uji_id.csv", ID), ("uji_int.csv", EN)):
        separator = 59 if name == "uji_id.csv" else 44
        opened = soffice(files, files / name, "xlsx", f"CSV:{separator},34,76,1,,{language}")
        sheet = openpyxl.load_workbook(opened).active
        row = [c.value for c in sheet[2]]
        assert row[3:5] == [-1234.5, 62.5] and row[7:10] == [1234567, 2025, 12.3], name
        assert sheet["C2"].data_type == "s" and sheet["C2"].value == f"'{NAMA}", name  # text, not a formula
        assert sheet["F2"].is_date and sheet["F2"].value == datetime.datetime(2026, 11, 27), name
        assert sheet["G2"].value == "ya", name
        # A CSV has no types: Calc (like Excel) reads the NIP and "0032" as numbers; the XLSX keeps them text.
        assert NIP.encode() in (files / name).read_bytes() and b"0032" in (files / name).read_bytes()
