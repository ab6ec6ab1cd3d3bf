"""Catalogued implementation mutants of the f-divergence mechanism (see :mod:`proofs_check.mutants`).

Realistic bugs in code that is not a single SymPy formula: the evaluators
(perspective, boundary limits, Bernoulli path), the generators of the
standard family, the logit gradient (float, underflow fallback and mpmath
paths), the training objective and the weak-to-strong experiment.  Each names
the claims expected to kill it in quick mode.
"""
from proofs_check.mutants import SourceMutant

DIV = "w2s_theory/fdiv/divergences.py"
W2S = "w2s_theory/fdiv/w2s.py"
INEQ = "w2s_theory/fdiv/inequalities.py"

#: Sensitivity targets (proofs_check.scale_targets): the public evaluators of each standard
#: divergence -- its value D(P||Q) (arrays, mpmath), the Bernoulli form, the loss with its
#: logit gradient, and the gradient alone ([1]: a loss-consistent rescaling is invisible to
#: a finite-difference check, a wrong gradient is not).
SCALE_TARGETS = [f"w2s_theory.fdiv.divergences:{name}.{what}"
                 for name in ("KL", "REVERSE_KL", "JS", "JEFFREYS", "HELLINGER2", "CHI2", "TV")
                 for what in ("__call__", "bernoulli", "loss_and_grad", "loss_and_grad[1]")]
#: Claims with no quantitative target a x(1±ε) could move (proofs_check.scale_targets).
UNSCALABLE = {
    "fdiv.nonneg-zero-iff-equal": "D_f >= 0 with equality iff P = Q is invariant under a positive "
                                  "rescaling of D_f (its sharpness is inf D_f/TV^2 > 0, a sign)",
    "fdiv.joint-convexity": "a positive multiple of a jointly convex function is jointly convex",
    "fdiv.ineq.log-chi2-chi2": "log(1 + x) <= x holds for every x >= 0, so a rescaled chi2 "
                               "satisfies it too, sharpness included (the ratio -> 1 as chi2 -> 0)",
    "fdiv.w2s-realizable-no-gain": "the ERM minimiser of a loss does not change when the loss is "
                                   "multiplied by a positive constant",
    "fdiv.w2s-tv-flip-robust": "the ERM minimiser of a loss does not change when the loss is "
                               "multiplied by a positive constant",
    "fdiv.w2s-rate": "the exponent of n in the excess risk is invariant under rescaling the risk; "
                     "its sharpness is in the exponent (rates 0.75 and 1.25 are rejected)",
}

MUTANTS = [
    # ---- evaluators: D(Q||P) instead of D(P||Q), limits, units
    SourceMutant(
        id="fdiv.persp-swapped-np", file=DIV,
        old="self._persp_np(np.where(both, P, 1.0), np.where(both, Q, 1.0))",
        new="self._persp_np(np.where(both, Q, 1.0), np.where(both, P, 1.0))",
        description="numpy evaluator computes D_f(Q||P) on interior entries (arguments swapped)",
        claims=("fdiv.values-closed-form",)),
    SourceMutant(
        id="fdiv.persp-swapped-mp", file=DIV,
        old="terms.append(self._persp_mp(pi, qi))",
        new="terms.append(self._persp_mp(qi, pi))",
        description="mpmath evaluator computes D_f(Q||P) (arguments swapped)",
        claims=("fdiv.values-closed-form",)),
    SourceMutant(
        id="fdiv.bernoulli-swapped-np", file=DIV,
        old="self._terms_np(np.stack([a, 1 - a], -1), np.stack([b, 1 - b], -1))",
        new="self._terms_np(np.stack([b, 1 - b], -1), np.stack([a, 1 - a], -1))",
        description="Bernoulli evaluator (numpy) returns D(Bern(q)||Bern(p))",
        claims=("fdiv.values-closed-form",)),
    SourceMutant(
        id="fdiv.bernoulli-swapped-mp", file=DIV,
        old="return self._call_mp([a, 1 - a], [b, 1 - b])",
        new="return self._call_mp([b, 1 - b], [a, 1 - a])",
        description="Bernoulli evaluator (mpmath) returns D(Bern(q)||Bern(p))",
        claims=("fdiv.values-closed-form",)),
    SourceMutant(
        id="fdiv.p-zero-limit-wrong", file=DIV,
        old="terms = np.where((P == 0) & (Q > 0), Q * f0, terms)",
        new="terms = np.where((P == 0) & (Q > 0), Q * finf, terms)",
        description="p_i = 0 entries use f'(inf) instead of f(0) (boundary limits mixed up)",
        claims=("fdiv.values-closed-form",)),
    SourceMutant(
        id="fdiv.kl-in-bits", file=DIV,
        old='KL = FDivergence(t * sp.log(t), "kl"',
        new='KL = FDivergence(t * sp.log(t) / sp.log(2), "kl"',
        description="KL in bits (log base 2) instead of nats",
        claims=("fdiv.values-closed-form", "fdiv.ineq.*")),
    SourceMutant(
        id="fdiv.kl-reversed", file=DIV,
        old='KL = FDivergence(t * sp.log(t), "kl"',
        new='KL = FDivergence(-sp.log(t), "kl"',
        description="KL generator of the reverse KL: KL(P||Q) evaluates KL(Q||P)",
        claims=("fdiv.values-closed-form",)),
    SourceMutant(
        id="fdiv.reverse-kl-x1.05", file=DIV,
        old="REVERSE_KL = FDivergence(-sp.log(t)",
        new="REVERSE_KL = FDivergence(-1.05 * sp.log(t)",
        description="reverse-KL generator 5% too large",
        claims=("fdiv.values-closed-form", "fdiv.local-chi2")),
    SourceMutant(
        id="fdiv.js-x0.95", file=DIV,
        old="JS = FDivergence((t * sp.log(t) - (t + 1) * sp.log((t + 1) / 2)) / 2",
        new="JS = FDivergence(0.95 * (t * sp.log(t) - (t + 1) * sp.log((t + 1) / 2)) / 2",
        description="JS generator 5% too small",
        claims=("fdiv.values-closed-form", "fdiv.local-chi2", "fdiv.ineq.*")),
    SourceMutant(
        id="fdiv.js-missing-half", file=DIV,
        old="JS = FDivergence((t * sp.log(t) - (t + 1) * sp.log((t + 1) / 2)) / 2",
        new="JS = FDivergence(t * sp.log(t) - (t + 1) * sp.log((t + 1) / 2)",
        description="JS as KL(P||M) + KL(Q||M) instead of their average (range [0, 2 log 2])",
        claims=("fdiv.js-log2-certified", "fdiv.values-closed-form")),
    SourceMutant(
        id="fdiv.jeffreys-missing-half", file=DIV,
        old="JEFFREYS = FDivergence((t - 1) * sp.log(t)",
        new="JEFFREYS = FDivergence((t - 1) * sp.log(t) / 2",
        description="Jeffreys as the average (KL + reverse KL)/2 instead of the sum",
        claims=("fdiv.values-closed-form",)),
    SourceMutant(
        id="fdiv.chi2-neyman", file=DIV,
        old='CHI2 = FDivergence((t - 1) ** 2, "chi2"',
        new='CHI2 = FDivergence((t - 1) ** 2 / t, "chi2"',
        description="Neyman chi2 (sum (p-q)^2/p) instead of Pearson chi2 (sum (p-q)^2/q)",
        claims=("fdiv.values-closed-form", "fdiv.ineq.*")),
    SourceMutant(
        id="fdiv.hellinger-half", file=DIV,
        old='HELLINGER2 = FDivergence((sp.sqrt(t) - 1) ** 2, "hellinger2"',
        new='HELLINGER2 = FDivergence((sp.sqrt(t) - 1) ** 2 / 2, "hellinger2"',
        description="squared Hellinger with the 1/2 convention, against the documented one",
        claims=("fdiv.values-closed-form", "fdiv.ineq.*")),
    SourceMutant(
        id="fdiv.tv-no-half", file=DIV,
        old='TV = FDivergence(sp.Abs(t - 1) / 2, "tv"',
        new='TV = FDivergence(sp.Abs(t - 1), "tv"',
        description="TV without the 1/2 (range [0, 2] instead of [0, 1])",
        claims=("fdiv.values-closed-form", "fdiv.ineq.*", "fdiv.pinsker-certified",
                "fdiv.bretagnolle-huber-certified", "fdiv.hellinger-tv-certified")),
    SourceMutant(
        id="fdiv.f2-at-1-first-derivative", file=DIV,
        old="v = sp.simplify(sp.diff(self.f, t, 2).subs(t, 1))",
        new="v = sp.simplify(sp.diff(self.f, t, 1).subs(t, 1) + 1)",
        description="local constant from f'(1) + 1 (right for KL, wrong for the others)",
        claims=("fdiv.local-chi2",)),
    # ---- gradients
    SourceMutant(
        id="fdiv.grad-coefficient-sign", file=DIV,
        old="return sp.simplify(self.f - t * sp.diff(self.f, t))",
        new="return sp.simplify(self.f + t * sp.diff(self.f, t))",
        description="a(t) = f + t f' instead of f - t f'",
        claims=("fdiv.grad-closed-form", "fdiv.grad-float-fd")),
    SourceMutant(
        id="fdiv.grad-sum-to-mean", file=DIV,
        old="grad = S * (A - _last_axis(np.add, SA)[..., None])",
        new="grad = S * (A - _last_axis(np.add, SA)[..., None] / SA.shape[-1])",
        description="float gradient subtracts the mean of s_i a_i instead of their sum",
        claims=("fdiv.grad-float-fd",)),
    SourceMutant(
        id="fdiv.grad-x0.95", file=DIV,
        old="grad = S * (A - _last_axis(np.add, SA)[..., None])",
        new="grad = 0.95 * S * (A - _last_axis(np.add, SA)[..., None])",
        description="float gradient 5% too small",
        claims=("fdiv.grad-float-fd",)),
    SourceMutant(
        id="fdiv.grad-underflow-sign", file=DIV,
        old="grad = SA - S * SA.sum(-1, keepdims=True)",
        new="grad = SA + S * SA.sum(-1, keepdims=True)",
        description="gradient of the underflow fallback path with a wrong sign",
        claims=("fdiv.grad-float-fd",)),
    SourceMutant(
        id="fdiv.grad-underflow-entry", file=DIV,
        old="sa = s * self._a_mp(p / s)",
        new="sa = self._a_mp(p / s)",
        description="underflow fallback drops the factor s from s a(p/s)",
        claims=("fdiv.grad-float-fd",)),
    SourceMutant(
        id="fdiv.grad-zero-teacher-a0", file=DIV,
        old="A = np.where(P > 0, A, a0)",
        new="A = np.where(P > 0, A, 0.0)",
        description="float gradient uses a = 0 instead of a(0+) for zero teacher probabilities",
        claims=("fdiv.grad-float-fd",)),
    SourceMutant(
        id="fdiv.grad-mp-unweighted-mean", file=DIV,
        old="mean = mpmath.fsum(si * ai for si, ai in zip(S, A))",
        new="mean = mpmath.fsum(A) / len(A)",
        description="mpmath gradient centres a(t) by its plain mean instead of the s-weighted one",
        claims=("fdiv.grad-closed-form", "fdiv.grad-float-fd")),
    SourceMutant(
        id="fdiv.objective-grad-sum", file=W2S,
        old="grad = X1.T @ g[:, 0] / n",
        new="grad = X1.T @ g[:, 0]",
        description="training objective is a mean over samples, its gradient a sum",
        claims=("fdiv.grad-float-fd",)),
    SourceMutant(
        id="fdiv.objective-ridge-grad", file=W2S,
        old="grad[:-1] += ridge * w",
        new="grad[:-1] += 2 * ridge * w",
        description="gradient of ridge |w|^2/2 taken as 2 ridge w",
        claims=("fdiv.grad-float-fd",)),
    # ---- weak-to-strong experiment
    SourceMutant(
        id="fdiv.w2s-student-on-ground-truth", file=W2S,
        old="x, _, v = model.sample(rng, n)\n    p = teacher_probs(theta_T, v)",
        new="x, y_clean, v = model.sample(rng, n)\n    p = np.where(y_clean > 0, 0.95, 0.05)",
        description="students trained on (softened) ground-truth labels instead of the teacher's",
        claims=("fdiv.w2s-misfit-gain",)),
    SourceMutant(
        id="fdiv.w2s-weak-error-no-view-noise", file=W2S,
        old="float(np.linalg.norm(w)) * math.sqrt(1 + self.tau ** 2)",
        new="float(np.linalg.norm(w))",
        description="teacher's test error ignores the noise of the weak view",
        claims=("fdiv.w2s-misfit-gain",)),
    SourceMutant(
        id="fdiv.w2s-pgr-denominator", file=W2S,
        old="return (err_weak - err_student) / (err_weak - err_ceiling)",
        new="return (err_weak - err_student) / err_weak",
        description="PGR normalised by the weak error instead of the weak-ceiling gap",
        claims=("fdiv.w2s-misfit-gain",)),
    SourceMutant(
        id="fdiv.kl-x0.95", file=DIV,
        old='KL = FDivergence(t * sp.log(t), "kl"',
        new='KL = FDivergence(0.95 * t * sp.log(t), "kl"',
        description="KL generator 5% too small (Pinsker, Bretagnolle-Huber, H2 <= KL, "
                    "KL <= chi2 bounds move)",
        claims=("fdiv.ineq.*", "fdiv.hellinger-kl-certified", "fdiv.pinsker-certified",
                "fdiv.bretagnolle-huber-certified")),
    SourceMutant(
        id="fdiv.reverse-kl-sign", file=DIV,
        old="REVERSE_KL = FDivergence(-sp.log(t)",
        new="REVERSE_KL = FDivergence(sp.log(t)",
        description="reverse-KL generator with the wrong sign (concave, D < 0)",
        claims=("fdiv.nonneg-zero-iff-equal", "fdiv.joint-convexity")),
    SourceMutant(
        id="fdiv.conjugate-missing-t", file=DIV,
        old="g = _tidy(t * self.f.subs(t, 1 / t), sp.simplify)",
        new="g = _tidy(self.f.subs(t, 1 / t), sp.simplify)",
        description="conjugate generator f(1/t) instead of t f(1/t)",
        claims=("fdiv.conjugate-symmetry",)),
    SourceMutant(
        id="fdiv.ce-gradient-sign", file=DIV,
        old="loss, grad = -(P * logS).sum(-1), np.exp(logS) - P",
        new="loss, grad = -(P * logS).sum(-1), P - np.exp(logS)",
        description="cross-entropy gradient p - s instead of s - p",
        claims=("fdiv.ce-equals-kl-gradient",)),
    SourceMutant(
        id="fdiv.embed-teacher-no-bias", file=W2S,
        old="th[-1] = theta_T[-1]",
        new="th[-1] = 0.0",
        description="teacher head embedded without its bias",
        claims=("fdiv.w2s-realizable-no-gain", "fdiv.w2s-tv-flip-robust")),
    SourceMutant(
        id="fdiv.flip-majority", file=W2S,
        old="return np.where(rng.random(len(p)) < eta, 1 - p, p)",
        new="return np.where(rng.random(len(p)) > eta, 1 - p, p)",
        description="label noise flips with probability 1 - eta instead of eta",
        claims=("fdiv.w2s-tv-flip-robust",)),
    SourceMutant(
        id="fdiv.rate-log2-n", file=W2S,
        old="ln = np.log(np.asarray(ns, float))",
        new="ln = np.log2(np.asarray(ns, float))",
        description="rate fit regresses natural-log risk on log2 n (mixed log bases)",
        claims=("fdiv.w2s-rate",)),
    SourceMutant(
        id="fdiv.log1p-as-log", file=INEQ,
        old="return mpmath.log1p(x) if isinstance(x, mpmath.mpf) else np.log1p(x)",
        new="return mpmath.log(x) if isinstance(x, mpmath.mpf) else np.log(x)",
        description="log(1 + chi2) of the chi2 inequalities evaluated as log(chi2) (log1p read as "
                    "log): log(chi2) <= chi2 still holds, but is no longer sharp",
        claims=("fdiv.ineq.log-chi2-chi2", "fdiv.ineq.kl-log-chi2")),
]
