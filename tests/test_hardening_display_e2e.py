"""Data and links are shown as text, in a real browser (issue 19, point 3): a real `streamlit run`
on a source whose every name and suggestion begins with a payload (MARKUP and bare addresses),
every page, a drill-down into a payload-named province and agency, chart tooltips, and a link
with hostile parameter names and values.
Chromium must fetch nothing from the payloads' host, hold no image or link to it in the page,
and show each name as written (no backslashes left over from the escaping).

Screenshots go to tests/artifacts/teks_*.png (git-ignored).
"""

from __future__ import annotations

import os
import re
import urllib.parse

import pytest

from ui import format as fmt

from .expected import mart_query
from .payloads import EVIL_HOST
from .test_e2e import ARTIFACTS, PAGES, assert_healthy, browser, header, open_page, serve  # noqa: F401
from .test_hardening_display import HOSTILE_QUERY, PAYLOADS, busiest_agency, hostile_demo  # noqa: F401

pytestmark = pytest.mark.e2e

_EVIL_NODES = f"""() => [...document.querySelectorAll('[src*="{EVIL_HOST}"], [href*="{EVIL_HOST}"], '
    + '[srcset*="{EVIL_HOST}"], [style*="{EVIL_HOST}"]')].map(e => e.outerHTML.slice(0, 200))"""


@pytest.fixture(scope="module")
def server(hostile_demo, tmp_path_factory, browser):  # noqa: F811
    _, mart = hostile_demo
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MART_PATH", "AUTH_DISABLED")}
    env.update(DATA_DIR=str(mart.parent), AKSES_PATH=str(tmp_path_factory.mktemp("teks-akses") / "akses.sqlite"))
    with serve(env, browser) as base:
        yield base


@pytest.fixture
def watched(browser):  # noqa: F811
    """A page and the list of every address it asked for."""
    context = browser.new_context(viewport={"width": 1366, "height": 2400})  # tall: the screenshots show most of a page
    page = context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    yield page, requests
    context.close()


def visible(page) -> str:
    return page.locator("body").inner_text().replace(fmt.PENGHUBUNG, "")


def assert_nothing_evil(page, requests, name: str):
    page.wait_for_timeout(500)  # let images a renderer might have made start loading
    assert_healthy(page)
    assert not [u for u in requests if EVIL_HOST in (urllib.parse.urlsplit(u).hostname or "")], name
    assert page.evaluate(_EVIL_NODES) == [], name
    text = visible(page)
    leftover = re.findall(r"\\[!-/:-@\[-`{-~]", text.replace("$\\frac", ""))
    assert not leftover, f"{name}: garis miring terbalik terlihat: {leftover[:5]}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"teks_{name}.png"), full_page=True)
    return text


@pytest.mark.parametrize("path", list(PAGES), ids=[p or "ringkasan" for p in PAGES])
def test_every_page_fetches_nothing_from_names(server, watched, hostile_demo, path):  # noqa: F811
    page, requests = watched
    _, mart = hostile_demo
    agency = busiest_agency(mart, "32")
    for label, query in (("nasional", ""), ("instansi", f"?provinsi=32&instansi={agency}")):
        open_page(page, f"{server}/{path}{query}")
        assert PAGES[path] in page.locator("h1").first.inner_text()
        assert_nothing_evil(page, requests, f"{path or 'ringkasan'}_{label}")


def test_drill_down_into_payload_names_reads_as_written(server, watched, hostile_demo):  # noqa: F811
    page, requests = watched
    _, mart = hostile_demo
    names = dict(mart_query(mart, "SELECT kode, nama FROM wilayah UNION ALL SELECT kode, nama FROM instansi")
                 .values.tolist())
    open_page(page, f"{server}/perbandingan-wilayah")
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 14, box["y"] + 36 + 17)  # the first province row: a drill-down
    page.wait_for_url(re.compile(r".*provinsi=\d{2}.*"), timeout=15_000)
    page.wait_for_timeout(1500)
    province = names[re.search(r"provinsi=(\d{2})", page.url).group(1)]
    assert any(p in province for p in PAYLOADS)
    assert f"Provinsi: {province}" in header(page).replace(fmt.PENGHUBUNG, "")
    crumbs = [t.replace(fmt.PENGHUBUNG, "").strip() for t in page.get_by_role("button").all_inner_texts()]
    assert "Indonesia ›" in crumbs and province in crumbs, crumbs  # the breadcrumb, the last one not a link
    assert_nothing_evil(page, requests, "perbandingan_turun")

    open_page(page, page.url.replace("/perbandingan-wilayah", "/"))  # the home page, same filters
    links = page.locator("[data-testid=stPageLink] a").filter(visible=True)
    for tab in page.get_by_role("tab").all():  # the first list with a name in it
        if links.count():
            break
        tab.click()
        page.wait_for_timeout(300)
    link = links.first
    name = link.inner_text().replace(fmt.PENGHUBUNG, "").split(" — ")[0].replace("arrow_forward", "").strip()
    assert any(p in name for p in PAYLOADS) and name in names.values()  # the agency's name as written
    link.click()
    page.wait_for_url(re.compile(r".*/[a-z-]+\?.*instansi=.*"), timeout=15_000)  # its list's detail page
    page.wait_for_timeout(1500)
    assert f"Instansi: {name}" in header(page).replace(fmt.PENGHUBUNG, "")
    assert_nothing_evil(page, requests, "rincian_instansi")

    open_page(page, f"{server}/kepuasan-masyarakat")
    saran = set(mart_query(mart, "SELECT saran FROM saran WHERE saran IS NOT NULL")["saran"])
    paragraphs = page.locator("[data-testid=stMarkdownContainer] p").all_inner_texts()
    quoted = [t.replace(fmt.PENGHUBUNG, "") for t in paragraphs if t.startswith("“")]
    assert quoted and all(t[1:].split("” — ")[0] in saran for t in quoted)
    page.get_by_text("Saran terbaru").scroll_into_view_if_needed()  # into the screenshot
    assert_nothing_evil(page, requests, "kepuasan_saran")


def test_hostile_link_parameters_are_ignored(server, watched):
    page, requests = watched
    plain = f"{server}/"
    open_page(page, plain)
    expected = header(page)
    open_page(page, f"{server}/?{urllib.parse.urlencode(HOSTILE_QUERY)}")
    toast = page.locator("[data-testid=stToast]").first
    assert "2 bagian tidak dikenal" in toast.inner_text()
    assert EVIL_HOST not in toast.inner_text()
    assert header(page) == expected  # 2205 and the script were not taken
    assert "2205" not in page.url and EVIL_HOST not in urllib.parse.unquote(page.url)
    assert_nothing_evil(page, requests, "tautan_berbahaya")


def test_chart_tooltips_show_names_as_text(server, watched):
    """Vega-Lite draws names as text; its tooltip is HTML, and must escape them."""
    page, requests = watched
    open_page(page, f"{server}/")
    chart = page.locator("[data-testid=stVegaLiteChart]").first  # the province tiles, named from the data
    chart.scroll_into_view_if_needed()
    box = chart.locator("canvas, svg").first.bounding_box()
    tooltips = set()
    for row in range(6):
        for column in range(15):
            page.mouse.move(box["x"] + box["width"] * (column + 0.5) / 15,
                            box["y"] + (box["height"] - 80) * (row + 0.5) / 6)  # 80: the legend below
            page.wait_for_timeout(60)
            tip = page.locator("#vg-tooltip-element.visible")
            if tip.count():
                tooltips.add(tip.inner_html())
    assert any("&lt;img" in t or "![b]" in t for t in tooltips), tooltips  # a payload name was hovered
    assert not any("<img" in t or "<a " in t or "<script" in t for t in tooltips)
    assert_nothing_evil(page, requests, "tooltip")
