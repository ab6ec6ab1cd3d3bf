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


# --- patterns are globs only; usage errors exit 2 with a message ---------------------------

def test_patterns_are_globs_not_substrings():
    from proofs_check.runner import select
    claims = discover()
    ridge = [c.id for c in select(claims, ["ridge.*"])]
    assert ridge and all(cid.startswith("ridge.") for cid in ridge)       # no wridge.* claims
    assert select(claims, ["ridge"]) == []                                 # no substring match
    assert [c.id for c in select(claims, ["rmt.quadratic-root"])] == ["rmt.quadratic-root"]


@pytest.mark.parametrize("argv", [["ridge"], ["--list", "ridge"]])
def test_bare_prefix_word_exits_2_with_hint(capsys, argv):
    assert main(argv) == 2
    assert "did you mean 'ridge.*'?" in capsys.readouterr().err


def test_list_without_match_exits_2(capsys):
    assert main(["--list", "no-such-claim-xyz"]) == 2
    assert "no claim matches 'no-such-claim-xyz'" in capsys.readouterr().err
    assert main(["--list", "rmt.*", "typo-xyz"]) == 2          # one unmatched pattern is enough


@pytest.mark.parametrize("bad", ["-1", "1.5", "abc", ""])
def test_bad_seed_exits_2_naming_the_option(capsys, bad):
    with pytest.raises(SystemExit) as exc:
        main(["--seed", bad, "rmt.quadratic-root"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--seed" in err and "non-negative integer" in err


def test_seed_parser_agrees_with_seed_sequence():
    import argparse
    from w2s_theory._cli_common import seed_arg
    from w2s_theory._numeric import seed_sequence
    for text in ("0", "7", str(2**70)):
        assert seed_sequence(seed_arg(text)).entropy == int(text)
    with pytest.raises(argparse.ArgumentTypeError):
        seed_arg("-3")
    with pytest.raises(ValueError):
        seed_sequence(-3)


def test_one_seed_default_for_both_tools():
    from w2s_theory._cli_common import DEFAULT_SEED
    from proofs_check.cli import build_parser
    assert Context().seed == DEFAULT_SEED == build_parser().parse_args([]).seed


@pytest.mark.parametrize("module", ["proofs_check", "w2s_theory.cli"])
def test_version_flag(module):
    from proofs_check import __version__
    out = subprocess.run([sys.executable, "-m", module, "--version"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.split()[-1] == __version__


def test_help_is_plain_text():
    from proofs_check.cli import build_parser
    text = build_parser().format_help()
    assert "``" not in text and ":func:" not in text and "Exit status" in text


def test_crashed_claim_json_has_null_worst_and_exception_detail(capsys, temporary_claims):
    code, out = _run_json(capsys, "zz-test.crashing")
    assert code == 1
    (c,) = out["claims"]
    assert c["worst"] is None and c["status"] == "fail" and c["detail"] == "RuntimeError: boom"


# --- claims from users' own modules ----------------------------------------------------------

USER_CLAIMS = '''
import time, pathlib, os
from proofs_check import Outcome, claim

@claim(id="mine.holds", title="1 + 1 = 2", source="arithmetic", method="symbolic")
def holds(ctx):
    return Outcome(points=1, worst=abs((1 + 1) - 2), passed=True, detail="exact")

@claim(id="mine.returns-bool", title="wrong return type", source="user", method="symbolic")
def returns_bool(ctx):
    return True
'''

SLOW_CLAIMS = '''
import os, pathlib, time
from proofs_check import Outcome, claim

@claim(id="slowmine.a-fast", title="fast", source="test", method="symbolic")
def fast(ctx):
    return Outcome(points=1, worst=0.0, passed=True, detail="fast")

@claim(id="slowmine.b-slow", title="slow", source="test", method="symbolic")
def slow(ctx):
    pathlib.Path(os.environ["W2S_TEST_MARKER"]).write_text("started")
    time.sleep(float(os.environ.get("W2S_TEST_SLEEP", "60")))
    return Outcome(points=1, worst=0.0, passed=True, detail="slow")
'''


@pytest.fixture
def user_package(tmp_path, monkeypatch):
    """A user's package ``mypkg`` with a ``claims`` module, importable from tmp_path."""
    pkg = tmp_path / "mypkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "claims.py").write_text(USER_CLAIMS)
    (tmp_path / "slowmine.py").write_text(SLOW_CLAIMS)
    monkeypatch.syspath_prepend(str(tmp_path))
    before = set(REGISTRY)
    yield tmp_path
    for cid in set(REGISTRY) - before:
        REGISTRY.pop(cid)
    for name in [m for m in sys.modules if m.split(".")[0] in ("mypkg", "slowmine")]:
        del sys.modules[name]     # so that the next test's import registers the claims again


def test_module_option_runs_only_that_package(capsys, user_package):
    code, out = _run_json(capsys, "--module", "mypkg")
    assert code == 1                                   # the bool-returning claim fails
    by_id = {c["id"]: c for c in out["claims"]}
    assert set(by_id) == {"mine.holds", "mine.returns-bool"}
    assert by_id["mine.holds"]["status"] == "pass"
    bad = by_id["mine.returns-bool"]
    assert bad["status"] == "fail"
    assert "claim mine.returns-bool returned bool; claims must return proofs_check.Outcome" \
        in bad["detail"]
    code, out = _run_json(capsys, "--module", "mypkg", "mine.holds")
    assert code == 0 and [c["id"] for c in out["claims"]] == ["mine.holds"]


def test_module_option_errors(capsys, user_package):
    assert main(["--module", "no_such_pkg_xyz"]) == 2
    assert "cannot import" in capsys.readouterr().err
    assert main(["--module", "mypkg", "rmt.*"]) == 2          # w2s_theory's claims not included


def test_entry_point_group_registers_claims(tmp_path, monkeypatch, user_package):
    """A distribution declaring ``[project.entry-points."w2s_theory.claims"]`` is discovered."""
    dist = tmp_path / "mypkg-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: mypkg\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[w2s_theory.claims]\nmine = mypkg.claims\n")
    assert "mine.holds" in discover()


def _cli(*args, **kw):
    return subprocess.Popen([sys.executable, "-m", "proofs_check", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def test_closed_stdout_exits_quietly(user_package):
    """`w2s-check --json | head -1` and text | head: no traceback, exit 141 (SIGPIPE), not 1."""
    import os
    env = dict(os.environ, PYTHONPATH=str(user_package), W2S_TEST_MARKER=str(user_package / "m"),
               W2S_TEST_SLEEP="0.5")
    for args in (["--json"], []):
        p = _cli("--module", "slowmine", *args, env=env)
        p.stdout.readline() if not args else None   # text: read the first block's line, then close
        p.stdout.close()
        err = p.stderr.read()
        assert p.wait(timeout=60) == 141, err
        assert "Traceback" not in err and "BrokenPipeError" not in err


def test_sigint_gives_partial_json_and_exit_130(user_package):
    import os
    import signal
    import time
    marker = user_package / "marker"
    env = dict(os.environ, PYTHONPATH=str(user_package), W2S_TEST_MARKER=str(marker))
    for as_json in (True, False):
        marker.unlink(missing_ok=True)
        # one worker, no cache (whose timings would schedule b-slow first): a-fast has
        # finished when b-slow writes the marker, however loaded the machine is
        p = _cli("--module", "slowmine", "-j", "1", "--no-cache",
                 *(["--json"] if as_json else []), env=env)
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=60)
        assert p.returncode == 130 and "Traceback" not in err, err
        assert "interrupted" in err
        if as_json:
            doc = json.loads(out)
            assert [c["id"] for c in doc["claims"]] == ["slowmine.a-fast"]
            assert doc["summary"]["interrupted"] is True and doc["summary"]["total"] == 1
        else:
            assert "[PASS] slowmine.a-fast" in out and "1 claim: 1 pass" in out
