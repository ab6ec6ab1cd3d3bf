"""Figure 1 renders (quick sizes) and its data agree with the theory it overlays."""
import numpy as np
import pytest

pytest.importorskip("matplotlib")

from w2s_theory._registry import discover  # noqa: E402
from w2s_theory.ridge import figures  # noqa: E402


def test_fig1_writes_png(tmp_path):
    figs, _ = discover()
    (path,) = figs["ridge-fig1"][0](tmp_path, True, 0)
    assert path.exists() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_fig1_simulation_tracks_theory():
    for p in figures.figure1_data(quick=True, seed=1):
        # coarse check of what the figure shows (the sharp check is the registered claim):
        # the simulated surface stays within 5% of the theory's range plus 3/d
        diff = np.abs(p["sim"] - p["theory"])
        assert diff.max() < 0.05 * np.abs(p["theory"]).max() + 3.0 / p["d"]
