"""Cakupan pelatihan 20 JP: who gets the 20 JP a year, through what, where (PP 11/2017)."""

import streamlit as st

from data_access import ekspor, queries
from data_access.measures import MIN_PEGAWAI, level_below
from ui import charts, download, frame, ukuran
from ui import format as fmt

TITLE = "Cakupan pelatihan 20 JP"
ABOUT = ("Setiap PNS berhak atas pengembangan kompetensi paling sedikit 20 JP setahun (PP 11/2017 pasal 203 "
         "ayat 4, diubah PP 17/2020).")
# Every dataset and chart first, then the page: drawn in one go, the browser renders it a few times
# instead of once per element that arrives while the next query runs or chart is built
# (bench/peramban.py).
k = frame.context()
f, target = k.filters, queries.target_jp(k.sel)
now = queries.headline(k.sel, queries.pelatihan.KARTU)
if now.loc["pns", "nilai"] == 0:
    frame.page_header(TITLE, ABOUT)
    frame.empty_state("Tidak ada data PNS untuk filter ini.")
    st.stop()
running = queries.cut_off(k.sel) is not None
dist = queries.distribusi_jp(k.sel)
months = queries.kemajuan_bulanan(k.sel, k.info.data_per.month if running else 12)
level = level_below(f)
ranking, national = queries.cakupan_per_wilayah(k.sel), queries.cakupan_nasional(k.sel)
breakdown = queries.cakupan_rincian(k.sel)
delivery, modes, online = queries.cara_pengembangan(k.sel), queries.bagian_moda(k.sel), queries.daring_per_3t(k.sel)
units = queries.unit_cakupan_terendah(k.sel)
chart = {"dist": charts.jp_histogram(dist, target), "months": charts.jp_progress(months, f.tahun, target),
         "ranking": None if ranking.empty else charts.coverage_bars(ranking.dropna(subset=["cakupan"]), "nama",
                                                                     "Cakupan 20 JP", national),
         "breakdown": {dimension: charts.coverage_bars(breakdown[breakdown["dimensi"] == dimension], "nilai",
                                                       "Cakupan 20 JP", sort=False) for dimension in queries.RINCIAN},
         "delivery": None if delivery.empty else charts.delivery_bars(delivery),
         "modes": charts.share_bars(modes, "moda", "bagian", "Bagian JP"),
         "online": charts.share_bars(online, "wilayah", "bagian_daring", "JP daring")}

frame.page_header(TITLE, ABOUT)

cols = st.columns(4)
ukuran.kartu(cols[0], "cakupan", now, caption=f"dari **{fmt.angka(now.loc['pns', 'nilai'])}** PNS.")
for col, key in zip(cols[1:], ("di_bawah_target", "kekurangan_jp", "pns_tanpa_pelatihan")):
    ukuran.kartu(col, key, now)
frame.comparison_note(k)
st.caption("PPPK tidak termasuk: lihat bagian PPPK di bawah.")

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Sebaran JP per PNS")
    frame.chart_and_table(chart["dist"], dist.rename(
        columns={"dari": "JP dari", "sampai": "JP sampai (tidak termasuk)", "jumlah": "Jumlah PNS"}),
        "Sebaran JP per PNS")
with right:
    st.subheader("Kemajuan dalam tahun")
    frame.chart_and_table(chart["months"], months.rename(
        columns={"tahun": "Tahun", "bulan": "Bulan", "jp_per_pns": "JP per PNS (kumulatif)", "pns": "PNS"}),
        "Kemajuan JP dalam tahun", precision={"JP per PNS (kumulatif)": 1})
    where = queries.posisi_jalur(months, f.tahun, target)
    if where:
        verdict = "sesuai jalur" if not where["kurang"] else f"tertinggal {fmt.angka(where['kurang'], 1)} JP dari jalur"
        st.caption(f"Akhir {fmt.BULAN[where['bulan'] - 1]} {f.tahun}: rata-rata **{fmt.angka(where['jp_per_pns'], 1)} "
                   f"JP** per PNS; jalur lurus ke {target:g} JP di {fmt.angka(where['jalur'], 1)} JP — {verdict}.")

st.subheader(f"Cakupan per {level.noun}")
if ranking.empty:
    frame.empty_state()
else:
    labels, shares, precision = ukuran.kolom(("pns", "pns_capai", "cakupan", "kekurangan_jp"))
    frame.chart_and_table(
        chart["ranking"], ranking[["kode", "nama", *labels]].rename(columns={"kode": "Kode", "nama": level.label, **labels}),
        f"Cakupan pelatihan per {level.noun}", percent=shares, precision=precision)
    st.caption((f"Garis jingga: cakupan nasional {ukuran.teks('cakupan', national)} dengan filter periode dan "
                "pegawai yang sama. " if national is not None else "")
               + f"Yang kurang dari {MIN_PEGAWAI} PNS tidak diberi angka cakupan (terlalu kecil untuk dibandingkan).")

st.subheader("Cakupan menurut kelompok pegawai")
grid = st.columns(2, gap="large")
for i, (dimension, label) in enumerate(queries.RINCIAN.items()):
    with grid[i % 2]:
        st.markdown(f"**{label}**")
        charts.show(chart["breakdown"][dimension])
frame.hidden_note(breakdown)

st.subheader("Cara pengembangan diberikan")
if delivery.empty:
    frame.empty_state("Tidak ada kegiatan pengembangan untuk filter ini.")
else:
    left, right = st.columns([3, 2], gap="large")
    with left:
        frame.chart_and_table(chart["delivery"], delivery.rename(columns={
            "jalur": "Jalur", "jenis": "Jenis", "moda": "Moda", "jp": "JP", "kegiatan": "Kegiatan",
            "peserta": "Peserta"}), "Cara pengembangan", precision={"JP": 2})
    with right:
        st.markdown("**Bagian JP menurut moda**")
        charts.show(chart["modes"])
        st.markdown("**Bagian JP daring: daerah 3T dan lainnya**")
        charts.show(chart["online"])
        frame.hidden_note(modes, online)
        st.caption(ukuran.MEASURES["bagian_daring"].definition)

st.subheader("PPPK")
if now.loc["pppk", "nilai"] == 0:
    st.caption("Tidak ada PPPK dalam pilihan ini.")
else:
    cols = st.columns(4)
    for col, key in zip(cols, ("pppk", "jp_per_pppk", "pppk_lebih_batas", "pppk_tanpa_pelatihan")):
        ukuran.kartu(col, key, now)
    st.caption(f"PPPK: {ukuran.MEASURES['jp_per_pppk'].target}. Mereka tidak dihitung gagal terhadap target PNS dan "
               "tidak termasuk dalam cakupan di atas.")

st.subheader("Untuk perencana")
st.markdown(f"**Unit kerja dengan cakupan terendah** ({fmt.angka(len(units))} unit dalam pilihan ini)")
labels, shares, precision = ukuran.kolom(("pns", "di_bawah_target", "cakupan", "kekurangan_jp"))
units = units[["kode", "nama", "instansi", *labels]].rename(columns={
    "kode": "Kode", "nama": "Unit kerja", "instansi": "Instansi", **labels})
frame.table(units.head(100), "Unit kerja dengan cakupan terendah", percent=shares, precision=precision,
            full=lambda: units)
if k.scope.lihat_orang:
    total = int(now.loc["di_bawah_target", "nilai"])
    st.markdown(f"**PNS di bawah {target:g} JP**: {fmt.angka(total)} orang (daftar per orang; NIP disamarkan)")
    if st.toggle("Tampilkan 200 orang dengan JP paling sedikit", key="daftar_pns"):
        people = queries.pns_di_bawah_target(k.sel)
        frame.table(people.rename(columns={
            "nip": "NIP", "nama": "Nama", "golongan": "Golongan", "jenjang_jabatan": "Jenjang jabatan",
            "unit_kerja": "Unit kerja", "jp": "JP tahun ini", "kekurangan_jp": "JP yang kurang"}), None,
            precision={"JP tahun ini": 2, "JP yang kurang": 2})
    st.caption("Unduhan memuat semuanya dan dicatat di log audit (tanpa NIP atau nama).")
    download.dataset_buttons(ekspor.DATASETS["pns_di_bawah_target"], k, total, key="unduh_pns")

with st.expander("Definisi"):
    ukuran.definisi(("cakupan", "jp_per_pns", "kekurangan_jp", "jp_per_pppk"))
    st.markdown("- **Tahun sebuah kegiatan** adalah tahun `tanggal_selesai`-nya. Unit, golongan, dan jabatan adalah "
                "keadaan terkini pegawai, bukan pada saat pelatihan.")
