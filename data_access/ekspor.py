"""Downloadable datasets and the files they become: CSV (Indonesian Excel or international)
and XLSX with a "Keterangan" sheet.

A dataset is SQL on the mart under the user's scope and the active filters. Its rows go
from DuckDB to the file in Arrow batches (`BATCH_ROWS` at a time), never as one table in
memory; beyond `BATAS_BARIS` rows (setting BATAS_BARIS_UNDUH) a download is refused
with a message that says how to narrow it. Person-level datasets need a scope that may see
people; only an admin's scope gets the full NIP.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from . import kamus, mart, queries, rules
from .config import setting
from .filters import Filters, Scope, where

BATCH_ROWS = 50_000
BATAS_BARIS = int(setting("BATAS_BARIS_UNDUH", "1000000"))  # XLSX holds at most 1.048.576 rows a sheet
FORMAT = {
    "csv_id": ("CSV Indonesia (;)", "csv", "text/csv"),
    "csv_int": ("CSV internasional (,)", "csv", "text/csv"),
    "xlsx": ("Excel (XLSX)", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


class TerlaluBesar(ValueError):
    """More rows than a download may hold; the text says what to do."""


@dataclass(frozen=True)
class Dataset:
    kunci: str
    judul: str
    keterangan: str
    orang: bool  # person-level: only for roles that may see people, and audited
    sql: Callable[[Scope, Filters, bool], tuple[str, list]]  # (scope, filters, full NIP) -> SQL
    olah: Callable[[pd.DataFrame], pd.DataFrame] | None = None  # applied to every batch


# --- aggregates per level ---------------------------------------------------------------------

TINGKAT = {"provinsi": ("kode_provinsi", "provinsi"), "kabkota": ("kode_kabkota", "kabupaten/kota"),
           "instansi": ("kode_instansi", "instansi"), "unit": ("kode_unit", "unit kerja")}


def _pelatihan(column: str):
    def build(scope: Scope, filters: Filters, _: bool):
        clause, params = where(filters, scope)
        return f"""
            SELECT c.tahun, c.kode, n.nama, c.pns, c.pns_capai_target, c.pns_capai_target / nullif(c.pns, 0) AS cakupan_20jp,
                   c.jp_pns / nullif(c.pns, 0) AS jp_per_pns, c.kekurangan_jp, c.pppk,
                   c.jp_pppk / nullif(c.pppk, 0) AS jp_per_pppk
            FROM (SELECT tahun, {column} AS kode,
                         sum(jumlah_pegawai) FILTER (WHERE jenis_asn = 'PNS')::BIGINT AS pns,
                         sum(jumlah_capai_target) FILTER (WHERE jenis_asn = 'PNS')::BIGINT AS pns_capai_target,
                         sum(jumlah_jp) FILTER (WHERE jenis_asn = 'PNS') AS jp_pns,
                         sum(jumlah_kekurangan_jp) FILTER (WHERE jenis_asn = 'PNS') AS kekurangan_jp,
                         coalesce(sum(jumlah_pegawai) FILTER (WHERE jenis_asn = 'PPPK'), 0)::BIGINT AS pppk,
                         sum(jumlah_jp) FILTER (WHERE jenis_asn = 'PPPK') AS jp_pppk
                  FROM {queries._t('pelatihan_tahun', filters, column == 'kode_unit')} WHERE {clause} AND {column} IS NOT NULL GROUP BY ALL) c
            JOIN ({queries._NAMES[column]}) n ON n.kode = c.kode ORDER BY n.nama, c.kode""", params
    return build


def _kompetensi(column: str):
    def build(scope: Scope, filters: Filters, _: bool):
        clause, params = where(filters, scope)
        return f"""
            SELECT c.tahun, c.kode, n.nama, c.dinilai, c.memenuhi_standar,
                   c.memenuhi_standar / nullif(c.dinilai, 0) AS persen_memenuhi,
                   c.jpm_total / nullif(c.dinilai, 0) AS jpm, c.tanpa_standar
            FROM (SELECT tahun, {column} AS kode, sum(jumlah_dinilai)::BIGINT AS dinilai,
                         sum(jumlah_memenuhi_standar)::BIGINT AS memenuhi_standar, sum(jumlah_jpm) AS jpm_total,
                         sum(jumlah_tanpa_standar)::BIGINT AS tanpa_standar
                  FROM {queries._t('kompetensi_pegawai_sel', filters, column == 'kode_unit')} WHERE {clause} AND {column} IS NOT NULL GROUP BY ALL) c
            JOIN ({queries._NAMES[column]}) n ON n.kode = c.kode ORDER BY n.nama, c.kode""", params
    return build


def _kepuasan(column: str):
    def build(scope: Scope, filters: Filters, _: bool):
        clause, params = where(filters, scope, person=False)
        return f"""
            SELECT s.tahun, s.kode, n.nama, s.responden, s.ikm
            FROM (SELECT tahun, {column} AS kode, sum(jumlah_responden)::BIGINT AS responden,
                         {queries._ikm_expr()} AS ikm
                  FROM ikm_sel WHERE {clause} AND {column} IS NOT NULL GROUP BY ALL) s
            JOIN ({queries._NAMES[column]}) n ON n.kode = s.kode ORDER BY n.nama, s.kode""", params
    return build


def _mutu(frame: pd.DataFrame) -> pd.DataFrame:
    """The quality category of each IKM, by the rules' half-up rounding."""
    return frame.assign(mutu=frame["ikm"].map(lambda v: None if pd.isna(v) else rules.ikm_category(v)[0]))


def _kebutuhan(scope: Scope, filters: Filters, _: bool):
    clause, params = where(filters, scope, alias="b")
    return f"""
        SELECT b.tahun, u.nama AS unit_kerja, i.nama AS instansi, b.kode_kompetensi, k.nama_kompetensi AS kompetensi,
               k.kelompok, count(*) AS di_bawah_standar, avg(b.kekurangan_level) AS rata_kekurangan,
               count(*) FILTER (WHERE b.dilatih_setelah_penilaian) AS sudah_dilatih
        FROM (SELECT k.*, g.* EXCLUDE (segmen) FROM kebutuhan_pegawai k JOIN segmen g USING (segmen)) b
        JOIN unit_kerja u ON u.kode = b.kode_unit JOIN instansi i ON i.kode = b.kode_instansi
        JOIN {queries._KOMPETENSI_NAMA} k USING (kode_kompetensi)
        WHERE {clause} GROUP BY ALL ORDER BY instansi, unit_kerja, di_bawah_standar DESC, kompetensi""", params


DATASETS: dict[str, Dataset] = {}
for _level, (_column, _label) in TINGKAT.items():
    for _key, _title, _build, _note in (
        ("pelatihan", "Cakupan pelatihan", _pelatihan, "PNS, cakupan 20 JP, JP per PNS, JP yang kurang; PPPK terpisah"),
        ("kompetensi", "Kompetensi", _kompetensi, "pegawai dinilai, memenuhi standar, JPM rata-rata"),
        ("kepuasan", "Kepuasan masyarakat (IKM)", _kepuasan, "responden, IKM gabungan, mutu A–D"),
    ):
        DATASETS[f"{_key}_{_level}"] = Dataset(f"{_key}_{_level}", f"{_title} per {_label}", _note, False,
                                               _build(_column), _mutu if _key == "kepuasan" else None)
DATASETS["kebutuhan_pelatihan"] = Dataset(
    "kebutuhan_pelatihan", "Kebutuhan pelatihan per unit kerja dan kompetensi",
    "pegawai di bawah standar per kompetensi dan unit, rata-rata kekurangan level, yang sudah dilatih",
    False, _kebutuhan)
DATASETS["pns_di_bawah_target"] = Dataset(
    "pns_di_bawah_target", "PNS di bawah 20 JP (per orang)", "NIP, nama, unit, JP tahun ini, JP yang kurang",
    True, queries.sql_pns_di_bawah_target)
DATASETS["pegawai_di_bawah_standar"] = Dataset(
    "pegawai_di_bawah_standar", "Pegawai di bawah standar kompetensi (per orang)",
    "NIP, nama, unit, kompetensi, level, standar, sudah dilatih", True,
    queries.sql_kebutuhan_per_orang)


def available(scope: Scope) -> dict[str, Dataset]:
    """The datasets this scope may download (person-level ones only where people may be seen)."""
    return {k: d for k, d in DATASETS.items() if scope.lihat_orang or not d.orang}


def _sql(ds: Dataset, scope: Scope, filters: Filters, full_nip: bool) -> tuple[str, list]:
    if ds.orang and not scope.lihat_orang:
        raise PermissionError("Peran Anda tidak berhak mengunduh data orang per orang.")
    return ds.sql(scope, filters, full_nip)


@queries.cached(ttl=queries.FIGURE_TTL, max_entries=500)
def count(path: str, version: str, scope: Scope, filters: Filters, kunci: str) -> int:
    sql, params = _sql(DATASETS[kunci], scope, filters, False)
    return int(mart.run(path, version, f"SELECT count(*) FROM ({sql})", params).iloc[0, 0])


@queries.cached(ttl=queries.FIGURE_TTL, max_entries=500)
def preview(path: str, version: str, scope: Scope, filters: Filters, kunci: str, rows: int = 100) -> pd.DataFrame:
    """The first rows as the file will hold them (NIP masked)."""
    ds = DATASETS[kunci]
    sql, params = _sql(ds, scope, filters, False)
    frame = mart.run(path, version, f"SELECT * FROM ({sql}) LIMIT {int(rows)}", params)
    return ds.olah(frame) if ds.olah else frame


def batches(path: str, version: str, scope: Scope, filters: Filters, ds: Dataset,
            full_nip: bool = False) -> tuple[int, Iterable[pd.DataFrame]]:
    """(row count, the rows in batches). Refuses beyond the row limit before reading any row."""
    n = count(path, version, scope, filters, ds.kunci)
    if n > BATAS_BARIS:
        raise TerlaluBesar(too_big(n))
    sql, params = _sql(ds, scope, filters, full_nip)
    frames = mart.stream(path, version, sql, params, BATCH_ROWS)
    return n, (map(ds.olah, frames) if ds.olah else frames)


def too_big(n: int) -> str:
    return (f"Data ini terlalu besar untuk diunduh: {n:,} baris, batasnya {BATAS_BARIS:,} baris. "
            "Persempit dengan filter (provinsi, instansi, atau jenis ASN) lalu unduh per bagian.").replace(",", ".")


# --- files -----------------------------------------------------------------------------------------

def write_csv(frames: Iterable[pd.DataFrame], style: str = "csv_id") -> bytes:
    """UTF-8 with BOM; Indonesian Excel (`;`, decimal comma) or international (`,`, point).
    Written batch by batch."""
    sep, decimal = (";", ",") if style == "csv_id" else (",", ".")
    out = io.BytesIO()
    out.write("\ufeff".encode())
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    for i, frame in enumerate(frames):
        frame.to_csv(text, index=False, header=i == 0, sep=sep, decimal=decimal, quoting=csv.QUOTE_MINIMAL)
    text.detach()
    return out.getvalue()


def write_xlsx(sheets: dict[str, Iterable[pd.DataFrame]], keterangan: list[tuple[str, str]]) -> bytes:
    """One sheet per table (rows appended batch by batch, write-only) and a "Keterangan"
    sheet: the context lines given, then every column with its definition."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    columns: dict[str, None] = {}
    for name, frames in sheets.items():
        sheet = book.create_sheet(re.sub(r"[\\/*?:\[\]]", "-", name)[:31])  # Excel forbids these in a name
        header = False
        for frame in frames:
            if not header:
                sheet.append(list(frame.columns))
                columns.update(dict.fromkeys(frame.columns))
                header = True
            for row in frame.itertuples(index=False, name=None):
                sheet.append([_cell(v) for v in row])
    notes = book.create_sheet("Keterangan")
    for key, value in keterangan:
        notes.append([key, value])
    notes.append([])
    notes.append(["Kolom", "Definisi"])
    for column in columns:
        notes.append([column, kamus.definisi(str(column)) or "-"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value):
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # NumPy scalars
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value
