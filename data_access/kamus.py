"""What every number means: the indicators with their formula, unit, target and legal
basis, and a definition for every column a download can carry.

The "Tentang data" page shows both; every XLSX download carries the definitions of its
columns on its "Keterangan" sheet. A column without a definition here is a defect
(tests/test_unduh.py checks every dataset).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Indikator:
    nama: str
    definisi: str
    rumus: str
    satuan: str
    target: str
    dasar: str


INDIKATOR = [
    Indikator("Cakupan 20 JP",
              "Bagian PNS yang jumlah JP pengembangan kompetensinya dalam setahun mencapai target.",
              "PNS dengan JP setahun ≥ target ÷ semua PNS pada tahun itu", "persen PNS",
              "setiap PNS ≥ 20 JP per tahun (TARGET_JP_PNS)",
              "PP 11/2017 pasal 203 ayat (4), diubah dengan PP 17/2020"),
    Indikator("JP per PNS", "Rata-rata jam pelajaran pengembangan kompetensi per PNS dalam setahun.",
              "jumlah JP semua PNS ÷ jumlah PNS", "JP (1 JP = 45 menit)", "≥ 20 JP",
              "PP 11/2017; jenis pengembangan menurut Peraturan LAN 10/2018"),
    Indikator("JP yang kurang", "Jam pelajaran yang masih kurang agar setiap PNS mencapai target.",
              "Σ max(0, target − JP setahun) atas semua PNS", "JP", "0", "PP 11/2017 pasal 203 ayat (4)"),
    Indikator("JP PPPK", "Jam pelajaran PPPK; bukan bagian cakupan 20 JP.",
              "jumlah JP PPPK ÷ jumlah PPPK", "JP", "paling banyak 24 JP per tahun kontrak (MAX_JP_PPPK)",
              "PP 49/2018 tentang Manajemen PPPK"),
    Indikator("Kesenjangan kompetensi", "Level hasil penilaian dikurangi level standar jenjang jabatan, "
              "dari penilaian terakhir setiap pegawai per kompetensi sampai akhir tahun.",
              "level dinilai − level standar (negatif = di bawah standar)", "level (1–5)", "≥ 0",
              "PermenPANRB 38/2017 tentang Standar Kompetensi Jabatan ASN"),
    Indikator("Memenuhi standar", "Bagian pegawai yang dinilai dan tidak punya satu kompetensi pun di bawah "
              "standar jenjangnya.", "pegawai tanpa kompetensi di bawah standar ÷ pegawai dinilai",
              "persen pegawai dinilai", "100%", "PermenPANRB 38/2017"),
    Indikator("JPM (Job Person Match)", "Kesesuaian pegawai dengan jabatannya.",
              "Σ level dinilai ÷ Σ level standar × 100%, paling tinggi 100%", "persen",
              "Optimal ≥ 90%, Cukup Optimal ≥ 78% (JPM_OPTIMAL, JPM_CUKUP)",
              "praktik asesmen kompetensi (PermenPANRB 38/2017, Peraturan BKN 26/2019)"),
    Indikator("IKM (Indeks Kepuasan Masyarakat)", "Kepuasan pengguna layanan atas sembilan unsur pelayanan.",
              "Σ NRR unsur × 1/9 × 25, NRR = rata-rata jawaban (1–4) per unsur; beberapa unit atau periode "
              "digabung dari jawaban (berbobot responden)", "indeks 25–100",
              "mutu A ≥ 88,31; B ≥ 76,61; C ≥ 65,00; D di bawahnya; target minimal B",
              "PermenPANRB 14/2017 tentang Pedoman Penyusunan Survei Kepuasan Masyarakat"),
    Indikator("Sampel minimal survei", "Jumlah responden minimal agar IKM unit dapat dipercaya.",
              "S = 3,841 × N × 0,25 ÷ (0,0025 × (N − 1) + 3,841 × 0,25), dibulatkan (Krejcie-Morgan)",
              "responden", "responden ≥ S", "PermenPANRB 14/2017 (mengutip Krejcie & Morgan)"),
]

# Definitions of the columns downloads carry, by column name (raw names of datasets and the
# labels page tables use).
KOLOM = {
    "tahun": "Tahun data (kegiatan dihitung pada tahun tanggal selesainya; kompetensi per akhir tahun).",
    "kode": "Kode entitas: wilayah (Kemendagri, 2 atau 4 angka), instansi, atau unit kerja.",
    "nama": "Nama wilayah, instansi, unit kerja, atau pegawai.",
    "tingkat": "Tingkat entitas (provinsi, kabupaten/kota, instansi, unit kerja).",
    "asn": "Jumlah ASN (PNS dan PPPK) pada tahun itu.",
    "pns": "Jumlah PNS pada tahun itu (TMT ≤ 31 Desember dan masih aktif atau berhenti pada/sesudah tahun itu).",
    "pppk": "Jumlah PPPK pada tahun itu.",
    "pns_capai_target": "PNS yang JP setahunnya mencapai target (20 JP).",
    "capai": "PNS yang JP setahunnya mencapai target (20 JP).",
    "di_bawah_target": "PNS yang JP setahunnya di bawah target (20 JP).",
    "cakupan": "Cakupan 20 JP: PNS yang mencapai target ÷ semua PNS (0–1; 0,625 = 62,5%).",
    "cakupan_20jp": "Cakupan 20 JP: PNS yang mencapai target ÷ semua PNS (0–1; 0,625 = 62,5%).",
    "jp_per_pns": "Rata-rata JP per PNS dalam setahun.",
    "jp_per_pppk": "Rata-rata JP per PPPK dalam setahun (batas 24 JP per tahun kontrak).",
    "kekurangan_jp": "Jumlah JP yang masih kurang agar setiap PNS mencapai target.",
    "dinilai": "Pegawai yang punya hasil penilaian kompetensi sampai akhir tahun.",
    "memenuhi_standar": "Pegawai dinilai tanpa satu pun kompetensi di bawah standar jenjangnya.",
    "persen_memenuhi": "Memenuhi standar ÷ dinilai (0–1).",
    "jpm": "Job Person Match rata-rata: Σ level ÷ Σ standar × 100%, paling tinggi 100% (persen).",
    "tanpa_standar": "Pegawai dinilai yang jenjang jabatannya belum punya standar kompetensi (tidak dihitung).",
    "responden": "Jumlah responden survei kepuasan masyarakat.",
    "ikm": "Indeks Kepuasan Masyarakat 25–100 dari jawaban gabungan (PermenPANRB 14/2017).",
    "mutu": "Mutu pelayanan menurut IKM: A (88,31–100), B (76,61–88,30), C (65,00–76,60), D (25,00–64,99).",
    "unit_kerja": "Unit kerja (keadaan terkini pegawai).",
    "instansi": "Instansi induk unit kerja.",
    "provinsi": "Provinsi tempat unit kerja.",
    "kabkota": "Kabupaten/kota tempat unit kerja (kosong untuk unit di tingkat provinsi atau pusat).",
    "kode_kompetensi": "Kode kompetensi (PermenPANRB 38/2017).",
    "kompetensi": "Nama kompetensi.",
    "kelompok": "Kelompok kompetensi: teknis, manajerial, atau sosial kultural.",
    "di_bawah_standar": "Pegawai yang level terakhirnya di bawah standar jenjang jabatannya.",
    "rata_kekurangan": "Rata-rata kekurangan level pada pegawai yang di bawah standar.",
    "sudah_dilatih": "Pegawai di bawah standar yang sudah mengikuti pelatihan untuk kompetensi itu setelah dinilai.",
    "nip": "NIP 18 angka; disamarkan (19************2001) kecuali pada unduhan admin (UU 27/2022).",
    "golongan": "Golongan ruang (PNS) atau golongan PPPK, keadaan terkini.",
    "jenjang_jabatan": "Jenjang jabatan, keadaan terkini.",
    "jp": "Jumlah JP pegawai pada tahun itu.",
    "level": "Level kompetensi hasil penilaian terakhir sampai akhir tahun (1–5).",
    "level_standar": "Level standar kompetensi jenjang jabatannya (1–5).",
    "kekurangan_level": "Level standar dikurangi level dinilai.",
    "tanggal_penilaian": "Tanggal penilaian terakhir kompetensi itu.",
    "dilatih_setelah_penilaian": "Sudah mengikuti pelatihan untuk kompetensi itu setelah penilaian (ya/belum).",
}


def definisi(column: str) -> str:
    """The definition of a column by its raw name or its page label ("" if unknown); a label
    with a year ("IKM 2025") takes the definition of the label, for that year."""
    year = re.fullmatch(r"(.+?) (\d{4})", column)
    if year:
        base = definisi(year.group(1))
        return f"{base} Tahun {year.group(2)}." if base else ""
    key = column.strip().lower().replace(" ", "_").replace("/", "")
    return KOLOM.get(column) or KOLOM.get(key) or LABEL.get(column, "")


# Labels page tables use, with their definitions (taken from the raw names where they match).
LABEL = {
    "Unit kerja": KOLOM["unit_kerja"], "Instansi": KOLOM["instansi"], "Provinsi": KOLOM["provinsi"],
    "Kabupaten/kota": KOLOM["kabkota"], "Nama": KOLOM["nama"], "PNS": KOLOM["pns"], "ASN": KOLOM["asn"],
    "Cakupan": KOLOM["cakupan"], "Cakupan 20 JP": KOLOM["cakupan"], "JP per PNS": KOLOM["jp_per_pns"],
    "Di bawah 20 JP": KOLOM["di_bawah_target"], "Capai 20 JP": KOLOM["capai"],
    "JP yang kurang": KOLOM["kekurangan_jp"], "JP tahun ini": KOLOM["jp"], "NIP": KOLOM["nip"],
    "Golongan": KOLOM["golongan"], "Jenjang jabatan": KOLOM["jenjang_jabatan"],
    "Memenuhi standar": "Bagian pegawai dinilai tanpa kompetensi di bawah standar (0–1).",
    "JPM": KOLOM["jpm"], "IKM": KOLOM["ikm"], "Mutu": KOLOM["mutu"], "Responden": KOLOM["responden"],
    "Kompetensi": KOLOM["kompetensi"], "Kelompok": KOLOM["kelompok"], "Dinilai": KOLOM["dinilai"],
    "Di bawah standar": KOLOM["di_bawah_standar"], "Rata-rata kekurangan": KOLOM["rata_kekurangan"],
    "Sudah dilatih": KOLOM["sudah_dilatih"], "Level": KOLOM["level"], "Standar": KOLOM["level_standar"],
    "Kekurangan": KOLOM["kekurangan_level"], "Tanggal penilaian": KOLOM["tanggal_penilaian"],
    "Dilatih setelah penilaian": KOLOM["dilatih_setelah_penilaian"], "Tahun": KOLOM["tahun"],
    "Periode": "Periode survei (tahun, semester, atau triwulan).", "Kode": KOLOM["kode"],
    # training
    "Bulan": "Bulan dalam tahun (1–12).", "JP dari": "Batas bawah kelompok JP (termasuk).",
    "JP sampai (tidak termasuk)": "Batas atas kelompok JP (tidak termasuk).", "Jumlah PNS": KOLOM["pns"],
    "JP per PNS (kumulatif)": "Rata-rata JP per PNS dari awal tahun sampai akhir bulan itu.",
    "Mencapai 20 JP": KOLOM["capai"], "Jalur": "Jalur pengembangan: klasikal atau nonklasikal (Peraturan LAN 10/2018).",
    "Jenis": "Jenis kegiatan pengembangan kompetensi (Peraturan LAN 10/2018).",
    "Moda": "Cara penyelenggaraan: tatap muka, daring, atau campuran.", "Kegiatan": "Jumlah kegiatan (catatan riwayat).",
    "Peserta": "Jumlah pegawai berbeda yang mengikutinya.",
    # competency
    "Rata-rata gap": "Rata-rata (level dinilai − level standar); negatif = di bawah standar.",
    "Jumlah kekurangan level": "Jumlah level yang kurang dari standar, atas semua pegawai di bawah standar.",
    "Sudah dilatih sesudah penilaian": KOLOM["sudah_dilatih"],
    "Bagian sudah dilatih": "Sudah dilatih sesudah penilaian ÷ di bawah standar (0–1).",
    # satisfaction
    "Jenis layanan": "Jenis layanan publik unit itu.", "Unsur": "Unsur pelayanan (U1–U9, PermenPANRB 14/2017).",
    "NRR (1–4)": "Nilai rata-rata jawaban unsur itu dari responden yang menjawabnya (1 terburuk, 4 terbaik).",
    "Konversi (×25)": "NRR dikali 25: nilai unsur pada skala 25–100.",
    "Menjawab": "Responden yang menjawab unsur itu.",
    "Penerima layanan": "Jumlah penerima layanan unit pada tahun itu (populasi N survei).",
    "Sampel minimum": "Responden minimal menurut Krejcie-Morgan untuk populasi N.",
    "Status": "Kecukupan sampel: memadai, sampel belum memadai, atau volume tidak diketahui.",
    # comparison
    "Peringkat cakupan": "Peringkat cakupan 20 JP di antara yang dibandingkan (1 = terbaik).",
    "Peringkat JP": "Peringkat JP per PNS di antara yang dibandingkan (1 = terbaik).",
    "Peringkat kompetensi": "Peringkat memenuhi standar di antara yang dibandingkan (1 = terbaik).",
    "Peringkat JPM": "Peringkat JPM di antara yang dibandingkan (1 = terbaik).",
    "Peringkat IKM": "Peringkat IKM di antara yang dibandingkan (1 = terbaik).",
    "Δ cakupan (poin)": "Perubahan cakupan 20 JP terhadap tahun sebelumnya, dalam poin persen.",
    "Δ JP": "Perubahan JP per PNS terhadap tahun sebelumnya.",
    "Δ memenuhi (poin)": "Perubahan memenuhi standar terhadap tahun sebelumnya, dalam poin persen.",
    "Δ IKM": "Perubahan IKM terhadap tahun sebelumnya.",
    # the data page
    "Indikator": "Nama indikator.", "Definisi": "Arti indikator atau kolom.", "Rumus": "Cara menghitungnya.",
    "Satuan": "Satuan angka.", "Target": "Target atau ambang yang berlaku.",
    "Dasar hukum": "Peraturan yang menjadi dasarnya.",
    "Tabel": "Tabel pada kontrak data sumber.", "Tabel sumber": "Tabel pada basis data sumber (kontrak data).", "Tabel mart": "Tabel pada mart analitik DuckDB.",
    "Jumlah baris": "Jumlah baris tabel.", "Kolom": "Nama kolom pada kontrak data.",
    "Tipe": "Tipe data kolom.", "Wajib": "ya: kolom tidak boleh kosong.", "Kunci": "ya: bagian kunci tabel.",
    "Aturan": "Aturan isi yang diperiksa impor dan `check` (nilai yang boleh, pola, rujukan, rentang).",
}
