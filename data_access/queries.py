"""Named datasets the pages ask for. Pages contain no SQL; every query lives here.

Each function takes the mart's path and version, the access scope and the
filters, and returns a small DataFrame or value. Results are cached with
`st.cache_data`, keyed on all of those arguments: a refreshed mart (new version)
or another scope never meets a cached answer made for something else.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from . import reference as ref
from .filters import Filters, Scope, where
from .mart import run

FIGURE_TTL = 15 * 60  # figures: the mart can be refreshed at any time
OPTIONS_TTL = 12 * 3600  # option lists change only with a refresh, and the version keys them

# The cascade: each dimension is narrowed by the ones before it.
CASCADE = ["kelompok_wilayah", "kode_provinsi", "kode_kabkota", "jenis_instansi", "kode_instansi", "kode_unit"]

_UNITS = """(SELECT u.*, u.kode AS kode_unit, p.nama AS nama_provinsi, k.nama AS nama_kabkota,
                    k.tingkat AS tingkat_kabkota
             FROM unit_kerja u
             JOIN wilayah p ON p.kode = u.kode_provinsi
             JOIN wilayah k ON k.kode = u.kode_kabkota)"""

_OPTION_SQL = {
    "kelompok_wilayah": ("kelompok_wilayah", "kelompok_wilayah"),
    "kode_provinsi": ("kode_provinsi", "nama_provinsi"),
    "kode_kabkota": ("kode_kabkota", "nama_kabkota"),
    "jenis_instansi": ("jenis_instansi", "jenis_instansi"),
    "kode_instansi": ("kode_instansi", "nama_instansi"),
    "kode_unit": ("kode_unit", "nama"),
}

JENIS_INSTANSI_LABEL = {"pusat": "Instansi pusat", "provinsi": "Pemerintah provinsi",
                        "kabupaten": "Pemerintah kabupaten", "kota": "Pemerintah kota"}


@st.cache_data(ttl=OPTIONS_TTL, max_entries=5000, show_spinner=False)
def filter_options(path: str, version: str, scope: Scope, filters: Filters, dimension: str) -> list[tuple[str, str]]:
    """(code, label) choices for one filter, narrowed by the filters before it in the
    cascade and by the scope. Person filters have fixed lists."""
    if dimension in _OPTION_SQL:
        parents = CASCADE[:CASCADE.index(dimension)]
        narrowed = Filters(**{d: getattr(filters, d) for d in parents})
        clause, params = where(narrowed, scope, year=False, person=False)
        code, label = _OPTION_SQL[dimension]
        rows = run(path, version, f"SELECT DISTINCT {code} AS kode, {label} AS nama FROM {_UNITS} "
                                  f"WHERE {clause} AND {code} IS NOT NULL ORDER BY 1", params)
        pairs = list(rows.itertuples(index=False, name=None))
        if dimension == "kelompok_wilayah":
            return sorted(pairs, key=lambda p: ref.KELOMPOK_WILAYAH.index(p[0]))
        if dimension == "jenis_instansi":
            return sorted(((k, JENIS_INSTANSI_LABEL[k]) for k, _ in pairs),
                          key=lambda p: list(JENIS_INSTANSI_LABEL).index(p[0]))
        if dimension in ("kode_provinsi", "kode_kabkota"):
            return pairs
        return sorted(pairs, key=lambda p: p[1])
    if dimension == "jenis_asn":
        return [(a, a) for a in ref.JENIS_ASN]
    if dimension == "jenis_jabatan":
        return [(j, j) for j in ref.JENIS_JABATAN]
    if dimension == "jenis_kelamin":
        return [("L", "Laki-laki"), ("P", "Perempuan")]
    if dimension == "kelompok_golongan":
        pns = [(g, f"Golongan {g}") for g in ("I", "II", "III", "IV")]
        pppk = [(g, g) for g in ("PPPK I-IV", "PPPK V-VIII", "PPPK IX-XII", "PPPK XIII-XVII")]
        return {"PNS": pns, "PPPK": pppk}.get(filters.jenis_asn, pns + pppk)
    raise ValueError(f"filter tidak dikenal: {dimension}")


@st.cache_data(ttl=FIGURE_TTL, max_entries=2000, show_spinner=False)
def jumlah_asn(path: str, version: str, scope: Scope, filters: Filters) -> int:
    """Employees on the payroll in the selected year under the filters (PNS and PPPK)."""
    clause, params = where(filters, scope)
    value = run(path, version, f"SELECT sum(jumlah_pegawai) FROM pelatihan_tahun WHERE {clause}",
                params).iloc[0, 0]
    return 0 if pd.isna(value) else int(value)


@st.cache_data(ttl=OPTIONS_TTL, max_entries=20, show_spinner=False)
def row_counts(path: str, version: str) -> pd.DataFrame:
    """Rows of every source table as read by the last refresh."""
    meta = run(path, version, "SELECT kunci, nilai FROM meta WHERE kunci LIKE 'baris_%' ORDER BY kunci")
    return pd.DataFrame({"tabel": meta["kunci"].str.removeprefix("baris_"),
                         "baris": meta["nilai"].astype(int)})

