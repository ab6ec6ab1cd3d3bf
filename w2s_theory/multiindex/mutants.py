"""Catalogued implementation mutants of the multi-index mechanism (run by ``proofs_check.mutants``).

Each entry plants one realistic bug in a copy of the package; the claims named in
``claims`` must fail on it in quick mode.  The ×1.05 / ×0.95 formula mutants are
written as source patches of the SymPy sources in ``theory.py``.
"""
from proofs_check.mutants import SourceMutant

SIM = "w2s_theory/multiindex/simulate.py"
TH = "w2s_theory/multiindex/theory.py"

_FORMULAS = {
    # name: (source line fragment, claims expected to kill a x1.05 / x0.95 of it)
    "spike_overlap": ('spike_overlap = _formula(ZETA, ', "ZETA",
                      ("multiindex.limit-special-cases", "multiindex.spiked-overlap", "multiindex.limit-composition")),
    "teacher_u1": ('teacher_u1 = _formula(TEACHER_U1, ', "TEACHER_U1",
                   ("multiindex.limit-composition", "multiindex.teacher-easy-limit")),
    "teacher_u1_large_step": ('teacher_u1_large_step = _formula(TEACHER_U1_LARGE, ', "TEACHER_U1_LARGE",
                              ("multiindex.limit-composition", "multiindex.teacher-easy-limit")),
    "teacher_u2_rate": ('teacher_u2_rate = _formula(TEACHER_U2_RATE, ', "TEACHER_U2_RATE",
                        ("multiindex.limit-composition", "multiindex.teacher-hard-rate")),
    "student_u1": ('student_u1 = _formula(STUDENT_U1, ', "STUDENT_U1",
                   ("multiindex.limit-composition", "multiindex.student-limits")),
    "student_u2": ('student_u2 = _formula(STUDENT_U2, ', "STUDENT_U2",
                   ("multiindex.limit-special-cases", "multiindex.limit-composition", "multiindex.student-limits")),
    "label_second_moment": ('label_second_moment = _formula(LABEL_EY2, ', "LABEL_EY2",
                            ("multiindex.limit-composition", "multiindex.student-limits")),
    "label_corr_u1": ('label_corr_u1 = _formula(LABEL_CORR_U1, ', "LABEL_CORR_U1",
                      ("multiindex.limit-composition", "multiindex.student-limits")),
    "label_norm2": ('label_norm2 = _formula(S_S2, ', "S_S2",
                    ("multiindex.limit-composition", "multiindex.student-limits")),
}


def _scaled(name, factor):
    old, expr, claims = _FORMULAS[name]
    frac = "sp.Rational(21, 20)" if factor > 1 else "sp.Rational(19, 20)"
    return SourceMutant(
        id=f"multiindex.{name.replace('_', '-')}-x{factor:g}", file=TH,
        old=old, new=old.replace(f"_formula({expr}, ", f"_formula({frac} * {expr}, "),
        description=f"public limit {name} scaled by {factor:g} in its SymPy source",
        claims=claims, kind="formula")


#: Sensitivity targets (proofs_check.scale_targets): the public Hermite evaluators.
SCALE_TARGETS = [
    "w2s_theory.multiindex.hermite:gaussian_expectation",
    "w2s_theory.multiindex.hermite:hermite_poly",
    "w2s_theory.multiindex.hermite:hermite_coefficient",
    "w2s_theory.multiindex.hermite:hermite_coefficients",
    "w2s_theory.multiindex.hermite:relu_hermite_coefficient",
]
#: Claims with no quantitative target a x(1±ε) could move (proofs_check.scale_targets).
UNSCALABLE = {
    "multiindex.information-exponents": "an information exponent is the index of the first "
                                        "non-zero Hermite coefficient: an integer, unchanged when "
                                        "the coefficients are rescaled",
    "multiindex.student-keeps-both": "fitted exponents of d (log-log slopes) are unchanged when "
                                     "the simulated alignments are rescaled",
}

MUTANTS = [
    # ------------------------------------------------------------------ simulator
    SourceMutant(
        id="multiindex.student-spike-sqrt-d", file=SIM,
        old="WS0 += (setting.beta / math.sqrt(N)) * u2[None, :]",
        new="WS0 += (setting.beta / math.sqrt(d)) * u2[None, :]",
        description="student's pre-trained spike beta 1_N u2^T/sqrt(d) instead of /sqrt(N) (same only at alpha = 1)",
        claims=("multiindex.student-limits",)),
    SourceMutant(
        id="multiindex.gradient-sqrt-d", file=SIM,
        old="G *= a[:, None] / (n * math.sqrt(N))",
        new="G *= a[:, None] / (n * math.sqrt(W.shape[1]))",
        description="one-step gradient normalised by sqrt(d) instead of sqrt(N) (same only at alpha = 1)",
        claims=("multiindex.teacher-easy-limit", "multiindex.student-limits")),
    SourceMutant(
        id="multiindex.forward-sqrt-d", file=SIM,
        old="    return out / math.sqrt(N)",
        new="    return out / math.sqrt(W.shape[1])",
        description="teacher's network output a^T sigma(Wx)/sqrt(d) instead of /sqrt(N) (labels for the student)",
        claims=("multiindex.student-limits",)),
    SourceMutant(
        id="multiindex.student-ground-truth-labels", file=SIM,
        old="ys = _forward(W1, a, Xs, act)",
        new="ys = np.asarray(s1(Xs @ u1), float) + np.asarray(s2(Xs @ u2), float)",
        description="student trained on the ground-truth target instead of the teacher's outputs",
        claims=("multiindex.student-limits", "multiindex.student-keeps-both")),
    SourceMutant(
        id="multiindex.label-noise-dropped", file=SIM,
        old="y = y + setting.noise * rng.standard_normal(n)",
        new="y = y + 0.0 * rng.standard_normal(n)",
        description="teacher's training labels without the label noise tau eps",
        claims=("multiindex.teacher-easy-limit",)),
    SourceMutant(
        id="multiindex.student-u2-top1-only", file=SIM,
        old='out["student_u2"] = float(np.sum((V.T @ u2) ** 2))',
        new='out["student_u2"] = float((V[:, 0] @ u2) ** 2)',
        description="student u2 alignment from the top singular vector only instead of the top-2 subspace",
        claims=("multiindex.student-limits", "multiindex.student-keeps-both")),
    SourceMutant(
        id="multiindex.teacher-u2-wrong-vector", file=SIM,
        old='float((V[:, 0] @ u1) ** 2), float((V[:, 0] @ u2) ** 2)',
        new='float((V[:, 0] @ u1) ** 2), float((V[:, 0] @ (u1 + u2)) ** 2 / 2)',
        description="teacher's hard-direction alignment measured against (u1 + u2)/sqrt(2) instead of u2",
        claims=("multiindex.teacher-hard-rate", "multiindex.student-keeps-both")),
    # ------------------------------------------------------------------ Hermite machinery
    SourceMutant(
        id="multiindex.hermite-norm-factorial", file="w2s_theory/multiindex/hermite.py",
        old="return sp.expand(sp.hermite_prob(k, Z) / sp.sqrt(sp.factorial(k)))",
        new="return sp.expand(sp.hermite_prob(k, Z) / sp.factorial(k))",
        description="h_k = He_k/k! instead of He_k/sqrt(k!) (not normalised)",
        claims=("multiindex.hermite-orthonormal", "multiindex.relu-expansion", "multiindex.tanh-erf-expansion")),
    SourceMutant(
        id="multiindex.relu-coefficient-no-sqrt", file="w2s_theory/multiindex/hermite.py",
        old="return sp.hermite_prob(k - 2, 0) / _SQRT2PI / sp.sqrt(sp.factorial(k))",
        new="return sp.hermite_prob(k - 2, 0) / _SQRT2PI / sp.factorial(k)",
        description="closed-form ReLU coefficient with 1/k! instead of 1/sqrt(k!)",
        claims=("multiindex.relu-expansion",)),
    SourceMutant(
        id="multiindex.information-exponent-from-2", file="w2s_theory/multiindex/hermite.py",
        old="""        for k in range(1, kmax + 1):
            if not _is_zero_exact(hermite_coefficient(e, k)):""",
        new="""        for k in range(2, kmax + 1):
            if not _is_zero_exact(hermite_coefficient(e, k)):""",
        description="exact information exponent skips c_1 (every easy link reported as >= 2)",
        claims=("multiindex.information-exponents",)),
    # ------------------------------------------------------------------ symbolic sources
    SourceMutant(
        id="multiindex.bbp-threshold-theta2", file=TH,
        old="t2**2 > a), (0, True))",
        new="t2 > a), (0, True))",
        description="BBP threshold theta^2 > alpha instead of theta^4 > alpha",
        claims=("multiindex.limit-special-cases", "multiindex.spiked-overlap")),
    SourceMutant(
        id="multiindex.label-norm-drop-act2", file=TH,
        old="S_S2 = mu1**2 * (1 + THETA_T2) + psiS * LABEL_EY2",
        new="S_S2 = mu1**2 * (1 + THETA_T2) + psiS * mu1**2 * THETA_T2",
        description="student's data term s_S^2 without E sigma^2 (the label second moment's diagonal part)",
        claims=("multiindex.limit-composition", "multiindex.student-limits")),
    *[_scaled(n, f) for n in _FORMULAS for f in (1.05, 0.95)],
]
