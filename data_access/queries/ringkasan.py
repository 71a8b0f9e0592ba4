"""Datasets of the executive overview: headline figures with their fair comparison, the trend,
the province map and the entities that need attention."""

from __future__ import annotations

import pandas as pd

from .. import rules
from ..measures import MEASURES, attention_level, catalog
from ._base import FIGURE_TTL, Selection, cached, change, comparable, cut_off, figures
from .kepuasan import kecukupan_unit

RINGKASAN = ("asn", "cakupan", "jp_per_pns", "memenuhi_standar", "jpm", "dinilai", "ikm", "responden", "unit_survei")


@cached(ttl=FIGURE_TTL)
def headline(sel: Selection, keys: tuple[str, ...]) -> pd.DataFrame:
    """Per measure (the index): `nilai` in the selected year, `sebelum` in the year before and
    `perubahan` (points for shares). While the selected year is still running, flows (coverage,
    JP, IKM) are compared with the same months of the year before (`queries.cut_off`); stocks
    (headcounts, competency as at year end) with the year before as it ended; a flow without a
    same-months figure gets no comparison while the year runs. `n` is the size
    the figure rests on; `tersembunyi`: hidden by small-cell protection (measures/sql.py)."""
    year = sel.filters.tahun
    now = figures(sel, keys, years=(year,))
    before = figures(sel, keys, years=(year - 1,), same_period=cut_off(sel) is not None)
    protected = catalog.min_sel(sel.scope) is not None
    rows = []
    for key in keys:
        m = MEASURES[key]
        value = _value(now, key) if len(now) or m.unit not in ("orang", "unit") else 0  # no rows: none counted
        previous = _value(before, key) if comparable(sel, key) else None
        n = _value(now, f"n_{key}")
        rows.append({"ukuran": key, "nilai": value, "sebelum": previous,
                     "perubahan": change(m.unit, value, previous), "n": n,
                     # protected, a figure is None only when hidden (counts are 0, sizes too)
                     "tersembunyi": bool(protected and len(now) and value is None
                                         and (n is None or f"n_{key}" not in now))})
    return pd.DataFrame(rows).set_index("ukuran")


def _value(frame: pd.DataFrame, column: str):
    """The first row's value, None where there is none (no row, no column, missing or hidden)."""
    value = frame[column].iloc[0] if len(frame) and column in frame else None
    return None if value is None or pd.isna(value) else value


@cached(ttl=FIGURE_TTL)
def tren(sel: Selection, keys: tuple[str, ...]) -> pd.DataFrame:
    """The measures for every year of the mart under the filters (the year filter ignored), by year."""
    return figures(sel, keys, years="all").set_index("tahun")


@cached(ttl=FIGURE_TTL)
def indikator_provinsi(sel: Selection) -> pd.DataFrame:
    """Coverage, share meeting the competency standard and pooled IKM per province, under
    every filter except the region ones (the map shows all provinces the user may see)."""
    anywhere = sel.with_filters(kelompok_wilayah=None, kode_provinsi=None, kode_kabkota=None)
    out = figures(anywhere, ("cakupan", "memenuhi_standar", "ikm"), level="provinsi")
    return out.rename(columns={"kode": "kode_provinsi"}).sort_values("kode_provinsi", ignore_index=True)


@cached(ttl=FIGURE_TTL)
def entitas_perhatian(sel: Selection) -> pd.DataFrame:
    """Per agency (or per unit once an agency is chosen): PNS coverage this year and its change
    since last year (points; the same months while the year runs), pooled IKM, and the average competency gap. Each figure is withheld below
    its measure's minimum size (measures.catalog)."""
    year = sel.filters.tahun
    level = attention_level(sel.filters)
    now = figures(sel, ("cakupan", "ikm", "rata_gap"), level=level.key).set_index("kode")
    before = figures(sel, ("cakupan",), level=level.key, years=(year - 1,), same_period=cut_off(sel) is not None)
    before = before.set_index("kode")["cakupan"].reindex(now.index)
    if level.key == "unit":  # a unit's IKM is always shown with its sample's adequacy
        now = now.join(kecukupan_unit(sel, year).set_index("kode")["sampel"])
    now["perubahan_cakupan"] = pd.Series([change("persen", a, b) for a, b in zip(now["cakupan"], before.tolist())],
                                         index=now.index, dtype="float64")
    return now.reset_index()


PERHATIAN_BARIS = 5


@cached(ttl=FIGURE_TTL)
def perlu_perhatian(sel: Selection) -> dict[str, pd.DataFrame]:
    """The entities furthest below target and the most improved, five of each: lowest
    coverage, IKM in category C or D, widest average competency gap, and the largest rise in
    coverage since last year."""
    e = entitas_perhatian(sel)
    below_b = e["ikm"].map(lambda v: pd.notna(v) and rules.ikm_category(v)[0] in "CD").astype(bool)
    return {
        "cakupan": e.dropna(subset=["cakupan"]).nsmallest(PERHATIAN_BARIS, "cakupan"),
        "ikm": e[below_b].nsmallest(PERHATIAN_BARIS, "ikm"),
        "kompetensi": e[e["rata_gap"] < 0].nsmallest(PERHATIAN_BARIS, "rata_gap"),
        "membaik": e[e["perubahan_cakupan"] > 0].nlargest(PERHATIAN_BARIS, "perubahan_cakupan"),
    }


def beranda(sel: Selection) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, pd.DataFrame]]:
    """The home page's datasets: the headline figures, their trend, the province map and the
    entities that need attention (one function, so the warm-up after a refresh asks the same)."""
    return headline(sel, RINGKASAN), tren(sel, RINGKASAN), indikator_provinsi(sel), perlu_perhatian(sel)
