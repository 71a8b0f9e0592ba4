"""`python -m data_access import FOLDER`: load contract files into the source, all or nothing.

A folder holds one CSV per table (`pegawai.csv`; UTF-8 with or without BOM; comma
or semicolon separated) and/or XLSX workbooks with one sheet per table. Every
file is read and every rule checked before anything is written; on any problem
nothing is written. Rows replace stored rows with the same key and no row is
ever deleted, so importing the same files twice leaves the same data.

Numbers take a decimal point or a decimal comma (`1.7` or `1,7`). JP are exact
decimals: parsed from the text as written, and refused with more than two decimals
(`1,705`) rather than rounded.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import sqlalchemy as sa

from . import contract, db, extract
from .validate import Problem, Report, _n, validate

WRITE_BATCH = 50_000
# Tables whose stored rows other tables may refer to.
_REFERENCED = {"wilayah", "instansi", "unit_kerja", "pegawai", "kompetensi"}


def _cell(value) -> str | None:
    """An XLSX cell as the text a CSV would hold."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        # What Excel shows (15 significant digits) and writes to a CSV: 0.1 + 0.2 is 0.3, not
        # 0.30000000000000004, which the decimal rules would reject (contract: JP).
        return format(decimal.Decimal(f"{value:.15g}"), "f")
    return str(value)


class _Rows:
    """Rows of one table read from one file or sheet: header, then (row number, values)."""

    def __init__(self, label: str, header: list[str], rows: list[tuple[int, list]]):
        self.label, self.header, self.rows = label, header, rows


def _read_csv(path: Path, report: Report) -> _Rows | None:
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
            delimiter = ";" if first.count(";") > first.count(",") else ","
            fh.seek(0)
            reader = csv.reader(fh, delimiter=delimiter)
            header = next(reader, None)
            rows = []
            for values in reader:
                if any(v.strip() for v in values):
                    rows.append((reader.line_num, values))
    except UnicodeDecodeError as exc:
        report.add(Problem(path.name, None, None, None,
                           f"berkas bukan teks UTF-8 (byte ke-{exc.start + 1}); simpan ulang sebagai "
                           "CSV UTF-8 dari Excel atau LibreOffice"))
        return None
    except csv.Error as exc:
        report.add(Problem(path.name, None, None, None, f"CSV tidak dapat dibaca: {exc}"))
        return None
    if header is None:
        report.add(Problem(path.name, None, None, None, "berkas kosong: baris pertama harus nama kolom"))
        return None
    return _Rows(path.name, header, rows)


def _read_xlsx(path: Path, report: Report) -> dict[str, _Rows]:
    import openpyxl
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        report.add(Problem(path.name, None, None, None, f"berkas XLSX tidak dapat dibuka ({exc})"))
        return {}
    sheets = {}
    try:
        for sheet in book.worksheets:
            name = sheet.title.strip().lower()
            label = f"{path.name} [lembar {sheet.title}]"
            if name not in contract.TABLES_BY_NAME:
                report.add(Problem(label, None, None, None,
                                   "nama lembar bukan nama tabel kontrak data (mis. pegawai, riwayat_pelatihan)"))
                continue
            it = sheet.iter_rows(values_only=True)
            header = next(it, None)
            if header is None:
                report.add(Problem(label, None, None, None, "lembar kosong: baris pertama harus nama kolom"))
                continue
            header = [_cell(h) or "" for h in header]
            nip_ix = [i for i, h in enumerate(header) if h.strip().lower() == "nip"]
            rows = []
            for number, values in enumerate(it, start=2):
                if not any(v is not None and str(v).strip() for v in values):
                    continue
                for i in nip_ix:
                    if i < len(values) and isinstance(values[i], (int, float)):
                        report.add(Problem(label, str(number), "nip", _cell(values[i]),
                                           "NIP tersimpan sebagai angka sehingga Excel dapat membulatkannya; "
                                           "format kolom NIP sebagai Teks lalu isi ulang"))
                cells = [_cell(v) for v in values]
                rows.append((number, cells + [None] * (len(header) - len(cells))))
            sheets[name] = _Rows(label, header, rows)
    finally:
        book.close()
    return sheets


def _load(duck, name: str, data: _Rows, report: Report) -> bool:
    """Put one file's rows into `v_<name>` as text, after checking its columns."""
    table = contract.TABLES_BY_NAME[name]
    known = [c.name for c in table.columns]
    header = [h.strip().lower() for h in data.header]
    ok = True
    for h in header:
        if h not in known:
            report.add(Problem(data.label, "1", h or "(tanpa nama)", None,
                               "kolom tidak dikenal; kolom tabel ini: " + ", ".join(known)))
            ok = False
    for dup in {h for h in header if header.count(h) > 1 and h}:
        report.add(Problem(data.label, "1", dup, None, "nama kolom muncul dua kali"))
        ok = False
    for c in table.columns:
        if c.name not in header and (not c.nullable or c.primary_key):
            report.add(Problem(data.label, "1", c.name, None, "kolom wajib tidak ada"))
            ok = False
    width = len(header)
    for number, values in data.rows:
        # Empty cells past the last column are spreadsheet padding, not data.
        if len(values) < width or any(v not in (None, "") for v in values[width:]):
            report.add(Problem(data.label, str(number), None, None,
                               f"jumlah kolom {len(values)}, seharusnya {width} sesuai baris judul"))
            ok = False
    if not ok:
        return False
    position = {h: i for i, h in enumerate(header)}
    columns = {}
    for c in table.columns:
        i = position.get(c.name)
        columns[c.name] = pa.array(
            [values[i] if i is not None and i < len(values) else None for _, values in data.rows],
            type=pa.string())
    columns["_baris"] = pa.array([str(n) for n, _ in data.rows], type=pa.string())
    columns["_urut"] = pa.array(range(len(data.rows)), type=pa.int64())
    batch = pa.table(columns)  # noqa: F841 (DuckDB reads it by name)
    duck.execute(f"CREATE TABLE v_{name} AS SELECT * FROM batch")
    return True


def read_folder(duck, folder: Path, report: Report) -> dict[str, str]:
    """Read every contract file of a folder into DuckDB; returns table -> label."""
    found: dict[str, _Rows] = {}

    def take(name: str, data: _Rows) -> None:
        if name in found:
            report.add(Problem(data.label, None, None, None,
                               f"tabel {name} juga ada di {found[name].label}; satu tabel hanya boleh satu berkas"))
        else:
            found[name] = data

    for path in sorted(folder.iterdir()):
        suffix = path.suffix.lower()
        if suffix == ".csv":
            name = path.stem.strip().lower()
            if name not in contract.TABLES_BY_NAME:
                report.add(Problem(path.name, None, None, None,
                                   "nama berkas bukan nama tabel kontrak data (mis. pegawai.csv, riwayat_pelatihan.csv)"))
                continue
            data = _read_csv(path, report)
            if data is not None:
                take(name, data)
        elif suffix == ".xlsx":
            for name, data in _read_xlsx(path, report).items():
                take(name, data)
    if not found and report.ok:
        report.add(Problem(str(folder), None, None, None,
                           "tidak ada berkas CSV atau XLSX bernama tabel kontrak data di folder ini"))
    labels = {}
    for name in [t.name for t in contract.TABLES if t.name in found]:
        if _load(duck, name, found[name], report):
            labels[name] = found[name].label
    return labels


def _existing(engine: sa.Engine, duck, wanted: set[str]) -> set[str]:
    """Copy the stored rows that imported rows may refer to into `x_<name>` tables."""
    present: set[str] = set()
    u = engine.url
    if u.get_backend_name() == "sqlite" and not Path(u.database or "").exists():
        return present  # a new source: nothing stored yet, and no empty file left behind
    with db.connect(engine) as conn:
        tables = set(sa.inspect(conn).get_table_names())
        arrow_conn = extract.arrow_connection(engine)
        try:
            for name in sorted(wanted & tables):
                extract.copy_table(conn, arrow_conn, duck, contract.TABLES_BY_NAME[name],
                                   f"x_{name}", as_text=True)
                present.add(name)
        finally:
            if arrow_conn is not None:
                arrow_conn.close()
    return present


def _typed(table: sa.Table, dialect: str) -> str:
    exprs = []
    for c in table.columns:
        kind = extract.duck_type(c)
        if kind == "DATE" and dialect != "sqlite":
            exprs.append(f'CAST("{c.name}" AS DATE)')
        elif kind in ("INTEGER", "BIGINT", "DOUBLE"):
            exprs.append(f'CAST("{c.name}" AS {kind})')
        elif extract.is_decimal(c):
            # The text, validated to the column's decimals, read exactly: Python Decimals for
            # PostgreSQL and MariaDB. SQLite stores NUMERIC as REAL and its driver takes no
            # Decimal, so it gets the double nearest to the decimal (read back exactly: extract).
            exact = f'CAST("{c.name}" AS {kind})'
            exprs.append(f"CAST({exact} AS DOUBLE)" if dialect == "sqlite" else exact)
        else:
            exprs.append(f'"{c.name}"')
    return f"SELECT {', '.join(exprs)} FROM n_{table.name} ORDER BY _urut"


def _write(engine: sa.Engine, duck, labels: dict[str, str]) -> dict[str, int]:
    """Upsert the validated rows in one transaction: all of them or none."""
    written = {}
    with db.connect(engine) as conn:
        with conn.begin():
            db.create_tables(conn)
            for table in contract.TABLES:
                if table.name not in labels:
                    continue
                key = [c.name for c in table.primary_key.columns]
                has_rows = conn.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first()
                if has_rows:
                    stmt = sa.delete(table).where(*[table.c[k] == sa.bindparam(f"k_{k}") for k in key])
                    keys = duck.execute(
                        f"SELECT {', '.join(f'{_cast(table.c[k])}' for k in key)} FROM n_{table.name}")
                    while chunk := keys.fetchmany(WRITE_BATCH):
                        conn.execute(stmt, [{f"k_{k}": v for k, v in zip(key, row)} for row in chunk])
                cursor = duck.execute(_typed(table, conn.dialect.name))
                names = [c.name for c in table.columns]
                n = 0
                while chunk := cursor.fetchmany(WRITE_BATCH):
                    db.bulk_insert(conn, table, names, chunk)
                    n += len(chunk)
                written[table.name] = n
    return written


def _cast(column: sa.Column) -> str:
    kind = extract.duck_type(column)
    return f'CAST("{column.name}" AS {kind})' if kind in ("INTEGER", "BIGINT") else f'"{column.name}"'


def import_folder(engine: sa.Engine, folder: Path) -> Report:
    report = Report()
    if not folder.is_dir():
        report.add(Problem(str(folder), None, None, None, "folder tidak ditemukan"))
        return report
    duck = duckdb.connect()
    try:
        labels = read_folder(duck, folder, report)
        if not report.ok:
            report.notes.append("Tidak ada data yang ditulis: perbaiki berkas lalu impor ulang.")
            return report
        existing = _existing(engine, duck, _REFERENCED)
        checked = validate(duck, labels, existing)
        if not checked.ok:
            checked.notes.append("Tidak ada data yang ditulis: perbaiki berkas lalu impor ulang.")
            return checked
        try:
            written = _write(engine, duck, labels)
        except sa.exc.DBAPIError as exc:
            report.add(Problem(db.describe_url(str(engine.url)), None, None, None,
                               f"basis data menolak penulisan ({exc.orig.__class__.__name__}: "
                               f"{str(exc.orig).splitlines()[0]}); tidak ada data yang ditulis"))
            return report
    finally:
        duck.close()
    report.notes.append(f"Impor berhasil ke {db.describe_url(str(engine.url))}:")
    report.notes += [f"  {labels[name]:40s} {_n(n):>12} baris" for name, n in written.items()]
    report.notes.append("Jalankan `python -m data_access refresh` agar dasbor memakai data baru.")
    return report
