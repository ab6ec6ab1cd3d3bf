"""Full-scale studies from the CLI: ``w2s experiment multiindex-scaling`` / ``multiindex-stepsize``."""
from __future__ import annotations

import math

import numpy as np

from .._progress import progress
from .._registry import experiment
from .claims import C_LIMIT, DEFAULT, Z_LIMIT, Z_RATE
from .simulate import simulate
from .stats import agreement, fit_rate

METRICS = ("teacher_u1", "teacher_u2", "student_u1", "student_u2")


def reps_for(d: int, quick: bool) -> int:
    """Repetitions at dimension d: cost grows ~d^3, so fewer repetitions at large d."""
    if quick:
        return 48
    return max(3, int(round(32 * (256 / d) ** 1.2)))


def scaling_study(setting=DEFAULT, ds=(256, 512, 1024, 2048, 4096), *, quick=False, seed=0,
                  reps=None, show_progress=True) -> dict:
    """Alignments vs d with limits, agreement checks and fitted exponents (JSON-ready).

    Parameters
    ----------
    setting : MultiIndexSetting
    ds : sequence of int
    reps : callable d -> int, optional (default :func:`reps_for`)
    """
    reps = reps or (lambda d: reps_for(d, quick))
    L = setting.limits()
    sims = []
    for i, d in enumerate(progress(list(ds), desc="multiindex d-scaling", disable=not show_progress)):
        sims.append(simulate(setting, int(d), reps(int(d)), seed=[seed, 21, i, int(d)]))
    dsa = np.array([s.d for s in sims], float)
    out = {"setting": _describe(setting), "limits": L, "d": dsa.astype(int).tolist(),
           "reps": [s.reps for s in sims], "z_limit": Z_LIMIT, "C_limit": C_LIMIT, "z_rate": Z_RATE}
    for m in METRICS:
        out[m] = {"mean": [s.mean(m) for s in sims], "se": [s.se(m) for s in sims]}
    absu2 = [np.sqrt(s.values["teacher_u2"]) for s in sims]
    out["teacher_abs_u2"] = {"mean": [float(v.mean()) for v in absu2],
                             "se": [float(v.std(ddof=1) / math.sqrt(v.size)) for v in absu2]}
    checks = {}
    for m in ("teacher_u1", "student_u1", "student_u2"):
        a = agreement(out[m]["mean"], out[m]["se"], L[m], dsa, z=Z_LIMIT, C=C_LIMIT)
        checks[m] = {"passed": a.passed, "detail": a.detail}
    kappa = math.sqrt(L["teacher_u2_rate"]) * math.sqrt(2 / math.pi)
    a = agreement(np.sqrt(dsa) * out["teacher_abs_u2"]["mean"], np.sqrt(dsa) * out["teacher_abs_u2"]["se"],
                  kappa, dsa, z=Z_LIMIT, C=C_LIMIT)
    checks["sqrt_d_teacher_abs_u2"] = {"passed": a.passed, "detail": a.detail}
    out["checks"] = checks
    rates = {}
    for name, key in (("teacher_abs_u2", "teacher_abs_u2"), ("student_u1", "student_u1"),
                      ("student_u2", "student_u2"), ("teacher_u1", "teacher_u1")):
        r = fit_rate(dsa, out[key]["mean"], out[key]["se"], z=Z_RATE)
        rates[name] = {"exponent": r.slope, "se": r.se, "ci": list(r.ci)}
    out["rates"] = rates
    out["verdict"] = {
        "teacher_u2_vanishes_at_d^-1/2": rates["teacher_abs_u2"]["ci"][0] <= -0.5 <= rates["teacher_abs_u2"]["ci"][1]
        and rates["teacher_abs_u2"]["ci"][1] < -0.25,
        "student_keeps_u1_and_u2": rates["student_u1"]["ci"][0] > -0.25 and rates["student_u2"]["ci"][0] > -0.25,
        "limits_agree": all(c["passed"] for c in checks.values()),
    }
    return out


def _describe(s):
    return {"sigma1": str(s.sigma1), "sigma2": str(s.sigma2), "activation": str(s.activation),
            "noise": s.noise, "psi_T": s.psi_T, "psi_S": s.psi_S, "alpha": s.alpha, "eta_T": s.eta_T,
            "eta_S": s.eta_S, "beta": s.beta}


def stepsize_study(setting=DEFAULT, etas=None, d=512, reps=8, *, seed=0, show_progress=True) -> dict:
    """Alignments vs the common step size eta = eta_T = eta_S at fixed d, with the limits."""
    etas = list(etas if etas is not None else np.geomspace(0.5, 12, 8))
    rows = []
    for i, eta in enumerate(progress(etas, desc="multiindex step sizes", disable=not show_progress)):
        s = setting.replace(eta_T=float(eta), eta_S=float(eta))
        sim = simulate(s, d, reps, seed=[seed, 31, i])
        L = s.limits()
        rows.append({"eta": float(eta), **{f"{m}_mean": sim.mean(m) for m in METRICS},
                     **{f"{m}_se": sim.se(m) for m in METRICS},
                     **{f"{m}_limit": L[m] for m in ("teacher_u1", "student_u1", "student_u2")},
                     "teacher_u1_large_step": L["teacher_u1_large_step"]})
    return {"setting": _describe(setting), "d": d, "reps": reps, "rows": rows}


@experiment("multiindex-scaling",
            help="§3 d-scaling study d=256..4096 (quick 64..256): teacher/student alignments, "
                 "limits, fitted exponents with CIs")
def _scaling(quick: bool, seed: int) -> dict:
    ds = (64, 128, 256) if quick else (256, 512, 1024, 2048, 4096)
    return scaling_study(DEFAULT, ds, quick=quick, seed=seed)


@experiment("multiindex-stepsize",
            help="§3 alignments vs step size at d=512 (quick 128) against the limits")
def _stepsize(quick: bool, seed: int) -> dict:
    return stepsize_study(DEFAULT, np.geomspace(0.5, 12, 5 if quick else 8), d=128 if quick else 512,
                          reps=4 if quick else 8, seed=seed)
