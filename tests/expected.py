"""Expected figures computed straight from the source rows with pandas: an independent
route to the numbers the mart and the pages show."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import numpy as np
import pandas as pd
import sqlalchemy as sa

from data_access import db, rules
from data_access.filters import Scope
from data_access.reference import UNSUR_IKM

# The scopes the roles get for all of Indonesia (data_access.akses.scope_of).
PERENCANA = Scope(lihat_orang=True)
ADMIN = Scope(lihat_orang=True, nip_penuh=True)


def source_table(url: str, table: str) -> pd.DataFrame:
    engine = db.make_engine(url)
    with engine.connect() as conn:
        df = pd.read_sql(sa.text(f"SELECT * FROM {table}"), conn)
    engine.dispose()
    for col in df.columns:
        if col.startswith("tanggal") or col == "tmt_asn":
            df[col] = pd.to_datetime(df[col])
        elif df[col].dtype == object and isinstance(next(iter(df[col].dropna()), None), Decimal):
            df[col] = df[col].astype(float)  # NUMERIC from PostgreSQL/MariaDB, as SQLite's REAL
    return df


def data_per(url: str):
    """The latest date of a training, an assessment or a survey in the source, by plain SQL: the
    "data per" date (the demo's last records fall on its reference date or a few days before)."""
    engine = db.make_engine(url)
    with engine.connect() as conn:
        latest = max(pd.to_datetime(conn.execute(sa.text(f"SELECT max({c}) FROM {t}")).scalar()).date()
                     for t, c in (("riwayat_pelatihan", "tanggal_selesai"), ("penilaian_kompetensi", "tanggal"),
                                  ("survei_kepuasan", "tanggal")))
    engine.dispose()
    return latest


def mart_query(mart, sql: str) -> pd.DataFrame:
    with duckdb.connect(str(mart), read_only=True) as con:
        return con.execute(sql).df()


def person_years(src) -> pd.DataFrame:
    """Everyone on the payroll per year, with JP of that year (DOMAIN.md section 2)."""
    peg = src["pegawai"].copy()
    peg["kode_provinsi"] = peg["kode_unit"].map(src["unit_kerja"].set_index("kode")["kode_wilayah"]).str[:2]
    frames = []
    for y in range(2022, 2027):
        present = (peg["tmt_asn"] <= pd.Timestamp(y, 12, 31)) & (
            (peg["aktif"] == 1) | (peg["tanggal_berhenti"] >= pd.Timestamp(y, 1, 1)))
        frames.append(peg[present].assign(tahun=y))
    py = pd.concat(frames)
    tr = src["riwayat_pelatihan"]
    # Summed in whole hundredths of a JP, exactly (DOMAIN.md section 11): a float sum of ten
    # 1,7 JP and 3 JP is 19.999999999999996 and would miss the target.
    hundredths = (tr["jp"] * 100).round().astype("int64")
    jp = hundredths.groupby([tr["nip"], tr["tanggal_selesai"].dt.year.rename("tahun")]).sum() / 100
    py = py.merge(jp.rename("jp").reset_index(), on=["nip", "tahun"], how="left")
    py["jp"] = py["jp"].fillna(0)
    return py


def latest_levels(src, year: int) -> pd.DataFrame:
    """For everyone on the payroll in `year`, the latest assessment of each competency up to
    the end of that year, with the standard of their job level (NaN where there is none)."""
    py = person_years(src)
    present = py[py["tahun"] == year][["nip", "jenjang_jabatan", "kode_unit"]]
    pn = src["penilaian_kompetensi"]
    upto = pn[pn["tanggal"] <= pd.Timestamp(year, 12, 31)]
    latest = upto.sort_values(["tanggal", "id"]).groupby(["nip", "kode_kompetensi"]).tail(1)
    latest = latest.merge(present, on="nip")
    return latest.merge(src["standar_kompetensi"], on=["jenjang_jabatan", "kode_kompetensi"], how="left")


def assessed(src, years=range(2022, 2027)) -> pd.DataFrame:
    """Per person and year (as of its end): meets the standard (no competency below it), JPM,
    and whether none of their assessed competencies has a standard for their job level."""
    frames = []
    for year in years:
        latest = latest_levels(src, year)
        with_std = latest.dropna(subset=["level_standar"])
        per = with_std.groupby(["nip", "kode_unit"]).agg(
            level=("level", "sum"), standar=("level_standar", "sum"),
            kurang=("level", lambda s: bool((s.values < with_std.loc[s.index, "level_standar"].values).any())),
            tanggal=("tanggal", "max")).reset_index()
        per["memenuhi"] = ~per["kurang"]
        per["jpm"] = np.minimum(100.0, 100.0 * per["level"] / per["standar"])
        per["tahun"] = year
        per["tanpa_standar"] = False
        without = set(latest["nip"]) - set(with_std["nip"])
        extra = latest[latest["nip"].isin(without)].drop_duplicates("nip")[["nip", "kode_unit"]].assign(
            tahun=year, tanpa_standar=True)
        frames += [per, extra]
    return pd.concat(frames, ignore_index=True)


def pooled_ikm(surveys: pd.DataFrame) -> float:
    """IKM of a set of responses: NRR per element over those who answered it, x 1/9, x 25."""
    return rules.ikm_score([surveys[u].dropna().mean() for u in UNSUR_IKM])
