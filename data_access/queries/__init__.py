"""Named datasets the pages ask for, by domain. Pages contain no SQL; every query lives here.

Each dataset takes a `Selection` (the mart's path and version, the access scope, the filters)
and returns a small DataFrame or value, cached in the process for every session under all
its arguments: a refreshed mart (new version) or another scope never meets an answer made
for something else. Figures come from the measure layer (data_access/measures).
"""
# ruff: noqa: F401  (the package re-exports its modules' datasets)

from ._base import FIGURE_TTL, OPTIONS_TTL, Selection, cached, change, comparable, cut_off, figures, run
from .banding import INDIKATOR, banding, entitas, kelompok_sebaya
from .dampak import cakupan_dan_ikm, kompetensi_berulang, perubahan_ikm_menurut_cakupan, peringatan_dini
from .kepuasan import (PERIODE, ikm_per_unit, ikm_periode, ikm_tren, ikm_unsur, kecukupan_unit,
                       periode_sebelumnya, profil_responden, saran_terbaru)
from .kompetensi import (KEBUTUHAN, KOMPETENSI, gap_per_jenjang, gap_per_wilayah, gap_tren,
                         jumlah_di_bawah_standar, kebutuhan_pengembangan)
from .orang import (kebutuhan_per_orang, mask_nip, pns_di_bawah_target, sql_kebutuhan_per_orang,
                    sql_pns_di_bawah_target)
from .pelatihan import (RINCIAN, bagian_moda, cakupan_nasional, cakupan_per_wilayah, cakupan_rincian,
                        cara_pengembangan, daring_per_3t, distribusi_jp, kemajuan_bulanan, posisi_jalur, target_jp,
                        unit_cakupan_terendah)
from .ringkasan import (PERHATIAN_BARIS, RINGKASAN, beranda, entitas_perhatian, headline, indikator_provinsi,
                        perlu_perhatian, tren)
from . import siap
from .umum import (CASCADE, JENIS_INSTANSI_LABEL, TANGGAL_KESEGARAN, UNITS, cakupan_ada, filter_options, jumlah_asn,
                   kesegaran, mart_tables, nama_cakupan)

__all__ = [name for name in dir() if not name.startswith("_")]
