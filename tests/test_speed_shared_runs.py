"""Exactness of the run-sharing and reduced-sampling shortcuts of the cnn and multiindex claims."""
import importlib

import numpy as np

from proofs_check import Context
from w2s_theory.cnn import claims as CC
from w2s_theory.cnn.regimes import abundant_setting
from w2s_theory.multiindex import claims as MC

S = importlib.import_module("w2s_theory.multiindex.simulate")


def test_one_run_large_step_too_keeps_the_other_metrics_and_matches_a_large_run():
    s, d = MC.DEFAULT, 24
    child = np.random.SeedSequence(7)
    plain = S.one_run(s, d, np.random.default_rng(child))
    both = S.one_run(s, d, np.random.default_rng(child), large_step_too=True)
    large = S.one_run(s, d, np.random.default_rng(child), step="large", student=False)
    assert all(both[k] == v for k, v in plain.items())          # bit for bit
    # the same draw at the step eta sqrt(N): equal up to rounding / Lanczos tolerance
    assert abs(both["teacher_u1_large_step"] - large["teacher_u1"]) < 1e-8
    # and not the fixed-step value (the check would see a wrong step)
    assert abs(both["teacher_u1_large_step"] - both["teacher_u1"]) > 1e-3


def test_student_runs_carry_the_teacher_only_metrics():
    s, d = MC.DEFAULT, 16
    child = np.random.SeedSequence([3, 1])
    t = S.one_run(s, d, np.random.default_rng(child), student=False)
    st = S.one_run(s, d, np.random.default_rng(child), student=True)
    assert all(st[k] == v for k, v in t.items())


def test_default_pool_reproduces_simulate_in_any_order(monkeypatch):
    ctx = Context(quick=True)
    monkeypatch.setattr(MC, "_CACHE", {})
    d = MC.rate_plan(ctx)[0][0]
    ref = S.simulate(MC.DEFAULT, d, 5, seed=[ctx.seed, 6, 0, d], student=False)
    st = MC._default_runs(ctx, d, 3, True)          # student runs first, then the rate runs
    got = MC._default_runs(ctx, d, 5, False)
    assert sorted(got.values) == sorted(ref.values)
    assert all(np.array_equal(got.values[k], ref.values[k]) for k in ref.values)
    assert np.array_equal(st.values["teacher_u2"], ref.values["teacher_u2"][:3])


def test_cnn_mc_sample_has_the_law_of_the_full_sample():
    st = abundant_setting(True)
    model = st.model
    rng = np.random.default_rng(0)
    w = rng.standard_normal(model.d)
    t_full = model.sample(4000, 11)
    t_red, wr = CC._mc_sample(w, model, 4000, 11)
    # label/type/sign streams are those of the full sample; the signal part of f is the same
    for k in ("y", "kind", "eps", "coef"):
        assert np.array_equal(getattr(t_red, k), getattr(t_full, k))
    assert t_red.d == 5 and np.allclose(wr[:3], w[:3]) and wr[4] == 0
    assert np.isclose(wr[3], np.linalg.norm(w[3:]), rtol=1e-14)
    # noise term <w, xi>: N(0, sigma_p^2 |w_perp|^2) in both (variance within 4 SE)
    sig = model.sigma_p * np.linalg.norm(w[3:])
    for t, v in ((t_full, w), (t_red, wr)):
        z = (t.noise @ v) / sig
        assert abs(z.var() - 1) < 4 * np.sqrt(2 / z.size)
