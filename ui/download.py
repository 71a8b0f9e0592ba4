"""Download buttons: every table as CSV (Indonesian Excel or international) and XLSX with a
"Keterangan" sheet, with the page's filters and the user's scope, named after what they
hold, where and when. Files are built only when a button is clicked, without a rerun.
Person-level downloads are audited (data_access/ekspor.catat), and no file stays reachable
for long: see `_links_expire`.
"""

from __future__ import annotations

import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from data_access import config, ekspor

if TYPE_CHECKING:
    from .frame import Konteks

HELP = {"csv_id": "Terbuka langsung di Excel berbahasa Indonesia: titik koma sebagai pemisah, koma desimal.",
        "csv_int": "Untuk Excel berbahasa Inggris, R, Python: koma sebagai pemisah, titik desimal.",
        "xlsx": "Satu lembar data dan lembar Keterangan: filter, tanggal data, sumber, definisi kolom."}
_DETIK = (config.setting("TAUTAN_UNDUHAN_DETIK", "60") or "").strip()
# How long a file's address works: TAUTAN_UNDUHAN_DETIK seconds, 1 to 600 (anything else: 60).
BERLAKU_DETIK = int(_DETIK) if _DETIK.isdigit() and 0 < int(_DETIK) <= 600 else 60


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
    """The context lines of the Keterangan sheet (ekspor.keterangan, for this page's context)."""
    return ekspor.keterangan(what, k.info, k.filters.tahun, k.labels, k.pengguna.cakupan)


def _file(style: str, what: str, frames: Callable[[], list], k: Konteks, presisi: dict | None = None) -> bytes:
    """The file's bytes; `presisi` gives each float column its decimals (others get 2)."""
    return ekspor.tulis(style, what, frames(), keterangan(what, k), presisi)


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
    The file rounds as the dataset's `presisi` says (if it has one)."""
    if rows > ekspor.BATAS_BARIS:
        st.warning(ekspor.too_big(rows), icon=":material/block:")
        return
    row = st.container(horizontal=True, gap="small")
    for style, (label, extension, mime) in ekspor.FORMAT.items():
        row.download_button(label, data=lambda s=style: _dataset_file(s, ds, k), file_name=file_name(
            ds.kunci, k, extension, style=style), mime=mime, key=f"{key}_{style}", on_click="ignore",
            icon=":material/download:", disabled=rows == 0, help=HELP[style])


def _dataset_file(style: str, ds: ekspor.Dataset, k: Konteks) -> bytes:
    n, data = ekspor.berkas(k.sel, ds, style, keterangan(ds.judul, k))
    if ds.orang:
        audit(k, ds.kunci, n)
    return data


def audit(k: Konteks, dataset: str, rows: int) -> None:
    """Who, when, which dataset, which filters (codes only), how many rows: never a NIP or a name."""
    ekspor.catat(config.load_settings().akses_path, k.pengguna.email or f"({k.pengguna.mode})",
                 k.pengguna.peran, dataset, k.filters, rows, "dasbor")


# --- how long a file can be fetched ---------------------------------------------------------------

def _links_expire() -> None:
    """Give every downloadable file a random address that works for BERLAKU_DETIK seconds.

    Streamlit 1.67 runs a download button's callable when it is clicked, keeps the bytes in its
    in-memory media storage under a hash of the content, mime type and file name, and serves them
    at /media/<hash>.<ext> to any client that asks, without a session or a cookie (the route has
    neither), until two clean-ups after script runs remove them: on an idle server, for hours
    (streamlit/streamlit#8148). A hash is not a secret either: the same person list gives the
    same address to whoever computes it, and an empty list's address can be computed.

    So the storage's two public methods that the manager and the /media route call are wrapped:
    `load_and_get_id` stores a downloadable file as before and hands back a random 128-bit
    token instead of the hash, valid for BERLAKU_DETIK seconds (setting TAUTAN_UNDUHAN_DETIK,
    default 60: the browser fetches within a second of the click); `get_file` serves a
    downloadable only by a live token, never by its hash, and drops expired tokens (and their
    bytes, once no token refers to them). Every click runs the callable again and gets a new
    token. Images and other media are untouched. There is no public hook for this: a custom
    storage would need the ASGI `st.App` entry point and its own /media route. tests/
    test_hardening_download_e2e.py fetches the files from a second browser and fails should a
    Streamlit upgrade change these methods."""
    from streamlit.runtime.media_file_storage import MediaFileKind, MediaFileStorageError
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage as Storage

    if getattr(Storage, "_dasbor_tautan", False):
        return
    load, get, delete = Storage.load_and_get_id, Storage.get_file, Storage.delete_file
    lock = threading.Lock()
    links: dict[str, tuple[Storage, str, float]] = {}  # token -> (storage, content id, deadline)

    def release(storage: Storage, content_id: str) -> None:  # with `lock` held
        if not any(s is storage and c == content_id for s, c, _ in links.values()):
            delete(storage, content_id)

    def sweep() -> None:  # with `lock` held
        now = time.monotonic()
        for token in [t for t, (_, _, deadline) in links.items() if deadline <= now]:
            storage, content_id, _ = links.pop(token)
            release(storage, content_id)

    def load_and_get_id(self, path_or_data, mimetype, kind, filename=None):
        content_id = load(self, path_or_data, mimetype, kind, filename)
        if kind != MediaFileKind.DOWNLOADABLE:
            return content_id
        token = secrets.token_hex(16)
        with lock:
            sweep()
            links[token] = (self, content_id, time.monotonic() + BERLAKU_DETIK)
        return token

    def get_file(self, filename):
        token = os.path.splitext(filename)[0]
        with lock:
            sweep()
            link = links.get(token)
        if link is not None and link[0] is self:
            return get(self, link[1])
        found = get(self, filename)
        if found.kind == MediaFileKind.DOWNLOADABLE:
            raise MediaFileStorageError(f"Berkas unduhan {token} hanya lewat tautannya sendiri.")
        return found

    def delete_file(self, file_id):
        with lock:
            link = links.pop(file_id, None)
            if link is None:
                delete(self, file_id)
            else:
                release(self, link[1])

    Storage.load_and_get_id, Storage.get_file, Storage.delete_file = load_and_get_id, get_file, delete_file
    Storage._dasbor_tautan = True


_links_expire()
