"""Catalogued implementation mutants of the pipeline compiler and simulator.

Each is a realistic bug; the named ``pipeline.*`` claims must fail on the mutated copy
(``proofs_check.mutants``).
"""
from proofs_check.mutants import SourceMutant

_SIM = ("pipeline.iterated-students", "pipeline.ensemble-of-teachers", "pipeline.mixed-labels",
        "pipeline.teacher-refit", "pipeline.misfit")

#: Claims with no quantitative target a x(1±ε) could move (proofs_check.scale_targets).
UNSCALABLE = {
    "pipeline.reproduces-thm4": "symbolic proof on the SymPy source (exact identity/sign facts of the expression); it reads the source, not an evaluator, so a x(1±ε) of an evaluator is out of its scope",
    "pipeline.gain-vs-misfit": "a symbolic identity plus the signs of gain and gain − misfit at one "
                               "counterexample; a rescaled limit keeps both signs",
}

MUTANTS = [
    SourceMutant(
        id="pipeline.cumulants-as-moments",
        file="w2s_theory/pipeline/free.py",
        old="                val -= sp.Mul(*(self.cumulant(key, tuple(monos[i] for i in b)) "
            "for b in part))",
        new="                val -= 0 * sp.Mul(*(self.cumulant(key, tuple(monos[i] for i in b)) "
            "for b in part))",
        description="free cumulants of one design taken equal to its moments (words that "
                    "revisit a design factorise naively)",
        claims=("pipeline.teacher-refit", "pipeline.iterated-students")),
    SourceMutant(
        id="pipeline.noise-without-ratio",
        file="w2s_theory/pipeline/compiler.py",
        old="weight, tail = sigma2 * designs[src].ratio, ((src, Mono(1, ())),)",
        new="weight, tail = sigma2, ((src, Mono(1, ())),)",
        description="label-noise covariance σ²Σ/n written as σ²Σ/d (drops the ratio d/n)",
        claims=_SIM + ("pipeline.reproduces-thm4",)),
    SourceMutant(
        id="pipeline.sim-noise-over-d",
        file="w2s_theory/pipeline/simulate.py",
        old="w = r2 / self.d if src == \"beta\" else s2 / self.spec[src][2]",
        new="w = r2 / self.d if src == \"beta\" else s2 / self.d",
        description="simulator scales the noise by 1/d instead of 1/n",
        claims=_SIM),
    SourceMutant(
        id="pipeline.two-shift-sign",
        file="w2s_theory/pipeline/functionals.py",
        old="hi1 = M2 * (1 + gamma * M2) / (S1 + gamma * l1 * (M2 - M1))",
        new="hi1 = M2 * (1 + gamma * M2) / (S1 + gamma * l1 * (M1 - M2))",
        description="sign slip in the cancellation-free divided difference of m (two penalties "
                    "on one design)",
        claims=("pipeline.teacher-refit",)),
    SourceMutant(
        id="pipeline.textbook-ratio-sign",
        file="w2s_theory/pipeline/functionals.py",
        old="    return _textbook(gamma, a - 1, lower) - l1 * _textbook(gamma, a - 1, ks)",
        new="    return _textbook(gamma, a - 1, lower) + l1 * _textbook(gamma, a - 1, ks)",
        description="sign slip in x/(x+λ) = 1 − λ/(x+λ) of the textbook (m-form) traces, which "
                    "only the symbolic reproduction of Thm 4 reads (the evaluators use the stable "
                    "form)",
        claims=("pipeline.reproduces-thm4",)),
]
