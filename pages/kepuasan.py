"""Kepuasan masyarakat: IKM exactly as PermenPANRB 14/2017 defines it, its trend, its weakest elements."""

import streamlit as st

from data_access import queries, rules
from ui import charts, frame, ukuran
from ui import format as fmt

k = frame.page_header("Kepuasan masyarakat (IKM)",
                      "Indeks Kepuasan Masyarakat unit pelayanan publik menurut PermenPANRB 14/2017: "
                      "sembilan unsur, bobot sama 1/9, skala 25–100.")
f, year = k.filters, k.filters.tahun
if f.has_person_filter:
    st.caption("IKM menilai unit layanan, bukan pegawai: filter jenis ASN, jabatan, golongan, dan jenis "
               "kelamin tidak berlaku di halaman ini.")

PERIODS = {"Setahun": ("tahun", None), "Semester I": ("semester", 1), "Semester II": ("semester", 2),
           "Triwulan I": ("triwulan", 1), "Triwulan II": ("triwulan", 2), "Triwulan III": ("triwulan", 3),
           "Triwulan IV": ("triwulan", 4)}
choice = st.segmented_control("Periode dalam tahun", list(PERIODS), default="Setahun", key="ikm_periode",
                              required=True)
jenis, ke = PERIODS[choice]
label_now = f"{choice} {year}" if ke else str(year)
before = queries.periode_sebelumnya(year, jenis, ke)
label_before = next(n for n, v in PERIODS.items() if v == (jenis, before[2])) + f" {before[0]}" if ke else str(before[0])
same = not ke and queries.cut_off(k.sel) is not None  # a running year against the same months

now = queries.ikm_periode(k.sel, year, jenis, ke)
if now["responden"] == 0:
    frame.empty_state(f"Tidak ada responden survei untuk filter ini pada {label_now}.")
    st.stop()
previous = queries.ikm_periode(k.sel, *before, same_period=same)
mutu, kinerja = rules.ikm_category(now["ikm"])
change = ukuran.selisih("ikm", queries.change("indeks", now["ikm"], previous["ikm"]))

cols = st.columns(4)
cols[0].metric(f"IKM {label_now}", ukuran.teks("ikm", now["ikm"]), change, border=True, help=ukuran.bantuan("ikm"))
cols[1].metric("Mutu pelayanan", f"{mutu} · {kinerja}", border=True,
               help="Ditentukan dari IKM yang dibulatkan dua desimal: A ≥ 88,31; B ≥ 76,61; C ≥ 65,00; D di bawahnya.")
cols[2].metric("Responden", fmt.angka(now["responden"]), border=True, help=ukuran.bantuan("responden"))
cols[3].metric("Unit disurvei", fmt.angka(now["unit_survei"]), border=True, help=ukuran.bantuan("unit_survei"))
if change:
    st.caption(f"Perubahan dibanding {label_before}{' pada bulan yang sama' if same else ''} "
               f"(IKM {ukuran.teks('ikm', previous['ikm'])}).")

st.subheader("Tren IKM")
granularity = st.segmented_control("Per", ["Tahun", "Semester", "Triwulan"], default="Tahun",
                                   key="ikm_tren", required=True)
trend = queries.ikm_tren(k.sel, granularity.lower())
roman = {1: "I", 2: "II", 3: "III", 4: "IV"}
prefix = {"Tahun": "", "Semester": "S", "Triwulan": "T"}[granularity]
trend["periode"] = [f"{t}" if granularity == "Tahun" else f"{prefix}{roman[int(p)]} {t}"
                    for t, p in zip(trend["tahun"], trend["ke"].fillna(0))]
frame.chart_and_table(charts.ikm_trend(trend), trend[["periode", "responden", "ikm"]].rename(
    columns={"periode": "Periode", "responden": "Responden", "ikm": "IKM"}), "Tren IKM", precision={"IKM": 2})
st.caption("Latar: pita mutu A (hijau), B (biru), C (kuning), D (merah) menurut PermenPANRB 14/2017.")

st.subheader("Sembilan unsur pelayanan")
elements = queries.ikm_unsur(k.sel, year, jenis, ke)
overall = elements[elements["jenis_layanan"].isna()]
weakest = overall.loc[overall["nrr"].idxmin()]
st.markdown(f"Unsur terlemah: **{weakest['unsur']} {weakest['nama_unsur']}** "
            f"(nilai rata-rata {fmt.angka(weakest['nrr'], 2)}, konversi {fmt.angka(weakest['konversi'], 2)}).")
frame.chart_and_table(charts.unsur_bars(overall), overall[["unsur", "nama_unsur", "nrr", "konversi", "responden"]].rename(
    columns={"unsur": "Kode", "nama_unsur": "Unsur", "nrr": "NRR (1–4)", "konversi": "Konversi (×25)",
             "responden": "Menjawab"}), "Nilai unsur pelayanan", precision={"NRR (1–4)": 2, "Konversi (×25)": 2})
st.markdown("**Nilai rata-rata unsur per jenis layanan**")
charts.show(charts.unsur_heatmap(elements[elements["jenis_layanan"].notna()]))

st.subheader("Unit pelayanan")
units = queries.ikm_per_unit(k.sel, year, jenis, ke)
below_b = int(units["di_bawah_b"].sum())
short = int((units["sampel"] == "sampel belum memadai").sum())
st.markdown(f"{fmt.angka(len(units))} unit disurvei pada {label_now}; **{fmt.angka(below_b)}** di bawah mutu B; "
            f"**{fmt.angka(short)}** dengan sampel belum memadai (Krejcie-Morgan). IKM terendah dahulu.")
shown = units[["nama", "instansi", "jenis_layanan", "responden", "ikm", "mutu", "sampel"]].rename(columns={
    "nama": "Unit kerja", "instansi": "Instansi", "jenis_layanan": "Jenis layanan", "responden": "Responden",
    "ikm": "IKM", "mutu": "Mutu", "sampel": "Kecukupan sampel"})
frame.table(shown.head(200), "IKM per unit pelayanan", precision={"IKM": 2}, full=lambda: shown)

st.subheader(f"Kecukupan sampel {label_now}")
sample = queries.kecukupan_sampel(k.sel, jenis, ke)
unknown = int((sample["sampel"] == "volume tidak diketahui").sum())
st.markdown(f"**{fmt.angka(short)}** dari {fmt.angka(len(sample))} unit: **sampel belum memadai** menurut "
            f"Krejcie-Morgan; {fmt.angka(unknown)} unit tidak melaporkan jumlah penerima layanan sehingga "
            "kecukupannya tidak dapat dinilai. IKM unit-unit itu tetap ditampilkan di atas, dengan tandanya.")
sample = sample[["nama", "instansi", "responden", "penerima_periode", "sampel_minimum", "sampel"]].rename(columns={
    "nama": "Unit kerja", "instansi": "Instansi", "responden": "Responden", "penerima_periode": "Penerima layanan",
    "sampel_minimum": "Sampel minimum", "sampel": "Status"})
frame.table(sample.head(300), "Kecukupan sampel survei", full=lambda: sample)

st.subheader("Profil responden")
PROFILE_ORDER = {v: i for i, v in enumerate(
    ["< 20", "20-29", "30-39", "40-49", "50-59", "60+", "SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1",
     "S2", "S3", "Laki-laki", "Perempuan"])}
profile = queries.profil_responden(k.sel, year, jenis, ke)
grid = st.columns(4)
for col, (dimension, label) in zip(grid, {"jenis_kelamin": "Jenis kelamin", "kelompok_usia": "Usia",
                                          "pendidikan": "Pendidikan", "pekerjaan": "Pekerjaan"}.items()):
    with col:
        st.markdown(f"**{label}**")
        part = profile[profile["dimensi"] == dimension].replace({"nilai": {"L": "Laki-laki", "P": "Perempuan"}})
        charts.show(charts.count_bars(part.sort_values("nilai", key=lambda c: c.map(PROFILE_ORDER).fillna(99)),
                                      "nilai", "Responden"))

st.subheader("Saran terbaru")
suggestions = queries.saran_terbaru(k.sel, year, jenis, ke)
if suggestions.empty:
    st.caption("Belum ada saran pada periode ini.")
for s in suggestions.itertuples():
    st.markdown(f"“{s.saran}” — *{s.unit_kerja}, {s.jenis_layanan}, {fmt.tanggal(s.tanggal)}*")
st.caption("Identitas responden tidak disimpan di dasbor.")

with st.expander("Definisi (PermenPANRB 14/2017)"):
    ukuran.definisi(("ikm", "responden"))
    st.markdown("""
- **NRR per unsur** = jumlah nilai jawaban unsur itu dibagi jumlah responden yang **menjawab** unsur itu; bobot
  sama persis 1/9 (angka 0,111 yang sering tercetak membuat nilai maksimum 99,9). Pembulatan dua desimal hanya
  untuk tampilan.
- **Mutu pelayanan** (dari IKM yang dibulatkan dua desimal): A Sangat Baik 88,31–100; B Baik 76,61–88,30;
  C Kurang Baik 65,00–76,60; D Tidak Baik 25,00–64,99.
- **Sampel minimum** (Krejcie & Morgan): S = 3,841 × N × 0,25 / (0,0025 × (N − 1) + 3,841 × 0,25), dibulatkan;
  N = penerima layanan unit pada periode itu (`volume_layanan` setahun, dibagi rata per semester atau triwulan).
""")
