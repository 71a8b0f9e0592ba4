"""The official region list shipped in data_access/referensi: the file itself, the reference
API on it, the import and `check` rules it drives (unknown code refused, dotted code stored
without its dot, differing name warned), the demo's regions and the map's names."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from data_access import db, demo, importer, reference, validate

from .conftest import REFERENCE_DATE, REPO
from .test_importer import good_files, write_folder

SHIPPED = REPO / "data_access" / "referensi"
SHARED = REPO.parent / "shared" / "reference"  # the compilation the file was derived from


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def shipped() -> list[dict[str, str]]:
    return _read(SHIPPED / "wilayah.csv")


@pytest.fixture(scope="module")
def shared() -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    if not (SHARED / "provinsi.csv").exists():
        pytest.skip(f"{SHARED} (the source compilation) is not on this machine")
    return _read(SHARED / "provinsi.csv"), _read(SHARED / "kabupaten_kota.csv")


# --- the file ----------------------------------------------------------------------------

def test_file_holds_the_38_provinces_and_514_kabupaten_kota_of_the_source(shipped, shared):
    provinsi, kabkota = shared
    assert (len(provinsi), len(kabkota)) == (38, 514)
    expected = {(p["code"], p["code"], "provinsi", "", p["name"]) for p in provinsi}
    expected |= {(k["code"].replace(".", ""), k["code"], "kota" if int(k["code"][3:]) >= 71 else "kabupaten",
                  k["province_code"], k["name"]) for k in kabkota}
    got = {(r["kode"], r["kode_kemendagri"], r["tingkat"], r["kode_induk"], r["nama_resmi"]) for r in shipped}
    assert len(shipped) == 552
    assert got == expected


def test_codes_unique_and_every_kabupaten_kota_under_a_province(shipped):
    assert len({r["kode"] for r in shipped}) == len({r["kode_kemendagri"] for r in shipped}) == 552
    provinces = {r["kode"] for r in shipped if r["tingkat"] == "provinsi"}
    assert len(provinces) == 38
    for r in shipped:
        if r["tingkat"] == "provinsi":
            assert len(r["kode"]) == 2 and r["kode_induk"] == ""
        else:
            assert r["kode_induk"] in provinces and r["kode"][:2] == r["kode_induk"], r
            assert r["nama_resmi"].startswith("KOTA " if r["tingkat"] == "kota" else "KABUPATEN "), r
            assert r["kode_kemendagri"] == f"{r['kode'][:2]}.{r['kode'][2:]}"
    assert sum(r["tingkat"] == "kabupaten" for r in shipped) == 416
    assert sum(r["tingkat"] == "kota" for r in shipped) == 98
    assert [r["kode"] for r in shipped] == sorted(r["kode"] for r in shipped)


def test_display_names(shipped):
    nama = {r["kode"]: r["nama"] for r in shipped}
    assert nama["1101"] == "Kabupaten Aceh Selatan"
    assert nama["1171"] == "Kota Banda Aceh"
    assert nama["31"] == "DKI Jakarta"
    assert nama["34"] == "DI Yogyakarta"
    assert nama["3171"] == "Kota Administrasi Jakarta Pusat"
    assert nama["7209"] == "Kabupaten Tojo Una-Una"
    assert nama["7310"] == "Kabupaten Pangkajene dan Kepulauan"
    assert nama["12"] == "Sumatera Utara"
    # Spelled as the 2025 decree spells them (data_access/referensi/README.md).
    assert (nama["1274"], nama["1277"], nama["1706"]) == ("Kota Tanjungbalai", "Kota Padangsidimpuan",
                                                          "Kabupaten Mukomuko")
    respelled = {"31", "34", "1274", "1277", "1706"}
    for r in shipped:
        if r["kode"] not in respelled:  # the official name, in mixed case with the hyphens of repeated words
            assert r["nama"].upper().replace("-", " ") == r["nama_resmi"], r
        assert r["nama"] == r["nama"].strip() and "  " not in r["nama"], r


def test_licence_and_readme_ship_with_the_file():
    readme = (SHIPPED / "README.md").read_text(encoding="utf-8")
    assert "idn-area-data" in readme and "3.1.2" in readme and "ODbL" in readme
    assert "Open Database License" in (SHIPPED / "LICENSE-ODbL.md").read_text(encoding="utf-8")


# --- the reference API -------------------------------------------------------------------

def test_reference_api_follows_the_file(shipped):
    resmi = reference.wilayah_resmi()
    assert list(resmi) == [r["kode"] for r in shipped]
    w = resmi["3578"]
    assert (w.nama, w.tingkat, w.induk, w.nama_resmi, w.kode_kemendagri) == (
        "Kota Surabaya", "kota", "35", "KOTA SURABAYA", "35.78")
    assert resmi["35"].induk is None
    assert [(k, n) for k, n, *_ in reference.PROVINSI] == [
        (r["kode"], r["nama"]) for r in shipped if r["tingkat"] == "provinsi"]
    assert all(g in reference.KELOMPOK_WILAYAH for _, _, g, *_ in reference.PROVINSI)
    # Counted here from the file: Jawa Timur has 29 kabupaten and 9 kota, DKI 1 and 5, Papua Barat 7 and 0.
    for prov in ("35", "31", "92", "11"):
        kab = sum(r["kode_induk"] == prov and r["tingkat"] == "kabupaten" for r in shipped)
        kota = sum(r["kode_induk"] == prov and r["tingkat"] == "kota" for r in shipped)
        assert reference.JUMLAH_KAB_KOTA[prov] == (kab, kota)
    assert reference.JUMLAH_KAB_KOTA["35"] == (29, 9) and reference.JUMLAH_KAB_KOTA["31"] == (1, 5)
    assert sum(a + b for a, b in reference.JUMLAH_KAB_KOTA.values()) == 514


# --- import and check --------------------------------------------------------------------

def _files_with_surabaya(**names) -> dict:
    """good_files plus Jawa Timur and Kota Surabaya, written with Kemendagri's dots, and an
    agency and unit there."""
    files = good_files()
    files["wilayah"] += [["35", names.get("35", "Jawa Timur"), "provinsi", "", "Jawa", ""],
                         ["35.78", names.get("3578", "Kota Surabaya"), "kota", "35", "", "0"]]
    files["wilayah"][2][0] = "32.04"  # Kabupaten Bandung
    files["instansi"].append(["D3578", "Pemerintah Kota Surabaya", "kota", "35.78"])
    files["unit_kerja"].append(["U3", "D3578", "Dinas Kesehatan Kota Surabaya", "35.78", "Kesehatan"])
    return files


def test_dotted_codes_are_stored_without_the_dot(empty_source, tmp_path):
    engine = db.make_engine(empty_source)
    report = importer.import_folder(engine, write_folder(tmp_path / "impor", _files_with_surabaya()))
    assert report.ok, report.text()
    assert report.warnings == []
    with engine.connect() as conn:
        wilayah = dict(conn.execute(sa.text("SELECT kode, kode_induk FROM wilayah")).all())
        instansi = conn.execute(sa.text("SELECT kode_wilayah FROM instansi WHERE kode = 'D3578'")).scalar()
        unit = conn.execute(sa.text("SELECT kode_wilayah FROM unit_kerja WHERE kode = 'U3'")).scalar()
    assert wilayah == {"32": None, "3204": "32", "3273": "32", "35": None, "3578": "35"}
    assert (instansi, unit) == ("3578", "3578")
    check = validate.check_source(engine)
    assert check.ok and check.warnings == [], check.text()
    engine.dispose()


def test_unknown_code_is_refused_with_file_row_and_column(tmp_path):
    files = _files_with_surabaya()
    files["wilayah"].append(["35.99", "Kota Khayalan", "kota", "35", "", "0"])  # row 7 of the file
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    report = importer.import_folder(db.make_engine(url), write_folder(tmp_path / "impor", files))
    assert not report.ok
    found = [p for p in report.problems if "daftar wilayah resmi" in p.pesan]
    assert [(p.berkas, p.baris, p.kolom, p.nilai) for p in found] == [("wilayah.csv", "7", "kode", "3599")]
    assert "daftar wilayah resmi Kemendagri" in found[0].pesan
    assert report.total == 1, report.text()  # a code of the right form: no other message about it
    assert not (tmp_path / "s.sqlite").exists()


def test_differing_name_warns_with_the_official_name_and_still_imports(tmp_path):
    files = _files_with_surabaya(**{"3578": "Surabaya"})
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    engine = db.make_engine(url)
    report = importer.import_folder(engine, write_folder(tmp_path / "impor", files))
    assert report.ok, report.text()
    assert [(w.berkas, w.baris, w.kolom, w.nilai) for w in report.warnings] == [
        ("wilayah.csv", "6", "nama", "Surabaya")]
    assert "Kemendagri: Kota Surabaya (KOTA SURABAYA)" in report.warnings[0].pesan
    assert report.written["wilayah"] == (5, 0)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT nama FROM wilayah WHERE kode = '3578'")).scalar() == "Surabaya"
    table = report.table()
    assert table.loc[table["Kolom"] == "nama", "Jenis temuan"].tolist() == ["peringatan"]
    engine.dispose()


def test_names_written_another_way_are_no_warning(tmp_path):
    files = good_files()
    files["wilayah"] += [
        ["34", "Daerah Istimewa Yogyakarta", "provinsi", "", "Jawa", ""],
        ["3471", "KOTA YOGYAKARTA", "kota", "34", "", "0"],
        ["31", "DKI Jakarta", "provinsi", "", "Jawa", ""],
        ["3171", "Kota Adm. Jakarta Pusat", "kota", "31", "", "0"],
        ["72", "Provinsi Sulawesi Tengah", "provinsi", "", "Sulawesi", ""],
        ["7209", "Kab. Tojo Una Una", "kabupaten", "72", "", "1"],
        ["7204", "kabupaten  toli-toli", "kabupaten", "72", "", "0"],
        ["62", "Kalimantan Tengah", "provinsi", "", "Kalimantan", ""],
        ["6271", "Kota Palangka Raya", "kota", "62", "", "0"],
        ["12", "Sumatera Utara", "provinsi", "", "Sumatera", ""],
        ["1277", "Kota Padang Sidempuan", "kota", "12", "", "0"],
        ["1274", "Kota Tanjungbalai", "kota", "12", "", "0"],
        ["35", "Jawa Timur", "provinsi", "", "Jawa", ""],
        ["3507", "KAB MALANG", "kabupaten", "35", "", "0"],
        ["3578", "Kabupaten Surabaya", "kota", "35", "", "0"],  # the one name that is wrong
    ]
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    report = importer.import_folder(db.make_engine(url), write_folder(tmp_path / "impor", files), write=False)
    assert report.ok, report.text()
    assert [(w.baris, w.nilai) for w in report.warnings] == [("19", "Kabupaten Surabaya")]


def test_check_applies_the_same_rules_to_a_stored_source(tmp_path):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    engine = db.make_engine(url)
    demo.generate(engine, n_pegawai=200, sampai=REFERENCE_DATE)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE wilayah SET nama = 'Kota Pahlawan' WHERE kode = '3578'"))
        conn.execute(sa.text("INSERT INTO wilayah (kode, nama, tingkat, kode_induk, kelompok_wilayah, daerah_3t) "
                             "VALUES ('3599', 'Kota Uji', 'kota', '35', 'Jawa', 0)"))
    report = validate.check_source(engine)
    assert [(p.berkas, p.baris, p.kolom, p.nilai) for p in report.problems] == [
        ("tabel wilayah", "kode = 3599", "kode", "3599")]
    assert [(w.baris, w.kolom, w.nilai) for w in report.warnings] == [("kode = 3578", "nama", "Kota Pahlawan")]
    assert "Kota Surabaya" in report.warnings[0].pesan
    engine.dispose()


# --- the demo and the map ----------------------------------------------------------------

def test_demo_holds_exactly_the_official_regions_with_display_names(tmp_path, shipped):
    url = f"sqlite:///{tmp_path / 's.sqlite'}"
    engine = db.make_engine(url)
    demo.generate(engine, n_pegawai=300, seed=4, sampai=REFERENCE_DATE)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT kode, nama, tingkat, coalesce(kode_induk, '') FROM wilayah")).all()
        kabkota_gov = conn.execute(sa.text(
            "SELECT count(*) FROM instansi i JOIN wilayah w ON w.kode = i.kode_wilayah "
            "WHERE i.jenis IN ('kabupaten', 'kota') AND i.nama = 'Pemerintah ' || w.nama")).scalar()
    assert sorted(map(tuple, rows)) == sorted((r["kode"], r["nama"], r["tingkat"], r["kode_induk"]) for r in shipped)
    assert kabkota_gov == 514
    report = validate.check_source(engine)
    assert report.ok and report.warnings == [], report.text()
    engine.dispose()


def test_tile_map_tooltip_names_provinces_without_data_in_full():
    from ui import charts
    data = pd.DataFrame({"kode_provinsi": ["32"], "nama": ["Jawa Barat"], "cakupan": [0.6], "label": ["60%"]})
    spec = charts.tile_map(data, "cakupan", "Cakupan 20 JP", ".0%").to_dict()
    rows = {r["kode_provinsi"]: r for r in next(iter(spec.records.values()))}
    assert rows["32"]["nama"] == "Jawa Barat"
    assert (rows["34"]["nama"], rows["34"]["label"]) == ("DI Yogyakarta", "–")
    assert rows["96"]["nama"] == "Papua Barat Daya" and rows["96"]["singkatan"] == "PBD"
    tooltip = [t for layer in spec["layer"] for t in layer.get("encoding", {}).get("tooltip", [])]
    assert any(t.get("field") == "nama" and t.get("title") == "Provinsi" for t in tooltip), tooltip
