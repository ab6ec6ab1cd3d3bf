"""Seeded numpy simulators with spectral reuse."""
from .invariant import haar_frame, wishart_eigenvalues
from .ridge import RidgeSimulation, gram_spectrum, simulate_ridge, simulate_ridge_naive

__all__ = ["RidgeSimulation", "gram_spectrum", "haar_frame", "simulate_ridge",
           "simulate_ridge_naive", "wishart_eigenvalues"]
