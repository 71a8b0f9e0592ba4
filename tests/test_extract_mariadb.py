"""MySQL/MariaDB sources are read as Arrow batches (connectorx), value for value as the rows are.

A real MariaDB database holds every contract table with the values that break readers:
exact decimals, the smallest and largest dates, NULLs, 64-character ids that differ only
in case (utf8mb4_bin), 18-digit NIP with a leading zero, names outside ASCII (four-byte
emoji too), control characters, empty strings and empty tables. What extract copies into
DuckDB must equal what pymysql's rows say, in the types the contract gives each column;
the row path (SQLAlchemy) must give the same tables, typed and as text.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import duckdb
import pyarrow as pa
import pymysql
import pytest
import sqlalchemy as sa

from data_access import contract, db, extract, refresh

from .conftest import _server_database

D = dt.date
UUID = ("3f2a9c1e-7b4d-4e8a-9f10-6c5b2a1d0e7f-" + "0123456789abcdef" * 2)[:64]  # 64 characters
CONTROL = "tab\there\nnew line\r\x00\x01\x1f\x7f\\N"
NAMES = ["Ni Luh Putu Ayu Ñoño", "Dr. H. Muhammad ʿAbd al-Qādir, M.Si.", "王小明 😀🇮🇩", "", CONTROL]

ROWS = {
    "wilayah": [
        {"kode": "32", "nama": "Jawa Barat", "tingkat": "provinsi", "kode_induk": None,
         "kelompok_wilayah": "Jawa", "daerah_3t": 0, "lintang": -6.914744, "bujur": 107.60981},
        {"kode": "3273", "nama": "Kota Bandung", "tingkat": "kota", "kode_induk": "32",
         "kelompok_wilayah": None, "daerah_3t": None, "lintang": None, "bujur": -0.0},
        {"kode": "91", "nama": "Papua 😀", "tingkat": "provinsi", "kode_induk": None,
         "kelompok_wilayah": "Papua", "daerah_3t": 1, "lintang": 1e-300, "bujur": 140.7181111111111},
    ],
    "pegawai": [
        {"nip": f"0{i:02d}703032012012001"[:18], "nama": name, "jenis_kelamin": "P", "tanggal_lahir": born,
         "jenis_asn": "PNS", "golongan": "III/a", "jenis_jabatan": "Pelaksana", "jenjang_jabatan": "Pelaksana",
         "pendidikan": "S1", "kode_unit": UUID if i % 2 else UUID.upper(), "tmt_asn": D(2012, 1, 1), "aktif": i % 2,
         "tanggal_berhenti": None if i % 2 else D(9999, 12, 31)}
        for i, (name, born) in enumerate(zip(NAMES, [D(1000, 1, 1), D(1970, 1, 1), D(2000, 2, 29),
                                                     D(1999, 12, 31), D(9999, 12, 31)]))
    ],
    "riwayat_pelatihan": [
        {"id": id_, "nip": "019870303201201200", "nama_pelatihan": name, "jalur": "klasikal",
         "jenis": "Pelatihan Teknis", "moda": "daring", "penyelenggara": None if i % 3 else name,
         "tanggal_mulai": D(2025, 1, 1), "tanggal_selesai": D(2025, 12, 31) if i % 2 else D(2024, 2, 29),
         "jp": jp, "kelompok_kompetensi": "teknis", "kode_kompetensi": None if i % 2 else UUID}
        for i, (id_, jp, name) in enumerate([
            ("T001", Decimal("1.70"), NAMES[0]), ("t001", Decimal("0.01"), NAMES[1]),
            (UUID, Decimal("999999.99"), NAMES[2]), (UUID.upper(), Decimal("20"), NAMES[3]),
            ("123456789012345678", Decimal("19.99"), NAMES[4]), (" T002", Decimal("2000.00"), "x")])
    ],
    "survei_kepuasan": [
        {"id": "R1", "kode_unit": UUID, "tanggal": D(2025, 6, 30), "jenis_layanan": "Perizinan",
         **{u: 1 + k % 4 for k, u in enumerate(f"u{j}" for j in range(1, 10))}, "jenis_kelamin": None,
         "usia": 120, "pendidikan": None, "pekerjaan": CONTROL, "saran": "😀" * 4000},
        {"id": "R2", "kode_unit": UUID, "tanggal": D(2025, 7, 1), "jenis_layanan": "Perizinan",
         **{f"u{j}": None for j in range(1, 10)}, "jenis_kelamin": "L", "usia": None, "pendidikan": "S3",
         "pekerjaan": None, "saran": ""},
    ],
    "volume_layanan": [],  # empty tables keep their shape
    "metadata_sumber": [],
}


def _arrow_type(column: sa.Column) -> pa.DataType:
    """The Arrow type of a contract column once copied: DuckDB's INTEGER for SMALLINT, BIGINT for
    INTEGER, DECIMAL(p,s) for NUMERIC(p,s), DATE, DOUBLE, VARCHAR for text."""
    t = column.type
    if isinstance(t, sa.Double):
        return pa.float64()
    if isinstance(t, sa.Numeric) and not isinstance(t, sa.Integer):
        return pa.decimal128(t.precision, t.scale)
    return {sa.Date: pa.date32(), sa.SmallInteger: pa.int32(), sa.Integer: pa.int64(),
            sa.String: pa.string(), sa.Text: pa.string()}.get(type(t), pa.string())


@pytest.fixture(scope="module")
def mariadb():
    """A MariaDB database holding ROWS in the contract's tables; its URL."""
    url, cleanup = _server_database("mariadb")
    engine = db.make_engine(url)
    with engine.begin() as conn:
        db.create_tables(conn)
        for name, rows in ROWS.items():
            if rows:
                conn.execute(contract.TABLES_BY_NAME[name].insert(), rows)
    engine.dispose()
    yield url
    cleanup()


def _pymysql_rows(url: str, table: sa.Table, as_text: bool = False) -> list[tuple]:
    """The table's rows as pymysql reads them, straight from the server."""
    u = sa.engine.make_url(url)
    con = pymysql.connect(host=u.host, port=u.port, user=u.username, password=u.password or "",
                          database=u.database, charset="utf8mb4")
    try:
        with con.cursor() as cur:
            cols = [f"`{c.name}`" if not as_text else f"CAST(`{c.name}` AS CHAR)" for c in table.columns]
            cur.execute(f"SELECT {', '.join(cols)} FROM `{table.name}`")
            return sorted(cur.fetchall(), key=repr)
    finally:
        con.close()


def _copy(url: str, table: sa.Table, *, arrow: bool, as_text: bool = False) -> pa.Table:
    engine = db.make_engine(url)
    duck = duckdb.connect()
    try:
        with db.connect(engine) as conn:
            arrow_conn = extract.arrow_connection(engine) if arrow else None
            assert isinstance(arrow_conn, extract.ConnectorX) or not arrow
            extract.copy_table(conn, arrow_conn, duck, table, "s_t", as_text=as_text)
        return duck.cursor().sql("SELECT * FROM s_t").to_arrow_table()
    finally:
        duck.close()
        engine.dispose()


@pytest.mark.parametrize("name", [t.name for t in contract.TABLES if t.name in ROWS])
def test_arrow_read_equals_the_rows_in_the_contract_types(mariadb, name):
    table = contract.TABLES_BY_NAME[name]
    got = _copy(mariadb, table, arrow=True)
    assert got.schema == pa.schema([(c.name, _arrow_type(c)) for c in table.columns])
    expected = _pymysql_rows(mariadb, table)
    assert len(expected) == len(ROWS[name])
    assert sorted(got.to_pylist(), key=lambda r: repr(tuple(r.values()))) == [
        dict(zip(table.c.keys(), row)) for row in expected]
    if name == "riwayat_pelatihan":  # exact decimals, digit for digit
        assert [str(v) for v in sorted(got.column("jp").to_pylist())] == [
            "0.01", "1.70", "19.99", "20.00", "2000.00", "999999.99"]


@pytest.mark.parametrize("as_text", [False, True], ids=["typed", "text"])
@pytest.mark.parametrize("name", ["pegawai", "riwayat_pelatihan", "survei_kepuasan", "wilayah", "volume_layanan"])
def test_arrow_read_equals_the_row_path(mariadb, name, as_text):
    table = contract.TABLES_BY_NAME[name]
    arrow = _copy(mariadb, table, arrow=True, as_text=as_text)
    rows = _copy(mariadb, table, arrow=False, as_text=as_text)
    assert arrow.schema == rows.schema
    assert arrow.sort_by(table.primary_key.columns[0].name).equals(rows.sort_by(table.primary_key.columns[0].name))
    if as_text:  # `check` sees the server's text of each value
        assert sorted(arrow.to_pylist(), key=lambda r: repr(tuple(r.values()))) == sorted(
            [dict(zip(table.c.keys(), row)) for row in _pymysql_rows(mariadb, table, as_text=True)],
            key=lambda r: repr(tuple(r.values())))


def test_a_batch_holds_at_most_stream_rows(mariadb, monkeypatch):
    monkeypatch.setattr(extract, "STREAM_ROWS", 4)
    engine = db.make_engine(mariadb)
    reader = extract.arrow_connection(engine).cursor()
    try:
        reader.execute("SELECT nip, nama FROM pegawai")
        sizes = [b.num_rows for b in reader.fetch_record_batch()]
    finally:
        reader.close()
        engine.dispose()
    assert sum(sizes) == len(ROWS["pegawai"]) == 5 and max(sizes) <= 4 and len(sizes) >= 2


def test_urls_connectorx_cannot_honour_keep_the_row_path():
    def reader(url):
        return extract.arrow_connection(db.make_engine(url))
    assert reader("mysql+pymysql://u:p%40ss@db.internal:3307/hr").url == "mysql://u:p%40ss@db.internal:3307/hr"
    assert reader("mysql+pymysql://u@localhost/hr?unix_socket=/run/mysqld/mysqld.sock").url == (
        "mysql://u@localhost/hr?socket=%2Frun%2Fmysqld%2Fmysqld.sock")
    assert reader("mysql+pymysql://u@db.internal/hr?ssl_ca=/etc/ssl/ca.pem") is None


def test_a_failing_query_is_a_driver_error_with_the_usual_message(mariadb):
    reader = extract.arrow_connection(db.make_engine(mariadb)).cursor()
    with pytest.raises(sa.exc.DBAPIError) as err:
        reader.execute("SELECT nip FROM tabel_yang_tidak_ada")
    assert "tabel_yang_tidak_ada" in str(err.value.orig)


@pytest.mark.parametrize("url, why", [
    ("mysql+pymysql://dasbor_tidak_ada:rahasia@127.0.0.1:3306/test", "nama pengguna atau kata sandi ditolak"),
    ("mysql+pymysql://root:rahasia@127.0.0.1:1/test", "server tidak dapat dihubungi")])
def test_refresh_from_a_refusing_server_is_explained(mariadb, tmp_path, url, why):
    with pytest.raises(db.SourceError) as err:
        refresh.refresh(url, str(tmp_path / "mart.duckdb"))
    assert why in str(err.value) and "DATABASE_URL" in str(err.value) and "rahasia" not in str(err.value)
    assert not (tmp_path / "mart.duckdb").exists()
