"""Reading the mart: every query the dashboard asks passes through `run`.

The mart is opened read-only. Its version is the file's identity (inode and
modification time): a refresh renames a new file over the old one, so the next
query sees a new version, opens the new file and misses every cache keyed on the
old version. No restart is needed.

A mart that cannot be read (deleted, truncated, overwritten, not a DuckDB file at all) is a
`MartUnavailable` with what to run, whenever it shows: on opening (the file's header and
size are checked first) or in the middle of a query (DuckDB checks every block it reads).
Errors of the query itself (a binder or catalog error in our SQL) are not caught here.

Every DuckDB connection the project opens comes from `connect`: DuckDB never downloads or
loads an extension (the app runs in closed networks).
"""

from __future__ import annotations

import functools
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import duckdb
import pandas as pd

from .config import setting

# The shape of the mart this code reads; refresh writes it into the mart's meta. A mart built by
# another version of the dashboard may lack columns its queries need, so it is refused with what
# to run instead of failing query by query.
MART_SCHEMA = "2027.01-kesegaran"  # + kesegaran (freshness per table and agency)


class MartUnavailable(Exception):
    """The mart is missing or unreadable; the text says what to run or set. `outdated`: it is
    readable but was built by another version of the dashboard (a refresh mends it)."""

    def __init__(self, message: str, outdated: bool = False):
        super().__init__(message)
        self.outdated = outdated


_REBUILD = "Bangun ulang dengan `python -m data_access refresh`."
_HEADER_BYTES = 3 * 4096  # a DuckDB file starts with its main header and two database headers
SQLITE_MAGIC = b"SQLite format 3\x00"  # how every SQLite database file begins


def version(path: str) -> str:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        _forget(path)  # the deleted file's database would still answer from its open handle
        raise MartUnavailable(
            f"Mart analitik belum ada di {path}. Jalankan `python -m data_access refresh` "
            "(atau `python -m data_access demo` untuk data demo), atau periksa MART_PATH.") from None
    return f"{stat.st_ino}-{stat.st_mtime_ns}"


def check_file(path: str) -> None:
    """Refuse, before DuckDB opens it, a file that is not a DuckDB database: DuckDB would try to
    open an SQLite file through an extension, and report other files in English."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise MartUnavailable(f"Mart analitik di {path} tidak dapat dibaca ({exc.strerror or exc}). "
                              "Periksa MART_PATH dan izin berkasnya.") from None
    if head.startswith(SQLITE_MAGIC):
        raise MartUnavailable(
            f"Berkas {path} adalah basis data SQLite, bukan mart analitik (DuckDB). MART_PATH menunjuk "
            "berkas mart yang dibangun `python -m data_access refresh`; basis data sumber diatur di "
            "DATABASE_URL.")
    if head[8:12] != b"DUCK":
        raise MartUnavailable(f"Berkas {path} bukan mart analitik yang utuh (kosong, rusak, atau bukan "
                              f"berkas DuckDB). Periksa MART_PATH. {_REBUILD}")


def connect(path: str = ":memory:", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that never downloads nor loads an extension by itself: a statement
    that would need one (an https address, an SQLite scan) fails at once with DuckDB's message.
    Set after connecting, not as connect() configuration: other connections to the same file
    in this process (tests, tools) must share its configuration to open it, and the settings
    hold for the whole database. An existing file is checked first (`check_file`)."""
    if path != ":memory:" and os.path.exists(path):
        check_file(path)
    con = duckdb.connect(path, read_only=read_only)
    con.execute("SET autoinstall_known_extensions = false")
    con.execute("SET autoload_known_extensions = false")
    return con


_CONNECTIONS: dict[tuple[str, str], duckdb.DuckDBPyConnection] = {}
_LOCK = threading.Lock()


def _close(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.close()
    except duckdb.Error:  # an invalidated database may refuse even that
        pass


def _forget(path: str, mart_version: str | None = None) -> None:
    """Close and drop the connections to `path` (to one version of it): a later query opens
    the file afresh, which an invalidated DuckDB database needs."""
    with _LOCK:
        for key in [k for k in _CONNECTIONS if k[0] == path and mart_version in (None, k[1])]:
            _close(_CONNECTIONS.pop(key))


# DuckDB reports a file it cannot read with these (a block beyond the end of a truncated file,
# a bad checksum, a database invalidated by an earlier fatal error); anything else a query
# raises is the query's own fault and is not caught.
_UNREADABLE = (duckdb.IOException, duckdb.SerializationException, duckdb.InternalException,
               duckdb.FatalException)
_UNREADABLE_TEXT = ("corrupt database file", "checksum", "invalidated")


def _unreadable(exc: duckdb.Error) -> bool:
    return isinstance(exc, _UNREADABLE) or (
        type(exc) is duckdb.Error and any(t in str(exc).lower() for t in _UNREADABLE_TEXT))


def _damaged(path: str, exc: Exception) -> MartUnavailable:
    return MartUnavailable(f"Mart analitik di {path} rusak atau terpotong: sebagian isinya tidak dapat "
                           f"dibaca ({exc.__class__.__name__}). {_REBUILD}")


def _connection(path: str, mart_version: str) -> duckdb.DuckDBPyConnection:
    """One read-only connection per mart version, shared by every session of the process.

    Each version is its own DuckDB instance: an in-memory database with the file attached
    read-only as `mart`. Connecting to the path would hand back the database the process
    already has open under that path (DuckDB's instance cache), so a mart renamed over the old
    one would be read as the old one while any query, download or cursor still held it. A new
    version drops the earlier ones from the cache without closing them: a query in flight ends
    on the file it began on, and the old instance closes once nothing uses it. Cursors must
    `USE mart` (see `_cursor`)."""
    key = (path, mart_version)
    with _LOCK:
        con = _CONNECTIONS.get(key)
        if con is not None:
            return con
        for old in [k for k in _CONNECTIONS if k[0] == path]:
            del _CONNECTIONS[old]
        con = None
        try:
            check_file(path)
            con = connect()
            con.execute(f"ATTACH '{path.replace(chr(39), chr(39) * 2)}' AS mart (READ_ONLY)")
            con.execute("USE mart")
            # A bounded buffer pool keeps the app within its memory budget at national scale;
            # the operating system's file cache keeps the rest of the mart close.
            con.execute("SET memory_limit = $limit", {"limit": setting("MART_READ_MEMORY_LIMIT", "350MB")})
            # A truncated file opens (its header is intact) and fails only in the queries that
            # reach a missing block: its blocks are counted against its size once, here.
            block, blocks = con.execute("SELECT block_size, total_blocks FROM pragma_database_size() "
                                        "WHERE database_name = 'mart'").fetchone()
            if os.path.getsize(path) < _HEADER_BYTES + block * blocks:
                raise MartUnavailable(f"Mart analitik di {path} terpotong: berkasnya lebih pendek dari isi "
                                      f"yang dicatatnya (salinan atau penulisan yang terputus?). {_REBUILD}")
        except (duckdb.Error, MartUnavailable, OSError) as exc:
            if con is not None:
                _close(con)
            if isinstance(exc, MartUnavailable):
                raise
            raise MartUnavailable(f"Mart analitik di {path} tidak dapat dibuka ({exc.__class__.__name__}): "
                                  f"berkasnya rusak atau bukan mart. {_REBUILD}") from None
        _CONNECTIONS[key] = con
        return con


def _cursor(path: str, mart_version: str) -> duckdb.DuckDBPyConnection:
    """A cursor of the version's connection, reading the attached mart (a cursor per query:
    safe across threads)."""
    cursor = _connection(path, mart_version).cursor()
    cursor.execute("USE mart")
    return cursor


def _used(sql: str, params: dict | list | tuple) -> dict | list:
    """The named parameters the SQL mentions (DuckDB refuses any extra one); lists as they are."""
    if not isinstance(params, dict):
        return list(params)
    named = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", sql))
    return {k: v for k, v in params.items() if k in named}


def run(path: str, mart_version: str, sql: str, params: dict | list | tuple = ()) -> pd.DataFrame:
    """Run one parameterised query on the mart; values are always bound, never formatted in.
    A query whose connection was closed under it (a damaged mart, `_forget`) is asked again once."""
    for attempt in (1, 2):
        try:
            cursor = _cursor(path, mart_version)
            try:
                return cursor.execute(sql, _used(sql, params)).df()
            finally:
                _close(cursor)
        except duckdb.ConnectionException:
            if attempt == 2:
                raise
        except duckdb.Error as exc:
            if not _unreadable(exc):
                raise
            _forget(path, mart_version)
            raise _damaged(path, exc) from None


def stream(path: str, mart_version: str, sql: str, params: dict | list | tuple = (),
           rows: int = 50_000) -> Iterator[pd.DataFrame]:
    """The rows of one query in batches of about `rows`, for files too large to build at once."""
    cursor = _cursor(path, mart_version)
    try:
        reader = cursor.sql(sql, params=_used(sql, params)).to_arrow_reader(rows)
        for batch in reader:
            yield batch.to_pandas()
    except duckdb.Error as exc:
        if not _unreadable(exc):
            raise
        _forget(path, mart_version)
        raise _damaged(path, exc) from None
    finally:
        _close(cursor)


@dataclass(frozen=True)
class MartInfo:
    path: str
    version: str
    built_at: str
    source: str
    data_per: date | None
    tahun_awal: int
    tahun_akhir: int
    demo: bool
    meta: tuple  # all (kunci, nilai) pairs, for the data page
    tahun_data: tuple[int, ...] = ()  # the years that hold data, oldest first

    @property
    def meta_dict(self) -> dict[str, str]:
        return dict(self.meta)

    @property
    def years(self) -> list[int]:
        """The years the mart holds data for (meta tahun_data): a year without any record in
        between is not offered."""
        return list(self.tahun_data)


@functools.lru_cache(maxsize=4)  # MartInfo is frozen: every session may share it
def info_at(path: str, mart_version: str) -> MartInfo:
    """The metadata of one version of the mart (the one a cached answer was made for)."""
    meta = dict(run(path, mart_version, "SELECT kunci, nilai FROM meta").values.tolist())
    per = meta.get("data_per") or None
    return MartInfo(
        path=path, version=mart_version, built_at=meta.get("dibangun_pada", ""),
        source=meta.get("sumber", ""), data_per=date.fromisoformat(per) if per else None,
        tahun_awal=int(meta["tahun_awal"]), tahun_akhir=int(meta["tahun_akhir"]),
        demo=meta.get("demo") == "ya", meta=tuple(sorted(meta.items())),
        # A mart of an earlier schema has no tahun_data: `info` refuses it as outdated.
        tahun_data=tuple(int(y) for y in meta.get("tahun_data", "").split(",") if y.strip()))


def info(path: str) -> MartInfo:
    """The mart's metadata, read once per version."""
    mart_version = version(path)
    try:
        found = info_at(path, mart_version)
    except (duckdb.Error, KeyError, ValueError) as exc:  # not a mart's meta (a DuckDB file of something else)
        raise MartUnavailable(
            f"Mart analitik di {path} tidak lengkap atau rusak ({exc.__class__.__name__}). {_REBUILD}") from None
    built_for = found.meta_dict.get("versi_mart")
    if built_for != MART_SCHEMA:
        raise MartUnavailable(
            f"Mart analitik di {path} dibangun oleh versi dasbor yang lain (skema {built_for or 'lama'}, "
            f"dasbor ini membaca skema {MART_SCHEMA}). Bangun ulang dengan `python -m data_access refresh`: "
            "data sumber tidak berubah.", outdated=True)
    if not found.tahun_data:
        raise MartUnavailable(f"Mart analitik di {path} tidak lengkap (daftar tahun data kosong). {_REBUILD}")
    return found
