"""Datasets of the impact page: development and service side by side."""

from __future__ import annotations

import pandas as pd

from ..filters import where
from ..measures import attention_level
from ._base import FIGURE_TTL, Selection, cached, figures, lindungi, run
from .kepuasan import kecukupan_unit
from .pelatihan import cakupan_nasional


@cached(ttl=FIGURE_TTL)
def cakupan_dan_ikm(sel: Selection) -> tuple[pd.DataFrame, str]:
    """For agencies (or the units of a chosen agency): PNS coverage in the two years before the
    selected one and IKM in the year before and the selected one, each withheld below its
    measure's minimum size; and the level's noun."""
    level = attention_level(sel.filters)
    year = sel.filters.tahun
    rows = figures(sel, ("cakupan", "ikm"), level=level.key, years=(year - 2, year - 1, year))
    wide = rows.set_index(["kode", "nama", "tahun"])[["cakupan", "ikm"]].unstack("tahun")

    def pick(measure: str, y: int):
        return wide[(measure, y)] if (measure, y) in wide.columns else pd.Series(float("nan"), index=wide.index)

    out = pd.DataFrame({"cakupan_sebelum": pick("cakupan", year - 2), "cakupan": pick("cakupan", year - 1),
                        "ikm_sebelum": pick("ikm", year - 1), "ikm_sesudah": pick("ikm", year)}).reset_index()
    out = out.dropna(how="all", subset=["cakupan_sebelum", "cakupan", "ikm_sebelum", "ikm_sesudah"])
    if level.key == "unit":  # a unit's IKM is always shown with its sample's adequacy
        out = out.merge(kecukupan_unit(sel, year)[["kode", "sampel"]], on="kode", how="left")
    return out.sort_values("nama", ignore_index=True), level.noun


@cached(ttl=FIGURE_TTL)
def perubahan_ikm_menurut_cakupan(sel: Selection) -> pd.DataFrame:
    """Entities whose coverage rose between the two years before the selected one against the
    others: how many, and their average change in IKM over the last year (kelompok, jumlah,
    perubahan_ikm)."""
    wide, _ = cakupan_dan_ikm(sel)
    year = sel.filters.tahun
    both = wide.dropna(subset=["cakupan_sebelum", "cakupan", "ikm_sebelum", "ikm_sesudah"])
    if len(both) < 2:
        return pd.DataFrame(columns=["kelompok", "jumlah", "perubahan_ikm"])
    both = both.assign(kelompok=(both["cakupan"] > both["cakupan_sebelum"]).map(
        {True: f"Cakupan naik ({year - 2}→{year - 1})", False: f"Cakupan turun/tetap ({year - 2}→{year - 1})"}),
        perubahan_ikm=both["ikm_sesudah"] - both["ikm_sebelum"])
    return both.groupby("kelompok", as_index=False).agg(jumlah=("kode", "size"), perubahan_ikm=("perubahan_ikm", "mean"))


@cached(ttl=FIGURE_TTL)
def peringatan_dini(sel: Selection) -> pd.DataFrame:
    """Service units whose IKM fell two years running up to the selected year and whose PNS
    coverage that year is below the national figure, with the adequacy of this year's sample.
    Only figures above their measure's minimum size count (30 respondents, 10 PNS)."""
    year = sel.filters.tahun
    national = cakupan_nasional(sel)
    columns = ["kode_unit", "kode_instansi", "unit_kerja", "ikm_2", "ikm_1", "ikm", "cakupan"]
    if national is None:
        return pd.DataFrame(columns=[*columns, "sampel"])
    rows = figures(sel, ("ikm", "cakupan"), level="unit", years=(year - 2, year - 1, year))
    ikm = rows.set_index(["kode", "tahun"])["ikm"].unstack("tahun")
    cov = rows[rows["tahun"] == year].set_index("kode")["cakupan"]
    if not {year - 2, year - 1, year} <= set(ikm.columns):
        return pd.DataFrame(columns=[*columns, "sampel"])
    wide = pd.DataFrame({"ikm_2": ikm[year - 2], "ikm_1": ikm[year - 1], "ikm": ikm[year]}).join(cov, how="inner")
    falling = wide[(wide["ikm_2"] > wide["ikm_1"]) & (wide["ikm_1"] > wide["ikm"]) & (wide["cakupan"] < national)]
    names = rows[rows["tahun"] == year].set_index("kode")[["kode_instansi", "nama"]]
    out = falling.join(names).rename(columns={"nama": "unit_kerja"}).rename_axis("kode_unit").reset_index()
    out = out.assign(turun=out["ikm"] - out["ikm_2"]).sort_values(["turun", "unit_kerja"], ignore_index=True)
    sample = kecukupan_unit(sel, year).rename(columns={"kode": "kode_unit"})[["kode_unit", "sampel"]]
    return out[columns].merge(sample, on="kode_unit", how="left")


@cached(ttl=FIGURE_TTL)
def kompetensi_berulang(sel: Selection) -> pd.DataFrame:
    """For competencies assessed twice (the second assessment up to the selected year): how
    many, and the average change in level, with and without aimed training in between."""
    clause, params = where(sel.filters, sel.scope, year=False)
    return lindungi(sel, run(sel, f"""
        SELECT dilatih, sum(jumlah)::BIGINT AS jumlah, sum(jumlah_perubahan) / sum(jumlah) AS rata_perubahan
        FROM penilaian_berulang WHERE {clause} AND tahun <= $tahun GROUP BY dilatih ORDER BY dilatih DESC""",
               {**params, "tahun": sel.filters.tahun}), "jumlah", ["rata_perubahan"])
