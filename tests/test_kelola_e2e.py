"""The Kelola data page in a real browser (headless Chromium) against a real `streamlit run`
signed in through OpenID Connect (tests/oidc.py): a bad file shows its report (and the report's
download is neutralised), a good file imports and refreshes, after which Ringkasan shows the new
figures to this and every other session; no one but an admin reaches the page.

The expected figures come from the source rows (tests/test_ringkasan.expected_cards, pandas over
plain SQL reads) before and after, and the change in headcount from the rows the test adds.
Screenshots (1366 wide) go to tests/artifacts/kelola_*.png.
"""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from .conftest import REFERENCE_DATE
from .expected import source_table
from .test_e2e import ARTIFACTS, HEADER, _grid_column, _popover_index, browser, demo_env, serve, sign_in  # noqa: F401
from .test_importer import pns_row, training_row
from .test_kelola import HOSTILE, MARKUP, NEW_NIPS, PEGAWAI_HEADER, sql
from .test_ringkasan import expected_cards

pytestmark = pytest.mark.e2e

PORT, PROVIDER_PORT = 8611, 8612  # this suite's own ports
ADMIN, EKSEKUTIF, PERENCANA = "admin@contoh.go.id", "eksekutif@contoh.go.id", "perencana@contoh.go.id"
YEAR = REFERENCE_DATE.year  # the default year on Ringkasan
TRAINING_HEADER = ["id", "nip", "nama_pelatihan", "jalur", "jenis", "moda", "penyelenggara", "tanggal_mulai",
                   "tanggal_selesai", "jp", "kelompok_kompetensi", "kode_kompetensi"]


@pytest.fixture(scope="module")
def kelola(sqlite_demo, tmp_path_factory, browser):  # noqa: F811
    """A copy of the small demo served with login through a local OpenID Connect provider; an admin,
    an executive and a planner granted. Yields (base URL, source URL)."""
    from http.server import ThreadingHTTPServer

    from data_access import akses

    from . import oidc

    _, mart = sqlite_demo
    folder = tmp_path_factory.mktemp("kelola-e2e")
    data = folder / "data"
    data.mkdir()
    shutil.copy(mart.with_name("sumber.sqlite"), data / "sumber.sqlite")
    shutil.copy(mart, data / "mart.duckdb")
    url = f"sqlite:///{data / 'sumber.sqlite'}"
    bound = oidc.ThreadingHTTPServer
    oidc.ThreadingHTTPServer = lambda _address, handler: ThreadingHTTPServer(("127.0.0.1", PROVIDER_PORT), handler)
    try:
        provider = oidc.Provider()
    finally:
        oidc.ThreadingHTTPServer = bound
    env = demo_env(sqlite_demo, tmp_path_factory)
    env.update(DATA_DIR=str(data), PORT=str(PORT))
    secrets = folder / "secrets.toml"
    secrets.write_text(f"""[auth]
redirect_uri = "http://127.0.0.1:{PORT}/oauth2callback"
cookie_secret = "kue-rahasia-kelola-e2e"
client_id = "{oidc.CLIENT_ID}"
client_secret = "{oidc.CLIENT_SECRET}"
server_metadata_url = "{provider.metadata_url}"
""")
    akses.grant(env["AKSES_PATH"], ADMIN, "admin")
    akses.grant(env["AKSES_PATH"], EKSEKUTIF, "eksekutif")
    province = sql(url, "SELECT substr(kode_wilayah, 1, 2) FROM unit_kerja ORDER BY kode LIMIT 1")[0][0]
    akses.grant(env["AKSES_PATH"], PERENCANA, "perencana", [province])
    try:
        with serve(env, browser, ["--secrets.files", str(secrets)], folder / "server.log",
                   warm_selector="text=Masuk") as base:
            yield base, url
    finally:
        provider.close()


def session(browser, base: str, email: str):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    sign_in(page, base, email)
    page.wait_for_selector(HEADER, timeout=60_000)
    return page


def cards(page) -> dict[str, str]:
    page.wait_for_selector("[data-testid=stMetric]", timeout=60_000)
    page.wait_for_load_state("networkidle")
    return {m.locator("[data-testid=stMetricLabel]").inner_text().strip():
            m.locator("[data-testid=stMetricValue]").inner_text().strip()
            for m in page.locator("[data-testid=stMetric]").all()}


def source(url: str) -> dict:
    return {t: source_table(url, t) for t in (
        "wilayah", "unit_kerja", "pegawai", "riwayat_pelatihan", "penilaian_kompetensi", "standar_kompetensi",
        "survei_kepuasan")}


def csv_file(name: str, rows) -> dict:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return {"name": name, "mimeType": "text/csv", "buffer": out.getvalue().encode()}


def open_kelola(page, base: str):
    page.goto(f"{base}/kelola-data")
    page.wait_for_selector("h1:has-text('Kelola data')", timeout=60_000)
    page.wait_for_load_state("networkidle")


def shoot(page, name: str) -> None:
    """The whole page, 1366 wide: Streamlit scrolls its main area, not the document, so the window is
    made as tall as that content for the picture (grids draw only what is in view)."""
    ARTIFACTS.mkdir(exist_ok=True)
    size = page.viewport_size
    tall = page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1366, "height": min(max(tall + 40, size["height"]), 6000)})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / f"kelola_{name}.png"))
    page.set_viewport_size(size)


def test_a_bad_file_shows_its_report(kelola, browser):  # noqa: F811
    base, url = kelola
    unit = sql(url, "SELECT kode FROM unit_kerja ORDER BY kode LIMIT 1")[0][0]
    before = sql(url, "SELECT count(*) FROM pegawai")[0][0]
    short_nip, hostile, markup = (pns_row(NEW_NIPS[0], "Rina", unit), pns_row(NEW_NIPS[1], "Rudi", unit),
                                  pns_row("199305102015031989", "Tono", unit))
    short_nip[0], hostile[2], markup[5] = "12345", HOSTILE, MARKUP
    page = session(browser, base, ADMIN)
    open_kelola(page, base)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
        [csv_file("pegawai.csv", [PEGAWAI_HEADER, short_nip, hostile, markup])])
    page.get_by_text("tidak ada yang ditulis").first.wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")
    grid = page.locator("[data-testid=stDataFrame]").first
    grid.scroll_into_view_if_needed()
    grid.locator("table[role=grid]").wait_for(state="attached", timeout=15_000)
    page.wait_for_timeout(1000)
    headers = [th.inner_text() for th in grid.locator("thead th").all()]
    assert headers == ["Jenis temuan", "Berkas", "Baris", "Kolom", "Keterangan", "Nilai"]
    columns = {name: _grid_column(grid, i) for i, name in enumerate(headers, start=1)}
    rows = set(zip(columns["Berkas"], columns["Baris"], columns["Kolom"]))
    assert {("pegawai.csv", "2", "nip"), ("pegawai.csv", "3", "jenis_kelamin"), ("pegawai.csv", "4", "golongan")} <= rows
    assert HOSTILE in columns["Nilai"] and MARKUP in columns["Nilai"]  # as written, not run nor rendered
    assert page.get_by_role("button", name="Impor", exact=True).count() == 0
    shoot(page, "laporan")

    # The report's download goes through the export's neutralisation: no cell starts a formula.
    page.locator("[data-testid=stPopover] button").nth(_popover_index(page, "Hasil pemeriksaan")).click()
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV Indonesia (;)").last.click()
    text = open(info.value.path(), encoding="utf-8-sig").read()
    cells = [c for row in csv.reader(io.StringIO(text), delimiter=";") for c in row]
    assert f"'{HOSTILE}" in cells and not any(c.startswith("=") for c in cells)
    assert sql(url, "SELECT count(*) FROM pegawai")[0][0] == before
    page.context.close()


def test_a_good_file_imports_and_ringkasan_changes(kelola, browser):  # noqa: F811
    base, url = kelola
    unit = sql(url, "SELECT kode FROM unit_kerja ORDER BY kode LIMIT 1")[0][0]
    new = [pns_row(nip, name, unit) for nip, name in zip(NEW_NIPS, ("Sari Dewi", "Dewi Lestari"))]
    trainings = [training_row(i, nip, f"{YEAR}-03-1{i}", "24") for i, nip in enumerate(NEW_NIPS)]
    for row in trainings:
        row[0] = f"KELOLA-UJI-{row[0]}"  # a text id no stored record has (ids are any text)
    assert not sql(url, "SELECT 1 FROM riwayat_pelatihan WHERE id LIKE 'KELOLA-UJI-%'")
    # Counted from the rows added: both are PNS on the payroll in YEAR (TMT 2012, active).
    added = sum(1 for r in new if r[4] == "PNS" and r[10] <= f"{YEAR}-12-31" and r[11] == "1")
    assert added == 2

    page = session(browser, base, ADMIN)
    shown_before = cards(page)
    assert shown_before == expected_cards(source(url), YEAR)
    open_kelola(page, base)
    page.locator("[data-testid=stFileUploaderDropzoneInput]").set_input_files(
        [csv_file("pegawai.csv", [PEGAWAI_HEADER, *new]), csv_file("riwayat_pelatihan.csv", [TRAINING_HEADER, *trainings])])
    page.get_by_text("Berkas sesuai kontrak data").wait_for(timeout=60_000)
    page.wait_for_load_state("networkidle")
    shoot(page, "siap_impor")
    page.get_by_role("button", name="Impor", exact=True).click()
    page.locator("[data-testid=stProgress]").first.wait_for(timeout=60_000)  # the refresh's progress bar
    page.screenshot(path=str(ARTIFACTS / "kelola_progres.png"))
    page.get_by_text("Impor berhasil").wait_for(timeout=180_000)
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=stException]").count() == 0
    shoot(page, "berhasil")

    page.goto(base)
    shown_after = cards(page)
    assert shown_after == expected_cards(source(url), YEAR)
    count = lambda shown: int(shown["Jumlah ASN"].replace(".", ""))  # noqa: E731
    assert count(shown_after) == count(shown_before) + added
    assert shown_after["Cakupan 20 JP"] != shown_before["Cakupan 20 JP"]
    page.context.close()
    other = session(browser, base, EKSEKUTIF)  # another user, another session: the new mart too
    assert count(cards(other)) == count(shown_before) + added
    other.goto(f"{base}/tentang-data")
    other.get_by_text("Riwayat impor dan pembaruan mart").wait_for(timeout=60_000)
    other.wait_for_load_state("networkidle")
    assert ADMIN not in other.locator("[data-testid=stMain]").inner_text()  # who acted: admins only
    other.context.close()

    admin = session(browser, base, ADMIN)
    admin.goto(f"{base}/tentang-data")
    admin.get_by_text("Kesegaran per tabel").first.wait_for(timeout=60_000)
    admin.wait_for_load_state("networkidle")
    admin.get_by_text("Kesegaran per instansi").click()  # open the per-agency table for the picture
    admin.locator("[data-testid=stExpander] [data-testid=stDataFrame]").first.wait_for(timeout=60_000)  # built then
    admin.wait_for_timeout(1500)
    shoot(admin, "tentang_data")
    admin.context.close()


def test_no_one_else_reaches_the_page(kelola, browser):  # noqa: F811
    base, _ = kelola
    page = session(browser, base, PERENCANA)
    page.goto(f"{base}/kelola-data")
    page.wait_for_selector(HEADER, timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(800)
    shoot(page, "perencana")
    # Streamlit's own notice (in English) that the address names no page of this user, over the home page.
    assert page.get_by_text("Page not found").count() == 1
    assert "Kelola data" not in page.locator("h1").first.inner_text()
    assert page.locator("[data-testid=stFileUploader]").count() == 0
    page.keyboard.press("Escape")
    page.get_by_text("Page not found").wait_for(state="detached", timeout=10_000)
    page.get_by_text("Data", exact=True).click()
    page.wait_for_timeout(500)
    assert page.get_by_text("Tentang data", exact=True).count() >= 1
    assert page.get_by_text("Kelola data", exact=True).count() == 0
    page.context.close()
