"""Statistical checks used by the multi-index claims: tolerance bands and fitted rates."""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from .. import _stats
from .._stats import small_sample_factor  # noqa: F401  (public here for the CLI study)


@dataclasses.dataclass
class Agreement:
    """Result of ``abs(mean - theory) <= z * SE + C / d`` at every point.

    Parameters
    ----------
    passed : bool
        Whether every point is within its tolerance.
    worst_abs : float
        Largest abs(mean − theory).
    worst_ratio : float
        Largest abs(mean − theory) / (z SE + C/d); ≤ 1 passes.
    points : int
        Number of points compared.
    detail : str
        One-line description of the worst point.

    Returns
    -------
    Agreement
        Made by :func:`agreement`.

    Examples
    --------
    >>> a = agreement([0.51, 0.49], [0.01, 0.01], [0.5, 0.5], [64, 128], z=3.0, C=0.0)
    >>> a.passed, a.points, round(a.worst_ratio, 6)
    (True, 2, 0.333333)
    """

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

    Parameters
    ----------
    means, ses, theory, ds : array_like
        Simulated means, their standard errors, the limits and the dimensions
        (broadcast together).
    z : float
        Normal quantile of the band.
    C : float
        Finite-size allowance, C/d.
    label : str, optional
        Prefix of the detail line.
    reps : int or array_like, optional
        Repetitions per point (switches to Student-t quantiles).

    Returns
    -------
    Agreement

    Raises
    ------
    ValueError
        On invalid inputs (see :func:`w2s_theory._stats.agreement`).

    Examples
    --------
    >>> a = agreement([0.52, 0.49], [0.005, 0.01], [0.5, 0.5], [64, 128], z=3.0, C=0.5)
    >>> a.passed
    True
    >>> print(a.detail)
    worst at d=64: sim 0.5200 +- 0.0050 vs theory 0.5000 (|diff| 0.0200 <= 0.0228 = 3 SE + 0.5/d)
    >>> agreement([0.52], [0.005], [0.5], [64], z=3.0, C=0.0).passed   # 4 SE off
    False
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
    """Fitted exponent b of mean ~ A d^b with a normal-theory confidence interval.

    Parameters
    ----------
    slope : float
        The fitted exponent b.
    se : float
        Its standard error.
    z : float
        Normal quantile of the interval ``ci = slope ± z se``.

    Returns
    -------
    Rate
        With ``ci`` and ``contains(b)``.

    Examples
    --------
    >>> r = Rate(slope=-1.02, se=0.03, z=2.0)
    >>> r.contains(-1.0), r.contains(-0.5)
    (True, False)
    >>> print(r)
    b = -1.020 +- 0.030 (CI [-1.080, -0.960], z=2)
    """

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

    Parameters
    ----------
    ds, means, ses : array_like
        Dimensions, positive means and their positive standard errors (≥ 3
        points).
    z : float
        Normal quantile of the confidence interval.
    reps : int or array_like, optional
        Repetitions per point (widens the SEs by the t/z factor).

    Returns
    -------
    Rate

    Raises
    ------
    ValueError
        With fewer than 3 points or a non-positive d, mean or SE.

    Examples
    --------
    Exact power law 3/d recovers b = −1:

    >>> ds = np.array([64.0, 128.0, 256.0, 512.0])
    >>> r = fit_rate(ds, 3.0 / ds, 0.01 * 3.0 / ds, z=2.0)
    >>> round(r.slope, 12), r.contains(-1.0)
    (-1.0, True)
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
