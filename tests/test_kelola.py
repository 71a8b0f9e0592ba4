"""The Kelola data page (admins only: upload, check, import, refresh), the history of imports and
refreshes (data_access/riwayat.py, also written by the command line), and the freshness of every
source table on Tentang data. Through AppTest on a copy of the small demo, signed in as the users
of tests/test_akses.py; expected figures come from plain SQL on the source."""

from __future__ import annotations

import csv
import fcntl
import getpass
import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from multiprocessing import Pool

import pandas as pd
import pytest
import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from streamlit.testing.v1 import AppTest

from data_access import akses, config, refresh, riwayat, templat
from ui import format as fmt

from .conftest import REFERENCE_DATE
from .test_akses import AUTH
from .test_frame import REPO, TIMEOUT, asn_count, new_app, open_tables
from .test_importer import pns_row

PEGAWAI_HEADER = ["nip", "nama", "jenis_kelamin", "tanggal_lahir", "jenis_asn", "golongan", "jenis_jabatan",
                  "jenjang_jabatan", "pendidikan", "kode_unit", "tmt_asn", "aktif"]
# Two new PNS (NIP: birth date, TMT CPNS 2015-03, sex, a sequence no demo NIP uses).
NEW_NIPS = ["199103152015031987", "199207212015032988"]
HOSTILE = "=cmd|' /C calc'!A0"
MARKUP = "**tebal** <b>x</b> [tautan](http://contoh.invalid)"
ADMIN = "admin@contoh.go.id"


def sql(url: str, query: str, **params):
    with sa.create_engine(url).connect() as conn:
        return conn.execute(sa.text(query), params).fetchall()


def province_of_most(url: str) -> str:
    """The province with the most employees (no region name or code is assumed)."""
    return sql(url, "SELECT substr(u.kode_wilayah, 1, 2) FROM pegawai p JOIN unit_kerja u ON u.kode = p.kode_unit "
                    "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")[0][0]


@pytest.fixture
def site(sqlite_demo, monkeypatch, tmp_path):
    """A copy of the small demo (source and mart) as the embedded default, with login configured and
    the users of every role granted; the session's shared demo stays untouched. Yields (url, mart)."""
    _, mart = sqlite_demo
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(mart.with_name("sumber.sqlite"), folder / "sumber.sqlite")
    shutil.copy(mart, folder / "mart.duckdb")
    for name in ("DATABASE_URL", "MART_PATH", "AUTH_DISABLED", "BATAS_KESEGARAN_BULAN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(folder))
    monkeypatch.setenv("AKSES_PATH", str(tmp_path / "akses.sqlite"))
    url = f"sqlite:///{folder / 'sumber.sqlite'}"
    path = config.load_settings().akses_path
    akses.grant(path, ADMIN, "admin")
    akses.grant(path, "eksekutif@contoh.go.id", "eksekutif")
    akses.grant(path, "kepala@contoh.go.id", "kepala_wilayah", [province_of_most(url)])
    akses.grant(path, "perencana@contoh.go.id", "perencana", [province_of_most(url)])
    # An admin limited to one province: an import writes to the whole source, so not for them.
    akses.grant(path, "admin.wilayah@contoh.go.id", "admin", [province_of_most(url)])
    return url, folder / "mart.duckdb"


def signed_in(email: str, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email, "email_verified": True}
    at.run()
    if page:
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    return at


def csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def upload(at: AppTest, *files: tuple[str, bytes]) -> AppTest:
    at.file_uploader[0].set_value([(name, data, "text/csv") for name, data in files])
    return at.run()


def grid(at: AppTest, first_column: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if d.value.columns[0] == first_column)


def imports(mart) -> list[dict]:
    return [e for e in riwayat.baca(mart)[0] if e["jenis"] == "impor"]


# --- who gets the page -----------------------------------------------------------------------------

def test_admin_is_offered_the_page(site):
    at = signed_in(ADMIN, "kelola_data")
    assert [t.value for t in at.title] == ["Kelola data"]
    assert at.file_uploader and not at.error
    assert f"{fmt.angka(200)} MB" in next(m.value for m in at.markdown if "server.maxUploadSize" in m.value)


@pytest.mark.parametrize("email", ["eksekutif@contoh.go.id", "kepala@contoh.go.id", "perencana@contoh.go.id",
                                   "admin.wilayah@contoh.go.id"])
def test_other_roles_are_not_offered_it_and_its_address_does_not_reach_it(site, email):
    at = signed_in(email)
    with pytest.raises(ValueError, match="not a registered page|Could not find"):
        at.switch_page("pages/kelola_data.py")
    # The page's own address, as an admin's session knew it (a link passed on, a stale tab),
    # brings anyone else to the home page, never to the upload box.
    admin = signed_in(ADMIN)
    admin.switch_page("pages/kelola_data.py")
    at._page_hash = admin._page_hash
    at.run()
    assert not at.exception and not at.file_uploader
    assert "Kelola data" not in [t.value for t in at.title]


def test_demo_mode_without_login_does_not_offer_it(app_env):
    at = new_app()
    with pytest.raises(ValueError, match="not a registered page|Could not find"):
        at.switch_page("pages/kelola_data.py")


# --- checking and importing ------------------------------------------------------------------------

def test_a_bad_file_shows_its_report_and_writes_nothing(site):
    url, mart = site
    unit = sql(url, "SELECT kode FROM unit_kerja ORDER BY kode LIMIT 1")[0][0]
    good = pns_row(NEW_NIPS[0], "Sari Dewi", unit)
    short_nip = pns_row(NEW_NIPS[1], "Rina", unit)
    short_nip[0] = "12345"
    hostile_sex = pns_row(NEW_NIPS[1], "Rudi", unit)
    hostile_sex[2] = HOSTILE
    markup_rank = pns_row("199305102015031989", "Tono", unit)
    markup_rank[5] = MARKUP
    before = sql(url, "SELECT count(*) FROM pegawai")[0][0]

    at = signed_in(ADMIN, "kelola_data")
    upload(at, ("pegawai.csv", csv_bytes([PEGAWAI_HEADER, good, short_nip, hostile_sex, markup_rank])))
    assert not at.exception
    assert any("masalah" in e.value and "tidak ada yang ditulis" in e.value for e in at.error)
    report = grid(at, "Jenis temuan")
    problems = report[report["Jenis temuan"] == "masalah"]
    cells = set(problems[["Berkas", "Baris", "Kolom"]].astype(str).itertuples(index=False, name=None))
    # CSV line numbers: the header is line 1, so the rows above are lines 2 to 5.
    assert {("pegawai.csv", "3", "nip"), ("pegawai.csv", "4", "jenis_kelamin"), ("pegawai.csv", "5", "golongan")} <= cells
    assert not any(r[1] == "2" for r in cells)  # the good row has no problem
    values = set(problems["Nilai"])
    assert HOSTILE in values and MARKUP in values  # shown as written, in a data grid (text, never Markdown)
    assert all(k.strip() for k in problems["Keterangan"])
    assert "Impor" not in [b.label for b in at.button]
    assert sql(url, "SELECT count(*) FROM pegawai")[0][0] == before
    assert imports(mart) == []  # a check is no import


def test_upload_names_are_reduced_to_a_safe_base_name(site):
    url, _ = site
    unit = sql(url, "SELECT kode FROM unit_kerja ORDER BY kode LIMIT 1")[0][0]
    data = csv_bytes([PEGAWAI_HEADER, pns_row(NEW_NIPS[0], "Sari Dewi", unit)])
    at = signed_in(ADMIN, "kelola_data")
    upload(at, ("../../etc/pegawai.csv", data), ("Data <i>1 (salinan).csv", b"a,b\n1,2\n"))
    assert not at.exception
    renamed = next(c.value for c in at.caption if c.value.startswith("Disimpan dengan nama"))
    assert "`pegawai.csv`" in renamed and "`Data_i_1_salinan.csv`" in renamed
    assert "<i>" not in renamed  # the sender's name as text
    report = grid(at, "Jenis temuan")
    assert list(report["Berkas"]) == ["Data_i_1_salinan.csv"]  # only the second is no table's name
    assert "nama berkas bukan nama tabel" in report["Keterangan"].iloc[0]


def test_a_good_file_imports_refreshes_and_is_recorded(site):
    url, mart = site
    year = REFERENCE_DATE.year
    unit = sql(url, "SELECT kode FROM unit_kerja ORDER BY kode LIMIT 1")[0][0]
    assert not sql(url, f"SELECT 1 FROM pegawai WHERE nip IN ('{NEW_NIPS[0]}', '{NEW_NIPS[1]}')")
    on_payroll = ("SELECT count(*) FROM pegawai WHERE tmt_asn <= :end AND (aktif = 1 OR tanggal_berhenti >= :start)")
    period = {"end": f"{year}-12-31", "start": f"{year}-01-01"}
    before = sql(url, on_payroll, **period)[0][0]
    # One stored employee sent again under another name: replaced, not added.
    stored = sql(url, "SELECT nip, nama, jenis_kelamin, tanggal_lahir, jenis_asn, golongan, jenis_jabatan, "
                      "jenjang_jabatan, pendidikan, kode_unit, tmt_asn, aktif FROM pegawai "
                      "WHERE aktif = 1 AND tanggal_berhenti IS NULL ORDER BY nip LIMIT 1")[0]
    again = [str(v) for v in stored]
    again[1] = "Nama Baru Sekali"
    rows = [PEGAWAI_HEADER, pns_row(NEW_NIPS[0], "Sari Dewi", unit), pns_row(NEW_NIPS[1], "Dewi Lestari", unit), again]

    at = signed_in(ADMIN, "kelola_data")
    assert asn_count(at) == before
    upload(at, ("pegawai.csv", csv_bytes(rows)))
    assert any("sesuai kontrak" in s.value for s in at.success)
    next(b for b in at.button if b.label == "Impor").click().run()
    assert not at.exception and not at.error
    assert any("Impor berhasil: 3 baris ditulis" in s.value for s in at.success)
    result = grid(at, "Tabel")
    assert result.to_dict("records") == [{"Tabel": "pegawai", "Baris ditulis": 3, "Baru": 2,
                                          "Menggantikan baris tersimpan": 1}]

    after = sql(url, on_payroll, **period)[0][0]
    assert after == before + 2
    assert sql(url, "SELECT nama FROM pegawai WHERE nip = :nip", nip=stored[0])[0][0] == "Nama Baru Sekali"
    assert asn_count(at) == after  # this page, on the new mart
    for email, page in ((ADMIN, None), ("eksekutif@contoh.go.id", "pelatihan")):  # every session, every page
        assert asn_count(signed_in(email, page)) == after

    history = riwayat.baca(mart)[0]
    entry = imports(mart)[-1]
    assert entry["oleh"] == ADMIN and entry["hasil"] == "berhasil" and entry["berkas"] == ["pegawai.csv"]
    assert entry["tabel"] == {"pegawai": {"baru": 2, "diganti": 1}}
    assert history[-1]["jenis"] == "refresh" and history[-1]["oleh"] == ADMIN and history[-1]["hasil"] == "berhasil"
    assert history.index(entry) == len(history) - 2  # the refresh came after the import
    shown = grid(at, "Waktu")  # the page's history table, newest first
    assert list(shown["Proses"][:2]) == ["Pembaruan mart", "Impor"]
    assert shown["Oleh"].iloc[1] == ADMIN and shown["Baris baru"].iloc[1] == 2 and shown["Baris diganti"].iloc[1] == 1
    assert not at.file_uploader[0].value  # the upload box is empty again


def test_a_refresh_already_running_is_explained(site):
    _, mart = site
    lock = os.open(mart.parent, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # as a refresh into this folder holds it
        at = signed_in(ADMIN, "kelola_data")
        assert any("sedang diperbarui oleh proses lain" in w.value for w in at.warning)
        assert next(b for b in at.button if b.label == "Perbarui mart").disabled
    finally:
        os.close(lock)
    assert not refresh.berjalan(str(mart))


def test_an_unreachable_source_is_explained(site, monkeypatch):
    url, mart = site
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://dasbor@127.0.0.1:8619/tidak_ada")
    monkeypatch.setenv("MART_PATH", str(mart))
    at = signed_in(ADMIN, "kelola_data")
    unit = sql(url, "SELECT kode FROM unit_kerja ORDER BY kode LIMIT 1")[0][0]
    upload(at, ("pegawai.csv", csv_bytes([PEGAWAI_HEADER, pns_row(NEW_NIPS[0], "Sari Dewi", unit)])))
    assert not at.exception
    assert any("tidak dapat diperiksa" in e.value and "server tidak dapat dihubungi" in e.value for e in at.error)
    next(b for b in at.button if b.label == "Perbarui mart").click().run()
    assert any("Mart tidak dapat diperbarui" in e.value and "DATABASE_URL" in e.value for e in at.error)
    assert riwayat.baca(mart)[0][-1]["hasil"] == "gagal"


# --- the history -------------------------------------------------------------------------------------

def _append(args):
    mart, i = args
    riwayat.catat(mart, "impor", f"p{i}@contoh.go.id", "berhasil", berkas=[f"b{i}.csv"], tabel={"pegawai": (i, 0)})


def test_history_appends_under_a_lock_and_reads_past_a_damaged_line(tmp_path):
    mart = tmp_path / "mart.duckdb"
    with Pool(8) as pool:
        pool.map(_append, [(str(mart), i) for i in range(200)])
    entries, damaged = riwayat.baca(mart)
    assert damaged == 0 and sorted(e["oleh"] for e in entries) == sorted(f"p{i}@contoh.go.id" for i in range(200))
    with open(riwayat.lokasi(mart), "ab") as fh:
        fh.write(b'{"waktu": "2026-12-01T10:00:00+07:00", "jenis": "imp')  # a write cut short
    riwayat.catat(mart, "refresh", "(otomatis)", "berhasil", data_per="2026-10-31", durasi_detik="1.5",
                  keterangan="baris\npalsu {\"jenis\": \"impor\"}")
    with open(riwayat.lokasi(mart), "ab") as fh:
        fh.write(b"\xff\xfe bukan json\n[1, 2]\n")
    entries, damaged = riwayat.baca(mart)
    assert len(entries) == 201 and damaged == 3
    assert entries[-1]["jenis"] == "refresh" and entries[-1]["keterangan"] == 'baris palsu {"jenis": "impor"}'
    table, _ = riwayat.tabel(mart, pelaku=False)
    assert "Oleh" not in table.columns and table["Keterangan"].iloc[0].startswith("data per 31 Okt 2026, 1,5 detik")


def _cli(*args, env):
    return subprocess.run([sys.executable, "-m", "data_access", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=300)


def test_command_line_import_and_refresh_are_recorded(site, tmp_path):
    url, mart = site
    env = dict(os.environ)
    unit = sql(url, "SELECT kode FROM unit_kerja ORDER BY kode LIMIT 1")[0][0]
    folder = tmp_path / "impor"
    folder.mkdir()
    (folder / "pegawai.csv").write_bytes(csv_bytes([PEGAWAI_HEADER, pns_row(NEW_NIPS[0], "Sari Dewi", unit)]))
    done = _cli("import", str(folder), "--pengguna", "Pengelola@Contoh.go.id", env=env)
    assert done.returncode == 0, done.stderr
    (folder / "pegawai.csv").write_bytes(csv_bytes([PEGAWAI_HEADER, ["12345", *pns_row(NEW_NIPS[1], "X", unit)[1:]]]))
    assert _cli("import", str(folder), env=env).returncode == 1
    assert _cli("refresh", env=env).returncode == 0
    refused = _cli("refresh", "--pengguna", "bukan email", env=env)
    assert refused.returncode == 2 and refused.stderr.startswith("Gagal:")
    entries = riwayat.baca(mart)[0]
    shell = f"(cli {getpass.getuser()})"
    assert [(e["jenis"], e["oleh"], e["hasil"]) for e in entries] == [
        ("impor", "pengelola@contoh.go.id", "berhasil"), ("impor", shell, "ditolak"), ("refresh", shell, "berhasil")]
    assert entries[0]["tabel"] == {"pegawai": {"baru": 1, "diganti": 0}} and entries[0]["berkas"] == ["pegawai.csv"]
    assert "1 masalah" in entries[1]["keterangan"] and "nip" in entries[1]["keterangan"]
    assert entries[2]["data_per"] == max(sql(url, f"SELECT max({c}) FROM {t}")[0][0] for t, c in (
        ("riwayat_pelatihan", "tanggal_selesai"), ("penilaian_kompetensi", "tanggal"), ("survei_kepuasan", "tanggal")))


# --- freshness on Tentang data ---------------------------------------------------------------------

DATED = {  # table -> (its latest date, as plain SQL on the source; how a row finds its agency and region)
    "pegawai": ("max(CASE WHEN t.tanggal_berhenti > t.tmt_asn THEN t.tanggal_berhenti ELSE t.tmt_asn END)",
                "JOIN unit_kerja u ON u.kode = t.kode_unit"),
    "riwayat_pelatihan": ("max(t.tanggal_selesai)",
                          "JOIN pegawai p ON p.nip = t.nip JOIN unit_kerja u ON u.kode = p.kode_unit"),
    "penilaian_kompetensi": ("max(t.tanggal)", "JOIN pegawai p ON p.nip = t.nip JOIN unit_kerja u ON u.kode = p.kode_unit"),
    "survei_kepuasan": ("max(t.tanggal)", "JOIN unit_kerja u ON u.kode = t.kode_unit"),
}


def freshness(at: AppTest) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(per table, per agency); the per-agency table is built once its expander is open."""
    open_tables(at)
    return grid(at, "Tabel").set_index("Tabel"), grid(at, "Kode instansi").set_index("Kode instansi")


def day(value) -> str:
    return "" if pd.isna(value) else pd.Timestamp(value).date().isoformat()


def test_freshness_per_table_and_agency_is_that_of_the_source(site):
    url, _ = site
    per_table, per_agency = freshness(signed_in(ADMIN, "tentang_data"))
    for table in ("wilayah", "instansi", "unit_kerja", "kompetensi", "standar_kompetensi", "pegawai",
                  "riwayat_pelatihan", "penilaian_kompetensi", "survei_kepuasan", "volume_layanan"):
        assert per_table.loc[table, "Jumlah baris"] == sql(url, f"SELECT count(*) FROM {table}")[0][0], table
    for table, (latest, _) in DATED.items():
        assert day(per_table.loc[table, "Tanggal terbaru"]) == sql(url, f"SELECT {latest} FROM {table} t")[0][0], table
    assert (per_table["Tertinggal"] == "").all()
    # Per agency: the admin sees every agency with rows, with its counts and dates.
    for table, label in (("pegawai", "Pegawai"), ("riwayat_pelatihan", "Pelatihan"),
                         ("penilaian_kompetensi", "Penilaian"), ("survei_kepuasan", "Survei")):
        latest, join = DATED[table]
        expected = {code: (n, d) for code, n, d in sql(
            url, f"SELECT u.kode_instansi, count(*), {latest} FROM {table} t {join} GROUP BY 1")}
        shown = per_agency[per_agency[label] > 0]
        assert {code: (int(row[label]), day(row[f"{label} terbaru"])) for code, row in shown.iterrows()} == expected


def test_freshness_keeps_to_the_scope(site):
    url, _ = site
    province = province_of_most(url)
    per_table, per_agency = freshness(signed_in("perencana@contoh.go.id", "tentang_data"))
    for table, (latest, join) in DATED.items():
        n, d = sql(url, f"SELECT count(*), {latest} FROM {table} t {join} WHERE substr(u.kode_wilayah, 1, 2) = :p",
                   p=province)[0]
        assert (per_table.loc[table, "Jumlah baris"], day(per_table.loc[table, "Tanggal terbaru"])) == (n, d), table
    agencies = {code for (code,) in sql(url, "SELECT DISTINCT kode_instansi FROM unit_kerja "
                                             "WHERE substr(kode_wilayah, 1, 2) = :p", p=province)}
    assert set(per_agency.index) <= agencies and len(per_agency) > 0
    assert per_table.loc["wilayah", "Jumlah baris"] == sql(url, "SELECT count(*) FROM wilayah")[0][0]  # reference: whole
    # A regional head sees aggregates only: an agency's count below the minimum is hidden, not shown.
    _, headed = freshness(signed_in("kepala@contoh.go.id", "tentang_data"))
    small = sql(url, "SELECT u.kode_instansi, count(*) FROM pegawai t JOIN unit_kerja u ON u.kode = t.kode_unit "
                     "WHERE substr(u.kode_wilayah, 1, 2) = :p GROUP BY 1 HAVING count(*) < 10", p=province)
    assert small and all(pd.isna(headed.loc[code, "Pegawai"]) for code, _ in small)


def test_history_on_the_data_page_names_who_only_to_admins(site):
    url, mart = site
    riwayat.catat(mart, "impor", ADMIN, "berhasil", berkas=["pegawai.csv"], tabel={"pegawai": (5, 2)})
    admin = grid(signed_in(ADMIN, "tentang_data"), "Waktu")
    assert admin["Oleh"].iloc[0] == ADMIN and admin["Rincian per tabel"].iloc[0] == "pegawai: 3 baru, 2 diganti"
    other = grid(signed_in("eksekutif@contoh.go.id", "tentang_data"), "Waktu")
    assert "Oleh" not in other.columns and other["Proses"].iloc[0] == "Impor"


@pytest.mark.parametrize("limit, months_back, lags", [("", 5, True), ("", 2, False), ("1", 2, True)])
def test_a_table_that_lags_behind_data_per_is_warned(site, monkeypatch, limit, months_back, lags):
    url, mart = site
    cut = REFERENCE_DATE - relativedelta(months=months_back)  # surveys stop some months before the others
    with sa.create_engine(url).begin() as conn:
        conn.execute(sa.text("DELETE FROM survei_kepuasan WHERE tanggal > :cut"), {"cut": cut.isoformat()})
    refresh.refresh(url, str(mart))
    if limit:
        monkeypatch.setenv("BATAS_KESEGARAN_BULAN", limit)
    months = int(limit or 3)
    latest = {t: date.fromisoformat(sql(url, f"SELECT {expr} FROM {t} t")[0][0]) for t, (expr, _) in DATED.items()}
    data_per = max(latest[t] for t in ("riwayat_pelatihan", "penilaian_kompetensi", "survei_kepuasan"))
    # An employee's latest TMT or leaving date is shown but never judged (nobody joining is no lag).
    lagging = {t for t, d in latest.items() if d + relativedelta(months=months) < data_per and t != "pegawai"}
    assert lagging == ({"survei_kepuasan"} if lags else set())
    at = signed_in(ADMIN, "tentang_data")
    warned = {t for t in DATED if any(f"Tabel **{t}** tertinggal" in w.value for w in at.warning)}
    assert warned == lagging
    if lags:
        text = next(w.value for w in at.warning if "survei_kepuasan" in w.value)
        assert fmt.tanggal(latest["survei_kepuasan"]) in text and f"lebih dari {months} bulan" in text
    per_table, _ = freshness(at)
    assert set(per_table.index[per_table["Tertinggal"] != ""]) == lagging


def test_a_malformed_freshness_setting_is_refused(site, monkeypatch):
    monkeypatch.setenv("BATAS_KESEGARAN_BULAN", "tiga")
    at = signed_in(ADMIN)
    assert any("BATAS_KESEGARAN_BULAN" in e.value for e in at.error)


def test_history_lines_hold_no_employee_data(site):
    """What the history keeps: who acted, files, tables, counts; never a NIP or a name."""
    url, mart = site
    unit = sql(url, "SELECT kode FROM unit_kerja ORDER BY kode LIMIT 1")[0][0]
    at = signed_in(ADMIN, "kelola_data")
    upload(at, ("pegawai.csv", csv_bytes([PEGAWAI_HEADER, pns_row(NEW_NIPS[0], "Sari Dewi", unit)])))
    next(b for b in at.button if b.label == "Impor").click().run()
    text = riwayat.lokasi(mart).read_text()
    assert NEW_NIPS[0] not in text and "Sari Dewi" not in text
    assert all(isinstance(json.loads(line), dict) for line in text.splitlines())


def test_an_import_not_yet_in_the_mart_is_pointed_out_and_refresh_mends_it(site, tmp_path):
    url, mart = site
    unit = sql(url, "SELECT kode FROM unit_kerja ORDER BY kode LIMIT 1")[0][0]
    folder = tmp_path / "impor"
    folder.mkdir()
    (folder / "pegawai.csv").write_bytes(csv_bytes([PEGAWAI_HEADER, pns_row(NEW_NIPS[0], "Sari Dewi", unit)]))
    assert _cli("import", str(folder), env=dict(os.environ)).returncode == 0  # and no refresh
    at = signed_in(ADMIN, "kelola_data")
    before = asn_count(at)
    assert any("mart belum diperbarui" in w.value for w in at.warning)
    next(b for b in at.button if b.label == "Perbarui mart").click().run()
    assert not at.exception and any("Pembaruan selesai" in s.value for s in at.success)
    assert not any("mart belum diperbarui" in w.value for w in at.warning)
    assert asn_count(at) == before + 1
    assert riwayat.baca(mart)[0][-1]["oleh"] == ADMIN


def test_employees_without_a_recent_hire_or_leave_are_not_called_lagging(site):
    url, mart = site
    with sa.create_engine(url).begin() as conn:  # nobody joined or left for years: the data may be current
        conn.execute(sa.text("UPDATE pegawai SET tmt_asn = '2000-01-01', tanggal_berhenti = NULL"))
    refresh.refresh(url, str(mart))
    at = signed_in(ADMIN, "tentang_data")
    per_table, _ = freshness(at)
    assert day(per_table.loc["pegawai", "Tanggal terbaru"]) == "2000-01-01"
    assert per_table.loc["pegawai", "Tertinggal"] == ""
    assert not any("Tabel **pegawai** tertinggal" in w.value for w in at.warning)


def test_the_unchanged_template_is_not_imported(site, tmp_path):
    url, _ = site
    before = sql(url, "SELECT count(*) FROM pegawai")
    path = templat.write_template(tmp_path / "templat")
    at = signed_in(ADMIN, "kelola_data")
    at.file_uploader[0].set_value([(path.name, path.read_bytes(),
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")])
    at.run()
    assert not at.exception
    invented = sum(len(rows) for name, rows in templat.EXAMPLE.items() if name != "wilayah")
    assert any(f"{fmt.angka(invented)} baris contoh templat" in e.value for e in at.error)
    assert not [b for b in at.button if b.label == "Impor"]
    assert sql(url, "SELECT count(*) FROM pegawai") == before


def test_the_template_is_offered_for_download(site):
    import openpyxl
    at = signed_in(ADMIN, "kelola_data")
    assert [b.proto.label for b in at.get("download_button")] == ["Templat impor (XLSX)"]
    book = openpyxl.load_workbook(io.BytesIO(templat.template_bytes()))
    assert book.sheetnames[:2] == ["Petunjuk", "Pilihan"] and "pegawai" in book.sheetnames
