"""Figure data (quick sizes): the figures show what the paper's captions say."""
import numpy as np
import pytest

from w2s_theory import ridge
from w2s_theory.wridge import figures


def test_figure2_win_region_extends_past_lambda_star():
    for p in figures.figure2_data(quick=True, seed=1):
        lstar = ridge.optimal_lambda(p["phi"], p["sigma2"], p["r2"])
        over = p["lam_T"] > lstar
        assert (p["theory"][over] < 0).any()          # beats some over-regularised teachers
        assert np.all(np.isfinite(p["sim"]))
        # simulated and theoretical signs agree away from the E_S = E_T curve
        clear = np.abs(p["theory"]) > 0.1
        assert np.all(np.sign(p["sim"][clear]) == np.sign(p["theory"][clear]))


def test_appendix_e_data_shapes_and_peak(tmp_path):
    data = figures.appendix_e_data("fig6", quick=True, seed=0)
    for psi in figures.APPE_PSIS:
        c = data["curves"][psi]
        near = np.argmin(np.abs(data["phi"] - 1))
        assert c[near] > 3 * c[0]                     # the inherited peak at φ = 1
        assert len(data["points"][psi]) == 6
    pytest.importorskip("matplotlib")
    paths = figures.fig3(tmp_path, quick=True, seed=0)
    assert paths[0].exists() and paths[0].stat().st_size > 10_000
