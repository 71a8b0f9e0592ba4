"""The demo generator: deterministic, consistent with the contract, shaped like DOMAIN.md."""

from __future__ import annotations

import hashlib

import duckdb
import numpy as np
import pytest
import sqlalchemy as sa

from data_access import contract, db, demo, refresh, rules, validate
from data_access.reference import PROVINSI

from .conftest import REFERENCE_DATE


def _digest(url: str) -> str:
    h = hashlib.sha256()
    engine = db.make_engine(url)
    with engine.connect() as conn:
        for table in contract.TABLES:
            for row in conn.execute(sa.select(table).order_by(*table.primary_key.columns)):
                h.update(repr(tuple(row)).encode())
    engine.dispose()
    return h.hexdigest()


def test_same_seed_same_data_other_seed_other_data(tmp_path):
    urls = [f"sqlite:///{tmp_path / f'{i}.sqlite'}" for i in range(3)]
    for url, seed in zip(urls, (5, 5, 6)):
        demo.generate(db.make_engine(url), n_pegawai=300, seed=seed, sampai=REFERENCE_DATE)
    a, b, c = (_digest(u) for u in urls)
    assert a == b
    assert a != c


def test_demo_passes_every_contract_rule(demo_sources):
    kind, url, _ = demo_sources
    report = validate.check_source(db.make_engine(url))
    assert report.ok, report.text()


def test_demo_refuses_to_overwrite_real_data(tmp_path):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    demo.generate(db.make_engine(url), n_pegawai=200, sampai=REFERENCE_DATE)
    demo.generate(db.make_engine(url), n_pegawai=200, sampai=REFERENCE_DATE)  # demo over demo: fine
    with db.make_engine(url).begin() as conn:
        conn.execute(contract.metadata_sumber.delete())
    with pytest.raises(demo.DemoRefused, match="bukan data demo"):
        demo.generate(db.make_engine(url), n_pegawai=200, sampai=REFERENCE_DATE)


@pytest.fixture(scope="module")
def mart20k(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo20k")
    url = f"sqlite:///{folder / 's.sqlite'}"
    demo.generate(db.make_engine(url), n_pegawai=20_000, seed=3, sampai=REFERENCE_DATE)
    refresh.refresh(url, str(folder / "m.duckdb"))
    con = duckdb.connect(str(folder / "m.duckdb"), read_only=True)
    yield con
    con.close()


def _one(con, sql):
    return con.execute(sql).fetchone()[0]


def test_regions_are_the_38_provinces_and_514_kabupaten_kota(mart20k):
    rows = mart20k.execute("SELECT kode, nama, kelompok_wilayah FROM wilayah WHERE tingkat = 'provinsi' ORDER BY kode").fetchall()
    assert rows == [(k, n, g) for k, n, g, *_ in PROVINSI]
    assert _one(mart20k, "SELECT count(*) FROM wilayah WHERE tingkat IN ('kabupaten', 'kota')") == 514
    assert _one(mart20k, "SELECT count(*) FROM wilayah WHERE tingkat = 'kota' AND substr(kode, 3) < '71'") == 0
    assert _one(mart20k, "SELECT count(*) FROM instansi WHERE jenis = 'provinsi'") == 38
    assert _one(mart20k, "SELECT count(*) FROM instansi WHERE jenis IN ('kabupaten', 'kota')") == 514
    assert _one(mart20k, "SELECT count(*) FROM instansi WHERE jenis = 'pusat'") >= 20


@pytest.mark.parametrize("condition, low, high", [
    ("jenis_asn = 'PPPK'", 0.15, 0.30),
    ("jenis_kelamin = 'P'", 0.53, 0.61),
    ("jenis_jabatan = 'Fungsional'", 0.62, 0.78),
    ("jenis_jabatan = 'Pelaksana'", 0.15, 0.30),
    ("jenis_jabatan IN ('JPT', 'Administrator', 'Pengawas')", 0.04, 0.10),
    ("pendidikan IN ('D4', 'S1', 'S2', 'S3')", 0.62, 0.80),
    ("pendidikan IN ('SD', 'SMP', 'SMA')", 0.07, 0.17),
    ("jenis_instansi = 'pusat'", 0.18, 0.26),
])
def test_workforce_mix_follows_domain(mart20k, condition, low, high):
    share = _one(mart20k, f"SELECT avg(CASE WHEN {condition} THEN 1 ELSE 0 END) FROM pegawai")
    assert low <= share <= high


def test_rank_mix_of_pns(mart20k):
    shares = dict(mart20k.execute("""SELECT kelompok_golongan, count(*) / sum(count(*)) OVER ()
        FROM pegawai WHERE jenis_asn = 'PNS' GROUP BY 1""").fetchall())
    assert shares["I"] < 0.03
    assert 0.10 <= shares["II"] <= 0.21
    assert shares["III"] > shares["IV"]
    assert shares["III"] + shares["IV"] > 0.75


def test_training_realistic_and_online_in_3t(mart20k):
    coverage = mart20k.execute("""SELECT tahun, sum(jumlah_capai_target) / sum(jumlah_pegawai)
        FROM pelatihan_tahun WHERE jenis_asn = 'PNS' GROUP BY 1 ORDER BY 1""").fetchall()
    assert len(coverage) == 5
    assert all(0.35 <= c <= 0.8 for _, c in coverage)
    assert coverage[3][1] > coverage[0][1]  # improving over the years
    zero = _one(mart20k, "SELECT sum(jumlah_tanpa_pelatihan) / sum(jumlah_pegawai) FROM pelatihan_tahun WHERE tahun = 2025")
    assert 0.02 < zero < 0.3
    online = dict(mart20k.execute("""SELECT daerah_3t, sum(jumlah_jp_daring) / sum(jumlah_jp)
        FROM pelatihan_tahun GROUP BY 1""").fetchall())
    assert online[1] > online[0] + 0.05
    per_record = _one(mart20k, "SELECT sum(jumlah_kegiatan) / (SELECT sum(jumlah_pegawai) FROM pelatihan_tahun) FROM pelatihan_jenis")
    assert 2 < per_record < 4  # about 60 million records for 4,5 million employees over 5 years


def test_assessments_not_everyone_every_year(mart20k):
    staff = "(SELECT sum(jumlah_pegawai) FROM pelatihan_tahun WHERE tahun = 2025)"
    this_year = _one(mart20k, f"""SELECT sum(jumlah_dinilai_1_tahun) / {staff}
        FROM kompetensi_pegawai_sel WHERE tahun = 2025""")
    ever = _one(mart20k, f"SELECT sum(jumlah_dinilai) / {staff} FROM kompetensi_pegawai_sel WHERE tahun = 2025")
    assert 0.1 < this_year < 0.3  # about one in five a year
    assert 0.35 < ever < 0.8  # over the years, most have an assessment
    below = _one(mart20k, "SELECT 1 - sum(jumlah_memenuhi_standar) / sum(jumlah_dinilai) FROM kompetensi_pegawai_sel")
    assert 0.2 < below < 0.8


def test_ikm_spread_over_categories_and_some_units_short_of_sample(mart20k):
    units = mart20k.execute(f"""SELECT kode_unit, tahun, sum(jumlah_responden) AS n,
        {' + '.join(f'sum(jumlah_u{i}) / sum(responden_u{i})' for i in range(1, 10))} AS nrr_total
        FROM ikm_sel GROUP BY 1, 2""").fetchall()
    categories = {rules.ikm_category(nrr / 9 * 25)[0] for _, _, _, nrr in units}
    assert categories == {"A", "B", "C", "D"}
    volume = dict(((u, t), v) for u, t, v in mart20k.execute("SELECT kode_unit, tahun, jumlah_penerima FROM volume_layanan").fetchall())
    with_volume = [(n, volume[(u, t)]) for u, t, n, _ in units if (u, t) in volume]
    short = sum(n < rules.krejcie_morgan(v) for n, v in with_volume) / len(with_volume)
    assert 0.05 < short < 0.6
    assert len(with_volume) < len(units)  # some units report no volume


def test_planted_relation_coverage_then_next_year_ikm(mart20k):
    rows = mart20k.execute(f"""
        WITH cov AS (SELECT kode_unit, tahun, sum(jumlah_capai_target) / sum(jumlah_pegawai) AS c
                     FROM pelatihan_tahun WHERE jenis_asn = 'PNS' GROUP BY 1, 2 HAVING sum(jumlah_pegawai) >= 4),
             ikm AS (SELECT kode_unit, tahun,
                     ({' + '.join(f'sum(jumlah_u{i}) / sum(responden_u{i})' for i in range(1, 10))}) / 9 * 25 AS ikm
                     FROM ikm_sel GROUP BY 1, 2 HAVING sum(jumlah_responden) >= 10)
        SELECT c, ikm FROM cov JOIN ikm ON ikm.kode_unit = cov.kode_unit AND ikm.tahun = cov.tahun + 1""").fetchall()
    c, i = np.array(rows).T
    assert len(rows) > 80, len(rows)
    r = np.corrcoef(c, i)[0, 1]
    assert 0.1 < r < 0.8, r  # moderate and noisy, not perfect
