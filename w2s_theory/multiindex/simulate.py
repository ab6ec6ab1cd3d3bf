"""Seeded, vectorised numpy simulator of the one-step teacher and the spiked-init student.

See :mod:`~w2s_theory.multiindex.model` for the model.  Every repetition draws u1, u2 (a random orthonormal pair),
the data, the initial weights and the second layers from its own ``SeedSequence`` child, so
results are reproducible and repetitions independent.

Alignment metrics (all in [0, 1]) returned per repetition:

* ``teacher_u1``, ``teacher_u2``: <v, u_k>^2 for the top right singular vector v of the
  updated teacher weights W1 (Prop 10);
* ``student_u1``, ``student_u2``: ||P u_k||^2 with P the projection onto the top-2 right
  singular subspace of the updated student weights (Thm 11: the student carries two spikes);
* ``teacher_grad_u1``, ``teacher_grad_u2``: <v, u_k>^2 for the top right singular vector of
  the teacher's update W1 - W0 alone;
* ``teacher_opnorm_u1``, ``teacher_opnorm_u2``, ``student_opnorm_u1``, ``student_opnorm_u2``:
  ||W u_k|| / ||W||_op (the "||W u||/||W||" metric; note it does not vanish for a random
  direction when N ~ d, it tends to sqrt(alpha)/||W||_op);
* ``label_Ey2``, ``label_corr_u1``, ``label_norm2``: mean of y~^2 over the student's data,
  <X~^T y~/m, u1> and ||X~^T y~/m||^2 (intermediate quantities of the Thm 11 derivation);
* ``teacher_Ey2``: mean of y^2 over the teacher's training data (unbiased for E y^2 at every d);
* ``teacher_noise2``: mean of (y - sigma1(<u1,x>) - sigma2(<u2,x>))^2 (unbiased for tau^2);
* ``data_norm2``: ||X^T y/n||^2 of the teacher's data (exact mean known at every d);
* ``cv_g0_norm2``, ``cv_g0_data``: ||g0||^2 - 1 and <g0, X^T y/n> with g0 = W0^T a/sqrt(N) (teacher's
  initialisation), control variates of exactly zero mean at every d (used to reduce the variance of
  the label metrics, whose O(1/sqrt d) fluctuations are driven by g0).
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np
from scipy.sparse.linalg import LinearOperator, eigsh

from .._numeric import rng_from, seed_sequence
from .._progress import progress
from .model import MultiIndexSetting

METRICS = ("teacher_u1", "teacher_u2", "student_u1", "student_u2", "teacher_grad_u1",
           "teacher_grad_u2", "teacher_opnorm_u1", "teacher_opnorm_u2", "student_opnorm_u1",
           "student_opnorm_u2")

_CHUNK = 2048  # samples per block: bounds the N x chunk activation matrices in memory


def _real_matrix(name, W):
    try:
        A = np.asarray(W)
    except Exception as exc:  # pragma: no cover - exotic objects
        raise ValueError(f"{name} must be a real 2-D array; got {W!r}") from exc
    if A.dtype == object or A.dtype == bool or np.iscomplexobj(A) or not np.issubdtype(A.dtype, np.number):
        raise ValueError(f"{name} must be a real numeric 2-D array; got dtype {A.dtype}")
    if A.ndim != 2 or min(A.shape) < 1:
        raise ValueError(f"{name} must be a non-empty 2-D array (N x d); got shape {A.shape}")
    A = A.astype(float, copy=False)
    if not np.all(np.isfinite(A)):
        raise ValueError(f"{name} must be finite (no NaN/inf entries)")
    return A


def top_right_singular(W: np.ndarray, r: int, rng):
    """Top-r right singular vectors (d x r, orthonormal columns) and values of W.

    Lanczos on W^T W through matrix-vector products (2Nd flops each) with a seeded start
    vector (a dense SVD is slower even at d = 256 on a shared machine).

    Parameters
    ----------
    W : (N, d) finite real array, d >= 2
    r : int in [1, d - 1] (the Lanczos solver needs r < d)
    rng : numpy.random.Generator, or a seed accepted by
        :func:`w2s_theory._numeric.rng_from` (non-negative int, ...)

    Returns
    -------
    (V, s) : (d, r) orthonormal columns and the r singular values, largest first.  For
    W = 0 every unit vector is a singular vector: V are the first r standard basis vectors
    and s = 0.

    Raises
    ------
    ValueError
        If W is not a finite real (N, d) array with d >= 2, r is outside [1, d - 1], or rng
        is not a valid generator/seed.

    Examples
    --------
    >>> W = np.diag([3.0, 2.0, 1.0])
    >>> V, s = top_right_singular(W, 2, rng=0)
    >>> s.round(12)
    array([3., 2.])
    >>> np.abs(V).round(12)
    array([[1., 0.],
           [0., 1.],
           [0., 0.]])
    """
    W = _real_matrix("W", W)
    N, d = W.shape
    if d < 2:
        raise ValueError(f"W must have d >= 2 columns (the solver needs r < d); got shape {W.shape}")
    if isinstance(r, (bool, np.bool_)) or not isinstance(r, (int, np.integer)) or not 1 <= r <= d - 1:
        raise ValueError(f"r must be an integer in [1, d - 1] = [1, {d - 1}] for W of shape "
                         f"{W.shape}; got {r!r}")
    rng = rng_from(rng, "rng")
    v0 = rng.standard_normal(d)  # drawn first so every branch consumes rng alike
    top = np.abs(W).max()
    if top == 0:
        return np.eye(d)[:, :r], np.zeros(r)
    # rescale only where W^T W would over- or underflow (valid ordinary input is untouched)
    scale = top if not 1e-100 < top < 1e100 else 1.0
    Ws = W / scale if scale != 1.0 else W
    op = LinearOperator((d, d), matvec=lambda v: Ws.T @ (Ws @ v), dtype=float)
    vals, vecs = eigsh(op, k=r, which="LA", v0=v0, tol=1e-10)
    order = np.argsort(vals)[::-1]
    return vecs[:, order], scale * np.sqrt(np.maximum(vals[order], 0.0))


def _gradient_step(W, a, X, y, dact, eta):
    """W - eta * grad L(W) for L = -(1/n) sum y_i f(x_i), f = a^T sigma(Wx)/sqrt(N).

    -grad L = (1/(n sqrt N)) diag(a) sigma'(W X^T) diag(y) X, accumulated over sample blocks.
    The two N x d x n products run in single precision (half the cost of double; relative
    error ~1e-7 sqrt(d) in G, far below the ~1e-3 statistical resolution of the alignment
    metrics), accumulated in double.
    """
    N = W.shape[0]
    n = X.shape[0]
    G = None
    W32, X32, y32 = W.astype(np.float32), X.astype(np.float32), y.astype(np.float32)
    for s in range(0, n, _CHUNK):
        Xc, yc = X32[s:s + _CHUNK], y32[s:s + _CHUNK]
        block = dact(W32 @ Xc.T) @ (yc[:, None] * Xc)
        if G is None:                  # the first block in double: the value of 0 + block
            G = block.astype(np.float64)
        else:
            G += block
    G *= a[:, None] / (n * math.sqrt(N))
    return W + eta * G, eta * G


def _forward(W, a, X, act):
    N = W.shape[0]
    out = np.empty(X.shape[0])
    for s in range(0, X.shape[0], _CHUNK):
        out[s:s + _CHUNK] = act(X[s:s + _CHUNK] @ W.T) @ a
    return out / math.sqrt(N)


def one_run(setting: MultiIndexSetting, d: int, rng: np.random.Generator, *,
            step: str = "fixed", student: bool = True, large_step_too: bool = False) -> dict:
    """One draw of the teacher/student pipeline at dimension d; returns the metrics.

    Model of Moniri & Hassani (2025), §3 (see :mod:`~w2s_theory.multiindex.model`);
    :func:`simulate` repeats it with independent seeds.

    Parameters
    ----------
    setting : MultiIndexSetting
    d : int
        Input dimension.
    rng : numpy.random.Generator
        Source of all randomness of this draw.
    step : {"fixed", "large"}
        As in :func:`simulate`.
    student : bool
        Also run the student.
    large_step_too : bool
        With ``step="fixed"``: also record ``teacher_u1_large_step``, <v, u1>^2 for the top
        right singular vector v of W0 + sqrt(N) (W1 - W0), the large-step teacher on the
        same draw (the same data, init and gradient; its Lanczos start vector comes from a
        fixed generator, so ``rng`` and every other metric are unchanged).

    Returns
    -------
    dict of str to float
        The metrics listed in the module docstring.

    Examples
    --------
    >>> out = one_run(MultiIndexSetting(activation="relu-centred"), 8, np.random.default_rng(0),
    ...               student=False)
    >>> sorted(out)
    ['cv_g0_data', 'cv_g0_norm2', 'data_norm2', 'teacher_Ey2', 'teacher_grad_u1', 'teacher_grad_u2',
     'teacher_noise2', 'teacher_opnorm_u1', 'teacher_opnorm_u2', 'teacher_u1', 'teacher_u2']
    """
    s1, s2, act, dact = setting.numpy_functions
    N = max(1, round(setting.alpha * d))
    n = max(1, round(d / setting.psi_T))
    m = max(1, round(d / setting.psi_S))
    scale = math.sqrt(N) if step == "large" else 1.0
    Q, _ = np.linalg.qr(rng.standard_normal((d, 2)))
    u1, u2 = Q[:, 0], Q[:, 1]
    out = {}
    # teacher
    X = rng.standard_normal((n, d))
    y = np.asarray(s1(X @ u1), float) + np.asarray(s2(X @ u2), float)
    if setting.noise:
        y = y + setting.noise * rng.standard_normal(n)
    out["teacher_Ey2"] = float(np.mean(y ** 2))
    # the label-noise part alone, y - sigma1(<u1,x>) - sigma2(<u2,x>): mean square tau^2 exactly
    out["teacher_noise2"] = float(np.mean((y - np.asarray(s1(X @ u1), float) - np.asarray(s2(X @ u2), float)) ** 2))
    a = rng.choice([-1.0, 1.0], size=N)
    W0 = rng.standard_normal((N, d)) / math.sqrt(d)
    W1, dW = _gradient_step(W0, a, X, y, dact, setting.eta_T * scale)
    # control variates with exactly known means (no theory needed): g0 = W0^T a/sqrt(N) has
    # E||g0||^2 = 1, and g0 is independent of the data direction X^T y/n, so E<g0, X^T y/n> = 0
    g0 = W0.T @ a / math.sqrt(N)
    out["cv_g0_norm2"] = float(g0 @ g0) - 1.0
    gT = X.T @ y / n
    out["cv_g0_data"] = float(g0 @ gT)
    out["data_norm2"] = float(gT @ gT)
    del X
    V, sv = top_right_singular(W1, 1, rng)
    out["teacher_u1"], out["teacher_u2"] = float((V[:, 0] @ u1) ** 2), float((V[:, 0] @ u2) ** 2)
    Vg, _ = top_right_singular(dW, 1, rng)
    out["teacher_grad_u1"], out["teacher_grad_u2"] = float((Vg[:, 0] @ u1) ** 2), float((Vg[:, 0] @ u2) ** 2)
    out["teacher_opnorm_u1"] = float(np.linalg.norm(W1 @ u1) / sv[0])
    out["teacher_opnorm_u2"] = float(np.linalg.norm(W1 @ u2) / sv[0])
    if large_step_too and step == "fixed":
        # the large step eta sqrt(N) moves W0 along the same gradient: dW sqrt(N)
        Vl, _ = top_right_singular(W0 + math.sqrt(N) * dW, 1, np.random.default_rng(d))
        out["teacher_u1_large_step"] = float((Vl[:, 0] @ u1) ** 2)
    if not student:
        return out
    # student: fresh covariates labelled by the updated teacher
    Xs = rng.standard_normal((m, d))
    ys = _forward(W1, a, Xs, act)
    g = Xs.T @ ys / m
    out["label_Ey2"] = float(np.mean(ys ** 2))
    out["label_corr_u1"] = float(g @ u1)
    out["label_norm2"] = float(g @ g)
    del W0, W1, dW
    aS = rng.choice([-1.0, 1.0], size=N)
    WS0 = rng.standard_normal((N, d)) / math.sqrt(d)
    WS0 += (setting.beta / math.sqrt(N)) * u2[None, :]
    WS1, _ = _gradient_step(WS0, aS, Xs, ys, dact, setting.eta_S * scale)
    V, sv = top_right_singular(WS1, 2, rng)
    out["student_u1"] = float(np.sum((V.T @ u1) ** 2))
    out["student_u2"] = float(np.sum((V.T @ u2) ** 2))
    out["student_opnorm_u1"] = float(np.linalg.norm(WS1 @ u1) / sv[0])
    out["student_opnorm_u2"] = float(np.linalg.norm(WS1 @ u2) / sv[0])
    return out


@dataclasses.dataclass
class SimResult:
    """Per-repetition metrics at one dimension: ``values[name]`` has shape (reps,).

    Returned by :func:`simulate`; the metrics are listed in the module docstring.

    Parameters
    ----------
    d : int
        Input dimension.
    reps : int
        Number of repetitions.
    values : dict of str to ndarray, shape (reps,)
        Per-repetition value of each metric.

    Returns
    -------
    SimResult
        :meth:`mean` and :meth:`se` summarise a metric (ValueError naming the recorded
        metrics for an unknown name).

    Examples
    --------
    >>> r = SimResult(d=8, reps=3, values={"teacher_u1": np.array([0.5, 0.6, 0.7])})
    >>> round(r.mean("teacher_u1"), 12), round(r.se("teacher_u1"), 12)
    (0.6, 0.057735026919)
    """

    d: int
    reps: int
    values: dict

    def _get(self, name):
        if not isinstance(name, str) or name not in self.values:
            raise ValueError(f"name must be one of the recorded metrics {sorted(self.values)}; "
                             f"got {name!r}")
        return self.values[name]

    def mean(self, name):
        """Mean of metric ``name`` over the repetitions."""
        return float(np.mean(self._get(name)))

    def se(self, name):
        """Standard error of the mean of metric ``name`` (inf for a single repetition)."""
        v = self._get(name)
        return float(np.std(v, ddof=1) / math.sqrt(len(v))) if len(v) > 1 else math.inf


def _check_int(name, v, low):
    if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < low:
        raise ValueError(f"{name} must be an integer in [{low}, inf); got {v!r}")
    return int(v)


def simulate(setting: MultiIndexSetting, d: int, reps: int, seed=0, *, step: str = "fixed",
             student: bool = True, show_progress: bool = False) -> SimResult:
    """Run ``reps`` independent repetitions at dimension ``d``.

    Parameters
    ----------
    setting : MultiIndexSetting
    d : int >= 8
    reps : int >= 1
    seed : non-negative int, sequence of them, or numpy.random.SeedSequence
        Root entropy for ``numpy.random.SeedSequence``; child ``i`` drives repetition ``i``.
    step : {"fixed", "large"}
        ``"large"`` multiplies both step sizes by sqrt(N) (Ba et al. 2022 large step).
    student : bool
        Also run the student (otherwise only teacher metrics are returned).

    Returns
    -------
    SimResult
        ``values[name]`` of shape (reps,) for every metric of the module docstring.

    Raises
    ------
    ValueError
        If setting is not a MultiIndexSetting, d < 8, reps < 1, the seed is invalid or
        step is not "fixed"/"large".

    Examples
    --------
    Tiny sizes; the finite-d alignments fluctuate around the limits of
    :func:`~w2s_theory.multiindex.theory.limits`:

    >>> s = MultiIndexSetting(activation="relu-centred")
    >>> r = simulate(s, d=8, reps=2, seed=0)
    >>> r.values["teacher_u1"].shape
    (2,)
    >>> round(r.mean("teacher_u1"), 3), round(r.mean("student_u2"), 3)
    (0.413, 0.93)
    """
    if not isinstance(setting, MultiIndexSetting):
        raise ValueError(f"setting must be a MultiIndexSetting; got {type(setting).__name__}")
    d = _check_int("d", d, 8)
    reps = _check_int("reps", reps, 1)
    if step not in ("fixed", "large"):
        raise ValueError(f"step must be 'fixed' or 'large'; got {step!r}")
    children = seed_sequence(seed, "seed").spawn(reps)
    rows = []
    it = progress(children, total=reps, desc=f"d={d}", disable=not show_progress)
    for child in it:
        rows.append(one_run(setting, d, np.random.default_rng(child), step=step, student=student))
    values = {k: np.array([r[k] for r in rows]) for k in rows[0]}
    return SimResult(d, reps, values)
