"""Tentang data: how fresh the data is, where it comes from, and how figures are computed."""

import streamlit as st

from data_access import queries
from ui import format as fmt
from ui import frame

k = frame.page_header("Tentang data", "Kesegaran data, asal data, dan cara setiap angka dihitung.")
info, meta = k.info, dict(k.info.meta)

st.subheader("Kesegaran data")
cols = st.columns(4)
cols[0].metric("Data per", fmt.tanggal(info.data_per) if info.data_per else "–",
               help="Tanggal terbaru pada riwayat pelatihan, penilaian kompetensi, atau survei.")
cols[1].metric("Mart dibangun", fmt.tanggal(info.built_at[:10]),
               help=f"`python -m data_access refresh` terakhir selesai {fmt.waktu(info.built_at)}.")
cols[2].metric("Periode tersedia", f"{info.tahun_awal}–{info.tahun_akhir}")
cols[3].metric("Jenis data", "Data demo" if info.demo else "Data instansi",
               help="Data demo dibuat oleh `python -m data_access demo`: angka rekaan yang bentuknya "
                    "mengikuti statistik ASN nasional, bukan data resmi." if info.demo else None)
st.markdown(f"Sumber: **{info.source}** · versi kontrak data **{meta.get('versi_kontrak', '–')}** · "
            f"mart dibangun {fmt.waktu(info.built_at)}")

st.subheader("Isi sumber pada refresh terakhir")
counts = queries.row_counts(k.path, k.version)
st.dataframe(counts.assign(baris=counts["baris"].map(fmt.angka)), hide_index=True, height=35 * (len(counts) + 1) + 3,
             column_config={"tabel": "Tabel sumber", "baris": st.column_config.TextColumn("Jumlah baris")})

st.subheader("Cara angka dihitung")
st.markdown(f"""
- **Pegawai pada suatu tahun**: ASN dengan TMT paling lambat 31 Desember tahun itu yang masih aktif,
  atau yang berhenti pada tahun itu atau sesudahnya. Unit, golongan, dan jabatan memakai keadaan terkini.
- **Cakupan 20 JP**: bagian PNS yang JP-nya dalam setahun mencapai **{fmt.angka(float(meta.get('target_jp_pns', 20)))} JP**
  (PP 11/2017 pasal 203 ayat 4, diubah PP 17/2020). Kegiatan dihitung pada tahun tanggal selesainya.
  PPPK tidak dihitung gagal terhadap target PNS; bagi mereka berlaku paling banyak
  {fmt.angka(float(meta.get('batas_jp_pppk', 24)))} JP per tahun kontrak.
- **Kesenjangan kompetensi**: level hasil penilaian dikurangi level standar jenjang jabatan
  (PermenPANRB 38/2017); **JPM** = jumlah level / jumlah standar × 100%, paling tinggi 100%
  (Optimal ≥ {fmt.angka(float(meta.get('jpm_optimal', 90)))}%, Cukup Optimal ≥ {fmt.angka(float(meta.get('jpm_cukup', 78)))}%).
- **IKM**: rata-rata jawaban per unsur (NRR) × 1/9 untuk setiap unsur, × 25 (PermenPANRB 14/2017).
  IKM beberapa unit atau periode dihitung dari gabungan jawaban (berbobot responden), bukan rata-rata IKM unit.

Kontrak data lengkap: `docs/data-contract.md`. Untuk memperbarui data jalankan
`python -m data_access refresh`; dasbor memakai mart baru tanpa dimulai ulang.
""")
