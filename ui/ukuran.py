"""Figures of the measure layer on screen: each shown with its measure's unit, precision,
definition and direction, so no page formats or explains a figure by hand."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.measures import MEASURES, catalog

from . import format as fmt


TERSEMBUNYI = (f"Disembunyikan: angka ini menggambarkan kurang dari {catalog.MIN_SEL} orang (perlindungan data "
               "pribadi; MIN_SEL_ORANG).")


def teks(key: str, value) -> str:
    """A figure as text: 62,5% / 12,3 JP / 86,11 / 1.234."""
    m = MEASURES[key]
    if value is None or pd.isna(value):
        return fmt.KOSONG
    if m.is_share:
        return fmt.persen(value, m.precision)
    if m.unit == "JP":
        return f"{fmt.angka(value, m.precision)} JP"
    return fmt.angka(value, m.precision)


def d3(key: str) -> str:
    """The measure's format for chart axes and legends (d3-format, Indonesian through the locale)."""
    m = MEASURES[key]
    return f".{m.precision}%" if m.is_share else f",.{m.precision}f"


def selisih(key: str, change) -> str | None:
    """A change as text: +2,5 poin for shares, +1,2 JP, -0,35 for an index; None when unknown."""
    m = MEASURES[key]
    if change is None or pd.isna(change):
        return None
    suffix = " poin" if m.is_share else " JP" if m.unit == "JP" else ""
    return fmt.selisih(change, m.precision if m.unit != "orang" else 0, suffix)


def bantuan(key: str) -> str:
    """The measure's definition, its population and its basis: the help of every card."""
    m = MEASURES[key]
    return f"{m.definition} Rumus: {m.formula}. Dihitung atas: {m.population}. Dasar: {m.basis}."


def kartu(column, key: str, figures: pd.DataFrame, trend: pd.DataFrame | None = None, label: str | None = None,
          caption: str | None = None, suffix: str = "") -> None:
    """A metric card for one measure from a `queries.headline` frame: the value, its change
    (green when it moved the good way; a headcount is never coloured) and the definition."""
    m = MEASURES[key]
    row = figures.loc[key]
    color = {True: "normal", False: "inverse", None: "off"}[m.higher_is_better]
    hidden = bool(row.get("tersembunyi", False))
    column.metric(label or m.label, "Disembunyikan" if hidden else teks(key, row["nilai"]) + suffix,
                  None if hidden else selisih(key, row["perubahan"]), delta_color=color, border=True,
                  help=bantuan(key), chart_data=None if trend is None or hidden else trend[key].dropna().tolist())
    if hidden:
        column.caption(TERSEMBUNYI)
    elif caption:
        column.caption(caption)


def kolom(keys) -> tuple[dict, list, dict]:
    """For a table of measures: (column labels, the share columns, decimals per column)."""
    labels = {k: MEASURES[k].label for k in keys}
    shares = [MEASURES[k].label for k in keys if MEASURES[k].is_share]
    precision = {MEASURES[k].label: MEASURES[k].precision for k in keys}
    return labels, shares, precision


def definisi(keys) -> None:
    """The definitions of the page's measures, as the data page and the downloads give them."""
    st.markdown("\n".join(
        f"- **{MEASURES[k].label}**: {MEASURES[k].definition} *Rumus*: {MEASURES[k].formula}. "
        f"*Dihitung atas*: {MEASURES[k].population}. *Dasar*: {MEASURES[k].basis}." for k in keys))
