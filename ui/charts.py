"""Chart builders: small functions, data passed in, Indonesian locale in every spec.

Vega-Lite formats numbers with d3-format: the locale below makes `,` group with a
point and `.` mark decimals with a comma, and names months and days in Indonesian,
wherever the chart is rendered (Streamlit passes `usermeta.embedOptions` to
vega-embed).
"""

from __future__ import annotations

import altair as alt

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
