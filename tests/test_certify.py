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


@pytest.mark.parametrize("cid", ["ridge.g-above-1-certified", "ridge.g-below-2-certified",
                                 "cosine.hessian-constant-certified", "ridge.thm5-signs-certified",
                                 pytest.param("fdiv.hellinger-kl-certified", marks=pytest.mark.slow)])
def test_certified_claims_quick(cid):
    from proofs_check.registry import Context, discover
    out = discover()[cid].run(Context(quick=True))
    assert out.passed, out.detail
    assert "refuted at" in out.detail          # sharpness: the 2 % stronger statement is false


@pytest.mark.slow
@pytest.mark.parametrize("cid", ["ridge.g-above-1-certified", "ridge.g-below-2-certified",
                                 "cosine.hessian-constant-certified", "ridge.thm5-signs-certified",
                                 "fdiv.hellinger-kl-certified"])
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
