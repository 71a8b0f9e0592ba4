"""Competency gaps: the latest-assessment rule, missing standards, training after assessment,
the page's datasets against raw assessments, chart specs and the page itself."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_access import mart, queries, rules
from data_access.queries import Selection
from data_access.filters import Filters, Scope
from ui import charts
from ui import format as fmt

from .expected import PERENCANA, assessed, latest_levels, source_table
from .test_frame import new_app
from .test_importer import NIP_BUDI, NIP_SITI, good_files, imported_mart

# The figures as a planner sees them: these small fixtures test the arithmetic, not the
# small-cell protection of aggregate-only roles (tests/test_small_cells.py).
SEMUA = Scope(lihat_orang=True)


@pytest.fixture(scope="module")
def small_mart(tmp_path_factory):
    files = good_files()
    files["penilaian_kompetensi"] += [
        ["2", NIP_SITI, "M.01", "2024-03-01", "1", ""],   # later replaced by the 2025 one (level 2)
        ["3", NIP_SITI, "T.01", "2024-05-01", "1", ""],   # Ahli Pertama T.01 standard 1: met
        ["4", NIP_BUDI, "T.01", "2025-02-01", "1", ""],   # Pelaksana has no T.01 standard
    ]
    files["riwayat_pelatihan"].append(["3", NIP_SITI, "Mentoring integritas", "nonklasikal", "mentoring",
                                       "tatap muka", "", "2025-07-01", "2025-07-01", "4", "manajerial", "M.01"])
    files["standar_kompetensi"] = [files["standar_kompetensi"][0], ["Ahli Pertama", "M.01", "3"],
                                   ["Ahli Pertama", "T.01", "1"]]
    return imported_mart(tmp_path_factory.mktemp("komp"), files)


def test_latest_assessment_counts_and_missing_standards_are_reported(small_mart):
    path, version = small_mart
    y2024 = queries.headline(Selection(path, version, SEMUA, Filters(tahun=2024)), queries.kompetensi.KARTU)["nilai"]
    y2025 = queries.headline(Selection(path, version, SEMUA, Filters(tahun=2025)), queries.kompetensi.KARTU)["nilai"]
    # 2024: Siti M.01 level 1 against 3 (below), T.01 level 1 against 1: JPM 2/4 = 50%.
    assert y2024["dinilai"] == 1 and y2024["memenuhi_standar"] == 0
    assert y2024["jpm"] == pytest.approx(0.50)
    # 2025: the June 2025 level 2 replaces level 1 for M.01: JPM 3/4 = 75%, still below.
    assert y2025["jpm"] == pytest.approx(0.75)
    assert y2025["jpm_kurang"] == 1  # 75% < 78%: Kurang Optimal, one of one
    # Budi was assessed only on a competency without a standard for his level: not assessed, reported apart,
    # and not in the recency counts either (those count the assessed only).
    assert y2025["tanpa_standar"] == 1 and y2025["dinilai"] == 1
    assert y2025["dinilai_1_tahun"] + y2025["dinilai_1_3_tahun"] + y2025["dinilai_lebih_3_tahun"] == 1
    assert y2025["dinilai_tahun_ini"] == 1  # Siti's latest assessment (June 2025) is of this year: 1 of 1
    needs = queries.kebutuhan_pengembangan(Selection(path, version, SEMUA, Filters(tahun=2025))).set_index("kode_kompetensi")
    assert needs.loc["M.01", "di_bawah_standar"] == 1 and needs.loc["M.01", "kekurangan_level"] == 1
    assert needs.loc["M.01", "sudah_dilatih"] == 1  # mentoring on M.01 in July, after the June assessment
    people = queries.kebutuhan_per_orang(Selection(path, version, PERENCANA, Filters(tahun=2025)))
    total = queries.jumlah_di_bawah_standar(Selection(path, version, PERENCANA, Filters(tahun=2025)))
    assert total == len(people) == 1 and bool(people.iloc[0]["dilatih_setelah_penilaian"])
    assert people.iloc[0]["nip"] == NIP_SITI[:2] + "*" * 12 + NIP_SITI[-4:]


@pytest.fixture(scope="module")
def demo(sqlite_demo):
    url, path = sqlite_demo
    src = {t: source_table(url, t) for t in ("unit_kerja", "pegawai", "riwayat_pelatihan",
                                             "penilaian_kompetensi", "standar_kompetensi")}
    return str(path), mart.version(str(path)), src


def test_categories_and_needs_equal_raw_assessments(demo):
    path, version, src = demo
    per = assessed(src, [2025])
    per = per[~per["tanpa_standar"]]
    summary = queries.headline(Selection(path, version, SEMUA, Filters(tahun=2025)), queries.kompetensi.KARTU)["nilai"]
    categories = per["jpm"].map(rules.jpm_category).value_counts()
    assert summary["dinilai"] == len(per)
    assert summary["jpm_optimal"] == pytest.approx(categories.get("Optimal", 0) / len(per))
    assert summary["jpm_cukup"] == pytest.approx(categories.get("Cukup Optimal", 0) / len(per))
    assert summary["jpm_kurang"] == pytest.approx(categories.get("Kurang Optimal", 0) / len(per))
    assert summary["memenuhi_standar"] == pytest.approx(per["memenuhi"].sum() / len(per))
    # The recency of the latest assessment counts the same population as "assessed".
    this_year = (per["tanggal"].dt.year == 2025).sum()
    assert summary["dinilai_tahun_ini"] == pytest.approx(this_year / len(per))
    latest = latest_levels(src, 2025).dropna(subset=["level_standar"])
    below = latest[latest["level"] < latest["level_standar"]]
    needs = queries.kebutuhan_pengembangan(Selection(path, version, SEMUA, Filters(tahun=2025))).set_index("kode_kompetensi")
    expected = below.groupby("kode_kompetensi").agg(n=("nip", "size"))
    expected["kurang"] = (below["level_standar"] - below["level"]).groupby(below["kode_kompetensi"]).sum()
    for code, row in expected.iterrows():
        assert needs.loc[code, "di_bawah_standar"] == row["n"]
        assert needs.loc[code, "kekurangan_level"] == row["kurang"]
    heat = queries.gap_per_wilayah(Selection(path, version, SEMUA, Filters(tahun=2025)))
    latest["prov"] = latest["kode_unit"].map(src["unit_kerja"].set_index("kode")["kode_wilayah"]).str[:2]
    jabar = latest[(latest["prov"] == "32") & (latest["kode_kompetensi"] == "M.07")]
    cell = heat[(heat["nama"] == "Jawa Barat") & (heat["kode_kompetensi"] == "M.07")].iloc[0]
    assert cell["rata_gap"] == pytest.approx((jabar["level"] - jabar["level_standar"]).mean())
    assert cell["dinilai"] == len(jabar)


def test_chart_specs():
    data = pd.DataFrame({"nama": ["A", "A", "B"], "kode_kompetensi": ["M.01", "M.02", "M.01"],
                         "nama_kompetensi": ["Integritas", "Kerjasama", "Integritas"],
                         "rata_gap": [-0.5, 0.2, 0.1], "dinilai": [10, 10, 5]})
    spec = charts.gap_heatmap(data, "nama", "kode_kompetensi").to_dict()
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domainMid"] == 0 and scale["domain"] == [-0.5, 0.5]
    bars = charts.gap_bars(pd.DataFrame({"jenjang_jabatan": ["X"], "rata_gap": [-0.2], "dinilai": [3]}),
                           "jenjang_jabatan").to_dict()
    assert bars["config"]["locale"]["number"]["decimal"] == ","


def test_page_renders_and_follows_the_filter(app_env, demo):
    _, _, src = demo
    at = new_app({"tahun": "2025"})
    at.switch_page("pages/kompetensi.py").run()
    assert not at.exception
    per = assessed(src, [2025])
    per = per[~per["tanpa_standar"]]
    assert {m.label: m.value for m in at.metric}["Memenuhi standar"] == fmt.persen(per["memenuhi"].mean())
    next(s for s in at.sidebar.selectbox if s.label == "Provinsi").set_value("33").run()
    prov = per["kode_unit"].map(src["unit_kerja"].set_index("kode")["kode_wilayah"]).str[:2]
    assert {m.label: m.value for m in at.metric}["Memenuhi standar"] == fmt.persen(per[prov == "33"]["memenuhi"].mean())
    assert not at.exception
    assert np.isfinite(len(at.dataframe))
