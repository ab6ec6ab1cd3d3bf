r"""Limiting alignments of the one-step teacher (Prop 10) and student (Thm 11), as SymPy.

Derivation (details in ``docs/theory/multiindex.rst``; model in :mod:`~w2s_theory.multiindex.model`).

**Rank-one spike of the update.**  With sigma' = mu1 + (sigma' - mu1), mu1 = c_1(sigma) =
E sigma'(z), the negative gradient of the correlation loss is

    -grad L = (mu1/sqrt N) a (X^T y/n)^T + Delta,   ||Delta||_op = O(polylog/sqrt N),

(Ba et al. 2022, Prop 2; Moniri & Hassani 2025, proof of Prop 10).  With Rademacher a,
b = a/sqrt(N) is a unit vector, so W1 = W0 + theta b v^T + o(1) with v = X^T y/||X^T y|| and
theta = eta mu1 ||X^T y/n||.  By the law of large numbers and E[y x] = c_1(sigma1) u1,

    ||X^T y/n||^2 -> s_T^2 = c1^2 + psi_T E[y^2],     <v, u1>^2 -> rho_T^2 = c1^2 / s_T^2,

and <v, u2> = O_P(n^{-1/2}) since c_1(sigma2) = 0 (information exponent >= 2).

**Spiked rectangular matrix.**  b and v are independent of W0 (i.i.d. N(0, 1/d), N x d), so
by Benaych-Georges & Nadakuditi (2012, §3.1) the top right singular vector v1 of W0 + theta b v^T
satisfies <v1, v>^2 -> zeta(theta^2) = 1 - (alpha + theta^2)/(theta^2 (theta^2 + 1)) when
theta^4 > alpha, and 0 otherwise (alpha = N/d).

**Teacher (Prop 10).**  <v1, u1>^2 -> rho_T^2 zeta(theta_T^2); the large step (eta ~ sqrt N)
is the limit theta -> oo: rho_T^2.  For the hard direction, v1 = sqrt(zeta) v + (a uniformly
oriented unit vector of v^perp) sqrt(1 - zeta), and n <v, u2>^2 s_T^2 -> chi^2_1 E[y^2 z2^2], so

    d E<v1, u2>^2 -> kappa_T^2 = (1 - zeta_T) + zeta_T psi_T E[y^2 z2^2] / s_T^2,

i.e. the alignment with u2 vanishes at the rate d^{-1} (squared overlap; d^{-1/2} for abs(<v1,u2>)).

**Teacher labels.**  Conditionally on the teacher, for fresh x (Stein's lemma, rows of W1 of
norm -> 1, E sigma = 0):  E[f_T(x) x] -> mu1 (g + theta_T v_T) with g = W0^T a/sqrt N,
||g|| -> 1, g _|_ v_T, u1, u2 asymptotically; and E f_T(x)^2 -> E sigma^2 + mu1^2 theta_T^2.

**Student (Thm 11).**  Its update is again rank one, along v_S = X~^T y~/||X~^T y~||, with

    s_S^2 = mu1^2 (1 + theta_T^2) + psi_S (E sigma^2 + mu1^2 theta_T^2),
    <v_S, u1>^2 -> rho_S^2 = mu1^2 theta_T^2 rho_T^2 / s_S^2,   <v_S, u2> -> 0,
    theta_S = eta_S mu1 s_S,

and W1^S = Wt + beta (1/sqrt N) u2^T + theta_S b_S v_S^T + o(1) has two orthogonal spikes.
Projecting u_k onto its top-2 right singular subspace:

    ||P u1||^2 -> rho_S^2 zeta(theta_S^2),    ||P u2||^2 -> zeta(beta^2).

Both are positive as soon as theta_S^4 > alpha and beta^4 > alpha: the student keeps u2 and
learns u1 although the teacher's u2 alignment vanishes.

All formulas below are SymPy expressions (single source of truth) wrapped in
:class:`w2s_theory._numeric.Formula` for float/array/mpmath evaluation.
"""
from __future__ import annotations

import math

import sympy as sp

from .._numeric import Formula, Param
from .model import MultiIndexSetting

# ----------------------------------------------------------------------------- symbols
mu1, act2, c1, Ey2, Ey2z2 = sp.symbols("mu1 act2 c1 Ey2 Ey2z2", real=True)
psiT, psiS, alpha = sp.symbols("psi_T psi_S alpha", positive=True)
etaT, etaS, beta, theta2 = sp.symbols("eta_T eta_S beta theta2", nonnegative=True)

P = {
    "mu1": Param("mu1", -math.inf, math.inf),
    "act2": Param("act2", 0.0, math.inf),
    "c1": Param("c1", -math.inf, math.inf),
    "Ey2": Param("Ey2", 0.0, math.inf),
    "Ey2z2": Param("Ey2z2", 0.0, math.inf),
    "psi_T": Param("psi_T"), "psi_S": Param("psi_S"), "alpha": Param("alpha"),
    "eta_T": Param("eta_T"), "eta_S": Param("eta_S"),
    "beta": Param("beta", 0.0, math.inf, low_closed=True),
    "theta2": Param("theta2", 0.0, math.inf, low_closed=True),
}


def spike_overlap_expr(t2, a):
    """BGN right-singular-vector overlap of N(0,1/d) N x d noise + t b v^T (t2 = t^2).

    Squared overlap ⟨v̂, v⟩² → 1 − (α + t²)/(t²(t² + 1)) above the threshold
    t⁴ > α, and 0 below (α = N/d), by Benaych-Georges & Nadakuditi (2012),
    "The singular values and vectors of low rank perturbations of large
    rectangular random matrices", rectangular spiked model.

    Parameters
    ----------
    t2 : sympy.Expr
        Squared spike strength t² ≥ 0.
    a : sympy.Expr
        Aspect ratio α = N/d > 0.

    Returns
    -------
    sympy.Piecewise

    Examples
    --------
    >>> spike_overlap_expr(sp.Integer(2), sp.Integer(1))    # 1 − 3/6
    1/2
    >>> spike_overlap_expr(sp.Rational(1, 2), sp.Integer(1))   # below threshold
    0
    """
    return sp.Piecewise((1 - (a + t2) / (t2 * (t2 + 1)), t2**2 > a), (0, True))


# ----------------------------------------------------------------------------- expressions
ZETA = spike_overlap_expr(theta2, alpha)
S_T2 = c1**2 + psiT * Ey2
RHO_T2 = c1**2 / S_T2
THETA_T2 = etaT**2 * mu1**2 * S_T2
ZETA_T = spike_overlap_expr(THETA_T2, alpha)
TEACHER_U1 = RHO_T2 * ZETA_T
TEACHER_U1_LARGE = RHO_T2
# 1 - zeta written without the subtraction (it cancels when zeta -> 1 at large theta)
ONE_MINUS_ZETA_T = sp.Piecewise(((alpha + THETA_T2) / (THETA_T2 * (THETA_T2 + 1)), THETA_T2**2 > alpha),
                                (1, True))
TEACHER_U2_RATE = ONE_MINUS_ZETA_T + ZETA_T * psiT * Ey2z2 / S_T2
LABEL_EY2 = act2 + mu1**2 * THETA_T2
S_S2 = mu1**2 * (1 + THETA_T2) + psiS * LABEL_EY2
RHO_S2 = mu1**2 * THETA_T2 * RHO_T2 / S_S2
THETA_S2 = etaS**2 * mu1**2 * S_S2
STUDENT_U1 = RHO_S2 * spike_overlap_expr(THETA_S2, alpha)
LABEL_CORR_U1 = etaT * mu1**2 * c1  # = mu1 theta_T <v_T, u1> with the signs of theta_T, <v_T,u1>
STUDENT_U2 = spike_overlap_expr(beta**2, alpha)

_T_ARGS = (mu1, c1, Ey2, psiT, alpha, etaT)
_S_ARGS = (mu1, act2, c1, Ey2, psiT, psiS, alpha, etaT, etaS)


def _formula(expr, args, name):
    return Formula(expr, [P[str(s)] for s in args], args, name)


#: zeta(theta2, alpha) = 1 - (alpha + theta2)/(theta2 (theta2 + 1)) if theta2^2 > alpha else 0:
#: limit of <v1, v>^2 for the top right singular vector v1 of W0 + theta b v^T, W0 i.i.d.
#: N(0, 1/d) of shape N x d, alpha = N/d.  Benaych-Georges & Nadakuditi (2012), §3.1.
#: theta2 in [0, inf), alpha in (0, inf).
spike_overlap = _formula(ZETA, (theta2, alpha), "spike_overlap")
#: Prop 10 (easy direction): lim <v1, u1>^2 = rho_T^2 zeta(theta_T^2) with
#: rho_T^2 = c1^2/(c1^2 + psi_T Ey2), theta_T^2 = eta_T^2 mu1^2 (c1^2 + psi_T Ey2).
#: Arguments (mu1, c1, Ey2, psi_T, alpha, eta_T): mu1 = c_1(sigma), c1 = c_1(sigma1) real,
#: Ey2 = E y^2 > 0, psi_T = d/n > 0, alpha = N/d > 0, eta_T > 0.  Derived here (module doc).
teacher_u1 = _formula(TEACHER_U1, _T_ARGS, "teacher_u1")
#: Prop 10 with the large step eta ~ sqrt(N): lim <v1, u1>^2 = rho_T^2.  Arguments (c1, Ey2, psi_T).
teacher_u1_large_step = _formula(TEACHER_U1_LARGE, (c1, Ey2, psiT), "teacher_u1_large_step")
#: Prop 10 (hard direction, rate): kappa_T^2 = lim d E<v1, u2>^2
#: = (1 - zeta_T) + zeta_T psi_T Ey2z2/(c1^2 + psi_T Ey2).  Arguments
#: (mu1, c1, Ey2, Ey2z2, psi_T, alpha, eta_T), Ey2z2 = E[y^2 <u2,x>^2] > 0.  Derived here.
teacher_u2_rate = _formula(TEACHER_U2_RATE, (mu1, c1, Ey2, Ey2z2, psiT, alpha, etaT), "teacher_u2_rate")
#: Thm 11 (easy direction): lim ||P u1||^2 = rho_S^2 zeta(theta_S^2), rho_S^2 =
#: mu1^2 theta_T^2 rho_T^2 / s_S^2, s_S^2 = mu1^2 (1 + theta_T^2) + psi_S (act2 + mu1^2 theta_T^2),
#: theta_S^2 = eta_S^2 mu1^2 s_S^2.  Arguments (mu1, act2, c1, Ey2, psi_T, psi_S, alpha, eta_T,
#: eta_S), act2 = E sigma(z)^2 > 0.  Derived here.
student_u1 = _formula(STUDENT_U1, _S_ARGS, "student_u1")
#: Thm 11 (hard direction): lim ||P u2||^2 = zeta(beta^2).  Arguments (beta >= 0, alpha > 0).
student_u2 = _formula(STUDENT_U2, (beta, alpha), "student_u2")

#: Teacher labels on fresh data (step 5): E y~^2 -> act2 + mu1^2 theta_T^2.  Arguments
#: (mu1, act2, c1, Ey2, psi_T, eta_T).  Derived here.
label_second_moment = _formula(LABEL_EY2, (mu1, act2, c1, Ey2, psiT, etaT), "label_second_moment")
#: <E[y~ x], u1> -> eta_T mu1^2 c1 (the teacher's spike seen through its first Hermite
#: coefficient).  Arguments (mu1, c1, eta_T).  Derived here.
label_corr_u1 = _formula(LABEL_CORR_U1, (mu1, c1, etaT), "label_corr_u1")
#: ||X~^T y~/m||^2 -> s_S^2 = mu1^2 (1 + theta_T^2) + psi_S (act2 + mu1^2 theta_T^2).
#: Arguments (mu1, act2, c1, Ey2, psi_T, psi_S, eta_T).  Derived here.
label_norm2 = _formula(S_S2, (mu1, act2, c1, Ey2, psiT, psiS, etaT), "label_norm2")

for _f in (label_second_moment, label_corr_u1, label_norm2, spike_overlap, teacher_u1, teacher_u1_large_step, teacher_u2_rate, student_u1, student_u2):
    _f.__doc__ = f"{_f.name}{tuple(str(s) for s in _f.symbols)} = {_f.expr}  (see module docstring)"
del _f


def limits(setting) -> dict:
    """All limits of this module at a :class:`~w2s_theory.multiindex.model.MultiIndexSetting`.

    Sources: Moniri & Hassani (2025), Proposition 10 (teacher) and Theorem 11 (student);
    the formulas are in the module docstring.

    Parameters
    ----------
    setting : MultiIndexSetting
        The model parameters.

    Returns
    -------
    dict with ``teacher_u1`` (Prop 10, easy), ``teacher_grad_u1`` (= rho_T^2, top right
    singular vector of the update alone), ``teacher_u1_large_step`` (eta ~ sqrt N),
    ``teacher_u2_rate`` (kappa_T^2 = lim d E<v1,u2>^2), ``student_u1``, ``student_u2``
    (Thm 11), and the intermediate ``rho_T2``, ``theta_T2``, ``rho_S2``, ``theta_S2``.

    Raises
    ------
    ValueError
        If ``setting`` is not a MultiIndexSetting.

    Examples
    --------
    >>> from w2s_theory.multiindex.model import MultiIndexSetting
    >>> L = limits(MultiIndexSetting(activation="relu-centred"))
    >>> {k: round(L[k], 6) for k in ("teacher_u1", "student_u1", "student_u2")}
    {'teacher_u1': 0.388889, 'student_u1': 0.210586, 'student_u2': 0.75}
    """
    if not isinstance(setting, MultiIndexSetting):
        raise ValueError(f"setting must be a MultiIndexSetting; got {type(setting).__name__}")
    h = setting.hermite
    vals = {mu1: h["mu1"], act2: h["act_norm2"], c1: h["c1"],
            Ey2: h["Ey2"], Ey2z2: h["Ey2z2"], psiT: setting.psi_T, psiS: setting.psi_S,
            alpha: setting.alpha, etaT: setting.eta_T, etaS: setting.eta_S, beta: setting.beta}

    def ev(f):
        return f(*[vals[s] for s in f.symbols])

    out = {
        "teacher_u1": ev(teacher_u1),
        # the update W1 - W0 alone: its top right singular vector tends to v (Ba et al. Prop 2)
        "teacher_grad_u1": float(RHO_T2.subs(vals)),
        "teacher_u1_large_step": ev(teacher_u1_large_step),
        "teacher_u2_rate": ev(teacher_u2_rate),
        "student_u1": ev(student_u1),
        "student_u2": ev(student_u2),
        "label_Ey2": ev(label_second_moment),
        "label_corr_u1": ev(label_corr_u1),
        "label_norm2": ev(label_norm2),
    }
    for name, expr in (("rho_T2", RHO_T2), ("theta_T2", THETA_T2), ("rho_S2", RHO_S2),
                       ("theta_S2", THETA_S2)):
        out[name] = float(expr.subs(vals))
    return out
