"""Impact: the association statistics on data with a known slope and with none, and the page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_access import mart, queries, statistik
from data_access.filters import ALL, Filters
from ui import charts

from .test_frame import new_app


@pytest.mark.parametrize("seed", range(5))
def test_planted_slope_is_inside_its_interval(seed):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.3, 0.9, 200)
    y = 70 + 15 * x + rng.normal(0, 4, 200)  # planted: +1,5 IKM per 10 points of coverage
    fit = statistik.hubungan(x, y)
    assert fit.kemiringan_bawah < 15 < fit.kemiringan_atas
    assert fit.bermakna and fit.r > 0 and fit.n == 200


def test_no_relation_is_reported_as_none():
    rng = np.random.default_rng(1)
    found = [statistik.hubungan(rng.uniform(0, 1, 80), rng.normal(80, 5, 80)).bermakna for _ in range(40)]
    assert sum(found) <= 6  # about 5% false alarms at the 95% level, not more


def test_too_few_entities_get_no_line():
    assert statistik.hubungan([0.5] * 3, [80, 81, 82]) is None
    assert statistik.hubungan(np.arange(7) / 10, np.arange(7)) is None
    assert statistik.hubungan([0.5] * 10, np.arange(10)) is None  # no spread in x
    assert statistik.t_kritis(8) == 2.306 and statistik.t_kritis(100) == 1.96


def test_datasets_on_the_demo(sqlite_demo):
    _, path = sqlite_demo
    path, version = str(path), mart.version(str(path))
    wide, label = queries.cakupan_dan_ikm(path, version, ALL, Filters(tahun=2025))
    assert label == "instansi" and {"cakupan", "ikm_sesudah", "cakupan_sebelum", "ikm_sebelum"} <= set(wide.columns)
    assert wide["cakupan"].dropna().between(0, 1).all()
    repeat = queries.kompetensi_berulang(path, version, ALL, Filters(tahun=2026))
    assert set(repeat["dilatih"]) <= {True, False} and (repeat["jumlah"] > 0).all()
    warning = queries.peringatan_dini(path, version, ALL, Filters(tahun=2025))
    national = queries.cakupan_nasional(path, version, Filters(tahun=2025))
    assert (warning["cakupan"] < national).all()
    assert ((warning["ikm_2"] > warning["ikm_1"]) & (warning["ikm_1"] > warning["ikm"])).all()


def test_chart_specs():
    data = pd.DataFrame({"nama": list("ABCDEFGH"), "cakupan": np.linspace(0.3, 0.9, 8),
                         "ikm_sesudah": np.linspace(70, 85, 8)})
    spec = charts.scatter_fit(data, "cakupan", "ikm_sesudah", "Cakupan", "IKM", 25.0, 62.5).to_dict()
    assert len(spec["layer"]) == 2  # points and the fitted line
    line = [d for d in spec["datasets"].values() if len(d) == 2][0]
    assert line[0]["ikm_sesudah"] == pytest.approx(62.5 + 25 * 0.3)


def test_page_renders(app_env):
    at = new_app({"tahun": "2025"})
    at.switch_page("pages/dampak.py").run()
    assert not at.exception
    assert any("bukan bukti sebab-akibat" in i.value for i in at.info)
