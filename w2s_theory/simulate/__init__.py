"""Seeded numpy simulators with spectral reuse."""
from .ridge import RidgeSimulation, gram_spectrum, simulate_ridge, simulate_ridge_naive

__all__ = ["RidgeSimulation", "gram_spectrum", "simulate_ridge", "simulate_ridge_naive"]
