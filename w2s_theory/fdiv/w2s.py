"""Weak-to-strong training with f-divergence losses on a Gaussian-mixture task.

Model (our choice; Yao et al. 2025 give only an abstract, see
``docs/theory/fdiv.rst`` for the reasons behind each choice):

* data: ``y = +-1`` with probability 1/2, ``x = y mu + z``, ``z ~ N(0, I_d)``,
  ``mu = (signal/sqrt d) (1, ..., 1)``;
* weak teacher: sees a *restricted and noisy view* ``v = x_S + tau xi``
  (``S`` = first ``d_weak`` coordinates, ``xi ~ N(0, I)`` independent of
  ``x``), is a logistic regression trained on ``n_weak`` labelled samples,
  and outputs soft labels ``p_T = sigmoid(w_T . v + b_T)``;
* strong student: the full representation ``h_s(x) = x`` with a trained
  linear head ``(w, b)`` (the abstract's "strong pre-trained model" with a
  fitted head), trained by minimising the empirical f-divergence risk
  ``(1/n) sum_i D_f(Bern(p_T,i) || Bern(sigmoid(w . x_i + b)))`` on ``n``
  fresh unlabelled samples (BFGS with the closed-form logit gradient);
* label noise: each teacher soft label is replaced by ``1 - p_T`` with
  probability ``eta`` (symmetric flips of the supervision).

Test errors are exact (no test sample): for a head ``(w, b)`` on ``x``,
``err = (Phi(-(w.mu + b)/|w|) + Phi(-(w.mu - b)/|w|))/2``, and for the
teacher the same with ``|w|`` replaced by ``|w_T| sqrt(1 + tau^2)`` and
``mu`` by ``mu_S``.  The strong ceiling is the Bayes error ``Phi(-signal)``,
which logistic regression on ground truth attains in population (the model
``P(y=1|x) = sigmoid(2 mu . x)`` is well specified).

Performance gap recovered (Burns et al. 2023):
``PGR = (err_weak - err_w2s) / (err_weak - err_ceiling)``.
"""
from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import sympy as sp
from scipy.optimize import minimize
from scipy.special import expit

from .._numeric import Formula, Param
from .divergences import KL, FDivergence, check_simplex, get


@dataclasses.dataclass(frozen=True)
class GaussianMixtureW2S:
    """The weak-to-strong Gaussian-mixture setting (frozen, validated).

    Parameters
    ----------
    d : int, >= 2
        Dimension of the strong representation ``x``.
    d_weak : int, in [1, d]
        Number of coordinates the weak teacher sees.
    signal : float, > 0
        ``|mu|``; the Bayes error is ``Phi(-signal)``.
    tau : float, >= 0
        Noise of the weak view.  ``tau = 0`` puts the teacher inside the
        student's function class.

    Returns
    -------
    GaussianMixtureW2S
        With ``mu``, ``sample(rng, n)``, the exact errors ``error(w, b)`` and
        ``weak_error(w, b)``, and ``bayes_error``, ``restricted_error``.

    Raises
    ------
    ValueError
        If a parameter is outside its range (the message names it).

    Examples
    --------
    >>> model = GaussianMixtureW2S(d=4, d_weak=2, signal=2.0, tau=1.0)
    >>> round(model.bayes_error, 6), round(model.restricted_error, 6)    # Φ(−2), Φ(−√2)
    (0.02275, 0.07865)
    >>> round(model.error(np.ones(4), 0.0), 6)                           # the Bayes rule
    0.02275
    >>> x, y, v = model.sample(np.random.default_rng(0), 3)
    >>> x.shape, y, v.shape
    ((3, 4), array([1., 1., 1.]), (3, 2))
    """

    d: int = 20
    d_weak: int = 10
    signal: float = 2.0
    tau: float = 1.0

    def __post_init__(self):
        for name, lo in (("d", 2), ("d_weak", 1)):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < lo:
                raise ValueError(f"{name} must be an integer >= {lo}; got {v!r}")
        if self.d_weak > self.d:
            raise ValueError(f"d_weak must be in [1, d={self.d}]; got {self.d_weak}")
        for name, strict in (("signal", True), ("tau", False)):
            v = getattr(self, name)
            if (isinstance(v, bool) or not isinstance(v, (int, float, np.floating))
                    or not math.isfinite(v) or v < 0 or (strict and v == 0)):
                raise ValueError(f"{name} must be a finite real in {'(0' if strict else '[0'}, inf); "
                                 f"got {v!r}")

    @property
    def mu(self) -> np.ndarray:
        return np.full(self.d, self.signal / math.sqrt(self.d))

    def sample(self, rng, n: int):
        """``(x, y, v)``: strong features, labels, weak view."""
        y = rng.choice([-1.0, 1.0], size=n)
        x = y[:, None] * self.mu + rng.standard_normal((n, self.d))
        v = x[:, :self.d_weak] + self.tau * rng.standard_normal((n, self.d_weak))
        return x, y, v

    def error(self, w, b) -> float:
        """Exact test error of ``sign(w . x + b)``."""
        return _gauss_error(float(np.dot(w, self.mu)), float(b), float(np.linalg.norm(w)))

    def weak_error(self, w, b) -> float:
        """Exact test error of ``sign(w . v + b)`` on the weak view."""
        m = float(np.dot(w, self.mu[:self.d_weak]))
        return _gauss_error(m, float(b), float(np.linalg.norm(w)) * math.sqrt(1 + self.tau ** 2))

    @property
    def bayes_error(self) -> float:
        return _gauss_error(self.signal, 0.0, 1.0)  # Phi(-signal)

    @property
    def restricted_error(self) -> float:
        """Bayes error using only the coordinates in ``S`` (no view noise)."""
        return _gauss_error(self.signal * math.sqrt(self.d_weak / self.d), 0.0, 1.0)


_m, _b, _s = sp.symbols("m b s", real=True)


def _Phi(x):
    return sp.erfc(-x / sp.sqrt(2)) / 2


#: Test error of sign(w.x + b) when, given y, w.x ~ N(y m, s^2):
#: ``(Phi(-(m + b)/s) + Phi(-(m - b)/s)) / 2`` (single SymPy source).
GAUSS_ERROR = Formula((_Phi(-(_m + _b) / _s) + _Phi(-(_m - _b) / _s)) / 2,
                      [Param("m", -math.inf, math.inf), Param("b", -math.inf, math.inf),
                       Param("s", 0.0, math.inf)], [_m, _b, _s], name="gauss_error")


def _gauss_error(m: float, b: float, s: float) -> float:
    if s == 0:  # w = 0: the constant classifier sign(b) is right half of the time
        return 0.5
    return GAUSS_ERROR(m, b, s)


_UMAX = 500.0  # logits beyond this are never visited by a sane fit (sigmoid underflows at ~745)


#: rows per block of :func:`_binary_objective` with ``blocks=True``
_BLOCK_ROWS = 4096


def _binary_objective(div: FDivergence, X1, P2, ridge: float, blocks: bool = False):
    """Mean D_f(teacher || student) over samples, and its gradient in (w, b).

    Trial points of the line search with some ``|logit| > 500`` get a steep
    finite barrier ``1e6 (1 + max|u| - 500)`` instead of the loss (which
    would need sigmoid values below the float64 range); the optimum is far
    inside, so the barrier only makes the line search backtrack.

    ``blocks=True`` (for large samples, e.g. a reference sample of 1e5 rows) evaluates the
    per-sample losses and gradients in blocks of :data:`_BLOCK_ROWS` rows into one array:
    every per-sample value is computed by the same row-wise operations, and the mean and
    ``X1.T @ g`` are then taken over the whole array as without blocks (the same floats),
    while the temporaries stay small (fresh megabyte-sized arrays cost page faults).
    """
    n = len(X1)

    def loss_grad(u):
        if not blocks or n <= _BLOCK_ROWS:
            return div._loss_grad_np(P2, np.stack([u, np.zeros_like(u)], -1))
        loss, g = np.empty(n), np.empty((n, 2))
        for i in range(0, n, _BLOCK_ROWS):
            r = slice(i, i + _BLOCK_ROWS)
            loss[r], g[r] = div._loss_grad_np(P2[r], np.stack([u[r], np.zeros_like(u[r])], -1))
        return loss, g

    def fun(theta):
        u = X1 @ theta
        k = int(np.argmax(np.abs(u)))
        if abs(u[k]) > _UMAX:
            return 1e6 * (1 + abs(u[k]) - _UMAX), 1e6 * np.sign(u[k]) * X1[k]
        loss, g = loss_grad(u)  # P2 validated once in fit_head
        w = theta[:-1]
        val = loss.mean() + 0.5 * ridge * (w @ w)
        grad = X1.T @ g[:, 0] / n
        grad[:-1] += ridge * w
        return val, grad
    return fun


def fit_head(div, X, p, *, ridge: float = 0.0, theta0=None, gtol: float = 1e-10,
             maxiter: int = 2000) -> np.ndarray:
    """Minimise ``mean_i D_f(Bern(p_i) || Bern(sigmoid(w . x_i + b))) + ridge |w|^2/2``.

    Parameters
    ----------
    div : FDivergence or str
        The loss (a standard name such as ``"kl"`` or an :class:`FDivergence`).
    X : array, shape (n, d)
        Finite features.
    p : array, shape (n,)
        Teacher probabilities in ``[0, 1]`` (in ``(0, 1)`` for reverse KL / Jeffreys).
    ridge : float
        L2 penalty on ``w`` (0 in all experiments).
    theta0 : array, shape (d + 1,), optional
        Starting point (default 0).

    Returns
    -------
    theta : array, shape (d + 1,)
        ``(w, b)``.

    Raises
    ------
    ValueError
        If shapes disagree, X is not finite, p is not in [0, 1] (or (0, 1)
        where the loss needs it).
    RuntimeError
        If the logits run off to infinity (no finite minimiser).

    Examples
    --------
    Soft labels from a logistic model are recovered by the KL fit:

    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((400, 2))
    >>> p = 1 / (1 + np.exp(-(X @ [1.0, -2.0] + 0.5)))
    >>> fit_head("kl", X, p).round(6)
    array([ 1. , -2. ,  0.5])
    """
    div = get(div)
    X = np.asarray(X, float)
    p = np.asarray(p, float)
    if X.ndim != 2 or p.shape != (len(X),):
        raise ValueError(f"X must be (n, d) and p (n,); got {X.shape} and {p.shape}")
    X1 = np.hstack([X, np.ones((len(X), 1))])
    if not np.isfinite(X1).all():
        raise ValueError("X must be finite")
    P2 = check_simplex("p", np.stack([p, 1 - p], -1))
    if (P2 == 0).any() and not np.isfinite(float(div.a_at_0)):
        raise ValueError(f"p must be in (0, 1) for the {div.name} loss")
    theta0 = np.zeros(X1.shape[1]) if theta0 is None else np.asarray(theta0, float)
    # BFGS (numpy) rather than L-BFGS-B: the latter calls threaded BLAS on
    # every iteration, which is ~100x slower on a loaded machine.
    with warnings.catch_warnings():
        # scipy's LineSearchWarning (a RuntimeWarning, not public API): expected
        # for the non-smooth TV loss; the result is checked by the claims/tests.
        warnings.filterwarnings("ignore", message=".*line search.*", category=RuntimeWarning)
        res = minimize(_binary_objective(div, X1, P2, ridge, blocks=True), theta0, jac=True,
                       method="BFGS", options=dict(gtol=gtol, maxiter=maxiter))
    if np.abs(X1 @ res.x).max() > 0.9 * _UMAX:
        raise RuntimeError(f"{div.name} fit ran to logits of {_UMAX:g}: the minimiser is "
                           "(near) unbounded for this data")
    return res.x


def train_teacher(model: GaussianMixtureW2S, rng, n_weak: int, ridge: float = 1e-3):
    """Logistic regression on ``n_weak`` labelled weak views (cross-entropy = KL with one-hot).

    Parameters
    ----------
    model : GaussianMixtureW2S
    rng : numpy.random.Generator
    n_weak : int
        Labelled samples.
    ridge : float, optional
        L2 penalty; default 1e-3.

    Returns
    -------
    ndarray, shape (d_weak + 1,)
        The teacher head ``(w_T, b_T)`` on the weak view.

    Examples
    --------
    >>> model = GaussianMixtureW2S(d=4, d_weak=2, signal=2.0, tau=1.0)
    >>> th = train_teacher(model, np.random.default_rng(0), 200)
    >>> th.shape, round(model.weak_error(th[:-1], th[-1]), 3)
    ((3,), 0.163)
    """
    _, y, v = model.sample(rng, n_weak)
    return fit_head(KL, v, (y > 0).astype(float), ridge=ridge)


def embed_teacher(model: GaussianMixtureW2S, theta_T) -> np.ndarray:
    """The teacher's head as a head on ``x`` (zeros outside ``S``); with
    ``tau = 0`` it produces exactly the teacher's soft labels.

    Parameters
    ----------
    model : GaussianMixtureW2S
    theta_T : array_like, shape (d_weak + 1,)
        Teacher head.

    Returns
    -------
    ndarray, shape (d + 1,)

    Examples
    --------
    >>> model = GaussianMixtureW2S(d=4, d_weak=2, signal=2.0, tau=1.0)
    >>> embed_teacher(model, np.array([1.0, 2.0, 0.5]))
    array([1. , 2. , 0. , 0. , 0.5])
    """
    th = np.zeros(model.d + 1)
    th[:model.d_weak] = theta_T[:-1]
    th[-1] = theta_T[-1]
    return th


def teacher_probs(theta_T, v) -> np.ndarray:
    """Teacher soft labels ``sigmoid(w_T . v + b_T)``.

    Parameters
    ----------
    theta_T : array_like, shape (d_weak + 1,)
        Teacher head ``(w_T, b_T)``.
    v : array_like, shape (n, d_weak)
        Weak views.

    Returns
    -------
    ndarray, shape (n,)
        Probabilities in (0, 1).

    Examples
    --------
    >>> teacher_probs(np.array([1.0, 0.0]), np.array([[0.0], [np.log(3.0)]])).round(12)
    array([0.5 , 0.75])
    """
    return expit(v @ theta_T[:-1] + theta_T[-1])


def flip(rng, p, eta: float) -> np.ndarray:
    """Replace each soft label by ``1 - p`` with probability ``eta``.

    Parameters
    ----------
    rng : numpy.random.Generator
    p : array_like, shape (n,)
        Soft labels.
    eta : float in [0, 0.5)
        Flip probability.

    Returns
    -------
    ndarray, shape (n,)

    Raises
    ------
    ValueError
        If eta is outside [0, 0.5).

    Examples
    --------
    >>> flip(np.random.default_rng(0), np.array([0.9, 0.9, 0.9, 0.9]), 0.4)
    array([0.9, 0.1, 0.1, 0.1])
    """
    if not (0 <= eta < 0.5):
        raise ValueError(f"eta must be in [0, 0.5); got {eta!r}")
    return np.where(rng.random(len(p)) < eta, 1 - p, p)


def population_student(model: GaussianMixtureW2S, theta_T, div, *, nodes: int = 8):
    """Population minimiser of the f-risk over student heads, and its exact test error.

    The student minimises ``R(w, b) = E D_f(Bern(p_T) || Bern(sigmoid(w . x + b)))``
    with ``p_T = sigmoid(w_T . (x_S + tau xi) + b_T)``.  Write ``e1 = mu/|mu|``
    and ``e2`` the unit vector of the embedded teacher weights ``w~`` orthogonal
    to ``e1``; then ``x . e1 = y |mu| + z1``, ``x . e2 = z2`` and the teacher
    logit is ``c1 (y|mu| + z1) + c2 z2 + b_T + tau |w_T| g`` with ``z1, z2, g``
    i.i.d. N(0, 1) independent of ``y``.  Directions orthogonal to
    ``(e1, e2)`` are independent of everything else, so the minimiser lies in
    that plane: ``R`` is a 3-dimensional Gaussian integral (times the two
    labels), computed by tensor Gauss-Hermite quadrature with ``nodes`` points
    per axis and minimised by BFGS over ``(alpha, beta, b)``.

    Two losses have the *denoised teacher* ``(w~, b_T)`` as exact minimiser
    (no quadrature): reverse KL (the minimiser's logit is ``E[u_T | x]``) and
    TV (the median of ``p_T`` given ``x``, ``sigmoid(E[u_T | x])`` by the
    symmetry of ``g``).  Derived here for the model of this module.

    Parameters
    ----------
    model : GaussianMixtureW2S
    theta_T : array, shape (d_weak + 1,)
        The teacher's head ``(w_T, b_T)`` on the weak view.
    div : FDivergence or str
    nodes : int, >= 4
        Gauss-Hermite nodes per axis (8 gives the test error to ~1e-8).

    Returns
    -------
    (err, theta) : float and array of shape (d + 1,)
        Exact test error of the population student and its head on ``x``.

    Examples
    --------
    >>> m = GaussianMixtureW2S(d=4, d_weak=2, signal=2.0, tau=1.0)
    >>> th_T = np.array([1.0, 0.5, 0.1])
    >>> err, th = population_student(m, th_T, "tv")
    >>> bool(np.allclose(th, embed_teacher(m, th_T)))
    True
    >>> err_kl, _ = population_student(m, th_T, "kl")
    >>> bool(abs(err_kl - err) < 0.01)
    True
    """
    div = get(div)
    if isinstance(nodes, bool) or not isinstance(nodes, (int, np.integer)) or nodes < 4:
        raise ValueError(f"nodes must be an integer >= 4; got {nodes!r}")
    wt = embed_teacher(model, np.asarray(theta_T, float))
    w, b_T = wt[:-1], wt[-1]
    e1 = model.mu / np.linalg.norm(model.mu)
    c1 = float(w @ e1)
    r = w - c1 * e1
    c2 = float(np.linalg.norm(r))
    if div.name in ("reverse_kl", "tv") or c2 == 0:
        if div.name not in ("reverse_kl", "tv"):
            raise ValueError("theta_T: the teacher has no component orthogonal to mu; the "
                             "quadrature plane is degenerate")
        return model.error(w, b_T), wt
    e2 = r / c2
    sig_n = model.tau * float(np.linalg.norm(theta_T[:-1]))
    x, wq = np.polynomial.hermite_e.hermegauss(int(nodes))
    wq = wq / wq.sum()
    Y, Z1, Z2, G = np.meshgrid([-1.0, 1.0], x, x, x, indexing="ij")
    W = (0.5 * wq[None, :, None, None] * wq[None, None, :, None] * wq[None, None, None, :]
         * np.ones((2, 1, 1, 1))).ravel()
    T1 = (Y * model.signal + Z1).ravel()
    Z2 = Z2.ravel()
    pT = expit(c1 * T1 + c2 * Z2 + b_T + sig_n * G.ravel())
    P2 = np.stack([pT, 1 - pT], -1)
    F = np.stack([T1, Z2, np.ones_like(T1)], 1)

    def fun(th):
        u = F @ th
        loss, g = div._loss_grad_np(P2, np.stack([u, np.zeros_like(u)], -1))
        return W @ loss, F.T @ (W * g[:, 0])

    a, b2, c = minimize(fun, np.array([c1, c2, b_T]), jac=True, method="BFGS",
                        options=dict(gtol=1e-9)).x
    theta = np.append(a * e1 + b2 * e2, c)
    return model.error(theta[:-1], theta[-1]), theta


def pgr(err_weak: float, err_student: float, err_ceiling: float) -> float:
    """Performance gap recovered (Burns et al. 2023).

    PGR = (err_weak − err_student) / (err_weak − err_ceiling): 0 when the
    student only matches the teacher, 1 when it reaches the ceiling.

    Parameters
    ----------
    err_weak, err_student, err_ceiling : float
        Test errors of the teacher, the student and the strong ceiling.

    Returns
    -------
    float

    Examples
    --------
    >>> round(pgr(0.3, 0.2, 0.1), 12)
    0.5
    """
    return (err_weak - err_student) / (err_weak - err_ceiling)


def w2s_trial(model: GaussianMixtureW2S, divs, rng, *, n: int, n_weak: int, etas=(0.0,),
              warm: bool = True, theta_T=None):
    """One seed: train a teacher (unless ``theta_T`` is given), then one student per (loss, eta).

    With ``warm`` every non-KL loss starts BFGS from the KL (convex) fit
    on the same data, which makes the non-smooth TV fit ~10x cheaper;
    otherwise all start from zero.

    Returns ``{"err_weak": .., "err_ceiling": .., (name, eta): {"err": .., "pgr": ..}}``;
    a fit whose logits run off to infinity (the empirical risk has no finite
    minimiser, seen for reverse KL with flipped near-0/1 labels at small n)
    is recorded with ``err = pgr = nan``.

    Parameters
    ----------
    model : GaussianMixtureW2S
    divs : sequence of FDivergence or str
        Student losses.
    rng : numpy.random.Generator
    n, n_weak : int
        Student (unlabelled) and teacher (labelled) sample sizes.
    etas : sequence of float in [0, 0.5), optional
        Label-flip probabilities.
    warm : bool, optional
        Warm-start non-KL fits from the KL fit.

    Returns
    -------
    dict
        ``err_weak``, ``err_ceiling``, ``theta_T`` and, per ``(loss name, eta)``,
        ``{"err", "pgr", "theta"}``.

    Examples
    --------
    >>> model = GaussianMixtureW2S(d=4, d_weak=2, signal=2.0, tau=1.0)
    >>> out = w2s_trial(model, ["kl", "tv"], np.random.default_rng(0), n=200, n_weak=50)
    >>> sorted(k for k in out if isinstance(k, tuple))
    [('kl', 0.0), ('tv', 0.0)]
    >>> round(out["err_weak"], 3), round(out[("kl", 0.0)]["err"], 3), round(out["err_ceiling"], 3)
    (0.171, 0.122, 0.023)
    """
    theta_T = train_teacher(model, rng, n_weak) if theta_T is None else np.asarray(theta_T, float)
    err_w = model.weak_error(theta_T[:-1], theta_T[-1])
    x, _, v = model.sample(rng, n)
    p = teacher_probs(theta_T, v)
    out = {"err_weak": err_w, "err_ceiling": model.bayes_error, "theta_T": theta_T}
    for eta in etas:
        pn = flip(rng, p, eta) if eta > 0 else p
        th0 = fit_head(KL, x, pn) if warm else None
        for d in divs:
            d = get(d)
            try:
                th = th0 if (d is KL and warm) else fit_head(d, x, pn, theta0=th0)
            except RuntimeError:  # ran off to infinite logits (reverse KL under noise)
                out[(d.name, eta)] = {"err": math.nan, "pgr": math.nan, "theta": None}
                continue
            e = model.error(th[:-1], th[-1])
            out[(d.name, eta)] = {"err": e, "pgr": pgr(err_w, e, model.bayes_error), "theta": th}
    return out


def fit_rate(ns, values):
    """Per-seed least-squares slope of ``log value`` on ``log n``; returns
    ``(rate, se, ci95)`` with ``rate = -mean slope`` and a t-interval over seeds.

    ``values`` has shape (seeds, len(ns)); seeds are independent, so the
    per-seed slopes are i.i.d. and the t-interval is exact for normal slopes.

    Parameters
    ----------
    ns : array_like, shape (k,)
        Sample sizes.
    values : array_like, shape (seeds, k)
        Positive values per seed and n.

    Returns
    -------
    (rate, se, ci95) : (float, float, (float, float))

    Examples
    --------
    >>> ns = np.array([100, 200, 400])
    >>> vals = np.array([1.0 / ns, 1.1 / ns, 0.9 / ns ** 1.1])
    >>> rate, se, ci = fit_rate(ns, vals)
    >>> round(rate, 4), round(se, 4)
    (1.0333, 0.0333)
    """
    from scipy.special import stdtrit     # = scipy.stats.t.ppf, without importing scipy.stats
    ln = np.log(np.asarray(ns, float))
    lv = np.log(np.asarray(values, float))
    A = np.vstack([ln, np.ones_like(ln)]).T
    slopes = np.linalg.lstsq(A, lv.T, rcond=None)[0][0]
    m, s = -slopes.mean(), slopes.std(ddof=1) / math.sqrt(len(slopes))
    q = stdtrit(len(slopes) - 1, 0.975)
    return float(m), float(s), (float(m - q * s), float(m + q * s))


def excess_risk_curve(model: GaussianMixtureW2S, div, rng, *, ns, seeds: int, n_ref: int,
                      eta: float = 0.0, theta_T=None, progress=None):
    """Excess population f-risk of the ERM head vs ``n``.

    A fixed teacher and a fixed reference sample of size ``n_ref`` stand in
    for the population: ``excess(n) = R_ref(theta_n) - R_ref(theta_ref)``
    with ``theta_ref`` the minimiser of ``R_ref`` (so excess >= 0 up to
    optimiser tolerance).  Returns an array (seeds, len(ns)).

    Parameters
    ----------
    model : GaussianMixtureW2S
    div : FDivergence or str
        Student loss.
    rng : numpy.random.Generator
        Must carry a SeedSequence (``numpy.random.default_rng(seed)``).
    ns : sequence of int
        Sample sizes.
    seeds : int
        Independent repetitions.
    n_ref : int
        Size of the reference sample standing in for the population.
    eta : float in [0, 0.5), optional
        Label-flip probability.
    theta_T : array_like, optional
        Teacher head (trained on 500 samples if None).
    progress : callable, optional
        Wrapper of the seed loop (e.g. tqdm).

    Returns
    -------
    ndarray, shape (seeds, len(ns))
        Excess risks (≥ 0 up to optimiser tolerance).

    Examples
    --------
    >>> model = GaussianMixtureW2S(d=4, d_weak=2, signal=2.0, tau=1.0)
    >>> ex = excess_risk_curve(model, "kl", np.random.default_rng(0), ns=[50, 400], seeds=2,
    ...                        n_ref=2000)
    >>> ex.shape, bool(np.all(ex > -1e-8)), bool(np.all(ex[:, 1] < ex[:, 0]))
    ((2, 2), True, True)
    """
    div = get(div)
    seeds_rng = [np.random.default_rng(s) for s in rng.bit_generator.seed_seq.spawn(seeds + 1)]
    ref_rng = seeds_rng.pop()
    if theta_T is None:
        theta_T = train_teacher(model, ref_rng, 500)
    xr, _, vr = model.sample(ref_rng, n_ref)
    pr = teacher_probs(theta_T, vr)
    pr = flip(ref_rng, pr, eta) if eta > 0 else pr
    X1r = np.hstack([xr, np.ones((n_ref, 1))])
    objective = _binary_objective(div, X1r, np.stack([pr, 1 - pr], -1), 0.0)
    th_ref = fit_head(div, xr, pr)
    r_ref = objective(th_ref)[0]
    out = np.empty((seeds, len(ns)))
    it = range(seeds) if progress is None else progress(range(seeds))
    for s in it:
        for j, n in enumerate(ns):
            x, _, v = model.sample(seeds_rng[s], n)
            p = teacher_probs(theta_T, v)
            p = flip(seeds_rng[s], p, eta) if eta > 0 else p
            th = fit_head(div, x, p, theta0=th_ref)
            out[s, j] = objective(th)[0] - r_ref
    return out
