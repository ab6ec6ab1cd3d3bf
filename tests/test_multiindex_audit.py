"""Sharpness of the multiindex claims fixed after the audit: perturbed formulas must fail."""
import dataclasses

import numpy as np
import pytest
import sympy as sp

from proofs_check import Context
from w2s_theory.multiindex import claims as C
from w2s_theory.multiindex import theory as T

QUICK = Context(quick=True)


def _scaled(f, fac):
    return lambda *a, **k: fac * f(*a, **k)


# ------------------------------------------------------------------ limit-special-cases (B)

def test_special_cases_pass_unperturbed():
    assert C._special(QUICK).passed


@pytest.mark.parametrize("name", ["ZETA", "STUDENT_U2", "TEACHER_U1"])
def test_special_cases_fail_with_symbolic_formula_x1_1(monkeypatch, name):
    monkeypatch.setattr(T, name, sp.Rational(11, 10) * getattr(T, name))
    assert not C._special(QUICK).passed


@pytest.mark.parametrize("name", ["spike_overlap", "student_u2"])
def test_special_cases_fail_with_numeric_evaluator_x1_1(monkeypatch, name):
    monkeypatch.setattr(T, name, _scaled(getattr(T, name), 1.1))
    assert not C._special(QUICK).passed


def test_special_cases_fail_when_threshold_moves(monkeypatch):
    # a wrong BBP threshold theta^2 > alpha (instead of theta^4 > alpha) must be caught
    wrong = sp.Piecewise((1 - (T.alpha + T.theta2) / (T.theta2 * (T.theta2 + 1)), T.theta2 > T.alpha),
                         (0, True))
    monkeypatch.setattr(T, "ZETA", wrong)
    assert not C._special(QUICK).passed


# ------------------------------------------------------------------ student-keeps-both (C)

def test_keeps_both_fails_when_teacher_u2_does_not_decay(monkeypatch):
    sims = C.study(QUICK)
    fake = [dataclasses.replace(s, values={**s.values, "teacher_u2": s.values["student_u2"]})
            for s in sims]
    monkeypatch.setattr(C, "study", lambda ctx: fake)
    out = C._keeps_both(QUICK)
    assert not out.passed and out.worst < 0


# ------------------------------------------------------------------ extrapolated limits (A)

def _scaled_limits(keys, fac):
    orig = T.limits

    def limits(setting):
        out = dict(orig(setting))
        for k in keys:
            out[k] = fac * out[k]
        return out
    return limits


def test_teacher_and_student_limits_pass_unperturbed():
    assert C._teacher_easy(QUICK).passed
    assert C._student_limits(QUICK).passed
    assert C._teacher_hard(QUICK).passed


@pytest.mark.parametrize("key,fac", [("teacher_u1", 1.1), ("teacher_u1", 0.9), ("teacher_grad_u1", 1.1),
                                     ("teacher_grad_u1", 0.95), ("teacher_u1_large_step", 1.1),
                                     ("teacher_u1_large_step", 0.9)])
def test_teacher_easy_limit_rejects_perturbed_limit(monkeypatch, key, fac):
    monkeypatch.setattr(T, "limits", _scaled_limits([key], fac))
    assert not C._teacher_easy(QUICK).passed


@pytest.mark.parametrize("fac", [1.1, 0.95])
def test_student_u2_limit_rejects_perturbed_limit(monkeypatch, fac):
    monkeypatch.setattr(T, "limits", _scaled_limits(["student_u2"], fac))
    assert not C._student_limits(QUICK).passed


@pytest.mark.parametrize("fac", [1.3, 0.7])
def test_student_u1_limit_rejects_perturbed_limit_quick(monkeypatch, fac):
    # quick-mode power for the noisy student u1 overlap (SE(L) ~0.015 on 0.27)
    monkeypatch.setattr(T, "limits", _scaled_limits(["student_u1"], fac))
    assert not C._student_limits(QUICK).passed


@pytest.mark.parametrize("fac", [1.6, 0.4])
def test_teacher_hard_constant_rejects_perturbed_kappa(monkeypatch, fac):
    monkeypatch.setattr(T, "limits", _scaled_limits(["teacher_u2_rate"], fac))
    assert not C._teacher_hard(QUICK).passed


def test_spiked_overlap_passes_unperturbed():
    assert C._bgn(QUICK).passed


@pytest.mark.parametrize("fac", [1.05, 0.95])
def test_spiked_overlap_rejects_5_percent(monkeypatch, fac):
    monkeypatch.setattr(T, "spike_overlap", _scaled(T.spike_overlap, fac))
    assert not C._bgn(QUICK).passed


@pytest.mark.slow
@pytest.mark.parametrize("fac", [1.1, 0.9])
def test_student_u1_limit_rejects_10_percent_full_mode(monkeypatch, fac):
    # full mode (d = 64..512 x 48 reps): SE(L) ~0.005 on 0.27, so a 10 % error fails
    monkeypatch.setattr(T, "limits", _scaled_limits(["student_u1"], fac))
    assert not C._student_limits(Context(quick=False)).passed


# ------------------------------------------------------------------ issue 10 sharpening

@pytest.mark.parametrize("name", ["spike_overlap", "teacher_u1", "teacher_u1_large_step", "teacher_u2_rate",
                                  "student_u1", "student_u2", "label_second_moment", "label_corr_u1",
                                  "label_norm2"])
@pytest.mark.parametrize("fac", [1.05, 0.95])
def test_limit_composition_rejects_each_formula_5_percent(monkeypatch, name, fac):
    # every public limit evaluator, scaled alone, breaks a composition identity on both paths
    assert C._composition(QUICK).passed
    monkeypatch.setattr(T, name, _scaled(getattr(T, name), fac))
    out = C._composition(QUICK)
    assert not out.passed and out.worst > 1, out.detail


def test_limit_composition_rejects_dropped_act2(monkeypatch):
    # s_S^2 without E sigma^2 (the dropped term of the audit), in the label_norm2 evaluator
    orig = T.label_norm2
    monkeypatch.setattr(T, "label_norm2", lambda mu1, act2, c1, Ey2, psiT, psiS, etaT:
                        orig(mu1, act2, c1, Ey2, psiT, psiS, etaT) - psiS * act2)
    assert not C._composition(QUICK).passed


def test_student_limits_reject_beta_over_sqrt_d(monkeypatch):
    # beta 1_N u2^T/sqrt(d) = (beta sqrt(alpha)) 1_N u2^T/sqrt(N): at alpha = 0.5 (run in quick mode
    # since issue 10) the slip is the setting with beta -> beta sqrt(alpha)
    import math
    orig = C.study

    def study(ctx, setting=C.DEFAULT, name="default", **kw):
        if name == "alt":
            setting, name = setting.replace(beta=setting.beta * math.sqrt(setting.alpha)), "alt-mutant"
        return orig(ctx, setting, name, **kw)
    monkeypatch.setattr(C, "study", study)
    out = C._student_limits(QUICK)
    assert not out.passed and "alt: student_u2" in out.detail, out.detail


def test_student_limits_compare_label_metrics():
    out = C._student_limits(QUICK)
    assert out.passed and out.worst <= 1
    assert out.points >= 10       # 4 alignments + 6 label comparisons


@pytest.mark.parametrize("fac", [1.25, 0.8])
def test_student_limits_reject_label_second_moment(monkeypatch, fac):
    monkeypatch.setattr(T, "limits", _scaled_limits(["label_Ey2"], fac))
    assert not C._student_limits(QUICK).passed


def test_spiked_overlap_worst_is_deciding_ratio(monkeypatch):
    out = C._bgn(QUICK)
    assert out.passed and 0 <= out.worst <= 1
    monkeypatch.setattr(T, "spike_overlap", _scaled(T.spike_overlap, 1.05))
    bad = C._bgn(QUICK)
    assert not bad.passed and bad.worst > 1


def test_mutant_catalogue_applies():
    from w2s_theory.multiindex.mutants import MUTANTS
    assert len({m.id for m in MUTANTS}) == len(MUTANTS) >= 20
    for m in MUTANTS:
        m.check_applies()
        assert m.claims and all(c.startswith("multiindex.") for c in m.claims)


@pytest.mark.slow
def test_catalogued_mutant_killed_in_copy():
    from proofs_check.mutants import run_source_mutant
    from w2s_theory.multiindex.mutants import MUTANTS
    m = next(m for m in MUTANTS if m.id == "multiindex.label-norm-drop-act2")
    assert run_source_mutant(m)["killed_by"] == ["multiindex.limit-composition"]
