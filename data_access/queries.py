"""Named datasets the pages ask for. Pages contain no SQL; every query lives here.

Each function takes the mart's path and version, the access scope and the
filters, and returns a small DataFrame or value. Results are cached in the process
for every session, keyed on all of those arguments: a refreshed mart (new version)
or another scope never meets a cached answer made for something else.
"""

from __future__ import annotations

import functools
import threading

import cachetools
import pandas as pd

from . import reference as ref
from .config import setting
from .filters import ALL, Filters, Scope, where
from .mart import run


def cached(ttl: int, max_entries: int):
    """Memoise a query `(path, version, ...)` for `ttl` seconds, keyed on every argument (scopes
    and filters are frozen, so they hash by value). A hit is a dictionary lookup: st.cache_data
    would hash each argument through inspect and pickle, and unpickle the answer, on every call
    (a page makes 15 to 25). Answers for an earlier mart are dropped once the refreshed one is
    asked for. Callers get their own copy (`_own`); pandas' copy-on-write keeps the cached one
    intact whatever they do to it."""
    def decorate(query):
        lock = threading.Lock()
        memo = cachetools.cached(cachetools.TTLCache(max_entries, ttl), lock=lock)(query)
        mart_asked = [None]

        @functools.wraps(query)
        def answer(path: str, version: str, *args, **kwargs):
            if mart_asked[0] != (path, version):
                with lock:
                    memo.cache.clear()
                    mart_asked[0] = (path, version)
            return _own(memo(path, version, *args, **kwargs))
        answer.clear, answer.cache = memo.cache_clear, memo.cache
        return answer
    return decorate


def _own(value):
    """The caller's own copy of a cached answer: frames shallow (copy-on-write does the rest),
    a list as a new list of its (immutable) items, a tuple (a frame and its label, two frames)
    item by item."""
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.copy(deep=False)
    if isinstance(value, list):
        return list(value)
    if isinstance(value, tuple):
        return tuple(map(_own, value))
    return value


FIGURE_TTL = 15 * 60  # figures: the mart can be refreshed at any time
OPTIONS_TTL = 12 * 3600  # option lists change only with a refresh, and the version keys them

# The cascade: each dimension is narrowed by the ones before it.
CASCADE = ["kelompok_wilayah", "kode_provinsi", "kode_kabkota", "jenis_instansi", "kode_instansi", "kode_unit"]

_UNITS = """(SELECT u.*, u.kode AS kode_unit, p.nama AS nama_provinsi, k.nama AS nama_kabkota,
                    k.tingkat AS tingkat_kabkota
             FROM unit_kerja u
             JOIN wilayah p ON p.kode = u.kode_provinsi
             JOIN wilayah k ON k.kode = u.kode_kabkota)"""

_OPTION_SQL = {
    "kelompok_wilayah": ("kelompok_wilayah", "kelompok_wilayah"),
    "kode_provinsi": ("kode_provinsi", "nama_provinsi"),
    "kode_kabkota": ("kode_kabkota", "nama_kabkota"),
    "jenis_instansi": ("jenis_instansi", "jenis_instansi"),
    "kode_instansi": ("kode_instansi", "nama_instansi"),
    "kode_unit": ("kode_unit", "nama"),
}

JENIS_INSTANSI_LABEL = {"pusat": "Instansi pusat", "provinsi": "Pemerintah provinsi",
                        "kabupaten": "Pemerintah kabupaten", "kota": "Pemerintah kota"}


@cached(ttl=OPTIONS_TTL, max_entries=5000)
def filter_options(path: str, version: str, scope: Scope, filters: Filters, dimension: str) -> list[tuple[str, str]]:
    """(code, label) choices for one filter, narrowed by the filters before it in the
    cascade and by the scope. Person filters have fixed lists."""
    if dimension in _OPTION_SQL:
        parents = CASCADE[:CASCADE.index(dimension)]
        narrowed = Filters(**{d: getattr(filters, d) for d in parents})
        clause, params = where(narrowed, scope, year=False, person=False)
        code, label = _OPTION_SQL[dimension]
        rows = run(path, version, f"SELECT DISTINCT {code} AS kode, {label} AS nama FROM {_UNITS} "
                                  f"WHERE {clause} AND {code} IS NOT NULL ORDER BY 1", params)
        pairs = list(rows.itertuples(index=False, name=None))
        if dimension == "kelompok_wilayah":
            return sorted(pairs, key=lambda p: ref.KELOMPOK_WILAYAH.index(p[0]))
        if dimension == "jenis_instansi":
            return sorted(((k, JENIS_INSTANSI_LABEL[k]) for k, _ in pairs),
                          key=lambda p: list(JENIS_INSTANSI_LABEL).index(p[0]))
        if dimension in ("kode_provinsi", "kode_kabkota"):
            return pairs
        return sorted(pairs, key=lambda p: p[1])
    if dimension == "jenis_asn":
        return [(a, a) for a in ref.JENIS_ASN]
    if dimension == "jenis_jabatan":
        return [(j, j) for j in ref.JENIS_JABATAN]
    if dimension == "jenis_kelamin":
        return [("L", "Laki-laki"), ("P", "Perempuan")]
    if dimension == "kelompok_golongan":
        pns = [(g, f"Golongan {g}") for g in ("I", "II", "III", "IV")]
        pppk = [(g, g) for g in ("PPPK I-IV", "PPPK V-VIII", "PPPK IX-XII", "PPPK XIII-XVII")]
        return {"PNS": pns, "PPPK": pppk}.get(filters.jenis_asn, pns + pppk)
    raise ValueError(f"filter tidak dikenal: {dimension}")


@cached(ttl=FIGURE_TTL, max_entries=2000)
def jumlah_asn(path: str, version: str, scope: Scope, filters: Filters) -> int:
    """Employees on the payroll in the selected year under the filters (PNS and PPPK)."""
    clause, params = where(filters, scope)
    value = run(path, version, f"SELECT sum(jumlah_pegawai) FROM {_t('pelatihan_tahun', filters)} WHERE {clause}",
                params).iloc[0, 0]
    return 0 if pd.isna(value) else int(value)


@cached(ttl=OPTIONS_TTL, max_entries=1000)
def cakupan_ada(path: str, version: str, scope: Scope) -> bool:
    """Whether the scope covers at least one unit in the mart (a grant can name a code that
    is not, or no longer, in the data)."""
    clause, params = where(Filters(), scope, year=False, person=False)
    return bool(run(path, version, f"SELECT EXISTS (SELECT 1 FROM {_UNITS} WHERE {clause})", params).iloc[0, 0])


@cached(ttl=OPTIONS_TTL, max_entries=1000)
def nama_cakupan(path: str, version: str, scope: Scope) -> str:
    """The scope in words: the names of its regions and agencies ("Jawa Timur, Kota Malang")."""
    if scope.is_all:
        return "seluruh Indonesia"
    codes = sorted(scope.wilayah) + sorted(scope.instansi)
    marks = ", ".join("?" for _ in codes)
    names = run(path, version, f"""SELECT nama FROM (SELECT kode, nama FROM wilayah UNION ALL
        SELECT kode, nama FROM instansi) WHERE kode IN ({marks}) ORDER BY nama""", codes)["nama"]
    return ", ".join(names) or "-"


@cached(ttl=OPTIONS_TTL, max_entries=20)
def mart_tables(path: str, version: str) -> pd.DataFrame:
    """Every table of the mart with its exact row count (not scoped: no figures, only sizes)."""
    names = run(path, version, "SELECT table_name FROM duckdb_tables() WHERE NOT internal ORDER BY 1")["table_name"]
    counts = [int(run(path, version, f'SELECT count(*) FROM "{name}"').iloc[0, 0]) for name in names]
    return pd.DataFrame({"tabel": names, "baris": counts})


@cached(ttl=OPTIONS_TTL, max_entries=20)
def row_counts(path: str, version: str) -> pd.DataFrame:
    """Rows of every source table as read by the last refresh."""
    meta = run(path, version, "SELECT kunci, nilai FROM meta WHERE kunci LIKE 'baris_%' ORDER BY kunci")
    return pd.DataFrame({"tabel": meta["kunci"].str.removeprefix("baris_"),
                         "baris": meta["nilai"].astype(int)})



# --- executive overview ---------------------------------------------------------------------

def _ikm_expr() -> str:
    """Pooled IKM (25..100) from per-element sums: exact 1/9 weights (PermenPANRB 14/2017)."""
    parts = " + ".join(f"sum(jumlah_{u}) / nullif(sum(responden_{u}), 0)" for u in ref.UNSUR_IKM)
    return f"({parts}) / 9 * 25"


@cached(ttl=FIGURE_TTL, max_entries=2000)
def kpi_per_tahun(path: str, version: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    """Headline figures for every year of the mart under the filters (the year filter itself
    ignored), indexed by year: ASN, PNS, PNS reaching the JP target and their coverage, JP per
    PNS, assessed employees, the share meeting the standard, average JPM, respondents, units
    surveyed and pooled IKM. Person filters do not apply to the survey."""
    clause, params = where(filters, scope, year=False)
    clause_u, params_u = where(filters, scope, year=False, person=False)
    out = run(path, version, f"""
        WITH years AS (SELECT range::INTEGER AS tahun FROM range(
                 (SELECT nilai::INTEGER FROM meta WHERE kunci = 'tahun_awal'),
                 (SELECT nilai::INTEGER FROM meta WHERE kunci = 'tahun_akhir') + 1)),
             t AS (SELECT tahun, sum(jumlah_pegawai) AS asn,
                          sum(jumlah_pegawai) FILTER (WHERE jenis_asn = 'PNS') AS pns,
                          sum(jumlah_capai_target) FILTER (WHERE jenis_asn = 'PNS') AS pns_capai,
                          sum(jumlah_jp) FILTER (WHERE jenis_asn = 'PNS') AS jp_pns
                   FROM {_t('pelatihan_tahun', filters)} WHERE {clause} GROUP BY tahun),
             k AS (SELECT tahun, sum(jumlah_dinilai) AS dinilai, sum(jumlah_memenuhi_standar) AS memenuhi,
                          sum(jumlah_jpm) AS jpm_total
                   FROM {_t('kompetensi_pegawai_sel', filters)} WHERE {clause} GROUP BY tahun),
             s AS (SELECT tahun, sum(jumlah_responden) AS responden, count(DISTINCT kode_unit) AS unit_survei,
                          {_ikm_expr()} AS ikm
                   FROM ikm_sel WHERE {clause_u} GROUP BY tahun)
        SELECT y.tahun, coalesce(asn, 0)::BIGINT AS asn, coalesce(pns, 0)::BIGINT AS pns,
               coalesce(pns_capai, 0)::BIGINT AS pns_capai,
               pns_capai / nullif(pns, 0) AS cakupan, jp_pns / nullif(pns, 0) AS jp_per_pns,
               coalesce(dinilai, 0)::BIGINT AS dinilai, memenuhi / nullif(dinilai, 0) AS memenuhi_standar,
               jpm_total / nullif(dinilai, 0) AS jpm,
               coalesce(responden, 0)::BIGINT AS responden, coalesce(unit_survei, 0)::BIGINT AS unit_survei, ikm
        FROM years y LEFT JOIN t USING (tahun) LEFT JOIN k USING (tahun) LEFT JOIN s USING (tahun)
        ORDER BY y.tahun""", params + params + params_u)
    return out.set_index("tahun")


@cached(ttl=FIGURE_TTL, max_entries=2000)
def indikator_provinsi(path: str, version: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    """Coverage, share meeting the competency standard and pooled IKM per province, under
    every filter except the region ones (the map shows all provinces the user may see)."""
    f = filters.with_(kelompok_wilayah=None, kode_provinsi=None, kode_kabkota=None)
    clause, params = where(f, scope)
    clause_u, params_u = where(f, scope, person=False)
    return run(path, version, f"""
        WITH cov AS (SELECT kode_provinsi, sum(jumlah_capai_target) / nullif(sum(jumlah_pegawai), 0) AS cakupan
                     FROM {_t('pelatihan_tahun', filters)} WHERE jenis_asn = 'PNS' AND {clause} GROUP BY 1),
             komp AS (SELECT kode_provinsi, sum(jumlah_memenuhi_standar) / nullif(sum(jumlah_dinilai), 0) AS memenuhi_standar
                      FROM {_t('kompetensi_pegawai_sel', filters)} WHERE {clause} GROUP BY 1),
             ikm AS (SELECT kode_provinsi, {_ikm_expr()} AS ikm, sum(jumlah_responden) AS responden
                     FROM ikm_sel WHERE {clause_u} GROUP BY 1)
        SELECT w.kode AS kode_provinsi, w.nama, cov.cakupan, komp.memenuhi_standar, ikm.ikm, ikm.responden
        FROM wilayah w
        JOIN (SELECT kode_provinsi FROM cov UNION SELECT kode_provinsi FROM komp
              UNION SELECT kode_provinsi FROM ikm) seen ON seen.kode_provinsi = w.kode
        LEFT JOIN cov ON cov.kode_provinsi = w.kode
        LEFT JOIN komp ON komp.kode_provinsi = w.kode
        LEFT JOIN ikm ON ikm.kode_provinsi = w.kode
        ORDER BY w.kode""", params + params + params_u)


MIN_PNS, MIN_DINILAI, MIN_RESPONDEN = 10, 10, 30


@cached(ttl=FIGURE_TTL, max_entries=2000)
def entitas_perhatian(path: str, version: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    """Per agency (or per unit once an agency is chosen) under the filters: PNS coverage this
    year and last, pooled IKM, and the average competency gap. Entities too small to judge
    (fewer than 10 PNS, 10 assessed or 30 respondents) get no value for that measure."""
    level = "kode_unit" if filters.kode_instansi else "kode_instansi"
    previous = filters.with_(tahun=filters.tahun - 1)
    clause, params = where(filters, scope)
    clause_prev, params_prev = where(previous, scope)
    clause_u, params_u = where(filters, scope, person=False)
    names = ("SELECT kode AS kode, nama FROM unit_kerja" if level == "kode_unit"
             else "SELECT kode, nama FROM instansi")
    return run(path, version, f"""
        WITH cov AS (SELECT {level} AS kode, sum(jumlah_pegawai) AS pns, sum(jumlah_capai_target) AS capai
                     FROM {_t('pelatihan_tahun', filters, level == 'kode_unit')} WHERE jenis_asn = 'PNS' AND {clause} GROUP BY 1),
             prev AS (SELECT {level} AS kode, sum(jumlah_pegawai) AS pns, sum(jumlah_capai_target) AS capai
                      FROM {_t('pelatihan_tahun', filters, level == 'kode_unit')} WHERE jenis_asn = 'PNS' AND {clause_prev} GROUP BY 1),
             komp AS (SELECT {level} AS kode, sum(jumlah_dinilai) AS dinilai, sum(jumlah_gap) AS gap
                      FROM {_t('kompetensi_sel', filters, level == 'kode_unit')} WHERE {clause} GROUP BY 1),
             ikm AS (SELECT {level} AS kode, {_ikm_expr()} AS ikm, sum(jumlah_responden) AS responden
                     FROM ikm_sel WHERE {clause_u} GROUP BY 1)
        SELECT n.kode, n.nama,
               CASE WHEN cov.pns >= {MIN_PNS} THEN cov.capai / cov.pns END AS cakupan,
               CASE WHEN cov.pns >= {MIN_PNS} AND prev.pns >= {MIN_PNS}
                    THEN cov.capai / cov.pns - prev.capai / prev.pns END AS perubahan_cakupan,
               CASE WHEN ikm.responden >= {MIN_RESPONDEN} THEN ikm.ikm END AS ikm,
               CASE WHEN komp.dinilai >= {MIN_DINILAI} THEN komp.gap / komp.dinilai END AS rata_gap,
               coalesce(cov.pns, 0)::BIGINT AS pns, coalesce(ikm.responden, 0)::BIGINT AS responden
        FROM ({names}) n
        JOIN (SELECT kode FROM cov UNION SELECT kode FROM ikm UNION SELECT kode FROM komp) seen USING (kode)
        LEFT JOIN cov USING (kode) LEFT JOIN prev USING (kode) LEFT JOIN komp USING (kode)
        LEFT JOIN ikm USING (kode)
        ORDER BY n.kode""", params + params_prev + params + params_u)


PERHATIAN_BARIS = 5


def perlu_perhatian(path: str, version: str, scope: Scope, filters: Filters) -> dict[str, pd.DataFrame]:
    """The entities furthest below target and the most improved, five of each:
    lowest coverage, IKM in category C or D (below 76,61), widest average competency gap,
    and the largest rise in coverage since last year."""
    e = entitas_perhatian(path, version, scope, filters)
    return {
        "cakupan": e.dropna(subset=["cakupan"]).nsmallest(PERHATIAN_BARIS, "cakupan"),
        "ikm": e[e["ikm"].round(2) < 76.61].nsmallest(PERHATIAN_BARIS, "ikm"),
        "kompetensi": e[e["rata_gap"] < 0].nsmallest(PERHATIAN_BARIS, "rata_gap"),
        "membaik": e[e["perubahan_cakupan"] > 0].nlargest(PERHATIAN_BARIS, "perubahan_cakupan"),
    }


# --- training coverage (the 20 JP right) -----------------------------------------------------

@cached(ttl=FIGURE_TTL, max_entries=2000)
def pelatihan_ringkasan(path: str, version: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    """Per year (the selected one and the one before) and ASN type: employees, those reaching
    the JP target, without any training, above the PPPK cap, total JP, and JP lacking to the
    target (PNS: the sum over those below 20 JP of what they miss)."""
    clause, params = where(filters, scope, year=False)
    return run(path, version, f"""
        SELECT tahun, jenis_asn, sum(jumlah_pegawai)::BIGINT AS pegawai,
               sum(jumlah_capai_target)::BIGINT AS capai, sum(jumlah_tanpa_pelatihan)::BIGINT AS tanpa,
               sum(jumlah_lebih_batas_pppk)::BIGINT AS lebih_batas, sum(jumlah_jp) AS jp,
               sum(jumlah_kekurangan_jp) AS kekurangan_jp
        FROM {_t('pelatihan_tahun', filters)} WHERE {clause} AND tahun IN (?, ?) GROUP BY ALL ORDER BY ALL""",
               params + [filters.tahun, filters.tahun - 1])


@cached(ttl=FIGURE_TTL, max_entries=2000)
def distribusi_jp(path: str, version: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    """How many PNS had how many JP in the year: 0 JP on its own, then bins of 5 JP
    (1-4, 5-9, ...), 60 JP and more together. Columns dari, sampai (the bin's edges), jumlah."""
    clause, params = where(filters, scope)
    return run(path, version, f"""
        WITH bins AS (
            SELECT CASE WHEN jp = 0 THEN 0 WHEN jp < 5 THEN 1 WHEN jp >= 60 THEN 60
                        ELSE floor(jp / 5) * 5 END AS dari
            FROM pegawai_tahun JOIN segmen USING (segmen)
            WHERE jenis_asn = 'PNS' AND {clause})
        SELECT dari::INTEGER AS dari,
               (CASE WHEN dari = 0 THEN 1 WHEN dari = 1 THEN 5 ELSE dari + 5 END)::INTEGER AS sampai,
               count(*)::BIGINT AS jumlah
        FROM bins GROUP BY dari ORDER BY dari""", params)


@cached(ttl=FIGURE_TTL, max_entries=2000)
def kemajuan_bulanan(path: str, version: str, scope: Scope, filters: Filters,
                     sampai_bulan: int = 12) -> pd.DataFrame:
    """Cumulative JP per PNS at the end of each month, for the selected year (up to
    `sampai_bulan`, the last month with data) and the year before (all twelve months)."""
    clause, params = where(filters, scope, year=False)
    year = filters.tahun
    return run(path, version, f"""
        WITH pns AS (SELECT tahun, sum(jumlah_pegawai) AS n FROM {_t('pelatihan_tahun', filters)}
                     WHERE jenis_asn = 'PNS' AND {clause} AND tahun IN (?, ?) GROUP BY tahun),
             jp AS (SELECT tahun, bulan, sum(jumlah_jp) AS jp FROM {_t('pelatihan_bulan', filters)}
                    WHERE jenis_asn = 'PNS' AND {clause} AND tahun IN (?, ?) GROUP BY ALL),
             grid AS (SELECT pns.tahun, m.range::INTEGER AS bulan, pns.n
                      FROM pns CROSS JOIN range(1, 13) m
                      WHERE pns.tahun < ? OR m.range <= ?)
        SELECT g.tahun, g.bulan,
               sum(coalesce(jp.jp, 0)) OVER (PARTITION BY g.tahun ORDER BY g.bulan) / g.n AS jp_per_pns
        FROM grid g LEFT JOIN jp USING (tahun, bulan) ORDER BY g.tahun, g.bulan""",
               params + [year, year - 1] + params + [year, year - 1] + [year, sampai_bulan])


def tingkat_berikut(filters: Filters) -> tuple[str, str]:
    """The level one step below the region and agency filter: (column, label)."""
    if filters.kode_instansi:
        return "kode_unit", "unit kerja"
    if filters.kode_kabkota:
        return "kode_instansi", "instansi"
    if filters.kode_provinsi:
        return "kode_kabkota", "kabupaten/kota"
    return "kode_provinsi", "provinsi"


_NAMES = {
    "kode_unit": "SELECT kode, nama FROM unit_kerja",
    "kode_instansi": "SELECT kode, nama FROM instansi",
    "kode_kabkota": "SELECT kode, nama FROM wilayah",
    "kode_provinsi": "SELECT kode, nama FROM wilayah",
}


@cached(ttl=FIGURE_TTL, max_entries=2000)
def cakupan_per_wilayah(path: str, version: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    """PNS coverage per entity one level below the region and agency filter, lowest first."""
    column, _ = tingkat_berikut(filters)
    clause, params = where(filters, scope)
    return run(path, version, f"""
        SELECT c.kode, n.nama, c.pns, c.capai, c.capai / c.pns AS cakupan, c.kekurangan_jp
        FROM (SELECT {column} AS kode, sum(jumlah_pegawai)::BIGINT AS pns,
                     sum(jumlah_capai_target)::BIGINT AS capai, sum(jumlah_kekurangan_jp) AS kekurangan_jp
              FROM {_t('pelatihan_tahun', filters, column == 'kode_unit')} WHERE jenis_asn = 'PNS' AND {clause} GROUP BY 1) c
        JOIN ({_NAMES[column]}) n ON n.kode = c.kode
        WHERE c.pns > 0 ORDER BY cakupan, n.nama""", params)


@cached(ttl=FIGURE_TTL, max_entries=2000)
def cakupan_nasional(path: str, version: str, filters: Filters) -> float | None:
    """The national PNS coverage under the same year and person filters: a benchmark every
    user may see (one figure, no region's rows), so it is computed without the scope."""
    national = filters.without_place()
    clause, params = where(national)
    value = run(path, version, f"""SELECT sum(jumlah_capai_target) / nullif(sum(jumlah_pegawai), 0)
        FROM {_t('pelatihan_tahun', national)} WHERE jenis_asn = 'PNS' AND {clause}""", params).iloc[0, 0]
    return None if pd.isna(value) else float(value)


RINCIAN = {"kelompok_golongan": "Golongan", "jenis_jabatan": "Jenis jabatan",
           "jenis_kelamin": "Jenis kelamin", "pendidikan": "Pendidikan"}


@cached(ttl=FIGURE_TTL, max_entries=2000)
def cakupan_rincian(path: str, version: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    """PNS coverage broken down by rank group, job type, sex and education (one grouping
    each): columns dimensi, nilai, pns, capai, cakupan."""
    clause, params = where(filters, scope)
    frames = []
    for dimension in RINCIAN:
        frames.append(run(path, version, f"""
            SELECT '{dimension}' AS dimensi, {dimension} AS nilai, sum(jumlah_pegawai)::BIGINT AS pns,
                   sum(jumlah_capai_target)::BIGINT AS capai,
                   sum(jumlah_capai_target) / sum(jumlah_pegawai) AS cakupan
            FROM {_t('pelatihan_tahun', filters)} WHERE jenis_asn = 'PNS' AND {clause} GROUP BY {dimension}
            HAVING sum(jumlah_pegawai) > 0 ORDER BY {dimension}""", params))
    out = pd.concat(frames, ignore_index=True)
    order = {v: i for i, v in enumerate(ref.PENDIDIKAN + ref.JENIS_JABATAN + ["I", "II", "III", "IV", "L", "P"])}
    return out.sort_values(["dimensi", "nilai"], key=lambda s: s.map(order) if s.name == "nilai" else s)


@cached(ttl=FIGURE_TTL, max_entries=2000)
def cara_pengembangan(path: str, version: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    """JP, activities and participants per route (jalur), kind (jenis) and mode (moda)."""
    clause, params = where(filters, scope)
    return run(path, version, f"""
        SELECT jalur, jenis, moda, sum(jumlah_jp) AS jp, sum(jumlah_kegiatan)::BIGINT AS kegiatan,
               sum(jumlah_peserta)::BIGINT AS peserta
        FROM {_t('pelatihan_jenis', filters)} WHERE {clause} GROUP BY ALL ORDER BY jp DESC""", params)


@cached(ttl=FIGURE_TTL, max_entries=2000)
def daring_per_3t(path: str, version: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    """Share of JP delivered online (daring) in 3T regions against the others."""
    clause, params = where(filters, scope)
    return run(path, version, f"""
        SELECT daerah_3t = 1 AS daerah_3t, sum(jumlah_jp) AS jp, sum(jumlah_jp_daring) AS jp_daring,
               sum(jumlah_jp_daring) / nullif(sum(jumlah_jp), 0) AS bagian_daring
        FROM {_t('pelatihan_tahun', filters)} WHERE {clause} GROUP BY 1 ORDER BY 1""", params)


@cached(ttl=FIGURE_TTL, max_entries=2000)
def unit_cakupan_terendah(path: str, version: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    """Every unit in the selection with its PNS, those below 20 JP and the JP they lack,
    lowest coverage first: the planner's list."""
    clause, params = where(filters, scope)
    return run(path, version, f"""
        SELECT u.nama AS unit_kerja, u.nama_instansi AS instansi, c.pns, c.pns - c.capai AS di_bawah_target,
               c.capai / c.pns AS cakupan, c.kekurangan_jp
        FROM (SELECT kode_unit, sum(jumlah_pegawai)::BIGINT AS pns, sum(jumlah_capai_target)::BIGINT AS capai,
                     sum(jumlah_kekurangan_jp) AS kekurangan_jp
              FROM {_t('pelatihan_tahun', filters, unit=True)} WHERE jenis_asn = 'PNS' AND {clause} GROUP BY 1) c
        JOIN unit_kerja u ON u.kode = c.kode_unit
        WHERE c.pns > 0 ORDER BY cakupan, c.kekurangan_jp DESC, u.nama""", params)


def _t(table: str, filters: Filters, unit: bool = False) -> str:
    """The fact table to read: its coarse `_wilayah` twin (no unit; refresh.COARSE) unless the
    query filters or groups by unit."""
    return table if unit or filters.kode_unit is not None else f"{table}_wilayah"


def mask_nip(column: str = "nip") -> str:
    """SQL that shows a NIP as 19************2001: the birth date and TMT it carries are
    personal data (UU 27/2022)."""
    return f"left({column}, 2) || repeat('*', 12) || right({column}, 4)"


def _nip(scope: Scope, nip_penuh: bool) -> str:
    return "p.nip" if nip_penuh and scope.nip_penuh else mask_nip("p.nip")


def _check_person_rows(scope: Scope) -> None:
    if not scope.lihat_orang:
        raise PermissionError("Peran ini tidak berhak melihat data orang per orang.")


def sql_pns_di_bawah_target(scope: Scope, filters: Filters, nip_penuh: bool = False,
                            limit: int | None = None) -> tuple[str, list]:
    """PNS below the JP target in the year with their JP so far, fewest JP first (the first
    `limit` only: they are picked before names are joined). The NIP is masked unless
    `nip_penuh` is asked for (an export) and the scope allows it (admin)."""
    _check_person_rows(scope)
    clause, params = where(filters, scope)
    target = "(SELECT nilai::DOUBLE FROM meta WHERE kunci = 'target_jp_pns')"
    return f"""
        SELECT {_nip(scope, nip_penuh)} AS nip, p.nama, p.golongan, p.jenjang_jabatan, u.nama AS unit_kerja,
               x.jp, {target} - x.jp AS kekurangan_jp
        FROM (SELECT nip, jp FROM pegawai_tahun JOIN segmen USING (segmen)
              WHERE jenis_asn = 'PNS' AND jp < {target} AND {clause}
              ORDER BY jp, nip {_limit(limit)}) x
        JOIN pegawai p ON p.nip = x.nip JOIN unit_kerja u ON u.kode = p.kode_unit
        ORDER BY x.jp, x.nip""", params


def _limit(limit: int | None) -> str:
    return f"LIMIT {int(limit)}" if limit else ""


@cached(ttl=FIGURE_TTL, max_entries=500)
def pns_di_bawah_target(path: str, version: str, scope: Scope, filters: Filters, limit: int = 200) -> pd.DataFrame:
    """The first `limit` PNS below the JP target, NIP masked. Person-level: only for roles
    allowed to see people."""
    return run(path, version, *sql_pns_di_bawah_target(scope, filters, limit=limit))


@cached(ttl=FIGURE_TTL, max_entries=2000)
def jumlah_pns_di_bawah_target(path: str, version: str, scope: Scope, filters: Filters) -> int:
    """How many PNS are below the JP target (from the coverage cells: no person rows read)."""
    clause, params = where(filters, scope)
    total = run(path, version, f"""SELECT sum(jumlah_pegawai - jumlah_capai_target)
        FROM {_t('pelatihan_tahun', filters)} WHERE jenis_asn = 'PNS' AND {clause}""", params).iloc[0, 0]
    return 0 if pd.isna(total) else int(total)


# --- citizen satisfaction (IKM, PermenPANRB 14/2017) ------------------------------------------

PERIODE = {"tahun": None, "semester": "semester", "triwulan": "triwulan"}


def periode_sebelumnya(tahun: int, jenis: str, ke: int | None) -> tuple[int, str, int | None]:
    """The period before: last year, the previous semester or the previous quarter."""
    if jenis == "tahun":
        return tahun - 1, jenis, None
    last = 2 if jenis == "semester" else 4
    return (tahun - 1, jenis, last) if ke == 1 else (tahun, jenis, ke - 1)


def _periode(tahun: int, jenis: str, ke: int | None) -> tuple[str, list]:
    if jenis == "tahun":
        return "tahun = ?", [tahun]
    return f"tahun = ? AND {PERIODE[jenis]} = ?", [tahun, ke]


def _unsur_columns() -> str:
    return ", ".join(f"sum(jumlah_{u}) AS jumlah_{u}, sum(responden_{u}) AS responden_{u}" for u in ref.UNSUR_IKM)


@cached(ttl=FIGURE_TTL, max_entries=2000)
def ikm_periode(path: str, version: str, scope: Scope, filters: Filters,
                tahun: int, jenis: str = "tahun", ke: int | None = None) -> pd.Series:
    """Pooled IKM of the selection in one period: respondents, units surveyed, and per
    element the answer sum and the number who answered (`jumlah_u1`, `responden_u1`, ...)."""
    clause, params = where(filters, scope, year=False, person=False)
    period, period_params = _periode(tahun, jenis, ke)
    row = run(path, version, f"""
        SELECT coalesce(sum(jumlah_responden), 0)::BIGINT AS responden,
               count(DISTINCT kode_unit)::BIGINT AS unit, {_ikm_expr()} AS ikm, {_unsur_columns()}
        FROM ikm_sel WHERE {clause} AND {period}""", params + period_params)
    return row.iloc[0]


@cached(ttl=FIGURE_TTL, max_entries=2000)
def ikm_tren(path: str, version: str, scope: Scope, filters: Filters, jenis: str = "tahun") -> pd.DataFrame:
    """Pooled IKM per period over all years: per year, semester or quarter."""
    clause, params = where(filters, scope, year=False, person=False)
    part = PERIODE[jenis]
    key = f"tahun, {part}" if part else "tahun"
    return run(path, version, f"""
        SELECT tahun{f', {part} AS ke' if part else ', NULL::INTEGER AS ke'},
               sum(jumlah_responden)::BIGINT AS responden, {_ikm_expr()} AS ikm
        FROM ikm_sel WHERE {clause} GROUP BY {key} ORDER BY {key}""", params)


@cached(ttl=FIGURE_TTL, max_entries=2000)
def ikm_unsur(path: str, version: str, scope: Scope, filters: Filters,
              tahun: int, jenis: str = "tahun", ke: int | None = None) -> pd.DataFrame:
    """Per service type (and for all together, jenis_layanan NULL): NRR of each element on
    the 1..4 scale over those who answered it, and its respondents."""
    clause, params = where(filters, scope, year=False, person=False)
    period, period_params = _periode(tahun, jenis, ke)
    wide = run(path, version, f"""
        SELECT jenis_layanan, {_unsur_columns()} FROM ikm_sel
        WHERE {clause} AND {period} GROUP BY GROUPING SETS ((jenis_layanan), ())""",
               params + period_params)
    rows = []
    for _, r in wide.iterrows():
        for u, nama in ref.UNSUR_IKM.items():
            n = r[f"responden_{u}"]
            rows.append({"jenis_layanan": r["jenis_layanan"], "unsur": u.upper(), "nama_unsur": nama,
                         "nrr": r[f"jumlah_{u}"] / n if n else None, "responden": int(n or 0)})
    return pd.DataFrame(rows, columns=["jenis_layanan", "unsur", "nama_unsur", "nrr", "responden"])


@cached(ttl=FIGURE_TTL, max_entries=2000)
def ikm_per_unit(path: str, version: str, scope: Scope, filters: Filters,
                 tahun: int, jenis: str = "tahun", ke: int | None = None) -> pd.DataFrame:
    """Every surveyed unit in the selection with its respondents and pooled IKM, lowest first."""
    clause, params = where(filters, scope, year=False, person=False)
    period, period_params = _periode(tahun, jenis, ke)
    return run(path, version, f"""
        SELECT s.kode_unit, u.nama AS unit_kerja, u.nama_instansi AS instansi, u.jenis_layanan,
               s.responden, s.ikm
        FROM (SELECT kode_unit, sum(jumlah_responden)::BIGINT AS responden, {_ikm_expr()} AS ikm
              FROM ikm_sel WHERE {clause} AND {period} GROUP BY kode_unit) s
        JOIN unit_kerja u ON u.kode = s.kode_unit
        ORDER BY s.ikm, u.nama""", params + period_params)


@cached(ttl=FIGURE_TTL, max_entries=2000)
def kecukupan_sampel(path: str, version: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    """Per unit surveyed in the selected year: respondents received, service users that year
    (volume_layanan; empty when unknown) and the Krejcie-Morgan minimum for that volume."""
    from .rules import krejcie_morgan

    clause, params = where(filters, scope, person=False)
    df = run(path, version, f"""
        SELECT u.nama AS unit_kerja, u.nama_instansi AS instansi, s.responden, v.jumlah_penerima
        FROM (SELECT kode_unit, tahun, sum(jumlah_responden)::BIGINT AS responden FROM ikm_sel
              WHERE {clause} GROUP BY ALL) s
        JOIN unit_kerja u ON u.kode = s.kode_unit
        LEFT JOIN volume_layanan v ON v.kode_unit = s.kode_unit AND v.tahun = s.tahun
        ORDER BY u.nama""", params)
    df["sampel_minimum"] = df["jumlah_penerima"].map(
        lambda n: krejcie_morgan(int(n)) if pd.notna(n) else None).astype("Int64")
    df["status"] = [
        "volume tidak diketahui" if pd.isna(minimum) else
        "sampel belum memadai" if got < minimum else "memadai"
        for got, minimum in zip(df["responden"], df["sampel_minimum"])]
    return df


@cached(ttl=FIGURE_TTL, max_entries=2000)
def profil_responden(path: str, version: str, scope: Scope, filters: Filters,
                     tahun: int, jenis: str = "tahun", ke: int | None = None) -> pd.DataFrame:
    """Respondents by sex, age band, education and occupation: columns dimensi, nilai, jumlah."""
    clause, params = where(filters, scope, year=False, person=False)
    period, period_params = _periode(tahun, jenis, ke)
    frames = []
    for dimension in ("jenis_kelamin", "kelompok_usia", "pendidikan", "pekerjaan"):
        frames.append(run(path, version, f"""
            SELECT '{dimension}' AS dimensi, {dimension} AS nilai, sum(jumlah_responden)::BIGINT AS jumlah
            FROM responden_sel WHERE {clause} AND {period} GROUP BY 2 ORDER BY 2""", params + period_params))
    return pd.concat(frames, ignore_index=True)


@cached(ttl=FIGURE_TTL, max_entries=500)
def saran_terbaru(path: str, version: str, scope: Scope, filters: Filters,
                  tahun: int, jenis: str = "tahun", ke: int | None = None, limit: int = 15) -> pd.DataFrame:
    """The latest suggestions, newest first; the mart keeps no respondent identity."""
    clause, params = where(filters, scope, year=False, person=False, alias="s")
    period, period_params = _periode(tahun, jenis, ke)  # unit_kerja has no period columns
    return run(path, version, f"""
        SELECT s.tanggal, u.nama AS unit_kerja, s.jenis_layanan, s.saran
        FROM saran s JOIN unit_kerja u ON u.kode = s.kode_unit
        WHERE {clause} AND {period} ORDER BY s.tanggal DESC, u.nama LIMIT {int(limit)}""",
               params + period_params)


# --- competency gaps (PermenPANRB 38/2017) ----------------------------------------------------

@cached(ttl=FIGURE_TTL, max_entries=2000)
def kompetensi_ringkasan(path: str, version: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    """Per year (the selected one and the one before), as of the year's end: employees on the
    payroll, assessed (with a standard for their job level), without a standard, meeting the
    standard, JPM total, JPM categories, and how recent the latest assessment is."""
    clause, params = where(filters, scope, year=False)
    years = [filters.tahun, filters.tahun - 1]
    return run(path, version, f"""
        WITH staff AS (SELECT tahun, sum(jumlah_pegawai) AS pegawai FROM {_t('pelatihan_tahun', filters)}
                       WHERE {clause} AND tahun IN (?, ?) GROUP BY tahun),
             k AS (SELECT tahun, sum(jumlah_dinilai) AS dinilai, sum(jumlah_tanpa_standar) AS tanpa_standar,
                          sum(jumlah_memenuhi_standar) AS memenuhi, sum(jumlah_jpm) AS jpm_total,
                          sum(jumlah_optimal) AS optimal, sum(jumlah_cukup_optimal) AS cukup,
                          sum(jumlah_kurang_optimal) AS kurang, sum(jumlah_dinilai_1_tahun) AS baru_1,
                          sum(jumlah_dinilai_1_3_tahun) AS baru_3, sum(jumlah_dinilai_lebih_3_tahun) AS lama
                   FROM {_t('kompetensi_pegawai_sel', filters)} WHERE {clause} AND tahun IN (?, ?) GROUP BY tahun)
        SELECT staff.tahun, staff.pegawai::BIGINT AS pegawai, coalesce(k.dinilai, 0)::BIGINT AS dinilai,
               coalesce(k.tanpa_standar, 0)::BIGINT AS tanpa_standar, coalesce(k.memenuhi, 0)::BIGINT AS memenuhi,
               k.jpm_total / nullif(k.dinilai, 0) AS jpm, coalesce(k.optimal, 0)::BIGINT AS optimal,
               coalesce(k.cukup, 0)::BIGINT AS cukup, coalesce(k.kurang, 0)::BIGINT AS kurang,
               coalesce(k.baru_1, 0)::BIGINT AS baru_1, coalesce(k.baru_3, 0)::BIGINT AS baru_3,
               coalesce(k.lama, 0)::BIGINT AS lama
        FROM staff LEFT JOIN k USING (tahun) ORDER BY staff.tahun""", params + years + params + years)


_KOMPETENSI_NAMA = "(SELECT kode AS kode_kompetensi, nama AS nama_kompetensi, kelompok FROM kompetensi)"


@cached(ttl=FIGURE_TTL, max_entries=2000)
def gap_per_wilayah(path: str, version: str, scope: Scope, filters: Filters, rows: int = 40) -> pd.DataFrame:
    """Average gap (assessed minus required) per competency for each entity one level below
    the filter; the `rows` entities with the widest average gap when there are more."""
    column, _ = tingkat_berikut(filters)
    clause, params = where(filters, scope)
    return run(path, version, f"""
        WITH cells AS (SELECT {column} AS kode, kode_kompetensi, sum(jumlah_gap) AS gap,
                              sum(jumlah_dinilai)::BIGINT AS dinilai
                       FROM {_t('kompetensi_sel', filters, column == 'kode_unit')} WHERE {clause} GROUP BY 1, 2),
             worst AS (SELECT kode FROM cells GROUP BY kode ORDER BY sum(gap) / sum(dinilai), kode LIMIT {int(rows)})
        SELECT n.nama, c.kode_kompetensi, k.nama_kompetensi, k.kelompok, c.gap / c.dinilai AS rata_gap, c.dinilai
        FROM cells c JOIN worst USING (kode) JOIN ({_NAMES[column]}) n ON n.kode = c.kode
        JOIN {_KOMPETENSI_NAMA} k USING (kode_kompetensi)
        ORDER BY n.nama, c.kode_kompetensi""", params)


@cached(ttl=FIGURE_TTL, max_entries=2000)
def gap_per_jenjang(path: str, version: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    """Average gap per job type and job level, over all competencies with a standard."""
    clause, params = where(filters, scope)
    return run(path, version, f"""
        SELECT jenis_jabatan, jenjang_jabatan, sum(jumlah_gap) / sum(jumlah_dinilai) AS rata_gap,
               sum(jumlah_dinilai)::BIGINT AS dinilai,
               sum(jumlah_di_bawah_standar) / sum(jumlah_dinilai) AS bagian_di_bawah
        FROM {_t('kompetensi_sel', filters)} WHERE {clause} GROUP BY ALL ORDER BY jenis_jabatan, jenjang_jabatan""", params)


@cached(ttl=FIGURE_TTL, max_entries=2000)
def gap_tren(path: str, version: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    """Average gap per competency for every year (as of each year's end)."""
    clause, params = where(filters, scope, year=False)
    return run(path, version, f"""
        SELECT tahun, kode_kompetensi, k.nama_kompetensi, sum(jumlah_gap) / sum(jumlah_dinilai) AS rata_gap,
               sum(jumlah_dinilai)::BIGINT AS dinilai
        FROM {_t('kompetensi_sel', filters)} JOIN {_KOMPETENSI_NAMA} k USING (kode_kompetensi)
        WHERE {clause} GROUP BY ALL ORDER BY kode_kompetensi, tahun""", params)


@cached(ttl=FIGURE_TTL, max_entries=2000)
def kebutuhan_pengembangan(path: str, version: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    """Per competency: assessed, below the standard, by how many levels in all and on average,
    and how many of those below had training aimed at it after their assessment."""
    clause, params = where(filters, scope)
    return run(path, version, f"""
        SELECT kode_kompetensi, k.nama_kompetensi, k.kelompok, sum(jumlah_dinilai)::BIGINT AS dinilai,
               sum(jumlah_di_bawah_standar)::BIGINT AS di_bawah_standar,
               sum(jumlah_kekurangan_level)::BIGINT AS kekurangan_level,
               sum(jumlah_kekurangan_level) / nullif(sum(jumlah_di_bawah_standar), 0) AS rata_kekurangan,
               sum(jumlah_dilatih_setelah)::BIGINT AS sudah_dilatih,
               sum(jumlah_dilatih_setelah) / nullif(sum(jumlah_di_bawah_standar), 0) AS bagian_dilatih
        FROM {_t('kompetensi_sel', filters)} JOIN {_KOMPETENSI_NAMA} k USING (kode_kompetensi)
        WHERE {clause} GROUP BY ALL ORDER BY di_bawah_standar DESC, kode_kompetensi""", params)


def sql_kebutuhan_per_orang(scope: Scope, filters: Filters, nip_penuh: bool = False,
                            limit: int | None = None) -> tuple[str, list]:
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
        JOIN {_KOMPETENSI_NAMA} k USING (kode_kompetensi)
        ORDER BY b.kekurangan_level DESC, b.nip, b.kode_kompetensi""", params


@cached(ttl=FIGURE_TTL, max_entries=500)
def kebutuhan_per_orang(path: str, version: str, scope: Scope, filters: Filters, limit: int = 200) -> pd.DataFrame:
    """The first `limit` employees below a standard, largest shortfall first, NIP masked."""
    return run(path, version, *sql_kebutuhan_per_orang(scope, filters, limit=limit))


@cached(ttl=FIGURE_TTL, max_entries=2000)
def jumlah_di_bawah_standar(path: str, version: str, scope: Scope, filters: Filters) -> int:
    """Employee × competency pairs below the standard (from the competency cells)."""
    clause, params = where(filters, scope)
    total = run(path, version, f"SELECT sum(jumlah_di_bawah_standar) FROM {_t('kompetensi_sel', filters)} "
                               f"WHERE {clause}", params).iloc[0, 0]
    return 0 if pd.isna(total) else int(total)


# --- comparison ----------------------------------------------------------------------------------

TINGKAT = {  # level -> (entity column, label, SQL giving kode, nama and kind for peer groups)
    "provinsi": ("kode_provinsi", "Provinsi",
                 "SELECT kode, nama, 'provinsi' AS jenis FROM wilayah WHERE tingkat = 'provinsi'"),
    "kabkota": ("kode_kabkota", "Kabupaten/kota",
                "SELECT kode, nama, tingkat AS jenis FROM wilayah WHERE tingkat <> 'provinsi'"),
    "instansi": ("kode_instansi", "Instansi", "SELECT kode, nama, jenis FROM instansi"),
    "unit": ("kode_unit", "Unit kerja",
             "SELECT kode, nama, coalesce(jenis_layanan, 'tanpa layanan publik') AS jenis FROM unit_kerja"),
}
# Fewer employees (or respondents) than this: the figure is marked as unstable (setting MIN_STABIL).
MIN_STABIL_PEGAWAI = int(setting("MIN_STABIL", "30"))


@cached(ttl=OPTIONS_TTL, max_entries=2000)
def entitas(path: str, version: str, scope: Scope, level: str, filters: Filters) -> pd.DataFrame:
    """Entities of a level the user may see (kode, nama, jenis); `in_filter` marks those
    inside the current region and agency filter: the default set to compare. Units only
    inside that filter: some 30.000 units nationally are no list to choose from."""
    column, _, names = TINGKAT[level]
    clause, params = where(filters, scope, year=False, person=False)
    all_clause, all_params = where(Filters() if level != "unit" else filters, scope, year=False, person=False)
    return run(path, version, f"""
        WITH visible AS (SELECT DISTINCT {column} AS kode FROM {_UNITS} WHERE {all_clause}),
             chosen AS (SELECT DISTINCT {column} AS kode FROM {_UNITS} WHERE {clause})
        SELECT n.kode, n.nama, n.jenis, n.kode IN (SELECT kode FROM chosen) AS in_filter
        FROM ({names}) n JOIN visible USING (kode) ORDER BY n.nama""", all_params + params)


@cached(ttl=FIGURE_TTL, max_entries=2000)
def _indicators(path, version, scope, filters, column: str | None, codes: tuple[str, ...] | None):
    """Headline indicators per year for each entity (or for the filter as one row when column
    is None)."""
    group = f"{column} AS kode" if column else "'semua' AS kode"
    keep = f" AND {column} IN ({', '.join('?' for _ in codes)})" if column and codes else ""
    extra = list(codes) if column and codes else []
    clause, params = where(filters, scope, year=False)
    clause_u, params_u = where(filters, scope, year=False, person=False)
    return run(path, version, f"""
        WITH t AS (SELECT tahun, {group}, sum(jumlah_pegawai) AS asn,
                          sum(jumlah_pegawai) FILTER (WHERE jenis_asn = 'PNS') AS pns,
                          sum(jumlah_capai_target) FILTER (WHERE jenis_asn = 'PNS') AS capai,
                          sum(jumlah_jp) FILTER (WHERE jenis_asn = 'PNS') AS jp_pns
                   FROM {_t('pelatihan_tahun', filters, column == 'kode_unit')} WHERE {clause}{keep} GROUP BY ALL),
             k AS (SELECT tahun, {group}, sum(jumlah_dinilai) AS dinilai, sum(jumlah_memenuhi_standar) AS memenuhi,
                          sum(jumlah_jpm) AS jpm_total
                   FROM {_t('kompetensi_pegawai_sel', filters, column == 'kode_unit')} WHERE {clause}{keep} GROUP BY ALL),
             s AS (SELECT tahun, {group}, sum(jumlah_responden) AS responden, {_ikm_expr()} AS ikm
                   FROM ikm_sel WHERE {clause_u}{keep} GROUP BY ALL)
        SELECT tahun, kode, coalesce(asn, 0)::BIGINT AS asn, capai / nullif(pns, 0) AS cakupan,
               jp_pns / nullif(pns, 0) AS jp_per_pns, memenuhi / nullif(dinilai, 0) AS memenuhi_standar,
               jpm_total / nullif(dinilai, 0) AS jpm, ikm, coalesce(responden, 0)::BIGINT AS responden
        FROM t FULL JOIN k USING (tahun, kode) FULL JOIN s USING (tahun, kode)
        ORDER BY kode, tahun""", params + extra + params + extra + params_u + extra)


INDIKATOR = {"asn": "ASN", "cakupan": "Cakupan 20 JP", "jp_per_pns": "JP per PNS",
             "memenuhi_standar": "Memenuhi standar", "jpm": "JPM", "ikm": "IKM", "responden": "Responden"}


@cached(ttl=FIGURE_TTL, max_entries=1000)
def banding(path: str, version: str, scope: Scope, filters: Filters, level: str,
            codes: tuple[str, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(table, trend) for the chosen entities of a level under the person and year filters.

    table: one row per entity for the selected year, each indicator with its rank among the
    compared entities (1 = best) and its change against the previous year, a `kecil` mark for
    fewer than MIN_STABIL_PEGAWAI employees or respondents; then reference rows for the
    parent region (the current filter) and the nation. trend: every year, per entity and
    for the nation."""
    column, _, names = TINGKAT[level]
    person = filters.without_place()
    per = _indicators(path, version, scope, person, column, codes)
    year = filters.tahun
    now = per[per["tahun"] == year].set_index("kode")
    before = per[per["tahun"] == year - 1].set_index("kode")
    name = run(path, version, names).set_index("kode")
    table = now.join(name[["nama", "jenis"]], how="left")
    for key in ("cakupan", "jp_per_pns", "memenuhi_standar", "jpm", "ikm"):
        table[f"peringkat_{key}"] = table[key].rank(ascending=False, method="min").astype("Int64")
        table[f"perubahan_{key}"] = table[key] - before[key].reindex(table.index)
    table["kecil"] = (table["asn"] < MIN_STABIL_PEGAWAI) | (table["responden"].between(1, MIN_STABIL_PEGAWAI - 1))
    table = table.reset_index().sort_values("cakupan", ascending=False, na_position="last")
    parent = _indicators(path, version, scope, filters, None, None)
    nation = _indicators(path, version, ALL, person, None, None)
    refs = []
    if filters != person:
        refs.append(parent[parent["tahun"] == year].assign(nama="Wilayah/instansi terpilih", jenis="pembanding"))
    refs.append(nation[nation["tahun"] == year].assign(nama="Nasional", jenis="pembanding"))
    table = pd.concat([table, *refs], ignore_index=True)
    trend = pd.concat([per.merge(name[["nama"]], left_on="kode", right_index=True),
                       nation.assign(nama="Nasional")], ignore_index=True)
    return table, trend


@cached(ttl=FIGURE_TTL, max_entries=1000)
def kelompok_sebaya(path: str, version: str, scope: Scope, filters: Filters, level: str,
                    kode: str) -> pd.DataFrame:
    """The entity's peers (same level and kind: kabupaten with kabupaten, kota with kota, an
    agency with agencies of its type) with coverage and IKM, and each one's percentile
    among them (100 = the best)."""
    column, _, names = TINGKAT[level]
    person = filters.without_place()
    kinds = run(path, version, names).set_index("kode")
    peers = tuple(kinds.index[kinds["jenis"] == kinds.loc[kode, "jenis"]])
    per = _indicators(path, version, scope, person, column, peers)
    now = per[per["tahun"] == filters.tahun].set_index("kode").join(kinds, how="left")
    for key in ("cakupan", "ikm"):
        now[f"persentil_{key}"] = now[key].rank(pct=True) * 100
    return now.reset_index()


# --- impact: development and service together -------------------------------------------------

@cached(ttl=FIGURE_TTL, max_entries=1000)
def cakupan_dan_ikm(path: str, version: str, scope: Scope, filters: Filters) -> tuple[pd.DataFrame, str]:
    """For agencies (or the units of a chosen agency) that serve the public: PNS coverage in
    the two years before the selected one and IKM in the year before and the selected one.
    Entities below MIN_PNS PNS or MIN_RESPONDEN respondents get no value for that year."""
    column, label = ("kode_unit", "unit kerja") if filters.kode_instansi else ("kode_instansi", "instansi")
    year = filters.tahun
    clause, params = where(filters, scope, year=False)
    clause_u, params_u = where(filters, scope, year=False, person=False)
    wide = run(path, version, f"""
        WITH cov AS (SELECT {column} AS kode, tahun, sum(jumlah_capai_target) / sum(jumlah_pegawai) AS cakupan
                     FROM {_t('pelatihan_tahun', filters, column == 'kode_unit')} WHERE jenis_asn = 'PNS' AND {clause} AND tahun IN (?, ?)
                     GROUP BY 1, 2 HAVING sum(jumlah_pegawai) >= {MIN_PNS}),
             srv AS (SELECT {column} AS kode, tahun, {_ikm_expr()} AS ikm FROM ikm_sel
                     WHERE {clause_u} AND tahun IN (?, ?) GROUP BY 1, 2
                     HAVING sum(jumlah_responden) >= {MIN_RESPONDEN})
        SELECT n.kode, n.nama,
               max(cov.cakupan) FILTER (WHERE cov.tahun = ?) AS cakupan_sebelum,
               max(cov.cakupan) FILTER (WHERE cov.tahun = ?) AS cakupan,
               max(srv.ikm) FILTER (WHERE srv.tahun = ?) AS ikm_sebelum,
               max(srv.ikm) FILTER (WHERE srv.tahun = ?) AS ikm_sesudah
        FROM ({_NAMES[column]}) n LEFT JOIN cov ON cov.kode = n.kode LEFT JOIN srv ON srv.kode = n.kode
        WHERE cov.kode IS NOT NULL OR srv.kode IS NOT NULL
        GROUP BY n.kode, n.nama ORDER BY n.nama""",
               params + [year - 2, year - 1] + params_u + [year - 1, year] + [year - 2, year - 1, year - 1, year])
    return wide, label


@cached(ttl=FIGURE_TTL, max_entries=1000)
def peringatan_dini(path: str, version: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    """Service units whose IKM fell two years running up to the selected year and whose PNS
    coverage that year is below the national figure."""
    year = filters.tahun
    clause, params = where(filters, scope, year=False)
    clause_u, params_u = where(filters, scope, year=False, person=False)
    national = cakupan_nasional(path, version, filters)
    if national is None:
        return pd.DataFrame(columns=["kode_unit", "kode_instansi", "unit_kerja", "ikm_2", "ikm_1", "ikm", "cakupan"])
    return run(path, version, f"""
        WITH srv AS (SELECT kode_unit, tahun, {_ikm_expr()} AS ikm FROM ikm_sel
                     WHERE {clause_u} AND tahun BETWEEN ? AND ? GROUP BY 1, 2),
             cov AS (SELECT kode_unit, sum(jumlah_capai_target) / sum(jumlah_pegawai) AS cakupan
                     FROM {_t('pelatihan_tahun', filters, unit=True)} WHERE jenis_asn = 'PNS' AND {clause} AND tahun = ? GROUP BY 1
                     HAVING sum(jumlah_pegawai) > 0),
             wide AS (SELECT kode_unit, max(ikm) FILTER (WHERE tahun = ?) AS ikm_2,
                             max(ikm) FILTER (WHERE tahun = ?) AS ikm_1, max(ikm) FILTER (WHERE tahun = ?) AS ikm
                      FROM srv GROUP BY 1)
        SELECT w.kode_unit, u.kode_instansi, u.nama AS unit_kerja, w.ikm_2, w.ikm_1, w.ikm, cov.cakupan
        FROM wide w JOIN cov USING (kode_unit) JOIN unit_kerja u ON u.kode = w.kode_unit
        WHERE w.ikm_2 > w.ikm_1 AND w.ikm_1 > w.ikm AND cov.cakupan < ?
        ORDER BY w.ikm - w.ikm_2, u.nama""",
        params_u + [year - 2, year] + params + [year] + [year - 2, year - 1, year, national])


@cached(ttl=FIGURE_TTL, max_entries=1000)
def kompetensi_berulang(path: str, version: str, scope: Scope, filters: Filters) -> pd.DataFrame:
    """For competencies assessed twice (the second assessment up to the selected year): how
    many, and the average change in level, with and without aimed training in between."""
    clause, params = where(filters, scope, year=False)
    return run(path, version, f"""
        SELECT dilatih, sum(jumlah)::BIGINT AS jumlah, sum(jumlah_perubahan) / sum(jumlah) AS rata_perubahan
        FROM penilaian_berulang WHERE {clause} AND tahun <= ? GROUP BY dilatih ORDER BY dilatih DESC""",
               params + [filters.tahun])
