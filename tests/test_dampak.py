"""Impact: the association statistics on data with a known slope and with none, and the page."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from data_access import mart, queries, statistik
from data_access.queries import Selection
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


# Student t and normal 97,5% quantiles to nine decimals, written out here rather than taken from
# SciPy, which the module uses.
T975 = {8: 2.306004135, 11: 2.200985160, 30: 2.042272456, 40: 2.021075390, 100: 1.983971519}
Z975 = 1.959963985


@pytest.mark.parametrize("df", sorted(T975))
def test_t_quantile_is_exact_for_every_df(df):
    # The old hand table took the next tabulated df (11 -> 12: 2,179) and 1,96 beyond 30.
    assert statistik.t_kritis(df) == pytest.approx(T975[df], abs=1e-9)
    assert statistik.Z975 == pytest.approx(Z975, abs=1e-9)


def _by_hand(x: list[float], y: list[float]):
    """Slope, its standard error and 95% interval, r and its Fisher-z 95% interval, written out
    with plain sums and the printed quantiles above."""
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    slope = sxy / sxx
    se = ((syy - slope * sxy) / (n - 2) / sxx) ** 0.5
    r = sxy / (sxx * syy) ** 0.5
    z, se_z = math.atanh(r), 1 / math.sqrt(n - 3)
    t = T975[n - 2]
    return dict(slope=slope, se=se, low=slope - t * se, high=slope + t * se, intercept=my - slope * mx,
                r=r, r_low=math.tanh(z - Z975 * se_z), r_high=math.tanh(z + Z975 * se_z))


def test_worked_example_df_8():
    # Worked by hand: Sxx = 82,5, Sxy = 70,15, Syy = 64,721, so b = 1403/1650 = 0,850303,
    # a = 1,493333, SSE = 5,072242, se(b) = sqrt(SSE / 8 / Sxx) = 0,087665 and the interval
    # b ± 2,306004 se(b) = 0,648146 .. 1,052460; r = 0,960015, Fisher z: 0,835266 .. 0,990770.
    x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    y = [2.1, 3.9, 3.2, 5.6, 5.1, 7.4, 6.8, 8.9, 8.1, 10.6]
    fit = statistik.hubungan(x, y)
    assert fit.n == 10
    assert fit.kemiringan == pytest.approx(0.850303, abs=1e-6) and fit.intersep == pytest.approx(1.493333, abs=1e-6)
    assert (fit.kemiringan_bawah, fit.kemiringan_atas) == pytest.approx((0.648146, 1.052460), abs=1e-6)
    assert fit.r == pytest.approx(0.960015, abs=1e-6)
    assert (fit.r_bawah, fit.r_atas) == pytest.approx((0.835266, 0.990770), abs=1e-6)
    hand = _by_hand(x, y)
    assert (fit.kemiringan_bawah, fit.kemiringan_atas) == pytest.approx((hand["low"], hand["high"]), abs=1e-9)


@pytest.mark.parametrize("n", [13, 42, 102])  # df = 11, 40, 100: where the old table was too narrow
def test_intervals_match_the_formula_where_the_old_table_was_wrong(n):
    rng = np.random.default_rng(n)
    x = rng.uniform(0.3, 0.9, n)
    y = 70 + 12 * x + rng.normal(0, 3, n)
    hand = _by_hand(list(x), list(y))
    fit = statistik.hubungan(x, y)
    assert fit.kemiringan == pytest.approx(hand["slope"], rel=1e-9)
    assert (fit.kemiringan_bawah, fit.kemiringan_atas) == pytest.approx((hand["low"], hand["high"]), rel=1e-8)
    assert (fit.r_bawah, fit.r_atas) == pytest.approx((hand["r_low"], hand["r_high"]), rel=1e-8)
    # the half-width is the exact t times se(b); the old table's t was at least 1 % smaller
    assert (fit.kemiringan_atas - fit.kemiringan) / hand["se"] == pytest.approx(T975[n - 2], abs=1e-7)
    old = {11: 2.179, 40: 1.96, 100: 1.96}[n - 2]
    assert T975[n - 2] / old > 1.01
    # SciPy's own Pearson interval (Fisher z) agrees
    ci = stats.pearsonr(x, y).confidence_interval(0.95)
    assert (fit.r_bawah, fit.r_atas) == pytest.approx((ci.low, ci.high), rel=1e-10)


def test_datasets_on_the_demo(sqlite_demo):
    _, path = sqlite_demo
    path, version = str(path), mart.version(str(path))
    wide, label = queries.cakupan_dan_ikm(Selection(path, version, ALL, Filters(tahun=2025)))
    assert label == "instansi" and {"cakupan", "ikm_sesudah", "cakupan_sebelum", "ikm_sebelum"} <= set(wide.columns)
    assert wide["cakupan"].dropna().between(0, 1).all()
    repeat = queries.kompetensi_berulang(Selection(path, version, ALL, Filters(tahun=2026)))
    assert set(repeat["dilatih"]) <= {True, False} and (repeat["jumlah"] > 0).all()
    warning = queries.peringatan_dini(Selection(path, version, ALL, Filters(tahun=2025)))
    national = queries.cakupan_nasional(Selection(path, version, ALL, Filters(tahun=2025)))
    assert (warning["cakupan"] < national).all()
    assert ((warning["ikm_2"] > warning["ikm_1"]) & (warning["ikm_1"] > warning["ikm"])).all()


def test_chart_specs():
    data = pd.DataFrame({"nama": list("ABCDEFGH"), "cakupan": np.linspace(0.3, 0.9, 8),
                         "ikm_sesudah": np.linspace(70, 85, 8)})
    spec = charts.scatter_fit(data, "cakupan", "ikm_sesudah", "Cakupan", "IKM", 25.0, 62.5).to_dict()
    assert len(spec["layer"]) == 2  # points and the fitted line
    line = [d for d in spec.records.values() if len(d) == 2][0]
    assert line[0]["ikm_sesudah"] == pytest.approx(62.5 + 25 * 0.3)


def test_page_renders(app_env):
    at = new_app({"tahun": "2025"})
    at.switch_page("pages/dampak.py").run()
    assert not at.exception
    assert any("bukan bukti sebab-akibat" in i.value for i in at.info)
