"""The executive overview: its cards show exactly the figures computed from the source rows."""

from __future__ import annotations

import pytest

from data_access import rules
from data_access.reference import PROVINSI
from ui import charts
from ui import format as fmt

from .expected import assessed, mart_query, person_years, pooled_ikm, source_table
from .test_frame import new_app


@pytest.fixture(scope="module")
def src(sqlite_demo):
    url, _ = sqlite_demo
    return {t: source_table(url, t) for t in (
        "unit_kerja", "pegawai", "riwayat_pelatihan", "penilaian_kompetensi",
        "standar_kompetensi", "survei_kepuasan")}


def expected_cards(src, year: int, provinsi: str | None = None) -> dict[str, str]:
    py = person_years(src)
    py = py[py["tahun"] == year]
    units = src["unit_kerja"].set_index("kode")["kode_wilayah"]
    per = assessed(src, [year])
    per = per[~per["tanpa_standar"]]
    sv = src["survei_kepuasan"]
    sv = sv[sv["tanggal"].dt.year == year]
    if provinsi:
        py = py[py["kode_provinsi"] == provinsi]
        per = per[per["kode_unit"].map(units).str[:2] == provinsi]
        sv = sv[sv["kode_unit"].map(units).str[:2] == provinsi]
    pns = py[py["jenis_asn"] == "PNS"]
    ikm = pooled_ikm(sv)
    return {
        "Jumlah ASN": fmt.angka(len(py)),
        "Cakupan 20 JP": fmt.persen((pns["jp"] >= 20).mean()),
        "JP per PNS": f"{fmt.angka(pns['jp'].mean(), 1)} JP",
        "Memenuhi standar": fmt.persen(per["memenuhi"].mean()),
        "IKM": f"{fmt.angka(ikm, 2)} · {rules.ikm_category(ikm)[0]}",
    }


@pytest.mark.parametrize("query", [{"tahun": "2025"}, {"tahun": "2024", "provinsi": "35"}, {}])
def test_cards_show_the_figures_of_the_source_rows(app_env, src, query):
    at = new_app(query)
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert shown == expected_cards(src, int(query.get("tahun", 2026)), query.get("provinsi"))


def test_changing_the_province_changes_the_cards(app_env, src):
    at = new_app({"tahun": "2025"})
    national = {m.label: m.value for m in at.metric}
    next(s for s in at.sidebar.selectbox if s.label == "Provinsi").set_value("33").run()
    jateng = {m.label: m.value for m in at.metric}
    assert jateng == expected_cards(src, 2025, "33")
    assert jateng["Jumlah ASN"] != national["Jumlah ASN"]
    assert any(m.delta for m in at.metric)  # changes against 2024 are shown


def test_empty_selection_says_so(app_env, sqlite_demo):
    _, mart = sqlite_demo
    unit = mart_query(mart, """SELECT u.kode_instansi, u.kode FROM unit_kerja u
        WHERE u.kode NOT IN (SELECT kode_unit FROM segmen) ORDER BY u.kode LIMIT 1""").iloc[0]
    at = new_app({"instansi": unit["kode_instansi"], "unit": unit["kode"]})
    assert not at.exception
    assert any("Tidak ada data untuk filter ini" in i.value for i in at.info)
    assert not at.metric


def test_attention_lists_link_to_the_detail_pages(app_env):
    at = new_app({"tahun": "2025"})
    assert not at.exception
    assert [t.label for t in at.tabs] == ["Cakupan terendah", "IKM C/D", "Kesenjangan kompetensi", "Paling membaik"]


def test_tile_map_has_38_tiles_with_the_right_codes():
    import pandas as pd
    data = pd.DataFrame({"kode_provinsi": ["32", "33"], "nama": ["Jawa Barat", "Jawa Tengah"],
                         "cakupan": [0.6, 0.5], "label": ["60%", "50%"]})
    spec = charts.tile_map(data, "cakupan", "Cakupan 20 JP", ".0%", selected="32").to_dict()
    rows = next(iter(spec.records.values()))
    assert sorted(r["kode_provinsi"] for r in rows) == sorted(p[0] for p in PROVINSI)
    assert len({(r["kolom"], r["baris"]) for r in rows}) == 38  # no two provinces share a tile
    by_code = {r["kode_provinsi"]: r for r in rows}
    assert by_code["32"]["label"] == "60%" and by_code["32"]["dipilih"]
    assert by_code["11"]["label"] == "–"  # no data: drawn grey, no value
    assert any(p["name"] == "provinsi" for layer in spec["layer"] for p in layer.get("params", []))  # a click selects
    assert spec["config"]["locale"]["number"]["decimal"] == ","
