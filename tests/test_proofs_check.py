"""The claim registry and the w2s-check CLI (its JSON is a contract with users' CI)."""
import json
import subprocess
import sys

import pytest

from proofs_check import REGISTRY, Context, Outcome, claim, discover
from proofs_check.cli import main
from proofs_check.report import JSON_CLAIM_KEYS, JSON_EXTRA_KEYS
from proofs_check.runner import run_claim


def test_discovery_finds_foundation_claims():
    ids = set(discover())
    for cid in ("rmt.narayana-moments", "ridge.student-limit-vs-simulation",
                "ridge.thm5-overparameterised-student", "ridge.lambda-star-minimises-teacher",
                "ridge.ridgeless-limits"):
        assert cid in ids
    for c in REGISTRY.values():
        assert c.source and c.title and c.method


def _run_json(capsys, *args):
    code = main(["--json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_json_contract_and_exit_status(capsys):
    code, out = _run_json(capsys, "--quick", "rmt.quadratic-root", "ridge.thm5-over*")
    assert code == 0
    assert {"claims", "summary", "version"} <= set(out)
    assert [c["id"] for c in out["claims"]] == ["ridge.thm5-overparameterised-student",
                                                "rmt.quadratic-root"]
    for c in out["claims"]:
        # the contract's keys first, in order; later additions after them
        assert tuple(c)[:len(JSON_CLAIM_KEYS)] == JSON_CLAIM_KEYS
        assert set(JSON_EXTRA_KEYS) <= set(c)
        assert c["worst_kind"] in ("error", "margin") and c["detail"]
        assert c["status"] in ("pass", "fail", "discrepancy") and c["points"] > 0
    assert out["claims"][0]["status"] == "discrepancy"   # paper text vs derivation, not a failure
    s = out["summary"]
    assert (s["total"], s["pass"], s["fail"], s["discrepancy"]) == (2, 1, 0, 1)


@pytest.fixture
def temporary_claims():
    @claim(id="zz-test.failing", title="always false", source="test", method="symbolic")
    def _fail(ctx):
        return Outcome(points=1, worst=1.0, passed=False, detail="by design")

    @claim(id="zz-test.crashing", title="raises", source="test", method="symbolic")
    def _crash(ctx):
        raise RuntimeError("boom")

    yield
    REGISTRY.pop("zz-test.failing")
    REGISTRY.pop("zz-test.crashing")


def test_failures_and_crashes_give_nonzero_exit(capsys, temporary_claims):
    code, out = _run_json(capsys, "zz-test.*")
    assert code == 1
    assert {c["status"] for c in out["claims"]} == {"fail"}
    crashed = [c for c in out["claims"] if c["id"] == "zz-test.crashing"][0]
    assert crashed["worst"] is None and crashed["points"] == 0


def test_crash_detail_is_reported(temporary_claims):
    rec = run_claim(REGISTRY["zz-test.crashing"], Context(quick=True))
    assert rec["status"] == "fail" and "boom" in rec["detail"]


def test_no_match_is_a_usage_error(capsys):
    assert main(["no-such-claim-xyz"]) == 2


def test_outcome_rejects_nan_and_bad_kind():
    with pytest.raises(ValueError):
        Outcome(points=1, worst=float("nan"), passed=True)
    with pytest.raises(ValueError):
        Outcome(points=1, worst=0.0, passed=True, worst_kind="size")


def test_duplicate_ids_and_bad_method_rejected():
    with pytest.raises(ValueError, match="method"):
        claim(id="x", title="t", source="s", method="guess")
    with pytest.raises(ValueError, match="duplicate"):
        claim(id="rmt.quadratic-root", title="t", source="s", method="symbolic")(lambda ctx: None)


def test_module_entry_point_text_report():
    out = subprocess.run([sys.executable, "-m", "proofs_check", "--quick", "rmt.narayana-moments"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0
    assert "[PASS] rmt.narayana-moments" in out.stdout and "1 claim: 1 pass" in out.stdout
    listing = subprocess.run([sys.executable, "-m", "proofs_check", "--list", "ridge.*"],
                             capture_output=True, text=True, timeout=120)
    assert "ridge.thm5-underparameterised-student" in listing.stdout
