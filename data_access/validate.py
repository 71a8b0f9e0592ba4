"""Validation of data against the contract, for the importer and for `check`.

Data to check sits in DuckDB as text (table `v_<name>`, every column VARCHAR,
plus `_baris`, the row label shown to the user, and `_urut`, its order). The
rules come from the contract's column definitions and `info`, plus the rules
between columns and tables written below; each rule is one SQL query, so the
same checks run on a 20-row file and on a 60-million-row source. That DuckDB is
a file in a temporary folder with a memory budget (`scratch`), so a national
import or check spills to disk instead of holding every row in memory.

Plausibility: no date before 1900 or after the reference date (today, or `per`),
no employee younger than 18 or older than 70 at TMT, no training that ends before
the employee's 15th birthday; numbers as written, never guessed (`1.000` is
refused as ambiguous, NaN and infinity are refused); no NUL character, which
PostgreSQL cannot store and SQLite and MariaDB would keep.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import sqlalchemy as sa

from . import contract, db, extract, mart, rules
from . import reference as ref
from .config import setting

MAX_PROBLEMS = 100
SHOWN_CHARS = 80  # of a value in a message: enough to recognise it, never a 10 MB cell


@dataclass
class Problem:
    berkas: str
    baris: str | None
    kolom: str | None
    nilai: str | None
    pesan: str

    def text(self) -> str:
        where = self.berkas
        if self.baris:  # a line number, or a label of its own ("rekaman 3", "nip = …")
            where += f", baris {self.baris}" if self.baris.isdigit() else f", {self.baris}"
        if self.kolom:
            where += f", kolom {self.kolom}"
        value = f" (nilai: {self.nilai!r})" if self.nilai is not None else ""
        return f"{where}: {self.pesan}{value}"


@dataclass
class Report:
    """What a check or an import found. `problems` stop an import; `warnings` (a region name
    that differs from the official list, a template's example row) are shown and written."""
    problems: list[Problem] = field(default_factory=list)
    total: int = 0
    notes: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    warnings_total: int = 0
    # After a successful import: table -> (rows written, of which replaced a stored row).
    written: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.total == 0

    def add(self, problem: Problem) -> None:
        """Record a problem; only the first MAX_PROBLEMS are kept, all are counted."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        self.total += 1

    def warn(self, problem: Problem) -> None:
        """Record a warning (the first MAX_PROBLEMS are kept, all are counted): shown, but no
        reason to refuse."""
        if len(self.warnings) < MAX_PROBLEMS:
            self.warnings.append(problem)
        self.warnings_total += 1

    def text(self) -> str:
        lines = list(self.notes)
        if self.ok:
            lines.insert(0, "Tidak ada masalah: data sesuai kontrak.")
        else:
            lines.append(f"Ditemukan {_n(self.total)} masalah:")
            lines += [f"- {p.text()}" for p in self.problems]
            rest = self.total - len(self.problems)
            if rest > 0:
                lines.append(f"... dan {_n(rest)} masalah lainnya (hanya {MAX_PROBLEMS} pertama yang ditampilkan).")
        if self.warnings:
            lines.append(f"Peringatan ({_n(self.warnings_total)}), tidak menghalangi impor:")
            lines += [f"- {p.text()}" for p in self.warnings]
            if self.warnings_total > len(self.warnings):
                lines.append(f"... dan {_n(self.warnings_total - len(self.warnings))} peringatan lainnya.")
        return "\n".join(lines)

    def table(self):
        """Problems, then warnings, one row each, for a screen or a file (columns in Indonesian)."""
        import pandas as pd
        rows = [("masalah", p) for p in self.problems] + [("peringatan", p) for p in self.warnings]
        # "Jenis" alone is the kind of training in every other table (and its definition in downloads).
        return pd.DataFrame([{"Jenis temuan": kind, "Berkas": p.berkas, "Baris": p.baris, "Kolom": p.kolom,
                              "Keterangan": p.pesan, "Nilai": p.nilai} for kind, p in rows],
                            columns=["Jenis temuan", "Berkas", "Baris", "Kolom", "Keterangan", "Nilai"])


_n = rules.ribuan


def shown(value: str | None, length: int | None = None) -> str | None:
    """A value as a message shows it: cut after SHOWN_CHARS characters, with its length."""
    if value is None:
        return None
    length = len(value) if length is None else length
    return value if length <= SHOWN_CHARS else f"{value[:SHOWN_CHARS]}… ({_n(length)} karakter)"


@contextmanager
def scratch() -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB for data being checked: a file in a new temporary folder (under TMPDIR),
    removed afterwards, with a memory budget (IMPORT_MEMORY_LIMIT, 400MB), so that millions
    of rows spill to disk and an import stays within about 1 GB (docs/performance.md)."""
    with tempfile.TemporaryDirectory(prefix="dasbor-periksa-") as folder:
        duck = mart.connect(str(Path(folder) / "periksa.duckdb"))  # never fetches an extension
        try:
            limit = setting("IMPORT_MEMORY_LIMIT", "400MB")
            try:
                duck.execute(f"SET memory_limit = {_lit(limit)}")
            except duckdb.Error:
                raise db.SourceError(f"IMPORT_MEMORY_LIMIT tidak dapat dibaca: {limit!r}; contoh: 400MB "
                                     "atau 1GB.") from None
            duck.execute(f"SET temp_directory = {_lit(folder)}")
            yield duck
        except duckdb.OutOfMemoryException:
            raise db.SourceError(f"Memori tidak cukup untuk memeriksa data (IMPORT_MEMORY_LIMIT {limit}). Naikkan "
                                 "IMPORT_MEMORY_LIMIT bila mesin memilikinya. Tidak ada data yang ditulis.") from None
        except duckdb.IOException as exc:
            raise db.SourceError(f"Folder sementara {folder} tidak dapat ditulis ({exc}); periksa ruang disk, atau "
                                 "arahkan TMPDIR ke disk yang lebih lega. Tidak ada data yang ditulis.") from None
        finally:
            duck.close()


def _lit(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _list(values) -> str:
    return "[" + ", ".join(_lit(v) for v in values) + "]"


def _is_int(column: sa.Column) -> bool:
    return extract.duck_type(column) in ("INTEGER", "BIGINT")


def _region_code(table: sa.Table, column: sa.Column) -> bool:
    """wilayah.kode and every column referring to it (kode_induk, kode_wilayah)."""
    return (table.name, column.name) == ("wilayah", "kode") or column.info.get("ref") == "wilayah.kode"


# --- normalisation -------------------------------------------------------------------

def normalise(duck: duckdb.DuckDBPyConnection, table: sa.Table,
              dates: dict[str, DateColumn] | None = None) -> None:
    """Build `n_<name>` from `v_<name>`: trimmed, empty as NULL, allowed values in their
    canonical spelling (case-insensitive input), decimal commas as points, 1.0 as 1, region
    codes written with Kemendagri's dot (35.78) as the contract stores them (3578), dates
    as ISO text (from the form of their column, `dates`; read off `v_<name>` when not given).

    Decimals stay text here: the rules read them as written, so "1,705" is reported with
    its three decimals rather than rounded."""
    exprs = []
    for c in table.columns:
        e = f"""NULLIF(trim("{c.name}"), '')"""
        if _region_code(table, c):  # Kemendagri writes 35.78 for 3578
            e = f"regexp_replace({e}, '^([0-9]{{2}})[.]([0-9]{{2}})$', '\\1\\2')"
        if "allowed" in c.info:
            allowed = list(c.info["allowed"])
            e = (f"coalesce(list_extract({_list(allowed)}, "
                 f"list_position({_list(a.lower() for a in allowed)}, lower({e}))), {e})")
        elif extract.duck_type(c) == "DOUBLE" or extract.is_decimal(c):
            # An ambiguous number stays as written, for its message to show it so.
            e = (f"CASE WHEN {_ambiguous(e)} THEN {e} "
                 f"ELSE regexp_replace({e}, '^(-?[0-9]+),([0-9]+)$', '\\1.\\2') END")
        elif _is_int(c):
            e = f"CASE WHEN {_ambiguous(e)} THEN {e} ELSE regexp_replace({e}, '^(-?[0-9]+)\\.0+$', '\\1') END"
        elif extract.duck_type(c) == "DATE":
            if dates is None:
                dates = date_columns(duck, table)
            if dates[c.name].converted:  # what is no date in the column's form stays as written
                e = f"coalesce({_iso_from(dates[c.name].form, e)}, {e})"
        exprs.append(f'{e} AS "{c.name}"')
    duck.execute(f"CREATE OR REPLACE TABLE n_{table.name} AS SELECT _baris, _urut, "
                 f"{', '.join(exprs)} FROM v_{table.name}")


# --- rules -------------------------------------------------------------------------

@dataclass
class Rule:
    table: str
    column: str | None
    message: str
    where: str
    value: str | None = None  # SQL for the value shown; the column by default
    detail: str | None = None  # SQL for a text shown in the message in place of "{detail}"


# Numbers are written as digits with at most one decimal point or comma. A point or comma
# before exactly three digits (1.000, 12,500) reads as a thousands separator in one
# spreadsheet locale and as a decimal in another, so it is refused rather than guessed.
AMBIGUOUS_NUMBER = r"[-+]?[1-9][0-9]{0,2}[.,][0-9]{3}"  # the importer's XLSX numbers avoid it
_NAN_TEXTS = ["nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"]
_AMBIGUOUS = ("angka ambigu: titik atau koma di depan tepat tiga angka bisa pemisah ribuan (1.000 = seribu) "
              "atau desimal (1.000 = satu). Tulis ribuan tanpa pemisah (1000) dan desimal dengan koma atau "
              "titik (1,5 atau 1.5); untuk tepat tiga angka desimal tambahkan nol di belakangnya (1,2500)")
_NAN = "NaN/tak hingga tidak diterima: tulis angka yang sebenarnya, atau kosongkan sel bila kolom ini tidak wajib"
_NUMBER_FORMS = "tulis 1000, 1,5 atau 1.5: koma atau titik desimal, tanpa pemisah ribuan"


# Control characters other than TAB, LF and CR, and the bidirectional overrides and isolates that
# make `gpj.exe` look like `exe.jpg` (RE2 syntax).
_CONTROL = r"[\x01-\x08\x0B\x0C\x0E-\x1F\x7F\x{202A}-\x{202E}\x{2066}-\x{2069}]"


def _ambiguous(e: str) -> str:
    return f"regexp_full_match({e}, {_lit(AMBIGUOUS_NUMBER)})"


def _nan(e: str) -> str:
    return f"list_contains({_list(_NAN_TEXTS)}, lower({e}))"


def _date(e: str) -> str:
    return f"CAST(try_strptime({e}, '%Y-%m-%d') AS DATE)"


# --- dates -----------------------------------------------------------------------------
# Dates are taken as Indonesians write them (issue 20), one form per column of a file: the
# form is read off all the column's values (`date_columns`, one query per table), `normalise`
# turns every real date into ISO text, and every rule after it reads ISO only.

@dataclass(frozen=True)
class DateForm:
    name: str  # as messages show it
    example: str  # 15 July 2024
    pattern: str  # of the whole trimmed value


DATE_FORMS = {  # in this order a tie between forms is settled
    "iso": DateForm("TTTT-BB-HH", "2024-07-15", r"[0-9]{4}-[0-9]{2}-[0-9]{2}([ T]00:00(:00([.]0+)?)?)?"),
    "hbt-": DateForm("HH-BB-TTTT", "15-07-2024", r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{4}"),
    "hbt/": DateForm("HH/BB/TTTT", "15/07/2024", r"[0-9]{1,2}/[0-9]{1,2}/[0-9]{4}"),
    # Five digits: 10000 (18 May 1927) to 99999 (2173). A shorter number is no date of these
    # tables (2024 would be 16 July 1905) and is refused by name (_SHORT_NUMBER), as are Excel's
    # serials up to 60, which its leap-year bug puts a day off.
    "seri": DateForm("angka seri Excel", "45488", r"[0-9]{5}([.]0+)?"),
}
_DAY_FIRST = ("hbt-", "hbt/")
_SHORT_NUMBER = r"[0-9]{1,4}([.]0+)?"
_ISO = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"  # a date after normalise


def _matches(e: str, form: str) -> str:
    return f"regexp_full_match({e}, {_lit(DATE_FORMS[form].pattern)})"


def _serial(e: str) -> str:
    return f"TRY_CAST(split_part({e}, '.', 1) AS INTEGER)"


def _iso_from(form: str, e: str) -> str:
    """SQL: the ISO text of `e` written in `form`; NULL where it is not, or names no real day."""
    if form == "iso":
        return f"CASE WHEN {_matches(e, form)} AND {_date(f'left({e}, 10)')} IS NOT NULL THEN left({e}, 10) END"
    if form == "seri":
        return f"CASE WHEN {_matches(e, form)} THEN CAST(DATE '1899-12-30' + {_serial(e)} AS VARCHAR) END"
    sep = form[-1]
    return f"CASE WHEN {_matches(e, form)} THEN strftime(try_strptime({e}, '%d{sep}%m{sep}%Y'), '%Y-%m-%d') END"


@dataclass
class DateColumn:
    """How one file's date column is written: its form (the most common; None when no value
    looks like a date), how many values each form has, and what makes the whole column
    unreadable (messages with an example value)."""
    form: str | None = "iso"
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[tuple[str, str | None]] = field(default_factory=list)
    unreadable: bool = False  # day and month cannot be told apart, or are the wrong way round

    @property
    def mixed(self) -> bool:
        return len(self.counts) > 1

    @property
    def converted(self) -> bool:
        """Whether `normalise` writes its dates as ISO. A mixed column is refused anyway, and its
        odd rows must still be told from the rest after normalising: not so for ISO odd rows."""
        return (self.form is not None and not self.unreadable
                and (self.form == "iso" or "iso" not in self.counts))


def date_columns(duck: duckdb.DuckDBPyConnection, table: sa.Table) -> dict[str, DateColumn]:
    """The form of each date column of `v_<table>`, from one scan over all its rows.

    Day-first order is shown by a first part above 12 (15/01/2025), in the column or in another
    day-first date column of the same file (a TMT is always the 1st and never shows it); a second
    part above 12 with none such (01/15/2025) is month-first, as American software writes;
    a column where every value could be either (05/01/2025) cannot be read. 01/01/2025 reads
    the same either way."""
    names = [c.name for c in table.columns if extract.duck_type(c) == "DATE"]
    if not names:
        return {}
    inner, aggregates = [], []
    for i, name in enumerate(names):
        t, k, a, b = f"t{i}", f"k{i}", f"a{i}", f"b{i}"
        kind = "CASE " + " ".join(f"WHEN {_matches(t, f)} THEN {_lit(f)}" for f in DATE_FORMS) + " END"
        parts = r"^([0-9]{1,2})[-/]([0-9]{1,2})[-/][0-9]{4}$"
        inner += [t, f"{kind} AS {k}", f"TRY_CAST(regexp_extract({t}, {_lit(parts)}, 1) AS INTEGER) AS {a}",
                  f"TRY_CAST(regexp_extract({t}, {_lit(parts)}, 2) AS INTEGER) AS {b}"]
        day_first = f"{k} IN ({', '.join(_lit(f) for f in _DAY_FIRST)})"
        us = f"{day_first} AND {a} BETWEEN 1 AND 12 AND {b} BETWEEN 13 AND 31"
        either = f"{day_first} AND {a} BETWEEN 1 AND 12 AND {b} BETWEEN 1 AND 12 AND {a} <> {b}"
        aggregates += [f"count_if({k} = {_lit(f)})" for f in DATE_FORMS]
        aggregates += [f"count_if({day_first} AND {a} BETWEEN 13 AND 31)"]
        for cond in (us, either):
            aggregates += [f"count_if({cond})", f"arg_min(_baris, _urut) FILTER (WHERE {cond})",
                           f"arg_min({t}, _urut) FILTER (WHERE {cond})"]
    trimmed = ", ".join(f"""NULLIF(trim("{name}"), '') AS t{i}""" for i, name in enumerate(names))
    row = duck.execute(f"SELECT {', '.join(aggregates)} FROM (SELECT _baris, _urut, {', '.join(inner)} "
                       f"FROM (SELECT _baris, _urut, {trimmed} FROM v_{table.name}))").fetchone()
    width = len(aggregates) // len(names)
    forms = list(DATE_FORMS)
    stats = {name: row[i * width:(i + 1) * width] for i, name in enumerate(names)}
    columns = {name: DateColumn(None, {f: n for f, n in zip(forms, s) if n}) for name, s in stats.items()}
    for column in columns.values():
        if column.counts:  # the most common form; a tie goes to the form listed first
            column.form = max(column.counts, key=lambda f: (column.counts[f], -forms.index(f)))
    shown_first = any(s[len(forms)] and columns[name].form in _DAY_FIRST for name, s in stats.items())
    for name, column in columns.items():
        day_first, us, us_row, us_value, either, either_row, either_value = stats[name][len(forms):]
        if column.mixed:
            seen = sorted(column.counts.items(), key=lambda fn: (-fn[1], forms.index(fn[0])))
            hint = (" (di XLSX, sel bertipe tanggal terbaca TTTT-BB-HH dan sel angka sebagai angka seri Excel)"
                    if {"iso", "seri"} & set(column.counts) else "")
            column.problems.append((
                "kolom mencampur format tanggal: " + ", ".join(f"{_n(n)} baris {DATE_FORMS[f].name}" for f, n in seen)
                + f"; pakai satu format untuk seluruh kolom{hint}. Baris yang tidak berformat "
                f"{DATE_FORMS[column.form].name} disebut satu per satu", None))
        if column.form in _DAY_FIRST and us and not day_first:
            column.unreadable = True
            column.problems.append((
                f"tanggal tampaknya ditulis bulan/hari/tahun (format AS): {_n(us)} baris bagian keduanya lebih "
                f"dari 12 (mis. baris {us_row}) dan tidak ada yang bagian pertamanya lebih dari 12. Tulis hari "
                f"lebih dulu ({DATE_FORMS[column.form].name}, mis. {DATE_FORMS[column.form].example}) atau "
                "TTTT-BB-HH", us_value))
        elif column.form in _DAY_FIRST and either and not day_first and not shown_first:
            column.unreadable = True
            column.problems.append((
                "hari dan bulan tidak dapat dibedakan: tidak ada tanggal di kolom ini yang bagian pertama atau "
                "keduanya lebih dari 12, juga tidak di kolom tanggal lain berkas ini (mis. baris "
                f"{either_row}: hari lalu bulan, atau bulan lalu hari?). Tulis tanggal sebagai TTTT-BB-HH "
                "(mis. 2024-07-15) atau sebagai sel tanggal di XLSX", either_value))
    return columns


def _date_rules(t: str, name: str, found: DateColumn) -> list[Rule]:
    """The rules naming each value that is no date in the column's form: one written in another
    form, one that names no real day (30 February), anything else; and a short number (a year,
    or one of Excel's first serials), which is no date at all."""
    col = f'"{name}"'
    short = f"regexp_full_match({col}, {_lit(_SHORT_NUMBER)})"
    rules = [Rule(t, name, "bukan tanggal: angka seri Excel sebuah tanggal sesudah 1927 lima digit (mis. 45488 = "
                           "15 Juli 2024); bila ini tahun, tulis tanggal lengkap, mis. 2024-07-15", short)]
    valid = f"regexp_full_match({col}, {_lit(_ISO)}) AND {_date(col)} IS NOT NULL"
    if found.form is None:
        return rules + [Rule(t, name, "bukan tanggal yang valid; tulis TTTT-BB-HH (mis. 2024-07-15), HH-BB-TTTT "
                                      "(15-07-2024) atau HH/BB/TTTT (15/07/2024), atau pakai sel tanggal di XLSX",
                             f"{col} IS NOT NULL AND NOT ({valid}) AND NOT {short}")]
    form = DATE_FORMS[found.form]
    generic = (f"bukan tanggal yang valid; kolom ini memakai format {form.name} (mis. {form.example}): "
               "tanggalnya harus ada (30 Februari tidak ada) dan ditulis dalam format itu")
    if found.unreadable:  # its own values are named by the column's message
        return rules + [Rule(t, name, generic, f"{col} IS NOT NULL AND NOT {_matches(col, found.form)} AND NOT {short}")]
    ok = valid if found.converted else f"({_iso_from(found.form, col)}) IS NOT NULL"
    # Another form's real dates (a converted column holds ISO only where it converted them).
    others = [f for f in DATE_FORMS if f != found.form and not (found.converted and f == "iso")]
    other = " OR ".join(f"({_iso_from(f, col)}) IS NOT NULL" for f in others) or "false"
    which = "CASE " + " ".join(f"WHEN ({_iso_from(f, col)}) IS NOT NULL THEN {_lit(DATE_FORMS[f].name)}"
                               for f in others) + " END" if others else "NULL"
    no_day = f"{_matches(col, found.form)} AND NOT ({ok})"
    todo = f"{col} IS NOT NULL AND NOT ({ok}) AND NOT {short}"
    return rules + [
        Rule(t, name, f"ditulis {{detail}}, sedangkan kolom ini memakai {form.name} (mis. {form.example}); "
                      "tulis seluruh kolom dalam satu format", f"{todo} AND ({other})", detail=which),
        Rule(t, name, f"tanggal ini tidak ada di kalender (mis. 30 Februari, 31 April); periksa hari dan bulannya "
                      f"({form.name})", f"{todo} AND NOT ({other}) AND {no_day}"),
        Rule(t, name, generic, f"{todo} AND NOT ({other}) AND NOT ({no_day})"),
    ]


def _column_rules(table: sa.Table, per: dt.date, per_label: str,
                  dates: dict[str, DateColumn] | None = None) -> list[Rule]:
    rules: list[Rule] = []
    t = table.name
    for c in table.columns:
        col = f'"{c.name}"'
        rules.append(Rule(t, c.name, "memuat karakter NUL (kode 0), yang tidak dapat disimpan; hapus karakter "
                                     "itu (biasanya terbawa dari berkas biner atau salinan yang rusak)",
                          f"contains({col}, chr(0))"))
        if extract.duck_type(c) == "VARCHAR":
            rules.append(Rule(t, c.name, "memuat karakter kendali (mis. ESC) atau pembalik arah teks (U+202A-202E, "
                                         "U+2066-2069), yang dapat menyamarkan teks di layar; hapus karakter itu",
                              f"regexp_matches({col}, {_lit(_CONTROL)})"))
        if not c.nullable:
            rules.append(Rule(t, c.name, "wajib diisi", f"{col} IS NULL"))
        kind = extract.duck_type(c)
        length = getattr(c.type, "length", None) or c.info.get("max_length")
        if kind == "VARCHAR" and length:
            rules.append(Rule(t, c.name, f"terlalu panjang (paling banyak {length} karakter)",
                              f"length({col}) > {length}"))
        if kind == "DATE":
            # After normalise every date reads ISO, whatever form its file wrote it in.
            written = f"regexp_full_match({col}, {_lit(_ISO)})"
            rules += _date_rules(t, c.name, (dates or {}).get(c.name, DateColumn()))
            rules.append(Rule(t, c.name, "tanggal sebelum tahun 1900 tidak masuk akal",
                              f"{written} AND {_date(col)} < DATE '1900-01-01'"))
            rules.append(Rule(t, c.name, f"tanggal sesudah tanggal acuan {per.isoformat()} ({per_label}); "
                                         + ("data tidak boleh bertanggal di masa depan" if per_label == "hari ini"
                                            else "tanggal acuan diatur dengan --per"),
                              f"{written} AND {_date(col)} > DATE '{per.isoformat()}'"))
        number = None
        if kind in ("INTEGER", "BIGINT", "DOUBLE") or extract.is_decimal(c):
            number_rules, number = _number_rules(t, c)
            rules += number_rules
        if "allowed" in c.info:
            allowed = list(c.info["allowed"])
            shown_values = ", ".join(allowed) if len(allowed) <= 12 else ", ".join(allowed[:12]) + ", ..."
            rules.append(Rule(t, c.name, f"nilai tidak dikenal; yang diizinkan: {shown_values}",
                              f"{col} IS NOT NULL AND NOT list_contains({_list(allowed)}, {col})"))
        if "pattern" in c.info:
            rules.append(Rule(t, c.name, _PATTERN_MESSAGE.get((t, c.name), "format tidak sesuai"),
                              f"{col} IS NOT NULL AND NOT regexp_full_match({col}, {_lit(c.info['pattern'])})"))
        if number is None:
            continue
        if "min" in c.info and "max" in c.info:
            rules.append(Rule(t, c.name, f"harus antara {c.info['min']} dan {c.info['max']}",
                              f"{number} < {c.info['min']} OR {number} > {c.info['max']}"))
        elif "min" in c.info:
            rules.append(Rule(t, c.name, f"harus paling kecil {c.info['min']}", f"{number} < {c.info['min']}"))
        if "min_exclusive" in c.info:
            rules.append(Rule(t, c.name, f"harus lebih dari {c.info['min_exclusive']}",
                              f"{number} <= {c.info['min_exclusive']}"))
            if "max" in c.info:
                rules.append(Rule(t, c.name, f"tidak boleh lebih dari {c.info['max']}",
                                  f"{number} > {c.info['max']}"))
    return rules


def _number_rules(t: str, c: sa.Column) -> tuple[list[Rule], str]:
    """The rules of a number column, and SQL for its value as a number where it is written as
    the contract accepts (NULL otherwise: a badly written value gets one message, its own)."""
    col = f'"{c.name}"'
    odd = f"({_nan(col)} OR {_ambiguous(col)})"
    rules = [Rule(t, c.name, _NAN, _nan(col)), Rule(t, c.name, _AMBIGUOUS, _ambiguous(col))]
    if _is_int(c):
        plain = f"regexp_full_match({col}, '-?[0-9]{{1,15}}')"
        rules.append(Rule(t, c.name, "harus bilangan bulat (mis. 12 atau 1000, tanpa pemisah ribuan)",
                          f"{col} IS NOT NULL AND NOT {odd} AND NOT {plain}"))
    else:
        plain = f"regexp_full_match({col}, '-?[0-9]+([.][0-9]+)?')"
        rules.append(Rule(t, c.name, f"harus angka ({_NUMBER_FORMS})",
                          f"{col} IS NOT NULL AND NOT {odd} AND NOT {plain}"))
        if extract.is_decimal(c):
            rules += _decimal_rules(t, c, f"{plain} AND NOT {odd}")
    return rules, f"(CASE WHEN {plain} AND NOT {odd} THEN CAST({col} AS DOUBLE) END)"


def _decimal_rules(t: str, c: sa.Column, plain: str) -> list[Rule]:
    """An exact decimal is written plainly (digits, one decimal point or comma): no exponent,
    no NaN, no thousands separator. Its decimals are counted as written, trailing zeros
    aside ("1,70" is 1,7): more than the contract allows would be rounded by the database."""
    col = f'"{c.name}"'
    decimals = f"length(rtrim(regexp_extract({col}, '[.]([0-9]+)$', 1), '0'))"
    most = c.info.get("max_decimals", c.type.scale)
    rules = [Rule(t, c.name, f"paling banyak {most} angka di belakang koma",
                  f"{col} IS NOT NULL AND {plain} AND {decimals} > {most}")]
    if "max" not in c.info:  # beyond the type's digits the write would fail unexplained
        whole = c.type.precision - c.type.scale
        rules.append(Rule(t, c.name, f"terlalu besar (paling banyak {whole} angka sebelum koma)",
                          f"{col} IS NOT NULL AND {plain} AND "
                          f"length(ltrim(split_part(ltrim({col}, '-'), '.', 1), '0')) > {whole}"))
    return rules


_PATTERN_MESSAGE = {
    ("wilayah", "kode"): ("kode wilayah harus 2 digit (provinsi) atau 4 digit (kabupaten/kota), mis. 35 atau "
                          "3578; kode bertitik seperti Kemendagri menulisnya (35.78) juga diterima. Di Excel "
                          "simpan kolom kode sebagai teks: sebagai angka, 35.10 menjadi 35.1"),
    ("pegawai", "nip"): "NIP harus 18 digit angka (simpan sebagai teks agar tidak dibulatkan Excel)",
}

_GOL_PNS, _GOL_PPPK = ref.GOLONGAN_PNS, ref.GOLONGAN_PPPK
_JENJANG_PAIRS = [(jab, jen) for jab, jens in ref.JENJANG_PER_JABATAN.items() for jen in jens]
_JENIS_PAIRS = [(jalur, jenis) for jalur, kinds in ref.JENIS_PELATIHAN.items() for jenis in kinds]

# Rules between the columns of one row.
_ROW_RULES = [
    Rule("wilayah", "tingkat", "kode 2 digit harus bertingkat provinsi, kode 4 digit kabupaten (01-69) atau kota (71-99)",
         """regexp_full_match(kode, '[0-9]{2}|[0-9]{4}') AND tingkat IS NOT NULL AND NOT (
              (length(kode) = 2 AND tingkat = 'provinsi')
           OR (length(kode) = 4 AND tingkat = 'kabupaten' AND substr(kode, 3, 2) BETWEEN '01' AND '69')
           OR (length(kode) = 4 AND tingkat = 'kota' AND substr(kode, 3, 2) BETWEEN '71' AND '99'))""",
         "kode || ' / ' || tingkat"),
    Rule("wilayah", "kode_induk", "kabupaten/kota harus berinduk pada provinsi dengan 2 digit awal kodenya; provinsi tanpa induk",
         """regexp_full_match(kode, '[0-9]{2}|[0-9]{4}') AND NOT (
              (length(kode) = 2 AND kode_induk IS NULL)
           OR (length(kode) = 4 AND kode_induk IS NOT DISTINCT FROM left(kode, 2)))""",
         "kode || ' / ' || coalesce(kode_induk, '(kosong)')"),
    Rule("instansi", "kode_wilayah", "instansi pusat tanpa wilayah; instansi provinsi memakai kode provinsi (2 digit); kabupaten/kota memakai kode 4 digit",
         """jenis IS NOT NULL AND NOT (
              (jenis = 'pusat' AND kode_wilayah IS NULL)
           OR (jenis = 'provinsi' AND length(kode_wilayah) = 2)
           OR (jenis IN ('kabupaten', 'kota') AND length(kode_wilayah) = 4))""",
         "jenis || ' / ' || coalesce(kode_wilayah, '(kosong)')"),
    Rule("unit_kerja", "kode_wilayah", "unit kerja harus berada di kabupaten/kota (kode 4 digit)",
         "kode_wilayah IS NOT NULL AND length(kode_wilayah) <> 4"),
    Rule("pegawai", "golongan", "golongan PNS ditulis I/a sampai IV/e, golongan PPPK I sampai XVII",
         f"""list_contains({_list(_GOL_PNS + _GOL_PPPK)}, golongan) AND jenis_asn IS NOT NULL AND NOT (
              (jenis_asn = 'PNS' AND list_contains({_list(_GOL_PNS)}, golongan))
           OR (jenis_asn = 'PPPK' AND list_contains({_list(_GOL_PPPK)}, golongan)))""",
         "jenis_asn || ' / ' || golongan"),
    Rule("pegawai", "jenjang_jabatan", "jenjang jabatan tidak sesuai dengan jenis jabatan",
         f"""jenis_jabatan IS NOT NULL AND jenjang_jabatan IS NOT NULL
           AND NOT list_contains({_list(a + '|' + b for a, b in _JENJANG_PAIRS)}, jenis_jabatan || '|' || jenjang_jabatan)""",
         "jenis_jabatan || ' / ' || jenjang_jabatan"),
    Rule("pegawai", "nip", "8 digit pertama NIP PNS harus sama dengan tanggal_lahir (TTTTBBHH)",
         """jenis_asn = 'PNS' AND regexp_full_match(nip, '[0-9]{18}') AND try_strptime(tanggal_lahir, '%Y-%m-%d') IS NOT NULL
           AND left(nip, 8) <> strftime(try_strptime(tanggal_lahir, '%Y-%m-%d'), '%Y%m%d')""",
         "nip || ' / ' || tanggal_lahir"),
    Rule("pegawai", "nip", "digit ke-15 NIP PNS harus 1 (laki-laki) atau 2 (perempuan) sesuai jenis_kelamin",
         """jenis_asn = 'PNS' AND regexp_full_match(nip, '[0-9]{18}') AND jenis_kelamin IS NOT NULL
           AND substr(nip, 15, 1) <> CASE jenis_kelamin WHEN 'L' THEN '1' ELSE '2' END""",
         "nip || ' / ' || jenis_kelamin"),
    Rule("pegawai", "nip", "digit ke-9 sampai 14 NIP PNS harus TMT CPNS (TTTTBB) yang valid dan sesudah tanggal lahir, dan 3 digit terakhir 001-999",
         """jenis_asn = 'PNS' AND regexp_full_match(nip, '[0-9]{18}') AND (
              try_strptime(substr(nip, 9, 6) || '01', '%Y%m%d') IS NULL
           OR substr(nip, 9, 6) <= left(nip, 6)
           OR right(nip, 3) = '000')"""),
    Rule("pegawai", "tmt_asn", "TMT ASN harus sesudah tanggal lahir",
         "try_strptime(tmt_asn, '%Y-%m-%d') <= try_strptime(tanggal_lahir, '%Y-%m-%d')",
         "tmt_asn || ' / lahir ' || tanggal_lahir"),
    # Plausibility (issue 19): nobody is appointed before 18 (the youngest a PNS applicant may be,
    # PP 11/2017 art. 23) or after 70, past every retirement age.
    Rule("pegawai", "tanggal_lahir", "usia pada TMT ASN kurang dari 18 tahun; periksa tanggal_lahir dan tmt_asn",
         f"""{_date('tmt_asn')} > {_date('tanggal_lahir')}
           AND {_date('tmt_asn')} < {_date('tanggal_lahir')} + INTERVAL 18 YEAR""",
         "tanggal_lahir || ' / TMT ASN ' || tmt_asn"),
    Rule("pegawai", "tanggal_lahir", "usia pada TMT ASN lebih dari 70 tahun; periksa tanggal_lahir dan tmt_asn",
         f"{_date('tmt_asn')} >= {_date('tanggal_lahir')} + INTERVAL 71 YEAR",
         "tanggal_lahir || ' / TMT ASN ' || tmt_asn"),
    Rule("pegawai", "tanggal_berhenti", "tanggal berhenti tidak boleh sebelum TMT ASN",
         "try_strptime(tanggal_berhenti, '%Y-%m-%d') < try_strptime(tmt_asn, '%Y-%m-%d')"),
    Rule("riwayat_pelatihan", "jenis", "jenis pengembangan tidak termasuk jalur ini (Peraturan LAN 10/2018)",
         f"""jalur IS NOT NULL AND jenis IS NOT NULL
           AND NOT list_contains({_list(a + '|' + b for a, b in _JENIS_PAIRS)}, jalur || '|' || jenis)""",
         "jalur || ' / ' || jenis"),
    Rule("riwayat_pelatihan", "tanggal_selesai", "tanggal selesai tidak boleh sebelum tanggal mulai",
         "try_strptime(tanggal_selesai, '%Y-%m-%d') < try_strptime(tanggal_mulai, '%Y-%m-%d')",
         "tanggal_mulai || ' s.d. ' || tanggal_selesai"),
    Rule("survei_kepuasan", None, "tidak ada satu pun unsur (u1-u9) yang dijawab",
         " AND ".join(f"{u} IS NULL" for u in ref.UNSUR_IKM), "NULL"),
]

# Rules that look at another table: (table, column, message, SQL over n_ tables and the
# `all_<name>` views that join imported rows with those already in the source).
_CROSS_RULES = [
    Rule("riwayat_pelatihan", "kode_kompetensi", "kelompok kompetensi pelatihan tidak sama dengan kelompok kompetensi yang dituju",
         """kode_kompetensi IS NOT NULL AND kelompok_kompetensi IS NOT NULL AND EXISTS (
              SELECT 1 FROM all_kompetensi k WHERE k.kode = kode_kompetensi AND k.kelompok <> kelompok_kompetensi)""",
         "kode_kompetensi || ' / ' || kelompok_kompetensi"),
    # The employee's birth date comes from the imported pegawai rows, else from the stored ones.
    Rule("riwayat_pelatihan", "tanggal_selesai",
         "pelatihan selesai sebelum pegawai berusia 15 tahun; periksa tanggal_selesai dan tanggal_lahir pegawai",
         f"""EXISTS (SELECT 1 FROM all_pegawai p WHERE p.nip = n_riwayat_pelatihan.nip
               AND {_date('n_riwayat_pelatihan.tanggal_selesai')} < {_date('p.tanggal_lahir')} + INTERVAL 15 YEAR)""",
         """tanggal_selesai || ' / lahir ' || (
              SELECT min(p.tanggal_lahir) FROM all_pegawai p WHERE p.nip = n_riwayat_pelatihan.nip)"""),
    # The official region list (reference.wilayah_resmi) sits in `ref_wilayah` (_official_regions).
    Rule("wilayah", "kode", f"kode wilayah tidak ada dalam {ref.DAFTAR_WILAYAH}; periksa kodenya",
         "regexp_full_match(kode, '[0-9]{2}|[0-9]{4}') AND kode NOT IN (SELECT kode FROM ref_wilayah)"),
]

# Rules whose findings are warnings: shown and kept, never a reason to refuse an import.
_WARNING_RULES = [
    Rule("wilayah", "nama", f"nama berbeda dari {ref.DAFTAR_WILAYAH}: {{detail}}; nama yang tertulis tetap "
                            "dipakai, samakan bila itu salah ketik",
         """nama IS NOT NULL AND EXISTS (SELECT 1 FROM ref_wilayah r WHERE r.kode = n_wilayah.kode
              AND kunci_nama(n_wilayah.nama) NOT IN (r.kunci_resmi, r.kunci_tampil))""",
         detail="(SELECT r.nama || ' (' || r.nama_resmi || ')' FROM ref_wilayah r WHERE r.kode = n_wilayah.kode)"),
]


def _official_regions(duck) -> None:
    """The official region list as table `ref_wilayah`, with `kunci_nama`: a name as compared
    with it, without case, spaces, hyphens or dots, `Kab`/`Kab.` read as `Kabupaten` and
    `Adm.` as `Administrasi`, a leading `Provinsi` dropped (`Kab. Tojo Una Una` is
    `KABUPATEN TOJO UNA UNA`)."""
    duck.execute("""CREATE OR REPLACE TEMP MACRO kunci_nama(x) AS regexp_replace((
        WITH k AS (SELECT regexp_replace(lower(x), '[^a-z0-9]', '', 'g') AS k)
        SELECT CASE WHEN k LIKE 'kab%' AND k NOT LIKE 'kabupaten%' THEN 'kabupaten' || substr(k, 4)
                    WHEN k LIKE 'provinsi%' THEN substr(k, 9) ELSE k END FROM k),
        '^(kota|kabupaten)adm(inistrasi)?', '\\1administrasi')""")
    rows = ", ".join(f"({_lit(kode)}, {_lit(w.nama)}, {_lit(w.nama_resmi)})" for kode, w in ref.wilayah_resmi().items())
    duck.execute(f"""CREATE OR REPLACE TEMP TABLE ref_wilayah AS SELECT kode, nama, nama_resmi,
        kunci_nama(nama_resmi) AS kunci_resmi, kunci_nama(nama) AS kunci_tampil
        FROM (VALUES {rows}) AS t(kode, nama, nama_resmi)""")


def _key(table: sa.Table) -> list[str]:
    return [c.name for c in table.primary_key.columns]


def _run_rule(duck, report: Report, rule: Rule, labels: dict[str, str], warning: bool = False) -> None:
    """Report a rule's findings (the first MAX_PROBLEMS, the rest counted): as problems, or with
    `warning` (the rules of _WARNING_RULES) as the report's warnings."""
    value = rule.value or (f'"{rule.column}"' if rule.column else "NULL")
    rows = duck.execute(
        f"SELECT left(_baris, {SHOWN_CHARS}), left(v, {SHOWN_CHARS}), length(v), count(*) OVER (), d FROM ("
        f"SELECT _baris, _urut, CAST({value} AS VARCHAR) AS v, CAST({rule.detail or 'NULL'} AS VARCHAR) AS d "
        f"FROM n_{rule.table} WHERE {rule.where}) ORDER BY _urut LIMIT {MAX_PROBLEMS}").fetchall()
    add = report.warn if warning else report.add
    for baris, nilai, length, _, detail in rows:
        add(Problem(labels[rule.table], baris, rule.column, shown(nilai, length),
                    rule.message.replace("{detail}", detail or "")))
    if rows:  # the rest of this rule's findings, uncounted above
        if warning:
            report.warnings_total += rows[0][3] - len(rows)
        else:
            report.total += rows[0][3] - len(rows)


def validate(duck: duckdb.DuckDBPyConnection, labels: dict[str, str],
             existing: set[str] = frozenset(), per: dt.date | None = None) -> Report:
    """Check the `v_` tables named in `labels` (table -> file or table label shown).

    `existing` names tables whose rows already in the source sit in `x_<name>`;
    references may point at those as well as at the rows being checked. `per` is the
    reference date no date may pass (today by default).
    """
    report = Report()
    per, per_label = (dt.date.today(), "hari ini") if per is None else (per, "--per")
    dates = {}
    for name in labels:
        table = contract.TABLES_BY_NAME[name]
        dates[name] = date_columns(duck, table)
        for column, found in dates[name].items():
            for message, value in found.problems:
                report.add(Problem(labels[name], None, column, shown(value), message))
        normalise(duck, table, dates[name])
    # Every referenced table as one view: the source as it will be after the import, the rows
    # being checked in place of the stored rows with their key.
    for table in contract.TABLES:
        parts = []
        if table.name in labels:
            parts.append(f"SELECT * EXCLUDE (_baris, _urut) FROM n_{table.name}")
        if table.name in existing:
            stored = f"SELECT * FROM x_{table.name}"
            if table.name in labels:
                same = " AND ".join(f'n."{k}" = x."{k}"' for k in _key(table))
                stored = (f"SELECT x.* FROM x_{table.name} x "
                          f"WHERE NOT EXISTS (SELECT 1 FROM n_{table.name} n WHERE {same})")
            parts.append(stored)
        cols = ", ".join(f'CAST(NULL AS VARCHAR) AS "{c.name}"' for c in table.columns)
        duck.execute(f"CREATE OR REPLACE TEMP VIEW all_{table.name} AS "
                     + (" UNION ALL ".join(parts) if parts else f"SELECT {cols} WHERE false"))
    if "wilayah" in labels:
        _official_regions(duck)
    for name in labels:
        table = contract.TABLES_BY_NAME[name]
        # The rules within a row, counted in one scan; only those that find something are asked
        # again for their rows (a good file costs one query per table, not one per rule).
        rules = _column_rules(table, per, per_label, dates[name]) + [r for r in _ROW_RULES if r.table == name]
        found = duck.execute("SELECT " + ", ".join(f"count_if({r.where})" for r in rules)
                             + f" FROM n_{name}").fetchone()
        for rule in [r for r, n in zip(rules, found) if n] + [r for r in _CROSS_RULES if r.table == name]:
            _run_rule(duck, report, rule, labels)
        key = _key(table)
        keys = ", ".join(f'"{k}"' for k in key)
        _run_rule(duck, report, Rule(
            name, key[0] if len(key) == 1 else None,
            "kunci ganda: " + ", ".join(key) + " sudah muncul di baris sebelumnya",
            f"""_urut IN (SELECT _urut FROM (SELECT _urut, row_number() OVER (
                    PARTITION BY {keys} ORDER BY _urut) AS nomor FROM n_{name}) WHERE nomor > 1)""",
            " || ' / ' || ".join(f'"{k}"' for k in key)), labels)
        for c in table.columns:
            target = c.info.get("ref")
            if not target:
                continue
            ref_table, ref_col = target.split(".")
            _run_rule(duck, report, Rule(
                name, c.name, f"tidak ditemukan di tabel {ref_table} (kolom {ref_col})",
                f"""{c.name} IS NOT NULL AND {c.name} NOT IN (
                      SELECT "{ref_col}" FROM all_{ref_table} WHERE "{ref_col}" IS NOT NULL)"""), labels)
        for rule in [r for r in _WARNING_RULES if r.table == name]:
            _run_rule(duck, report, rule, labels, warning=True)
    # Read file by file, row by row.
    order = {label: i for i, label in enumerate(labels.values())}
    report.problems.sort(key=lambda p: (order.get(p.berkas, 0), _row_number(p.baris)))
    return report


def _row_number(label: str | None) -> int:
    return int(label) if label and label.isdigit() else 0


def check_source(engine: sa.Engine, per: dt.date | None = None) -> Report:
    """Validate what is stored in the source, with the importer's rules (`check`)."""
    ro = db.make_engine(extract.read_only_url(str(engine.url.render_as_string(hide_password=False))))
    try:
        with scratch() as duck:
            with db.connect(ro) as conn:
                db.require_tables(conn)
                present = set(sa.inspect(conn).get_table_names())
                arrow_conn = extract.arrow_connection(ro)
                labels, counts = {}, {}
                try:
                    for table in contract.TABLES:
                        if table.name not in present:
                            continue
                        counts[table.name] = extract.copy_table(
                            conn, arrow_conn, duck, table, f"c_{table.name}", as_text=True)
                        key = " || ' / ' || ".join(f'coalesce("{k}", \'?\')' for k in _key(table))
                        # Rows in the database have no line number: name them by their key.
                        duck.execute(f"CREATE VIEW v_{table.name} AS SELECT *, "
                                     f"{_lit(', '.join(_key(table)) + ' = ')} || {key} AS _baris, "
                                     f"row_number() OVER () AS _urut FROM c_{table.name}")
                        labels[table.name] = f"tabel {table.name}"
                finally:
                    if arrow_conn is not None:
                        arrow_conn.close()
            report = validate(duck, labels, per=per)
    finally:
        ro.dispose()
    report.notes = [f"Sumber: {db.describe_url(str(engine.url))}"] + [
        f"  {name:22s} {_n(n):>12} baris" for name, n in counts.items()]
    return report
