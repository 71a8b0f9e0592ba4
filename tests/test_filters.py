"""Filters become parameterised SQL: one table of cases, then every case run on a mart."""

import duckdb
import pytest

from data_access.filters import Filters, Scope, where
from data_access.queries import Selection

CASES = [
    (Filters(), Scope(), {}, "TRUE", {}),
    (Filters(tahun=2025), Scope(), {}, "tahun = $tahun", {"tahun": 2025}),
    (Filters(tahun=2025), Scope(), {"year": False}, "TRUE", {}),
    (Filters(kode_provinsi="32", jenis_asn="PNS"), Scope(), {}, "kode_provinsi = $kode_provinsi AND jenis_asn = $jenis_asn",
     {"kode_provinsi": "32", "jenis_asn": "PNS"}),
    (Filters(jenis_asn="PNS", jenis_kelamin="P"), Scope(), {"person": False}, "TRUE", {}),
    (Filters(kelompok_wilayah="Jawa"), Scope(), {},
     "kode_provinsi IN (SELECT kode FROM wilayah WHERE kelompok_wilayah = $kelompok_wilayah)", {"kelompok_wilayah": "Jawa"}),
    (Filters(kode_unit="U1"), Scope(), {"alias": "t"}, "t.kode_unit = $kode_unit", {"kode_unit": "U1"}),
    (Filters(tahun=2024), Scope(), {"prefix": "lalu_"}, "tahun = $lalu_tahun", {"lalu_tahun": 2024}),
    (Filters(), Scope(wilayah=frozenset({"32"})), {},
     "((kode_provinsi IN ($lingkup_w0) OR kode_kabkota IN ($lingkup_w0)))", {"lingkup_w0": "32"}),
    (Filters(tahun=2024), Scope(wilayah=frozenset({"3204"}), instansi=frozenset({"K01"})), {},
     "tahun = $tahun AND ((kode_provinsi IN ($lingkup_w0) OR kode_kabkota IN ($lingkup_w0)) OR (kode_instansi IN ($lingkup_i0)))",
     {"tahun": 2024, "lingkup_w0": "3204", "lingkup_i0": "K01"}),
    (Filters(kode_provinsi="32' OR 1=1 --"), Scope(), {}, "kode_provinsi = $kode_provinsi", {"kode_provinsi": "32' OR 1=1 --"}),
]


@pytest.mark.parametrize("filters, scope, options, sql, params", CASES)
def test_where(filters, scope, options, sql, params):
    assert where(filters, scope, **options) == (sql, params)


@pytest.mark.parametrize("filters, scope, options, sql, params", [c for c in CASES if "alias" not in c[2]])
def test_where_runs_on_the_mart(sqlite_demo, filters, scope, options, sql, params):
    _, mart = sqlite_demo
    table = "ikm_sel" if options.get("person") is False else "pelatihan_tahun"
    clause, bound = where(filters, scope, **options)
    with duckdb.connect(str(mart), read_only=True) as con:
        total = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        count = con.execute(f"SELECT count(*) FROM {table} WHERE {clause}", bound).fetchone()[0]
    if sql == "TRUE":
        assert count == total
    elif "' OR 1=1" in str(params):
        assert count == 0  # bound as a value: matches nothing, injects nothing
    else:
        assert 0 < count < total


def test_cached_answers_are_keyed_on_scope_and_safe_to_change(sqlite_demo):
    """Query answers are cached per process for every session: another scope or filter never
    meets them, and what one page does to its copy never reaches the next caller."""
    from data_access import mart, queries

    _, path = sqlite_demo
    path, version = str(path), mart.version(str(path))
    f = Filters(tahun=2025)
    queries.cakupan_per_wilayah.clear()
    first = queries.cakupan_per_wilayah(Selection(path, version, Scope(), f))
    jabar = queries.cakupan_per_wilayah(Selection(path, version, Scope(wilayah=frozenset({"32"})), f))
    assert len(first) > 1 and list(jabar["kode"]) == ["32"]
    original = first.copy()
    first["cakupan"] = 0.0  # a page changing its answer
    first["baru"] = 1
    first.loc[0, "nama"] = "diubah"
    again = queries.cakupan_per_wilayah(Selection(path, version, Scope(), f))
    assert again is not first
    assert again.equals(original)
    table, trend = queries.banding(Selection(path, version, Scope(), f), "provinsi", ("32", "35"))
    table["cakupan"] = 0.0  # answers that come as a tuple of frames are the caller's too
    trend.loc[0, "nama"] = "diubah"
    again_table, again_trend = queries.banding(Selection(path, version, Scope(), f), "provinsi", ("32", "35"))
    assert not (again_table["cakupan"] == 0.0).all() and "diubah" not in set(again_trend["nama"])
    options = queries.filter_options(Selection(path, version, Scope(), f), "kode_provinsi")
    options.clear()
    assert queries.filter_options(Selection(path, version, Scope(), f), "kode_provinsi")
    # A refreshed mart (another version) drops the answers made for the earlier one.
    assert len(queries.cakupan_per_wilayah.keys()) == 2
    queries.cakupan_per_wilayah(Selection(path, version + "-baru", Scope(), f))
    assert [key[0].version for key in queries.cakupan_per_wilayah.keys()] == [version + "-baru"]


def test_a_replaced_mart_is_read_as_the_new_file(tmp_path):
    """DuckDB hands a process the database it already has open under the same path: the reader
    closes the connection to the earlier file when a new version appears, so a refresh renamed
    over the mart is read as the new one (the old data never again)."""
    import os

    from data_access import mart

    path = tmp_path / "mart.duckdb"
    for value, name in ((1, "lama.duckdb"), (2, "baru.duckdb")):
        with duckdb.connect(str(tmp_path / name)) as con:
            con.execute(f"CREATE TABLE t AS SELECT {value} AS x")
    os.replace(tmp_path / "lama.duckdb", path)
    before = mart.version(str(path))
    assert mart.run(str(path), before, "SELECT x FROM t")["x"].tolist() == [1]
    os.replace(tmp_path / "baru.duckdb", path)  # what a refresh does
    after = mart.version(str(path))
    assert after != before
    assert mart.run(str(path), after, "SELECT x FROM t")["x"].tolist() == [2]
