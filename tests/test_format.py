"""Indonesian formatting helpers and the chart locale."""

from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest

from ui import charts
from ui import format as fmt


@pytest.mark.parametrize("value, desimal, expected", [
    (1234567, 0, "1.234.567"), (0, 0, "0"), (999, 0, "999"), (1000, 0, "1.000"),
    (12.345, 1, "12,3"), (1234.5, 2, "1.234,50"), (-4500, 0, "-4.500"), (None, 0, "–"),
    (float("nan"), 1, "–"),
    # half-up on the number as written, not half-to-even on the binary value
    (12.25, 1, "12,3"), (12.35, 1, "12,4"), (78.125, 2, "78,13"), (2.675, 2, "2,68"), (1.005, 2, "1,01"),
    (0.5, 0, "1"), (1.5, 0, "2"), (2.5, 0, "3"), (1234567.45, 1, "1.234.567,5"), (999.95, 1, "1.000,0"),
    (12.24999, 1, "12,2"),
    # negatives: half away from zero; a negative that rounds to zero shows no sign
    (-12.25, 1, "-12,3"), (-2.5, 0, "-3"), (-1234.45, 1, "-1.234,5"), (-0.04, 1, "0,0"), (-0.0, 1, "0,0"),
    # Decimal and numpy scalars
    (Decimal("12.25"), 1, "12,3"), (Decimal("-78.125"), 2, "-78,13"), (Decimal("1234567"), 0, "1.234.567"),
    (np.float64(12.25), 1, "12,3"), (np.float32(2.675), 2, "2,68"), (np.int64(1234567), 0, "1.234.567"),
    (np.int32(-4500), 0, "-4.500"), (12345678901234567, 0, "12.345.678.901.234.567"),
    # missing
    (pd.NA, 0, "–"), (np.nan, 2, "–"), (np.float32("nan"), 1, "–"), (Decimal("NaN"), 1, "–"), (pd.NaT, 0, "–"),
])
def test_angka(value, desimal, expected):
    assert fmt.angka(value, desimal) == expected


@pytest.mark.parametrize("value, desimal, expected", [
    (0.625, 1, "62,5%"), (1, 1, "100,0%"), (0.0004, 1, "0,0%"), (0.12345, 1, "12,3%"), (None, 1, "–"),
    (0.12345, 2, "12,35%"), (0.12355, 2, "12,36%"), (0.0625, 1, "6,3%"), (0.00125, 1, "0,1%"),
    (0.785, 0, "79%"), (1.005, 0, "101%"), (12.3456, 1, "1.234,6%"), (-0.0625, 1, "-6,3%"), (0, 1, "0,0%"),
    (Decimal("0.625"), 1, "62,5%"), (Decimal("0.12345"), 2, "12,35%"), (np.float64(0.0625), 1, "6,3%"),
    (np.float32(0.625), 1, "62,5%"), (pd.NA, 1, "–"), (np.nan, 1, "–"),
])
def test_persen(value, desimal, expected):
    assert fmt.persen(value, desimal) == expected


@pytest.mark.parametrize("value, desimal, satuan, expected", [
    (1.5, 1, " poin", "+1,5 poin"), (-2, 1, "", "-2,0"), (0, 1, "", "±0,0"),
    (12.25, 1, "", "+12,3"), (-12.25, 1, "", "-12,3"), (78.125, 2, "", "+78,13"), (-1234.45, 1, "", "-1.234,5"),
    (0.04, 1, "", "±0,0"), (-0.04, 1, "", "±0,0"), (0.05, 1, "", "+0,1"), (-0.05, 1, "", "-0,1"),
    (Decimal("-0.125"), 2, " poin", "-0,13 poin"), (np.float64(2.5), 0, "", "+3"), (np.int64(-3), 0, "", "-3"),
    (None, 1, "", "–"), (np.nan, 1, "", "–"), (pd.NA, 2, "", "–"),
])
def test_selisih(value, desimal, satuan, expected):
    assert fmt.selisih(value, desimal, satuan) == expected


@pytest.mark.parametrize("value, expected", [
    (2025, "2025"), (np.int64(2026), "2026"), (2025.0, "2025"), (None, "–"), (np.nan, "–"), (pd.NA, "–"),
])
def test_tahun_is_not_grouped(value, expected):
    assert fmt.tahun(value) == expected


def test_dates():
    assert fmt.tanggal(date(2026, 11, 27)) == "27 Nov 2026"
    assert fmt.tanggal("2026-08-01") == "1 Agu 2026"
    assert fmt.tanggal_panjang(date(2026, 11, 27)) == "27 November 2026"
    assert fmt.bulan(date(2026, 5, 3)) == "Mei 2026"
    assert fmt.waktu("2026-11-27T14:05:09+07:00") == "27 Nov 2026 14.05"
    assert fmt.waktu(datetime(2026, 1, 2, 3, 4)) == "2 Jan 2026 03.04"


def test_chart_spec_carries_indonesian_locale():
    locale = charts.share_bars(pd.DataFrame({"x": ["a"], "y": [0.5]}), "x", "y", "Bagian")["config"]["locale"]
    assert locale["number"]["decimal"] == "," and locale["number"]["thousands"] == "."
    assert locale["time"]["months"][10] == "November"
    assert locale["time"]["shortDays"][1] == "Sen"
