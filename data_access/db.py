"""Connections to the source database, with failures turned into Indonesian messages.

All source access goes through these helpers, so an unreachable server, wrong
credentials or a missing table become one `SourceError` naming the setting to
fix instead of a driver traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from . import contract


class SourceError(Exception):
    """A problem the user fixes with a setting or a command; the text is for them."""


_EXAMPLES = ("Contoh yang benar: sqlite:///data/sumber.sqlite, postgresql+psycopg://user@host:5432/db, "
             "mysql+pymysql://user@host:3306/db.")


def parse_url(url: str) -> sa.engine.URL:
    """DATABASE_URL as a URL, or a SourceError that says what is wrong with it (it does not
    parse, or its port is not a number from 1 to 65535)."""
    try:
        u = make_url(url)
    except ValueError:  # SQLAlchemy reads the port with int()
        raise SourceError(f"Port di DATABASE_URL {_shown(url)} bukan angka: harus angka 1 sampai 65535. "
                          f"{_EXAMPLES}") from None
    except sa.exc.ArgumentError:
        raise SourceError(f"DATABASE_URL tidak dapat dibaca: {_shown(url)}. {_EXAMPLES}") from None
    if u.port is not None and not 0 < u.port < 65536:
        raise SourceError(f"Port di DATABASE_URL ({u.port}) tidak sah: harus angka 1 sampai 65535. {_EXAMPLES}")
    return u


def _shown(url: str) -> str:
    """A DATABASE_URL that did not parse, for a message: a password after "user:" hidden."""
    return repr(re.sub(r"(//[^:/@]*:).*@", r"\1***@", url))  # up to the last "@": a password may hold one


def describe_url(url: str) -> str:
    """The source without credentials: safe for the mart's metadata, logs and pages."""
    try:
        u = parse_url(url)
    except SourceError:
        return "(DATABASE_URL tidak valid)"
    if u.get_backend_name() == "sqlite":
        return f"SQLite: {Path(u.database).name if u.database else 'memori'}"
    # URL.set() keeps a field given None, so build a new URL without the credentials.
    bare = sa.engine.URL.create(u.drivername, host=u.host, port=u.port, database=u.database)
    return bare.render_as_string(hide_password=True)


def make_engine(url: str, *, create_sqlite_dir: bool = False) -> sa.Engine:
    u = parse_url(url)
    backend = u.get_backend_name()
    connect_args: dict = {}
    if backend == "postgresql":
        connect_args["connect_timeout"] = 5
    elif backend in ("mysql", "mariadb"):
        connect_args["connect_timeout"] = 5
        u = u.update_query_dict({"charset": "utf8mb4"})
    elif backend == "sqlite" and u.database and create_sqlite_dir:
        Path(u.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        return sa.create_engine(u, connect_args=connect_args)
    except (sa.exc.NoSuchModuleError, ModuleNotFoundError) as exc:
        raise SourceError(
            f"Driver basis data untuk DATABASE_URL ({describe_url(url)}) belum terpasang: {exc}. "
            "Jalankan `pip install -r requirements.txt`.") from None


def connection_error(url: str, exc: Exception) -> SourceError:
    text = str(getattr(exc, "orig", exc)).lower()
    where = describe_url(url)
    if any(k in text for k in ("password", "authentication", "access denied", "role")):
        why = "nama pengguna atau kata sandi ditolak"
    elif any(k in text for k in ("unknown database", "does not exist", "unable to open")):
        why = "basis data tidak ditemukan"
    elif "not a database" in text:  # SQLite given another kind of file (a DuckDB mart, say)
        why = "berkasnya bukan basis data SQLite"
    else:
        why = "server tidak dapat dihubungi"
    return SourceError(
        f"Tidak dapat membuka basis data sumber ({where}): {why}. "
        "Periksa pengaturan DATABASE_URL (variabel lingkungan, .streamlit/secrets.toml, atau --db).")


@contextmanager
def connect(engine: sa.Engine):
    """A connection whose connect-time failures are explained, not raised raw."""
    try:
        conn = engine.connect()
    except sa.exc.DBAPIError as exc:
        raise connection_error(str(engine.url.render_as_string(hide_password=False)), exc) from None
    with conn:
        yield conn


def missing_tables(conn: sa.Connection) -> list[str]:
    present = set(sa.inspect(conn).get_table_names())
    return [name for name in contract.REQUIRED_TABLES if name not in present]


def require_tables(conn: sa.Connection) -> None:
    missing = missing_tables(conn)
    if missing:
        raise SourceError(
            "Basis data sumber belum memuat tabel kontrak data: " + ", ".join(missing) + ". "
            "Periksa DATABASE_URL, atau isi sumber dengan `python -m data_access demo` "
            "atau `python -m data_access import FOLDER`.")


def create_tables(conn: sa.Connection, *, indexes: bool = True) -> None:
    """Create the contract's tables that do not exist yet; indexes can come after a bulk load."""
    for table in contract.TABLES:
        if indexes:
            table.create(conn, checkfirst=True)
        else:
            conn.execute(sa.schema.CreateTable(table, if_not_exists=True))


def create_indexes(conn: sa.Connection) -> None:
    for table in contract.TABLES:
        for index in table.indexes:
            index.create(conn, checkfirst=True)


def bulk_insert(conn: sa.Connection, table: sa.Table, columns: Sequence[str],
                rows: Iterable[Sequence]) -> None:
    """Insert positional rows through the driver's executemany: millions of rows a minute.

    SQLAlchemy's per-row parameter processing costs more than the insert itself at
    national scale, so the statement goes straight to the DBAPI cursor.
    """
    dbapi_conn = conn.connection.dbapi_connection
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    preparer = conn.dialect.identifier_preparer
    sql = (f"INSERT INTO {preparer.quote(table.name)} "
           f"({', '.join(preparer.quote(c) for c in columns)}) "
           f"VALUES ({', '.join([mark] * len(columns))})")
    cursor = dbapi_conn.cursor()
    try:
        cursor.executemany(sql, rows)
    finally:
        cursor.close()
