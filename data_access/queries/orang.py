"""Person-level lists for planners: only for roles that may see people, NIP masked unless an
admin exports it (UU 27/2022). The SQL builders are shared with the downloads."""

from __future__ import annotations

import pandas as pd

from ..filters import Filters, Scope, where
from ._base import FIGURE_TTL, Selection, cached, run
from .kompetensi import KOMPETENSI


def mask_nip(column: str = "nip") -> str:
    """SQL that shows a NIP as 19************2001: the birth date and TMT it carries are
    personal data (UU 27/2022)."""
    return f"left({column}, 2) || repeat('*', 12) || right({column}, 4)"


def _nip(scope: Scope, nip_penuh: bool) -> str:
    return "p.nip" if nip_penuh and scope.nip_penuh else mask_nip("p.nip")


def _check_person_rows(scope: Scope) -> None:
    if not scope.lihat_orang:
        raise PermissionError("Peran ini tidak berhak melihat data orang per orang.")


def _limit(limit: int | None) -> str:
    return f"LIMIT {int(limit)}" if limit else ""


def sql_pns_di_bawah_target(scope: Scope, filters: Filters, nip_penuh: bool = False,
                            limit: int | None = None) -> tuple[str, dict]:
    """PNS below the JP target in the year with their JP so far, fewest JP first (the first
    `limit` only: they are picked before names are joined). The NIP is masked unless
    `nip_penuh` is asked for (an export) and the scope allows it (admin). JP are exact decimals in
    the mart; two-place values travel as the doubles that print them exactly (files take no Decimal)."""
    _check_person_rows(scope)
    clause, params = where(filters, scope)
    target = "(SELECT nilai::DECIMAL(8, 2) FROM meta WHERE kunci = 'target_jp_pns')"
    return f"""
        SELECT {_nip(scope, nip_penuh)} AS nip, p.nama, p.golongan, p.jenjang_jabatan, u.nama AS unit_kerja,
               x.jp::DOUBLE AS jp, ({target} - x.jp)::DOUBLE AS kekurangan_jp
        FROM (SELECT nip, jp FROM pegawai_tahun JOIN segmen USING (segmen)
              WHERE jenis_asn = 'PNS' AND jp < {target} AND {clause}
              ORDER BY jp, nip {_limit(limit)}) x
        JOIN pegawai p ON p.nip = x.nip JOIN unit_kerja u ON u.kode = p.kode_unit
        ORDER BY x.jp, x.nip""", params


@cached(ttl=FIGURE_TTL)
def pns_di_bawah_target(sel: Selection, limit: int = 200) -> pd.DataFrame:
    """The first `limit` PNS below the JP target, NIP masked."""
    return run(sel, *sql_pns_di_bawah_target(sel.scope, sel.filters, limit=limit))


def sql_kebutuhan_per_orang(scope: Scope, filters: Filters, nip_penuh: bool = False,
                            limit: int | None = None) -> tuple[str, dict]:
    """Employees below the standard of a competency, one row each, largest shortfall first.
    Person-level and NIP as in `sql_pns_di_bawah_target`."""
    _check_person_rows(scope)
    clause, params = where(filters, scope)
    return f"""
        SELECT {_nip(scope, nip_penuh)} AS nip, p.nama, p.jenjang_jabatan, u.nama AS unit_kerja,
               k.nama_kompetensi AS kompetensi, b.level, b.level_standar, b.kekurangan_level,
               b.tanggal_penilaian, b.dilatih_setelah_penilaian
        FROM (SELECT nip, kode_kompetensi, level, level_standar, kekurangan_level, tanggal_penilaian,
                     dilatih_setelah_penilaian
              FROM kebutuhan_pegawai JOIN segmen USING (segmen) WHERE {clause}
              ORDER BY kekurangan_level DESC, nip, kode_kompetensi {_limit(limit)}) b
        JOIN pegawai p ON p.nip = b.nip JOIN unit_kerja u ON u.kode = p.kode_unit
        JOIN {KOMPETENSI} k USING (kode_kompetensi)
        ORDER BY b.kekurangan_level DESC, b.nip, b.kode_kompetensi""", params


@cached(ttl=FIGURE_TTL)
def kebutuhan_per_orang(sel: Selection, limit: int = 200) -> pd.DataFrame:
    """The first `limit` employees below a standard, largest shortfall first, NIP masked."""
    return run(sel, *sql_kebutuhan_per_orang(sel.scope, sel.filters, limit=limit))
