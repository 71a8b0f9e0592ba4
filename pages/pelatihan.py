"""Cakupan pelatihan 20 JP: who gets the 20 JP a year, through what, where (PP 11/2017)."""

import streamlit as st

from data_access import ekspor, queries
from ui import charts, download
from ui import format as fmt
from ui import frame

k = frame.page_header("Cakupan pelatihan 20 JP",
                      "Setiap PNS berhak atas pengembangan kompetensi paling sedikit 20 JP setahun "
                      "(PP 11/2017 pasal 203 ayat 4, diubah PP 17/2020).")
f, year = k.filters, k.filters.tahun
target = float(dict(k.info.meta).get("target_jp_pns", 20))
summary = queries.pelatihan_ringkasan(k.path, k.version, k.scope, f).set_index(["tahun", "jenis_asn"])


def row(tahun: int, jenis: str):
    return summary.loc[(tahun, jenis)] if (tahun, jenis) in summary.index else None


pns, pns_before = row(year, "PNS"), row(year - 1, "PNS")
if pns is None or pns["pegawai"] == 0:
    frame.empty_state("Tidak ada data PNS untuk filter ini.")
    st.stop()

coverage = pns["capai"] / pns["pegawai"]
delta = None
if pns_before is not None and pns_before["pegawai"]:
    delta = fmt.selisih((coverage - pns_before["capai"] / pns_before["pegawai"]) * 100, satuan=" poin")
cols = st.columns(4)
cols[0].metric("Cakupan 20 JP", fmt.persen(coverage), delta, border=True,
               help=f"PNS yang mencapai {target:g} JP dibagi semua PNS pada tahun {year}.")
cols[1].metric("PNS di bawah 20 JP", fmt.angka(pns["pegawai"] - pns["capai"]), border=True,
               help="PNS yang JP-nya tahun ini belum mencapai target.")
cols[2].metric("JP yang masih kurang", f"{fmt.angka(pns['kekurangan_jp'])} JP", border=True,
               help="Jumlah selisih ke 20 JP dari setiap PNS yang belum mencapainya.")
cols[3].metric("PNS tanpa pelatihan", fmt.angka(pns["tanpa"]), border=True,
               help="PNS dengan 0 JP pada tahun ini.")
if delta:
    st.caption(f"Perubahan dibanding {year - 1}. PPPK tidak termasuk: lihat bagian PPPK di bawah.")
partial = frame.partial_year_note(k)

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Sebaran JP per PNS")
    dist = queries.distribusi_jp(k.path, k.version, k.scope, f)
    frame.chart_and_table(charts.jp_histogram(dist, target), dist.rename(
        columns={"dari": "JP dari", "sampai": "JP sampai (tidak termasuk)", "jumlah": "Jumlah PNS"}),
        "Sebaran JP per PNS")
with right:
    st.subheader("Kemajuan dalam tahun")
    months = queries.kemajuan_bulanan(k.path, k.version, k.scope, f, k.info.data_per.month if partial else 12)
    frame.chart_and_table(charts.jp_progress(months, year, target), months.rename(
        columns={"tahun": "Tahun", "bulan": "Bulan", "jp_per_pns": "JP per PNS (kumulatif)"}),
        "Kemajuan JP dalam tahun")
    now = months[months["tahun"] == year].tail(1)
    if not now.empty:
        m, value = int(now["bulan"].iloc[0]), float(now["jp_per_pns"].iloc[0])
        path = target * m / 12
        verdict = "sesuai jalur" if value >= path else f"tertinggal {fmt.angka(path - value, 1)} JP dari jalur"
        st.caption(f"Akhir {fmt.BULAN[m - 1]} {year}: rata-rata **{fmt.angka(value, 1)} JP** per PNS; "
                   f"jalur lurus ke {target:g} JP di {fmt.angka(path, 1)} JP — {verdict}.")

level_column, level_label = queries.tingkat_berikut(f)
st.subheader(f"Cakupan per {level_label}")
ranking = queries.cakupan_per_wilayah(k.path, k.version, k.scope, f)
national = queries.cakupan_nasional(k.path, k.version, f)
if ranking.empty:
    frame.empty_state()
else:
    frame.chart_and_table(
        charts.coverage_bars(ranking, "nama", "Cakupan 20 JP", national),
        ranking.rename(columns={"kode": "Kode", "nama": level_label.capitalize(), "pns": "PNS",
                                "capai": "Mencapai 20 JP", "cakupan": "Cakupan",
                                "kekurangan_jp": "JP yang kurang"}),
        f"Cakupan pelatihan per {level_label}", percent=["Cakupan"])
    st.caption(f"Garis jingga: cakupan nasional {fmt.persen(national)} dengan filter periode dan "
               "pegawai yang sama." if national is not None else "")

st.subheader("Cakupan menurut kelompok pegawai")
breakdown = queries.cakupan_rincian(k.path, k.version, k.scope, f)
grid = st.columns(2, gap="large")
for i, (dimension, label) in enumerate(queries.RINCIAN.items()):
    part = breakdown[breakdown["dimensi"] == dimension]
    with grid[i % 2]:
        st.markdown(f"**{label}**")
        charts.show(charts.coverage_bars(part, "nilai", "Cakupan 20 JP", sort=False))

st.subheader("Cara pengembangan diberikan")
delivery = queries.cara_pengembangan(k.path, k.version, k.scope, f)
if delivery.empty:
    frame.empty_state("Tidak ada kegiatan pengembangan untuk filter ini.")
else:
    left, right = st.columns([3, 2], gap="large")
    with left:
        frame.chart_and_table(charts.delivery_bars(delivery), delivery.rename(columns={
            "jalur": "Jalur", "jenis": "Jenis", "moda": "Moda", "jp": "JP", "kegiatan": "Kegiatan",
            "peserta": "Peserta"}), "Cara pengembangan")
    with right:
        moda = delivery.groupby("moda", as_index=False)["jp"].sum()
        moda["bagian"] = moda["jp"] / moda["jp"].sum()
        st.markdown("**Bagian JP menurut moda**")
        charts.show(charts.share_bars(moda, "moda", "bagian", "Bagian JP"))
        online = queries.daring_per_3t(k.path, k.version, k.scope, f)
        online["wilayah"] = online["daerah_3t"].map({True: "Daerah 3T", False: "Bukan 3T"})
        st.markdown("**Bagian JP daring: daerah 3T dan lainnya**")
        charts.show(charts.share_bars(online, "wilayah", "bagian_daring", "JP daring"))
        st.caption("Pelatihan daring adalah cara menjangkau daerah tertinggal, terdepan, dan terluar (3T).")

st.subheader("PPPK")
pppk = row(year, "PPPK")
if pppk is None or pppk["pegawai"] == 0:
    st.caption("Tidak ada PPPK dalam pilihan ini.")
else:
    cols = st.columns(4)
    cols[0].metric("Jumlah PPPK", fmt.angka(pppk["pegawai"]), border=True)
    cols[1].metric("Rata-rata JP per PPPK", f"{fmt.angka(pppk['jp'] / pppk['pegawai'], 1)} JP", border=True)
    cols[2].metric("Melebihi 24 JP", fmt.persen(pppk["lebih_batas"] / pppk["pegawai"]), border=True,
                   help="PPPK dengan lebih dari 24 JP dalam setahun: di atas hak pengembangan per tahun kontrak.")
    cols[3].metric("PPPK tanpa pelatihan", fmt.angka(pppk["tanpa"]), border=True)
    st.caption("PPPK berhak atas pengembangan kompetensi paling banyak 24 JP per tahun kontrak; mereka tidak "
               "dihitung gagal terhadap target 20 JP PNS dan tidak termasuk dalam cakupan di atas.")

st.subheader("Untuk perencana")
units = queries.unit_cakupan_terendah(k.path, k.version, k.scope, f)
st.markdown(f"**Unit kerja dengan cakupan terendah** ({fmt.angka(len(units))} unit dalam pilihan ini)")
unit_columns = {"unit_kerja": "Unit kerja", "instansi": "Instansi", "pns": "PNS", "di_bawah_target": "Di bawah 20 JP",
                "cakupan": "Cakupan", "kekurangan_jp": "JP yang kurang"}
frame.table(units.head(100).rename(columns=unit_columns), "Unit kerja dengan cakupan terendah", percent=["Cakupan"],
            full=lambda: units.rename(columns=unit_columns))
if k.scope.lihat_orang:
    total = queries.jumlah_pns_di_bawah_target(k.path, k.version, k.scope, f)
    st.markdown(f"**PNS di bawah {target:g} JP**: {fmt.angka(total)} orang (daftar per orang; NIP disamarkan)")
    if st.toggle("Tampilkan 200 orang dengan JP paling sedikit", key="daftar_pns"):
        people = queries.pns_di_bawah_target(k.path, k.version, k.scope, f)
        frame.table(people.rename(columns={
            "nip": "NIP", "nama": "Nama", "golongan": "Golongan", "jenjang_jabatan": "Jenjang jabatan",
            "unit_kerja": "Unit kerja", "jp": "JP tahun ini", "kekurangan_jp": "JP yang kurang"}), None)
    st.caption("Unduhan memuat semuanya dan dicatat di log audit (tanpa NIP atau nama).")
    download.dataset_buttons(ekspor.DATASETS["pns_di_bawah_target"], k, total, key="unduh_pns")

with st.expander("Definisi"):
    st.markdown(f"""
- **Cakupan 20 JP** = PNS yang jumlah JP-nya dalam setahun paling sedikit {target:g} JP, dibagi semua PNS
  pada tahun itu. Tepat {target:g} JP dihitung tercapai; 19,5 JP belum.
- **Tahun sebuah kegiatan** adalah tahun `tanggal_selesai`-nya: pelatihan yang selesai Januari dihitung pada
  tahun itu, bukan tahun mulainya.
- **PNS pada suatu tahun**: TMT paling lambat 31 Desember tahun itu, dan masih aktif atau berhenti pada tahun itu
  atau sesudahnya. PNS tanpa kegiatan dihitung 0 JP. Pegawai tidak aktif tanpa tanggal berhenti tidak dihitung.
- **PPPK** tidak masuk cakupan PNS; bagi mereka berlaku batas paling banyak 24 JP per tahun kontrak.
- **JP yang kurang** = jumlah selisih ke {target:g} JP dari setiap PNS yang belum mencapainya.
- Unit, golongan, dan jabatan adalah keadaan terkini pegawai, bukan pada saat pelatihan.
""")
