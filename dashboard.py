"""Dasbor Pembinaan ASN: the frame every page lives in (`streamlit run dashboard.py`).

Page config, first start on demo data, the global filters (kept in the URL) and
navigation over the files in pages/. No SQL and no charts here.
"""

import streamlit as st

from data_access import config
from ui import frame

st.set_page_config(page_title="Dasbor Pembinaan ASN", page_icon=":material/groups:", layout="wide")

info = frame.ensure_mart(config.load_settings())
frame.filter_bar(info)

# Each url_path differs from its file's name: AppTest would otherwise mistake the page
# for an old-style pages/ script and rerun it without the frame.
page = st.navigation({
    "": [
        st.Page("pages/ringkasan.py", url_path="ringkasan-eksekutif", title="Ringkasan", icon=":material/dashboard:", default=True),
    ],
    "Analisis": [
        st.Page("pages/pelatihan.py", url_path="cakupan-pelatihan", title="Cakupan pelatihan (20 JP)", icon=":material/school:"),
        st.Page("pages/kompetensi.py", url_path="kesenjangan-kompetensi", title="Kesenjangan kompetensi", icon=":material/psychology:"),
        st.Page("pages/kepuasan.py", url_path="kepuasan-masyarakat", title="Kepuasan masyarakat (IKM)", icon=":material/sentiment_satisfied:"),
        st.Page("pages/perbandingan.py", url_path="perbandingan-wilayah", title="Perbandingan wilayah", icon=":material/compare_arrows:"),
        st.Page("pages/dampak.py", url_path="dampak-pembinaan", title="Dampak pembinaan", icon=":material/trending_up:"),
    ],
    "Data": [
        st.Page("pages/unduh.py", url_path="unduh-data", title="Unduh data", icon=":material/download:"),
        st.Page("pages/tentang_data.py", url_path="tentang-data", title="Tentang data", icon=":material/info:"),
    ],
}, position="top")
page.run()
