"""Ringkasan eksekutif: the state of the civil service in one screen."""

import streamlit as st

from data_access import queries, rules
from ui import charts, frame, ukuran
from ui import format as fmt

k = frame.page_header("Ringkasan eksekutif",
                      "Angka utama tahun terpilih dibanding tahun sebelumnya, sebaran antarprovinsi, "
                      "dan instansi atau unit yang perlu perhatian.")
f = k.filters
now, trend, per_prov, lists = queries.beranda(k.sel)
if now.loc["asn", "nilai"] == 0:
    frame.empty_state()
    st.stop()

frame.comparison_note(k)
cards = st.columns(5)
ukuran.kartu(cards[0], "asn", now, trend, label="Jumlah ASN", caption="PNS dan PPPK dalam pilihan filter.")
ukuran.kartu(cards[1], "cakupan", now, trend, caption=f"dari **{fmt.angka(now.loc['cakupan', 'n'])}** PNS. Target: "
             f"setiap PNS ≥ {fmt.angka(queries.target_jp(k.sel), 2).removesuffix(',00')} JP setahun "
             "(PP 11/2017). PPPK tidak dihitung.")
ukuran.kartu(cards[2], "jp_per_pns", now, trend, caption=f"dari **{fmt.angka(now.loc['jp_per_pns', 'n'])}** PNS. "
             "Rata-rata; belum berarti setiap PNS mencapai target.")
ukuran.kartu(cards[3], "memenuhi_standar", now, trend, caption=(
    f"dari **{fmt.angka(now.loc['dinilai', 'nilai'])}** pegawai dinilai. JPM rata-rata "
    f"**{ukuran.teks('jpm', now.loc['jpm', 'nilai'])}** ({ukuran.MEASURES['jpm'].target.split(' (')[0]})."))
ikm = now.loc["ikm", "nilai"]
mutu = rules.ikm_category(ikm)
ukuran.kartu(cards[4], "ikm", now, trend, suffix=f" · {mutu[0]}" if mutu else "", caption=(
    f"Mutu **{mutu[0]} · {mutu[1]}** · {fmt.angka(now.loc['unit_survei', 'nilai'])} unit disurvei. Target minimal B "
    f"({fmt.angka(rules.batas_mutu('B'), 2)})." if mutu else "Belum ada survei untuk pilihan ini."))
if f.has_person_filter:
    st.caption("IKM menilai unit layanan, bukan pegawai: filter jenis ASN, jabatan, golongan, dan "
               "jenis kelamin tidak berlaku untuk IKM.")

map_area, attention = st.container(), st.container()
with map_area:
    st.subheader("Peta provinsi")
    key = st.segmented_control("Warna peta menurut", ["cakupan", "ikm", "memenuhi_standar"],
                               format_func=lambda m: ukuran.MEASURES[m].label, default="cakupan",
                               key="peta_ukuran", required=True)
    per_prov["label"] = [None if v != v else ukuran.teks(key, v) for v in per_prov[key]]
    charts.show(charts.tile_map(per_prov, key, ukuran.MEASURES[key].label, ukuran.d3(key), f.kode_provinsi),
                key="peta_provinsi", on_select=frame.on_province_click, selection_mode="provinsi")
    st.caption("Klik provinsi untuk memfilter seluruh dasbor ke provinsi itu. Warna dari nilai terendah "
               "(kuning) ke tertinggi (ungu tua) di antara provinsi; abu-abu: tidak ada data"
               + ("" if ukuran.catalog.min_sel(k.scope) is None else f", atau disembunyikan karena kurang dari "
                  f"{ukuran.catalog.MIN_SEL} orang (perlindungan data pribadi)") + ".")
    map_table = st.expander("Tabel peta", key="tabel_peta", on_change="rerun")  # built only when opened
    if map_table.open:
        labels, shares, precision = ukuran.kolom(("cakupan", "ikm", "memenuhi_standar"))
        with map_table:
            frame.table(per_prov[["kode_provinsi", "nama", *labels]].rename(columns={
                "kode_provinsi": "Kode", "nama": "Provinsi", **labels}), "Indikator per provinsi", percent=shares,
                precision=precision)

with attention:
    st.subheader("Perlu perhatian")
    st.caption(f"Per {'unit kerja' if f.kode_instansi else 'instansi'} dalam pilihan filter, tahun {f.tahun}. "
               "Klik untuk membuka rinciannya.")
    tabs = st.tabs(["Cakupan terendah", "IKM C/D", "Kesenjangan kompetensi", "Paling membaik"])
    target_page = {"cakupan": "pages/pelatihan.py", "ikm": "pages/kepuasan.py",
                   "kompetensi": "pages/kompetensi.py", "membaik": "pages/pelatihan.py"}
    describe = {
        "cakupan": lambda r: f"{ukuran.teks('cakupan', r.cakupan)} PNS mencapai 20 JP",
        "ikm": lambda r: "IKM {} ({}, {}){}".format(ukuran.teks("ikm", r.ikm), *rules.ikm_category(r.ikm),
                                                     f"; {r.sampel}" if getattr(r, "sampel", None) not in (None, "memadai") else ""),
        "kompetensi": lambda r: f"rata-rata {ukuran.teks('rata_gap', r.rata_gap)} level terhadap standar",
        "membaik": lambda r: f"cakupan {ukuran.selisih('cakupan', r.perubahan_cakupan)} "
                             f"menjadi {ukuran.teks('cakupan', r.cakupan)}",
    }
    for tab, (name, rows) in zip(tabs, lists.items()):
        with tab:
            if rows.empty:
                st.caption("Tidak ada yang perlu disebut di sini untuk pilihan ini.")
            for row in rows.itertuples():
                st.page_link(target_page[name], label=f"**{fmt.teks_aman(row.nama)}** — {describe[name](row)}",
                             query_params=frame.link_params(**(
                                 {"kode_unit": row.kode} if f.kode_instansi else {"kode_instansi": row.kode})),
                             icon=":material/arrow_forward:")
