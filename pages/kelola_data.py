"""Kelola data (admins only): upload CSV/XLSX files, see what the contract check finds, import
them when clean (all or nothing), then refresh the mart with its progress. Every import and
refresh is recorded in the history beside the mart (data_access/riwayat.py).

The navigation offers this page to admins only (dashboard.py); the check below is a second lock.
"""

import re
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from data_access import config, db, importer, refresh, riwayat, templat
from ui import format as fmt
from ui import frame, pengguna

k = frame.page_header("Kelola data", "Unggah berkas data, periksa terhadap kontrak data, impor, lalu perbarui mart.")
if not pengguna.kelola_data(k.pengguna):
    st.error("Halaman ini hanya untuk admin dengan cakupan seluruh Indonesia.", icon=":material/lock:")
    st.stop()

settings = config.load_settings()
who = k.pengguna.email or f"({k.pengguna.mode})"
_ROUND, _CHECKED, _DONE = "kelola_putaran", "kelola_diperiksa", "kelola_hasil"
EXTENSIONS = (".csv", ".xlsx")


def safe_name(name: str) -> str:
    """An uploaded file's name as it is saved: its base name only (no folder of the sender's),
    letters, digits, "_" and "-" (anything else a "_"), at most 80 characters, its extension in
    lower case. A table's name (pegawai.csv) stays as it is."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = base.rpartition(".")
    if not dot:
        stem, extension = base, ""
    clean = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_")[:80] or "berkas"
    return f"{clean}.{extension.lower()}" if extension else clean


def saved(files) -> tuple[list[tuple[str, object]], list[str]]:
    """(saved name, upload) of each file, and what is wrong with the set (in Indonesian)."""
    named, problems, seen = [], [], {}
    for f in files:
        name = safe_name(f.name)
        if not name.lower().endswith(EXTENSIONS):
            problems.append(f"{fmt.teks_aman(f.name)}: bukan berkas CSV atau XLSX.")
        elif name.lower() in seen:
            problems.append(f"{fmt.teks_aman(f.name)} dan {fmt.teks_aman(seen[name.lower()])} bernama sama "
                            f"({name}); unggah satu saja.")
        else:
            seen[name.lower()] = f.name
            named.append((name, f))
    return named, problems


def run_importer(named, write: bool):
    """import_folder on the uploads, saved in a fresh temporary folder that is removed after."""
    engine = db.make_engine(settings.database_url, create_sqlite_dir=write)
    try:
        with tempfile.TemporaryDirectory(prefix="kelola-") as folder:
            for name, f in named:
                (Path(folder) / name).write_bytes(f.getvalue())
            return importer.import_folder(engine, Path(folder), write=write)
    finally:
        engine.dispose()


def show_report(report, what: str = "Laporan pemeriksaan") -> None:
    examples = templat.examples_left(report)
    if report.ok and examples:  # rows invented for the template must not become an agency's data
        st.error(f"Berkas masih memuat **{fmt.angka(examples)} baris contoh templat** (peringatan di tabel): "
                 "instansi, unit, pegawai, pelatihan, dan survei rekaan. Hapus atau timpa baris itu dengan data "
                 "Anda, lalu unggah lagi; baru sesudah itu impor dapat dijalankan.", icon=":material/error:")
    elif report.ok:
        st.success("Berkas sesuai kontrak data." + (
            f" {fmt.angka(report.warnings_total)} peringatan di bawah tidak menghalangi impor." if report.warnings else ""),
            icon=":material/task_alt:")
    else:
        st.error(f"Ditemukan **{fmt.angka(report.total)} masalah**; tidak ada yang ditulis. Perbaiki berkasnya "
                 "(berkas, baris, dan kolom tertera di tabel), lalu unggah lagi.", icon=":material/error:")
        if report.total > len(report.problems):
            st.caption(f"Hanya {fmt.angka(len(report.problems))} masalah pertama yang ditampilkan.")
    if report.problems or report.warnings:
        frame.table(report.table(), what)


def written_table(written: dict) -> pd.DataFrame:
    return pd.DataFrame([{"Tabel": name, "Baris ditulis": n, "Baru": n - replaced, "Menggantikan baris tersimpan": replaced}
                         for name, (n, replaced) in written.items()])


def do_refresh() -> dict | None:
    """Refresh the mart with a progress bar; the metadata written, or None (explained) on failure."""
    st.caption("Jangan tinggalkan halaman ini sampai selesai: pembaruan yang terputus tidak mengubah mart lama.")
    bar = st.progress(0.0, text="Memulai pembaruan mart…")
    try:
        return refresh.refresh(settings.database_url, settings.mart_path, oleh=who,
                               progress=lambda step, f: bar.progress(min(max(f, 0.0), 1.0), text=step))
    except db.SourceError as exc:
        st.error(f"Mart tidak dapat diperbarui: {exc}", icon=":material/database_off:")
        return None


def finish(message: str, written: dict | None, meta: dict) -> None:
    """Remember the outcome, empty the upload box, and run the page again on the new mart."""
    st.session_state[_DONE] = (message, written, meta.get("data_per", ""))
    st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
    st.session_state.pop(_CHECKED, None)
    st.rerun()


def do_import(named) -> None:
    """Write the checked files (checked again: the source may have changed), record the import,
    refresh the mart; on success the page runs again and says what was written."""
    berkas = [name for name, _ in named]
    try:
        with st.spinner("Mengimpor…"):
            result = run_importer(named, write=True)
    except db.SourceError as exc:
        riwayat.catat_impor(settings.mart_path, who, berkas, galat=str(exc))
        st.error(f"Impor gagal, tidak ada yang ditulis: {exc}", icon=":material/database_off:")
        return
    riwayat.catat_impor(settings.mart_path, who, berkas, result)
    if not result.ok:  # the stored rows changed since the check, or the database refused the rows
        st.session_state.pop(_CHECKED, None)
        show_report(result, "Laporan impor")
        return
    meta = do_refresh()
    if meta is None:
        st.info("Data sudah tersimpan di sumber. Jalankan **Perbarui mart** di bawah setelah penyebabnya diatasi.",
                icon=":material/info:")
        frame.table(written_table(result.written), "Hasil impor")
        return
    finish(f"Impor berhasil: {fmt.angka(sum(n for n, _ in result.written.values()))} baris ditulis.",
           result.written, meta)


busy = refresh.berjalan(settings.mart_path)
if busy:
    st.warning("**Mart sedang diperbarui oleh proses lain** (mis. `python -m data_access refresh` terjadwal, atau "
               "admin lain). Impor dan pembaruan dapat dijalankan setelah selesai; muat ulang halaman ini sebentar lagi.",
               icon=":material/hourglass_top:")

done = st.session_state.pop(_DONE, None)
if done:
    message, written, data_per = done
    st.success(f"{message} Mart diperbarui (data per {fmt.tanggal(data_per) if data_per else '–'}): setiap halaman "
               "dan setiap pengguna kini melihat data baru.", icon=":material/task_alt:")
    if written:
        frame.table(written_table(written), "Hasil impor")

entries, _ = riwayat.baca(settings.mart_path)
last_import = max((i for i, e in enumerate(entries) if e["jenis"] == "impor" and e.get("hasil") == "berhasil"), default=-1)
last_refresh = max((i for i, e in enumerate(entries) if e["jenis"] == "refresh" and e.get("hasil") == "berhasil"),
                   default=-1)
if last_import > last_refresh:
    st.warning("Impor terakhir sudah tersimpan di sumber, tetapi **mart belum diperbarui** sesudahnya (pembaruan "
               "belum dijalankan, gagal, atau terputus): dasbor belum menampilkannya. Jalankan **Perbarui mart** di bawah.",
               icon=":material/sync_problem:")

st.subheader("1. Unggah berkas")
limit = st.get_option("server.maxUploadSize")
st.markdown(
    "Satu berkas CSV per tabel, dinamai menurut tabelnya (`pegawai.csv`, `riwayat_pelatihan.csv`; UTF-8, dipisah "
    "koma atau titik koma), atau berkas XLSX dengan satu lembar per tabel. Kolom dan aturannya ada di kamus data "
    "halaman **Tentang data**. Baris yang kuncinya sudah tersimpan menggantikan baris itu; baris lain ditambahkan. "
    f"Paling besar **{fmt.angka(limit)} MB** per berkas (`server.maxUploadSize` di `.streamlit/config.toml`).")
st.download_button("Templat impor (XLSX)", data=templat.template_bytes, file_name=templat.FILE_NAME,
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", on_click="ignore",
                   icon=":material/download:", key="unduh_templat",
                   help="Satu lembar per tabel dengan judul kolom, satu baris contoh, daftar pilihan, dan lembar "
                        "Petunjuk; isi, hapus baris contohnya, lalu unggah di sini.")
files = st.file_uploader("Berkas CSV atau XLSX", type=["csv", "xlsx"], accept_multiple_files=True,
                         key=f"berkas_{st.session_state.get(_ROUND, 0)}")
named, problems = saved(files or [])
for problem in problems:
    st.error(problem, icon=":material/block:")
renamed = [(f.name, name) for name, f in named if name != f.name]
if renamed:
    st.caption("Disimpan dengan nama: " + "; ".join(f"{fmt.teks_aman(old)} → `{new}`" for old, new in renamed))

if named and not problems:
    st.subheader("2. Hasil pemeriksaan")
    signature = tuple((name, f.file_id, f.size) for name, f in named)
    checked = st.session_state.get(_CHECKED)
    if checked is None or checked[0] != signature:
        try:
            with st.spinner("Memeriksa berkas terhadap kontrak data…"):
                checked = (signature, run_importer(named, write=False))
        except db.SourceError as exc:
            st.error(f"Berkas tidak dapat diperiksa: {exc}", icon=":material/database_off:")
            checked = None
        st.session_state[_CHECKED] = checked
    if checked is not None:
        report = checked[1]
        show_report(report)
        if report.ok and not templat.examples_left(report):
            st.subheader("3. Impor dan perbarui mart")
            st.markdown(f"Sumber: **{fmt.teks_aman(db.describe_url(settings.database_url))}**. Semua berkas ditulis "
                        "dalam satu transaksi (semua atau tidak sama sekali), lalu mart dibangun ulang.")
            if st.button("Impor", type="primary", icon=":material/upload:", disabled=busy, key="impor"):
                do_import(named)

st.subheader("Perbarui mart")
st.caption("Membangun ulang mart dari sumber tanpa impor, mis. sesudah sumber diubah di luar dasbor.")
if st.button("Perbarui mart", icon=":material/sync:", disabled=busy, key="perbarui"):
    meta = do_refresh()
    if meta is not None:
        finish("Pembaruan selesai.", None, meta)

st.subheader("Riwayat impor dan pembaruan")
frame.history(settings.mart_path, who=True)
