"""Cosine-similarity mechanism: weak-to-strong is nearly inevitable in linear models.

Source: Geng, Hansen & Li (2026), "Weak-to-strong generalization is nearly
inevitable (in linear models)"; derivations in ``docs/theory/cosine.rst``.

Modules: :mod:`~w2s_theory.cosine.calculus` (Σ-cosine, gradient, Hessian, 0-1
loss; SymPy source of truth), :mod:`~w2s_theory.cosine.sft` (expected SFT
gradient, cosine rate, relative correlation, vectorised SFT simulator),
:mod:`~w2s_theory.cosine.bounds` (Lemma C.3/C.4 bounds, adversarial search,
step-size limits), :mod:`~w2s_theory.cosine.paper` (the §3 experiments),
``claims``/``figures``/``experiments`` (registered with ``w2s-check``/``w2s``).
"""
from . import paper
from .bounds import (exact_step_limit, gradient_bound, hessian_bound, sft_step_limits,
                     taylor_step_bound)
from .calculus import (C_PQR, accuracy, angle, cosine, cosine_gradient, cosine_hessian,
                       symbolic_cosine, symbolic_gradient, symbolic_hessian, zero_one_loss,
                       zero_one_loss_of)
from .sft import (confidence_residual_bound, cosine_rate, expected_gradient, kappa,
                  relative_correlation, sample_on_cone, simulate_sft)

__all__ = ["C_PQR", "accuracy", "angle", "zero_one_loss_of", "cosine", "cosine_gradient", "cosine_hessian",
           "symbolic_cosine", "symbolic_gradient", "symbolic_hessian", "zero_one_loss",
           "kappa", "expected_gradient", "cosine_rate", "relative_correlation",
           "confidence_residual_bound", "sample_on_cone", "simulate_sft",
           "hessian_bound", "gradient_bound", "exact_step_limit", "taylor_step_bound",
           "sft_step_limits"]
