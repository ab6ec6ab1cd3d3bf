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
    """Outcome of :func:`agreement`: the worst point of a simulation-vs-theory comparison.

    Parameters
    ----------
    points : int
        Number of compared points (after broadcasting).
    worst_abs : float
        ``max |mean - theory|`` over the points.
    worst_ratio : float
        ``max |mean - theory| / (z·SE + C/d)``; the check passes iff it is ≤ 1.
    passed : bool
        Whether every point lies inside its band.
    z, C : float
        The band's parameters (as passed to :func:`agreement`).
    d : int
        The dimension at the worst point.
    worst_index : int, default 0
        Flat index of the worst point in the broadcast shape.

    Examples
    --------
    >>> a = agreement(0.503, 0.001, 0.5, d=100)
    >>> a.passed, round(a.worst_ratio, 3)
    (True, 0.214)
    >>> print(a.detail("risk: "))
    risk: max|sim-theory|=0.003, max ratio to z·SE+C/d (z=4, C=1, d=100) = 0.214
    """

    points: int
    worst_abs: float      # max |mean - theory|
    worst_ratio: float    # max |mean - theory| / (z·SE + C/d); ≤ 1 means pass
    passed: bool
    z: float
    C: float
    d: int                # d at the worst point
    worst_index: int = 0  # flat index of the worst point in the broadcast shape

    def detail(self, what: str = "") -> str:
        """One line for a claim's ``detail``: worst deviation and worst ratio to the band.

        Parameters
        ----------
        what : str, default ""
            Prefix naming the compared quantity.

        Returns
        -------
        str
            E.g. ``"max|sim-theory|=0.003, max ratio to z·SE+C/d (...) = 0.214"``.

        Examples
        --------
        >>> print(agreement(0.503, 0.001, 0.5, d=100).detail("E_S: "))
        E_S: max|sim-theory|=0.003, max ratio to z·SE+C/d (z=4, C=1, d=100) = 0.214
        """
        return (f"{what}max|sim-theory|={self.worst_abs:.3g}, max ratio to z·SE+C/d "
                f"(z={self.z:g}, C={self.C:g}, d={self.d}) = {self.worst_ratio:.3f}")


def small_sample_factor(z: float, reps) -> np.ndarray:
    """t_{reps-1}/z at the two-sided level of ``z``: widens bands built from few repetitions.

    With SE estimated from ``reps`` repetitions, ``(mean - theory)/SE`` is Student-t
    with ``reps - 1`` degrees of freedom (under normality), so the normal quantile
    ``z`` is replaced by the t quantile of the same one-sided level,
    ``t_{reps-1}(Φ(z))``; this function returns the ratio of the two (≥ 1, → 1 as
    ``reps`` → ∞).

    Parameters
    ----------
    z : float
        Normal quantile of the band (e.g. 4).
    reps : int or array_like of int
        Repetitions behind each SE, each ≥ 2.

    Returns
    -------
    numpy.ndarray
        ``t.ppf(norm.cdf(z), reps - 1) / z``, broadcast like *reps*.

    Raises
    ------
    ValueError
        If any ``reps < 2``.

    Examples
    --------
    >>> small_sample_factor(4.0, [5, 50]).round(3)
    array([4.362, 1.094])
    """
    # scipy.special's stdtrit / ndtr are what scipy.stats.t.ppf / norm.cdf evaluate (same
    # values); importing scipy.stats only for them costs ~0.4 s per process
    from scipy.special import ndtr, stdtrit
    reps = np.asarray(reps, float)
    if np.any(reps < 2):
        raise ValueError("reps must be >= 2 to estimate a standard error")
    return stdtrit(reps - 1, ndtr(z)) / z


def agreement(mean, se, theory, d, z: float = 4.0, C: float = 1.0, reps=None) -> Agreement:
    """Check |mean - theory| ≤ z·SE + C/d elementwise (d may be an array); report the worst point.

    With ``reps`` (number of repetitions behind each SE), SE is widened by
    :func:`small_sample_factor`, i.e. z becomes the Student-t quantile.

    The rule (module docstring): simulation and theory agree at a point when
    ``|mean - theory| ≤ z·SE + C/d``; ``z·SE`` covers the Monte-Carlo noise of
    the mean of seeded repetitions and ``C/d`` the O(1/d) bias of a
    proportional-limit formula at finite dimension ``d``.  Choose ``C`` from the
    measured bias scale of the mechanism, and check that a perturbed formula fails.

    Parameters
    ----------
    mean : float or array_like
        Simulated means (finite).
    se : float or array_like
        Their standard errors, ``std(ddof=1) / sqrt(reps)`` (finite, ≥ 0).
    theory : float or array_like
        The limits to compare with (finite).
    d : int or array_like
        Dimension of each point (> 0); sets the bias allowance ``C/d``.
    z : float, default 4.0
        Normal quantile of the noise band (4 → two-sided false alarm ≈ 6e-5 per point).
    C : float, default 1.0
        Finite-size bias constant.
    reps : int or array_like, optional
        Repetitions behind each SE (≥ 2); widens the band to the Student-t quantile.

    Returns
    -------
    Agreement
        ``passed`` and the worst point (its deviation, ratio to the band, ``d``, index).

    Raises
    ------
    ValueError
        If a mean, SE or theory value is not finite, or an SE is negative.

    Examples
    --------
    ``||x||²/d`` for ``x ~ N(0, I_d)`` has mean exactly 1; estimate it from 50
    seeded repetitions at ``d = 400`` and compare with the truth and with a value
    5 % off:

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> d, reps = 400, 50
    >>> norms = (rng.standard_normal((reps, d)) ** 2).mean(axis=1)
    >>> mean, se = norms.mean(), norms.std(ddof=1) / np.sqrt(reps)
    >>> round(float(mean), 4), round(float(se), 4)
    (0.9921, 0.0086)
    >>> ok = agreement(mean, se, theory=1.0, d=d, reps=reps)
    >>> ok.passed, round(ok.worst_ratio, 2)
    (True, 0.2)
    >>> bad = agreement(mean, se, theory=1.05, d=d, reps=reps)
    >>> bad.passed, round(bad.worst_ratio, 2)
    (False, 1.43)

    Arrays are compared elementwise and the worst point is reported; here the
    band at the second point is ``4·0.001 + 1/400 = 0.0065`` against a deviation of 0.03:

    >>> b = agreement([0.503, 0.530], [0.001, 0.001], 0.5, d=[100, 400])
    >>> b.passed, round(b.worst_ratio, 3), b.worst_index, b.d
    (False, 4.615, 1, 400)
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
