"""Dasbor Pembinaan ASN: the frame every page lives in (`streamlit run dashboard.py`).

Page config, who the user is and what they may see, first start on demo data, the
global filters (kept in the URL) and navigation over the files in pages/. No SQL and
no charts here.
"""

import streamlit as st

from data_access import config, db, log, mart, queries
from ui import frame, pengguna

st.set_page_config(page_title="Dasbor Pembinaan ASN", page_icon=":material/groups:", layout="wide")
# Streamlit fades every element while a rerun runs and back when it ends: the browser repaints the
# whole page twice per rerun. Faded only after a second, a quick rerun costs the browser a quarter
# less (bench/peramban.py); a slow one still shows that the page is being updated.
st.html("<style>[data-stale=true]{transition:opacity .3s ease-in 1s !important}</style>")
log.setup()  # the dashboard's log lines (sign-ins, audit of person-level downloads) on stderr

try:
    settings = config.load_settings()
except db.SourceError as exc:  # a malformed setting
    frame.explain(str(exc))
mode = pengguna.check_configuration(settings)  # a real source without login stops here
info = frame.ensure_mart(settings)
# Once per process: after each refresh, the home views are computed before users ask for them.
queries.siap.watch(settings.mart_path, lambda: pengguna.scopes_in_use(settings, mode))
try:  # a mart that opened may still fail in a query (a damaged block): explained, never a traceback
    user = pengguna.sign_in(settings, info, mode)  # default deny: no grant, no data
    pengguna.sidebar(user)
    frame.filter_bar(info, user)
except mart.MartUnavailable as exc:
    frame.explain(str(exc))

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
        # Admins over all of Indonesia only: for anyone else the page is not registered, so no link
        # or address reaches it.
        *([st.Page("pages/kelola_data.py", url_path="kelola-data", title="Kelola data", icon=":material/upload_file:")]
          if pengguna.kelola_data(user) else []),
    ],
}, position="top")
try:
    page.run()
except mart.MartUnavailable as exc:
    frame.mart_failed(exc)
