"""Ringkasan eksekutif: the state of the civil service in one screen."""

import streamlit as st

from data_access import queries, rules
from ui import charts
from ui import format as fmt
from ui import frame

k = frame.page_header("Ringkasan eksekutif",
                      "Angka utama tahun terpilih dibanding tahun sebelumnya, sebaran antarprovinsi, "
                      "dan instansi atau unit yang perlu perhatian.")
f, year = k.filters, k.filters.tahun
kpi = queries.kpi_per_tahun(k.path, k.version, k.scope, f)
now = kpi.loc[year]
before = kpi.loc[year - 1] if year - 1 in kpi.index else None

if now["asn"] == 0:
    frame.empty_state()
    st.stop()


def change(column: str, scale: float = 1.0, desimal: int = 1, satuan: str = "") -> str | None:
    if before is None or before[column] != before[column] or now[column] != now[column]:
        return None
    return fmt.selisih((now[column] - before[column]) * scale, desimal, satuan)


def trend(column: str) -> list:
    return kpi[column].dropna().tolist()


if before is not None:
    st.caption(f"Perubahan dibanding tahun {year - 1}; garis kecil: tren {kpi.index[0]}–{kpi.index[-1]}.")
cards = st.columns(5)
cards[0].metric("Jumlah ASN", fmt.angka(now["asn"]), change("asn", desimal=0), border=True,
                chart_data=trend("asn"),
                help="PNS dan PPPK yang tercatat pada tahun terpilih.")
cards[0].caption("PNS dan PPPK dalam pilihan filter.")
cards[1].metric("Cakupan 20 JP", fmt.persen(now["cakupan"]), change("cakupan", 100, satuan=" poin"),
                border=True, chart_data=trend("cakupan"),                 help="Bagian PNS yang JP pengembangan kompetensinya dalam setahun mencapai 20 JP.")
cards[1].caption("Target: setiap PNS minimal 20 JP per tahun (PP 11/2017). PPPK tidak dihitung "
                 "(batas mereka 24 JP).")
cards[2].metric("JP per PNS", f"{fmt.angka(now['jp_per_pns'], 1)} JP",
                change("jp_per_pns", satuan=" JP"), border=True, chart_data=trend("jp_per_pns"),
                help="Jumlah JP semua PNS dibagi jumlah PNS.")
cards[2].caption("Rata-rata. Rata-rata 20 JP belum berarti setiap PNS mencapainya.")
cards[3].metric("Memenuhi standar", fmt.persen(now["memenuhi_standar"]),
                change("memenuhi_standar", 100, satuan=" poin"), border=True,
                chart_data=trend("memenuhi_standar"),                 help="Bagian pegawai yang dinilai tahun ini yang tidak punya satu pun kompetensi "
                     "di bawah level standar jabatannya (PermenPANRB 38/2017).")
cards[3].caption(f"Kompetensi sesuai standar jabatan. JPM rata-rata **{fmt.persen(now['jpm'] / 100)}** "
                 f"dari {fmt.angka(now['dinilai'])} dinilai (optimal ≥ 90%).")
category = rules.ikm_category(now["ikm"]) if now["ikm"] == now["ikm"] else None
cards[4].metric("IKM", f"{fmt.angka(now['ikm'], 2)} · {category[0]}" if category else "–",
                change("ikm", desimal=2), border=True, chart_data=trend("ikm"),
                                help="Indeks Kepuasan Masyarakat dari gabungan jawaban responden (PermenPANRB 14/2017).")
cards[4].caption(f"Mutu **{category[1]}** · {fmt.angka(now['unit_survei'])} unit disurvei. Target minimal B (76,61)."
                 if category else "Belum ada survei untuk pilihan ini.")
if f.has_person_filter:
    st.caption("IKM menilai unit layanan, bukan pegawai: filter jenis ASN, jabatan, golongan, dan "
               "jenis kelamin tidak berlaku untuk IKM.")
frame.partial_year_note(k)

map_area = st.container()
attention = st.container()
with map_area:
    st.subheader("Peta provinsi")
    indikator = st.segmented_control(
        "Warna peta menurut", ["Cakupan 20 JP", "IKM", "Memenuhi standar kompetensi"],
        default="Cakupan 20 JP", key="peta_indikator", required=True)
    per_prov = queries.indikator_provinsi(k.path, k.version, k.scope, f)
    column, value_format = {
        "Cakupan 20 JP": ("cakupan", ".0%"), "IKM": ("ikm", ".0f"),
        "Memenuhi standar kompetensi": ("memenuhi_standar", ".0%"),
    }[indikator]
    per_prov["label"] = per_prov[column].map(
        (lambda v: fmt.angka(v, 1)) if column == "ikm" else (lambda v: fmt.persen(v, 0)))
    per_prov.loc[per_prov[column].isna(), "label"] = None
    charts.show(charts.tile_map(per_prov, column, indikator, value_format, f.kode_provinsi),
                key="peta_provinsi", on_select=frame.on_province_click, selection_mode="provinsi")
    st.caption("Klik provinsi untuk memfilter seluruh dasbor ke provinsi itu. Warna dari nilai terendah "
               "(kuning) ke tertinggi (ungu tua) di antara provinsi; abu-abu: tidak ada data.")
    with st.expander("Tabel peta"):
        frame.table(per_prov[["kode_provinsi", "nama", "cakupan", "ikm", "memenuhi_standar"]].rename(columns={
            "kode_provinsi": "Kode", "nama": "Provinsi", "cakupan": "Cakupan 20 JP", "ikm": "IKM",
            "memenuhi_standar": "Memenuhi standar"}), "Indikator per provinsi",
            percent=["Cakupan 20 JP", "Memenuhi standar"], decimals=2)

with attention:
    level = "unit kerja" if f.kode_instansi else "instansi"
    st.subheader("Perlu perhatian")
    st.caption(f"Per {level} dalam pilihan filter, tahun {year}. Klik untuk membuka rinciannya.")
    lists = queries.perlu_perhatian(k.path, k.version, k.scope, f)
    tabs = st.tabs(["Cakupan terendah", "IKM C/D", "Kesenjangan kompetensi", "Paling membaik"])
    target_page = {"cakupan": "pages/pelatihan.py", "ikm": "pages/kepuasan.py",
                   "kompetensi": "pages/kompetensi.py", "membaik": "pages/pelatihan.py"}
    describe = {
        "cakupan": lambda r: f"{fmt.persen(r.cakupan)} PNS mencapai 20 JP",
        "ikm": lambda r: f"IKM {fmt.angka(r.ikm, 2)} ({rules.ikm_category(r.ikm)[0]}, "
                         f"{rules.ikm_category(r.ikm)[1]})",
        "kompetensi": lambda r: f"rata-rata {fmt.angka(r.rata_gap, 2)} level di bawah standar",
        "membaik": lambda r: f"cakupan {fmt.selisih(r.perubahan_cakupan * 100, satuan=' poin')} "
                             f"menjadi {fmt.persen(r.cakupan)}",
    }
    for tab, (name, rows) in zip(tabs, lists.items()):
        with tab:
            if rows.empty:
                st.caption("Tidak ada yang perlu disebut di sini untuk pilihan ini.")
            for row in rows.itertuples():
                st.page_link(target_page[name], label=f"**{row.nama}** — {describe[name](row)}",
                             query_params=frame.link_params(**(
                                 {"kode_unit": row.kode} if f.kode_instansi else {"kode_instansi": row.kode})),
                             icon=":material/arrow_forward:")
