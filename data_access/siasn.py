"""`python -m data_access import --format siasn FOLDER`: files shaped like the national ASN
information system (SIASN, BKN) mapped onto the data contract.

A folder holds, besides ordinary contract files for the organisation tables (wilayah.csv,
instansi.csv, unit_kerja.csv, kompetensi.csv, standar_kompetensi.csv, read by the importer
as always), SIASN files recognised by their name:

- `data_utama*.json|csv`: employee master data (web service `/pns/data-utama/{nip}`) -> pegawai
- `riwayat_kursus*.json|csv` (or `rw_kursus*`): course history (`/pns/rw-kursus/{nip}`) -> riwayat_pelatihan
- `riwayat_diklat*.json|csv` (or `rw_diklat*`): leadership training (`/pns/rw-diklat/{nip}`) -> riwayat_pelatihan

A JSON file holds the records as the web service returns them: a list of records, or the
envelope `{"data": ...}` around one record or a list. A CSV has the same field names as its
header. Codes are translated with SIASN's reference tables (docs/siasn.md names the public
sources of every field name and code); a code the tables do not hold is reported with its
file, record (the JSON record's number, or the CSV line) and SIASN field, and nothing is
written. The mapped rows then go through the importer's own validation and write
(importer.read_folder), so the rules and the all-or-nothing write are the contract's; the
problems found there are given back the SIASN file, record and field (`relabel`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from . import contract
from . import reference as ref
from .validate import Problem, Report, _n, shown

MAX_JSON_BYTES = 200 * 2**20  # a JSON file is read whole; beyond this, CSV (read as it is taken)

# File kinds, recognised by the start of the file name (case-insensitive).
_KINDS = [
    ("utama", re.compile(r"data[_-]?utama", re.I)),
    ("kursus", re.compile(r"(riwayat|rw)[_-]?kursus", re.I)),
    ("diklat", re.compile(r"(riwayat|rw)[_-]?diklat", re.I)),
]
_TABLE = {"utama": "pegawai", "kursus": "riwayat_pelatihan", "diklat": "riwayat_pelatihan"}
NAMA_BERKAS = ("berkas SIASN diberi nama data_utama*.json|csv (data utama pegawai), riwayat_kursus*.json|csv "
               "(riwayat kursus/diklat) atau riwayat_diklat*.json|csv (riwayat diklat struktural); berkas lain "
               "diberi nama tabel kontrak data (mis. unit_kerja.csv)")

# --- SIASN reference tables (sources in docs/siasn.md) ----------------------------------

# golRuangAkhirId -> golongan. PNS 11-45; PPPK 51-60 (grades I-X). No public source lists the
# ids of PPPK grades XI-XVII, so they are not mapped (reported as unknown codes).
# The id of a PNS grade of the contract's list is ten times its group plus its ruang (a = 1).
_GOLONGAN_KE = {"I": 1, "II": 2, "III": 3, "IV": 4}
GOLONGAN = {10 * _GOLONGAN_KE[g] + "abcde".index(r) + 1: f"{g}/{r}"
            for g, r in (grade.split("/") for grade in ref.GOLONGAN_PNS)}
GOLONGAN_PPPK = {50 + i: g for i, g in enumerate(ref.GOLONGAN_PPPK[:10], 1)}

# tkPendidikanTerakhirId -> pendidikan.
TINGKAT_PENDIDIKAN = {
    5: ("Sekolah Dasar", "SD"), 10: ("SLTP", "SMP"), 12: ("SLTP Kejuruan", "SMP"), 15: ("SLTA", "SMA"),
    17: ("SLTA Kejuruan", "SMA"), 18: ("SLTA Keguruan", "SMA"), 20: ("Diploma I", "D1"),
    25: ("Diploma II", "D2"), 30: ("Diploma III/Sarjana Muda", "D3"), 35: ("Diploma IV", "D4"),
    40: ("S-1/Sarjana", "S1"), 45: ("S-2", "S2"), 50: ("S-3/Doktor", "S3"),
}

# jenisJabatanId.
JENIS_JABATAN = {1: "Jabatan Struktural", 2: "Jabatan Fungsional Tertentu",
                 3: "Jabatan Rangkap (Struktural dan Fungsional)", 4: "Jabatan Fungsional Umum"}

# eselonId -> (jenis_jabatan, jenjang_jabatan) of a structural post (UU 5/2014 names).
ESELON = {10: ("JPT", "JPT Utama"), 11: ("JPT", "JPT Madya"), 12: ("JPT", "JPT Madya"),
          21: ("JPT", "JPT Pratama"), 22: ("JPT", "JPT Pratama"),
          31: ("Administrator", "Administrator"), 32: ("Administrator", "Administrator"),
          41: ("Pengawas", "Pengawas"), 42: ("Pengawas", "Pengawas")}
ESELON_TANPA_PADANAN = {0: "tanpa eselon", 51: "eselon V.a", 52: "eselon V.b", 99: "non eselon"}

# Levels of a functional post, as its name ends (PermenPANRB 1/2023: keahlian and keterampilan).
_JENJANG_FUNGSIONAL = re.compile(r"\b(ahli utama|ahli madya|ahli muda|ahli pertama|penyelia|mahir|terampil|"
                                 r"pemula)\b", re.I)

# kedudukanPnsId -> name; `aktif` 1 only for the two "Aktif" positions.
KEDUDUKAN = {
    1: "Aktif", 2: "CLTN", 3: "Tugas Belajar", 4: "Pemberhentian Sementara", 5: "Penerima Uang Tunggu",
    6: "Prajurit Wajib", 7: "Pejabat Negara", 8: "Kepala Desa", 9: "Sedang dlm Proses Banding BAPEK",
    11: "Pegawai Titipan", 12: "Pengungsi", 13: "Perpanjangan CLTN", 14: "PNS yang dinyatakan hilang",
    15: "PNS kena hukuman disiplin", 16: "Pemindahan dalam rangka penurunan Jabatan",
    20: "Masa Persiapan Pensiun", 51: "CPNS yang belum menerima SK CPNS", 52: "Tidak Aktif",
    66: "Diberhentikan", 67: "Punah", 68: "Eks PNS Timor Timur", 69: "TMS Dari Pengadaan",
    70: "Pembatalan NIP", 71: "PPPK Aktif", 77: "Pemberhentian tanpa hak pensiun",
    88: "Pemberhentian dengan hak pensiun", 89: "Tidak aktif tetapi diusulkan Pensiun",
    90: "Tidak Ikut PUPNS 2015", 91: "Tindak Pidana/ Tindak Pidana Jabatan", 92: "Pemblokiran Data PNS",
    98: "Mencapai BUP", 99: "Pensiun",
}
KEDUDUKAN_AKTIF = {1, 71}
KEDUDUKAN_PENSIUN = {88, 98, 99}  # tmtPensiun is then the date the employee left

JENIS_KELAMIN = {"M": "L", "F": "P", "PRIA": "L", "WANITA": "P"}

# jenisDiklatId -> (SIASN name, contract jenis): the forms of Peraturan LAN 10/2018 on both sides.
JENIS_DIKLAT = {
    1: ("Diklat Struktural", "pelatihan struktural kepemimpinan"),
    2: ("Diklat Fungsional", "pelatihan fungsional"),
    3: ("Diklat Teknis", "pelatihan teknis"),
    4: ("Workshop", "workshop"),
    5: ("Pelatihan Manajerial", "pelatihan manajerial"),
    6: ("Pelatihan Sosial Kultural", "pelatihan sosial kultural"),
    7: ("Sosialisasi", "sosialisasi"),
    8: ("Bimbingan Teknis", "bimbingan teknis"),
    9: ("Seminar", "seminar"),
    10: ("Magang", "magang"),
    11: ("Kursus", "kursus"),
    12: ("Penataran", "penataran"),
    13: ("Pengembangan Kompetensi Dalam Bentuk Pelatihan klasikal lainnya", "pelatihan klasikal lainnya"),
    14: ("Coaching", "coaching"),
    15: ("Mentoring", "mentoring"),
    16: ("E-Learning", "e-learning"),
    17: ("Pelatihan Jarak Jauh", "pelatihan jarak jauh"),
    18: ("Detasering (Secondment)", "detasering"),
    19: ("Pembelajaran Alam Terbuka (Outbond)", "pembelajaran alam terbuka"),
    20: ("Patok Banding (Benchmarking)", "patok banding"),
    21: ("Pertukaran Antara Pns Dengan Pegawai Swasta/Badan Usaha Milik Negara/ Badan Usaha Milik Daerah",
         "pertukaran pns-swasta"),
    22: ("Belajar Mandiri (Self Development)", "belajar mandiri"),
    23: ("Komunitas Belajar (Community Of Practices)", "komunitas belajar"),
    24: ("Bimbingan Di Tempat Kerja", "bimbingan di tempat kerja"),
    25: ("Pengembangan Kompetensi Dalam Bentuk Pelatihan Nonklasikal Lainnya", "pelatihan nonklasikal lainnya"),
}
DARING = {"e-learning", "pelatihan jarak jauh"}  # SIASN records no delivery mode; these are online by kind
KELOMPOK = {"pelatihan struktural kepemimpinan": "manajerial", "pelatihan manajerial": "manajerial",
            "pelatihan sosial kultural": "sosial kultural"}  # every other kind: teknis

# latihanStrukturalId -> name.
LATIHAN_STRUKTURAL = {1: "SEPADA", 2: "SEPALA/ADUM/DIKLAT PIM TK.IV", 3: "SEPADYA/SPAMA/DIKLAT PIM TK. III",
                      4: "SPAMEN/SESPA/SESPANAS/DIKLAT PIM TK. II", 5: "SEPATI/DIKLAT PIM TK. I",
                      6: "SESPIM", 7: "SESPATI", 8: "Diklat Struktural Lainnya"}

_JALUR = {jenis: jalur for jalur, kinds in ref.JENIS_PELATIHAN.items() for jenis in kinds}

# Contract column -> the SIASN field its value comes from, per file kind (for the messages).
FIELD = {
    "utama": {"nip": "nipBaru", "nama": "nama", "jenis_kelamin": "jenisKelamin", "tanggal_lahir": "tglLahir",
              "jenis_asn": "golRuangAkhirId", "golongan": "golRuangAkhirId", "jenis_jabatan": "jenisJabatanId",
              "jenjang_jabatan": "jenisJabatanId", "pendidikan": "tkPendidikanTerakhirId", "kode_unit": "unorId",
              "tmt_asn": "tmtCpns", "aktif": "kedudukanPnsId", "tanggal_berhenti": "tmtPensiun"},
    "kursus": {"id": "id", "nip": "nipBaru", "nama_pelatihan": "namaKursus", "jalur": "jenisDiklatId",
               "jenis": "jenisDiklatId", "moda": "jenisDiklatId", "penyelenggara": "institusiPenyelenggara",
               "tanggal_mulai": "tanggalKursus", "tanggal_selesai": "tanggalSelesaiKursus", "jp": "jumlahJam",
               "kelompok_kompetensi": "jenisDiklatId", "kode_kompetensi": "jenisDiklatId"},
    "diklat": {"id": "id", "nip": "nipBaru", "nama_pelatihan": "latihanStrukturalNama",
               "jalur": "latihanStrukturalId", "jenis": "latihanStrukturalId", "moda": "latihanStrukturalId",
               "penyelenggara": "institusiPenyelenggara", "tanggal_mulai": "tanggal",
               "tanggal_selesai": "tanggalSelesai", "jp": "jumlahJam", "kelompok_kompetensi": "latihanStrukturalId",
               "kode_kompetensi": "latihanStrukturalId"},
}
# Fields a CSV must have as columns (a JSON record without one has the field empty).
_REQUIRED = {
    "utama": ["nipBaru", "nama", "jenisKelamin", "tglLahir", "golRuangAkhirId", "tkPendidikanTerakhirId",
              "jenisJabatanId", "unorId", "tmtCpns", "kedudukanPnsId"],
    "kursus": ["id", "namaKursus", "tanggalKursus", "jumlahJam"],
    "diklat": ["id", "latihanStrukturalId", "tanggal", "jumlahJam"],
}
_PERSON = ["nipBaru", "pnsOrangId", "idPns"]  # a history record names its employee by one of these


def kind(path: Path) -> str | None:
    """The SIASN kind of a file by its name (utama, kursus, diklat), or None."""
    if path.suffix.lower() not in (".json", ".csv"):
        return None
    return next((k for k, pattern in _KINDS if pattern.match(path.stem.strip())), None)


def claim(path: Path, found: list[Path], report: Report) -> bool:
    """Whether the importer leaves a file to this module: a SIASN file (added to `found`), or a
    JSON or CSV named neither as SIASN nor as a contract table (reported)."""
    if kind(path) and path.is_file():
        found.append(path)
        return True
    suffix = path.suffix.lower()
    if suffix == ".json" or (suffix == ".csv" and path.stem.strip().lower() not in contract.TABLES_BY_NAME):
        report.add(Problem(path.name, None, None, None, "nama berkas tidak dikenal: " + NAMA_BERKAS))
        return True
    return False


def tables(paths: list[Path], report: Report):
    """The SIASN files as contract rows: table -> importer._Rows. A row's label is
    "<file number>:<record>", turned back into file and record by `relabel`."""
    from .importer import _Rows
    by_kind = {k: sorted((p for p in paths if kind(p) == k), key=lambda p: p.name) for k, _ in _KINDS}
    people = _People(by_kind["utama"])
    out = {}
    if by_kind["utama"]:
        out["pegawai"] = _Rows(label(by_kind["utama"]), _columns("pegawai"),
                               _rows(by_kind["utama"], report, people))
    training = by_kind["kursus"] + by_kind["diklat"]
    if training:
        out["riwayat_pelatihan"] = _Rows(label(training), _columns("riwayat_pelatihan"),
                                         _rows(training, report, people))
    return out


def label(paths: list[Path]) -> str:
    """The label of a table read from these files: their names, joined by " / " (a file name
    never holds a slash, so `relabel` splits it back exactly)."""
    return " / ".join(p.name for p in paths)


def _columns(table: str) -> list[str]:
    return [c.name for c in contract.TABLES_BY_NAME[table].columns]


# --- reading ----------------------------------------------------------------------------

def _records(path: Path, report: Report) -> Iterator[tuple[int, dict]]:
    """(record number or CSV line, {field in lower case: value}) of one SIASN file."""
    if path.suffix.lower() == ".csv":
        yield from _csv_records(path, report)
        return
    if path.stat().st_size > MAX_JSON_BYTES:
        report.add(Problem(path.name, None, None, None,
                           f"berkas JSON lebih dari {MAX_JSON_BYTES // 2**20} MB; ekspor sebagai CSV dengan nama "
                           "kolom yang sama (CSV dibaca bertahap)"))
        return
    try:
        with path.open(encoding="utf-8-sig") as fh:
            data = json.load(fh, parse_int=str)  # an integer's digits as written: no limit on their number
    except UnicodeDecodeError as exc:
        report.add(Problem(path.name, None, None, None,
                           f"berkas bukan teks UTF-8 (byte ke-{exc.start + 1}); simpan ulang sebagai UTF-8"))
        return
    except json.JSONDecodeError as exc:
        report.add(Problem(path.name, None, None, None,
                           f"JSON tidak dapat dibaca: {exc.msg} (baris {exc.lineno}, kolom {exc.colno})"))
        return
    except RecursionError:
        report.add(Problem(path.name, None, None, None, "JSON bersarang terlalu dalam untuk dibaca"))
        return
    except OSError as exc:
        report.add(Problem(path.name, None, None, None, f"berkas tidak dapat dibaca ({exc.strerror or exc})"))
        return
    if isinstance(data, dict) and "data" in data:
        data = data["data"]  # the web service's envelope
    if data is None:
        return  # the service's answer for an employee without such records
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        report.add(Problem(path.name, None, None, None,
                           'bentuk JSON tidak dikenal: harus daftar rekaman [{...}, ...] atau {"data": ...} seperti '
                           "jawaban layanan web SIASN"))
        return
    for number, record in enumerate(data, 1):
        if isinstance(record, dict) and isinstance(record.get("data"), dict) and not (
                {"id", "nipbaru"} & {str(k).lower() for k in record}):
            record = record["data"]  # one envelope per employee, in a list
        if not isinstance(record, dict):
            report.add(Problem(path.name, _where(path, number), None, shown(str(record)),
                               "rekaman bukan objek JSON {...}"))
            continue
        yield number, {str(k).strip().lower(): v for k, v in record.items()}


def _csv_records(path: Path, report: Report) -> Iterator[tuple[int, dict]]:
    from .importer import _read_csv, doubled_columns
    data = _read_csv(path, report)
    if data is None:
        return
    header = [h.strip().lower() for h in data.header]
    ok = not doubled_columns(path.name, header, report)
    k = kind(path)
    for field in _REQUIRED[k]:
        if field.lower() not in header:
            report.add(Problem(path.name, "1", field, None, "kolom wajib tidak ada"))
            ok = False
    if k != "utama" and not any(f.lower() in header for f in _PERSON):
        report.add(Problem(path.name, "1", "nipBaru", None, "kolom wajib tidak ada (nipBaru, atau pnsOrangId)"))
        ok = False
    if not ok:
        return
    for line, values in data.rows:
        if any(v.strip() for v in values[len(header):]):
            report.add(Problem(path.name, str(line), None, None,
                               f"jumlah kolom {len(values)}, seharusnya {len(header)} sesuai baris judul"))
            continue
        yield line, dict(zip(header, values))


def _text(record: dict, field: str):
    """A field's value as text (None when absent or empty); a nested value is refused."""
    value = record.get(field.lower())
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (dict, list)):
        raise _Nested(field)
    if isinstance(value, float):
        from .importer import _cell
        return _cell(value)
    return str(value)


class _Nested(Exception):
    pass


def _code(text: str | None) -> int | None:
    return int(text) if text is not None and re.fullmatch(r"[0-9]{1,4}", text) else None


class _People:
    """pnsOrangId -> nipBaru, from the data utama files (field `id`), read when first asked."""

    def __init__(self, paths: list[Path]):
        self.paths, self.nips = paths, None

    def nip(self, pns_id: str) -> str | None:
        if self.nips is None:
            self.nips = {}
            quiet = Report()  # the file's own problems are reported where it is read as pegawai
            for path in self.paths:
                for _, record in _records(path, quiet):
                    try:
                        key, nip = _text(record, "id"), _text(record, "nipBaru")
                    except _Nested:
                        continue
                    if key and nip:
                        self.nips[key] = nip
        return self.nips.get(pns_id)


def _rows(paths: list[Path], report: Report, people: _People) -> Iterator[tuple[str, list]]:
    for index, path in enumerate(paths, 1):
        k = kind(path)
        mapper = {"utama": _pegawai, "kursus": _kursus, "diklat": _diklat}[k]
        columns = _columns(_TABLE[k])
        counts: dict[str, int] = {}
        for number, record in _records(path, report):
            def problem(field, value, message, _at=_where(path, number), _name=path.name):
                report.add(Problem(_name, _at, field, shown(value), message))
            try:
                row = mapper(record, problem, people, counts)
            except _Nested as exc:
                problem(str(exc), None, "berisi objek atau daftar, bukan satu nilai")
                continue
            yield f"{index}:{number}", [row.get(c) for c in columns]
        _notes(path, k, counts, report)


def _notes(path: Path, k: str, counts: dict[str, int], report: Report) -> None:
    """Warnings about what SIASN does not record and was therefore filled in by rule."""
    if k == "utama":
        return
    parts = [f"{_n(counts[moda])} kegiatan {what} dicatat '{moda}'"
             for moda, what in (("daring", "e-learning/pelatihan jarak jauh"), ("tatap muka", "lainnya"))
             if counts.get(moda)]
    if parts:
        report.warn(Problem(path.name, None, None, None, "SIASN tidak mencatat moda: " + ", ".join(parts)))
    if counts.get("tanpa_jenis"):
        report.warn(Problem(path.name, None, "jenisDiklatId", None,
                            f"{_n(counts['tanpa_jenis'])} rekaman riwayat kursus tanpa jenisDiklatId dicatat sebagai "
                            "jenis 'kursus'"))


# --- mapping ----------------------------------------------------------------------------

def _lookup(table: dict, field: str, text: str | None, problem, what: str):
    """A code's entry in a reference table; None (reported) when the table lacks it."""
    if text is None:
        return None
    entry = table.get(_code(text))
    if entry is None:
        problem(field, text, f"kode {field} tidak dikenal dalam tabel referensi SIASN {what} (docs/siasn.md)")
    return entry


def _pegawai(record: dict, problem, people, counts) -> dict:
    t = lambda field: _text(record, field)  # noqa: E731
    row = {"nip": t("nipBaru"), "nama": t("nama"), "tanggal_lahir": t("tglLahir"), "kode_unit": t("unorId"),
           "tmt_asn": t("tmtCpns")}
    kelamin = t("jenisKelamin")
    if kelamin is not None:
        row["jenis_kelamin"] = JENIS_KELAMIN.get(kelamin.upper())
        if row["jenis_kelamin"] is None:
            problem("jenisKelamin", kelamin, "jenis kelamin SIASN tidak dikenal; yang dikenal: M, F, Pria, Wanita")
    gol = t("golRuangAkhirId")
    if gol is not None:
        code = _code(gol)
        if code in GOLONGAN:
            row["jenis_asn"], row["golongan"] = "PNS", GOLONGAN[code]
        elif code in GOLONGAN_PPPK:
            row["jenis_asn"], row["golongan"] = "PPPK", GOLONGAN_PPPK[code]
        else:
            problem("golRuangAkhirId", gol, "kode golRuangAkhirId tidak dikenal: 11-45 untuk PNS (I/a-IV/e) atau "
                                            "51-60 untuk PPPK (I-X) menurut tabel referensi golongan SIASN")
    pendidikan = _lookup(TINGKAT_PENDIDIKAN, "tkPendidikanTerakhirId", t("tkPendidikanTerakhirId"), problem,
                         "tingkat pendidikan")
    row["pendidikan"] = pendidikan[1] if pendidikan else None
    row["jenis_jabatan"], row["jenjang_jabatan"] = _jabatan(record, problem)
    kedudukan = t("kedudukanPnsId")
    if _lookup(KEDUDUKAN, "kedudukanPnsId", kedudukan, problem, "kedudukan hukum"):
        code = _code(kedudukan)
        row["aktif"] = "1" if code in KEDUDUKAN_AKTIF else "0"
        if code in KEDUDUKAN_PENSIUN:
            row["tanggal_berhenti"] = t("tmtPensiun")
    return row


def _jabatan(record: dict, problem) -> tuple[str | None, str | None]:
    """(jenis_jabatan, jenjang_jabatan) from jenisJabatanId with the eselon or the post's name."""
    jenis = _text(record, "jenisJabatanId")
    if not _lookup(JENIS_JABATAN, "jenisJabatanId", jenis, problem, "jenis jabatan"):
        return None, None
    code = _code(jenis)
    if code == 4:
        return "Pelaksana", "Pelaksana"
    if code in (1, 3):  # a structural post (also when held together with a functional one)
        eselon = _text(record, "eselonId")
        if eselon is None:
            problem("eselonId", None, "wajib diisi untuk jabatan struktural (jenisJabatanId 1 atau 3)")
            return None, None
        found = ESELON.get(_code(eselon))
        if found is None:
            why = ESELON_TANPA_PADANAN.get(_code(eselon))
            problem("eselonId", eselon, (f"{why} tidak punya padanan JPT/Administrator/Pengawas (UU 5/2014)" if why
                                         else "kode eselonId tidak dikenal dalam tabel referensi eselon SIASN"))
            return None, None
        return found
    field = "jabatanFungsionalNama"
    name = _text(record, field) or _text(record, "jabatanNama")
    levels = {m.lower() for m in _JENJANG_FUNGSIONAL.findall(name or "")}
    if len(levels) != 1:
        problem(field, name, "nama jabatan fungsional tidak memuat tepat satu jenjang (Ahli Utama, Ahli Madya, Ahli "
                             "Muda, Ahli Pertama, Penyelia, Mahir, Terampil, Pemula)")
        return "Fungsional", None
    return "Fungsional", levels.pop().title()


def _person(record: dict, problem, people: _People) -> str | None:
    nip = _text(record, "nipBaru")
    if nip is not None:
        return nip
    for field in ("pnsOrangId", "idPns"):
        pns_id = _text(record, field)
        if pns_id is not None:
            nip = people.nip(pns_id)
            if nip is None:
                problem(field, pns_id, f"{field} tidak ditemukan sebagai id di berkas data_utama folder ini; "
                                       "sertakan nipBaru atau data utama pegawainya")
            return nip
    return None


def _training(row: dict, jenis: str | None, counts: dict) -> dict:
    row["jenis"] = jenis
    if jenis is not None:
        moda = "daring" if jenis in DARING else "tatap muka"
        row.update(jalur=_JALUR[jenis], moda=moda, kelompok_kompetensi=KELOMPOK.get(jenis, "teknis"))
        counts[moda] = counts.get(moda, 0) + 1
    return row


def _kursus(record: dict, problem, people, counts) -> dict:
    t = lambda field: _text(record, field)  # noqa: E731
    row = {"id": t("id"), "nip": _person(record, problem, people), "nama_pelatihan": t("namaKursus"),
           "penyelenggara": t("institusiPenyelenggara"), "tanggal_mulai": t("tanggalKursus"),
           "tanggal_selesai": t("tanggalSelesaiKursus") or t("tanggalKursus"), "jp": t("jumlahJam")}
    code = t("jenisDiklatId")
    if code is None:
        counts["tanpa_jenis"] = counts.get("tanpa_jenis", 0) + 1
        return _training(row, "kursus", counts)  # a record of the course history without its kind
    entry = _lookup(JENIS_DIKLAT, "jenisDiklatId", code, problem, "jenis diklat")
    return _training(row, entry[1] if entry else None, counts)


def _diklat(record: dict, problem, people, counts) -> dict:
    t = lambda field: _text(record, field)  # noqa: E731
    row = {"id": t("id"), "nip": _person(record, problem, people), "penyelenggara": t("institusiPenyelenggara"),
           "tanggal_mulai": t("tanggal"), "tanggal_selesai": t("tanggalSelesai") or t("tanggal"),
           "jp": t("jumlahJam")}
    name = _lookup(LATIHAN_STRUKTURAL, "latihanStrukturalId", t("latihanStrukturalId"), problem,
                   "latihan struktural")
    row["nama_pelatihan"] = t("latihanStrukturalNama") or name
    return _training(row, "pelatihan struktural kepemimpinan", counts)


# --- messages ---------------------------------------------------------------------------

_SIASN_ROW = re.compile(r"([0-9]+):([0-9]+)")


def _where(path: Path, number: int) -> str:
    """How a message names a record: the line of a CSV, the number of a JSON record."""
    return str(number) if path.suffix.lower() == ".csv" else f"rekaman {number}"


def relabel(report: Report) -> None:
    """Give the problems and warnings the importer's validation found in SIASN rows their file,
    record and SIASN field back (the row label is "<file number>:<record>", the table's label
    the files' names), ordered by file and record; the same finding twice (two contract
    columns from one field) is kept once."""
    for attr in ("problems", "warnings"):
        ranked, order, seen = [], {}, set()
        for position, p in enumerate(getattr(report, attr)):
            rank = order.setdefault(p.berkas, len(order))
            match = _SIASN_ROW.fullmatch(p.baris or "")
            files = p.berkas.split(" / ")
            if not (match and 0 < int(match[1]) <= len(files) and kind(Path(files[int(match[1]) - 1]))):
                ranked.append(((rank, 0, 0, position), p))
                continue
            path, number = Path(files[int(match[1]) - 1]), int(match[2])
            column = FIELD[kind(path)].get(p.kolom, p.kolom) if p.kolom else None
            p = Problem(path.name, _where(path, number), column, p.nilai, p.pesan)
            if (p.berkas, p.baris, p.kolom, p.pesan) in seen:
                if attr == "problems":
                    report.total -= 1
                continue
            seen.add((p.berkas, p.baris, p.kolom, p.pesan))
            ranked.append(((rank, int(match[1]), number, position), p))
        setattr(report, attr, [p for _, p in sorted(ranked, key=lambda kp: kp[0])])
