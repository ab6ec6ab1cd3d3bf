"""Certified Thm 8 (w2s_theory/wridge/claims_certified.py; docs/certified.rst)."""
import importlib.util
import math
import random

import mpmath
import pytest
import sympy as sp

from w2s_theory.rmt import symbolic as M
from w2s_theory.wridge import claims_certified as C
from w2s_theory.wridge import symbolic as S

GAMMA = (1e-3, 1e3)
LAM = (1e-12, 1e6)


def _loguniform(rng, lo, hi):
    return sp.Rational(repr(10 ** rng.uniform(math.log10(lo), math.log10(hi))))


def _region(g, lam):
    return "t<=1" if g <= 1 + lam else "t>=1"


def test_reduction_steps_hold():
    bad = [what for what, ok in C.reduction_checks() if not ok]
    assert not bad


def test_region_forms_equal_the_package_forms_at_50_digits():
    # the (t, λ) forms with a fixed branch are the package's Piecewise stable forms at γ = (1+λ)t,
    # on both regions and across the whole (γ, λ) box (including γ = 1 + λ to within rounding)
    rng = random.Random(8)
    pts = [(_loguniform(rng, *GAMMA), _loguniform(rng, *LAM)) for _ in range(12)]
    pts += [(1 + sp.Rational(1, 10**6), sp.Rational(1, 10**6)), (sp.Integer(2), sp.Integer(1))]
    with mpmath.workdps(60):
        for name, (moments, _) in C.ATOMS.items():
            orig = C.generic(moments[0]).doit()
            for g, lam in pts:
                tv = g / (1 + lam)
                for region in C.REGIONS if g == 1 + lam else (_region(g, lam),):
                    got = sp.N(C.atom(name, region).xreplace({C.t: tv, C.lam: lam}), 50)
                    want = sp.N(orig.xreplace({M.gamma: g, M.lam: lam}), 50)
                    assert abs(got - want) <= 1e-45 * abs(want), (name, region, g, lam)


def _mp_moments(g, lam):
    """τ1, p, b, λv of the MP law by quadrature of its density (textbook formula, typed here)."""
    g, lam = mpmath.mpf(g), mpmath.mpf(lam)
    lo, hi = (1 - mpmath.sqrt(g)) ** 2, (1 + mpmath.sqrt(g)) ** 2
    dens = lambda x: mpmath.sqrt((hi - x) * (x - lo)) / (2 * mpmath.pi * g * x)  # noqa: E731
    atom = max(1 - 1 / g, 0)                          # mass at 0 for γ > 1
    quad = lambda f: mpmath.quad(lambda x: f(x) * dens(x), [lo, hi])  # noqa: E731
    return {"tau1": quad(lambda x: x / (x + lam)),
            "p": quad(lambda x: lam / (x + lam)) + atom,
            "b": quad(lambda x: lam**2 / (x + lam) ** 2) + atom,
            "W": quad(lambda x: lam * x / (x + lam) ** 2)}


@pytest.mark.parametrize("g, lam", [("1/2", "1/3"), ("3", "2/5"), ("5/4", "1/100")])
def test_certified_atoms_are_the_mp_integrals(g, lam):
    # independent fact: the certified expressions are the MP averages of x/(x+λ), λ/(x+λ),
    # λ²/(x+λ)², λx/(x+λ)²; regions t ≤ 1 and t ≥ 1 both exercised
    g, lam = sp.Rational(g), sp.Rational(lam)
    with mpmath.workdps(30):
        want = _mp_moments(g, lam)
        for name in C.ATOMS:
            got = sp.N(C.atom(name, _region(g, lam)).xreplace({C.t: g / (1 + lam), C.lam: lam}), 30)
            assert abs(mpmath.mpf(str(got)) - want[name]) <= 1e-15 * abs(want[name]), name


def test_positive_form_is_delta_unit_and_breaks_past_omega_1():
    n, d = C.positive_form()
    y, w = sp.symbols("y w", nonnegative=True)
    rng = random.Random(3)
    for _ in range(5):
        vals = {s: sp.Rational(rng.randint(1, 50), rng.randint(1, 50))
                for s in (S.S["tau1"], S.S["p"], S.S["b"], S.S["W"])}
        yv, wv = sp.Rational(rng.randint(0, 9), 7), sp.Rational(rng.randint(0, 9), 5)
        u = S.delta_unit.xreplace({**vals, S.T["tau1"]: 1 / (1 + yv), S.T["p"]: yv / (1 + yv),
                                   S.omega: wv / (1 + wv)})
        assert (n / d).xreplace({**vals, y: yv, w: wv}) == u and u > 0
    # a domain reaching 2 % past ω = 1 is not covered by the argument: a negative coefficient
    n2, _ = C.positive_form(omega_max=1 + C.EPS)
    assert not C.all_positive(n2, S.S["b"] * S.S["tau1"] ** 2)


def test_reduction_checks_can_fail(monkeypatch):
    # a certified atom that is not the moment it stands for, or a sign slip in U, is caught
    monkeypatch.setitem(C.ATOMS, "b", ((S.S["b"],), 1))
    monkeypatch.setattr(C, "generic", lambda m: C.R.instantiate(S.S["p"] if m == S.S["b"] else m)
                        .xreplace({S.psi: M.gamma, S.lam_S: M.lam, S.phi: M.gamma, S.lam_T: M.lam}))
    assert [w for w, ok in C.reduction_checks() if not ok] == ["moments ['b_S'] instantiate the MP b"]
    monkeypatch.undo()
    monkeypatch.setattr(S, "delta_unit", -S.delta_unit)
    bad = [w for w, ok in C.reduction_checks() if not ok]
    assert "Δ = −ρ²r²·U" in bad and any(w.startswith("U = N/D") for w in bad)


needs_flint = pytest.mark.skipif(importlib.util.find_spec("flint") is None,
                                 reason="python-flint not installed")


@needs_flint
@pytest.mark.parametrize("cid, n", [("wridge.delta-nonpositive-certified", 8),
                                    ("wridge.delta-nonpositive-box-certified", 1)])
def test_certified_claims_quick_refute_their_perturbations(cid, n):
    from proofs_check.registry import REGISTRY, Context     # C imported above: registered
    out = REGISTRY[cid].run(Context(quick=True))
    assert out.passed, out.detail
    assert out.detail.count("refuted at") == n and "undecided, " in out.detail


@needs_flint
def test_certificates_verify():
    # every atom's certificate passes the standalone verifier (the CLI path is tested in
    # test_certify.py); a certificate with a box claimed for the wrong branch region fails
    from proofs_check.certify import engine, verify
    from proofs_check.certify.spec import CERTIFIED
    from proofs_check.registry import Context
    certs = []
    for st in CERTIFIED["wridge.delta-nonpositive-certified"](Context(quick=True)):
        res = engine.certify(st)
        certs.append(engine.certificate("wridge.delta-nonpositive-certified", st, res))
        ok, msg = verify.verify_certificate(certs[-1])
        assert ok, msg
    assert len(certs) == 8
    bad = dict(certs[1], domain={"t": ["1/1000001000", "1000"], "lam": ["1/1000000000000", "1000000"]})
    bad["boxes"] = [dict(bad["boxes"][0], t=["1/1000001000", "1000"])]
    assert not verify.verify_certificate(bad)[0]
