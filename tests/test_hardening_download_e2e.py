"""A person-level file belongs to the session that asked for it (issue 19, point 7), in a real
browser against a real `streamlit run` (headless Chromium, tests/test_e2e.py's server and browser).

Stock Streamlit 1.67 serves a clicked download at /media/<hash of the content>.csv to any client
until later script runs clean it up. Here the address is random, differs on every click, is not
the content hash (which is not served at all), and stops working after TAUTAN_UNDUHAN_DETIK
seconds (8 in this test) for every client: the planner's own browser and a second one with fresh
cookies. Within those seconds the address is a bearer key, as any download link is.
"""

from __future__ import annotations

import hashlib
import io
import re
import time

import pandas as pd
import pytest

from .test_e2e import browser, demo_env, open_page, serve  # noqa: F401 (browser is a fixture)

pytestmark = pytest.mark.e2e

BERLAKU = 8  # seconds, TAUTAN_UNDUHAN_DETIK of this test's server


@pytest.fixture(scope="module")
def server(sqlite_demo, tmp_path_factory, browser):  # noqa: F811
    """The demo (a planner in demo mode) with short-lived download addresses; (base URL, log path)."""
    env = demo_env(sqlite_demo, tmp_path_factory)
    env.update(TAUTAN_UNDUHAN_DETIK=str(BERLAKU), LOG_LEVEL="INFO")
    log = tmp_path_factory.mktemp("unduh-e2e") / "server.log"
    with serve(env, browser, log_path=log) as base:
        yield base, log


def content_hash(data: bytes, mimetype: str, filename: str) -> str:
    """The id stock Streamlit gives a stored file (memory_media_file_storage._calculate_file_id,
    for files up to 1 MiB): BLAKE2b-128 over the length, the bytes, the mime type and the name."""
    h = hashlib.blake2b(digest_size=16)
    for part in (f"{len(data)}:".encode(), data, mimetype.encode(), filename.encode()):
        h.update(part)
    return h.hexdigest()


def download(page) -> tuple[str, bytes, str, float]:
    """Click the person list's CSV button; (URL, bytes, file name, when it was served)."""
    with page.expect_download() as info:
        page.get_by_role("button", name="CSV Indonesia (;)").click()
    got = info.value
    return got.url, open(got.path(), "rb").read(), got.suggested_filename, time.monotonic()


def test_a_person_file_is_reachable_only_briefly_and_never_by_its_hash(server, browser):  # noqa: F811
    from streamlit.runtime.memory_media_file_storage import _calculate_file_id

    base, log = server
    planner = browser.new_context(accept_downloads=True)
    page = planner.new_page()
    open_page(page, f"{base}/unduh-data?tahun=2025&provinsi=32")
    page.get_by_text("Orang per orang", exact=True).click()
    page.get_by_text("Data pribadi (UU 27/2022)").wait_for(timeout=30_000)
    assert f"hanya berlaku {BERLAKU} detik" in page.get_by_text("Data pribadi (UU 27/2022)").inner_text()

    url, data, name, served = download(page)
    people = pd.read_csv(io.BytesIO(data), sep=";", encoding="utf-8-sig", dtype=str)
    assert list(people.columns[:2]) == ["NIP", "Nama"] and len(people) > 0  # a person list
    assert re.fullmatch(r"pns-di-bawah-target_jawa-barat_2025_\d{4}-\d\d-\d\d_id\.csv", name)
    token = re.fullmatch(rf"{re.escape(base)}/media/([0-9a-f]{{32}})\.csv", url).group(1)

    # Not the content hash, and the content hash serves nothing, to anyone.
    hashed = content_hash(data, "text/csv", name)
    assert hashed == _calculate_file_id(data, "text/csv", name)  # the same rule as Streamlit's
    assert token != hashed
    stranger = browser.new_context()  # a second browser: fresh cookies, no session
    assert stranger.request.get(f"{base}/media/{hashed}.csv").status == 404
    assert planner.request.get(f"{base}/media/{hashed}.csv").status == 404

    # The same list again: the same bytes at another address.
    url2, data2, _, served2 = download(page)
    assert data2 == data and url2 != url

    # After TAUTAN_UNDUHAN_DETIK seconds neither address serves anything, to anyone.
    time.sleep(max(0.0, served2 + BERLAKU + 1.5 - time.monotonic()))
    assert served2 - served < BERLAKU  # the first was still live when the second was made
    for client in (stranger, planner):
        for address in (url, url2):
            response = client.request.get(address)
            assert response.status == 404 and response.body() != data, (address, response.status)

    # Each download was audited once, in the server's log, without a NIP or a name.
    text = log.read_text()
    lines = [line for line in text.splitlines() if " dasbor.unduh: " in line]
    assert len(lines) == 2, text
    for line in lines:
        assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO dasbor\.unduh: unduhan data orang lewat "
                            r'dasbor: \(demo\) \(perencana\) pns_di_bawah_target, filter \{"kode_provinsi": "32", '
                            rf'"tahun": 2025\}}, {len(people)} baris', line), line
    assert not any(n in text for n in people["Nama"]) and token not in text
    stranger.close()
    planner.close()
