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
    """Cosine giving accuracy *acc* for elliptical data: c = cos(π(1 − acc))."""
    return math.cos(math.pi * (1 - acc))


def random_setup(d=D, student_norm=1.0, n_teachers=100, seed=0, student_acc=STUDENT_ACC,
                 teacher_acc=TEACHER_ACC, rho=None, Sigma=None):
    """(w0, teachers, w*): uniform on the cones of given accuracy (§3.1).

    With *rho* (array of length n_teachers) the teachers' errors (parts ⊥ w*)
    have cosine rho[k] with the student's error — correlated teachers.  With
    *Sigma*, cosines, norms and "uniform" are in the Σ-geometry (accuracies are
    exact for x ~ N(0, Σ)).
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
    """(w0, teachers, w*) from shared pretraining (§3.2); teachers normalised to unit norm."""
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

    Returns a dict with per-teacher arrays: ``gain`` (best accuracy gain over
    steps and step sizes, early stopping), ``gain_by_lr`` (len(lrs), K), ``best_lr`` (NaN where no step size helps),
    ``R`` (relative correlation, Eq. 2), ``rate`` (first-order cosine rate),
    ``curves`` (len(lrs), K, steps+1 accuracies), ``inner``/``norm`` (⟨w_k, w*⟩ and
    ‖w_k‖ along the runs) and the confusion tables of the predictions R > 0
    (``confusion``, Eq. 2) and ċ > 0 (``confusion_rate``, exact first-order rate,
    which differs from R > 0 only for anisotropic Σ) against the observation gain > 0.
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
    """2×2 table {(predicted, observed): count} for boolean arrays."""
    pred, obs = np.asarray(pred, bool), np.asarray(obs, bool)
    return {"pred+obs+": int(np.sum(pred & obs)), "pred+obs-": int(np.sum(pred & ~obs)),
            "pred-obs+": int(np.sum(~pred & obs)), "pred-obs-": int(np.sum(~pred & ~obs))}
