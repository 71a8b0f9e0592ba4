"""Kesenjangan kompetensi: where assessed competency falls short of the job standard, and what
training would close it (PermenPANRB 38/2017)."""

import streamlit as st

from data_access import ekspor, queries
from ui import charts, download
from ui import format as fmt
from ui import frame

k = frame.page_header("Kesenjangan kompetensi",
                      "Level hasil penilaian terakhir tiap pegawai dibanding level standar jenjang jabatannya "
                      "(PermenPANRB 38/2017), keadaan pada akhir tahun terpilih.")
f, year = k.filters, k.filters.tahun
meta = dict(k.info.meta)
summary = queries.kompetensi_ringkasan(k.path, k.version, k.scope, f).set_index("tahun")
now = summary.loc[year] if year in summary.index else None
before = summary.loc[year - 1] if year - 1 in summary.index else None
if now is None or now["dinilai"] == 0:
    frame.empty_state("Belum ada pegawai yang dinilai untuk filter ini.")
    st.stop()

share = now["memenuhi"] / now["dinilai"]
delta = (fmt.selisih((share - before["memenuhi"] / before["dinilai"]) * 100, satuan=" poin")
         if before is not None and before["dinilai"] else None)
cols = st.columns(4)
cols[0].metric("Memenuhi standar", fmt.persen(share), delta, border=True,
               help="Pegawai yang tidak punya satu pun kompetensi di bawah level standar jabatannya, "
                    "dibagi pegawai yang dinilai.")
cols[1].metric("JPM rata-rata", fmt.persen(now["jpm"] / 100), border=True,
               help="Job Person Match: jumlah level hasil penilaian dibagi jumlah level standar, paling tinggi 100%.")
cols[2].metric("Pegawai dinilai", fmt.persen(now["dinilai"] / now["pegawai"]) if now["pegawai"] else "–",
               border=True, help="Pegawai yang punya hasil penilaian (kapan pun sampai akhir tahun), "
                                 "dibagi semua pegawai pada tahun itu.")
cols[3].metric("Dinilai tahun ini", fmt.persen(now["baru_1"] / now["dinilai"]), border=True,
               help="Bagian pegawai yang dinilai yang penilaian terakhirnya jatuh pada tahun terpilih.")
st.caption(
    f"JPM: **Optimal** (≥ {fmt.angka(float(meta.get('jpm_optimal', 90)))}%) {fmt.persen(now['optimal'] / now['dinilai'])} · "
    f"**Cukup Optimal** {fmt.persen(now['cukup'] / now['dinilai'])} · "
    f"**Kurang Optimal** (< {fmt.angka(float(meta.get('jpm_cukup', 78)))}%) {fmt.persen(now['kurang'] / now['dinilai'])}. "
    f"Kebaruan penilaian: ≤ 1 tahun {fmt.angka(now['baru_1'])}, 1–3 tahun {fmt.angka(now['baru_3'])}, "
    f"> 3 tahun {fmt.angka(now['lama'])} pegawai.")
if now["tanpa_standar"]:
    st.warning(f"{fmt.angka(now['tanpa_standar'])} pegawai dinilai tetapi jenjang jabatannya belum punya level "
               "standar untuk kompetensi yang dinilai: mereka tidak ikut dihitung. Lengkapi tabel "
               "`standar_kompetensi`.", icon=":material/rule:")

level_column, level_label = queries.tingkat_berikut(f)
st.subheader(f"Rata-rata gap per {level_label} dan kompetensi")
heat = queries.gap_per_wilayah(k.path, k.version, k.scope, f)
if heat.empty:
    frame.empty_state()
else:
    frame.chart_and_table(charts.gap_heatmap(heat, "nama", "kode_kompetensi"), heat.rename(columns={
        "nama": level_label.capitalize(), "kode_kompetensi": "Kode", "nama_kompetensi": "Kompetensi",
        "kelompok": "Kelompok", "rata_gap": "Rata-rata gap", "dinilai": "Dinilai"}),
        f"Kesenjangan kompetensi per {level_label}")
    st.caption("Gap = level hasil penilaian − level standar. Jingga: di bawah standar; biru: di atas. "
               "Kode M.01–M.08 manajerial, SK.01 Perekat Bangsa, T.xx teknis. Arahkan kursor untuk jumlah dinilai.")

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Per jenjang jabatan")
    by_level = queries.gap_per_jenjang(k.path, k.version, k.scope, f)
    charts.show(charts.gap_bars(by_level, "jenjang_jabatan"))
with right:
    st.subheader("Tren per kompetensi")
    trend = queries.gap_tren(k.path, k.version, k.scope, f)
    charts.show(charts.gap_heatmap(trend, "nama_kompetensi", "tahun"))

st.subheader("Kebutuhan pengembangan kompetensi")
needs = queries.kebutuhan_pengembangan(k.path, k.version, k.scope, f)
st.caption("Per kompetensi: pegawai di bawah standar, selisih levelnya, dan berapa yang sudah mengikuti "
           "pelatihan yang menyasar kompetensi itu sesudah penilaiannya. Dasar rencana pengembangan tahun depan.")
frame.table(needs.drop(columns=["kelompok"]).rename(columns={
    "kode_kompetensi": "Kode", "nama_kompetensi": "Kompetensi", "dinilai": "Dinilai",
    "di_bawah_standar": "Di bawah standar", "kekurangan_level": "Jumlah kekurangan level",
    "rata_kekurangan": "Rata-rata kekurangan", "sudah_dilatih": "Sudah dilatih sesudah penilaian",
    "bagian_dilatih": "Bagian sudah dilatih"}), "Kebutuhan pengembangan per kompetensi",
    percent=["Bagian sudah dilatih"], decimals=2)
if k.scope.lihat_orang:
    total = queries.jumlah_di_bawah_standar(k.path, k.version, k.scope, f)
    st.markdown(f"**Pegawai di bawah standar**: {fmt.angka(total)} baris pegawai × kompetensi "
                "(daftar per orang; NIP disamarkan)")
    if st.toggle("Tampilkan 200 baris dengan kekurangan terbesar", key="daftar_kebutuhan"):
        people = queries.kebutuhan_per_orang(k.path, k.version, k.scope, f)
        frame.table(people.assign(
            dilatih_setelah_penilaian=people["dilatih_setelah_penilaian"].map({True: "ya", False: "belum"}),
            tanggal_penilaian=people["tanggal_penilaian"].map(fmt.tanggal)).rename(columns={
                "nip": "NIP", "nama": "Nama", "jenjang_jabatan": "Jenjang", "unit_kerja": "Unit kerja",
                "kompetensi": "Kompetensi", "level": "Level", "level_standar": "Standar",
                "kekurangan_level": "Kurang", "tanggal_penilaian": "Dinilai",
                "dilatih_setelah_penilaian": "Sudah dilatih"}), None)
    st.caption("Unduhan memuat semuanya dan dicatat di log audit (tanpa NIP atau nama).")
    download.dataset_buttons(ekspor.DATASETS["pegawai_di_bawah_standar"], k, total, key="unduh_kebutuhan_pegawai")

with st.expander("Definisi"):
    st.markdown(f"""
- **Penilaian yang berlaku**: untuk setiap pegawai dan kompetensi, hasil penilaian **terakhir** sampai akhir
  tahun terpilih; penilaian sebelumnya diabaikan.
- **Gap** = level hasil penilaian − level standar jenjang jabatan (tabel `standar_kompetensi`); negatif berarti
  di bawah standar.
- **Memenuhi standar**: tidak ada satu pun kompetensi pegawai itu di bawah level standarnya.
- **JPM (Job Person Match)** = Σ level hasil penilaian / Σ level standar × 100%, **paling tinggi 100%**.
  Kategori: Optimal ≥ {fmt.angka(float(meta.get('jpm_optimal', 90)))}%, Cukup Optimal
  {fmt.angka(float(meta.get('jpm_cukup', 78)))}% sampai di bawah {fmt.angka(float(meta.get('jpm_optimal', 90)))}%,
  Kurang Optimal di bawah {fmt.angka(float(meta.get('jpm_cukup', 78)))}% (konvensi praktik asesmen, dapat diatur).
- Kompetensi tanpa level standar untuk jenjang pegawai tidak ikut dihitung; pegawai yang semua kompetensinya
  begitu disebut terpisah.
- **Sudah dilatih**: ada riwayat pelatihan dengan `kode_kompetensi` yang sama yang selesai sesudah tanggal penilaian
  dan paling lambat akhir tahun terpilih.
""")
