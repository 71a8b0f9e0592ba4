"""The frame, through Streamlit's AppTest: every page renders, filters cascade, survive a
page change, round-trip through the URL, and crafted URLs are ignored."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from ui import format as fmt

from .conftest import REPO, SEED
from .expected import data_per

PAGES = ["ringkasan", "pelatihan", "kompetensi", "kepuasan", "perbandingan", "dampak", "unduh", "tentang_data"]
TIMEOUT = 60


def new_app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=TIMEOUT)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def open_tables(at: AppTest) -> AppTest:
    """Switch every chart-or-table pair to its table and open every lazy table expander
    (frame.chart_and_table draws only the open tab, "Tabel peta" only when open; AppTest has
    nothing to click, but their keys hold the state)."""
    keys = [key for key in at.session_state.keys() if key.startswith(("tab_", "tabel_"))]
    for key in keys:
        at.session_state[key] = "Tabel" if key.startswith("tab_") else True
    return at.run() if keys else at


def select(at: AppTest, label: str):
    return next(s for s in at.sidebar.selectbox if s.label == label)


def header_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "ASN dalam pilihan ini" in m.value)


def asn_count(at: AppTest) -> int:
    return int(re.search(r"\*\*([\d.]+)\*\* ASN dalam pilihan ini", header_line(at)).group(1).replace(".", ""))


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders(app_env, page, monkeypatch):
    from altair.utils import schemapi

    from ui import charts

    # A chart encoding given as a string or dict makes Altair index the whole Vega-Lite schema
    # to find its class (about 9 ms each): the builders give channel classes (alt.X2("b:Q")).
    looked_up, index = [], schemapi._FromDict.__init__
    monkeypatch.setattr(schemapi._FromDict, "__init__", lambda self, *a: looked_up.append(a) or index(self, *a))
    charts._SPECS.clear()  # every chart of the page is built
    at = new_app()
    at.switch_page(f"pages/{page}.py").run()
    assert not looked_up
    assert not at.exception
    assert not at.error
    assert at.title, page
    assert "ASN dalam pilihan ini" in header_line(at)
    assert any("DATA DEMO" in w.value for w in at.warning)
    assert any(f"Data per **{fmt.tanggal(data_per(app_env[0]))}**" in w.value for w in at.warning)


def test_cascade_narrows_options(app_env):
    at = new_app()
    all_provinces = select(at, "Provinsi").options
    assert len(all_provinces) == 39  # 38 and "all"
    select(at, "Kelompok wilayah").set_value("Jawa").run()
    java = select(at, "Provinsi").options
    assert java == ["Semua provinsi", "DKI Jakarta", "Jawa Barat", "Jawa Tengah", "DI Yogyakarta",
                    "Jawa Timur", "Banten"]
    assert select(at, "Kabupaten/kota").disabled
    select(at, "Provinsi").set_value("32").run()
    kab = select(at, "Kabupaten/kota")
    assert not kab.disabled and len(kab.options) == 1 + 27
    instansi_all = len(select(at, "Instansi").options)
    select(at, "Jenis instansi").set_value("kabupaten").run()
    narrowed = select(at, "Instansi").options
    assert 1 < len(narrowed) < instansi_all
    assert all(o.startswith("Pemerintah Kabupaten") for o in narrowed[1:])
    assert select(at, "Unit kerja").disabled
    select(at, "Golongan").set_value("III").run()
    select(at, "Jenis ASN").set_value("PPPK").run()
    assert select(at, "Golongan").options[1:] == ["PPPK I-IV", "PPPK V-VIII", "PPPK IX-XII", "PPPK XIII-XVII"]
    assert select(at, "Golongan").value == ""  # III is no PPPK group: reset, not kept silently
    assert not at.exception


def test_filter_changes_the_figure_and_the_url(app_env):
    at = new_app()
    national = asn_count(at)
    select(at, "Provinsi").set_value("32").run()
    jabar = asn_count(at)
    assert 0 < jabar < national
    assert "Provinsi: **Jawa Barat**" in header_line(at)
    select(at, "Jenis ASN").set_value("PNS").run()
    assert asn_count(at) < jabar
    assert at.query_params["provinsi"] == "32" and at.query_params["asn"] == "PNS"
    assert "tahun" not in at.query_params  # the default year stays out of the URL


def test_filters_survive_a_page_change(app_env):
    at = new_app()
    select(at, "Provinsi").set_value("33").run()
    select(at, "Tahun").set_value("2024").run()
    before = header_line(at)
    at.switch_page("pages/kepuasan.py").run()
    assert select(at, "Provinsi").value == "33"
    assert select(at, "Tahun").value == "2024"
    assert header_line(at) == before
    assert at.query_params["provinsi"] == "33" and at.query_params["tahun"] == "2024"


def test_url_round_trip_reproduces_the_view(app_env):
    at = new_app()
    select(at, "Provinsi").set_value("35").run()
    kab_code = "3502"
    select(at, "Kabupaten/kota").set_value(kab_code).run()
    kab_name = select(at, "Kabupaten/kota").format_func(kab_code)
    select(at, "Tahun").set_value("2023").run()
    select(at, "Jenis kelamin").set_value("P").run()
    params = dict(at.query_params)
    assert params == {"provinsi": "35", "kabkota": kab_code, "tahun": "2023", "kelamin": "P"}
    assert kab_name.startswith("Kabupaten ")
    fresh = new_app(params)
    assert [s.value for s in fresh.sidebar.selectbox] == [s.value for s in at.sidebar.selectbox]
    assert header_line(fresh) == header_line(at)
    assert kab_name in header_line(fresh)
    fresh.switch_page("pages/pelatihan.py").run()
    assert header_line(fresh) == header_line(at)


@pytest.mark.parametrize("query", [
    {"provinsi": "99"},
    {"provinsi": "32' OR 1=1 --"},
    {"tahun": "1999"},
    {"tahun": "2025; DROP TABLE pegawai"},
    {"instansi": "<script>alert(1)</script>"},
    {"kabkota": "3301"},  # a real code, but not of the chosen (no) province: cascade says no
    {"evil": "1", "provinsi": "32"},
])
def test_crafted_urls_are_ignored_with_a_notice(app_env, query):
    plain = new_app()
    at = new_app(query)
    assert not at.exception
    assert at.toast and "diabaikan" in at.toast[0].value
    if query.get("provinsi") == "32":  # the valid part of a partly crafted link still applies
        assert select(at, "Provinsi").value == "32"
    else:
        assert header_line(at) == header_line(plain)
    assert "evil" not in at.query_params


def test_reset_button_clears_filters(app_env):
    at = new_app({"provinsi": "32", "asn": "PNS"})
    assert select(at, "Provinsi").value == "32"
    next(b for b in at.sidebar.button if b.label == "Atur ulang filter").click().run()
    assert select(at, "Provinsi").value == "" and select(at, "Jenis ASN").value == ""
    assert dict(at.query_params) == {}


def test_missing_mart_with_configured_source_is_explained(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'instansi.sqlite'}")
    monkeypatch.setenv("MART_PATH", str(tmp_path / "tidak-ada.duckdb"))
    monkeypatch.setenv("AUTH_DISABLED", "1")  # past the login check, to the missing mart
    at = new_app()
    assert not at.exception
    assert "python -m data_access refresh" in at.error[0].value


def test_corrupt_mart_is_explained(monkeypatch, tmp_path):
    bad = tmp_path / "rusak.duckdb"
    bad.write_bytes(b"bukan berkas duckdb" * 100)
    monkeypatch.setenv("MART_PATH", str(bad))
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    at = new_app()
    assert not at.exception
    assert "refresh" in at.error[0].value


def test_first_start_builds_the_demo_with_progress(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("MART_PATH", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DEMO_PEGAWAI", "300")
    at = new_app()
    assert not at.exception
    assert (tmp_path / "data" / "mart.duckdb").exists()
    assert (tmp_path / "data" / "sumber.sqlite").exists()
    at.run()
    assert "ASN dalam pilihan ini" in header_line(at)


def test_a_mart_of_another_version_is_explained_not_queried(monkeypatch, tmp_path):
    """A mart built by another version may lack columns: it is refused with what to run instead of
    failing query by query. (On the embedded demo ensure_mart rebuilds it from the demo source; that
    path was checked on a real `streamlit run` server: under AppTest a refresh after a mart was
    opened in the script thread does not finish, so it is not driven from here.)"""
    import subprocess
    import sys

    url, path = f"sqlite:///{tmp_path / 'sumber.sqlite'}", tmp_path / "mart.duckdb"
    script = (f"from data_access import db, demo, refresh; import duckdb; "
              f"demo.generate(db.make_engine({url!r}), n_pegawai=300, seed={SEED}); "
              f"refresh.refresh({url!r}, {str(path)!r}); "
              f"print(duckdb.connect({str(path)!r}).execute(\"SELECT nilai FROM meta WHERE kunci = 'versi_mart'\").fetchone()[0]); "
              f"duckdb.connect({str(path)!r}).execute(\"UPDATE meta SET nilai = 'lama' WHERE kunci = 'versi_mart'\"); "
              f"from data_access import mart\ntry: mart.info({str(path)!r})\nexcept mart.MartUnavailable as e: "
              f"print('outdated' if e.outdated else '', e)")
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO, check=True, capture_output=True, text=True)
    written, refused = done.stdout.splitlines()[:2]
    from data_access import mart
    assert written == mart.MART_SCHEMA  # a refresh writes the schema it builds
    assert refused.startswith("outdated") and "python -m data_access refresh" in refused
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MART_PATH", str(path))
    monkeypatch.setenv("AUTH_DISABLED", "1")
    at = new_app()
    assert not at.exception
    assert any("dibangun oleh versi dasbor yang lain" in e.value for e in at.error)


def test_first_start_cut_short_leaves_no_half_source(monkeypatch, tmp_path):
    """A first start stopped halfway (the tab closed stops the run) must not leave a half
    source that the next start would build a mart from: that mart is not marked as demo, and
    the dashboard would refuse to run on it."""
    from data_access import demo

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("MART_PATH", raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DEMO_PEGAWAI", "300")
    real = demo.generate

    def cut_short(engine, progress=None, **kwargs):
        def stop(step, fraction):
            if fraction > 0.2:
                raise RuntimeError("dihentikan")
        real(engine, progress=stop, **kwargs)

    monkeypatch.setattr(demo, "generate", cut_short)
    new_app()
    assert not (tmp_path / "data" / "sumber.sqlite").exists()
    monkeypatch.setattr(demo, "generate", real)
    at = new_app()
    assert not at.exception and not at.error
    at.run()
    assert "ASN dalam pilihan ini" in header_line(at)


def test_chart_specs_are_cached_on_their_data():
    """Builders return a spec cached on the content of their arguments (not on the frame
    object), with the datasets already in the Arrow form st.vega_lite_chart sends."""
    import pandas as pd
    import pyarrow as pa

    from ui import charts

    data = pd.DataFrame({"nama": ["A", "B"], "ikm": [80.0, 70.0]})
    first = charts.indicator_bars(data, "nama", "ikm", "IKM", ",.2f")
    again = charts.indicator_bars(data.copy(), "nama", "ikm", "IKM", ",.2f")
    assert again == first and again.arrow is first.arrow  # equal data, another frame: the cache
    assert charts.indicator_bars(data.assign(ikm=[80.0, 70.5]), "nama", "ikm", "IKM", ",.2f") != first
    assert charts.indicator_bars(data, "nama", "ikm", "IKM", ",.1f") != first
    assert first.arrow.keys() == first.frames.keys() and "datasets" not in first  # referenced by name
    for name, rows in first.records.items():
        assert pa.ipc.open_stream(first.arrow[name]).read_all().to_pylist() == rows
    first["title"] = "diubah"  # a caller's change stays with its copy
    assert "title" not in charts.indicator_bars(data, "nama", "ikm", "IKM", ",.2f")


def _formatted_app():
    """A script that shows one table through frame.formatted, for AppTest."""
    import pandas as pd
    import streamlit as st

    from ui import frame

    df = pd.DataFrame({
        "Nama": ["Unit A", "Unit B", None],
        "Tahun": [2025, 2024, 2023],
        "PNS": [3458, 867, 1234567],
        "JP": [1234.5, -12.25, float("nan")],
        "Cakupan": [0.625, 0.12345, 1.0],
        "IKM": [78.125, 88.305, 76.6],
        "Utuh": [12.0, 3.0, float("nan")],
        "Dinilai": pd.to_datetime(["2026-11-27", None, "2025-01-02"]),
    })
    st.dataframe(frame.formatted(df, percent=["Cakupan"], precision={"IKM": 2}), hide_index=True)
    plain = frame.formatted(df, percent=["Cakupan"], precision={"IKM": 2})
    del plain._translate  # pandas' own rendering of the same Styler, which formatted() only speeds up
    st.dataframe(plain, hide_index=True)


def displayed(grid):
    """The texts an AppTest st.dataframe element shows (its `.value` holds the numbers): the
    display texts of a Styler (frame.formatted), str(value) where it gives none."""
    from streamlit import dataframe_util

    return dataframe_util.convert_arrow_bytes_to_pandas_df(grid.proto.arrow_data.styler.display_values)


def test_formatted_keeps_numbers_and_shows_indonesian_text():
    """The grid gets the numbers (so a header click sorts by value) and, beside them, the display
    texts in Indonesian format, rounded half-up, whatever the browser's locale."""
    import pandas as pd

    at = AppTest.from_function(_formatted_app, default_timeout=TIMEOUT).run()
    assert not at.exception
    grid, plain = at.dataframe
    values = grid.value
    for column in ("Tahun", "PNS"):
        assert pd.api.types.is_integer_dtype(values[column]), column
    for column in ("JP", "Cakupan", "IKM", "Utuh"):
        assert pd.api.types.is_float_dtype(values[column]), column
    assert values["PNS"].tolist() == [3458, 867, 1234567]
    assert values["Cakupan"].tolist() == [0.625, 0.12345, 1.0]
    shown = displayed(grid)
    assert shown.equals(displayed(plain))
    assert shown.to_dict("list") == {
        "Nama": ["Unit A", "Unit B", "–"],
        "Tahun": ["2025", "2024", "2023"],
        "PNS": ["3.458", "867", "1.234.567"],
        "JP": ["1.234,5", "-12,3", "–"],
        "Cakupan": ["62,5%", "12,3%", "100,0%"],
        "IKM": ["78,13", "88,31", "76,60"],
        "Utuh": ["12", "3", "–"],
        "Dinilai": ["27 Nov 2026", "–", "2 Jan 2025"],
    }


def test_table_passes_percent_and_places_to_the_download(monkeypatch):
    """The Unduh menu learns which columns are shares and how many places each float column
    shows (for a share: the places of its percentage)."""
    import pandas as pd

    from ui import download, frame

    calls = []
    monkeypatch.setattr(download, "buttons", lambda *args, **kwargs: calls.append((args, kwargs)))
    monkeypatch.setattr(frame, "context", lambda: None)
    monkeypatch.setattr(frame.st, "dataframe", lambda *args, **kwargs: None)
    df = pd.DataFrame({"Nama": ["A"], "Tahun": [2025], "PNS": [867], "Cakupan": [0.625], "IKM": [78.125],
                       "JP": [12.0]})
    frame.table(df, "Cakupan per unit", percent=["Cakupan"], decimals=1, precision={"IKM": 2})
    (what, rows, _k), kwargs = calls[0]
    assert what == "Cakupan per unit" and rows() is df
    assert kwargs == {"key": "unduh_cakupan-per-unit", "percent": ("Cakupan",),
                      "presisi": {"Cakupan": 1, "IKM": 2, "JP": 0}}
