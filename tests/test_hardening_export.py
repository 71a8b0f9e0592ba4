"""Hardened exports (issue 19): no cell of any file runs as a formula (point 2), one logging setup
whose audit lines reach stderr without a NIP or a name (point 8), and exports from the command line
through the same datasets, scope rules, neutralisation and audit as the buttons (point 10).

Hostile names (tests/payloads.py) are written into a small demo source (employees, units,
agencies, regions, competencies), a mart is refreshed from it, and the files the dashboard and
the command line make are opened independently: CSV with the csv module, XLSX with openpyxl and
as raw XML, both with LibreOffice Calc in the id-ID locale (tests/test_berkas.py's converter).
"""

from __future__ import annotations

import ast
import csv
import getpass
import io
import json
import logging
import os
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

from data_access import akses, db, demo, ekspor, mart, refresh
from data_access import log as logs
from data_access.filters import Filters

from .conftest import REFERENCE_DATE, REPO, SEED, SMALL_DEMO, as_embedded_demo
from .expected import ADMIN, person_years, source_table
from .payloads import FORMULAS, PAYLOADS
from .test_berkas import EN, ID, calc, soffice
from .test_frame import PAGES, new_app, open_tables
from .test_unduh import choose, files  # noqa: F401 (files is a fixture)

# Beyond OWASP's list, what this project also neutralises: a line feed, full-width = and -.
EXTRA = ["\n=1+1", "\uff1d1+1", "\uff0d1"]
HOSTILE = PAYLOADS + EXTRA
# Written independently of the code under test: a text cell must not start with one of these.
RISKY = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
NUMBER = {"csv_id": re.compile(r"-?\d+(,\d+)?"), "csv_int": re.compile(r"-?\d+(\.\d+)?(e-?\d+)?")}
SEP = {"csv_id": ";", "csv_int": ","}
CSV_ID, CSV_INT, XLSX = (label for label, _, _ in ekspor.FORMAT.values())
STYLE = {CSV_ID: "csv_id", CSV_INT: "csv_int", XLSX: "xlsx"}


def shown_in_csv(text: str) -> str:
    """What a CSV cell must hold for a source text: OWASP's apostrophe before a risky start."""
    return "'" + text if text.startswith(RISKY) else text


def as_xml_reads(text: str) -> str:
    """A text as an XLSX gives it back: XML turns a carriage return into a line feed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- a source with hostile names -------------------------------------------------------------------

@pytest.fixture(scope="module")
def racun(tmp_path_factory):
    """(source URL, mart path): the small demo with HOSTILE texts as the names of employees, units,
    agencies, regions and competencies (in turn), refreshed into a mart of its own. The folder
    holds sumber.sqlite and mart.duckdb, so the dashboard takes it as its embedded demo."""
    folder = tmp_path_factory.mktemp("racun")
    url = f"sqlite:///{folder / 'sumber.sqlite'}"
    engine = db.make_engine(url)
    demo.generate(engine, n_pegawai=SMALL_DEMO, seed=SEED, sampai=REFERENCE_DATE)
    with engine.begin() as conn:
        for table, key in (("pegawai", "nip"), ("unit_kerja", "kode"), ("instansi", "kode"), ("wilayah", "kode"),
                           ("kompetensi", "kode")):
            keys = [r[0] for r in conn.execute(sa.text(f"SELECT {key} FROM {table} ORDER BY {key}"))]
            conn.execute(sa.text(f"UPDATE {table} SET nama = :nama WHERE {key} = :key"),
                         [{"key": k, "nama": HOSTILE[i % len(HOSTILE)]} for i, k in enumerate(keys)])
    engine.dispose()
    path = folder / "mart.duckdb"
    refresh.refresh(url, str(path))
    return url, path


@pytest.fixture
def racun_app(racun, monkeypatch, tmp_path):
    """The dashboard on the hostile demo, in demo mode (a planner over all data)."""
    as_embedded_demo(monkeypatch, racun[1], tmp_path / "akses.sqlite")
    return racun


# --- opening the files independently ---------------------------------------------------------------

def csv_rows(data: bytes, style: str) -> list[list[str]]:
    """Every row of a CSV file, header first, and the check that no cell can run: a cell that
    starts like a formula must be a number of the file's style (a negative figure)."""
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=SEP[style]))
    for row in rows:
        for cell in row:
            assert not cell.startswith(RISKY) or NUMBER[style].fullmatch(cell), (style, cell)
    return rows


def xlsx_cells(data: bytes) -> list:
    """Every cell of every sheet of a workbook, and the checks that none is a formula: not in the
    XML itself (no <f> element), not as openpyxl reads it; every text typed as text."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                assert not re.search(rb"<(\w+:)?f[ >]", z.read(name)), name
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert all(c.data_type == "s" for c in cells if isinstance(c.value, str))
    return cells


def context_lines(book) -> dict:
    """The Keterangan sheet's context lines (before the column definitions)."""
    lines = {}
    for row in book["Keterangan"].values:
        if not row or row[0] is None:
            break
        lines[row[0]] = row[1]
    return lines


def check(data: bytes, style: str) -> set[str]:
    """The texts a file holds, after checking it as its format requires."""
    if style == "xlsx":
        return {c.value for c in xlsx_cells(data) if isinstance(c.value, str)}
    return {cell for row in csv_rows(data, style) for cell in row}


# --- point 2: every export neutralises formulas -----------------------------------------------------

def test_every_dataset_of_the_export_page_neutralises_formulas(racun_app, files):  # noqa: F811
    """Each dataset the Unduh page offers (a planner in demo mode: all of them), in each format,
    through the page's own buttons."""
    at = new_app({"tahun": "2025"})
    at.switch_page("pages/unduh.py").run()
    seen = {style: set() for style in STYLE.values()}
    offered = ekspor.available(ADMIN)
    for key, ds in offered.items():
        choose(at, "Orang per orang" if ds.orang else "Agregat", ds.judul)
        assert not at.exception, key
        for button in at.download_button:
            _, data = files(button)
            seen[STYLE[button.label]] |= check(data, STYLE[button.label])
    assert len(offered) == len(ekspor.DATASETS) == 15
    # Every hostile name reached the files: the person lists carry the employees' names, the
    # aggregates the regions', agencies' and units' names.
    for text in HOSTILE:
        assert as_xml_reads(text) in seen["xlsx"], repr(text)
        for style in ("csv_id", "csv_int"):
            assert shown_in_csv(text) in seen[style], (style, text)


@pytest.mark.parametrize("fmt", ["csv-id", "csv", "xlsx"])
def test_person_lists_hold_each_name_neutralised(racun, tmp_path, fmt):
    """Both person datasets from the command line (as admin: the full NIP, so every row can be
    matched to the source): each row's name is the source's, with the apostrophe in CSV."""
    url, path = racun
    names = source_table(url, "pegawai").set_index("nip")["nama"]
    for key in ("pns_di_bawah_target", "pegawai_di_bawah_standar"):
        out = tmp_path / f"{key}.{fmt}"
        result = cli(path, tmp_path, "ekspor", key, "--tahun", "2025", "--format", fmt, "--keluar", str(out))
        assert result.returncode == 0, result.stderr
        data = out.read_bytes()
        if fmt == "xlsx":
            check(data, "xlsx")
            rows = list(openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].values)
            header, body = rows[0], rows[1:]
            expected = [as_xml_reads(names[r[header.index("NIP")]]) for r in body]
        else:
            style = "csv_id" if fmt == "csv-id" else "csv_int"
            header, *body = csv_rows(data, style)
            expected = [shown_in_csv(names[r[header.index("NIP")]]) for r in body]
        assert [r[header.index("Nama")] for r in body] == expected and len(body) > 50
        assert {shown_in_csv(t) if fmt != "xlsx" else as_xml_reads(t) for t in FORMULAS} <= set(expected)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_table_download_neutralises_formulas(racun_app, files, page):  # noqa: F811
    """The download menu of every table on every page (ekspor.ke_persen and ui/download._file)."""
    at = new_app({"tahun": "2025"})
    open_tables(at.switch_page(f"pages/{page}.py").run())
    buttons = list(at.download_button)
    assert buttons or page == "ringkasan", page
    for button in buttons:
        _, data = files(button)
        check(data, STYLE[button.label])


def test_keterangan_lines_with_hostile_agency_names_stay_text(racun, tmp_path):
    """An agency named like a formula in the Filter line and as the whole scope (Cakupan akses)."""
    url, path = racun
    agencies = source_table(url, "instansi").set_index("kode")["nama"]
    code = agencies[agencies == FORMULAS[0]].index[0]
    store = tmp_path / "akses.sqlite"
    akses.grant(str(store), "perencana@contoh.go.id", "perencana", instansi=[code])
    out = tmp_path / "kebutuhan.xlsx"
    result = cli(path, tmp_path, "ekspor", "kebutuhan_pelatihan", "--pengguna", "perencana@contoh.go.id",
                 "--instansi", code, "--format", "xlsx", "--keluar", str(out))
    assert result.returncode == 0, result.stderr
    cells = xlsx_cells(out.read_bytes())
    notes = context_lines(openpyxl.load_workbook(out))
    assert notes["Cakupan akses"] == FORMULAS[0] and notes["Filter"] == f"Instansi: {FORMULAS[0]}"
    assert any(c.value == FORMULAS[0] and c.data_type == "s" for c in cells)


def test_headers_sheet_names_and_negative_numbers():
    """Headers are cells too; numbers of every kind stay numbers, negative ones included."""
    frame = pd.DataFrame({
        "=SUM(A1:A9)": ["+1+1", "Siti"], "Selisih": [-1234.5, 7.0], "Perubahan": [-3, 4],
        "Desimal": [Decimal("-2.50"), Decimal("1.25")], "@kolom": ["-2+3", "-"]})
    for style in ("csv_id", "csv_int"):
        header, first, second = csv_rows(ekspor.tulis(style, "=cmd|' /C calc'!A0", [frame], []), style)
        assert header == ["'=SUM(A1:A9)", "Selisih", "Perubahan", "Desimal", "'@kolom"]
        point = "," if style == "csv_id" else "."
        assert first == ["'+1+1", f"-1234{point}5", "-3", f"-2{point}5", "'-2+3"] and second[-1] == "'-"
    data = ekspor.tulis("xlsx", "=cmd|' /C calc'!A0", [frame], [("=1+1", "@SUM(A1)"), ("Filter", "-")])
    xlsx_cells(data)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    assert book.sheetnames[0] == "=cmd|' -C calc'!A0"  # "/" is not allowed in a sheet name
    assert [c.value for c in sheet[1]] == list(frame.columns)
    assert [(c.value, c.data_type) for c in sheet[2]] == [
        ("+1+1", "s"), (-1234.5, "n"), (-3, "n"), (-2.5, "n"), ("-2+3", "s")]
    notes = list(book["Keterangan"].values)
    assert notes[0][:2] == ("=1+1", "@SUM(A1)") and notes[1][:2] == ("Filter", "-")


def test_page_table_path_neutralises_headers(monkeypatch):
    """ui/download.buttons' file: ke_persen, then _file, with a hostile column name."""
    from types import SimpleNamespace

    from ui import download

    frame, places = ekspor.ke_persen(pd.DataFrame({"-Cakupan": [0.5], "Nama": ["=1+1"]}), ["-Cakupan"], None)
    k = SimpleNamespace(info=mart.MartInfo("x", "v", "2026-11-01T10:00:00", "uji", None, 2025, 2025, False, ()),
                        filters=Filters(tahun=2025), labels=(("Instansi", "=HYPERLINK(\"x\")"),),
                        pengguna=SimpleNamespace(cakupan="@scope"))
    rows = csv_rows(download._file("csv_id", "Uji", lambda: [frame], k, places), "csv_id")
    assert rows == [["'-Cakupan (%)", "Nama"], ["50,0", "'=1+1"]]
    data = download._file("xlsx", "Uji", lambda: [frame], k, places)
    notes = context_lines(openpyxl.load_workbook(io.BytesIO(data)))
    assert notes["Filter"] == 'Instansi: =HYPERLINK("x")' and notes["Cakupan akses"] == "@scope"
    xlsx_cells(data)


# --- what LibreOffice Calc makes of the files (id-ID) -----------------------------------------------

@calc
def test_calc_evaluates_nothing_in_the_files(racun, tmp_path):
    """The person list in each format and a control file, opened by Calc in the id-ID locale with
    formulas evaluated (its default for CSV): the control's formula runs, nothing of ours does."""
    url, path = racun
    names = source_table(url, "pegawai").set_index("nip")["nama"]
    made = {}
    for fmt in ("csv-id", "csv", "xlsx"):
        made[fmt] = tmp_path / f"orang-{fmt}.{'xlsx' if fmt == 'xlsx' else 'csv'}"
        result = cli(path, tmp_path, "ekspor", "pns_di_bawah_target", "--tahun", "2025", "--format", fmt,
                     "--keluar", str(made[fmt]))
        assert result.returncode == 0, result.stderr
    # The CSV files as Calc imports them: every name a text cell, the JP numbers numbers.
    for fmt, separator, language in (("csv-id", 59, ID), ("csv", 44, EN)):
        # The NIP column imported as text (format code 2), as a planner would, to match rows to the source.
        sheet = openpyxl.load_workbook(soffice(tmp_path, made[fmt], "xlsx",
                                               f"CSV:{separator},34,76,1,1/2,{language}")).active
        rows = list(sheet.iter_rows())
        header = [c.value for c in rows[0]]
        nip, nama, jp = header.index("NIP"), header.index("Nama"), header.index("JP yang kurang")
        assert not [c.coordinate for row in rows for c in row if c.data_type == "f"], fmt
        for row in rows[1:]:
            assert row[nama].data_type == "s" and row[nama].value == as_xml_reads(shown_in_csv(names[str(row[nip].value)])), fmt
            assert row[jp].data_type == "n" and isinstance(row[jp].value, (int, float)), fmt
    # The workbook saved by Calc as shown: each name exactly as in the source (+1+1 is not 2,
    # =HYPERLINK(...) not a link's text).
    shown = soffice(tmp_path, made["xlsx"], f"csv:Text - txt - csv (StarCalc):59,34,76,1,,{ID},false,true,true")
    header, *body = list(csv.reader(io.StringIO(shown.read_text(encoding="utf-8-sig"), newline=""), delimiter=";"))
    got = [r[header.index("Nama")] for r in body]
    assert got == [as_xml_reads(names[r[header.index("NIP")]]) for r in body]
    assert {"+1+1", "-2+3", '=HYPERLINK("http://evil.example/x","klik")', "=cmd|' /C calc'!A0"} <= set(got)
    # Control: the same checks catch a formula that does run.
    raw = tmp_path / "kontrol.csv"
    raw.write_text("Nama;Angka\n=1+1;-3\n", encoding="utf-8")
    control = openpyxl.load_workbook(soffice(tmp_path, raw, "xlsx", f"CSV:59,34,76,1,,{ID}")).active
    assert control["A2"].data_type == "f" and (control["B2"].value, control["B2"].data_type) == (-3, "n")
    book = openpyxl.Workbook()
    book.active.append(["Nama"])
    book.active.append(["=1+1"])  # openpyxl writes this as a live formula
    book.save(tmp_path / "kontrol.xlsx")
    assert soffice(tmp_path, tmp_path / "kontrol.xlsx", "csv:Text - txt - csv (StarCalc):59,34,76,1,,"
                   f"{ID},false,true,true").read_text().splitlines()[1] == "2"


# --- point 8: one logging setup, audit lines on stderr ----------------------------------------------

def test_one_line_per_event_at_the_level_set(monkeypatch, capsys):
    monkeypatch.setenv("LOG_LEVEL", "warning")
    logs.setup()
    logging.getLogger("dasbor.uji").info("tidak tampil")
    logging.getLogger("dasbor.uji").warning("baris satu\nbaris palsu INFO dasbor.unduh: x\x1b[2J")
    monkeypatch.setenv("LOG_LEVEL", "INFO")
    logs.setup()
    logs.setup()  # once more: still one handler
    logging.getLogger("dasbor.uji").info("tampil")
    lines = capsys.readouterr().err.splitlines()
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"
    assert len(lines) == 2, lines
    assert re.fullmatch(stamp + r" WARNING dasbor\.uji: baris satu\\nbaris palsu INFO dasbor\.unduh: x\\x1b\[2J", lines[0])
    assert re.fullmatch(stamp + r" INFO dasbor\.uji: tampil", lines[1])


def test_a_dashboard_person_download_logs_one_audit_line(app_env, files, capsys, sqlite_demo):  # noqa: F811
    at = new_app({"tahun": "2025", "provinsi": "32"})  # demo mode: a planner
    at.switch_page("pages/unduh.py").run()
    choose(at, "Orang per orang", "PNS di bawah 20 JP (per orang)")
    capsys.readouterr()
    _, data = files(next(b for b in at.download_button if b.label == CSV_ID))
    err = capsys.readouterr().err
    people = pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str)
    lines = [line for line in err.splitlines() if " dasbor.unduh: " in line]
    assert len(lines) == 1, err
    assert re.search(r" INFO dasbor\.unduh: unduhan data orang lewat dasbor: \(demo\) \(perencana\) "
                     r'pns_di_bawah_target, filter \{"kode_provinsi": "32", "tahun": 2025\}, '
                     f"{len(people)} baris$", lines[0]), lines[0]
    url, _ = sqlite_demo
    staff = source_table(url, "pegawai")
    assert not any(nip in err for nip in staff["nip"]) and not any(name in err for name in people["Nama"])


def test_no_log_call_is_handed_a_person():
    """Every logging call of the project (read with ast): what each passes is listed here, so a new
    one is looked at, and none is a NIP, a name, a token, a cookie or a secret."""
    allowed = {"email", "hak", "hak.peran", "hak.cakupan", "who", "peran", "dataset", "rows", "lewat",
               "json", "json.dumps", "active", "str", "wanted", "where", "why", "done", "seconds", "kind"}
    levels = ("debug", "info", "warning", "error", "exception", "critical")
    seen = set()
    for path in [REPO / "dashboard.py", *REPO.glob("data_access/**/*.py"), *REPO.glob("ui/*.py"),
                 *REPO.glob("pages/*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            if isinstance(f, ast.Attribute) and f.attr in levels and isinstance(f.value, ast.Name) \
                    and f.value.id in ("log", "logger", "_LOGGER", "logging"):
                passed = [*node.args[1:], *(k.value for k in node.keywords)]
            elif isinstance(f, ast.Name) and f.id == "_once":  # ui/pengguna: _once(outcome, level, message, *args)
                passed = node.args[3:]
            else:
                continue
            for arg in passed:
                for part in ast.walk(arg):
                    if isinstance(part, ast.Attribute) and isinstance(part.value, ast.Name):
                        seen.add(f"{part.value.id}.{part.attr}")
                    elif isinstance(part, ast.Name):
                        seen.add(part.id)
    assert seen and not re.search(r"nip|nama|name|token|cookie|secret|password", " ".join(seen)), seen
    assert seen <= allowed, seen - allowed


# --- point 10: python -m data_access ekspor ----------------------------------------------------------

def cli(mart_path, tmp_path, *args, env: dict | None = None) -> subprocess.CompletedProcess:
    """`python -m data_access --mart MART ...` in a subprocess, with a grant store in tmp_path."""
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MART_PATH", "LOG_LEVEL")}
    environment.update(AKSES_PATH=str(tmp_path / "akses.sqlite"), **(env or {}))
    return subprocess.run([sys.executable, "-m", "data_access", "--mart", str(mart_path), *args], cwd=REPO,
                          env=environment, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def src(sqlite_demo):
    url, _ = sqlite_demo
    return {t: source_table(url, t) for t in ("pegawai", "unit_kerja", "riwayat_pelatihan", "wilayah")}


def test_cli_lists_the_datasets_a_user_may_export(sqlite_demo, tmp_path):
    _, path = sqlite_demo
    result = cli(path, tmp_path, "ekspor", "--daftar")
    assert result.returncode == 0 and result.stdout.splitlines() == list(ekspor.DATASETS)
    akses.grant(str(tmp_path / "akses.sqlite"), "kadis@jatimprov.go.id", "kepala_wilayah", ["35"])
    result = cli(path, tmp_path, "ekspor", "--daftar", "--pengguna", "kadis@jatimprov.go.id")
    assert result.stdout.splitlines() == [k for k, d in ekspor.DATASETS.items() if not d.orang]


def test_cli_writes_each_format_with_the_source_figures(sqlite_demo, src, tmp_path):
    _, path = sqlite_demo
    frames = {}
    for fmt in ("csv-id", "csv", "xlsx"):
        out = tmp_path / f"pelatihan.{fmt}"
        result = cli(path, tmp_path, "ekspor", "pelatihan_provinsi", "--tahun", "2025", "--format", fmt,
                     "--keluar", str(out))
        assert result.returncode == 0 and "pelatihan_provinsi: 38 baris ditulis" in result.stdout, result.stderr
        if fmt == "xlsx":
            book = openpyxl.load_workbook(out)
            assert book.sheetnames == ["Cakupan pelatihan per provinsi", "Keterangan"]
            notes = context_lines(book)
            assert (notes["Tahun"], notes["Cakupan akses"], notes["Filter"]) == (
                "2025", "seluruh Indonesia", "tanpa filter wilayah/instansi/pegawai")
            rows = list(book.worksheets[0].values)
            frames[fmt] = pd.DataFrame(rows[1:], columns=rows[0]).astype({"Kode provinsi": str})
        else:
            sep, dec = (";", ",") if fmt == "csv-id" else (",", ".")
            assert out.read_text(encoding="utf-8-sig").splitlines()[0].count(sep) >= 5
            frames[fmt] = pd.read_csv(out, sep=sep, decimal=dec, encoding="utf-8-sig", dtype={"Kode provinsi": str})
    pd.testing.assert_frame_equal(frames["csv-id"], frames["csv"])
    pd.testing.assert_frame_equal(frames["csv-id"], frames["xlsx"], check_dtype=False)
    py = person_years(src)
    pns = py[(py["tahun"] == 2025) & (py["jenis_asn"] == "PNS")].groupby("kode_provinsi").size()
    got = frames["csv"].set_index("Kode provinsi")["PNS"]
    assert got.to_dict() == pns.reindex(got.index).to_dict() and len(got) == 38


def test_cli_grant_limits_the_rows_and_is_audited(sqlite_demo, src, tmp_path):
    """A planner granted Jawa Timur gets exactly its PNS below 20 JP (NIP masked); without
    --pengguna the shell user is admin: any province, the full NIP. Both audited."""
    _, path = sqlite_demo
    store = str(tmp_path / "akses.sqlite")
    akses.grant(store, "perencana@jatimprov.go.id", "perencana", ["35"])
    py = person_years(src)
    below = py[(py["tahun"] == 2025) & (py["jenis_asn"] == "PNS") & (py["jp"] < 20)]
    east_java = sorted(below.loc[below["kode_provinsi"] == "35", "nip"])
    out = tmp_path / "orang.csv"
    result = cli(path, tmp_path, "ekspor", "pns_di_bawah_target", "--pengguna", "perencana@jatimprov.go.id",
                 "--tahun", "2025", "--format", "csv", "--keluar", str(out))
    assert result.returncode == 0, result.stderr
    got = pd.read_csv(out, encoding="utf-8-sig", dtype=str)
    assert sorted(got["NIP"]) == sorted(f"{n[:2]}{'*' * 12}{n[-4:]}" for n in east_java) and east_java
    assert not set(got["NIP"]) & set(src["pegawai"]["nip"])
    lines = [line for line in result.stderr.splitlines() if " dasbor.unduh: " in line]
    assert len(lines) == 1 and lines[0].endswith(
        'lewat cli: perencana@jatimprov.go.id (perencana) pns_di_bawah_target, filter {"tahun": 2025}, '
        f"{len(got)} baris")
    assert not any(nip in result.stderr for nip in src["pegawai"]["nip"])
    assert not any(name in result.stderr for name in got["Nama"])

    result = cli(path, tmp_path, "ekspor", "pns_di_bawah_target", "--tahun", "2025", "--provinsi", "35",
                 "--keluar", str(out))
    assert result.returncode == 0, result.stderr
    admin = pd.read_csv(out, sep=";", encoding="utf-8-sig", dtype=str)
    assert sorted(admin["NIP"]) == east_java
    log = akses.log_unduhan(store)
    assert [(r[1], r[2], r[3], json.loads(r[4]), r[5]) for r in log] == [
        ("perencana@jatimprov.go.id", "perencana", "pns_di_bawah_target", {"tahun": 2025}, len(east_java)),
        (f"(cli {getpass.getuser()})", "admin", "pns_di_bawah_target",
         {"tahun": 2025, "kode_provinsi": "35"}, len(east_java))]


@pytest.mark.parametrize("args, message", [
    (["tidak_ada"], "dataset 'tidak_ada' tidak dikenal"),
    (["pelatihan_provinsi", "--format", "pdf"], "format 'pdf' tidak dikenal"),
    (["pelatihan_provinsi", "--provinsi", "99"], "Provinsi 99 (--provinsi) tidak ada di data"),
    (["pelatihan_provinsi", "--tahun", "1999"], "Tahun 1999 (--tahun) tidak ada di data"),
    (["pelatihan_provinsi", "--pengguna", "tamu@contoh.go.id"], "tamu@contoh.go.id tidak punya akses"),
    (["pns_di_bawah_target", "--pengguna", "kadis@jatimprov.go.id"], "peran kepala_wilayah tidak berhak"),
    (["pelatihan_kabkota", "--pengguna", "kadis@jatimprov.go.id", "--provinsi", "32"],
     "Provinsi 32 (--provinsi) tidak ada di data dalam cakupan akses ini; pilihan: 35 (Jawa Timur)."),
    ([], "sebutkan DATASET"),
])
def test_cli_errors_are_one_indonesian_line(sqlite_demo, tmp_path, args, message):
    _, path = sqlite_demo
    akses.grant(str(tmp_path / "akses.sqlite"), "kadis@jatimprov.go.id", "kepala_wilayah", ["35"])
    out = tmp_path / "keluar.csv"
    result = cli(path, tmp_path, "ekspor", *args, "--keluar", str(out))
    assert result.returncode == 2 and result.stdout == "" and not out.exists()
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("Gagal: ") and message in result.stderr, \
        result.stderr


def test_cli_reports_a_missing_mart_and_an_unwritable_file(sqlite_demo, tmp_path):
    _, path = sqlite_demo
    result = cli(tmp_path / "tidak-ada.duckdb", tmp_path, "ekspor", "pelatihan_provinsi", "--keluar", "x.csv")
    assert result.returncode == 2 and result.stderr.startswith("Gagal: Mart analitik belum ada")
    result = cli(path, tmp_path, "ekspor", "pelatihan_provinsi", "--keluar", str(tmp_path / "tidak" / "ada.csv"))
    assert result.returncode == 2 and result.stderr.strip().endswith("tidak bisa ditulis: foldernya tidak ada.")
    assert "Traceback" not in result.stderr


def test_cli_takes_the_dashboards_filter_names():
    """One list of filters (data_access.filters.SPECS): the filter bar's link names are the options."""
    from data_access import filters
    from ui import frame

    assert frame.SPECS is filters.SPECS
    probe = subprocess.run([sys.executable, "-c", ("import sys, data_access.__main__, data_access.ekspor; "
                                                   "print('streamlit' in sys.modules)")],
                           cwd=REPO, capture_output=True, text=True, check=False)
    assert probe.stdout.strip() == "False", probe.stderr
    help_text = subprocess.run([sys.executable, "-m", "data_access", "ekspor", "--help"], cwd=REPO,
                               capture_output=True, text=True, check=True).stdout
    for spec in frame.SPECS:
        assert f"--{spec.key.replace('_', '-')}" in help_text
    assert Path(REPO / "README.md").read_text().count("python -m data_access ekspor") >= 2
