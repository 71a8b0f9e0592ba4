"""Small cells protected: for roles that see aggregates only, no shown or exported cell describes
fewer than MIN_SEL_ORANG persons (default 10), and where a total and all but one of its parts
would be shown, a second part is hidden too (measures/sql.py, queries._base.lindungi).

The source is the small demo with a province 98 added, whose kab/kota 9801 holds units UJI.1
(12 PNS) and UJI.2 (15) and 9802 holds UJI.3 (3), all of agency UJI, 27 men and 3 women: the
expected cells are worked out from those numbers by hand.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from data_access import db, ekspor, mart, queries, refresh
from data_access.filters import Filters, Scope
from data_access.queries import Selection

from .conftest import REPO
from .expected import PERENCANA, person_years, source_table
from .test_frame import PAGES, new_app, open_tables

EKSEKUTIF = Scope()  # aggregates only, all of Indonesia
UNITS = {"UJI.1": 12, "UJI.2": 15, "UJI.3": 3}  # PNS per unit of the added agency "UJI"
REGION = {"UJI.1": "9801", "UJI.2": "9801", "UJI.3": "9802"}


@pytest.fixture(scope="module")
def crafted(sqlite_demo, tmp_path_factory):
    """(source url, mart path, version): the demo plus province 98 and agency UJI."""
    url, _ = sqlite_demo
    folder = tmp_path_factory.mktemp("sel-kecil")
    shutil.copy(url.removeprefix("sqlite:///"), folder / "sumber.sqlite")
    url = f"sqlite:///{folder / 'sumber.sqlite'}"
    engine = db.make_engine(url)
    with engine.begin() as conn:
        # 30 PNS on the payroll all of 2024 and 2025, moved into the three new units.
        nips = [r[0] for r in conn.execute(sa.text(
            "SELECT nip FROM pegawai WHERE jenis_asn = 'PNS' AND aktif = 1 AND tmt_asn <= '2023-12-31' "
            "ORDER BY nip LIMIT 30"))]
        conn.execute(sa.text("INSERT INTO wilayah (kode, nama, tingkat, kode_induk, kelompok_wilayah, daerah_3t) "
                             "VALUES ('98', 'Provinsi Uji', 'provinsi', NULL, 'Papua', NULL), "
                             "('9801', 'Kota Uji Satu', 'kota', '98', 'Papua', 0), "
                             "('9802', 'Kota Uji Dua', 'kota', '98', 'Papua', 0)"))
        conn.execute(sa.text("INSERT INTO instansi (kode, nama, jenis, kode_wilayah) "
                             "VALUES ('UJI', 'Instansi Uji', 'provinsi', '98')"))
        start = 0
        for unit, n in UNITS.items():
            conn.execute(sa.text("INSERT INTO unit_kerja (kode, kode_instansi, nama, kode_wilayah, jenis_layanan) "
                                 "VALUES (:k, 'UJI', :n, :w, NULL)"), {"k": unit, "n": f"Unit {unit}", "w": REGION[unit]})
            for nip in nips[start:start + n]:
                conn.execute(sa.text("UPDATE pegawai SET kode_unit = :u, jenis_kelamin = 'L' WHERE nip = :nip"),
                             {"u": unit, "nip": nip})
            start += n
        for nip in nips[12:15]:  # three women, all in UJI.2
            conn.execute(sa.text("UPDATE pegawai SET jenis_kelamin = 'P' WHERE nip = :nip"), {"nip": nip})
        # Three respondents of UJI.1 in 2025, each with a suggestion.
        for i, row in enumerate(conn.execute(sa.text(
                "SELECT * FROM survei_kepuasan WHERE tanggal >= '2025-01-01' AND tanggal < '2026-01-01' "
                "ORDER BY id LIMIT 3")).mappings()):
            row = {**row, "id": 10**9 + i, "kode_unit": "UJI.1", "saran": f"Saran uji {i}"}
            conn.execute(sa.text(f"INSERT INTO survei_kepuasan ({', '.join(row)}) "
                                 f"VALUES ({', '.join(':' + k for k in row)})"), row)
    engine.dispose()
    path = folder / "mart.duckdb"
    refresh.refresh(url, str(path))
    return url, str(path), mart.version(str(path))


def _figures(crafted, scope, keys, **options):
    _, path, version = crafted
    return queries.figures(Selection(path, version, scope, Filters(tahun=2025, kode_instansi="UJI")), keys,
                           withhold=False, **options)


def test_a_small_unit_and_its_complement_are_hidden_from_aggregate_roles(crafted):
    keys = ("pns", "pns_capai", "cakupan", "jp_per_pns", "kekurangan_jp")
    planner = _figures(crafted, PERENCANA, keys, level="unit").set_index("kode")
    assert planner["pns"].to_dict() == UNITS  # the planner sees every unit as it is
    executive = _figures(crafted, EKSEKUTIF, keys, level="unit").set_index("kode")
    # UJI.3 (3 PNS) is small; with the agency's total shown it would be 30 - 12 - 15, so the
    # smallest of the rest, UJI.1 (12 PNS), is hidden with it. Then kab/kota 9801 (27 PNS, a
    # total of its own) would give UJI.1 as 27 - 15: the second pass hides UJI.2 as well.
    assert executive[[*keys, "n_cakupan", "n_jp_per_pns"]].isna().all().all()
    total = _figures(crafted, EKSEKUTIF, keys)
    assert total["pns"].iloc[0] == 30 and total["n_cakupan"].iloc[0] == 30  # the agency's total is shown


def test_the_complement_is_chosen_within_the_total_its_parts_add_up_to(crafted):
    """Nationally hundreds of kab/kota are small; in province 98 only 9802 (3 PNS) is, and the
    province's 30 PNS would give it as 30 - 27: 9801 is hidden too, though far from small."""
    _, path, version = crafted
    rows = queries.figures(Selection(path, version, EKSEKUTIF, Filters(tahun=2025)), ("pns", "cakupan"),
                           level="kabkota", withhold=False).set_index("kode")
    assert rows.loc[["9801", "9802"], ["pns", "cakupan"]].isna().all().all()
    planner = queries.figures(Selection(path, version, PERENCANA, Filters(tahun=2025)), ("pns",),
                              level="kabkota", withhold=False).set_index("kode")
    assert planner.loc[["9801", "9802"], "pns"].tolist() == [27, 3]
    province = queries.figures(Selection(path, version, EKSEKUTIF, Filters(tahun=2025)), ("pns",),
                               level="provinsi", withhold=False).set_index("kode")
    assert province.loc["98", "pns"] == 30


def test_a_small_group_and_its_complement_are_hidden(crafted):
    by_sex = _figures(crafted, EKSEKUTIF, ("pns", "cakupan"), group=("jenis_kelamin",)).set_index("jenis_kelamin")
    assert by_sex["pns"].isna().all() and by_sex["cakupan"].isna().all()  # 3 women; the 27 men = 30 - 3
    assert _figures(crafted, PERENCANA, ("pns",), group=("jenis_kelamin",)).set_index(
        "jenis_kelamin")["pns"].to_dict() == {"L": 27, "P": 3}


def test_which_parts_are_hidden_does_not_depend_on_the_codes_asked_for(crafted):
    one = _figures(crafted, EKSEKUTIF, ("pns",), level="unit", codes=("UJI.2",))
    assert len(one) == 1 and one["pns"].isna().all()  # hidden as in the full list, though 15 PNS
    _, path, version = crafted
    region = queries.figures(Selection(path, version, EKSEKUTIF, Filters(tahun=2025)), ("pns",),
                             level="kabkota", codes=("9801",), withhold=False)
    assert region["kode"].tolist() == ["9801"] and region["pns"].isna().all()  # 27 PNS, 9802 gives it away


def test_a_subset_of_kabkota_gets_the_cells_of_the_whole_level(crafted):
    """Asked for some kab/kota of each province (only their provinces are read), every figure
    equals the whole level's, hidden or shown, for each year."""
    _, path, version = crafted
    keys = ("asn", "cakupan", "jp_per_pns", "memenuhi_standar", "ikm", "responden")
    sel = Selection(path, version, EKSEKUTIF, Filters(tahun=2025))
    whole = queries.figures(sel, keys, level="kabkota", years="all")
    assert whole["asn"].isna().any() and whole["asn"].notna().any()  # something hidden, something shown
    codes = tuple(whole["kode"].drop_duplicates().sort_values().iloc[::3])
    some = queries.figures(sel, keys, level="kabkota", years="all", codes=codes)
    expected = whole[whole["kode"].isin(codes)].reset_index(drop=True)
    assert set(some["kode"]) == set(codes) and len({c[:2] for c in codes}) > 1
    pd.testing.assert_frame_equal(some, expected, check_exact=False)


def test_no_cell_below_the_minimum_anywhere_in_the_demo(crafted):
    """Every unit of the demo: where the source gives 1 to 9 PNS in 2025, no figure is shown."""
    url, path, version = crafted
    src = {t: source_table(url, t) for t in ("pegawai", "unit_kerja", "riwayat_pelatihan")}
    py = person_years(src)
    pns = py[(py["tahun"] == 2025) & (py["jenis_asn"] == "PNS")].groupby("kode_unit").size()
    small = set(pns[pns < 10].index)
    assert len(small) > 100  # the small demo is full of small units: the test has something to find
    rows = queries.figures(Selection(path, version, EKSEKUTIF, Filters(tahun=2025)),
                           ("pns", "pns_capai", "di_bawah_target", "cakupan", "kekurangan_jp"), level="unit",
                           withhold=False).set_index("kode")
    shown = rows.loc[rows.index.isin(small)]
    assert shown[["pns", "pns_capai", "di_bawah_target", "cakupan", "kekurangan_jp"]].isna().all().all()
    # The planner's list of lowest coverage as an executive would get it: the example
    # (a unit with one PNS and that person's exact shortfall) cannot occur.
    lowest = queries.unit_cakupan_terendah(Selection(path, version, EKSEKUTIF, Filters(tahun=2025)))
    assert not lowest[lowest["pns"].notna() & (lowest["pns"] < 10)].size
    assert lowest.loc[lowest["kode"].isin(small), "kekurangan_jp"].isna().all()


def test_distributions_of_a_small_selection_are_hidden(crafted):
    _, path, version = crafted
    small = Selection(path, version, EKSEKUTIF, Filters(tahun=2025, kode_unit="UJI.3"))
    assert queries.distribusi_jp(small)["jumlah"].isna().all()  # three PNS: each bin describes fewer than 10
    months = queries.kemajuan_bulanan(small, 12)
    assert len(months) and months["jp_per_pns"].isna().all()
    as_planner = Selection(path, version, PERENCANA, Filters(tahun=2025, kode_unit="UJI.3"))
    assert queries.distribusi_jp(as_planner)["jumlah"].sum() == 3


def test_an_aggregate_export_carries_no_small_cell(crafted):
    _, path, version = crafted
    sel = Selection(path, version, Scope(wilayah=frozenset({"98"})), Filters(tahun=2025))
    n, frames = ekspor.batches(sel, ekspor.DATASETS["pelatihan_unit"])
    rows = pd.concat(list(frames)).set_index("Kode unit kerja")
    assert n == 3 and set(rows.index) == set(UNITS)  # a regional head of province 98
    assert rows[["PNS", "Cakupan 20 JP (%)", "JP yang kurang (JP)"]].isna().all().all()
    n, frames = ekspor.batches(sel, ekspor.DATASETS["pelatihan_provinsi"])
    assert pd.concat(list(frames)).set_index("Kode provinsi").loc["98", "PNS"] == 30


@pytest.fixture
def as_executive(crafted, monkeypatch, tmp_path):
    url, path, _ = crafted
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MART_PATH", path)
    monkeypatch.setenv("AUTH_DISABLED", "1")  # a real source without login: an executive's aggregates
    monkeypatch.setenv("AKSES_PATH", str(tmp_path / "akses.sqlite"))


@pytest.mark.parametrize("query", [{"tahun": "2025"}, {"tahun": "2026"}, {"tahun": "2025", "instansi": "UJI"},
                                   {"tahun": "2025", "provinsi": "98"}])
def test_every_page_works_with_hidden_cells(as_executive, query):
    """Hidden counts are missing values wherever a page compares, ranks or rates them."""
    at = open_tables(new_app(query))
    for page in PAGES:
        at.switch_page(f"pages/{page}.py").run()
        open_tables(at)
        assert not at.exception, (page, query, at.exception)


def test_an_executive_sees_why_a_figure_is_hidden(as_executive):
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    at.query_params.update({"tahun": "2025", "instansi": "UJI", "unit": "UJI.3"})
    at.run()
    at.switch_page("pages/pelatihan.py").run()
    assert not at.exception
    cards = {m.label: m.value for m in at.metric}
    assert cards["Cakupan 20 JP"] == "Disembunyikan" and cards["PNS di bawah 20 JP"] == "Disembunyikan"
    assert any("kurang dari 10 orang" in c.value for c in at.caption)
    # Three PNS (and no PPPK): the count is hidden, and the header does not claim a number.
    assert any("jumlah ASN dalam pilihan ini **disembunyikan**" in m.value for m in at.markdown)


def test_suggestions_for_an_executive_come_from_units_with_enough_respondents(crafted):
    url, path, version = crafted
    surveys = source_table(url, "survei_kepuasan")
    per_unit = surveys[surveys["tanggal"].dt.year == 2025].groupby("kode_unit").size()
    assert per_unit["UJI.1"] == 3
    planner = queries.saran_terbaru(Selection(path, version, PERENCANA, Filters(tahun=2025)), 2025, limit=100000)
    executive = queries.saran_terbaru(Selection(path, version, EKSEKUTIF, Filters(tahun=2025)), 2025, limit=100000)
    assert "Unit UJI.1" in set(planner["unit_kerja"])  # the planner reads the three respondents' suggestions
    assert "Unit UJI.1" not in set(executive["unit_kerja"]) and len(executive)
    small = set(per_unit[per_unit < 10].index)
    assert not set(executive["unit_kerja"]) & set(source_table(url, "unit_kerja").set_index("kode").loc[
        sorted(small), "nama"])


def test_the_satisfaction_page_says_why_its_figures_are_hidden(as_executive):
    at = new_app({"tahun": "2025", "instansi": "UJI"})  # the agency's only respondents: three, in UJI.1
    at.switch_page("pages/kepuasan.py").run()
    assert not at.exception
    cards = {m.label: m.value for m in at.metric}
    assert cards["Responden"] == "–" and cards["IKM 2025"] == "–"
    assert any("kurang dari 10 orang" in c.value for c in at.caption)


def test_asn_is_hidden_while_its_pns_or_pppk_are(crafted):
    """ASN = PNS + PPPK: shown beside one visible part it would give the hidden part away."""
    _, path, version = crafted
    rows = queries.figures(Selection(path, version, EKSEKUTIF, Filters(tahun=2025)), ("asn", "pns", "pppk"),
                           level="kabkota", withhold=False)
    planner = queries.figures(Selection(path, version, PERENCANA, Filters(tahun=2025)), ("asn", "pns", "pppk"),
                              level="kabkota", withhold=False).set_index("kode")
    one_part = rows[rows["pns"].isna() != rows["pppk"].isna()]
    assert len(one_part) and one_part["asn"].isna().all()
    shown = rows.dropna(subset=["asn"]).set_index("kode")
    assert len(shown) and (planner.loc[shown.index, ["pns", "pppk"]].replace(0, 99) >= 10).all().all()
