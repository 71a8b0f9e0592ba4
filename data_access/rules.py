"""Domain rules as pure functions: no Streamlit, no database (DOMAIN.md sections 1-3).

Targets and thresholds that are conventions rather than regulation are
parameters with the documented default; the live values come from settings.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

# Indonesian month names: the screen (ui/format) and the files' Keterangan (ekspor) write dates alike.
BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
         "November", "Desember")
BULAN_SINGKAT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")
KENDALI = re.compile("[\x00-\x1f\x7f-\x9f]")  # control characters: tab, newline, NUL, escape and the like


def ribuan(n: int) -> str:
    """12.345: a whole number with the Indonesian thousands point (messages, history)."""
    return f"{n:,}".replace(",", ".")


def tanggal(value: date | datetime | str) -> str:
    """27 Nov 2026."""
    value = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{value.day} {BULAN_SINGKAT[value.month - 1]} {value.year}"


def waktu(value: date | datetime | str) -> str:
    """27 Nov 2026 14.05 (Indonesian uses a point between hours and minutes)."""
    value = datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{tanggal(value)} {value.hour:02d}.{value.minute:02d}"

TARGET_JP_PNS = 20  # PP 11/2017 art. 203(4) as amended by PP 17/2020: JP per PNS per year
MAX_JP_PPPK = 24  # PPPK: at most 24 JP per contract year
JPM_OPTIMAL = 90.0  # assessment-practice convention, configurable
JPM_CUKUP = 78.0

# PermenPANRB 14/2017: quality category on the 25..100 score rounded to 2 decimals.
IKM_KATEGORI = [  # (lower bound, mutu, kinerja)
    (88.31, "A", "Sangat Baik"),
    (76.61, "B", "Baik"),
    (65.00, "C", "Kurang Baik"),
    (25.00, "D", "Tidak Baik"),
]


def round_half_up(value: float, digits: int = 2) -> float:
    """Round as people do on paper (88,305 -> 88,31), not banker's rounding."""
    q = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(q, rounding=ROUND_HALF_UP))


def ikm_score(nrr: Sequence[float]) -> float:
    """IKM on the 25..100 scale from the nine NRR values (PermenPANRB 14/2017).

    Each element weighs exactly 1/9 (the printed 0,111 would cap the score at 99,9);
    the result is not rounded: round only for display.
    """
    if len(nrr) != 9:
        raise ValueError("IKM memerlukan NRR kesembilan unsur")
    return sum(nrr) / 9 * 25


def ikm_from_sums(sums: Sequence[float], counts: Sequence[int]) -> float | None:
    """IKM from pooled answers: per-element answer sums and the number who answered it.

    Pooling several units or periods means adding their sums and counts first, so the
    result is respondent-weighted, never a mean of unit IKMs.
    """
    if any(c == 0 for c in counts):
        return None
    return ikm_score([s / c for s, c in zip(sums, counts)])


def ikm_category(score: float | None) -> tuple[str, str] | None:
    """(mutu, kinerja) for an IKM score, judged on the score rounded to two decimals; None
    without a score (no respondent, or an element nobody answered)."""
    if score is None or score != score:  # NaN
        return None
    rounded = round_half_up(score, 2)
    for lower, mutu, kinerja in IKM_KATEGORI:
        if rounded >= lower:
            return mutu, kinerja
    return "D", "Tidak Baik"


def same_day(year: int, month: int, day: int) -> date:
    """The cut-off of a running year's comparison in another year: the same month and day; a
    29 February is 28 February in a common year (the days up to (2, 29) are those up to 28 Feb)."""
    if month == 2 and day == 29 and not calendar.isleap(year):
        day = 28
    return date(year, month, day)


def mutu_teks() -> str:
    """The quality categories in words, from IKM_KATEGORI: "A ≥ 88,31; B ≥ 76,61; ..."."""
    parts = [f"{mutu} {kinerja} ≥ {f'{lower:.2f}'.replace('.', ',')}" for lower, mutu, kinerja in IKM_KATEGORI[:-1]]
    return "; ".join(parts) + f"; {IKM_KATEGORI[-1][1]} {IKM_KATEGORI[-1][2]} di bawahnya (dari IKM dibulatkan dua desimal)"


def batas_mutu(mutu: str) -> float:
    """The lowest IKM of a quality category (B: 76,61)."""
    return next(lower for lower, m, _ in IKM_KATEGORI if m == mutu)


def kecukupan_sampel(responden: int, minimum) -> str:
    """Whether a unit's respondents reach the minimum sample (krejcie_morgan of its service users
    in the period): memadai, sampel belum memadai, or volume tidak diketahui without a minimum
    (the users are unknown)."""
    if minimum is None:
        return "volume tidak diketahui"
    return "sampel belum memadai" if responden < minimum else "memadai"


def krejcie_morgan(population: int) -> int:
    """Minimum survey sample for a population of service users (Krejcie & Morgan, 1970).

    S = 3,841 N 0,25 / (0,0025 (N - 1) + 3,841 x 0,25), rounded to the nearest integer.
    """
    if population <= 0:
        return 0
    chi = 3.841
    s = chi * population * 0.25 / (0.0025 * (population - 1) + chi * 0.25)
    return int(Decimal(repr(float(s))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def competency_gap(assessed: int, required: int) -> int:
    """Assessed minus required level (PermenPANRB 38/2017); negative means a gap."""
    return assessed - required


def job_person_match(assessed: Sequence[int], required: Sequence[int]) -> float:
    """JPM in percent: sum of assessed over sum of required levels, capped at 100."""
    total_required = sum(required)
    if total_required == 0:
        raise ValueError("JPM memerlukan level standar")
    return min(100.0, 100.0 * sum(assessed) / total_required)


def jpm_category(jpm: float, optimal: float = JPM_OPTIMAL, cukup: float = JPM_CUKUP) -> str:
    """Mapping category for a JPM percentage (convention: >= 90, 78-90, < 78)."""
    if jpm >= optimal:
        return "Optimal"
    if jpm >= cukup:
        return "Cukup Optimal"
    return "Kurang Optimal"


def reached_jp_target(jp: float, target: float = TARGET_JP_PNS) -> bool:
    """Whether a PNS's JP in a year reach the 20 JP right."""
    return jp >= target
