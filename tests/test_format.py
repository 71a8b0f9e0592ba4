"""Indonesian formatting helpers and the chart locale."""

from datetime import date, datetime

import altair as alt
import pandas as pd
import pytest

from ui import charts
from ui import format as fmt


@pytest.mark.parametrize("value, desimal, expected", [
    (1234567, 0, "1.234.567"), (0, 0, "0"), (999, 0, "999"), (1000, 0, "1.000"),
    (12.345, 1, "12,3"), (1234.5, 2, "1.234,50"), (-4500, 0, "-4.500"), (None, 0, "–"),
    (float("nan"), 1, "–"),
])
def test_angka(value, desimal, expected):
    assert fmt.angka(value, desimal) == expected


@pytest.mark.parametrize("value, expected", [
    (0.625, "62,5%"), (1, "100,0%"), (0.0004, "0,0%"), (0.12345, "12,3%"), (None, "–"),
])
def test_persen(value, expected):
    assert fmt.persen(value) == expected


def test_selisih_has_sign():
    assert fmt.selisih(1.5, satuan=" poin") == "+1,5 poin"
    assert fmt.selisih(-2) == "-2,0"
    assert fmt.selisih(0) == "±0,0"


def test_dates():
    assert fmt.tanggal(date(2026, 11, 27)) == "27 Nov 2026"
    assert fmt.tanggal("2026-08-01") == "1 Agu 2026"
    assert fmt.tanggal_panjang(date(2026, 11, 27)) == "27 November 2026"
    assert fmt.bulan(date(2026, 5, 3)) == "Mei 2026"
    assert fmt.waktu("2026-11-27T14:05:09+07:00") == "27 Nov 2026 14.05"
    assert fmt.waktu(datetime(2026, 1, 2, 3, 4)) == "2 Jan 2026 03.04"


def test_chart_spec_carries_indonesian_locale():
    chart = charts.localized(alt.Chart(pd.DataFrame({"x": [1500.5]})).mark_bar().encode(x="x:Q"))
    locale = chart.to_dict()["config"]["locale"]
    assert locale["number"]["decimal"] == "," and locale["number"]["thousands"] == "."
    assert locale["time"]["months"][10] == "November"
    assert locale["time"]["shortDays"][1] == "Sen"
