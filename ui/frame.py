"""The page frame: first start, the global filter bar kept in the URL, and page headers.

The entry point calls `ensure_mart` and `filter_bar` once per run, before the page
runs; pages call `context()` for the active filters and `page_header` for their
title line. Filter values reach queries only after they were found among the
options the mart offers for this user, so a crafted URL cannot inject anything.
"""

from __future__ import annotations

import fcntl
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from data_access import config, db, mart, queries, riwayat, rules
from data_access.filters import SPECS, Filters, FilterSpec, Scope
from data_access.measures import catalog
from data_access.queries import Selection

from . import charts, download
from . import format as fmt
from .pengguna import Pengguna, halt, only_this_page

_STATE = "konteks"
_URL = "filter_di_tautan"  # the query parameters this session last wrote


# The filters (SPECS: names in links, labels) live with `Filters` in data_access/filters.py, shared
# with the command line (`python -m data_access ekspor`), which has no Streamlit.
# A child is only offered once its parent is chosen (an agency's units, a province's kab/kota).
_NEEDS = {"provinsi": "Pilih provinsi dahulu", "instansi": "Pilih instansi dahulu"}  # a filter's parent -> help


@dataclass(frozen=True)
class Konteks:
    """What every page needs: the mart, the user and their scope, and the active filters."""
    info: mart.MartInfo
    pengguna: Pengguna
    filters: Filters
    labels: tuple  # (label, chosen text) of each active filter, for the header line

    @property
    def scope(self) -> Scope:
        return self.pengguna.scope

    @property
    def sel(self) -> Selection:
        """What the page's datasets are asked for: this mart, this user's scope, these filters."""
        return Selection(self.info.path, self.info.version, self.pengguna.scope, self.filters)


def context() -> Konteks:
    return st.session_state[_STATE]


# --- first start -------------------------------------------------------------------------

def ensure_mart(settings: config.Settings) -> mart.MartInfo:
    """The mart's metadata; on a first start with no source configured, build the demo. A
    missing, damaged or foreign mart is explained (with a malformed DATABASE_URL, which the
    refresh that mends it would need)."""
    try:
        return mart.info(settings.mart_path)
    except mart.MartUnavailable as exc:
        # The embedded demo rebuilds a mart an older version of the dashboard left behind.
        if not settings.is_default_source or (Path(settings.mart_path).exists() and not exc.outdated):
            try:
                db.parse_url(settings.database_url)
            except db.SourceError as url:
                explain(f"{exc}\n\n{url}")
            explain(str(exc))
    _prepare_demo(settings)
    st.rerun()


def explain(message: str) -> None:
    st.title("Dasbor Pembinaan ASN")
    st.error(message, icon=":material/database_off:")
    halt()


def mart_failed(exc: mart.MartUnavailable) -> None:
    """A query found the mart unreadable after the page began: say so where the page stops,
    instead of a traceback (its navigation already exists, so not `explain`)."""
    st.error(str(exc), icon=":material/database_off:")
    st.stop()


def _prepare_demo(settings: config.Settings) -> None:
    from data_access import demo, refresh

    data_dir = Path(settings.mart_path).parent
    data_dir.mkdir(parents=True, exist_ok=True)
    only_this_page()
    st.title("Dasbor Pembinaan ASN")
    with st.status("Menyiapkan data demo untuk pertama kali (sekali saja, kurang dari setengah menit)…",
                   expanded=True) as status:
        bar = st.progress(0.0, text="Menunggu giliran…")
        # One session prepares; others opening the app meanwhile wait here, then reuse it.
        with open(data_dir / ".menyiapkan.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                mart.info(settings.mart_path)
                return  # another session prepared it meanwhile
            except mart.MartUnavailable:
                pass
            source = Path(settings.default_database_url.removeprefix("sqlite:///"))
            try:
                if not source.exists():
                    # Written beside and renamed once complete: a first start cut short (the tab
                    # closed, the server stopped) leaves no half source for the next to refresh.
                    partial = source.with_name(f"{source.name}.baru")
                    partial.unlink(missing_ok=True)
                    engine = db.make_engine(f"sqlite:///{partial}", create_sqlite_dir=True)
                    try:
                        demo.generate(engine, n_pegawai=settings.demo_pegawai, progress=lambda step, f: bar.progress(
                            0.6 * f, text=f"Membuat data demo: {step}"))
                    finally:
                        engine.dispose()
                    os.replace(partial, source)
                refresh.refresh(settings.database_url, settings.mart_path, progress=lambda step, f: bar.progress(
                    0.6 + 0.4 * f, text=f"Membangun mart analitik: {step}"))
            except db.SourceError as exc:
                status.update(label="Data demo gagal disiapkan", state="error")
                explain(str(exc))
        status.update(label="Data demo siap", state="complete")


# --- the filter bar ------------------------------------------------------------------------

def _options(info: mart.MartInfo, scope: Scope, chosen: Filters, spec: FilterSpec) -> dict:
    """value -> label for one filter; "" stands for no restriction."""
    if spec.key == "tahun":
        return {str(y): str(y) for y in reversed(info.years)}
    pairs = queries.filter_options(Selection(info.path, info.version, scope, chosen), spec.field)
    everything = spec.all_label if scope.is_all or spec.group == "Pegawai" else "Semua dalam cakupan Anda"
    return {"": everything, **{code: label for code, label in pairs}}


def _reset() -> None:
    for spec in SPECS:
        st.session_state.pop(f"f_{spec.key}", None)


def filter_bar(info: mart.MartInfo, pengguna: Pengguna) -> Konteks:
    """Draw the global filters in the sidebar, keep them in the URL, return the context.
    Every option list comes from the mart under the user's scope."""
    scope = pengguna.scope
    # The URL sets the view when a session starts and when a link inside the app brings
    # other parameters; a page switch brings none, and the filters then stay as they are.
    url = {k: st.query_params.get(k) for k in st.query_params}
    written = st.session_state.get(_URL)
    incoming = written is None or (bool(url) and url != written)
    ignored = [k for k in url if k not in {s.key for s in SPECS}] if incoming else []
    chosen = Filters()
    labels = []
    boxes = []  # every option list first, then the widgets (see pages/pelatihan.py)
    for spec in SPECS:
        key = f"f_{spec.key}"
        disabled = spec.parent is not None and not st.session_state.get(f"f_{spec.parent}")
        options = {"": spec.all_label} if disabled else _options(info, scope, chosen, spec)
        default = next(iter(options))
        if incoming:
            if url.get(spec.key) in options:
                st.session_state[key] = url[spec.key]
            else:
                st.session_state[key] = default
                if spec.key in url:
                    ignored.append(spec.key)
        if st.session_state.get(key) not in options:
            st.session_state[key] = default  # a parent changed, or nothing chosen yet
        boxes.append((spec, options, disabled))
        value = st.session_state[key]
        if value:
            chosen = chosen.with_(**{spec.field: int(value) if spec.key == "tahun" else value})
            if spec.key != "tahun":
                labels.append((spec.label, options[value]))
    group = None
    sidebar = st.sidebar
    sidebar.header("Filter", divider="gray")
    for spec, options, disabled in boxes:
        if spec.group != group:
            group = spec.group
            sidebar.caption(group.upper())
        sidebar.selectbox(spec.label, list(options), key=f"f_{spec.key}", format_func=options.get,
                          disabled=disabled, help=_NEEDS[spec.parent] if disabled else None,
                          persist_state="session")  # kept across page switches
    sidebar.button("Atur ulang filter", on_click=_reset, icon=":material/filter_alt_off:",
                   width="stretch")

    wanted = {spec.key: st.session_state[f"f_{spec.key}"] for spec in SPECS
              if st.session_state[f"f_{spec.key}"] and not (
                  spec.key == "tahun" and st.session_state[f"f_{spec.key}"] == str(info.tahun_akhir))}
    if url != wanted:
        st.query_params.from_dict(wanted)
    st.session_state[_URL] = wanted
    if ignored:
        st.toast(_ignored_notice(ignored), icon=":material/link_off:")
    konteks = Konteks(info=info, pengguna=pengguna, filters=chosen, labels=tuple(labels))
    st.session_state[_STATE] = konteks
    return konteks


def _ignored_notice(ignored: list[str]) -> str:
    """What a link asked for that was not taken. Only the filters' own names are repeated: a name
    the dashboard does not know came from whoever wrote the link, and shown back it would be
    their words (or their link) on the dashboard; it is counted instead."""
    keys = [spec.key for spec in SPECS]
    ours = [key for key in keys if key in ignored]
    others = len(set(ignored) - set(keys))
    parts = ([f"nilai {', '.join(ours)} tidak ada dalam pilihan"] if ours else []) + (
        [f"{others} bagian tidak dikenal"] if others else [])
    return f"Sebagian tautan diabaikan: {'; '.join(parts)}."


# --- what every page shows -------------------------------------------------------------------

def data_banner(info: mart.MartInfo) -> None:
    """Freshness and source on every page; the demo label while demo data is in use."""
    per = fmt.tanggal(info.data_per) if info.data_per else "–"
    text = f"Data per **{per}** · sumber: {fmt.teks_aman(info.source)} · mart dibangun {fmt.waktu(info.built_at)}"
    if info.demo:
        st.warning(f"**DATA DEMO** — angka rekaan untuk uji coba, bukan data resmi. {text}",
                   icon=":material/science:")
    else:
        st.caption(text)


def page_header(title: str, description: str | None = None) -> Konteks:
    """Title, one line with the active filters, and the page's short description."""
    k = context()
    count = queries.jumlah_asn(k.sel)  # before anything is drawn (see pages/pelatihan.py)
    data_banner(k.info)
    st.title(title)
    everything = ("**Seluruh Indonesia**" if k.scope.is_all
                  else f"Cakupan Anda: **{fmt.teks_aman(k.pengguna.cakupan)}**")
    scope = (" · ".join(f"{label}: **{fmt.teks_aman(value)}**" for label, value in k.labels)
             or f"{everything}, semua ASN")
    # Hidden, ASN need not be below the minimum itself: it is hidden while its PNS or PPPK are.
    counted = f"**{fmt.angka(count)}** ASN dalam pilihan ini" if count is not None else \
        "jumlah ASN dalam pilihan ini **disembunyikan** (perlindungan sel kecil)"
    st.markdown(f":material/filter_alt: Tahun **{k.filters.tahun}** · {scope} · {counted}")
    if description:
        st.caption(description)
    return k


def empty_state(message: str = "Tidak ada data untuk filter ini.") -> None:
    st.info(message, icon=":material/search_off:")


def on_province_click() -> None:
    """Cross-filter: a click on a province tile sets the province filter (before the rerun,
    so the filter bar and the URL follow)."""
    selection = st.session_state.get("peta_provinsi", {}).get("selection", {}).get("provinsi") or []
    if selection:
        st.session_state["f_kelompok"] = ""
        st.session_state["f_provinsi"] = selection[0]["kode_provinsi"]


def link_params(**overrides) -> dict[str, str]:
    """Query parameters for a link that opens another page on the current view, with some
    filters (by Filters field name) changed."""
    values = {**context().filters.active(), **overrides}
    return {spec.key: str(values[spec.field]) for spec in SPECS if values.get(spec.field) is not None}


def _places(df, percent, decimals: int, precision: dict | None) -> dict:
    """column -> decimals shown, for every float or percent column (and any in `precision`).
    Percent columns count the places of the 0-100 value; a float column holding only whole
    numbers shows none (unless `precision` says otherwise)."""
    import pandas as pd

    precision = precision or {}
    places = {}
    for column in df.columns:
        series = df[column]
        if column in precision:
            places[column] = precision[column]
        elif column in percent:
            places[column] = decimals
        elif pd.api.types.is_float_dtype(series):
            values = series.dropna()
            places[column] = 0 if values.eq(values.round()).all() else decimals
    return places


def formatted(df, percent: tuple | list = (), decimals: int = 1, precision: dict | None = None):
    """What st.dataframe (or st.table) should get to show `df` in Indonesian format whatever the
    browser's locale: a pandas Styler whose display texts are 1.234,5 / 62,5% / 1.234 / 2025 (a
    "Tahun" column, ungrouped) / 27 Nov 2026, rounded half-up, while the cells keep their values,
    so a click on a column header sorts by value (Streamlit shows a Styler's display text in
    text, number and date cells). Shares in `percent` are 0..1; other floats get `decimals`
    places, or `precision[column]` (for a percent column: the places of the percentage).
    Missing values show as "–". Nothing is formatted until Streamlit renders it."""
    from datetime import date
    from functools import partial

    import pandas as pd

    places = _places(df, percent, decimals, precision)
    texts = {}
    for column in df.columns:
        series = df[column]
        if column in percent:
            texts[column] = partial(fmt.persen, desimal=places[column])
        elif str(column).lower() == "tahun" and pd.api.types.is_numeric_dtype(series):
            texts[column] = fmt.tahun  # 2025, not 2.025
        elif column in places:
            texts[column] = partial(fmt.angka, desimal=places[column])
        elif pd.api.types.is_integer_dtype(series) and not pd.api.types.is_bool_dtype(series):
            texts[column] = fmt.angka
        elif pd.api.types.is_datetime64_any_dtype(series) or (
                series.dtype == object and isinstance(next(iter(series.dropna()), None), date)):
            texts[column] = fmt.tanggal  # 27 Nov 2026
    if not df.index.is_unique:
        df = df.reset_index(drop=True)  # a Styler needs unique row labels; the index is hidden anyway
    styler = df.style.format(texts, na_rep=fmt.KOSONG)
    styler._translate = partial(_display_texts, df, texts)
    return styler


def _display_texts(df, texts: dict, *_args, **_kwargs) -> dict:
    """The display texts of `formatted`'s Styler, in the form Streamlit reads them: it calls
    `styler._translate(False, False)` and takes each body cell's "display_value" by its
    "rowR_colC" id (streamlit/elements/lib/pandas_styler_utils.py); a cell it is not given shows
    str(value). pandas' own _translate models every cell of an HTML table, and Streamlit then
    writes every column back: 7-13 ms more per table than the plain text this replaced (40 x 18,
    200 x 7, 300 x 6), against 3-7 ms with this, which gives the formatted columns and the
    missing cells of the others only. The Styler's `format` holds the same functions, so it
    shows the same should Streamlit stop calling _translate (tests/test_frame.py compares both).
    Not for Styler.to_html, which needs pandas' full model."""
    columns = []
    for c, column in enumerate(df.columns):
        values = df[column].tolist()
        if column in texts:
            shown = list(map(texts[column], values))  # each shows "–" itself
            if shown != list(map(str, values)):  # e.g. counts below 1.000: Streamlit's str() already reads right
                columns.append((c, list(enumerate(shown))))
        elif df[column].isna().any():
            columns.append((c, [(r, fmt.KOSONG) for r, v in enumerate(values) if fmt.missing(v)]))
    body = [[] for _ in range(len(df))]
    for c, cells in columns:
        for r, text in cells:
            body[r].append({"id": f"row{r}_col{c}", "display_value": text})
    return {"body": body, "cellstyle": [], "table_styles": []}


def table(df, what: str | None, percent: tuple | list = (), decimals: int = 1, full=None,
          precision: dict | None = None) -> None:
    """A table with Indonesian number formatting (1.234; 12,5%) and its "Unduh" menu. `what`
    names the download (None: the caller offers its own, e.g. an audited person-level one);
    `full` returns the whole data when the table shows only part of it.
    Shares listed in `percent` are 0..1; other floats get `decimals`, or `precision[column]`.
    The grid keeps the numbers (header clicks sort by value, see `formatted`); downloads carry
    the raw numbers, with the places shown here."""
    places = _places(df, percent, decimals, precision)
    st.dataframe(formatted(df, percent, decimals, places), hide_index=True, width="stretch",
                 placeholder=fmt.KOSONG)
    hidden_note(df)
    if what:
        download.buttons(what, full or (lambda: df), context(), key=f"unduh_{download.slug(what)}",
                         percent=tuple(percent), presisi=places)


def history(mart_path: str, who: bool, whole: bool = True) -> None:
    """The history of imports and refreshes (riwayat.jsonl): who only with `who`, and only when,
    what and the result without `whole` (files and row counts are the whole source's)."""
    rows, damaged = riwayat.tabel(mart_path, pelaku=who)
    if not whole:
        rows = rows[["Waktu", "Proses", "Hasil"]]
    if rows.empty:
        st.caption("Belum ada impor atau pembaruan mart yang tercatat.")
    else:
        table(rows, "Riwayat impor dan pembaruan")
    if damaged:
        st.caption(f"{fmt.angka(damaged)} baris riwayat tidak terbaca dan dilewati ({riwayat.lokasi(mart_path)}).")


def chart_and_table(chart, df, what: str, percent: tuple | list = (), precision: dict | None = None) -> None:
    """A chart with its table (and the table's download) one click away. Only the open tab is
    drawn: switching reruns the page, which then builds the other one."""
    chart_tab, table_tab = st.tabs(["Grafik", "Tabel"], key=f"tab_{download.slug(what)}", on_change="rerun")
    if table_tab.open:
        with table_tab:
            table(df, what, percent, precision=precision)
    else:
        with chart_tab:
            charts.show(chart)
            hidden_note(df)


def hidden_note(*frames) -> None:
    """Under a table or chart (or a group of them) with missing cells, for a role that sees
    aggregates only: why a cell may be empty (small-cell protection, measures/sql.py)."""
    if any(df.isna().to_numpy().any() for df in frames) and catalog.min_sel(context().scope) is not None:
        st.caption(f"“{fmt.KOSONG}”: tidak ada data, atau disembunyikan karena menggambarkan kurang dari "
                   f"{catalog.MIN_SEL} orang (perlindungan data pribadi).")


def comparison_note(k: Konteks) -> bool:
    """Say against what the changes are measured; True while the selected year is still running
    (then coverage, JP and IKM are compared with the same months of the year before)."""
    per, year = queries.cut_off(k.sel), k.filters.tahun
    if per is None:
        if year - 1 in k.info.years:
            st.caption(f"Perubahan dibanding tahun {year - 1}.")
        return False
    same_day = rules.same_day(year - 1, per.month, per.day)
    st.caption(f":material/schedule: Tahun {year} masih berjalan: data sampai {fmt.tanggal(per)}. Cakupan, JP, dan "
               f"IKM dibandingkan dengan periode yang sama tahun lalu (1 Jan–{fmt.tanggal(same_day)}); "
               f"jumlah pegawai dan kompetensi dengan keadaan akhir {year - 1}.")
    return True


def drill_down() -> None:
    """A click on a comparison row moves one level down to that entity: its filter is set
    before the rerun, so the filter bar and the URL follow."""
    key, level, codes = st.session_state.get("banding_baris", (None, None, []))
    rows = st.session_state.get(key, {}).get("selection", {}).get("rows") or []
    if not rows or rows[0] >= len(codes) or level == "unit":
        return
    code = codes[rows[0]]
    st.session_state["f_kelompok"] = ""
    if level == "provinsi":
        st.session_state["f_provinsi"] = code
    elif level == "kabkota":
        st.session_state["f_provinsi"], st.session_state["f_kabkota"] = code[:2], code
    else:
        st.session_state["f_instansi"] = code


def breadcrumb(k: Konteks) -> None:
    """Indonesia › province › kab/kota › agency, each a button that goes back up to it."""
    trail = [("Indonesia", ["f_kelompok", "f_provinsi", "f_kabkota", "f_jenis_instansi", "f_instansi", "f_unit"])]
    labels = dict(k.labels)
    for label, keys in (("Provinsi", ["f_kabkota", "f_instansi", "f_unit"]),
                        ("Kabupaten/kota", ["f_instansi", "f_unit"]), ("Instansi", ["f_unit"])):
        if label in labels:
            trail.append((labels[label], keys))
    if len(trail) < 2:
        return
    row = st.container(horizontal=True, gap="small")
    for i, (text, keys) in enumerate(trail):
        last = i == len(trail) - 1
        row.button(f"{fmt.teks_aman(text)}{'' if last else ' ›'}", key=f"jejak_{i}", type="tertiary", disabled=last,
                   on_click=_clear, args=(keys,))


def _clear(keys: list[str]) -> None:
    for key in keys:
        st.session_state[key] = ""
