"""Experiments, figure and small-sample statistics of w2s_theory.multiindex."""
import json

import numpy as np
import pytest
from scipy import stats as st

from w2s_theory.multiindex import experiments as E
from w2s_theory.multiindex.stats import agreement, fit_rate, small_sample_factor


def test_small_sample_factor_is_t_over_z():
    assert small_sample_factor(3.29, 3) == pytest.approx(st.t.ppf(st.norm.cdf(3.29), 2) / 3.29)
    assert small_sample_factor(2.58, 10**6) == pytest.approx(1.0, abs=1e-4)
    with pytest.raises(ValueError, match="reps"):
        small_sample_factor(2.0, 1)
    # a band built from 3 repetitions is much wider than the normal one
    a = agreement(1.0, 0.1, 1.5, 10**9, z=3.29, C=0.0)
    b = agreement(1.0, 0.1, 1.5, 10**9, z=3.29, C=0.0, reps=3)
    assert not a.passed and b.passed
    ds = np.array([64, 128, 256.0])
    r1 = fit_rate(ds, ds ** -0.5, 0.1 * ds ** -0.5, z=2.58)
    r2 = fit_rate(ds, ds ** -0.5, 0.1 * ds ** -0.5, z=2.58, reps=4)
    assert r2.se > 2 * r1.se


def test_reps_schedule():
    assert E.reps_for(256, False) == 32 and E.reps_for(4096, False) == 3
    assert E.rate_reps_for(4096, False) >= 8


def test_scaling_study_small_and_plot(tmp_path):
    sc = E.scaling_study(ds=(24, 32, 48), reps=lambda d: 3, rate_reps=lambda d: 6, seed=1,
                         show_progress=False)
    json.dumps(sc)  # JSON-ready
    assert sc["teacher_reps"] == [6, 6, 6] and sc["reps"] == [3, 3, 3]
    assert set(sc["verdict"]) == {"teacher_u2_vanishes_at_d^-1/2", "student_keeps_u1_and_u2", "limits_agree"}
    stp = E.stepsize_study(etas=[1.0, 4.0], d=24, reps=2, seed=1, show_progress=False)
    pytest.importorskip("matplotlib")
    from w2s_theory.multiindex.figures import plot_alignment
    path = plot_alignment(sc, stp, tmp_path / "m.png")
    assert path.stat().st_size > 10_000


@pytest.mark.slow
def test_cli_quick_runs(tmp_path):
    from w2s_theory.cli import main
    assert main(["figure", "multiindex-alignment", "--quick", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "multiindex_alignment.png").exists()
    out = tmp_path / "s.json"
    assert main(["experiment", "multiindex-stepsize", "--quick", "--out", str(out)]) == 0
    assert json.loads(out.read_text())["rows"]
