"""Dampak pembinaan: does development come with better service? Training, competency and
citizen satisfaction side by side, with honest uncertainty."""

import streamlit as st

from data_access import queries, statistik
from ui import charts, download
from ui import format as fmt
from ui import frame

k = frame.page_header("Dampak pembinaan",
                      "Apakah pengembangan kompetensi berjalan seiring pelayanan yang lebih baik? Cakupan 20 JP "
                      "suatu tahun dibandingkan dengan IKM tahun berikutnya.")
f, year = k.filters, k.filters.tahun
st.info("**Keterkaitan bukan bukti sebab-akibat.** Instansi yang rajin melatih pegawainya bisa saja juga lebih "
        "baik dalam hal lain (anggaran, pimpinan, sarana). Bukti menguat bila hubungan yang sama muncul "
        "berulang dari tahun ke tahun, di wilayah yang berbeda, setelah memperhitungkan ukuran dan jenis "
        "layanan, dan paling kuat bila pelatihan diberikan bertahap atau acak lalu hasilnya dibandingkan.",
        icon=":material/lightbulb:")

wide, label = queries.cakupan_dan_ikm(k.sel)
st.subheader(f"Cakupan 20 JP {year - 1} dan IKM {year}, per {label}")
pairs = wide.dropna(subset=["cakupan", "ikm_sesudah"])
per_entity = wide.rename(columns={
    "kode": "Kode", "nama": label.capitalize(), "cakupan_sebelum": f"Cakupan 20 JP {year - 2}", "cakupan": f"Cakupan 20 JP {year - 1}",
    "ikm_sebelum": f"IKM {year - 1}", "ikm_sesudah": f"IKM {year}", "sampel": f"Kecukupan sampel {year}"})
percent_columns = [f"Cakupan 20 JP {year - 2}", f"Cakupan 20 JP {year - 1}"]
fit = statistik.hubungan(pairs["cakupan"], pairs["ikm_sesudah"])
if fit is None:
    frame.empty_state(f"Terlalu sedikit {label} yang punya cakupan {year - 1} dan IKM {year} "
                      f"({len(pairs)}; perlu paling sedikit {statistik.MIN_ENTITAS}) untuk menarik garis.")
if not pairs.empty:  # the points, and the fitted line when there is one
    line = () if fit is None else (fit.kemiringan, fit.intersep)
    frame.chart_and_table(charts.scatter_fit(pairs, "cakupan", "ikm_sesudah", f"Cakupan 20 JP {year - 1}",
                                             f"IKM {year}", *line),
                          per_entity, f"Cakupan dan IKM per {label}", percent_columns,
                          precision={f"IKM {year - 1}": 2, f"IKM {year}": 2})
if fit is not None:
    cols = st.columns(3)
    per10, per10_bawah, per10_atas = fit.per_poin(10)
    cols[0].metric(f"Jumlah {label}", fmt.angka(fit.n), border=True)
    cols[1].metric("Korelasi (r)", fmt.angka(fit.r, 2), border=True,
                   help=f"Selang kepercayaan 95%: {fmt.angka(fit.r_bawah, 2)} sampai {fmt.angka(fit.r_atas, 2)}.")
    cols[2].metric("IKM per +10 poin cakupan", fmt.selisih(per10, 2), border=True,
                   help=f"Kemiringan garis; selang 95%: {fmt.selisih(per10_bawah, 2)} sampai "
                        f"{fmt.selisih(per10_atas, 2)} poin IKM.")
    if fit.bermakna:
        arah = "lebih tinggi" if fit.r > 0 else "lebih rendah"
        st.markdown(f"**Ditemukan hubungan**: {label} dengan cakupan 20 JP lebih tinggi pada {year - 1} cenderung "
                    f"punya IKM {arah} pada {year} (r = {fmt.angka(fit.r, 2)}, selang 95% "
                    f"{fmt.angka(fit.r_bawah, 2)} sampai {fmt.angka(fit.r_atas, 2)}).")
    else:
        st.markdown(f"**Tidak ditemukan hubungan yang bermakna** antara cakupan {year - 1} dan IKM {year}: "
                    f"selang kepercayaan korelasi ({fmt.angka(fit.r_bawah, 2)} sampai {fmt.angka(fit.r_atas, 2)}) "
                    "mencakup nol.")
    if k.info.demo:
        st.caption("Data demo sengaja memuat hubungan positif yang sedang dan berderau antara cakupan unit dan "
                   "IKM-nya tahun berikutnya, agar halaman ini memperlihatkan yang akan tampak pada data nyata; "
                   "pada data demo yang kecil hubungan itu paling jelas per unit kerja (pilih satu instansi).")

st.subheader("Perubahan terhadap perubahan")
groups = queries.perubahan_ikm_menurut_cakupan(k.sel)
if groups.empty:
    frame.empty_state("Belum cukup data dua tahun berturut-turut untuk perbandingan ini.")
else:
    charts.show(charts.group_bars(groups, "kelompok", "perubahan_ikm", f"Rata-rata perubahan IKM {year - 1}→{year}",
                                  "+,.2f"))
    st.caption("Sebelum/sesudah: rata-rata perubahan IKM unit yang cakupannya naik dibanding yang turun.")

st.subheader("Kompetensi yang dinilai dua kali")
repeat = queries.kompetensi_berulang(k.sel)
if repeat.empty:
    frame.empty_state("Belum ada kompetensi yang dinilai dua kali untuk filter ini.")
else:
    repeat["kelompok"] = repeat["dilatih"].map({True: "Dilatih di antara dua penilaian",
                                                False: "Tidak dilatih di antara dua penilaian"})
    charts.show(charts.group_bars(repeat, "kelompok", "rata_perubahan", "Rata-rata perubahan level", "+,.2f"))
    frame.hidden_note(repeat)
    st.caption("Perubahan level antara dua penilaian berturut-turut atas kompetensi yang sama (standar jabatan "
               "sama, jadi sama dengan perubahan gap); 'dilatih' = ada pelatihan yang menyasar kompetensi itu "
               "selesai di antara keduanya.")

st.subheader("Peringatan dini")
warning = queries.peringatan_dini(k.sel)
national = queries.cakupan_nasional(k.sel)
st.caption(f"Unit yang IKM-nya turun dua tahun berturut-turut sampai {year} dan cakupan 20 JP-nya {year} di bawah "
           f"angka nasional ({fmt.persen(national)}).")
if warning.empty:
    st.caption("Tidak ada unit yang memenuhi kedua syarat itu.")
else:
    download.buttons("Peringatan dini", lambda: warning.drop(columns=["kode_instansi"]).rename(columns={
        "kode_unit": "Kode", "unit_kerja": "Unit kerja", "ikm_2": f"IKM {year - 2}", "ikm_1": f"IKM {year - 1}",
        "ikm": f"IKM {year}", "cakupan": f"Cakupan 20 JP {year}", "sampel": "Kecukupan sampel"}), k, "unduh_peringatan",
        percent=(f"Cakupan 20 JP {year}",), presisi={f"IKM {y}": 2 for y in (year - 2, year - 1, year)})
for row in warning.head(20).itertuples():
    st.page_link("pages/kepuasan.py", label=f"**{fmt.teks_aman(row.unit_kerja)}** — IKM {fmt.angka(row.ikm_2, 2)} → "
                 f"{fmt.angka(row.ikm_1, 2)} → {fmt.angka(row.ikm, 2)}; cakupan {fmt.persen(row.cakupan)}"
                 + (f" ({row.sampel} {year})" if row.sampel not in (None, "memadai") else ""),
                 query_params=frame.link_params(kode_instansi=row.kode_instansi, kode_unit=row.kode_unit),
                 icon=":material/warning:")
if len(warning) > 20:
    st.caption(f"20 dari {fmt.angka(len(warning))} unit ditampilkan, penurunan terbesar dahulu.")
