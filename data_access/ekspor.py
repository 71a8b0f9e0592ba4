"""Downloadable datasets and the files they become: CSV (Indonesian Excel or international)
and XLSX with a "Keterangan" sheet.

A dataset is SQL on the mart under the user's scope and the active filters. Its rows go
from DuckDB to the file in Arrow batches (`BATCH_ROWS` at a time), never as one table in
memory; beyond `BATAS_BARIS` rows (setting BATAS_BARIS_UNDUH) a download is refused
with a message that says how to narrow it. Person-level datasets need a scope that may see
people; only an admin's scope gets the full NIP.

No cell of a file can run as a formula (OWASP, CSV injection): text starting with = + - @, a tab,
a carriage return or a line feed (or the full-width ＝ ＋ － ＠) gets a leading apostrophe in CSV,
which has no types; XLSX types every text cell as text (see `write_xlsx` for why the apostrophe
is not added there). Headers, sheet names and the Keterangan lines are cells too. Numbers stay
numbers: -3 is -3 in both.

The dashboard's buttons (ui/download.py) and the command line (`python -m data_access ekspor`)
build a dataset's file with `berkas`, its notes with `keterangan`, and audit a person-level one
with `catat`: one route, one set of scope rules, one audit.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from . import akses, kamus, mart, queries, rules
from .config import setting
from .filters import SPECS, Filters, Scope
from .measures import LEVELS, MEASURES, catalog, figures_sql
from .queries import Selection

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
    sql: Callable[[Scope, Filters, bool], tuple[str, dict]]  # (scope, filters, full NIP) -> SQL
    olah: Callable[[pd.DataFrame], pd.DataFrame] | None = None  # applied to every batch
    presisi: dict | None = None  # decimals per column, for the file's number formats


# --- aggregates per level, assembled from the measure layer --------------------------------------

AGREGAT = {
    "pelatihan": ("Cakupan pelatihan", ("pns", "pns_capai", "cakupan", "jp_per_pns", "kekurangan_jp", "pppk",
                                        "jp_per_pppk"), "PNS, cakupan 20 JP, JP per PNS, JP yang kurang; PPPK terpisah"),
    "kompetensi": ("Kompetensi", ("dinilai", "memenuhi_standar", "jpm", "tanpa_standar"),
                   "pegawai dinilai, memenuhi standar, JPM rata-rata"),
    "kepuasan": ("Kepuasan masyarakat (IKM)", ("responden", "ikm"), "responden, IKM gabungan, mutu A–D"),
}


def _rounded(key: str) -> str:
    """A measure's column as the file holds it: shares as 0–100, rounded half-up to the measure's
    precision (through an exact decimal, so 12,25 becomes 12,3 and never 12,2)."""
    m = MEASURES[key]
    value = f'"{key}" * 100' if m.is_share else f'"{key}"'
    if m.unit in ("orang", "unit"):
        return f'"{key}" AS "{m.export_header}"'
    return f'round(({value})::DECIMAL(38, 10), {m.precision})::DOUBLE AS "{m.export_header}"'


def _aggregate(level: str, keys: tuple[str, ...]):
    lv = LEVELS[level]

    def build(scope: Scope, filters: Filters, _: bool):
        # A file is the planner's data, not a ranking: every figure is in it, with its size beside it
        # (PNS, dinilai, responden), so nothing is withheld here, except, for a role that sees
        # aggregates only, the small cells the pages hide too (measures/sql.py `protect`).
        sql, params = figures_sql(keys, filters, scope, level=level, withhold=False)
        volume = ""
        if level == "unit" and "ikm" in keys:
            volume = (', v.jumlah_penerima::BIGINT AS "Penerima layanan" ', "LEFT JOIN volume_layanan v ON v.kode_unit = f.kode "
                      "AND v.tahun = f.tahun")
        return f"""
            SELECT f.tahun AS "Tahun", f.kode AS "Kode {lv.noun}", f.nama AS "{lv.label}",
                   {', '.join(_rounded(k) for k in keys)}{volume[0] if volume else ''}
            FROM ({sql}) f {volume[1] if volume else ''}
            ORDER BY f.nama, f.kode""", params
    return build


def _mutu(frame: pd.DataFrame) -> pd.DataFrame:
    """The quality category of each IKM (rules' half-up rounding) in its own column, and for units
    the Krejcie-Morgan minimum sample of the year and whether it was met."""
    frame = frame.assign(**{"Mutu IKM": frame["IKM"].map(lambda v: (rules.ikm_category(v) or (None,))[0])})
    if "Penerima layanan" in frame:
        minimum = frame["Penerima layanan"].map(lambda n: None if pd.isna(n) else rules.krejcie_morgan(int(n)))
        frame = frame.assign(**{"Sampel minimum": minimum.astype("Int64"), "Kecukupan sampel": [
            None if pd.isna(r) else rules.kecukupan_sampel(r, None if pd.isna(m) else m)  # hidden: no verdict
            for r, m in zip(frame["Responden"], minimum)]})
    return frame


def _presisi(keys) -> dict[str, int]:
    return {MEASURES[k].export_header: MEASURES[k].precision for k in keys if MEASURES[k].unit not in ("orang", "unit")}


def _kebutuhan(scope: Scope, filters: Filters, _: bool):
    keys = ("di_bawah_standar", "rata_kekurangan", "sudah_dilatih")
    sql, params = figures_sql(keys, filters, scope, level="unit", group=("kode_kompetensi",), withhold=False)
    return f"""
        SELECT f.tahun AS "Tahun", f.kode AS "Kode unit kerja", f.nama AS "Unit kerja", u.nama_instansi AS "Instansi",
               f.kode_kompetensi AS "Kode kompetensi", k.nama_kompetensi AS "Kompetensi", k.kelompok AS "Kelompok",
               {', '.join(_rounded(k) for k in keys)}
        FROM ({sql}) f JOIN unit_kerja u ON u.kode = f.kode JOIN {queries.KOMPETENSI} k USING (kode_kompetensi)
        WHERE f.di_bawah_standar > 0
        ORDER BY 4, 3, f.di_bawah_standar DESC, 6""", params


ORANG = {"nip": "NIP", "nama": "Nama", "golongan": "Golongan", "jenjang_jabatan": "Jenjang jabatan",
         "unit_kerja": "Unit kerja", "jp": "JP tahun ini", "kekurangan_jp": "JP yang kurang", "kompetensi": "Kompetensi",
         "level": "Level", "level_standar": "Level standar", "kekurangan_level": "Kekurangan level",
         "tanggal_penilaian": "Tanggal penilaian", "dilatih_setelah_penilaian": "Dilatih setelah penilaian"}


def _orang(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns=ORANG)


DATASETS: dict[str, Dataset] = {}
for _level in ("provinsi", "kabkota", "instansi", "unit"):
    for _key, (_title, _keys, _note) in AGREGAT.items():
        DATASETS[f"{_key}_{_level}"] = Dataset(
            f"{_key}_{_level}", f"{_title} per {LEVELS[_level].noun}", _note, False, _aggregate(_level, _keys),
            _mutu if _key == "kepuasan" else None, _presisi(_keys))
DATASETS["kebutuhan_pelatihan"] = Dataset(
    "kebutuhan_pelatihan", "Kebutuhan pelatihan per unit kerja dan kompetensi",
    "pegawai di bawah standar per kompetensi dan unit, rata-rata kekurangan level, yang sudah dilatih",
    False, _kebutuhan, presisi=_presisi(("rata_kekurangan",)))
DATASETS["pns_di_bawah_target"] = Dataset(
    "pns_di_bawah_target", "PNS di bawah 20 JP (per orang)", "NIP, nama, unit, JP tahun ini, JP yang kurang",
    True, queries.sql_pns_di_bawah_target, _orang, {"JP tahun ini": 2, "JP yang kurang": 2})
DATASETS["pegawai_di_bawah_standar"] = Dataset(
    "pegawai_di_bawah_standar", "Pegawai di bawah standar kompetensi (per orang)",
    "NIP, nama, unit, kompetensi, level, standar, sudah dilatih", True, queries.sql_kebutuhan_per_orang, _orang)


def available(scope: Scope) -> dict[str, Dataset]:
    """The datasets this scope may download (person-level ones only where people may be seen)."""
    return {k: d for k, d in DATASETS.items() if scope.lihat_orang or not d.orang}


def _sql(ds: Dataset, scope: Scope, filters: Filters, full_nip: bool) -> tuple[str, dict]:
    if ds.orang and not scope.lihat_orang:
        raise PermissionError("Peran Anda tidak berhak mengunduh data orang per orang.")
    return ds.sql(scope, filters, full_nip)


@queries.cached(ttl=queries.FIGURE_TTL)
def count(sel: Selection, kunci: str) -> int:
    sql, params = _sql(DATASETS[kunci], sel.scope, sel.filters, False)
    return int(queries.run(sel, f"SELECT count(*) FROM ({sql})", params).iloc[0, 0])


@queries.cached(ttl=queries.FIGURE_TTL)
def preview(sel: Selection, kunci: str, rows: int = 100) -> pd.DataFrame:
    """The first rows as the file will hold them (NIP masked)."""
    ds = DATASETS[kunci]
    sql, params = _sql(ds, sel.scope, sel.filters, False)
    frame = queries.run(sel, f"SELECT * FROM ({sql}) LIMIT {int(rows)}", params)
    return ds.olah(frame) if ds.olah else frame


def batches(sel: Selection, ds: Dataset, full_nip: bool = False) -> tuple[int, Iterable[pd.DataFrame]]:
    """(row count, the rows in batches). Refuses beyond the row limit before reading any row."""
    n = count(sel, ds.kunci)
    if n > BATAS_BARIS:
        raise TerlaluBesar(too_big(n))
    sql, params = _sql(ds, sel.scope, sel.filters, full_nip)
    frames = mart.stream(sel.path, sel.version, sql, params, BATCH_ROWS)
    return n, (map(ds.olah, frames) if ds.olah else frames)


def too_big(n: int) -> str:
    return (f"Data ini terlalu besar untuk diunduh: {n:,} baris, batasnya {BATAS_BARIS:,} baris. "
            "Persempit dengan filter (provinsi, instansi, atau jenis ASN) lalu unduh per bagian.").replace(",", ".")


# --- files -----------------------------------------------------------------------------------------

DESIMAL = 2  # floats not in `presisi` get two decimals
LEBAR_MAKS = 60  # XLSX column width cap (characters)
LEBAR_DEFINISI = 100  # the Keterangan sheet's text column; longer texts wrap
# A text starting with one of these is a formula (or a DDE call) to Excel, LibreOffice or Google
# Sheets when it arrives without a type: the OWASP list, a line feed, and the full-width forms
# that some East Asian Excel versions take for their ASCII twins.
RUMUS = tuple("=+-@\t\r\n") + ("\uff1d", "\uff0b", "\uff0d", "\uff20")


def _netral(values: pd.Series) -> pd.Series:
    """Text that a spreadsheet could run, with a leading apostrophe (OWASP's advice for CSV):
    shown as text, never evaluated. Missing values stay missing."""
    return values.mask(values.str.startswith(RUMUS, na=False), "'" + values)


def netral(text: str) -> str:
    """`_netral` for one text (a header)."""
    return f"'{text}" if text.startswith(RUMUS) else text


def write_csv(frames: Iterable[pd.DataFrame], style: str = "csv_id", presisi: dict[str, int] | None = None) -> bytes:
    """UTF-8 with BOM, rows ending in CRLF; Indonesian Excel (`;`, decimal comma) or international
    (`,`, point).
    Written batch by batch. Floats rounded half-up to `presisi[column]` decimals (else 2),
    booleans as ya/tidak, missing values empty. Every text cell, the header included, that a
    spreadsheet would take for a formula (`RUMUS` first) gets a leading apostrophe, as OWASP
    advises against CSV injection; number columns are written as numbers (-3, not '-3)."""
    sep, decimal = (";", ",") if style == "csv_id" else (",", ".")
    out = io.BytesIO()
    out.write("\ufeff".encode())
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    plan = None
    for i, frame in enumerate(frames):
        plan = plan or _rencana(frame, presisi)
        columns = {}
        for j, kolom in enumerate(plan):
            series = frame.iloc[:, j]
            if kolom.jenis == "bool":
                columns[j] = _ya_tidak(series)
            elif kolom.jenis == "float":
                rounded = _bulatkan(pd.to_numeric(series, errors="coerce").astype(float), kolom.desimal)
                columns[j] = np.where(np.isfinite(rounded), rounded, np.nan)  # inf: empty, as in the XLSX
            elif kolom.jenis == "teks":
                columns[j] = _netral(series.astype("str"))
        if columns:
            frame = frame.copy(deep=False)
            for j, values in columns.items():
                frame.isetitem(j, values)
        header = [netral(kolom.nama) for kolom in plan] if i == 0 else False
        # Rows end in CRLF (RFC 4180), which also makes the writer quote a field holding a lone CR: with
        # "\n" it left one bare, and Excel starts a new row there, where "=1+1" after it would run.
        frame.to_csv(text, index=False, header=header, sep=sep, decimal=decimal, quoting=csv.QUOTE_MINIMAL,
                     lineterminator="\r\n")
    text.detach()
    return out.getvalue()


def write_xlsx(sheets: dict[str, Iterable[pd.DataFrame]], keterangan: list[tuple[str, str]],
               presisi: dict[str, int] | None = None) -> bytes:
    """One sheet per table (rows appended batch by batch, write-only) and a "Keterangan"
    sheet: the context lines given, then every column with its definition and format.

    Cells are typed: integers `#,##0`, floats rounded half-up to `presisi` (else 2 decimals),
    columns headed "… (%)" as 0–100 with a % sign, dates `dd/mm/yyyy`, text (names, NIP,
    codes such as "0032") always as text, never as a number or a formula. The header is
    bold and frozen, the data has an autofilter, the widths fit the first batch.

    Text is written as it is, typed as text, headers and Keterangan lines included: Excel,
    LibreOffice and Google Sheets show a text cell and never evaluate it, whatever it starts
    with, so `=HYPERLINK(…)` stays those characters. No apostrophe is added (as the CSV files
    do): in a typed cell it would become part of the value, and a name, a code or a "-" in the
    workbook would no longer match the source it is checked against. A CSV saved later from the
    workbook is that program's export, made without types like any other; the dashboard's own
    CSV files are the neutralised ones."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    taken: set[str] = {"keterangan"}
    columns: dict[str, str] = {}  # every column once, with the format it has in the file
    for name, frames in sheets.items():
        sheet = book.create_sheet(_nama_lembar(name, taken))
        plan, rows, empty = None, 0, None
        for frame in itertools.chain(frames, [None]):
            if frame is None:  # after the last batch: a table without rows still gets its header
                if plan is not None or empty is None:
                    break
                frame = empty
            elif plan is None and frame.empty:
                empty = frame  # its types say little; wait for a batch with rows
                continue
            if plan is None:
                plan = _rencana(frame, presisi)
                for j, kolom in enumerate(plan, 1):
                    sheet.column_dimensions[get_column_letter(j)].width = _lebar(kolom, frame.iloc[:, j - 1])
                    kolom.gaya = _gaya(sheet, kolom.format)
                    columns.setdefault(kolom.nama, _uraian(kolom))
                sheet.freeze_panes = "A2"  # before the first row: write-only writes the view first
                _cetak(sheet)
                header = []
                for kolom in plan:
                    cell = WriteOnlyCell(sheet)
                    cell._value, cell.data_type, cell.font = _teks(kolom.nama), "s", bold
                    header.append(cell)
                sheet.append(header)
            for row in zip(*(_sel_kolom(sheet, kolom, frame.iloc[:, j]) for j, kolom in enumerate(plan))):
                sheet.append(row)
            rows += len(frame)
        if plan:
            sheet.auto_filter.ref = f"A1:{get_column_letter(len(plan))}{rows + 1}"  # written after the rows
    notes = book.create_sheet("Keterangan")
    notes.column_dimensions["A"].width = min(LEBAR_MAKS, max([len(str(key)) for key, _ in keterangan]
                                                            + [len(c) for c in columns] + [10]) + 2)
    notes.column_dimensions["B"].width = LEBAR_DEFINISI
    notes.column_dimensions["C"].width = 48
    _cetak(notes, header=False)
    lines: list[tuple] = [(key, value) for key, value in keterangan] + [()] + [("Kolom", "Definisi", "Format")]
    lines += [(column, _definisi(column), format_) for column, format_ in columns.items()]
    header_row = len(keterangan) + 2
    for i, line in enumerate(lines, 1):
        if len(line) > 1 and len(str(line[1])) > LEBAR_DEFINISI:  # wrapped: a row tall enough (set before it)
            notes.row_dimensions[i].height = 15 * -(-len(str(line[1])) // LEBAR_DEFINISI)
        notes.append([_teks_sel(notes, t, wrap=j == 1, bold=i == header_row) for j, t in enumerate(line)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@dataclass
class _Kolom:
    """How one column goes into a file, decided on the first batch."""
    nama: str
    jenis: str  # teks, int, float, tanggal, bool
    desimal: int = 0
    format: str = "General"
    gaya: object = None  # the XLSX style every cell of the column shares


def _rencana(frame: pd.DataFrame, presisi: dict[str, int] | None) -> list[_Kolom]:
    plan = []
    for j, name in enumerate(frame.columns):
        name, series = str(name), frame.iloc[:, j]
        kind = _jenis(series)
        persen = name.rstrip().endswith("(%)")
        desimal = int((presisi or {}).get(name, 0 if kind == "int" else DESIMAL))
        if kind == "int":
            valid = series.dropna()
            if len(valid) and valid.abs().max() >= 10 ** 15:  # Excel keeps 15 digits: a NIP as a number breaks
                kind = "teks"
        if kind == "int":
            fmt = '0"%"' if persen else "0" if re.fullmatch(r"tahun([ _].*)?", name.lower()) else "#,##0"
        elif kind == "float":
            fraction = "." + "0" * desimal if desimal > 0 else ""
            fmt = f'0{fraction}"%"' if persen else f"#,##0{fraction}"
        elif kind == "tanggal":
            times = pd.to_datetime(series.dropna(), errors="coerce")
            fmt = "dd/mm/yyyy" if (times.dt.normalize() == times).all() else "dd/mm/yyyy hh:mm"
        else:
            fmt = "General"  # text (always a text cell), ya/tidak
        plan.append(_Kolom(name, kind, desimal, fmt))
    return plan


def _jenis(series: pd.Series) -> str:
    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "bool"
    if pd.api.types.is_integer_dtype(dtype):
        return "int"
    if pd.api.types.is_float_dtype(dtype):
        return "float"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "tanggal"
    if dtype == object:
        return {"boolean": "bool", "integer": "int", "floating": "float", "decimal": "float",
                "mixed-integer-float": "float", "date": "tanggal", "datetime": "tanggal",
                "datetime64": "tanggal"}.get(pd.api.types.infer_dtype(series, skipna=True), "teks")
    return "teks"  # str/string dtypes, categories and anything else: as text


def _bulatkan(values, digits: int) -> np.ndarray:
    """rules.round_half_up on an array: half-up on the shortest decimal repr of each float
    (12,25 -> 12,3; 78,125 -> 78,13; 1,005 -> 1,01), NaN kept, -0 written as 0.

    A value lies on the half exactly when it is the float nearest to (k + 0,5) / 10^digits,
    and IEEE division gives that float exactly; otherwise its side of the half decides."""
    x = np.asarray(values, dtype=float)
    scale = 10.0 ** digits
    a = np.abs(x)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = a * scale
        k = np.floor(scaled)
        n = k + (a >= (k + 0.5) / scale)
        rounded = np.copysign(n / scale, x) + 0.0
    return np.where(scaled < 2.0 ** 52, rounded, x)  # beyond: already whole at this scale (and NaN, inf)


def _ya_tidak(series: pd.Series) -> pd.Series:
    return series.astype(object).map({True: "ya", False: "tidak"}, na_action="ignore").where(series.notna(), None)


def _teks(value) -> str:
    """Text Excel accepts: at most 32.767 characters, no control characters."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value if isinstance(value, str) else str(value))[:32767]


def _teks_kolom(series: pd.Series) -> pd.Series:
    """_teks on a column (str dtype, missing values NaN)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return series.astype("str").str.replace(ILLEGAL_CHARACTERS_RE.pattern, "", regex=True).str.slice(0, 32767)


def _nama_lembar(name: str, taken: set[str]) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of \\ / * ? : [ ], not blank,
    no apostrophe at either end, not "History", unique (case-insensitive)."""
    name = re.sub(r"[\\/*?:\[\]]", "-", _teks(name))[:31].strip().strip("'").strip() or "Data"
    if name.lower() == "history":
        name = "History data"
    candidate, i = name, 2
    while candidate.lower() in taken:
        suffix = f" ({i})"
        candidate, i = name[:31 - len(suffix)].rstrip().rstrip("'") + suffix, i + 1
    taken.add(candidate.lower())
    return candidate


def _cetak(sheet, header: bool = True) -> None:
    """Printed (or saved as PDF): landscape, as wide as one page, the header on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    if header:
        sheet.print_title_rows = "1:1"


def _gaya(sheet, number_format: str):
    """The style array of a cell with this number format, to share among a column's cells."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet)
    cell.number_format = number_format
    return cell._style


def _lebar(kolom: _Kolom, series: pd.Series) -> float:
    """A width fitting the header (with room for the filter button) and the first batch."""
    valid = series.dropna()
    if not len(valid):
        content = 0
    elif kolom.jenis == "teks":
        content = int(_teks_kolom(valid).str.len().max())
    elif kolom.jenis in ("int", "float"):
        values = pd.to_numeric(valid, errors="coerce").astype(float)
        biggest = float(np.nanmax(np.abs(values))) if values.notna().any() else 0.0
        grouped = "%" not in kolom.format and kolom.format != "0"
        content = len(f"{biggest:{',' if grouped else ''}.{kolom.desimal if kolom.jenis == 'float' else 0}f}")
        content += bool((values < 0).any()) + ("%" in kolom.format)
    elif kolom.jenis == "tanggal":
        content = len(kolom.format)
    else:
        content = 5  # tidak
    return float(min(LEBAR_MAKS, max(len(kolom.nama) + 3, content, 4) + 2))


def _sel_kolom(sheet, kolom: _Kolom, series: pd.Series) -> list:
    """The cells of one column of one batch: plain values where openpyxl types them right,
    styled cells for numbers and dates, explicit text cells for text openpyxl would read as a
    formula or an error code."""
    from openpyxl.cell import Cell
    from openpyxl.cell.cell import ERROR_CODES

    if kolom.jenis == "bool":
        return _ya_tidak(series).tolist()
    if kolom.jenis == "teks":
        texts = _teks_kolom(series)
        values = texts.astype(object).where(texts.notna(), None).tolist()
        for i in np.flatnonzero(texts.str.startswith("=", na=False) | texts.isin(ERROR_CODES)):
            cell = Cell(sheet, 1, 1)
            cell._value, cell.data_type = values[i], "s"  # text, not a formula or an error value
            values[i] = cell
        return values
    if kolom.jenis == "tanggal":
        values, data_type = pd.to_datetime(series, errors="coerce"), "d"
        if getattr(values.dt, "tz", None) is not None:
            values = values.dt.tz_localize(None)  # Excel has no time zones: the wall-clock time
        values = [None if pd.isna(v) else v.to_pydatetime() for v in values]
    elif kolom.jenis == "float":
        rounded = _bulatkan(pd.to_numeric(series, errors="coerce").astype(float), kolom.desimal)
        values, data_type = np.where(np.isfinite(rounded), rounded, None).tolist(), "n"  # no NaN, inf in XLSX
    else:
        values, data_type = series.astype(object).where(series.notna(), None).tolist(), "n"
    style = kolom.gaya
    cells = []
    for v in values:
        if v is None:
            cells.append(None)
        else:
            cell = Cell(sheet, 1, 1)
            cell._value, cell.data_type, cell._style = v, data_type, style
            cells.append(cell)
    return cells


def _teks_sel(sheet, value, wrap: bool = False, bold: bool = False):
    """A Keterangan cell: text as text, even when it starts with "=" (a filter value may);
    long texts wrapped within the column, every cell at the top of its row."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font

    if value is None:
        return None
    cell = WriteOnlyCell(sheet)
    cell._value, cell.data_type = _teks(value), "s"
    cell.alignment = Alignment(wrap_text=wrap, vertical="top")
    if bold:
        cell.font = Font(bold=True)
    return cell


def _uraian(kolom: _Kolom) -> str:
    """The format of a column as the Keterangan sheet states it."""
    desimal = f"{kolom.desimal} desimal" if kolom.desimal else "tanpa desimal"
    if "%" in kolom.format:
        return f"persen 0–100, {desimal if kolom.jenis == 'float' else 'tanpa desimal'}"
    return {"int": "bilangan bulat", "float": f"bilangan, {desimal} (dibulatkan setengah ke atas)",
            "tanggal": "tanggal (dd/mm/yyyy)", "bool": "ya/tidak"}.get(kolom.jenis, "teks")


def _definisi(column: str) -> str:
    """kamus.definisi, also for a share written as a percentage ("Cakupan (%)")."""
    if column.rstrip().endswith("(%)"):
        base = column.rstrip().removesuffix("(%)").rstrip()
        text = kamus.definisi(column) or kamus.definisi(base)
        if not text:
            return "-"
        text = re.sub(r"\s*\(0–1[^)]*\)", " (dalam persen, 0–100)", text)
        return text if "0–100" in text or "persen" in text.lower() else f"{text.rstrip()} Dalam persen, 0–100."
    return kamus.definisi(column) or "-"


def ke_persen(frame: pd.DataFrame, percent, presisi: dict[str, int] | None) -> tuple[pd.DataFrame, dict[str, int]]:
    """Shares (0..1) in `percent` as 0–100 under "<column> (%)"; the presisi of such a column
    (by either name) is the decimals of the 0–100 value. The share is rounded half-up first, at
    two more decimals: 0,285 without decimals is 29, where 0,285 × 100 = 28,499999999999996 gave 28."""
    presisi = dict(presisi or {})
    renamed = {}
    for column in percent:
        if column not in frame.columns:
            continue
        new = f"{column} (%)"
        digits = int(presisi.get(new, presisi.get(column, DESIMAL)))
        presisi[new] = digits
        shares = pd.to_numeric(frame[column], errors="coerce").astype(float)
        frame = frame.assign(**{column: _bulatkan(_bulatkan(shares, digits + 2) * 100, digits)})
        renamed[column] = new
    return frame.rename(columns=renamed), presisi


# --- one route for the dashboard's buttons and the command line ----------------------------------

log = logging.getLogger("dasbor.unduh")


def keterangan(what: str, info: mart.MartInfo, tahun: int, labels, cakupan: str) -> list[tuple[str, str]]:
    """The context lines of a workbook's Keterangan sheet: what, which year and filters (their
    labels, `(label, chosen)` pairs), whose scope, how fresh, from where, when."""
    chosen = "; ".join(f"{label}: {value}" for label, value in labels) or "tanpa filter wilayah/instansi/pegawai"
    return [
        ("Data", what),
        ("Tahun", str(tahun)),
        ("Filter", chosen),
        ("Cakupan akses", cakupan),
        ("Data per", rules.tanggal(info.data_per) if info.data_per else "-"),
        ("Sumber", info.source + (" (DATA DEMO, angka rekaan)" if info.demo else "")),
        ("Mart dibangun", rules.waktu(info.built_at)),
        ("Diunduh", datetime.now().strftime("%d-%m-%Y %H.%M")),
        ("Format angka", ("persentase 0–100 dengan (%) di judul kolom (62,5 = 62,5%), kolom bagian tanpa (%) "
                          "0–1; IKM 25–100; desimal seperti tertulis di kolom Format di bawah (dibulatkan "
                          "setengah ke atas); NIP disamarkan kecuali unduhan admin")),
        ("Sel kosong", (f"tidak ada data, atau (bagi peran yang hanya melihat angka agregat) disembunyikan karena "
                        f"menggambarkan kurang dari {catalog.MIN_SEL} orang, atau agar tidak dapat dihitung dari "
                        "total dan bagian lainnya (perlindungan data pribadi)")),
    ]


def tulis(style: str, what: str, frames: Iterable[pd.DataFrame], notes: list[tuple[str, str]],
          presisi: dict[str, int] | None = None) -> bytes:
    """The bytes of one table as a file of `style` (a key of FORMAT); `notes` go to the
    Keterangan sheet of an XLSX (a CSV has none)."""
    if style == "xlsx":
        return write_xlsx({what: frames}, notes, presisi)
    return write_csv(frames, style, presisi)


def berkas(sel: Selection, ds: Dataset, style: str, notes: list[tuple[str, str]]) -> tuple[int, bytes]:
    """(rows, bytes) of a registered dataset under the selection's scope and filters, streamed from
    the mart; the full NIP where the scope allows it (admin). Refused beyond the row limit, and for
    a person-level dataset without the right (PermissionError)."""
    n, frames = batches(sel, ds, full_nip=True)
    return n, tulis(style, ds.judul, frames, notes, ds.presisi)


def catat(akses_path: str, who: str, peran: str, dataset: str, filters: Filters, rows: int, lewat: str) -> None:
    """The audit of a person-level export: a row in the access store's log_unduhan and one log
    line. Who (an email, or how they came without one), the role, the dataset, the filters as
    codes, the row count, and the route (`lewat`: dasbor or cli); never a NIP or a name."""
    active = filters.active()
    akses.catat_unduhan(akses_path, who, peran, dataset, active, rows)
    log.info("unduhan data orang lewat %s: %s (%s) %s, filter %s, %d baris", lewat, who, peran, dataset,
             json.dumps(active, sort_keys=True, default=str), rows)


class FilterTidakDikenal(ValueError):
    """A filter value the mart does not offer in this scope; the text says which and what is."""


def pilih_filter(info: mart.MartInfo, scope: Scope, codes: dict[str, str]) -> tuple[Filters, tuple]:
    """The Filters and their (label, chosen) pairs for codes given by their link names (`tahun`,
    `provinsi`, …: filters.SPECS), each checked against the options the mart offers for this
    scope after the filters before it, as the filter bar does: a code outside the scope or not in
    the data is refused, never passed on. Without a year, the latest."""
    chosen, labels = Filters(tahun=info.years[-1]), []
    for spec in SPECS:
        value = codes.get(spec.key)
        if value in (None, ""):
            continue
        if spec.key == "tahun":
            if not (value.isdigit() and int(value) in info.years):
                raise FilterTidakDikenal(f"Tahun {value} (--tahun) tidak ada di data; tahun yang ada: "
                                         f"{', '.join(map(str, info.years))}.")
            chosen = chosen.with_(tahun=int(value))
            continue
        options = dict(queries.filter_options(Selection(info.path, info.version, scope, chosen), spec.field))
        if value not in options:
            where = "" if scope.is_all else " dalam cakupan akses ini"
            some = ", ".join(f"{code} ({rules.KENDALI.sub(' ', str(name))})"  # a name cannot steer the terminal
                             for code, name in itertools.islice(options.items(), 8))
            more = f", dan {len(options) - 8} lainnya" if len(options) > 8 else ""
            raise FilterTidakDikenal(f"{spec.label} {value} (--{spec.key.replace('_', '-')}) tidak ada di data{where}"
                                     + (f"; pilihan: {some}{more}." if options else "; tidak ada pilihan."))
        chosen = chosen.with_(**{spec.field: value})
        labels.append((spec.label, options[value]))
    return chosen, tuple(labels)
