"""Training coverage: the 20 JP rule on hand-made edge cases, the page's datasets against
the raw records, the charts' specs, and the page itself."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from data_access import mart, queries
from data_access.measures import level_below
from data_access.queries import Selection
from data_access.filters import Filters, Scope
from ui import charts

from .expected import ADMIN, PERENCANA, person_years, source_table
from .test_frame import new_app
from .test_importer import good_files, imported_mart

# The figures as a planner sees them: these small fixtures test the arithmetic, not the
# small-cell protection of aggregate-only roles (tests/test_small_cells.py).
SEMUA = Scope(lihat_orang=True)

# Extra PNS and one PPPK around the edges of the rule (NIP = birth date, TMT, sex, serial).
PEOPLE = [  # nip, name, sex, birth, asn, golongan
    ("198505052010011001", "Tepat Duapuluh", "L", "1985-05-05", "PNS", "III/c"),
    ("198505052010012002", "Kurang Setengah", "P", "1985-05-05", "PNS", "III/c"),
    ("198505052010011003", "Selesai Januari", "L", "1985-05-05", "PNS", "III/c"),
    ("198505052010012004", "Tanpa Pelatihan", "P", "1985-05-05", "PNS", "III/c"),
    ("198505052010011005", "Pppk Rajin", "L", "1985-05-05", "PPPK", "IX"),
]
TRAININGS = [  # id, nip, mulai, selesai, jp
    (10, "198505052010011001", "2025-03-01", "2025-03-02", "12"),
    (11, "198505052010011001", "2025-06-01", "2025-06-01", "8"),
    (12, "198505052010011001", "2024-06-01", "2024-06-01", "5"),
    (13, "198505052010012002", "2025-04-01", "2025-04-03", "19,5"),
    (14, "198505052010011003", "2024-12-28", "2025-01-03", "20"),
    (15, "198505052010011005", "2025-02-01", "2025-02-05", "30"),
]


@pytest.fixture(scope="module")
def edge_mart(tmp_path_factory):
    files = good_files()
    for nip, nama, sex, birth, asn, gol in PEOPLE:
        files["pegawai"].append([nip, nama, sex, birth, asn, gol, "Fungsional", "Ahli Pertama", "S1",
                                 "U1", "2010-01-01", "1"])
    for i, nip, start, end, jp in TRAININGS:
        files["riwayat_pelatihan"].append([str(i), nip, "Pelatihan Uji", "klasikal", "pelatihan teknis",
                                           "tatap muka", "", start, end, jp, "teknis", ""])
    return imported_mart(tmp_path_factory.mktemp("tepi"), files)


def test_edges_of_the_20_jp_rule(edge_mart):
    path, version = edge_mart
    cards = queries.headline(Selection(path, version, SEMUA, Filters(tahun=2025)), queries.pelatihan.KARTU)["nilai"]
    # Siti 24 JP, exactly 20 JP, 19,5 JP, 20 JP ending in January, no training.
    assert cards["pns"] == 5
    assert cards["di_bawah_target"] == 2  # 24, exactly 20, and the one that ended in January 2025 reach it
    assert cards["cakupan"] == 3 / 5
    assert cards["pns_tanpa_pelatihan"] == 1
    assert cards["kekurangan_jp"] == 0.5 + 20  # exact decimals
    assert cards["pppk"] == 2 and cards["pppk_lebih_batas"] == 1 / 2  # never part of the PNS coverage
    before = queries.headline(Selection(path, version, SEMUA, Filters(tahun=2024)), ("cakupan",))["nilai"]
    assert before["cakupan"] == 0  # the December start counts in 2025, not 2024
    dist = queries.distribusi_jp(Selection(path, version, SEMUA, Filters(tahun=2025)))
    assert dict(zip(dist["dari"], dist["jumlah"])) == {0: 1, 15: 1, 20: 3}


def test_monthly_progress_on_the_edges(edge_mart):
    path, version = edge_mart
    months = queries.kemajuan_bulanan(Selection(path, version, SEMUA, Filters(tahun=2025)), 12)
    year = months[months["tahun"] == 2025].set_index("bulan")["jp_per_pns"]
    # Five PNS. January: the 20 JP ending 3 Jan; March: 12 JP and Siti's 24 JP; April: 19,5 JP;
    # June: 8 JP; nothing after.
    assert year[1] == pytest.approx(20 / 5) == year[2]
    assert year[3] == pytest.approx((20 + 12 + 24) / 5)
    assert year[4] == pytest.approx((20 + 12 + 24 + 19.5) / 5) == year[5]
    assert year[6] == pytest.approx((20 + 12 + 24 + 19.5 + 8) / 5) == year[12]
    assert list(year.index) == list(range(1, 13))
    partial = queries.kemajuan_bulanan(Selection(path, version, SEMUA, Filters(tahun=2025)), 8)
    assert partial[partial["tahun"] == 2025]["bulan"].max() == 8


@pytest.fixture(scope="module")
def demo(sqlite_demo):
    url, path = sqlite_demo
    src = {t: source_table(url, t) for t in ("unit_kerja", "pegawai", "riwayat_pelatihan")}
    py = person_years(src)
    py = py[(py["tahun"] == 2025) & (py["jenis_asn"] == "PNS")]
    return str(path), mart.version(str(path)), src, py


def test_distribution_equals_raw_records(demo):
    path, version, _, pns = demo
    dist = queries.distribusi_jp(Selection(path, version, SEMUA, Filters(tahun=2025)))
    edges = np.where(pns["jp"] == 0, 0, np.where(pns["jp"] < 5, 1, np.minimum((pns["jp"] // 5) * 5, 60)))
    expected = pd.Series(edges).value_counts().sort_index()
    assert dict(zip(dist["dari"], dist["jumlah"])) == expected.to_dict()


def test_monthly_progress_equals_raw_records(demo):
    path, version, src, pns = demo
    months = queries.kemajuan_bulanan(Selection(path, version, SEMUA, Filters(tahun=2025)), 12)
    tr = src["riwayat_pelatihan"]
    tr = tr[(tr["tanggal_selesai"].dt.year == 2025) & tr["nip"].isin(pns["nip"])]
    cumulative = tr.groupby(tr["tanggal_selesai"].dt.month)["jp"].sum().reindex(range(1, 13), fill_value=0).cumsum()
    got = months[months["tahun"] == 2025].set_index("bulan")["jp_per_pns"]
    assert np.allclose(got.values, (cumulative / len(pns)).values)


def test_breakdowns_and_ranking_equal_raw_records(demo):
    path, version, _, pns = demo
    breakdown = queries.cakupan_rincian(Selection(path, version, SEMUA, Filters(tahun=2025)))
    for dimension in ("jenis_jabatan", "jenis_kelamin", "pendidikan"):
        expected = pns.groupby(dimension)["jp"].apply(lambda s: (s >= 20).mean())
        got = breakdown[breakdown["dimensi"] == dimension].set_index("nilai")["cakupan"]
        assert np.allclose(got.sort_index().values, expected.sort_index().values), dimension
    gol = pns["golongan"].str.split("/").str[0]
    got = breakdown[breakdown["dimensi"] == "kelompok_golongan"].set_index("nilai")["cakupan"]
    assert np.allclose(got.sort_index().values, pns.groupby(gol)["jp"].apply(lambda s: (s >= 20).mean()).sort_index().values)
    ranking = queries.cakupan_per_wilayah(Selection(path, version, SEMUA, Filters(tahun=2025)))
    by_province = pns.groupby("kode_provinsi")["jp"]
    # A province of fewer than 10 PNS gets no coverage (the measure's minimum size).
    expected = by_province.apply(lambda s: (s >= 20).mean()).where(by_province.size() >= 10)
    assert (by_province.size() < 10).any()  # the demo has such a province: the rule is exercised
    assert np.allclose(ranking.set_index("kode")["cakupan"].sort_index().values, expected.sort_index().values,
                       equal_nan=True)
    assert queries.cakupan_nasional(Selection(path, version, SEMUA, Filters(tahun=2025, kode_provinsi="32"))) == \
        pytest.approx((pns["jp"] >= 20).mean())


@pytest.mark.parametrize("filters, level", [
    (Filters(), "provinsi"), (Filters(kode_provinsi="32"), "kabupaten/kota"),
    (Filters(kode_provinsi="32", kode_kabkota="3204"), "instansi"),
    (Filters(kode_instansi="D3204"), "unit kerja"),
])
def test_ranking_level_is_one_below_the_filter(filters, level):
    assert level_below(filters).noun == level


def test_person_list_is_masked_and_refused_without_the_right(demo):
    path, version, _, pns = demo
    rows = queries.pns_di_bawah_target(Selection(path, version, PERENCANA, Filters(tahun=2025)), limit=10)
    total = queries.headline(Selection(path, version, PERENCANA, Filters(tahun=2025)), ("di_bawah_target",)).loc[
        "di_bawah_target", "nilai"]
    assert total == int((pns["jp"] < 20).sum()) and len(rows) == 10
    below = pns[pns["jp"] < 20].sort_values(["jp", "nip"])
    assert list(rows["jp"]) == list(below["jp"].head(10))  # fewest JP first
    assert rows["nip"].str.fullmatch(r"\d{2}\*{12}\d{4}").all()
    assert not rows["nip"].isin(pns["nip"]).any()
    # Only an admin's export carries the full NIP; a planner asking for it still gets it masked.
    f = Filters(tahun=2025)
    asked = mart.run(path, version, *queries.sql_pns_di_bawah_target(PERENCANA, f, nip_penuh=True))
    assert asked["nip"].head(10).equals(rows["nip"]) and len(asked) == total
    full = mart.run(path, version, *queries.sql_pns_di_bawah_target(ADMIN, f, nip_penuh=True))
    assert full["nip"].isin(pns["nip"]).all() and len(full) == total
    admin_screen = queries.pns_di_bawah_target(Selection(path, version, ADMIN, f), limit=10)
    assert admin_screen["nip"].equals(rows["nip"])
    for role in (Scope(), Scope(wilayah=frozenset({"32"}))):
        with pytest.raises(PermissionError):
            queries.pns_di_bawah_target(Selection(path, version, role, Filters(tahun=2025)))


def test_chart_specs():
    dist = pd.DataFrame({"dari": [0, 1, 5, 20, 60], "sampai": [1, 5, 10, 25, 65], "jumlah": [3, 4, 5, 6, 7]})
    spec = charts.jp_histogram(dist, 20).to_dict()
    rows = {r["rentang"]: r for r in next(iter(spec.records.values())) if "rentang" in r}
    assert rows["0 JP (tanpa pelatihan)"]["status"] == "Di bawah target"
    assert rows["20–24,99 JP"]["status"] == "Mencapai target" and "≥ 60 JP" in rows
    assert rows["0,01–4,99 JP"]["status"] == rows["5–9,99 JP"]["status"] == "Di bawah target"  # exact to 0,01 JP
    assert any(d.get("x") == 20 for data in spec.records.values() for d in data)  # the rule
    months = pd.DataFrame({"tahun": [2025] * 3, "bulan": [1, 2, 3], "jp_per_pns": [1.0, 3.0, 5.0]})
    spec = charts.jp_progress(months, 2025, 20).to_dict()
    series = {r["seri"] for data in spec.records.values() for r in data}
    assert series == {"2025", "Jalur ke 20 JP"}
    bars = pd.DataFrame({"nama": ["A", "B"], "cakupan": [0.4, 0.7], "pns": [10, 20]})
    spec = charts.coverage_bars(bars, "nama", "Cakupan", benchmark=0.6).to_dict()
    assert len(spec["layer"]) == 3 and spec["config"]["locale"]["number"]["decimal"] == ","


def test_page_renders_and_follows_the_filter(app_env, demo):
    _, _, _, pns = demo
    at = new_app({"tahun": "2025"})
    at.switch_page("pages/pelatihan.py").run()
    assert not at.exception
    cards = {m.label: m.value for m in at.metric}
    from ui import format as fmt
    assert cards["Cakupan 20 JP"] == fmt.persen((pns["jp"] >= 20).mean())
    assert cards["PNS di bawah 20 JP"] == fmt.angka(int((pns["jp"] < 20).sum()))
    next(s for s in at.sidebar.selectbox if s.label == "Provinsi").set_value("35").run()
    jatim = pns[pns["kode_provinsi"] == "35"]
    assert {m.label: m.value for m in at.metric}["Cakupan 20 JP"] == fmt.persen((jatim["jp"] >= 20).mean())
    assert not at.exception
