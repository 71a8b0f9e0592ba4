"""JP are exact decimals from import through source and mart (DOMAIN.md section 11).

Ten sessions of 1,7 JP and one of 3 JP are exactly 20 JP and reach the target, which
binary floating point gets wrong (19.999999999999996). A tiny hand-made source is
imported into SQLite, PostgreSQL and MariaDB, the mart is built from each, and the
figures are read back from the mart. Every expected value is written out by hand.
"""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest
import sqlalchemy as sa

from data_access import db, importer, refresh, validate

from .test_importer import workbook, good_files, pns_row, training_row, write_folder

NIP_SEPULUH = "198703032012012001"  # ten 1,7 JP and one 3 JP: 20,00
NIP_KURANG = "198804042012011002"  # 19,99 JP: 0,01 short
NIP_LEBIH = "198905052012012003"  # 12,25 + 8: 20,25


def jp_files() -> dict:
    """good_files plus an agency of its own (K02, unit U3) holding the three PNS above."""
    files = good_files()
    files["instansi"].append(["K02", "Lembaga Administrasi Negara", "pusat", ""])
    files["unit_kerja"].append(["U3", "K02", "Pusat Pelatihan", "3273", ""])
    files["pegawai"] += [pns_row(NIP_SEPULUH, "Sepuluh Kali", "U3"), pns_row(NIP_KURANG, "Kurang Sedikit", "U3"),
                         pns_row(NIP_LEBIH, "Lebih Seperempat", "U3")]
    # Written the ways people write it: decimal comma, decimal point, a trailing zero.
    spelled = ["1,7", "1.7", "1,70", "1.70", "1,7", "1,7", "1,7", "1,7", "1,7", "1,7"]
    files["riwayat_pelatihan"] += [training_row(100 + i, NIP_SEPULUH, f"2025-0{1 + i % 9}-1{i % 9}", jp)
                                   for i, jp in enumerate(spelled)]
    files["riwayat_pelatihan"] += [training_row(110, NIP_SEPULUH, "2025-11-20", "3"),
                                   training_row(120, NIP_KURANG, "2025-06-30", "19,99"),
                                   training_row(130, NIP_LEBIH, "2025-02-14", "12,25"),
                                   training_row(131, NIP_LEBIH, "2025-09-01", "8")]
    return files


def _import(url: str, folder, files) -> validate.Report:
    engine = db.make_engine(url, create_sqlite_dir=True)
    try:
        return importer.import_folder(engine, write_folder(folder, files))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def jp_mart(backend, tmp_path_factory):
    """(kind, url, mart) of the hand-made source in each kind of database."""
    folder = tmp_path_factory.mktemp(f"jp-{backend.kind}")
    url = backend.url("jp_tepat")
    report = _import(url, folder / "impor", jp_files())
    assert report.ok, report.text()
    mart = folder / "mart.duckdb"
    refresh.refresh(url, str(mart))
    return backend.kind, url, mart


def _rows(mart, sql: str) -> list[tuple]:
    with duckdb.connect(str(mart), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_source_holds_the_jp_as_written(jp_mart):
    kind, url, _ = jp_mart
    engine = db.make_engine(url)
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT id, jp FROM riwayat_pelatihan WHERE nip = :n ORDER BY id"),
                              {"n": NIP_SEPULUH}).all()
    engine.dispose()
    assert [i for i, _ in stored] == [str(i) for i in range(100, 111)]  # ids are text (contract 1.1)
    if kind == "sqlite":  # NUMERIC is stored as REAL: the double nearest to 1,7
        assert [jp for _, jp in stored] == [1.7] * 10 + [3]
    else:
        assert [jp for _, jp in stored] == [Decimal("1.70")] * 10 + [Decimal("3.00")]


def test_stored_source_passes_check(jp_mart):
    _, url, _ = jp_mart
    report = validate.check_source(db.make_engine(url))
    assert report.ok, report.text()


def test_person_jp_are_exact_decimals(jp_mart):
    _, _, mart = jp_mart
    rows = _rows(mart, f"""SELECT nip, jp, jp_sd, typeof(jp), jumlah_kegiatan FROM pegawai_tahun
        WHERE tahun = 2025 AND nip IN ('{NIP_SEPULUH}', '{NIP_KURANG}', '{NIP_LEBIH}') ORDER BY nip""")
    assert rows == [
        (NIP_SEPULUH, Decimal("20.00"), Decimal("20.00"), "DECIMAL(18,2)", 11),
        (NIP_KURANG, Decimal("19.99"), Decimal("19.99"), "DECIMAL(18,2)", 1),
        (NIP_LEBIH, Decimal("20.25"), Decimal("20.25"), "DECIMAL(18,2)", 2),
    ]


@pytest.mark.parametrize("table, where", [("pelatihan_tahun", "kode_unit = 'U3'"),
                                          ("pelatihan_tahun_wilayah", "kode_instansi = 'K02'")])
def test_coverage_cells_reach_the_target_exactly(jp_mart, table, where):
    _, _, mart = jp_mart
    got = _rows(mart, f"""
        SELECT sum(jumlah_pegawai)::INTEGER, sum(jumlah_capai_target)::INTEGER, sum(jumlah_kekurangan_jp),
               sum(jumlah_jp), sum(jumlah_jp_10_19)::INTEGER, sum(jumlah_jp_20_29)::INTEGER,
               sum(jumlah_capai_target_sd)::INTEGER, sum(jumlah_jp_sd)
        FROM {table} WHERE tahun = 2025 AND {where}""")
    # 20,00 and 20,25 reach 20 JP; 19,99 is 0,01 short; 20,00 + 19,99 + 20,25 = 60,24.
    assert got == [(3, 2, Decimal("0.01"), Decimal("60.24"), 1, 2, 2, Decimal("60.24"))]
    types = dict(_rows(mart, f"""SELECT column_name, data_type FROM information_schema.columns
        WHERE table_name = '{table}' AND column_name IN ('jumlah_jp', 'jumlah_kekurangan_jp', 'jumlah_jp_sd')"""))
    assert set(types.values()) == ({"DECIMAL(18,2)"} if table == "pelatihan_tahun" else {"DECIMAL(38,2)"})


def test_meta_holds_the_targets_as_text(jp_mart):
    _, _, mart = jp_mart
    meta = dict(_rows(mart, "SELECT kunci, nilai FROM meta"))
    assert (meta["target_jp_pns"], meta["batas_jp_pppk"]) == ("20", "24")


def test_decimal_target_setting_is_compared_exactly(jp_mart, tmp_path, monkeypatch):
    _, url, _ = jp_mart
    monkeypatch.setenv("TARGET_JP_PNS", "20,25")
    monkeypatch.setenv("MAX_JP_PPPK", "19.99")
    mart = tmp_path / "mart.duckdb"
    meta = refresh.refresh(url, str(mart))
    assert (meta["target_jp_pns"], meta["batas_jp_pppk"]) == ("20.25", "19.99")
    got = _rows(mart, """SELECT sum(jumlah_capai_target)::INTEGER, sum(jumlah_kekurangan_jp),
        sum(jumlah_lebih_batas_pppk)::INTEGER FROM pelatihan_tahun WHERE tahun = 2025 AND kode_unit = 'U3'""")
    # Only 20,25 reaches 20,25; short are 0,25 and 0,26; above 19,99: 20,00 and 20,25.
    assert got == [(1, Decimal("0.51"), 2)]


def test_bad_target_setting_is_refused_before_reading(tmp_path, monkeypatch):
    monkeypatch.setenv("TARGET_JP_PNS", "20,125")
    with pytest.raises(db.SourceError, match="TARGET_JP_PNS harus angka JP"):
        refresh.refresh(f"sqlite:///{tmp_path / 'tidak-ada.sqlite'}", str(tmp_path / "m.duckdb"))


def test_more_than_two_decimals_is_rejected_with_file_row_and_column(backend, tmp_path):
    files = jp_files()
    files["riwayat_pelatihan"].append(training_row(140, NIP_KURANG, "2025-07-01", "0,705"))  # 1,705: ambiguous
    url = backend.url("jp_tolak")
    report = _import(url, tmp_path / "impor", files)
    assert not report.ok
    row = str(len(files["riwayat_pelatihan"]))  # the header is line 1
    assert [(p.berkas, p.baris, p.kolom, p.nilai) for p in report.problems] == [
        ("riwayat_pelatihan.csv", row, "jp", "0.705")]
    assert "paling banyak 2 angka di belakang koma" in report.problems[0].pesan
    assert f"riwayat_pelatihan.csv, baris {row}, kolom jp: paling banyak 2 angka" in report.text()
    engine = db.make_engine(url)
    with engine.connect() as conn:
        assert "riwayat_pelatihan" not in sa.inspect(conn).get_table_names()
    engine.dispose()


def test_xlsx_number_cells_import_as_excel_shows_them(tmp_path):
    book = workbook(good_files())
    book["riwayat_pelatihan"]["J2"] = 0.1 + 0.2  # Excel shows 0,3
    book["riwayat_pelatihan"]["J3"] = 1.7
    folder = tmp_path / "xlsx"
    folder.mkdir()
    book.save(folder / "data.xlsx")
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    report = importer.import_folder(db.make_engine(url), folder)
    assert report.ok, report.text()
    with db.make_engine(url).connect() as conn:
        assert conn.execute(sa.text("SELECT jp FROM riwayat_pelatihan ORDER BY id")).scalars().all() == [0.3, 1.7]
