"""The measure layer: every figure defined once, its population the same above and below the
line, its SQL bound, a running year compared with the same months, and a unit's IKM always
with the adequacy of its sample for the chosen period."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from data_access import kamus, rules
from data_access.filters import Filters, Scope
from data_access.measures import FACTS, LEVELS, MEASURES, catalog, figures_sql
from data_access.queries import Selection, cut_off, headline, ikm_per_unit, ikm_periode

from .test_importer import good_files, imported_mart, pns_row, survey_row, training_row

# The figures as a planner sees them: these small fixtures test the arithmetic, not the
# small-cell protection of aggregate-only roles (tests/test_small_cells.py).
SEMUA = Scope(lihat_orang=True)

FILTER = re.compile(r"FILTER \(WHERE [^)]*\)")


@pytest.mark.parametrize("key", [k for k, m in MEASURES.items() if m.denominator])
def test_numerator_and_denominator_count_the_same_population(key):
    m = MEASURES[key]
    assert FILTER.findall(m.numerator) == FILTER.findall(m.denominator), key
    for same_months, full_year in ((m.numerator_sd, m.numerator), (m.denominator_sd, m.denominator)):
        if same_months:
            assert FILTER.findall(same_months) == FILTER.findall(full_year), key


def test_every_measure_is_complete_and_defined_once():
    labels = [m.label for m in MEASURES.values()]
    assert len(labels) == len(set(labels))  # one label, one figure
    for m in MEASURES.values():
        assert m.definition and m.formula and m.population and m.basis, m.key
        assert (m.fact in FACTS) != bool(m.ratio_of), m.key
        assert kamus.definisi(m.label) == kamus.definisi(m.export_header) == m.definition
    assert all(level.next in LEVELS or level.next is None for level in LEVELS.values())


def test_values_are_bound_never_formatted_in():
    hostile = "32' OR 1=1 --"
    sql, params = figures_sql(("cakupan", "ikm"), Filters(tahun=2025, kode_provinsi=hostile),
                              Scope(wilayah=frozenset({"35"})), level="kabkota", codes=("3578",))
    assert hostile not in sql and "3578" not in sql and "2025" not in sql
    assert params["kode_provinsi"] == hostile and params["kode_0"] == "3578" and params["tahun"] == 2025


# --- a running year against the same months of the year before ------------------------------------

P1, P2, P3, P4 = "198001012005011001", "198101012005012002", "198201012005011003", "199001012025061004"


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    """Data until 15 March 2026: the year 2026 is still running."""
    files = good_files()  # Siti: 24 JP ending 3 Mar 2025; one survey on 1 Jul 2025 (U1)
    hired_in_june = pns_row(P4, "Empat")
    hired_in_june[10] = "2025-06-01"  # TMT after the cut-off of 15 March 2025; never trained
    files["pegawai"] += [pns_row(P1, "Satu"), pns_row(P2, "Dua"), pns_row(P3, "Tiga"), hired_in_june]
    files["riwayat_pelatihan"] += [
        training_row(11, P1, "2025-03-10", "20"), training_row(12, P1, "2026-03-15", "20"),
        training_row(21, P2, "2025-06-01", "20"),
        training_row(31, P3, "2025-03-16", "25"), training_row(32, P3, "2026-01-05", "20")]
    files["survei_kepuasan"] += [survey_row(2, "U1", "2025-03-10"), survey_row(3, "U1", "2026-02-01")]
    files["volume_layanan"].append(["U1", "2026", "400"])
    return imported_mart(tmp_path_factory.mktemp("berjalan"), files)


def test_a_running_year_is_compared_with_the_same_months(running):
    path, version = running
    sel = Selection(path, version, SEMUA, Filters(tahun=2026))
    assert str(cut_off(sel)) == "2026-03-15"
    cards = headline(sel, ("cakupan", "jp_per_pns", "pns", "ikm"))
    # 2026 so far: P1 (20 JP) and P3 (20 JP) of five PNS reach 20 JP.
    assert cards.loc["cakupan", "nilai"] == 2 / 5
    # 2025 up to 15 March: Siti (24 JP, 3 Mar) and P1 (20 JP, 10 Mar) of the four PNS on the payroll by then
    # (P4 came in June); P2 finished in June, P3 on 16 March.
    assert cards.loc["cakupan", "sebelum"] == 2 / 4
    assert cards.loc["cakupan", "perubahan"] == pytest.approx((2 / 5 - 2 / 4) * 100)  # -10 points
    # JP per PNS: (20 + 20) / 5 = 8 against (24 + 20) / 4 = 11 in the same months of 2025.
    assert cards.loc["jp_per_pns", "nilai"] == 8 and cards.loc["jp_per_pns", "perubahan"] == -3
    # A headcount is a stock: compared with 2025 as it ended (the same five PNS).
    assert cards.loc["pns", "nilai"] == cards.loc["pns", "sebelum"] == 5
    # IKM: 2026 one respondent answering 3 everywhere (75,00); 2025 up to 15 March the same.
    assert cards.loc["ikm", "nilai"] == pytest.approx(75) and cards.loc["ikm", "sebelum"] == pytest.approx(75)
    # PNS below 20 JP: 3 now (Siti, P2, P4) against 2 of four by 15 March 2025 (P2 and P3 had not finished yet).
    below = headline(sel, ("di_bawah_target", "kekurangan_jp"))
    assert below.loc["di_bawah_target", "nilai"] == 3 and below.loc["di_bawah_target", "perubahan"] == 1
    # JP lacking has no same-months figure: no change is shown rather than a false one.
    assert below.loc["kekurangan_jp", "nilai"] == 60 and pd.isna(below.loc["kekurangan_jp", "perubahan"])
    full_2025 = ikm_periode(sel, 2025)["ikm"]  # with the July respondent: not what a running year is held to
    assert full_2025 == pytest.approx(rules.ikm_from_sums([7, 7, 6, 7, 6, 7, 7, 6, 7], [2] * 9))


def test_a_complete_year_is_compared_with_the_whole_year_before(running):
    path, version = running
    cards = headline(Selection(path, version, SEMUA, Filters(tahun=2025)), ("cakupan",))
    assert cut_off(Selection(path, version, SEMUA, Filters(tahun=2025))) is None
    assert cards.loc["cakupan", "nilai"] == 4 / 5  # Siti, P1, P2, P3 reach 20 JP in 2025; P4 does not
    assert cards.loc["cakupan", "sebelum"] is None  # the data start in 2025: no change to show
    assert cards.loc["cakupan", "perubahan"] is None


def test_the_page_says_against_what_it_compares(running, monkeypatch, tmp_path):
    from .test_frame import new_app
    path, _ = running
    monkeypatch.setenv("MART_PATH", path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'tidak-dipakai.sqlite'}")
    monkeypatch.setenv("AUTH_DISABLED", "1")
    monkeypatch.setenv("AKSES_PATH", str(tmp_path / "akses.sqlite"))
    monkeypatch.setattr(catalog, "MIN_SEL", 1)  # five PNS: the comparison is tested here, not the protection
    at = new_app({"tahun": "2026"})
    assert not at.exception
    assert any("periode yang sama tahun lalu (1 Jan–15 Mar 2025)" in c.value for c in at.caption)
    cards = {m.label: m for m in at.metric}
    assert cards["Cakupan 20 JP"].value == "40,0%" and cards["Cakupan 20 JP"].delta == "-10,0 poin"


# --- sample adequacy for the chosen period ---------------------------------------------------------

def test_a_units_ikm_carries_its_sample_adequacy_for_the_period(running):
    path, version = running
    sel = Selection(path, version, SEMUA, Filters(tahun=2025))
    # U1 served 50 people in 2025: the year needs 44 respondents (Krejcie-Morgan), a semester 25 people
    # -> 24, a quarter 12,5 -> 13 people (half-up) -> 13 respondents. It has 2 in the year, 1 in Q3.
    year = ikm_per_unit(sel, 2025).set_index("kode").loc["U1"]
    assert (year["responden"], year["sampel_minimum"], year["sampel"]) == (2, 44, "sampel belum memadai")
    assert ikm_per_unit(sel, 2025, "semester", 2).set_index("kode").loc["U1", "sampel_minimum"] == 24
    q3 = ikm_per_unit(sel, 2025, "triwulan", 3).set_index("kode").loc["U1"]
    assert (q3["responden"], q3["penerima_periode"], q3["sampel_minimum"]) == (1, 13, 13)
    assert rules.krejcie_morgan(13) == 13 and rules.krejcie_morgan(25) == 24 and rules.krejcie_morgan(50) == 44


def test_an_unfinished_period_is_held_to_the_users_it_could_have_reached(running):
    path, version = running
    sel = Selection(path, version, SEMUA, Filters(tahun=2026))
    # 400 users in 2026; data until 15 March. Q1 (90 days) has run 74 days: 400 / 4 x 74 / 90 = 82,2 -> 82 users,
    # S = 3,841 x 82 x 0,25 / (0,0025 x 81 + 0,96025) = 67,7 -> 68. The year: 400 x 74 / 365 = 81,1 -> 81 -> S 67.
    q1 = ikm_per_unit(sel, 2026, "triwulan", 1).set_index("kode").loc["U1"]
    assert (q1["penerima_periode"], q1["sampel_minimum"]) == (82, 68)
    year = ikm_per_unit(sel, 2026).set_index("kode").loc["U1"]
    assert (year["penerima_periode"], year["sampel_minimum"], year["sampel"]) == (81, 67, "sampel belum memadai")
