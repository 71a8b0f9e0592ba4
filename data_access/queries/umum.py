"""Datasets every page shares: filter options, the headcount of the header line, the scope in
words, and the mart's own sizes."""

from __future__ import annotations

import pandas as pd

from .. import reference as ref
from ..filters import Filters, bind_list, where
from ._base import FIGURE_TTL, OPTIONS_TTL, Selection, cached, figures, run

# The cascade: each dimension is narrowed by the ones before it.
CASCADE = ["kelompok_wilayah", "kode_provinsi", "kode_kabkota", "jenis_instansi", "kode_instansi", "kode_unit"]

UNITS = """(SELECT u.*, u.kode AS kode_unit, p.nama AS nama_provinsi, k.nama AS nama_kabkota,
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


def filter_options(sel: Selection, dimension: str) -> list[tuple[str, str]]:
    """(code, label) choices for one filter, narrowed by the filters before it in the
    cascade and by the scope. Person filters have fixed lists."""
    keep = CASCADE[:CASCADE.index(dimension)] if dimension in _OPTION_SQL else ["jenis_asn"]
    narrowed = Filters(**{d: getattr(sel.filters, d) for d in keep})  # what the list depends on: its key
    return _filter_options(Selection(sel.path, sel.version, sel.scope, narrowed), dimension)


@cached(ttl=OPTIONS_TTL)
def _filter_options(sel: Selection, dimension: str) -> list[tuple[str, str]]:
    if dimension in _OPTION_SQL:
        clause, params = where(sel.filters, sel.scope, year=False, person=False)
        code, label = _OPTION_SQL[dimension]
        rows = run(sel, f"SELECT DISTINCT {code} AS kode, {label} AS nama FROM {UNITS} "
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
        return {"PNS": pns, "PPPK": pppk}.get(sel.filters.jenis_asn, pns + pppk)
    raise ValueError(f"filter tidak dikenal: {dimension}")


@cached(ttl=FIGURE_TTL)
def jumlah_asn(sel: Selection) -> int | None:
    """Employees on the payroll in the selected year under the filters (PNS and PPPK); None
    when small-cell protection hides the count."""
    rows = figures(sel, ("asn",))
    if not len(rows):
        return 0
    return None if pd.isna(rows["asn"].iloc[0]) else int(rows["asn"].iloc[0])


@cached(ttl=OPTIONS_TTL)
def cakupan_ada(sel: Selection) -> bool:
    """Whether the scope covers at least one unit in the mart (a grant can name a code that
    is not, or no longer, in the data)."""
    clause, params = where(Filters(), sel.scope, year=False, person=False)
    return bool(run(sel, f"SELECT EXISTS (SELECT 1 FROM {UNITS} WHERE {clause})", params).iloc[0, 0])


@cached(ttl=OPTIONS_TTL)
def nama_cakupan(sel: Selection) -> str:
    """The scope in words: the names of its regions and agencies ("Jawa Timur, Kota Malang")."""
    scope = sel.scope
    if scope.is_all:
        return "seluruh Indonesia"
    marks, params = bind_list("kode_", sorted(scope.wilayah) + sorted(scope.instansi))
    names = run(sel, f"""SELECT nama FROM (SELECT kode, nama FROM wilayah UNION ALL
        SELECT kode, nama FROM instansi) WHERE kode IN ({marks}) ORDER BY nama""", params)["nama"]
    return ", ".join(names) or "-"


def mart_tables(sel: Selection) -> pd.DataFrame:
    """Every table of the mart with its exact row count (no figures, only sizes: not scoped,
    and cached once per mart)."""
    return _mart_tables(Selection(sel.path, sel.version))


@cached(ttl=OPTIONS_TTL)
def _mart_tables(sel: Selection) -> pd.DataFrame:
    names = run(sel, "SELECT table_name FROM duckdb_tables() WHERE NOT internal ORDER BY 1")["table_name"]
    counts = [int(run(sel, f'SELECT count(*) FROM "{name}"').iloc[0, 0]) for name in names]
    return pd.DataFrame({"tabel": names, "baris": counts})


# Freshness: what "latest date" means for each dated source table, and the short names of the
# per-agency columns.
TANGGAL_KESEGARAN = {"pegawai": "tmt_asn atau tanggal_berhenti", "riwayat_pelatihan": "tanggal_selesai",
                     "penilaian_kompetensi": "tanggal", "survei_kepuasan": "tanggal"}
# The tables whose records arrive all year round, so a latest date far behind "data per" means an
# import is missing. An employee's latest TMT or leaving date is shown, never judged: a region where
# nobody joined or left for months may well be up to date.
_DINILAI = ("riwayat_pelatihan", "penilaian_kompetensi", "survei_kepuasan")
_SINGKAT = {"pegawai": "Pegawai", "riwayat_pelatihan": "Pelatihan", "penilaian_kompetensi": "Penilaian",
            "survei_kepuasan": "Survei"}


def kesegaran(sel: Selection, batas_bulan: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How fresh each source table is, in the user's scope (not the page's filters), as the last
    refresh read it (mart table kesegaran): (per table: rows, latest date, what that date is, and
    "Tertinggal" where a table of _DINILAI is more than `batas_bulan` months before the mart's data per; per agency:
    the rows and latest date of the dated tables, and which of them lag). Reference tables without
    an agency (wilayah, kompetensi, ...) count whole for every scope. Counts are small-cell
    protected for the roles that see aggregates only (their dates with them)."""
    return _kesegaran(Selection(sel.path, sel.version, sel.scope), batas_bulan)


@cached(ttl=OPTIONS_TTL)
def _kesegaran(sel: Selection, batas_bulan: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    from .. import contract, mart
    from ._base import lindungi

    clause, params = where(Filters(), sel.scope, year=False, person=False)
    per = mart.info_at(sel.path, sel.version).data_per
    visible = f"(SELECT * FROM kesegaran WHERE NOT per_instansi OR ({clause}))"
    tables = run(sel, f"""SELECT tabel, bool_or(per_instansi) AS per_instansi, sum(jumlah_baris)::BIGINT AS baris,
            max(tanggal_terbaru) AS tanggal_terbaru FROM {visible} GROUP BY tabel""", params)
    agencies = run(sel, f"""SELECT k.tabel, k.kode_instansi, i.nama AS nama_instansi,
            sum(k.jumlah_baris)::BIGINT AS baris, max(k.tanggal_terbaru) AS tanggal_terbaru
        FROM {visible} k LEFT JOIN instansi i ON i.kode = k.kode_instansi
        WHERE k.per_instansi AND k.tabel IN ({', '.join(f"'{t}'" for t in _SINGKAT)})
        GROUP BY ALL""", params)

    def lagging(frame: pd.DataFrame) -> pd.Series:
        if per is None:
            return pd.Series(False, index=frame.index)
        limit = pd.to_datetime(frame["tanggal_terbaru"]) + pd.DateOffset(months=int(batas_bulan))
        return frame["tabel"].isin(_DINILAI) & (limit < pd.Timestamp(per))

    def protect(frame: pd.DataFrame, by: list[str]) -> pd.DataFrame:
        hidden_before = frame["baris"].isna()
        frame = lindungi(sel, frame, "baris", ["baris"], by=by, parts=bool(by))
        frame.loc[frame["baris"].isna() & ~hidden_before, "tanggal_terbaru"] = pd.NaT
        return frame

    tables = pd.DataFrame({"tabel": [t.name for t in contract.TABLES]}).merge(tables, on="tabel", how="left")
    tables["baris"] = tables["baris"].astype("float64").fillna(0.0)  # a table without rows has none
    tables["tanggal_terbaru"] = pd.to_datetime(tables["tanggal_terbaru"])
    counted = tables["per_instansi"].fillna(False).astype(bool)
    tables = pd.concat([protect(tables[counted], []), tables[~counted]]).sort_index()
    per_table = pd.DataFrame({
        "Tabel": tables["tabel"], "Jumlah baris": tables["baris"], "Tanggal terbaru": tables["tanggal_terbaru"],
        "Tanggal dari kolom": tables["tabel"].map(TANGGAL_KESEGARAN).fillna(""),
        "Tertinggal": lagging(tables).map({True: f"lebih dari {batas_bulan} bulan sebelum data per", False: ""})})

    agencies["baris"] = agencies["baris"].astype("float64")
    agencies["tanggal_terbaru"] = pd.to_datetime(agencies["tanggal_terbaru"])
    agencies = protect(agencies, ["tabel"])
    agencies["kode_instansi"] = agencies["kode_instansi"].fillna("")
    agencies["nama_instansi"] = agencies["nama_instansi"].fillna("(pegawai atau unit tidak ditemukan)")
    keys = ["kode_instansi", "nama_instansi"]
    wide = agencies[keys].drop_duplicates().sort_values(keys).set_index(keys)
    for table, label in _SINGKAT.items():
        part = agencies[agencies["tabel"] == table].set_index(keys)
        wide[label] = part["baris"].reindex(wide.index)
        wide.loc[~wide.index.isin(part.index), label] = 0.0  # no rows (a hidden count stays hidden)
        wide[f"{label} terbaru"] = part["tanggal_terbaru"].reindex(wide.index)
    behind = agencies[lagging(agencies)].groupby(keys)["tabel"].agg(
        lambda t: ", ".join(label for table, label in _SINGKAT.items() if table in set(t)))
    wide["Tertinggal"] = behind.reindex(wide.index).fillna("")
    wide = wide.reset_index().rename(columns={"kode_instansi": "Kode instansi", "nama_instansi": "Instansi"})
    return per_table, wide
