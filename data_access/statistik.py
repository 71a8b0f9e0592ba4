"""Association between two indicators across entities: pure functions, NumPy only.

Used by the impact page to say how strongly 20 JP coverage goes with next year's IKM,
with honest uncertainty. Association is not causation; the page says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MIN_ENTITAS = 8  # fewer points than this: no line is fitted

# Two-sided 95% Student t critical values by degrees of freedom (beyond 30: normal).
_T975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
         10: 2.228, 12: 2.179, 15: 2.131, 20: 2.086, 25: 2.060, 30: 2.042}


def t_kritis(df: int) -> float:
    """The 97,5% quantile of Student's t (conservative between tabulated values)."""
    if df > 30:
        return 1.96
    return _T975[min(k for k in _T975 if k >= df)]


@dataclass(frozen=True)
class Hubungan:
    n: int
    kemiringan: float  # change in y per unit of x
    kemiringan_bawah: float
    kemiringan_atas: float
    intersep: float
    r: float
    r_bawah: float
    r_atas: float

    @property
    def bermakna(self) -> bool:
        """The 95% interval of the correlation excludes zero."""
        return self.r_bawah > 0 or self.r_atas < 0


def hubungan(x, y) -> Hubungan | None:
    """Least-squares line of y on x, Pearson r with its 95% interval (Fisher z) and the
    slope's 95% interval (t); None when there are fewer than MIN_ENTITAS usable points."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = len(x)
    if n < MIN_ENTITAS or np.std(x) == 0 or np.std(y) == 0:
        return None
    slope, intercept = np.polyfit(x, y, 1)
    r = float(np.corrcoef(x, y)[0, 1])
    z, se_z = math.atanh(max(min(r, 0.999999), -0.999999)), 1 / math.sqrt(n - 3)
    residual = y - (slope * x + intercept)
    se_slope = math.sqrt(np.sum(residual ** 2) / (n - 2) / np.sum((x - x.mean()) ** 2))
    t = t_kritis(n - 2)
    return Hubungan(n=n, kemiringan=float(slope), kemiringan_bawah=float(slope - t * se_slope),
                    kemiringan_atas=float(slope + t * se_slope), intersep=float(intercept), r=r,
                    r_bawah=math.tanh(z - 1.96 * se_z), r_atas=math.tanh(z + 1.96 * se_z))
