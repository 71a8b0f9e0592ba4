"""Unduh data: planners take the figures, with the active filters, into their own spreadsheets."""

import streamlit as st

from data_access import ekspor, kamus
from ui import download, frame
from ui import format as fmt

k = frame.page_header("Unduh data", "Pilih data, periksa cuplikannya, lalu unduh dengan filter yang sedang aktif "
                                    "(tahun, wilayah, instansi, pegawai) dari panel kiri.")
available = ekspor.available(k.scope)
groups = {"Agregat": [key for key, ds in available.items() if not ds.orang],
          "Orang per orang": [key for key, ds in available.items() if ds.orang]}

left, right = st.columns([2, 3], gap="large")
with left:
    kind = st.radio("Jenis data", [g for g, keys in groups.items() if keys], horizontal=True, key="unduh_jenis")
    key = st.selectbox("Data", groups[kind], format_func=lambda c: available[c].judul, key=f"unduh_data_{kind}")
    ds = available[key]
    st.caption(f"Isi: {ds.keterangan}.")
    if not k.scope.lihat_orang:
        st.caption(":material/lock: Daftar orang per orang hanya untuk peran perencana dan admin.")
with right:
    rows = ekspor.count(k.sel, key)
    st.metric("Baris dalam unduhan", fmt.angka(rows),
              help=f"Semua baris untuk filter ini, bukan hanya cuplikan. Batas satu unduhan "
                   f"{fmt.angka(ekspor.BATAS_BARIS)} baris (setelan BATAS_BARIS_UNDUH).")
    if ds.orang:
        st.info("Data pribadi (UU 27/2022). Setiap unduhan dicatat: siapa, kapan, data apa, filter apa, dan "
                "berapa baris — tanpa NIP atau nama. NIP disamarkan"
                + (", kecuali di berkas unduhan Anda sebagai admin." if k.scope.nip_penuh else ".")
                + f" Berkas dibuat saat tombol diklik; alamatnya acak dan hanya berlaku {download.BERLAKU_DETIK} detik.",
                icon=":material/shield_person:")
    download.dataset_buttons(ds, k, rows)

st.subheader("Cuplikan")
if rows == 0:
    frame.empty_state()
else:
    sample = ekspor.preview(k.sel, key)
    frame.table(sample, None, precision=ds.presisi)
    st.caption(f"{fmt.angka(min(rows, len(sample)))} baris pertama dari {fmt.angka(rows)}. Berkas XLSX memuat "
               "lembar **Keterangan**: filter, tanggal data, sumber, dan definisi setiap kolom.")
    with st.expander("Definisi kolom"):
        st.table({"Kolom": list(sample.columns), "Definisi": [kamus.definisi(c) or "-" for c in sample.columns]})
