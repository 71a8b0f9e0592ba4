"""Benchmark: a fresh start, from no data at all to the first page in a real browser.

    python bench/first_start.py [--runs 3]

Starts `streamlit run dashboard.py` with an empty DATA_DIR (so the demo source and
mart are generated, as on a fresh clone), opens it in headless Chromium and times
until the home page shows its figures. Target (issue 3): within 30 seconds on a
2-core machine. Needs Debian's chromium and the playwright package.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def one_run() -> float:
    with tempfile.TemporaryDirectory() as data_dir:
        port = free_port()
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MART_PATH")}
        env["DATA_DIR"] = data_dir
        started = time.monotonic()
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port),
             "--server.headless", "true"], cwd=REPO, env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page()
                while True:
                    try:
                        page.goto(f"http://127.0.0.1:{port}/", timeout=2000)
                        break
                    except Exception:
                        if time.monotonic() - started > 120:
                            raise
                        time.sleep(0.2)
                page.wait_for_selector("text=ASN dalam pilihan ini", timeout=120_000)
                elapsed = time.monotonic() - started
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = [one_run() for _ in range(args.runs)]
    print("| pengukuran | nilai | target |\n|---|---|---|")
    print(f"| mulai pertama sampai halaman pertama tampil (median {args.runs} kali) | "
          f"{statistics.median(times):.1f} detik (terlama {max(times):.1f}) | <= 30 detik |")


if __name__ == "__main__":
    main()
