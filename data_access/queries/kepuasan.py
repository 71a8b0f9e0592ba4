"""Datasets of the satisfaction page: the IKM of PermenPANRB 14/2017 by period, element and unit."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from .. import mart
from .. import reference as ref
from ..filters import where
from ..rules import ikm_category, kecukupan_sampel, krejcie_morgan, round_half_up
from ..measures import catalog, figures_sql
from ._base import FIGURE_TTL, Selection, cached, figures, lindungi, run

PERIODE = {"tahun": None, "semester": "semester", "triwulan": "triwulan"}


def periode_sebelumnya(tahun: int, jenis: str, ke: int | None) -> tuple[int, str, int | None]:
    """The period before: last year, the previous semester or the previous quarter."""
    if jenis == "tahun":
        return tahun - 1, jenis, None
    last = 2 if jenis == "semester" else 4
    return (tahun - 1, jenis, last) if ke == 1 else (tahun, jenis, ke - 1)


def _bagian(jenis: str, ke: int | None) -> tuple[str, int] | None:
    """A part of the year for the measure layer: ("semester", 1), ("triwulan", 3); None for the year."""
    return None if jenis == "tahun" else (PERIODE[jenis], int(ke))


def _periode(jenis: str, ke: int | None, alias: str = "") -> tuple[str, dict]:
    """The bound condition on survey rows for a part of the year ("" for the whole year)."""
    part = _bagian(jenis, ke)
    return ("", {}) if part is None else (f" AND {alias}{part[0]} = $bagian", {"bagian": part[1]})


@cached(ttl=FIGURE_TTL)
def ikm_periode(sel: Selection, tahun: int, jenis: str = "tahun", ke: int | None = None,
                same_period: bool = False) -> pd.Series:
    """Pooled IKM of the selection in one period: respondents, units surveyed, IKM.
    same_period: only the months up to the mart's cut-off (a running year compared fairly)."""
    out = figures(sel, ("ikm", "responden", "unit_survei"), years=(tahun,), part=_bagian(jenis, ke),
                  same_period=same_period)
    if out.empty:
        return pd.Series({"ikm": None, "responden": 0, "unit_survei": 0, "n_ikm": 0})
    return out.iloc[0]


@cached(ttl=FIGURE_TTL)
def ikm_tren(sel: Selection, jenis: str = "tahun") -> pd.DataFrame:
    """Pooled IKM per period over all years: per year, semester or quarter (column ke)."""
    part = PERIODE[jenis]
    out = figures(sel, ("ikm", "responden"), years="all", group=(part,) if part else ())
    return out.rename(columns={part: "ke"}) if part else out.assign(ke=None)


@cached(ttl=FIGURE_TTL)
def ikm_unsur(sel: Selection, tahun: int, jenis: str = "tahun", ke: int | None = None) -> pd.DataFrame:
    """Per service type (and for all together, jenis_layanan NULL): NRR of each element on
    the 1..4 scale over those who answered it, its conversion to 25..100, and its respondents."""
    clause, params = where(sel.filters, sel.scope, year=False, person=False)
    period, bound = _periode(jenis, ke)
    sums = ", ".join(f"sum(jumlah_{u}) AS jumlah_{u}, sum(responden_{u}) AS responden_{u}" for u in ref.UNSUR_IKM)
    wide = run(sel, f"""
        SELECT jenis_layanan, {sums} FROM ikm_sel
        WHERE {clause} AND tahun = $tahun{period}
        GROUP BY GROUPING SETS ((jenis_layanan), ())""", {**params, **bound, "tahun": tahun})
    rows = []
    for _, r in wide.iterrows():
        for u, nama in ref.UNSUR_IKM.items():
            n = r[f"responden_{u}"]
            nrr = r[f"jumlah_{u}"] / n if n else None
            rows.append({"jenis_layanan": r["jenis_layanan"], "unsur": u.upper(), "nama_unsur": nama,
                         "nrr": nrr, "konversi": None if nrr is None else nrr * 25, "responden": int(n or 0)})
    out = pd.DataFrame(rows, columns=["jenis_layanan", "unsur", "nama_unsur", "nrr", "konversi", "responden"])
    return lindungi(sel, out, "responden", ["nrr", "konversi"], by=["unsur"])


@cached(ttl=FIGURE_TTL)
def ikm_per_unit(sel: Selection, tahun: int, jenis: str = "tahun", ke: int | None = None) -> pd.DataFrame:
    """Every surveyed unit in the selection with its respondents, pooled IKM and whether its
    sample is adequate for the chosen period (`sampel`: memadai, sampel belum memadai, volume
    tidak diketahui), its quality category (`mutu`, `di_bawah_b`), lowest IKM first. A unit's IKM is shown whatever its sample, and marked."""
    units = figures(sel, ("ikm", "responden"), level="unit", years=(tahun,), part=_bagian(jenis, ke),
                    withhold=False)
    category = units["ikm"].map(ikm_category)
    units = units.assign(mutu=category.map(lambda c: c and c[0]), kinerja=category.map(lambda c: c and c[1]),
                         di_bawah_b=category.map(lambda c: bool(c) and c[0] in "CD"))
    units = units.merge(kecukupan_unit(sel, tahun, jenis, ke), on="kode", how="left")
    return units.sort_values(["ikm", "nama"], ignore_index=True)


def _bagian_berjalan(sel: Selection, tahun: int, jenis: str, ke: int | None) -> float:
    """How much of the period lies on or before the mart's "data per" date (1 for a finished
    period): the share of the year's service users a survey of it could have reached."""
    per = mart.info_at(sel.path, sel.version).data_per
    months = {"tahun": 12, "semester": 6, "triwulan": 3}[jenis]
    first = date(tahun, 1 + (int(ke or 1) - 1) * months, 1)
    last = date(tahun + (first.month + months > 12), (first.month + months - 1) % 12 + 1, 1) - timedelta(days=1)
    if per is None or per >= last:
        return 1.0
    return max(0.0, ((per - first).days + 1) / ((last - first).days + 1))


@cached(ttl=FIGURE_TTL)
def kecukupan_unit(sel: Selection, tahun: int, jenis: str = "tahun", ke: int | None = None) -> pd.DataFrame:
    """Per surveyed unit (kode): service users of the year (volume_layanan), the users in the
    period (the year's spread evenly over its semesters or quarters, and over the part of the
    period that has passed when it is not finished; rounded half-up), the Krejcie-Morgan minimum
    for them and the verdict `sampel` (memadai, sampel belum memadai, volume tidak diketahui).
    Every page that shows a unit's IKM marks it with this."""
    sql, params = figures_sql(("responden",), sel.filters, sel.scope, level="unit", years=(tahun,),
                              part=_bagian(jenis, ke), withhold=False)
    units = run(sel, f"""SELECT f.kode, f.responden::DOUBLE AS responden, v.jumlah_penerima FROM ({sql}) f
        LEFT JOIN volume_layanan v ON v.kode_unit = f.kode AND v.tahun = f.tahun""", params)
    share = _bagian_berjalan(sel, tahun, jenis, ke) / {"tahun": 1, "semester": 2, "triwulan": 4}[jenis]
    units["penerima_periode"] = units["jumlah_penerima"].map(
        lambda n: int(round_half_up(n * share, 0)) if pd.notna(n) else None).astype("Int64")
    units["sampel_minimum"] = units["penerima_periode"].map(
        lambda n: krejcie_morgan(int(n)) if pd.notna(n) else None).astype("Int64")
    # Hidden respondents (small-cell protection) get no verdict: beside the minimum it would
    # narrow down the count it hides.
    units["sampel"] = [None if pd.isna(r) else kecukupan_sampel(r, None if pd.isna(m) else m)
                       for r, m in zip(units["responden"], units["sampel_minimum"])]
    return units.drop(columns=["responden"])


@cached(ttl=FIGURE_TTL)
def profil_responden(sel: Selection, tahun: int, jenis: str = "tahun", ke: int | None = None) -> pd.DataFrame:
    """Respondents by sex, age band, education and occupation: columns dimensi, nilai, jumlah."""
    clause, params = where(sel.filters, sel.scope, year=False, person=False)
    period, bound = _periode(jenis, ke)
    frames = []
    for dimension in ("jenis_kelamin", "kelompok_usia", "pendidikan", "pekerjaan"):
        frames.append(run(sel, f"""
            SELECT '{dimension}' AS dimensi, {dimension} AS nilai, sum(jumlah_responden)::BIGINT AS jumlah
            FROM responden_sel WHERE {clause} AND tahun = $tahun{period}
            GROUP BY 2 ORDER BY 2""", {**params, **bound, "tahun": tahun}))
    return lindungi(sel, pd.concat(frames, ignore_index=True), "jumlah", ["jumlah"], by=["dimensi"])


@cached(ttl=FIGURE_TTL)
def saran_terbaru(sel: Selection, tahun: int, jenis: str = "tahun", ke: int | None = None,
                  limit: int = 15) -> pd.DataFrame:
    """The latest suggestions, newest first; the mart keeps no respondent identity. For a scope
    that sees aggregates only, only from units with at least MIN_SEL respondents in the period
    (a unit's only respondent and the day would point at a person)."""
    clause, params = where(sel.filters, sel.scope, year=False, person=False, alias="s")
    period, bound = _periode(jenis, ke, alias="s.")
    enough = ""
    if (minimum := catalog.min_sel(sel.scope)) is not None:
        in_period, _ = _periode(jenis, ke)
        enough = (f" AND s.kode_unit IN (SELECT kode_unit FROM ikm_sel WHERE tahun = $tahun{in_period} "
                  f"GROUP BY kode_unit HAVING sum(jumlah_responden) >= {int(minimum)})")
    return run(sel, f"""
        SELECT s.tanggal, u.nama AS unit_kerja, s.jenis_layanan, s.saran
        FROM saran s JOIN unit_kerja u ON u.kode = s.kode_unit
        WHERE {clause} AND s.tahun = $tahun{period}{enough}
        ORDER BY s.tanggal DESC, u.nama LIMIT {int(limit)}""", {**params, **bound, "tahun": tahun})
