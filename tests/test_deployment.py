"""The deployment guide (docs/deployment.md), run: Debian's nginx with docs/deploy/nginx.conf in
front of two `streamlit run dashboard.py` processes started with the flags of
docs/deploy/dasbor@.service, on loopback, driven by headless Chromium.

The shipped files are rendered only where a test must differ from a server (ports, the
certificate, a self-signed one here, and the site's name, 127.0.0.1 here); see tests/stack.py,
which bench/beban.py runs too.
Which process served a browser is read from that process itself (its own session counter on
127.0.0.1:<port>/_stcore/metrics, which the proxy refuses to the outside), never from the config.
The sessions and the refresh reuse tests/test_hardening_refresh_e2e.py's small source (`site`)
and its helpers.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import os
import re
import shutil
import socket
import sqlite3
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from data_access import akses, mart

from .stack import DEPLOY, NGINX, certificate, nginx, unit_flags
from .test_e2e import HEADER, browser, serve  # noqa: F401 (browser: fixture)
from .test_hardening_refresh_e2e import LEAVERS, NEWCOMERS, built_at, change_source, cli, figures, on_payroll, site  # noqa: F401

pytestmark = pytest.mark.e2e

APP_PORTS = (18601, 18602)
HTTPS_PORT, HTTP_PORT = 18643, 18680
COOKIE = "dasbor_rute"
MIB = 1024 * 1024

if not Path(NGINX).exists():
    pytest.skip(f"nginx tidak ditemukan di {NGINX} (pasang paket Debian nginx)", allow_module_level=True)
if not shutil.which("openssl"):
    pytest.skip("openssl tidak ditemukan (pasang paket Debian openssl)", allow_module_level=True)


def upload_limit_mb() -> int:
    """client_max_body_size of nginx's /_stcore/upload_file/ location, in MB."""
    block = re.search(r"location \^~ /_stcore/upload_file/ \{(.*?)\}", (DEPLOY / "nginx.conf").read_text(), re.S)
    return int(re.search(r"client_max_body_size (\d+)m;", block.group(1)).group(1))


@pytest.fixture(scope="module")
def stack(site, browser, tmp_path_factory):  # noqa: F811
    """(base URL through nginx, site, nginx's folder with its logs): two app processes with the
    unit's flags behind nginx."""
    url, path, env = site
    folder = tmp_path_factory.mktemp("nginx")
    with contextlib.ExitStack() as stack:
        for port in APP_PORTS:
            flags = unit_flags(port)
            i = flags.index("--server.port")
            del flags[i:i + 2]  # serve() passes the port itself
            stack.enter_context(serve({**env, "PORT": str(port)}, browser, extra_args=flags,
                                      log_path=folder / f"app-{port}.log"))
        stack.enter_context(nginx(folder, APP_PORTS, HTTPS_PORT, HTTP_PORT, *certificate(folder)))
        yield f"https://127.0.0.1:{HTTPS_PORT}", site, folder


# --- what each process says about itself -------------------------------------------------------

def connections(port: int) -> int:
    """Websocket sessions process `port` has accepted so far (its own metrics, asked directly)."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/metrics?families=session_events", timeout=10) as r:
        text = r.read().decode()
    return int(float(re.search(r'session_events_total\{type="connect"\} (\S+)', text).group(1)))


def counts() -> dict[int, int]:
    return {port: connections(port) for port in APP_PORTS}


def served(before: dict[int, int]) -> int:
    """The one process that accepted exactly one session since `before`; the other none."""
    after = counts()
    new = {port: after[port] - before[port] for port in APP_PORTS}
    assert sorted(new.values()) == [0, 1], new
    return next(port for port, n in new.items() if n == 1)


def wait_served(before: dict[int, int]) -> int:
    """`served`, once the session a handshake just opened is counted (it is, within moments)."""
    deadline = time.monotonic() + 10
    while sum(counts().values()) == sum(before.values()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return served(before)


def open_page(page, url: str) -> int:
    """Open `url` in `page` until it has drawn; the port of the process that served it."""
    before = counts()
    page.goto(url)
    page.wait_for_selector(HEADER, timeout=60_000)
    page.wait_for_load_state("networkidle")
    return served(before)


def route_cookie(context) -> dict:
    found = [c for c in context.cookies() if c["name"] == COOKIE]
    assert len(found) == 1, context.cookies()
    return found[0]


# --- HTTP through the proxy ---------------------------------------------------------------------

INSECURE = ssl.create_default_context()
INSECURE.check_hostname = False
INSECURE.verify_mode = ssl.CERT_NONE


def https(path: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None):
    """(status, headers, body) of one request through nginx's TLS port."""
    conn = http.client.HTTPSConnection("127.0.0.1", HTTPS_PORT, context=INSECURE, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return r.status, r.headers, r.read()
    finally:
        conn.close()


def direct(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code


def raw_request(head: str) -> str:
    """The first line nginx answers to a request head sent as is over TLS (nothing more sent)."""
    raw = socket.create_connection(("127.0.0.1", HTTPS_PORT), timeout=10)
    with INSECURE.wrap_socket(raw, server_hostname="127.0.0.1") as s:
        s.sendall(head.encode())
        return s.recv(4096).decode(errors="replace").split("\r\n")[0]


def websocket_handshake(host: str, cookie: str | None = None) -> str:
    """The status line of a websocket upgrade of /_stcore/stream with this Host (and route cookie)."""
    return raw_request(
        f"GET /_stcore/stream HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Origin: https://{host}\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + (f"Cookie: {COOKIE}={cookie}\r\n" if cookie else "") + "Sec-WebSocket-Protocol: streamlit\r\n\r\n")


# --- the tests ---------------------------------------------------------------------------------

def test_the_cookie_keeps_each_browser_on_one_process_and_a_refresh_reaches_both(stack, browser):  # noqa: F811
    base, (url, path, env), folder = stack
    first = on_payroll(url)

    # A browser without the cookie gets one from nginx; its page draws over the websocket (figures
    # and charts), and one process served it. A reload stays there, with the same cookie.
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    port = open_page(page, base)
    cookie = route_cookie(context)
    assert re.fullmatch(r"[0-9a-f]{32}", cookie["value"]) and cookie["httpOnly"] and cookie["secure"]
    assert figures(page) == (first, "30 Nov 2026 08.15")
    chart = page.locator("[data-testid=stVegaLiteChart]").first  # the province tile map
    chart.wait_for(timeout=30_000)
    chart.scroll_into_view_if_needed()
    marks = chart.locator("canvas, svg").first
    marks.wait_for(timeout=30_000)
    box = marks.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 50
    before = counts()
    page.reload()
    page.wait_for_selector(HEADER, timeout=60_000)
    assert served(before) == port and route_cookie(context)["value"] == cookie["value"]
    # The app's own cookie (XSRF) made Secure by the proxy.
    assert all(c["secure"] for c in context.cookies() if c["name"] == "_streamlit_xsrf")
    assert [c for c in context.cookies() if c["name"] == "_streamlit_xsrf"]
    context.close()

    # The cookie alone decides the process (every request here comes from 127.0.0.1): websocket
    # handshakes with one value, twice each, reach one process; values for both are found.
    values = {}
    for i in range(32):
        ports = set()
        for _ in range(2):
            before = counts()
            assert websocket_handshake("127.0.0.1", f"uji{i}").startswith("HTTP/1.1 101")
            ports.add(wait_served(before))
        assert len(ports) == 1
        values.setdefault(ports.pop(), f"uji{i}")
        if len(values) == len(APP_PORTS):
            break
    assert sorted(values) == sorted(APP_PORTS)

    # A browser on each process, by its cookie, which nginx keeps.
    sessions = {}
    for port, value in values.items():
        context = browser.new_context(ignore_https_errors=True, accept_downloads=True,
                                      viewport={"width": 1366, "height": 768})
        context.add_cookies([{"name": COOKIE, "value": value, "url": base}])
        page = context.new_page()
        assert open_page(page, base) == port
        assert route_cookie(context)["value"] == value
        assert figures(page) == (first, "30 Nov 2026 08.15")
        sessions[port] = (value, page)

    # A download is a file in the memory of the process that built it: served to its own browser
    # through the proxy, and the other process, reached with the other browser's cookie, has none.
    files = {}
    for port, (value, page) in sessions.items():
        assert open_page(page, f"{base}/unduh-data") == port
        with page.expect_download() as info:
            page.get_by_role("button", name="CSV Indonesia (;)").click()
        got = info.value
        assert re.fullmatch(rf"{re.escape(base)}/media/[0-9a-f]{{32}}\.csv", got.url)
        assert Path(got.path()).stat().st_size > 0
        files[port] = got.url.removeprefix(base)
    for port, (value, page) in sessions.items():
        other = next(p for p in APP_PORTS if p != port)
        status, _, _ = https(files[other], headers={"Cookie": f"{COOKIE}={value}"})
        assert status == 404
        status, _, body = https(files[port], headers={"Cookie": f"{COOKIE}={value}"})
        assert status == 200 and body
    log = (folder / "access.log").read_text()
    assert "GET /unduh-data" in log and " /media/" not in log  # a link's address is its key: never logged
    assert not any(link.removeprefix("/media/")[:32] in log for link in files.values())

    # The source changes, one refresh runs beside the two processes: both show the new figures on
    # their browsers' next page, no restart, each browser still on its process.
    change_source(url, [f"DELETE FROM {t} WHERE nip IN {LEAVERS}" for t in
                        ("riwayat_pelatihan", "penilaian_kompetensi")] + [f"DELETE FROM pegawai WHERE nip IN {LEAVERS}"])
    second = on_payroll(url)
    assert second == first - 17
    cli("refresh", url=url, path=path)
    for port, (value, page) in sessions.items():
        assert open_page(page, base) == port
        assert figures(page) == (second, built_at(path)) and built_at(path) != "30 Nov 2026 08.15"

    # Several hosts: a mart built on another one (here: in another folder) arrives as a file.
    # receive_mart.py refuses a copy whose checksum differs (the old mart stays, no scratch file is
    # left), then checks and renames the right one into place, with its history: both processes
    # show it on their next page.
    change_source(url, NEWCOMERS)
    third = on_payroll(url)
    assert third == second + 23
    elsewhere = path.parent.parent / "host-pembangun" / "mart.duckdb"
    cli("refresh", url=url, path=elsewhere)
    arrived = path.parent.parent / "masuk" / "mart.duckdb"
    arrived.parent.mkdir()
    shutil.copy(elsewhere, arrived)
    digest = hashlib.sha256(arrived.read_bytes()).hexdigest()
    kept = (mart.version(str(path)), sorted(p.name for p in path.parent.iterdir()))
    receive = [sys.executable, str(DEPLOY / "receive_mart.py"), str(arrived), "--riwayat",
               str(elsewhere.with_name("riwayat.jsonl")), "--sha256"]
    done = subprocess.run([*receive, "0" * 64], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.startswith("Gagal: SHA-256"), done.stderr
    assert (mart.version(str(path)), sorted(p.name for p in path.parent.iterdir())) == kept
    done = subprocess.run([*receive, digest], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert path.read_bytes() == elsewhere.read_bytes()
    assert path.with_name("riwayat.jsonl").read_bytes() == elsewhere.with_name("riwayat.jsonl").read_bytes()
    assert sorted(p.name for p in path.parent.iterdir()) == kept[1]
    for port, (value, page) in sessions.items():
        assert open_page(page, base) == port
        assert figures(page) == (third, built_at(elsewhere))
        page.context.close()


def test_the_proxy_refuses_what_it_must(stack):
    base, _, _ = stack
    # Internal endpoints: the processes answer them on loopback, the proxy does not, however written.
    assert direct(APP_PORTS[0], "/_stcore/metrics") == 200
    assert direct(APP_PORTS[0], "/_stcore/agent/openapi.json") == 200
    for path in ("/_stcore/metrics", "/_stcore/metrics?families=active_sessions", "/_stcore/%6Detrics",
                 "//_stcore/metrics", "/_stcore/./metrics", "/_STCORE/METRICS", "/_stcore/metrics/",
                 "/_stcore/agent/openapi.json", "/_stcore/agent/interact", "/_stcore/script-health-check",
                 "/app/static/x.png"):
        status, headers, body = https(path)
        assert status == 404 and b"nginx" in body, path  # nginx's own page: never reached the app
    status, _, body = https("/_stcore/health")
    assert (status, body) == (200, b"ok")

    # The cookie is set once, with its attributes; security headers on answers and refusals alike.
    status, headers, _ = https("/")
    assert status == 200
    assert re.fullmatch(rf"{COOKIE}=[0-9a-f]{{32}}; Path=/; Secure; HttpOnly; SameSite=Lax", headers["Set-Cookie"])
    assert https("/", headers={"Cookie": f"{COOKIE}=abc"})[1]["Set-Cookie"] is None
    for headers in (https("/")[1], https("/_stcore/metrics")[1]):
        assert headers["Strict-Transport-Security"] == "max-age=31536000"
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["Server"] == "nginx"  # no version

    # Plain HTTP: redirected to HTTPS, path and query kept (port 443 in a deployment).
    conn = http.client.HTTPConnection("127.0.0.1", HTTP_PORT, timeout=10)
    conn.request("GET", "/tentang-data?tahun=2025", headers={"Host": "127.0.0.1"})
    r = conn.getresponse()
    assert (r.status, r.getheader("Location")) == (301, "https://127.0.0.1/tentang-data?tahun=2025")
    conn.close()

    # Sizes: nginx takes an upload of up to server.maxUploadSize MB (it answers "100 Continue" to
    # such a Content-Length) and refuses one byte more at once; an upload reaches the app (which
    # refuses this one for want of an XSRF token). Any other request may carry at most 1 MB.
    limit = upload_limit_mb()
    assert f"--server.maxUploadSize {limit}" in " ".join(unit_flags(APP_PORTS[0]))
    head = ("PUT /_stcore/upload_file/sesi/berkas HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\n"
            "Content-Type: multipart/form-data; boundary=batas\r\nContent-Length: {}\r\n\r\n")
    assert raw_request(head.format(limit * MIB)) == "HTTP/1.1 100 Continue"
    assert raw_request(head.format(limit * MIB + 1)) == "HTTP/1.1 413 Request Entity Too Large"
    payload = (b"--batas\r\nContent-Disposition: form-data; name=\"uploadedFile\"; filename=\"a.csv\"\r\n"
               b"Content-Type: text/csv\r\n\r\nkode;nama\r\n--batas--\r\n")
    status, _, body = https("/_stcore/upload_file/sesi/berkas", "PUT", body=payload,
                            headers={"Content-Type": "multipart/form-data; boundary=batas"})
    assert status == 403 and b"XSRF" in body, (status, body[:200])  # the app's refusal, not nginx's
    assert https("/", "POST", body=b"x" * (MIB + 1))[0] == 413

    # The websocket upgrades through the proxy for the site's name only (--server.allowedHosts):
    # another Host, as a DNS-rebinding page would send, gets no session.
    assert websocket_handshake("127.0.0.1").startswith("HTTP/1.1 101")
    assert not websocket_handshake("penyerang.example").startswith("HTTP/1.1 101")


def test_a_backup_while_the_processes_run(stack, tmp_path):
    """docs/deploy/backup.py with the dashboard's settings: the grants and the history, checked."""
    _, (url, path, env), _ = stack
    akses.grant(env["AKSES_PATH"], "kepala@menpan.go.id", "eksekutif")
    done = subprocess.run([sys.executable, str(DEPLOY / "backup.py"), str(tmp_path / "cadangan")],
                          cwd=tmp_path, env={**env, "MART_PATH": str(path)}, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    copies = {p.name.split("-")[0]: p for p in (tmp_path / "cadangan").iterdir()}
    assert sorted(copies) == ["akses", "riwayat"]  # the source is a database of its own here, not DATA_DIR's
    with sqlite3.connect(copies["akses"]) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert ("kepala@menpan.go.id", "eksekutif") in con.execute("SELECT email, peran FROM akses_pengguna").fetchall()
    assert copies["riwayat"].read_bytes() == path.with_name("riwayat.jsonl").read_bytes()


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze tidak ada (paket Debian systemd)")
def test_the_units_are_valid(tmp_path):
    """systemd's own check of the shipped units, their programs pointed at this Python."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name in ("python", "streamlit"):
        (bin_dir / name).symlink_to(shutil.which(name) or sys.executable)
    units = []
    for name in ("dasbor@.service", "dasbor-refresh.service", "dasbor-refresh.timer"):
        target = tmp_path / name.replace("@.", "@8501.")
        target.write_text((DEPLOY / name).read_text().replace("/opt/dasbor/venv/bin", str(bin_dir)))
        units.append(str(target))
    done = subprocess.run(["systemd-analyze", "verify", *units], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr


def test_the_environment_file_reads_alike_in_sh():
    """dasbor.env as the guide's commands read it (`set -a; . dasbor.env`): every setting it names
    is exported whole, a value with spaces and a comma too, and nothing runs as a command."""
    text = (DEPLOY / "dasbor.env").read_text()
    names = re.findall(r"(?m)^([A-Z_]+)=", text)
    assert {"DATABASE_URL", "MART_PATH", "AKSES_PATH", "DATA_DIR"} <= set(names)
    done = subprocess.run(["sh", "-c", f'set -eu; set -a; . "{DEPLOY / "dasbor.env"}"; env -0'],
                          capture_output=True, timeout=30, env={"PATH": os.environ["PATH"]})
    assert done.returncode == 0 and not done.stderr, done.stderr
    got = dict(item.split("=", 1) for item in done.stdout.decode().split("\0") if "=" in item)
    assert set(names) <= set(got)
    assert got["KONTAK_AKSES"] == "Bagian Kepegawaian, sdm@instansi.go.id"
    assert got["DATABASE_URL"].startswith("postgresql+psycopg://") and "'" not in got["DATABASE_URL"]
