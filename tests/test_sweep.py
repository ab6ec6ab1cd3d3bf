"""Sweeps: identical results on every executor, resumable, validated, saved to netCDF."""
import json

import numpy as np
import pytest

xr = pytest.importorskip("xarray")

from w2s_theory.ridge.experiments import scaling, scaling_task  # noqa: E402
from w2s_theory.sweep import local_cluster, save, sweep, task_seed  # noqa: E402

GRID = {"d": [40, 60], "lam_S": [0.5, 2.0]}


def test_process_pool_matches_serial_bit_for_bit():
    a = sweep(scaling_task, GRID, 3, root_seed=5, executor="serial", progress=False)
    b = sweep(scaling_task, GRID, 3, root_seed=5, executor="process", jobs=2, progress=False)
    assert a["E_S"].dims == ("d", "lam_S", "trial")
    assert np.array_equal(a["E_S"].values, b["E_S"].values)
    assert np.array_equal(a["E_T_se"].values, b["E_T_se"].values)
    # trial seeds do not depend on the grid point: common random numbers across lam_S
    assert np.array_equal(a["E_T"].sel(lam_S=0.5).values, a["E_T"].sel(lam_S=2.0).values)
    se = a["E_S"].std("trial", ddof=1) / np.sqrt(3)
    assert np.allclose(a["E_S_se"], se)


def test_dask_local_cluster_matches_serial():
    distributed = pytest.importorskip("distributed")
    serial = sweep(scaling_task, GRID, 2, root_seed=1, executor="serial", progress=False)
    import dask
    with local_cluster(2) as client:
        dist = sweep(scaling_task, GRID, 2, root_seed=1, executor=client, progress=False)
        # the low-overhead settings reached the worker processes
        assert set(client.run(dask.config.get, "distributed.worker.profile.enabled").values()) \
            == {False}
    assert np.array_equal(serial["E_S"].values, dist["E_S"].values)
    with pytest.raises(ValueError, match="n_workers"):
        with local_cluster(0):
            pass


def test_resume_skips_finished_tasks(tmp_path):
    store = tmp_path / "run"
    full = sweep(scaling_task, GRID, 2, root_seed=3, executor="serial", store=store,
                 progress=False)
    files = sorted(store.glob("task-*.json"))
    assert len(files) == 8
    # "kill": half the tasks lost; plant a sentinel in one that survives to prove reuse
    for f in files[:4]:
        f.unlink()
    kept = json.loads(files[4].read_text())
    kept["outputs"]["E_S"] = -1.0
    files[4].write_text(json.dumps(kept))
    resumed = sweep(scaling_task, GRID, 2, root_seed=3, executor="serial", store=store,
                    progress=False)
    assert (resumed["E_S"].values == -1.0).sum() == 1          # not recomputed
    mask = resumed["E_S"].values != -1.0
    assert np.array_equal(resumed["E_S"].values[mask], full["E_S"].values[mask])
    with pytest.raises(ValueError, match="another sweep"):
        sweep(scaling_task, GRID, 3, root_seed=3, executor="serial", store=store,
              progress=False)


def test_save_netcdf_round_trip(tmp_path):
    ds = sweep(scaling_task, {"d": [30]}, 2, executor="serial", progress=False)
    path = save(ds, tmp_path / "out.nc")
    back = xr.open_dataset(path)
    assert np.array_equal(back["E_S"].values, ds["E_S"].values)
    back.close()
    with pytest.raises(ValueError, match=r"\.nc"):
        save(ds, tmp_path / "out.csv")


@pytest.mark.parametrize("kw,match", [
    (dict(grid={}), "grid"), (dict(grid={"trial": [1]}), "trial"),
    (dict(grid={"d": [30, 30]}), "distinct"), (dict(trials=0), "trials"),
    (dict(trials=True), "trials"), (dict(root_seed=-1), "root_seed"),
    (dict(executor="threads"), "executor"),
])
def test_bad_arguments_name_the_parameter(kw, match):
    args = dict(grid={"d": [30]}, trials=2, executor="serial", progress=False)
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        sweep(scaling_task, args.pop("grid"), args.pop("trials"), **args)


def test_task_seed_is_spawn_key_of_the_trial():
    assert task_seed(7, 2).spawn_key == (2,) and task_seed(7, 2).entropy == 7


def test_scaling_experiment_agrees_with_thm4():
    from w2s_theory._stats import agreement
    import json
    out = scaling(quick=True, seed=0, executor="serial")
    json.dumps(out)   # the experiment's JSON output (it once held a bound method)
    for k in ("E_T", "E_S"):
        assert out[k]["agrees"], out[k]["detail"]
        assert isinstance(out[k]["detail"], str)
        assert len(out[k]["by_d"]) == 3
        # the same evidence rejects a limit 2 % off: the check can fail
        rows = out[k]["by_d"]
        bad = agreement([r["mean"] for r in rows], [r["se"] for r in rows],
                        1.02 * out[k]["limit"], [r["d"] for r in rows], z=4.0, C=1.5,
                        reps=out["trials"])
        assert not bad.passed
