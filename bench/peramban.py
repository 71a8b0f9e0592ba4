"""Benchmark: the browser's own work per rerun, in headless Chromium against a real server.

    python bench/peramban.py                                   # national scale, /tmp/dasbor-bench
    python bench/peramban.py --dir /tmp/dasbor-bench-100k --runs 6 --pages ringkasan,pelatihan

Starts `streamlit run dashboard.py` on --dir (the embedded demo there: demo mode, a planner over all
of Indonesia; the grant store goes to a temporary folder, so --dir is only read), opens each page in
headless Chromium (Playwright, window 1366x768) and waits until it has settled. Then, --runs times
per page, it changes the province filter in the sidebar as a user does (opens the selectbox, types,
picks the option; the values alternate, so first views and repeats both occur), waits until the
page has settled again and measures what that rerun cost:

- browser CPU: utime+stime (and the reaped children's) of every Chromium process (browser,
  renderers, GPU, utility) from just before the pick to the settled page;
- the page renderer's main thread: CDP Performance.getMetrics TaskDuration, ScriptDuration and
  LayoutDuration + RecalcStyleDuration over the same span;
- the server's CPU (the streamlit process) and the time from the pick to the settled page.

Settled: Streamlit's own state says the script is not running (stApp's data-test-script-state) after
a run that began with the pick (its "running" state was drawn and left, or, for a run too short for
React to draw it, the server's messages came and then stopped for 0,3 s), no element is stale, every
chart (Vega-Lite) and grid (st.dataframe) has drawn its canvas, and the renderer's main thread then
stays idle (under 5 ms of tasks in 250 ms). Those quiet spans are inside the measured one; the idle
cost of a settled page (its timers, the websocket) is measured per page first and printed beside it.

Target (issue 26): at most 300 ms of browser CPU per rerun (median) on the heaviest page.
Prints a Markdown table and writes JSON to --out.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

from first_start import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 (the bench folder is on the path now)
from page_speed import pct, run_and_report  # noqa: E402

PAGES = {  # name (as in bench/page_speed.py) -> url path
    "ringkasan": "", "pelatihan": "cakupan-pelatihan", "kompetensi": "kesenjangan-kompetensi",
    "kepuasan": "kepuasan-masyarakat", "perbandingan": "perbandingan-wilayah", "dampak": "dampak-pembinaan",
    "unduh": "unduh-data", "tentang_data": "tentang-data",
}
# The province filter walks these in turn: two provinces seen for the first time, back to the nation
# (seen when the page opened), then the same again as repeats.
PROVINCES = ["Jawa Barat", "Jawa Tengah", "Semua provinsi"]
TARGET_MS = 300  # browser CPU per rerun on the heaviest page (median)
HEADER = "text=ASN dalam pilihan ini"
TICK = os.sysconf("SC_CLK_TCK")

# Counts the script runs that ended (stApp's script state left "running"), so that a settled page
# is one whose rerun has happened, not one still showing the previous run. A run so short that React
# never drew its "running" state is seen by its messages instead (Tab.settle).
_WATCH = """() => {
  if (window.__dasbor) return;
  const app = document.querySelector('[data-testid=stApp]');
  window.__dasbor = {ended: 0};
  new MutationObserver(records => {
    for (const r of records) if (r.oldValue === 'running') window.__dasbor.ended++;
  }).observe(app, {attributes: true, attributeOldValue: true, attributeFilter: ['data-test-script-state']});
}"""
_STATE = """() => ({
  script: document.querySelector('[data-testid=stApp]')?.dataset.testScriptState, ended: window.__dasbor?.ended,
  stale: document.querySelectorAll('[data-stale=true]').length,
  undrawn: [...document.querySelectorAll('[data-testid=stVegaLiteChart], [data-testid=stDataFrame]')].filter(el => {
    const marks = el.querySelector('canvas, svg'), box = marks?.getBoundingClientRect();
    return !box || box.width < 10 || box.height < 10}).length})"""
QUIET_FRAMES = 0.3  # seconds without a message from the server: its run has ended


# --- CPU of processes -------------------------------------------------------------------------------

def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, command name, CPU ticks incl. reaped children) of a process, None once gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1:raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2:].split()  # fields[0] is field 3 (state)
    utime, stime, cutime, cstime = map(int, fields[11:15])
    return int(fields[1]), name, utime + stime + cutime + cstime


def chromium_cpu() -> float:
    """Seconds of CPU of every Chromium process this benchmark started (descendants of this
    process whose command is chromium's); a renderer that ended and was reaped counts in its
    parent's children's time, so the sum does not drop."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (s := _stat(int(entry))):
            stats[int(entry)] = s
    me, total = os.getpid(), 0
    for pid, (_, name, ticks) in stats.items():
        if not name.startswith("chrom"):
            continue
        parent = pid
        while parent in stats and parent != me:
            parent = stats[parent][0]
        if parent == me:
            total += ticks
    return total / TICK


def process_cpu(pid: int) -> float:
    s = _stat(pid)
    return s[2] / TICK if s else 0.0


# --- the page ----------------------------------------------------------------------------------------

class Tab:
    """One browser tab on one page of the dashboard, with its renderer's CDP metrics and the times
    the server's messages (websocket frames) arrived."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1366, "height": 768})
        self.page = self.context.new_page()
        self.cdp = self.context.new_cdp_session(self.page)
        self.cdp.send("Performance.enable")
        self.frames: list[float] = []
        self.cdp.send("Network.enable")
        self.cdp.on("Network.webSocketFrameReceived", lambda _: self.frames.append(time.monotonic()))
        self.page.goto(url)
        self.page.wait_for_selector(HEADER, timeout=300_000)
        self.page.evaluate(_WATCH)
        self.settle((-1, 0))  # the first run: whatever has ended

    def metrics(self) -> dict[str, float]:
        return {m["name"]: m["value"] for m in self.cdp.send("Performance.getMetrics")["metrics"]}

    def mark(self) -> tuple[int, int]:
        """Where things stand before a rerun: (runs ended, messages received)."""
        return self.page.evaluate("() => window.__dasbor.ended"), len(self.frames)

    def settle(self, before: tuple[int, int], timeout: float = 300) -> float:
        """Until a run after `before` (`mark`) has finished, everything has drawn, and the main
        thread is quiet; returns the time (monotonic) the page had drawn."""
        ended, frames = before
        deadline = time.monotonic() + timeout
        while True:
            state = self.page.evaluate(_STATE)
            ran = state["ended"] > ended or (
                len(self.frames) > frames and time.monotonic() - self.frames[-1] > QUIET_FRAMES)
            if ran and state["script"] == "notRunning" and not state["stale"] and not state["undrawn"]:
                drawn = time.monotonic() if state["ended"] > ended else self.frames[-1]
                break
            if time.monotonic() > deadline:
                self.page.screenshot(path=str(Path(tempfile.gettempdir()) / "peramban-timeout.png"))
                raise RuntimeError(f"{self.page.url}: halaman tidak tenang dalam {timeout:.0f} detik ({state})")
            time.sleep(0.05)
        busy = self.metrics()["TaskDuration"]
        while time.monotonic() < deadline:
            time.sleep(0.25)
            now = self.metrics()["TaskDuration"]
            if now - busy < 0.005:
                break
            busy = now
        return drawn

    def open_choice(self, label: str, option: str) -> None:
        """Open the sidebar selectbox `label` and type `option`, as a user about to pick it."""
        box = self.page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").filter(has_text=label).first
        box.locator("input").click()
        self.page.keyboard.type(option)
        choice = self.page.get_by_role("option", name=option, exact=True)
        choice.wait_for(timeout=10_000)
        # Found now, so that finding it (ARIA roles over the whole page) is not part of the rerun.
        self.choice = choice.element_handle()
        self.page.wait_for_timeout(300)  # the list has drawn

    def pick(self) -> None:
        self.choice.click()

    def close(self) -> None:
        self.context.close()


def measure_page(browser, base: str, server_pid: int, name: str, runs: int) -> dict:
    tab = Tab(browser, f"{base}/{PAGES[name]}")
    try:
        # What a settled page costs by itself, per second (timers, the websocket's pings).
        cpu0, task0 = chromium_cpu(), tab.metrics()["TaskDuration"]
        time.sleep(2)
        idle = {"cpu": (chromium_cpu() - cpu0) / 2, "task": (tab.metrics()["TaskDuration"] - task0) / 2}
        seen, rows = {"Semua provinsi"}, []
        for i in range(runs):
            option = PROVINCES[i % len(PROVINCES)]
            tab.open_choice("Provinsi", option)
            before = tab.mark()
            m0, cpu0, srv0, t0 = tab.metrics(), chromium_cpu(), process_cpu(server_pid), time.monotonic()
            tab.pick()
            drawn = tab.settle(before)
            m1, cpu1, srv1 = tab.metrics(), chromium_cpu(), process_cpu(server_pid)
            delta = {key: m1[key] - m0[key] for key in
                     ("TaskDuration", "ScriptDuration", "LayoutDuration", "RecalcStyleDuration")}
            rows.append({"provinsi": option, "pertama": option not in seen, "cpu": cpu1 - cpu0,
                         "task": delta["TaskDuration"], "script": delta["ScriptDuration"],
                         "layout": delta["LayoutDuration"] + delta["RecalcStyleDuration"],
                         "server": srv1 - srv0, "detik": drawn - t0})
            seen.add(option)
            print(f"  {name} #{i + 1} {option}: peramban {rows[-1]['cpu'] * 1000:.0f} ms, utas utama "
                  f"{rows[-1]['task'] * 1000:.0f} ms, server {rows[-1]['server'] * 1000:.0f} ms, "
                  f"{rows[-1]['detik']:.2f} s", file=sys.stderr, flush=True)
        return {"idle": idle, "runs": rows}
    finally:
        tab.close()


# --- the server ------------------------------------------------------------------------------------

def start_server(folder: Path, port: int, akses: Path) -> subprocess.Popen:
    """`streamlit run dashboard.py` on the demo in `folder`, as bench/page_speed.py's main sets it up."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MART_PATH", "AUTH_DISABLED")}
    env.update(DATA_DIR=str(folder), AKSES_PATH=str(akses))
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
         "--server.headless", "true", "--server.fileWatcherType", "none"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                sys.exit(f"streamlit tidak mulai dalam 120 detik di port {port}")
            time.sleep(0.3)


def measure(args) -> dict:
    folder = Path(args.dir)
    if not (folder / "mart.duckdb").exists():
        sys.exit(f"{folder} belum berisi mart.duckdb (buat dengan bench/national_scale.py atau bench/page_speed.py)")
    pages = args.pages.split(",")
    unknown = set(pages) - set(PAGES)
    if unknown:
        sys.exit(f"halaman tidak dikenal: {', '.join(sorted(unknown))} (pilih dari {', '.join(PAGES)})")
    with tempfile.TemporaryDirectory(prefix="peramban-") as tmp:
        server = start_server(folder, args.port, Path(tmp) / "akses.sqlite")
        base = f"http://127.0.0.1:{args.port}"
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--disable-quic"])
                # The first session of a process with pages/ answers a deep link with "Page not found"
                # once (see tests/test_e2e.py `serve`): open the home page first, as a user would.
                Tab(browser, base).close()
                results = {}
                for name in pages:
                    results[name] = measure_page(browser, base, server.pid, name, args.runs)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {"dir": str(folder), "runs": args.runs, "date": time.strftime("%Y-%m-%d"), "cores": os.cpu_count(),
            "chromium": subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip(),
            "results": results}


def table(m: dict) -> str:
    ms = lambda v: f"{v * 1000:.0f}"  # noqa: E731
    med = lambda rows, key: pct([r[key] for r in rows], .5)  # noqa: E731
    lines = [f"{m['dir']} · {m['cores']} core · {m['chromium']} · {m['date']} · {m['runs']} rerun per halaman "
             "(ganti provinsi)", "",
             "| halaman | CPU peramban median / p95 | pertama / ulang (median) | utas utama: tugas / skrip / "
             "tata letak+gaya (median) | CPU server (median) | sampai tenang (median) | diam per detik |",
             "|---|---|---|---|---|---|---|"]
    heaviest = max(m["results"], key=lambda page: med(m["results"][page]["runs"], "cpu"))
    for page, r in m["results"].items():
        rows = r["runs"]
        cpu = [x["cpu"] for x in rows]
        first = [x["cpu"] for x in rows if x["pertama"]] or [float("nan")]
        again = [x["cpu"] for x in rows if not x["pertama"]] or [float("nan")]
        lines.append(
            f"| {page}{' (terberat)' if page == heaviest else ''} | **{ms(pct(cpu, .5))}** / {ms(pct(cpu, .95))} ms "
            f"| {ms(pct(first, .5))} / {ms(pct(again, .5))} ms "
            f"| {ms(med(rows, 'task'))} / {ms(med(rows, 'script'))} / {ms(med(rows, 'layout'))} ms "
            f"| {ms(med(rows, 'server'))} ms | {med(rows, 'detik'):.2f} s | {ms(r['idle']['cpu'])} ms |".replace(".", ","))
    worst = med(m["results"][heaviest]["runs"], "cpu")
    lines += ["", f"- target: CPU peramban ≤ {TARGET_MS} ms per rerun (median) di halaman terberat: "
              f"{heaviest} {ms(worst)} ms, {'terpenuhi' if worst * 1000 <= TARGET_MS else 'BELUM terpenuhi'}",
              "- CPU peramban: semua proses Chromium (browser, renderer, GPU, utilitas); utas utama: renderer "
              "halaman (CDP Performance.getMetrics); diam: CPU peramban per detik pada halaman yang sudah tenang"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="/tmp/dasbor-bench")
    parser.add_argument("--runs", type=int, default=10, help="reruns (province changes) per page")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated, from: " + ", ".join(PAGES))
    parser.add_argument("--port", type=int, default=18800)
    parser.add_argument("--out", default=str(REPO / "bench" / "out" / "peramban.json"))
    args = parser.parse_args()
    run_and_report(measure, table, args)


if __name__ == "__main__":
    main()
