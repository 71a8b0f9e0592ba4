"""Build the analytical mart (a DuckDB file) from the source database.

The source is only read. Its rows are streamed into a scratch DuckDB file, the
mart's tables are built from there into a new file beside the current mart, and
the new file is renamed over the old one: a reader holding the old mart keeps
reading it, the next reader opens the new one, and a failed refresh leaves the
old mart as it was. Refreshes into one folder take turns (a lock on the folder), so
the scratch files a killed refresh left behind (`kerja-*.duckdb`, its `.wal` and
`.tmp`, `<mart>.baru-*`) are removed by the next one.

Only the years that hold data are built and offered (meta `tahun_data`): a year
holds data when it has a survey, or a training or an assessment of someone on the
payroll in that year.

Grain (see docs/data-contract.md, "Mart"): facts carry every filter attribute
(period, region, agency type, agency, unit, ASN type, job type, rank group, sex)
as a column, and measures such as "reached 20 JP" are count columns, so a page
answers any filter combination with one grouped scan of a small table.

JP are exact decimals all the way (DOMAIN.md section 11): DECIMAL in the scratch copy,
DECIMAL sums in the mart, and the targets compared as DECIMAL literals, so ten 1,7 JP
and 3 JP make 20,00 JP and reach the target. Per person and per cell they are kept as
DECIMAL(18,2), eight bytes a value instead of the sixteen of the DECIMAL(38,2) a sum
gives, and still sixteen digits before the point.

A year still running is compared with the same months of earlier years: every year
carries its figures up to the month and day of `data_per` ("s.d." columns,
meta `batas_sd`).
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb
import sqlalchemy as sa

from . import contract, db, extract, mart, riwayat, rules
from .config import setting
from .reference import GOLONGAN_PPPK, UNSUR_IKM

Progress = Callable[[str, float], None]

# Source columns the mart does not use are not read: at national scale every column costs.
_SKIP = {
    "riwayat_pelatihan": {"id", "nama_pelatihan", "penyelenggara", "tanggal_mulai"},
    "penilaian_kompetensi": {"id", "metode"},
    "survei_kepuasan": {"id"},
}

_MART_SQL = """
CREATE TABLE mart.wilayah AS SELECT * FROM s_wilayah ORDER BY kode;
CREATE TABLE mart.kompetensi AS SELECT * FROM s_kompetensi ORDER BY kode;
CREATE TABLE mart.standar_kompetensi AS SELECT * FROM s_standar_kompetensi;
CREATE TABLE mart.volume_layanan AS SELECT * FROM s_volume_layanan;

CREATE TABLE mart.instansi AS
SELECT i.kode, i.nama, i.jenis, i.kode_wilayah,
       CASE WHEN i.kode_wilayah IS NULL THEN NULL ELSE left(i.kode_wilayah, 2) END AS kode_provinsi
FROM s_instansi i ORDER BY i.kode;

CREATE TABLE mart.unit_kerja AS
SELECT u.kode, u.nama, u.kode_instansi, i.nama AS nama_instansi, i.jenis AS jenis_instansi,
       left(u.kode_wilayah, 2) AS kode_provinsi, u.kode_wilayah AS kode_kabkota,
       p.kelompok_wilayah, coalesce(w.daerah_3t, 0) AS daerah_3t, u.jenis_layanan
FROM s_unit_kerja u
JOIN s_instansi i ON i.kode = u.kode_instansi
LEFT JOIN s_wilayah w ON w.kode = u.kode_wilayah
LEFT JOIN s_wilayah p ON p.kode = left(u.kode_wilayah, 2)
ORDER BY u.kode;

CREATE TABLE s_pegawai_unit AS
SELECT p.*,
       CASE WHEN p.jenis_asn = 'PNS' THEN split_part(p.golongan, '/', 1)
            WHEN list_position($pppk, p.golongan) <= 4 THEN 'PPPK I-IV'
            WHEN list_position($pppk, p.golongan) <= 8 THEN 'PPPK V-VIII'
            WHEN list_position($pppk, p.golongan) <= 12 THEN 'PPPK IX-XII'
            ELSE 'PPPK XIII-XVII' END AS kelompok_golongan,
       u.kode_provinsi, u.kode_kabkota, u.jenis_instansi, u.kode_instansi, u.daerah_3t
FROM s_pegawai p JOIN mart.unit_kerja u ON u.kode = p.kode_unit;

-- A segment is one combination of the attributes the global filters choose by (unit,
-- and through it region and agency, ASN type, job type, rank group, sex). Facts are
-- aggregated per segment on an integer key, then given the segment's columns.
CREATE TABLE mart.segmen AS
SELECT (row_number() OVER (ORDER BY kode_provinsi, kode_instansi, kode_unit, jenis_asn,
        jenis_jabatan, kelompok_golongan, jenis_kelamin))::INTEGER AS segmen, *
FROM (SELECT DISTINCT kode_provinsi, kode_kabkota, jenis_instansi, kode_instansi, kode_unit,
             daerah_3t, jenis_asn, jenis_jabatan, kelompok_golongan, jenis_kelamin
      FROM s_pegawai_unit);

CREATE TABLE mart.pegawai AS
SELECT p.nip, p.nama, p.jenis_kelamin, p.tanggal_lahir, p.jenis_asn, p.golongan, p.kelompok_golongan,
       p.jenis_jabatan, p.jenjang_jabatan, p.pendidikan, p.tmt_asn, p.aktif, p.tanggal_berhenti,
       p.kode_unit, p.kode_instansi, p.jenis_instansi, p.kode_provinsi, p.kode_kabkota, p.daerah_3t,
       g.segmen, (row_number() OVER ())::INTEGER AS id_pegawai
FROM s_pegawai_unit p
JOIN mart.segmen g USING (kode_unit, jenis_asn, jenis_jabatan, kelompok_golongan, jenis_kelamin)
ORDER BY g.segmen;

-- Statements that mention $tahun run once per year (the first creates the table, the
-- others append to it): at national scale a year of training records is 12 million
-- rows, and building year by year keeps the refresh within its memory budget. In them
-- $tanggal_sd is that year's cut-off date for the same-period ("s.d.") figures.

-- JP per person and year, and jp_sd: up to the month and day of data_per in that year
-- ($tanggal_sd: that date, or 28 February for a 29 February cut-off in a common year).
CREATE TABLE s_jp AS
SELECT nip, $tahun AS tahun, sum(jp)::DECIMAL(18,2) AS jp,
       sum(jp) FILTER (WHERE moda = 'daring')::DECIMAL(18,2) AS jp_daring,
       sum(jp) FILTER (WHERE jalur = 'klasikal')::DECIMAL(18,2) AS jp_klasikal,
       sum(jp) FILTER (WHERE tanggal_selesai <= $tanggal_sd)::DECIMAL(18,2) AS jp_sd,
       count(*) AS jumlah_kegiatan
FROM s_riwayat_pelatihan WHERE year(tanggal_selesai) = $tahun GROUP BY nip;

-- Person-year: everyone on the payroll in the year, with their JP of that year. ada_sd: on
-- the payroll by the year's cut-off already (the population of the same-months figures).
CREATE TABLE mart.pegawai_tahun AS
SELECT $tahun AS tahun, p.nip, p.segmen, p.jenjang_jabatan, p.pendidikan,
       coalesce(jp.jp, 0) AS jp, coalesce(jp.jp_daring, 0) AS jp_daring,
       coalesce(jp.jp_klasikal, 0) AS jp_klasikal, coalesce(jp.jumlah_kegiatan, 0) AS jumlah_kegiatan,
       coalesce(jp.jp_sd, 0) AS jp_sd, p.tmt_asn <= $tanggal_sd AS ada_sd
FROM mart.pegawai p
LEFT JOIN s_jp jp ON jp.nip = p.nip AND jp.tahun = $tahun
WHERE p.tmt_asn <= make_date($tahun, 12, 31)
  AND (p.aktif = 1 OR p.tanggal_berhenti >= make_date($tahun, 1, 1))
ORDER BY p.segmen;

-- Coverage cells: counts of people, never people, at the segment grain. The targets are
-- DECIMAL literals, so the comparisons are exact.
CREATE TABLE mart.pelatihan_tahun AS
SELECT g.*, c.* EXCLUDE (segmen) FROM (
    SELECT tahun, segmen, jenjang_jabatan, pendidikan,
           count(*) AS jumlah_pegawai,
           count(*) FILTER (WHERE jp >= $target_jp) AS jumlah_capai_target,
           count(*) FILTER (WHERE jp = 0) AS jumlah_tanpa_pelatihan,
           count(*) FILTER (WHERE jp > $max_jp_pppk) AS jumlah_lebih_batas_pppk,
           sum(jp)::DECIMAL(18,2) AS jumlah_jp, sum(jp_daring)::DECIMAL(18,2) AS jumlah_jp_daring,
           sum(jp_klasikal)::DECIMAL(18,2) AS jumlah_jp_klasikal,
           sum(greatest($target_jp - jp, 0))::DECIMAL(18,2) AS jumlah_kekurangan_jp,
           count(*) FILTER (WHERE ada_sd) AS jumlah_pegawai_sd,
           count(*) FILTER (WHERE ada_sd AND jp_sd >= $target_jp) AS jumlah_capai_target_sd,
           coalesce(sum(jp_sd) FILTER (WHERE ada_sd), 0)::DECIMAL(18,2) AS jumlah_jp_sd,
           count(*) FILTER (WHERE jp > 0 AND jp < 10) AS jumlah_jp_1_9,
           count(*) FILTER (WHERE jp >= 10 AND jp < 20) AS jumlah_jp_10_19,
           count(*) FILTER (WHERE jp >= 20 AND jp < 30) AS jumlah_jp_20_29,
           count(*) FILTER (WHERE jp >= 30 AND jp < 40) AS jumlah_jp_30_39,
           count(*) FILTER (WHERE jp >= 40) AS jumlah_jp_40_lebih
    FROM mart.pegawai_tahun WHERE tahun = $tahun GROUP BY tahun, segmen, jenjang_jabatan, pendidikan) c
JOIN mart.segmen g USING (segmen)
ORDER BY g.segmen;

-- Training records of people on the payroll in that year.
CREATE TABLE s_kegiatan AS
SELECT p.id_pegawai, p.segmen, r.jalur, r.jenis, r.moda, r.jp,
       $tahun AS tahun, month(r.tanggal_selesai)::INTEGER AS bulan
FROM s_riwayat_pelatihan r
JOIN mart.pegawai p ON p.nip = r.nip
WHERE year(r.tanggal_selesai) = $tahun
  AND p.tmt_asn <= make_date($tahun, 12, 31)
  AND (p.aktif = 1 OR p.tanggal_berhenti >= make_date($tahun, 1, 1));

CREATE TABLE mart.pelatihan_bulan AS
SELECT g.*, c.* EXCLUDE (segmen) FROM (
    SELECT tahun, bulan, segmen, sum(jp)::DECIMAL(18,2) AS jumlah_jp, count(*) AS jumlah_kegiatan
    FROM s_kegiatan WHERE tahun = $tahun GROUP BY tahun, bulan, segmen) c
JOIN mart.segmen g USING (segmen)
ORDER BY g.segmen;

-- Participants: a person counts once per kind and mode in a year.
CREATE TABLE mart.pelatihan_jenis AS
SELECT g.*, c.* EXCLUDE (segmen) FROM (
    SELECT tahun, segmen, jalur, jenis, moda,
           sum(jp)::DECIMAL(18,2) AS jumlah_jp, sum(kegiatan) AS jumlah_kegiatan, count(*) AS jumlah_peserta
    FROM (SELECT tahun, id_pegawai, any_value(segmen) AS segmen, any_value(jalur) AS jalur, jenis,
                 moda, sum(jp)::DECIMAL(18,2) AS jp, count(*) AS kegiatan
          FROM s_kegiatan WHERE tahun = $tahun GROUP BY tahun, id_pegawai, jenis, moda)
    GROUP BY ALL) c
JOIN mart.segmen g USING (segmen)
ORDER BY g.segmen;

-- Competency as of the end of each year: for every employee on the payroll that year,
-- the latest assessment of each competency up to then counts (PermenPANRB 38/2017).
CREATE TABLE s_terkini AS
SELECT $tahun AS tahun, t.nip, t.segmen, t.jenjang_jabatan, n.kode_kompetensi,
       arg_max(n.level, n.tanggal) AS level, max(n.tanggal) AS tanggal
FROM s_penilaian_kompetensi n
JOIN mart.pegawai_tahun t ON t.nip = n.nip AND t.tahun = $tahun
WHERE n.tanggal <= make_date($tahun, 12, 31)
GROUP BY t.nip, t.segmen, t.jenjang_jabatan, n.kode_kompetensi;

CREATE TABLE s_nilai AS
SELECT v.*, k.kelompok AS kelompok_kompetensi, s.level_standar, v.level - s.level_standar AS gap
FROM s_terkini v
JOIN s_kompetensi k ON k.kode = v.kode_kompetensi
LEFT JOIN s_standar_kompetensi s
       ON s.jenjang_jabatan = v.jenjang_jabatan AND s.kode_kompetensi = v.kode_kompetensi
WHERE v.tahun = $tahun;

-- Below the standard, and whether training aimed at that competency ended after the
-- assessment (and by the end of the year): the planner's training needs, person by person.
CREATE TABLE mart.kebutuhan_pegawai AS
SELECT b.tahun, b.nip, b.segmen, b.jenjang_jabatan, b.kode_kompetensi, b.kelompok_kompetensi,
       b.level, b.level_standar, -b.gap AS kekurangan_level, b.tanggal AS tanggal_penilaian,
       EXISTS (SELECT 1 FROM s_riwayat_pelatihan r
               WHERE r.nip = b.nip AND r.kode_kompetensi = b.kode_kompetensi
                 AND r.tanggal_selesai > b.tanggal AND r.tanggal_selesai <= make_date($tahun, 12, 31))
           AS dilatih_setelah_penilaian
FROM s_nilai b WHERE b.tahun = $tahun AND b.gap < 0
ORDER BY b.segmen;

CREATE TABLE mart.kompetensi_sel AS
SELECT g.*, c.* EXCLUDE (segmen) FROM (
    SELECT v.tahun, v.segmen, v.jenjang_jabatan, v.kode_kompetensi, v.kelompok_kompetensi,
           count(*) AS jumlah_dinilai, sum(v.level) AS jumlah_level, sum(v.level_standar) AS jumlah_standar,
           sum(v.gap) AS jumlah_gap, count(*) FILTER (WHERE v.gap < 0) AS jumlah_di_bawah_standar,
           sum(greatest(-v.gap, 0)) AS jumlah_kekurangan_level,
           count(*) FILTER (WHERE k.dilatih_setelah_penilaian) AS jumlah_dilatih_setelah
    FROM s_nilai v
    LEFT JOIN mart.kebutuhan_pegawai k
           ON k.tahun = v.tahun AND k.nip = v.nip AND k.kode_kompetensi = v.kode_kompetensi
    WHERE v.tahun = $tahun AND v.level_standar IS NOT NULL
    GROUP BY v.tahun, v.segmen, v.jenjang_jabatan, v.kode_kompetensi, v.kelompok_kompetensi) c
JOIN mart.segmen g USING (segmen)
ORDER BY g.segmen;

-- Per person: meets the standard (no competency below it) and JPM, capped at 100%. The
-- date is that of the latest assessment of a competency with a standard for the person's
-- level (NULL without one), so the recency counts cover exactly the jumlah_dinilai people.
CREATE TABLE s_orang AS
SELECT tahun, nip, any_value(segmen) AS segmen, any_value(jenjang_jabatan) AS jenjang_jabatan,
       max(tanggal) FILTER (WHERE level_standar IS NOT NULL) AS tanggal,
       count(level_standar) AS jumlah_kompetensi,
       bool_and(gap >= 0) FILTER (WHERE level_standar IS NOT NULL) AS memenuhi_standar,
       CASE WHEN count(level_standar) > 0  -- least() would skip a NULL and answer 100
            THEN least(100.0, 100.0 * sum(level) FILTER (WHERE level_standar IS NOT NULL) / sum(level_standar))
       END AS jpm
FROM s_nilai WHERE tahun = $tahun GROUP BY tahun, nip;

CREATE TABLE mart.kompetensi_pegawai_sel AS
SELECT g.*, c.* EXCLUDE (segmen) FROM (
    SELECT tahun, segmen, jenjang_jabatan,
           count(*) FILTER (WHERE jumlah_kompetensi > 0) AS jumlah_dinilai,
           count(*) FILTER (WHERE jumlah_kompetensi = 0) AS jumlah_tanpa_standar,
           count(*) FILTER (WHERE memenuhi_standar) AS jumlah_memenuhi_standar,
           coalesce(sum(jpm), 0) AS jumlah_jpm,
           count(*) FILTER (WHERE jpm >= $jpm_optimal) AS jumlah_optimal,
           count(*) FILTER (WHERE jpm >= $jpm_cukup AND jpm < $jpm_optimal) AS jumlah_cukup_optimal,
           count(*) FILTER (WHERE jpm < $jpm_cukup) AS jumlah_kurang_optimal,
           count(*) FILTER (WHERE jumlah_kompetensi > 0
                            AND tanggal > make_date($tahun - 1, 12, 31)) AS jumlah_dinilai_1_tahun,
           count(*) FILTER (WHERE jumlah_kompetensi > 0 AND tanggal > make_date($tahun - 3, 12, 31)
                            AND tanggal <= make_date($tahun - 1, 12, 31)) AS jumlah_dinilai_1_3_tahun,
           count(*) FILTER (WHERE jumlah_kompetensi > 0
                            AND tanggal <= make_date($tahun - 3, 12, 31)) AS jumlah_dinilai_lebih_3_tahun
    FROM s_orang WHERE tahun = $tahun GROUP BY tahun, segmen, jenjang_jabatan) c
JOIN mart.segmen g USING (segmen)
ORDER BY g.segmen;

-- Competency assessed twice: the change between consecutive assessments of the same
-- competency, split by whether training aimed at it ended in between.
CREATE TABLE mart.penilaian_berulang AS
WITH ordered AS (
    SELECT nip, kode_kompetensi, tanggal, level,
           lag(tanggal) OVER w AS tanggal_sebelum, lag(level) OVER w AS level_sebelum
    FROM s_penilaian_kompetensi
    WINDOW w AS (PARTITION BY nip, kode_kompetensi ORDER BY tanggal, level))
SELECT g.*, c.* EXCLUDE (segmen) FROM (
    SELECT year(o.tanggal)::INTEGER AS tahun, p.segmen, o.kode_kompetensi,
           EXISTS (SELECT 1 FROM s_riwayat_pelatihan r
                   WHERE r.nip = o.nip AND r.kode_kompetensi = o.kode_kompetensi
                     AND r.tanggal_selesai > o.tanggal_sebelum AND r.tanggal_selesai <= o.tanggal) AS dilatih,
           count(*) AS jumlah, sum(o.level - o.level_sebelum) AS jumlah_perubahan
    FROM ordered o JOIN mart.pegawai p USING (nip)
    WHERE o.tanggal_sebelum IS NOT NULL
    GROUP BY ALL) c
JOIN mart.segmen g USING (segmen);

-- Satisfaction: per-element answer sums and answer counts, so any pooling is exact.
-- sd_data_per: the survey's (month, day) is on or before data_per's ($batas_md = month * 100
-- + day), so the same months of any year pool as the rows where it holds.
CREATE TABLE mart.ikm_sel AS
SELECT year(s.tanggal)::INTEGER AS tahun, ((month(s.tanggal) - 1) // 6 + 1)::INTEGER AS semester,
       ((month(s.tanggal) - 1) // 3 + 1)::INTEGER AS triwulan,
       (month(s.tanggal) * 100 + day(s.tanggal) <= $batas_md) AS sd_data_per,
       u.kode_provinsi, u.kode_kabkota, u.jenis_instansi, u.kode_instansi, s.kode_unit, u.daerah_3t,
       s.jenis_layanan, count(*) AS jumlah_responden,
       $unsur_sums
FROM s_survei_kepuasan s JOIN mart.unit_kerja u ON u.kode = s.kode_unit
GROUP BY ALL ORDER BY tahun, kode_provinsi, kode_instansi, kode_unit;

CREATE TABLE mart.responden_sel AS
SELECT year(s.tanggal)::INTEGER AS tahun, ((month(s.tanggal) - 1) // 6 + 1)::INTEGER AS semester,
       ((month(s.tanggal) - 1) // 3 + 1)::INTEGER AS triwulan,
       u.kode_provinsi, u.kode_kabkota, u.jenis_instansi, u.kode_instansi, s.kode_unit,
       s.jenis_layanan,
       coalesce(s.jenis_kelamin, 'Tidak diisi') AS jenis_kelamin,
       CASE WHEN s.usia IS NULL THEN 'Tidak diisi' WHEN s.usia < 20 THEN '< 20'
            WHEN s.usia < 30 THEN '20-29' WHEN s.usia < 40 THEN '30-39'
            WHEN s.usia < 50 THEN '40-49' WHEN s.usia < 60 THEN '50-59' ELSE '60+' END AS kelompok_usia,
       coalesce(s.pendidikan, 'Tidak diisi') AS pendidikan,
       coalesce(s.pekerjaan, 'Tidak diisi') AS pekerjaan,
       count(*) AS jumlah_responden
FROM s_survei_kepuasan s JOIN mart.unit_kerja u ON u.kode = s.kode_unit GROUP BY ALL;

CREATE TABLE mart.saran AS
SELECT s.tanggal, year(s.tanggal)::INTEGER AS tahun, ((month(s.tanggal) - 1) // 6 + 1)::INTEGER AS semester,
       ((month(s.tanggal) - 1) // 3 + 1)::INTEGER AS triwulan, u.kode_provinsi, u.kode_kabkota,
       u.jenis_instansi, u.kode_instansi, s.kode_unit, s.jenis_layanan, trim(s.saran) AS saran
FROM s_survei_kepuasan s JOIN mart.unit_kerja u ON u.kode = s.kode_unit
WHERE s.saran IS NOT NULL AND trim(s.saran) <> ''
ORDER BY s.tanggal DESC;

-- Freshness (Tentang data): the rows and the latest date of every source table, per agency and
-- region where a table has them (units and employees through the unit, training and assessment
-- records through the employee, surveys and service volumes through the unit), so a scope picks
-- its own rows (a record whose employee or unit is missing keeps NULL codes). Dates after the day
-- of the refresh are left out, as for data_per. An employee's date: the later of TMT and leaving.
CREATE TABLE mart.kesegaran AS
SELECT tabel, per_instansi, kode_provinsi, kode_kabkota, jenis_instansi, kode_instansi,
       count(*) AS jumlah_baris, max(tanggal) FILTER (WHERE tanggal <= current_date) AS tanggal_terbaru
FROM (
    SELECT 'pegawai' AS tabel, TRUE AS per_instansi, u.kode_provinsi, u.kode_kabkota, u.jenis_instansi,
           u.kode_instansi, greatest(CASE WHEN p.tmt_asn <= current_date THEN p.tmt_asn END,
                                     CASE WHEN p.tanggal_berhenti <= current_date THEN p.tanggal_berhenti END) AS tanggal
    FROM s_pegawai p LEFT JOIN mart.unit_kerja u ON u.kode = p.kode_unit
    UNION ALL
    SELECT 'riwayat_pelatihan', TRUE, p.kode_provinsi, p.kode_kabkota, p.jenis_instansi, p.kode_instansi,
           r.tanggal_selesai
    FROM s_riwayat_pelatihan r LEFT JOIN mart.pegawai p ON p.nip = r.nip
    UNION ALL
    SELECT 'penilaian_kompetensi', TRUE, p.kode_provinsi, p.kode_kabkota, p.jenis_instansi, p.kode_instansi,
           n.tanggal
    FROM s_penilaian_kompetensi n LEFT JOIN mart.pegawai p ON p.nip = n.nip
    UNION ALL
    SELECT 'survei_kepuasan', TRUE, u.kode_provinsi, u.kode_kabkota, u.jenis_instansi, u.kode_instansi, s.tanggal
    FROM s_survei_kepuasan s LEFT JOIN mart.unit_kerja u ON u.kode = s.kode_unit
    UNION ALL
    SELECT 'unit_kerja', TRUE, u.kode_provinsi, u.kode_kabkota, u.jenis_instansi, u.kode_instansi, NULL::DATE
    FROM s_unit_kerja s LEFT JOIN mart.unit_kerja u ON u.kode = s.kode
    UNION ALL
    SELECT 'volume_layanan', TRUE, u.kode_provinsi, u.kode_kabkota, u.jenis_instansi, u.kode_instansi, NULL::DATE
    FROM s_volume_layanan v LEFT JOIN mart.unit_kerja u ON u.kode = v.kode_unit
    UNION ALL SELECT 'wilayah', FALSE, NULL, NULL, NULL, NULL, NULL::DATE FROM s_wilayah
    UNION ALL SELECT 'instansi', FALSE, NULL, NULL, NULL, NULL, NULL::DATE FROM s_instansi
    UNION ALL SELECT 'kompetensi', FALSE, NULL, NULL, NULL, NULL, NULL::DATE FROM s_kompetensi
    UNION ALL SELECT 'standar_kompetensi', FALSE, NULL, NULL, NULL, NULL, NULL::DATE FROM s_standar_kompetensi
    UNION ALL SELECT 'metadata_sumber', FALSE, NULL, NULL, NULL, NULL, NULL::DATE FROM s_metadata_sumber)
GROUP BY ALL ORDER BY tabel, kode_provinsi, kode_instansi;
"""


def _unsur_sums() -> str:
    return ",\n       ".join(f"sum(s.{u}) AS jumlah_{u}, count(s.{u}) AS responden_{u}"
                              for u in UNSUR_IKM)


def _cutoff(year: int, batas_md: int) -> date:
    """The same-period cut-off in `year` (batas_md = month * 100 + day of data_per)."""
    return rules.same_day(year, *divmod(batas_md, 100))


def _statements(params: dict) -> list[str]:
    """The mart's statements with their parameters in place; a statement that mentions
    $tahun becomes one per year, the first creating its table and the rest appending."""
    sql = _MART_SQL.replace("$unsur_sums", _unsur_sums())
    for key in sorted(params, key=len, reverse=True):
        sql = sql.replace(f"${key}", str(params[key]))
    statements = []
    for statement in (s.strip() for s in sql.split(";")):
        body = "\n".join(line for line in statement.splitlines() if not line.startswith("--")).strip()
        if not body:
            continue
        if "$tahun" not in body:
            statements.append(body)
            continue
        create = re.match(r"CREATE TABLE (\S+) AS\s", body)
        for i, year in enumerate(params["tahun_data"]):
            per_year = (body.replace("$tanggal_sd", f"DATE '{_cutoff(year, params['batas_md'])}'")
                        .replace("$tahun", f"{year}::INTEGER"))
            statements.append(per_year if i == 0 else
                              f"INSERT INTO {create.group(1)} " + per_year[create.end():])
    return statements


# What a refresh writes beside the mart before the swap (see `refresh`).
_SCRATCH = re.compile(r"(kerja-\d+-\d+\.duckdb|.+\.baru-\d+-\d+)(\.wal|\.tmp)?")


@contextmanager
def _taking_turns(folder: Path, progress: Progress):
    """Hold a lock on the mart's folder (flock on the folder itself, so no lock file is left
    there); a second refresh into the folder waits for the first. The operating system
    releases the lock when its process ends, even killed, so whatever scratch files the
    folder holds while it is held are leftovers of refreshes no longer running: they are
    removed. (Whoever shares the folder from another machine is not seen: one refresh host.)"""
    lock = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress("Menunggu pembaruan mart lain di folder yang sama selesai", 0.0)
            fcntl.flock(lock, fcntl.LOCK_EX)
        for entry in folder.iterdir():
            if _SCRATCH.fullmatch(entry.name):
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
        yield
    finally:
        os.close(lock)


def refresh(database_url: str, mart_path: str, progress: Progress | None = None, oleh: str | None = None) -> dict:
    """Rebuild the mart from the source and swap it in; returns the metadata written. Every run
    that got its turn is recorded in the history beside the mart (riwayat.py), with `oleh`, who
    asked for it (None: a start of the dashboard, "(otomatis)")."""
    progress = progress or (lambda step, frac: None)
    targets = _jp_targets()  # a bad setting is refused before the source is read
    db.parse_url(database_url)  # and a malformed DATABASE_URL
    target = Path(mart_path)
    if target.is_dir():
        raise db.SourceError(f"MART_PATH menunjuk folder {target}, bukan berkas. Contoh: data/mart.duckdb.")
    if target.exists():
        with target.open("rb") as fh:
            foreign = fh.read(16) == mart.SQLITE_MAGIC  # someone's database, not a mart to replace
        if foreign:
            raise db.SourceError(
                f"MART_PATH menunjuk basis data SQLite ({target}), bukan mart; refresh tidak menimpanya. "
                "Arahkan MART_PATH ke berkas mart, mis. data/mart.duckdb (sumbernya diatur di DATABASE_URL).")
    target.parent.mkdir(parents=True, exist_ok=True)
    with _taking_turns(target.parent, progress):
        who = oleh or "(otomatis)"
        try:
            meta = _refresh(database_url, target, targets, progress)
        except BaseException as exc:  # also a run stopped midway (Ctrl-C, a page left): the old mart stays
            failed = isinstance(exc, Exception)
            riwayat.catat_aman(target, "refresh", who, "gagal" if failed else "terputus",
                               keterangan=str(exc) if isinstance(exc, db.SourceError) else exc.__class__.__name__)
            raise
        riwayat.catat_aman(target, "refresh", who, "berhasil", data_per=meta["data_per"],
                           durasi_detik=meta["durasi_detik"])
        return meta


def berjalan(mart_path: str) -> bool:
    """Whether a refresh into the mart's folder runs at this moment (its lock is held, see
    `_taking_turns`), for a page that would otherwise start one and wait without saying why."""
    folder = Path(mart_path).parent
    if not folder.is_dir():
        return False
    lock = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(lock)  # closing releases a lock this call took
    return False


def _refresh(database_url: str, target: Path, targets: tuple[Decimal, Decimal], progress: Progress) -> dict:
    started = time.monotonic()
    tag = f"{os.getpid()}-{int(time.time() * 1000)}"
    new_path = target.with_name(f"{target.name}.baru-{tag}")
    scratch = target.with_name(f"kerja-{tag}.duckdb")  # its catalog name must not be "mart"
    engine = db.make_engine(extract.read_only_url(database_url))
    try:
        duck = mart.connect(str(scratch))
        try:
            duck.execute(f"SET memory_limit='{setting('MART_MEMORY_LIMIT', '3GB')}'")
            duck.execute("SET preserve_insertion_order=false")
            duck.execute(f"SET temp_directory='{scratch}.tmp'")
            counts = {}
            with db.connect(engine) as conn:
                db.require_tables(conn)
                present = set(sa.inspect(conn).get_table_names())
                arrow_conn = extract.arrow_connection(engine)
                try:
                    for i, table in enumerate(contract.TABLES):
                        progress(f"Membaca tabel {table.name}",
                                 0.05 + 0.55 * i / len(contract.TABLES))
                        counts[table.name] = extract.copy_table(
                            conn, arrow_conn, duck, table, f"s_{table.name}",
                            present=table.name in present, skip=_SKIP.get(table.name, ()))
                finally:
                    if arrow_conn is not None:
                        arrow_conn.close()
            meta = _build(duck, new_path, database_url, counts, targets, progress)
        finally:
            duck.close()
        os.replace(new_path, target)
    except (duckdb.ConversionException, duckdb.ConstraintException) as exc:
        raise db.SourceError(
            f"Data sumber tidak sesuai kontrak sehingga mart tidak dapat dibangun ({exc}). "
            "Jalankan `python -m data_access check` untuk melihat rinciannya.") from None
    except duckdb.OutOfMemoryException:
        raise db.SourceError(
            "Memori tidak cukup untuk membangun mart. Naikkan MART_MEMORY_LIMIT (sekarang "
            f"{setting('MART_MEMORY_LIMIT', '3GB')}) bila mesin memilikinya. Mart lama tidak berubah.") from None
    except duckdb.IOException as exc:
        raise db.SourceError(
            f"Mart tidak dapat ditulis di {target.parent} ({exc}). Periksa MART_PATH dan ruang disk. "
            "Mart lama tidak berubah.") from None
    except sa.exc.DBAPIError as exc:
        raise db.connection_error(database_url, exc) from None
    finally:
        engine.dispose()
        for leftover in (new_path, scratch, Path(f"{new_path}.wal"), Path(f"{scratch}.wal")):
            leftover.unlink(missing_ok=True)
        shutil.rmtree(f"{scratch}.tmp", ignore_errors=True)
    meta["durasi_detik"] = f"{time.monotonic() - started:.1f}"
    progress("Mart siap", 1.0)
    return meta


# Views above one agency never look at units: the same cells without the unit are 3 to 12
# times fewer rows at national scale. Queries use `<table>_wilayah` unless they filter or
# group by unit (queries._t).
COARSE = ("pelatihan_tahun", "pelatihan_bulan", "pelatihan_jenis", "kompetensi_sel", "kompetensi_pegawai_sel")


def build_coarse(duck, schema: str) -> None:
    """`<table>_wilayah` for each COARSE table: every column but segmen and kode_unit kept as
    a dimension, the `jumlah_*` measures summed (integers as BIGINT, exact decimals as
    DECIMAL(38,s), doubles as DOUBLE), in year and region order."""
    def summed(kind: str) -> str:
        if kind.startswith("DECIMAL"):
            return f"DECIMAL(38,{kind.rstrip(')').split(',')[1]})"
        return "DOUBLE" if kind in ("DOUBLE", "FLOAT") else "BIGINT"

    for table in COARSE:
        columns = duck.execute(f"DESCRIBE {schema}.{table}").fetchall()
        dims = [c for c, *_ in columns if not c.startswith("jumlah_") and c not in ("segmen", "kode_unit")]
        sums = [f"sum({c})::{summed(kind)} AS {c}" for c, kind, *_ in columns if c.startswith("jumlah_")]
        duck.execute(f"""CREATE TABLE {schema}.{table}_wilayah AS
            SELECT {', '.join(dims)}, {', '.join(sums)} FROM {schema}.{table}
            GROUP BY ALL ORDER BY tahun, kode_provinsi, kode_instansi""")


def _jp_setting(name: str, default: int) -> Decimal:
    """A JP setting (TARGET_JP_PNS, MAX_JP_PPPK) as an exact decimal of two places: "20",
    "20.5" or "20,5"; anything else is refused with the setting's name."""
    raw = str(setting(name, str(default))).strip()
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        value = None
    # In this order: NaN does not compare, and quantize refuses values beyond its precision.
    if not (value is not None and value.is_finite() and 0 <= value < Decimal("1e16")
            and value == value.quantize(Decimal("0.01"))):
        raise db.SourceError(f"Pengaturan {name} harus angka JP tidak negatif dengan paling banyak dua "
                             f"angka di belakang koma (mis. 20 atau 20,5), bukan {raw!r}.")
    return value.quantize(Decimal("0.01"))


def _text(value: Decimal) -> str:
    """A decimal as plain text without needless zeros, for meta: 20.00 -> "20", 20.50 -> "20.5"."""
    return format(value.normalize(), "f")


def _jp_targets() -> tuple[Decimal, Decimal]:
    """(JP target per PNS, JP cap per PPPK) from the settings."""
    return (_jp_setting("TARGET_JP_PNS", rules.TARGET_JP_PNS),
            _jp_setting("MAX_JP_PPPK", rules.MAX_JP_PPPK))


# The years that hold data, oldest first: a survey, or a training or an assessment of someone
# on the payroll in that year (the rows that count in that year's figures). A year between
# two such years without any is not built, nor offered.
# A date after the day of the refresh (or before 1900) in a source loaded without the importer's
# checks neither offers its year nor moves "data per": one such row would make 2205 the default.
_YEARS_WITH_DATA = """
SELECT DISTINCT y FROM (
    SELECT year(tanggal) AS y FROM s_survei_kepuasan
    UNION ALL
    SELECT year(e.tanggal) FROM (
        SELECT nip, tanggal_selesai AS tanggal FROM s_riwayat_pelatihan
        UNION ALL SELECT nip, tanggal FROM s_penilaian_kompetensi) e
    JOIN s_pegawai p ON p.nip = e.nip
    WHERE p.tmt_asn <= make_date(year(e.tanggal), 12, 31)
      AND (p.aktif = 1 OR p.tanggal_berhenti >= make_date(year(e.tanggal), 1, 1)))
WHERE y BETWEEN 1900 AND year(current_date) ORDER BY y"""


def _build(duck, new_path: Path, database_url: str, counts: dict, targets: tuple[Decimal, Decimal],
           progress: Progress) -> dict:
    years = [int(y) for (y,) in duck.execute(_YEARS_WITH_DATA).fetchall()]
    data_per = duck.execute("""
        SELECT max(d) FROM (
            SELECT max(tanggal_selesai) AS d FROM s_riwayat_pelatihan WHERE tanggal_selesai <= current_date
            UNION ALL SELECT max(tanggal) FROM s_penilaian_kompetensi WHERE tanggal <= current_date
            UNION ALL SELECT max(tanggal) FROM s_survei_kepuasan WHERE tanggal <= current_date)""").fetchone()[0]
    years = years or [datetime.now().year]
    tahun_awal, tahun_akhir = years[0], years[-1]
    pppk = "[" + ", ".join(f"'{g}'" for g in GOLONGAN_PPPK) + "]"
    target_jp, max_jp_pppk = targets
    # Without any dated row the year is a whole one: the cut-off is 31 December.
    batas_md = data_per.month * 100 + data_per.day if data_per else 1231
    params = {
        "tahun_awal": tahun_awal, "tahun_akhir": tahun_akhir, "tahun_data": years,
        "target_jp": f"{target_jp}::DECIMAL(18,2)", "max_jp_pppk": f"{max_jp_pppk}::DECIMAL(18,2)",
        "batas_md": batas_md,
        "jpm_optimal": float(setting("JPM_OPTIMAL", str(rules.JPM_OPTIMAL))),
        "jpm_cukup": float(setting("JPM_CUKUP", str(rules.JPM_CUKUP))),
        "pppk": pppk,
    }
    duck.execute(f"ATTACH '{new_path}' AS mart")
    statements = _statements(params)
    for i, statement in enumerate(statements):
        progress("Membangun tabel agregat", 0.6 + 0.35 * i / len(statements))
        duck.execute(statement)
    progress("Membangun tabel ringkas tanpa unit", 0.95)
    build_coarse(duck, "mart")
    source_meta = dict(duck.execute("SELECT kunci, nilai FROM s_metadata_sumber").fetchall())
    meta = {
        "dibangun_pada": datetime.now().astimezone().isoformat(timespec="seconds"),
        "sumber": db.describe_url(database_url),
        "versi_kontrak": contract.CONTRACT_VERSION, "versi_mart": mart.MART_SCHEMA,
        "data_per": data_per.isoformat() if data_per else "",
        "tahun_awal": str(tahun_awal), "tahun_akhir": str(tahun_akhir),
        "tahun_data": ",".join(map(str, years)),
        "demo": "ya" if source_meta.get("demo") == "ya" else "tidak",
        "target_jp_pns": _text(target_jp), "batas_jp_pppk": _text(max_jp_pppk),
        "batas_sd": f"{batas_md // 100:02d}-{batas_md % 100:02d}",
        "jpm_optimal": str(params["jpm_optimal"]), "jpm_cukup": str(params["jpm_cukup"]),
        **{f"baris_{name}": str(n) for name, n in counts.items()},
    }
    duck.execute("CREATE TABLE mart.meta (kunci VARCHAR PRIMARY KEY, nilai VARCHAR)")
    duck.executemany("INSERT INTO mart.meta VALUES (?, ?)", list(meta.items()))
    duck.execute("DETACH mart")
    return meta
