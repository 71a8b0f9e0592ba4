"""Benchmark: how fast every page answers, measured in-process with Streamlit's AppTest.

    python bench/page_speed.py                      # national scale, /tmp/dasbor-bench
    python bench/page_speed.py --pegawai 100000 --dir /tmp/dasbor-bench-100k   # quick run, < 2 min

--dir holds the demo source and mart under their default names (sumber.sqlite,
mart.duckdb); when the mart is missing it is generated first (national scale: run
`python bench/national_scale.py` once instead, it measures that step). Per page:

- cold: a new session's first render right after a refresh (the mart's version is
  bumped, so every cache keyed on it misses and a new connection opens);
- new session: a new session's first render while others have used the app;
- first view: reruns after changing one main filter (year, province, agency, ASN type)
  to a value nobody has looked at since the refresh, so every figure is computed;
- warm: the same filter changes again, as a user meets them once anyone has looked at
  those values since the refresh (the figures come from the cache, the page is rendered);
- 8 sessions at once, each in its own process, doing those changes (p95, both kinds);
- raw: the page's main question answered straight from the source tables, as a BI tool
  querying the personnel database would, against our data layer answering the same
  question from the mart with its cache emptied, and the ratio;
- the resident memory of the process after all of it.

Prints a Markdown table (the one in docs/performance.md) and writes JSON to --out.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sqlite3
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "bench")]

PAGES = ["ringkasan", "pelatihan", "kompetensi", "kepuasan", "perbandingan", "dampak", "unduh", "tentang_data"]
TARGETS = {"warm_p50": 0.150, "warm_p95": 0.300, "new_p50": 0.500, "cold_p50": 1.0, "concurrent_p95": 0.300,
           "ratio": 50, "rss_mb": 1024,  # issue 11
           "first_p95": 0.300}  # issue 26: a filter value nobody has looked at since the refresh
NATIONAL = 4_000_000  # employees: the scale the targets are set for

# The page's main question straight from the source tables (SQLite): what a BI tool would ask.
_PNS_YEAR = """
    WITH pns AS (SELECT p.nip, p.kode_unit FROM pegawai p WHERE p.jenis_asn = 'PNS'
                   AND p.tmt_asn <= '{y}-12-31' AND (p.aktif = 1 OR p.tanggal_berhenti >= '{y}-01-01')),
         jp AS (SELECT nip, sum(jp) AS jp FROM riwayat_pelatihan
                WHERE tanggal_selesai BETWEEN '{y}-01-01' AND '{y}-12-31' GROUP BY nip)"""
_IKM = " + ".join(f"avg(s.u{i})" for i in range(1, 10)) + ") / 9 * 25"
RAW = {
    "ringkasan": _PNS_YEAR + """
        SELECT count(*), avg(coalesce(jp.jp, 0) >= 20), avg(coalesce(jp.jp, 0)) FROM pns LEFT JOIN jp USING (nip)""",
    "pelatihan": _PNS_YEAR + """
        SELECT substr(u.kode_wilayah, 1, 2) AS provinsi, count(*), avg(coalesce(jp.jp, 0) >= 20)
        FROM pns LEFT JOIN jp USING (nip) JOIN unit_kerja u ON u.kode = pns.kode_unit GROUP BY 1""",
    "kompetensi": """
        WITH latest AS (SELECT nip, kode_kompetensi, level, row_number() OVER (
                            PARTITION BY nip, kode_kompetensi ORDER BY tanggal DESC, id DESC) AS r
                        FROM penilaian_kompetensi WHERE tanggal <= '{y}-12-31')
        SELECT count(*), avg(ok) FROM (
            SELECT l.nip, min(l.level >= s.level_standar) AS ok FROM latest l
            JOIN pegawai p ON p.nip = l.nip
            JOIN standar_kompetensi s ON s.jenjang_jabatan = p.jenjang_jabatan AND s.kode_kompetensi = l.kode_kompetensi
            WHERE l.r = 1 GROUP BY l.nip)""",
    "kepuasan": f"""
        SELECT substr(u.kode_wilayah, 1, 2), count(*), ({_IKM} FROM survei_kepuasan s
        JOIN unit_kerja u ON u.kode = s.kode_unit WHERE s.tanggal BETWEEN '{{y}}-01-01' AND '{{y}}-12-31' GROUP BY 1""",
    "perbandingan": _PNS_YEAR + f""",
         cov AS (SELECT substr(u.kode_wilayah, 1, 2) AS prov, avg(coalesce(jp.jp, 0) >= 20) AS cakupan
                 FROM pns LEFT JOIN jp USING (nip) JOIN unit_kerja u ON u.kode = pns.kode_unit GROUP BY 1),
         srv AS (SELECT substr(u.kode_wilayah, 1, 2) AS prov, ({_IKM} AS ikm FROM survei_kepuasan s
                 JOIN unit_kerja u ON u.kode = s.kode_unit WHERE s.tanggal BETWEEN '{{y}}-01-01' AND '{{y}}-12-31'
                 GROUP BY 1)
        SELECT * FROM cov LEFT JOIN srv USING (prov)""",
    "dampak": _PNS_YEAR.replace("{y}", "{y0}") + f""",
         cov AS (SELECT u.kode_instansi, avg(coalesce(jp.jp, 0) >= 20) AS cakupan
                 FROM pns LEFT JOIN jp USING (nip) JOIN unit_kerja u ON u.kode = pns.kode_unit GROUP BY 1),
         srv AS (SELECT u.kode_instansi, ({_IKM} AS ikm FROM survei_kepuasan s
                 JOIN unit_kerja u ON u.kode = s.kode_unit WHERE s.tanggal BETWEEN '{{y}}-01-01' AND '{{y}}-12-31'
                 GROUP BY 1)
        SELECT count(*), avg(cakupan), avg(ikm) FROM cov JOIN srv USING (kode_instansi)""",
    "tentang_data": """SELECT (SELECT count(*) FROM pegawai), (SELECT count(*) FROM riwayat_pelatihan),
                              (SELECT count(*) FROM penilaian_kompetensi), (SELECT count(*) FROM survei_kepuasan)""",
}
RAW["unduh"] = RAW["pelatihan"]  # its default dataset: training per province


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def new_session(page: str, mart_path: str | None = None):
    """A new session showing `page`: (AppTest, seconds of that page's first render). With
    `mart_path`, right after a refresh (the mart's version is bumped just before the render).

    AppTest cannot open a deep link (its first run of an app with a pages/ folder is an
    old-style one, and a page switch needs the pages a run registered), so a session opens
    the home page first and then switches; only the switch is timed, and the refresh lands
    between the two."""
    from streamlit.testing.v1 import AppTest
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=300)
    if page != "ringkasan":
        at.run()
        at.switch_page(f"pages/{page}.py")
    if mart_path:
        bump_version(mart_path)
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].value}")
    return at, elapsed


def bump_version(mart_path: str) -> None:
    """What a refresh does to readers: the mart's identity changes, every cache keyed on it misses."""
    os.utime(mart_path, ns=(time.time_ns(), time.time_ns()))


class Changes:
    """Which main filter the next warm rerun changes, and to which of its options: each filter
    walks through its options in turn, so the combinations are new and their figures are
    computed, not found in the cache."""

    FILTERS = ("Provinsi", "Tahun", "Instansi", "Jenis ASN")

    def __init__(self):
        self.turn = 0
        self.position = dict.fromkeys(self.FILTERS, 0)

    def next(self) -> tuple[str, int]:
        kind = self.FILTERS[self.turn % len(self.FILTERS)]
        self.turn += 1
        self.position[kind] += 1
        return kind, self.position[kind]


def filters_of(at) -> dict:
    return {box.label: box.value for box in at.sidebar.selectbox if box.label in Changes.FILTERS}


def restore(at, values: dict) -> None:
    """Put the main filters back (one untimed rerun), so a pass repeats the same combinations."""
    for box in at.sidebar.selectbox:
        if box.label in values:
            box.set_value(values[box.label])
    at.run()


def change(at, kind: str, step: int) -> float:
    box = next(s for s in at.sidebar.selectbox if s.label == kind)
    values = list(box.format_func.__self__)  # the filter's value -> label dict (ui.frame)
    box.set_value(values[step % len(values)])
    started = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - started
    if at.exception:
        raise RuntimeError(f"{kind} #{step}: {at.exception[0].value}")
    return elapsed


def _concurrent_session(i: int, runs: int, barrier) -> tuple[list[float], list[float]]:
    """One of the concurrent sessions (in a worker process): open a page, wait for the others,
    then rerun after filter changes no other session makes (first view), then the same
    changes again (warm), all sessions starting each pass together."""
    at, _ = new_session(PAGES[i % len(PAGES)])
    changes = Changes()
    changes.position = {kind: 1000 * (i + 1) for kind in Changes.FILTERS}
    start, values = dict(changes.position), filters_of(at)
    barrier.wait()
    first = [change(at, *changes.next()) for _ in range(runs)]
    changes.position, changes.turn = start, 0
    restore(at, values)
    barrier.wait()
    return first, [change(at, *changes.next()) for _ in range(runs)]


def _our_answer(page: str, info, year: int) -> float:
    """Seconds our data layer takes to answer the page's main question (the RAW one) from
    the mart, its cache emptied first."""
    from data_access import ekspor, queries
    from data_access.filters import ALL, Filters
    sel = queries.Selection(info.path, info.version, ALL, Filters(tahun=year))
    answer = {
        "ringkasan": (queries.headline, lambda: queries.headline(sel, queries.RINGKASAN)),
        "pelatihan": (queries.cakupan_per_wilayah, lambda: queries.cakupan_per_wilayah(sel)),
        "kompetensi": (queries.headline, lambda: queries.headline(sel, queries.kompetensi.KARTU)),
        "kepuasan": (queries.indikator_provinsi, lambda: queries.indikator_provinsi(sel)),
        "perbandingan": (queries.indikator_provinsi, lambda: queries.indikator_provinsi(sel)),
        "dampak": (queries.cakupan_dan_ikm, lambda: queries.cakupan_dan_ikm(sel)),
        "unduh": (None, lambda: queries.run(sel, *ekspor.DATASETS["pelatihan_provinsi"].sql(ALL, sel.filters, False))),
        "tentang_data": (queries.umum._kesegaran, lambda: queries.kesegaran(sel, 3)),
    }[page]
    queries.figures.clear()  # the datasets above are built from the measure layer's figures
    if answer[0] is not None:
        answer[0].clear()
    started = time.perf_counter()
    answer[1]()
    return time.perf_counter() - started


def measure(args) -> dict:
    from data_access import config, mart

    settings = config.load_settings()
    info = mart.info(settings.mart_path)
    changes = Changes()
    results: dict[str, dict] = {}

    for page in PAGES:
        cold, fresh, first, warm = [], [], [], []
        for _ in range(args.runs):
            cold.append(new_session(page, settings.mart_path)[1])
        for _ in range(args.runs):
            fresh.append(new_session(page)[1])
        at, _ = new_session(page)
        start, values = (dict(changes.position), changes.turn), filters_of(at)
        for _ in range(args.runs):
            first.append(change(at, *changes.next()))
        changes.position, changes.turn = start
        restore(at, values)
        for _ in range(args.runs):
            warm.append(change(at, *changes.next()))
        results[page] = {"cold": cold, "new": fresh, "first": first, "warm": warm}
        print(f"{page:14s} cold p50 {pct(cold, .5) * 1000:5.0f} ms · new {pct(fresh, .5) * 1000:4.0f} · first view "
              f"{pct(first, .5) * 1000:4.0f}/{pct(first, .95) * 1000:4.0f} · warm {pct(warm, .5) * 1000:4.0f}/"
              f"{pct(warm, .95) * 1000:4.0f} ms", file=sys.stderr, flush=True)

    # 8 sessions at once, each in its own process (AppTest patches process-wide state, so it
    # cannot run two sessions in one process), each on its own page, doing warm reruns.
    import page_speed  # this file by its module name: spawned workers import it to find the function
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(args.sessions)
        with ctx.Pool(args.sessions) as pool:
            runs = pool.starmap(page_speed._concurrent_session,
                                [(i, args.concurrent_runs, barrier) for i in range(args.sessions)])
    together = {"first": [t for first, _ in runs for t in first], "warm": [t for _, warm in runs for t in warm]}

    # Raw source answers.
    source = settings.database_url.removeprefix("sqlite:///")
    raw = {page: float("nan") for page in PAGES}
    year = info.tahun_akhir - 1
    for page in PAGES if args.raw else []:
        sql = RAW[page].replace("{y0}", str(year - 1)).replace("{y}", str(year))
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as con:
            started = time.perf_counter()
            con.execute(sql).fetchall()
            raw[page] = time.perf_counter() - started
        print(f"{page:14s} raw {raw[page]:.1f} s", file=sys.stderr, flush=True)

    # Ours for the same questions: the data layer's answer with its cache emptied first.
    ours = {page: pct([_our_answer(page, info, year) for _ in range(5)], .5) for page in PAGES}

    with open("/proc/self/status") as fh:
        rss_kb = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
    return {"results": results, "concurrent": together, "raw": raw, "ours": ours, "rss_mb": rss_kb / 1024,
            "pegawai": int(dict(info.meta).get("baris_pegawai", 0)), "cores": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d"), "runs": args.runs, "sessions": args.sessions}


def table(m: dict) -> str:
    ms = lambda v: f"{v * 1000:.0f}"  # noqa: E731
    both = lambda v: f"{ms(pct(v, .5))} / {ms(pct(v, .95))}"  # noqa: E731
    lines = [
        f"{m['pegawai']:,} pegawai · {m['cores']} core · {m['date']} · {m['runs']} run per ukuran".replace(",", "."),
        "",
        "| halaman | cold p50 / p95 | sesi baru p50 / p95 | warm p50 / p95 | tampilan pertama p50 / p95 "
        "| pertanyaan utama: sumber mentah / mart | kali lebih cepat |",
        "|---|---|---|---|---|---|---|",
    ]
    ok = True
    national = m["pegawai"] >= NATIONAL  # a small source answers fast by itself: no ratio to judge
    for page, r in m["results"].items():
        ratio = m["raw"][page] / m["ours"][page]
        ok &= (pct(r["warm"], .5) <= TARGETS["warm_p50"] and pct(r["warm"], .95) <= TARGETS["warm_p95"]
               and pct(r["new"], .5) <= TARGETS["new_p50"] and pct(r["cold"], .5) <= TARGETS["cold_p50"]
               and pct(r["first"], .95) <= TARGETS["first_p95"] and not (national and ratio < TARGETS["ratio"]))
        raw = f"{m['raw'][page]:.1f}".replace(".", ",")
        lines.append(f"| {page} | {both(r['cold'])} ms | {both(r['new'])} ms | {both(r['warm'])} ms "
                     f"| {both(r['first'])} ms | {raw} s / {ms(m['ours'][page])} ms "
                     f"| {f'{ratio:,.0f}'.replace(',', '.')}× |")
    concurrent = m["concurrent"]
    ok &= pct(concurrent["warm"], .95) <= TARGETS["concurrent_p95"] and m["rss_mb"] <= TARGETS["rss_mb"]
    lines += ["",
              f"- {m['sessions']} sesi bersamaan, masing-masing di prosesnya sendiri ({len(concurrent['warm'])} rerun): warm p95 "
              f"**{ms(pct(concurrent['warm'], .95))} ms**; tampilan pertama p95 {ms(pct(concurrent['first'], .95))} ms",
              f"- memori proses (RSS) setelah semua halaman dan filter: **{m['rss_mb']:.0f} MB**",
              "- target: warm p50 ≤ 150 ms dan p95 ≤ 300 ms; tampilan pertama p95 ≤ 300 ms; sesi baru ≤ 500 ms; cold ≤ 1 s; 8 sesi warm p95 "
              "≤ 300 ms; ≥ 50× lebih cepat dari sumber mentah" + ("" if national else " (dinilai pada skala "
              "nasional saja)") + "; memori ≤ 1024 MB",
              f"- semua target {'terpenuhi' if ok else 'BELUM terpenuhi'}"]
    return "\n".join(lines)


def run_and_report(measure, table, args) -> None:
    """Run a bench's `measure(args)`, write its JSON to --out, print its Markdown table and how long it took."""
    started = time.monotonic()
    m = measure(args)
    m["seconds"] = time.monotonic() - started
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(m, indent=1))
    print(table(m))
    print(f"\n(diukur dalam {m['seconds']:.0f} detik)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="/tmp/dasbor-bench")
    parser.add_argument("--pegawai", type=int, default=4_500_000, help="size to generate when --dir has no mart")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=8)
    parser.add_argument("--concurrent-runs", type=int, default=10, help="reruns per concurrent session and pass")
    parser.add_argument("--no-raw", dest="raw", action="store_false", help="skip the raw-source queries")
    parser.add_argument("--out", default=str(REPO / "bench" / "out" / "page_speed.json"))
    parser.add_argument("--eksekutif", action="store_true",
                        help="as an executive (aggregates only, small cells protected) instead of the demo's planner")
    args = parser.parse_args()

    folder = Path(args.dir)
    # No warm-up after each bumped version (queries/siap.py): it would run beside the measured
    # reruns, and answer some first views before they are asked.
    os.environ.update(DATA_DIR=str(folder), AKSES_PATH=str(folder / "akses.sqlite"), PERIKSA_MART_DETIK="0")
    for name in ("DATABASE_URL", "MART_PATH", "AUTH_DISABLED"):
        os.environ.pop(name, None)
    if args.eksekutif:  # the same data as a configured source without login: an executive's view
        os.environ.update(DATABASE_URL=f"sqlite:///{folder / 'sumber.sqlite'}", MART_PATH=str(folder / "mart.duckdb"),
                          AUTH_DISABLED="1")
    if not (folder / "mart.duckdb").exists():
        from data_access import db, demo, refresh
        print(f"Membuat data demo {args.pegawai:,} pegawai di {folder}…", file=sys.stderr, flush=True)
        url = f"sqlite:///{folder / 'sumber.sqlite'}"
        demo.generate(db.make_engine(url, create_sqlite_dir=True), n_pegawai=args.pegawai, overwrite=True)
        refresh.refresh(url, str(folder / "mart.duckdb"))

    run_and_report(measure, table, args)


if __name__ == "__main__":
    main()
