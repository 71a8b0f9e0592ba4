"""Datasets of the comparison page: entities side by side, with the selected region and the nation."""

from __future__ import annotations

import pandas as pd

from ..filters import Filters, where
from ..measures import LEVELS, MEASURES, MIN_STABIL
from ..rules import ikm_category
from ._base import FIGURE_TTL, OPTIONS_TTL, Selection, cached, change, comparable, cut_off, figures, run
from .kepuasan import kecukupan_unit
from .umum import UNITS

INDIKATOR = ("cakupan", "jp_per_pns", "memenuhi_standar", "jpm", "ikm")
_ALL = ("asn", *INDIKATOR, "responden")


@cached(ttl=OPTIONS_TTL)
def entitas(sel: Selection, level: str) -> pd.DataFrame:
    """Entities of a level the user may see (kode, nama, jenis); `in_filter` marks those
    inside the current region and agency filter: the default set to compare. Units only
    inside that filter: some 30.000 units nationally are no list to choose from."""
    lv = LEVELS[level]
    clause, params = where(sel.filters, sel.scope, year=False, person=False, prefix="pilih_")
    all_clause, all_params = where(Filters() if level != "unit" else sel.filters, sel.scope, year=False,
                                   person=False)
    return run(sel, f"""
        WITH visible AS (SELECT DISTINCT {lv.column} AS kode FROM {UNITS} WHERE {all_clause}),
             chosen AS (SELECT DISTINCT {lv.column} AS kode FROM {UNITS} WHERE {clause})
        SELECT n.kode, n.nama, n.jenis, n.kode IN (SELECT kode FROM chosen) AS in_filter
        FROM ({lv.names}) n JOIN visible USING (kode) ORDER BY n.nama""", {**all_params, **params})


def _ranked(sel: Selection, now: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Each indicator's rank among the compared (1 = best) and its change since the year before
    (none for a figure that cannot be compared while the year runs)."""
    before = before.set_index("kode").reindex(now["kode"])
    for key in INDIKATOR:
        ascending = not MEASURES[key].higher_is_better
        now[f"peringkat_{key}"] = now[key].rank(ascending=ascending, method="min").astype("Int64")
        previous = before[key].tolist() if comparable(sel, key) else [None] * len(now)
        now[f"perubahan_{key}"] = pd.Series([change(MEASURES[key].unit, a, b) for a, b in zip(now[key], previous)],
                                            index=now.index, dtype="float64")
    return now


@cached(ttl=FIGURE_TTL)
def banding(sel: Selection, level: str, codes: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(table, trend) for the chosen entities of a level under the person and year filters.

    table: one row per entity for the selected year, each indicator with its rank among the
    compared entities and its change against the year before (the same months while the year
    runs; points for shares), `kecil` for fewer than MIN_STABIL employees or respondents; then
    reference rows for the selected region (the current filter) and the nation (last); per row
    `banding_cakupan` (▲ at or above the national coverage, ▼ below) and the IKM's `mutu` and
    `kinerja`. trend: every year, per entity and for the nation."""
    year = sel.filters.tahun
    person = Selection(sel.path, sel.version, sel.scope, sel.filters.without_place())
    same = cut_off(sel) is not None
    per = figures(person, _ALL, level=level, years="all", codes=codes)
    before = (figures(person, _ALL, level=level, years=(year - 1,), codes=codes, same_period=True) if same
              else per[per["tahun"] == year - 1])
    table = _ranked(sel, per[per["tahun"] == year].reset_index(drop=True), before)
    table["kecil"] = (table["asn"] < MIN_STABIL) | table["responden"].between(1, MIN_STABIL - 1)
    if level == "unit":  # a unit's IKM is always shown with its sample's adequacy
        table = table.merge(kecukupan_unit(sel, year)[["kode", "sampel"]], on="kode", how="left")
    table = table.sort_values("cakupan", ascending=False, na_position="last", ignore_index=True)
    refs = []
    if sel.filters != person.filters:
        refs.append(figures(sel, _ALL, years=(year,)).assign(kode="pilihan", nama="Wilayah/instansi terpilih"))
    nation = figures(sel.nation(), _ALL, years="all").assign(kode="nasional", nama="Nasional")
    refs.append(nation[nation["tahun"] == year])
    table = pd.concat([table, *(r.assign(jenis="pembanding", kecil=False) for r in refs)], ignore_index=True)
    national = table["cakupan"].iloc[-1]
    table["banding_cakupan"] = [None if pd.isna(v) or pd.isna(national) else "▲" if v >= national else "▼"
                                for v in table["cakupan"]]
    category = table["ikm"].map(ikm_category)
    table["mutu"], table["kinerja"] = category.map(lambda c: c and c[0]), category.map(lambda c: c and c[1])
    trend = pd.concat([per, nation], ignore_index=True)
    return table, trend


@cached(ttl=FIGURE_TTL)
def kelompok_sebaya(sel: Selection, level: str, kode: str) -> pd.DataFrame:
    """The entity's peers (same level and kind: kabupaten with kabupaten, kota with kota, an
    agency with agencies of its type) with coverage and IKM, and each one's percentile
    among them (100 = the best)."""
    person = Selection(sel.path, sel.version, sel.scope, sel.filters.without_place())
    everyone = figures(person, ("cakupan", "ikm"), level=level)  # those the user may see
    kind = everyone.loc[everyone["kode"] == kode, "jenis"]
    now = everyone[everyone["jenis"] == kind.iloc[0]].copy() if len(kind) else everyone.iloc[:0].copy()
    for key in ("cakupan", "ikm"):
        now[f"persentil_{key}"] = now[key].rank(pct=True) * 100
    return now
