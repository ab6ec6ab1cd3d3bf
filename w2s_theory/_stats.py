"""Statistical agreement between simulation and theory.

The rule used throughout the package: a simulated mean agrees with its
limit when

    |mean - theory| ≤ z · SE + C / d,

where SE is the standard error over seeded independent trials and C/d
absorbs the O(1/d) finite-size bias of proportional-limit formulas.  The
default z = 4 makes a false alarm at a single point a < 1e-4 event under
normality; with few repetitions (``reps``) z is replaced by the Student-t
quantile of the same level.  C is chosen per mechanism from the measured
bias scale (documented where it is set), and every such check has a test
showing that a perturbed formula fails it.
"""
from __future__ import annotations

import dataclasses

import numpy as np


@dataclasses.dataclass
class Agreement:
    points: int
    worst_abs: float      # max |mean - theory|
    worst_ratio: float    # max |mean - theory| / (z·SE + C/d); ≤ 1 means pass
    passed: bool
    z: float
    C: float
    d: int                # d at the worst point
    worst_index: int = 0  # flat index of the worst point in the broadcast shape

    def detail(self, what: str = "") -> str:
        return (f"{what}max|sim-theory|={self.worst_abs:.3g}, max ratio to z·SE+C/d "
                f"(z={self.z:g}, C={self.C:g}, d={self.d}) = {self.worst_ratio:.3f}")


def small_sample_factor(z: float, reps) -> np.ndarray:
    """t_{reps-1}/z at the two-sided level of ``z``: widens bands built from few repetitions."""
    from scipy import stats as st
    reps = np.asarray(reps, float)
    if np.any(reps < 2):
        raise ValueError("reps must be >= 2 to estimate a standard error")
    return st.t.ppf(st.norm.cdf(z), reps - 1) / z


def agreement(mean, se, theory, d, z: float = 4.0, C: float = 1.0, reps=None) -> Agreement:
    """Check |mean - theory| ≤ z·SE + C/d elementwise (d may be an array); report the worst point.

    With ``reps`` (number of repetitions behind each SE), SE is widened by
    :func:`small_sample_factor`, i.e. z becomes the Student-t quantile.
    """
    mean, se, theory, d = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, float))
                                                for v in (mean, se, theory, d)))
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(se)) and np.all(se >= 0)
            and np.all(np.isfinite(theory))):
        raise ValueError("agreement: mean and theory must be finite and SE finite, non-negative")
    if reps is not None:
        se = se * small_sample_factor(z, np.broadcast_to(reps, mean.shape))
    dev = np.abs(mean - theory)
    ratio = dev / (z * se + C / d)
    i = int(np.argmax(ratio))
    return Agreement(int(dev.size), float(dev.max()), float(ratio.flat[i]),
                     bool(np.all(ratio <= 1)), z, C, int(d.flat[i]), i)
