"""Shared fixtures: real SQLite, PostgreSQL and MariaDB sources and real DuckDB marts.

The PostgreSQL and MariaDB servers are the local ones (127.0.0.1, see README);
each test session works in a database of its own, created here and dropped at
the end. Where a server is not reachable its tests are skipped with the reason.
"""

from __future__ import annotations

import os
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from data_access import contract, db, demo, refresh  # noqa: E402

REFERENCE_DATE = date(2026, 10, 31)
SMALL_DEMO = 1500
SEED = 11

SERVERS = {
    "postgresql": os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
    "mariadb": os.environ.get("TEST_MARIADB_URL", "mysql+pymysql://root@127.0.0.1:3306/test"),
}


def pytest_configure(config):
    import altair as alt

    from ui import charts
    charts.VALIDATE = True  # every chart spec a test builds is checked against the Vega-Lite schema
    alt.utils.schemapi.enable_debug_mode()
    # No warm-up after a refresh (queries/siap.py) in the test process or the servers it starts:
    # it would compute in the background while tests count queries or time pages. test_siap.py
    # turns it on where it is tested.
    os.environ["PERIKSA_MART_DETIK"] = "0"


def _server_database(kind: str):
    """Create a throwaway database on a local server; returns (url, cleanup) or skips."""
    admin_url = SERVERS[kind]
    name = f"dasbor_uji_{uuid.uuid4().hex[:8]}"
    try:
        admin = db.make_engine(admin_url)
        with admin.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # the reason is shown by pytest -rs
        pytest.skip(f"{kind} tidak tersedia di {db.describe_url(admin_url)}: {exc.__class__.__name__}")
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    url = sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def cleanup():
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if kind == "postgresql":
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            else:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()
    return url, cleanup


class _Databases:
    """Throwaway databases of one kind, created on demand and dropped at the end."""

    def __init__(self, kind: str, tmp):
        self.kind, self.tmp, self.cleanups, self.urls = kind, tmp, [], {}

    def url(self, purpose: str) -> str:
        if purpose not in self.urls:
            if self.kind == "sqlite":
                self.urls[purpose] = f"sqlite:///{self.tmp.mktemp(purpose) / 'sumber.sqlite'}"
            else:
                url, cleanup = _server_database(self.kind)
                self.cleanups.append(cleanup)
                self.urls[purpose] = url
        return self.urls[purpose]


@pytest.fixture(scope="session", params=["sqlite", "postgresql", "mariadb"])
def backend(request, tmp_path_factory):
    """Databases of each kind for the session: SQLite, PostgreSQL, MariaDB."""
    dbs = _Databases(request.param, tmp_path_factory)
    yield dbs
    for cleanup in dbs.cleanups:
        cleanup()


@pytest.fixture
def empty_source(backend):
    """A URL whose database holds no contract tables."""
    url = backend.url("kosong")
    engine = db.make_engine(url, create_sqlite_dir=True)
    with engine.begin() as conn:
        for table in reversed(contract.TABLES):
            table.drop(conn, checkfirst=True)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def demo_sources(backend, tmp_path_factory):
    """(kind, url, mart): the small deterministic demo in each kind of database."""
    url = backend.url("demo")
    engine = db.make_engine(url, create_sqlite_dir=True)
    demo.generate(engine, n_pegawai=SMALL_DEMO, seed=SEED, sampai=REFERENCE_DATE, overwrite=True)
    engine.dispose()
    mart = tmp_path_factory.mktemp(f"mart-{backend.kind}") / "mart.duckdb"
    refresh.refresh(url, str(mart))
    return backend.kind, url, mart


@pytest.fixture(scope="session")
def sqlite_demo(tmp_path_factory):
    """The small demo in SQLite only, with its mart: for tests that need no server."""
    path = tmp_path_factory.mktemp("demo") / "sumber.sqlite"
    url = f"sqlite:///{path}"
    demo.generate(db.make_engine(url), n_pegawai=SMALL_DEMO, seed=SEED, sampai=REFERENCE_DATE)
    mart = path.with_name("mart.duckdb")
    refresh.refresh(url, str(mart))
    return url, mart


def as_embedded_demo(monkeypatch, mart: Path, akses: Path) -> None:
    """Settings that make `mart` (and the sumber.sqlite beside it) the embedded default, so the
    dashboard runs in demo mode without login; the repository's own data/ stays untouched."""
    for name in ("DATABASE_URL", "MART_PATH", "AUTH_DISABLED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(mart.parent))
    monkeypatch.setenv("AKSES_PATH", str(akses))


@pytest.fixture
def app_env(sqlite_demo, monkeypatch, tmp_path):
    """The dashboard on the small SQLite demo and its mart, in demo mode without login."""
    url, mart = sqlite_demo
    as_embedded_demo(monkeypatch, mart, tmp_path / "akses.sqlite")
    return url, mart
