"""What every number means: the indicators with their formula, unit, target and legal
basis, and a definition for every column a download can carry.

The "Tentang data" page shows both; every XLSX download carries the definitions of its
columns on its "Keterangan" sheet. A column without a definition here is a defect
(tests/test_unduh.py checks every dataset).
"""

from __future__ import annotations

import re

import pandas as pd

from . import rules
from .measures import MEASURES, MIN_PEGAWAI, MIN_RESPONDEN  # noqa: F401  (the data page cites the minimums)


# The indicators on the data page: the measures that are headline figures, in this order.
INDIKATOR = ("cakupan", "jp_per_pns", "kekurangan_jp", "jp_per_pppk", "pppk_lebih_batas", "memenuhi_standar",
             "jpm", "bagian_dinilai", "dinilai_tahun_ini", "rata_gap", "bagian_dilatih", "ikm")


def indikator() -> pd.DataFrame:
    """The indicator list of the data page, straight from the measure layer."""
    return pd.DataFrame([{
        "Indikator": MEASURES[k].label, "Definisi": MEASURES[k].definition, "Rumus": MEASURES[k].formula,
        "Dihitung atas": MEASURES[k].population, "Satuan": SATUAN[MEASURES[k].unit], "Target": MEASURES[k].target,
        "Dasar hukum": MEASURES[k].basis} for k in INDIKATOR] + [SAMPEL_MINIMAL])


# The rule every unit's IKM is checked against (rules.krejcie_morgan): not a figure of its own.
SAMPEL_MINIMAL = {
    "Indikator": "Sampel minimal survei", "Definisi": "Jumlah responden minimal agar IKM unit dapat dipercaya.",
    "Rumus": "S = 3,841 × N × 0,25 ÷ (0,0025 × (N − 1) + 3,841 × 0,25), dibulatkan (Krejcie-Morgan)",
    "Dihitung atas": "penerima layanan unit pada periode itu (N; volume_layanan setahun, dibagi rata per semester "
                     "atau triwulan, sebanding bila periode belum selesai)",
    "Satuan": "responden", "Target": "responden ≥ S", "Dasar hukum": "PermenPANRB 14/2017 (mengutip Krejcie & Morgan)"}


SATUAN = {"persen": "persen (0–100%)", "JP": "JP (1 JP = 45 menit)", "orang": "orang", "indeks": "indeks 25–100",
          "level": "level (1–5)", "unit": "unit"}

# Definitions of the columns downloads carry, by column name (raw names of datasets and the
# labels page tables use).
KOLOM = {
    "tahun": "Tahun data (kegiatan dihitung pada tahun tanggal selesainya; kompetensi per akhir tahun).",
    "kode": "Kode entitas: wilayah (Kemendagri, 2 atau 4 angka), instansi, atau unit kerja.",
    "nama": "Nama wilayah, instansi, unit kerja, atau pegawai.",
    "tingkat": "Tingkat entitas (provinsi, kabupaten/kota, instansi, unit kerja).",
    "mutu": f"Mutu pelayanan menurut IKM (PermenPANRB 14/2017): {rules.mutu_teks()}.",
    "unit_kerja": "Unit kerja (keadaan terkini pegawai).",
    "instansi": "Instansi induk unit kerja.",
    "provinsi": "Provinsi tempat unit kerja.",
    "kabkota": "Kabupaten/kota tempat unit kerja (kosong untuk unit di tingkat provinsi atau pusat).",
    "kode_kompetensi": "Kode kompetensi (PermenPANRB 38/2017).",
    "kompetensi": "Nama kompetensi.",
    "kelompok": "Kelompok kompetensi: teknis, manajerial, atau sosial kultural.",
    "nip": "NIP 18 angka; disamarkan (19************2001) kecuali pada unduhan admin (UU 27/2022).",
    "golongan": "Golongan ruang (PNS) atau golongan PPPK, keadaan terkini.",
    "jenjang_jabatan": "Jenjang jabatan, keadaan terkini.",
    "jp": "Jumlah JP pegawai pada tahun itu.",
    "level": "Level kompetensi hasil penilaian terakhir sampai akhir tahun (1–5).",
    "level_standar": "Level standar kompetensi jenjang jabatannya (1–5).",
    "kekurangan_level": "Level standar dikurangi level dinilai.",
    "tanggal_penilaian": "Tanggal penilaian terakhir kompetensi itu.",
    "dilatih_setelah_penilaian": "Sudah mengikuti pelatihan untuk kompetensi itu setelah penilaian (ya/tidak).",
}


def _m(key: str) -> str:
    return MEASURES[key].definition


# Every measure's definition under its key, its label and its download header.
def _ukuran() -> dict[str, str]:
    """Every measure's definition under its key, its label and its download header, and the
    rank and change columns the comparison derives from it."""
    out = {}
    for m in MEASURES.values():
        out |= dict.fromkeys((m.key, m.label, m.export_header), m.definition)
        out[f"Peringkat {m.label}"] = f"Peringkat {m.label.lower()} di antara yang dibandingkan (1 = terbaik)."
        out[f"Δ {m.label}" + (" (poin)" if m.is_share else "")] = (
            f"Perubahan {m.label.lower()} terhadap tahun sebelumnya (bulan yang sama bila tahun masih berjalan)"
            + (", dalam poin persen." if m.is_share else "."))
    return out


UKURAN = _ukuran()


def definisi(column: str) -> str:
    """The definition of a column by its raw name or its page label ("" if unknown); a label
    with a year ("IKM 2025") takes the definition of the label, for that year."""
    year = re.fullmatch(r"(.+?) (\d{4})", column)
    if year:
        base = definisi(year.group(1))
        return f"{base} Tahun {year.group(2)}." if base else ""
    key = column.strip().lower().replace(" ", "_").replace("/", "")
    return UKURAN.get(column) or KOLOM.get(column) or KOLOM.get(key) or LABEL.get(column, "")


# Labels page tables use, with their definitions (taken from the raw names where they match).
LABEL = {
    "Unit kerja": KOLOM["unit_kerja"], "Instansi": KOLOM["instansi"], "Provinsi": KOLOM["provinsi"],
    "Kabupaten/kota": KOLOM["kabkota"], "Nama": KOLOM["nama"], "PNS": _m("pns"), "ASN": _m("asn"),
    "Cakupan 20 JP": _m("cakupan"), "JP per PNS": _m("jp_per_pns"),
    
    "JP yang kurang": _m("kekurangan_jp"), "JP tahun ini": KOLOM["jp"], "NIP": KOLOM["nip"],
    "Golongan": KOLOM["golongan"], "Jenjang jabatan": KOLOM["jenjang_jabatan"],
    "JPM": _m("jpm"), "IKM": _m("ikm"), "Mutu": KOLOM["mutu"], "Responden": _m("responden"),
    "Kompetensi": KOLOM["kompetensi"], "Kelompok": KOLOM["kelompok"], "Dinilai": _m("dinilai"),
    "Di bawah standar": _m("di_bawah_standar"), "Rata-rata kekurangan": _m("rata_kekurangan"),
    "Sudah dilatih": _m("sudah_dilatih"), "Level": KOLOM["level"], "Standar": KOLOM["level_standar"],
    "Kekurangan": KOLOM["kekurangan_level"], "Tanggal penilaian": KOLOM["tanggal_penilaian"],
    "Dilatih setelah penilaian": KOLOM["dilatih_setelah_penilaian"], "Tahun": KOLOM["tahun"],
    "Periode": "Periode survei (tahun, semester, atau triwulan).", "Kode": KOLOM["kode"],
    # training
    "Bulan": "Bulan dalam tahun (1–12).", "JP dari": "Batas bawah kelompok JP (termasuk).",
    "JP sampai (tidak termasuk)": "Batas atas kelompok JP (tidak termasuk).", "Jumlah PNS": _m("pns"),
    "JP per PNS (kumulatif)": "Rata-rata JP per PNS dari awal tahun sampai akhir bulan itu.",
    "Jalur": "Jalur pengembangan: klasikal atau nonklasikal (Peraturan LAN 10/2018).",
    "Jenis": "Jenis kegiatan pengembangan kompetensi (Peraturan LAN 10/2018).",
    "Moda": "Cara penyelenggaraan: tatap muka, daring, atau campuran.", "Kegiatan": "Jumlah kegiatan (catatan riwayat).",
    "Peserta": "Jumlah pegawai berbeda yang mengikutinya.",
    # competency
    # satisfaction
    "Jenis layanan": "Jenis layanan publik unit itu.", "Unsur": "Unsur pelayanan (U1–U9, PermenPANRB 14/2017).",
    "NRR (1–4)": "Nilai rata-rata jawaban unsur itu dari responden yang menjawabnya (1 terburuk, 4 terbaik).",
    "Konversi (×25)": "NRR dikali 25: nilai unsur pada skala 25–100.",
    "Menjawab": "Responden yang menjawab unsur itu.",
    "Penerima layanan": "Jumlah penerima layanan unit pada tahun itu (populasi N survei).",
    "Sampel minimum": "Responden minimal menurut Krejcie-Morgan untuk populasi N.",
    "Status": "Kecukupan sampel: memadai, sampel belum memadai, atau volume tidak diketahui.",
    # comparison
    "Kecukupan sampel": "Kecukupan sampel survei unit pada periode itu menurut Krejcie-Morgan: memadai, sampel belum "
                        "memadai, atau volume tidak diketahui (jumlah penerima layanan tidak dilaporkan).",
    "Mutu IKM": KOLOM["mutu"],
    "Kinerja unit": "Kinerja unit pelayanan menurut mutu IKM: Sangat Baik, Baik, Kurang Baik, Tidak Baik (PermenPANRB 14/2017).",
    "Catatan": "⚠ kecil: kurang dari MIN_STABIL pegawai atau responden, angkanya belum stabil.",
    "Cakupan vs nasional": "▲ cakupan 20 JP setara atau di atas angka nasional; ▼ di bawahnya.",
    "Kode provinsi": "Kode provinsi Kemendagri (2 angka).", "Kode kabupaten/kota": "Kode kabupaten/kota Kemendagri (4 angka).",
    "Kode instansi": "Kode instansi.", "Kode unit kerja": "Kode unit kerja.", "Kode kompetensi": KOLOM["kode_kompetensi"],
    "Level standar": KOLOM["level_standar"], "Kekurangan level": KOLOM["kekurangan_level"],
    "Dihitung atas": "Populasi yang dihitung: siapa yang masuk pembilang dan penyebut.",
    # the data page
    "Indikator": "Nama indikator.", "Definisi": "Arti indikator atau kolom.", "Rumus": "Cara menghitungnya.",
    "Satuan": "Satuan angka.", "Target": "Target atau ambang yang berlaku.",
    "Dasar hukum": "Peraturan yang menjadi dasarnya.",
    "Tabel": "Tabel pada kontrak data sumber.", "Tabel sumber": "Tabel pada basis data sumber (kontrak data).", "Tabel mart": "Tabel pada mart analitik DuckDB.",
    "Jumlah baris": "Jumlah baris tabel.", "Kolom": "Nama kolom pada kontrak data.",
    "Tipe": "Tipe data kolom.", "Wajib": "ya: kolom tidak boleh kosong.", "Kunci": "ya: bagian kunci tabel.",
    "Aturan": "Aturan isi yang diperiksa impor dan `check` (nilai yang boleh, pola, rujukan, rentang).",
    # freshness, imports and their history (Tentang data, Kelola data; data_access/riwayat.py)
    "Tanggal terbaru": "Tanggal paling akhir yang dimuat tabel itu sampai hari refresh (kolomnya: Tanggal dari kolom).",
    "Tanggal dari kolom": "Kolom tanggal yang menentukan tanggal terbaru tabel itu.",
    "Tertinggal": "Tanggal terbaru tabel (atau tabel-tabel instansi itu) lebih dari BATAS_KESEGARAN_BULAN bulan "
                  "sebelum tanggal data per mart.",
    "Pegawai": "Baris pegawai instansi itu (lewat unit kerjanya).",
    "Pegawai terbaru": "TMT atau tanggal berhenti terbaru pegawai instansi itu.",
    "Pelatihan": "Baris riwayat pelatihan pegawai instansi itu.", "Pelatihan terbaru": "Tanggal selesai pelatihan terbaru.",
    "Penilaian": "Baris penilaian kompetensi pegawai instansi itu.", "Penilaian terbaru": "Tanggal penilaian terbaru.",
    "Survei": "Responden survei kepuasan unit kerja instansi itu.", "Survei terbaru": "Tanggal survei terbaru.",
    "Waktu": "Waktu kejadian (tanggal dan jam server).", "Proses": "Impor berkas atau pembaruan mart.",
    "Oleh": "Siapa yang menjalankannya: email admin, (cli <pengguna sistem>) dari baris perintah, atau (otomatis).",
    "Berkas": "Nama berkas (dan lembar XLSX) yang diperiksa atau diimpor.",
    "Baris": "Nomor baris di berkas; baris 1 adalah judul kolom.",
    "Nilai": "Isi sel yang bermasalah, seperti tertulis (dipotong bila panjang).",
    "Keterangan": "Penjelasan masalah, peringatan, atau hasil.",
    "Jenis temuan": "masalah (menghalangi impor; tidak ada yang ditulis) atau peringatan (tidak menghalangi).",
    "Hasil": "berhasil; ditolak (ada masalah, tidak ada yang ditulis); gagal (sumber atau mart tidak dapat dipakai); "
             "terputus (dihentikan sebelum selesai, mart lama tetap).",
    "Baris baru": "Baris yang ditambahkan ke sumber.",
    "Baris diganti": "Baris yang menggantikan baris tersimpan dengan kunci yang sama.",
    "Rincian per tabel": "Baris baru dan diganti per tabel.", "Baris ditulis": "Baris yang ditulis ke sumber.",
    "Baru": "Baris yang ditambahkan ke sumber.",
    "Menggantikan baris tersimpan": "Baris yang menggantikan baris tersimpan dengan kunci yang sama.",
}
