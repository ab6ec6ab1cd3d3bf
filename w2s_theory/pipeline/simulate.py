"""Seeded simulation of compiled pipelines, generated from the same pipeline objects.

Per trial each design is drawn once (n = round(d/ratio) rows of iid N(0, 1)) and
decomposed once, ``Σ_A = V diag(e) Vᵀ`` (:func:`w2s_theory.simulate.gram_spectrum`);
every fit on it, at any penalty, reuses the decomposition.  β (uniform on the sphere
of radius r, E ββᵀ = (r²/d) I) and the label noise are integrated out exactly given
the designs: a vector ``M β + Σ_A N_A g_A`` is carried as the matrices
``M`` (d×d) and ``N_A V_A diag(√e_A)`` (d×k_A), since ``E g_A g_Aᵀ = (σ²/n_A) Σ_A``, and

    E⟨u, v⟩ = (r²/d) ⟨M_u, M_v⟩_F + Σ_A (σ²/n_A) ⟨N_{u,A} V_A √e_A, N_{v,A} V_A √e_A⟩_F.

What remains random is the designs' spectra and eigenvectors, whose effect on these
normalised traces fluctuates at O(1/d), so d = 800 checks are sharp.
"""
from __future__ import annotations

import numpy as np

from .._numeric import Param, check_np, seed_sequence
from ..simulate.ridge import gram_spectrum
from .compiler import SimResult
from .language import TRUTH


def _check(d, trials):
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 2:
        raise ValueError(f"d must be an integer >= 2; got {d!r}")
    if isinstance(trials, bool) or not isinstance(trials, (int, np.integer)) or trials < 2:
        raise ValueError(f"trials must be an integer >= 2 (standard errors need two); got {trials!r}")


class _Trial:
    def __init__(self, rng, d, designs, vals):
        self.d, self.vals = d, vals
        self.spec = {}
        for uid in sorted(designs):
            ratio = float(vals[designs[uid].ratio.name])
            n = round(d / ratio)
            if n < 1:
                raise ValueError(f"{designs[uid].ratio} = {ratio:g} leaves round(d/ratio) = 0 "
                                 f"samples at d = {d}")
            e, V = gram_spectrum(rng.standard_normal((n, d)))
            self.spec[uid] = (e, V, n)
        self.memo = {}

    def lam(self, fit):
        return float(fit.lam.subs(self.vals)) if fit.lam.free_symbols else float(fit.lam)

    def coef(self, c):
        return float(c.subs(self.vals)) if getattr(c, "free_symbols", None) else float(c)

    def vector(self, vec):
        out = {}
        for node, c in vec.terms.items():
            c = self.coef(c)
            img = {"beta": np.eye(self.d)} if node is TRUTH else self.fit(node)
            for src, M in img.items():
                out[src] = out[src] + c * M if src in out else c * M
        return out

    def fit(self, fit):
        if id(fit) in self.memo:
            return self.memo[id(fit)]
        e, V, n = self.spec[fit.design.uid]
        lam = self.lam(fit)
        f = e / (e + lam)
        lab = {k: v for k, v in self.vector(_strip_truth(fit.labels)).items()}
        out = {src: V @ (f[:, None] * (V.T @ M)) for src, M in lab.items()}
        c = self.coef(fit.labels.terms.get(TRUTH, 0))
        if c != 0:
            smooth = (V * f) @ V.T
            out["beta"] = out["beta"] + c * smooth if "beta" in out else c * smooth
            noise = c * V * (np.sqrt(e) / (e + lam))
            uid = fit.design.uid
            out[uid] = out[uid] + noise if uid in out else noise
        self.memo[id(fit)] = out
        return out

    def bilinear(self, u, v):
        U, W = self.vector(u), self.vector(v)
        s2, r2 = float(self.vals["sigma2"]), float(self.vals["r2"])
        total = 0.0
        for src in set(U) & set(W):
            w = r2 / self.d if src == "beta" else s2 / self.spec[src][2]
            total += w * float(np.sum(U[src] * W[src]))
        return total


def _strip_truth(vec):
    from .language import Vector
    return Vector({k: v for k, v in vec.terms.items() if k is not TRUTH})


def simulate_limits(limits, d=800, trials=8, seed=0, **params):
    """Simulate several compiled limits on shared draws of their designs.

    Parameters
    ----------
    limits : sequence of Limit
        Pipelines that share ``Design`` objects share their draws within a trial.
    d : int ≥ 2
    trials : int ≥ 2
    seed : int, sequence of ints or SeedSequence
        Trial ``i`` uses ``SeedSequence(seed).spawn(trials)[i]``.
    **params
        Values of every symbol of every limit (by name).

    Returns
    -------
    list of SimResult
    """
    _check(d, trials)
    designs, names = {}, set()
    for L in limits:
        designs.update(L.designs)
        names |= {s.name for s in L.symbols}
    missing = sorted(names - set(params))
    if missing:
        raise ValueError(f"simulate: missing parameter values {missing}")
    vals = {}
    for L in limits:
        for s, p in zip(L.symbols, L.params):
            vals[s.name] = float(check_np(p, params[s.name]))
    import sympy as sp
    subs_vals = dict(vals)
    subs_vals.update({sp.Symbol(k, positive=True): v for k, v in vals.items()})
    for L in limits:
        subs_vals.update({s: vals[s.name] for s in L.symbols})
    out = np.empty((trials, len(limits)))
    for i, child in enumerate(seed_sequence(seed).spawn(trials)):
        tr = _Trial(np.random.default_rng(child), d, designs, subs_vals)
        for j, L in enumerate(limits):
            const = float(L.const.subs(subs_vals)) if L.const.free_symbols else float(L.const)
            out[i, j] = const + sum(tr.coef(c) * tr.bilinear(u, v) for c, u, v in L.pairs)
    mean, se = out.mean(axis=0), out.std(axis=0, ddof=1) / np.sqrt(trials)
    return [SimResult(float(mean[j]), float(se[j]), d, trials, out[:, j])
            for j in range(len(limits))]
