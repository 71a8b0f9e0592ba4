"""Reference lists the contract and the demo generator share (DOMAIN.md sections 1-6).

Everything here is a published national list or a documented convention; values
that are conventions (required competency levels) are only the demo's defaults:
the live values are data in `standar_kompetensi`.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import NamedTuple

# The official region list: 38 provinsi and 514 kabupaten/kota with their Kemendagri codes
# and names, shipped as referensi/wilayah.csv (source, licence and derivation in its README).
WILAYAH_CSV = Path(__file__).resolve().parent / "referensi" / "wilayah.csv"
DAFTAR_WILAYAH = "daftar wilayah resmi Kemendagri"  # in messages; docs/data-contract.md names the file


class Wilayah(NamedTuple):
    nama: str  # display form: "Kabupaten Aceh Selatan", "DKI Jakarta"
    tingkat: str  # provinsi, kabupaten, kota
    induk: str | None  # the province of a kabupaten/kota
    nama_resmi: str  # as published: "KABUPATEN ACEH SELATAN"
    kode_kemendagri: str  # as Kemendagri writes it: "11.01"


@functools.cache
def wilayah_resmi() -> dict[str, Wilayah]:
    """The official list: normalised code (`35`, `3578`) -> Wilayah, in code order (read once;
    callers only read it)."""
    with WILAYAH_CSV.open(encoding="utf-8", newline="") as fh:
        return {r["kode"]: Wilayah(r["nama"], r["tingkat"], r["kode_induk"] or None, r["nama_resmi"],
                                   r["kode_kemendagri"]) for r in csv.DictReader(fh)}


# What the project adds per province: island group, approximate centroid and PNS count 2023
# (BPS; DOMAIN.md section 6). Codes and names come from the official list.
_PROVINSI_INFO = {
    "11": ("Sumatera", 4.23, 96.91, 153733),
    "12": ("Sumatera", 2.19, 99.05, 200846),
    "13": ("Sumatera", -0.84, 100.46, 115185),
    "14": ("Sumatera", 0.51, 101.82, 93980),
    "15": ("Sumatera", -1.70, 102.72, 68021),
    "16": ("Sumatera", -3.21, 104.17, 118773),
    "17": ("Sumatera", -3.56, 102.34, 52418),
    "18": ("Sumatera", -4.92, 105.02, 105734),
    "19": ("Sumatera", -2.42, 106.57, 31366),
    "21": ("Sumatera", 1.48, 105.40, 39038),
    "31": ("Jawa", -6.20, 106.83, 241855),
    "32": ("Jawa", -6.92, 107.60, 327676),
    "33": ("Jawa", -7.26, 110.20, 336097),
    "34": ("Jawa", -7.90, 110.45, 65117),
    "35": ("Jawa", -7.72, 112.73, 363512),
    "36": ("Jawa", -6.46, 106.11, 85161),
    "51": ("Bali-Nusa Tenggara", -8.37, 115.13, 73166),
    "52": ("Bali-Nusa Tenggara", -8.61, 117.51, 80890),
    "53": ("Bali-Nusa Tenggara", -9.26, 122.18, 113014),
    "61": ("Kalimantan", -0.08, 111.12, 80898),
    "62": ("Kalimantan", -1.60, 113.42, 69775),
    "63": ("Kalimantan", -3.00, 115.44, 81306),
    "64": ("Kalimantan", 0.45, 116.46, 72301),
    "65": ("Kalimantan", 2.92, 116.25, 22187),
    "71": ("Sulawesi", 1.26, 124.52, 68313),
    "72": ("Sulawesi", -1.01, 121.20, 81192),
    "73": ("Sulawesi", -3.71, 120.17, 178741),
    "74": ("Sulawesi", -4.14, 122.08, 80337),
    "75": ("Sulawesi", 0.69, 122.38, 32725),
    "76": ("Sulawesi", -2.46, 119.34, 34944),
    "81": ("Maluku", -4.74, 129.85, 62798),
    "82": ("Maluku", 0.21, 127.54, 46255),
    "91": ("Papua", -2.15, 137.85, 45010),
    "92": ("Papua", -2.17, 133.74, 27529),
    "93": ("Papua", -6.42, 139.51, 16335),
    "94": ("Papua", -3.81, 136.60, 24377),
    "95": ("Papua", -4.05, 139.05, 20990),
    "96": ("Papua", -1.12, 131.84, 20820),
}


def _provinsi() -> list[tuple[str, str, str, float, float, int]]:
    official = {k: w.nama for k, w in wilayah_resmi().items() if w.tingkat == "provinsi"}
    if set(official) != set(_PROVINSI_INFO):
        raise RuntimeError(f"{WILAYAH_CSV} and reference._PROVINSI_INFO name different provinces: "
                           f"{sorted(set(official) ^ set(_PROVINSI_INFO))}")
    return [(k, nama, *_PROVINSI_INFO[k]) for k, nama in official.items()]


# (kode, nama, kelompok_wilayah, lat, lon, PNS 2023 per BPS), in code order.
PROVINSI = _provinsi()

KELOMPOK_WILAYAH = ["Sumatera", "Jawa", "Bali-Nusa Tenggara", "Kalimantan", "Sulawesi", "Maluku", "Papua"]

# Kabupaten and kota per province in the official list (514 in all): kode -> (kabupaten, kota).
JUMLAH_KAB_KOTA = {k: (sum(w.induk == k and w.tingkat == "kabupaten" for w in wilayah_resmi().values()),
                       sum(w.induk == k and w.tingkat == "kota" for w in wilayah_resmi().values()))
                   for k, *_ in PROVINSI}

TINGKAT_WILAYAH = ["provinsi", "kabupaten", "kota"]
JENIS_INSTANSI = ["pusat", "provinsi", "kabupaten", "kota"]
JENIS_KELAMIN = ["L", "P"]
JENIS_ASN = ["PNS", "PPPK"]
JENIS_JABATAN = ["JPT", "Administrator", "Pengawas", "Pelaksana", "Fungsional"]
PENDIDIKAN = ["SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3"]

GOLONGAN_PNS = [f"{g}/{r}" for g, rs in (("I", "abcd"), ("II", "abcd"), ("III", "abcd"), ("IV", "abcde")) for r in rs]
GOLONGAN_PPPK = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X",
                 "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII"]

# Default required competency level per job level (PermenPANRB 38/2017 convention;
# the live values are the rows of standar_kompetensi).
LEVEL_STANDAR_JENJANG = {
    "JPT Utama": 5, "JPT Madya": 5, "JPT Pratama": 4,
    "Administrator": 3, "Pengawas": 2, "Pelaksana": 1,
    "Ahli Utama": 4, "Ahli Madya": 3, "Ahli Muda": 2, "Ahli Pertama": 1,
    "Penyelia": 2, "Mahir": 2, "Terampil": 1, "Pemula": 1,
}
JENJANG_PER_JABATAN = {
    "JPT": ["JPT Utama", "JPT Madya", "JPT Pratama"],
    "Administrator": ["Administrator"],
    "Pengawas": ["Pengawas"],
    "Pelaksana": ["Pelaksana"],
    "Fungsional": ["Ahli Utama", "Ahli Madya", "Ahli Muda", "Ahli Pertama",
                   "Penyelia", "Mahir", "Terampil", "Pemula"],
}

KELOMPOK_KOMPETENSI = ["teknis", "manajerial", "sosial kultural"]
KOMPETENSI_MANAJERIAL = [
    ("M.01", "Integritas"),
    ("M.02", "Kerjasama"),
    ("M.03", "Komunikasi"),
    ("M.04", "Orientasi pada Hasil"),
    ("M.05", "Pelayanan Publik"),
    ("M.06", "Pengembangan Diri dan Orang Lain"),
    ("M.07", "Mengelola Perubahan"),
    ("M.08", "Pengambilan Keputusan"),
]
KOMPETENSI_SOSIAL_KULTURAL = [("SK.01", "Perekat Bangsa")]

# Kinds of development per Peraturan LAN 10/2018, stored in lower case.
JENIS_PELATIHAN = {
    "klasikal": [
        "pelatihan struktural kepemimpinan", "pelatihan manajerial", "pelatihan teknis",
        "pelatihan fungsional", "pelatihan sosial kultural", "seminar", "workshop",
        "kursus", "penataran", "bimbingan teknis", "sosialisasi", "pelatihan klasikal lainnya",
    ],
    "nonklasikal": [
        "coaching", "mentoring", "e-learning", "pelatihan jarak jauh", "detasering",
        "pembelajaran alam terbuka", "patok banding", "pertukaran pns-swasta",
        "belajar mandiri", "komunitas belajar", "magang", "bimbingan di tempat kerja",
        "pelatihan nonklasikal lainnya",
    ],
}
JALUR_PELATIHAN = list(JENIS_PELATIHAN)
MODA_PELATIHAN = ["tatap muka", "daring", "campuran"]

# IKM elements by stable code (PermenPANRB 14/2017); never by column position.
UNSUR_IKM = {
    "u1": "Persyaratan",
    "u2": "Sistem, Mekanisme, dan Prosedur",
    "u3": "Waktu Penyelesaian",
    "u4": "Biaya/Tarif",
    "u5": "Produk Spesifikasi Jenis Pelayanan",
    "u6": "Kompetensi Pelaksana",
    "u7": "Perilaku Pelaksana",
    "u8": "Penanganan Pengaduan, Saran dan Masukan",
    "u9": "Sarana dan Prasarana",
}


def kelompok_golongan(jenis_asn: str, golongan: str) -> str:
    """Rank group used by the filters: I-IV for PNS, grade bands for PPPK."""
    if jenis_asn == "PNS":
        return golongan.split("/")[0]
    grade = GOLONGAN_PPPK.index(golongan) + 1
    if grade <= 4:
        return "PPPK I-IV"
    if grade <= 8:
        return "PPPK V-VIII"
    if grade <= 12:
        return "PPPK IX-XII"
    return "PPPK XIII-XVII"
