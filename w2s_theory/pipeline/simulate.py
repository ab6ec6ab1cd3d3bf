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

from .._numeric import check_np, seed_sequence
from ..simulate.invariant import haar_frame, wishart_eigenvalues
from ..simulate.ridge import gram_spectrum
from .compiler import SimResult
from .language import TRUTH


def _check(d, trials):
    if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 2:
        raise ValueError(f"d must be an integer >= 2; got {d!r}")
    if isinstance(trials, bool) or not isinstance(trials, (int, np.integer)) or trials < 2:
        raise ValueError(f"trials must be an integer >= 2 (standard errors need two); got {trials!r}")


class _Trial:
    """One draw of every design, seen at one parameter point.  An image is a list of terms
    ``(b, c, K)`` meaning ``c · V_b K``: ``b`` a design uid with ``K`` dense (k_b × q) or 1-d
    (diag, for noise), or ``b = None`` with ``K = 1`` meaning I.  The scalar ``c`` is kept apart
    so that ``K`` keeps its identity: projections and traces of the same ``K`` are computed
    once per trial and shared by every view (``shared``).  A fit on the design an image lives
    in needs no matrix product."""

    def __init__(self, d, spec, vals, shared):
        self.d, self.vals, self.spec, self.shared = d, vals, spec, shared

    def lam(self, fit):
        return float(fit.lam.subs(self.vals)) if fit.lam.free_symbols else float(fit.lam)

    def coef(self, c):
        return float(c.subs(self.vals)) if getattr(c, "free_symbols", None) else float(c)

    def V(self, b):
        return self.spec[b][1]

    def overlap(self, a, b):
        """V_aᵀ V_b (the transpose of V_bᵀ V_a when that one is known: one d³ product per pair;
        rows of V_b when V_a is the identity frame of the invariant sampler)."""
        overlaps = self.shared["overlaps"]
        O = overlaps.get((a, b))
        if O is None:
            T = overlaps.get((b, a))
            if T is not None:
                O = T.T
            elif a == self.shared["identity"]:
                O = self.V(b)[:self.V(a).shape[1]]
            elif b == self.shared["identity"]:
                O = self.V(a)[:self.V(b).shape[1]].T
            else:
                O = self.V(a).T @ self.V(b)
            overlaps[(a, b)] = O
        return O

    def _cached(self, table, key, operands, compute):
        """``compute()`` once per key; the operands are kept with the value so that the ids
        in the key cannot be reused by other arrays while the trial lives."""
        hit = self.shared[table].get(key)
        if hit is None:
            hit = self.shared[table][key] = (operands, compute())
        return hit[1]

    def vector(self, vec):
        out = {}
        for node, c in vec.terms.items():
            c = self.coef(c)
            img = {"beta": [(None, 1.0, _IDENTITY)]} if node is TRUTH else self.fit(node)
            for src, terms in img.items():
                out.setdefault(src, []).extend((b, c * c2, K) for b, c2, K in terms)
        return out

    def _to(self, a, b, K):
        """V_aᵀ V_b K: coefficients in basis V_a of the projection of V_b K on span V_a."""
        if b == a:
            return K
        return self._cached("projections", (a, b, id(K)), K, lambda: self._project(a, b, K))

    def _project(self, a, b, K):
        if b is None:
            return self.V(a).T
        O = self.overlap(a, b)
        if K.ndim == 1:
            return O * K[None, :]
        if isinstance(K, _Smooth) and b == self.shared["identity"]:
            out = np.zeros((O.shape[0], self.d))         # V_b = I[:, :k]: O diag(g) V_bᵀ is
            out[:, :K.g.size] = O * K.g                  # O diag(g) and d − k zero columns
            return out
        return O @ _dense(K)

    def _memo_key(self, fit):
        chains = self.shared["chains"]
        names = chains.get(id(fit))
        if names is None:
            names = chains[id(fit)] = sorted(s.name for s in _chain_symbols(fit))
        return id(fit), tuple(float(self.vals[n]) for n in names)

    def fit(self, fit):
        """The image of a fit (terms by noise source), memoised per trial on the fit and the
        values of the symbols it depends on (its chain's penalties and label coefficients):
        a teacher fitted once serves every pipeline built on it."""
        return self._cached("fits", self._memo_key(fit), fit, lambda: self._fit_image(fit))

    def _fit_image(self, fit):
        uid = fit.design.uid
        e, V, n = self.spec[uid]
        lam = self.lam(fit)
        f = e / (e + lam)
        out = {}
        for src, terms in self.vector(_strip_truth(fit.labels)).items():
            acc = None
            for b, c, K in terms:
                k = c * self._to(uid, b, K)
                acc = k if acc is None else _plus(acc, k)
            out[src] = _scale_rows(acc, f)
        c = self.coef(fit.labels.terms.get(TRUTH, 0))
        if c != 0:
            smooth = _Smooth(c * f, V)                           # V diag(f) Vᵀ in basis V
            out["beta"] = _plus(out["beta"], smooth) if "beta" in out else smooth
            noise = c * np.sqrt(e) / (e + lam)                   # (Σ+λ)⁻¹ V diag(√e)
            out[uid] = _plus(out[uid], noise) if uid in out else noise
        return {src: [(uid, 1.0, K)] for src, K in out.items()}

    def _dot(self, b1, K1, b2, K2):
        """⟨V_b1 K1, V_b2 K2⟩_F (symmetric: one computation per unordered pair)."""
        return self._cached("dots", frozenset(((b1, id(K1)), (b2, id(K2)))), (K1, K2),
                            lambda: self._dot_uncached(b1, K1, b2, K2))

    def _dot_uncached(self, b1, K1, b2, K2):
        if b1 is None and b2 is None:
            return float(self.d)
        if b1 is None or b2 is None:                 # ⟨I, V_b K⟩ = tr(V_b K)
            b, K = (b2, K2) if b1 is None else (b1, K1)
            if isinstance(K, _Smooth):                   # tr(V diag(g) Vᵀ) = Σ g
                return float(np.sum(K.g))
            return float(np.sum(self.V(b) * _dense(K).T))
        if isinstance(K1, _Smooth) and isinstance(K2, _Smooth):
            if b1 == b2:                                 # Vᵀ V = I
                return float(np.sum(K1.g * K2.g))
            O = self.overlap(b1, b2)                     # Σ_ij g_i h_j O_ij², no d³ product
            return float(K1.g @ (O * O) @ K2.g)
        if b1 == b2:
            K1, K2 = (_dense(K) if isinstance(K, _Smooth) else K for K in (K1, K2))
            if K1.ndim == 1 and K2.ndim == 1:
                return float(np.sum(K1 * K2))
            if K1.ndim == 1 or K2.ndim == 1:
                dg, full = (K1, K2) if K1.ndim == 1 else (K2, K1)
                return float(np.sum(dg * np.diagonal(full)))
            return float(np.sum(K1 * K2))
        identity = self.shared["identity"]
        for bs, Ks, bo, Ko in ((b1, K1, b2, K2), (b2, K2, b1, K1)):
            if isinstance(Ks, _Smooth) and bs == identity:
                # V_s = I[:, :k]: ⟨V_s diag(g) V_sᵀ, V_o K_o⟩ = Σ_{i<k} g_i (V_o K_o)_ii
                k = Ks.g.size
                return float(Ks.g @ np.einsum("ij,ji->i", self.V(bo)[:k], _dense(Ko)[:, :k]))
        return float(np.sum(_dense(K1) * self._to(b1, b2, K2)))

    def bilinear(self, u, v):
        U, W = self.vector(u), self.vector(v)
        s2, r2 = float(self.vals["sigma2"]), float(self.vals["r2"])
        total = 0.0
        for src in set(U) & set(W):
            w = r2 / self.d if src == "beta" else s2 / self.spec[src][2]
            total += w * sum(c1 * c2 * self._dot(b1, K1, b2, K2)
                             for b1, c1, K1 in U[src] for b2, c2, K2 in W[src])
        return total


#: The identity, as the ``K`` of a truth term ``(None, c, _IDENTITY)``.
_IDENTITY = 1.0


class _Smooth:
    """``diag(g) V_bᵀ`` (k_b × d), the image of truth labels under a fit on design b, kept
    factored: two of them have ⟨V_a diag(g) V_aᵀ, V_b diag(h) V_bᵀ⟩_F = Σ_ij g_i h_j (V_aᵀV_b)_ij²
    (the teachers of an ensemble), which needs no d×d×d product."""

    ndim = 2

    def __init__(self, g, V):
        self.g, self.V = g, V

    def __mul__(self, c):                                # by a scalar coefficient
        return _Smooth(c * self.g, self.V)

    __rmul__ = __mul__

    def dense(self):
        return self.g[:, None] * self.V.T


def _dense(K):
    if isinstance(K, _Smooth):
        return K.dense()
    return np.diag(K) if K.ndim == 1 else K


def _scale_rows(K, f):
    if isinstance(K, _Smooth):
        return _Smooth(f * K.g, K.V)
    return f * K if K.ndim == 1 else f[:, None] * K


def _plus(K1, K2):
    if K1.ndim == 1 and K2.ndim == 1:
        return K1 + K2
    return _dense(K1) + _dense(K2)


def _chain_symbols(fit):
    """Free symbols a fit's image depends on: penalties and label coefficients down its chain
    (σ² and r² only weight the final traces)."""
    syms, stack = set(), [fit]
    while stack:
        f = stack.pop()
        syms |= getattr(f.lam, "free_symbols", set())
        for node, c in f.labels.terms.items():
            syms |= getattr(c, "free_symbols", set())
            if node is not TRUTH:
                stack.append(node)
    return syms


def _strip_truth(vec):
    from .language import Vector
    return Vector({k: v for k, v in vec.terms.items() if k is not TRUTH})


#: Design samplers of :func:`simulate_points`.
SAMPLERS = ("gaussian", "invariant")


def _spectra(rng, d, designs, ratios, sampler):
    """``uid -> (e, V, n)`` for every design, and the uid whose frame is the identity (or None).

    ``gaussian`` draws each X and decomposes XᵀX/n.  ``invariant`` draws the same joint law
    of (e, V) directly (:mod:`w2s_theory.simulate.invariant`): e from the bidiagonal Laguerre
    model, V Haar, independent.  Every simulated quantity is invariant under one rotation of
    all designs (β is isotropic and integrated out; the rest are overlaps and traces), so the
    first design's frame is taken to be the identity."""
    spec, identity = {}, None
    for uid in sorted(designs):
        ratio = ratios[uid]
        n = round(d / ratio)
        if n < 1:
            raise ValueError(f"{designs[uid].ratio} = {ratio:g} leaves round(d/ratio) = 0 "
                             f"samples at d = {d}")
        if sampler == "gaussian":
            e, V = gram_spectrum(rng.standard_normal((n, d)))
        else:
            e = wishart_eigenvalues(rng, n, d)
            if identity is None:
                identity, V = uid, np.eye(d, e.size)
            else:
                V = haar_frame(rng, d, e.size)
        spec[uid] = (e, V, n)
    return spec, identity


def _values(limits, params):
    """Validated float values by name, plus a SymPy substitution table."""
    names = set()
    for L in limits:
        names |= {s.name for s in L.symbols}
    missing = sorted(names - set(params))
    if missing:
        raise ValueError(f"simulate: missing parameter values {missing}")
    vals, subs = {}, {}
    for L in limits:
        for s, p in zip(L.symbols, L.params):
            v = np.asarray(check_np(p, params[s.name]))
            if v.ndim:
                raise ValueError(f"simulate: {s.name} must be a scalar; got shape {v.shape}")
            vals[s.name] = subs[s] = float(v)
    subs.update(vals)
    return subs


def simulate_points(jobs, d=800, trials=8, seed=0, sampler="gaussian"):
    """Simulate ``(limit, params)`` jobs on shared draws of their designs.

    Every design is drawn and decomposed once per trial and serves all jobs (the
    jobs must agree on each shared design's ratio).  Trial ``i`` uses
    ``SeedSequence(seed).spawn(trials)[i]``.  ``sampler`` is ``"gaussian"`` (draw each
    design X and decompose XᵀX/n) or ``"invariant"`` (draw the same joint law of spectrum
    and eigenvectors directly, cheaper; see :func:`_spectra`).

    Returns
    -------
    list of w2s_theory.pipeline.compiler.SimResult, one per job
    """
    _check(d, trials)
    if sampler not in SAMPLERS:
        raise ValueError(f"sampler must be one of {SAMPLERS}; got {sampler!r}")
    designs, ratios, tables = {}, {}, []
    for L, params in jobs:
        subs = _values([L], params)
        tables.append(subs)
        for uid, des in L.designs.items():
            r = subs[des.ratio.name]
            if ratios.setdefault(uid, r) != r:
                raise ValueError(f"simulate: design {des!r} is given two ratios "
                                 f"({ratios[uid]:g} and {r:g}) in one simulation")
            designs[uid] = des
    out = np.empty((trials, len(jobs)))
    for i, child in enumerate(seed_sequence(seed).spawn(trials)):
        spec, identity = _spectra(np.random.default_rng(child), d, designs, ratios, sampler)
        shared = {"overlaps": {}, "fits": {}, "chains": {}, "projections": {}, "dots": {},
                  "identity": identity}
        views = {}
        for j, ((L, _), subs) in enumerate(zip(jobs, tables)):
            key = tuple(sorted(subs.items(), key=lambda kv: str(kv[0])))
            if key not in views:
                views[key] = _Trial(d, spec, subs, shared)
            tr = views[key]
            out[i, j] = tr.coef(L.const) + sum(tr.coef(c) * tr.bilinear(u, v)
                                               for c, u, v in L.pairs)
    mean, se = out.mean(axis=0), out.std(axis=0, ddof=1) / np.sqrt(trials)
    return [SimResult(float(mean[j]), float(se[j]), d, trials, out[:, j])
            for j in range(len(jobs))]


def simulate_limits(limits, d=800, trials=8, seed=0, sampler="gaussian", **params):
    """Simulate several compiled limits at one parameter point on shared design draws.

    Parameters
    ----------
    limits : sequence of Limit
        Pipelines that share ``Design`` objects share their draws within a trial.
    d : int ≥ 2
    trials : int ≥ 2
    seed : int, sequence of ints or SeedSequence
        Trial ``i`` uses ``SeedSequence(seed).spawn(trials)[i]``.
    sampler : {"gaussian", "invariant"}
        How designs are drawn (:func:`simulate_points`); both give the same law.
    **params
        Values of every symbol of every limit (by name).

    Returns
    -------
    list of w2s_theory.pipeline.compiler.SimResult
    """
    _values(limits, params)
    return simulate_points([(L, params) for L in limits], d=d, trials=trials, seed=seed,
                           sampler=sampler)
