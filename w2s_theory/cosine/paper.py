"""The paper's experiments (§3): random weaker teachers and shared pretraining.

Source: Geng, Hansen & Li (2026), §3.1 (Figure 1/2) and §3.2 (Figure 3).

Reconstructed settings (the paper's text lost its numbers for d, β and the
pretraining step size): d = 100, β = 1, w* = e₁; student 80 % accurate
(c = cos(0.2π)), 100 unit-norm teachers 70 % accurate (c = cos(0.3π)),
step sizes ``np.logspace(-5, 1, 7)``, batch 10 000, early stopping (the best
iterate of each run, measured by the exact population accuracy).  Shared
pretraining: full-batch gradient descent on correctly labelled data from a
N(0, I) initialisation — student 25 epochs on 5000 points, teachers 10 epochs
on a 1000-point subset, step size 0.9, which reproduces the reported 80 %
student / 63 % teachers; finetuning batch 1000.
"""
from __future__ import annotations

import math

import numpy as np

from .._numeric import rng_from
from .calculus import accuracy
from .sft import cosine_rate, relative_correlation, sample_on_cone, simulate_sft

LRS = np.logspace(-5, 1, 7)
D = 100
STUDENT_ACC, TEACHER_ACC = 0.80, 0.70


def acc_to_cos(acc):
    """Cosine giving accuracy *acc* for elliptical data: c = cos(π(1 − acc)).

    For x elliptical (e.g. N(0, Σ)) the 0-1 loss of w against w* is arccos(c)/π with
    c the Σ-cosine (Geng, Hansen & Li 2026, Lemma 2.1; ``docs/theory/cosine.rst``),
    so accuracy ``acc`` corresponds to ``c = cos(π(1 − acc))``.

    Parameters
    ----------
    acc : float in [0, 1]
        Target accuracy (0.5 ↔ c = 0, 1 ↔ c = 1).

    Returns
    -------
    float
        The cosine, in [-1, 1].

    Examples
    --------
    >>> round(acc_to_cos(0.8), 6), acc_to_cos(1.0), round(acc_to_cos(0.5), 12)
    (0.809017, 1.0, 0.0)
    """
    return math.cos(math.pi * (1 - acc))


def random_setup(d=D, student_norm=1.0, n_teachers=100, seed=0, student_acc=STUDENT_ACC,
                 teacher_acc=TEACHER_ACC, rho=None, Sigma=None):
    """(w0, teachers, w*): uniform on the cones of given accuracy (§3.1).

    With *rho* (array of length n_teachers) the teachers' errors (parts ⊥ w*)
    have cosine rho[k] with the student's error — correlated teachers.  With
    *Sigma*, cosines, norms and "uniform" are in the Σ-geometry (accuracies are
    exact for x ~ N(0, Σ)).  Setting of Geng, Hansen & Li (2026), §3.1 (Figures 1/2).

    Parameters
    ----------
    d : int >= 3, default 100
        Dimension; w* = e₁.
    student_norm : float > 0, default 1
        Σ-norm of the student w0.
    n_teachers : int >= 1, default 100
        Number of unit-norm teachers.
    seed : int, sequence of int, SeedSequence or Generator, default 0
        The simulators' seed contract (:func:`w2s_theory._numeric.seed_sequence`).
    student_acc, teacher_acc : float in [0, 1], default 0.8 and 0.7
        Accuracies, through ``cos = acc_to_cos(acc)``.
    rho : array_like of length n_teachers with entries in [-1, 1], optional
        Cosine of each teacher's error with the student's error.
    Sigma : (d, d) SPD array, optional
        Data covariance (default identity).

    Returns
    -------
    w0 : ndarray, shape (d,)
    teachers : ndarray, shape (n_teachers, d)
    w_star : ndarray, shape (d,)

    Examples
    --------
    >>> from w2s_theory.cosine.calculus import accuracy
    >>> w0, T, ws = random_setup(d=10, n_teachers=3, seed=0)
    >>> T.shape, round(float(accuracy(w0, ws)), 6), accuracy(T, ws).round(6)
    ((3, 10), 0.8, array([0.7, 0.7, 0.7]))
    """
    rng = rng_from(seed)
    ws = np.eye(d)[0]
    w0 = sample_on_cone(rng, ws, acc_to_cos(student_acc), student_norm, 1, Sigma)[0]
    if rho is None:
        T = sample_on_cone(rng, ws, acc_to_cos(teacher_acc), 1.0, n_teachers, Sigma)
    else:
        T = np.vstack([sample_on_cone(rng, ws, acc_to_cos(teacher_acc), 1.0, 1, Sigma, ortho_to=w0, rho=r)
                       for r in rho])
    return w0, T, ws


def _gd(X, y, w, epochs, lr):
    for _ in range(epochs):
        m = -y * 0.5 * (1 + np.tanh(-y * (X @ w) / 2))
        w = w - lr * (m @ X) / len(y)
    return w


def pretrain_setup(d=D, n_student=5000, n_teacher=1000, epochs_student=25, epochs_teacher=10,
                   lr=0.9, n_teachers=100, seed=0):
    """(w0, teachers, w*) from shared pretraining (§3.2); teachers normalised to unit norm.

    Full-batch logistic gradient descent on correctly labelled Gaussian data
    (y = sign⟨w*, x⟩, w* = e₁) from N(0, I) initialisations: the student on
    *n_student* points, each teacher on the first *n_teacher* of the same points
    (Geng, Hansen & Li 2026, §3.2, Figure 3; settings reconstructed as in the module
    docstring).

    Parameters
    ----------
    d : int >= 1, default 100
    n_student, n_teacher : int >= 1, default 5000 and 1000
        Pretraining set sizes (``n_teacher <= n_student``: a shared subset).
    epochs_student, epochs_teacher : int >= 0, default 25 and 10
    lr : float > 0, default 0.9
        Gradient-descent step size.
    n_teachers : int >= 1, default 100
    seed : int, sequence of int, SeedSequence or Generator, default 0

    Returns
    -------
    w0 : ndarray, shape (d,)
    teachers : ndarray, shape (n_teachers, d), unit rows
    w_star : ndarray, shape (d,)

    Examples
    --------
    >>> import numpy as np
    >>> w0, T, ws = pretrain_setup(d=10, n_student=200, n_teacher=50, n_teachers=3, seed=0)
    >>> T.shape, np.linalg.norm(T, axis=1).round(12)
    ((3, 10), array([1., 1., 1.]))
    """
    rng = rng_from(seed)
    ws = np.eye(d)[0]
    X = rng.standard_normal((n_student, d))
    y = np.sign(X @ ws)
    w0 = _gd(X, y, rng.standard_normal(d), epochs_student, lr)
    T = np.array([_gd(X[:n_teacher], y[:n_teacher], rng.standard_normal(d), epochs_teacher, lr)
                  for _ in range(n_teachers)])
    return w0, T / np.linalg.norm(T, axis=1, keepdims=True), ws


def run(w0, T, ws, *, lrs=LRS, steps=100, batch=10_000, beta=1.0, seed=0, population=False,
        show_progress=False, desc="SFT steps", Sigma=None):
    """Finetune w0 on every teacher for every step size; summarise gains and the condition.

    Runs :func:`~w2s_theory.cosine.sft.simulate_sft` and compares the observed
    gain (early stopping) with the paper's prediction: weak-to-strong gain iff the
    relative correlation R > 0 (Geng, Hansen & Li 2026, Eq. 2; ``docs/theory/cosine.rst``).

    Parameters
    ----------
    w0 : (d,) array, nonzero
        The student.
    T : (K, d) array, nonzero rows
        The teachers.
    ws : (d,) array, nonzero
        The target w*.
    lrs : sequence of float > 0, default ``np.logspace(-5, 1, 7)``
    steps : int >= 1, default 100
    batch : int >= 1, default 10 000
    beta : float > 0, default 1
        Inverse temperature of the logistic loss.
    seed : int, sequence of int, SeedSequence or Generator, default 0
    population : bool, default False
        Use the exact expected gradient instead of sampled batches.
    show_progress : bool, default False
    desc : str, default "SFT steps"
        Progress-bar label.
    Sigma : (d, d) SPD array, optional
        Data covariance (default identity).

    Returns
    -------
    dict
        Per-teacher arrays: ``gain`` (best accuracy gain over steps and step sizes,
        early stopping), ``gain_by_lr`` (len(lrs), K), ``best_lr`` (NaN where no step
        size helps), ``R`` (relative correlation, Eq. 2), ``rate`` (first-order cosine
        rate), ``curves`` (len(lrs), K, steps+1 accuracies), ``inner``/``norm``
        (⟨w_k, w*⟩ and ‖w_k‖ along the runs), ``acc0``, ``teacher_acc`` and the
        confusion tables of the predictions R > 0 (``confusion``, Eq. 2) and ċ > 0
        (``confusion_rate``, exact first-order rate, which differs from R > 0 only for
        anisotropic Σ) against the observation gain > 0.

    Examples
    --------
    A tiny run (4 teachers, 2 step sizes, 5 steps):

    >>> w0, T, ws = random_setup(d=10, n_teachers=4, seed=0)
    >>> out = run(w0, T, ws, lrs=[0.1, 1.0], steps=5, batch=100, seed=0)
    >>> out["curves"].shape, out["gain"].shape
    ((2, 4, 6), (4,))
    >>> sum(out["confusion"].values())
    4
    """
    cos, inner, norm = simulate_sft(w0, T, ws, lrs, steps, batch, beta=beta, seed=seed,
                                    population=population, show_progress=show_progress, full=True,
                                    desc=desc, Sigma=Sigma)
    acc = 1 - np.arccos(np.clip(cos, -1, 1)) / math.pi
    gain_by_lr = acc.max(axis=2) - acc[:, :, :1].max(axis=2)
    gain = gain_by_lr.max(axis=0)
    R = relative_correlation(np.broadcast_to(w0, T.shape), T, ws, Sigma)
    rate = cosine_rate(np.broadcast_to(w0, T.shape), T, ws, Sigma, beta)[0]
    return dict(acc0=float(accuracy(w0, ws, Sigma)), teacher_acc=accuracy(T, ws, Sigma), gain=gain,
                gain_by_lr=gain_by_lr,
                best_lr=np.where(gain > 0, np.asarray(lrs)[gain_by_lr.argmax(axis=0)], np.nan),
                R=R, rate=rate, curves=acc, inner=inner, norm=norm, confusion=confusion(R > 0, gain > 0),
                confusion_rate=confusion(rate > 0, gain > 0))


def confusion(pred, obs):
    """2×2 table {(predicted, observed): count} for boolean arrays.

    Parameters
    ----------
    pred, obs : array_like of bool, same shape
        Predicted and observed outcomes (e.g. R > 0 and gain > 0).

    Returns
    -------
    dict
        Counts under the keys ``"pred+obs+"``, ``"pred+obs-"``, ``"pred-obs+"``, ``"pred-obs-"``.

    Examples
    --------
    >>> confusion([True, True, False], [True, False, False])
    {'pred+obs+': 1, 'pred+obs-': 1, 'pred-obs+': 0, 'pred-obs-': 1}
    """
    pred, obs = np.asarray(pred, bool), np.asarray(obs, bool)
    return {"pred+obs+": int(np.sum(pred & obs)), "pred+obs-": int(np.sum(pred & ~obs)),
            "pred-obs+": int(np.sum(~pred & obs)), "pred-obs-": int(np.sum(~pred & ~obs))}
