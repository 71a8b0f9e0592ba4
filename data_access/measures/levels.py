"""The levels figures are broken down by, from the nation to the unit, defined once."""

from __future__ import annotations

from ..filters import Filters
from .model import Level

LEVELS: dict[str, Level] = {level.key: level for level in (
    Level("nasional", "Nasional", "nasional", None, "SELECT 'semua' AS kode, 'Nasional' AS nama, 'nasional' AS jenis",
          None, "provinsi"),
    Level("provinsi", "Provinsi", "provinsi", "kode_provinsi",
          "SELECT kode, nama, 'provinsi' AS jenis FROM wilayah WHERE tingkat = 'provinsi'", "kode_provinsi", "kabkota"),
    Level("kabkota", "Kabupaten/kota", "kabupaten/kota", "kode_kabkota",
          "SELECT kode, nama, tingkat AS jenis FROM wilayah WHERE tingkat <> 'provinsi'", "kode_kabkota", "instansi"),
    Level("instansi", "Instansi", "instansi", "kode_instansi", "SELECT kode, nama, jenis FROM instansi",
          "kode_instansi", "unit"),
    Level("unit", "Unit kerja", "unit kerja", "kode_unit",
          "SELECT kode, nama, coalesce(jenis_layanan, 'tanpa layanan publik') AS jenis, kode_instansi, "
          "nama_instansi AS instansi, jenis_layanan FROM unit_kerja", "kode_unit", None),
)}


def level_below(filters: Filters) -> Level:
    """The level one step below the deepest one the region and agency filter picks (the unit
    itself once a unit is picked)."""
    picked = [lv for lv in LEVELS.values() if lv.filter_field and getattr(filters, lv.filter_field)]
    deepest = picked[-1] if picked else LEVELS["nasional"]
    return LEVELS[deepest.next] if deepest.next else deepest


def attention_level(filters: Filters) -> Level:
    """Where attention lists and associations look: agencies, or the units of a chosen agency."""
    return LEVELS["unit"] if filters.kode_instansi else LEVELS["instansi"]
