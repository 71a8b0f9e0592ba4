"""End-to-end in a real browser (headless Debian Chromium via Playwright): pages render,
charts draw, filters and links work, the URL reproduces the view.

Select with `pytest -m e2e`, leave out with `pytest -m "not e2e"`. Screenshots of
every page at 1366x768 go to tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from .conftest import REPO
from .test_ringkasan import expected_cards, src  # noqa: F401 (fixture)

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
ARTIFACTS = REPO / "tests" / "artifacts"
PAGES = {  # url path -> what the page must show
    "": "Ringkasan eksekutif", "cakupan-pelatihan": "Cakupan pelatihan", "kesenjangan-kompetensi": "Kesenjangan kompetensi",
    "kepuasan-masyarakat": "Kepuasan masyarakat", "perbandingan-wilayah": "Perbandingan",
    "dampak-pembinaan": "Dampak pembinaan", "unduh-data": "Unduh data", "tentang-data": "Tentang data",
}
HEADER = "text=ASN dalam pilihan ini"

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright belum terpasang")
if not os.path.exists(CHROMIUM):
    pytest.skip(f"Chromium tidak ditemukan di {CHROMIUM} (pasang paket Debian chromium)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-quic",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@contextlib.contextmanager
def serve(env: dict, browser, extra_args=(), log_path=None, warm_selector: str = HEADER):
    """`streamlit run dashboard.py` on a free port with `env`; yields its base URL."""
    port = env.pop("PORT", None) or _free_port()
    log = open(log_path, "w") if log_path else subprocess.DEVNULL
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.headless", "true", "--server.fileWatcherType", "none", *extra_args],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("streamlit tidak mulai dalam 60 detik")
            time.sleep(0.3)
    # Streamlit treats the first session of a process whose folder has pages/ as an
    # old-style multipage app and answers a deep link with "Page not found" once; users
    # meet that only right after a restart. Open the home page first, as a user would.
    warm = browser.new_page()
    warm.goto(base)
    warm.wait_for_selector(warm_selector, timeout=60_000)
    warm.close()
    try:
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if log_path:
            log.close()


def demo_env(sqlite_demo, tmp_path_factory) -> dict:
    """The small demo as the embedded default (demo mode), with a grant store of its own."""
    _, mart = sqlite_demo
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MART_PATH", "AUTH_DISABLED")}
    env.update(DATA_DIR=str(mart.parent), AKSES_PATH=str(tmp_path_factory.mktemp("e2e-akses") / "akses.sqlite"))
    return env


@pytest.fixture(scope="module")
def server(sqlite_demo, tmp_path_factory, browser):
    with serve(demo_env(sqlite_demo, tmp_path_factory), browser) as base:
        yield base


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, accept_downloads=True)
    pg = context.new_page()
    yield pg
    context.close()


def open_page(page, url: str):
    page.goto(url)
    page.wait_for_selector(HEADER, timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(800)  # let charts finish drawing


def header(page) -> str:
    return page.locator(HEADER).first.inner_text()


def assert_healthy(page):
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.locator("[data-testid=stAlertContentError]").count() == 0


@pytest.mark.parametrize("path", list(PAGES), ids=[p or "ringkasan" for p in PAGES])
def test_every_page_renders_and_its_charts_draw(server, page, path):
    open_page(page, f"{server}/{path}")
    assert_healthy(page)
    assert PAGES[path] in page.locator("h1").first.inner_text()
    for chart in page.locator("[data-testid=stVegaLiteChart]").all():
        marks = chart.locator("canvas, svg").first
        box = marks.bounding_box()
        assert box and box["width"] > 50 and box["height"] > 50
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{path or 'ringkasan'}.png"))


def test_home_cards_show_the_expected_figures(server, page, src):  # noqa: F811
    open_page(page, f"{server}/?tahun=2025")
    shown = {}
    for metric in page.locator("[data-testid=stMetric]").all():
        label = metric.locator("[data-testid=stMetricLabel]").inner_text().strip()
        shown[label] = metric.locator("[data-testid=stMetricValue]").inner_text().strip()
    assert shown == expected_cards(src, 2025)


def choose(page, label: str, option: str):
    box = page.locator("[data-testid=stSelectbox]").filter(has_text=label).first
    box.locator("input").click()
    page.keyboard.type(option)
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")
    page.wait_for_timeout(1500)
    page.wait_for_selector(HEADER)


def test_filter_changes_figures_and_url_reproduces_the_view(server, browser, page):
    open_page(page, f"{server}/")
    national = header(page)
    choose(page, "Provinsi", "Jawa Tengah")
    assert "provinsi=33" in page.url
    jateng = header(page)
    assert jateng != national and "Jawa Tengah" in jateng
    fresh = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    open_page(fresh, page.url)
    assert header(fresh) == jateng
    fresh.context.close()


def test_filters_survive_switching_pages(server, page):
    open_page(page, f"{server}/?provinsi=32&tahun=2024")
    before = header(page)
    page.get_by_text("Data", exact=True).click()
    page.get_by_text("Tentang data", exact=True).last.click()
    page.wait_for_url(re.compile(r".*/tentang-data.*"))
    page.wait_for_timeout(1500)
    assert header(page) == before
    assert "provinsi=32" in page.url and "tahun=2024" in page.url


def test_clicking_a_province_tile_sets_the_filter(server, page):
    page.set_viewport_size({"width": 1366, "height": 1400})
    open_page(page, f"{server}/")
    chart = page.locator("[data-testid=stVegaLiteChart]").first
    chart.scroll_into_view_if_needed()
    canvas = chart.locator("canvas, svg").first.bounding_box()
    legend = 80  # the colour legend below the tiles
    # Jawa Timur: column 7, row 4 of the 15 x 6 grid.
    page.mouse.click(canvas["x"] + canvas["width"] * 7.5 / 15,
                     canvas["y"] + (canvas["height"] - legend) * 4.5 / 6)
    page.wait_for_url(re.compile(r".*provinsi=35.*"), timeout=15_000)
    page.wait_for_timeout(1000)
    assert "Jawa Timur" in header(page)


def test_attention_link_opens_the_detail_page_with_its_filter(server, page):
    open_page(page, f"{server}/?provinsi=32")
    link = page.locator("[data-testid=stPageLink] a").first
    name = link.inner_text().split("—")[0].replace("arrow_forward", "").strip()
    link.click()
    page.wait_for_url(re.compile(r".*cakupan-pelatihan.*instansi=.*"), timeout=15_000)
    page.wait_for_timeout(1500)
    assert name in header(page) and "Jawa Barat" in header(page)


def test_download_delivers_the_file(server, page, sqlite_demo):
    import io

    import numpy as np
    import pandas as pd

    from data_access import mart, queries
    from data_access.filters import Filters
    from data_access.queries import Selection

    from .expected import PERENCANA  # the demo runs as a planner: no small-cell protection

    open_page(page, f"{server}/cakupan-pelatihan?tahun=2025&provinsi=32")
    heading = page.get_by_text("Unit kerja dengan cakupan terendah")
    heading.scroll_into_view_if_needed()
    # The "Unduh" menu right under that table.
    page.locator("[data-testid=stPopover] button").nth(_popover_index(page, "Unit kerja dengan cakupan terendah")).click()
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV Indonesia (;)").last.click()
    download = info.value
    assert re.fullmatch(r"unit-kerja-dengan-cakupan-terendah_jawa-barat_2025_\d{4}-\d{2}-\d{2}_id\.csv",
                        download.suggested_filename)
    raw = open(download.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    got = pd.read_csv(io.BytesIO(raw), sep=";", decimal=",", encoding="utf-8-sig")
    _, path = sqlite_demo
    expected = queries.unit_cakupan_terendah(Selection(str(path), mart.version(str(path)), PERENCANA,
                                                  Filters(tahun=2025, kode_provinsi="32")))
    assert list(got["Unit kerja"]) == list(expected["nama"])
    assert np.allclose(got["Cakupan 20 JP (%)"], expected["cakupan"] * 100, atol=0.05, equal_nan=True)
    assert len(got) == len(expected)


def test_table_tab_shows_the_table_behind_the_chart(server, page):
    """frame.chart_and_table draws only the open tab: opening "Tabel" reruns the page and
    brings the table (with its Unduh menu); "Grafik" brings the chart back."""
    open_page(page, f"{server}/cakupan-pelatihan?tahun=2025")
    panel = page.locator("[data-testid=stTabs]").first
    panel.locator("[data-testid=stVegaLiteChart]").wait_for(timeout=15_000)  # drawn after the page settles
    assert panel.locator("[data-testid=stVegaLiteChart]").count() == 1
    assert panel.locator("[data-testid=stDataFrame]").count() == 0
    # Each switch reruns the page; the other tab's element leaves once that rerun is done.
    panel.get_by_role("tab", name="Tabel").click()
    panel.locator("[data-testid=stDataFrame]").wait_for(timeout=15_000)
    panel.locator("[data-testid=stVegaLiteChart]").wait_for(state="detached", timeout=15_000)
    assert panel.locator("[data-testid=stPopover]").count() == 1
    panel.get_by_role("tab", name="Grafik").click()
    panel.locator("[data-testid=stVegaLiteChart]").wait_for(timeout=15_000)
    panel.locator("[data-testid=stDataFrame]").wait_for(state="detached", timeout=15_000)
    assert_healthy(page)


def _popover_index(page, heading: str) -> int:
    """The position of the first "Unduh" menu after the text `heading`."""
    return page.evaluate("""(heading) => {
        const menus = [...document.querySelectorAll('[data-testid=stPopover]')];
        const anchor = [...document.querySelectorAll('p, strong, h3')].find(e => e.textContent.includes(heading));
        return menus.findIndex(m => anchor.compareDocumentPosition(m) & Node.DOCUMENT_POSITION_FOLLOWING);
    }""", heading)


def test_export_page_download_through_the_browser(server, page):
    import io

    import openpyxl

    open_page(page, f"{server}/unduh-data?tahun=2025&provinsi=35")
    assert_healthy(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Excel (XLSX)").click()
    download = info.value
    assert re.fullmatch(r"pelatihan-provinsi_jawa-timur_2025_\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    book = openpyxl.load_workbook(io.BytesIO(open(download.path(), "rb").read()))
    assert book.sheetnames[-1] == "Keterangan"
    rows = list(book.worksheets[0].values)
    assert rows[0][:3] == ("Tahun", "Kode provinsi", "Provinsi") and {r[1] for r in rows[1:]} == {"35"}
    assert book.worksheets[0].freeze_panes == "A2" and "Cakupan 20 JP (%)" in rows[0]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "unduh-data-pilihan.png"), full_page=True)


def test_comparison_row_click_drills_down(server, page):
    page.set_viewport_size({"width": 1366, "height": 1200})
    open_page(page, f"{server}/perbandingan-wilayah?tahun=2025")
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 14, box["y"] + 36 + 17)  # the first row's selection cell
    page.wait_for_url(re.compile(r".*provinsi=\d{2}.*"), timeout=15_000)
    page.wait_for_timeout(1500)
    assert "Provinsi:" in header(page)
    assert page.get_by_role("button", name="Indonesia ›").count() == 1  # the breadcrumb back up


# --- single sign-on through a real OpenID Connect exchange -----------------------------------------

COOKIE_SECRET = "kue-rahasia-e2e-jangan-dicatat"


@pytest.fixture(scope="module")
def sso(sqlite_demo, tmp_path_factory, browser):
    """The dashboard with [auth] pointing at a local OpenID Connect provider, one regional
    head granted Jawa Timur. Yields (base URL, server log path)."""
    from data_access import akses

    from .oidc import CLIENT_ID, CLIENT_SECRET, Provider

    provider = Provider()
    env = demo_env(sqlite_demo, tmp_path_factory)
    port = _free_port()
    folder = tmp_path_factory.mktemp("sso")
    secrets = folder / "secrets.toml"
    secrets.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{port}/oauth2callback"
cookie_secret = "{COOKIE_SECRET}"
client_id = "{CLIENT_ID}"
client_secret = "{CLIENT_SECRET}"
server_metadata_url = "{provider.metadata_url}"
""")
    akses.grant(env["AKSES_PATH"], "kadis@jatimprov.go.id", "kepala_wilayah", ["35"])
    env["PORT"] = str(port)
    log = folder / "server.log"
    with serve(env, browser, ["--secrets.files", str(secrets)], log, warm_selector="text=Masuk") as base:
        yield base, log
    provider.close()


def sign_in(page, base: str, email: str):
    page.goto(base)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_selector("#email", timeout=30_000)
    page.fill("#email", email)
    page.get_by_role("button", name="Masuk").click()


def test_single_sign_on_shows_only_the_granted_region(sso, page, src):  # noqa: F811
    from .oidc import CLIENT_SECRET
    base, log = sso
    sign_in(page, base, "kadis@jatimprov.go.id")
    page.wait_for_selector(HEADER, timeout=60_000)
    # The address is shown as text: an invisible word joiner after "@" keeps it from becoming a link.
    assert "kadis@jatimprov.go.id" in page.locator("[data-testid=stSidebar]").inner_text().replace("\u2060", "")
    # A link with another province's code shows Jawa Timur all the same.
    open_page(page, f"{base}/?tahun=2025&provinsi=33")
    shown = {m.locator("[data-testid=stMetricLabel]").inner_text().strip():
             m.locator("[data-testid=stMetricValue]").inner_text().strip()
             for m in page.locator("[data-testid=stMetric]").all()}
    assert shown == expected_cards(src, 2025, "35")
    page.screenshot(path=str(ARTIFACTS / "masuk-kepala-wilayah.png"))

    other = page.context.browser.new_context(viewport={"width": 1366, "height": 768})
    stranger = other.new_page()
    sign_in(stranger, base, "tamu@contoh.go.id")
    stranger.wait_for_selector("text=belum memiliki akses", timeout=60_000)
    assert stranger.locator("[data-testid=stMetric]").count() == 0
    stranger.screenshot(path=str(ARTIFACTS / "masuk-tanpa-akses.png"))
    other.close()

    text = log.read_text()
    assert "masuk: kadis@jatimprov.go.id sebagai kepala_wilayah" in text
    assert "akses ditolak: tamu@contoh.go.id" in text
    assert COOKIE_SECRET not in text and CLIENT_SECRET not in text


# --- tables keep numbers as numbers -----------------------------------------------------------------

_COLUMN_EDGES = """(canvas) => {
    // The grid is a canvas: find the column borders on a pixel row through the header, above
    // its text, as the x where the colour differs from the header's background.
    const dpr = window.devicePixelRatio || 1;
    const row = canvas.getContext('2d').getImageData(0, Math.round(4 * dpr), canvas.width, 1).data;
    const colour = x => row.slice(4 * x, 4 * x + 4).join(',');
    const counts = {};
    for (let x = 0; x < canvas.width; x++) counts[colour(x)] = (counts[colour(x)] || 0) + 1;
    const background = Object.keys(counts).reduce((a, b) => counts[a] >= counts[b] ? a : b);
    const edges = [];
    for (let x = 1; x < canvas.width - 1; x++)
        if (colour(x) !== background && colour(x - 1) === background) edges.push(x / dpr);
    return edges;
}"""


def _grid_column(grid, index: int) -> list[str]:
    """Every value of the column at `index` (1-based), top to bottom, read from the table
    glide-data-grid keeps for screen readers. It holds only the rows in view (and follows a
    scroll a moment later), so the grid's scroller moves down a few rows at a time."""
    return grid.evaluate("""async (grid, index) => {
        const scroller = grid.querySelector('.dvn-scroller');
        const rows = Number(grid.querySelector('table[role=grid]').getAttribute('aria-rowcount')) - 1;
        const shown = () => [...grid.querySelectorAll('tbody tr')].map(row => [
            Number(row.getAttribute('aria-rowindex')), row.querySelector(`td[aria-colindex="${index}"]`).textContent]);
        const moved = async before => {
            for (let waited = 0; waited < 2000 && shown()[0]?.[0] === before; waited += 50)
                await new Promise(resolve => setTimeout(resolve, 50));
        };
        const seen = new Map(shown());
        while (seen.size < rows && scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight) {
            const before = shown()[0]?.[0];
            scroller.scrollTop += scroller.clientHeight / 2;
            await moved(before);
            for (const [at, text] of shown()) seen.set(at, text);
        }
        const before = shown()[0]?.[0];
        scroller.scrollTop = 0;
        await moved(before);
        return [...seen.keys()].sort((a, b) => a - b).map(at => seen.get(at));
    }""", index)


def _click_header(page, grid, column: int):
    """Click the header of the column at `column` (1-based), drawn on the grid's canvas."""
    canvas = grid.locator("canvas").first
    box = canvas.bounding_box()
    edges = [0.0, *canvas.evaluate(_COLUMN_EDGES), box["width"]]
    assert len(edges) == grid.locator("thead th").count() + 1, edges  # a border between each pair
    page.mouse.click(box["x"] + (edges[column - 1] + edges[column]) / 2, box["y"] + 18)
    page.wait_for_timeout(500)


def test_clicking_a_numeric_header_sorts_by_value(server, page):
    """frame.table hands the grid numbers with Indonesian display texts (frame.formatted): a
    click on "PNS" orders the provinces by their number of PNS, not as text (where 12 comes
    before 8), and a second click reverses it. The screenshot shows the sorted grid."""
    page.set_viewport_size({"width": 1366, "height": 1200})
    open_page(page, f"{server}/cakupan-pelatihan?tahun=2025")
    panel = page.locator(".st-key-tab_cakupan-pelatihan-per-provinsi")  # the tabs' key, see chart_and_table
    panel.scroll_into_view_if_needed()
    panel.get_by_role("tab", name="Tabel").click()
    grid = panel.locator("[data-testid=stDataFrame]")
    grid.wait_for(timeout=15_000)
    page.wait_for_timeout(1000)
    headers = [th.inner_text() for th in grid.locator("thead th").all()]
    column = headers.index("PNS") + 1
    before = _grid_column(grid, column)
    assert len(before) == 38  # every province
    numbers = [int(v) for v in before]  # the cells hold numbers, not "1.234" texts
    assert sorted(before, key=int) != sorted(before)  # 1- and 2-digit counts: text order differs

    _click_header(page, grid, column)
    assert [int(v) for v in _grid_column(grid, column)] == sorted(numbers)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "tabel-urut-pns.png"), clip=grid.bounding_box())
    _click_header(page, grid, column)
    assert [int(v) for v in _grid_column(grid, column)] == sorted(numbers, reverse=True)
    assert_healthy(page)
