"""Indonesian number, percentage and date formatting, for metrics, tables and charts.

1.234.567 (point groups thousands), 62,5% (comma is the decimal mark),
27 Nov 2026 and November 2026.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd

BULAN = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember"]
BULAN_SINGKAT = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
KOSONG = "–"


def _missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def angka(value, desimal: int = 0) -> str:
    """1234567 -> '1.234.567'; angka(12.345, 1) -> '12,3'."""
    if _missing(value):
        return KOSONG
    text = f"{value:,.{desimal}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def persen(fraction, desimal: int = 1) -> str:
    """A share as a percentage: 0.625 -> '62,5%'."""
    if _missing(fraction):
        return KOSONG
    return f"{angka(fraction * 100, desimal)}%"


def selisih(value, desimal: int = 1, satuan: str = "") -> str:
    """A change with its sign: +1,5 / -2,0 (a plain hyphen, which st.metric reads as down)."""
    if _missing(value):
        return KOSONG
    sign = "+" if value > 0 else "-" if value < 0 else "±"
    return f"{sign}{angka(abs(value), desimal)}{satuan}"


def tanggal(value: date | datetime | str | None) -> str:
    """27 Nov 2026."""
    if value is None or value == "":
        return KOSONG
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return f"{value.day} {BULAN_SINGKAT[value.month - 1]} {value.year}"


def tanggal_panjang(value: date | datetime) -> str:
    """27 November 2026."""
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def bulan(value: date | datetime) -> str:
    """November 2026."""
    return f"{BULAN[value.month - 1]} {value.year}"


def waktu(value: str | datetime) -> str:
    """27 Nov 2026 14.05 (Indonesian uses a point between hours and minutes)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return f"{tanggal(value)} {value.hour:02d}.{value.minute:02d}"
