"""The warm-up after a refresh (data_access/queries/siap.py): once a process has prepared the
home views, the home page of the nation, of a province and of an agency is drawn without a
single query of its own; the watcher does it by itself when the mart is replaced."""

from __future__ import annotations

import os
import shutil
import time

import pytest

from data_access import mart, queries
from data_access.queries import siap
from ui.pengguna import DEMO

from .test_frame import new_app


def misses() -> int:
    return sum(answer.cache_info().misses for answer in queries._base.CACHED)


def refreshed(path) -> str:
    """What a refresh does to the running processes: the mart gets a new version."""
    stamp = time.time_ns()
    os.utime(path, ns=(stamp, stamp))
    return mart.version(str(path))


@pytest.fixture
def views(app_env):
    _, path = app_env
    refreshed(path)
    info = mart.info(str(path))
    provinsi = queries.filter_options(queries.Selection(info.path, info.version, DEMO), "kode_provinsi")
    instansi = queries.filter_options(queries.Selection(info.path, info.version, DEMO), "kode_instansi")
    return path, provinsi[-1][0], instansi[-1][0]


def test_without_the_warm_up_a_new_mart_is_computed_on_the_first_visit(views):
    path, provinsi, _ = views
    before = misses()
    assert not new_app({"provinsi": provinsi}).exception
    assert misses() > before  # so the test below can fail


def test_after_the_warm_up_every_home_view_comes_from_the_cache(views):
    path, provinsi, instansi = views
    done = siap.warm(str(path), [DEMO])
    info = mart.info(str(path))
    n_prov = len(queries.filter_options(queries.Selection(info.path, info.version, DEMO), "kode_provinsi"))
    n_inst = len(queries.filter_options(queries.Selection(info.path, info.version, DEMO), "kode_instansi"))
    assert done == 1 + n_prov + n_inst
    for query in ({}, {"provinsi": provinsi}, {"instansi": instansi}):
        before = misses()
        at = new_app(query)
        assert not at.exception
        assert at.metric, query  # the cards were drawn
        assert misses() == before, f"{query}: the home page asked what the warm-up did not prepare"


def test_the_warm_up_stops_when_a_newer_mart_comes(views):
    path, _, _ = views
    assert siap.warm(str(path), [DEMO], still_current=lambda: False) == 0


def test_a_running_process_warms_a_refreshed_mart_by_itself(sqlite_demo, tmp_path, monkeypatch):
    _, source = sqlite_demo
    path = tmp_path / "mart.duckdb"
    shutil.copy(source, path)
    monkeypatch.setenv("PERIKSA_MART_DETIK", "0.1")  # the suite runs with the warm-up off (conftest)
    siap.watch(str(path), lambda: [DEMO])
    time.sleep(0.3)  # the version the process starts with is its baseline: not warmed
    assert not [key for key in queries.headline.keys() if key[0].path == str(path)]
    version = refreshed(path)
    for _ in range(300):
        ready = [key for key in queries.headline.keys() if key[0].path == str(path) and key[0].version == version]
        if len(ready) > 1:
            break
        time.sleep(0.1)
    assert len(ready) > 1, "the refreshed mart's home views were not prepared"
