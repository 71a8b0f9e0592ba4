"""Chart builders: small functions, data passed in, Indonesian locale in every spec.

Vega-Lite formats numbers with d3-format: the locale below makes `,` group with a
point and `.` mark decimals with a comma, and names months and days in Indonesian,
wherever the chart is rendered.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import pickle
import threading

import altair as alt
import cachetools
import pandas as pd
import streamlit as st
from streamlit import dataframe_util

from data_access.reference import PROVINSI
from data_access.rules import IKM_KATEGORI

from .format import BULAN, BULAN_SINGKAT

FORMAT_LOCALE = {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["Rp", ""],
                 "percent": "%"}
TIME_LOCALE = {
    "dateTime": "%A, %e %B %Y pukul %H.%M.%S", "date": "%d/%m/%Y", "time": "%H.%M.%S",
    "periods": ["AM", "PM"],
    "days": ["Minggu", "Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu"],
    "shortDays": ["Min", "Sen", "Sel", "Rab", "Kam", "Jum", "Sab"],
    "months": BULAN, "shortMonths": BULAN_SINGKAT,
}


# --- rendering: specs built once per data, without schema validation ---------------------------
#
# Building a chart costs 4 to 11 ms once its encodings are channel classes (a string or dict
# makes Altair search its whole schema for the class, ~9 ms each) and its layers are put together
# as dicts (`Layers`). Every public builder below is wrapped: it returns the finished Vega-Lite
# spec (datasets by name), cached on its arguments, and `show` renders it. The tests set
# VALIDATE, so every spec any test builds (pages included) is checked against the schema.
#
# The cache is this process's own, keyed on the arguments' content (`_fingerprint`): st.cache_data
# hashes a data frame row by row (1,5 ms for a 38-row frame; its pickle below takes 0,1 ms) and copies
# the spec back out on every hit. A spec depends only on the data passed in, so users who pass
# the same data share it and nothing of one scope reaches another.

VALIDATE = False
# Altair also validates every schema object as it is built ("debug mode"): off, except in tests.
alt.utils.schemapi.disable_debug_mode()
CACHE_MB = 50  # the specs kept, by the bytes of their datasets (Arrow and the frames, about twice)


class Spec(dict):
    """A finished Vega-Lite spec; `to_dict()` for symmetry with Altair charts. Its datasets are
    referenced by name: `arrow` holds them serialised the way st.vega_lite_chart sends them (Arrow
    IPC), `frames` as the builder passed them (`records` reads them as rows, for tests)."""

    arrow: dict[str, bytes] = {}
    frames: dict[str, pd.DataFrame] = {}

    def to_dict(self) -> dict:
        return self

    @property
    def records(self) -> dict[str, list[dict]]:
        return {name: frame.to_dict("records") for name, frame in self.frames.items()}


_SPECS = cachetools.LRUCache(CACHE_MB * 2**20, getsizeof=lambda spec: 4096 + 2 * sum(map(len, spec.arrow.values())))
_LOCK = threading.Lock()  # guards _SPECS and Altair's data transformer setting, which is global


def _to_arrow(data: pd.DataFrame, arrow: dict, frames: dict) -> dict:
    """Altair data transformer: the frame as Arrow bytes under a name made of their content, as
    Streamlit's own st.altair_chart does. Altair's default turns every frame into JSON records
    first (sanitising each column in pandas): 80 % of a chart's build, and the records were
    then turned back into Arrow."""
    for name, frame in frames.items():  # a frame several layers draw is sent once
        if frame is data:
            return {"name": name}
    raw = dataframe_util.convert_anything_to_arrow_bytes(data)
    name = "data-" + hashlib.blake2b(raw, digest_size=16).hexdigest()
    arrow[name], frames[name] = raw, data
    return {"name": name}


alt.data_transformers.register("dasbor_arrow", _to_arrow)


class Layers:
    """Charts drawn over each other (a Vega-Lite layer spec), put together from their dicts.
    alt.layer deep-copies every layer two or three times, and each Altair object carries every
    property it could have: 70 % of a layered chart's build. `properties` go to the top level
    (height, width, config: Altair objects or plain values)."""

    def __init__(self, *charts: alt.Chart, **properties):
        self.charts, self.properties = charts, properties

    def to_dict(self, validate: bool = False) -> dict:
        layer, config = [], {}
        for chart in self.charts:
            part = chart.to_dict(validate=validate)
            del part["$schema"]
            config.update(part.pop("config", {}))  # the theme's, the same in every part
            layer.append(part)
        spec = {"$schema": alt.SCHEMA_URL, "layer": layer,
                **{key: value.to_dict() if isinstance(value, alt.SchemaBase) else value
                   for key, value in self.properties.items()}}
        spec["config"] = config | spec.get("config", {})
        if validate:
            alt.TopLevelLayerSpec.validate(spec)
        return spec


def _build(builder, args: tuple, kwargs: dict) -> Spec:
    """The builder's chart as a finished spec, with the Indonesian number and time locale
    (Vega's config.locale, which the renderer applies to every format in the chart)."""
    chart = builder(*args, **kwargs)
    arrow, frames = {}, {}
    with _LOCK, alt.data_transformers.enable("dasbor_arrow", arrow=arrow, frames=frames):
        built = Spec(chart.to_dict(validate=VALIDATE))
    built.setdefault("config", {})["locale"] = {"number": FORMAT_LOCALE, "time": TIME_LOCALE}
    built.arrow, built.frames = arrow, frames
    return built


def _fingerprint(value) -> bytes:
    """The value's content as bytes: frames pickled (values, dtypes, columns and index; six times
    cheaper than their JSON, which spent a millisecond per chart in pandas' to_dict), the rest by
    repr (the builders take frames, strings, numbers, None). Equal bytes mean equal content; equal
    content laid out differently (another block order) only misses the cache."""
    if isinstance(value, pd.DataFrame):
        return pickle.dumps(value, protocol=5)
    return repr(value).encode()


def spec(builder):
    """Decorator: the builder returns its cached, finished spec instead of an Altair chart."""

    @functools.wraps(builder)
    def wrapper(*args, **kwargs) -> Spec:
        digest = hashlib.blake2b(builder.__qualname__.encode(), digest_size=20)
        for part in (*args, *(x for item in sorted(kwargs.items()) for x in item)):
            raw = _fingerprint(part)
            digest.update(len(raw).to_bytes(8, "little") + raw)  # the length keeps parts apart
        key = digest.digest()
        with _LOCK:
            found = _SPECS.get(key)
        if found is None:
            found = _build(builder, args, kwargs)
            with _LOCK, contextlib.suppress(ValueError):  # ValueError: larger than the whole cache
                _SPECS[key] = found
        copy = Spec(found)  # callers may change the top level (tests do); the cached one stays
        copy.arrow, copy.frames = found.arrow, found.frames
        return copy
    return wrapper


def show(chart: Spec, **kwargs):
    """Render a spec full width (keyword arguments go to st.vega_lite_chart: key, on_select…),
    its datasets as the Arrow bytes made when the spec was built."""
    wire = dict(chart)
    if chart.arrow:
        wire["datasets"] = chart.arrow
    return st.vega_lite_chart(spec=wire, width="stretch", **kwargs)


# Tile-grid map: one equal square per province on a rough geographic grid (column, row).
# No installable package ships boundaries of all 38 provinces since the 2022 Papua split,
# so a shaded boundary map would be wrong; tiles show all 38 legibly.
TILE_GRID = {
    "11": (0, 0), "12": (1, 1), "13": (1, 2), "14": (2, 1), "21": (3, 1), "15": (2, 2),
    "16": (3, 2), "17": (2, 3), "19": (4, 2), "18": (3, 3),
    "36": (3, 4), "31": (4, 4), "32": (5, 4), "33": (6, 4), "34": (6, 5), "35": (7, 4),
    "51": (8, 4), "52": (9, 4), "53": (10, 4),
    "61": (5, 1), "62": (6, 2), "63": (7, 2), "64": (7, 1), "65": (7, 0),
    "76": (8, 1), "72": (9, 1), "75": (9, 0), "71": (10, 0), "73": (8, 2), "74": (9, 2),
    "82": (11, 1), "81": (11, 2),
    "96": (12, 1), "92": (13, 1), "91": (14, 1), "94": (13, 2), "95": (14, 2), "93": (14, 3),
}
SINGKATAN = {
    "11": "Aceh", "12": "Sumut", "13": "Sumbar", "14": "Riau", "15": "Jambi", "16": "Sumsel",
    "17": "Bkl", "18": "Lamp", "19": "Babel", "21": "Kepri", "31": "DKI", "32": "Jabar",
    "33": "Jateng", "34": "DIY", "35": "Jatim", "36": "Banten", "51": "Bali", "52": "NTB",
    "53": "NTT", "61": "Kalbar", "62": "Kalteng", "63": "Kalsel", "64": "Kaltim", "65": "Kaltara",
    "71": "Sulut", "72": "Sulteng", "73": "Sulsel", "74": "Sultra", "75": "Gtlo", "76": "Sulbar",
    "81": "Maluku", "82": "Malut", "91": "Papua", "92": "PB", "93": "PS", "94": "PT",
    "95": "PP", "96": "PBD",
}
TILE = 58  # pixels per tile


@spec
def tile_map(data: pd.DataFrame, value: str, title: str, value_format: str,
             selected: str | None = None) -> Layers:
    """The 38 provinces as tiles coloured by `value`, the value printed in each tile.

    `data` has kode_provinsi, nama, `value` and `label` (the value as text, formatted
    the Indonesian way); provinces missing from it are drawn grey without a value. The
    tooltip names each province in full: as the data names it, else by the official list.
    Clicking a tile selects its province (selection parameter "provinsi").
    """
    tiles = pd.DataFrame([{"kode_provinsi": k, "kolom": c, "baris": r, "singkatan": SINGKATAN[k]}
                          for k, (c, r) in TILE_GRID.items()])
    df = tiles.merge(data, on="kode_provinsi", how="left")
    df["label"] = df["label"].fillna("–")
    df["nama"] = df["nama"].fillna(df["kode_provinsi"].map({k: nama for k, nama, *_ in PROVINSI}))
    df["dipilih"] = df["kode_provinsi"] == selected
    click = alt.selection_point(name="provinsi", fields=["kode_provinsi"], on="click", clear=False)
    # The scale spans the provinces' own range, so that differences between them show.
    scale = alt.Scale(scheme="viridis", reverse=True, zero=False)
    base = alt.Chart(df).encode(
        x=alt.X("kolom:O", axis=None), y=alt.Y("baris:O", axis=None),
        tooltip=[alt.Tooltip("nama:N", title="Provinsi"), alt.Tooltip("label:N", title=title)])
    squares = base.mark_rect(cornerRadius=4, stroke="white", strokeWidth=2).encode(
        color=alt.Color(f"{value}:Q", scale=scale, title=title,  # grey where there is no value
                        legend=alt.Legend(orient="bottom", format=value_format, gradientLength=300),
                        condition={"test": f"!isValid(datum['{value}'])", "value": "#d9d9d9"}),
        strokeWidth=_when("StrokeWidth", "datum.dipilih", 4, 2),
        stroke=_when("Stroke", "datum.dipilih", "#111111", "white"),
    ).add_params(click)
    # Reversed viridis: high values are dark and take white text.
    text_color = _when("Color", f"datum['{value}'] > {_middle(df[value])}", "white", "black")
    names = base.mark_text(dy=-9, fontSize=10).encode(text=alt.Text("singkatan:N"), color=text_color)
    values = base.mark_text(dy=8, fontSize=12, fontWeight="bold").encode(text=alt.Text("label:N"), color=text_color)
    return Layers(squares, names, values, width=TILE * 15, height=TILE * 6, config={"view": {"strokeWidth": 0}})


def _when(channel: str, test: str, then, otherwise):
    """A value that changes with a test, as the channel's own object: alt.condition would make
    Altair search its schema for the matching class, three times slower."""
    return getattr(alt, f"{channel}Value")(otherwise, condition={"test": test, "value": then})


def _middle(values: pd.Series) -> float:
    """Where the viridis scale turns dark enough for white text."""
    lo, hi = values.min(), values.max()
    if pd.isna(lo) or pd.isna(hi):
        return 0.0
    return lo + (hi - lo) * 0.45


# --- training coverage ------------------------------------------------------------------------

BIRU, JINGGA, ABU = "#0072B2", "#E69F00", "#9e9e9e"  # Okabe-Ito: reached / below / reference


@spec
def jp_histogram(data: pd.DataFrame, target: float) -> Layers:
    """PNS by JP in the year (bins with edges dari..sampai), below the target in orange,
    the target as a dashed rule."""
    df = data.copy()
    # JP are exact to two decimals, so a bin [5, 10) holds 5 to 9,99 JP (the first one from 0,01).
    df["rentang"] = [("0 JP (tanpa pelatihan)" if a == 0 else f"≥ {a} JP" if a >= 60 else
                      f"{'0,01' if a == 1 else a}–{b - 1},99 JP") for a, b in zip(df["dari"], df["sampai"])]
    df["status"] = ["Mencapai target" if a >= target else "Di bawah target" for a in df["dari"]]
    # 0 JP is drawn left of the axis origin, as wide as the other bins, so it can be seen.
    zero = df["dari"] == 0
    df.loc[zero, "dari"], df.loc[zero, "sampai"] = -5, 0
    bars = alt.Chart(df).mark_bar().encode(
        x=alt.X("dari:Q", bin="binned", title="JP per PNS dalam setahun (paling kiri: 0 JP)",
                axis=alt.Axis(values=list(range(0, 65, 5)))),
        x2=alt.X2("sampai:Q"),
        y=alt.Y("jumlah:Q", title="Jumlah PNS", axis=alt.Axis(format=",d")),
        color=alt.Color("status:N", scale=alt.Scale(domain=["Di bawah target", "Mencapai target"],
                                                    range=[JINGGA, BIRU]), legend=alt.Legend(title=None, orient="top")),
        tooltip=[alt.Tooltip("rentang:N", title="JP"), alt.Tooltip("jumlah:Q", title="PNS", format=",d")])
    return Layers(bars, *_target_rule(target, f"Target {target:g} JP"), height=260)


def _target_rule(x: float, text: str) -> tuple[alt.Chart, alt.Chart]:
    rule_df = pd.DataFrame({"x": [x], "teks": [text]})
    rule = alt.Chart(rule_df).mark_rule(strokeDash=[5, 4], color="#333333").encode(x=alt.X("x:Q"))
    label = alt.Chart(rule_df).mark_text(align="left", dx=4, dy=-6, color="#333333").encode(
        x=alt.X("x:Q"), y=alt.YValue(8), text=alt.Text("teks:N"))
    return rule, label


@spec
def jp_progress(data: pd.DataFrame, year: int, target: float) -> alt.Chart:
    """Cumulative JP per PNS by month: the selected year, the year before, and the straight
    path to the target."""
    df = data.assign(seri=data["tahun"].astype(str))
    path = pd.DataFrame({"bulan": range(1, 13)}).assign(
        jp_per_pns=lambda d: target * d["bulan"] / 12, seri=f"Jalur ke {target:g} JP")
    everything = pd.concat([df[["bulan", "jp_per_pns", "seri"]], path])
    everything["nama_bulan"] = everything["bulan"].map(lambda m: BULAN[m - 1])
    order = [str(year), str(year - 1), f"Jalur ke {target:g} JP"]
    chart = alt.Chart(everything).mark_line(point=True).encode(
        x=alt.X("bulan:O", title=None, axis=alt.Axis(labelExpr=_month_label_expr(), labelAngle=0)),
        y=alt.Y("jp_per_pns:Q", title="JP per PNS (kumulatif)", axis=alt.Axis(format=",.0f")),
        color=alt.Color("seri:N", scale=alt.Scale(domain=order, range=[BIRU, ABU, "#333333"]),
                        legend=alt.Legend(title=None, orient="top")),
        strokeDash=alt.StrokeDash("seri:N", scale=alt.Scale(domain=order, range=[[1, 0], [1, 0], [5, 4]]),
                                  legend=None),
        tooltip=[alt.Tooltip("seri:N", title="Seri"), alt.Tooltip("nama_bulan:N", title="Akhir bulan"),
                 alt.Tooltip("jp_per_pns:Q", title="JP per PNS", format=",.1f")])
    return chart.properties(height=260)


def _month_label_expr() -> str:
    return "[" + ",".join(f"'{m}'" for m in BULAN_SINGKAT) + "][datum.value - 1]"


@spec
def coverage_bars(data: pd.DataFrame, category: str, title: str, benchmark: float | None = None,
                  benchmark_label: str = "Nasional", sort: bool = True) -> Layers:
    """Horizontal bars of PNS coverage per category, optionally with a benchmark rule."""
    df = data.copy()
    bars = alt.Chart(df).mark_bar(color=BIRU).encode(
        y=alt.Y(f"{category}:N", title=None, sort="x" if sort else None,
                axis=alt.Axis(labelLimit=260, labelOverlap=False)),
        x=alt.X("cakupan:Q", title=title, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%")),
        tooltip=[alt.Tooltip(f"{category}:N", title="Nama"),
                 alt.Tooltip("cakupan:Q", title="Cakupan 20 JP", format=".1%"),
                 alt.Tooltip("pns:Q", title="PNS", format=",d")])
    text = bars.mark_text(align="left", dx=3, fontSize=11, color="#333333").encode(
        text=alt.Text("cakupan:Q", format=".0%"))
    layers = [bars, text]
    if benchmark is not None:
        rule_df = pd.DataFrame({"x": [benchmark], "teks": [f"{benchmark_label} {benchmark:.0%}".replace(".", ",")]})
        layers.append(alt.Chart(rule_df).mark_rule(strokeDash=[5, 4], color=JINGGA, size=2).encode(
            x=alt.X("x:Q"), tooltip=alt.Tooltip("teks:N", title="Pembanding")))
    return Layers(*layers, height=alt.Step(24))


@spec
def delivery_bars(data: pd.DataFrame) -> alt.Chart:
    """JP per kind of development, coloured by route (klasikal / nonklasikal)."""
    df = data.groupby(["jalur", "jenis"], as_index=False)[["jp", "peserta"]].sum()
    chart = alt.Chart(df).mark_bar().encode(
        y=alt.Y("jenis:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220, labelOverlap=False)),
        x=alt.X("jp:Q", title="Jumlah JP", axis=alt.Axis(format=",.0f")),
        color=alt.Color("jalur:N", scale=alt.Scale(domain=["klasikal", "nonklasikal"], range=[BIRU, JINGGA]),
                        legend=alt.Legend(title="Jalur", orient="top")),
        tooltip=[alt.Tooltip("jenis:N", title="Jenis"), alt.Tooltip("jalur:N", title="Jalur"),
                 alt.Tooltip("jp:Q", title="JP", format=",.0f"),
                 alt.Tooltip("peserta:Q", title="Peserta", format=",d")])
    return chart.properties(height=alt.Step(22))


@spec
def share_bars(data: pd.DataFrame, category: str, value: str, title: str) -> alt.Chart:
    """Horizontal bars of a share (0..1) per category, value printed."""
    bars = alt.Chart(data).mark_bar(color=BIRU).encode(
        y=alt.Y(f"{category}:N", title=None, sort=None, axis=alt.Axis(labelOverlap=False)),
        x=alt.X(f"{value}:Q", title=title, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format=".0%")),
        tooltip=[alt.Tooltip(f"{category}:N", title=" "), alt.Tooltip(f"{value}:Q", title=title, format=".1%")])
    text = bars.mark_text(align="left", dx=3).encode(text=alt.Text(f"{value}:Q", format=".1%"))
    return Layers(bars, text, height=alt.Step(30))


# --- satisfaction (IKM) ------------------------------------------------------------------------

_BANDS = list(reversed(IKM_KATEGORI))  # PermenPANRB 14/2017, on the 25..100 score, D first
IKM_BANDS = pd.DataFrame({
    "mutu": [m for _, m, _ in _BANDS], "kinerja": [k for _, _, k in _BANDS],
    "dari": [lower for lower, _, _ in _BANDS], "sampai": [lower for lower, _, _ in _BANDS[1:]] + [100.0],
    "warna": ["#f4cccc", "#fde9c9", "#dbeaf7", "#cfe8dc"]})


@spec
def ikm_trend(data: pd.DataFrame, low: float | None = None) -> Layers:
    """Pooled IKM per period (column `periode`, in order) over the A-D bands."""
    bottom = min(60.0, float(data["ikm"].min()) - 3) if low is None and not data.empty else (low or 60.0)
    bands = IKM_BANDS.assign(dari=IKM_BANDS["dari"].clip(lower=bottom))
    bands = bands[bands["sampai"] > bottom]
    order = list(data["periode"])
    band_layer = alt.Chart(bands).mark_rect(opacity=0.8).encode(
        y=alt.Y("dari:Q", scale=alt.Scale(domain=[bottom, 100]), title="IKM"), y2=alt.Y2("sampai:Q"),
        color=alt.Color("warna:N", scale=None),
        tooltip=[alt.Tooltip("mutu:N", title="Mutu"), alt.Tooltip("kinerja:N", title="Kinerja")])
    band_text = alt.Chart(bands).mark_text(align="right", dx=-4, fontWeight="bold", color="#555555").encode(
        y=alt.Y("tengah:Q"), x=alt.XValue(0), text=alt.Text("mutu:N")).transform_calculate(
        tengah="(datum.dari + datum.sampai) / 2")
    line = alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=60), color=BIRU, strokeWidth=3).encode(
        x=alt.X("periode:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("ikm:Q", scale=alt.Scale(domain=[bottom, 100])),
        tooltip=[alt.Tooltip("periode:N", title="Periode"), alt.Tooltip("ikm:Q", title="IKM", format=",.2f"),
                 alt.Tooltip("responden:Q", title="Responden", format=",d")])
    return Layers(band_layer, band_text, line, height=280)


@spec
def unsur_bars(data: pd.DataFrame) -> Layers:
    """NRR per element on the 1..4 scale; the weakest element in orange."""
    df = data.copy()
    weakest = df["nrr"].min()
    df["label"] = df["unsur"] + " " + df["nama_unsur"]
    df["terlemah"] = df["nrr"] == weakest
    df["konversi"] = df["nrr"] * 25
    bars = alt.Chart(df).mark_bar().encode(
        y=alt.Y("label:N", sort=None, title=None, axis=alt.Axis(labelLimit=300, labelOverlap=False)),
        x=alt.X("nrr:Q", scale=alt.Scale(domain=[1, 4]), title="Nilai rata-rata (1–4)"),
        x2=alt.X2Datum(1),  # the scale starts at 1, the lowest answer
        color=_when("Color", "datum.terlemah", JINGGA, BIRU),
        tooltip=[alt.Tooltip("label:N", title="Unsur"), alt.Tooltip("nrr:Q", title="NRR", format=",.2f"),
                 alt.Tooltip("konversi:Q", title="Nilai konversi (×25)", format=",.2f"),
                 alt.Tooltip("responden:Q", title="Menjawab", format=",d")])
    text = bars.mark_text(align="left", dx=3, color="#333333").encode(text=alt.Text("nrr:Q", format=",.2f"))
    return Layers(bars, text, height=alt.Step(26))


@spec
def unsur_heatmap(data: pd.DataFrame) -> Layers:
    """NRR per service type (rows) and element (columns)."""
    base = alt.Chart(data).encode(
        x=alt.X("unsur:N", title=None, axis=alt.Axis(labelAngle=0, orient="top")),
        y=alt.Y("jenis_layanan:N", title=None, axis=alt.Axis(labelLimit=220)),
        tooltip=[alt.Tooltip("jenis_layanan:N", title="Layanan"), alt.Tooltip("nama_unsur:N", title="Unsur"),
                 alt.Tooltip("nrr:Q", title="NRR", format=",.2f"),
                 alt.Tooltip("responden:Q", title="Menjawab", format=",d")])
    cells = base.mark_rect().encode(color=alt.Color("nrr:Q", title="NRR", scale=alt.Scale(scheme="viridis")))
    text = base.mark_text(fontSize=11).encode(
        text=alt.Text("nrr:Q", format=",.2f"),
        color=_when("Color", "datum.nrr > 3.2", "black", "white"))
    return Layers(cells, text, height=alt.Step(28))


@spec
def count_bars(data: pd.DataFrame, category: str, title: str) -> Layers:
    """Counts per category, value printed."""
    bars = alt.Chart(data).mark_bar(color=BIRU).encode(
        y=alt.Y(f"{category}:N", title=None, sort=None, axis=alt.Axis(labelOverlap=False, labelLimit=200)),
        x=alt.X("jumlah:Q", title=title, axis=alt.Axis(format=",d")),
        tooltip=[alt.Tooltip(f"{category}:N", title=" "), alt.Tooltip("jumlah:Q", title=title, format=",d")])
    text = bars.mark_text(align="left", dx=3, color="#333333").encode(text=alt.Text("jumlah:Q", format=",d"))
    return Layers(bars, text, height=alt.Step(24))


# --- competency gaps ---------------------------------------------------------------------------

@spec
def gap_heatmap(data: pd.DataFrame, row: str, column: str, column_title: str | None = None) -> Layers:
    """Average gap per cell on a diverging scale centred on zero (blue above the standard,
    orange below); hovering shows how many were assessed."""
    limit = max(0.5, float(data["rata_gap"].abs().max() or 0.5))
    base = alt.Chart(data).encode(
        x=alt.X(f"{column}:N", title=column_title, axis=alt.Axis(labelAngle=0, orient="top", labelOverlap=False)),
        y=alt.Y(f"{row}:N", title=None, axis=alt.Axis(labelLimit=240, labelOverlap=False)),
        tooltip=[alt.Tooltip(f"{row}:N", title=" "), alt.Tooltip(f"{column}:N", title="Kolom"),
                 *([alt.Tooltip("nama_kompetensi:N", title="Kompetensi")] if "nama_kompetensi" in data else []),
                 alt.Tooltip("rata_gap:Q", title="Rata-rata gap", format="+,.2f"),
                 alt.Tooltip("dinilai:Q", title="Dinilai", format=",d")])
    cells = base.mark_rect().encode(color=alt.Color(
        "rata_gap:Q", title="Gap", scale=alt.Scale(scheme="blueorange", reverse=True, domainMid=0,
                                                   domain=[-limit, limit])))
    text = base.mark_text(fontSize=10).encode(
        text=alt.Text("rata_gap:Q", format="+.2f"),
        color=_when("Color", f"abs(datum.rata_gap) > {limit * 0.6}", "white", "black"))
    return Layers(cells, text, height=alt.Step(24))


@spec
def gap_bars(data: pd.DataFrame, category: str) -> Layers:
    """Average gap per category: below zero (below the standard) in orange."""
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y(f"{category}:N", sort=None, title=None, axis=alt.Axis(labelOverlap=False, labelLimit=200)),
        x=alt.X("rata_gap:Q", title="Rata-rata gap (level)", axis=alt.Axis(format="+.1f")),
        color=_when("Color", "datum.rata_gap < 0", JINGGA, BIRU),
        tooltip=[alt.Tooltip(f"{category}:N", title=" "), alt.Tooltip("rata_gap:Q", title="Rata-rata gap", format="+,.2f"),
                 alt.Tooltip("dinilai:Q", title="Dinilai", format=",d")])
    text = bars.mark_text(align="left", dx=3, color="#333333").encode(text=alt.Text("rata_gap:Q", format="+.2f"))
    return Layers(bars, text, height=alt.Step(24))


# --- comparison ---------------------------------------------------------------------------------

@spec
def indicator_bars(data: pd.DataFrame, category: str, value: str, title: str, value_format: str,
                   benchmark: float | None = None, benchmark_label: str = "Nasional") -> Layers:
    """Horizontal bars of any indicator, best first, with a benchmark rule."""
    bars = alt.Chart(data).mark_bar(color=BIRU).encode(
        y=alt.Y(f"{category}:N", sort="-x", title=None, axis=alt.Axis(labelLimit=260, labelOverlap=False)),
        x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(format=value_format)),
        tooltip=[alt.Tooltip(f"{category}:N", title="Nama"), alt.Tooltip(f"{value}:Q", title=title, format=value_format)])
    text = bars.mark_text(align="left", dx=3, color="#333333").encode(text=alt.Text(f"{value}:Q", format=value_format))
    layers = [bars, text]
    if benchmark is not None:
        layers.append(alt.Chart(pd.DataFrame({"x": [benchmark], "teks": [benchmark_label]})).mark_rule(
            strokeDash=[5, 4], color=JINGGA, size=2).encode(x=alt.X("x:Q"), tooltip=alt.Tooltip("teks:N", title="Pembanding")))
    return Layers(*layers, height=alt.Step(24))


@spec
def trend_multiples(long: pd.DataFrame, titles: dict[str, str], shares: tuple = ()) -> alt.FacetChart:
    """One small line chart per indicator (columns tahun, nama, indikator, nilai), titled by
    `titles`, the indicators in `shares` (0..1) drawn as percentages; the national line dashed
    in black."""
    long = long.assign(nilai=long["nilai"].where(~long["indikator"].isin(shares), long["nilai"] * 100),
                       indikator=long["indikator"].map(titles))
    names = [n for n in long["nama"].unique() if n != "Nasional"]
    palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]
    chart = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("tahun:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("nilai:Q", title=None, scale=alt.Scale(zero=False)),
        color=alt.Color("nama:N", title=None, scale=alt.Scale(domain=names + ["Nasional"],
                                                               range=palette[:len(names)] + ["#111111"]),
                        legend=alt.Legend(orient="top", columns=4, labelLimit=260)),
        strokeDash=_when("StrokeDash", "datum.nama == 'Nasional'", [5, 4], [1, 0]),
        tooltip=[alt.Tooltip("nama:N", title="Nama"), alt.Tooltip("tahun:O", title="Tahun"),
                 alt.Tooltip("nilai:Q", title="Nilai", format=",.2f")],
    ).properties(width=250, height=150).facet(facet=alt.Facet("indikator:N", title=None), columns=3)
    return chart.resolve_scale(y="independent")


# --- impact ---------------------------------------------------------------------------------------

@spec
def scatter_fit(data: pd.DataFrame, x: str, y: str, x_title: str, y_title: str,
                slope: float | None = None, intercept: float | None = None) -> Layers:
    """One point per entity (hover names it) and, when given, the fitted line."""
    points = alt.Chart(data).mark_circle(size=70, opacity=0.7, color=BIRU).encode(
        x=alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(format=".0%"), scale=alt.Scale(zero=False)),
        y=alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("nama:N", title="Nama"), alt.Tooltip(f"{x}:Q", title=x_title, format=".1%"),
                 alt.Tooltip(f"{y}:Q", title=y_title, format=",.2f")])
    layers = [points]
    if slope is not None:
        lo, hi = float(data[x].min()), float(data[x].max())
        line = pd.DataFrame({x: [lo, hi], y: [intercept + slope * lo, intercept + slope * hi]})
        layers.append(alt.Chart(line).mark_line(color=JINGGA, strokeWidth=3).encode(x=alt.X(f"{x}:Q"), y=alt.Y(f"{y}:Q")))
    return Layers(*layers, height=340)


@spec
def group_bars(data: pd.DataFrame, category: str, value: str, title: str, value_format: str) -> Layers:
    """A value per group (e.g. the average IKM change), negative values in orange."""
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y(f"{category}:N", title=None, sort=None, axis=alt.Axis(labelLimit=280, labelOverlap=False)),
        x=alt.X(f"{value}:Q", title=title, axis=alt.Axis(format=value_format)),
        color=_when("Color", f"datum['{value}'] < 0", JINGGA, BIRU),
        tooltip=[alt.Tooltip(f"{category}:N", title=" "), alt.Tooltip(f"{value}:Q", title=title, format=value_format),
                 alt.Tooltip("jumlah:Q", title="Jumlah", format=",d")])
    text = bars.mark_text(align="left", dx=3, color="#333333").encode(text=alt.Text(f"{value}:Q", format=value_format))
    return Layers(bars, text, height=alt.Step(34))
