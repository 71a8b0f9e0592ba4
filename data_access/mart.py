"""Reading the mart: every query the dashboard asks passes through `run`.

The mart is opened read-only. Its version is the file's identity (inode and
modification time): a refresh renames a new file over the old one, so the next
query sees a new version, opens the new file and misses every cache keyed on the
old version. No restart is needed.
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
MART_SCHEMA = "2026.12-measures"


class MartUnavailable(Exception):
    """The mart is missing or unreadable; the text says what to run or set. `outdated`: it is
    readable but was built by another version of the dashboard (a refresh mends it)."""

    def __init__(self, message: str, outdated: bool = False):
        super().__init__(message)
        self.outdated = outdated


def version(path: str) -> str:
    try:
        stat = os.stat(path)
    except FileNotFoundError:
        raise MartUnavailable(
            f"Mart analitik belum ada di {path}. Jalankan `python -m data_access refresh` "
            "(atau `python -m data_access demo` untuk data demo), atau periksa MART_PATH.") from None
    return f"{stat.st_ino}-{stat.st_mtime_ns}"


_CONNECTIONS: dict[tuple[str, str], duckdb.DuckDBPyConnection] = {}
_LOCK = threading.Lock()


def _connection(path: str, mart_version: str) -> duckdb.DuckDBPyConnection:
    """One read-only connection per mart version, shared by every session of the process. A new
    version closes the connections to the earlier file first: DuckDB hands a process the
    database it already has open under the same path, so while one stays open a refreshed mart
    would be read as the old one. (A query in flight on the old file loses its connection: `run` asks it again.)"""
    key = (path, mart_version)
    with _LOCK:
        con = _CONNECTIONS.get(key)
        if con is not None:
            return con
        for old in [k for k in _CONNECTIONS if k[0] == path]:
            _CONNECTIONS.pop(old).close()
        try:
            # A bounded buffer pool keeps the app within its memory budget at national scale;
            # the operating system's file cache keeps the rest of the mart close. (Set after
            # connecting, so that other read-only connections to the same file in this process,
            # which must share its configuration, can still open it.)
            con = duckdb.connect(path, read_only=True)
            con.execute("SET memory_limit = $limit", {"limit": setting("MART_READ_MEMORY_LIMIT", "500MB")})
        except duckdb.Error as exc:
            raise MartUnavailable(
                f"Mart analitik di {path} tidak dapat dibuka ({exc}). Bangun ulang dengan "
                "`python -m data_access refresh`.") from None
        _CONNECTIONS[key] = con
        return con


def _used(sql: str, params: dict | list | tuple) -> dict | list:
    """The named parameters the SQL mentions (DuckDB refuses any extra one); lists as they are."""
    if not isinstance(params, dict):
        return list(params)
    named = set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", sql))
    return {k: v for k, v in params.items() if k in named}


def run(path: str, mart_version: str, sql: str, params: dict | list | tuple = ()) -> pd.DataFrame:
    """Run one parameterised query on the mart; values are always bound, never formatted in.
    A query whose connection a refresh closed under it (see `_connection`) is asked again once."""
    for attempt in (1, 2):
        try:
            cursor = _connection(path, mart_version).cursor()  # a cursor per query: safe across threads
            try:
                return cursor.execute(sql, _used(sql, params)).df()
            finally:
                cursor.close()
        except duckdb.ConnectionException:
            if attempt == 2:
                raise


def stream(path: str, mart_version: str, sql: str, params: dict | list | tuple = (),
           rows: int = 50_000) -> Iterator[pd.DataFrame]:
    """The rows of one query in batches of about `rows`, for files too large to build at once."""
    cursor = _connection(path, mart_version).cursor()
    try:
        reader = cursor.sql(sql, params=_used(sql, params)).to_arrow_reader(rows)
        for batch in reader:
            yield batch.to_pandas()
    finally:
        cursor.close()


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

    @property
    def meta_dict(self) -> dict[str, str]:
        return dict(self.meta)

    @property
    def years(self) -> list[int]:
        return list(range(self.tahun_awal, self.tahun_akhir + 1))


@functools.lru_cache(maxsize=4)  # MartInfo is frozen: every session may share it
def info_at(path: str, mart_version: str) -> MartInfo:
    """The metadata of one version of the mart (the one a cached answer was made for)."""
    meta = dict(run(path, mart_version, "SELECT kunci, nilai FROM meta").values.tolist())
    per = meta.get("data_per") or None
    return MartInfo(
        path=path, version=mart_version, built_at=meta.get("dibangun_pada", ""),
        source=meta.get("sumber", ""), data_per=date.fromisoformat(per) if per else None,
        tahun_awal=int(meta["tahun_awal"]), tahun_akhir=int(meta["tahun_akhir"]),
        demo=meta.get("demo") == "ya", meta=tuple(sorted(meta.items())))


def info(path: str) -> MartInfo:
    """The mart's metadata, read once per version."""
    mart_version = version(path)
    try:
        found = info_at(path, mart_version)
    except (duckdb.Error, KeyError) as exc:
        raise MartUnavailable(
            f"Mart analitik di {path} tidak lengkap atau rusak ({exc.__class__.__name__}). "
            "Bangun ulang dengan `python -m data_access refresh`.") from None
    built_for = found.meta_dict.get("versi_mart")
    if built_for != MART_SCHEMA:
        raise MartUnavailable(
            f"Mart analitik di {path} dibangun oleh versi dasbor yang lain (skema {built_for or 'lama'}, "
            f"dasbor ini membaca skema {MART_SCHEMA}). Bangun ulang dengan `python -m data_access refresh`: "
            "data sumber tidak berubah.", outdated=True)
    return found
