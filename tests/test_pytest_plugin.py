"""The pytest plugin: claims as test items, inert without its options."""
import pytest

from proofs_check import REGISTRY
from proofs_check.registry import discover_modules

# Inline pytester runs restore sys.modules after each test, and C extensions (numpy, scipy)
# cannot be imported twice in one process: import what the inner runs need here, once.
discover_modules(["w2s_theory.rmt"])

pytest_plugins = ["pytester"]

USER_CLAIMS = '''
from proofs_check import Outcome, claim

@claim(id="mine.holds", title="1 + 1 = 2", source="arithmetic", method="symbolic")
def holds(ctx):
    return Outcome(points=1, worst=0.0, passed=True, detail="exact")

@claim(id="mine.fails", title="2 + 2 = 5", source="Orwell 1949", method="symbolic")
def fails(ctx):
    return Outcome(points=1, worst=1.0, passed=False, detail="2 + 2 - 5 = -1, not 0")

@claim(id="mine.text-wrong", title="corrected statement", source="paper", method="symbolic")
def text_wrong(ctx):
    return Outcome(points=3, worst=0.0, passed=True, discrepancy=True,
                   detail="the paper says 3, the derivation gives 4")

@claim(id="mine.returns-bool", title="wrong return type", source="user", method="symbolic")
def returns_bool(ctx):
    return True

@claim(id="mine.seed", title="sees the seed", source="user", method="simulation")
def sees_seed(ctx):
    ok = ctx.quick and ctx.seed == 7
    return Outcome(points=1, worst=0.0 if ok else 1.0, passed=ok, detail=f"quick={ctx.quick} seed={ctx.seed}")
'''


@pytest.fixture
def user_project(pytester):
    """A user's project: package ``mypkg`` with a claims module and one ordinary test."""
    pytester.mkpydir("mypkg")
    pytester.path.joinpath("mypkg", "claims.py").write_text(USER_CLAIMS)
    pytester.makepyfile(test_ordinary="def test_ordinary():\n    assert True\n")
    pytester.syspathinsert()
    before = set(REGISTRY)
    yield pytester
    for cid in set(REGISTRY) - before:      # inline runs share this process's registry
        REGISTRY.pop(cid)


def _run(pytester, *args):
    return pytester.runpytest("-p", "proofs_check.pytest_plugin", *args)


def test_inert_without_options(user_project):
    res = _run(user_project, "-v")
    res.assert_outcomes(passed=1)
    assert "w2s-claims" not in res.stdout.str()


def test_user_claims_as_items(user_project):
    res = _run(user_project, "-v", "--w2s-module", "mypkg", "--w2s-quick", "--w2s-seed", "7")
    # ordinary test, holds and seed pass; fails and returns-bool fail; text-wrong: discrepancy
    assert res.parseoutcomes() == {"passed": 3, "failed": 2, "discrepancy": 1}
    out = res.stdout.str()
    assert "w2s-claims::mine.holds PASSED" in out
    assert "w2s-claims::mine.text-wrong DISCREPANCY" in out
    assert "w2s-claims::mine.fails FAILED" in out and "2 + 2 - 5 = -1, not 0" in out
    assert "claim mine.returns-bool returned bool; claims must return proofs_check.Outcome" in out
    assert "DISCREPANCY mine.text-wrong: the paper says 3, the derivation gives 4" in out
    assert res.ret == 1


def test_seed_and_quick_reach_the_claim(user_project):
    res = _run(user_project, "--w2s-module", "mypkg", "--w2s-pattern", "mine.seed", "-m", "w2s_claim")
    res.assert_outcomes(failed=1)                      # default seed, not quick
    assert "quick=False seed=20251124" in res.stdout.str()
    res = _run(user_project, "--w2s-module", "mypkg", "--w2s-pattern", "mine.seed", "-m", "w2s_claim",
               "--w2s-quick", "--w2s-seed", "7")
    res.assert_outcomes(passed=1)


def test_patterns_marker_and_k(user_project):
    res = _run(user_project, "--w2s-module", "mypkg", "--w2s-pattern", "mine.h*", "-m", "w2s_claim")
    res.assert_outcomes(passed=1)                      # only the claim, not test_ordinary
    res = _run(user_project, "--w2s-module", "mypkg", "-k", "holds or text")
    assert res.ret == 0                                # a discrepancy is not a failure
    assert res.parseoutcomes() == {"passed": 1, "discrepancy": 1, "deselected": 4}


def test_bad_pattern_and_module_are_usage_errors(user_project):
    res = _run(user_project, "--w2s-module", "mypkg", "--w2s-pattern", "mine")
    assert res.ret == pytest.ExitCode.USAGE_ERROR
    assert "did you mean 'mine.*'?" in res.stderr.str()
    res = _run(user_project, "--w2s-module", "no_such_pkg_xyz")
    assert res.ret == pytest.ExitCode.USAGE_ERROR
    res = _run(user_project, "--w2s-claims", "--w2s-seed", "-1")
    assert res.ret == pytest.ExitCode.USAGE_ERROR and "--w2s-seed" in res.stderr.str()


def test_project_claim_runs_through_the_plugin(user_project):
    res = _run(user_project, "--w2s-module", "w2s_theory.rmt", "--w2s-pattern", "rmt.quadratic-root",
               "--w2s-quick", "-m", "w2s_claim", "-v")
    res.assert_outcomes(passed=1)
    assert "w2s-claims::rmt.quadratic-root PASSED" in res.stdout.str()


def test_entry_point_and_explicit_p_do_not_clash(tmp_path):
    """Installed, the plugin loads through ``pytest11``; an explicit ``-p`` must not register it twice."""
    import os
    import pathlib
    import subprocess
    import sys
    dist = tmp_path / "site" / "w2s_fake-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: w2s-fake\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[pytest11]\nproofs_check.pytest_plugin = proofs_check.pytest_plugin\n")
    (tmp_path / "mine_claims.py").write_text(USER_CLAIMS)
    root = pathlib.Path(__file__).resolve().parents[1]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path / "site"), str(root)]))
    for extra in ([], ["-p", "proofs_check.pytest_plugin"]):
        res = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *extra,
                              "--w2s-module", "mine_claims", "--w2s-pattern", "mine.holds",
                              "-q", "-m", "w2s_claim"],
                             cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert res.returncode == 0 and "1 passed" in res.stdout, res.stdout + res.stderr
