"""Access control: sign-in, grants, default deny, scopes applied to every figure, option list,
comparison and cached result; the safe defaults without login; the access command line."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest
from streamlit.testing.v1 import AppTest

from data_access import akses, config
from data_access.queries import Selection
from data_access.filters import Scope
from ui import format as fmt

from .expected import mart_query, person_years, source_table
from .test_frame import PAGES, REPO, TIMEOUT, asn_count, header_line, select
from .test_ringkasan import expected_cards

COOKIE_SECRET = "rahasia-kue-jangan-dicatat-0f9e8d7c"
CLIENT_SECRET = "rahasia-klien-jangan-dicatat-1a2b3c"
AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": COOKIE_SECRET,
        "client_id": "dasbor-asn", "client_secret": CLIENT_SECRET,
        "server_metadata_url": "https://sso.contoh.go.id/realms/asn/.well-known/openid-configuration"}


@pytest.fixture(scope="module")
def src(sqlite_demo):
    url, _ = sqlite_demo
    return {t: source_table(url, t) for t in (
        "wilayah", "unit_kerja", "pegawai", "riwayat_pelatihan", "penilaian_kompetensi",
        "standar_kompetensi", "survei_kepuasan")}


@pytest.fixture(scope="module")
def agency(sqlite_demo):
    """A central agency with staff in many provinces (code, its employees' provinces)."""
    _, mart = sqlite_demo
    row = mart_query(mart, """SELECT i.kode FROM instansi i JOIN unit_kerja u ON u.kode_instansi = i.kode
        WHERE i.jenis = 'pusat' GROUP BY i.kode ORDER BY count(DISTINCT u.kode_provinsi) DESC, i.kode LIMIT 1""")
    return row.iloc[0, 0]


@pytest.fixture
def users(app_env, agency):
    """The user matrix, granted through the same functions the command line uses."""
    path = config.load_settings().akses_path
    akses.grant(path, "eksekutif@contoh.go.id", "eksekutif")
    akses.grant(path, "Kepala.Jatim@contoh.go.id", "kepala_wilayah", ["35"])
    akses.grant(path, "perencana@contoh.go.id", "perencana", instansi=[agency])
    akses.grant(path, "admin@contoh.go.id", "admin")
    akses.grant(path, "hilang@contoh.go.id", "kepala_wilayah", ["99"])  # a code not in the data
    return path


def app_as(email: str | None, page: str | None = None, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": email, "email_verified": True} if email else {"is_logged_in": False}
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(f"pages/{page}.py").run()
    assert not at.exception
    return at


def expected_asn(src, year: int, provinces=(), agencies=()) -> int:
    py = person_years(src)
    py = py[py["tahun"] == year]
    if provinces or agencies:
        inst = py["kode_unit"].map(src["unit_kerja"].set_index("kode")["kode_instansi"])
        py = py[py["kode_provinsi"].isin(provinces) | inst.isin(agencies)]
    return len(py)


def shows_people(at: AppTest) -> bool:
    return any("NIP disamarkan" in m.value for m in at.markdown)


# --- who gets in -------------------------------------------------------------------------------

def test_signed_out_user_sees_only_the_sign_in_button(users):
    at = app_as(None)
    assert [b.label for b in at.button] == ["Masuk"]
    assert not at.sidebar.selectbox and not at.metric


@pytest.mark.parametrize("email, reason", [
    ("tamu@contoh.go.id", "belum memiliki akses"),
    ("hilang@contoh.go.id", "tidak cocok dengan wilayah atau instansi mana pun"),
])
def test_default_deny_explains_how_to_ask(users, email, reason, caplog):
    with caplog.at_level(logging.INFO, logger="dasbor.akses"):
        at = app_as(email, query={"provinsi": "35"})
    assert not at.sidebar.selectbox and not at.metric and not at.dataframe
    text = at.warning[0].value
    assert reason in text and fmt.teks_aman(email) in text and "hubungi" in text  # shown as text, not a link
    assert [b.label for b in at.button] == ["Keluar"]
    assert f"akses ditolak: {email}" in caplog.text
    # No page of the dashboard is reachable: the only registered page is the explanation.
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/pelatihan.py")


def test_unverified_email_is_not_trusted(users):
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=TIMEOUT)
    at.secrets["auth"] = AUTH
    at.user = {"is_logged_in": True, "email": "admin@contoh.go.id", "email_verified": False}
    at.run()
    assert "belum memiliki akses" in at.warning[0].value and not at.metric


def test_sign_in_is_logged_without_secrets(users, caplog):
    with caplog.at_level(logging.INFO, logger="dasbor.akses"):
        at = app_as("kepala.jatim@contoh.go.id")
        at.run()  # a rerun logs nothing new
    lines = [r.getMessage() for r in caplog.records if r.name == "dasbor.akses"]
    assert lines == ["masuk: kepala.jatim@contoh.go.id sebagai kepala_wilayah, cakupan wilayah 35"]
    assert COOKIE_SECRET not in caplog.text and CLIENT_SECRET not in caplog.text
    assert "Keluar" in [b.label for b in at.sidebar.button]


def test_a_revoked_grant_takes_effect_on_the_next_rerun(users):
    at = app_as("eksekutif@contoh.go.id", "pelatihan")
    assert at.metric
    akses.revoke(users, "eksekutif@contoh.go.id")
    at.run()
    assert not at.metric and "belum memiliki akses" in at.warning[0].value


# --- what each one sees --------------------------------------------------------------------------

@pytest.mark.parametrize("email, provinces, agency_scope, people", [
    ("eksekutif@contoh.go.id", (), False, False),
    ("kepala.jatim@contoh.go.id", ("35",), False, False),
    ("perencana@contoh.go.id", (), True, True),
    ("admin@contoh.go.id", (), False, True),
])
def test_every_page_shows_exactly_the_scope(users, src, agency, email, provinces, agency_scope, people):
    agencies = (agency,) if agency_scope else ()
    expected = expected_asn(src, 2025, provinces, agencies)
    for page in PAGES:
        at = app_as(email, page, {"tahun": "2025"})
        assert not at.error, page
        assert asn_count(at) == expected, page
        if page in ("pelatihan", "kompetensi"):
            assert shows_people(at) == people, page
            if people:  # the list itself, once asked for: masked NIPs of the scope only
                at.toggle[0].set_value(True).run()
                nips = next(d.value["NIP"] for d in at.dataframe if "NIP" in d.value.columns)
                assert len(nips) > 0 and nips.str.fullmatch(r"\d{2}\*{12}\d{4}").all()


def test_regional_head_options_cards_and_tampered_links(users, src):
    at = app_as("kepala.jatim@contoh.go.id", query={"tahun": "2025"})
    assert select(at, "Provinsi").options == ["Semua dalam cakupan Anda", "Jawa Timur"]
    assert "Cakupan Anda: **Jawa Timur**" in header_line(at)
    assert {m.label: m.value for m in at.metric} == expected_cards(src, 2025, "35")
    wilayah = src["wilayah"]
    select(at, "Provinsi").set_value("35").run()
    offered = set(select(at, "Kabupaten/kota").options) - {"Semua dalam cakupan Anda"}
    assert offered and offered <= set(wilayah.loc[wilayah["kode_induk"] == "35", "nama"])
    # Another province's code in the URL is ignored: the cards stay Jawa Timur's.
    for tampered in ({"provinsi": "33"}, {"kabkota": "3301"}, {"provinsi": "33", "kabkota": "3301"}):
        at = app_as("kepala.jatim@contoh.go.id", query={"tahun": "2025", **tampered})
        assert select(at, "Provinsi").value == ""
        assert {m.label: m.value for m in at.metric} == expected_cards(src, 2025, "35"), tampered


def test_agency_scope_ignores_another_agency_in_the_url(users, src, agency):
    other = next(c for c in src["unit_kerja"]["kode_instansi"].unique() if c != agency)
    at = app_as("perencana@contoh.go.id", query={"tahun": "2025", "instansi": other})
    assert len(select(at, "Instansi").options) == 2  # "Semua dalam cakupan Anda" and the agency
    assert select(at, "Instansi").value == ""
    assert asn_count(at) == expected_asn(src, 2025, (), (agency,))


def test_comparison_shows_the_national_benchmark_but_no_other_region(users):
    at = app_as("kepala.jatim@contoh.go.id", "perbandingan", {"tahun": "2025"})
    names = [n for n in at.dataframe[0].value["Nama"]]
    assert "Nasional" in names
    at_all = app_as("eksekutif@contoh.go.id", "perbandingan", {"tahun": "2025", "provinsi": "35"})
    national = at_all.dataframe[0].value.set_index("Nama").loc["Nasional"]
    assert at.dataframe[0].value.set_index("Nama").loc["Nasional"].equals(national)
    level = at.segmented_control[0]
    for code in ("provinsi", "instansi"):
        level.set_value(code).run()
        options = at.multiselect[0].options
        assert options, code
        if code == "provinsi":
            assert options == ["Jawa Timur"]


def test_two_users_never_share_a_cached_figure(users, src):
    """Same process, same filters, one after the other in both orders: each sees their own."""
    national, east_java = expected_asn(src, 2025), expected_asn(src, 2025, ("35",))
    for order in (("eksekutif", "kepala.jatim"), ("kepala.jatim", "eksekutif")):
        for who in order:
            at = app_as(f"{who}@contoh.go.id", query={"tahun": "2025"})
            assert asn_count(at) == (national if who == "eksekutif" else east_java)


def test_scope_rows_are_a_union_of_regions_and_agencies(sqlite_demo, src, agency):
    from data_access import mart, queries
    from data_access.filters import Filters
    _, path = sqlite_demo
    version = mart.version(str(path))
    scope = Scope(wilayah=frozenset({"35"}), instansi=frozenset({agency}))
    got = queries.jumlah_asn(Selection(str(path), version, scope, Filters(tahun=2025)))
    assert got == expected_asn(src, 2025, ("35",), (agency,))
    assert not queries.cakupan_ada(Selection(str(path), version, Scope(wilayah=frozenset({"99"}))))


# --- without login ------------------------------------------------------------------------------

def test_a_real_source_without_login_refuses_to_start(app_env, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://dasbor:sandi-rahasia@db.contoh.go.id/kepegawaian")
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "tidak dijalankan tanpa login" in at.error[0].value
    assert "sandi-rahasia" not in at.error[0].value
    assert not at.sidebar.selectbox and not at.metric


def test_imported_data_in_the_default_place_is_not_demo(app_env, tmp_path, monkeypatch):
    from .test_importer import good_files, imported_mart
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    mart_path, _ = imported_mart(tmp_path, good_files())  # real (non-demo) data under the default names
    (data_dir / "sumber.sqlite").write_bytes((tmp_path / "s.sqlite").read_bytes())
    (data_dir / "mart.duckdb").write_bytes(open(mart_path, "rb").read())
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=TIMEOUT).run()
    assert not at.exception and "tidak dijalankan tanpa login" in at.error[0].value


def test_auth_disabled_shows_a_warning_on_every_page(app_env, monkeypatch, src, tmp_path):
    url, mart_path = app_env  # the same data, but as a configured source: no demo mode
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MART_PATH", str(mart_path))
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("AUTH_DISABLED", "1")
    for page in PAGES:
        at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=TIMEOUT)
        at.query_params["tahun"] = "2025"
        at.run()
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception
        assert any("Login dimatikan (AUTH_DISABLED=1)" in w.value for w in at.warning), page
        assert asn_count(at) == expected_asn(src, 2025), page
        assert not shows_people(at), page


def test_demo_mode_is_labelled(app_env):
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=TIMEOUT).run()
    assert any("Mode demo tanpa login" in c.value for c in at.sidebar.caption)
    assert "ASN dalam pilihan ini" in header_line(at)


# --- the command line ----------------------------------------------------------------------------

def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "data_access", *args], cwd=REPO, capture_output=True,
                          text=True, env=env)


def test_access_command_line(app_env, tmp_path):
    import os
    env = dict(os.environ)
    ok = _cli("access", "grant", "Kepala@Contoh.go.id", "--peran", "kepala_wilayah", "--wilayah", "35",
              "--wilayah", "3501", env=env)
    assert ok.returncode == 0 and "kepala@contoh.go.id" in ok.stdout
    refused = [
        _cli("access", "grant", "x@contoh.go.id", "--peran", "perencana", env=env),  # needs a scope
        _cli("access", "grant", "x@contoh.go.id", "--peran", "eksekutif", "--wilayah", "99", env=env),  # unknown
        _cli("access", "grant", "x@contoh.go.id", "--peran", "eksekutif", "--wilayah", "3x", env=env),
        _cli("access", "grant", "bukan-email", "--peran", "eksekutif", env=env),
    ]
    assert [r.returncode for r in refused] == [2, 2, 2, 2]
    assert all(r.stderr.startswith("Gagal:") and "Traceback" not in r.stderr for r in refused)
    assert _cli("access", "grant", "x@contoh.go.id", "--peran", "eksekutif", "--wilayah", "99", "--paksa",
                env=env).returncode == 0
    listed = _cli("access", "list", env=env).stdout
    assert "kepala@contoh.go.id" in listed and "wilayah 35, 3501" in listed and "x@contoh.go.id" in listed
    assert _cli("access", "revoke", "KEPALA@contoh.go.id", env=env).returncode == 0
    assert _cli("access", "revoke", "kepala@contoh.go.id", env=env).returncode == 1
    assert "kepala@contoh.go.id" not in _cli("access", "list", env=env).stdout


def test_grants_give_the_right_scopes():
    assert akses.scope_of(None) is None
    assert akses.scope_of(akses.Hak("a@b.id", "kepala_wilayah", (), ())) is None  # would be everything
    assert akses.scope_of(akses.Hak("a@b.id", "tamu", (), ())) is None
    assert akses.scope_of(akses.Hak("a@b.id", "eksekutif", (), ())) == Scope()
    assert akses.scope_of(akses.Hak("a@b.id", "perencana", ("32",), ())) == Scope(
        wilayah=frozenset({"32"}), lihat_orang=True)
    assert akses.scope_of(akses.Hak("a@b.id", "admin", (), ("K1",))) == Scope(
        instansi=frozenset({"K1"}), lihat_orang=True, nip_penuh=True)
