"""Perbandingan: regional heads compare their units with each other, the province and the nation."""

import streamlit as st

from data_access import queries
from data_access.measures import LEVELS, MEASURES, MIN_STABIL, level_below
from ui import charts, download, frame, ukuran
from ui import format as fmt

k = frame.page_header("Perbandingan wilayah dan instansi",
                      "Unit dibandingkan satu sama lain dan dengan wilayah terpilih serta angka nasional, "
                      "dengan filter tahun dan pegawai yang sama.")
f, year = k.filters, k.filters.tahun

frame.breadcrumb(k)
levels = {key: LEVELS[key].label for key in ("provinsi", "kabkota", "instansi", "unit")}
default_level = level_below(f).key
level = st.segmented_control("Bandingkan", list(levels), format_func=levels.get, default=default_level,
                             key=f"banding_tingkat_{default_level}", required=True)
options = queries.entitas(k.sel, level)
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

table, trend = queries.banding(k.sel, level, tuple(chosen))
entities = table[table["jenis"] != "pembanding"]
national = table.loc[table["kode"] == "nasional"].iloc[0]

columns = {"kode": "Kode", "nama": "Nama", "catatan": "Catatan", "asn": "ASN"}
for key in queries.INDIKATOR:
    columns |= {key: MEASURES[key].label, f"peringkat_{key}": f"Peringkat {MEASURES[key].label}",
                f"perubahan_{key}": f"Δ {MEASURES[key].label}" + (" (poin)" if MEASURES[key].is_share else "")}
columns |= {"mutu": "Mutu IKM", "kinerja": "Kinerja unit", "banding_cakupan": "Cakupan vs nasional",
            "responden": "Responden"}
if "sampel" in table:  # units: the IKM with the adequacy of its sample
    columns["sampel"] = "Kecukupan sampel"
shown = table.assign(catatan=table["kecil"].map({True: "⚠ kecil", False: ""}))[list(columns)].rename(columns=columns)
shares = [MEASURES[key].label for key in queries.INDIKATOR if MEASURES[key].is_share]
precision = {columns[key]: MEASURES[key].precision for key in queries.INDIKATOR} | {
    columns[f"perubahan_{key}"]: MEASURES[key].precision for key in queries.INDIKATOR}

st.subheader(f"Tabel perbandingan {year}")
st.caption(f"Peringkat di antara yang dibandingkan (1 = terbaik); Δ terhadap {year - 1}. ▲ setara atau di atas "
           f"cakupan nasional, ▼ di bawahnya; mutu IKM menurut kategori PermenPANRB 14/2017. ⚠ kecil: kurang dari "
           f"{MIN_STABIL} pegawai atau responden, angkanya belum stabil. Baris terakhir: pembanding. "
           "Klik satu baris untuk turun satu tingkat; klik judul kolom untuk mengurutkan.")
# A table per level and filter, so a drill-down starts the next one unselected; the drill-down
# callback reads which rows this table shows.
table_key = f"banding_tabel_{level}_{f.kode_provinsi}_{f.kode_kabkota}_{f.kode_instansi}"
st.session_state["banding_baris"] = (table_key, level, list(entities["kode"]))
st.dataframe(frame.formatted(shown, percent=shares, precision=precision), hide_index=True, width="stretch",
             on_select=frame.drill_down, selection_mode="single-row", key=table_key, placeholder=fmt.KOSONG)
frame.hidden_note(shown)
download.buttons("Perbandingan", lambda: shown, k, "unduh_banding", percent=tuple(shares), presisi=precision)

st.subheader("Per indikator")
indicator = st.selectbox("Indikator", ["cakupan", "memenuhi_standar", "ikm", "jp_per_pns", "jpm"],
                         format_func=lambda key: MEASURES[key].label, key="banding_indikator")
m = MEASURES[indicator]
charts.show(charts.indicator_bars(entities.dropna(subset=[indicator]), "nama", indicator, m.label, ukuran.d3(indicator),
                                  national[indicator]))

st.subheader("Tren")
top = list(entities["kode"][:8])
long = trend[trend["kode"].isin(top) | (trend["nama"] == "Nasional")].melt(
    id_vars=["tahun", "nama"], value_vars=["cakupan", "memenuhi_standar", "ikm"], var_name="indikator",
    value_name="nilai").dropna(subset=["nilai"])
charts.show(charts.trend_multiples(long, {key: MEASURES[key].label + (" (%)" if MEASURES[key].is_share else "")
                                          for key in ("cakupan", "memenuhi_standar", "ikm")},
                                   shares=("cakupan", "memenuhi_standar")))
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
peers = queries.kelompok_sebaya(k.sel, level, peer)
me = peers[peers["kode"] == peer]
if not me.empty:
    me = me.iloc[0]
    cols = st.columns(3)
    cols[0].metric("Jumlah sebaya", fmt.angka(len(peers)),
                   help=f"Semua {levels[level].lower()} berjenis {fmt.teks_aman(me['jenis'])}.")
    cols[1].metric("Persentil cakupan 20 JP", fmt.angka(me["persentil_cakupan"], 0), help="100 = tertinggi di antara sebaya.")
    cols[2].metric("Persentil IKM", fmt.angka(me["persentil_ikm"], 0))
    st.caption(f"Sebaya: {levels[level].lower()} berjenis **{fmt.teks_aman(me['jenis'])}** yang dapat Anda lihat.")
