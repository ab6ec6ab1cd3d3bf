"""The counter-example grid scan of the certification engine (Statement.scan, engine._scan)."""
import dataclasses

import pytest
import sympy as sp

flint = pytest.importorskip("flint")

from proofs_check.certify import engine  # noqa: E402
from proofs_check.certify.spec import Param, Statement  # noqa: E402

x, y = sp.symbols("x y", positive=True)


def test_scan_refutes_with_a_point_outside_the_exclusions_that_really_violates():
    # KL ≥ 2.1·TV² on Bernoulli pairs is false (Pinsker's 2 is sharp near (1/2, 1/2)); the
    # band |p − q| ≤ 1/5 is cut out, so the counter-example must lie outside it
    from w2s_theory.fdiv import claims_certified as C
    from w2s_theory.fdiv import divergences as D
    kl, tv = C.bernoulli_closed(D.KL), C.bernoulli_closed(D.TV)
    e = kl - sp.Rational(21, 10) * tv ** 2
    st = Statement("bad", e, ">=0", C.SQUARE, limits=True,
                   exclusions=(C._band(sp.Rational(1, 5)),), scan=32)
    res = engine.certify(st)
    assert res.status == "refuted" and res.evaluated <= engine.SCAN_CANDIDATES
    pt = {C.P: res.counterexample["p"], C.Q: res.counterexample["q"]}
    assert abs(pt[C.P] - pt[C.Q]) > sp.Rational(1, 5)
    assert float(sp.N(e.subs(pt), 40)) < 0 and res.counter_value[1] < 0


def test_scan_concludes_nothing_for_a_true_statement():
    # e^x ≥ 1 + x + x²/2 on [1e-3, 3] is true: the scan finds nothing and the search proves it,
    # with the same boxes as without the scan
    st = Statement("taylor", sp.exp(x) - 1 - x - x**2 / 2, ">0", (Param("x", "1e-3", 3, "log"),))
    plain, scanned = engine.certify(st), engine.certify(dataclasses.replace(st, scan=32))
    assert plain.status == scanned.status == "proved"
    assert [b for b, _, _ in plain.boxes] == [b for b, _, _ in scanned.boxes]


def test_scan_skips_violations_inside_the_exclusions_and_falls_back_to_the_search():
    # x·y ≥ 1/100 fails where x·y < 1/100; with x ≤ 1/10 cut out, the scan must return a
    # violating point with x > 1/10 (e.g. (1/5, 1/25)), never one inside the exclusion
    st = Statement("xy", x * y - sp.Rational(1, 100), ">=0",
                   (Param("x", 0, 1), Param("y", 0, 1)),
                   exclusions=((x - sp.Rational(1, 10), "x <= 1/10"),), scan=16)
    res = engine.certify(st)
    assert res.status == "refuted" and res.counterexample["x"] > sp.Rational(1, 10)
    assert res.counterexample["x"] * res.counterexample["y"] < sp.Rational(1, 100)
    # with every violation inside the exclusion x·y ≤ 1/50 the scan finds nothing (the float
    # ranking proposes no point) and the search proves the statement
    st2 = dataclasses.replace(st, exclusions=((x * y - sp.Rational(1, 50), "x y <= 1/50"),))
    res2 = engine.certify(st2)
    assert res2.status == "proved" and res2.evaluated > engine.SCAN_CANDIDATES
