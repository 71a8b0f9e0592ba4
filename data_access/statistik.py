"""Association between two indicators across entities: pure functions, NumPy and SciPy.

Used by the impact page to say how strongly 20 JP coverage goes with next year's IKM,
with honest uncertainty. Association is not causation; the page says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

MIN_ENTITAS = 8  # fewer points than this: no line is fitted
Z975 = float(stats.norm.ppf(0.975))  # 1,959963984540054: the normal quantile of a two-sided 95% interval


def t_kritis(df: int) -> float:
    """The 97,5% quantile of Student's t with `df` degrees of freedom, exact for every df
    (t(0,975; 8) = 2,306004135; t(0,975; 11) = 2,200985160; t(0,975; 40) = 2,021075390)."""
    return float(stats.t.ppf(0.975, df))


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

    def per_poin(self, points: float = 10) -> tuple[float, float, float]:
        """The slope and its interval for a rise of `points` percentage points in x (x a share
        0..1): how much y moves per +10 points of coverage."""
        scale = points / 100
        return self.kemiringan * scale, self.kemiringan_bawah * scale, self.kemiringan_atas * scale

    @property
    def bermakna(self) -> bool:
        """The 95% interval of the correlation excludes zero."""
        return self.r_bawah > 0 or self.r_atas < 0


def hubungan(x, y) -> Hubungan | None:
    """Least-squares line of y on x, Pearson r with its 95% interval (Fisher z, normal
    quantile) and the slope's 95% interval (Student t with n - 2 degrees of freedom); None
    when there are fewer than MIN_ENTITAS usable points or no spread in x or y."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = len(x)
    if n < MIN_ENTITAS or np.std(x) == 0 or np.std(y) == 0:
        return None
    fit = stats.linregress(x, y)
    r = float(np.clip(fit.rvalue, -1.0, 1.0))
    z, se_z = math.atanh(max(min(r, 0.999999), -0.999999)), 1 / math.sqrt(n - 3)  # Fisher z
    t = t_kritis(n - 2)
    return Hubungan(n=n, kemiringan=float(fit.slope), kemiringan_bawah=float(fit.slope - t * fit.stderr),
                    kemiringan_atas=float(fit.slope + t * fit.stderr), intersep=float(fit.intercept), r=r,
                    r_bawah=math.tanh(z - Z975 * se_z), r_atas=math.tanh(z + Z975 * se_z))
