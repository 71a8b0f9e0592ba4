"""Citizen satisfaction: the IKM rules end to end, the page against the raw responses, charts."""

from __future__ import annotations

import os
import subprocess
import sys

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from data_access import mart, queries, rules
from data_access.queries import Selection
from data_access.filters import Filters, Scope
from ui import charts
from ui import format as fmt

from .conftest import REPO
from .expected import pooled_ikm, source_table
from .test_frame import new_app
from .test_importer import good_files, write_folder

# The figures as a planner sees them: these small fixtures test the arithmetic, not the
# small-cell protection of aggregate-only roles (tests/test_small_cells.py).
SEMUA = Scope(lihat_orang=True)

SUMS_29 = [105, 101, 100, 116, 102, 105, 106, 105, 115]  # DOMAIN.md section 1


def test_unanswered_elements_leave_only_their_own_mean():
    # Element 1 answered by 2 of 3 respondents (4 and 2); the others by all three (all 4).
    sums = [6] + [12] * 8
    counts = [2] + [3] * 8
    assert rules.ikm_from_sums(sums, counts) == pytest.approx((3 + 4 * 8) / 9 * 25)


def survey_rows_29() -> list[list[str]]:
    """29 respondents whose per-element answer sums are those of the worked case."""
    answers = []
    for total in SUMS_29:
        q, r = divmod(total, 29)
        answers.append([str(q + 1)] * r + [str(q)] * (29 - r))
    header = good_files()["survei_kepuasan"][0]
    rows = [header]
    for i in range(29):
        rows.append([str(i + 1), "U1", f"2025-03-{i % 28 + 1:02d}", "Kesehatan",
                     *[answers[u][i] for u in range(9)], "P", "40", "S1", "Wiraswasta", ""])
    return rows


def test_worked_case_of_29_respondents_end_to_end(tmp_path, monkeypatch):
    files = good_files()
    files["survei_kepuasan"] = survey_rows_29()
    folder = write_folder(tmp_path / "impor", files)
    db_url, mart_path = f"sqlite:///{tmp_path / 's.sqlite'}", tmp_path / "m.duckdb"
    for command in (["import", str(folder)], ["refresh"]):
        out = subprocess.run([sys.executable, "-m", "data_access", "--db", db_url, "--mart", str(mart_path),
                              *command], cwd=REPO, capture_output=True, text=True, env=os.environ.copy())
        assert out.returncode == 0, out.stdout + out.stderr
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("MART_PATH", str(mart_path))
    monkeypatch.setenv("AUTH_DISABLED", "1")  # imported data: no demo mode; aggregates need no login
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params["tahun"] = "2025"
    at.run()
    at.switch_page("pages/kepuasan.py").run()
    assert not at.exception
    cards = {m.label: m.value for m in at.metric}
    assert cards["IKM 2025"] == "91,48"
    assert cards["Mutu pelayanan"] == "A · Sangat Baik"
    assert cards["Responden"] == "29"


@pytest.fixture(scope="module")
def responses(sqlite_demo):
    url, path = sqlite_demo
    sv = source_table(url, "survei_kepuasan")
    units = source_table(url, "unit_kerja").set_index("kode")["kode_wilayah"]
    sv["kode_provinsi"] = sv["kode_unit"].map(units).str[:2]
    return str(path), mart.version(str(path)), sv


def test_periods_and_trend_equal_raw_responses(responses):
    path, version, sv = responses
    q2 = sv[(sv["tanggal"].dt.year == 2025) & (sv["tanggal"].dt.quarter == 2)]
    got = queries.ikm_periode(Selection(path, version, SEMUA, Filters()), 2025, "triwulan", 2)
    assert got["ikm"] == pytest.approx(pooled_ikm(q2)) and got["responden"] == len(q2)
    s1 = sv[(sv["tanggal"].dt.year == 2024) & (sv["tanggal"].dt.month <= 6)]
    assert queries.ikm_periode(Selection(path, version, SEMUA, Filters()), 2024, "semester", 1)["ikm"] == pytest.approx(pooled_ikm(s1))
    trend = queries.ikm_tren(Selection(path, version, SEMUA, Filters(kode_provinsi="33")), "tahun")
    for row in trend.itertuples():
        part = sv[(sv["tanggal"].dt.year == row.tahun) & (sv["kode_provinsi"] == "33")]
        assert row.ikm == pytest.approx(pooled_ikm(part))
    assert queries.periode_sebelumnya(2025, "triwulan", 1) == (2024, "triwulan", 4)
    assert queries.periode_sebelumnya(2025, "semester", 2) == (2025, "semester", 1)


def test_elements_and_sample_check_equal_raw_responses(responses, sqlite_demo):
    path, version, sv = responses
    year = sv[sv["tanggal"].dt.year == 2025]
    elements = queries.ikm_unsur(Selection(path, version, SEMUA, Filters()), 2025)
    overall = elements[elements["jenis_layanan"].isna()].set_index("unsur")["nrr"]
    for u in range(1, 10):
        assert overall[f"U{u}"] == pytest.approx(year[f"u{u}"].dropna().mean())
    url, _ = sqlite_demo
    volume = source_table(url, "volume_layanan")
    sample = queries.ikm_per_unit(Selection(path, version, SEMUA, Filters(tahun=2025)), 2025)
    counts = year.groupby("kode_unit").size()
    assert len(sample) == len(counts)
    known = volume[volume["tahun"] == 2025].set_index("kode_unit")["jumlah_penerima"]
    expected_short = sum(counts[u] < rules.krejcie_morgan(int(n)) for u, n in known.items() if u in counts)
    assert (sample["sampel"] == "sampel belum memadai").sum() == expected_short
    assert (sample["sampel"] == "volume tidak diketahui").sum() == len(set(counts.index) - set(known.index))


def test_page_shows_the_pooled_ikm_and_follows_the_filter(app_env, responses):
    _, _, sv = responses
    at = new_app({"tahun": "2025", "provinsi": "35"})
    at.switch_page("pages/kepuasan.py").run()
    assert not at.exception
    part = sv[(sv["tanggal"].dt.year == 2025) & (sv["kode_provinsi"] == "35")]
    cards = {m.label: m.value for m in at.metric}
    assert cards["IKM 2025"] == fmt.angka(pooled_ikm(part), 2)
    assert cards["Responden"] == fmt.angka(len(part))
    at.segmented_control(key="ikm_periode").set_value("Triwulan III").run()
    q3 = part[part["tanggal"].dt.quarter == 3]
    assert {m.label: m.value for m in at.metric}["IKM Triwulan III 2025"] == fmt.angka(pooled_ikm(q3), 2)
    assert not at.exception


def test_chart_specs():
    trend = pd.DataFrame({"periode": ["2024", "2025"], "ikm": [75.0, 82.0], "responden": [10, 20]})
    spec = charts.ikm_trend(trend).to_dict()
    bands = [r for data in spec.records.values() for r in data if "mutu" in r]
    assert {b["mutu"] for b in bands} == {"A", "B", "C", "D"}
    assert {(b["mutu"], b["sampai"]) for b in bands} >= {("C", 76.61), ("B", 88.31)}
    elements = pd.DataFrame({"unsur": ["U1", "U2"], "nama_unsur": ["Persyaratan", "Sistem"],
                             "nrr": [3.2, 2.9], "responden": [5, 5]})
    rows = next(iter(charts.unsur_bars(elements).records.values()))
    assert [r["terlemah"] for r in rows] == [False, True]
