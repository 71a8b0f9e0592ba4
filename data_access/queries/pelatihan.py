"""Datasets of the training page: the 20 JP right (PP 11/2017 art. 203(4))."""

from __future__ import annotations

import pandas as pd

from .. import mart
from .. import reference as ref
from ..filters import where
from ..measures import level_below, table_for
from ._base import FIGURE_TTL, Selection, cached, figures, lindungi, run

KARTU = ("cakupan", "pns", "di_bawah_target", "kekurangan_jp", "pns_tanpa_pelatihan", "jp_per_pns",
         "pppk", "jp_per_pppk", "pppk_lebih_batas", "pppk_tanpa_pelatihan")


@cached(ttl=FIGURE_TTL)
def distribusi_jp(sel: Selection) -> pd.DataFrame:
    """How many PNS had how many JP in the year: 0 JP on its own, then bins of 5 JP
    (1-4, 5-9, ...; a bin holds JP from its lower edge up to, not including, the next),
    60 JP and more together. Columns dari, sampai (the bin's edges), jumlah."""
    clause, params = where(sel.filters, sel.scope)
    return lindungi(sel, run(sel, f"""
        WITH bins AS (
            SELECT CASE WHEN jp = 0 THEN 0 WHEN jp < 5 THEN 1 WHEN jp >= 60 THEN 60
                        ELSE floor(jp / 5) * 5 END AS dari
            FROM pegawai_tahun JOIN segmen USING (segmen)
            WHERE jenis_asn = 'PNS' AND {clause})
        SELECT dari::INTEGER AS dari,
               (CASE WHEN dari = 0 THEN 1 WHEN dari = 1 THEN 5 ELSE dari + 5 END)::INTEGER AS sampai,
               count(*)::BIGINT AS jumlah
        FROM bins GROUP BY dari ORDER BY dari""", params), "jumlah", ["jumlah"])


@cached(ttl=FIGURE_TTL)
def kemajuan_bulanan(sel: Selection, sampai_bulan: int = 12) -> pd.DataFrame:
    """Cumulative JP per PNS at the end of each month, for the selected year (up to
    `sampai_bulan`, the last month with data) and the year before (all twelve months), over
    `pns` PNS."""
    clause, params = where(sel.filters, sel.scope, year=False)
    year = sel.filters.tahun
    return lindungi(sel, run(sel, f"""
        WITH pns AS (SELECT tahun, sum(jumlah_pegawai) AS n FROM {table_for('pelatihan', sel.filters, False)}
                     WHERE jenis_asn = 'PNS' AND {clause} AND tahun IN ($tahun, $tahun_lalu) GROUP BY tahun),
             jp AS (SELECT tahun, bulan, sum(jumlah_jp) AS jp
                    FROM {'pelatihan_bulan' if sel.filters.kode_unit else 'pelatihan_bulan_wilayah'}
                    WHERE jenis_asn = 'PNS' AND {clause} AND tahun IN ($tahun, $tahun_lalu) GROUP BY ALL),
             grid AS (SELECT pns.tahun, m.range::INTEGER AS bulan, pns.n
                      FROM pns CROSS JOIN range(1, 13) m
                      WHERE pns.tahun < $tahun OR m.range <= $sampai_bulan)
        SELECT g.tahun, g.bulan,
               sum(coalesce(jp.jp, 0)) OVER (PARTITION BY g.tahun ORDER BY g.bulan) / g.n AS jp_per_pns, g.n AS pns
        FROM grid g LEFT JOIN jp USING (tahun, bulan) ORDER BY g.tahun, g.bulan""",
               {**params, "tahun": year, "tahun_lalu": year - 1, "sampai_bulan": sampai_bulan}),
                    "pns", ["jp_per_pns"], parts=False)


def target_jp(sel: Selection) -> float:
    """The JP target the mart's figures were computed with (the setting at the last refresh)."""
    return float(mart.info_at(sel.path, sel.version).meta_dict["target_jp_pns"])


def posisi_jalur(months: pd.DataFrame, year: int, target: float) -> dict | None:
    """Where the selected year stands at its last month against a straight path to the target:
    bulan, jp_per_pns, jalur (target x month / 12) and kurang (JP behind the path, 0 when on it)."""
    latest = months[months["tahun"] == year].tail(1)
    if latest.empty:
        return None
    month, value = int(latest["bulan"].iloc[0]), float(latest["jp_per_pns"].iloc[0])
    path = target * month / 12
    return {"bulan": month, "jp_per_pns": value, "jalur": path, "kurang": max(path - value, 0.0)}


@cached(ttl=FIGURE_TTL)
def cakupan_per_wilayah(sel: Selection) -> pd.DataFrame:
    """PNS coverage per entity one level below the region and agency filter, lowest first
    (an entity below the measure's minimum size has no coverage and comes last)."""
    level = level_below(sel.filters)
    out = figures(sel, ("pns", "pns_capai", "cakupan", "kekurangan_jp"), level=level.key)
    return out[out["pns"] > 0].sort_values(["cakupan", "nama"], na_position="last", ignore_index=True)


@cached(ttl=FIGURE_TTL)
def cakupan_nasional(sel: Selection) -> float | None:
    """The national PNS coverage under the same year and person filters: a benchmark every
    user may see (one figure, no region's rows), so it is computed without the scope."""
    rows = figures(sel.nation(), ("cakupan",))
    value = rows["cakupan"].iloc[0] if len(rows) else None
    return None if value is None or pd.isna(value) else float(value)


RINCIAN = {"kelompok_golongan": "Golongan", "jenis_jabatan": "Jenis jabatan",
           "jenis_kelamin": "Jenis kelamin", "pendidikan": "Pendidikan"}
_ORDER = {v: i for i, v in enumerate(ref.PENDIDIKAN + ref.JENIS_JABATAN + ["I", "II", "III", "IV", "L", "P"])}


@cached(ttl=FIGURE_TTL)
def cakupan_rincian(sel: Selection) -> pd.DataFrame:
    """PNS coverage broken down by rank group, job type, sex and education (one grouping
    each): columns dimensi, nilai, pns, pns_capai, cakupan."""
    frames = []
    for dimension in RINCIAN:
        part = figures(sel, ("pns", "pns_capai", "cakupan"), group=(dimension,))
        part = part[part["pns"].ne(0).fillna(True)].rename(columns={dimension: "nilai"}).assign(dimensi=dimension)
        frames.append(part.sort_values("nilai", key=lambda s: s.map(_ORDER)))
    return pd.concat(frames, ignore_index=True)[["dimensi", "nilai", "pns", "pns_capai", "cakupan"]]


@cached(ttl=FIGURE_TTL)
def cara_pengembangan(sel: Selection) -> pd.DataFrame:
    """JP, activities and participants per route (jalur), kind (jenis) and mode (moda)."""
    return lindungi(sel, _cara(sel), "peserta", ["jp", "kegiatan"], by=["moda"])  # parts of each mode's JP


@cached(ttl=FIGURE_TTL)
def _cara(sel: Selection) -> pd.DataFrame:
    clause, params = where(sel.filters, sel.scope)
    table = "pelatihan_jenis" if sel.filters.kode_unit else "pelatihan_jenis_wilayah"
    return run(sel, f"""
        SELECT jalur, jenis, moda, sum(jumlah_jp) AS jp, sum(jumlah_kegiatan)::BIGINT AS kegiatan,
               sum(jumlah_peserta)::BIGINT AS peserta
        FROM {table} WHERE {clause} GROUP BY ALL ORDER BY jp DESC, jalur, jenis, moda""", params)


@cached(ttl=FIGURE_TTL)
def bagian_moda(sel: Selection) -> pd.DataFrame:
    """Share of all JP per delivery mode (tatap muka, daring, campuran): moda, jp, bagian."""
    delivery = _cara(sel).groupby("moda", as_index=False)[["jp", "peserta"]].sum()
    return lindungi(sel, delivery.assign(bagian=delivery["jp"] / delivery["jp"].sum()), "peserta", ["jp", "bagian"])


@cached(ttl=FIGURE_TTL)
def daring_per_3t(sel: Selection) -> pd.DataFrame:
    """Share of JP delivered online (daring) in 3T regions against the others: wilayah, bagian_daring."""
    out = figures(sel, ("bagian_daring",), group=("daerah_3t",))
    return out.assign(wilayah=out["daerah_3t"].map({1: "Daerah 3T", 0: "Bukan 3T"})).sort_values("daerah_3t")


@cached(ttl=FIGURE_TTL)
def unit_cakupan_terendah(sel: Selection) -> pd.DataFrame:
    """Every unit in the selection with its PNS, those below 20 JP and the JP they lack,
    lowest coverage first: the planner's list (units hidden by small-cell protection last)."""
    units = figures(sel, ("pns", "di_bawah_target", "cakupan", "kekurangan_jp"), level="unit")
    return units[units["pns"].ne(0).fillna(True)].sort_values(["cakupan", "kekurangan_jp", "nama"], ascending=[True, False, True],
                             na_position="last", ignore_index=True)
