"""Comparison: ranks, changes and reference rows against the raw rows; peer groups; the page."""

from __future__ import annotations

import pandas as pd
import pytest

from data_access import mart, queries
from data_access.queries import Selection
from data_access.filters import ALL, Filters
from ui import charts

from .expected import person_years, source_table
from .test_frame import new_app


@pytest.fixture(scope="module")
def demo(sqlite_demo):
    url, path = sqlite_demo
    src = {t: source_table(url, t) for t in ("unit_kerja", "pegawai", "riwayat_pelatihan")}
    py = person_years(src)
    py["kode_kabkota"] = py["kode_unit"].map(src["unit_kerja"].set_index("kode")["kode_wilayah"])
    return str(path), mart.version(str(path)), py[py["jenis_asn"] == "PNS"]


def coverage(frame: pd.DataFrame) -> pd.Series:
    return frame.groupby("kode_kabkota")["jp"].apply(lambda s: (s >= 20).mean())


def test_ranks_changes_and_reference_rows_equal_raw_rows(demo):
    path, version, pns = demo
    f = Filters(tahun=2025, kode_provinsi="32")
    options = queries.entitas(Selection(path, version, ALL, f), "kabkota")
    codes = tuple(options.loc[options["in_filter"], "kode"])
    assert codes and all(c.startswith("32") for c in codes)
    assert not options["in_filter"].all()  # other regions' kab/kota can be added
    units = queries.entitas(Selection(path, version, ALL, f), "unit")  # units: only those inside the filter
    assert len(units) and units["in_filter"].all()
    assert len(units) < len(queries.entitas(Selection(path, version, ALL, Filters(tahun=2025)), "unit"))
    table, trend = queries.banding(Selection(path, version, ALL, f), "kabkota", codes)
    rows = table[table["jenis"] != "pembanding"].set_index("kode")
    def shown(year):  # coverage per kab/kota, none below the measure's minimum of 10 PNS
        rows = pns[(pns["tahun"] == year) & pns["kode_kabkota"].isin(codes)]
        return coverage(rows).where(rows.groupby("kode_kabkota").size() >= 10).dropna()
    now, before = shown(2025), shown(2024)
    assert len(now) >= 2 and len(now) < len(rows)  # some are too small to be given a figure
    for code in set(rows.index) - set(now.index):
        assert pd.isna(rows.loc[code, "cakupan"]) and pd.isna(rows.loc[code, "peringkat_cakupan"])
    for code, value in now.items():
        assert rows.loc[code, "cakupan"] == pytest.approx(value)
        assert rows.loc[code, "peringkat_cakupan"] == int((now > value).sum() + 1)
        if code in before:
            assert rows.loc[code, "perubahan_cakupan"] == pytest.approx((value - before[code]) * 100)  # points
    refs = table[table["jenis"] == "pembanding"].set_index("nama")
    year = pns[pns["tahun"] == 2025]
    assert refs.loc["Nasional", "cakupan"] == pytest.approx((year["jp"] >= 20).mean())
    jabar = year[year["kode_provinsi"] == "32"]
    assert refs.loc["Wilayah/instansi terpilih", "cakupan"] == pytest.approx((jabar["jp"] >= 20).mean())
    assert set(trend["nama"]) >= {"Nasional"} and trend["tahun"].nunique() == 5


def test_peer_groups_hold_only_same_kind(demo):
    path, version, _ = demo
    f = Filters(tahun=2025)
    kota = queries.kelompok_sebaya(Selection(path, version, ALL, f), "kabkota", "3271")
    assert set(kota["jenis"]) == {"kota"} and "3271" in set(kota["kode"])
    assert kota["kode"].str[2:].astype(int).ge(71).all()
    agencies = queries.kelompok_sebaya(Selection(path, version, ALL, f), "instansi", "P32")
    assert set(agencies["jenis"]) == {"provinsi"}
    assert agencies["persentil_cakupan"].dropna().between(0, 100).all()


def test_page_renders_with_reference_rows(app_env):
    at = new_app({"tahun": "2025", "provinsi": "33"})
    at.switch_page("pages/perbandingan.py").run()
    assert not at.exception
    shown = at.dataframe[0].value
    assert list(shown["Nama"].tail(2)) == ["Wilayah/instansi terpilih", "Nasional"]
    assert len(shown) > 10

    national = shown["Cakupan 20 JP"].iloc[-1]
    assert pd.api.types.is_float_dtype(shown["Cakupan 20 JP"])  # numbers, so a click on the header sorts by value
    marks = {v - national: m for v, m in zip(shown["Cakupan 20 JP"], shown["Cakupan vs nasional"]) if v == v}
    assert marks and {m for d, m in marks.items() if d > 0.001} <= {"▲"}
    assert {m for d, m in marks.items() if d < -0.001} <= {"▼"}
    [b for b in at.button if b.label.startswith("Indonesia")][0].click().run()
    assert next(s for s in at.sidebar.selectbox if s.label == "Provinsi").value == ""
    assert not at.exception


def test_chart_specs():
    bars = charts.indicator_bars(pd.DataFrame({"nama": ["A", "B"], "ikm": [80.0, 70.0]}), "nama", "ikm", "IKM",
                                 ",.2f", benchmark=75.0).to_dict()
    assert len(bars["layer"]) == 3
    long = pd.DataFrame({"tahun": [2024, 2025, 2024, 2025], "nama": ["A", "A", "Nasional", "Nasional"],
                         "indikator": ["IKM"] * 4, "nilai": [70.0, 72.0, 75.0, 76.0]})
    spec = charts.trend_multiples(long, {"IKM": "IKM"}).to_dict()
    assert spec["resolve"]["scale"]["y"] == "independent" and spec["columns"] == 3
    assert spec["spec"]["encoding"]["color"]["scale"]["range"][-1] == "#111111"  # national in black
