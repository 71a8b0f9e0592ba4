"""Chart builders: small functions, data passed in, Indonesian locale in every spec.

Vega-Lite formats numbers with d3-format: the locale below makes `,` group with a
point and `.` mark decimals with a comma, and names months and days in Indonesian,
wherever the chart is rendered (Streamlit passes `usermeta.embedOptions` to
vega-embed).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

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


def localized(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with the Indonesian number and time locale in its spec."""
    return chart.properties(usermeta={"embedOptions": {"formatLocale": FORMAT_LOCALE,
                                                       "timeFormatLocale": TIME_LOCALE}})


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


def tile_map(data: pd.DataFrame, value: str, title: str, value_format: str,
             selected: str | None = None) -> alt.LayerChart:
    """The 38 provinces as tiles coloured by `value`, the value printed in each tile.

    `data` has kode_provinsi, nama, `value` and `label` (the value as text, formatted
    the Indonesian way); provinces missing from it are drawn grey without a value.
    Clicking a tile selects its province (selection parameter "provinsi").
    """
    tiles = pd.DataFrame([{"kode_provinsi": k, "kolom": c, "baris": r, "singkatan": SINGKATAN[k]}
                          for k, (c, r) in TILE_GRID.items()])
    df = tiles.merge(data, on="kode_provinsi", how="left")
    df["label"] = df["label"].fillna("–")
    df["nama"] = df["nama"].fillna("Tidak ada data")
    df["dipilih"] = df["kode_provinsi"] == selected
    click = alt.selection_point(name="provinsi", fields=["kode_provinsi"], on="click", clear=False)
    # The scale spans the provinces' own range, so that differences between them show.
    scale = alt.Scale(scheme="viridis", reverse=True, zero=False)
    base = alt.Chart(df).encode(
        x=alt.X("kolom:O", axis=None), y=alt.Y("baris:O", axis=None),
        tooltip=[alt.Tooltip("nama:N", title="Provinsi"), alt.Tooltip("label:N", title=title)])
    squares = base.mark_rect(cornerRadius=4, stroke="white", strokeWidth=2).encode(
        color=alt.condition(f"isValid(datum['{value}'])",
                            alt.Color(f"{value}:Q", scale=scale, title=title,
                                      legend=alt.Legend(orient="bottom", format=value_format,
                                                        gradientLength=300)),
                            alt.value("#d9d9d9")),
        strokeWidth=alt.condition("datum.dipilih", alt.value(4), alt.value(2)),
        stroke=alt.condition("datum.dipilih", alt.value("#111111"), alt.value("white")),
    ).add_params(click)
    # Reversed viridis: high values are dark and take white text.
    text_color = alt.condition(f"datum['{value}'] > {_middle(df[value])}", alt.value("white"),
                               alt.value("black"))
    names = base.mark_text(dy=-9, fontSize=10).encode(text="singkatan:N", color=text_color)
    values = base.mark_text(dy=8, fontSize=12, fontWeight="bold").encode(text="label:N", color=text_color)
    chart = alt.layer(squares, names, values).properties(
        width=TILE * 15, height=TILE * 6).configure_view(strokeWidth=0)
    return localized(chart)


def _middle(values: pd.Series) -> float:
    """Where the viridis scale turns dark enough for white text."""
    lo, hi = values.min(), values.max()
    if pd.isna(lo) or pd.isna(hi):
        return 0.0
    return lo + (hi - lo) * 0.45
