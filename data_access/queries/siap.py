"""Ready before the first user asks: after a refresh, every app process computes the views most
asked for (the home page of the nation, of each province and of each agency, for every scope in
use) into its caches, so that the first users of the morning meet cached figures.

The swap is not delayed: a refresh renames the new mart over the old one as before, and each
process notices the new version by itself (`watch`, a background thread that looks every
`PERIKSA_MART_DETIK` seconds, 10; 0 turns the warm-up off) and warms its own caches while it already serves the new mart. Caches are
per process, so with N processes the warm-up runs N times; it is a few minutes of CPU at night.
A version that is already served when the process starts is not warmed (a restart is not a
refresh, and a first start on demo data has a user waiting).
"""

from __future__ import annotations

import atexit
import logging
import threading
import time
from collections.abc import Callable, Iterable

from .. import mart
from ..config import setting
from ..filters import SPECS, Filters, Scope
from ._base import Selection
from .ringkasan import beranda
from .umum import filter_options, jumlah_asn

log = logging.getLogger("dasbor.siap")


def views(info: mart.MartInfo, scopes: Iterable[Scope]) -> list[Selection]:
    """The home views to prepare, most asked first: every scope's own (the default filters: the
    latest year, nothing else chosen), then, for the scopes over all of Indonesia, each province's
    and each agency's."""
    first = [Selection(info.path, info.version, scope, Filters(tahun=max(info.years))) for scope in dict.fromkeys(scopes)]
    places = []
    for base in (sel for sel in first if sel.scope.is_all):
        places += [base.with_filters(kode_provinsi=code) for code, _ in filter_options(base, "kode_provinsi")]
        places += [base.with_filters(kode_instansi=code) for code, _ in filter_options(base, "kode_instansi")]
    return first + places


def prepare(sel: Selection) -> None:
    """Everything the home page asks for this view: the filter bar's option lists, the header's
    count and the page's datasets (tests/test_siap.py renders the page afterwards and finds every
    answer in the cache)."""
    for spec in SPECS:
        if spec.key != "tahun" and (spec.parent is None or getattr(sel.filters, _field(spec.parent))):
            filter_options(sel, spec.field)
    jumlah_asn(sel)
    beranda(sel)


def _field(key: str) -> str:
    return next(spec.field for spec in SPECS if spec.key == key)


def warm(path: str, scopes: Iterable[Scope], still_current: Callable[[], bool] = lambda: True) -> int:
    """Prepare the home views of the mart at `path` as it is now; stops early once `still_current`
    says a newer mart has come. Returns how many views were prepared."""
    info = mart.info(path)
    done = 0
    for sel in views(info, scopes):
        if not still_current():
            break
        prepare(sel)
        done += 1
    return done


_WATCHING: dict[str, threading.Thread] = {}
_WATCH_LOCK = threading.Lock()
_STOP = threading.Event()


@atexit.register
def _stop() -> None:
    """Let a warm-up end between two views when the process exits: a thread killed inside a DuckDB
    query at exit aborts the process ("terminate called ...")."""
    _STOP.set()
    for thread in list(_WATCHING.values()):
        thread.join(timeout=30)


def watch(path: str, scopes: Callable[[], Iterable[Scope]]) -> None:
    """Start, once per process and mart path, the thread that warms the caches whenever the mart
    at `path` is replaced. `scopes` is asked at each refresh (grants change)."""
    interval = float(setting("PERIKSA_MART_DETIK", "10"))
    with _WATCH_LOCK:
        if path in _WATCHING or interval <= 0:
            return
        thread = threading.Thread(target=_watch, args=(path, scopes, interval), name="dasbor-siap", daemon=True)
        _WATCHING[path] = thread
    thread.start()


def _version(path: str) -> str | None:
    try:
        return mart.version(path)
    except mart.MartUnavailable:
        return None


def _watch(path: str, scopes: Callable[[], Iterable[Scope]], interval: float) -> None:
    seen = _version(path)
    while not _STOP.wait(interval):
        now = _version(path)
        if now is None or now == seen:
            continue
        seen = now
        started = time.monotonic()
        try:
            done = warm(path, scopes(), still_current=lambda: not _STOP.is_set() and _version(path) == now)
        except Exception as exc:  # a damaged mart, a failed query: the pages will say so; keep watching
            kind = exc.__class__.__name__
            log.warning("menyiapkan tampilan setelah refresh gagal (%s)", kind)
            continue
        seconds = time.monotonic() - started
        log.info("mart baru: %d tampilan disiapkan dalam %.0f detik", done, seconds)
