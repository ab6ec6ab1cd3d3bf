"""The two regimes of the CNN weak-to-strong pipeline, as reproducible experiments.

* data-scarce (``n_st ≤ d``: the student can interpolate its pseudo-labels
  through the noise patches): benign vs harmful overfitting, governed by
  ``Q = n_st p_b² ‖ν‖⁴ / (σ_p⁴ d)`` (Oh, Song & Yun 2025, Thm 3.4);
* data-abundant (``n_st ≫ d``): early label correction, then degradation
  when overtrained (Oh, Song & Yun 2025, Thm 3.6).

The parameter choices (ours; the source gives only the abstract) are in
:func:`scarce_setting` and :func:`abundant_setting` and are discussed in
``docs/theory/cnn.rst``.
"""
from __future__ import annotations

import math
import warnings

import numpy as np
from scipy.optimize import OptimizeWarning, curve_fit

from .._numeric import seed_sequence
from .._progress import progress
from .data import PatchModel, _check_int
from .pipeline import Setting, log_steps, run

#: Mixture used throughout: p_e, p_h, p_b and the teacher's label noise.
MIX = dict(p_easy=0.2, p_hard=0.2, p_both=0.6, label_noise=0.1)


def scarce_setting(n_student: int, nu_norm: float, quick: bool = False, d=None) -> Setting:
    """Data-scarce setting: ``d = 1000`` (400 quick), ``‖μ‖ = 3``, ``σ_p = 1``.

    Student: ``m = 10`` filters per class, ``σ₀ = 0.01``, step size
    ``η = min(0.5, 20/‖ν‖²)`` and ``T = 50/η`` GD steps (a fixed gradient-flow
    time ``η T = 50``; at ``‖ν‖ = 4, 7`` the results agree with ``η = 0.05``,
    ``T = 1000``; the cap keeps ``η`` well below the inverse curvature
    ``4m/(p_b‖ν‖²)`` of the hard-signal direction).  Teacher: 200 labelled
    samples, 100 GD steps of size 0.3.  ``d = 2000`` (1000 quick) keeps
    ``n_st/d ≤ 0.1`` in the sweeps: at ``d = 1000`` with ``n_st = 200`` the
    transition already depends on ``n`` more weakly than ``Q`` says (fitted
    exponent of ``‖ν‖`` 8.4 instead of 4, see docs/theory/cnn.rst).

    Parameters
    ----------
    n_student : int >= 1
        Student sample size n_st.
    nu_norm : float in (0, inf)
        Hard signal strength ‖ν‖.
    quick : bool, optional
        Smaller d and test set.
    d : int, optional
        Override the dimension.

    Returns
    -------
    Setting

    Raises
    ------
    ValueError
        If a parameter is out of range.

    Examples
    --------
    >>> s = scarce_setting(100, 4.0, quick=True)
    >>> s.model.d, s.lr, s.steps, round(s.model.snr_quantity(100), 4)
    (1000, 0.5, 100, 9.216)
    """
    d = d if d is not None else (1000 if quick else 2000)
    model = PatchModel(d=d, mu_norm=3.0, nu_norm=nu_norm, sigma_p=1.0, **MIX)
    lr = min(0.5, 20.0 / model.nu_norm ** 2)
    return Setting(model, n_teacher=200, n_student=n_student, m=10, sigma0=0.01, lr=lr,
                   steps=int(round(50.0 / lr)), teacher_lr=0.3, teacher_steps=100,
                   n_test=1000 if quick else 2000)


def abundant_setting(quick: bool = False) -> Setting:
    """Data-abundant setting: ``n_st = 25 d`` (``d = 30``, quick; ``d = 40`` full),
    ``‖μ‖ = ‖ν‖ = 3``, ``σ_p = 1``; student ``m = 10``, ``σ₀ = 0.01``, ``η = 2``,
    200 steps (300 full); teacher: 500 labelled samples, 300 GD steps of 0.1.

    Parameters
    ----------
    quick : bool, optional
        Smaller d and fewer steps.

    Returns
    -------
    Setting

    Examples
    --------
    >>> s = abundant_setting(quick=True)
    >>> s.model.d, s.n_student, s.steps
    (30, 750, 200)
    """
    d = 30 if quick else 40
    model = PatchModel(d=d, mu_norm=3.0, nu_norm=3.0, sigma_p=1.0, **MIX)
    return Setting(model, n_teacher=500, n_student=25 * d, m=10, sigma0=0.01, lr=2.0,
                   steps=200 if quick else 300, teacher_lr=0.1, teacher_steps=300,
                   n_test=1000 if quick else 2000)


def repeat(setting: Setting, n_seeds: int, seed, record=None, desc="", show=False) -> dict:
    """Run *setting* for *n_seeds* independent seeds (``SeedSequence(seed).spawn``).

    Returns the per-seed outputs of :func:`w2s_theory.cnn.pipeline.run`
    stacked: arrays of shape ``(n_seeds, n_records)`` for the trajectories
    and ``(n_seeds,)`` for the teacher's numbers.

    Parameters
    ----------
    setting : Setting
    n_seeds : int >= 1
    seed : int >= 0, sequence of them, or SeedSequence
    record : sequence of int, optional
        Steps at which the student is evaluated.
    desc : str, optional
        Progress-bar label.
    show : bool, optional
        Show a progress bar.

    Returns
    -------
    dict of str to ndarray
        ``steps`` (the recorded steps); trajectories ``train_fit``, ``correction``,
        ``test_error``, ``test_error_hard``, ``train_loss``, ``train_loss_clean`` of shape
        (n_seeds, len(steps)); per-seed teacher and data counts ``teacher_error``,
        ``flip_rate``, ``flip_rate_hard``, ``n_easy``/``n_hard``/``n_both``,
        ``flips_*`` and ``teacher_error_*`` of shape (n_seeds,).

    Raises
    ------
    ValueError
        If n_seeds < 1 or the seed is invalid.

    Examples
    --------
    >>> from w2s_theory.cnn.data import PatchModel
    >>> model = PatchModel(d=20, mu_norm=4.0, nu_norm=2.0, sigma_p=0.5, **MIX)
    >>> s = Setting(model, n_teacher=40, n_student=30, m=2, sigma0=0.01, lr=1.0, steps=10,
    ...             teacher_lr=0.1, teacher_steps=50, n_test=100)
    >>> res = repeat(s, 2, seed=0, record=[0, 10])
    >>> res["test_error"].shape, res["teacher_error"].shape
    ((2, 2), (2,))
    """
    n_seeds = _check_int("n_seeds", n_seeds, 1)
    root = seed_sequence(seed)
    kids = root.spawn(n_seeds)
    outs = [run(setting, k, record=record)
            for k in progress(kids, total=n_seeds, desc=desc, disable=not show)]
    keys = ("train_fit", "correction", "test_error", "test_error_hard", "teacher_error",
            "flip_rate", "flip_rate_hard", "train_loss", "train_loss_clean",
            "n_easy", "n_hard", "n_both", "flips_easy", "flips_hard", "flips_both",
            "teacher_error_easy", "teacher_error_hard", "teacher_error_both")
    res = {k: np.array([o[k] for o in outs], dtype=float) for k in keys}
    res["steps"] = outs[0]["steps"]
    return res


def mean_se(x, axis=0):
    """Mean and standard error over seeds (ddof = 1).

    Parameters
    ----------
    x : array_like
        Values; seeds along *axis* (at least 2).
    axis : int, optional
        Default 0.

    Returns
    -------
    (mean, se) : ndarrays

    Examples
    --------
    >>> m, se = mean_se([1.0, 2.0, 3.0])
    >>> float(m), round(float(se), 12)
    (2.0, 0.57735026919)
    """
    x = np.asarray(x, dtype=float)
    return x.mean(axis=axis), x.std(axis=axis, ddof=1) / math.sqrt(x.shape[axis])


def abundant_summary(res: dict) -> dict:
    """Early-stopped vs overtrained student, per seed.

    The early-stopping step is the recorded step with the smallest test
    error (an oracle; with 1000+ fresh test points its selection bias is
    below the binomial SE).  Returns per-seed arrays ``t_early``, ``err_early``,
    ``corr_early``, ``err_end``, ``corr_end``, ``teacher``.

    Parameters
    ----------
    res : dict
        Output of :func:`repeat`.

    Returns
    -------
    dict of str to ndarray, shape (n_seeds,)
        Also ``fit_end``, the final training fit.

    Examples
    --------
    >>> res = {"steps": np.array([0, 10, 100]),
    ...        "test_error": np.array([[0.5, 0.1, 0.2], [0.5, 0.15, 0.12]]),
    ...        "correction": np.array([[0.0, 0.8, 0.3], [0.0, 0.7, 0.6]]),
    ...        "train_fit": np.array([[0.5, 0.9, 1.0], [0.5, 0.9, 1.0]]),
    ...        "teacher_error": np.array([0.2, 0.2])}
    >>> out = abundant_summary(res)
    >>> out["t_early"], out["err_early"], out["err_end"]
    (array([ 10, 100]), array([0.1 , 0.12]), array([0.2 , 0.12]))
    """
    err = res["test_error"]
    i = np.argmin(err, axis=1)
    rows = np.arange(err.shape[0])
    return dict(t_early=res["steps"][i], err_early=err[rows, i],
                corr_early=res["correction"][rows, i], err_end=err[:, -1],
                corr_end=res["correction"][:, -1], teacher=res["teacher_error"],
                fit_end=res["train_fit"][:, -1])


# --------------------------------------------------------------------------
# Transition sweep (data-scarce)
# --------------------------------------------------------------------------
def sweep_nu(n_values, nu_values, n_seeds, seed, quick=False, show=False) -> dict:
    """Final hard-only test error over a grid of ``(n_st, ‖ν‖)``, per seed.

    Each cell runs :func:`repeat` on :func:`scarce_setting` ``(n, ν, quick)`` with its
    own spawned seed and records the student after its last step.

    Parameters
    ----------
    n_values : sequence of int >= 1
        Student sample sizes n_st.
    nu_values : sequence of float > 0
        Hard signal strengths ‖ν‖.
    n_seeds : int >= 1
        Seeds per cell.
    seed : int >= 0, sequence of them, or SeedSequence
    quick : bool, default False
        Quick settings (d = 1000 instead of 2000).
    show : bool, default False
        Show a progress bar over cells.

    Returns
    -------
    dict
        ``n``, ``nu`` (the grid), ``hard`` and ``total`` (final hard-only and overall test
        error) and ``fit`` (training fit to the pseudo-labels), each of shape
        ``(len(n_values), len(nu_values), n_seeds)``, ``Q`` of shape
        ``(len(n_values), len(nu_values))`` and ``d``.

    Examples
    --------
    One cell and two seeds; Q = n p_b² ‖ν‖⁴/(σ_p⁴ d) = 15 · 0.6² · 4⁴ / 1000:

    >>> sw = sweep_nu([15], [4.0], 2, seed=0, quick=True)
    >>> sw["hard"].shape, sw["d"], round(float(sw["Q"][0, 0]), 4)
    ((1, 1, 2), 1000, 1.3824)
    """
    n_values = [int(n) for n in n_values]
    nu_values = [float(v) for v in nu_values]
    shape = (len(n_values), len(nu_values), n_seeds)
    hard, total, fit = np.empty(shape), np.empty(shape), np.empty(shape)
    Q = np.empty(shape[:2])
    grid = [(a, b) for a in range(len(n_values)) for b in range(len(nu_values))]
    root = seed_sequence(seed)
    kids = root.spawn(len(grid))
    for (a, b), k in progress(list(zip(grid, kids)), total=len(grid), desc="cnn sweep",
                              disable=not show):
        st = scarce_setting(n_values[a], nu_values[b], quick)
        Q[a, b] = st.snr_quantity
        r = repeat(st, n_seeds, k, record=[st.steps])
        hard[a, b], total[a, b], fit[a, b] = (r["test_error_hard"][:, -1],
                                              r["test_error"][:, -1], r["train_fit"][:, -1])
    return dict(n=np.array(n_values), nu=np.array(nu_values), hard=hard, total=total, fit=fit,
                Q=Q, d=scarce_setting(n_values[0], nu_values[0], quick).model.d)


def crossing(x, y, level: float) -> float:
    """First ``x`` where the curve ``y(x)`` falls through *level*, by linear
    interpolation in ``(log x, y)``; NaN if it does not cross on the grid.

    Parameters
    ----------
    x : array_like
        Increasing positive grid.
    y : array_like
        Curve values on the grid.
    level : float
        Level crossed from above.

    Returns
    -------
    float

    Examples
    --------
    >>> round(crossing([1.0, 100.0], [0.4, 0.0], 0.2), 12)     # geometric midpoint
    10.0
    >>> crossing([1.0, 100.0], [0.1, 0.0], 0.2)
    nan
    """
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    for j in range(len(x) - 1):
        if y[j] >= level > y[j + 1]:
            t = (y[j] - level) / (y[j] - y[j + 1])
            return float(np.exp(np.log(x[j]) + t * (np.log(x[j + 1]) - np.log(x[j]))))
    return math.nan


def cell_center(hard):
    """Median over seeds (last axis) and its standard error.

    The median, not the mean: the hard-only error over seeds is heavy-tailed
    (a seed fails when the teacher's coin-flip labels on its few hard-only
    samples are unbalanced within a class), and a single failed seed moves a
    mean of 8 by ~0.05.  SE: ``1.2533 · 1.4826 · MAD / √S`` (the Gaussian
    efficiency of the median, with the MAD as a robust scale).

    Parameters
    ----------
    hard : array_like
        Values with seeds on the last axis.

    Returns
    -------
    (median, se) : ndarrays

    Examples
    --------
    >>> med, se = cell_center([0.0, 0.01, 0.02, 0.5])   # one failed seed barely moves it
    >>> float(med), round(float(se), 6)
    (0.015, 0.009291)
    """
    hard = np.asarray(hard, dtype=float)
    med = np.median(hard, axis=-1)
    mad = np.median(np.abs(hard - med[..., None]), axis=-1)
    return med, 1.2533 * 1.4826 * mad / math.sqrt(hard.shape[-1])


def transition_curve(x, L, k, c):
    """``L · expit(−k (x − c))``: the hard-only error as a logistic in ``x``.

    Parameters
    ----------
    x : array_like
        Control variable (log n + α log ν).
    L, k, c : float
        Height, steepness and midpoint.

    Returns
    -------
    ndarray or float

    Examples
    --------
    >>> transition_curve(np.array([-100.0, 1.0, 100.0]), 0.5, 2.0, 1.0).round(12)
    array([0.5 , 0.25, 0.  ])
    """
    from scipy.special import expit
    return L * expit(-k * (x - c))


def fit_transition(sweep: dict, se_floor: float = 0.01) -> dict:
    """Fit ``err_hard(n, ν) = L·expit(−k (log n + α log ν − c))`` to a sweep.

    Weighted least squares (``scipy.optimize.curve_fit``) on the seed medians
    with their standard errors (:func:`cell_center`; floored at *se_floor*, so
    a cell whose seeds happen to agree does not get infinite weight).  ``α`` is the exponent of
    ``‖ν‖`` that makes ``n ‖ν‖^α`` the control variable: ``Q = n p_b² ‖ν‖⁴ /
    (σ_p⁴ d)`` predicts ``α = 4`` (Oh, Song & Yun 2025, Thm 3.4), a Cao-type
    ``n‖ν‖²/(σ_p² d)`` predicts 2.

    Parameters
    ----------
    sweep : dict
        ``n``, ``nu``, ``hard`` (shape (len(n), len(nu), seeds)) and ``d``, as from
        :func:`sweep_nu`.
    se_floor : float > 0, default 0.01
        Lower bound on each cell's standard error.

    Returns
    -------
    dict
        ``alpha``, ``alpha_se`` (Wald), ``ci`` (95% profile-likelihood
        interval, ``inf`` if open upwards), ``L``, ``k``, ``c``; ``L4``, ``k4``,
        ``c4`` and ``Q_mid`` (the ``Q`` at the midpoint) of the fit with ``α``
        fixed at 4; ``chi2`` for free α and ``chi2_alpha4``, ``chi2_alpha2`` for α fixed
        at 4 and at 2; ``dof``; ``profile_failures``, the number of α grid points whose
        constrained fit did not converge from either start (left out of ``ci``, never
        guessed).

    Examples
    --------
    On synthetic data generated with α = 4 the fit recovers it and rejects α = 2.
    The profile scan (80 constrained fits) takes seconds, so this is not a doctest:

    >>> rng = np.random.default_rng(0)
    >>> n, nu = np.array([20, 80]), np.array([1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0])
    >>> x = np.log(n)[:, None] + 4 * np.log(nu)[None, :]
    >>> c = np.log(40) + 4 * np.log(2.7)
    >>> hard = transition_curve(x, 0.5, 2.0, c)[..., None] + 0.01 * rng.standard_normal((2, 7, 8))
    >>> fit = fit_transition(dict(n=n, nu=nu, hard=hard, d=1000))  # doctest: +SKIP
    >>> round(fit["alpha"], 1), fit["chi2_alpha2"] > 100 * fit["chi2_alpha4"]  # doctest: +SKIP
    (4.0, True)
    """
    with warnings.catch_warnings():   # OptimizeWarning when pcov is singular at a bound
        warnings.simplefilter("ignore", OptimizeWarning)
        return _fit_transition(sweep, se_floor)


def _free_fit(sweep, se_floor, full=False):
    n = np.asarray(sweep["n"], dtype=float)
    nu = np.asarray(sweep["nu"], dtype=float)
    hard = np.asarray(sweep["hard"], dtype=float)
    mean, se = cell_center(hard)
    se = np.maximum(se, se_floor)
    ln = np.repeat(np.log(n)[:, None], len(nu), axis=1).ravel()
    lv = np.repeat(np.log(nu)[None, :], len(n), axis=0).ravel()
    y, s = mean.ravel(), se.ravel()

    def model(X, L, k, c, a):
        return transition_curve(X[0] + a * X[1], L, k, c)

    # L ≤ 1/2: the expected hard-only error of a student is at most chance
    p0 = (min(float(y.max()), 0.5), 2.0, float(np.median(ln + 4 * lv)), 4.0)
    lo_b, hi_b = [0.0, 0.0, -np.inf, 0.1], [0.5, np.inf, np.inf, 200.0]
    popt, pcov = curve_fit(model, np.vstack([ln, lv]), y, p0=p0, sigma=s,
                           absolute_sigma=True, bounds=(lo_b, hi_b), maxfev=20000)
    chi2 = float(np.sum(((model(np.vstack([ln, lv]), *popt) - y) / s) ** 2))
    return (popt, pcov, chi2), (ln, lv, y, s, p0, lo_b, hi_b)


def _fit_transition(sweep, se_floor):
    """Implementation of :func:`fit_transition`."""

    (popt, pcov, chi2), (ln, lv, y, s, p0, lo_b, hi_b) = _free_fit(sweep, se_floor, full=True)

    def fixed(a, start=None):
        f = lambda X, L, k, c: transition_curve(X[0] + a * X[1], L, k, c)  # noqa: E731
        # a warm start (the neighbouring α's optimum) first: from p0 alone a fixed-α fit far
        # from the data's α can exhaust maxfev; None when neither start converges
        for init in ([start] if start is not None else []) + [p0[:3]]:
            try:
                p, _ = curve_fit(f, np.vstack([ln, lv]), y, p0=np.clip(init, lo_b[:3], hi_b[:3]),
                                 sigma=s, absolute_sigma=True, bounds=(lo_b[:3], hi_b[:3]),
                                 maxfev=20000)
            except RuntimeError:
                continue
            return p, float(np.sum(((f(np.vstack([ln, lv]), *p) - y) / s) ** 2))
        return None, math.nan

    p4, chi4 = fixed(4.0)
    if p4 is None:
        raise RuntimeError("fit_transition: the fit with α fixed at 4 did not converge")
    _, chi2_2 = fixed(2.0, p4)
    q_mid = MIX["p_both"] ** 2 * math.exp(p4[2]) / sweep["d"]   # sigma_p = 1
    # profile-likelihood 95% interval: {α : χ²(α) − χ²_min ≤ 3.84}, scanned on a
    # grid (the Wald interval from pcov is unreliable for this nonlinear model)
    grid = np.arange(1.0, 40.01, 0.5)
    prof, prev = [], p4
    for a in grid:                       # continuation along the grid
        p, c2 = fixed(a, prev)
        prof.append(c2)
        prev = p if p is not None else prev
    prof = np.array(prof)
    failed = int(np.isnan(prof).sum())   # not in the interval: reported, never guessed
    best = min(chi2, float(np.nanmin(prof))) if failed < prof.size else chi2
    inside = grid[np.nan_to_num(prof, nan=np.inf) - best <= 3.84]
    lo = float(inside.min()) if inside.size else math.nan
    hi = float(inside.max()) if inside.size else math.nan
    if inside.size and hi >= grid[-1]:
        hi = math.inf                       # interval open towards 'no n-dependence'
    return dict(alpha=float(popt[3]), alpha_se=float(math.sqrt(pcov[3, 3])), L=float(popt[0]),
                k=float(popt[1]), c=float(popt[2]), Q_mid=q_mid, chi2=chi2, chi2_alpha4=chi4,
                chi2_alpha2=chi2_2, dof=int(y.size - 4), ci=(lo, hi), profile_failures=failed,
                L4=float(p4[0]), k4=float(p4[1]), c4=float(p4[2]))


def bootstrap_alpha(sweep: dict, n_boot: int = 300, seed=0, se_floor: float = 0.01) -> dict:
    """Percentile-bootstrap 95% interval for the exponent ``α`` of :func:`fit_transition`.

    Seeds are resampled with replacement independently in every ``(n, ‖ν‖)``
    cell and the free four-parameter fit is redone.  Unlike the profile
    interval, this does not assume Gaussian cell means: the hard-only error
    over seeds is heavy-tailed (a few seeds fail when the teacher's coin-flip
    pseudo-labels on the few hard-only samples happen to be unbalanced).

    Parameters
    ----------
    sweep : dict
        As for :func:`fit_transition`.
    n_boot : int >= 10, default 300
        Bootstrap resamples.
    seed : seed accepted by ``numpy.random.default_rng``, default 0
    se_floor : float > 0, default 0.01

    Returns
    -------
    dict
        ``alpha_boot_median``, ``ci`` (2.5 % and 97.5 % quantiles) and ``n_boot``.

    Examples
    --------
    Synthetic data generated with α = 4 (as in :func:`fit_transition`):

    >>> rng = np.random.default_rng(0)
    >>> n, nu = np.array([20, 80]), np.array([1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0])
    >>> x = np.log(n)[:, None] + 4 * np.log(nu)[None, :]
    >>> c = np.log(40) + 4 * np.log(2.7)
    >>> hard = transition_curve(x, 0.5, 2.0, c)[..., None] + 0.01 * rng.standard_normal((2, 7, 8))
    >>> boot = bootstrap_alpha(dict(n=n, nu=nu, hard=hard, d=1000), n_boot=20, seed=0)
    >>> lo, hi = boot["ci"]
    >>> round(boot["alpha_boot_median"], 1), bool(3.5 < lo < 4.0 < hi < 4.5)
    (4.0, True)
    """
    n_boot = _check_int("n_boot", n_boot, 10)
    hard = np.asarray(sweep["hard"], dtype=float)
    rng = np.random.default_rng(seed)
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OptimizeWarning)
        for _ in range(n_boot):
            idx = rng.integers(0, hard.shape[-1], size=hard.shape)
            res = dict(sweep, hard=np.take_along_axis(hard, idx, axis=-1))
            out.append(_free_fit(res, se_floor)[0][0][3])
    out = np.array(out)
    lo, hi = np.quantile(out, [0.025, 0.975])
    return dict(alpha_boot_median=float(np.median(out)), ci=(float(lo), float(hi)),
                n_boot=n_boot)
