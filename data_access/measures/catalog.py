"""Every figure of the dashboard, defined once: facts and measures.

Queries, tables, exports, the indicator list on the data page and the column dictionary of
downloads are all assembled from these definitions (data_access/measures/sql.py,
data_access/kamus.py). A figure that is not here is not shown.
"""

from __future__ import annotations

from .. import rules
from ..config import setting
from ..reference import UNSUR_IKM
from .model import Fact, Measure

TARGET_JP = setting("TARGET_JP_PNS", str(rules.TARGET_JP_PNS))
MAX_JP_PPPK = setting("MAX_JP_PPPK", str(rules.MAX_JP_PPPK))
JPM_OPTIMAL = f"{float(setting('JPM_OPTIMAL', str(rules.JPM_OPTIMAL))):g}".replace(".", ",")
JPM_CUKUP = f"{float(setting('JPM_CUKUP', str(rules.JPM_CUKUP))):g}".replace(".", ",")
# Per entity, fewer employees (or respondents) than this and the figure is not shown in rankings
# and lists; fewer than MIN_STABIL marks a compared figure as unstable.
MIN_PEGAWAI, MIN_RESPONDEN = 10, 30
MIN_STABIL = int(setting("MIN_STABIL", "30"))
# For roles that see aggregates only, no cell may describe fewer persons than this (small-cell
# protection, measures/sql.py `protect`); respondents count as persons.
MIN_SEL = int(_raw) if (_raw := (setting("MIN_SEL_ORANG", "10") or "").strip()).isdigit() and int(_raw) else 10
# (a malformed MIN_SEL_ORANG keeps the default protection rather than stopping every page)


def min_sel(scope) -> int | None:
    """The fewest persons a shown cell may describe for `scope` (small-cell protection), None for a
    scope that may see the people themselves, or with MIN_SEL_ORANG 1: the one test of whether
    a figure, a table, a list of suggestions or a note is protected."""
    return MIN_SEL if not scope.lihat_orang and MIN_SEL > 1 else None

FACTS: dict[str, Fact] = {fact.key: fact for fact in (
    Fact("pelatihan", "pelatihan_tahun"),
    Fact("kompetensi_pegawai", "kompetensi_pegawai_sel"),
    Fact("kompetensi", "kompetensi_sel"),
    Fact("ikm", "ikm_sel", coarse=False, person=False, same_period="sd_data_per"),
)}

PNS, PPPK = "FILTER (WHERE jenis_asn = 'PNS')", "FILTER (WHERE jenis_asn = 'PPPK')"
# Whom a count describes, when not itself (small-cell protection, `Measure.persons`): those reaching
# 20 JP are PNS of the cell, those below standard pairs of the cell's assessed, and so on.
N_PNS, N_PPPK = f"sum(jumlah_pegawai) {PNS}", f"sum(jumlah_pegawai) {PPPK}"
N_BAWAH = f"sum(jumlah_pegawai - jumlah_capai_target) {PNS}"


def _fewest(*counts: str) -> str:
    """The smallest of the counts that are not 0: a figure describing several groups at once."""
    return f"least({', '.join(f'coalesce(nullif({c}, 0), 1e18)' for c in counts)})"


# ASN = PNS + PPPK: shown while one part is hidden, it would give that part away. The JP lacking
# describes those below target, and as 0 every PNS of the cell.
N_ASN, N_KURANG_JP = _fewest(N_PNS, N_PPPK), _fewest(N_PNS, N_BAWAH)
N_DINILAI, N_KURANG = "sum(jumlah_dinilai)", "sum(jumlah_di_bawah_standar)"  # persons, or pairs
N_RESPONDEN = "sum(jumlah_responden)"
PP_20JP = "PP 11/2017 pasal 203 ayat (4), diubah dengan PP 17/2020"
PPPK_BASIS = "PP 49/2018 tentang Manajemen PPPK"
SKJ = "PermenPANRB 38/2017 tentang Standar Kompetensi Jabatan ASN"
SKM = "PermenPANRB 14/2017 tentang Pedoman Penyusunan Survei Kepuasan Masyarakat"
ASESMEN = "praktik asesmen kompetensi (PermenPANRB 38/2017, Peraturan BKN 26/2019)"
YEAR = "ASN dengan TMT paling lambat 31 Desember tahun itu yang masih aktif atau berhenti pada tahun itu atau sesudahnya"
ASSESSED = ("pegawai pada tahun itu yang punya hasil penilaian (penilaian terakhir tiap kompetensi sampai akhir "
            "tahun) atas paling sedikit satu kompetensi yang punya level standar untuk jenjangnya")

IKM_SQL = "(" + " + ".join(f"sum(jumlah_{u}) / nullif(sum(responden_{u}), 0)" for u in UNSUR_IKM) + ") / 9 * 25"


def _count(key, label, fact, sql, definition, population, basis, higher=None, unit="orang", **kw) -> Measure:
    return Measure(key, label, unit, 0, definition, f"jumlah {label.lower()}", population, basis, fact=fact,
                   numerator=sql, higher_is_better=higher, **kw)


def _share(key, label, fact, numerator, denominator, definition, formula, population, basis, **kw) -> Measure:
    """A share (0..1) whose numerator and denominator count the same rows: the population is
    in both parts (the same FILTER) by construction."""
    return Measure(key, label, "persen", kw.pop("precision", 1), definition, formula, population, basis, fact=fact,
                   numerator=numerator, denominator=denominator, size=kw.pop("size", denominator), **kw)


MEASURES: dict[str, Measure] = {m.key: m for m in (
    # --- training: the 20 JP right ---------------------------------------------------------------
    _count("asn", "ASN", "pelatihan", "sum(jumlah_pegawai)", "Jumlah ASN (PNS dan PPPK) pada tahun itu.",
           YEAR, "UU 20/2023 tentang ASN", persons=N_ASN),
    _count("pns", "PNS", "pelatihan", f"sum(jumlah_pegawai) {PNS}", "Jumlah PNS pada tahun itu.",
           YEAR + "; hanya PNS", "UU 20/2023 tentang ASN"),
    _count("pppk", "PPPK", "pelatihan", f"sum(jumlah_pegawai) {PPPK}", "Jumlah PPPK pada tahun itu.",
           YEAR + "; hanya PPPK", PPPK_BASIS),
    _share("cakupan", "Cakupan 20 JP", "pelatihan", f"sum(jumlah_capai_target) {PNS}", f"sum(jumlah_pegawai) {PNS}",
           "Bagian PNS yang jumlah JP pengembangan kompetensinya dalam setahun mencapai target. Tepat 20 JP "
           "dihitung tercapai; 19,99 JP belum (JP dijumlah sebagai desimal tepat).",
           "PNS dengan JP setahun ≥ target ÷ semua PNS pada tahun itu", YEAR + "; hanya PNS (PPPK tidak dihitung)",
           PP_20JP, numerator_sd=f"sum(jumlah_capai_target_sd) {PNS}", denominator_sd=f"sum(jumlah_pegawai_sd) {PNS}",
           flow=True, min_size=MIN_PEGAWAI,
           target=f"setiap PNS ≥ {TARGET_JP} JP per tahun (TARGET_JP_PNS)"),
    _count("pns_capai", "PNS mencapai 20 JP", "pelatihan", f"sum(jumlah_capai_target) {PNS}",
           "PNS yang JP setahunnya mencapai target.", YEAR + "; hanya PNS", PP_20JP, higher=True, flow=True, persons=N_PNS,
           numerator_sd=f"sum(jumlah_capai_target_sd) {PNS}"),
    _count("di_bawah_target", "PNS di bawah 20 JP", "pelatihan",
           f"sum(jumlah_pegawai - jumlah_capai_target) {PNS}", "PNS yang JP setahunnya belum mencapai target.",
           YEAR + "; hanya PNS", PP_20JP, higher=False, flow=True,
           numerator_sd=f"sum(jumlah_pegawai_sd - jumlah_capai_target_sd) {PNS}", persons=N_PNS),
    Measure("jp_per_pns", "JP per PNS", "JP", 1, "Rata-rata jam pelajaran pengembangan kompetensi per PNS dalam "
            "setahun. Rata-rata 20 JP belum berarti setiap PNS mencapainya.", "jumlah JP semua PNS ÷ jumlah PNS",
            YEAR + "; hanya PNS; PNS tanpa kegiatan dihitung 0 JP", PP_20JP + "; jenis pengembangan menurut "
            "Peraturan LAN 10/2018", fact="pelatihan", numerator=f"sum(jumlah_jp) {PNS}",
            denominator=f"sum(jumlah_pegawai) {PNS}", size=f"sum(jumlah_pegawai) {PNS}",
            numerator_sd=f"sum(jumlah_jp_sd) {PNS}", denominator_sd=f"sum(jumlah_pegawai_sd) {PNS}", flow=True,
            min_size=MIN_PEGAWAI, target=f"≥ {TARGET_JP} JP"),
    Measure("kekurangan_jp", "JP yang kurang", "JP", 2, "Jam pelajaran yang masih kurang agar setiap PNS mencapai "
            "target.", "Σ max(0, target − JP setahun) atas semua PNS", YEAR + "; hanya PNS", PP_20JP,
            fact="pelatihan", numerator=f"sum(jumlah_kekurangan_jp) {PNS}", size=N_BAWAH, persons=N_KURANG_JP, target="0", higher_is_better=False,
            flow=True),
    _count("pns_tanpa_pelatihan", "PNS tanpa pelatihan", "pelatihan", f"sum(jumlah_tanpa_pelatihan) {PNS}",
           "PNS dengan 0 JP pada tahun itu.", YEAR + "; hanya PNS", PP_20JP, higher=False, flow=True, persons=N_PNS),
    Measure("jp_per_pppk", "JP per PPPK", "JP", 1, "Rata-rata jam pelajaran PPPK; bukan bagian cakupan 20 JP.",
            "jumlah JP PPPK ÷ jumlah PPPK", YEAR + "; hanya PPPK", PPPK_BASIS, fact="pelatihan",
            numerator=f"sum(jumlah_jp) {PPPK}", denominator=f"sum(jumlah_pegawai) {PPPK}",
            size=f"sum(jumlah_pegawai) {PPPK}", target=f"paling banyak {MAX_JP_PPPK} JP per tahun kontrak (MAX_JP_PPPK)",
            numerator_sd=f"sum(jumlah_jp_sd) {PPPK}", denominator_sd=f"sum(jumlah_pegawai_sd) {PPPK}", flow=True,
            higher_is_better=None),
    _share("pppk_lebih_batas", "PPPK melebihi 24 JP", "pelatihan", f"sum(jumlah_lebih_batas_pppk) {PPPK}",
           f"sum(jumlah_pegawai) {PPPK}", f"PPPK dengan lebih dari {MAX_JP_PPPK} JP dalam setahun: di atas hak "
           "pengembangan per tahun kontrak.", f"PPPK dengan JP > {MAX_JP_PPPK} ÷ semua PPPK", YEAR + "; hanya PPPK",
           PPPK_BASIS, higher_is_better=False, flow=True),
    _count("pppk_tanpa_pelatihan", "PPPK tanpa pelatihan", "pelatihan", f"sum(jumlah_tanpa_pelatihan) {PPPK}",
           "PPPK dengan 0 JP pada tahun itu.", YEAR + "; hanya PPPK", PPPK_BASIS, higher=False, flow=True, persons=N_PPPK),
    _share("bagian_daring", "JP daring", "pelatihan", "sum(jumlah_jp_daring)", "sum(jumlah_jp)",
           "Bagian JP yang diberikan secara daring: cara menjangkau daerah tertinggal, terdepan, dan terluar (3T).",
           "JP kegiatan daring ÷ semua JP", YEAR + "; PNS dan PPPK, JP mereka", "Peraturan LAN 10/2018",
           size="sum(jumlah_pegawai)", higher_is_better=None, flow=True),
    # --- competency against the job standard -------------------------------------------------------
    _count("dinilai", "Pegawai dinilai", "kompetensi_pegawai", "sum(jumlah_dinilai)",
           "Pegawai yang punya hasil penilaian kompetensi sampai akhir tahun atas kompetensi yang punya standar.",
           ASSESSED, SKJ, higher=True),
    _share("memenuhi_standar", "Memenuhi standar", "kompetensi_pegawai", "sum(jumlah_memenuhi_standar)",
           "sum(jumlah_dinilai)", "Bagian pegawai dinilai yang tidak punya satu kompetensi pun di bawah level "
           "standar jenjang jabatannya (penilaian terakhir tiap kompetensi sampai akhir tahun, bukan hanya "
           "penilaian tahun ini).", "pegawai tanpa kompetensi di bawah standar ÷ pegawai dinilai", ASSESSED, SKJ,
           min_size=MIN_PEGAWAI, target="100%"),
    _share("jpm", "JPM", "kompetensi_pegawai", "sum(jumlah_jpm) / 100", "sum(jumlah_dinilai)",
           "Job Person Match rata-rata: kesesuaian pegawai dengan jabatannya.",
           "rata-rata atas pegawai dinilai dari min(100%, Σ level dinilai ÷ Σ level standar)", ASSESSED, ASESMEN,
           min_size=MIN_PEGAWAI, target=f"Optimal ≥ {JPM_OPTIMAL}%, Cukup Optimal ≥ {JPM_CUKUP}% (JPM_OPTIMAL, JPM_CUKUP)"),
    _share("jpm_optimal", "JPM Optimal", "kompetensi_pegawai", "sum(jumlah_optimal)", "sum(jumlah_dinilai)",
           f"Bagian pegawai dinilai dengan JPM ≥ {JPM_OPTIMAL}%.", "pegawai JPM Optimal ÷ pegawai dinilai", ASSESSED,
           ASESMEN),
    _share("jpm_cukup", "JPM Cukup Optimal", "kompetensi_pegawai", "sum(jumlah_cukup_optimal)", "sum(jumlah_dinilai)",
           f"Bagian pegawai dinilai dengan JPM ≥ {JPM_CUKUP}% dan < {JPM_OPTIMAL}%.",
           "pegawai JPM Cukup Optimal ÷ pegawai dinilai", ASSESSED, ASESMEN, higher_is_better=None),
    _share("jpm_kurang", "JPM Kurang Optimal", "kompetensi_pegawai", "sum(jumlah_kurang_optimal)",
           "sum(jumlah_dinilai)", f"Bagian pegawai dinilai dengan JPM < {JPM_CUKUP}%.",
           "pegawai JPM Kurang Optimal ÷ pegawai dinilai", ASSESSED, ASESMEN, higher_is_better=False),
    _share("dinilai_tahun_ini", "Dinilai tahun ini", "kompetensi_pegawai", "sum(jumlah_dinilai_1_tahun)",
           "sum(jumlah_dinilai)", "Bagian pegawai dinilai yang penilaian terakhirnya (atas kompetensi yang punya "
           "standar) jatuh pada tahun terpilih.", "pegawai dinilai pada tahun itu ÷ pegawai dinilai", ASSESSED, SKJ,
           flow=True),
    _count("dinilai_1_tahun", "Dinilai ≤ 1 tahun", "kompetensi_pegawai", "sum(jumlah_dinilai_1_tahun)",
           "Pegawai dinilai yang penilaian terakhirnya jatuh pada tahun terpilih.", ASSESSED, SKJ, persons=N_DINILAI, flow=True),
    _count("dinilai_1_3_tahun", "Dinilai 1–3 tahun lalu", "kompetensi_pegawai", "sum(jumlah_dinilai_1_3_tahun)",
           "Pegawai dinilai yang penilaian terakhirnya satu sampai tiga tahun sebelumnya.", ASSESSED, SKJ, persons=N_DINILAI),
    _count("dinilai_lebih_3_tahun", "Dinilai > 3 tahun lalu", "kompetensi_pegawai",
           "sum(jumlah_dinilai_lebih_3_tahun)", "Pegawai dinilai yang penilaian terakhirnya lebih dari tiga tahun "
           "sebelumnya.", ASSESSED, SKJ, persons=N_DINILAI),
    _count("tanpa_standar", "Dinilai tanpa standar", "kompetensi_pegawai", "sum(jumlah_tanpa_standar)",
           "Pegawai dinilai yang jenjang jabatannya belum punya level standar untuk kompetensi yang dinilai: "
           "tidak ikut dihitung.", "pegawai pada tahun itu yang dinilai hanya atas kompetensi tanpa standar", SKJ,
           higher=False),
    Measure("bagian_dinilai", "Bagian pegawai dinilai", "persen", 1, "Pegawai yang punya hasil penilaian atas "
            "kompetensi yang punya standar (kapan pun sampai akhir tahun), dibagi semua pegawai pada tahun itu.",
            "pegawai dinilai ÷ ASN pada tahun itu", YEAR, SKJ, ratio_of=("dinilai", "asn")),
    Measure("rata_gap", "Rata-rata gap", "level", 2, "Rata-rata level hasil penilaian dikurangi level standar "
            "jenjang jabatan, atas pasangan pegawai × kompetensi yang punya standar; negatif = di bawah standar.",
            "Σ (level dinilai − level standar) ÷ pasangan pegawai × kompetensi dinilai",
            "penilaian terakhir tiap pegawai per kompetensi sampai akhir tahun, yang punya standar", SKJ,
            fact="kompetensi", numerator="sum(jumlah_gap)", denominator="sum(jumlah_dinilai)",
            size="sum(jumlah_dinilai)", size_of="dinilai", min_size=MIN_PEGAWAI, target="≥ 0"),
    _count("dinilai_kompetensi", "Dinilai (pegawai × kompetensi)", "kompetensi", "sum(jumlah_dinilai)",
           "Pasangan pegawai × kompetensi yang dinilai dan punya standar.",
           "penilaian terakhir tiap pegawai per kompetensi sampai akhir tahun, yang punya standar", SKJ),
    _count("di_bawah_standar", "Di bawah standar", "kompetensi", "sum(jumlah_di_bawah_standar)",
           "Pasangan pegawai × kompetensi yang level terakhirnya di bawah standar jenjang jabatannya.",
           "penilaian terakhir tiap pegawai per kompetensi sampai akhir tahun, yang punya standar", SKJ, higher=False,
           persons=N_DINILAI),
    _share("bagian_di_bawah_standar", "Bagian di bawah standar", "kompetensi", "sum(jumlah_di_bawah_standar)",
           "sum(jumlah_dinilai)", "Bagian pasangan pegawai × kompetensi dinilai yang di bawah standar.",
           "di bawah standar ÷ dinilai", "pasangan pegawai × kompetensi dinilai yang punya standar", SKJ,
           higher_is_better=False),
    _count("kekurangan_level", "Jumlah kekurangan level", "kompetensi", "sum(jumlah_kekurangan_level)",
           "Jumlah level yang kurang dari standar, atas semua pasangan di bawah standar.",
           "pasangan pegawai × kompetensi di bawah standar", SKJ, higher=False, unit="level", persons=N_KURANG),
    Measure("rata_kekurangan", "Rata-rata kekurangan", "level", 2, "Rata-rata kekurangan level pada pasangan "
            "pegawai × kompetensi yang di bawah standar.", "Σ (standar − level) ÷ pasangan di bawah standar",
            "pasangan pegawai × kompetensi di bawah standar", SKJ, fact="kompetensi",
            numerator="sum(jumlah_kekurangan_level)", denominator="sum(jumlah_di_bawah_standar)",
            size="sum(jumlah_di_bawah_standar)", higher_is_better=False),
    _count("sudah_dilatih", "Sudah dilatih sesudah penilaian", "kompetensi", "sum(jumlah_dilatih_setelah)",
           "Pasangan di bawah standar yang sudah mengikuti pelatihan untuk kompetensi itu sesudah penilaian dan "
           "paling lambat akhir tahun.", "pasangan pegawai × kompetensi di bawah standar", SKJ, higher=True, persons=N_KURANG),
    _share("bagian_dilatih", "Bagian sudah dilatih", "kompetensi", "sum(jumlah_dilatih_setelah)",
           "sum(jumlah_di_bawah_standar)", "Bagian pasangan di bawah standar yang sudah dilatih sesudah penilaian.",
           "sudah dilatih ÷ di bawah standar", "pasangan pegawai × kompetensi di bawah standar", SKJ),
    # --- citizen satisfaction -------------------------------------------------------------------------
    Measure("ikm", "IKM", "indeks", 2, "Indeks Kepuasan Masyarakat atas sembilan unsur pelayanan; beberapa unit atau "
            "periode digabung dari jawaban (berbobot responden), bukan rata-rata IKM unit.",
            "Σ NRR unsur × 1/9 × 25, NRR = rata-rata jawaban (1–4) per unsur atas responden yang menjawabnya",
            "responden survei kepuasan unit layanan pada periode itu (filter pegawai tidak berlaku)", SKM,
            fact="ikm", numerator=IKM_SQL, size="sum(jumlah_responden)", min_size=MIN_RESPONDEN,
            target=f"mutu {rules.mutu_teks()}; target minimal B"),
    _count("responden", "Responden", "ikm", "sum(jumlah_responden)", "Jumlah responden survei kepuasan masyarakat.",
           "responden survei kepuasan unit layanan pada periode itu", SKM, higher=True),
    _count("unit_survei", "Unit disurvei", "ikm", "count(DISTINCT kode_unit)", "Unit layanan yang disurvei.",
           "unit layanan dengan paling sedikit satu responden pada periode itu", SKM, unit="unit", persons=N_RESPONDEN),
)}

