"""Kesenjangan kompetensi: where assessed competency falls short of the job standard, and what
training would close it (PermenPANRB 38/2017)."""

import streamlit as st

from data_access import ekspor, queries
from data_access.measures import level_below
from ui import charts, download, frame, ukuran
from ui import format as fmt

TITLE = "Kesenjangan kompetensi"
ABOUT = ("Level hasil penilaian terakhir tiap pegawai dibanding level standar jenjang jabatannya "
         "(PermenPANRB 38/2017), keadaan pada akhir tahun terpilih.")
# Every dataset and chart first, then the page, in one go (see pages/pelatihan.py).
k = frame.context()
f = k.filters
now = queries.headline(k.sel, queries.kompetensi.KARTU)
if now.loc["dinilai", "nilai"] == 0:
    frame.page_header(TITLE, ABOUT)
    frame.empty_state("Belum ada pegawai yang dinilai untuk filter ini.")
    st.stop()
level = level_below(f)
heat, per_level, per_year = queries.gap_per_wilayah(k.sel), queries.gap_per_jenjang(k.sel), queries.gap_tren(k.sel)
needs = queries.kebutuhan_pengembangan(k.sel)
total = queries.jumlah_di_bawah_standar(k.sel) if k.scope.lihat_orang else None
chart = {"heat": None if heat.empty else charts.gap_heatmap(heat, "nama", "kode_kompetensi"),
         "level": charts.gap_bars(per_level, "jenjang_jabatan"),
         "year": charts.gap_heatmap(per_year, "nama_kompetensi", "tahun")}

frame.page_header(TITLE, ABOUT)

cols = st.columns(4)
ukuran.kartu(cols[0], "memenuhi_standar", now, caption=f"dari **{fmt.angka(now.loc['dinilai', 'nilai'])}** "
             "pegawai dinilai.")
ukuran.kartu(cols[1], "jpm", now, label="JPM rata-rata")
ukuran.kartu(cols[2], "bagian_dinilai", now)
ukuran.kartu(cols[3], "dinilai_tahun_ini", now, caption=f"dari **{fmt.angka(now.loc['dinilai', 'nilai'])}** "
             "pegawai dinilai.")
frame.comparison_note(k)
value = lambda key: ukuran.teks(key, now.loc[key, "nilai"])  # noqa: E731
st.caption(f"JPM: **Optimal** {value('jpm_optimal')} · **Cukup Optimal** {value('jpm_cukup')} · **Kurang Optimal** "
           f"{value('jpm_kurang')} dari pegawai dinilai. Kebaruan penilaian terakhir: ≤ 1 tahun "
           f"{value('dinilai_1_tahun')}, 1–3 tahun {value('dinilai_1_3_tahun')}, > 3 tahun "
           f"{value('dinilai_lebih_3_tahun')} pegawai (jumlahnya = {value('dinilai')} dinilai).")
if now.loc["tanpa_standar", "nilai"]:
    st.warning(f"{value('tanpa_standar')} pegawai dinilai tetapi jenjang jabatannya belum punya level standar untuk "
               "kompetensi yang dinilai: mereka tidak ikut dihitung. Lengkapi tabel `standar_kompetensi`.",
               icon=":material/rule:")

st.subheader(f"Rata-rata gap per {level.noun} dan kompetensi")
if heat.empty:
    frame.empty_state()
else:
    frame.chart_and_table(chart["heat"], heat.rename(columns={
        "kode": f"Kode {level.noun}", "nama": level.label, "kode_kompetensi": "Kode kompetensi", "nama_kompetensi": "Kompetensi",
        "kelompok": "Kelompok", "rata_gap": "Rata-rata gap", "dinilai": "Dinilai"}),
        f"Kesenjangan kompetensi per {level.noun}", precision={"Rata-rata gap": 2})
    st.caption("Gap = level hasil penilaian − level standar. Jingga: di bawah standar; biru: di atas. "
               "Kode M.01–M.08 manajerial, SK.01 Perekat Bangsa, T.xx teknis. Arahkan kursor untuk jumlah dinilai.")

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Per jenjang jabatan")
    charts.show(chart["level"])
    frame.hidden_note(per_level)
with right:
    st.subheader("Tren per kompetensi")
    charts.show(chart["year"])
    frame.hidden_note(per_year)

st.subheader("Kebutuhan pengembangan kompetensi")
st.caption("Per kompetensi: pegawai di bawah standar, selisih levelnya, dan berapa yang sudah mengikuti "
           "pelatihan yang menyasar kompetensi itu sesudah penilaiannya. Dasar rencana pengembangan tahun depan.")
labels, shares, precision = ukuran.kolom(queries.KEBUTUHAN)
frame.table(needs[["kode_kompetensi", "nama_kompetensi", *labels]].rename(columns={
    "kode_kompetensi": "Kode", "nama_kompetensi": "Kompetensi", **labels}),
    "Kebutuhan pengembangan per kompetensi", percent=shares, precision=precision)
if k.scope.lihat_orang:
    st.markdown(f"**Pegawai di bawah standar**: {fmt.angka(total)} baris pegawai × kompetensi "
                "(daftar per orang; NIP disamarkan)")
    if st.toggle("Tampilkan 200 baris dengan kekurangan terbesar", key="daftar_kebutuhan"):
        people = queries.kebutuhan_per_orang(k.sel)
        frame.table(people.assign(
            dilatih_setelah_penilaian=people["dilatih_setelah_penilaian"].map({True: "ya", False: "tidak"})).rename(columns={
                "nip": "NIP", "nama": "Nama", "jenjang_jabatan": "Jenjang", "unit_kerja": "Unit kerja",
                "kompetensi": "Kompetensi", "level": "Level", "level_standar": "Standar",
                "kekurangan_level": "Kurang", "tanggal_penilaian": "Dinilai",
                "dilatih_setelah_penilaian": "Sudah dilatih"}), None)
    st.caption("Unduhan memuat semuanya dan dicatat di log audit (tanpa NIP atau nama).")
    download.dataset_buttons(ekspor.DATASETS["pegawai_di_bawah_standar"], k, total, key="unduh_kebutuhan_pegawai")

with st.expander("Definisi"):
    ukuran.definisi(("memenuhi_standar", "jpm", "bagian_dinilai", "dinilai_tahun_ini", "rata_gap", "sudah_dilatih"))
