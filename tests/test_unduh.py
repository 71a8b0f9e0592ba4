"""Downloads: every table as CSV (Indonesian Excel and international) and XLSX with a
Keterangan sheet; the export page; person-level exports refused without the right and
audited with it; the row limit; the data page."""

from __future__ import annotations

import io
import json
import tomllib
from datetime import date

import openpyxl
import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager

from data_access import akses, config, contract, ekspor, kamus, mart, queries
from data_access.queries import Selection
from data_access.filters import Filters, Scope
from ui import format as fmt

from .expected import ADMIN, data_per, mart_query, source_table
from .test_akses import app_as
from .test_frame import PAGES, REPO, new_app, open_tables

# The figures as a planner sees them: these small fixtures test the arithmetic, not the
# small-cell protection of aggregate-only roles (tests/test_small_cells.py).
SEMUA = Scope(lihat_orang=True)

CSV_ID, CSV_INT, XLSX = (label for label, _, _ in ekspor.FORMAT.values())


@pytest.fixture
def files(monkeypatch):
    """Remembers the callable behind every download button, so a test can "click" it and get
    the bytes the browser would receive (AppTest has no browser to fetch them)."""
    captured = {}
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, mimetype, coordinates, file_name=None, **kwargs):
        file_id = original(self, data_callable, mimetype, coordinates, file_name, **kwargs)
        captured[file_id] = (file_name, data_callable)
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", add_deferred)

    def fetch(button) -> tuple[str, bytes]:
        name, make = captured[button.proto.deferred_file_id]
        return name, make()
    return fetch


def buttons_under(at, label: str, table_index: int) -> list:
    """The download buttons with `label`, in page order; the i-th belongs to the i-th table."""
    return [b for b in at.download_button if b.label == label][table_index]


def find_table(at, column: str) -> int:
    return next(i for i, d in enumerate(at.dataframe) if column in d.value.columns)


@pytest.mark.parametrize("page", PAGES)
def test_every_table_has_its_downloads_with_defined_columns(app_env, files, page):
    at = new_app({"tahun": "2025"})
    open_tables(at.switch_page(f"pages/{page}.py").run())
    assert not at.exception
    labels = [b.label for b in at.download_button]
    assert labels.count(CSV_ID) == labels.count(CSV_INT) == labels.count(XLSX) >= len(at.dataframe) > 0, page
    undefined = set()
    for button in (b for b in at.download_button if b.label == CSV_ID):
        _, data = files(button)
        header = pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", nrows=0).columns
        # a share is written 0–100 under "<label> (%)": defined by its label
        undefined |= {c for c in header if not (kamus.definisi(c) or kamus.definisi(c.removesuffix(" (%)")))}
    assert not undefined, (page, undefined)


def test_csv_holds_the_figures_on_screen(app_env, files):
    at = new_app({"tahun": "2025", "provinsi": "32"})
    open_tables(at.switch_page("pages/pelatihan.py").run())
    i = find_table(at, "PNS mencapai 20 JP")
    screen = at.dataframe[i].value  # the numbers behind the grid (it shows them in Indonesian format)
    name, data = files(buttons_under(at, CSV_ID, i))
    assert name == f"cakupan-pelatihan-per-kabupaten-kota_jawa-barat_2025_{date.today().isoformat()}_id.csv"
    assert data.startswith("\ufeff".encode())
    got = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig", dtype={"Kode": str})
    assert [c.removesuffix(" (%)") for c in got.columns] == list(screen.columns)  # shares as 0–100 (%)
    assert len(got) == len(screen)
    # Shares as 0–100 rounded half-up to the shown precision; counts and JP as on screen.
    assert list((got["Cakupan 20 JP (%)"] / 100).map(fmt.persen)) == list(screen["Cakupan 20 JP"].map(fmt.persen))
    assert list(got["PNS"]) == list(screen["PNS"])
    assert list(got["JP yang kurang"].map(lambda v: fmt.angka(v, 2))) == \
        list(screen["JP yang kurang"].map(lambda v: fmt.angka(v, 2)))
    assert not got.map(lambda v: isinstance(v, float) and v == v and len(repr(v).split(".")[-1]) > 2).any().any()
    # The international format carries the same numbers with a comma and a decimal point.
    _, data = files(buttons_under(at, CSV_INT, i))
    intl = pd.read_csv(io.BytesIO(data), sep=",", decimal=".", encoding="utf-8-sig", dtype={"Kode": str})
    pd.testing.assert_frame_equal(intl, got)


def test_the_full_data_not_the_rows_shown(app_env, files, sqlite_demo):
    at = new_app({"tahun": "2025"})
    at.switch_page("pages/pelatihan.py").run()
    i = find_table(at, "PNS di bawah 20 JP")
    assert len(at.dataframe[i].value) == 100  # the screen shows the lowest 100
    _, data = files(buttons_under(at, CSV_ID, i))
    units = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")
    _, path = sqlite_demo
    expected = queries.unit_cakupan_terendah(Selection(str(path), mart.version(str(path)), SEMUA, Filters(tahun=2025)))
    assert len(units) == len(expected) > 100


def test_xlsx_has_the_table_and_the_keterangan(app_env, files):
    at = new_app({"tahun": "2025", "provinsi": "32"})
    open_tables(at.switch_page("pages/pelatihan.py").run())
    i = find_table(at, "PNS mencapai 20 JP")
    name, data = files(buttons_under(at, XLSX, i))
    assert name.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Cakupan pelatihan per kabupaten", "Keterangan"]
    rows = list(book["Cakupan pelatihan per kabupaten"].values)
    shown = [c + (" (%)" if c == "Cakupan 20 JP" else "") for c in at.dataframe[i].value.columns]
    assert list(rows[0]) == shown and len(rows) - 1 == len(at.dataframe[i].value)
    notes = dict((r[0], r[1]) for r in book["Keterangan"].values if r and r[0])
    assert notes["Tahun"] == "2025" and "Provinsi: Jawa Barat" in notes["Filter"]
    assert notes["Data per"] == fmt.tanggal(data_per(app_env[0])) and "DATA DEMO" in notes["Sumber"]
    for column in rows[0]:
        assert notes[column] not in (None, "-"), column  # every column is defined


def test_every_dataset_column_is_defined(sqlite_demo):
    _, path = sqlite_demo
    version = mart.version(str(path))
    for key, ds in ekspor.DATASETS.items():
        sample = ekspor.preview(Selection(str(path), version, ADMIN, Filters(tahun=2025)), key, 5)
        missing = [c for c in sample.columns if not kamus.definisi(c)]
        assert not missing, (key, missing)


# --- the export page --------------------------------------------------------------------------

def choose(at, kind: str, title: str):
    next(r for r in at.radio if r.label == "Jenis data").set_value(kind).run()
    box = next(s for s in at.selectbox if s.label == "Data")
    box.set_value(next(k for k, d in ekspor.DATASETS.items() if d.judul == title)).run()
    return at


def test_export_page_dataset_equals_the_page_figures(app_env, files):
    at = new_app({"tahun": "2025", "provinsi": "32"})
    open_tables(at.switch_page("pages/pelatihan.py").run())
    screen = at.dataframe[find_table(at, "PNS mencapai 20 JP")].value.set_index("Kode")
    at.switch_page("pages/unduh.py").run()
    choose(at, "Agregat", "Cakupan pelatihan per kabupaten/kota")
    assert not at.exception
    rows = int(at.metric[0].value.replace(".", ""))
    name, data = files(next(b for b in at.download_button if b.label == CSV_ID))
    assert name.startswith("pelatihan-kabkota_jawa-barat_2025_")
    got = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig",
                      dtype={"Kode kabupaten/kota": str})
    assert len(got) == rows
    got = got[got["Tahun"] == 2025].set_index("Kode kabupaten/kota").loc[screen.index]
    assert list(got["PNS"]) == list(screen["PNS"])
    # The page withholds coverage below 10 PNS (a ranking); the file, the planner's data, carries it beside its size.
    shown = screen["Cakupan 20 JP"].notna()
    assert list((got["Cakupan 20 JP (%)"][shown.values] / 100).map(fmt.persen)) == \
        list(screen["Cakupan 20 JP"][shown].map(fmt.persen))
    assert got["Cakupan 20 JP (%)"].notna().all() and (got["PNS"][~shown.values] < 10).all()
    assert (~shown).any()  # the demo has such kab/kota: the rule is exercised


def test_person_export_is_audited_without_nip_or_name(app_env, files, sqlite_demo):
    at = new_app({"tahun": "2025", "provinsi": "32"})  # demo mode: a planner
    at.switch_page("pages/unduh.py").run()
    choose(at, "Orang per orang", "PNS di bawah 20 JP (per orang)")
    name, data = files(next(b for b in at.download_button if b.label == CSV_ID))
    people = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig", dtype={"NIP": str})
    assert len(people) == int(at.metric[0].value.replace(".", "")) > 0
    assert people["NIP"].str.fullmatch(r"\d{2}\*{12}\d{4}").all()  # a planner gets masked NIPs
    log = akses.log_unduhan(config.load_settings().akses_path)
    assert len(log) == 1
    waktu, who, role, dataset, filters, rows = log[0]
    assert (who, role, dataset, rows) == ("(demo)", "perencana", "pns_di_bawah_target", len(people))
    assert json.loads(filters) == {"tahun": 2025, "kode_provinsi": "32"}
    url, _ = sqlite_demo
    staff = source_table(url, "pegawai")
    line = " ".join(map(str, log[0]))
    assert not any(nip in line for nip in staff["nip"]) and not any(n in line for n in people["Nama"])
    # Aggregates are not audited.
    choose(at, "Agregat", "Cakupan pelatihan per provinsi")
    files(next(b for b in at.download_button if b.label == CSV_ID))
    assert len(akses.log_unduhan(config.load_settings().akses_path)) == 1


def test_admin_export_carries_the_full_nip(app_env, files, sqlite_demo):
    path = config.load_settings().akses_path
    akses.grant(path, "admin@contoh.go.id", "admin")
    at = app_as("admin@contoh.go.id", "unduh", {"tahun": "2025"})
    choose(at, "Orang per orang", "PNS di bawah 20 JP (per orang)")
    assert "kecuali di berkas unduhan Anda sebagai admin" in at.info[0].value
    _, data = files(next(b for b in at.download_button if b.label == CSV_ID))
    people = pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype={"NIP": str})
    url, _ = sqlite_demo
    assert people["NIP"].isin(source_table(url, "pegawai")["nip"]).all()
    assert akses.log_unduhan(path)[0][1:4] == ("admin@contoh.go.id", "admin", "pns_di_bawah_target")


def test_person_export_is_refused_without_the_right(app_env, sqlite_demo):
    path = config.load_settings().akses_path
    akses.grant(path, "kadis@jatimprov.go.id", "kepala_wilayah", ["35"])
    at = app_as("kadis@jatimprov.go.id", "unduh", {"tahun": "2025"})
    assert [r.options for r in at.radio if r.label == "Jenis data"] == [["Agregat"]]
    assert any("hanya untuk peran perencana dan admin" in c.value for c in at.caption)
    at.switch_page("pages/pelatihan.py").run()
    assert "NIP" not in " ".join(m.value for m in at.markdown)
    _, mart_path = sqlite_demo
    version = mart.version(str(mart_path))
    scope = akses.scope_of(akses.cari(path, "kadis@jatimprov.go.id"))
    for key in ("pns_di_bawah_target", "pegawai_di_bawah_standar"):
        with pytest.raises(PermissionError):
            ekspor.batches(Selection(str(mart_path), version, scope, Filters(tahun=2025)), ekspor.DATASETS[key])
    assert akses.log_unduhan(path) == []


def test_regional_exports_hold_only_the_region(app_env, files):
    path = config.load_settings().akses_path
    akses.grant(path, "kadis@jatimprov.go.id", "kepala_wilayah", ["35"])
    at = app_as("kadis@jatimprov.go.id", "unduh", {"tahun": "2025", "provinsi": "33"})  # a tampered link
    for title in ("Cakupan pelatihan per provinsi", "Kepuasan masyarakat (IKM) per kabupaten/kota",
                  "Kompetensi per unit kerja"):
        choose(at, "Agregat", title)
        _, data = files(next(b for b in at.download_button if b.label == CSV_ID))
        got = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig", dtype=str)
        assert len(got) > 0
        if "provinsi" in title:
            assert set(got["Kode provinsi"]) == {"35"}
        elif "kabupaten" in title:
            assert got["Kode kabupaten/kota"].str.startswith("35").all()
        else:
            assert set(got["Kode unit kerja"]) <= set(mart_query(config.load_settings().mart_path,
                "SELECT kode FROM unit_kerja WHERE kode_provinsi = '35'")["kode"])


def test_row_limit_is_explained(app_env, monkeypatch):
    monkeypatch.setattr(ekspor, "BATAS_BARIS", 10)
    at = new_app({"tahun": "2025"})
    at.switch_page("pages/unduh.py").run()
    choose(at, "Agregat", "Cakupan pelatihan per kabupaten/kota")
    assert any("terlalu besar untuk diunduh" in w.value and "batasnya 10 baris" in w.value for w in at.warning)
    assert len(at.download_button) == 0


def test_toolbar_export_is_off():
    settings = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert settings["client"]["disableDataExport"] is True


# --- the data page ----------------------------------------------------------------------------

def test_data_page_explains_every_indicator_and_the_contract(app_env, sqlite_demo):
    at = new_app()
    at.switch_page("pages/tentang_data.py").run()
    assert not at.exception
    indicators = at.table[0].value
    assert {"Cakupan 20 JP", "IKM", "JPM", "Memenuhi standar", "Dinilai tahun ini"} <= set(indicators.index)
    assert set(indicators["Definisi"]) >= {kamus.MEASURES["cakupan"].definition, kamus.MEASURES["ikm"].definition}
    assert indicators["Dasar hukum"].str.contains("PP 11/2017").any()
    assert indicators["Dasar hukum"].str.contains("PermenPANRB 14/2017").any()
    _, path = sqlite_demo
    tables = at.dataframe[find_table(at, "Tabel mart")].value.set_index("Tabel mart")["Jumlah baris"]
    real = mart_query(path, "SELECT count(*) FROM pelatihan_tahun").iloc[0, 0]
    assert tables["pelatihan_tahun"] == real
    labels = [e.label for e in at.expander]
    assert any("`pegawai`" in label for label in labels) and any("`survei_kepuasan`" in label for label in labels)
    # The dictionary's tables and the per-agency freshness are built only once their expander is open.
    assert len(at.table) == 1 and not [d for d in at.dataframe if "Kode instansi" in d.value.columns]
    open_tables(at)
    assert not at.exception
    assert len(at.table) == 1 + len(contract.metadata.tables)  # indicators, then one per contract table
    for table, shown in zip(contract.metadata.sorted_tables, at.table[1:]):
        assert list(shown.value.index) == [c.name for c in table.columns], table.name
    assert [d for d in at.dataframe if "Kode instansi" in d.value.columns]
    assert any("keadaan terkini" in m.value for m in at.markdown)


def test_xlsx_sheet_names_excel_accepts():
    data = ekspor.write_xlsx({"Kompetensi per kabupaten/kota [2025]": [pd.DataFrame({"nama": ["A"]})]},
                             [("Data", "uji")])
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["Kompetensi per kabupaten-kota -", "Keterangan"]
