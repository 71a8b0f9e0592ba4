"""Indonesian number, percentage and date formatting, for metrics, tables and charts, and
data text made safe for the elements that render Markdown (`teks_aman`).

1.234.567 (point groups thousands), 62,5% (comma is the decimal mark),
27 Nov 2026 and November 2026. One rounding rule everywhere: half-up (half away from zero),
on the number as written (12,25 -> 12,3), not Python's half-to-even on the binary value.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from decimal import Decimal

import numpy as np
import pandas as pd

from data_access import rules

BULAN, BULAN_SINGKAT = list(rules.BULAN), list(rules.BULAN_SINGKAT)
KOSONG = "–"


def missing(value) -> bool:
    """None, pd.NA, pd.NaT and every NaN (float, numpy scalar, Decimal)."""
    if type(value) is float:
        return value != value
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, Decimal):
        return value.is_nan()
    return isinstance(value, (float, np.floating)) and math.isnan(value)


def _bulat(value, desimal: int):
    """The value rounded half-up to `desimal` places. Integers stay exact (as int); floats,
    Decimals and numpy scalars are rounded on the shortest decimal representation of their
    float (rules.round_half_up): 12,25 -> 12,3, -12,25 -> -12,3 (half away from zero),
    78,125 -> 78,13."""
    if type(value) is not float:
        if isinstance(value, (int, np.integer, np.bool_)):
            return int(value)
        if isinstance(value, np.floating) and value.dtype.itemsize < 8:
            value = str(value)  # float32 2.675 is 2.675, not 2.67499995...
        value = float(value)
    if not math.isfinite(value):
        return value
    return rules.round_half_up(value, desimal)


def _teks(rounded, desimal: int) -> str:
    """An already rounded number in Indonesian notation: the f-string only pads it."""
    if type(rounded) is float and not math.isfinite(rounded):
        return "∞" if rounded > 0 else "-∞"
    if type(rounded) is int:  # exact: "{:,.0f}" would go through float
        text = f"{rounded:,}" + (f".{'0' * desimal}" if desimal > 0 else "")
    else:
        text = f"{rounded:,.{desimal}f}"
    if text[0] == "-" and not text.strip("-0,."):
        text = text[1:]  # -0,0 is 0,0
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def angka(value, desimal: int = 0) -> str:
    """1234567 -> '1.234.567'; angka(12.25, 1) -> '12,3' (half-up); angka(1234.5, 1) -> '1.234,5'."""
    if missing(value):
        return KOSONG
    return _teks(_bulat(value, desimal), desimal)


def persen(fraction, desimal: int = 1) -> str:
    """A share as a percentage: 0.625 -> '62,5%'; persen(0.12345, 2) -> '12,35%'. Rounded half-up
    on the fraction at desimal + 2 places, so 0,625 never becomes 62,4999...% on the way."""
    if missing(fraction):
        return KOSONG
    return f"{_teks(_bulat(fraction, desimal + 2) * 100, desimal)}%"


def selisih(value, desimal: int = 1, satuan: str = "") -> str:
    """A change with its sign: +1,5 / -2,0 (a plain hyphen, which st.metric reads as down);
    ±0,0 when it rounds to zero at the places shown."""
    if missing(value):
        return KOSONG
    rounded = _bulat(value, desimal)
    sign = "+" if rounded > 0 else "-" if rounded < 0 else "±"
    return f"{sign}{_teks(abs(rounded), desimal)}{satuan}"


def tahun(value) -> str:
    """A year as people write it: 2025, not 2.025."""
    return KOSONG if missing(value) else str(int(value))


def tanggal(value: date | datetime | str | None) -> str:
    """27 Nov 2026."""
    return KOSONG if missing(value) or value == "" else rules.tanggal(value)


def tanggal_panjang(value: date | datetime) -> str:
    """27 November 2026."""
    return f"{value.day} {BULAN[value.month - 1]} {value.year}"


def bulan(value: date | datetime) -> str:
    """November 2026."""
    return f"{BULAN[value.month - 1]} {value.year}"


waktu = rules.waktu  # 27 Nov 2026 14.05


# Streamlit renders Markdown in st.markdown, captions, headers, alerts, toasts, help texts and in
# the labels of buttons, page links, tabs, expanders, metrics and radio options: an image there
# is fetched by every viewer's browser. Selectbox and multiselect options, st.text, st.code and
# data grids show text as it is; give them the plain value.
# zero-width and text-direction marks: dropped, so a name cannot hide or reverse part of itself
_TAK_TAMPAK = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_TANDA = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation mark; CommonMark lets each be backslash-escaped
# Streamlit (1.67, StreamlitMarkdown) also rewrites text after parsing, where a backslash no longer
# counts: bare addresses (http://, www., a@b.c) become links, :streamlit: its logo, :smile:
# an emoji, " -> " an arrow. An invisible word joiner after ":" and "@", after "www" and before
# those arrows breaks each pattern without changing what is read.
PENGHUBUNG = "\u2060"
_POLA = re.compile(r"(?<=[:@])|(?i:(?<=www)(?=\.))|(?<!\S)(?=<->|->|<-|--|>=|<=|~=)")
BATAS_NAMA = 200


def teks_aman(value, batas: int = BATAS_NAMA) -> str:
    r"""Data or URL text for an element that renders Markdown, shown exactly as written: never as
    formatting, a heading, a link, an image, HTML, LaTeX, coloured text or an icon. Control
    characters become spaces (a run of spaces one), zero-width and direction marks are dropped;
    longer than `batas` characters it is cut with "…". Missing values show as "–".
    teks_aman("**Biro** #1") == r"\*\*Biro\*\* \#1"."""
    if missing(value):
        return KOSONG
    text = " ".join(rules.KENDALI.sub(" ", _TAK_TAMPAK.sub("", str(value))).split())  # control characters: a space
    if len(text) > batas:
        text = text[:batas - 1].rstrip() + "…"
    return _TANDA.sub(r"\\\1", _POLA.sub(PENGHUBUNG, text))
