"""Tentang data: how fresh the data is, where it comes from, and how figures are computed."""

import streamlit as st

from data_access import config, contract, kamus, queries
from ui import download
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
years = info.years  # only years that hold data: a gap is listed, not bridged
cols[2].metric("Periode tersedia", f"{years[0]}–{years[-1]}" if years == list(range(years[0], years[-1] + 1))
               else ", ".join(map(str, years)))
cols[3].metric("Jenis data", "Data demo" if info.demo else "Data instansi",
               help="Data demo dibuat oleh `python -m data_access demo`: angka rekaan yang bentuknya "
                    "mengikuti statistik ASN nasional, bukan data resmi." if info.demo else None)
st.markdown(f"Sumber: **{fmt.teks_aman(info.source)}** · versi kontrak data "
            f"**{fmt.teks_aman(meta.get('versi_kontrak'))}** · "
            f"mart dibangun {fmt.waktu(info.built_at)}")

st.subheader("Kesegaran per tabel")
batas = config.load_settings().batas_kesegaran_bulan
per_tabel, per_instansi = queries.kesegaran(k.sel, batas)
for row in per_tabel[per_tabel["Tertinggal"] != ""].itertuples(index=False):
    st.warning(f"Tabel **{row.Tabel}** tertinggal: tanggal terbarunya {fmt.tanggal(row[2])}, lebih dari {batas} bulan "
               f"sebelum data per {fmt.tanggal(info.data_per)}. Periksa apakah data terbarunya sudah diimpor.",
               icon=":material/update:")
st.caption(f"Isi setiap tabel sumber pada refresh terakhir, dalam cakupan Anda (filter di samping tidak berlaku). "
           f"Tanggal terbaru: tanggal paling akhir yang dimuat tabel itu, sampai hari refresh. Tabel ditandai "
           f"tertinggal bila tanggal terbarunya lebih dari {batas} bulan sebelum data per (pengaturan "
           "BATAS_KESEGARAN_BULAN).")
frame.table(per_tabel, "Kesegaran per tabel")
per_agency = st.expander(f"Kesegaran per instansi ({fmt.angka(len(per_instansi))} instansi)",
                         key="tabel_kesegaran_instansi", on_change="rerun")  # built only when opened
if per_agency.open:
    with per_agency:
        st.caption("Jumlah baris dan tanggal terbaru tabel bertanggal per instansi (pegawai dan survei lewat unit "
                   "kerjanya, pelatihan dan penilaian lewat pegawainya). Kolom Tertinggal menyebut tabel instansi itu "
                   f"yang tanggal terbarunya lebih dari {batas} bulan sebelum data per.")
        frame.table(per_instansi, "Kesegaran per instansi")

st.subheader("Riwayat impor dan pembaruan mart")
# Files, row counts and findings of an import are the whole source's: beyond a limited scope.
frame.history(info.path, who=k.pengguna.peran == "admin", whole=k.scope.is_all)

if k.scope.is_all:  # the mart's tables hold all of Indonesia: their sizes are not a scope's
    st.subheader("Isi mart analitik")
    mart_counts = queries.mart_tables(k.sel)
    frame.table(mart_counts.rename(columns={"tabel": "Tabel mart", "baris": "Jumlah baris"}), "Isi mart")

st.subheader("Indikator")
indicators = kamus.indikator()
st.table(indicators.set_index("Indikator"))  # long texts wrap here, unlike in a data grid
download.buttons("Indikator", lambda: indicators, k, "unduh_indikator")

st.subheader("Cara angka dihitung")
st.markdown(f"""
- **Pegawai pada suatu tahun**: {kamus.MEASURES["asn"].population}. Unit, golongan, dan jabatan memakai keadaan
  terkini. Kegiatan pengembangan dihitung pada tahun tanggal selesainya; JP dijumlah sebagai desimal tepat.
- **Pembulatan**: angka dibulatkan hanya untuk tampilan, setengah ke atas (12,25 → 12,3; 78,125 → 78,13); IKM dan
  nilai unsur selalu dengan dua desimal.
- **Angka kecil**: per entitas, cakupan, JP, dan kompetensi tidak ditampilkan di peringkat dan daftar bila kurang
  dari {kamus.MIN_PEGAWAI} pegawai; IKM bila kurang dari {kamus.MIN_RESPONDEN} responden (IKM unit di halaman
  Kepuasan selalu tampil, dengan tanda kecukupan sampel).
- **Tahun berjalan**: cakupan, JP, dan IKM dibandingkan dengan bulan yang sama tahun sebelumnya.

Untuk memperbarui data jalankan `python -m data_access refresh`; dasbor memakai mart baru tanpa
dimulai ulang.
""")

st.subheader("Batasan yang perlu diketahui")
st.markdown("""
- **Unit, golongan, dan jabatan pegawai adalah keadaan terkini**, bukan pada saat pelatihan atau penilaian:
  pegawai yang pindah unit membawa riwayatnya ke unit barunya (kontrak data belum memuat riwayat jabatan).
- **Tahun berjalan belum lengkap**: angka tahun ini memuat data sampai tanggal "data per" di atas.
- **Kompetensi** memakai penilaian terakhir sampai akhir tahun; pegawai yang belum pernah dinilai tidak masuk
  persentase, dan pegawai yang jenjangnya belum punya standar dihitung terpisah.
- **IKM** hanya ada untuk unit yang melayani publik dan menjalankan survei; filter pegawai (jenis ASN,
  jabatan, golongan, jenis kelamin) tidak berlaku untuk IKM.
- **Angka kecil tidak stabil**: entitas dengan kurang dari 30 pegawai atau responden ditandai ⚠ di perbandingan.
- **Hubungan bukan sebab-akibat**: halaman Dampak pembinaan menunjukkan keterkaitan, bukan bukti pengaruh.
""")

st.subheader("Kamus data: kontrak data sumber")
st.caption(f"Versi kontrak {contract.CONTRACT_VERSION}. Penjelasan lengkap dengan contoh: `docs/data-contract.md`. "
           "Dibaca oleh impor, `check`, dan `refresh` dari definisi yang sama.")
dictionary = contract.kamus()
for table in contract.metadata.sorted_tables:
    columns = st.expander(f"`{table.name}` — {table.comment or ''}", key=f"tabel_kamus_{table.name}",
                          on_change="rerun")  # built only when opened
    if columns.open:
        with columns:
            st.table(contract.kamus(table.name))
download.buttons("Kamus data", lambda: dictionary, k, "unduh_kamus")
