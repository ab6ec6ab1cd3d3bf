"""The plain-float fast path of Formula agrees with the numpy path and with 50-digit mpmath."""
import timeit

import mpmath
import numpy as np
import pytest

from w2s_theory import ridge
from w2s_theory._numeric import Formula, Param
import sympy as sp

RNG = np.random.default_rng(7)


def _log_uniform(lo, hi, n):
    return 10 ** RNG.uniform(np.log10(lo), np.log10(hi), n)


CASES = [
    (ridge.student_error, 6), (ridge.teacher_error, 4), (ridge.error_gap, 6),
    (ridge.gain_g, 2), (ridge.level_h, 4), (ridge.optimal_lambda, 3),
]


def _points(nargs, n=40):
    cols = [_log_uniform(1e-3, 1e3, n) for _ in range(nargs)]
    return list(zip(*[c.tolist() for c in cols]))


@pytest.mark.parametrize("func,nargs", CASES)
def test_fast_path_matches_numpy_and_mpmath(func, nargs):
    for pt in _points(nargs):
        fast = func(*pt)
        assert type(fast) is float
        slow = float(func(*[np.array([v]) for v in pt])[0])
        with mpmath.workdps(50):
            exact = func(*[mpmath.mpf(v) for v in pt])
        assert fast == slow          # bit-identical: both print the same exact operations
        assert abs(fast - float(exact)) <= 1e-13 * abs(float(exact)) + 1e-300


def test_fast_path_keeps_the_validation_contract():
    with pytest.raises(ValueError, match="lam_T"):
        ridge.teacher_error(0.5, -1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="phi"):
        ridge.teacher_error(float("nan"), 1.0, 1.0, 1.0)
    with pytest.raises(ValueError, match="phi"):
        ridge.teacher_error(10**400, 1.0, 1.0, 1.0)   # int beyond float: general path, clear error
    with pytest.raises(ValueError, match="must be a real number"):
        ridge.teacher_error(True, 1.0, 1.0, 1.0)      # bool never takes the fast path


def test_fast_path_falls_back_on_math_errors():
    x = sp.Symbol("x")
    f = Formula(sp.sqrt(x - 1) + 1, (Param("x"),), (x,), "shifted_sqrt")
    # math.sqrt raises on x < 1, numpy gives NaN -> the general path decides (mpmath re-check)
    assert f.math is not None
    with pytest.raises((FloatingPointError, ValueError)):
        f(0.5)
    assert f(5.0) == 3.0
    g = Formula(sp.exp(x), (Param("x"),), (x,), "exp")
    assert g.math is None          # transcendental: numpy and math may differ by an ulp
    assert g(2.0) == float(g(np.array([2.0]))[0])


def test_every_exact_formula_is_bit_identical_on_both_paths():
    import gc
    from w2s_theory import cosine, fdiv, multiindex, wridge  # noqa: F401  (register formulas)
    from w2s_theory._numeric import Formula
    formulas = [f for f in gc.get_objects() if isinstance(f, Formula) and f.math is not None]
    assert len(formulas) >= 20
    tested = 0
    for f in formulas:
        for _ in range(30):
            vals = []
            for p in f.params:
                lo, hi = (max(p.low, 1e-3), min(p.high, 1e3)) if p.low >= 0 else (-1e3, 1e3)
                vals.append(float(10 ** RNG.uniform(np.log10(lo), np.log10(hi))) if lo > 0
                            else float(RNG.uniform(lo, hi)))
            try:
                scalar = f(*vals)
            except (ValueError, FloatingPointError):
                continue
            assert scalar == f(*[np.array([v]) for v in vals])[0], (f.name, vals)
            tested += 1
    assert tested > 500


def test_scalar_call_is_fast():
    args = (0.5, 2.0, 0.1, 1.0, 0.5, 1.0)
    ridge.student_error(*args)
    per_call = min(timeit.repeat(lambda: ridge.student_error(*args), number=200, repeat=5)) / 200
    assert per_call < 50e-6, f"{per_call * 1e6:.1f} µs per scalar call"
