"""Certification engine, standalone verifier and CLI (docs/certified.rst)."""
import copy
import json
import subprocess
import sys
from fractions import Fraction

import pytest
import sympy as sp

flint = pytest.importorskip("flint")

from proofs_check import cli  # noqa: E402
from proofs_check.certify import engine, verify  # noqa: E402
from proofs_check.certify.spec import Param, Statement  # noqa: E402

x, y = sp.symbols("x y", positive=True)
VERIFY = verify.__file__


def test_true_inequality_is_proved_and_verifies():
    # e^x > 1 + x + x²/2 on [1e-3, 3] (Taylor remainder; an independent textbook fact; the
    # margin is only ~x³/6 = 1.7e-10 at the left end)
    st = Statement("taylor", sp.exp(x) - 1 - x - x**2 / 2, ">0", (Param("x", "1e-3", 3, "log"),))
    res = engine.certify(st)
    assert res.status == "proved" and not res.undecided
    ok, msg = verify.verify_certificate(engine.certificate("t", st, res))
    assert ok, msg


def test_false_inequality_is_refuted_with_verified_point():
    # log(1+x) ≥ x − x²/2 + 1.01·x³/3 fails for every x > 0 (the true coefficient is 1)
    e = sp.log(1 + x) - x + x**2 / 2 - sp.Rational(101, 100) * x**3 / 3
    res = engine.certify(Statement("f", e, ">=0", (Param("x", "1/10", 1),)))
    assert res.status == "refuted"
    pt = res.counterexample["x"]
    assert float(e.subs(x, sp.Rational(pt.numerator, pt.denominator)).evalf(50)) < 0
    assert res.counter_value[1] < 0


def test_undecidable_on_tight_budget_is_never_passed():
    # (x − 1/3)² ≥ 0 is true but an equality at an irrational-free point interior: enclosures
    # straddle 0 near x = 1/3, so a small budget must end undecided, not proved
    st = Statement("sq", (x - sp.Rational(1, 3)) ** 2, ">0", (Param("x", 0, 1),),
                   budget=40, methods=("direct",))
    res = engine.certify(st)
    assert res.status == "undecided" and res.undecided
    with pytest.raises(ValueError):
        engine.certificate("sq", st, res)


XR = sp.Symbol("x", real=True)     # the toy domain has x < 0


def _cert():
    x = XR
    st = Statement("2d", x**2 + y**2 - x * y + sp.Rational(1, 10), ">0",
                   (Param("x", -2, 2), Param("y", "1e-3", 4, "log")), methods=("direct",))
    res = engine.certify(st)
    assert res.status == "proved" and len(res.boxes) > 3
    return engine.certificate("toy", st, res)


def test_certificate_round_trip_and_tampering(tmp_path):
    cert = _cert()
    assert verify.verify_certificate(json.loads(json.dumps(cert)))[0]
    # a box removed: the tiling check fails
    bad = copy.deepcopy(cert)
    bad["boxes"].pop(len(bad["boxes"]) // 2)
    assert not verify.verify_certificate(bad)[0]
    # a bound shifted: the boxes no longer tile the domain
    bad = copy.deepcopy(cert)
    lo, hi = bad["boxes"][0]["x"]
    bad["boxes"][0]["x"] = [lo, str(Fraction(hi) - Fraction(1, 1000))]
    assert not verify.verify_certificate(bad)[0]
    # the expression changed to a false statement: some box loses its sign
    bad = copy.deepcopy(cert)
    bad["expression"] = sp.srepr(XR**2 + y**2 - 3 * XR * y + sp.Rational(1, 10))
    assert not verify.verify_certificate(bad)[0]
    # arbitrary code is never evaluated
    bad = copy.deepcopy(cert)
    bad["expression"] = "__import__('os').system('echo pwned')"
    ok, msg = verify.verify_certificate(bad)
    assert not ok and "malformed" in msg


def test_standalone_verifier_runs_as_a_script(tmp_path):
    (tmp_path / "toy.json").write_text(json.dumps(_cert()))
    out = subprocess.run([sys.executable, VERIFY, str(tmp_path)], capture_output=True, text=True,
                         cwd=tmp_path)
    assert out.returncode == 0 and "OK" in out.stdout
    bad = _cert()
    bad["relation"] = "<0"
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    out = subprocess.run([sys.executable, VERIFY, str(tmp_path)], capture_output=True, text=True,
                         cwd=tmp_path)
    assert out.returncode == 1 and "FAIL" in out.stdout


def test_cli_certify_and_verify(tmp_path, capsys):
    rc = cli.main(["--certify", "--quick", "--certificates", str(tmp_path),
                   "ridge.g-below-2-certified"])
    assert rc == 0
    files = list(tmp_path.glob("*.json"))
    assert len(files) == 1
    cert = json.loads(files[0].read_text())
    assert set(cert) >= {"claim", "expression", "relation", "parameters", "domain", "excluded",
                         "boxes"}
    assert cli.main(["--verify-certificates", str(tmp_path)]) == 0
    cert["boxes"][0]["psi"][0] = "1/2"          # shrink the only box: domain no longer covered
    files[0].write_text(json.dumps(cert))
    assert cli.main(["--verify-certificates", str(tmp_path)]) == 1
    assert cli.main(["--certify", "no.such.claim"]) == 2


FDIV_CERTIFIED = ["fdiv.hellinger-kl-certified", "fdiv.pinsker-certified",
                  "fdiv.bretagnolle-huber-certified", "fdiv.hellinger-tv-certified",
                  "fdiv.js-log2-certified"]


@pytest.mark.parametrize("cid", ["ridge.g-above-1-certified", "ridge.g-below-2-certified",
                                 "cosine.hessian-constant-certified", "ridge.thm5-signs-certified"]
                         + FDIV_CERTIFIED)
def test_certified_claims_quick(cid):
    from proofs_check.registry import Context, discover
    out = discover()[cid].run(Context(quick=True))
    assert out.passed, out.detail
    assert "refuted at" in out.detail          # sharpness: the 2 % stronger statement is false


@pytest.mark.slow
@pytest.mark.parametrize("cid", ["ridge.g-above-1-certified", "ridge.g-below-2-certified",
                                 "cosine.hessian-constant-certified", "ridge.thm5-signs-certified"]
                         + FDIV_CERTIFIED)
def test_certified_claims_full(cid):
    from proofs_check.registry import Context, discover
    out = discover()[cid].run(Context(quick=False))
    assert out.passed, out.detail


def test_without_flint_certified_claims_fail_with_install_hint(monkeypatch):
    from proofs_check.certify import spec
    from proofs_check.registry import Context, discover
    monkeypatch.setattr(spec, "flint_available", lambda: False)
    out = discover()["ridge.g-below-2-certified"].run(Context(quick=True))
    assert not out.passed and "w2s_theory[certify]" in out.detail


def test_verifier_rejects_assumptions_the_domain_violates():
    # SymPy simplifies with the declared assumptions while parsing (|r| + r -> 2r for positive r):
    # the verifier must refuse an assumption that the domain violates
    text = "Add(Abs(Symbol('r', positive=True)), Symbol('r', positive=True))"
    assert verify.parse_srepr(text).free_symbols
    cert = {"claim": "bad", "expression": text, "relation": ">=0",
            "parameters": ["r"], "domain": {"r": ["-1", "1"]}, "excluded": "nothing",
            "boxes": [{"r": ["-1", "1"], "method": "direct"}]}
    ok, msg = verify.verify_certificate(cert)
    assert not ok and "declared positive" in msg


# ---------------------------------------------------------------- boundary by limits (fdiv)
def _mp(x):
    import mpmath
    return mpmath.mpf(x.numerator) / x.denominator


def test_limits_enclosures_contain_mpmath_values_up_to_the_boundary():
    # KL and JS of Bernoulli pairs in the boundary form (x log x pairs), on boxes touching
    # p = 0, q = 0, p = 1: every sampled point (endpoints included, x log x = 0 at 0) must lie
    # in the enclosure; reference values from the *unrewritten* perspective at 50 digits
    import random

    import mpmath
    from w2s_theory.fdiv import claims_certified as C
    from w2s_theory.fdiv import divergences as D
    rng = random.Random(3)
    for div in (D.KL, D.JS):
        ev = verify.Evaluator(C.bernoulli_closed(div), ["p", "q"], limits=True)
        ref = sp.lambdify((C.P, C.Q), C.bernoulli(div), "mpmath")
        for _ in range(60):
            a = Fraction(rng.choice([0, 0, rng.randint(1, 999)]), 1000)
            b = a + Fraction(rng.randint(1, 1000), 10 ** rng.randint(3, 9))
            c = Fraction(rng.randint(1, 999), 1000)
            d = min(Fraction(1), c + Fraction(rng.randint(1, 100), 1000))
            b = min(b, Fraction(1))
            lo, hi = ev({"p": (a, b), "q": (c, d)})
            for t in (0, 1, rng.random(), rng.random()):
                p = _mp(a) + (_mp(b) - _mp(a)) * t
                q = _mp(c) + (_mp(d) - _mp(c)) * rng.random()
                with mpmath.workdps(50):
                    v = ref(p, q) if p > 0 and p < 1 else (
                        ref(mpmath.mpf(10) ** -45 if p == 0 else 1 - mpmath.mpf(10) ** -45, q))
                lo_, hi_ = (mpmath.mpf(e if isinstance(e, float) else e.mid()) for e in (lo, hi))
                assert lo_ - 1e-20 <= v <= hi_ + 1e-20, \
                    (div.name, a, b, c, d, float(p), float(q), lo, hi, v)


def test_limits_xlogx_is_tight_and_unbounded_ends_are_one_sided():
    from flint import ctx
    ctx.prec = verify.PREC
    lo, hi = verify.x_xlogx(flint.arb(0), flint.arb("0.001"))
    assert float(lo) == pytest.approx(0.001 * __import__("math").log(0.001), rel=1e-12)
    assert hi == 0
    # KL(Bern p ‖ Bern q) on q ∈ [0, 1e-6], p ∈ [1/2, 1]: +inf above, finite below
    from w2s_theory.fdiv import claims_certified as C
    from w2s_theory.fdiv import divergences as D
    ev = verify.Evaluator(C.bernoulli_closed(D.KL), ["p", "q"], limits=True)
    lo, hi = ev({"p": (Fraction(1, 2), Fraction(1)), "q": (Fraction(0), Fraction(1, 10**6))})
    assert hi == float("inf") and float(lo) > 5       # ≥ ½ log(1e6) − log 2 − ...
    # without the convention the same box is undecidable
    with pytest.raises(verify.Undecidable):
        verify.Evaluator(C.bernoulli_closed(D.KL), ["p", "q"])(
            {"p": (Fraction(1, 2), Fraction(1)), "q": (Fraction(0), Fraction(1, 10**6))})


def test_limits_mode_never_uses_an_unbounded_derivative():
    # 1/(x − 1/2) > 0 on [0, 1] is false; its derivative −1/(x − 1/2)² encloses as [−oo, −4]
    # with limits, which would "certify" monotonicity across the pole: it must be refused
    e = 1 / (x - sp.Rational(1, 2))
    res = engine.certify(Statement("pole", e, ">0", (Param("x", 0, 1),), limits=True,
                                   budget=300))
    assert res.status == "refuted" and res.counterexample["x"] < Fraction(1, 2)


def test_wrong_bernoulli_statement_is_refuted_on_the_closed_square():
    # KL ≥ 2.1·TV² is false (Pinsker's constant 2 is sharp near (1/2, 1/2))
    from w2s_theory.fdiv import claims_certified as C
    from w2s_theory.fdiv import divergences as D
    kl, tv = C.bernoulli_closed(D.KL), C.bernoulli_closed(D.TV)
    st = Statement("bad", kl - sp.Rational(21, 10) * tv ** 2, ">=0", C.SQUARE, limits=True,
                   exclusions=(C._band(sp.Rational(1, 20)),), budget=2000)
    res = engine.certify(st)
    assert res.status == "refuted"
    p, q = (float(res.counterexample[n]) for n in "pq")
    assert abs(p - q) > 0.05 and float(sp.N((kl - sp.Rational(21, 10) * tv ** 2).subs(
        {C.P: res.counterexample["p"], C.Q: res.counterexample["q"]}), 30)) < 0


def _limits_cert():
    from w2s_theory.fdiv import claims_certified as C
    from w2s_theory.fdiv import divergences as D
    st = C._statement("JS<=log2", C.bernoulli_closed(D.JS), sp.log(2),
                      (C._corners(sp.Rational(1, 1000)),), "", False)
    res = engine.certify(st)
    assert res.status == "proved"
    return engine.certificate("js", st, res)


def test_limits_certificate_verifies_and_tampering_is_rejected():
    cert = _limits_cert()
    assert cert["boundary"] == "limits"
    assert any(b["p"][0] == "0" for b in cert["boxes"])          # the boundary is covered
    ok, msg = verify.verify_certificate(json.loads(json.dumps(cert)))
    assert ok and "limits" in msg, msg
    # without the convention, log at p = 0 is undefined: the same boxes do not verify
    bad = copy.deepcopy(cert)
    del bad["boundary"]
    assert not verify.verify_certificate(bad)[0]
    bad["boundary"] = "anything"
    assert "unknown boundary" in verify.verify_certificate(bad)[1]
    # a box moved (shifted inside the domain): overlap and gap
    bad = copy.deepcopy(cert)
    k = next(i for i, b in enumerate(bad["boxes"]) if b["p"][0] != "0")
    lo, hi = (Fraction(v) for v in bad["boxes"][k]["p"])
    bad["boxes"][k]["p"] = [verify.frac_str(lo - (hi - lo) / 2), verify.frac_str(hi - (hi - lo) / 2)]
    assert not verify.verify_certificate(bad)[0]
    # the sign flipped (JS ≥ log 2 claimed): enclosures contradict it
    bad = copy.deepcopy(cert)
    bad["relation"] = "<=0"
    ok, msg = verify.verify_certificate(bad)
    assert not ok and "sign" in msg
    # a gap: one proved box dropped
    bad = copy.deepcopy(cert)
    bad["boxes"].pop(k)
    ok, msg = verify.verify_certificate(bad)
    assert not ok and "not covered" in msg
    # an excluded box claimed outside its exclusion set
    bad = copy.deepcopy(cert)
    box = bad["boxes"].pop(k)
    bad["excluded_boxes"].append(dict({n: box[n] for n in ("p", "q")}, exclusion=0))
    ok, msg = verify.verify_certificate(bad)
    assert not ok and "not inside exclusion" in msg


def test_xlogx_enclosure_is_the_exact_range_vs_mpmath():
    # range of x log x on [a, b] at 50 digits: min at 1/e if inside, else at an end; 0 at x = 0
    import random

    import mpmath
    from flint import ctx
    ctx.prec = verify.PREC
    rng = random.Random(5)
    for _ in range(200):
        a = Fraction(rng.choice([0, rng.randint(0, 3000)]), 1000)
        b = a + Fraction(rng.randint(1, 3000), 10 ** rng.randint(3, 8))
        for lim in (False, True):
            if not lim and a == 0:
                with pytest.raises(verify.Undecidable):
                    verify.f_xlogx(*(verify._exact(a)[0], verify._exact(b)[1]))
                continue
            f = verify.x_xlogx if lim else verify.f_xlogx
            lo, hi = f(verify._exact(a)[0], verify._exact(b)[1])
            with mpmath.workdps(50):
                g = lambda t: 0 if t == 0 else t * mpmath.log(t)   # noqa: E731
                ends = [g(_mp(a)), g(_mp(b))]
                inside = _mp(a) < 1 / mpmath.e < _mp(b)
                tmin = -1 / mpmath.e if inside else min(ends)
                tmax = max(ends)
                assert mpmath.mpf(lo.mid()) <= tmin <= mpmath.mpf(lo.mid()) + 1e-20
                assert mpmath.mpf(hi.mid()) - 1e-20 <= tmax <= mpmath.mpf(hi.mid())


def test_tiling_check_accepts_guillotine_tilings_and_rejects_gaps_and_overlaps():
    import random
    rng = random.Random(0)

    def split(reg, depth):
        if depth == 0 or rng.random() < 0.2:
            return [reg]
        i = rng.randrange(2)
        lo, hi = reg[i]
        v = lo + (hi - lo) * Fraction(rng.randint(1, 9), 10)
        a = tuple(reg[k] if k != i else (lo, v) for k in range(2))
        b = tuple(reg[k] if k != i else (v, hi) for k in range(2))
        return split(a, depth - 1) + split(b, depth - 1)

    reg = ((Fraction(0), Fraction(1)), (Fraction(0), Fraction(1)))
    for _ in range(20):
        bs = split(reg, 12)
        assert verify._tiles(reg, bs, ["p", "q"]) is None
        if len(bs) > 2:
            k = rng.randrange(len(bs))
            b = bs.pop(k)
            assert "not covered" in verify._tiles(reg, bs, ["p", "q"])          # a gap
            bs.insert(k, b)
            bb = bs[rng.randrange(len(bs))]
            bs.append(((bb[0][0], (bb[0][0] + bb[0][1]) / 2), bb[1]))        # an overlap
            assert verify._tiles(reg, bs, ["p", "q"]) is not None
