"""Catalogued implementation mutants of the cosine mechanism (run by ``proofs_check.mutants``).

Each entry plants one realistic bug in a copy of the package; the claims named in
``claims`` must fail on it in quick mode (``run_source_mutant``).  Formula mutants
(×1.05 / ×0.95 of a SymPy source) are written here as source patches too, so their
kills are checked before the generated-mutant engine exists.
"""
from proofs_check.mutants import SourceMutant

CAL = "w2s_theory/cosine/calculus.py"
SFT = "w2s_theory/cosine/sft.py"
BND = "w2s_theory/cosine/bounds.py"
STO = "w2s_theory/cosine/stochastic.py"
ELL = "w2s_theory/cosine/ellipticity.py"
MC = "w2s_theory/cosine/montecarlo.py"

_SFT_CLAIMS = ("cosine.sft-random-teachers", "cosine.sft-condition", "cosine.shared-pretraining",
               "cosine.anisotropic-condition")
_DERIV = ("cosine.derivatives-symbolic", "cosine.derivatives-high-precision")


def _coef(name, factor):
    """×factor on one generated Lemma C.1 coefficient (a formula mutant written as a source patch)."""
    expr = {"c": "C_PQR", "c_p": "sp.diff(C_PQR, p)", "c_q": "sp.diff(C_PQR, q)",
            "c_pp": "sp.diff(C_PQR, p, 2)", "c_pq": "sp.diff(C_PQR, p, q)",
            "c_qq": "sp.diff(C_PQR, q, 2)"}[name]
    label = {"c": "cosine", "c_p": "dc/dp", "c_q": "dc/dq", "c_pp": "d2c/dp2", "c_pq": "d2c/dpdq",
             "c_qq": "d2c/dq2"}[name]
    frac = "sp.Rational(21, 20)" if factor > 1 else "sp.Rational(19, 20)"
    return SourceMutant(
        id=f"cosine.coef-{name.replace('_', '')}-x{factor:g}", file=CAL,
        old=f'"{name}": Formula({expr}, _P, _SYMS, "{label}")',
        new=f'"{name}": Formula({frac} * {expr}, _P, _SYMS, "{label}")',
        description=f"Lemma C.1 coefficient {label} scaled by {factor:g} in its SymPy source",
        claims=_DERIV + (("cosine.zero-one-elliptical",) if name == "c" else ()), kind="formula",
        equivalent=("c = p/sqrt(qr) is linear in p, so d2c/dp2 is identically 0 and any multiple of it "
                    "is the same function" if name == "c_pp" else ""))


#: Sensitivity targets (proofs_check.scale_targets): the SFT evaluators that are not a Formula.
SCALE_TARGETS = [
    "w2s_theory.cosine.sft:expected_gradient",
    "w2s_theory.cosine.sft:kappa",
    "w2s_theory.cosine.sft:cosine_rate",
    "w2s_theory.cosine.sft:relative_correlation",
]

MUTANTS = [
    # ------------------------------------------------------------------ simulators
    SourceMutant(
        id="cosine.sft-ground-truth-labels", file=SFT,
        old="Y = np.where(X @ Td.T >= 0, dt(1), dt(-1))",
        new="Y = np.where((X @ np.asarray(w_star, dt))[:, None] + 0 * (X @ Td.T) >= 0, dt(1), dt(-1))",
        description="SFT simulator trains the student on ground-truth labels sign<w*,x> instead of the teacher's",
        claims=_SFT_CLAIMS),
    SourceMutant(
        id="cosine.sft-tanh-scale", file=SFT,
        old="np.multiply(Z3, beta / 2, out=Z3)",
        new="np.multiply(Z3, beta, out=Z3)",
        description="minibatch logistic gradient uses tanh(βz) instead of tanh(βz/2)",
        claims=_SFT_CLAIMS),
    SourceMutant(
        id="cosine.sgd-gradient-factor", file=STO,
        old="coef = (b / 2) * (np.tanh(b * z / 2) - y)",
        new="coef = b * (np.tanh(b * z / 2) - y)",
        description="one-step SGD simulator: logistic gradient with β instead of β/2",
        claims=("cosine.sgd-one-step",)),
    SourceMutant(
        id="cosine.xi-sigma-x1.1", file=STO,
        old="sigma = float(np.sqrt(np.mean((xs - rate) ** 2)))",
        new="sigma = 1.1 * float(np.sqrt(np.mean((xs - rate) ** 2)))",
        description="per-sample standard deviation σ of ξ 10 % too large",
        claims=("cosine.sgd-one-step",)),
    SourceMutant(
        id="cosine.xi-sigma-x1.05", file=STO,
        old="sigma = float(np.sqrt(np.mean((xs - rate) ** 2)))",
        new="sigma = 1.05 * float(np.sqrt(np.mean((xs - rate) ** 2)))",
        description="per-sample standard deviation σ of ξ 5 % too large",
        claims=("cosine.sgd-one-step",)),
    SourceMutant(
        id="cosine.predicted-probability-sigma-x1.1", file=STO,
        old="math.sqrt(batch) * rate / sigma",
        new="math.sqrt(batch) * rate / (1.1 * sigma)",
        description="CLT prediction Φ(√B ċ/σ) evaluated with σ × 1.1",
        claims=("cosine.sgd-one-step",)),
    SourceMutant(
        id="cosine.cube-sampler-unit-interval", file=MC,
        old="z = rng.uniform(-math.sqrt(3), math.sqrt(3), size=(n, d))",
        new="z = rng.uniform(-1.0, 1.0, size=(n, d))",
        description="uniform-cube sampler on [−1, 1] (variance 1/3 instead of 1)",
        claims=("cosine.zero-one-non-elliptical", "cosine.non-elliptical-1-over-d"),
        equivalent="the sampler only feeds sign disagreements, which are invariant under rescaling x"),
    SourceMutant(
        id="cosine.cube-sampler-gaussian", file=MC,
        old="z = rng.uniform(-math.sqrt(3), math.sqrt(3), size=(n, d))",
        new="z = rng.standard_normal((n, d))",
        description="'uniform-cube' sampler draws Gaussian coordinates (an elliptical law)",
        claims=("cosine.zero-one-non-elliptical", "cosine.non-elliptical-1-over-d")),
    SourceMutant(
        id="cosine.hessian-constant-symbolic-x1.05", file=BND,
        old="HESSIAN_CONSTANT = 2 / sp.sqrt(3)",
        new="HESSIAN_CONSTANT = sp.Rational(21, 20) * 2 / sp.sqrt(3)",
        description="the symbolic Lemma C.3 constant 2/√3 ×1.05",
        claims=("cosine.hessian-constant", "cosine.hessian-bound"), kind="formula"),
    SourceMutant(
        id="cosine.hessian-constant-inverted", file=BND,
        old="HESSIAN_CONSTANT = 2 / sp.sqrt(3)",
        new="HESSIAN_CONSTANT = sp.sqrt(3) / 2",
        description="the symbolic Lemma C.3 constant written √3/2 instead of 2/√3",
        claims=("cosine.hessian-constant-certified", "cosine.hessian-constant",
                "cosine.spectral-radius-certified"), kind="formula"),
    SourceMutant(
        id="cosine.spectral-radius-discriminant", file=BND,
        old="SPECTRAL_RADIUS = (sp.Abs(_c) + sp.sqrt(4 - 3 * _c ** 2)) / 2",
        new="SPECTRAL_RADIUS = (sp.Abs(_c) + sp.sqrt(4 - 2 * _c ** 2)) / 2",
        description="closed-form Hessian radius with discriminant 4 − 2c² instead of c² + 4(1 − c²)",
        claims=("cosine.spectral-radius-certified",), kind="formula"),
    # ------------------------------------------------------------------ numeric kernels
    SourceMutant(
        id="cosine.gradient-float-term-x0.95", file=CAL,
        old="g = np.asarray(cp)[..., None] * (S @ ws) + 2 * np.asarray(cq)[..., None] * (W @ S)",
        new="g = 0.95 * np.asarray(cp)[..., None] * (S @ ws) + 2 * np.asarray(cq)[..., None] * (W @ S)",
        description="float gradient: the Σw* term ×0.95 (mpmath path untouched)",
        claims=_DERIV),
    SourceMutant(
        id="cosine.gradient-mp-factor", file=CAL,
        old='return COEF["c_p"](*args) * Sws + 2 * COEF["c_q"](*args) * Sw',
        new='return COEF["c_p"](*args) * Sws + COEF["c_q"](*args) * Sw',
        description="40-digit gradient: chain-rule factor 2 of ∇q = 2Σw dropped (float path untouched)",
        claims=_DERIV),
    SourceMutant(
        id="cosine.hessian-float-unsymmetrised", file=CAL,
        old='2 * k["c_pq"] * (uv + np.swapaxes(uv, -1, -2))',
        new='2 * k["c_pq"] * (uv + uv)',
        description="float Hessian: mixed term Σw*(Σw)ᵀ not symmetrised",
        claims=_DERIV),
    SourceMutant(
        id="cosine.hessian-mp-sigma-term", file=CAL,
        old='+ 4 * k["c_qq"] * Sw * Sw.T + 2 * k["c_q"] * Sm)',
        new='+ 4 * k["c_qq"] * Sw * Sw.T)',
        description="40-digit Hessian: the 2c_q Σ term dropped",
        claims=_DERIV),
    SourceMutant(
        id="cosine.kappa-float-half", file=SFT,
        old="return beta * K[inv].reshape(a.shape)",
        new="return beta / 2 * K[inv].reshape(a.shape)",
        description="κ float quadrature: even integrand not doubled (κ/2)",
        claims=("cosine.expected-gradient",)),
    SourceMutant(
        id="cosine.kappa-float-x1.05", file=SFT,
        old="return beta * K[inv].reshape(a.shape)",
        new="return 1.05 * beta * K[inv].reshape(a.shape)",
        description="κ float quadrature 5 % too large",
        claims=("cosine.expected-gradient",)),
    SourceMutant(
        id="cosine.kappa-mp-half", file=SFT,
        old="return 2 * mpmath.quad(f, [0, min(1, 1 / s), 1, 4, mpmath.inf])",
        new="return mpmath.quad(f, [0, min(1, 1 / s), 1, 4, mpmath.inf])",
        description="κ mpmath path: even integrand not doubled",
        claims=("cosine.expected-gradient",)),
    SourceMutant(
        id="cosine.rate-confidence-factor", file=SFT,
        old="B = (b / 2) * kappa(a, b) * np.sum(g * (Wh @ S), axis=-1)",
        new="B = b * kappa(a, b) * np.sum(g * (Wh @ S), axis=-1)",
        description="cosine rate: confidence term B with β instead of β/2",
        claims=("cosine.anisotropic-condition",)),
    SourceMutant(
        id="cosine.relative-correlation-sign", file=SFT,
        old="out = ct - cw * ctw",
        new="out = ct + cw * ctw",
        description="relative correlation R = cos(t,w*) + cos(w,w*)cos(t,w) (sign slip)",
        claims=("cosine.isotropic-cancellation", "cosine.sft-condition")),
    SourceMutant(
        id="cosine.residual-bound-no-half", file=SFT,
        old="return finish(kind, (hi - lo) / 2 * np.sqrt(np.clip((1 - cv) * (1 + cv), 0, None)))",
        new="return finish(kind, (hi - lo) * np.sqrt(np.clip((1 - cv) * (1 + cv), 0, None)))",
        description="confidence-residual bound without the 1/2 (valid but not tight)",
        claims=("cosine.anisotropic-residual",)),
    SourceMutant(
        id="cosine.hessian-constant-x1.05", file=BND,
        old="_HC = float(HESSIAN_CONSTANT)",
        new="_HC = 1.05 * float(HESSIAN_CONSTANT)",
        description="Lemma C.3 constant 2/√3 ×1.05 in the evaluated bounds",
        claims=("cosine.hessian-bound",)),
    SourceMutant(
        id="cosine.gradient-bound-no-sqrt", file=BND,
        old="np.sqrt(np.linalg.eigvalsh(S)[-1]) * np.sqrt(1 - c * c) / a",
        new="np.sqrt(np.linalg.eigvalsh(S)[-1]) * (1 - c * c) / a",
        description="Lemma C.4 bound with (1 − c²) instead of √(1 − c²)",
        claims=("cosine.gradient-bound",)),
    SourceMutant(
        id="cosine.exact-step-no-factor2", file=BND,
        old="eta = 2 * (c0 * c0 * pp - n0 * n1) / den",
        new="eta = (c0 * c0 * pp - n0 * n1) / den",
        description="exact step limit: factor 2 of the quadratic's root dropped",
        claims=("cosine.step-size",)),
    SourceMutant(
        id="cosine.taylor-step-constant", file=BND,
        old="-(2 * rate * a * vn + vn * vn / math.sqrt(3))",
        new="-(2 * rate * a * vn + vn * vn / 3)",
        description="Taylor step bound with 1/3 instead of (2/√3)/2 = 1/√3",
        claims=("cosine.step-size",)),
    SourceMutant(
        id="cosine.taylor-step-x1.05", file=BND,
        old="return _rescale_eta((-B_ - math.sqrt(disc)) / (2 * A_), k)",
        new="return _rescale_eta(1.05 * (-B_ - math.sqrt(disc)) / (2 * A_), k)",
        description="Taylor step bound ×1.05",
        claims=("cosine.step-size",)),
    SourceMutant(
        id="cosine.taylor-step-x0.95", file=BND,
        old="return _rescale_eta((-B_ - math.sqrt(disc)) / (2 * A_), k)",
        new="return _rescale_eta(0.95 * (-B_ - math.sqrt(disc)) / (2 * A_), k)",
        description="Taylor step bound ×0.95 (still a valid but not the stated step size)",
        claims=("cosine.step-size",)),
    SourceMutant(
        id="cosine.edgeworth-first-x1.05", file=ELL,
        old="first = float(kappa4) / 24 * sum(",
        new="first = 1.05 * float(kappa4) / 24 * sum(",
        description="first Edgeworth correction ×1.05",
        claims=("cosine.non-elliptical-1-over-d",)),
    SourceMutant(
        id="cosine.edgeworth-first-x0.95", file=ELL,
        old="first = float(kappa4) / 24 * sum(",
        new="first = 0.95 * float(kappa4) / 24 * sum(",
        description="first Edgeworth correction ×0.95",
        claims=("cosine.non-elliptical-1-over-d",)),
    SourceMutant(
        id="cosine.edgeworth-second-drop-k4sq", file=ELL,
        old="return first, s6 + s44",
        new="return first, s6",
        description="second-order Edgeworth term without its κ₄² part",
        claims=("cosine.non-elliptical-1-over-d",)),
    SourceMutant(
        id="cosine.flat-coefficient-x1.05", file=ELL,
        old="return (2 * _J(4, 0)(c) + 6 * _J(2, 2)(c) + 8 * c * _J(3, 1)(c)) / 24",
        new="return 1.05 * (2 * _J(4, 0)(c) + 6 * _J(2, 2)(c) + 8 * c * _J(3, 1)(c)) / 24",
        description="flat-pair coefficient S₁(c) ×1.05",
        claims=("cosine.non-elliptical-1-over-d",)),
    SourceMutant(
        id="cosine.zero-one-x1.05", file=CAL,
        old="ZERO_ONE_EXPR = sp.acos(c_sym) / sp.pi",
        new="ZERO_ONE_EXPR = sp.Rational(21, 20) * sp.acos(c_sym) / sp.pi",
        description="Lemma 2.1 0-1 loss arccos(c)/π ×1.05 in its SymPy source",
        claims=("cosine.zero-one-elliptical",)),
    SourceMutant(
        id="cosine.zero-one-x0.95", file=CAL,
        old="ZERO_ONE_EXPR = sp.acos(c_sym) / sp.pi",
        new="ZERO_ONE_EXPR = sp.Rational(19, 20) * sp.acos(c_sym) / sp.pi",
        description="Lemma 2.1 0-1 loss arccos(c)/π ×0.95 in its SymPy source",
        claims=("cosine.zero-one-elliptical",)),
    *[_coef(n, f) for n in ("c", "c_p", "c_q", "c_pp", "c_pq", "c_qq") for f in (1.05, 0.95)],
]
