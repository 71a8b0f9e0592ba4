"""Validation of data against the contract, for the importer and for `check`.

Data to check sits in DuckDB as text (table `v_<name>`, every column VARCHAR,
plus `_baris`, the row label shown to the user, and `_urut`, its order). The
rules come from the contract's column definitions and `info`, plus the rules
between columns and tables written below; each rule is one SQL query, so the
same checks run on a 20-row file and on a 60-million-row source.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import sqlalchemy as sa

from . import contract, db, extract
from . import reference as ref

MAX_PROBLEMS = 100


@dataclass
class Problem:
    berkas: str
    baris: str | None
    kolom: str | None
    nilai: str | None
    pesan: str

    def text(self) -> str:
        where = self.berkas
        if self.baris:
            where += f", baris {self.baris}"
        if self.kolom:
            where += f", kolom {self.kolom}"
        value = f" (nilai: {self.nilai!r})" if self.nilai is not None else ""
        return f"{where}: {self.pesan}{value}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    total: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.total == 0

    def add(self, problem: Problem) -> None:
        """Record a problem; only the first MAX_PROBLEMS are kept, all are counted."""
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        self.total += 1

    def text(self) -> str:
        if self.ok:
            return "\n".join(["Tidak ada masalah: data sesuai kontrak.", *self.notes])
        lines = list(self.notes)
        lines.append(f"Ditemukan {_n(self.total)} masalah:")
        lines += [f"- {p.text()}" for p in self.problems]
        rest = self.total - len(self.problems)
        if rest > 0:
            lines.append(f"... dan {_n(rest)} masalah lainnya (hanya {MAX_PROBLEMS} pertama yang ditampilkan).")
        return "\n".join(lines)


def _n(x: int) -> str:
    return f"{x:,}".replace(",", ".")


def _lit(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _list(values) -> str:
    return "[" + ", ".join(_lit(v) for v in values) + "]"


def _is_int(column: sa.Column) -> bool:
    return extract.duck_type(column) in ("INTEGER", "BIGINT")


# --- normalisation -------------------------------------------------------------------

def normalise(duck: duckdb.DuckDBPyConnection, table: sa.Table) -> None:
    """Build `n_<name>` from `v_<name>`: trimmed, empty as NULL, allowed values in their
    canonical spelling (case-insensitive input), decimal commas as points, 1.0 as 1.

    Decimals stay text here: the rules read them as written, so "1,705" is reported with
    its three decimals rather than rounded."""
    exprs = []
    for c in table.columns:
        e = f"""NULLIF(trim("{c.name}"), '')"""
        if "allowed" in c.info:
            allowed = list(c.info["allowed"])
            e = (f"coalesce(list_extract({_list(allowed)}, "
                 f"list_position({_list(a.lower() for a in allowed)}, lower({e}))), {e})")
        elif extract.duck_type(c) == "DOUBLE" or extract.is_decimal(c):
            e = f"regexp_replace({e}, '^(-?[0-9]+),([0-9]+)$', '\\1.\\2')"
        elif _is_int(c):
            e = f"regexp_replace({e}, '^(-?[0-9]+)\\.0+$', '\\1')"
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


def _column_rules(table: sa.Table) -> list[Rule]:
    rules: list[Rule] = []
    t = table.name
    for c in table.columns:
        col = f'"{c.name}"'
        if not c.nullable:
            rules.append(Rule(t, c.name, "wajib diisi", f"{col} IS NULL"))
        kind = extract.duck_type(c)
        length = getattr(c.type, "length", None)
        if kind == "VARCHAR" and length:
            rules.append(Rule(t, c.name, f"terlalu panjang (paling banyak {length} karakter)",
                              f"length({col}) > {length}"))
        if kind == "DATE":
            rules.append(Rule(t, c.name, "bukan tanggal yang valid; gunakan format TTTT-BB-HH, "
                                         "mis. 2024-07-15",
                              f"{col} IS NOT NULL AND (NOT regexp_full_match({col}, '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}') "
                              f"OR try_strptime({col}, '%Y-%m-%d') IS NULL)"))
        elif kind in ("INTEGER", "BIGINT"):
            rules.append(Rule(t, c.name, "harus bilangan bulat",
                              f"{col} IS NOT NULL AND NOT regexp_full_match({col}, '-?[0-9]{{1,15}}')"))
        elif kind == "DOUBLE":
            rules.append(Rule(t, c.name, "harus angka (pemisah desimal titik atau koma)",
                              f"{col} IS NOT NULL AND try_cast({col} AS DOUBLE) IS NULL"))
        elif extract.is_decimal(c):
            rules += _decimal_rules(t, c)
        if "allowed" in c.info:
            allowed = list(c.info["allowed"])
            shown = ", ".join(allowed) if len(allowed) <= 12 else ", ".join(allowed[:12]) + ", ..."
            rules.append(Rule(t, c.name, f"nilai tidak dikenal; yang diizinkan: {shown}",
                              f"{col} IS NOT NULL AND NOT list_contains({_list(allowed)}, {col})"))
        if "pattern" in c.info:
            rules.append(Rule(t, c.name, _PATTERN_MESSAGE.get((t, c.name), "format tidak sesuai"),
                              f"{col} IS NOT NULL AND NOT regexp_full_match({col}, {_lit(c.info['pattern'])})"))
        number = f"try_cast({col} AS DOUBLE)"
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


def _decimal_rules(t: str, c: sa.Column) -> list[Rule]:
    """An exact decimal is written plainly (digits, one decimal point or comma): no exponent,
    no NaN, no thousands separator. Its decimals are counted as written, trailing zeros
    aside ("1,70" is 1,7): more than the contract allows would be rounded by the database."""
    col = f'"{c.name}"'
    plain = f"regexp_full_match({col}, '-?[0-9]+([.][0-9]+)?')"
    decimals = f"length(rtrim(regexp_extract({col}, '[.]([0-9]+)$', 1), '0'))"
    rules = [Rule(t, c.name, "harus angka (pemisah desimal titik atau koma, tanpa pemisah ribuan)",
                  f"{col} IS NOT NULL AND NOT {plain}")]
    most = c.info.get("max_decimals", c.type.scale)
    rules.append(Rule(t, c.name, f"paling banyak {most} angka di belakang koma",
                      f"{col} IS NOT NULL AND {plain} AND {decimals} > {most}"))
    if "max" not in c.info:  # beyond the type's digits the write would fail unexplained
        whole = c.type.precision - c.type.scale
        rules.append(Rule(t, c.name, f"terlalu besar (paling banyak {whole} angka sebelum koma)",
                          f"{col} IS NOT NULL AND {plain} AND "
                          f"length(ltrim(split_part(ltrim({col}, '-'), '.', 1), '0')) > {whole}"))
    return rules


_PATTERN_MESSAGE = {
    ("wilayah", "kode"): "kode wilayah harus 2 digit (provinsi) atau 4 digit (kabupaten/kota)",
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
]


def _key(table: sa.Table) -> list[str]:
    return [c.name for c in table.primary_key.columns]


def _run_rule(duck, report: Report, rule: Rule, labels: dict[str, str]) -> None:
    value = rule.value or (f'"{rule.column}"' if rule.column else "NULL")
    rows = duck.execute(
        f"SELECT _baris, CAST({value} AS VARCHAR), count(*) OVER () FROM n_{rule.table} "
        f"WHERE {rule.where} ORDER BY _urut LIMIT {MAX_PROBLEMS}").fetchall()
    for baris, nilai, _ in rows:
        report.add(Problem(labels[rule.table], baris, rule.column, nilai, rule.message))
    if rows:
        report.total += rows[0][2] - len(rows)  # the rest of this rule's findings, uncounted above


def validate(duck: duckdb.DuckDBPyConnection, labels: dict[str, str],
             existing: set[str] = frozenset()) -> Report:
    """Check the `v_` tables named in `labels` (table -> file or table label shown).

    `existing` names tables whose rows already in the source sit in `x_<name>`;
    references may point at those as well as at the rows being checked.
    """
    report = Report()
    for name in labels:
        normalise(duck, contract.TABLES_BY_NAME[name])
    # Every referenced table as one view: the rows being checked plus those already stored.
    for table in contract.TABLES:
        parts = []
        if table.name in labels:
            parts.append(f"SELECT * EXCLUDE (_baris, _urut) FROM n_{table.name}")
        if table.name in existing:
            parts.append(f"SELECT * FROM x_{table.name}")
        cols = ", ".join(f'CAST(NULL AS VARCHAR) AS "{c.name}"' for c in table.columns)
        duck.execute(f"CREATE OR REPLACE TEMP VIEW all_{table.name} AS "
                     + (" UNION ALL ".join(parts) if parts else f"SELECT {cols} WHERE false"))
    for name in labels:
        table = contract.TABLES_BY_NAME[name]
        for rule in _column_rules(table) + [r for r in _ROW_RULES + _CROSS_RULES if r.table == name]:
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
    # Read file by file, row by row.
    order = {label: i for i, label in enumerate(labels.values())}
    report.problems.sort(key=lambda p: (order.get(p.berkas, 0), _row_number(p.baris)))
    return report


def _row_number(label: str | None) -> int:
    return int(label) if label and label.isdigit() else 0


def check_source(engine: sa.Engine) -> Report:
    """Validate what is stored in the source, with the importer's rules (`check`)."""
    ro = db.make_engine(extract.read_only_url(str(engine.url.render_as_string(hide_password=False))))
    duck = duckdb.connect()
    try:
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
                    duck.execute(f"CREATE TABLE v_{table.name} AS SELECT *, "
                                 f"{_lit(', '.join(_key(table)) + ' = ')} || {key} AS _baris, "
                                 f"row_number() OVER () AS _urut FROM c_{table.name}")
                    labels[table.name] = f"tabel {table.name}"
            finally:
                if arrow_conn is not None:
                    arrow_conn.close()
        report = validate(duck, labels)
    finally:
        duck.close()
        ro.dispose()
    report.notes = [f"Sumber: {db.describe_url(str(engine.url))}"] + [
        f"  {name:22s} {_n(n):>12} baris" for name, n in counts.items()]
    return report
