"""Domain rules against the worked cases of DOMAIN.md."""

import pytest

from data_access import rules


def test_ikm_all_fours_is_100_and_a():
    score = rules.ikm_score([4.0] * 9)
    assert score == 100.0
    assert rules.ikm_category(score) == ("A", "Sangat Baik")


def test_ikm_worked_case_29_respondents():
    sums = [105, 101, 100, 116, 102, 105, 106, 105, 115]
    score = rules.ikm_from_sums(sums, [29] * 9)
    assert rules.round_half_up(score, 2) == 91.48
    assert rules.ikm_category(score) == ("A", "Sangat Baik")
    # The printed weight 0,111 would give 91,38: the exact 1/9 must be used.
    assert rules.round_half_up(sum(s / 29 * 0.111 for s in sums) * 25, 2) == 91.38


def test_ikm_pooling_is_respondent_weighted():
    # Unit A: 1 respondent all 4; unit B: 3 respondents all 1. Pooled mean answer 1,75.
    pooled = rules.ikm_from_sums([4 + 3] * 9, [4] * 9)
    assert pooled == pytest.approx(1.75 * 25)
    assert pooled != (rules.ikm_score([4] * 9) + rules.ikm_score([1] * 9)) / 2


def test_ikm_needs_every_element_answered():
    assert rules.ikm_from_sums([10] * 9, [5] * 8 + [0]) is None


@pytest.mark.parametrize("score, mutu", [
    (100.0, "A"), (88.31, "A"), (88.305, "A"), (88.3049, "B"), (88.30, "B"), (76.61, "B"),
    (76.60, "C"), (76.605, "B"), (65.00, "C"), (64.99, "D"), (64.995, "C"), (25.0, "D"),
])
def test_ikm_category_bands_on_rounded_score(score, mutu):
    assert rules.ikm_category(score)[0] == mutu


@pytest.mark.parametrize("population, sample", [
    (50, 44), (100, 80), (1000, 278), (5000, 357), (1_000_000, 384), (0, 0), (1, 1),
])
def test_krejcie_morgan(population, sample):
    assert rules.krejcie_morgan(population) == sample


def test_gap_and_jpm():
    assert rules.competency_gap(2, 3) == -1
    assert rules.job_person_match([3, 3, 2], [3, 3, 3]) == pytest.approx(800 / 9)
    assert rules.job_person_match([5, 5], [3, 3]) == 100.0


@pytest.mark.parametrize("jpm, category", [
    (100, "Optimal"), (90, "Optimal"), (90.00, "Optimal"), (89.99, "Cukup Optimal"), (78, "Cukup Optimal"),
    (78.00, "Cukup Optimal"), (77.99, "Kurang Optimal"), (77.9, "Kurang Optimal"),
])
def test_jpm_category(jpm, category):
    assert rules.jpm_category(jpm) == category


def test_rules_accept_numpy_numbers():
    import numpy as np
    assert rules.ikm_category(np.float64(88.305)) == ("A", "Sangat Baik")
    assert rules.krejcie_morgan(np.int64(100)) == 80


def test_jp_target():
    assert rules.reached_jp_target(20)
    assert not rules.reached_jp_target(19.5)
