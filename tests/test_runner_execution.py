"""Parallel, cached and distributed claim runs give the same report as a plain serial run."""
import json
import os
import subprocess
import sys
import threading

import pytest

from proofs_check import cache as cache_mod
from proofs_check import index
from proofs_check.cli import main
from proofs_check.registry import REGISTRY, Context, Outcome, claim, discover
from proofs_check.runner import run

CHEAP = ["rmt.quadratic-root", "ridge.thm5-overparameterised-student", "rmt.narayana-moments",
         "fdiv.ineq.pinsker"]


def _strip(records):
    return [{k: v for k, v in r.items() if k not in ("seconds", "cached")} for r in records]


def _json(capsys, *args):
    code = main(["--json", *args])
    return code, json.loads(capsys.readouterr().out)


def test_parallel_report_identical_to_serial(tmp_path):
    ctx = Context(quick=True)
    serial = run(CHEAP, ctx, jobs=1)
    parallel = run(CHEAP, ctx, jobs=2)
    assert [r["id"] for r in serial] == sorted(r["id"] for r in serial)
    assert _strip(serial) == _strip(parallel)
    assert len(serial) == len(CHEAP)


def test_cache_reuses_only_identical_keys(tmp_path):
    c = cache_mod.ResultCache(tmp_path)
    ctx = Context(quick=True)
    first = run(CHEAP[:2], ctx, cache=c)
    assert c.hits == 0 and not any(r.get("cached") for r in first)
    second = run(CHEAP[:2], ctx, cache=c)
    assert c.hits == 2 and all(r.get("cached") for r in second)
    assert _strip(first) == _strip(second)
    # another seed or mode is another key
    run(CHEAP[:1], Context(quick=True, seed=ctx.seed + 1), cache=c)
    run(CHEAP[:1], Context(quick=False), cache=c)
    assert c.hits == 2


def test_corrupted_or_stale_entries_never_pass(tmp_path):
    c = cache_mod.ResultCache(tmp_path)
    ctx = Context(quick=True)
    (rec,) = run(CHEAP[:1], ctx, cache=c)
    key = c.key(rec["id"], quick=True, seed=ctx.seed)
    path = c._path(key)
    entry = json.loads(path.read_text())
    # a failing verdict written over a pass without the checksum: ignored
    entry["record"]["status"] = "fail"
    path.write_text(json.dumps(entry))
    assert c.get(rec["id"], quick=True, seed=ctx.seed, module="w2s_theory.rmt.claims") is None
    # a well-formed entry whose key is another source tree: ignored
    entry = {"key": dict(key, source="0" * 64), "record": rec,
             "checksum": cache_mod._checksum(rec)}
    path.write_text(json.dumps(entry))
    assert c.get(rec["id"], quick=True, seed=ctx.seed, module="w2s_theory.rmt.claims") is None
    path.write_text("{ truncated")
    assert c.get(rec["id"], quick=True, seed=ctx.seed, module="w2s_theory.rmt.claims") is None
    # the run falls back to running the claim
    (again,) = run(CHEAP[:1], ctx, cache=c)
    assert not again.get("cached") and again["status"] == rec["status"]


def test_concurrent_writers_leave_valid_entries(tmp_path):
    c = cache_mod.ResultCache(tmp_path)
    rec = {"id": "demo.x", "status": "pass", "points": 3, "worst": 0.25}
    threads = [threading.Thread(target=c.put, args=("demo.x",),
                                kwargs=dict(quick=True, seed=1, record=dict(rec, points=i),
                                            module="w2s_theory.demo.claims"))
               for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    got = c.get("demo.x", quick=True, seed=1, module="w2s_theory.demo.claims")
    assert got is not None and got["points"] in range(16)
    assert not list(tmp_path.glob(".tmp-*"))


def test_crashes_and_foreign_claims_are_not_cached(tmp_path):
    c = cache_mod.ResultCache(tmp_path)
    assert not c.put("a.b", quick=True, seed=1, record={"id": "a.b", "traceback": "x"},
                     module="w2s_theory.a.claims")
    assert not c.put("a.b", quick=True, seed=1, record={"id": "a.b"}, module="mypkg.claims")


def test_source_hash_sees_every_edit(tmp_path):
    for pkg in cache_mod.SOURCE_PACKAGES:
        (tmp_path / pkg).mkdir()
        (tmp_path / pkg / "a.py").write_text("x = 1\n")
    h1 = cache_mod.source_hash(tmp_path)
    (tmp_path / "w2s_theory" / "a.py").write_text("x = 2\n")
    assert cache_mod.source_hash(tmp_path) != h1


def test_static_index_agrees_with_the_registry():
    registry = discover()
    idx = index.build_index()
    for m in idx:
        registered = {cid: c for cid, c in registry.items() if c.module == m.module}
        assert all(cid.startswith(m.prefix) for cid in registered), m.module
        for row in m.claims:
            c = registered[row.id]
            assert (row.title, row.source, row.method, row.domain) == \
                (c.title, c.source, c.method, c.domain)
        if not m.dynamic:
            assert {r.id for r in m.claims} == set(registered), m.module
    assert set(index.catalogue()) >= {cid for cid, c in registry.items()
                                      if c.module.startswith("w2s_theory.")}


def test_list_from_a_warm_index_imports_no_mechanism(tmp_path):
    code = ("import sys; from proofs_check.cli import main; main(['--list', '--cache-dir', %r]);"
            "print('IMPORTED', [m for m in sys.modules if m.startswith('w2s_theory.')"
            " and not m.split('.')[1].startswith('_')])")
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    for _ in range(2):   # the first run builds the index, the second reads it
        out = subprocess.run([sys.executable, "-c", code % str(tmp_path)], env=env,
                             capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("IMPORTED []")
    assert sum(1 for line in out.splitlines() if line.startswith("ridge.")) >= 5


def test_local_workers_import_their_own_mechanisms():
    # -j 2: the parent imports the shared floor only; each worker imports its claims module.
    code = ("import sys; from proofs_check import Context; from proofs_check.runner import run;"
            "recs = run(['rmt.quadratic-root', 'fdiv.ineq.pinsker'], Context(quick=True), jobs=2);"
            "print('STATUS', sorted(r['status'] for r in recs));"
            "print('IMPORTED', sorted(m for m in sys.modules if m.endswith('.claims')))")
    env = dict(os.environ, PYTHONPATH=os.getcwd())
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout
    assert "STATUS ['pass', 'pass']" in out
    assert "IMPORTED []" in out


def test_claims_run_with_one_blas_thread():
    from threadpoolctl import threadpool_info
    seen = {}

    @claim(id="zz-test.blas-threads", title="records BLAS threads", source="test",
           method="symbolic")
    def _probe(ctx):
        seen["threads"] = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
        return Outcome(points=1, worst=0.0, passed=True)

    try:
        (rec,) = run(["zz-test.blas-threads"], Context(), jobs=1)
    finally:
        REGISTRY.pop("zz-test.blas-threads")
    assert rec["status"] == "pass" and seen["threads"] and set(seen["threads"]) == {1}


def test_cli_reports_cache_use(tmp_path, capsys):
    assert main(["--quick", "--cache-dir", str(tmp_path), CHEAP[0]]) == 0
    assert "0 of 1 record(s) reused" in capsys.readouterr().out
    assert main(["--quick", "--cache-dir", str(tmp_path), CHEAP[0]]) == 0
    assert "1 of 1 record(s) reused" in capsys.readouterr().out
    assert main(["--quick", "--no-cache", CHEAP[0]]) == 0
    assert "reused" not in capsys.readouterr().out


def test_cli_rejects_bad_jobs(capsys):
    with pytest.raises(SystemExit) as e:
        main(["--jobs", "0", CHEAP[0]])
    assert e.value.code == 2 and "--jobs" in capsys.readouterr().err


def test_dask_local_cluster_gives_the_same_report(capsys):
    pytest.importorskip("distributed")
    _, serial = _json(capsys, "--quick", "--no-cache", "-j", "1", *CHEAP[:3])
    _, dask = _json(capsys, "--quick", "--no-cache", "--dask", "local:2", *CHEAP[:3])
    strip = lambda out: [{k: v for k, v in c.items()} for c in out["claims"]]
    assert strip(serial) == strip(dask)
