"""Data and links are shown as text (issue 19, point 3): names of regions, agencies, units,
employees, competencies and trainings, survey suggestions and URL parameters never render as
Markdown, HTML, LaTeX, an image, a link, coloured text or an icon.

Every page runs under AppTest on a copy of the demo source whose every name and suggestion
begins with one of the PAYLOADS (MARKUP and bare addresses). Each text an element hands to Streamlit's Markdown
renderer (bodies, labels, help, toasts: every string field of every element, except the few
Streamlit shows as plain text) must not hold a payload as written, and every payload must be
shown there, readable as written once its escapes are read. The browser side (what Chromium
fetches and draws) is tests/test_hardening_display_e2e.py.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from google.protobuf.message import Message

from data_access import refresh
from ui import format as fmt

from .conftest import as_embedded_demo
from .expected import mart_query
from .payloads import EVIL_HOST, MARKUP
from .test_frame import PAGES, header_line, new_app, open_tables

# Beyond MARKUP: what Streamlit turns into a link, a logo or an emoji after parsing (see ui/format.py).
PAYLOADS = MARKUP + [f"http://{EVIL_HOST}/polos", f"www.{EVIL_HOST}", f"surat@{EVIL_HOST}", ":streamlit: :smile:"]
POISONED = [("wilayah", "nama"), ("instansi", "nama"), ("unit_kerja", "nama"), ("pegawai", "nama"),
            ("kompetensi", "nama"), ("riwayat_pelatihan", "nama_pelatihan"), ("survei_kepuasan", "saran")]
HOSTILE_QUERY = {f"<img src=http://{EVIL_HOST}/q.png>": "1", f"![x](http://{EVIL_HOST}/p.png)": "2",
                 "tahun": "2205", "provinsi": "<script>"}
# Fields Streamlit shows as plain text (or never shows): the rest of every element is Markdown.
PLAIN_FIELDS = {"id", "icon", "tag", "type", "divider", "theme", "form_id", "page", "page_script_hash",
                "query_string", "url", "spec", "datasets", "data", "columns", "options", "raw_value",
                "raw_values", "default", "placeholder", "accept_new_options"}
# selectbox and multiselect options, Vega-Lite specs (chart text is drawn as text), data grids,
# a link's own address: plain text in Streamlit 1.67 (checked in the browser, see the e2e test).


def poison(path: Path) -> None:
    """Put a payload in front of every name and suggestion of the source at `path`,
    cycling through the payloads, so every list, header and link on every page carries some."""
    con = sqlite3.connect(path)
    for table, column in POISONED:
        rows = con.execute(f"SELECT rowid, {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()
        con.executemany(f"UPDATE {table} SET {column} = ? WHERE rowid = ?",
                        [(f"{PAYLOADS[i % len(PAYLOADS)]} {value}", rowid) for i, (rowid, value) in enumerate(rows)])
    con.commit()
    con.close()


@pytest.fixture(scope="session")
def hostile_demo(sqlite_demo, tmp_path_factory):
    """(url, mart): the small demo with a payload in every name and suggestion, refreshed into a
    mart of its own, both as the embedded default of a data folder (demo mode, no login)."""
    url, _ = sqlite_demo
    folder = tmp_path_factory.mktemp("berbahaya")
    source = folder / "sumber.sqlite"
    with sqlite3.connect(url.removeprefix("sqlite:///")) as original, sqlite3.connect(source) as copy:
        original.backup(copy)
    poison(source)
    refresh.refresh(f"sqlite:///{source}", str(folder / "mart.duckdb"))
    return f"sqlite:///{source}", folder / "mart.duckdb"


@pytest.fixture
def hostile_env(hostile_demo, monkeypatch, tmp_path):
    as_embedded_demo(monkeypatch, hostile_demo[1], tmp_path / "akses.sqlite")
    return hostile_demo


def busiest_agency(mart: Path, provinsi: str) -> str:
    return mart_query(mart, f"""SELECT u.kode_instansi FROM pegawai p JOIN unit_kerja u ON u.kode = p.kode_unit
        WHERE u.kode_provinsi = '{provinsi}' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1""").iloc[0, 0]


def shown(markdown: str) -> str:
    """What a reader sees of text made of plain characters and backslash escapes (CommonMark:
    a backslash before ASCII punctuation shows the mark itself); the word joiners are invisible."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(fmt.PENGHUBUNG, "")


def _strings(message: Message, name: str = ""):
    for field, value in message.ListFields():
        values = [value] if isinstance(value, (str, bytes, Message, int, float)) else list(value)
        for v in values:
            if isinstance(v, Message):
                yield from _strings(v, field.name)
            elif isinstance(v, str) and field.name not in PLAIN_FIELDS:
                yield f"{name}.{field.name}".strip("."), v


def markdown_texts(at) -> list[tuple[str, str]]:
    """(element type and field, text) of every text the app handed to the Markdown renderer."""
    found = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            found.extend((f"{node.type}.{name}", text) for name, text in _strings(proto))
        for child in (getattr(node, "children", None) or {}).values():
            walk(child)
    walk(at._tree)
    return found


def assert_shown_as_text(at) -> set[str]:
    """No Markdown text holds a payload as written; returns the payloads it shows (escaped)."""
    seen = set()
    for where, text in markdown_texts(at):
        for payload in PAYLOADS:
            assert not re.search(r"(?<!\\)" + re.escape(payload), text), f"{where} memuat markup mentah: {text!r}"
            if payload in shown(text):
                seen.add(payload)
        assert not re.search(r"(?<!\\)(!\[|\]\(|<img|<script|https?:(?!" + fmt.PENGHUBUNG + "))", text), (where, text)
    return seen


def run_page(page: str, query: dict):
    at = new_app(query)
    at.switch_page(f"pages/{page}.py").run()
    for toggle in ("daftar_pns", "daftar_kebutuhan"):  # the person lists (planner in demo mode)
        at.session_state[toggle] = True
    at = open_tables(at.run())
    assert not at.exception, at.exception
    assert not at.error, [e.value for e in at.error]
    return at


# --- the helper itself -----------------------------------------------------------------------

@pytest.mark.parametrize("payload", MARKUP + [
    "http://evil.example/x www.evil.example a@evil.example", ":streamlit: :smile:", "A -> B -- C >= D <- E",
    "&lt;b&gt; &amp;", f"<http://{EVIL_HOST}/auto>", "Kab. Tapanuli (Utara) 1. x_y", "~~coret~~ ==x== | a | b |",
    "> kutipan", "- butir", "1. nomor", "<!-- komentar -->", "\\*tetap\\*"])
def test_every_mark_is_escaped_and_reads_as_written(payload):
    safe = fmt.teks_aman(payload)
    assert shown(safe) == payload
    assert not re.search(r"(?<!\\)[!-/:-@\[-`{-~]", re.sub(r"\\.", "", safe)), safe  # every mark escaped
    for pattern in (r"https?://", r"www\.", r"\w@\w", r":\w+:", r"(^|\s)(->|--|>=|<-)"):
        assert not re.search(pattern, safe.replace("\\", "")), (pattern, safe)  # Streamlit's text rewrites


@pytest.mark.parametrize("value, expected", [
    ("Biro\tUmum\n\nDan  Keuangan", "Biro Umum Dan Keuangan"),
    ("Nama\x00tersembunyi\x1b[31m", "Nama tersembunyi \\[31m"),
    ("Dinas\u202eknil\u202c Sosial\u200b", "Dinasknil Sosial"),  # a direction override cannot reverse text
    (None, "–"), (float("nan"), "–"), (12, "12"),
])
def test_control_and_invisible_characters(value, expected):
    assert fmt.teks_aman(value) == expected


def test_long_names_are_cut():
    assert fmt.teks_aman("A" * 200) == "A" * 200
    assert fmt.teks_aman("A" * 201) == "A" * 199 + "…"
    assert fmt.teks_aman("Saran " * 300, batas=1000).endswith("…")
    assert len(fmt.teks_aman("x" * 5000, batas=1000)) == 1000


# --- every page ------------------------------------------------------------------------------

def test_every_page_shows_names_and_suggestions_as_text(hostile_env):
    _, mart = hostile_env
    views = [{}, {"provinsi": "32", "instansi": busiest_agency(mart, "32")}]
    seen = set()
    for page in PAGES:
        for query in views:
            at = run_page(page, query)
            seen |= assert_shown_as_text(at)
    assert seen == set(PAYLOADS)  # each payload reached a Markdown element, escaped


def test_headers_links_breadcrumb_and_suggestions_carry_the_names_escaped(hostile_env):
    _, mart = hostile_env
    agency = busiest_agency(mart, "32")
    names = dict(mart_query(mart, f"""SELECT kode, nama FROM wilayah WHERE kode = '32'
        UNION ALL SELECT kode, nama FROM instansi WHERE kode = '{agency}'""").values.tolist())
    province, agency_name = names["32"], names[agency]
    assert any(p in province for p in PAYLOADS) and any(p in agency_name for p in PAYLOADS)

    at = run_page("perbandingan", {"provinsi": "32", "instansi": agency})
    line = header_line(at)
    assert f"Provinsi: **{fmt.teks_aman(province)}**" in line and f"Instansi: **{fmt.teks_aman(agency_name)}**" in line
    trail = [b.label for b in at.button if b.key and b.key.startswith("jejak_")]
    assert trail == ["Indonesia ›", f"{fmt.teks_aman(province)} ›", fmt.teks_aman(agency_name)]

    home = run_page("ringkasan", {"provinsi": "32"})
    labels = [text for where, text in markdown_texts(home) if where == "page_link.label"]
    assert labels and all(text.startswith("**") and "\\" in text for text in labels)
    assert any(p in shown(text) for text in labels for p in PAYLOADS)

    survey = run_page("kepuasan", {})
    suggestions = [m.value for m in survey.markdown if m.value.startswith("“")]
    saran = mart_query(mart, "SELECT saran FROM saran WHERE saran IS NOT NULL")["saran"]
    assert suggestions and all(any(shown(s).startswith(f"“{text}”") for text in saran) for s in suggestions)


def test_hostile_link_parameters_are_ignored_and_not_echoed(hostile_env):
    plain = new_app()
    at = new_app(HOSTILE_QUERY)
    assert not at.exception
    notice = at.toast[0].value
    assert EVIL_HOST not in notice and "<" not in notice and "![" not in notice
    assert notice == "Sebagian tautan diabaikan: nilai tahun, provinsi tidak ada dalam pilihan; 2 bagian tidak dikenal."
    assert header_line(at) == header_line(plain)  # neither 2205 nor the script became a filter
    assert dict(at.query_params) == {}
    assert_shown_as_text(at)


def test_signed_in_user_and_scope_are_shown_as_text(hostile_env):
    """The sidebar's email and scope, the header's scope and a denial's email: from the identity
    provider and the data, so shown as text too."""
    from data_access import akses, config

    from .test_akses import app_as

    _, mart = hostile_env
    province = mart_query(mart, "SELECT nama FROM wilayah WHERE kode = '32'").iloc[0, 0]
    email = "kepala_bkd_jabar@contoh.go.id"  # an address GFM would make a mailto link, with _ marks
    akses.grant(config.load_settings().akses_path, email, "kepala_wilayah", ["32"])
    at = app_as(email)
    assert not at.error
    assert f"**kepala\\_bkd\\_jabar\\@{fmt.PENGHUBUNG}contoh\\.go\\.id**" in at.sidebar.markdown[0].value
    assert at.sidebar.markdown[0].value.endswith(fmt.teks_aman(province))
    assert f"Cakupan Anda: **{fmt.teks_aman(province)}**" in header_line(at)
    assert_shown_as_text(at)

    denied = app_as("tamu_luar@contoh.go.id")
    assert f"**tamu\\_luar\\@{fmt.PENGHUBUNG}contoh\\.go\\.id**" in denied.warning[0].value
