"""Perbandingan: regional heads compare their units with each other, the province and the nation."""

import pandas as pd
import streamlit as st

from data_access import queries, rules
from ui import charts, download
from ui import format as fmt
from ui import frame

k = frame.page_header("Perbandingan wilayah dan instansi",
                      "Unit dibandingkan satu sama lain dan dengan wilayah terpilih serta angka nasional, "
                      "dengan filter tahun dan pegawai yang sama.")
f, year = k.filters, k.filters.tahun

frame.breadcrumb(k)
default_level = {"kode_provinsi": "provinsi", "kode_kabkota": "kabkota", "kode_instansi": "instansi",
                 "kode_unit": "unit"}[queries.tingkat_berikut(f)[0]]
levels = {"provinsi": "Provinsi", "kabkota": "Kabupaten/kota", "instansi": "Instansi", "unit": "Unit kerja"}
level = st.segmented_control("Bandingkan", list(levels), format_func=levels.get, default=default_level,
                             key=f"banding_tingkat_{default_level}", required=True)
options = queries.entitas(k.path, k.version, k.scope, level, f)
names = dict(zip(options["kode"].tolist(), options["nama"].tolist()))
default = list(options.loc[options["in_filter"], "kode"][:40])
chosen = st.multiselect(f"{levels[level]} yang dibandingkan", list(names), default=default,
                        format_func=names.get, key=f"banding_pilih_{level}_{'-'.join(default[:3])}",
                        placeholder="Pilih untuk ditambahkan")
if not chosen:
    frame.empty_state("Pilih paling sedikit satu untuk dibandingkan.")
    st.stop()
if len(default) == 40:
    st.caption("Pilihan awal dibatasi 40; tambahkan atau hapus lewat kotak di atas.")

table, trend = queries.banding(k.path, k.version, k.scope, f, level, tuple(chosen))
entities = table[table["jenis"] != "pembanding"]
national = table.loc[table["nama"] == "Nasional"].iloc[0]


def mark_ikm(value):
    return "" if pd.isna(value) else "{} · {}".format(*rules.ikm_category(value))


shown = pd.DataFrame({
    "Nama": table["nama"] + table["kecil"].map({True: " ⚠", False: ""}).fillna(""),
    "ASN": table["asn"],
    "Cakupan 20 JP": table["cakupan"], "Peringkat cakupan": table.get("peringkat_cakupan"),
    "Δ cakupan (poin)": table.get("perubahan_cakupan") * 100,
    "JP per PNS": table["jp_per_pns"], "Peringkat JP": table.get("peringkat_jp_per_pns"),
    "Δ JP": table.get("perubahan_jp_per_pns"),
    "Memenuhi standar": table["memenuhi_standar"], "Peringkat kompetensi": table.get("peringkat_memenuhi_standar"),
    "Δ memenuhi (poin)": table.get("perubahan_memenuhi_standar") * 100,
    "JPM": table["jpm"], "Peringkat JPM": table.get("peringkat_jpm"),
    "IKM": table["ikm"], "Mutu": table["ikm"].map(mark_ikm), "Peringkat IKM": table.get("peringkat_ikm"),
    "Δ IKM": table.get("perubahan_ikm"), "Responden": table["responden"],
})


formats = {
    "ASN": fmt.angka, "Cakupan 20 JP": fmt.persen, "Peringkat cakupan": fmt.angka,
    "Δ cakupan (poin)": fmt.selisih, "JP per PNS": lambda v: fmt.angka(v, 1),
    "Peringkat JP": fmt.angka, "Δ JP": fmt.selisih,
    "Memenuhi standar": fmt.persen, "Peringkat kompetensi": fmt.angka,
    "Δ memenuhi (poin)": fmt.selisih, "JPM": lambda v: fmt.persen(v / 100), "Peringkat JPM": fmt.angka,
    "IKM": lambda v: fmt.angka(v, 2), "Peringkat IKM": fmt.angka, "Δ IKM": lambda v: fmt.selisih(v, 2),
    "Responden": fmt.angka}
display = shown.copy()
for column, format_value in formats.items():
    display[column] = [fmt.KOSONG if pd.isna(v) else format_value(v) for v in shown[column].tolist()]
# ▲ at or above the national figure, ▼ below: a shape, so it reads without colour.
for column, key in (("Cakupan 20 JP", "cakupan"), ("Memenuhi standar", "memenuhi_standar")):
    if pd.notna(national[key]):
        display[column] += [("" if pd.isna(v) else " ▲" if v >= national[key] else " ▼")
                            for v in shown[column].tolist()]
st.subheader(f"Tabel perbandingan {year}")
st.caption(f"Peringkat di antara yang dibandingkan (1 = terbaik); Δ terhadap {year - 1}. ▲ setara atau di atas "
           f"angka nasional, ▼ di bawahnya; mutu IKM menurut kategori PermenPANRB 14/2017. ⚠: kurang dari "
           f"{queries.MIN_STABIL_PEGAWAI} pegawai atau responden, angkanya belum stabil. Baris terakhir: pembanding. "
           "Klik satu baris untuk turun satu tingkat.")
# A table per level and filter, so a drill-down starts the next one unselected; the drill-down
# callback reads which rows this table shows.
table_key = f"banding_tabel_{level}_{f.kode_provinsi}_{f.kode_kabkota}_{f.kode_instansi}"
st.session_state["banding_baris"] = (table_key, level, list(entities["kode"]))
st.dataframe(display, hide_index=True, width="stretch", on_select=frame.drill_down, selection_mode="single-row",
             key=table_key)
download.buttons("Perbandingan", lambda: shown, k, "unduh_banding")

st.subheader("Per indikator")
indicator = st.selectbox("Indikator", ["cakupan", "memenuhi_standar", "ikm", "jp_per_pns", "jpm"],
                         format_func=queries.INDIKATOR.get, key="banding_indikator")
value_format = {"cakupan": ".0%", "memenuhi_standar": ".0%", "ikm": ",.2f", "jp_per_pns": ",.1f",
                "jpm": ",.1f"}[indicator]
charts.show(charts.indicator_bars(entities.dropna(subset=[indicator]), "nama", indicator,
                                  queries.INDIKATOR[indicator], value_format, national[indicator]))

st.subheader("Tren")
top = list(entities["kode"][:8])
long = trend[trend["kode"].isin(top) | (trend["nama"] == "Nasional")].melt(
    id_vars=["tahun", "nama"], value_vars=["cakupan", "memenuhi_standar", "ikm"], var_name="indikator",
    value_name="nilai").dropna(subset=["nilai"])
long.loc[long["indikator"] != "ikm", "nilai"] *= 100
long["indikator"] = long["indikator"].map({"cakupan": "Cakupan 20 JP (%)", "memenuhi_standar": "Memenuhi standar (%)",
                                           "ikm": "IKM"})
charts.show(charts.trend_multiples(long))
if len(entities) > 8:
    st.caption("Tren menampilkan 8 teratas menurut cakupan dan garis nasional (putus-putus).")

st.subheader("Kelompok sebaya")
if entities.empty:
    frame.empty_state(f"Yang dibandingkan tidak punya data pada {year} dengan filter ini.")
    st.stop()
peer = st.selectbox("Bandingkan dengan yang sejenis", list(entities["kode"]), format_func=names.get,
                    key="banding_sebaya")
if peer not in names:  # the remembered choice left the list when the filters changed
    peer = entities["kode"].iloc[0]
peers = queries.kelompok_sebaya(k.path, k.version, k.scope, f, level, peer)
me = peers[peers["kode"] == peer]
if not me.empty:
    me = me.iloc[0]
    cols = st.columns(3)
    cols[0].metric("Jumlah sebaya", fmt.angka(len(peers)), help=f"Semua {levels[level].lower()} berjenis {me['jenis']}.")
    cols[1].metric("Persentil cakupan 20 JP", fmt.angka(me["persentil_cakupan"], 0) if pd.notna(me["persentil_cakupan"]) else "–",
                   help="100 = tertinggi di antara sebaya.")
    cols[2].metric("Persentil IKM", fmt.angka(me["persentil_ikm"], 0) if pd.notna(me["persentil_ikm"]) else "–")
    st.caption(f"Sebaya: {levels[level].lower()} berjenis **{me['jenis']}** yang dapat Anda lihat.")
