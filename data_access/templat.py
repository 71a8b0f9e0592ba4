"""`python -m data_access template FOLDER`: an XLSX import template built from the contract.

One sheet per contract table in load order (headers, one coherent example across the
tables, dropdowns for every choice column, text format for NIP and codes, date cells
for dates), a "Petunjuk" sheet explaining the workbook and every column, and a visible
"Pilihan" sheet holding the dropdown lists: Excel refuses a list written into the
validation itself beyond 255 characters, so the validations point at ranges there.

Everything is read from `contract.TABLES`, so a new column appears in the template by
itself. The importer skips the Petunjuk and Pilihan sheets and warns where a sheet
still holds an example row (`warn_examples`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa

from . import contract, extract
from . import reference as ref
from .validate import Problem, Report

FILE_NAME = "templat_impor_dasbor_asn.xlsx"
SHEET_PETUNJUK = "Petunjuk"
SHEET_PILIHAN = "Pilihan"
# Sheets of the template that hold no table: the importer skips them.
NOT_TABLES = {SHEET_PETUNJUK.lower(), SHEET_PILIHAN.lower()}
EXAMPLE_WARNING = "baris contoh templat masih ada; hapus bila bukan data Anda"

_NIP = "199003152015031002"  # born 15-03-1990, TMT CPNS March 2015, male (1), serial 002
_UNIT = "D3204.DINKES"

# One example that passes every rule: a real province and kabupaten (Kemendagri codes and
# names), its government, one health office, one PNS whose NIP matches birth date, TMT and
# sex, a training, an assessment and a survey response there. Two wilayah rows: a
# kabupaten needs its province.
EXAMPLE: dict[str, list[dict]] = {
    "wilayah": [
        {"kode": "32", "nama": "Jawa Barat", "tingkat": "provinsi", "kelompok_wilayah": "Jawa",
         "lintang": -6.92, "bujur": 107.6},
        {"kode": "3204", "nama": "Kabupaten Bandung", "tingkat": "kabupaten", "kode_induk": "32",
         "kelompok_wilayah": "Jawa", "daerah_3t": 0, "lintang": -7.1, "bujur": 107.6},
    ],
    "instansi": [{"kode": "D3204", "nama": "Pemerintah Kabupaten Bandung", "jenis": "kabupaten",
                  "kode_wilayah": "3204"}],
    "unit_kerja": [{"kode": _UNIT, "kode_instansi": "D3204", "nama": "Dinas Kesehatan Kabupaten Bandung",
                    "kode_wilayah": "3204", "jenis_layanan": "Kesehatan"}],
    "kompetensi": [{"kode": "T.KES.01", "nama": "Pengelolaan Pelayanan Kesehatan Primer", "kelompok": "teknis"}],
    "standar_kompetensi": [{"jenjang_jabatan": "Ahli Pertama", "kode_kompetensi": "T.KES.01", "level_standar": 2}],
    "pegawai": [{"nip": _NIP, "nama": "Budi Santoso", "jenis_kelamin": "L", "tanggal_lahir": dt.date(1990, 3, 15),
                 "jenis_asn": "PNS", "golongan": "III/a", "jenis_jabatan": "Fungsional",
                 "jenjang_jabatan": "Ahli Pertama", "pendidikan": "S1", "kode_unit": _UNIT,
                 "tmt_asn": dt.date(2015, 3, 1), "aktif": 1}],
    "riwayat_pelatihan": [{"id": "PLT-2025-0001", "nip": _NIP,
                           "nama_pelatihan": "Pelatihan Manajemen Puskesmas", "jalur": "klasikal",
                           "jenis": "pelatihan teknis", "moda": "daring", "penyelenggara": "Bapelkes Bandung",
                           "tanggal_mulai": dt.date(2025, 3, 10), "tanggal_selesai": dt.date(2025, 3, 14),
                           "jp": 24.5, "kelompok_kompetensi": "teknis", "kode_kompetensi": "T.KES.01"}],
    "penilaian_kompetensi": [{"id": "PNL-2025-0001", "nip": _NIP, "kode_kompetensi": "T.KES.01",
                              "tanggal": dt.date(2025, 6, 20), "level": 2, "metode": "Assessment Center"}],
    "survei_kepuasan": [{"id": "SKM-2025-0001", "kode_unit": _UNIT, "tanggal": dt.date(2025, 7, 1),
                         "jenis_layanan": "Kesehatan", "u1": 3, "u2": 3, "u3": 2, "u4": 4, "u5": 3, "u6": 3,
                         "u7": 4, "u8": 3, "u9": 3, "jenis_kelamin": "P", "usia": 34, "pendidikan": "SMA",
                         "pekerjaan": "Wiraswasta", "saran": "Antrean pendaftaran agar dipercepat."}],
    "volume_layanan": [{"kode_unit": _UNIT, "tahun": 2025, "jumlah_penerima": 12000}],
    "metadata_sumber": [{"kunci": "sumber", "nilai": "SIMPEG BKPSDM Kabupaten Bandung"}],
}

# Plain-Indonesian notes on the columns whose rule alone does not say enough, by table.column.
KETERANGAN: dict[str, str] = {
    "wilayah.kode": "Kode Kemendagri: 2 angka untuk provinsi (32), 4 angka untuk kabupaten/kota (3204; "
                    "kabupaten 01-69, kota 71-99 pada 2 angka terakhir). Kode bertitik (32.04) juga diterima.",
    "wilayah.nama": "Nama resmi sesuai daftar Kemendagri; nama yang berbeda diberi peringatan.",
    "wilayah.kode_induk": "Kode provinsi dari kabupaten/kota (2 angka awal kodenya); kosong untuk provinsi.",
    "wilayah.daerah_3t": "Untuk kabupaten/kota: 1 bila daerah tertinggal, terdepan, atau terluar; 0 bila tidak.",
    "wilayah.lintang": "Opsional: titik tengah wilayah, derajat desimal (selatan negatif).",
    "wilayah.bujur": "Opsional: titik tengah wilayah, derajat desimal.",
    "instansi.kode": "Kode instansi Anda sendiri (teks, unik).",
    "instansi.kode_wilayah": "Kosong untuk instansi pusat; kode provinsi (2 angka) untuk pemerintah provinsi; "
                             "kode kabupaten/kota (4 angka) selainnya.",
    "unit_kerja.kode_wilayah": "Kabupaten/kota tempat unit berada (4 angka).",
    "unit_kerja.jenis_layanan": "Jenis pelayanan publik (mis. Kesehatan, Perizinan); kosong bila unit tidak "
                                "melayani publik.",
    "kompetensi.kode": "M.01-M.08 manajerial dan SK.01 sosial kultural (PermenPANRB 38/2017), atau kode "
                       "kompetensi teknis instansi.",
    "standar_kompetensi.jenjang_jabatan": "Jenjang jabatan, ditulis seperti pegawai.jenjang_jabatan.",
    "standar_kompetensi.level_standar": "Level yang dipersyaratkan bagi jenjang itu (1-5).",
    "pegawai.nip": "18 angka: tanggal lahir (TTTTBBHH) + TMT CPNS (TTTTBB) + jenis kelamin (1 laki-laki, "
                   "2 perempuan) + nomor urut 001-999. Untuk PNS harus cocok dengan tanggal_lahir dan "
                   "jenis_kelamin. Tulis sebagai teks.",
    "pegawai.golongan": "PNS: I/a sampai IV/e; PPPK: I sampai XVII.",
    "pegawai.jenjang_jabatan": "Harus sesuai jenis_jabatan: JPT Utama/Madya/Pratama untuk JPT; Ahli Utama "
                               "sampai Pemula untuk Fungsional; selainnya sama dengan jenis_jabatan.",
    "pegawai.tmt_asn": "Tanggal mulai tugas sebagai ASN; usia pada TMT 18 sampai 70 tahun.",
    "pegawai.aktif": "1 masih aktif, 0 tidak aktif lagi.",
    "pegawai.tanggal_berhenti": "Diisi untuk pegawai yang tidak aktif lagi; tidak sebelum tmt_asn.",
    "riwayat_pelatihan.id": "Kode unik kegiatan: teks apa pun, mis. T001, nomor, atau UUID dari SIASN.",
    "riwayat_pelatihan.jenis": "Harus termasuk jalurnya (Peraturan LAN 10/2018).",
    "riwayat_pelatihan.tanggal_selesai": "Kegiatan dihitung pada tahun tanggal selesai.",
    "riwayat_pelatihan.jp": "Jam pelajaran; desimal dengan koma (1,5), paling banyak 2 angka di belakang koma.",
    "riwayat_pelatihan.kode_kompetensi": "Opsional: kompetensi yang dituju; kelompoknya harus sama dengan "
                                         "kelompok_kompetensi.",
    "penilaian_kompetensi.id": "Kode unik baris penilaian: teks apa pun atau nomor.",
    "penilaian_kompetensi.level": "Level hasil penilaian (1-5).",
    "survei_kepuasan.id": "Kode unik responden: teks apa pun atau nomor (jangan identitas responden).",
    **{f"survei_kepuasan.{u}": f"Unsur {u.upper()} {nama}: jawaban 1 (terburuk) sampai 4 (terbaik); kosong bila "
                               "tidak dijawab (PermenPANRB 14/2017)." for u, nama in ref.UNSUR_IKM.items()},
    "survei_kepuasan.saran": "Teks bebas; jangan memuat identitas responden.",
    "volume_layanan.jumlah_penerima": "Penerima layanan unit pada tahun itu, untuk cek sampel minimum.",
    "metadata_sumber.kunci": "Keterangan sumber data; kunci demo bernilai ya menandai data demo, jangan dipakai "
                             "untuk data nyata.",
}

_TEXT = "@"
_DATE = "dd-mm-yyyy"
_MAX_ROW = 1_048_576  # Excel's last row: validations and formats cover every row to be filled


def _kind(column: sa.Column) -> str:
    kind = extract.duck_type(column)
    if kind == "DATE":
        return "date"
    if kind in ("INTEGER", "BIGINT"):
        return "int"
    if kind == "DOUBLE" or extract.is_decimal(column):
        return "number"
    return "text"


def _tipe(column: sa.Column) -> str:
    """The column's type in words for the Petunjuk."""
    kind = _kind(column)
    if kind == "text":
        length = getattr(column.type, "length", None) or column.info.get("max_length")
        return f"teks, maks. {length} karakter" if length else "teks"
    return {"date": "tanggal", "int": "bilangan bulat", "number": "angka desimal"}[kind]


def _choices(table: sa.Table) -> list[sa.Column]:
    return [c for c in table.columns if "allowed" in c.info]


def _height(texts_and_widths, line: float = 15.0) -> float:
    """A row height in points for wrapped text: Excel does not fit heights on opening a file."""
    lines = max(sum(max(1, math.ceil(len(part) / (width * 1.1))) for part in str(text).split("\n"))
                for text, width in texts_and_widths)
    return lines * line


def build_workbook():
    """The template as an openpyxl Workbook (not saved)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    petunjuk = book.active
    petunjuk.title = SHEET_PETUNJUK
    pilihan = book.create_sheet(SHEET_PILIHAN)
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFF2CC")

    # The lists, one column per choice column, and the range each validation points at.
    ranges: dict[tuple[str, str], str] = {}
    n = 0
    for table in contract.TABLES:
        for c in _choices(table):
            n += 1
            letter = get_column_letter(n)
            values = [str(v) for v in c.info["allowed"]]
            head = pilihan.cell(1, n, f"{table.name}.{c.name}")
            head.font = bold
            for i, v in enumerate(values, start=2):
                pilihan.cell(i, n, v).number_format = _TEXT
            pilihan.column_dimensions[letter].width = min(45, max(len(head.value), *map(len, values)) + 2)
            ranges[table.name, c.name] = f"'{SHEET_PILIHAN}'!${letter}$2:${letter}${len(values) + 1}"
    pilihan.freeze_panes = "A2"
    _landscape(pilihan)

    for table in contract.TABLES:
        sheet = book.create_sheet(table.name)
        examples = EXAMPLE.get(table.name, [])
        for j, c in enumerate(table.columns, start=1):
            letter = get_column_letter(j)
            kind = _kind(c)
            head = sheet.cell(1, j, c.name)
            head.font = bold
            head.number_format = _TEXT
            if not c.nullable:
                head.fill = required_fill
            rule = contract.describe_rule(c)
            note = "; ".join(p for p in (("wajib" if not c.nullable else "opsional"), _tipe(c), rule,
                                         KETERANGAN.get(f"{table.name}.{c.name}")) if p)
            head.comment = Comment(note, "Dasbor Pembinaan ASN", width=320, height=140)
            fmt = {"text": _TEXT, "date": _DATE, "int": "0"}.get(kind, "General")
            # The column's own format reaches the cells a steward types into later.
            sheet.column_dimensions[letter].number_format = fmt
            shown = [c.name]
            for i, row in enumerate(examples, start=2):
                value = row.get(c.name)
                if value is None:
                    continue
                cell = sheet.cell(i, j, str(value) if kind == "text" else value)
                cell.number_format = fmt
                shown.append(value.strftime("%d-%m-%Y") if kind == "date" else str(value))
            if "allowed" in c.info:
                shown += [str(v) for v in c.info["allowed"]]
                dv = DataValidation(type="list", formula1=ranges[table.name, c.name], allow_blank=True,
                                    showDropDown=False, showErrorMessage=True, errorStyle="stop",
                                    errorTitle="Nilai tidak ada di daftar",
                                    error=f"Pilih salah satu nilai dari daftar (lembar {SHEET_PILIHAN}, "
                                          f"kolom {table.name}.{c.name}).")
            elif kind == "int" and "min" in c.info:
                limits = ("between", c.info["min"], c.info["max"]) if "max" in c.info else (
                    "greaterThanOrEqual", c.info["min"], None)
                dv = DataValidation(type="whole", operator=limits[0], formula1=str(limits[1]),
                                    formula2=None if limits[2] is None else str(limits[2]), allow_blank=True,
                                    showErrorMessage=True, errorStyle="stop", errorTitle="Angka di luar batas",
                                    error=f"{c.name}: {rule}.")
            else:
                dv = None
            if dv is not None:
                dv.add(f"{letter}2:{letter}{_MAX_ROW}")
                sheet.add_data_validation(dv)
            sheet.column_dimensions[letter].width = min(40, max(10, max(map(len, shown)) + 2))
        sheet.freeze_panes = "A2"
        _landscape(sheet)

    _write_petunjuk(petunjuk)
    return book


def _write_petunjuk(sheet) -> None:
    """How to fill and import the workbook, then every sheet and every column."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    widths = [20, 20, 24, 11, 48, 60]
    total = sum(widths)
    for j, w in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(j)].width = w
    wrap = Alignment(wrap_text=True, vertical="top")
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    group_line = Border(top=Side(style="thin", color="9BC2E6"))
    row = 1

    def paragraph(text: str, size: int | None = None, space: bool = False) -> None:
        nonlocal row
        cell = sheet.cell(row, 1, text)
        cell.alignment, cell.number_format = wrap, _TEXT
        if size is not None:
            cell.font = Font(bold=True, sz=size)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(widths))
        sheet.row_dimensions[row].height = _height([(text, total)], 15 if size is None else size * 1.6)
        row += 2 if space else 1

    def table(header: list[str], rows: list[list[str]]) -> None:
        """A table whose last column spans the rest of the sheet's width."""
        nonlocal row
        spans = widths[:len(header) - 1] + [sum(widths[len(header) - 1:])]
        first = None
        for values, is_head in [(header, True)] + [(r, False) for r in rows]:
            for j, v in enumerate(values, start=1):
                cell = sheet.cell(row, j, v)
                cell.alignment, cell.number_format = wrap, _TEXT
                if is_head:
                    cell.font, cell.fill = Font(bold=True), head_fill
                elif values[0] != first:  # a line where the next table begins
                    cell.border = group_line
            first = values[0]
            if len(header) < len(widths):
                sheet.merge_cells(start_row=row, start_column=len(header), end_row=row, end_column=len(widths))
            sheet.row_dimensions[row].height = _height(zip(values, spans))
            row += 1
        row += 1

    tables = [t.name for t in contract.TABLES]
    paragraph(f"Templat impor Dasbor Pembinaan ASN (kontrak data versi {contract.CONTRACT_VERSION})",
              14, space=True)
    paragraph("Buku kerja ini memuat satu lembar per tabel kontrak data, dalam urutan muat: "
              + ", ".join(tables) + ". Isi lembar tabel yang datanya Anda miliki, lalu impor buku kerja ini.",
              space=True)
    paragraph("Cara mengisi", 12)
    for text in [
        "1. Baris 1 setiap lembar adalah nama kolom: jangan ubah, jangan pindahkan. Judul berwarna kuning "
        "adalah kolom wajib; kolom lain boleh dikosongkan. Arahkan tetikus ke judul kolom untuk melihat aturannya.",
        "2. Baris 2 (di lembar wilayah baris 2 dan 3) berisi satu contoh yang saling terhubung antarlembar: "
        "wilayah Jawa Barat dan Kabupaten Bandung, instansinya, satu unit kerja, satu pegawai, dan seterusnya. "
        "Timpa baris contoh dengan data Anda atau hapus barisnya. Bila tertinggal, importir memberi peringatan "
        "\"" + EXAMPLE_WARNING + "\", dan halaman Kelola data tidak mengimpornya sampai baris itu dihapus "
        "(contoh wilayah adalah wilayah resmi dan boleh tinggal).",
        "3. Satu baris per data, mulai baris 2, tanpa baris kosong di tengah, tanpa rumus. Lembar tabel yang "
        "tidak Anda isi boleh dihapus atau dibiarkan hanya berisi judul. Jangan sembunyikan lembar: lembar "
        "tersembunyi ditolak importir.",
        "4. Kolom bertanda daftar (panah di sel): pilih nilainya dari daftar. Daftar lengkapnya ada di lembar "
        + SHEET_PILIHAN + ", satu kolom per kolom pilihan; jangan ubah lembar itu.",
        "5. NIP dan semua kode ditulis sebagai teks; selnya sudah berformat Teks. Jangan ubah formatnya: NIP 18 "
        "angka yang tersimpan sebagai angka dibulatkan Excel (1,99E+17) dan nol di depan kode hilang. Bila "
        "menyalin dari berkas lain, pakai Tempel Spesial > Nilai (Paste Special > Values) agar format Teks tetap.",
        "6. Tanggal adalah sel tanggal, tampil HH-BB-TTTT (mis. 15-01-2025); ketik seperti itu atau salin tanggal "
        "dari berkas lain. Angka ditulis tanpa pemisah ribuan (12000); JP boleh desimal dengan koma (1,5), "
        "paling banyak 2 angka di belakang koma.",
        "7. Wilayah memakai kode Kemendagri: 2 angka provinsi, 4 angka kabupaten/kota. Kode dan nama diperiksa "
        "terhadap daftar resmi Kemendagri: kode yang tidak ada ditolak, nama yang berbeda diberi peringatan.",
        "8. Rujukan antartabel (mis. pegawai.kode_unit ke unit_kerja.kode) harus ada di buku kerja ini atau di "
        "data yang sudah tersimpan. Baris dengan kunci yang sudah tersimpan menggantikan baris itu; tidak ada "
        "baris yang dihapus.",
    ]:
        paragraph(text)
    row += 1
    paragraph("Cara mengimpor", 12)
    for text in [
        "1. Simpan buku kerja ini sebagai .xlsx di sebuah folder (boleh bersama berkas CSV tabel lain, asal "
        "satu tabel hanya ada di satu berkas).",
        "2. Jalankan: python -m data_access import FOLDER, atau unggah berkas ini di halaman \"Kelola data\" "
        "dasbor (peran admin). Lembar " + SHEET_PETUNJUK + " dan " + SHEET_PILIHAN + " dilewati.",
        "3. Semua baris diperiksa sebelum apa pun ditulis. Bila ada satu masalah saja, tidak ada yang ditulis; "
        "laporan menyebut lembar, baris, kolom, nilai, dan masalahnya. Perbaiki lalu impor ulang.",
        "4. Sesudah impor berhasil, jalankan python -m data_access refresh agar dasbor memakai data baru "
        "(halaman Kelola data melakukannya sendiri).",
    ]:
        paragraph(text)
    row += 1
    paragraph("Lembar", 12)
    table(["Lembar", "Status", "Isi"], [
        [t.name, "opsional" if t.name in contract.OPTIONAL_TABLES else "wajib", (t.comment or "").replace("`", "")]
        for t in contract.TABLES])
    paragraph("Kolom", 12)
    rows = []
    for t in contract.TABLES:
        kamus = contract.kamus(t.name)
        for c in t.columns:
            wajib = "ya (kunci)" if kamus.at[c.name, "Kunci"] else kamus.at[c.name, "Wajib"] or "tidak"
            rows.append([t.name, c.name, _tipe(c), wajib, kamus.at[c.name, "Aturan"],
                         KETERANGAN.get(f"{t.name}.{c.name}", "")])
    table(["Tabel", "Kolom", "Tipe", "Wajib", "Aturan", "Keterangan"], rows)
    _landscape(sheet)


def _landscape(sheet) -> None:
    """Printed across the page's width, as many pages down as it takes."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def template_bytes() -> bytes:
    """The template as the bytes of an XLSX file (the download on Kelola data)."""
    import io
    out = io.BytesIO()
    build_workbook().save(out)
    return out.getvalue()


def write_template(folder: Path, overwrite: bool = False) -> Path:
    """Write the template into `folder` (created if needed); returns the file written.
    Refuses (FileExistsError) to replace an existing file unless `overwrite`: it may be
    a template already filled in."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    if path.exists() and not overwrite:
        raise FileExistsError(path)
    book = build_workbook()
    tmp = path.with_name(f".{FILE_NAME}.baru")  # a steward never finds half a workbook under the name
    try:
        book.save(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _example_rows(name: str) -> list[dict[str, str]]:
    """A table's example rows as the importer reads them from a sheet (column -> text); none for
    wilayah, whose example rows are official regions (real data, no harm left in)."""
    from .importer import _cell  # the text an XLSX cell becomes
    if name == "wilayah":
        return []
    return [{c: _cell(v) for c, v in row.items()} for row in EXAMPLE.get(name, [])]


def warn_examples(label: str, name: str, header: list[str], rows: Iterator[tuple[int, list]],
                  report: Report) -> Iterator[tuple[int, list]]:
    """Pass a sheet's rows through, warning at each row that is still an example row as the
    template wrote it (every value equal: a row the steward changed is their data)."""
    names = [h.strip().lower() for h in header]
    examples = [row for row in _example_rows(name) if all(c in names for c in row)]
    if not examples:
        yield from rows
        return
    key = [c.name for c in contract.TABLES_BY_NAME[name].primary_key.columns]
    for number, values in rows:
        cell = {c: ((values[i] or "").strip() if i < len(values) else "") for i, c in enumerate(names)}
        if any(all(cell[c] == text for c, text in row.items()) for row in examples):
            report.warn(Problem(label, str(number), key[0] if len(key) == 1 else None,
                                " / ".join(cell.get(k, "") for k in key), EXAMPLE_WARNING))
        yield number, values


def examples_left(report: Report) -> int:
    """How many of the template's example rows an import would write."""
    return sum(w.pesan == EXAMPLE_WARNING for w in report.warnings)
