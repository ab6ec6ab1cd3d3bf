"""The weak-to-strong pipeline: teacher on labelled data -> pseudo-labels -> student.

Source: Oh, Song & Yun (2025), abstract, and ``docs/theory/cnn.rst`` ("weak model trained
on true labels -> pseudo-labels on fresh data -> strong model trained by
full-batch gradient descent on the logistic loss").
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from .._numeric import seed_sequence
from .data import BOTH, EASY, HARD, N_SIGNAL, PatchModel, _check_int, _check_real
from .models import (init_relu_cnn, linear_cnn_error, linear_cnn_output, linear_cnn_summary,
                     logistic_loss, relu_cnn_output,
                     train_linear_cnn, train_relu_cnn)


@dataclasses.dataclass(frozen=True)
class Setting:
    """One weak-to-strong experiment (validated, frozen).

    Parameters
    ----------
    model : PatchModel
    n_teacher : int >= 1
        Labelled samples for the weak teacher (observed labels, with noise).
    n_student : int >= 1
        Fresh unlabelled samples, pseudo-labelled by the teacher (``n_st``).
    m : int >= 1
        Filters per class of the student.
    sigma0 : float in (0, inf)
        Student initialisation scale.
    lr, steps : student GD step size in (0, inf) and number of steps (>= 1).
    teacher_lr, teacher_steps : the same for the teacher.
    n_test : int >= 1
        Fresh test samples for the student's test error (clean labels).

    Returns
    -------
    Setting
        Run it with :func:`run`.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it).

    Examples
    --------
    >>> from w2s_theory.cnn.data import PatchModel
    >>> model = PatchModel(d=20, mu_norm=4.0, nu_norm=2.0, sigma_p=0.5,
    ...                    p_easy=0.5, p_hard=0.2, p_both=0.3)
    >>> s = Setting(model, n_teacher=40, n_student=30, m=2, sigma0=0.01, lr=1.0, steps=20,
    ...             teacher_lr=0.1, teacher_steps=50, n_test=200)
    >>> s.n_student, s.model.d
    (30, 20)
    """

    model: PatchModel
    n_teacher: int
    n_student: int
    m: int
    sigma0: float
    lr: float
    steps: int
    teacher_lr: float
    teacher_steps: int
    n_test: int = 4000

    def __post_init__(self):
        if not isinstance(self.model, PatchModel):
            raise ValueError("model must be a PatchModel")
        for name in ("n_teacher", "n_student", "m", "steps", "teacher_steps", "n_test"):
            object.__setattr__(self, name, _check_int(name, getattr(self, name), 1))
        for name in ("sigma0", "lr", "teacher_lr"):
            object.__setattr__(self, name, _check_real(name, getattr(self, name), 0.0,
                                                       math.inf, False, False))

    def replace(self, **kw) -> "Setting":
        """A copy with fields replaced; PatchModel fields (``d``, ``nu_norm``, ...) allowed."""
        model_kw = {k: kw.pop(k) for k in list(kw) if k in {f.name for f in
                                                           dataclasses.fields(PatchModel)}}
        model = dataclasses.replace(self.model, **model_kw) if model_kw else self.model
        return dataclasses.replace(self, model=kw.pop("model", model), **kw)

    @property
    def snr_quantity(self) -> float:
        """``n_st p_b² ‖ν‖⁴ / (σ_p⁴ d)`` (Oh, Song & Yun 2025, Thm 3.4)."""
        return self.model.snr_quantity(self.n_student)


def log_steps(steps: int, k: int = 25) -> np.ndarray:
    """About *k* log-spaced integer steps in ``[0, steps]``, including both ends.

    Parameters
    ----------
    steps : int >= 1
        Last step.
    k : int, optional
        Number of log-spaced points before deduplication; default 25.

    Returns
    -------
    ndarray of int
        Sorted unique steps.

    Raises
    ------
    ValueError
        If steps < 1.

    Examples
    --------
    >>> log_steps(100, k=5)
    array([  0,   1,   3,  10,  32, 100])
    """
    steps = _check_int("steps", steps, 1)
    return np.unique(np.concatenate([[0], np.geomspace(1, steps, k).round().astype(int)]))


def _test_space(model: PatchModel, W0, train):
    """The test data model and the map of student weights into it.

    Every GD iterate's noise part lies in ``V = span{noise parts of the rows of W0, ξ_i}``
    (the gradient's noise part is a combination of the training ``ξ_i``), and for test noise
    ``ξ ~ N(0, σ_p² (I − P_signal))`` and an orthonormal basis ``Q`` of ``V``,
    ``⟨w, ξ⟩ = ⟨Qᵀw, Qᵀξ⟩`` with ``Qᵀξ ~ N(0, σ_p² I_k)``.  So when ``k = dim V`` is well
    below ``d − 3`` the test set is drawn exactly in the same law in dimension ``3 + k``
    (signal coordinates unchanged, same label/type/sign streams) and weights are mapped by
    ``w ↦ (w_signal, Qᵀ w_noise)``: the student's test outputs have the same joint law at
    every recorded step, at ``O(n_test k)`` instead of ``O(n_test d)`` cost.
    """
    d = model.d
    B = np.concatenate([W0.reshape(-1, d), train.noise])[:, N_SIGNAL:]
    k = B.shape[0]
    if 2 * k > d - N_SIGNAL:
        return model, lambda W: W
    # Q (d − 3, k) with orthonormal columns, kept as LAPACK's Householder reflectors: Qᵀ is
    # applied to the few recorded weights (dormqr) instead of forming Q (dorgqr), half the
    # cost of numpy's qr; the same Q up to rounding
    from scipy.linalg import lapack, qr
    (refl, tau), _ = qr(B.T, mode="raw", check_finite=False)
    m2 = W0.shape[0] * W0.shape[1]

    def qt(C):                                       # Qᵀ C for C of shape (d − 3, cols)
        lwork = max(1, 64 * C.shape[1])
        out, _, info = lapack.dormqr("L", "T", refl, tau, C, lwork)
        if info != 0:                                # pragma: no cover - LAPACK argument error
            raise RuntimeError(f"dormqr failed (info = {info})")
        return out[:k]

    def to_test(W):
        Wf = W.reshape(m2, d)
        return np.concatenate([Wf[:, :N_SIGNAL], qt(Wf[:, N_SIGNAL:].T).T], axis=1).reshape(
            W.shape[0], W.shape[1], N_SIGNAL + k)
    return dataclasses.replace(model, d=N_SIGNAL + k), to_test


def run(setting: Setting, seed, record=None) -> dict:
    """Run the pipeline once; return the teacher's and the student's metrics.

    Streams (teacher data, student data, test data, student init) are spawned
    from ``numpy.random.SeedSequence(seed)`` (*seed*: non-negative int, a
    sequence of them, or a SeedSequence).

    Parameters
    ----------
    setting : Setting
    seed : int >= 0, sequence of them, or SeedSequence
        Root of the four random streams.
    record : sequence of int, optional
        Steps at which the student is evaluated (default: :func:`log_steps`).

    Examples
    --------
    >>> from w2s_theory.cnn.data import PatchModel
    >>> model = PatchModel(d=20, mu_norm=4.0, nu_norm=2.0, sigma_p=0.5,
    ...                    p_easy=0.5, p_hard=0.2, p_both=0.3)
    >>> s = Setting(model, n_teacher=40, n_student=30, m=2, sigma0=0.01, lr=1.0, steps=20,
    ...             teacher_lr=0.1, teacher_steps=50, n_test=200)
    >>> out = run(s, seed=0, record=[0, 20])
    >>> [int(t) for t in out["steps"]], round(float(out["teacher_error"]), 4)
    ([0, 20], 0.1)
    >>> [round(float(e), 3) for e in out["test_error"]]
    [0.595, 0.095]

    Returns
    -------
    dict with

    * ``teacher_error``, ``teacher_error_hard``: exact clean test errors of
      the teacher (closed form :func:`linear_cnn_error`);
    * ``flip_rate``: fraction of student training samples whose pseudo-label
      differs from the clean label; ``flip_rate_hard`` the same on hard-only
      samples;
    * ``steps``: the recorded GD steps and, per step, ``train_fit`` (fraction
      of training samples with ``sign f = ỹ``), ``correction`` (fraction of
      flipped training samples with ``sign f = y``, the label-correction
      rate), ``test_error`` and ``test_error_hard`` (clean labels, fresh
      samples), ``test_error_se`` (binomial standard error), ``train_loss``
      and ``train_loss_clean`` (mean logistic loss of the student on its
      training set against the pseudo-labels it is trained on, and against
      the clean labels);
    * per data type of the student's training set (``easy``, ``hard``,
      ``both``): ``n_<type>`` samples, ``flips_<type>`` pseudo-labels that
      differ from the clean label, and the teacher's exact clean error
      ``teacher_error_<type>`` (:func:`linear_cnn_error`; ``teacher_error_hard``
      is 1/2 for every teacher).
    """
    s = setting
    ss = seed_sequence(seed)
    k_te, k_st, k_test, k_init = ss.spawn(4)
    teach = s.model.sample(s.n_teacher, k_te)
    w = train_linear_cnn(teach, teach.y_obs, s.teacher_steps, s.teacher_lr)
    train = s.model.sample(s.n_student, k_st)
    pseudo = np.where(linear_cnn_output(w, train) >= 0, 1, -1)
    flipped = pseudo != train.y
    W0 = init_relu_cnn(s.m, s.model.d, s.sigma0, k_init)
    test_model, to_test = _test_space(s.model, W0, train)
    test = test_model.sample(s.n_test, k_test)
    hard = test.kind == HARD
    record = log_steps(s.steps) if record is None else record

    def cb(t, W, f_train):
        pred = np.where(f_train >= 0, 1, -1)
        wrong = np.where(relu_cnn_output(to_test(W), test) >= 0, 1, -1) != test.y
        return (t, np.mean(pred == pseudo),
                np.mean(pred[flipped] == train.y[flipped]) if flipped.any() else np.nan,
                wrong.mean(), wrong[hard].mean() if hard.any() else np.nan,
                logistic_loss(pseudo * f_train).mean(), logistic_loss(train.y * f_train).mean())

    _, hist = train_relu_cnn(train, pseudo, W0, s.steps, s.lr, record=record, callback=cb)
    h = np.array(hist, dtype=float)
    n_test = s.n_test
    a_mu, a_p, a_m, s_perp = linear_cnn_summary(w, s.model)
    return dict(
        teacher_summary=(a_mu, a_p, a_m, s_perp),
        teacher_error=linear_cnn_error(w, s.model),
        teacher_error_hard=linear_cnn_error(w, s.model, "hard"),
        flip_rate=float(flipped.mean()),
        flip_rate_hard=float(flipped[train.kind == HARD].mean()) if (train.kind == HARD).any()
        else math.nan,
        n_flipped=int(flipped.sum()),
        steps=h[:, 0].astype(int), train_fit=h[:, 1], correction=h[:, 2],
        test_error=h[:, 3], test_error_hard=h[:, 4],
        test_error_se=np.sqrt(h[:, 3] * (1 - h[:, 3]) / n_test),
        train_loss=h[:, 5], train_loss_clean=h[:, 6],
        teacher_error_easy=linear_cnn_error(w, s.model, "easy"),
        teacher_error_both=linear_cnn_error(w, s.model, "both"),
        **{f"{key}_{name}": val for name, kind in (("easy", EASY), ("hard", HARD), ("both", BOTH))
           for key, val in (("n", int(np.sum(train.kind == kind))),
                            ("flips", int(np.sum(flipped[train.kind == kind]))))},
    )
