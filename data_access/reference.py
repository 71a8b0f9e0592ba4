"""Reference lists the contract and the demo generator share (DOMAIN.md sections 1-6).

Everything here is a published national list or a documented convention; values
that are conventions (required competency levels) are only the demo's defaults:
the live values are data in `standar_kompetensi`.
"""

from __future__ import annotations

# (kode, nama, kelompok_wilayah, lat, lon, PNS 2023 per BPS)
PROVINSI = [
    ("11", "Aceh", "Sumatera", 4.23, 96.91, 153733),
    ("12", "Sumatera Utara", "Sumatera", 2.19, 99.05, 200846),
    ("13", "Sumatera Barat", "Sumatera", -0.84, 100.46, 115185),
    ("14", "Riau", "Sumatera", 0.51, 101.82, 93980),
    ("15", "Jambi", "Sumatera", -1.70, 102.72, 68021),
    ("16", "Sumatera Selatan", "Sumatera", -3.21, 104.17, 118773),
    ("17", "Bengkulu", "Sumatera", -3.56, 102.34, 52418),
    ("18", "Lampung", "Sumatera", -4.92, 105.02, 105734),
    ("19", "Kepulauan Bangka Belitung", "Sumatera", -2.42, 106.57, 31366),
    ("21", "Kepulauan Riau", "Sumatera", 1.48, 105.40, 39038),
    ("31", "DKI Jakarta", "Jawa", -6.20, 106.83, 241855),
    ("32", "Jawa Barat", "Jawa", -6.92, 107.60, 327676),
    ("33", "Jawa Tengah", "Jawa", -7.26, 110.20, 336097),
    ("34", "DI Yogyakarta", "Jawa", -7.90, 110.45, 65117),
    ("35", "Jawa Timur", "Jawa", -7.72, 112.73, 363512),
    ("36", "Banten", "Jawa", -6.46, 106.11, 85161),
    ("51", "Bali", "Bali-Nusa Tenggara", -8.37, 115.13, 73166),
    ("52", "Nusa Tenggara Barat", "Bali-Nusa Tenggara", -8.61, 117.51, 80890),
    ("53", "Nusa Tenggara Timur", "Bali-Nusa Tenggara", -9.26, 122.18, 113014),
    ("61", "Kalimantan Barat", "Kalimantan", -0.08, 111.12, 80898),
    ("62", "Kalimantan Tengah", "Kalimantan", -1.60, 113.42, 69775),
    ("63", "Kalimantan Selatan", "Kalimantan", -3.00, 115.44, 81306),
    ("64", "Kalimantan Timur", "Kalimantan", 0.45, 116.46, 72301),
    ("65", "Kalimantan Utara", "Kalimantan", 2.92, 116.25, 22187),
    ("71", "Sulawesi Utara", "Sulawesi", 1.26, 124.52, 68313),
    ("72", "Sulawesi Tengah", "Sulawesi", -1.01, 121.20, 81192),
    ("73", "Sulawesi Selatan", "Sulawesi", -3.71, 120.17, 178741),
    ("74", "Sulawesi Tenggara", "Sulawesi", -4.14, 122.08, 80337),
    ("75", "Gorontalo", "Sulawesi", 0.69, 122.38, 32725),
    ("76", "Sulawesi Barat", "Sulawesi", -2.46, 119.34, 34944),
    ("81", "Maluku", "Maluku", -4.74, 129.85, 62798),
    ("82", "Maluku Utara", "Maluku", 0.21, 127.54, 46255),
    ("91", "Papua", "Papua", -2.15, 137.85, 45010),
    ("92", "Papua Barat", "Papua", -2.17, 133.74, 27529),
    ("93", "Papua Selatan", "Papua", -6.42, 139.51, 16335),
    ("94", "Papua Tengah", "Papua", -3.81, 136.60, 24377),
    ("95", "Papua Pegunungan", "Papua", -4.05, 139.05, 20990),
    ("96", "Papua Barat Daya", "Papua", -1.12, 131.84, 20820),
]

KELOMPOK_WILAYAH = ["Sumatera", "Jawa", "Bali-Nusa Tenggara", "Kalimantan", "Sulawesi", "Maluku", "Papua"]

# Kabupaten and kota per province (approximately the real split; 514 in all).
JUMLAH_KAB_KOTA = {
    "11": (18, 5), "12": (25, 8), "13": (12, 7), "14": (10, 2), "15": (9, 2),
    "16": (13, 4), "17": (9, 1), "18": (13, 2), "19": (6, 1), "21": (5, 2),
    "31": (1, 5), "32": (18, 9), "33": (29, 6), "34": (4, 1), "35": (29, 9),
    "36": (4, 4), "51": (8, 1), "52": (8, 2), "53": (21, 1), "61": (12, 2),
    "62": (13, 1), "63": (11, 2), "64": (7, 3), "65": (4, 1), "71": (11, 4),
    "72": (12, 1), "73": (21, 3), "74": (15, 2), "75": (5, 1), "76": (6, 0),
    "81": (9, 2), "82": (8, 2), "91": (8, 1), "92": (7, 0), "93": (4, 0),
    "94": (8, 0), "95": (8, 0), "96": (5, 1),
}

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
        "kursus", "penataran", "bimbingan teknis", "sosialisasi",
    ],
    "nonklasikal": [
        "coaching", "mentoring", "e-learning", "pelatihan jarak jauh", "detasering",
        "pembelajaran alam terbuka", "patok banding", "pertukaran pns-swasta",
        "belajar mandiri", "komunitas belajar", "magang",
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
