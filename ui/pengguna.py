"""Who is looking: sign-in with OpenID Connect (`st.login`), the user's grant, and the
safe defaults when no login is configured.

- `[auth]` in .streamlit/secrets.toml: everyone signs in; what they see comes from their
  grant in `akses_pengguna` (default deny).
- No login and the embedded demo data: demo mode, labelled, as a planner over all data.
- No login and any other source: the app refuses to run, unless AUTH_DISABLED=1, which
  shows every page with a warning, as an executive (aggregates only, no person rows).

Only the email, the role and the scope are ever logged: never cookies, tokens or secrets.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from data_access import akses, config, db, mart, queries
from data_access.filters import ALL, Scope

from . import format as fmt

log = logging.getLogger("dasbor.akses")  # written by the one handler of data_access/log.py


def only_this_page() -> None:
    """Register a hidden one-page navigation for a run that shows something other than the
    pages (an explanation, the first-start progress). Without it, a run that ends before the
    entry point's st.navigation leaves Streamlit treating pages/ as an old-style app: it lists
    the page files in the sidebar and can run one on its own, without the frame."""
    st.navigation([st.Page(lambda: None, title="Dasbor Pembinaan ASN", url_path="berhenti")], position="hidden")


def halt() -> None:
    """End the run after an explanation, for every address of the app."""
    only_this_page()
    st.stop()


_LOGGED = "akses_dicatat"  # session key: the sign-in or denial this session last logged


@dataclass(frozen=True)
class Pengguna:
    email: str | None  # None without login (demo mode, AUTH_DISABLED)
    peran: str
    scope: Scope
    cakupan: str  # the scope in words
    mode: str  # "login", "demo" or "tanpa_login"


def kelola_data(user: Pengguna) -> bool:
    """Whether the user may load data (Kelola data): an admin over all of Indonesia only, since an
    import writes to the whole source and the page shows the history of the whole source."""
    return user.peran == "admin" and user.scope.is_all


def login_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def check_configuration(settings: config.Settings) -> str:
    """The mode this deployment runs in; stops with an explanation when a real source
    would be shown without login."""
    if login_configured():
        return "login"
    if settings.auth_disabled:
        return "tanpa_login"
    if settings.is_default_source:
        return "demo"
    _refuse(f"sumber datanya {db.describe_url(settings.database_url)}")


def _refuse(what: str) -> None:
    log.error("dasbor tidak dijalankan: data bukan demo dan login belum diatur")
    st.title("Dasbor Pembinaan ASN")
    st.error(
        f"**Dasbor tidak dijalankan tanpa login**: {what}, bukan data demo, dan login belum diatur.\n\n"
        "Data kepegawaian adalah data pribadi (UU 27/2022), jadi setiap pengguna harus masuk dan hanya "
        "melihat wilayah atau instansinya. Atur bagian `[auth]` (OpenID Connect, mis. Keycloak) di "
        "`.streamlit/secrets.toml` seperti pada README, lalu beri akses dengan "
        "`python -m data_access access grant`. Hanya di jaringan tertutup: `AUTH_DISABLED=1` menjalankan "
        "dasbor tanpa login dengan peringatan di setiap halaman.", icon=":material/lock:")
    halt()


DEMO = Scope(lihat_orang=True)  # demo mode: a planner over all data


def scopes_in_use(settings: config.Settings, mode: str) -> list[Scope]:
    """The scopes users of this deployment see the data with: the one of demo mode or of running
    without login, or every grant's (for the warm-up after a refresh, queries/siap.py)."""
    if mode == "demo":
        return [DEMO]
    if mode == "tanpa_login":
        return [ALL]
    if not Path(settings.akses_path).exists():
        return []
    return [scope for hak in akses.daftar(settings.akses_path) if (scope := akses.scope_of(hak)) is not None]


def sign_in(settings: config.Settings, info: mart.MartInfo, mode: str) -> Pengguna:
    """The user of this session and what they may see; stops with an explanation when
    they may see nothing."""
    if mode == "demo":
        if not info.demo:
            _refuse("mart di data/ memuat data yang diimpor")
        return Pengguna(None, "perencana", DEMO, "seluruh Indonesia", mode)
    if mode == "tanpa_login":
        return Pengguna(None, "eksekutif", ALL, "seluruh Indonesia", mode)

    if not st.user.is_logged_in:
        st.title("Dasbor Pembinaan ASN")
        st.markdown("Dasbor ini memuat data kepegawaian. Masuk dengan akun instansi Anda untuk melanjutkan.")
        st.button("Masuk", on_click=st.login, type="primary", icon=":material/login:")
        halt()
    email = st.user.get("email") if st.user.get("email_verified", True) is not False else None
    hak = akses.cari(settings.akses_path, email)
    scope = akses.scope_of(hak)
    if scope is None:
        _once("ditolak", log.warning, "akses ditolak: %s (%s)", email or "(tanpa email terverifikasi)",
              "tidak terdaftar" if hak is None else f"peran {hak.peran} tanpa cakupan")
        _deny(email, "Anda belum memiliki akses ke dasbor ini.")
    if not scope.is_all and not queries.cakupan_ada(queries.Selection(info.path, info.version, scope)):
        _once("ditolak", log.warning, "akses ditolak: %s (cakupan %s tidak ada di data)", email, hak.cakupan)
        _deny(email, f"Cakupan akses Anda ({fmt.teks_aman(hak.cakupan)}) tidak cocok dengan wilayah atau instansi "
                     "mana pun di data saat ini.")
    _once("masuk", log.info, "masuk: %s sebagai %s, cakupan %s", email, hak.peran, hak.cakupan)
    return Pengguna(email, hak.peran, scope, queries.nama_cakupan(queries.Selection(info.path, info.version, scope)), mode)


def _once(outcome: str, level, message: str, *args) -> None:
    """Log a sign-in or a denial once per session (again only when the outcome changes)."""
    if st.session_state.get(_LOGGED) != (outcome, args):
        level(message, *args)
        st.session_state[_LOGGED] = (outcome, args)


def _deny(email: str | None, reason: str) -> None:
    st.title("Dasbor Pembinaan ASN")
    contact = config.setting("KONTAK_AKSES", "admin dasbor di instansi Anda")
    st.warning(
        f"Anda masuk sebagai **{fmt.teks_aman(email) if email else 'pengguna tanpa email terverifikasi'}**. "
        f"{reason}\n\n"
        f"Untuk meminta akses, hubungi {contact} dan sebutkan email ini, peran yang Anda perlukan "
        "(eksekutif, kepala wilayah, perencana) dan wilayah atau instansi yang Anda bina.",
        icon=":material/lock_person:")
    st.button("Keluar", on_click=st.logout, icon=":material/logout:")
    halt()


def sidebar(p: Pengguna) -> None:
    """Who is signed in, in the sidebar; the warning when login is switched off."""
    box = st.sidebar.container(border=True)
    if p.mode == "login":
        box.markdown(f":material/account_circle: **{fmt.teks_aman(p.email)}**  \n{p.peran.replace('_', ' ')} · "
                     f"{fmt.teks_aman(p.cakupan)}")
        box.button("Keluar", on_click=st.logout, icon=":material/logout:", key="keluar")
    elif p.mode == "demo":
        box.caption(":material/science: Mode demo tanpa login: semua fitur, sebagai perencana.")
    else:
        box.caption(":material/lock_open: Tanpa login (AUTH_DISABLED=1): sebagai eksekutif.")
        st.warning("**Login dimatikan (AUTH_DISABLED=1).** Siapa pun yang membuka alamat ini melihat angka "
                   "seluruh Indonesia. Daftar orang per orang tidak ditampilkan. Atur login di "
                   "`.streamlit/secrets.toml` sebelum dasbor dibuka lebih luas.", icon=":material/lock_open:")
