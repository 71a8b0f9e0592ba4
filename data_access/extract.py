"""Copy source tables into DuckDB as Arrow batches: the one way data leaves the source.

SQLite and PostgreSQL are read through their Arrow-native (ADBC) drivers and MySQL/MariaDB
through connectorx, which decodes the server's wire protocol into Arrow batches in Rust:
columnar batches several times faster than Python row objects. Other databases, and MySQL
URLs with driver options connectorx does not take (TLS settings, say), stream rows through
SQLAlchemy. Either way DuckDB scans the batches directly, so no table is ever held whole in
Python: at most STREAM_ROWS rows of it at a time.

Exact decimals (`sa.Numeric`, the JP) become DuckDB `DECIMAL(p,s)` of the column.
SQLite stores NUMERIC as REAL (or as INTEGER for whole values, in the same column),
PostgreSQL's Arrow driver hands NUMERIC over as opaque text: both travel as double
precision, which holds every value of up to 15 significant digits to well within
half a unit of its last decimal, and the cast to DECIMAL in DuckDB rounds to the
nearest (1,7 stored as 1,69999... becomes 1,70 exactly). MySQL/MariaDB and the SQLAlchemy
path send them as the server's text, exact whatever the source column's type (connectorx's
own decimal type keeps ten decimals at most), and dates as text too (connectorx cannot
take MariaDB's zero date, which the cast to DATE then reports as data breaking the contract).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import duckdb
import pyarrow as pa
import sqlalchemy as sa

from . import db

STREAM_ROWS = 100_000

# In SQLAlchemy a Float (and Double) is a kind of Numeric: floats are matched here, exact
# decimals after them (is_decimal).
_DUCK_TYPE = {
    sa.String: "VARCHAR", sa.Text: "VARCHAR", sa.Date: "DATE", sa.SmallInteger: "INTEGER",
    sa.Integer: "BIGINT", sa.BigInteger: "BIGINT", sa.Float: "DOUBLE",
}
# SQLite's Arrow driver guesses a column's type from its first rows, so a column that
# starts with NULLs travels with a stand-in that no valid value can take.
_NULL_TEXT, _NULL_NUMBER = "", -999999


def duck_type(column: sa.Column) -> str:
    for py_type, name in _DUCK_TYPE.items():
        if isinstance(column.type, py_type):
            return name
    if is_decimal(column):
        return f"DECIMAL({column.type.precision},{column.type.scale})"
    return "VARCHAR"


def is_decimal(column: sa.Column) -> bool:
    """An exact decimal column (sa.Numeric with its precision and scale, not a Float).

    The contract's decimals have at most 15 digits, so that the Arrow drivers can carry
    them as double precision (module docstring)."""
    t = column.type
    return (isinstance(t, sa.Numeric) and not isinstance(t, sa.Float)
            and t.precision is not None and t.scale is not None)


def _is_text(column: sa.Column) -> bool:
    return duck_type(column) in ("VARCHAR", "DATE")


def read_only_url(url: str) -> str:
    """SQLite sources are opened read-only, so reading them cannot change them."""
    u = sa.engine.make_url(url)
    if u.get_backend_name() == "sqlite" and u.database and not u.database.startswith("file:"):
        path = Path(u.database).resolve()
        if not path.exists():
            raise db.SourceError(
                f"Berkas basis data sumber tidak ditemukan: {path}. Periksa DATABASE_URL, "
                "atau buat data demo dengan `python -m data_access demo`.")
        return f"sqlite:///file:{path}?mode=ro&uri=true"
    return url


def arrow_connection(engine: sa.Engine):
    """An Arrow-native connection for SQLite, PostgreSQL and MySQL/MariaDB sources; None for
    other databases (and MySQL URLs that connectorx cannot honour): they stream rows."""
    u = engine.url
    backend = u.get_backend_name()
    if backend == "sqlite":
        import adbc_driver_sqlite.dbapi as adbc
        query = "&".join(f"{k}={v}" for k, v in u.query.items() if k != "uri")
        return adbc.connect(f"{u.database}?{query}" if query else u.database)
    if backend == "postgresql":
        import adbc_driver_postgresql.dbapi as adbc
        return adbc.connect(u.set(drivername="postgresql", query={})
                            .render_as_string(hide_password=False))
    if backend in ("mysql", "mariadb"):
        query = {k: v for k, v in u.query.items() if k != "charset"}  # connectorx speaks utf8mb4
        socket = query.pop("unix_socket", None)
        if query:  # e.g. TLS settings: connectorx would refuse or ignore them
            return None
        return ConnectorX(u.set(drivername="mysql", query={"socket": socket} if socket else {})
                          .render_as_string(hide_password=False))
    return None


class ConnectorX:
    """A MySQL/MariaDB source read with connectorx, in the part of ADBC's DB-API that
    `_batches` uses (cursor, execute, fetch_record_batch, close). Each query opens its own
    server connection; the read streams with at most a batch or two of STREAM_ROWS in memory."""

    def __init__(self, url: str):
        self.url, self._reader = url, None

    def cursor(self) -> ConnectorX:
        return self

    def execute(self, sql: str) -> None:
        import connectorx
        try:
            self._reader = connectorx.read_sql(self.url, sql, return_type="arrow_stream",
                                               batch_size=STREAM_ROWS)
        except RuntimeError as exc:  # refused or unreachable: the error any other driver gives
            raise sa.exc.OperationalError(sql, None, exc) from None

    def fetch_record_batch(self) -> pa.RecordBatchReader:
        return self._reader

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None


def _batches(conn: sa.Connection, arrow_conn, table: sa.Table, cols: list[sa.Column],
             as_text: bool, sentinel: bool):
    """The table's rows as an Arrow record batch reader, and what to close after reading."""
    q = conn.dialect.identifier_preparer.quote
    if arrow_conn is not None:
        mysql = isinstance(arrow_conn, ConnectorX)
        exprs = []
        for c in cols:
            if as_text or (mysql and (is_decimal(c) or isinstance(c.type, sa.Date))):
                expr = f"CAST({q(c.name)} AS {'CHAR' if mysql else 'TEXT'})"  # exact (docstring)
            elif is_decimal(c):
                # One Arrow type for the whole column (SQLite mixes INTEGER and REAL in a
                # NUMERIC column; PostgreSQL's NUMERIC arrives as opaque text otherwise).
                kind = "REAL" if conn.dialect.name == "sqlite" else "DOUBLE PRECISION"
                expr = f"CAST({q(c.name)} AS {kind})"
            else:
                expr = q(c.name)
            if sentinel and (as_text or (c.nullable and not c.primary_key)):
                stand_in = repr(_NULL_TEXT) if as_text or _is_text(c) else _NULL_NUMBER
                expr = f"COALESCE({expr}, {stand_in})"
            exprs.append(f"{expr} AS {q(c.name)}")
        cursor = arrow_conn.cursor()
        cursor.execute(f"SELECT {', '.join(exprs)} FROM {q(table.name)}")
        return cursor.fetch_record_batch(), cursor
    # Other databases: stream rows through SQLAlchemy; dates and exact decimals travel as
    # text (a decimal's text is exact, and a source column declared otherwise, e.g. DOUBLE,
    # would reach Python as a float that Arrow refuses to take as a decimal).
    def cast_to_text(c):
        return as_text or isinstance(c.type, sa.Date) or is_decimal(c)
    schema = pa.schema([(c.name, pa.string() if cast_to_text(c) or _is_text(c) else
                         pa.float64() if duck_type(c) == "DOUBLE" else pa.int64()) for c in cols])
    select = sa.select(*[sa.cast(c, sa.String).label(c.name) if cast_to_text(c) else c for c in cols])
    result = conn.execution_options(stream_results=True, yield_per=STREAM_ROWS).execute(select)

    def gen():
        for part in result.partitions():
            columns = list(zip(*part))
            yield pa.record_batch([pa.array(v, type=t) for v, t in zip(columns, schema.types)],
                                  schema=schema)
    return pa.RecordBatchReader.from_batches(schema, gen()), result


def copy_table(conn: sa.Connection, arrow_conn, duck: duckdb.DuckDBPyConnection,
               table: sa.Table, target: str, *, present: bool = True,
               skip: Collection[str] = (), as_text: bool = False) -> int:
    """Copy a source table into the DuckDB table `target`; returns its row count.

    `as_text` keeps every value as text, for checking data that may break the contract.
    A table absent from the source becomes an empty table of the same shape.
    """
    cols = [c for c in table.columns if c.name not in skip]
    duck.execute(f"CREATE TABLE {target} ("
                 + ", ".join(f'"{c.name}" {"VARCHAR" if as_text else duck_type(c)}' for c in cols)
                 + ")")
    if not present:
        return 0
    sentinel = arrow_conn is not None and conn.dialect.name == "sqlite"
    exprs = []
    for c in cols:
        if sentinel and (as_text or (c.nullable and not c.primary_key)):
            stand_in = repr(_NULL_TEXT) if as_text or _is_text(c) else _NULL_NUMBER
            expr = f'NULLIF("{c.name}", {stand_in})'
        else:
            expr = f'"{c.name}"'
        if is_decimal(c) and not as_text:
            # Double or text to DECIMAL(p,s): DuckDB rounds to the nearest unit of the scale.
            expr = f"CAST({expr} AS {duck_type(c)})"
        exprs.append(expr)
    reader, cursor = _batches(conn, arrow_conn, table, cols, as_text, sentinel)  # noqa: F841
    try:
        duck.execute(f"INSERT INTO {target} SELECT {', '.join(exprs)} FROM reader")
    finally:
        cursor.close()
    return duck.execute(f"SELECT count(*) FROM {target}").fetchone()[0]
