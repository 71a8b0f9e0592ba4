"""Deterministic demo data shaped like the Indonesian civil service (DOMAIN.md section 7).

Everything is drawn with NumPy from one seed, person by person in vectorised
chunks, and written through the driver's executemany, so the default size is
ready in seconds and the national scale (4,5 million employees) in minutes.
The regions are the official 38 provinces and 514 kabupaten/kota (data_access/referensi);
the agencies, units and people are invented, and so is each region's 3T status.

Planted on purpose, so the pages have something true to show:
- a unit's 20 JP coverage in year t moves its IKM in year t+1 a little, with
  noise (the impact page must find it, and must find nothing without it);
- remote (3T) regions take more of their training online;
- coverage improves year by year; the current year stops at the reference date.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
import sqlalchemy as sa

from . import contract, db
from . import reference as ref

NATIONAL = 4_500_000
DEFAULT_PEGAWAI = 50_000
DEFAULT_SEED = 2026
BATCH = 200_000

Progress = Callable[[str, float], None]


def default_reference_date(today: date | None = None) -> date:
    """The last day of the previous month: the demo looks like a recent extract."""
    today = today or date.today()
    return today.replace(day=1) - timedelta(days=1)


# --- names -----------------------------------------------------------------------

_NAMA_L = ["Agus", "Budi", "Dedi", "Eko", "Fajar", "Hendra", "Imam", "Joko", "Kurniawan",
           "Muhammad", "Nur", "Rahmat", "Rizki", "Slamet", "Teguh", "Wahyu", "Yusuf", "Andi",
           "Bambang", "Dimas", "Gede", "Heru", "Irfan", "La Ode", "Made", "Putu", "Sutrisno"]
_NAMA_P = ["Ani", "Dewi", "Endang", "Fitri", "Indah", "Kartika", "Lestari", "Maria",
           "Nur", "Putri", "Rina", "Siti", "Sri", "Tri", "Wulandari", "Yuni", "Ayu", "Desi",
           "Eka", "Hana", "Intan", "Komang", "Lia", "Nining", "Ratna", "Utami"]
_NAMA_BELAKANG = ["Saputra", "Hidayat", "Santoso", "Wijaya", "Pratama", "Siregar",
                  "Nasution", "Harahap", "Simanjuntak", "Setiawan", "Kusuma", "Lubis",
                  "Rahman", "Hakim", "Susanti", "Rahayu", "Handayani", "Purnama", "Sitompul",
                  "Manurung", "Tanjung", "Pohan", "Daulay", "Sembiring", "Ginting", "Wibowo"]

_PUSAT = [  # (name, weight in the central workforce)
    ("Kementerian Agama", 9), ("Kementerian Keuangan", 6), ("Kementerian Hukum", 2),
    ("Kementerian Imigrasi dan Pemasyarakatan", 4), ("Kementerian Kesehatan", 3),
    ("Kementerian Pendidikan Tinggi, Sains, dan Teknologi", 5),
    ("Kementerian Pendidikan Dasar dan Menengah", 2), ("Kementerian Dalam Negeri", 1),
    ("Kementerian Pertanian", 2), ("Kementerian Perhubungan", 2),
    ("Kementerian Pekerjaan Umum", 2), ("Kementerian Sosial", 1),
    ("Kementerian Ketenagakerjaan", 1), ("Kementerian Lingkungan Hidup", 1),
    ("Kementerian Kelautan dan Perikanan", 1), ("Kementerian Luar Negeri", 1),
    ("Kementerian Agraria dan Tata Ruang/BPN", 3), ("Kementerian Perindustrian", 1),
    ("Kementerian Perdagangan", 1), ("Kementerian Pendayagunaan Aparatur Negara dan RB", 0.3),
    ("Kejaksaan Republik Indonesia", 3), ("Mahkamah Agung", 3),
    ("Badan Kepegawaian Negara", 0.5), ("Lembaga Administrasi Negara", 0.3),
    ("Badan Pusat Statistik", 1.5), ("Badan Pengawas Obat dan Makanan", 0.5),
    ("Badan Meteorologi, Klimatologi, dan Geofisika", 0.6),
    ("Badan Nasional Penanggulangan Bencana", 0.2), ("Badan Riset dan Inovasi Nasional", 1),
    ("Badan Pengawasan Keuangan dan Pembangunan", 0.6),
]
_LAYANAN_PUSAT = {
    "Kementerian Agama": "Keagamaan", "Kementerian Keuangan": "Perpajakan dan Kepabeanan",
    "Kementerian Imigrasi dan Pemasyarakatan": "Keimigrasian",
    "Kementerian Agraria dan Tata Ruang/BPN": "Pertanahan", "Badan Pusat Statistik": "Statistik",
    "Kementerian Kesehatan": "Kesehatan", "Badan Kepegawaian Negara": "Kepegawaian",
    "Badan Pengawas Obat dan Makanan": "Pengawasan Obat dan Makanan",
    "Mahkamah Agung": "Peradilan", "Kementerian Hukum": "Hukum",
}

# Regional government units: (name, service type, share of the government's staff,
# teachers/health staff heavy, present in the compact set used for small demos).
_OPD = [
    ("Sekretariat Daerah", None, 4, False, True),
    ("Dinas Pendidikan", "Pendidikan", 8, True, True),
    ("Dinas Kesehatan", "Kesehatan", 4, True, True),
    ("Rumah Sakit Umum Daerah", "Kesehatan", 8, True, True),
    ("Dinas Kependudukan dan Pencatatan Sipil", "Administrasi Kependudukan", 2, False, True),
    ("Dinas Penanaman Modal dan PTSP", "Perizinan", 1.5, False, True),
    ("Dinas Sosial", "Sosial", 1.5, False, False),
    ("Dinas Perhubungan", "Perhubungan", 2, False, False),
    ("Badan Pendapatan Daerah", "Pajak dan Retribusi", 2, False, False),
    ("Badan Perencanaan Pembangunan Daerah", None, 1, False, False),
    ("Badan Kepegawaian dan Pengembangan SDM", "Kepegawaian", 1, False, True),
    ("Inspektorat", None, 1, False, False),
    ("Dinas Pekerjaan Umum dan Penataan Ruang", None, 3, False, False),
    ("Dinas Pertanian", None, 2.5, False, False),
]
# Repeated units and their total share: schools, health centres, districts.
_OPD_ULANG = [
    ("Sekolah Negeri", "Pendidikan", 40, True),
    ("Puskesmas", "Kesehatan", 10, True),
    ("Kecamatan", "Administrasi Pemerintahan", 6, False),
]

_TEKNIS = [
    ("T.01", "Pengelolaan Keuangan", None),
    ("T.02", "Pengadaan Barang/Jasa", None),
    ("T.03", "Pelayanan Kesehatan", "Kesehatan"),
    ("T.04", "Pembelajaran dan Asesmen", "Pendidikan"),
    ("T.05", "Administrasi Kependudukan", "Administrasi Kependudukan"),
    ("T.06", "Pelayanan Perizinan", "Perizinan"),
    ("T.07", "Perencanaan Pembangunan", None),
    ("T.08", "Manajemen ASN", "Kepegawaian"),
    ("T.09", "Analisis Data dan Statistik", "Statistik"),
    ("T.10", "Transformasi Digital Pelayanan", None),
]

_PENYELENGGARA = ["Lembaga Administrasi Negara", "BPSDM Provinsi", "Pusdiklat Kementerian",
                  "Internal Instansi", "Perguruan Tinggi", "Lembaga Pelatihan Swasta",
                  "ASN Corporate University"]
_PEKERJAAN = ["PNS/TNI/Polri", "Pegawai Swasta", "Wiraswasta", "Pelajar/Mahasiswa",
              "Ibu Rumah Tangga", "Petani/Nelayan", "Lainnya"]
_SARAN = [
    "Waktu tunggu mohon dipercepat.", "Petugas ramah dan membantu, terima kasih.",
    "Ruang tunggu perlu ditambah kursi.", "Informasi persyaratan di papan pengumuman kurang jelas.",
    "Mohon sediakan layanan daring agar tidak perlu datang.", "Toilet perlu lebih bersih.",
    "Jam layanan sebaiknya diperpanjang.", "Prosedur sudah jelas dan cepat.",
    "Nomor pengaduan sulit dihubungi.", "Parkir terlalu sempit.",
    "Petugas loket kadang tidak ada di tempat.", "Sistem antrean daring sangat membantu.",
    "Biaya yang dikenakan perlu diumumkan secara terbuka.", "Pelayanan sudah baik, pertahankan.",
    "Perlu petunjuk arah untuk penyandang disabilitas.",
]

# Training kinds: (jalur, jenis, share of records, JP range, usual kelompok_kompetensi)
_KEGIATAN = [
    ("klasikal", "pelatihan struktural kepemimpinan", 0.01, (40, 80), "manajerial"),
    ("klasikal", "pelatihan manajerial", 0.03, (12, 32), "manajerial"),
    ("klasikal", "pelatihan teknis", 0.12, (8, 32), "teknis"),
    ("klasikal", "pelatihan fungsional", 0.06, (16, 40), "teknis"),
    ("klasikal", "pelatihan sosial kultural", 0.015, (8, 24), "sosial kultural"),
    ("klasikal", "seminar", 0.08, (2, 4), "teknis"),
    ("klasikal", "workshop", 0.06, (4, 12), "teknis"),
    ("klasikal", "kursus", 0.02, (8, 24), "teknis"),
    ("klasikal", "penataran", 0.01, (8, 16), "teknis"),
    ("klasikal", "bimbingan teknis", 0.09, (4, 16), "teknis"),
    ("klasikal", "sosialisasi", 0.06, (2, 4), "teknis"),
    ("nonklasikal", "coaching", 0.05, (2, 8), "manajerial"),
    ("nonklasikal", "mentoring", 0.05, (2, 8), "manajerial"),
    ("nonklasikal", "e-learning", 0.14, (2, 12), "teknis"),
    ("nonklasikal", "pelatihan jarak jauh", 0.04, (8, 24), "teknis"),
    ("nonklasikal", "detasering", 0.003, (40, 80), "teknis"),
    ("nonklasikal", "pembelajaran alam terbuka", 0.006, (8, 16), "sosial kultural"),
    ("nonklasikal", "patok banding", 0.01, (8, 16), "teknis"),
    ("nonklasikal", "pertukaran pns-swasta", 0.001, (40, 80), "teknis"),
    ("nonklasikal", "belajar mandiri", 0.06, (2, 10), "teknis"),
    ("nonklasikal", "komunitas belajar", 0.05, (2, 4), "teknis"),
    ("nonklasikal", "magang", 0.01, (40, 80), "teknis"),
]
_ONLINE_KIND = {"e-learning", "pelatihan jarak jauh", "belajar mandiri"}


class DemoRefused(db.SourceError):
    pass


def _choice(rng, n, options, weights):
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(options), size=n, p=p / p.sum())


def _ids(start: int, n: int) -> list[str]:
    """Record ids: text in the contract (SIASN writes UUIDs), numbered in the demo with leading
    zeros, so they rise in text order too and each batch extends the key's index at its end
    (the national demo writes 90 million of them)."""
    return [f"{i:010d}" for i in range(start, start + n)]


def _iso(days: np.ndarray, dialect: str) -> list:
    """Dates for the driver: ISO text for SQLite, datetime.date elsewhere."""
    arr = days.astype("datetime64[D]")
    return arr.astype(str).tolist() if dialect == "sqlite" else arr.astype(object).tolist()


def _d(y, m=1, d=1) -> np.datetime64:
    return np.datetime64(date(y, m, d), "D")


class _Writer:
    """Batches rows into the source and counts them per table."""

    def __init__(self, conn):
        self.conn = conn
        self.dialect = conn.dialect.name
        self.counts: dict[str, int] = {}

    def write(self, table: sa.Table, columns: dict[str, list]) -> None:
        names = list(columns)
        cols = [columns[n] for n in names]
        n = len(cols[0])
        for start in range(0, n, BATCH):
            chunk = [c[start:start + BATCH] for c in cols]
            db.bulk_insert(self.conn, table, names, zip(*chunk))
        self.counts[table.name] = self.counts.get(table.name, 0) + n

    def dates(self, days):
        return _iso(days, self.dialect)


def _guard(conn) -> None:
    """Refuse to overwrite a source that holds real data."""
    inspector = sa.inspect(conn)
    present = set(inspector.get_table_names())
    if "pegawai" not in present:
        return
    has_rows = conn.execute(sa.select(sa.literal(1)).select_from(contract.pegawai).limit(1)).first()
    if not has_rows:
        return
    if "metadata_sumber" in present:
        flag = conn.execute(sa.select(contract.metadata_sumber.c.nilai)
                            .where(contract.metadata_sumber.c.kunci == "demo")).scalar()
        if flag == "ya":
            return
    raise DemoRefused(
        "Basis data sumber sudah berisi data yang bukan data demo; data demo tidak ditulis agar "
        "data itu tidak terhapus. Arahkan DATABASE_URL (atau --db) ke basis data lain, "
        "atau tambahkan --timpa bila Anda yakin.")


def generate(engine: sa.Engine, n_pegawai: int = DEFAULT_PEGAWAI, seed: int = DEFAULT_SEED,
             sampai: date | None = None, progress: Progress | None = None,
             overwrite: bool = False) -> dict[str, int]:
    """Write a fresh demo dataset into the source; returns the row count per table."""
    progress = progress or (lambda step, frac: None)
    sampai = sampai or default_reference_date()
    rng = np.random.default_rng(seed)
    with db.connect(engine) as conn:
        if not overwrite:
            _guard(conn)
        progress("Menyiapkan tabel sumber", 0.0)
        for table in reversed(contract.TABLES):
            table.drop(conn, checkfirst=True)
        db.create_tables(conn, indexes=False)
        conn.commit()
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA synchronous=OFF")
        w = _Writer(conn)
        gen = _Generator(rng, seed, n_pegawai, sampai, w, progress)
        gen.run()
        progress("Membuat indeks", 0.97)
        conn.commit()
        db.create_indexes(conn)
        conn.commit()
    progress("Data demo selesai", 1.0)
    return w.counts


class _Generator:
    def __init__(self, rng, seed, n, sampai, writer, progress):
        self.rng, self.seed, self.n, self.sampai = rng, seed, n, sampai
        self.w, self.progress = writer, progress
        self.scale = n / NATIONAL
        self.years = list(range(sampai.year - 4, sampai.year + 1))

    def run(self):
        self.progress("Wilayah, instansi, dan unit kerja", 0.02)
        self.regions()
        self.agencies_and_units()
        self.competencies()
        self.progress("Pegawai", 0.08)
        self.employees()
        self.training()
        self.assessments()
        self.progress("Survei kepuasan masyarakat", 0.9)
        self.surveys()
        self.w.write(contract.metadata_sumber, {
            "kunci": ["demo", "seed", "pegawai", "data_sampai"],
            "nilai": ["ya", str(self.seed), str(self.n), self.sampai.isoformat()],
        })

    # --- regions, agencies, units ---------------------------------------------------

    def regions(self):
        rng = self.rng
        p3t = {"Papua": 0.85, "Maluku": 0.55, "Bali-Nusa Tenggara": 0.3, "Kalimantan": 0.25,
               "Sulawesi": 0.2, "Sumatera": 0.1, "Jawa": 0.0}
        rows = {k: [] for k in ("kode", "nama", "tingkat", "kode_induk", "kelompok_wilayah",
                                "daerah_3t", "lintang", "bujur")}
        self.kabkota = []  # (kode, kode_prov, tingkat, is_3t)
        self.wilayah_nama = {}

        def add(kode, nama, tingkat, induk, kelompok, t3, lat, lon):
            self.wilayah_nama[kode] = nama
            for key, val in zip(rows, (kode, nama, tingkat, induk, kelompok, t3, lat, lon)):
                rows[key].append(val)

        # The real provinces and kabupaten/kota with their codes and names (reference.wilayah_resmi);
        # a kab/kota's centre is jittered around its province's. Their 3T status is a demo
        # assumption, drawn by island group: no official list of it was at hand
        # (data_access/referensi/README.md).
        official = ref.wilayah_resmi()
        for kode, nama, kelompok, lat, lon, _ in ref.PROVINSI:
            add(kode, nama, "provinsi", None, kelompok, None, lat, lon)
            for k, w in [(k, w) for k, w in official.items() if w.induk == kode]:
                if w.tingkat == "kabupaten":
                    t3 = int(rng.random() < p3t[kelompok])
                    add(k, w.nama, "kabupaten", kode, kelompok, t3, lat + rng.normal(0, 0.5), lon + rng.normal(0, 0.5))
                else:
                    t3 = 0
                    add(k, w.nama, "kota", kode, kelompok, t3, lat + rng.normal(0, 0.3), lon + rng.normal(0, 0.3))
                self.kabkota.append((k, kode, w.tingkat, t3))
        self.w.write(contract.wilayah, rows)

    def agencies_and_units(self):
        rng, s = self.rng, self.scale
        inst = {k: [] for k in ("kode", "nama", "jenis", "kode_wilayah")}
        units = {k: [] for k in ("kode", "kode_instansi", "nama", "kode_wilayah", "jenis_layanan")}
        weight, heavy, t3 = [], [], []
        kab_of_prov: dict[str, list] = {}
        for k, prov, _, is3t in self.kabkota:
            kab_of_prov.setdefault(prov, []).append((k, is3t))
        is3t_of = {k: is3t for k, _, _, is3t in self.kabkota}

        def add_unit(kode_inst, nama, kode_wil, layanan, w, hv):
            units["kode"].append(f"{kode_inst}.{len(units['kode']) + 1:06d}")
            units["kode_instansi"].append(kode_inst)
            units["nama"].append(nama)
            units["kode_wilayah"].append(kode_wil)
            units["jenis_layanan"].append(layanan)
            weight.append(w)
            heavy.append(hv)
            t3.append(is3t_of.get(kode_wil, 0))

        # Central agencies: 22% of the workforce, a head office in Jakarta and offices in
        # the provinces (more of them at national scale).
        total_w = sum(w for _, w in _PUSAT)
        per_prov = max(1, round(s * 3))
        for i, (nama, w) in enumerate(_PUSAT):
            kode = f"K{i + 1:02d}"
            inst["kode"].append(kode)
            inst["nama"].append(nama)
            inst["jenis"].append("pusat")
            inst["kode_wilayah"].append(None)
            share = 0.22 * w / total_w
            layanan = _LAYANAN_PUSAT.get(nama)
            add_unit(kode, f"Kantor Pusat {nama}", "3171", None, share * 0.15, False)
            offices = [(p, kk) for p, *_ in ref.PROVINSI for kk in range(per_prov)]
            for prov, kk in offices:
                choices = kab_of_prov[prov]
                kab = choices[0][0] if kk == 0 else choices[rng.integers(len(choices))][0]
                add_unit(kode, f"Kantor {nama} {self.wilayah_nama[kab]}" + (f" {kk + 1}" if kk else ""), kab, layanan,
                         share * 0.85 / len(offices), nama == "Kementerian Kesehatan")

        # Regional governments: 78%, by the province's PNS count; the provincial
        # government takes a fifth of its province.
        pns_total = sum(p[5] for p in ref.PROVINSI)
        repeat = max(1, round(s * 12))
        opd = [o for o in _OPD if o[4] or s >= 0.05]
        for kode_prov, nama_p, _, _, _, pns in ref.PROVINSI:
            prov_share = 0.78 * pns / pns_total
            govs = [(f"P{kode_prov}", f"Pemerintah Provinsi {nama_p}", "provinsi", kode_prov,
                     prov_share * 0.2)]
            kabs = kab_of_prov[kode_prov]
            kw = rng.lognormal(0, 0.5, len(kabs))
            kw = kw / kw.sum() * prov_share * 0.8
            for (k, _), wk in zip(kabs, kw):
                tingkat = "kota" if int(k[2:]) >= 71 else "kabupaten"
                govs.append((f"D{k}", None, tingkat, k, wk))
            for kode, nama, jenis, wil, share in govs:
                if nama is None:
                    nama = "Pemerintah " + self.wilayah_nama[wil]
                inst["kode"].append(kode)
                inst["nama"].append(nama)
                inst["jenis"].append(jenis)
                inst["kode_wilayah"].append(wil)
                # Units sit in the kab/kota; a province's in its kab/kota.
                locs = [wil] if jenis != "provinsi" else [k for k, _ in kabs]
                tot = sum(o[2] for o in opd) + sum(o[2] for o in _OPD_ULANG)
                for nm, lay, w, hv, _ in opd:
                    add_unit(kode, f"{nm} {nama.removeprefix('Pemerintah ')}", locs[0], lay,
                             share * w / tot, hv)
                for nm, lay, w, hv in _OPD_ULANG:
                    if jenis == "provinsi" and nm != "Sekolah Negeri":
                        continue
                    for r in range(repeat):
                        loc = locs[rng.integers(len(locs))]
                        add_unit(kode, f"{nm} {r + 1} {self.wilayah_nama[loc]}", loc, lay,
                                 share * w / tot / repeat, hv)
        self.w.write(contract.instansi, inst)
        self.w.write(contract.unit_kerja, units)
        self.unit_kode = np.array(units["kode"], dtype=object)
        self.unit_layanan = np.array(units["jenis_layanan"], dtype=object)
        self.unit_heavy = np.array(heavy, dtype=bool)
        self.unit_3t = np.array(t3, dtype=bool)
        w = np.array(weight)
        self.unit_weight = w / w.sum()
        self.n_unit = len(w)
        # Latent quality of each unit: drives both its training and its service.
        self.unit_quality = rng.normal(0, 1, self.n_unit)

    def competencies(self):
        kode = [k for k, _ in ref.KOMPETENSI_MANAJERIAL] + ["SK.01"] + [k for k, _, _ in _TEKNIS]
        nama = ([n for _, n in ref.KOMPETENSI_MANAJERIAL] + [ref.KOMPETENSI_SOSIAL_KULTURAL[0][1]]
                + [n for _, n, _ in _TEKNIS])
        kel = ["manajerial"] * 8 + ["sosial kultural"] + ["teknis"] * len(_TEKNIS)
        self.w.write(contract.kompetensi, {"kode": kode, "nama": nama, "kelompok": kel})
        std = {"jenjang_jabatan": [], "kode_kompetensi": [], "level_standar": []}
        for jenjang, level in ref.LEVEL_STANDAR_JENJANG.items():
            for k, kl in zip(kode, kel):
                std["jenjang_jabatan"].append(jenjang)
                std["kode_kompetensi"].append(k)
                # Technical standards sit one level lower for leadership posts.
                std["level_standar"].append(max(1, level - 1) if kl == "teknis" and level >= 4
                                            else level)
        self.w.write(contract.standar_kompetensi, std)
        self.komp_kode = np.array(kode, dtype=object)
        self.std = {(j, k): lv for j, k, lv in zip(*std.values())}
        # The technical competency that fits each unit's service type.
        by_layanan = {lay: i for i, (_, _, lay) in enumerate(_TEKNIS) if lay}
        self.unit_teknis = np.array([9 + by_layanan.get(lay, i % 2 if lay is None else 9)
                                     for i, lay in enumerate(self.unit_layanan)])

    # --- employees --------------------------------------------------------------------

    def employees(self):
        rng, n, sampai = self.rng, self.n, self.sampai
        unit = rng.choice(self.n_unit, size=n, p=self.unit_weight)
        heavy = self.unit_heavy[unit]
        pppk = rng.random(n) < np.where(heavy, 0.30, 0.12)
        # Job type: teachers and health staff are functional.
        jab = np.where(heavy, _choice(rng, n, ref.JENIS_JABATAN, [0.2, 0.6, 1.2, 10, 88]),
                       _choice(rng, n, ref.JENIS_JABATAN, [0.9, 4.5, 12.6, 42, 40]))
        jab = np.where(pppk & (jab < 3), 4, jab)
        jab_names = np.array(ref.JENIS_JABATAN, dtype=object)[jab]
        jenjang = np.empty(n, dtype=object)
        jenjang[jab == 0] = np.array(["JPT Utama", "JPT Madya", "JPT Pratama"], dtype=object)[
            _choice(rng, int((jab == 0).sum()), range(3), [2, 13, 85])]
        jenjang[jab == 1] = "Administrator"
        jenjang[jab == 2] = "Pengawas"
        jenjang[jab == 3] = "Pelaksana"
        fung = ["Ahli Utama", "Ahli Madya", "Ahli Muda", "Ahli Pertama", "Penyelia", "Mahir",
                "Terampil", "Pemula"]
        jenjang[jab == 4] = np.array(fung, dtype=object)[
            _choice(rng, int((jab == 4).sum()), fung, [1, 16, 32, 32, 3, 6, 8, 2])]

        # Education follows the job level.
        edu_by = {
            "JPT": [0, 0, 0, 0, 0, 0, 0, 10, 75, 15], "Administrator": [0, 0, 0, 0, 0, 2, 5, 55, 36, 2],
            "Pengawas": [0, 0, 2, 0, 0, 10, 8, 65, 15, 0],
            "Ahli": [0, 0, 0, 0, 0, 0, 8, 70, 20, 2], "Terampil": [0, 0, 8, 2, 6, 74, 8, 2, 0, 0],
            "Pemula": [0, 0, 85, 5, 5, 5, 0, 0, 0, 0],
            "Pelaksana": [2, 4, 35, 3, 4, 17, 5, 30, 0, 0],
        }
        group = np.where(np.char.startswith(jenjang.astype(str), "JPT"), "JPT", jenjang.astype(str))
        group = np.where(np.char.startswith(group, "Ahli"), "Ahli", group)
        group = np.where(np.isin(group, ["Penyelia", "Mahir"]), "Terampil", group)
        edu = np.zeros(n, dtype=int)
        for g, weights in edu_by.items():
            m = group == g
            edu[m] = _choice(rng, int(m.sum()), ref.PENDIDIKAN, weights)

        # Rank: PNS by job level (and education for pelaksana); PPPK grade by education.
        gol_ix = {g: i for i, g in enumerate(ref.GOLONGAN_PNS)}
        ranges = {"JPT": ("IV/c", "IV/e"), "Administrator": ("III/d", "IV/b"),
                  "Pengawas": ("III/c", "IV/a"), "Ahli Utama": ("IV/d", "IV/e"),
                  "Ahli Madya": ("IV/a", "IV/c"), "Ahli Muda": ("III/c", "III/d"),
                  "Ahli Pertama": ("III/a", "III/b"), "Penyelia": ("III/c", "III/d"),
                  "Mahir": ("III/a", "III/b"), "Terampil": ("II/c", "II/d"),
                  "Pemula": ("II/a", "II/b")}
        jen_str = jenjang.astype(str)
        gol = np.zeros(n, dtype=int)
        for key, (lo, hi) in ranges.items():
            m = (group == key) if key == "JPT" else (jen_str == key)
            gol[m] = rng.integers(gol_ix[lo], gol_ix[hi] + 1, int(m.sum()))
        m = jen_str == "Pelaksana"
        base = np.array([0, 1, 4, 5, 6, 6, 8, 8, 8, 8])[edu[m]]  # I/a, I/b, II/a, ..., III/a
        gol[m] = np.minimum(base + rng.integers(0, 4, int(m.sum())), gol_ix["III/d"])
        golongan = np.array(ref.GOLONGAN_PNS, dtype=object)[gol]
        grade = np.array([1, 2, 5, 5, 5, 7, 8, 9, 10, 11])[edu] + rng.integers(0, 2, n)
        grade = np.where(np.isin(jen_str, ["Ahli Madya", "Ahli Utama"]), grade + 2, grade)
        golongan[pppk] = np.array(ref.GOLONGAN_PPPK, dtype=object)[np.clip(grade[pppk], 1, 17) - 1]

        female = rng.random(n) < 0.57
        # Age: older for higher posts; PNS retire at 58 (JPT 60).
        age = np.clip(rng.normal(42, 9, n) + np.where(jab <= 1, 9, 0), 21, 58).astype(int)
        ref_day = _d(sampai.year, sampai.month, sampai.day)
        birth = ref_day - (age * 365.25 + rng.integers(0, 365, n)).astype("timedelta64[D]")
        entry_age = np.minimum(rng.integers(22, 34, n), age - 1)
        tmt = birth + (entry_age * 365.25 + rng.integers(0, 365, n)).astype("timedelta64[D]")
        tmt = np.minimum(tmt, ref_day - np.timedelta64(30, "D"))
        # PPPK exist since 2019.
        tmt_pppk = _d(2019, 3) + rng.integers(0, max(1, int((ref_day - _d(2019, 3)).astype(int))),
                                              n).astype("timedelta64[D]")
        tmt = np.where(pppk, np.maximum(tmt, tmt_pppk), tmt)
        tmt = tmt.astype("datetime64[M]").astype("datetime64[D]")  # TMT is the 1st of a month
        leaving = rng.random(n) < 0.03
        stop = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        span = (ref_day - np.maximum(tmt, _d(self.years[0]))).astype(int)
        stop[leaving] = (np.maximum(tmt, _d(self.years[0]))[leaving]
                         + (rng.random(int(leaving.sum())) * span[leaving]).astype("timedelta64[D]"))

        # NIP: birth date + TMT (YYYYMM) + sex + serial unique within that prefix.
        bmonth = birth.astype("datetime64[M]")
        bnum = ((bmonth.astype("datetime64[Y]").astype(np.int64) + 1970) * 10000
                + (bmonth.astype(np.int64) % 12 + 1) * 100 + (birth - bmonth).astype(np.int64) + 1)
        tmonth = tmt.astype("datetime64[M]").astype(np.int64)
        tnum = (tmonth // 12 + 1970) * 100 + tmonth % 12 + 1
        prefix = (bnum * 1_000_000 + tnum) * 10 + np.where(female, 2, 1)
        order = np.argsort(prefix, kind="stable")
        sp = prefix[order]
        first = np.r_[True, sp[1:] != sp[:-1]]
        run_start = np.maximum.accumulate(np.where(first, np.arange(n), 0))
        serial = np.empty(n, dtype=np.int64)
        serial[order] = np.arange(n) - run_start + 1
        nip = (prefix * 1000 + serial).astype(str)

        first_l = np.array(_NAMA_L, dtype=object)[rng.integers(len(_NAMA_L), size=n)]
        first_p = np.array(_NAMA_P, dtype=object)[rng.integers(len(_NAMA_P), size=n)]
        last = np.array(_NAMA_BELAKANG, dtype=object)[rng.integers(len(_NAMA_BELAKANG), size=n)]
        nama = np.where(female, first_p, first_l) + " " + last

        self.p_unit, self.p_pppk, self.p_jab, self.p_jenjang = unit, pppk, jab, jenjang
        self.p_nip, self.p_tmt, self.p_stop, self.p_leaving = nip, tmt, stop, leaving
        progress_total = n
        for start in range(0, n, BATCH):
            sl = slice(start, start + BATCH)
            self.w.write(contract.pegawai, {
                "nip": nip[sl].tolist(),
                "nama": nama[sl].tolist(),
                "jenis_kelamin": np.where(female[sl], "P", "L").tolist(),
                "tanggal_lahir": self.w.dates(birth[sl]),
                "jenis_asn": np.where(pppk[sl], "PPPK", "PNS").tolist(),
                "golongan": golongan[sl].tolist(),
                "jenis_jabatan": jab_names[sl].tolist(),
                "jenjang_jabatan": jenjang[sl].tolist(),
                "pendidikan": np.array(ref.PENDIDIKAN, dtype=object)[edu[sl]].tolist(),
                "kode_unit": self.unit_kode[unit[sl]].tolist(),
                "tmt_asn": self.w.dates(tmt[sl]),
                "aktif": (~leaving[sl]).astype(int).tolist(),
                "tanggal_berhenti": [None if d is None else (d.isoformat() if self.w.dialect == "sqlite" else d)
                                     for d in stop[sl].astype(object)],
            })
            self.progress("Pegawai", 0.08 + 0.04 * min(1.0, (start + BATCH) / progress_total))

    def _present(self, year):
        """Employees on the payroll at some point of the year."""
        end = _d(year, 12, 31)
        begin = _d(year)
        stopped_before = self.p_leaving & (self.p_stop < begin)
        return (self.p_tmt <= end) & ~stopped_before

    # --- training ----------------------------------------------------------------------

    def training(self):
        rng, sampai = self.rng, self.sampai
        jalur = np.array([k[0] for k in _KEGIATAN], dtype=object)
        jenis = np.array([k[1] for k in _KEGIATAN], dtype=object)
        share = np.array([k[2] for k in _KEGIATAN])
        share = share / share.sum()
        lo = np.array([k[3][0] for k in _KEGIATAN])
        hi = np.array([k[3][1] for k in _KEGIATAN])
        kel_names = np.array(ref.KELOMPOK_KOMPETENSI, dtype=object)  # teknis, manajerial, sosial kultural
        kel = np.array([ref.KELOMPOK_KOMPETENSI.index(k[4]) for k in _KEGIATAN])
        online = np.array([k[1] in _ONLINE_KIND for k in _KEGIATAN])
        seminar = jenis == "seminar"
        # Course titles: kind x targeted competency (last column: none named).
        komp_nama = ([n for _, n in ref.KOMPETENSI_MANAJERIAL] + ["Perekat Bangsa"]
                     + [n for _, n, _ in _TEKNIS] + ["Pengembangan Kompetensi"])
        titles = np.array([[f"{j.capitalize()} {t}" for t in komp_nama] for j in jenis], dtype=object)
        kode_or_none = np.append(self.komp_kode, None)
        moda_names = np.array(ref.MODA_PELATIHAN, dtype=object)
        penyelenggara = np.array(_PENYELENGGARA, dtype=object)
        # Months: little in January, a peak after mid-year.
        month_w = np.array([2, 6, 8, 9, 9, 8, 9, 10, 10, 10, 9, 5], dtype=float)
        month_w /= month_w.sum()
        ref_day = _d(sampai.year, sampai.month, sampai.day)

        unit_eff = np.exp(0.25 * self.unit_quality + rng.normal(0, 0.2, self.n_unit))
        # Leaders train more; PPPK less (their right is at most 24 JP a contract year).
        person_eff = (np.exp(rng.normal(0, 0.45, self.n)) * np.where(self.p_jab <= 2, 1.25, 1.0)
                      * np.where(self.p_pppk, 0.45, 1.0))
        self.unit_coverage = {}
        next_id = 1
        total_steps = len(self.years) * math.ceil(self.n / BATCH)
        step = 0
        for yi, year in enumerate(self.years):
            lam_year = 2.2 + 0.15 * yi  # coverage improves year on year
            present = self._present(year)
            jp_person = np.zeros(self.n)
            for start in range(0, self.n, BATCH):
                idx = np.arange(start, min(self.n, start + BATCH))
                idx = idx[present[idx]]
                lam = lam_year * unit_eff[self.p_unit[idx]] * person_eff[idx]
                person = np.repeat(idx, rng.poisson(lam))
                m = len(person)
                kind = rng.choice(len(_KEGIATAN), size=m, p=share)
                jp = rng.integers(lo[kind], hi[kind] + 1).astype(float)
                u = self.p_unit[person]
                # Moda: online kinds are daring; seminars half webinar; 3T goes online more.
                r = rng.random(m)
                moda = np.where(r < 0.65, 0, np.where(r < 0.85, 1, 2))
                moda = np.where(self.unit_3t[u] & (moda == 0) & (rng.random(m) < 0.45), 1, moda)
                moda = np.where(seminar[kind] & (rng.random(m) < 0.5), 1, moda)
                moda = np.where(online[kind], 1, moda)
                kelompok = kel[kind]
                flip = (kelompok == 0) & (rng.random(m) < 0.2)
                kelompok = np.where(flip, np.where(rng.random(m) < 0.75, 1, 2), kelompok)
                komp = np.where(kelompok == 1, rng.integers(0, 8, m),
                                np.where(kelompok == 2, 8, self.unit_teknis[u]))
                komp = np.where(rng.random(m) < 0.6, komp, len(self.komp_kode))
                month = rng.choice(12, size=m, p=month_w)
                start_day = ((np.datetime64(f"{year}-01", "M") + month).astype("datetime64[D]")
                             + rng.integers(0, 28, m).astype("timedelta64[D]"))
                dur = np.maximum(1, np.ceil(jp / 8)).astype("timedelta64[D]")
                end_day = np.minimum(start_day + dur - np.timedelta64(1, "D"), _d(year, 12, 31))
                keep = end_day <= ref_day
                if not keep.all():
                    person, kind, jp, moda, kelompok, komp, start_day, end_day = (
                        a[keep] for a in (person, kind, jp, moda, kelompok, komp, start_day, end_day))
                    m = len(person)
                np.add.at(jp_person, person, jp)
                self.w.write(contract.riwayat_pelatihan, {
                    "id": _ids(next_id, m),
                    "nip": self.p_nip[person].tolist(),
                    "nama_pelatihan": titles[kind, komp].tolist(),
                    "jalur": jalur[kind].tolist(),
                    "jenis": jenis[kind].tolist(),
                    "moda": moda_names[moda].tolist(),
                    "penyelenggara": penyelenggara[rng.integers(len(penyelenggara), size=m)].tolist(),
                    "tanggal_mulai": self.w.dates(start_day),
                    "tanggal_selesai": self.w.dates(end_day),
                    "jp": jp.tolist(),
                    "kelompok_kompetensi": kel_names[kelompok].tolist(),
                    "kode_kompetensi": kode_or_none[komp].tolist(),
                })
                next_id += m
                step += 1
                self.progress(f"Riwayat pelatihan {year}", 0.12 + 0.5 * step / total_steps)
            # Unit coverage among PNS: the planted driver of next year's IKM.
            pns = present & ~self.p_pppk
            n_pns = np.bincount(self.p_unit[pns], minlength=self.n_unit)
            reached = np.bincount(self.p_unit[pns & (jp_person >= 20)], minlength=self.n_unit)
            self.unit_coverage[year] = np.where(n_pns > 0, reached / np.maximum(n_pns, 1), np.nan)

    # --- assessments --------------------------------------------------------------------

    def assessments(self):
        rng, sampai = self.rng, self.sampai
        ref_day = _d(sampai.year, sampai.month, sampai.day)
        ability = rng.normal(0, 0.6, self.n)
        # Change management and decision making lag behind; integrity is strong.
        comp_eff = np.array([0.3, 0.1, 0.0, -0.1, 0.0, -0.2, -0.4, -0.35, 0.2]
                            + [-0.25] * len(_TEKNIS))
        levels = np.array([self.std[(j, k)] for j in ref.LEVEL_STANDAR_JENJANG
                           for k in self.komp_kode]).reshape(len(ref.LEVEL_STANDAR_JENJANG), -1)
        jenjang_ix = {j: i for i, j in enumerate(ref.LEVEL_STANDAR_JENJANG)}
        p_jen = np.array([jenjang_ix[j] for j in self.p_jenjang])
        metode = np.array(["Assessment Center", "Uji Kompetensi", "Computer Assisted Test"], dtype=object)
        next_id = 1
        for yi, year in enumerate(self.years):
            present = self._present(year)
            chosen = np.flatnonzero(present & (rng.random(self.n) < np.where(self.p_pppk, 0.12, 0.23)))
            day_max = int((min(ref_day, _d(year, 12, 31)) - _d(year)).astype(int))
            when = _d(year) + rng.integers(0, day_max + 1, len(chosen)).astype("timedelta64[D]")
            how = rng.integers(0, len(metode), len(chosen))
            for start in range(0, len(chosen), BATCH // 10):
                c = chosen[start:start + BATCH // 10]
                wd, hw = when[start:start + BATCH // 10], how[start:start + BATCH // 10]
                comps = np.column_stack([np.tile(np.arange(9), (len(c), 1)),
                                         self.unit_teknis[self.p_unit[c]]])
                person = np.repeat(c, comps.shape[1])
                comp = comps.ravel()
                std = levels[p_jen[person], comp]
                lv = np.clip(np.rint(std + ability[person] + comp_eff[comp] + 0.08 * yi
                                     + rng.normal(0, 0.5, len(person))), 1, 5).astype(int)
                m = len(person)
                self.w.write(contract.penilaian_kompetensi, {
                    "id": _ids(next_id, m),
                    "nip": self.p_nip[person].tolist(),
                    "kode_kompetensi": self.komp_kode[comp].tolist(),
                    "tanggal": self.w.dates(np.repeat(wd, comps.shape[1])),
                    "level": lv.tolist(),
                    "metode": metode[np.repeat(hw, comps.shape[1])].tolist(),
                })
                next_id += m
            self.progress(f"Penilaian kompetensi {year}", 0.62 + 0.28 * (yi + 1) / len(self.years))

    # --- satisfaction surveys ------------------------------------------------------------

    def surveys(self):
        rng, sampai = self.rng, self.sampai
        ref_day = _d(sampai.year, sampai.month, sampai.day)
        serving = np.flatnonzero(self.unit_layanan != None)  # noqa: E711 (object array)
        unit_years = len(serving) * len(self.years)
        mean_resp = 80
        p_survey = float(np.clip(3_000_000 * self.scale / (unit_years * mean_resp), 0.03, 0.9))
        base = 3.12 + 0.18 * self.unit_quality + rng.normal(0, 0.18, self.n_unit)
        unsur_eff = np.array([0.05, 0.0, -0.22, 0.25, 0.05, 0.08, 0.12, -0.3, -0.08])
        next_id = 1
        vol = {"kode_unit": [], "tahun": [], "jumlah_penerima": []}
        cov_mean = {y: np.nanmean(c) for y, c in self.unit_coverage.items()}
        for yi, year in enumerate(self.years):
            units = serving[rng.random(len(serving)) < p_survey]
            n_resp = np.clip(rng.lognormal(np.log(mean_resp) - 0.18, 0.6, len(units)), 8, 700).astype(int)
            shift = 0.04 * yi + rng.normal(0, 0.12, len(units))
            if year - 1 in self.unit_coverage:
                cov = self.unit_coverage[year - 1][units]
                shift += np.nan_to_num(0.9 * (cov - cov_mean[year - 1]))
            mean_u = base[units] + shift
            # Survey windows: yearly, per semester or per quarter.
            freq = np.array([1, 2, 4])[_choice(rng, len(units), range(3), [60, 25, 15])]
            resp_unit = np.repeat(np.arange(len(units)), n_resp)
            m = len(resp_unit)
            window = rng.integers(0, freq[resp_unit])
            month = (window * (12 // freq[resp_unit]) + rng.integers(0, 12 // freq[resp_unit]))
            day = ((np.datetime64(f"{year}-01", "M") + month).astype("datetime64[D]")
                   + rng.integers(0, 28, m).astype("timedelta64[D]"))
            keep = day <= ref_day
            resp_unit, day, m = resp_unit[keep], day[keep], int(keep.sum())
            latent = (mean_u[resp_unit][:, None] + unsur_eff[None, :]
                      + rng.normal(0, 0.3, (m, 1)) + rng.normal(0, 0.45, (m, 9)))
            answers = np.clip(np.rint(latent), 1, 4).astype(int).astype(object)
            answers[rng.random((m, 9)) < 0.015] = None
            u = units[resp_unit]
            saran = np.where(rng.random(m) < 0.15,
                             np.array(_SARAN, dtype=object)[rng.integers(len(_SARAN), size=m)], None)
            cols = {
                "id": _ids(next_id, m),
                "kode_unit": self.unit_kode[u].tolist(),
                "tanggal": self.w.dates(day),
                "jenis_layanan": self.unit_layanan[u].tolist(),
            }
            for j, name in enumerate(ref.UNSUR_IKM):
                cols[name] = answers[:, j].tolist()
            cols.update({
                "jenis_kelamin": np.where(rng.random(m) < 0.52, "P", "L").tolist(),
                "usia": np.clip(rng.normal(38, 13, m), 17, 85).astype(int).tolist(),
                "pendidikan": np.array(ref.PENDIDIKAN, dtype=object)[
                    _choice(rng, m, ref.PENDIDIKAN, [5, 10, 38, 2, 2, 10, 3, 25, 4, 1])].tolist(),
                "pekerjaan": np.array(_PEKERJAAN, dtype=object)[
                    _choice(rng, m, _PEKERJAAN, [12, 28, 22, 12, 14, 8, 4])].tolist(),
                "saran": saran.tolist(),
            })
            self.w.write(contract.survei_kepuasan, cols)
            next_id += m
            # Service volume for the sample check: about a quarter of units fall short
            # of the Krejcie-Morgan minimum; one in ten reports no volume.
            got = np.bincount(resp_unit, minlength=len(units))
            target = np.minimum(got * rng.uniform(0.65, 1.4, len(units)), 383.0)
            volume = np.ceil(target * 0.95775 / (0.96025 - 0.0025 * target)).astype(int)
            volume = np.where(target >= 383, volume * rng.integers(2, 40, len(units)), volume)
            report = (rng.random(len(units)) < 0.9) & (got > 0)
            vol["kode_unit"] += self.unit_kode[units[report]].tolist()
            vol["tahun"] += [year] * int(report.sum())
            vol["jumlah_penerima"] += np.maximum(volume[report], 1).tolist()
        self.w.write(contract.volume_layanan, vol)
