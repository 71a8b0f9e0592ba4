"""Download buttons: every table as CSV (Indonesian Excel or international) and XLSX with a
"Keterangan" sheet, with the page's filters and the user's scope, named after what they
hold, where and when. Files are built only when a button is clicked, without a rerun.
Person-level downloads are written to the audit log.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from data_access import akses, config, ekspor

from . import format as fmt

if TYPE_CHECKING:
    from .frame import Konteks

log = logging.getLogger("dasbor.unduh")
HELP = {"csv_id": "Terbuka langsung di Excel berbahasa Indonesia: titik koma sebagai pemisah, koma desimal.",
        "csv_int": "Untuk Excel berbahasa Inggris, R, Python: koma sebagai pemisah, titik desimal.",
        "xlsx": "Satu lembar data dan lembar Keterangan: filter, tanggal data, sumber, definisi kolom."}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def file_name(what: str, k: Konteks, extension: str = "csv", today: date | None = None,
              style: str | None = None) -> str:
    """e.g. cakupan-pelatihan_jawa-barat_2025_2026-11-27_id.csv: what, where, year, date; the
    two CSV styles end in _id (Indonesian Excel: `;`, decimal comma) and _int (`,`, point)."""
    where = next((value for label, value in reversed(k.labels)
                  if label in ("Unit kerja", "Instansi", "Kabupaten/kota", "Provinsi", "Kelompok wilayah")),
                 "indonesia" if k.scope.is_all else k.pengguna.cakupan)
    suffix = {"csv_id": "_id", "csv_int": "_int"}.get(style or "", "")
    return (f"{slug(what)}_{slug(where)[:60]}_{k.filters.tahun}_{(today or date.today()).isoformat()}"
            f"{suffix}.{extension}")


def keterangan(what: str, k: Konteks) -> list[tuple[str, str]]:
    """The context lines of the Keterangan sheet."""
    chosen = "; ".join(f"{label}: {value}" for label, value in k.labels) or "tanpa filter wilayah/instansi/pegawai"
    return [
        ("Data", what),
        ("Tahun", str(k.filters.tahun)),
        ("Filter", chosen),
        ("Cakupan akses", k.pengguna.cakupan),
        ("Data per", fmt.tanggal(k.info.data_per) if k.info.data_per else "-"),
        ("Sumber", k.info.source + (" (DATA DEMO, angka rekaan)" if k.info.demo else "")),
        ("Mart dibangun", fmt.waktu(k.info.built_at)),
        ("Diunduh", datetime.now().strftime("%d-%m-%Y %H.%M")),
        ("Format angka", "persentase 0–100 dengan (%) di judul kolom (62,5 = 62,5%), kolom bagian tanpa (%) "
                         "0–1; IKM 25–100; desimal seperti tertulis di kolom Format di bawah (dibulatkan "
                         "setengah ke atas); NIP disamarkan kecuali unduhan admin"),
    ]


def _file(style: str, what: str, frames: Callable[[], list], k: Konteks, presisi: dict | None = None) -> bytes:
    """The file's bytes; `presisi` gives each float column its decimals (others get 2)."""
    if style == "xlsx":
        return ekspor.write_xlsx({what: frames()}, keterangan(what, k), presisi)
    return ekspor.write_csv(frames(), style, presisi)


def buttons(what: str, rows: Callable[[], pd.DataFrame], k: Konteks, key: str, percent: tuple | list = (),
            presisi: dict[str, int] | None = None) -> None:
    """A "Unduh" menu for one table: the full data behind it (`rows`, called on click).
    Shares (0..1) in `percent` go into the file as 0–100 headed "<column> (%)"; `presisi` maps
    a column to its decimals (for a percent column: of the 0–100 value), other floats get 2."""
    def data(style: str) -> bytes:
        frame, places = ekspor.ke_persen(rows(), percent, presisi)
        return _file(style, what, lambda: [frame], k, places)

    with st.popover("Unduh", icon=":material/download:"):
        for style, (label, extension, mime) in ekspor.FORMAT.items():
            st.download_button(label, data=lambda s=style: data(s),
                               file_name=file_name(what, k, extension, style=style), mime=mime,
                               key=f"{key}_{style}", on_click="ignore", width="stretch", help=HELP[style])


def dataset_buttons(ds: ekspor.Dataset, k: Konteks, rows: int, key: str = "unduh_dataset") -> None:
    """Buttons for a registered dataset, streamed from the mart; refused beyond the row limit.
    An admin's person-level files carry the full NIP; every person-level file is audited.
    The file rounds as the dataset's `presisi` says (if it has one; `_file` looks it up)."""
    if rows > ekspor.BATAS_BARIS:
        st.warning(ekspor.too_big(rows), icon=":material/block:")
        return
    row = st.container(horizontal=True, gap="small")
    for style, (label, extension, mime) in ekspor.FORMAT.items():
        row.download_button(label, data=lambda s=style: _dataset_file(s, ds, k), file_name=file_name(
            ds.kunci, k, extension, style=style), mime=mime, key=f"{key}_{style}", on_click="ignore",
            icon=":material/download:", disabled=rows == 0, help=HELP[style])


def _dataset_file(style: str, ds: ekspor.Dataset, k: Konteks) -> bytes:
    n, frames = ekspor.batches(k.sel, ds, full_nip=True)
    data = _file(style, ds.judul, lambda: frames, k, ds.presisi)
    if ds.orang:
        audit(k, ds.kunci, n)
    return data


def audit(k: Konteks, dataset: str, rows: int) -> None:
    """Who, when, which dataset, which filters (codes only), how many rows: never a NIP or a name."""
    who = k.pengguna.email or f"({k.pengguna.mode})"
    filters = k.filters.active()
    akses.catat_unduhan(config.load_settings().akses_path, who, k.pengguna.peran, dataset, filters, rows)
    log.info("unduhan data orang: %s (%s) %s, filter %s, %d baris", who, k.pengguna.peran, dataset, filters, rows)
