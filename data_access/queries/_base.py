"""What every dataset shares: the selection it is asked for, the process-wide cache, and the
generic figure query of the measure layer."""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass, replace
from datetime import date

import cachetools
import numpy as np
import pandas as pd

from .. import mart
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


def cached(ttl: int, max_entries: int):
    """Memoise a dataset `(selection, ...)` for `ttl` seconds, keyed on every argument. A hit is
    a dictionary lookup (st.cache_data would hash each argument through inspect and pickle, and
    unpickle the answer, on every call). Answers for an earlier mart are dropped once the
    refreshed one is asked for. Callers get their own copy (`_own`); pandas' copy-on-write
    keeps the cached one intact whatever they do to it."""
    def decorate(query):
        lock = threading.Lock()
        memo = cachetools.cached(cachetools.TTLCache(max_entries, ttl), lock=lock)(query)
        mart_asked = [None]

        @functools.wraps(query)
        def answer(sel: Selection, *args, **kwargs):
            if mart_asked[0] != (sel.path, sel.version):
                with lock:
                    memo.cache.clear()
                    mart_asked[0] = (sel.path, sel.version)
            return _own(memo(sel, *args, **kwargs))
        answer.clear, answer.cache = memo.cache_clear, memo.cache
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


FIGURE_TTL = 15 * 60  # figures: the mart can be refreshed at any time
OPTIONS_TTL = 12 * 3600  # option lists change only with a refresh, and the version keys them


def run(sel: Selection, sql: str, params: dict | None = None) -> pd.DataFrame:
    return mart.run(sel.path, sel.version, sql, params or {})


@cached(ttl=FIGURE_TTL, max_entries=4000)
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
