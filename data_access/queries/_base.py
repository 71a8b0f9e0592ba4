"""What every dataset shares: the selection it is asked for, the process-wide cache, and the
generic figure query of the measure layer."""

from __future__ import annotations

import functools
import sys
import threading
import time
import types
from dataclasses import dataclass, replace
from datetime import date

import cachetools
import numpy as np
import pandas as pd

from .. import mart
from ..config import setting
from ..filters import ALL, Filters, Scope
from ..measures import FACTS, MEASURES, catalog, figures_sql


@dataclass(frozen=True)
class Selection:
    """What a dataset is asked for: which mart (path and version), whose scope, which filters.
    Frozen, so it keys caches: another scope or another mart never meets an answer."""
    path: str
    version: str
    scope: Scope = ALL
    filters: Filters = Filters()

    def with_filters(self, **changes) -> Selection:
        return replace(self, filters=self.filters.with_(**changes))

    def nation(self) -> Selection:
        """The same period and person filters for the whole country, without the scope: a
        benchmark every user may see (one figure per row, never another region's rows)."""
        return replace(self, scope=ALL, filters=self.filters.without_place())


CACHED: list = []  # every cached dataset: tests count their misses (tests/test_siap.py)


def _size(value) -> int:
    """About how many bytes an answer holds: frames by their columns (strings counted), the
    containers the datasets return by their items."""
    if isinstance(value, pd.Series):
        value = value.to_frame()
    if isinstance(value, pd.DataFrame):  # column by column: memory_usage(deep=True) costs twice as much
        return value.index.memory_usage(deep=True) + sum(
            sum(map(sys.getsizeof, column.array)) if column.dtype == object else column.array.nbytes
            for _, column in value.items())
    if isinstance(value, (list, tuple)):
        return 64 + sum(map(_size, value))
    if isinstance(value, dict):
        return 64 + sum(_size(k) + _size(v) for k, v in value.items())
    return sys.getsizeof(value)


class _Answers:
    """The answers of every dataset of the process in one cache, bounded by their bytes
    (`CACHE_MB`, 150 MB): the least recently used go first, whichever dataset they belong to.
    Bounded by entries per dataset instead, a process of the national mart grew past 1 GB in two
    minutes of 25 users (bench/beban.py). Each entry keeps its dataset's time limit."""

    def __init__(self):
        self.lock = threading.Lock()
        self.store = None

    def _lru(self) -> cachetools.LRUCache:
        if self.store is None:
            self.store = cachetools.LRUCache(int(float(setting("CACHE_MB", "150")) * 2**20),
                                             getsizeof=lambda entry: _size(entry[1]))
        return self.store

    def get(self, key):
        with self.lock:
            entry = self._lru().get(key)
            if entry is not None and entry[0] < time.monotonic():
                del self.store[key]
                entry = None
        return entry

    def put(self, key, value, ttl: int) -> None:
        with self.lock:
            try:
                self._lru()[key] = (time.monotonic() + ttl, value)
            except ValueError:  # larger than the whole budget: not kept
                pass

    def drop(self, test) -> None:
        with self.lock:
            for key in [k for k in self._lru() if test(k)]:
                del self.store[key]

    def keys(self, name: str) -> list:
        with self.lock:
            return [k[1] for k in self._lru() if k[0] == name]


ANSWERS = _Answers()


def cached(ttl: int):
    """Memoise a dataset `(selection, ...)` for `ttl` seconds, keyed on every argument, in the
    process's one answer cache (`ANSWERS`). A hit is a dictionary lookup (st.cache_data would
    hash each argument through inspect and pickle, and unpickle the answer, on every call).
    Answers for an earlier mart are dropped once the refreshed one is asked for; a question still
    asked of the earlier mart afterwards (a rerun that began before the swap) is answered without
    the cache, so it cannot drop the answers made ready for the new one. Callers get their own
    copy (`_own`); pandas' copy-on-write keeps the cached one intact whatever they do to it.
    `answer.cache_info()` counts hits and misses, `answer.keys()` lists what is cached."""
    def decorate(query):
        name = f"{query.__module__}.{query.__qualname__}"
        lock = threading.Lock()
        current: dict[str, str] = {}  # mart path -> the version answered from the cache
        earlier: set = set()  # (path, version) that a newer version of that path replaced
        counts = {"hits": 0, "misses": 0}

        @functools.wraps(query)
        def answer(sel: Selection, *args, **kwargs):
            if current.get(sel.path) != sel.version:
                if (sel.path, sel.version) in earlier:
                    return _own(query(sel, *args, **kwargs))
                with lock:
                    old = current.get(sel.path)
                    if old is not None:
                        earlier.add((sel.path, old))
                        ANSWERS.drop(lambda k: k[0] == name and k[1][0].path == sel.path
                                     and k[1][0].version == old)
                    current[sel.path] = sel.version
            key = (name, cachetools.keys.hashkey(sel, *args, **kwargs))
            entry = ANSWERS.get(key)
            if entry is not None:
                counts["hits"] += 1
                return _own(entry[1])
            counts["misses"] += 1
            value = query(sel, *args, **kwargs)
            ANSWERS.put(key, value, ttl)
            return _own(value)

        answer.keys = lambda: ANSWERS.keys(name)
        answer.clear = lambda: ANSWERS.drop(lambda k: k[0] == name)
        answer.cache_info = lambda: types.SimpleNamespace(**counts)
        CACHED.append(answer)
        return answer
    return decorate


def _own(value):
    """The caller's own copy of a cached answer: frames shallow (copy-on-write does the rest),
    lists and dicts anew, tuples item by item."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    if isinstance(value, list):
        return list(value)
    if isinstance(value, dict):
        return {k: _own(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(map(_own, value))
    return value


# The mart's version keys every answer, so a time limit is not needed for correctness; it lets answers
# nobody asks for again go. Figures live as long as option lists: the warm-up after a nightly refresh
# (siap.py) must still be there when the first users come in the morning.
FIGURE_TTL = 12 * 3600
OPTIONS_TTL = 12 * 3600  # option lists change only with a refresh, and the version keys them


def run(sel: Selection, sql: str, params: dict | None = None) -> pd.DataFrame:
    return mart.run(sel.path, sel.version, sql, params or {})


@cached(ttl=FIGURE_TTL)
def figures(sel: Selection, keys: tuple[str, ...], **options) -> pd.DataFrame:
    """Measures of the measure layer for the selection (see measures.figures_sql for options).
    A count hidden by small-cell protection is NaN (its column float), never pd.NA, which
    would raise wherever a page compares it."""
    out = run(sel, *figures_sql(keys, sel.filters, sel.scope, **options))
    for column in out.columns:
        if pd.api.types.is_integer_dtype(out[column]) and out[column].hasnans:
            out[column] = out[column].astype("float64")
    return out


def lindungi(sel: Selection, frame: pd.DataFrame, persons: str, values: list[str], by: list[str] | None = (),
             parts: bool = True) -> pd.DataFrame:
    """Small-cell protection for a table that is not a measure (a distribution, a breakdown),
    as `figures_sql` does it for measures: for a scope that sees aggregates only, a row whose
    `persons` is 1 to MIN_SEL-1 has `values` (and `persons`) hidden (NaN); if `parts`, where
    that leaves one hidden row among the rows of one `by` group (parts of a total), the row
    with the fewest persons among the rest that have any is hidden too."""
    minimum = catalog.min_sel(sel.scope)
    if minimum is None or frame.empty:
        return frame
    frame = frame.copy()
    count = frame[persons].astype("float64").to_numpy()
    hidden = (count >= 1) & (count < minimum)
    if parts:
        groups = frame.groupby(list(by), dropna=False, sort=False).indices.values() if by else [np.arange(len(frame))]
        for rows in groups:
            rest = rows[~hidden[rows] & (count[rows] > 0)]
            if hidden[rows].sum() == 1 and len(rest):
                hidden[rest[np.argmin(count[rest])]] = True
    columns = list(dict.fromkeys([*values, persons]))
    frame[columns] = frame[columns].astype("float64")
    frame.loc[hidden, columns] = float("nan")
    return frame


def cut_off(sel: Selection) -> date | None:
    """The mart's "data per" date when it falls inside the selected year before its end: the
    year is still running, and its figures are compared with the same months of the year
    before. None for a complete year."""
    per = mart.info_at(sel.path, sel.version).data_per  # the mart this answer is for, not a newer one
    if per is None or per.year != sel.filters.tahun or (per.month, per.day) == (12, 31):
        return None
    return per


def comparable(sel: Selection, key: str) -> bool:
    """Whether the measure's change can be shown for the selected year: always for a complete
    year; while it runs, only for figures with a same-months comparison (no false drops)."""
    return cut_off(sel) is None or MEASURES[key].comparable_part_year(FACTS)


def change(measure_unit: str, now, before):
    """The change shown beside a figure: points for shares (62,5% -> 65,0% is +2,5), the
    difference otherwise; None when either side is missing."""
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    return (now - before) * 100 if measure_unit == "persen" else now - before
