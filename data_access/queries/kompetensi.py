"""Datasets of the competency page: assessed levels against the job standard (PermenPANRB 38/2017)."""

from __future__ import annotations

import pandas as pd

from ..measures import level_below
from ._base import FIGURE_TTL, Selection, cached, figures, run

KARTU = ("memenuhi_standar", "jpm", "bagian_dinilai", "dinilai_tahun_ini", "dinilai", "tanpa_standar",
         "jpm_optimal", "jpm_cukup", "jpm_kurang", "dinilai_1_tahun", "dinilai_1_3_tahun", "dinilai_lebih_3_tahun")
KOMPETENSI = "(SELECT kode AS kode_kompetensi, nama AS nama_kompetensi, kelompok FROM kompetensi)"


def _named(sel: Selection, frame: pd.DataFrame) -> pd.DataFrame:
    return frame.merge(run(sel, f"SELECT * FROM {KOMPETENSI}"), on="kode_kompetensi", how="left")


@cached(ttl=FIGURE_TTL)
def gap_per_wilayah(sel: Selection, rows: int = 40) -> pd.DataFrame:
    """Average gap (assessed minus required) per competency for each entity one level below
    the filter; the `rows` entities with the widest average gap when there are more."""
    level = level_below(sel.filters)
    overall = figures(sel, ("rata_gap",), level=level.key).dropna(subset=["rata_gap"])
    worst = overall.sort_values(["rata_gap", "kode"]).head(rows)["kode"]
    cells = figures(sel, ("rata_gap", "dinilai_kompetensi"), level=level.key, group=("kode_kompetensi",))
    # A cell below the measure's minimum size has no value, so it is left out (a blank in the heatmap).
    cells = cells[cells["kode"].isin(worst) & cells["rata_gap"].notna()].rename(columns={"dinilai_kompetensi": "dinilai"})
    return _named(sel, cells)[["kode", "nama", "kode_kompetensi", "nama_kompetensi", "kelompok", "rata_gap", "dinilai"]]


@cached(ttl=FIGURE_TTL)
def gap_per_jenjang(sel: Selection) -> pd.DataFrame:
    """Average gap and the share below the standard per job type and job level."""
    return figures(sel, ("rata_gap", "dinilai_kompetensi", "bagian_di_bawah_standar"),
                   group=("jenis_jabatan", "jenjang_jabatan")).rename(columns={"dinilai_kompetensi": "dinilai"})


@cached(ttl=FIGURE_TTL)
def gap_tren(sel: Selection) -> pd.DataFrame:
    """Average gap per competency for every year (as of each year's end)."""
    out = figures(sel, ("rata_gap", "dinilai_kompetensi"), years="all", group=("kode_kompetensi",))
    return _named(sel, out.rename(columns={"dinilai_kompetensi": "dinilai"}))


KEBUTUHAN = ("dinilai_kompetensi", "di_bawah_standar", "kekurangan_level", "rata_kekurangan", "sudah_dilatih",
             "bagian_dilatih")


@cached(ttl=FIGURE_TTL)
def kebutuhan_pengembangan(sel: Selection) -> pd.DataFrame:
    """Per competency: assessed, below the standard, by how many levels in all and on average,
    and how many of those below had training aimed at it after their assessment; most below first."""
    out = _named(sel, figures(sel, KEBUTUHAN, group=("kode_kompetensi",)))
    return out.sort_values(["di_bawah_standar", "kode_kompetensi"], ascending=[False, True], ignore_index=True)


@cached(ttl=FIGURE_TTL)
def jumlah_di_bawah_standar(sel: Selection) -> int:
    """Employee × competency pairs below the standard (from the competency cells)."""
    rows = figures(sel, ("di_bawah_standar",))
    return int(rows["di_bawah_standar"].iloc[0]) if len(rows) else 0
