"""Copy source tables into DuckDB as Arrow batches: the one way data leaves the source.

SQLite and PostgreSQL are read through their Arrow-native (ADBC) drivers, which
deliver columnar batches several times faster than Python row objects; other
databases stream rows through SQLAlchemy. Either way DuckDB scans the batches
directly, so no table is ever held whole in Python.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import duckdb
import pyarrow as pa
import sqlalchemy as sa

from . import db

STREAM_ROWS = 100_000

_DUCK_TYPE = {
    sa.String: "VARCHAR", sa.Text: "VARCHAR", sa.Date: "DATE", sa.SmallInteger: "INTEGER",
    sa.Integer: "BIGINT", sa.BigInteger: "BIGINT", sa.Double: "DOUBLE",
}
# SQLite's Arrow driver guesses a column's type from its first rows, so a column that
# starts with NULLs travels with a stand-in that no valid value can take.
_NULL_TEXT, _NULL_NUMBER = "", -999999


def duck_type(column: sa.Column) -> str:
    for py_type, name in _DUCK_TYPE.items():
        if isinstance(column.type, py_type):
            return name
    return "VARCHAR"


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
    """An ADBC connection for SQLite and PostgreSQL sources; None for other databases."""
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
    return None


def _batches(conn: sa.Connection, arrow_conn, table: sa.Table, cols: list[sa.Column],
             as_text: bool, sentinel: bool):
    """The table's rows as an Arrow record batch reader, and what to close after reading."""
    q = conn.dialect.identifier_preparer.quote
    if arrow_conn is not None:
        exprs = []
        for c in cols:
            expr = f"CAST({q(c.name)} AS TEXT)" if as_text else q(c.name)
            if sentinel and (as_text or (c.nullable and not c.primary_key)):
                stand_in = repr(_NULL_TEXT) if as_text or _is_text(c) else _NULL_NUMBER
                expr = f"COALESCE({expr}, {stand_in})"
            exprs.append(f"{expr} AS {q(c.name)}")
        cursor = arrow_conn.cursor()
        cursor.execute(f"SELECT {', '.join(exprs)} FROM {q(table.name)}")
        return cursor.fetch_record_batch(), cursor
    # Other databases: stream rows through SQLAlchemy; dates travel as ISO text.
    schema = pa.schema([(c.name, pa.string() if as_text or _is_text(c) else
                         pa.float64() if duck_type(c) == "DOUBLE" else pa.int64()) for c in cols])
    select = sa.select(*[sa.cast(c, sa.String).label(c.name)
                         if as_text or isinstance(c.type, sa.Date) else c for c in cols])
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
            exprs.append(f'NULLIF("{c.name}", {stand_in})')
        else:
            exprs.append(f'"{c.name}"')
    reader, cursor = _batches(conn, arrow_conn, table, cols, as_text, sentinel)  # noqa: F841
    try:
        duck.execute(f"INSERT INTO {target} SELECT {', '.join(exprs)} FROM reader")
    finally:
        cursor.close()
    return duck.execute(f"SELECT count(*) FROM {target}").fetchone()[0]
