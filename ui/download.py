"""Downloads that open right in Indonesian Excel: CSV with a BOM, semicolons and decimal
commas, named after what they hold, for whom and when. Built only on click."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pandas as pd
import streamlit as st

from .frame import Konteks


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def file_name(what: str, k: Konteks, extension: str = "csv", today: date | None = None) -> str:
    """e.g. cakupan-pelatihan_jawa-barat_2025_2026-11-27.csv"""
    where = next((value for label, value in reversed(k.labels)
                  if label in ("Unit kerja", "Instansi", "Kabupaten/kota", "Provinsi", "Kelompok wilayah")),
                 "indonesia")
    return f"{slug(what)}_{slug(where)}_{k.filters.tahun}_{(today or date.today()).isoformat()}.{extension}"


def csv_bytes(df: pd.DataFrame) -> bytes:
    """Indonesian Excel: UTF-8 with BOM, semicolon separator, decimal comma."""
    return df.to_csv(index=False, sep=";", decimal=",").encode("utf-8-sig")


def csv_button(label: str, rows: Callable[[], pd.DataFrame], what: str, k: Konteks, key: str) -> None:
    """A download button whose file is built when clicked, without rerunning the page."""
    st.download_button(label, data=lambda: csv_bytes(rows()), file_name=file_name(what, k),
                       mime="text/csv", key=key, on_click="ignore", icon=":material/download:")
