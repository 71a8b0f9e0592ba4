"""Benchmark: the Monday-morning peak on a real server stack, nginx in front of N `streamlit run` processes.

    nice -n 10 python bench/beban.py                         # national: 1, 2 and 4 processes, 50 users, 10 min each
    nice -n 10 python bench/beban.py --proses 2 --pengguna 20 --menit 2 --ukur beban   # a short check
    nice -n 10 python bench/beban.py --ukur cpu              # server CPU per rerun of each page only

The stack, on loopback, as tests/test_deployment.py runs it (tests/stack.py): nginx (Debian's
/usr/sbin/nginx, its own prefix, pid and logs in a temporary folder) with the shipped site
docs/deploy/nginx.conf rendered as its header says (listen ports, upstream servers, a self-signed
certificate, the name), in front of N processes started with the flags of
docs/deploy/dasbor@.service, in demo mode (no login, a planner over all of Indonesia) on the mart in
--dir, as bench/page_speed.py does.

Each simulated user is a browser tab speaking Streamlit's own protocol, not a headless browser: it
loads the page (nginx's sticky cookie, Streamlit's XSRF cookie), opens the websocket
/_stcore/stream with the subprotocols the frontend sends, and sends BackMsg reruns the way the
frontend does: the first with the page's name and query string, then every rerun with the current
value of every widget on the page (found in the ForwardMsg deltas: the filter bar's selectboxes by
their labels), a page switch with the page's hash from the navigation message, the query string the
server last wrote, the hashes of the messages it keeps (the server answers those with references).
A rerun has settled when its script_finished arrives (all deltas come before it). Errors: an
exception element, an st.error alert, a page-not-found, a compile error, a disconnect, no answer
within 30 s, an HTTP error on the way in.

A user opens Ringkasan, then repeatedly thinks (--jeda MIN,MAX seconds) and either changes a filter
(province, year, agency, ASN type, ...: values drawn with a popularity, so some are first views
of the run and some are what others already looked at) or switches page. Reported per number of
processes: reruns, p50/p95 from sending the rerun to settled per kind (filter change, page switch,
open), errors by kind, peak memory per process (VmHWM, and VmRSS sampled each second), the servers'
CPU against wall time, and the load generator's own CPU.

Separately (--ukur cpu), the server CPU per rerun of each page: one user, no think time, one
process; per page --rerun filter changes to values not viewed since the start (first views), then
the same changes again (cache hits); the CPU is the process's utime+stime (/proc/PID/stat, 10 ms
ticks) before and after each rerun, read once the process is quiet again.

Before the users come, each process opens the home page once (imports, the mart's connection; with
--hangat it visits every page). --streamlit adds a flag to every process (e.g.
--streamlit=--runner.postScriptGC=true). --profil records the first process with py-spy
(`pip install py-spy`) during the first load run and prints where its time goes. Prints Markdown
tables (the ones in docs/performance.md) and writes JSON to --out.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import math
import os
import random
import re
import resource
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from page_speed import Changes, pct  # noqa: E402  (the same walk through filter values, one percentile)

from data_access.filters import SPECS  # noqa: E402
from tests.stack import certificate, nginx, unit_flags  # noqa: E402  (the shipped files, as the deployment test runs them)

NGINX_PORT, HTTP_PORT, APP_PORT = 18700, 18780, 18701  # this bench's ports: 18700-18799
TIMEOUT = 30.0  # seconds without a settled page: an error
TARGETS = {"p95": 1.0, "users": 50, "rss_mb": 1024, "cpu_rerun": 0.100}  # issue 26
TICK = os.sysconf("SC_CLK_TCK")
# How often a user changes which filter (by SPECS key), and how often a user switches page instead.
FILTER_WEIGHTS = {"provinsi": 4, "tahun": 2, "instansi": 3, "asn": 1, "kelompok": 1, "jenis_instansi": 1,
                  "jabatan": 1, "kabkota": 1, "unit": 1}
PAGE_SWITCH = 0.4
LABEL = {spec.label: spec.key for spec in SPECS}
HOME = "ringkasan"  # the default page's name in the tables (its url_pathname is "")


def page_name(url_pathname: str) -> str:
    return url_pathname or HOME


# --- the stack ---------------------------------------------------------------------------------

def app_command(port: int, extra: list[str]) -> list[str]:
    """`streamlit run dashboard.py` with the flags of the shipped systemd unit (docs/deploy/dasbor@.service),
    its port and loopback's name as the allowed host, then `extra` (e.g. --runner.postScriptGC=true)."""
    return [sys.executable, "-m", "streamlit", "run", "dashboard.py", *unit_flags(port), *extra]


# Which process served whom: $rute is the site's sticky cookie (or the new one it sets).
ROUTE_LOG = '$rute $upstream_addr $status $request_time "$request"'


class Stack:
    """nginx and N app processes in a temporary folder; stopped (every process we started) on exit."""

    def __init__(self, n: int, data_dir: Path, extra: list[str]):
        self.n, self.data_dir, self.extra = n, data_dir, extra
        self.ports = [APP_PORT + i for i in range(n)]
        self.apps: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None
        self.exits = contextlib.ExitStack()  # nginx, the app logs

    def __enter__(self) -> Stack:
        self.tmp = tempfile.TemporaryDirectory(prefix="beban-")
        self.dir = Path(self.tmp.name)
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MART_PATH", "AUTH_DISABLED")}
        env.update(DATA_DIR=str(self.data_dir), AKSES_PATH=str(self.data_dir / "akses.sqlite"))
        try:
            for port in self.ports:
                log = self.exits.enter_context(open(self.dir / f"app-{port}.log", "wb"))
                self.apps.append(subprocess.Popen(app_command(port, self.extra), cwd=REPO, env=env, stdout=log,
                                                  stderr=subprocess.STDOUT))
            self.cert, key = certificate(self.dir)
            self.nginx = self.exits.enter_context(nginx(self.dir, self.ports, NGINX_PORT, HTTP_PORT, self.cert, key,
                                                       log_format=ROUTE_LOG))
            for port in self.ports:
                self._wait(f"http://127.0.0.1:{port}/_stcore/health")
            self._wait(f"https://127.0.0.1:{NGINX_PORT}/_stcore/health")
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait(self, url: str, seconds: float = 120) -> None:
        context = ssl.create_default_context(cafile=str(self.cert))
        deadline = time.monotonic() + seconds
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5, context=context if url.startswith("https") else None):
                    return
            except OSError as exc:
                dead = [p for p in self.apps + [self.nginx] if p is not None and p.poll() is not None]
                if dead or time.monotonic() > deadline:
                    raise RuntimeError(f"{url}: {exc}; {self.logs()}") from None
                time.sleep(0.5)

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))

    def nginx_pids(self) -> list[int]:
        pids = [self.nginx.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == self.nginx.pid:
                        pids.append(int(entry.name))
                except OSError:
                    pass
        return pids

    def logs(self) -> str:
        """The tail of every log, for a failure to start."""
        return "\n".join(f"--- {f.name}\n" + "\n".join(f.read_text(errors="replace").splitlines()[-15:])
                         for f in sorted(self.dir.glob("*.log")))

    def server_errors(self) -> list[str]:
        """Lines of the app processes' logs that report an error or a traceback."""
        lines = []
        for f in sorted(self.dir.glob("app-*.log")):
            lines += [f"{f.stem}: {line}" for line in f.read_text(errors="replace").splitlines()
                      if re.search(r"Traceback|\bERROR\b|Exception", line)]
        return lines

    def routes(self) -> dict[str, set[str]]:
        """Sticky cookie -> the app processes nginx sent its requests to (from the access log)."""
        seen = collections.defaultdict(set)
        for line in (self.dir / "access.log").read_text().splitlines():
            rute, upstream = line.split()[:2]
            if upstream != "-":
                seen[rute].add(upstream)
        return seen

    def __exit__(self, *exc) -> None:
        for proc in self.apps:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        self.exits.close()  # nginx stops (and is waited for) while the apps stop
        for proc in self.apps:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.tmp.cleanup()


# --- what the kernel says about a process ---------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (its threads, dead ones too), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) in MB: the resident memory now and its peak since the process started."""
    values = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines())
    return int(values["VmRSS"].split()[0]) / 1024, int(values["VmHWM"].split()[0]) / 1024


def machine_busy() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine: other work on it shows here."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return sum(values) - values[3] - values[4], sum(values)


class Sampler(threading.Thread):
    """Each second: every app process's resident memory; the trace keeps one point every 10 s."""

    def __init__(self, pids: dict[int, int]):
        super().__init__(daemon=True)
        self.pids, self.stop = pids, threading.Event()
        self.peak = dict.fromkeys(pids, 0.0)
        self.trace: list[tuple[float, dict[int, float]]] = []

    def run(self) -> None:
        started = time.monotonic()
        while not self.stop.is_set():
            now = {port: memory_mb(pid)[0] for port, pid in self.pids.items()}
            for port, rss in now.items():
                self.peak[port] = max(self.peak[port], rss)
            if not self.trace or time.monotonic() - started >= 10 * len(self.trace):
                self.trace.append((round(time.monotonic() - started), now))
            self.stop.wait(1.0)


# --- one browser tab ------------------------------------------------------------------------------

class Closed(Exception):
    """The websocket closed under a rerun, or the way in failed."""


class Tab:
    """A browser tab on the dashboard: its cookies, its websocket, the widgets it shows and their
    values, the pages the app offers, the messages it keeps."""

    def __init__(self, base: str, ssl_context: ssl.SSLContext | None, assets: bool = False,
                 cookies: dict[str, str] | None = None):
        self.base, self.ssl, self.assets = base, ssl_context, assets
        self.ws = None
        self.cookies = cookies or {}  # kept by the browser across reloads
        self.widgets: dict[str, list] = {}  # id -> [WidgetState field, value, label, options, script hash, disabled]
        self.pages: dict[str, str] = {}  # url_pathname -> page_script_hash, in the navigation's order
        self.page_hash = ""
        self.query_string = ""
        self.cache: dict[str, list] = {}  # hash -> [ForwardMsg, runs since last used]
        self.max_age = 2

    @property
    def page(self) -> str:
        return page_name(next((p for p, h in self.pages.items() if h == self.page_hash), "?"))

    async def open(self) -> float:
        """Load the page as a browser does, open the websocket, run the home page: its seconds."""
        import httpx
        import websockets
        async with httpx.AsyncClient(base_url=self.base, verify=self.ssl or False, cookies=self.cookies,
                                     timeout=TIMEOUT) as http:
            paths = ["/", "/_stcore/health", "/_stcore/host-config"]
            for path in paths:
                answer = await http.get(path)
                if answer.status_code != 200:
                    raise Closed(f"HTTP {answer.status_code} {path}")
                if path == "/" and self.assets:  # a browser with an empty cache: the entry script and styles
                    paths += [p.removeprefix(".") for p in re.findall(r'(?:src|href)="(\./static/[^"]+)"', answer.text)]
            # what the browser keeps: the cookies it had, each replaced by the one the server set now
            self.cookies = {c.name: c.value for c in sorted(http.cookies.jar, key=lambda c: bool(c.domain))}
        ws_base, cookie = self.base.replace("http", "ws", 1), "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.ws = await websockets.connect(
                f"{ws_base}/_stcore/stream", ssl=self.ssl, origin=self.base, max_size=None, ping_interval=None,
                open_timeout=TIMEOUT, additional_headers={"Cookie": cookie},
                # what the frontend offers: its protocol, then the XSRF cookie's value as the token
                subprotocols=["streamlit", self.cookies.get("_streamlit_xsrf", "PLACEHOLDER_AUTH_TOKEN")])
        except (OSError, websockets.exceptions.WebSocketException, asyncio.TimeoutError) as exc:
            raise Closed(f"websocket: {exc}") from None
        return await self.rerun(page_name="")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    def states(self, only_main: bool = False):
        """The WidgetStates the frontend would send: every widget on the page with its value (only
        the frame's, outside the page, on a page switch)."""
        from streamlit.proto.WidgetStates_pb2 import WidgetStates
        states = WidgetStates()
        for wid, (field, value, _, _, script, _) in self.widgets.items():
            if value is None or (only_main and script == self.page_hash):
                continue
            state = states.widgets.add(id=wid)
            if field == "string_array_value":
                state.string_array_value.data.extend(value)
            else:
                setattr(state, field, value)
        return states

    async def rerun(self, *, page_name: str | None = None, page_hash: str = "", change: tuple[str, str] | None = None,
                    restore: dict[str, str] | None = None) -> float:
        """Send one rerun as the frontend does and wait until it settled: its seconds. Errors the page
        shows are collected in self.errors as (kind, text)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        for wid, value in ([change] if change else []) + list((restore or {}).items()):
            self.widgets[wid][1] = value
        msg = BackMsg()
        state = msg.rerun_script
        if page_name is not None:  # the first run: the page and the query string come from the address
            state.page_name, state.query_string = page_name, self.query_string
        elif page_hash:  # a page switch: the frame's widgets only, no query string
            state.page_script_hash = page_hash
            state.widget_states.CopyFrom(self.states(only_main=True))
        else:
            state.page_script_hash, state.query_string = self.page_hash, self.query_string
            state.widget_states.CopyFrom(self.states())
        state.cached_message_hashes.extend(self.cache)
        info = state.context_info
        info.timezone, info.timezone_offset, info.locale = "Asia/Jakarta", -420, "id-ID"
        info.url, info.color_scheme = f"{self.base}/{self.page if page_name is None else page_name}", "light"
        self.errors: list[tuple[str, str]] = []
        self.received = 0
        self.seen: set[str] = set()
        started = time.perf_counter()
        try:
            await self.ws.send(msg.SerializeToString())
            settled = False
            while not settled:
                data = await asyncio.wait_for(self.ws.recv(), started + TIMEOUT - time.perf_counter())
                settled = await self._handle(data)
        except asyncio.TimeoutError:
            self.errors.append(("batas waktu", f"> {TIMEOUT:.0f} s"))
            return math.inf
        except Exception as exc:  # websockets.ConnectionClosed and the like
            raise Closed(f"{type(exc).__name__}: {exc}") from None
        return time.perf_counter() - started

    async def _handle(self, data: bytes) -> bool:
        """One ForwardMsg: update what the tab knows; True once the rerun has settled."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
        msg = ForwardMsg()
        msg.ParseFromString(data)
        self.received += len(data)
        kind = msg.WhichOneof("type")
        if kind == "ref_hash":  # a message this tab said it keeps
            if msg.ref_hash not in self.cache:
                self.errors.append(("cache pesan", msg.ref_hash))
                return False
            self.cache[msg.ref_hash][1] = 0
            cached = ForwardMsg()
            cached.CopyFrom(self.cache[msg.ref_hash][0])
            cached.metadata.CopyFrom(msg.metadata)
            msg, kind = cached, cached.WhichOneof("type")
        elif msg.metadata.cacheable:
            self.cache[msg.hash] = [msg, 0]
        if kind == "new_session":
            self.max_age = msg.new_session.config.max_cached_message_age or self.max_age
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            self.page_hash = msg.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "page_not_found":
            self.errors.append(("halaman tidak ditemukan", msg.page_not_found.page_name))
        elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
            self.errors.append(("galat kompilasi", msg.session_event.script_compilation_exception.message))
        elif kind == "delta":
            self._delta(msg)
        elif kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return False  # st.rerun(): the next run follows
            if msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                self.errors.append(("galat kompilasi", "script_finished"))
            # The frontend forgets widgets no longer drawn and messages not used for a few runs.
            self.widgets = {w: v for w, v in self.widgets.items() if w in self.seen}
            for entry in self.cache.values():
                entry[1] += 1
            self.cache = {h: e for h, e in self.cache.items() if e[1] <= self.max_age}
            return True
        return False

    def _delta(self, msg) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") == "add_block":
            block = delta.add_block
            kind = block.WhichOneof("type")
            if kind == "tab_container" and block.tab_container.id:
                self._widget(block.tab_container.id, "string_value", None,
                             block.tab_container.default_tab_label or None, "", (), msg, False)
            elif kind == "expandable" and block.expandable.id:
                self._widget(block.expandable.id, "bool_value", None, block.expandable.expanded,
                             block.expandable.label, (), msg, False)
            return
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        el = getattr(element, kind) if kind else None
        if kind == "exception":
            self.errors.append(("peringatan" if el.is_warning else "exception", f"{el.type}: {el.message}"[:300]))
        elif kind == "alert" and el.format == el.ERROR:
            self.errors.append(("st.error", el.body[:300]))
        elif kind in ("selectbox", "radio"):
            default = el.options[el.default] if el.HasField("default") and el.options else None
            self._widget(el.id, "string_value", el.raw_value if el.HasField("raw_value") else None, default,
                         el.label, tuple(el.options), msg, el.set_value, el.disabled)
        elif kind == "multiselect":
            self._widget(el.id, "string_array_value", list(el.raw_values), [el.options[i] for i in el.default],
                         el.label, tuple(el.options), msg, el.set_value)
        elif kind == "button_group":
            options = tuple(o.content for o in el.options)
            self._widget(el.id, "string_array_value", list(el.raw_values), [options[i] for i in el.default],
                         el.label, options, msg, el.set_value)
        elif kind == "checkbox":
            self._widget(el.id, "bool_value", el.value, el.default, el.label, (), msg, el.set_value)

    def _widget(self, wid, field, server_value, default, label, options, msg, set_value, disabled=False) -> None:
        """A widget drawn in this run, valued as the frontend does: what the server sets, else what the
        user left it at, else its default."""
        self.seen.add(wid)
        known = self.widgets.get(wid)
        value = server_value if set_value else known[1] if known else default
        self.widgets[wid] = [field, value, label, options, msg.metadata.active_script_hash, disabled]

    def filters(self) -> dict[str, tuple[str, str, tuple, bool]]:
        """The filter bar: SPECS key -> (widget id, value, options, disabled). The frame's widgets are those
        the page did not draw (a process's first session has no usable main_script_hash)."""
        return {LABEL[label]: (wid, value, options, disabled)
                for wid, (_, value, label, options, script, disabled) in self.widgets.items()
                if script != self.page_hash and label in LABEL}


# --- users ----------------------------------------------------------------------------------------

class Popularity:
    """How likely each value of a filter is chosen: a few provinces and agencies are looked at by many,
    the rest by few (Zipf), the same for every user of a run; "all" as likely as the most popular
    value; years from the latest down."""

    def __init__(self, seed: int):
        self.seed, self.ranks = seed, {}

    def choose(self, rng: random.Random, key: str, options: tuple, current: str) -> str:
        if key not in self.ranks or len(self.ranks[key]) != len(options):
            order = list(range(1, len(options)))
            if key != "tahun":
                random.Random(f"{self.seed}{key}{len(options)}").shuffle(order)
            self.ranks[key] = {0: 1, **{i: r for r, i in enumerate(order, 1)}} if key != "tahun" else \
                {i: i + 1 for i in range(len(options))}
        choices = [i for i in range(len(options)) if options[i] != current]
        return options[rng.choices(choices, [1 / self.ranks[key][i] for i in choices])[0]]


class Record:
    """Every rerun of a run: (started, kind, page, seconds or inf, first view of the run, KB, errors)."""

    def __init__(self, t0: float):
        self.t0, self.rows, self.viewed, self.users = t0, [], set(), set()  # users: their sticky cookies
        self.examples: dict[str, list[str]] = collections.defaultdict(list)

    def add(self, started: float, kind: str, tab: Tab | None, seconds: float, errors: list[tuple[str, str]]) -> None:
        view = (tab.page, tuple(sorted((k, v[1]) for k, v in tab.filters().items()))) if tab else None
        first = view not in self.viewed
        self.viewed.add(view)
        for error, text in errors:
            if len(self.examples[error]) < 3:
                self.examples[error].append(text)
        self.rows.append((round(started - self.t0, 2), kind, tab.page if tab else "?", seconds, first,
                          round(tab.received / 1024, 1) if tab else 0, [e for e, _ in errors]))


async def user(i: int, url: str, context, args, popularity: Popularity, record: Record, deadline: float) -> None:
    rng = random.Random(f"{args.seed}-{i}")
    await asyncio.sleep(rng.uniform(0, args.buka))
    tab, cookies = None, {}
    while time.monotonic() < deadline:
        if tab is None:  # opens the dashboard (again after a disconnect or a timeout, as a user reloads)
            tab, started = Tab(url, context, args.aset, cookies), time.monotonic()
            try:
                seconds = await tab.open()
                cookies = tab.cookies
                record.add(started, "buka", tab, seconds, tab.errors)
                record.users.add(cookies.get("dasbor_rute"))
                if seconds == math.inf:
                    await tab.close()
                    tab = None
            except Closed as exc:
                record.add(started, "buka", None, math.inf, [("terputus", str(exc))])
                tab = None
                await asyncio.sleep(1)
            continue
        await asyncio.sleep(rng.uniform(*args.jeda))
        if time.monotonic() >= deadline:
            break
        started, shown = time.monotonic(), {k: v for k, v in tab.filters().items() if not v[3] and len(v[2]) > 1}
        kind = "halaman" if rng.random() < PAGE_SWITCH or not shown else "filter"
        try:
            if kind == "halaman":
                seconds = await tab.rerun(page_hash=rng.choice([h for h in tab.pages.values() if h != tab.page_hash]))
            else:
                key = rng.choices(list(shown), [FILTER_WEIGHTS.get(k, 1) for k in shown])[0]
                wid, value, options, _ = shown[key]
                value = popularity.choose(rng, key, options, value)
                seconds = await tab.rerun(change=(wid, value))
                if seconds != math.inf and tab.filters().get(key, [None, None])[1] != value:
                    tab.errors.append(("filter tidak diterapkan", f"{key} = {value}"))
            record.add(started, kind, tab, seconds, tab.errors)
            if seconds == math.inf:
                await tab.close()
                tab = None
        except Closed as exc:
            record.add(started, kind, None, math.inf, [("terputus", str(exc))])
            tab = None
    if tab is not None:
        await tab.close()


async def warm(stack: Stack, every_page: bool = False) -> None:
    """Each process opens the home page once, straight on its port (imports, the mart's connection),
    as a service started before its users arrive; with `every_page` it visits every page too (the
    imports some pages make on their first visit, e.g. scipy, and their first queries)."""
    for port in stack.ports:
        tab = Tab(f"http://127.0.0.1:{port}", None)
        await tab.open()
        for page_hash in list(tab.pages.values()) if every_page else []:
            await tab.rerun(page_hash=page_hash)
        await tab.close()


def load(n: int, args) -> dict:
    """One run: n processes, args.pengguna users for args.menit minutes."""
    with Stack(n, Path(args.dir), args.streamlit) as stack:
        asyncio.run(warm(stack, args.hangat))
        pids = {port: p.pid for port, p in zip(stack.ports, stack.apps)}
        nginx = stack.nginx_pids()
        sampler = Sampler(pids)
        sampler.start()
        profile = None
        if args.profil and n == args.proses[0]:
            # --nonblocking: the process is read without being paused, so the run's times stay its own
            profile = subprocess.Popen(["py-spy", "record", "-p", str(stack.apps[0].pid), "-r", "50", "--function",
                                        "--nonblocking", "-d", str(int(args.menit * 60 + args.buka)), "-f", "raw",
                                        "-o", str(stack.dir / "profil.txt")], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        cpu0 = {port: cpu_seconds(pid) for port, pid in pids.items()}
        nginx0, busy0 = sum(cpu_seconds(p) for p in nginx), machine_busy()
        own0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.monotonic()
        record = Record(t0)

        async def everyone():
            deadline, context, popularity = t0 + args.buka + args.menit * 60, stack.ssl_context(), Popularity(args.seed)
            await asyncio.gather(*(user(i, f"https://127.0.0.1:{NGINX_PORT}", context, args, popularity, record,
                                        deadline) for i in range(args.pengguna)))

        asyncio.run(everyone())
        wall = time.monotonic() - t0
        own1, busy1 = resource.getrusage(resource.RUSAGE_SELF), machine_busy()
        cpu = {port: cpu_seconds(pid) - cpu0[port] for port, pid in pids.items()}
        nginx_cpu = sum(cpu_seconds(p) for p in nginx) - nginx0
        sampler.stop.set()
        sampler.join()
        memory = {port: memory_mb(pid) for port, pid in pids.items()}
        frames = None
        if profile is not None:
            profile.wait()
            frames = top_frames(stack.dir / "profil.txt")
        routes = {user: upstreams for user, upstreams in stack.routes().items() if user in record.users}
        return {
            "proses": n, "pengguna": args.pengguna, "menit": args.menit, "jeda": args.jeda, "detik": wall,
            "rerun": record.rows, "contoh_galat": record.examples,
            "rss_mb": {p: {"puncak": memory[p][1], "sampel_maks": sampler.peak[p], "akhir": memory[p][0]}
                       for p in pids},
            "rss_jejak": sampler.trace,
            "cpu_server": cpu, "cpu_nginx": nginx_cpu,
            "cpu_generator": own1.ru_utime + own1.ru_stime - own0.ru_utime - own0.ru_stime,
            "mesin_sibuk": (busy1[0] - busy0[0]) / max(1, busy1[1] - busy0[1]),
            "per_proses": dict(collections.Counter(next(iter(u)) for u in routes.values() if len(u) == 1)),
            "pindah_proses": sum(len(u) > 1 for u in routes.values()),
            "log_server": stack.server_errors()[:20], "profil": frames,
        }


WRAPPERS = ("threading.py", "asyncio/", "concurrent/futures/", "scriptrunner/", "navigation/page.py", "cachetools/",
            "(dashboard.py:1)")  # frames that only pass the call on: left out of the inclusive list


def top_frames(path: Path, n: int = 15) -> dict:
    """py-spy's raw stacks: the functions with the most samples on the stack (inclusive, without WRAPPERS)
    and at its top (self)."""
    inclusive, own, total = collections.Counter(), collections.Counter(), 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = [f.strip() for f in stack.split(";")]  # outermost first
        total += int(count)
        own[frames[-1]] += int(count)
        for frame in set(frames):
            if not any(w in frame for w in WRAPPERS):
                inclusive[frame] += int(count)
    return {"sampel": total, "inklusif": inclusive.most_common(n), "sendiri": own.most_common(n)}


# --- server CPU per rerun -------------------------------------------------------------------------

async def quiet_cpu(pid: int) -> float:
    """The process's CPU once it has stopped using any (work after script_finished counts)."""
    last = cpu_seconds(pid)
    for _ in range(40):
        await asyncio.sleep(0.05)
        now = cpu_seconds(pid)
        if now == last:
            return now
        last = now
    return last


async def per_rerun(stack: Stack, runs: int) -> dict:
    pid = stack.apps[0].pid
    tab = Tab(f"https://127.0.0.1:{NGINX_PORT}", stack.ssl_context())
    await tab.open()
    changes = Changes()
    results, errors = {}, collections.Counter()

    async def timed(**rerun) -> tuple[float, float]:
        before = await quiet_cpu(pid)
        seconds = await tab.rerun(**rerun)
        errors.update(e for e, _ in tab.errors)
        return await quiet_cpu(pid) - before, seconds

    async def change() -> tuple[float, float]:
        kind, step = changes.next()
        wid, _, options, _ = tab.filters()[LABEL[kind]]
        measured = await timed(change=(wid, options[step % len(options)]))
        if tab.filters()[LABEL[kind]][1] != options[step % len(options)]:
            errors["filter tidak diterapkan"] += 1
        return measured

    for path, page_hash in list(tab.pages.items()):
        await tab.rerun(page_hash=page_hash)
        start, values = (dict(changes.position), changes.turn), {v[0]: v[1] for v in tab.filters().values()}
        first = [await change() for _ in range(runs)]
        changes.position, changes.turn = start
        await tab.rerun(restore=values)  # the filters back, so the second pass repeats the same views
        hits = [await change() for _ in range(runs)]
        results[page_name(path)] = {"pertama": first, "cache": hits}
        print(f"{page_name(path):14s} CPU pertama {pct([c for c, _ in first], .5) * 1000:4.0f} ms · cache "
              f"{pct([c for c, _ in hits], .5) * 1000:4.0f} ms", file=sys.stderr, flush=True)
    await tab.close()
    idle0 = cpu_seconds(pid)
    await asyncio.sleep(5)
    return {"halaman": results, "galat": dict(errors), "cpu_diam_per_detik": (cpu_seconds(pid) - idle0) / 5,
            "rss_mb": memory_mb(pid)[1], "rerun": runs}


def cpu_measure(args) -> dict:
    with Stack(1, Path(args.dir), args.streamlit) as stack:
        asyncio.run(warm(stack))
        return asyncio.run(per_rerun(stack, args.rerun))


# --- tables ---------------------------------------------------------------------------------------

def ms(v: float) -> str:
    return f"> {TIMEOUT:.0f} s" if v == math.inf else f"{v * 1000:,.0f}".replace(",", ".")


def both(values: list[float]) -> str:
    if not values:
        return "–"
    p50, p95 = pct(values, .5), pct(values, .95)
    return f"{ms(p50)} / {ms(p95)}" + (" ms" if p95 != math.inf else "")


def dec(v: float, places: int = 1) -> str:
    return f"{v:,.{places}f}".replace(",", "_").replace(".", ",").replace("_", ".")


def load_table(runs: list[dict]) -> tuple[str, list[str]]:
    lines = ["| proses | pengguna | rerun | ubah filter p50 / p95 | pindah halaman p50 / p95 | buka p50 / p95 | galat "
             "| RSS puncak per proses | CPU server / waktu |",
             "|---|---|---|---|---|---|---|---|---|"]
    notes, missed = [], []
    for r in runs:
        rows = r["rerun"]
        of = lambda kind: [row[3] for row in rows if row[1] == kind]  # noqa: E731
        errors = collections.Counter(e for row in rows for e in row[6] if e != "peringatan")
        peak = max(m["puncak"] for m in r["rss_mb"].values())
        cpu = sum(r["cpu_server"].values())
        lines.append(f"| {r['proses']} | {r['pengguna']} | {len(rows)} | {both(of('filter'))} | {both(of('halaman'))} "
                     f"| {both(of('buka'))} | {sum(errors.values())} | "
                     + " / ".join(f"{m['puncak']:.0f}" for m in r["rss_mb"].values())
                     + f" MB | {dec(cpu, 0)} s / {dec(r['detik'], 0)} s ({dec(cpu / r['detik'])} core) |")
        filters = [row for row in rows if row[1] == "filter"]
        settled = [row for row in rows if row[3] != math.inf]
        notes.append(
            f"- {r['proses']} proses: ubah filter ke tampilan pertama (dalam run ini) p50 / p95 "
            f"{both([x[3] for x in filters if x[4]])} ({sum(x[4] for x in filters)}×), ke yang sudah pernah dilihat "
            f"{both([x[3] for x in filters if not x[4]])} ({sum(not x[4] for x in filters)}×); CPU server per rerun "
            f"{ms(cpu / max(1, len(settled)))} ms, nginx {dec(r['cpu_nginx'])} s; generator beban "
            f"{dec(r['cpu_generator'])} s CPU ({dec(100 * r['cpu_generator'] / r['detik'])} % satu core); mesin sibuk "
            f"{100 * r['mesin_sibuk']:.0f} % (semua proses di mesin); pengguna per proses "
            f"{sorted(r['per_proses'].values())}, {r['pindah_proses']} pindah proses; galat: "
            + (", ".join(f"{k} {v}" for k, v in errors.most_common()) or "tidak ada"))
        if r["log_server"]:
            notes.append(f"  - log server: {len(r['log_server'])} baris galat, mis. `{r['log_server'][0][:160]}`")
        for kind, texts in r["contoh_galat"].items():
            notes.append(f"  - contoh {kind}: " + " · ".join(f"`{t[:120]}`" for t in texts))
        if errors:
            missed.append(f"galat dengan {r['proses']} proses")
        if r["pengguna"] >= TARGETS["users"] and pct(of("filter"), .95) > TARGETS["p95"]:
            missed.append(f"p95 ubah filter dengan {r['proses']} proses")
        if peak > TARGETS["rss_mb"]:
            missed.append(f"memori dengan {r['proses']} proses")
    pages = sorted({row[2] for r in runs for row in r["rerun"] if row[1] != "buka" and row[2] != "?"})
    lines += ["", "| halaman | " + " | ".join(f"{r['proses']} proses p50 / p95" for r in runs) + " |",
              "|---|" + "---|" * len(runs)]
    for page in pages:
        cells = [both([row[3] for row in r["rerun"] if row[2] == page and row[1] in ("filter", "halaman")])
                 for r in runs]
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    return "\n".join(lines + [""] + notes), missed


def cpu_table(m: dict, jeda: tuple[float, float]) -> tuple[str, list[str]]:
    think = sum(jeda) / 2
    lines = ["| halaman | CPU per rerun, tampilan pertama: median (rata-rata) "
             "| CPU per rerun, cache: median (rata-rata) | waktu rerun p50: pertama / cache "
             "| pengguna per core: pertama / cache |",
             "|---|---|---|---|---|"]
    missed = []
    for page, r in m["halaman"].items():
        cell = {}
        for kind in ("pertama", "cache"):
            cpu = [c for c, _ in r[kind]]
            cell[kind] = (pct(cpu, .5), sum(cpu) / len(cpu), pct([s for _, s in r[kind]], .5))
            if cell[kind][0] > TARGETS["cpu_rerun"]:
                missed.append(f"CPU per rerun {page} ({kind})")
        per_core = " / ".join(f"{(think + c[2]) / max(c[1], 1 / TICK):.0f}" for c in cell.values())
        first, hit = cell["pertama"], cell["cache"]
        lines.append(f"| {page} | {ms(first[0])} ({ms(first[1])}) ms | {ms(hit[0])} ({ms(hit[1])}) ms "
                     f"| {ms(first[2])} / {ms(hit[2])} ms | {per_core} |")
    lines += ["", f"- {m['rerun']} rerun per halaman per jenis, satu pengguna tanpa jeda, satu proses; CPU = "
              f"utime+stime proses server (/proc, detak {1000 // TICK} ms) sebelum dan sesudah rerun, dibaca setelah "
              f"proses diam; pengguna per core = (jeda rata-rata {dec(think)} s + waktu rerun) / CPU rata-rata per "
              "rerun, core penuh",
              f"- CPU proses saat diam: {dec(1000 * m['cpu_diam_per_detik'])} ms per detik; RSS puncak "
              f"{m['rss_mb']:.0f} MB; galat: " + (", ".join(f"{k} {v}" for k, v in m["galat"].items()) or "tidak ada")]
    if any(k != "peringatan" for k in m["galat"]):
        missed.append("galat pada ukuran CPU per rerun")
    return "\n".join(lines), missed


def jsonable(value):
    """JSON without Infinity: a rerun that never settled is null."""
    if isinstance(value, float) and math.isinf(value):
        return None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    return value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="/tmp/dasbor-bench", help="the demo source and mart (sumber.sqlite, "
                        "mart.duckdb)")
    parser.add_argument("--proses", default="1,2,4", help="numbers of app processes, one run each")
    parser.add_argument("--pengguna", type=int, default=50)
    parser.add_argument("--menit", type=float, default=10, help="minutes of each run, after the users opened")
    parser.add_argument("--jeda", default="5,20", help="think time MIN,MAX seconds between a user's actions")
    parser.add_argument("--buka", type=float, default=10, help="seconds over which the users open the dashboard")
    parser.add_argument("--rerun", type=int, default=10, help="reruns per page and kind in the CPU measure")
    parser.add_argument("--ukur", default="beban,cpu", help="what to measure: beban (the load runs), cpu (per rerun)")
    parser.add_argument("--aset", action="store_true", help="each opening also loads the entry script and styles")
    parser.add_argument("--hangat", action="store_true", help="each process visits every page before the users come")
    parser.add_argument("--profil", action="store_true", help="py-spy on the first process in the first load run")
    parser.add_argument("--streamlit", action="append", default=[], metavar="FLAG",
                        help="one more flag for every app process, e.g. --streamlit=--runner.postScriptGC=true")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", default=str(REPO / "bench" / "out" / "beban.json"))
    args = parser.parse_args()
    args.proses = [int(p) for p in args.proses.split(",")]
    args.jeda = tuple(float(v) for v in args.jeda.split(","))
    assert max(args.proses) < HTTP_PORT - APP_PORT, "at most 79 app processes on this bench's ports"
    assert (Path(args.dir) / "mart.duckdb").exists(), \
        f"{args.dir}/mart.duckdb missing: python bench/national_scale.py (or python -m data_access demo) first"

    started = time.monotonic()
    out: dict = {"tanggal": time.strftime("%Y-%m-%d"), "core": os.cpu_count(), "dir": args.dir,
                 "perintah": " ".join(sys.argv[1:])}
    missed, text = [], []
    if "beban" in args.ukur:
        out["beban"] = []
        for n in args.proses:
            out["beban"].append(load(n, args))
            print(f"{n} proses: {len(out['beban'][-1]['rerun'])} rerun", file=sys.stderr, flush=True)
        table, miss = load_table(out["beban"])
        text.append(f"{args.pengguna} pengguna · jeda {dec(args.jeda[0], 0)}–{dec(args.jeda[1], 0)} s · "
                    f"{dec(args.menit)} menit per run · proses dipanaskan: "
                    f"{'semua halaman' if args.hangat else 'ringkasan'} · {out['core']} core · {out['tanggal']}"
                    + "".join(f" · `{flag}`" for flag in args.streamlit) + f"\n\n{table}")
        missed += miss
        frames = out["beban"][0]["profil"]
        if frames:
            share = lambda n: f"{100 * n / frames['sampel']:.0f}"  # noqa: E731
            text.append(f"Profil proses pertama, {args.proses[0]} proses ({frames['sampel']} sampel py-spy, tanpa "
                        "thread diam):\n\n| fungsi (inklusif) | % | fungsi (sendiri) | % |\n|---|---|---|---|\n"
                        + "\n".join(f"| `{a[:90]}` | {share(an)} | `{b[:90]}` | {share(bn)} |"
                                    for (a, an), (b, bn) in zip(frames["inklusif"], frames["sendiri"])))
    if "cpu" in args.ukur:
        out["cpu"] = cpu_measure(args)
        table, miss = cpu_table(out["cpu"], args.jeda)
        text.append(table)
        missed += miss
    out["detik"] = time.monotonic() - started
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(jsonable(out), indent=1))
    print("\n\n".join(text))
    print(f"\n- target: tanpa galat; ubah filter p95 ≤ 1 s dengan {TARGETS['users']} pengguna; memori ≤ 1024 MB per "
          "proses; CPU server per rerun ≤ 100 ms (median, tiap halaman)")
    print("- semua target terpenuhi" if not missed else f"- target BELUM terpenuhi: {'; '.join(missed)}")
    print(f"\n(diukur dalam {out['detik']:.0f} detik)")


if __name__ == "__main__":
    main()
