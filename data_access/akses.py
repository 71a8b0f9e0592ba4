"""Who may see what: the `akses_pengguna` table and the audit log of person-level exports.

Both live in a small SQLite side store (setting AKSES_PATH, default data/akses.sqlite),
not in the mart, which every refresh replaces, and not in the source, which the
dashboard only reads. Managed with `python -m data_access access grant|revoke|list`.

A grant is an email, a role and a scope (region codes and/or agency codes). Only
eksekutif and admin may have an empty scope, which means all of Indonesia; for the
other roles an empty scope is refused when granting and denied when reading.
"""

from __future__ import annotations

import json
import re
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .filters import Scope

PERAN = {
    "eksekutif": "Eksekutif: semua angka agregat dalam cakupannya, tanpa data orang per orang",
    "kepala_wilayah": "Kepala wilayah: angka agregat wilayah/instansinya saja",
    "perencana": "Perencana: agregat dan daftar orang per orang (NIP disamarkan) dalam cakupannya",
    "admin": "Admin: semuanya dalam cakupannya, termasuk unduhan dengan NIP lengkap",
}
BOLEH_TANPA_CAKUPAN = ("eksekutif", "admin")  # an empty scope means all of Indonesia
LIHAT_ORANG = ("perencana", "admin")
KODE_WILAYAH = re.compile(r"\d{2}|\d{4}")  # province or kab/kota (Kemendagri)
KODE_INSTANSI = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS akses_pengguna (
    email TEXT PRIMARY KEY,          -- lower case, as the identity provider gives it
    peran TEXT NOT NULL,
    wilayah TEXT NOT NULL DEFAULT '',  -- codes separated by commas
    instansi TEXT NOT NULL DEFAULT '',
    diberikan_oleh TEXT NOT NULL,
    diberikan_pada TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS log_unduhan (
    waktu TEXT NOT NULL,
    email TEXT NOT NULL,
    peran TEXT NOT NULL,
    dataset TEXT NOT NULL,
    filter TEXT NOT NULL,            -- the active filters as JSON (codes, never people)
    baris INTEGER NOT NULL
);
"""


class AksesError(ValueError):
    """A grant that cannot be stored; the text says why, in Indonesian."""


@dataclass(frozen=True)
class Hak:
    email: str
    peran: str
    wilayah: tuple[str, ...]
    instansi: tuple[str, ...]
    diberikan_oleh: str = ""
    diberikan_pada: str = ""

    @property
    def cakupan(self) -> str:
        parts = [f"wilayah {', '.join(self.wilayah)}" if self.wilayah else "",
                 f"instansi {', '.join(self.instansi)}" if self.instansi else ""]
        return "; ".join(p for p in parts if p) or "seluruh Indonesia"


def scope_of(hak: Hak | None) -> Scope | None:
    """The scope a grant gives, or None when it gives nothing (no grant, an unknown role,
    or a role that needs a scope without one)."""
    if hak is None or hak.peran not in PERAN:
        return None
    if not (hak.wilayah or hak.instansi) and hak.peran not in BOLEH_TANPA_CAKUPAN:
        return None
    return Scope(wilayah=frozenset(hak.wilayah), instansi=frozenset(hak.instansi),
                 lihat_orang=hak.peran in LIHAT_ORANG, nip_penuh=hak.peran == "admin")


@contextmanager
def _connect(path: str, schema: bool = True):
    """A connection in one transaction (committed on success), always closed. Readers of a
    store that exists pass schema=False: the tables are there, and creating them is a write."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(path, timeout=10)
    try:
        with con:
            if schema:
                con.executescript(_SCHEMA)
            yield con
    finally:
        con.close()


def _codes(text: str) -> tuple[str, ...]:
    return tuple(c for c in text.split(",") if c)


def _row(row) -> Hak:
    email, peran, wilayah, instansi, oleh, pada = row
    return Hak(email, peran, _codes(wilayah), _codes(instansi), oleh, pada)


def normal_email(email: str) -> str:
    return email.strip().lower()


def grant(path: str, email: str, peran: str, wilayah=(), instansi=(), oleh: str = "cli") -> Hak:
    """Store (or replace) a user's grant after checking it."""
    email = normal_email(email)
    if not EMAIL.fullmatch(email):
        raise AksesError(f"Email tidak sah: {email!r}.")
    if peran not in PERAN:
        raise AksesError(f"Peran {peran!r} tidak dikenal; pilih salah satu: {', '.join(PERAN)}.")
    # Kemendagri writes kabupaten/kota codes dotted (35.78); stored as the mart has them (3578).
    wilayah = tuple(sorted({re.sub(r"^(\d{2})\.(\d{2})$", r"\1\2", c.strip()) for c in wilayah if c.strip()}))
    instansi = tuple(sorted({c.strip() for c in instansi if c.strip()}))
    for code in wilayah:
        if not KODE_WILAYAH.fullmatch(code):
            raise AksesError(f"Kode wilayah {code!r} tidak sah: 2 angka (provinsi) atau 4 angka (kabupaten/kota).")
    for code in instansi:
        if not KODE_INSTANSI.fullmatch(code):
            raise AksesError(f"Kode instansi {code!r} tidak sah.")
    if not (wilayah or instansi) and peran not in BOLEH_TANPA_CAKUPAN:
        raise AksesError(f"Peran {peran} wajib dibatasi dengan --wilayah dan/atau --instansi; "
                         "hanya eksekutif dan admin yang boleh tanpa batas (seluruh Indonesia).")
    hak = Hak(email, peran, wilayah, instansi, oleh, datetime.now().isoformat(timespec="seconds"))
    with _connect(path) as con:
        con.execute("INSERT OR REPLACE INTO akses_pengguna VALUES (?, ?, ?, ?, ?, ?)",
                    (hak.email, hak.peran, ",".join(wilayah), ",".join(instansi), hak.diberikan_oleh,
                     hak.diberikan_pada))
    return hak


def revoke(path: str, email: str) -> bool:
    with _connect(path) as con:
        return con.execute("DELETE FROM akses_pengguna WHERE email = ?", (normal_email(email),)).rowcount > 0


def daftar(path: str) -> list[Hak]:
    with _connect(path) as con:
        return [_row(r) for r in con.execute("SELECT * FROM akses_pengguna ORDER BY email")]


def cari(path: str, email: str | None) -> Hak | None:
    """The grant of one user, read on every run so that a revoke takes effect at once."""
    if not email or not Path(path).exists():
        return None
    with _connect(path, schema=False) as con:
        row = con.execute("SELECT * FROM akses_pengguna WHERE email = ?", (normal_email(email),)).fetchone()
    return _row(row) if row else None


def catat_unduhan(path: str, email: str, peran: str, dataset: str, filters: dict, baris: int) -> None:
    """One audit line for a person-level export: who, when, what, which filters, how many rows.
    Filters hold codes and years only, never a NIP or a name."""
    with _connect(path) as con:
        con.execute("INSERT INTO log_unduhan VALUES (?, ?, ?, ?, ?, ?)",
                    (datetime.now().isoformat(timespec="seconds"), normal_email(email), peran, dataset,
                     json.dumps(filters, sort_keys=True, default=str), int(baris)))


def log_unduhan(path: str) -> list[tuple]:
    if not Path(path).exists():
        return []
    with _connect(path, schema=False) as con:
        return con.execute("SELECT * FROM log_unduhan ORDER BY waktu").fetchall()
