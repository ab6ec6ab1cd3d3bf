"""Statistical checks used by the multi-index claims: tolerance bands and fitted rates."""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from .. import _stats
from .._stats import small_sample_factor  # noqa: F401  (public here for the CLI study)


@dataclasses.dataclass
class Agreement:
    """Result of ``abs(mean - theory) <= z * SE + C / d`` at every point."""

    passed: bool
    worst_abs: float      # largest abs(mean - theory)
    worst_ratio: float    # largest |mean - theory| / (z SE + C/d)  (<= 1 passes)
    points: int
    detail: str


def agreement(means, ses, theory, ds, *, z: float, C: float, label: str = "", reps=None) -> Agreement:
    """Compare simulated means with limits: pass iff ``abs(mean - theory) <= z*SE + C/d`` everywhere.

    The rule is :func:`w2s_theory._stats.agreement`; this adds a one-line
    description of the worst point.  With ``reps`` given, z is replaced per
    point by the Student-t quantile of the same level (the claims use >= 16
    repetitions; the CLI study has as few as 3 at d = 4096).
    """
    a = _stats.agreement(means, ses, theory, ds, z=z, C=C, reps=reps)
    means, ses, theory, ds = np.broadcast_arrays(*(np.atleast_1d(np.asarray(v, float))
                                                   for v in (means, ses, theory, ds)))
    i = a.worst_index
    widen = (float(small_sample_factor(z, np.broadcast_to(reps, means.shape).flat[i]))
             if reps is not None else 1.0)
    err, tol = abs(means.flat[i] - theory.flat[i]), z * ses.flat[i] * widen + C / ds.flat[i]
    det = (f"{label}worst at d={int(ds.flat[i])}: sim {means.flat[i]:.4f} +- {ses.flat[i]:.4f} vs "
           f"theory {theory.flat[i]:.4f} (|diff| {err:.4f} <= {tol:.4f} = "
           f"{z:g} SE + {C:g}/d{'; SE widened by t/z' if reps is not None else ''})")
    return Agreement(a.passed, a.worst_abs, a.worst_ratio, a.points, det)


@dataclasses.dataclass
class Rate:
    """Fitted exponent b of mean ~ A d^b with a normal-theory confidence interval."""

    slope: float
    se: float
    z: float

    @property
    def ci(self):
        return (self.slope - self.z * self.se, self.slope + self.z * self.se)

    def contains(self, b: float) -> bool:
        lo, hi = self.ci
        return lo <= b <= hi

    def __str__(self):
        lo, hi = self.ci
        return f"b = {self.slope:.3f} +- {self.se:.3f} (CI [{lo:.3f}, {hi:.3f}], z={self.z:g})"


def fit_rate(ds, means, ses, *, z: float, reps=None) -> Rate:
    """Weighted least squares of log(mean) on log(d); weights from SE/mean (delta method).

    Each d contributes an independent mean, so var(b) = 1 / sum_i w_i (x_i - xbar_w)^2 with
    w_i = (mean_i / SE_i)^2.  With ``reps`` given, each SE is first widened by
    :func:`small_sample_factor`.
    """
    ds, means, ses = (np.asarray(v, float) for v in (ds, means, ses))
    if reps is not None:
        ses = ses * small_sample_factor(z, np.broadcast_to(reps, ses.shape))
    if ds.size < 3 or np.any(means <= 0) or np.any(ses <= 0) or np.any(ds <= 0):
        raise ValueError("fit_rate needs >= 3 points with positive d, means and SEs")
    x, y = np.log(ds), np.log(means)
    w = (means / ses) ** 2
    xb = np.sum(w * x) / np.sum(w)
    yb = np.sum(w * y) / np.sum(w)
    sxx = np.sum(w * (x - xb) ** 2)
    b = float(np.sum(w * (x - xb) * (y - yb)) / sxx)
    return Rate(b, float(1 / math.sqrt(sxx)), z)
