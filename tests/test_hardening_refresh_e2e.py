"""A refresh reaches a running dashboard, and a damaged mart is explained there, in a real
browser (headless Chromium) against a real `streamlit run dashboard.py` process.

While the one server keeps serving, the source changes and `python -m data_access refresh`
runs (twice, with a change between); each time a new browser session shows the new count
and the new "mart dibangun" time. Then the mart is truncated, overwritten mid-file and
deleted under the running server: each new session gets the Indonesian explanation, no
traceback and no figures; a refresh brings the figures back. A second server starts on a
damaged mart. The expected counts come straight from the source rows (SQL), not from the
dashboard's code.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

from data_access import db, demo

from .conftest import REFERENCE_DATE, REPO, SEED
from .test_e2e import HEADER, browser, serve  # noqa: F401 (browser: fixture)
from .test_hardening_mart import DAMAGE, damage

pytestmark = pytest.mark.e2e

YEAR = REFERENCE_DATE.year  # the latest year with data: the default
ERROR = "[data-testid=stAlertContentError]"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A small demo source, its mart, and the settings of a deployment without login."""
    folder = tmp_path_factory.mktemp("segar")
    source = folder / "sumber.sqlite"
    url = f"sqlite:///{source}"
    demo.generate(db.make_engine(url), n_pegawai=300, seed=SEED, sampai=REFERENCE_DATE)
    path = folder / "mart" / "mart.duckdb"
    cli("refresh", url=url, path=path)
    # The first mart reads as built yesterday, so the time shown must change with the first refresh.
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE meta SET nilai = '2026-11-30T08:15:00+07:00' WHERE kunci = 'dibangun_pada'")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MART_PATH", "AUTH_DISABLED")}
    env.update(DATABASE_URL=url, MART_PATH=str(path), AUTH_DISABLED="1", DATA_DIR=str(folder / "data"),
               AKSES_PATH=str(folder / "akses.sqlite"))
    return url, path, env


def cli(*args: str, url: str, path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "data_access", "--db", url, "--mart", str(path), *args],
                          cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr


def on_payroll(url: str) -> int:
    """Employees on the payroll in YEAR, counted from the source rows (DOMAIN.md section 2)."""
    with sa.create_engine(url).connect() as conn:
        return conn.execute(sa.text(
            "SELECT count(*) FROM pegawai WHERE tmt_asn <= :end "
            "AND (aktif = 1 OR tanggal_berhenti >= :start)"), {"end": f"{YEAR}-12-31", "start": f"{YEAR}-01-01"}).scalar()


def built_at(path: Path) -> str:
    """The "mart dibangun" text the banner must show: the mart's own meta, as 1 Des 2026 09.05."""
    with duckdb.connect(str(path), read_only=True) as con:
        value = datetime.fromisoformat(con.execute("SELECT nilai FROM meta WHERE kunci = 'dibangun_pada'").fetchone()[0])
    months = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]
    return f"{value.day} {months[value.month - 1]} {value.year} {value.hour:02d}.{value.minute:02d}"


def new_session(browser, base: str):  # noqa: F811
    """A new browser session (its own context) on the home page, once it has drawn."""
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.goto(base)
    page.locator(HEADER).or_(page.locator(ERROR)).first.wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")
    return page


def figures(page) -> tuple[int, str]:
    """(the count in "N ASN dalam pilihan ini", the banner's "mart dibangun" time)."""
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator(ERROR).count() == 0
    count = re.search(r"([\d.]+) ASN dalam pilihan ini", page.locator(HEADER).first.inner_text()).group(1)
    banner = page.get_by_text("mart dibangun").first.inner_text()
    return int(count.replace(".", "")), re.search(r"mart dibangun (\d+ \w+ \d{4} \d{2}\.\d{2})", banner).group(1)


def explanation(page) -> str:
    """The error box's text, with no traceback and none of the figures."""
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator(HEADER).count() == 0 and page.locator("[data-testid=stMetric]").count() == 0
    assert "Traceback" not in page.content()
    return page.locator(ERROR).first.inner_text()


def change_source(url: str, sql: list[str]) -> None:
    with sa.create_engine(url).begin() as conn:
        for statement in sql:
            conn.execute(sa.text(statement))


LEAVERS = "(SELECT nip FROM pegawai WHERE aktif = 1 ORDER BY nip LIMIT 17)"
NEWCOMERS = [(  # 23 copies of serving employees under new NIPs, with no records of their own
    "INSERT INTO pegawai SELECT '9' || substr(nip, 2), nama, jenis_kelamin, tanggal_lahir, jenis_asn, golongan, "
    "jenis_jabatan, jenjang_jabatan, pendidikan, kode_unit, tmt_asn, aktif, tanggal_berhenti "
    "FROM pegawai WHERE aktif = 1 ORDER BY nip DESC LIMIT 23")]


def test_refresh_reaches_the_running_server_and_damage_is_explained(site, browser):  # noqa: F811
    url, path, env = site
    with serve(dict(env), browser) as base:
        page = new_session(browser, base)
        first = on_payroll(url)
        assert figures(page) == (first, "30 Nov 2026 08.15")
        page.context.close()

        # Some leave (with their records), the mart is refreshed, the server keeps running.
        change_source(url, [f"DELETE FROM {t} WHERE nip IN {LEAVERS}" for t in
                            ("riwayat_pelatihan", "penilaian_kompetensi")] + [f"DELETE FROM pegawai WHERE nip IN {LEAVERS}"])
        second = on_payroll(url)
        assert second == first - 17
        cli("refresh", url=url, path=path)
        page = new_session(browser, base)
        assert figures(page) == (second, built_at(path)) and built_at(path) != "30 Nov 2026 08.15"
        page.context.close()

        # Others join; the second refresh reaches it too.
        change_source(url, NEWCOMERS)
        third = on_payroll(url)
        assert third == second + 23
        cli("refresh", url=url, path=path)
        page = new_session(browser, base)
        assert figures(page) == (third, built_at(path))
        page.context.close()

        # The mart damaged under the running server (truncated and overwritten in place, then
        # deleted): explained, not the old figures; a refresh mends it.
        pristine = shutil.copy(path, path.with_name("utuh.duckdb"))
        for how in ("terpotong", "tengah", "hapus"):
            if how != "terpotong":
                os.replace(shutil.copy(pristine, path.with_name("utuh-lagi.duckdb")), path)
            damage(path, how)
            page = new_session(browser, base)
            assert DAMAGE[how] in explanation(page), how
            page.context.close()
        cli("refresh", url=url, path=path)
        page = new_session(browser, base)
        assert figures(page) == (third, built_at(path))
        page.context.close()


def test_a_truncated_mart_on_a_first_start_is_explained(site, browser, tmp_path):  # noqa: F811
    """(Every kind of damage on a first start: tests/test_hardening_mart.py, under AppTest.)"""
    _, path, env = site
    broken = tmp_path / "mart.duckdb"
    shutil.copy(path, broken)
    damage(broken, "terpotong")
    with serve({**env, "MART_PATH": str(broken)}, browser, warm_selector=ERROR) as base:
        page = new_session(browser, base)
        assert DAMAGE["terpotong"] in explanation(page)
        page.context.close()
