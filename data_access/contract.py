"""The personnel data contract, defined once as SQLAlchemy Core tables.

docs/data-contract.md documents it for people; the importer, `check`, the demo
generator and the refresh all read these definitions. Column rules the database
cannot express (allowed values, patterns, ranges, references) sit in each
column's `info` so that the validator and the documentation share one source.
Quantities that are summed (JP) are exact decimals (`sa.Numeric`), never binary
floating point: DOMAIN.md section 11.

References between tables are checked by the validator rather than declared as
database foreign keys: a production source is the agency's own database, and
the dashboard only ever reads it.
"""

from __future__ import annotations

import functools

import pandas as pd
import sqlalchemy as sa

from . import reference as ref

CONTRACT_VERSION = "1.1"

metadata = sa.MetaData()


def _key_text(length: int) -> sa.types.TypeEngine:
    """Text compared exactly: MariaDB's default collation would take `T001` and `t001`, or
    `A` and `A `, for the same key, which the validator (like SQLite and PostgreSQL) does not."""
    from sqlalchemy.dialects import mysql
    return sa.String(length).with_variant(mysql.VARCHAR(length, collation="utf8mb4_bin"), "mysql", "mariadb")


# Codes of agencies and units are text up to 64 characters: SIASN identifies units by UUIDs.
KODE = _key_text(64)
# Record ids of the history tables: any non-empty text up to 64 characters, unique in its
# table: SIASN's UUIDs, a training system's `T001`, or plain numbers.
ID = _key_text(64)


def _allowed(values):
    return {"allowed": list(values)}


wilayah = sa.Table(
    "wilayah", metadata,
    sa.Column("kode", KODE, primary_key=True, info={"pattern": r"\d{2}|\d{4}"}),
    sa.Column("nama", sa.String(100), nullable=False),
    sa.Column("tingkat", sa.String(10), nullable=False, info=_allowed(ref.TINGKAT_WILAYAH)),
    sa.Column("kode_induk", KODE, info={"ref": "wilayah.kode"}),
    sa.Column("kelompok_wilayah", sa.String(30), info=_allowed(ref.KELOMPOK_WILAYAH)),
    sa.Column("daerah_3t", sa.SmallInteger, info={"min": 0, "max": 1}),
    sa.Column("lintang", sa.Double),
    sa.Column("bujur", sa.Double),
    comment="Provinsi dan kabupaten/kota dengan kode Kemendagri.",
)

instansi = sa.Table(
    "instansi", metadata,
    sa.Column("kode", KODE, primary_key=True),
    sa.Column("nama", sa.String(150), nullable=False),
    sa.Column("jenis", sa.String(10), nullable=False, info=_allowed(ref.JENIS_INSTANSI)),
    sa.Column("kode_wilayah", KODE, info={"ref": "wilayah.kode"}),
    comment="Instansi pusat dan pemerintah daerah.",
)

unit_kerja = sa.Table(
    "unit_kerja", metadata,
    sa.Column("kode", KODE, primary_key=True),
    sa.Column("kode_instansi", KODE, nullable=False, info={"ref": "instansi.kode"}),
    sa.Column("nama", sa.String(150), nullable=False),
    sa.Column("kode_wilayah", KODE, nullable=False, info={"ref": "wilayah.kode"}),
    sa.Column("jenis_layanan", sa.String(60)),
    comment="Unit kerja; jenis_layanan kosong untuk unit yang tidak melayani publik.",
)

pegawai = sa.Table(
    "pegawai", metadata,
    sa.Column("nip", sa.String(18), primary_key=True, info={"pattern": r"\d{18}"}),
    sa.Column("nama", sa.String(120), nullable=False),
    sa.Column("jenis_kelamin", sa.String(1), nullable=False, info=_allowed(ref.JENIS_KELAMIN)),
    sa.Column("tanggal_lahir", sa.Date, nullable=False),
    sa.Column("jenis_asn", sa.String(4), nullable=False, info=_allowed(ref.JENIS_ASN)),
    sa.Column("golongan", sa.String(6), nullable=False,
              info=_allowed(ref.GOLONGAN_PNS + ref.GOLONGAN_PPPK)),
    sa.Column("jenis_jabatan", sa.String(15), nullable=False, info=_allowed(ref.JENIS_JABATAN)),
    sa.Column("jenjang_jabatan", sa.String(30), nullable=False,
              info=_allowed(ref.LEVEL_STANDAR_JENJANG)),
    sa.Column("pendidikan", sa.String(3), nullable=False, info=_allowed(ref.PENDIDIKAN)),
    sa.Column("kode_unit", KODE, nullable=False, info={"ref": "unit_kerja.kode"}),
    sa.Column("tmt_asn", sa.Date, nullable=False),
    sa.Column("aktif", sa.SmallInteger, nullable=False, info={"min": 0, "max": 1}),
    sa.Column("tanggal_berhenti", sa.Date),
    sa.Index("ix_pegawai_kode_unit", "kode_unit"),
    comment="Satu baris per ASN (PNS dan PPPK).",
)

riwayat_pelatihan = sa.Table(
    "riwayat_pelatihan", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("nip", sa.String(18), nullable=False, info={"ref": "pegawai.nip"}),
    sa.Column("nama_pelatihan", sa.String(200), nullable=False),
    sa.Column("jalur", sa.String(12), nullable=False, info=_allowed(ref.JALUR_PELATIHAN)),
    sa.Column("jenis", sa.String(40), nullable=False,
              info=_allowed(j for js in ref.JENIS_PELATIHAN.values() for j in js)),
    sa.Column("moda", sa.String(12), nullable=False, info=_allowed(ref.MODA_PELATIHAN)),
    sa.Column("penyelenggara", sa.String(150)),
    sa.Column("tanggal_mulai", sa.Date, nullable=False),
    sa.Column("tanggal_selesai", sa.Date, nullable=False),
    # Exact decimals with two places: JP are summed against the 20 JP target, and ten 1,7 JP
    # sessions plus 3 JP must make 20 JP exactly, which binary floating point does not.
    sa.Column("jp", sa.Numeric(8, 2), nullable=False,
              info={"min_exclusive": 0, "max": 2000, "max_decimals": 2}),
    sa.Column("kelompok_kompetensi", sa.String(16), nullable=False,
              info=_allowed(ref.KELOMPOK_KOMPETENSI)),
    sa.Column("kode_kompetensi", KODE, info={"ref": "kompetensi.kode"}),
    sa.Index("ix_riwayat_pelatihan_nip", "nip"),
    comment="Satu baris per kegiatan pengembangan kompetensi; dihitung pada tahun tanggal_selesai.",
)

kompetensi = sa.Table(
    "kompetensi", metadata,
    sa.Column("kode", KODE, primary_key=True),
    sa.Column("nama", sa.String(120), nullable=False),
    sa.Column("kelompok", sa.String(16), nullable=False, info=_allowed(ref.KELOMPOK_KOMPETENSI)),
    comment="Kamus kompetensi: M.01-M.08 manajerial, SK.01 sosial kultural, dan teknis.",
)

standar_kompetensi = sa.Table(
    "standar_kompetensi", metadata,
    sa.Column("jenjang_jabatan", sa.String(30), primary_key=True,
              info=_allowed(ref.LEVEL_STANDAR_JENJANG)),
    sa.Column("kode_kompetensi", KODE, primary_key=True, info={"ref": "kompetensi.kode"}),
    sa.Column("level_standar", sa.SmallInteger, nullable=False, info={"min": 1, "max": 5}),
    comment="Level kompetensi yang dipersyaratkan per jenjang jabatan (dapat diubah).",
)

penilaian_kompetensi = sa.Table(
    "penilaian_kompetensi", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("nip", sa.String(18), nullable=False, info={"ref": "pegawai.nip"}),
    sa.Column("kode_kompetensi", KODE, nullable=False, info={"ref": "kompetensi.kode"}),
    sa.Column("tanggal", sa.Date, nullable=False),
    sa.Column("level", sa.SmallInteger, nullable=False, info={"min": 1, "max": 5}),
    sa.Column("metode", sa.String(60)),
    sa.Index("ix_penilaian_kompetensi_nip", "nip"),
    comment="Satu baris per kompetensi yang dinilai pada satu penilaian.",
)

survei_kepuasan = sa.Table(
    "survei_kepuasan", metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("kode_unit", KODE, nullable=False, info={"ref": "unit_kerja.kode"}),
    sa.Column("tanggal", sa.Date, nullable=False),
    sa.Column("jenis_layanan", sa.String(60), nullable=False),
    *[sa.Column(u, sa.SmallInteger, info={"min": 1, "max": 4}) for u in ref.UNSUR_IKM],
    sa.Column("jenis_kelamin", sa.String(1), info=_allowed(ref.JENIS_KELAMIN)),
    sa.Column("usia", sa.SmallInteger, info={"min": 10, "max": 120}),
    sa.Column("pendidikan", sa.String(3), info=_allowed(ref.PENDIDIKAN)),
    sa.Column("pekerjaan", sa.String(60)),
    # TEXT has no length in the database: the limit is the validator's (MariaDB's TEXT holds
    # 65.535 bytes, 16.383 characters of four bytes).
    sa.Column("saran", sa.Text, info={"max_length": 4000}),
    sa.Index("ix_survei_kepuasan_kode_unit", "kode_unit"),
    comment="Satu baris per responden survei kepuasan masyarakat (PermenPANRB 14/2017).",
)

volume_layanan = sa.Table(
    "volume_layanan", metadata,
    sa.Column("kode_unit", KODE, primary_key=True, info={"ref": "unit_kerja.kode"}),
    sa.Column("tahun", sa.SmallInteger, primary_key=True, info={"min": 1990, "max": 2100}),
    sa.Column("jumlah_penerima", sa.Integer, nullable=False, info={"min": 1}),
    comment="Opsional: jumlah penerima layanan per unit per tahun (untuk cek sampel minimum).",
)

metadata_sumber = sa.Table(
    "metadata_sumber", metadata,
    sa.Column("kunci", sa.String(40), primary_key=True),
    sa.Column("nilai", sa.String(200)),
    comment="Opsional: keterangan sumber; `demo = ya` menandai data demo.",
)

# Load order: a table's references come before it.
TABLES = [wilayah, instansi, unit_kerja, kompetensi, standar_kompetensi, pegawai,
          riwayat_pelatihan, penilaian_kompetensi, survei_kepuasan, volume_layanan,
          metadata_sumber]
OPTIONAL_TABLES = {"volume_layanan", "metadata_sumber"}
REQUIRED_TABLES = [t.name for t in TABLES if t.name not in OPTIONAL_TABLES]
TABLES_BY_NAME = {t.name: t for t in TABLES}


def describe_rule(column: sa.Column) -> str:
    """The rules in a column's `info`, in words, for the data dictionary."""
    info, parts = column.info, []
    if "allowed" in info:
        parts.append("salah satu: " + ", ".join(str(v) for v in info["allowed"]))
    if "pattern" in info:
        parts.append(f"pola {info['pattern']}")
    if "ref" in info:
        parts.append(f"merujuk {info['ref']}")
    if "min" in info:
        parts.append(f"paling kecil {info['min']}")
    if "min_exclusive" in info:
        parts.append(f"lebih dari {info['min_exclusive']}")
    if "max" in info:
        parts.append(f"paling besar {info['max']}")
    if "max_decimals" in info:
        parts.append(f"paling banyak {info['max_decimals']} angka di belakang koma")
    if "max_length" in info:
        parts.append(f"paling banyak {info['max_length']} karakter")
    return "; ".join(parts)


@functools.cache
def kamus(tabel: str | None = None) -> pd.DataFrame:
    """The data dictionary: one row per column of every table (with "Tabel"), or of one table
    (indexed by "Kolom"). Built once per process; callers only read it."""
    if tabel is not None:
        whole = kamus()
        return whole[whole["Tabel"] == tabel].drop(columns="Tabel").set_index("Kolom")
    return pd.DataFrame([{
        "Tabel": table.name, "Kolom": c.name, "Tipe": str(c.type).lower(), "Wajib": "ya" if not c.nullable else "",
        "Kunci": "ya" if c.primary_key else "", "Aturan": describe_rule(c)}
        for table in metadata.sorted_tables for c in table.columns])
