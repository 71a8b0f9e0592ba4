"""Kepuasan masyarakat: IKM exactly as PermenPANRB 14/2017 defines it, its trend, its weakest elements."""

import streamlit as st

from data_access import kamus, queries, rules
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
mutu, kinerja = rules.ikm_category(now["ikm"]) or (fmt.KOSONG, fmt.KOSONG)
change = ukuran.selisih("ikm", queries.change("indeks", now["ikm"], previous["ikm"]))

cols = st.columns(4)
cols[0].metric(f"IKM {label_now}", ukuran.teks("ikm", now["ikm"]), change, border=True, help=ukuran.bantuan("ikm"))
cols[1].metric("Mutu pelayanan", f"{mutu} · {kinerja}", border=True,
               help=f"Mutu {rules.mutu_teks()}.")
cols[2].metric("Responden", fmt.angka(now["responden"]), border=True, help=ukuran.bantuan("responden"))
cols[3].metric("Unit disurvei", fmt.angka(now["unit_survei"]), border=True, help=ukuran.bantuan("unit_survei"))
if fmt.missing(now["responden"]):
    st.caption(ukuran.TERSEMBUNYI)
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
if overall["nrr"].notna().any():
    weakest = overall.loc[overall["nrr"].idxmin()]
    st.markdown(f"Unsur terlemah: **{weakest['unsur']} {weakest['nama_unsur']}** "
                f"(nilai rata-rata {fmt.angka(weakest['nrr'], 2)}, konversi {fmt.angka(weakest['konversi'], 2)}).")
frame.chart_and_table(charts.unsur_bars(overall), overall[["unsur", "nama_unsur", "nrr", "konversi", "responden"]].rename(
    columns={"unsur": "Kode", "nama_unsur": "Unsur", "nrr": "NRR (1–4)", "konversi": "Konversi (×25)",
             "responden": "Menjawab"}), "Nilai unsur pelayanan", precision={"NRR (1–4)": 2, "Konversi (×25)": 2})
st.markdown("**Nilai rata-rata unsur per jenis layanan**")
charts.show(charts.unsur_heatmap(elements[elements["jenis_layanan"].notna()]))
frame.hidden_note(elements)

st.subheader("Unit pelayanan")
units = queries.ikm_per_unit(k.sel, year, jenis, ke)
counts = units["sampel"].value_counts()
st.markdown(f"{fmt.angka(len(units))} unit disurvei pada {label_now}; **{fmt.angka(units['di_bawah_b'].sum())}** di bawah "
            f"mutu B; **{fmt.angka(counts.get('sampel belum memadai', 0))}** dengan sampel belum memadai menurut "
            f"Krejcie-Morgan, {fmt.angka(counts.get('volume tidak diketahui', 0))} tanpa jumlah penerima layanan (kecukupannya "
            "tidak dapat dinilai). IKM setiap unit tetap ditampilkan, dengan tandanya. IKM terendah dahulu.")
shown = units[["kode", "nama", "instansi", "jenis_layanan", "responden", "ikm", "mutu", "kinerja", "penerima_periode",
               "sampel_minimum", "sampel"]].rename(columns={
    "kode": "Kode", "nama": "Unit kerja", "instansi": "Instansi", "jenis_layanan": "Jenis layanan",
    "responden": "Responden", "ikm": "IKM", "mutu": "Mutu IKM", "kinerja": "Kinerja unit",
    "penerima_periode": "Penerima layanan", "sampel_minimum": "Sampel minimum", "sampel": "Kecukupan sampel"})
frame.table(shown.head(100), "IKM per unit pelayanan", precision={"IKM": 2}, full=lambda: shown)
if len(shown) > 100:
    st.caption(f"100 dari {fmt.angka(len(shown))} unit ditampilkan, IKM terendah dahulu; unduhan memuat semuanya.")

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
frame.hidden_note(profile)

st.subheader("Saran terbaru")
suggestions = queries.saran_terbaru(k.sel, year, jenis, ke)
if suggestions.empty:
    st.caption("Belum ada saran pada periode ini.")
for s in suggestions.itertuples():
    st.markdown(f"“{fmt.teks_aman(s.saran, batas=1000)}” — *{fmt.teks_aman(s.unit_kerja)}, "
                f"{fmt.teks_aman(s.jenis_layanan)}, {fmt.tanggal(s.tanggal)}*")
st.caption("Identitas responden tidak disimpan di dasbor.")

with st.expander("Definisi (PermenPANRB 14/2017)"):
    ukuran.definisi(("ikm", "responden"))
    sample = kamus.SAMPEL_MINIMAL
    st.markdown(f"""
- **NRR per unsur** = jumlah nilai jawaban unsur itu dibagi jumlah responden yang **menjawab** unsur itu; bobot
  sama persis 1/9 (angka 0,111 yang sering tercetak membuat nilai maksimum 99,9). Pembulatan dua desimal hanya
  untuk tampilan.
- **Mutu pelayanan**: {rules.mutu_teks()}.
- **{sample["Indikator"]}**: {sample["Rumus"]}; N = {sample["Dihitung atas"]}.
""")
