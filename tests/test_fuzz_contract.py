"""Property-based fuzzing of the public API contract (issue 14).

Every public *formula* function of the mechanisms (enumerated from the
packages' ``__all__`` and checked against the table below, so a new public
formula without a domain entry fails :func:`test_every_public_formula_is_fuzzed`)
is called with

* valid input drawn over the whole domain, extremes included (1e-300..1e300 for
  positive parameters, closed endpoints, 0 where allowed): the result has the
  kind of the input (float -> float, array -> array of the same shape and the
  bitwise same values, mpf -> mpf), is finite, and the call takes < 2 s; the
  only allowed exception is ``FloatingPointError`` for a value beyond the
  float64 range, confirmed at 50 digits;
* valid input in the stated accuracy domain (λ 1e-12..1e6, ratios 1e-3..1e3):
  float agrees with 50-digit mpmath (relative 1e-11, or relative to a stated
  scale for quantities that cross zero);
* invalid input (NaN, ±inf, out of range, bool, str, None, complex, ragged
  lists), one parameter at a time: ``ValueError`` naming that parameter.

Vector-valued public functions (cosine calculus, f-divergences, simulators)
have a table of valid-extreme and invalid calls.

The default run is bounded (~30 s on a loaded machine); ``-m slow`` runs the
``w2s-fuzz-long`` Hypothesis profile (20x the examples).
"""
from __future__ import annotations

import decimal
import fractions
import inspect
import math
import time

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import w2s_theory.cnn as cnn
import w2s_theory.cosine as cosine
import w2s_theory.fdiv as fdiv
import w2s_theory.multiindex as multiindex
import w2s_theory.ridge as ridge
import w2s_theory.rmt as rmt
import w2s_theory.wridge as wridge
from w2s_theory._numeric import Formula, Param
from w2s_theory.cosine import sft as cosine_sft
from w2s_theory.multiindex import theory as MT
from w2s_theory.ridge import theory as RT
from w2s_theory.rmt import marchenko_pastur as MP
from w2s_theory.simulate import simulate_ridge, simulate_ridge_naive
from w2s_theory.wridge import theory as WT
from w2s_theory.wridge.simulate import simulate_wridge, simulate_wridge_naive

settings.register_profile("w2s-fuzz-long", deadline=None, derandomize=True, max_examples=400,
                          suppress_health_check=[HealthCheck.too_slow])
FAST = settings(deadline=None, derandomize=True, max_examples=10,
                suppress_health_check=[HealthCheck.too_slow])
LONG = settings(settings.get_profile("w2s-fuzz-long"))
CALL_LIMIT = 2.0  # seconds per call

# ----------------------------------------------------------------------------- the table
#: kind of accuracy domain of a positive parameter: "lam" = 1e-12..1e6, else 1e-3..1e3
LAMBDA_NAMES = {"lam", "lam_T", "lam_S"}


def _F(name, fn, params, scale=None, precise=True, prep=None):
    """One fuzzed formula: callable, its Params, optional scale for the 50-digit check and
    ``prep`` mapping drawn values onto a joint constraint (e.g. probabilities summing to 1)."""
    return dict(name=name, fn=fn, params=tuple(params), scale=scale, precise=precise, prep=prep)


def _simplex_tail(args):
    """cnn.LINEAR_ERROR: (p_e, p_h, p_b) must sum to 1."""
    p = [float(x) for x in args[4:]]
    tot = sum(p)
    p = [1.0, 0.0, 0.0] if tot == 0 else [x / tot for x in p]
    p[0] = 1.0 - p[1] - p[2] if p[0] >= max(p[1], p[2]) else p[0]
    return tuple(args[:4]) + tuple(p)


def _teacher_scale(args):
    ph, ps, lt, ls, s2, r2 = args[:6]
    return ridge.teacher_error(ph, lt, s2, r2)


def _wridge_scale(args):
    # stated accuracy of wridge.error_gap/delta: absolute ~1e-15 (r² + σ²φv_φ)
    return abs(wridge.student_error(*args)) + _teacher_scale(args) + args[5]


FORMULAS = [
    *[_F(f"rmt.mp_functional[{n}]", (lambda n: lambda g, l: rmt.mp_functional(n, g, l))(n),
         (MP.GAMMA, MP.LAM)) for n in sorted(MP._FUNCTIONALS)],
    _F("rmt.stieltjes", rmt.stieltjes, (MP.GAMMA, MP.LAM)),
    _F("rmt.stieltjes_prime", rmt.stieltjes_prime, (MP.GAMMA, MP.LAM)),
    _F("rmt.stieltjes_derivative[3]", lambda g, l: rmt.stieltjes_derivative(g, l, 3),
       (MP.GAMMA, MP.LAM)),
    _F("rmt.stieltjes_derivative[12]", lambda g, l: rmt.stieltjes_derivative(g, l, 12),
       (MP.GAMMA, MP.LAM)),
    _F("rmt.atom_mass", rmt.atom_mass, (MP.GAMMA,)),
    _F("rmt.support_edges", rmt.support_edges, (MP.GAMMA,)),
    _F("rmt.density", rmt.density, (MP.GAMMA, MP._X), precise=False),  # jumps at the edges
    _F("rmt.moment[9]", lambda g: rmt.moment(g, 9), (MP.GAMMA,)),
    _F("ridge.teacher_error", ridge.teacher_error, RT._T_PARAMS),
    _F("ridge.student_error", ridge.student_error, RT._S_PARAMS),
    _F("ridge.error_gap", ridge.error_gap, RT._S_PARAMS, scale=_teacher_scale),
    _F("ridge.optimal_lambda", ridge.optimal_lambda, (RT.PHI, RT.SIGMA2, RT.R2)),
    _F("ridge.gain_g", ridge.gain_g, (RT.PSI, RT.LAM_S)),
    _F("ridge.level_h", ridge.level_h, RT._T_PARAMS),
    _F("ridge.c_max", ridge.c_max, (RT.PSI,)),
    _F("ridge.ridgeless_teacher_error", ridge.ridgeless_teacher_error, (RT.PHI, RT.SIGMA2, RT.R2)),
    _F("wridge.student_error", wridge.student_error, WT._P),
    _F("wridge.delta", wridge.delta, WT._P, scale=_wridge_scale),
    _F("wridge.error_gap", wridge.error_gap, WT._P, scale=_wridge_scale),
    _F("wridge.student_error_ridgeless_teacher", wridge.student_error_ridgeless_teacher, WT._P_RT),
    _F("wridge.student_error_ridgeless_student", wridge.student_error_ridgeless_student, WT._P_RS),
    # sqrt of a difference that crosses 0: relative accuracy is lost next to the threshold
    _F("wridge.rho_threshold", wridge.rho_threshold, WT._P_TH, precise=False),
    _F("wridge.rho_threshold_limit", wridge.rho_threshold_limit,
       (RT.PHI, RT.LAM_T, RT.SIGMA2, RT.R2, WT.OMEGA_WIN), precise=False),
    *[_F(f"multiindex.{n}", getattr(MT, n), getattr(MT, n).params, precise=False)
      for n in sorted(n for n in dir(MT) if isinstance(getattr(MT, n), Formula))],
    _F("cnn.LINEAR_ERROR", cnn.LINEAR_ERROR, cnn.LINEAR_ERROR.params, precise=False,
       prep=_simplex_tail),
    _F("cosine.zero_one_loss", cosine.zero_one_loss, (Param("c", -1.0, 1.0, True, True),)),
    _F("cosine.kappa", cosine.kappa, (cosine_sft._A, cosine_sft._B)),
    _F("cosine.confidence_residual_bound", cosine.confidence_residual_bound,
       (Param("c", -1.0, 1.0, True, True), Param("lam_min"), Param("lam_max")),
       prep=lambda a: (a[0], min(a[1:]), max(a[1:]))),
]
_BY_NAME = {f["name"]: f for f in FORMULAS}

#: public names per mechanism that are not formulas of scalars (fuzzed by the tables below,
#: or not numeric: classes, symbols, modules, dicts)
NON_FORMULA = {
    "rmt": {"symbolic", "stieltjes_complex"},
    "ridge": {"symbolic", "RidgeW2S", "WinRegion", "student_win_region", "derive",
              "OptimalStudent", "optimal_student_lambda"},
    "wridge": {"symbolic", "spiked_first_layer", "spiked_gamma", "two_layer_ridge", "weighted_ridge",
               "WeightedRidgeW2S", "best_rho_threshold", "omega_from_kappa"},
    "cosine": {"C_PQR", "accuracy", "angle", "zero_one_loss_of", "cosine", "cosine_gradient",
               "cosine_hessian", "symbolic_cosine", "symbolic_gradient", "symbolic_hessian",
               "expected_gradient", "cosine_rate", "relative_correlation", "sample_on_cone",
               "simulate_sft", "hessian_bound", "gradient_bound", "exact_step_limit",
               "taylor_step_bound", "sft_step_limits"},
    "multiindex": {"Z", "gaussian_expectation", "hermite_coefficient", "hermite_coefficients",
                   "hermite_poly", "information_exponent", "is_piecewise_polynomial",
                   "relu_hermite_coefficient", "ACTIVATIONS", "LINKS", "MultiIndexSetting",
                   "SimResult", "simulate", "top_right_singular", "limits"},
    "cnn": {"PatchModel", "PatchSample", "EASY", "HARD", "BOTH", "linear_cnn_error",
            "linear_cnn_output", "linear_cnn_loss_grad", "train_linear_cnn", "init_relu_cnn",
            "relu_cnn_output", "relu_cnn_loss_grad", "train_relu_cnn"},
}
_FORMULA_NAMES = {
    "rmt": {"atom_mass", "density", "moment", "mp_functional", "stieltjes", "stieltjes_derivative",
            "stieltjes_prime", "support_edges"},
    "ridge": {"c_max", "error_gap", "gain_g", "level_h", "optimal_lambda", "ridgeless_teacher_error",
              "student_error", "teacher_error"},
    "wridge": {"delta", "error_gap", "rho_threshold", "rho_threshold_limit", "student_error",
               "student_error_ridgeless_student", "student_error_ridgeless_teacher"},
    "cosine": {"zero_one_loss", "kappa", "confidence_residual_bound"},
    "multiindex": {n for n in dir(MT) if isinstance(getattr(MT, n), Formula)},
    "cnn": {"LINEAR_ERROR"},
}
_MODULES = dict(rmt=rmt, ridge=ridge, wridge=wridge, cosine=cosine, multiindex=multiindex, cnn=cnn)


def _public(mod):
    names = getattr(mod, "__all__", None) or [n for n in vars(mod) if not n.startswith("_")]
    return {n for n in names if not inspect.ismodule(getattr(mod, n)) or n == "symbolic"}


@pytest.mark.parametrize("mech", sorted(_MODULES))
def test_every_public_formula_is_fuzzed(mech):
    public = _public(_MODULES[mech])
    formulas = _FORMULA_NAMES[mech] & public
    unclassified = public - NON_FORMULA[mech] - _FORMULA_NAMES[mech]
    assert not unclassified, f"{mech}: public names without a fuzz-table entry: {unclassified}"
    fuzzed = {f["name"].split(".", 1)[1].split("[")[0] for f in FORMULAS if f["name"].startswith(mech)}
    assert formulas <= fuzzed, formulas - fuzzed


# ----------------------------------------------------------------------------- strategies
def _valid(p: Param, stated=False):
    """Values in p's domain; extremes unless *stated* (then the stated accuracy domain)."""
    lo, hi = p.low, p.high
    if lo == 0 and hi == math.inf:
        if stated:
            e = (-12, 6) if p.name in LAMBDA_NAMES else (-3, 3)
            base = st.floats(*e).map(lambda x: 10.0 ** x)
        else:
            base = st.one_of(st.floats(-300, 300).map(lambda x: 10.0 ** x),
                             st.sampled_from([1e-300, 1e-200, 1e300, 1.0, 1 + 1e-12, 1 - 1e-12]))
        return st.one_of(base, st.just(0.0)) if p.low_closed else base
    if lo == -math.inf and hi == math.inf:
        mag = st.floats(-3, 3) if stated else st.floats(-150, 150)
        return st.one_of(st.just(0.0), st.tuples(st.sampled_from([-1.0, 1.0]), mag).map(
            lambda t: t[0] * 10.0 ** t[1]))
    if hi == math.inf:   # [lo, inf) with lo > 0 or other half lines
        return st.floats(lo, lo + 1e3, exclude_min=not p.low_closed)
    inner = st.floats(lo, hi, exclude_min=not p.low_closed, exclude_max=not p.high_closed)
    ends = [v for v, ok in ((lo, p.low_closed), (hi, p.high_closed)) if ok]
    return st.one_of(inner, st.sampled_from(ends)) if ends else inner


def _invalid(p: Param):
    bad = [math.nan, math.inf, -math.inf, True, "1", None, 1j, [[1.0, 2.0], [3.0]]]
    if p.low != -math.inf:
        bad.append(p.low - 1.0 if p.low_closed else p.low)
    if p.high != math.inf:
        bad.append(p.high + 1.0 if p.high_closed else p.high)
    return bad


def _timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    dt = time.perf_counter() - t0
    assert dt < CALL_LIMIT, f"call took {dt:.2f} s"
    return out


def _outputs(out):
    return out if isinstance(out, tuple) else (out,)


def _mp50(fn, args):
    with mpmath.workdps(50):
        return _outputs(fn(*[mpmath.mpf(a) for a in args]))


def _domain_skip(name, args):
    # documented ValueErrors for valid-typed input: the ridgeless teacher's infinite error at φ = 1
    return False


def _call_valid(f, args):
    """Float call; returns outputs, or None when the value is beyond float64 (checked at 50 digits)."""
    try:
        return _outputs(_timed(f["fn"], *args))
    except FloatingPointError as exc:
        assert "outside the float64 range" in str(exc), exc
        ref = _mp50(f["fn"], args)
        assert any(abs(r) > 1.7e308 or (0 < abs(r) < 2.3e-308 and False) for r in ref) or \
            any(abs(r) > 1.7e308 for r in ref), (args, ref)
        return None
    except ValueError as exc:
        if "phi = 1 with sigma2 > 0" in str(exc) and args[0] == 1.0:
            return None  # infinite ridgeless error, documented
        if "lam_min must be <= lam_max" in str(exc):
            return None
        raise


def _check_kinds(f, args):
    outs = _call_valid(f, args)
    if outs is None:
        return
    for o in outs:
        assert type(o) is float, (f["name"], args, type(o))
        assert math.isfinite(o), (f["name"], args, o)
    # array in -> array out, bitwise equal values
    arr = _outputs(_timed(f["fn"], *[np.array([a, a]) for a in args]))
    for o, a in zip(outs, arr):
        assert isinstance(a, np.ndarray) and a.shape == (2,), (f["name"], type(a))
        assert a[0] == o and a[1] == o, (f["name"], args, o, a)
    # mpf in -> mpf out
    with mpmath.workdps(20):
        m = _outputs(_timed(f["fn"], *[mpmath.mpf(a) for a in args]))
    for o in m:
        assert isinstance(o, mpmath.mpf), (f["name"], type(o))


def _check_precision(f, args):
    outs = _call_valid(f, args)
    if outs is None or not f["precise"]:
        return
    ref = _mp50(f["fn"], args)
    for o, r in zip(outs, ref):
        scale = abs(r) if f["scale"] is None else max(abs(r), abs(f["scale"](args)))
        if abs(r) < 1e-290:
            continue
        assert abs(o - r) <= 1e-11 * scale, (f["name"], args, o, float(r))


def _check_invalid(f, args, i):
    p = f["params"][i]
    for bad in _invalid(p):
        a = list(args)
        a[i] = bad
        with pytest.raises(ValueError) as info:
            _timed(f["fn"], *a)
        assert p.name in str(info.value), (f["name"], p.name, bad, str(info.value))


def _args_strategy(f, stated=False):
    s = st.tuples(*[_valid(p, stated) for p in f["params"]])
    return s.map(f["prep"]) if f["prep"] else s


# ----------------------------------------------------------------------------- the properties
def _warm(f):
    """One untimed call: the first call lambdifies (code generation is not part of the limit)."""
    p = f["params"]
    args = tuple(0.5 if q.low < 0.5 < q.high else q.low if q.low_closed else q.low + 0.5 for q in p)
    args = f["prep"](args) if f["prep"] else args
    f["fn"](*args)
    f["fn"](*[np.array([a]) for a in args])
    with mpmath.workdps(20):
        f["fn"](*[mpmath.mpf(a) for a in args])


@pytest.mark.parametrize("name", sorted(_BY_NAME))
def test_valid_extremes_kind_and_finiteness(name):
    f = _BY_NAME[name]
    _warm(f)

    @FAST
    @given(args=_args_strategy(f))
    def run(args):
        _check_kinds(f, args)
    run()


@pytest.mark.parametrize("name", sorted(n for n, f in _BY_NAME.items() if f["precise"]))
def test_float_agrees_with_50_digits_on_the_stated_domain(name):
    f = _BY_NAME[name]
    _warm(f)

    @FAST
    @given(args=_args_strategy(f, stated=True))
    def run(args):
        _check_precision(f, args)
    run()


@pytest.mark.parametrize("name", sorted(_BY_NAME))
def test_invalid_input_names_the_parameter(name):
    f = _BY_NAME[name]
    args = [1.0 if p.low < 1.0 < p.high or (p.low_closed and p.low == 1.0) else
            (p.low + p.high) / 2 if p.high < math.inf else p.low + 1.0 for p in f["params"]]
    if name == "cosine.confidence_residual_bound":
        args = [0.5, 1.0, 2.0]
    if f["prep"]:
        args = list(f["prep"](tuple(args)))
    for i in range(len(args)):
        _check_invalid(f, args, i)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(_BY_NAME))
def test_long_profile(name):
    f = _BY_NAME[name]
    _warm(f)

    @LONG
    @given(args=_args_strategy(f), stated=_args_strategy(f, stated=True))
    def run(args, stated):
        _check_kinds(f, args)
        _check_precision(f, stated)
    run()


# ----------------------------------------------------------------------------- exact scalar types
@pytest.mark.parametrize("name", ["ridge.teacher_error", "wridge.student_error", "rmt.stieltjes",
                                  "multiindex.teacher_u1", "cosine.kappa"])
def test_exact_and_numpy_scalar_types(name):
    f = _BY_NAME[name]
    base = [0.5 if p.low < 0.5 < p.high or p.low_closed and p.low == 0.5 else 1.5
            for p in f["params"]]
    ref = f["fn"](*base)
    for conv in (lambda x: fractions.Fraction(x), lambda x: decimal.Decimal(repr(x)),
                 np.float32, np.float64):
        assert f["fn"](*[conv(x) for x in base]) == ref
    with mpmath.workdps(30):
        mixed = f["fn"](*([mpmath.mpf(base[0])] + [np.float32(x) for x in base[1:]]))
        assert isinstance(mixed, mpmath.mpf) and abs(mixed - ref) <= 1e-14 * abs(ref)


# ----------------------------------------------------------------------------- vector functions
W, WS = np.array([1.0, 2.0, -0.5]), np.array([0.3, -1.0, 2.0])
SIGMA = np.diag([1.0, 2.0, 0.5])
P3, Q3 = np.array([0.2, 0.3, 0.5]), np.array([0.6, 0.1, 0.3])

VECTOR_VALID = [
    ("cosine.cosine", cosine.cosine, (W * 1e-300, WS * 1e300, SIGMA)),
    ("cosine.angle", cosine.angle, (W * 1e-300, WS * 1e300)),
    ("cosine.accuracy", cosine.accuracy, (W * 1e300, WS * 1e-300, SIGMA)),
    ("cosine.zero_one_loss_of", cosine.zero_one_loss_of, (W * 1e-200, WS)),
    ("cosine.cosine_gradient", cosine.cosine_gradient, (W * 1e-150, WS)),
    ("cosine.cosine_hessian", cosine.cosine_hessian, (W * 1e-100, WS)),
    ("cosine.expected_gradient", cosine.expected_gradient, (W * 1e-200, WS)),
    ("cosine.cosine_rate", cosine.cosine_rate, (W, WS, np.array([0.0, 0.0, 1.0]))),
    ("cosine.relative_correlation", cosine.relative_correlation, (W, WS, np.array([0.0, 0.0, 1.0]))),
    ("cosine.hessian_bound", cosine.hessian_bound, (W * 1e-100, WS)),
    ("cosine.gradient_bound", cosine.gradient_bound, (W * 1e100, WS)),
    ("fdiv.KL", fdiv.KL, (np.array([1 - 1e-300, 1e-300]), np.array([1e-300, 1 - 1e-300]))),
    ("fdiv.JS", fdiv.JS, (P3, Q3)),
    ("fdiv.TV", fdiv.TV, (np.array([1.0, 0.0]), np.array([0.0, 1.0]))),
    ("fdiv.HELLINGER2", fdiv.HELLINGER2, (P3, Q3)),
    ("fdiv.CHI2", fdiv.CHI2, (P3, Q3)),
    ("fdiv.cross_entropy", fdiv.cross_entropy, (P3, np.array([1e3, -1e3, 0.0]))),
    ("wridge.omega_from_kappa", wridge.omega_from_kappa, (np.array(1e300),)),
    ("ridge.student_win_region", ridge.student_win_region, (1e-300, 1e300, 1.0, 1.0, 1.0)),
    ("ridge.student_win_region", ridge.student_win_region, (1e300, 0.5, 1e-300, 1.0, 1e300)),
]


@pytest.mark.parametrize("name, fn, args", VECTOR_VALID, ids=[v[0] for v in VECTOR_VALID])
def test_vector_functions_valid_extremes(name, fn, args):
    out = _timed(fn, *args)
    parts = out if isinstance(out, tuple) else (out,)
    if isinstance(out, RT.WinRegion):
        parts = (out.lower, out.upper, out.h, out.c_max)
        assert all(not (isinstance(x, float) and math.isnan(x)) for x in parts)
        return
    for part in parts:
        arr = np.asarray(part, dtype=float)
        assert np.all(np.isfinite(arr)) or name == "fdiv.KL", (name, part)


VECTOR_INVALID = [
    ("w", cosine.cosine, ([[1.0, 2.0], [3.0]], WS)),
    ("w", cosine.cosine, (np.array([np.nan, 1.0, 0.0]), WS)),
    ("w_star", cosine.angle, (W, np.zeros(3))),
    ("Sigma", cosine.cosine, (W, WS, -SIGMA)),
    ("dps", cosine.cosine, (W, WS, None, 4)),
    ("c", cosine.zero_one_loss, (1.0 + 1e-15,)),
    ("p", fdiv.KL, ([[0.5, 0.5], [1.0]], Q3)),
    ("q", fdiv.KL, (P3, np.array([0.5, 0.6, -0.1]))),
    ("p", fdiv.KL, (np.array([0.5, 0.6]), np.array([0.5, 0.5]))),
    ("divergence", fdiv.get, (["kl"],)),
    ("divergence", fdiv.get, ("nope",)),
    ("f", fdiv.FDivergence, ("__import__('os').system('true') or t",)),
    ("kappa", wridge.omega_from_kappa, (-1.0,)),
    ("kappa", wridge.omega_from_kappa, (True,)),
    ("lam", wridge.weighted_ridge, (np.ones((4, 2)), np.ones(4), -1.0, np.eye(2))),
    ("Gamma", wridge.weighted_ridge, (np.ones((4, 2)), np.ones(4), 1.0, -np.eye(2))),
    ("lam_T", ridge.student_win_region, (1.0, 2.0, -0.2, 1.0, 1.0)),
    ("psi", ridge.student_win_region, (1.0, math.nan, 0.2, 1.0, 1.0)),
    ("k", rmt.moment, (0.5, -1)),
    ("k", rmt.moment, (0.5, True)),
    ("order", rmt.stieltjes_derivative, (0.5, 0.3, 1.5)),
    ("name", rmt.mp_functional, ("nope", 0.5, 0.3)),
    ("z", rmt.stieltjes_complex, (0.5, "x")),
]


@pytest.mark.parametrize("param, fn, args", VECTOR_INVALID,
                         ids=[f"{v[1].__name__ if hasattr(v[1], '__name__') else v[1]}-{v[0]}-{i}"
                              for i, v in enumerate(VECTOR_INVALID)])
def test_vector_functions_invalid_name_the_parameter(param, fn, args):
    if param == "dps":
        with pytest.raises(ValueError, match="dps"):
            _timed(lambda: fn(*args[:3], dps=args[3]))
        return
    with pytest.raises(ValueError) as info:
        _timed(fn, *args)
    assert param in str(info.value), str(info.value)


SIMULATORS = [
    ("simulate_ridge", lambda seed: simulate_ridge(12, 0.5, 0.5, 0.1, 0.1, 0.5, 1.0, trials=2, seed=seed)),
    ("simulate_ridge_naive", lambda seed: simulate_ridge_naive(12, 0.5, 0.5, 0.1, 0.1, 0.5, 1.0, seed=seed)),
    ("simulate_wridge", lambda seed: simulate_wridge(12, 0.5, 0.5, 0.1, 0.1, 0.5, 1.0, 0.5, trials=2,
                                                      seed=seed)),
    ("simulate_wridge_naive", lambda seed: simulate_wridge_naive(12, 0.5, 0.5, 0.1, 0.1, 0.5, 1.0, 0.5,
                                                                  seed=seed)),
    ("simulate_sft", lambda seed: cosine.simulate_sft(W, WS[None, :], np.array([0.0, 0.0, 1.0]),
                                                       [0.1], 2, 8, seed=seed)),
    ("multiindex.simulate", lambda seed: multiindex.simulate(
        multiindex.MultiIndexSetting(), 16, 2, seed=seed, student=False)),
]


def _first(out):
    if isinstance(out, tuple):
        return np.asarray(out[-1], dtype=float)
    for attr in ("student_mean", "teacher_mean"):
        if hasattr(out, attr):
            return np.asarray(getattr(out, attr), dtype=float)
    if hasattr(out, "values"):
        return np.asarray(list(out.values.values())[0] if isinstance(out.values, dict) else out.values,
                          dtype=float)
    return np.asarray(out, dtype=float)


@pytest.mark.parametrize("name, sim", SIMULATORS, ids=[s[0] for s in SIMULATORS])
def test_simulators_share_one_seed_contract(name, sim):
    for bad in (None, True, -1, 1.5, "3", [1, -1]):
        with pytest.raises(ValueError, match="seed must be a non-negative integer"):
            sim(bad)
    a, b = _first(sim(5)), _first(sim(np.int64(5)))
    assert np.array_equal(a, b) and np.all(np.isfinite(a))
    g1, g2 = _first(sim(np.random.default_rng(9))), _first(sim(np.random.default_rng(9)))
    assert np.array_equal(g1, g2)
    _first(sim(np.random.SeedSequence(5)))
