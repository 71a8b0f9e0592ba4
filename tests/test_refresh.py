"""The mart's figures equal the same figures computed straight from the source rows.

The expected values are computed here with pandas from the source tables, by a
route independent of the mart's SQL, on SQLite, PostgreSQL and MariaDB.
"""

from __future__ import annotations

import os

import duckdb
import numpy as np
import pytest
import sqlalchemy as sa

from data_access import db, refresh, rules
from data_access.reference import UNSUR_IKM

from .expected import assessed, latest_levels
from .expected import mart_query as _mart
from .expected import person_years as _person_years
from .expected import source_table as _source


@pytest.fixture(scope="module")
def source(demo_sources):
    kind, url, mart = demo_sources
    tables = {t: _source(url, t) for t in (
        "wilayah", "unit_kerja", "pegawai", "riwayat_pelatihan", "penilaian_kompetensi",
        "standar_kompetensi", "survei_kepuasan")}
    return tables, mart


def test_coverage_per_province_and_year(source):
    src, mart = source
    py = _person_years(src)
    pns = py[py["jenis_asn"] == "PNS"]
    expected = pns.groupby(["tahun", "kode_provinsi"]).agg(
        pegawai=("nip", "size"), capai=("jp", lambda s: int((s >= rules.TARGET_JP_PNS).sum())),
        jp=("jp", "sum"), nol=("jp", lambda s: int((s == 0).sum()))).reset_index()
    got = _mart(mart, """
        SELECT tahun, kode_provinsi, sum(jumlah_pegawai) AS pegawai, sum(jumlah_capai_target) AS capai,
               sum(jumlah_jp) AS jp, sum(jumlah_tanpa_pelatihan) AS nol
        FROM pelatihan_tahun WHERE jenis_asn = 'PNS' GROUP BY ALL""")
    merged = expected.merge(got, on=["tahun", "kode_provinsi"], suffixes=("", "_mart"), how="outer")
    assert len(merged) == len(expected) > 38 * 4
    for col in ("pegawai", "capai", "nol"):
        assert (merged[col] == merged[f"{col}_mart"]).all(), col
    assert np.allclose(merged["jp"], merged["jp_mart"])


def test_training_by_kind_mode_and_month(source):
    src, mart = source
    py = _person_years(src)[["nip", "tahun"]]
    tr = src["riwayat_pelatihan"].assign(tahun=lambda d: d["tanggal_selesai"].dt.year,
                                         bulan=lambda d: d["tanggal_selesai"].dt.month)
    tr = tr.merge(py, on=["nip", "tahun"])  # records of people on the payroll that year
    expected = tr.groupby(["tahun", "jenis", "moda"]).agg(
        jp=("jp", "sum"), kegiatan=("id", "size"), peserta=("nip", "nunique")).reset_index()
    got = _mart(mart, """
        SELECT tahun, jenis, moda, sum(jumlah_jp) AS jp, sum(jumlah_kegiatan) AS kegiatan,
               sum(jumlah_peserta) AS peserta FROM pelatihan_jenis GROUP BY ALL""")
    merged = expected.merge(got, on=["tahun", "jenis", "moda"], suffixes=("", "_mart"), how="outer")
    assert len(merged) == len(expected)
    assert np.allclose(merged["jp"], merged["jp_mart"])
    assert (merged["kegiatan"] == merged["kegiatan_mart"]).all()
    assert (merged["peserta"] == merged["peserta_mart"]).all()
    monthly = tr.groupby(["tahun", "bulan"])["jp"].sum().reset_index()
    got_m = _mart(mart, "SELECT tahun, bulan, sum(jumlah_jp) AS jp_mart FROM pelatihan_bulan GROUP BY ALL")
    m = monthly.merge(got_m, on=["tahun", "bulan"], how="outer")
    assert np.allclose(m["jp"], m["jp_mart"])


def test_ikm_per_unit_and_year(source):
    src, mart = source
    sv = src["survei_kepuasan"].assign(tahun=lambda d: d["tanggal"].dt.year)
    units = _mart(mart, f"""
        SELECT kode_unit, tahun, sum(jumlah_responden) AS responden,
               {', '.join(f'sum(jumlah_{u}) AS s_{u}, sum(responden_{u}) AS n_{u}' for u in UNSUR_IKM)}
        FROM ikm_sel GROUP BY ALL""")
    assert len(units) > 50
    for _, row in units.sample(40, random_state=1).iterrows():
        rows = sv[(sv["kode_unit"] == row["kode_unit"]) & (sv["tahun"] == row["tahun"])]
        nrr = [rows[u].dropna().mean() for u in UNSUR_IKM]
        expected = rules.ikm_score(nrr)
        got = rules.ikm_from_sums([row[f"s_{u}"] for u in UNSUR_IKM], [row[f"n_{u}"] for u in UNSUR_IKM])
        assert got == pytest.approx(expected, abs=1e-9)
        assert row["responden"] == len(rows)


def test_competency_as_of_each_year_end(source):
    src, mart = source
    per_person = assessed(src)
    rated = per_person[~per_person["tanpa_standar"]]
    expected = rated.groupby("tahun").agg(
        dinilai=("jpm", "size"), memenuhi=("memenuhi", "sum"), jpm=("jpm", "sum")).reset_index()
    got = _mart(mart, """
        SELECT tahun, sum(jumlah_dinilai) AS dinilai, sum(jumlah_memenuhi_standar) AS memenuhi,
               sum(jumlah_jpm) AS jpm FROM kompetensi_pegawai_sel GROUP BY ALL""")
    m = expected.merge(got, on="tahun", suffixes=("", "_mart"))
    assert len(m) == 5
    assert (m["dinilai"] == m["dinilai_mart"]).all()
    assert (m["memenuhi"] == m["memenuhi_mart"]).all()
    assert np.allclose(m["jpm"], m["jpm_mart"])
    latest = latest_levels(src, 2025).dropna(subset=["level_standar"])
    gaps = (latest["level"] - latest["level_standar"]).groupby(latest["kode_kompetensi"]).sum()
    got_gap = _mart(mart, "SELECT kode_kompetensi, sum(jumlah_gap) AS g FROM kompetensi_sel WHERE tahun = 2025 GROUP BY 1")
    assert dict(zip(got_gap["kode_kompetensi"], got_gap["g"])) == gaps.to_dict()


def test_metadata_describes_source_without_credentials(demo_sources):
    kind, url, mart = demo_sources
    meta = dict(_mart(mart, "SELECT kunci, nilai FROM meta").values.tolist())
    assert meta["demo"] == "ya"
    assert meta["data_per"] == "2026-10-31"
    assert (meta["tahun_awal"], meta["tahun_akhir"]) == ("2022", "2026")
    assert meta["versi_kontrak"] == "1.0"
    assert int(meta["baris_pegawai"]) == 1500
    assert "postgres@" not in meta["sumber"] and "root@" not in meta["sumber"]


def test_swap_is_atomic_and_failed_refresh_keeps_old_mart(sqlite_demo, tmp_path):
    url, _ = sqlite_demo
    mart = tmp_path / "mart.duckdb"
    refresh.refresh(url, str(mart))
    reader = duckdb.connect(str(mart), read_only=True)
    before = reader.execute("SELECT nilai FROM meta WHERE kunci = 'dibangun_pada'").fetchone()
    inode = os.stat(mart).st_ino
    refresh.refresh(url, str(mart))
    # The open reader still answers from the mart it opened; a new reader sees the new one.
    assert reader.execute("SELECT count(*) FROM pegawai").fetchone()[0] == 1500
    assert os.stat(mart).st_ino != inode
    reader.close()
    with pytest.raises(db.SourceError, match="DATABASE_URL"):
        refresh.refresh(f"sqlite:///{tmp_path / 'tidak-ada.sqlite'}", str(mart))
    with duckdb.connect(str(mart), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM pegawai").fetchone()[0] == 1500
        assert con.execute("SELECT nilai FROM meta WHERE kunci = 'dibangun_pada'").fetchone() >= before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mart.duckdb"]


def test_refresh_of_broken_source_keeps_old_mart(sqlite_demo, tmp_path):
    url, _ = sqlite_demo
    mart = tmp_path / "mart.duckdb"
    refresh.refresh(url, str(mart))
    broken = tmp_path / "rusak.sqlite"
    broken.write_bytes(open(url.removeprefix("sqlite:///"), "rb").read())
    with sa.create_engine(f"sqlite:///{broken}").begin() as conn:
        conn.execute(sa.text("DROP TABLE penilaian_kompetensi"))
    with pytest.raises(db.SourceError, match="penilaian_kompetensi"):
        refresh.refresh(f"sqlite:///{broken}", str(mart))
    with duckdb.connect(str(mart), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM kompetensi_pegawai_sel").fetchone()[0] > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mart.duckdb", "rusak.sqlite"]


@pytest.mark.parametrize("table", refresh.COARSE)
def test_coarse_tables_hold_the_same_sums_without_the_unit(sqlite_demo, table):
    _, mart = sqlite_demo
    with duckdb.connect(str(mart), read_only=True) as con:
        columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        coarse_columns = [r[0] for r in con.execute(f"DESCRIBE {table}_wilayah").fetchall()]
        assert "kode_unit" not in coarse_columns and "segmen" not in coarse_columns
        assert set(coarse_columns) == set(columns) - {"kode_unit", "segmen"}
        measures = [c for c in columns if c.startswith("jumlah_")]
        sums = ", ".join(f"sum({c})::DOUBLE" for c in measures)
        group = "tahun, kode_provinsi, jenis_asn"
        fine = con.execute(f"SELECT {group}, {sums} FROM {table} GROUP BY ALL ORDER BY ALL").fetchall()
        coarse = con.execute(f"SELECT {group}, {sums} FROM {table}_wilayah GROUP BY ALL ORDER BY ALL").fetchall()
        assert len(fine) == len(coarse) > 10
        assert np.allclose(np.array([r[3:] for r in fine], dtype=float), np.array([r[3:] for r in coarse], dtype=float))
        assert [r[:3] for r in fine] == [r[:3] for r in coarse]
        assert (con.execute(f"SELECT count(*) FROM {table}_wilayah").fetchone()[0]
                < con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
