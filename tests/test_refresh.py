"""The mart's figures equal the same figures computed straight from the source rows.

The expected values are computed here with pandas from the source tables, by a
route independent of the mart's SQL, on SQLite, PostgreSQL and MariaDB; small
hand-made sources (competency recency, the same-period cut-off) carry expectations
written out by hand.
"""

from __future__ import annotations

import os

import duckdb
import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from data_access import contract, db, refresh, rules
from data_access.reference import UNSUR_IKM

from .expected import assessed, data_per, latest_levels
from .expected import mart_query as _mart
from .expected import person_years as _person_years
from .expected import source_table as _source
from .test_importer import good_files, imported_mart, pns_row, survey_row, training_row


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


def test_same_period_figures_equal_raw_records(source):
    src, mart = source
    meta = dict(_mart(mart, "SELECT kunci, nilai FROM meta").values.tolist())
    latest = max(src[t][c].max() for t, c in (("riwayat_pelatihan", "tanggal_selesai"),  # the demo's data_per:
                                              ("penilaian_kompetensi", "tanggal"), ("survei_kepuasan", "tanggal")))
    # its last record, in October 2026
    assert latest.month == 10 and meta["batas_sd"] == f"10-{latest.day:02d}"
    py = _person_years(src)
    pns = py[py["jenis_asn"] == "PNS"]
    # The same months count who was on the payroll by the cut-off (TMT up to that day of that year).
    on_time = pns["tmt_asn"] <= pd.to_datetime(pns["tahun"].astype(str) + f"-10-{latest.day:02d}")
    assert (~on_time).any()  # some PNS came later in the year: the rule is exercised
    pns = pns[on_time][["nip", "tahun"]]
    tr = src["riwayat_pelatihan"]
    month_day = tr["tanggal_selesai"].dt.month * 100 + tr["tanggal_selesai"].dt.day
    assert (month_day > 1000 + latest.day).any()  # the cut-off leaves records out
    by_cutoff = tr[month_day <= 1000 + latest.day]  # up to that day of October of each year
    hundredths = (by_cutoff["jp"] * 100).round().astype("int64")
    jp_sd = (hundredths.groupby([by_cutoff["nip"], by_cutoff["tanggal_selesai"].dt.year.rename("tahun")]).sum()
             .rename("jp_sd").reset_index())
    pns = pns.merge(jp_sd, on=["nip", "tahun"], how="left").fillna({"jp_sd": 0})
    expected = pns.groupby("tahun").agg(capai=("jp_sd", lambda s: int((s >= 100 * rules.TARGET_JP_PNS).sum())),
                                        jp=("jp_sd", "sum"), pns=("nip", "size")).reset_index()
    got = _mart(mart, """SELECT tahun, sum(jumlah_capai_target_sd) AS capai_mart, sum(jumlah_jp_sd) AS jp_mart,
               sum(jumlah_pegawai_sd) AS pns_mart
        FROM pelatihan_tahun_wilayah WHERE jenis_asn = 'PNS' GROUP BY ALL""")
    m = expected.merge(got, on="tahun")
    assert len(m) == 5
    assert (m["pns"] == m["pns_mart"]).all()
    assert (m["capai"] == m["capai_mart"]).all()
    assert (m["jp"] == (m["jp_mart"] * 100).round()).all()  # in hundredths of a JP
    sv = src["survei_kepuasan"]
    early = sv[sv["tanggal"].dt.month <= 10]
    per_year = early.groupby(early["tanggal"].dt.year).size()
    got_sv = _mart(mart, "SELECT tahun, sum(jumlah_responden) AS n FROM ikm_sel WHERE sd_data_per GROUP BY 1")
    assert dict(zip(got_sv["tahun"], got_sv["n"])) == per_year.to_dict()
    assert len(per_year) == 5 and (sv["tanggal"].dt.month > 10).any()


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
    assert meta["data_per"] == data_per(url).isoformat()
    assert (meta["tahun_awal"], meta["tahun_akhir"]) == ("2022", "2026")
    assert meta["versi_kontrak"] == contract.CONTRACT_VERSION == "1.1"
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
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mart.duckdb", "riwayat.jsonl"]  # and its history


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
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mart.duckdb", "riwayat.jsonl", "rusak.sqlite"]


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


# --- competency recency: the same population as jumlah_dinilai ---------------------------------

NIP_TANPA_STANDAR = "198606062012012001"  # assessed only on M.02, which has no standard for her level
NIP_LAMA = "198707072012011002"  # M.01 (with a standard) in 2022, M.02 (without) in 2025


@pytest.fixture(scope="module")
def recency_mart(tmp_path_factory):
    files = good_files()
    files["kompetensi"].append(["M.02", "Kerjasama", "manajerial"])
    files["pegawai"] += [pns_row(NIP_TANPA_STANDAR, "Tanpa Standar"), pns_row(NIP_LAMA, "Dinilai Lama")]
    files["penilaian_kompetensi"] += [["2", NIP_TANPA_STANDAR, "M.02", "2025-05-01", "3", ""],
                                      ["3", NIP_LAMA, "M.01", "2022-05-02", "2", ""],
                                      ["4", NIP_LAMA, "M.02", "2025-05-02", "4", ""]]
    files["survei_kepuasan"].append(survey_row(2, "U1", "2024-03-01"))  # 2024 holds data, 2023 none
    path, _ = imported_mart(tmp_path_factory.mktemp("kebaruan"), files)
    return path


def test_recency_counts_only_people_with_a_standard(recency_mart):
    got = _mart(recency_mart, """
        SELECT tahun, sum(jumlah_dinilai)::INTEGER AS dinilai, sum(jumlah_tanpa_standar)::INTEGER AS tanpa,
               sum(jumlah_dinilai_1_tahun)::INTEGER AS satu, sum(jumlah_dinilai_1_3_tahun)::INTEGER AS tiga,
               sum(jumlah_dinilai_lebih_3_tahun)::INTEGER AS lebih
        FROM kompetensi_pegawai_sel GROUP BY tahun ORDER BY tahun""")
    # 2022: Dinilai Lama on M.01 that year. 2025: Siti (M.01, June 2025) this year; Dinilai Lama
    # by his M.01 of May 2022 (his M.02 of 2025 has no standard), so more than three years;
    # Tanpa Standar (only M.02) is "tanpa standar" and in none of the three. 2024 (a survey): Dinilai
    # Lama one to three years ago; 2023 holds no data and is not built.
    assert got.values.tolist() == [[2022, 1, 0, 1, 0, 0], [2024, 1, 0, 0, 1, 0], [2025, 2, 1, 1, 0, 1]]


@pytest.mark.parametrize("table", ["kompetensi_pegawai_sel", "kompetensi_pegawai_sel_wilayah"])
def test_recency_counts_add_up_to_the_assessed_on_the_demo(sqlite_demo, table):
    # The demo's standards cover every level and competency: people assessed without one
    # are the hand-made case above.
    _, mart = sqlite_demo
    rows = _mart(mart, f"""SELECT jumlah_dinilai, jumlah_dinilai_1_tahun + jumlah_dinilai_1_3_tahun
        + jumlah_dinilai_lebih_3_tahun AS kebaruan FROM {table}""")
    assert len(rows) > 100
    assert (rows["jumlah_dinilai"] == rows["kebaruan"]).all()


# --- the same period of earlier years (a year still running) -----------------------------------

NIP_SD = "198808082012012001"


def _sd_files(data_per: str, trainings: list[tuple[str, str]], surveys: list[str]) -> dict:
    """good_files plus NIP_SD with trainings (end date, JP) and surveys in U1; a survey on
    `data_per` makes it the latest date of the data."""
    files = good_files()
    files["pegawai"].append(pns_row(NIP_SD, "Sampai Dengan"))
    files["riwayat_pelatihan"] += [training_row(10 + i, NIP_SD, end, jp) for i, (end, jp) in enumerate(trainings)]
    files["survei_kepuasan"] += [survey_row(10 + i, "U1", day) for i, day in enumerate(surveys + [data_per])]
    return files


@pytest.fixture(scope="module")
def sd_mart(tmp_path_factory):
    files = _sd_files("2026-03-15", [("2025-03-15", "15"), ("2025-03-16", "5"), ("2026-02-01", "3")],
                      ["2025-03-10", "2025-06-01"])
    path, _ = imported_mart(tmp_path_factory.mktemp("sd"), files)
    return path


def test_same_period_cut_off_is_data_per_month_and_day(sd_mart):
    meta = dict(_mart(sd_mart, "SELECT kunci, nilai FROM meta").values.tolist())
    assert (meta["data_per"], meta["batas_sd"]) == ("2026-03-15", "03-15")
    person = _mart(sd_mart, f"SELECT tahun, jp, jp_sd FROM pegawai_tahun WHERE nip = '{NIP_SD}' ORDER BY tahun")
    # 2025: 15 JP ending 15 March count up to 15 March, the 5 JP of 16 March do not; 2026 ends there.
    assert person.values.tolist() == [[2025, 20, 15], [2026, 3, 3]]
    for table in ("pelatihan_tahun", "pelatihan_tahun_wilayah"):
        cells = _mart(sd_mart, f"""SELECT tahun, sum(jumlah_capai_target)::INTEGER,
            sum(jumlah_capai_target_sd)::INTEGER, sum(jumlah_jp)::DOUBLE, sum(jumlah_jp_sd)::DOUBLE FROM {table}
            WHERE jenis_asn = 'PNS' AND tahun = 2025 GROUP BY tahun""")
        # Siti: 24 JP on 3 March (both); Sampai Dengan: 20 JP in the year, 15 by 15 March.
        assert cells.values.tolist() == [[2025, 2, 1, 44.0, 39.0]], table


def test_same_period_flag_on_satisfaction_cells(sd_mart):
    got = _mart(sd_mart, """SELECT tahun, sd_data_per, sum(jumlah_responden)::INTEGER AS n
        FROM ikm_sel GROUP BY ALL ORDER BY ALL""")
    # 10 March 2025 is before 15 March, 1 June and 1 July 2025 after; 15 March 2026 is the day itself.
    assert got.values.tolist() == [[2025, False, 2], [2025, True, 1], [2026, True, 1]]
    types = dict(_mart(sd_mart, """SELECT column_name, data_type FROM information_schema.columns
        WHERE table_name = 'ikm_sel' AND column_name = 'sd_data_per'""").values.tolist())
    assert types == {"sd_data_per": "BOOLEAN"}


def test_same_period_of_29_february(tmp_path):
    # The data end on the last 29 February that has passed (a later date would not count as data).
    files = _sd_files("2024-02-29", [("2020-02-29", "4"), ("2020-03-01", "1"), ("2023-02-28", "6"),
                                     ("2023-03-01", "2")], ["2023-02-28", "2023-03-01"])
    for table in ("riwayat_pelatihan", "penilaian_kompetensi", "survei_kepuasan"):  # only the rows above
        files[table] = [files[table][0], *files[table][len(good_files()[table]):]]
    path, _ = imported_mart(tmp_path, files)
    assert dict(_mart(path, "SELECT kunci, nilai FROM meta").values.tolist())["batas_sd"] == "02-29"
    person = _mart(path, f"""SELECT tahun, jp, jp_sd FROM pegawai_tahun WHERE nip = '{NIP_SD}'
        AND tahun IN (2020, 2023) ORDER BY tahun""")
    # Up to (2, 29): in 2020 the 29th itself, in 2023 up to 28 February.
    assert person.values.tolist() == [[2020, 5, 4], [2023, 8, 6]]
    flags = _mart(path, """SELECT tahun, sd_data_per, sum(jumlah_responden)::INTEGER FROM ikm_sel
        GROUP BY ALL ORDER BY ALL""")
    assert flags.values.tolist() == [[2023, False, 1], [2023, True, 1], [2024, True, 1]]


def test_without_dated_rows_the_cut_off_is_the_year_end(tmp_path):
    files = {k: v for k, v in good_files().items()
             if k not in ("riwayat_pelatihan", "penilaian_kompetensi", "survei_kepuasan", "volume_layanan")}
    path, _ = imported_mart(tmp_path, files)
    meta = dict(_mart(path, "SELECT kunci, nilai FROM meta").values.tolist())
    assert (meta["data_per"], meta["batas_sd"]) == ("", "12-31")
