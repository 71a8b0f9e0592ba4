"""`python -m data_access import FOLDER`: load contract files into the source, all or nothing.

A folder holds one CSV per table (`pegawai.csv`; UTF-8 with or without BOM; comma
or semicolon separated) and/or XLSX workbooks with one sheet per table. Every
file is read and every rule checked before anything is written; on any problem
nothing is written. Rows replace stored rows with the same key and no row is
ever deleted, so importing the same files twice leaves the same data.

Files are read READ_CHUNK rows at a time into a DuckDB file that spills to disk
(`validate.scratch`), checked there with whole-table rules (a duplicate key is found
however far apart its rows are), and written in batches in one transaction, so a
national file needs well under 1 GB of memory (docs/performance.md).

Numbers take a decimal point or a decimal comma (`1.7` or `1,7`); `1.000` is refused
as ambiguous. JP are exact decimals: parsed from the text as written, and refused with
more than two decimals (`1,705`) rather than rounded. A workbook's hidden sheets and
formulas without a saved value are refused, never read as empty.

Dates are taken as TTTT-BB-HH, HH-BB-TTTT, HH/BB/TTTT or Excel serial numbers, one form per
column of a file, and stored as dates (validate.date_columns says which form a column uses and
refuses a column that mixes them or cannot tell day from month). An XLSX date cell is read as
TTTT-BB-HH and a number cell as the serial text any CSV would hold.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import math
import re
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import sqlalchemy as sa

from . import contract, db, extract, siasn
from .validate import AMBIGUOUS_NUMBER, Problem, Report, _n, scratch, shown, validate

READ_CHUNK = 50_000  # rows of a file held in Python at a time
WRITE_BATCH = 50_000
CSV_FIELD_LIMIT = 32 * 2**20  # characters: far above any column's limit, so a long value gets its row and column
# Tables whose stored rows other tables may refer to.
_REFERENCED = {"wilayah", "instansi", "unit_kerja", "pegawai", "kompetensi"}
_NOT_WRITTEN = "Tidak ada data yang ditulis: perbaiki berkas lalu impor ulang."
FORMATS = ("kontrak", "siasn")  # kontrak: the contract's own files; siasn: also SIASN's shapes (siasn.py)


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
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("inf" if value > 0 else "-inf")  # refused by name
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, float):
        # What Excel shows (15 significant digits) and writes to a CSV: 0.1 + 0.2 is 0.3, not
        # 0.30000000000000004, which the decimal rules would reject (contract: JP).
        text = format(decimal.Decimal(f"{value:.15g}"), "f")
        # A number cell is no thousands separator: 1.234 stays one and a bit, with a zero that
        # keeps it from reading as the ambiguous text "1.234" (validate: AMBIGUOUS_NUMBER).
        return text + "0" if re.fullmatch(AMBIGUOUS_NUMBER, text) else text
    return str(value)


class _Rows:
    """Rows of one table in one file or sheet: header, then (row number, values) as read."""

    def __init__(self, label: str, header: list[str], rows: Iterator[tuple[int, list]]):
        self.label, self.header, self.rows = label, header, rows


def _csv_problem(name: str, line: int, exc: Exception) -> Problem:
    if isinstance(exc, UnicodeDecodeError):
        where = f"byte ke-{exc.start + 1}" if line <= 1 else f"sesudah baris {line}"
        return Problem(name, None, None, None, f"berkas bukan teks UTF-8 ({where}); simpan ulang sebagai "
                                               "CSV UTF-8 dari Excel atau LibreOffice")
    if "field larger than field limit" in str(exc):
        return Problem(name, str(line), None, None,
                       f"sebuah nilai lebih dari {CSV_FIELD_LIMIT // 2**20} juta karakter; periksa tanda kutip "
                       "(\") yang tidak ditutup")
    return Problem(name, str(line) if line else None, None, None, f"CSV tidak dapat dibaca ({exc})")


def _read_csv(path: Path, report: Report) -> _Rows | None:
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            first = fh.readline()
            delimiter = ";" if first.count(";") > first.count(",") else ","
            fh.seek(0)
            header = next(csv.reader(fh, delimiter=delimiter), None)
    except (UnicodeDecodeError, csv.Error) as exc:
        report.add(_csv_problem(path.name, 1, exc))
        return None
    if header is None:
        report.add(Problem(path.name, None, None, None, "berkas kosong: baris pertama harus nama kolom"))
        return None
    return _Rows(path.name, header, _csv_rows(path, delimiter, report))


def _csv_rows(path: Path, delimiter: str, report: Report) -> Iterator[tuple[int, list]]:
    """The data rows of a CSV file, read as they are taken."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        try:
            next(reader, None)
            for values in reader:
                if "".join(values).strip():
                    yield reader.line_num, values
        except (UnicodeDecodeError, csv.Error) as exc:
            report.add(_csv_problem(path.name, reader.line_num, exc))


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s/>]")


def _has_formulas(sheet) -> bool:
    """Whether a sheet's XML holds any formula, scanned in blocks: reading every sheet a second
    time with its formulas would double the slowest part of an XLSX import."""
    try:  # openpyxl offers no public way to a read-only sheet's part
        part = sheet.parent._archive.open(sheet._worksheet_path)
    except (AttributeError, KeyError):
        return True
    with part:
        tail = b""
        while block := part.read(1 << 20):
            if _FORMULA_TAG.search(tail + block):
                return True
            tail = block[-8:]
    return False


def _read_xlsx(path: Path, report: Report, books: list) -> dict[str, _Rows]:
    """The contract sheets of a workbook; the opened workbooks go to `books`, to be closed.
    The import template's own sheets (templat.NOT_TABLES) are skipped."""
    import openpyxl

    from . import templat
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        report.add(Problem(path.name, None, None, None, f"berkas XLSX tidak dapat dibuka ({exc})"))
        return {}
    books.append(book)
    formulas = None  # the same workbook with its formulas instead of their saved values
    sheets = {}
    for sheet in book.worksheets:
        name = sheet.title.strip().lower()
        label = f"{path.name} [lembar {sheet.title}]"
        if sheet.sheet_state != "visible":
            # Refused rather than skipped: what the steward cannot see is neither taken nor
            # silently left out of an import they believe complete.
            report.add(Problem(label, None, None, None,
                               "lembar tersembunyi: importir tidak mengambil data yang tidak terlihat. Tampilkan "
                               "lembar itu (klik kanan nama lembar > Tampilkan/Unhide) lalu simpan ulang, atau "
                               "hapus lembarnya"))
            continue
        if name in templat.NOT_TABLES:
            continue
        if name not in contract.TABLES_BY_NAME:
            report.add(Problem(label, None, None, None,
                               "nama lembar bukan nama tabel kontrak data (mis. pegawai, riwayat_pelatihan)"))
            continue
        rows = sheet.iter_rows(values_only=True)
        try:
            header = next(rows, None)
        except Exception as exc:
            report.add(Problem(label, "1", None, None, f"lembar tidak dapat dibaca ({exc})"))
            continue
        if header is None:
            report.add(Problem(label, None, None, None, "lembar kosong: baris pertama harus nama kolom"))
            continue
        with_formulas = None
        if _has_formulas(sheet):
            if formulas is None:
                formulas = openpyxl.load_workbook(path, read_only=True, data_only=False)
                books.append(formulas)
            with_formulas = formulas[sheet.title].iter_rows(values_only=True)
            next(with_formulas, None)
        header = [_cell(h) or "" for h in header]
        sheets[name] = _Rows(label, header, templat.warn_examples(
            label, name, header, _xlsx_rows(label, header, rows, with_formulas, report), report))
    return sheets


def _xlsx_rows(label: str, header: list[str], rows, formulas, report: Report) -> Iterator[tuple[int, list]]:
    """A sheet's data rows as text, read as they are taken; `formulas` iterates the same rows
    with each formula in place of its saved value (None when the sheet has no formula)."""
    from openpyxl.utils import get_column_letter
    nip_ix = [i for i, h in enumerate(header) if h.strip().lower() == "nip"]
    number = 1
    while True:
        try:
            values = next(rows)
            written = next(formulas, ()) if formulas is not None else ()
        except StopIteration:
            return
        except Exception as exc:  # openpyxl raises many kinds for a damaged sheet
            text = str(exc)
            if isinstance(exc, ValueError) and "invalid literal" in text:
                value = text.rsplit(": ", 1)[-1].strip("'")
                report.add(Problem(label, str(number + 1), None, shown(value),
                                   "sel angka yang tidak dapat dibaca; NaN/tak hingga tidak diterima: tulis angka "
                                   "yang sebenarnya, atau kosongkan sel itu"))
            else:
                report.add(Problem(label, str(number + 1), None, None,
                                   f"lembar tidak dapat dibaca mulai baris ini ({exc.__class__.__name__}: "
                                   f"{shown(text)}): berkas rusak, atau memuat karakter yang tidak sah, mis. NUL; "
                                   "simpan ulang berkas dari Excel atau LibreOffice"))
            return
        number += 1
        for i, formula in enumerate(written):
            if isinstance(formula, str) and formula.startswith("=") and i < len(values) and values[i] is None:
                cell = f"{get_column_letter(i + 1)}{number}"
                report.add(Problem(label, str(number), header[i] if i < len(header) and header[i] else None,
                                   shown(formula),
                                   f"sel {cell} berisi rumus tanpa nilai tersimpan, yang akan terbaca kosong; "
                                   "buka berkas di Excel atau LibreOffice lalu simpan ulang agar nilainya "
                                   "dihitung, atau ganti rumus dengan nilainya"))
        if not any(v is not None and str(v).strip() for v in values):
            continue
        for i in nip_ix:
            if i < len(values) and isinstance(values[i], (int, float)):
                report.add(Problem(label, str(number), "nip", _cell(values[i]),
                                   "NIP tersimpan sebagai angka sehingga Excel dapat membulatkannya; "
                                   "format kolom NIP sebagai Teks lalu isi ulang"))
        cells = [_cell(v) for v in values]
        yield number, cells + [None] * (len(header) - len(cells))


def doubled_columns(label: str, header: list[str], report: Report) -> bool:
    """Report every column name a header (lower case, trimmed) holds twice; whether there was one."""
    doubled = sorted({h for h in header if h and header.count(h) > 1})
    for name in doubled:
        report.add(Problem(label, "1", name, None, "nama kolom muncul dua kali"))
    return bool(doubled)


def _load(duck, name: str, data: _Rows, report: Report) -> bool:
    """Put one file's rows into `v_<name>` as text, READ_CHUNK rows at a time, after checking
    its columns."""
    table = contract.TABLES_BY_NAME[name]
    known = [c.name for c in table.columns]
    header = [h.strip().lower() for h in data.header]
    ok = True
    for h in header:
        if h not in known:
            report.add(Problem(data.label, "1", shown(h) or "(tanpa nama)", None,
                               "kolom tidak dikenal; kolom tabel ini: " + ", ".join(known)))
            ok = False
    if doubled_columns(data.label, header, report):
        ok = False
    for c in table.columns:
        if c.name not in header and (not c.nullable or c.primary_key):
            report.add(Problem(data.label, "1", c.name, None, "kolom wajib tidak ada"))
            ok = False
    if not ok:
        return False
    width = len(header)
    position = [header.index(c) if c in header else None for c in known]
    duck.execute(f"CREATE TABLE v_{name} (" + ", ".join(f'"{c}" VARCHAR' for c in known)
                 + ", _baris VARCHAR, _urut BIGINT)")
    chunk: list[tuple[int, list]] = []
    done = 0
    for number, values in data.rows:
        # Empty cells past the last column are spreadsheet padding, not data.
        if len(values) < width or any(v not in (None, "") for v in values[width:]):
            report.add(Problem(data.label, str(number), None, None,
                               f"jumlah kolom {len(values)}, seharusnya {width} sesuai baris judul"))
            ok = False  # the rest is still read, for every such row to be named
        elif ok:
            chunk.append((number, values))
            if len(chunk) >= READ_CHUNK:
                done += _append(duck, name, known, position, chunk, done)
                chunk = []
    if ok and chunk:
        _append(duck, name, known, position, chunk, done)
    return ok


def _append(duck, name: str, known: list[str], position: list[int | None], chunk, start: int) -> int:
    by_column = list(zip(*(values for _, values in chunk)))  # every row has the header's width or more
    columns = {c: pa.array(by_column[i] if i is not None else [None] * len(chunk), type=pa.string())
               for c, i in zip(known, position)}
    columns["_baris"] = pa.array([str(n) for n, _ in chunk], type=pa.string())
    columns["_urut"] = pa.array(range(start, start + len(chunk)), type=pa.int64())
    batch = pa.table(columns)  # noqa: F841 (DuckDB reads it by name)
    duck.execute(f"INSERT INTO v_{name} SELECT * FROM batch")
    return len(chunk)


def read_folder(duck, folder: Path, report: Report, format: str = "kontrak") -> dict[str, str]:
    """Read every contract file of a folder into DuckDB; returns table -> label. With format
    "siasn", files shaped like SIASN's are mapped onto the contract first (siasn.py)."""
    found: dict[str, _Rows] = {}
    books: list = []
    siasn_files: list[Path] = []

    def take(name: str, data: _Rows) -> None:
        if name in found:
            report.add(Problem(data.label, None, None, None,
                               f"tabel {name} juga ada di {found[name].label}; satu tabel hanya boleh satu berkas"))
        else:
            found[name] = data

    try:
        for path in sorted(folder.iterdir()):
            suffix = path.suffix.lower()
            if format == "siasn" and siasn.claim(path, siasn_files, report):
                continue
            if suffix == ".csv":
                name = path.stem.strip().lower()
                if name not in contract.TABLES_BY_NAME:
                    report.add(Problem(path.name, None, None, None,
                                       "nama berkas bukan nama tabel kontrak data (mis. pegawai.csv, "
                                       "riwayat_pelatihan.csv)"))
                    continue
                data = _read_csv(path, report)
                if data is not None:
                    take(name, data)
            elif suffix == ".xlsx":
                for name, data in _read_xlsx(path, report, books).items():
                    take(name, data)
        for name, data in siasn.tables(siasn_files, report).items():
            take(name, data)
        if not found and report.ok:
            report.add(Problem(str(folder), None, None, None,
                               "tidak ada berkas CSV atau XLSX bernama tabel kontrak data di folder ini"))
        labels = {}
        for name in [t.name for t in contract.TABLES if t.name in found]:
            if _load(duck, name, found[name], report):
                labels[name] = found[name].label
    finally:
        for book in books:
            book.close()
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


def _write(engine: sa.Engine, duck, labels: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Upsert the validated rows in one transaction, all of them or none, WRITE_BATCH rows at a
    time; returns table -> (rows written, of which replaced a stored row)."""
    written = {}
    with db.connect(engine) as conn:
        with conn.begin():
            db.create_tables(conn)
            for table in contract.TABLES:
                if table.name not in labels:
                    continue
                key = [c.name for c in table.primary_key.columns]
                count = sa.select(sa.func.count()).select_from(table)
                stored = conn.execute(count).scalar()
                if stored:
                    stmt = sa.delete(table).where(*[table.c[k] == sa.bindparam(f"k_{k}") for k in key])
                    keys = duck.execute(
                        f"SELECT {', '.join(f'{_cast(table.c[k])}' for k in key)} FROM n_{table.name}")
                    while chunk := keys.fetchmany(WRITE_BATCH):
                        conn.execute(stmt, [{f"k_{k}": v for k, v in zip(key, row)} for row in chunk])
                    stored -= conn.execute(count).scalar()  # the rows the import replaces
                cursor = duck.execute(_typed(table, conn.dialect.name))
                names = [c.name for c in table.columns]
                n = 0
                while chunk := cursor.fetchmany(WRITE_BATCH):
                    db.bulk_insert(conn, table, names, chunk)
                    n += len(chunk)
                written[table.name] = (n, stored)
    return written


def _cast(column: sa.Column) -> str:
    kind = extract.duck_type(column)
    return f'CAST("{column.name}" AS {kind})' if kind in ("INTEGER", "BIGINT") else f'"{column.name}"'


def _renamed(duck, labels: dict[str, str], existing: set[str]) -> int | None:
    """How many stored employees the import gives another name (None without a pegawai file):
    worth a look, since a name that changes under its NIP is as often a NIP on the wrong row
    as a real change."""
    if "pegawai" not in labels:
        return None
    if "pegawai" not in existing:
        return 0
    return duck.execute("SELECT count(*) FROM n_pegawai n JOIN x_pegawai x USING (nip) "
                        "WHERE n.nama IS DISTINCT FROM trim(x.nama)").fetchone()[0]


def import_folder(engine: sa.Engine, folder: Path, per: dt.date | None = None, write: bool = True,
                  format: str = "kontrak") -> Report:
    """Import a folder of contract files; `per`: the date no date in them may pass (today).
    With `write` false, only check them against the contract and the stored rows. `format`
    "siasn" also reads SIASN's shapes (siasn.py), through the same checks and write."""
    report = Report()
    if format not in FORMATS:
        report.add(Problem(str(folder), None, None, None,
                           f"format {format!r} tidak dikenal; pilih {' atau '.join(FORMATS)}"))
        return report
    if not folder.is_dir():
        report.add(Problem(str(folder), None, None, None, "folder tidak ditemukan"))
        return report
    with scratch() as duck:
        labels = read_folder(duck, folder, report, format)
        if not report.ok:
            report.notes.append(_NOT_WRITTEN)
            return report
        existing = _existing(engine, duck, _REFERENCED)
        checked = validate(duck, labels, existing, per=per)
        checked.warnings[:0] = report.warnings  # those found while reading come first
        checked.warnings_total += report.warnings_total
        if format == "siasn":
            siasn.relabel(checked)  # SIASN files, records and fields instead of the mapped rows'
        if not checked.ok:
            checked.notes.append(_NOT_WRITTEN)
            return checked
        if not write:
            checked.notes.append("Berkas sesuai kontrak data; belum ada yang ditulis.")
            return checked
        renamed = _renamed(duck, labels, existing)
        try:
            written = _write(engine, duck, labels)
        # Rows go through the driver's own cursor (db.bulk_insert), whose errors SQLAlchemy never wraps.
        except (sa.exc.DBAPIError, engine.dialect.loaded_dbapi.Error) as exc:
            orig = getattr(exc, "orig", None) or exc
            report.add(Problem(db.describe_url(str(engine.url)), None, None, None,
                               f"basis data menolak penulisan ({orig.__class__.__name__}: "
                               f"{shown((str(orig).splitlines() or [''])[0])}); tidak ada data yang ditulis"))
            return report
    checked.written = written
    report = checked  # keeps the warnings of the check
    report.notes.append(f"Impor berhasil ke {db.describe_url(str(engine.url))}:")
    report.notes += [f"  {labels[name]:40s} {_n(n):>12} baris: {_n(n - replaced)} baru, "
                     f"{_n(replaced)} menggantikan baris tersimpan" for name, (n, replaced) in written.items()]
    if renamed is not None:
        report.notes.append(f"Pegawai tersimpan yang berganti nama: {_n(renamed)}" + (
            "; periksa bila tidak disengaja (NIP yang tertukar antarbaris juga tampak begini)." if renamed else "."))
    report.notes.append("Jalankan `python -m data_access refresh` agar dasbor memakai data baru.")
    return report
