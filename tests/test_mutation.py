"""Mutation analysis (proofs_check.mutation): the engine kills known-bad mutants, leaves
harmless ones alone, rejects stale catalogues, and reports the documented JSON."""
import importlib
import json

import mpmath
import pytest
import sympy as sp

from proofs_check import REGISTRY, Context, Outcome, claim, discover
from proofs_check import mutation as M
from proofs_check import sensitivity as S
from proofs_check.cli import main
from proofs_check.mutants import SourceMutant, discover_mutants
from proofs_check.runner import run_claim

CTX = Context(quick=True)
RIDGE = "w2s_theory.ridge.theory"


@pytest.fixture(scope="module")
def registry():
    reg = discover()
    importlib.import_module("w2s_theory.fdiv.w2s")   # imported lazily by the fdiv claims
    return reg


def _mutant(key, **kw):
    f = M.formulas()[key][0]
    return next(m for m in M.generate(key, f) if all(getattr(m, k) == v for k, v in kw.items()))


def test_registry_keys_are_module_and_name(registry):
    keys = set(M.formulas())
    for key in (f"{RIDGE}:teacher_error", "w2s_theory.rmt.marchenko_pastur:m",
                "w2s_theory.cosine.calculus:cosine", "w2s_theory.cnn.models:linear_cnn_error",
                "w2s_theory.wridge.theory:wridge.delta", "w2s_theory.fdiv.w2s:gauss_error",
                "w2s_theory.multiindex.theory:spike_overlap"):
        assert key in keys
    public = M.public_keys()
    assert f"{RIDGE}:teacher_error" in public and f"{RIDGE}:optimal_lambda" in public


def test_generated_mutants_of_a_small_formula(registry):
    # λ* = φσ²/r²: two rescalings, the σ² <-> r² swap, and both root-for-square slips
    ms = {m.id: m for m in M.generate(f"{RIDGE}:optimal_lambda", M.formulas()[f"{RIDGE}:optimal_lambda"][0])}
    phi, s2, r2 = M.formulas()[f"{RIDGE}:optimal_lambda"][0].symbols
    assert set(ms) == {"ridge.theory:optimal_lambda@x1.05", "ridge.theory:optimal_lambda@x0.95",
                       "ridge.theory:optimal_lambda@swap:sigma2,r2",
                       "ridge.theory:optimal_lambda@sqrt:r2", "ridge.theory:optimal_lambda@sqrt:sigma2"}
    sw = ms["ridge.theory:optimal_lambda@swap:sigma2,r2"]
    assert sw.kind == "swap" and not sw.equivalent
    assert sp.simplify(sw.expr.subs({phi: 2, s2: 3, r2: 5}) - sp.Rational(10, 3)) == 0


def test_drop_term_walks_into_piecewise_branches(registry):
    ms = M.generate(f"{RIDGE}:teacher_error", M.formulas()[f"{RIDGE}:teacher_error"][0])
    drops = [m for m in ms if m.kind == "drop-term"]
    assert len(drops) == 3                                  # σ², r² b_φ, σ² φ v_φ
    g = [m for m in M.generate(f"{RIDGE}:gain_g", M.formulas()[f"{RIDGE}:gain_g"][0])
         if m.kind == "drop-term"]
    assert g and all(m.id.split("@drop")[1].startswith("b") for m in g)   # inside branches


def test_symmetric_swap_is_detected_equivalent(registry):
    m = _mutant("w2s_theory.cosine.calculus:cosine", kind="swap")   # p/sqrt(q r): q <-> r
    assert m.equivalent
    not_eq = _mutant("w2s_theory.cosine.calculus:dc/dq", kind="swap")
    assert not not_eq.equivalent


def test_hand_equivalence_marks_apply(registry, monkeypatch):
    monkeypatch.setattr(M, "equivalence_marks",
                        lambda: {"ridge.theory:optimal_lambda@sqrt:*": "test reason"})
    ms = {m.id: m for m in M.generated_mutants(["ridge.theory:optimal_lambda"])}
    assert ms["ridge.theory:optimal_lambda@sqrt:r2"].equivalent == "test reason"
    assert not ms["ridge.theory:optimal_lambda@x1.05"].equivalent
    assert all(m.target == f"{RIDGE}:optimal_lambda" for m in ms.values())   # prefiltered


def test_planted_mutants_change_both_paths_and_are_restored(registry):
    from w2s_theory.ridge import theory as T
    from w2s_theory.rmt import marchenko_pastur as MP
    args = (0.7, 0.3, 0.5, 1.3)
    before_f, before_mp = T.teacher_error(*args), T.teacher_error(*map(mpmath.mpf, args))
    up = _mutant(f"{RIDGE}:teacher_error", id="ridge.theory:teacher_error@x1.05")
    with M.planted([up]):
        assert T.teacher_error(*args) == pytest.approx(1.05 * before_f, rel=1e-14)
        assert float(T.teacher_error(*map(mpmath.mpf, args)) / before_mp) == pytest.approx(1.05, rel=1e-14)
    sw = _mutant(f"{RIDGE}:teacher_error", kind="swap")                 # σ² <-> r²
    with M.planted([sw]):
        assert T.teacher_error(0.7, 0.3, 1.3, 0.5) == pytest.approx(before_f, rel=1e-14)
    assert T.teacher_error(*args) == before_f                            # restored exactly



# one known-bad mutant per mechanism, each with a cheap claim that must reject it
KNOWN_BAD = [
    ("w2s_theory.rmt.marchenko_pastur:m", "rmt.quadratic-root"),
    (f"{RIDGE}:level_h", "ridge.h-below-2-iff-under-regularised"),
    ("w2s_theory.cosine.calculus:dc/dp", "cosine.derivatives-high-precision"),
    ("w2s_theory.multiindex.theory:spike_overlap", "multiindex.limit-special-cases"),
    ("w2s_theory.cnn.models:linear_cnn_error", "cnn.weak-error-formula"),
    ("w2s_theory.wridge.theory:wridge.rho_threshold", "wridge.rho-threshold"),
]


@pytest.mark.parametrize("key,cid", KNOWN_BAD, ids=[c for _, c in KNOWN_BAD])
def test_engine_kills_a_five_percent_error(registry, key, cid):
    m = M._scale_mutant(key, 0.05, +1)
    rec = M.run_claim_under(registry[cid], [m], CTX)
    assert rec["status"] == "fail", rec["detail"]
    with M.recording() as used:                          # and the claim really uses the formula
        assert M.run_claim_under(registry[cid], [], CTX)["status"] != "fail"
    assert key in used


def test_harmless_mutant_is_not_killed(registry):
    # the symmetric swap q <-> r of p/sqrt(q r) is the same function: no claim may fail on it
    m = _mutant("w2s_theory.cosine.calculus:cosine", kind="swap")
    rec = M.run_claim_under(registry["cosine.zero-one-elliptical"], [m], CTX)
    assert rec["status"] == "pass", rec["detail"]


# ------------------------------------------------------------- function targets (scale_targets)

def test_scale_value_keeps_the_return_kind():
    import numpy as np
    from proofs_check.scale_targets import scale_value
    assert type(scale_value(2.0, 21, 20)) is float and scale_value(2.0, 21, 20) == 2.1
    x = scale_value(np.float64(2.0), 21, 20)
    assert type(x) is np.float64 and x == pytest.approx(2.1, rel=1e-15)
    a = scale_value(np.ones(3, dtype=np.float32), 21, 20)
    assert a.dtype == np.float32 and a.shape == (3,) and np.allclose(a, 1.05)
    with mpmath.workdps(30):
        m = scale_value(mpmath.mpf(2), 21, 20)
        assert isinstance(m, mpmath.mpf) and abs(m - mpmath.mpf("2.1")) < mpmath.mpf(10) ** -28
        assert isinstance(scale_value(mpmath.mpc(1, 1), 21, 20), mpmath.mpc)
    loss, grad = scale_value((1.0, np.ones(2)), 21, 20, part=1)   # only the gradient
    assert loss == 1.0 and np.allclose(grad, 1.05)
    assert scale_value([mpmath.mpf(1), 2.0], 1, 2) == [mpmath.mpf("0.5"), 1.0]
    assert scale_value({"a": 2.0}, 1, 2) == {"a": 1.0}
    assert scale_value(sp.Rational(2), 21, 20) == sp.Rational(21, 10)
    assert scale_value(True, 21, 20) is True and scale_value(None, 2, 1) is None


def test_sensitivity_search_on_the_grid():
    from proofs_check.scale_targets import search
    grid = list(M.EPS_GRID)
    # target "a" is seen from 0.05 (+) and 0.2 (-), "b" from 0.01 (+ only), "c" never
    thr = {("a", 1): 0.05, ("a", -1): 0.2, ("b", 1): 0.01}
    for first in (False, True):
        calls = []

        def fails(k, e, s):
            calls.append((k, e, s))
            return e >= thr.get((k, s), 9)
        best, by = search(["a", "b", "c"], grid, fails, smallest_first=first)
        assert best == {1: 0.01, -1: 0.2}
        assert by == {"a+": 0.05, "a-": 0.2, "b+": 0.01}
        assert all(e < 0.01 for k, e, s in calls if k == "c" and s == 1)   # pruned below 0.01
        assert len(calls) <= 20                     # grid of 7, 3 targets x 2 signs


def test_declared_targets_resolve_and_unscalable_claims_exist(registry):
    targets, unscalable = M._st.declared()
    M.instrument()
    assert targets and all(M._st.is_target(t.key) for t in targets)   # every one installed
    assert all(t.key.endswith(")") or t.key.endswith("]") for t in targets)
    assert set(unscalable) <= set(registry) and all(unscalable.values())


def test_instance_method_target_is_scaled_seen_and_restored(registry):
    import numpy as np
    from w2s_theory.fdiv import divergences as D
    M.instrument()                                       # installs the declared targets
    key = "w2s_theory.fdiv.divergences:KL.__call__()"
    assert M._st.is_target(key)
    P, Q = np.array([0.2, 0.8]), np.array([0.5, 0.5])
    kl, tv = D.KL(P, Q), D.TV(P, Q)
    with mpmath.workdps(30):
        kl_mp = D.KL([mpmath.mpf("0.2"), mpmath.mpf("0.8")], [mpmath.mpf("0.5")] * 2)
    with M.recording() as used, M.planted([M._scale_mutant(key, 0.01, -1)]):
        assert D.KL(P, Q) == pytest.approx(0.99 * kl, rel=1e-15)
        assert type(D.KL(P, Q)) is float and D.TV(P, Q) == tv      # other instances untouched
        with mpmath.workdps(30):
            got = D.KL([mpmath.mpf("0.2"), mpmath.mpf("0.8")], [mpmath.mpf("0.5")] * 2)
            assert isinstance(got, mpmath.mpf) and abs(got / kl_mp - mpmath.mpf("0.99")) < 1e-25
    assert key in used and "w2s_theory.fdiv.divergences:TV.__call__()" in used
    assert D.KL(P, Q) == kl                                        # restored exactly
    g = "w2s_theory.fdiv.divergences:KL.loss_and_grad()[1]"          # the gradient alone
    l0, g0 = D.KL.loss_and_grad(P, np.zeros(2))
    with M.planted([M._scale_mutant(g, 0.5, +1)]):
        l1, g1 = D.KL.loss_and_grad(P, np.zeros(2))
    assert l1 == l0 and np.allclose(g1, 1.5 * g0)


def test_function_target_is_seen_by_a_claim_and_restored(registry):
    import numpy as np
    from w2s_theory.rmt import marchenko_pastur as MP
    orig = MP.atom_mass
    marker = M._st.install_targets(["w2s_theory.rmt.marchenko_pastur:atom_mass"], M)
    key = "w2s_theory.rmt.marchenko_pastur:atom_mass()"

    @claim(id="zz-mut.atom", title="MP atom 1 - 1/gamma", source="test", method="high-precision")
    def _atom(ctx):
        err = abs(MP.atom_mass(4.0) - 0.75) / 0.75          # independent closed form
        return Outcome(points=1, worst=err, passed=err < 1e-12)
    try:
        assert MP.atom_mass is not orig and MP.atom_mass.__scale_target__ == key
        c = REGISTRY["zz-mut.atom"]
        with M.recording() as used:
            assert M.run_claim_under(c, [], CTX)["status"] == "pass"
        assert key in used
        assert M.run_claim_under(c, [M._scale_mutant(key, 0.005, +1)], CTX)["status"] == "fail"
        assert M.run_claim_under(c, [], CTX)["status"] == "pass"     # nothing leaked
        best, _ = M._st.search([key], list(M.EPS_GRID),
                               lambda k, e, s: M.run_claim_under(
                                   c, [M._scale_mutant(k, e, s)], CTX)["status"] == "fail")
        assert best == {1: 0.005, -1: 0.005}
        # a function target and a Formula of the same name stay distinct (one factor, not two)
        from w2s_theory.cnn import models
        from w2s_theory.cnn.regimes import abundant_setting
        model, w = abundant_setting(True).model, np.ones(30)
        e0 = models.linear_cnn_error(w, model)
        for k in ("w2s_theory.cnn.models:linear_cnn_error", "w2s_theory.cnn.models:linear_cnn_error()"):
            with M.planted([M._scale_mutant(k, 0.1, +1)]):
                assert models.linear_cnn_error(w, model) == pytest.approx(1.1 * e0, rel=1e-14)
    finally:
        REGISTRY.pop("zz-mut.atom")
        M._st.uninstall(marker)
    assert MP.atom_mass is orig and not M._st.is_target(key)


def test_default_argument_and_float_path_targets(registry):
    import numpy as np
    from w2s_theory.cosine import checks, sft
    from w2s_theory.ridge import theory as T
    M.instrument()
    # check_expected_gradient(formula=expected_gradient): the default is the wrapper
    assert checks.check_expected_gradient.__defaults__[0] is sft.expected_gradient
    assert sft.expected_gradient.__scale_target__ == "w2s_theory.cosine.sft:expected_gradient()"
    # key#float: the float evaluators scaled, the mpmath path not
    args = (0.7, 0.3, 0.5, 1.3)
    f0, m0 = T.teacher_error(*args), T.teacher_error(*map(mpmath.mpf, args))
    with M.planted([M._scale_mutant(f"{RIDGE}:teacher_error#float", 0.01, +1)]):
        assert T.teacher_error(*args) == pytest.approx(1.01 * f0, rel=1e-14)
        assert T.teacher_error(np.array([0.7]), 0.3, 0.5, 1.3)[0] == pytest.approx(1.01 * f0, rel=1e-14)
        assert T.teacher_error(*map(mpmath.mpf, args)) == m0
    assert T.teacher_error(*args) == f0


def test_cache_cannot_hide_or_leak_a_mutant():
    from w2s_theory.ridge import theory as T
    store: dict = {}
    T._TEST_CACHE = store                                 # a module-level dict cache
    ref = T.teacher_error(0.5, 0.3, 0.2, 1.0)

    @claim(id="zz-mut.cached", title="cached teacher error", source="test", method="symbolic")
    def _cached(ctx):
        if "v" not in store:
            store["v"] = T.teacher_error(0.5, 0.3, 0.2, 1.0)
        return Outcome(points=1, worst=abs(store["v"] - ref), passed=abs(store["v"] - ref) < 1e-12)
    try:
        c = REGISTRY["zz-mut.cached"]
        assert run_claim(c, CTX)["status"] == "pass" and store["v"] == ref   # cache filled
        rec = M.run_claim_under(c, [M._scale_mutant(f"{RIDGE}:teacher_error", 0.05, +1)], CTX)
        assert rec["status"] == "fail" and rec.get("cache_rerun")   # seen although cached
        assert store["v"] == ref                                     # and nothing leaked
    finally:
        REGISTRY.pop("zz-mut.cached")
        del T._TEST_CACHE


def test_stale_catalogue_entry_raises(registry):
    stale = SourceMutant("ridge.zz-stale", "w2s_theory/ridge/theory.py", "text that is not there",
                         "x", "stale", ("ridge.*",))
    with pytest.raises(ValueError, match="stale"):
        M.run_mutation(["ridge.zz-stale"], claims=["rmt.quadratic-root"], catalogue=[stale],
                       workers=1, sensitivity=False)


def test_real_catalogues_apply():
    for m in discover_mutants():          # every catalogued snippet still matches its file
        m.check_applies()
        assert m.description and m.claims


def test_json_shape_and_sensitivity_file(tmp_path, capsys, registry):
    sens = tmp_path / "sens.json"
    res = M.run_mutation(["rmt.marchenko_pastur:m"], claims=["rmt.quadratic-root"], catalogue=[],
                         workers=1)
    assert {"mutants", "claims", "summary", "version"} <= set(res)
    for row in res["mutants"]:
        assert {"id", "target", "kind", "description", "killed_by", "status"} <= set(row)
        assert row["status"] in M.STATUSES and row["target"] == "rmt.marchenko_pastur:m"
    s = res["summary"]
    assert {"total", "killed", "survived", "equivalent"} <= set(s)
    assert s["total"] == s["killed"] + s["survived"] + s["equivalent"] == len(res["mutants"])
    rows = {r["id"]: r for r in res["mutants"]}
    assert rows["rmt.marchenko_pastur:m@x1.05"]["killed_by"] == ["rmt.quadratic-root"]
    (c,) = res["claims"]
    assert c["id"] == "rmt.quadratic-root" and 0 < c["sensitivity"] <= 0.05
    assert c["targets"] == ["rmt.marchenko_pastur:m"]
    json.dumps(res)
    assert "kill matrix" in M.format_text(res)
    # stored, then read by the ordinary report; a corrupt file means null, not a crash
    S.save(res, sens)
    assert main(["--json", "--quick", "--sensitivity-file", str(sens), "rmt.quadratic-root"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["claims"][0]["sensitivity"] == c["sensitivity"]
    sens.write_text("{not json")
    assert main(["--json", "--quick", "--sensitivity-file", str(sens), "rmt.quadratic-root"]) == 0
    assert json.loads(capsys.readouterr().out)["claims"][0]["sensitivity"] is None


def test_forked_catalogued_run_reloads_what_sees_the_mutant(registry):
    # a harmless edit survives and a real bug dies in a forked child; the caller is untouched
    from proofs_check.mutants import dependents, run_source_mutant
    from w2s_theory.rmt import marchenko_pastur as MP
    before = MP.stieltjes(0.5, 0.3)
    harmless = SourceMutant("rmt.zz-harmless", "w2s_theory/rmt/marchenko_pastur.py",
                            "Branch: the Herglotz one", "Branch: the Herglotz branch",
                            "docstring edit (harmless)", ("rmt.quadratic-root",))
    bad = SourceMutant("rmt.zz-bad", "w2s_theory/rmt/marchenko_pastur.py",
                       "    return _FUNCTIONALS[\"m\"](gamma, lam)",
                       "    return 1.05 * _FUNCTIONALS[\"m\"](gamma, lam)",
                       "stieltjes x1.05", ("rmt.quadratic-root",))
    assert run_source_mutant(harmless, isolate="fork")["killed_by"] == []
    assert run_source_mutant(bad, isolate="fork")["killed_by"] == ["rmt.quadratic-root"]
    assert MP.stieltjes(0.5, 0.3) == before
    # a claims module reaching the mutated module through ``from . import checks`` (a parent
    # package attribute, set before the fork) must get the reloaded one, not the stale one
    cube = next(m for m in discover_mutants() if m.id == "cosine.cube-sampler-gaussian")
    assert run_source_mutant(cube, isolate="fork")["killed_by"] == ["cosine.zero-one-non-elliptical"]
    # what is reloaded: importers, transitively, including imports inside functions
    dep = dependents("w2s_theory.pipeline.simulate")
    assert {"w2s_theory.pipeline.compiler", "w2s_theory.pipeline", "w2s_theory.pipeline.claims"} <= dep
    assert "w2s_theory.rmt.marchenko_pastur" not in dep


@pytest.mark.slow
def test_catalogued_mutants_through_the_engine(registry):
    # a copy of the package in a fresh interpreter: a harmless edit survives, a real bug dies
    harmless = SourceMutant("rmt.zz-harmless", "w2s_theory/rmt/marchenko_pastur.py",
                            "Branch: the Herglotz one", "Branch: the Herglotz branch",
                            "docstring edit (harmless)", ("rmt.quadratic-root",))
    bad = SourceMutant("rmt.zz-bad", "w2s_theory/rmt/marchenko_pastur.py",
                       "    return _FUNCTIONALS[\"m\"](gamma, lam)",
                       "    return 1.05 * _FUNCTIONALS[\"m\"](gamma, lam)",
                       "stieltjes x1.05", ("rmt.quadratic-root",))
    res = M.run_mutation(["rmt.zz-*"], claims=["rmt.quadratic-root"], catalogue=[harmless, bad],
                         workers=2, sensitivity=False)
    rows = {r["id"]: r for r in res["mutants"]}
    assert rows["rmt.zz-harmless"]["status"] == "survived"
    assert rows["rmt.zz-bad"]["killed_by"] == ["rmt.quadratic-root"]
    assert [r["origin"] for r in res["mutants"]] == ["catalogued", "catalogued"]
    from proofs_check.mutants import run_source_mutant   # the fresh-interpreter reference agrees
    assert run_source_mutant(harmless, isolate="interpreter")["killed_by"] == []
    assert run_source_mutant(bad, isolate="interpreter")["killed_by"] == ["rmt.quadratic-root"]


def test_sensitivity_file_robustness(tmp_path):
    p = tmp_path / "s.json"
    assert S.load(p) == {}
    p.write_text(json.dumps({"claims": {"a": {"sensitivity": 0.01}, "b": {"sensitivity": "x"},
                                        "c": {"sensitivity": float("inf")}, "d": 3}}))
    assert S.load(p) == {"a": 0.01}
    p.write_text(json.dumps({"claims": []}))
    assert S.load(p) == {}


def test_compiled_pipeline_limits_are_distinct_targets_and_mutants_take_effect():
    # every compiled limit is its own formula, keyed by its pipeline (not one shared
    # "test_error"), and a planted expression reaches the staged evaluators
    from w2s_theory.pipeline import Design, Truth, ridge, sq_distance, test_error
    T = ridge(Truth(), Design("phi", "A"), "lam_T", name="T")
    S = ridge(T, Design("psi", "B"), "lam_S", name="S")
    ET, ES, mis = test_error(T), test_error(S), sq_distance(S, T)
    p = dict(phi=0.5, psi=2.0, lam_T=0.1, lam_S=0.5, sigma2=0.5, r2=2.0)
    vals = {k: L.evaluate(**{s.name: p[s.name] for s in L.symbols})
            for k, L in (("T", ET), ("S", ES), ("m", mis))}
    keys = {ET.formula.key, ES.formula.key, mis.formula.key}
    assert keys == {"w2s_theory.pipeline.compiler:test_error(T)",
                    "w2s_theory.pipeline.compiler:test_error(S)",
                    "w2s_theory.pipeline.compiler:sq_distance(S, T)"}
    drop = next(m for m in M.generate(ES.formula.key, ES.formula) if m.kind == "drop-term")
    with M.planted([drop]):
        got = ES.evaluate(**p)
        assert abs(got - vals["S"]) > 1e-3                                  # took effect
        assert ET.evaluate(phi=0.5, lam_T=0.1, sigma2=0.5, r2=2.0) == vals["T"]   # others not
        # the planted expression itself is what is evaluated (generic evaluator of expr)
        args = [p[s.name] for s in ES.symbols]
        assert got == pytest.approx(float(drop.expr.subs(dict(zip(ES.formula.symbols, args))).doit()),
                                    rel=1e-10)
    assert ES.evaluate(**p) == vals["S"]                                     # restored
