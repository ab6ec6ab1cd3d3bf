"""Mutation analysis: does every claim reject realistic bugs?

Two families of mutants are run against the claim registry:

* **generated formula mutants** (kind ``scale``, ``drop-term``, ``swap``, ``square-slip``),
  derived automatically from the SymPy expression of every registered
  :class:`w2s_theory._numeric.Formula`: the whole expression ×(1±ε) (ε = 0.05), each
  top-level additive term dropped (inside a ``Piecewise``: in each branch; inside a
  product: in each sum factor), each pair of parameters of the same kind swapped
  (φ↔ψ, λ_T↔λ_S, σ²↔r², ...) and r² replaced by √r² (the r-versus-r² slip).  They
  are planted *in process*: the formula's ``expr`` is replaced and its generated
  evaluators are dropped (or, for a pure rescaling, wrapped), then restored;
* **catalogued implementation mutants** (kind ``implementation``): hand-written
  patches listed in ``w2s_theory/<mechanism>/mutants.py``
  (:class:`proofs_check.mutants.SourceMutant`), run in a mutated copy of the package.

A mutant is *killed* when a claim that passes on the unmutated code fails on the
mutant.  Which claims can see a formula is measured, not declared: every claim is
run once with formula use instrumented (:func:`trace`), and a formula mutant runs
only the claims that used its formula (a formula no claim uses is a survivor).

Caches.  Claims cache seeded simulations in module-level dicts (``_CACHE``,
``_SIM_CACHE``, ...) and helpers cache symbolic work with ``functools.lru_cache``.
A cache filled before a mutant is planted could hide it, and one filled under a
mutant would leak it into later runs.  The engine therefore (1) traces each claim
with the dict caches of ``w2s_theory`` emptied (refilled afterwards), so formula
use inside a cache fill is attributed to every claim that relies on it; (2) snapshots
the dict caches around every mutant run and restores them, and clears every
``lru_cache`` of ``w2s_theory`` that computed anything under the mutant; (3) reruns a
claim with all caches emptied when it passed without touching the mutated formula
(a cache hid it); (4) drops the instance-level ``functools.cached_property`` values
of a mutated formula (e.g. a vectorised evaluator) together with its lambdified
evaluators.  Not covered: evaluators built from the same SymPy source *outside*
``Formula`` (they are not the formula's evaluator and keep the unmutated expression).

Sensitivity.  For each claim and each formula it uses, the expression is scaled by
1+ε and by 1−ε for ε on :data:`EPS_GRID`; the claim's sensitivity is the smallest ε
(over its formulas and both signs) at which it fails, found by bisection on the grid
assuming that a larger perturbation is never easier to miss.  ``sensitivity_plus``
and ``sensitivity_minus`` report the two signs separately (a one-sided inequality
check typically rejects only one of them).  The result of the last run is stored
(:mod:`proofs_check.sensitivity`) and fills ``sensitivity`` in ``w2s-check --json``.
"""
from __future__ import annotations

import contextlib
import dataclasses
import fnmatch
import functools
import importlib
import itertools
import json
import math
import multiprocessing
import pkgutil
import re
import resource
import sys
import time
import types
import warnings

import mpmath
import numpy as np
import sympy as sp

from . import scale_targets as _st
from . import sensitivity as _sens
from .mutants import SourceMutant, discover_mutants, run_source_mutant
from .registry import Context, discover
from .runner import run_claim, select

EPS = sp.Rational(1, 20)                       # the headline ×(1±ε) mutant
EPS_GRID = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5)
STATUSES = ("killed", "survived", "equivalent")

# --------------------------------------------------------------------------- registry


def _numeric():
    from w2s_theory import _numeric
    return _numeric


def short(key: str) -> str:
    """``w2s_theory.ridge.theory:teacher_error`` -> ``ridge.theory:teacher_error``."""
    return key[len("w2s_theory."):] if key.startswith("w2s_theory.") else key


def formulas() -> dict[str, list]:
    """Live formulas by key ``module:name`` (after :func:`discover`)."""
    out: dict[str, list] = {}
    for f in list(_numeric().FORMULAS):
        out.setdefault(vars(f)["key"], []).append(f)
    return {k: out[k] for k in sorted(out)}


def _defined_in_package(obj) -> bool:
    mod = getattr(obj, "__module__", None) or ""
    return mod.startswith("w2s_theory")


def public_keys() -> set[str]:
    """Keys of the formulas reachable from the mechanisms' public API.

    Walks the public names (no leading underscore) of every public module of
    ``w2s_theory`` (claims, mutants and private modules excluded): a Formula found
    directly, in a container, or among the globals named by a reachable function's
    code (transitively, through methods, properties and ``functools`` wrappers) is
    public.  Formulas built at call time (e.g. ``stieltjes_derivative[k]``) are public
    when a reachable function of their module builds them.
    """
    num = _numeric()
    seen: set[int] = set()
    found: set[str] = set()
    builders: set[str] = set()

    def code_names(code):
        names = set(code.co_names)
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                names |= code_names(const)
        return names

    def visit(obj):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if isinstance(obj, num.Formula):
            found.add(vars(obj)["key"])
        elif isinstance(obj, dict):
            for v in list(obj.values()):
                visit(v)
        elif isinstance(obj, (list, tuple)):
            for v in obj:
                visit(v)
        elif isinstance(obj, (staticmethod, classmethod)):
            visit(obj.__func__)
        elif isinstance(obj, property):
            visit(obj.fget)
        elif isinstance(obj, functools.cached_property):
            visit(obj.func)
        elif isinstance(obj, functools.partial):
            visit(obj.func)
        elif isinstance(obj, types.FunctionType):
            if not _defined_in_package(obj):
                return
            g = obj.__globals__
            names = code_names(obj.__code__)
            if "Formula" in names or "_MixtureFormula" in names:
                builders.add(g.get("__name__", ""))
            for name in sorted(names):
                if name in g:
                    visit(g[name])
        elif isinstance(obj, type):
            if _defined_in_package(obj):
                for v in list(vars(obj).values()):
                    visit(v)
        elif hasattr(obj, "__wrapped__") and callable(obj):
            visit(obj.__wrapped__)

    for name in sorted(sys.modules):
        if not name.startswith("w2s_theory.") or name.count(".") < 1:
            continue
        parts = name.split(".")[1:]
        if any(p.startswith("_") for p in parts) or parts[-1] == "mutants" \
                or parts[-1] == "claims" or parts[-1].startswith("claims_"):
            continue
        mod = sys.modules[name]
        for attr, v in list(vars(mod).items()):
            if attr.startswith("_") or isinstance(v, types.ModuleType):
                continue
            if isinstance(v, (types.FunctionType, type)) and not _defined_in_package(v):
                continue
            visit(v)
    for key, insts in formulas().items():   # built at call time by a reachable builder
        mod = sys.modules.get(key.split(":", 1)[0])
        if key.split(":", 1)[0] in builders and mod is not None \
                and not any(v is insts[0] for v in vars(mod).values()):
            found.add(key)
    return found


# --------------------------------------------------------------------------- generated mutants


@dataclasses.dataclass(frozen=True)
class FormulaMutant:
    """A generated mutant of one formula: its expression replaced by ``expr``.

    ``factor`` is set for a pure rescaling (``expr = factor * original``) and
    ``argmap`` for a change of arguments (``("swap", i, j)``: arguments i and j
    exchanged; ``("sqrt", i)``: argument i replaced by its square root); both are
    planted by wrapping the existing evaluators (exactly the same function as
    ``expr``, without regenerating code for large expressions).
    """

    id: str
    target: str
    kind: str
    description: str
    expr: sp.Expr = dataclasses.field(compare=False, repr=False)
    factor: object = None
    argmap: tuple = ()
    equivalent: str = ""

    @property
    def mechanism(self) -> str:
        return short(self.target).split(".", 1)[0]


#: Parameters of the same kind, by name: a swap among them is a realistic slip.
_KINDS = {
    "ratio": {"phi", "psi", "gamma", "psi_T", "psi_S", "alpha"},
    "penalty": {"lam", "lam_T", "lam_S"},
    "energy": {"sigma2", "r2"},
    "step": {"eta_T", "eta_S"},
    "gram-norm": {"q", "r"},
    "mixture-weight": {"p_e", "p_h", "p_b"},
    "patch-signal": {"a_mu", "a_plus", "a_minus"},
}
#: Squared quantities whose root could be used by mistake (the r-versus-r² slip).
_SQUARED = ("r2", "sigma2")


def param_kind(name: str) -> str | None:
    """Kind of a parameter from its name (None: no same-kind partner is plausible)."""
    for kind, names in _KINDS.items():
        if name in names:
            return kind
    m = re.fullmatch(r"(.+)_[TS]", name)   # teacher/student pairs: x_T <-> x_S
    return f"{m.group(1)}_T/S" if m else None


def _terms(expr):
    """``(path, term, rebuild)`` for each droppable top-level additive term."""
    out = []

    def add_terms(e, wrap, where):
        if isinstance(e, sp.Add) and len(e.args) > 1:
            for i, t in enumerate(e.args):
                rest = sp.Add(*(a for j, a in enumerate(e.args) if j != i))
                out.append((f"{where}{i + 1}", t, wrap(rest)))
        elif isinstance(e, sp.Mul):
            for k, fac in enumerate(e.args):
                base, exp_ = (fac.base, fac.exp) if isinstance(fac, sp.Pow) else (fac, None)
                if isinstance(base, sp.Add) and len(base.args) > 1:
                    others = [a for j, a in enumerate(e.args) if j != k]

                    def w(new, others=others, exp_=exp_):
                        return wrap(sp.Mul(*others, new if exp_ is None else sp.Pow(new, exp_)))
                    add_terms(base, w, f"{where}f{k + 1}.")

    if isinstance(expr, sp.Piecewise):
        for b, (e, cond) in enumerate(expr.args):
            def wrap(new, b=b):
                args = list(expr.args)
                args[b] = (new, args[b][1])
                return sp.Piecewise(*args)
            add_terms(e, wrap, f"b{b + 1}.")
    else:
        add_terms(expr, lambda new: new, "")
    return out


def _txt(e, n=60) -> str:
    s = str(e)
    return s if len(s) <= n else s[:n - 3] + "..."


def generate(key: str, formula) -> list[FormulaMutant]:
    """The generated mutants of one formula (deduplicated; equivalence detected)."""
    expr = formula.expr
    name = short(key)
    params = [p.name for p in formula.params]
    syms = dict(zip(params, formula.symbols))
    out = []
    for sign, word in ((1, "+"), (-1, "-")):
        fac = 1 + sign * EPS
        out.append(FormulaMutant(f"{name}@x{float(fac):g}", key, "scale",
                                 f"{formula.name} x{float(fac):g} (whole expression, "
                                 f"relative error {word}{float(EPS):g})", fac * expr, fac))
    for path, term, rebuilt in _terms(expr):
        out.append(FormulaMutant(f"{name}@drop{path}", key, "drop-term",
                                 f"{formula.name} without the term {_txt(term)}", rebuilt))
    for a, b in itertools.combinations(params, 2):
        ka = param_kind(a)
        if ka is not None and ka == param_kind(b):
            out.append(FormulaMutant(f"{name}@swap:{a},{b}", key, "swap",
                                     f"{formula.name} with {a} and {b} swapped",
                                     expr.xreplace({syms[a]: syms[b], syms[b]: syms[a]}),
                                     argmap=("swap", params.index(a), params.index(b))))
    for a in _SQUARED:
        if a in syms:
            out.append(FormulaMutant(f"{name}@sqrt:{a}", key, "square-slip",
                                     f"{formula.name} with {a} replaced by sqrt({a}) "
                                     f"(root for square)", expr.xreplace({syms[a]: sp.sqrt(syms[a])}),
                                     argmap=("sqrt", params.index(a))))
    seen: dict[str, FormulaMutant] = {}
    result = []
    for m in out:
        sig = sp.srepr(m.expr)
        if sig in seen:
            continue
        seen[sig] = m
        why = "" if m.kind == "scale" and expr != 0 else equivalence(formula, m.expr)
        result.append(dataclasses.replace(m, equivalent=why) if why else m)
    return result


def _sample(param, rng):
    lo, hi = param.low, param.high
    if math.isinf(lo) and math.isinf(hi):
        return rng.normal()
    if math.isinf(hi):
        return lo + 10 ** rng.uniform(-1, 1)
    if math.isinf(lo):
        return hi - 10 ** rng.uniform(-1, 1)
    return lo + (hi - lo) * rng.uniform(0.05, 0.95)


def _value(expr, symbols, point):
    v = sp.N(expr.xreplace(dict(zip(symbols, point))), 30)
    return complex(v) if v.is_number else None


def equivalence(formula, new) -> str:
    """Reason why *new* is the same function as the formula's expression, or ``""``.

    Structural identity, then ``simplify`` for small expressions, then agreement to
    20 digits (30-digit evaluation) at 12 random points of the domain, reported as
    such (evidence, not a proof).  Most mutants differ at the first point (cheap).
    """
    old = formula.expr
    if new == old:
        return "expression unchanged (the mutation maps the formula to itself)"
    if sp.count_ops(old) <= 30:
        try:
            if sp.simplify(new - old) == 0:
                return "symbolically identical after simplification"
        except Exception:   # noqa: BLE001 - simplify may give up on Piecewise; fall through
            pass
    rng = np.random.default_rng(0)
    agree = 0
    for _ in range(40):
        point = [sp.Float(_sample(p, rng), 30) for p in formula.params]
        try:
            a, b = _value(old, formula.symbols, point), _value(new, formula.symbols, point)
        except Exception:   # noqa: BLE001 - outside the expression's real domain
            continue
        if a is None or b is None or not (np.isfinite(a) and np.isfinite(b)) or a.imag:
            continue
        if abs(a - b) > 1e-20 * max(1.0, abs(a)):
            return ""
        agree += 1
        if agree == 12:
            return "numerically identical (20 digits) at 12 random points of the domain"
    return ""


def equivalence_marks() -> dict[str, str]:
    """Hand marks ``{mutant id glob: reason}`` from ``EQUIVALENT`` in mechanisms' mutants.py."""
    pkg = importlib.import_module("w2s_theory")
    marks: dict[str, str] = {}
    for info in pkgutil.walk_packages(pkg.__path__, prefix="w2s_theory."):
        if info.name.rsplit(".", 1)[-1] == "mutants":
            marks.update(getattr(importlib.import_module(info.name), "EQUIVALENT", {}))
    return marks


def _key_selected(key: str, patterns) -> bool:
    """Could a selector match a mutant of formula *key*? (avoids generating the others)"""
    if not patterns:
        return True
    sk = short(key)
    for p in patterns:
        kp = p.split("@", 1)[0]
        if fnmatch.fnmatchcase(sk, kp) or fnmatch.fnmatchcase(key, kp) or kp == sk.split(".")[0]:
            return True
    return False


def generated_mutants(patterns=()) -> list[FormulaMutant]:
    """Generated mutants of the registered formulas (those *patterns* can select), with
    the hand equivalence marks applied."""
    marks = equivalence_marks()
    out = []
    for key, insts in formulas().items():
        if not _key_selected(key, patterns):
            continue
        for m in generate(key, insts[0]):
            for glob, reason in marks.items():
                if fnmatch.fnmatchcase(m.id, glob):
                    m = dataclasses.replace(m, equivalent=reason)
            out.append(m)
    return out


# --------------------------------------------------------------------------- planting


def _is_cached_property(obj, name):
    return isinstance(getattr(type(obj), name, None), functools.cached_property)


def _remapped(fn, argmap):
    op, i = argmap[0], argmap[1]

    @functools.wraps(fn)
    def wrapper(*args):
        args = list(args)
        if op == "swap":
            j = argmap[2]
            args[i], args[j] = args[j], args[i]
        else:
            x = args[i]
            args[i] = mpmath.sqrt(x) if isinstance(x, mpmath.mpf) else np.sqrt(x)
        return fn(*args)
    return wrapper


# Lazily built evaluators cached on a Formula instance (numpy, mpmath, the plain-float fast
# path and the lazy mpmath fallback): a mutant must replace every one of them.
_EVALUATOR_ATTRS = ("_np", "_mp", "_math", "_mp_plain")


@contextlib.contextmanager
def planted(mutants):
    """Plant formula mutants (one per target) in every live and new Formula; restore after."""
    by_key = {m.target: m for m in mutants}
    touched = []

    def apply(f):
        m = by_key.get(vars(f).get("key"))
        if m is None:
            return
        d = vars(f)
        touched.append((f, dict(d)))
        for name in list(d):
            if name == "expr":
                continue
            if name in _EVALUATOR_ATTRS or _is_cached_property(f, name):
                val = d[name]
                if m.factor is not None and callable(val):
                    d[name] = _st.scaled_evaluator(val, int(m.factor.p), int(m.factor.q))  # no lambdify
                elif m.argmap and callable(val):
                    d[name] = _remapped(val, m.argmap)
                elif name in _EVALUATOR_ATTRS:
                    d[name] = None
                else:
                    del d[name]
        d["expr"] = m.expr

    num = _numeric()
    for f in list(num.FORMULAS):
        apply(f)
    num.ON_CREATE.append(apply)
    try:
        with _st.scaling(mutants):            # function targets (proofs_check.scale_targets)
            yield
    finally:
        num.ON_CREATE.remove(apply)
        for f, saved in reversed(touched):
            d = vars(f)
            d.clear()
            d.update(saved)


# --------------------------------------------------------------------------- tracing

_RECORD: set | None = None
_TRACED_ATTRS = frozenset({"expr", "numpy", "mpmath", "evaluate", "_np", "_mp",
                           "_numpy_vectorised", "math", "_math", "_fast_scalar", "mpmath_plain",
                           "_mp_plain"})
_INSTRUMENTED = False


def instrument() -> None:
    """Make every Formula report its use (evaluation or expression read) while recording."""
    global _INSTRUMENTED
    if _INSTRUMENTED:
        return
    Formula = _numeric().Formula

    def __getattribute__(self, name):
        if _RECORD is not None and (name in _TRACED_ATTRS or name.startswith("_numpy")):
            _RECORD.add(object.__getattribute__(self, "__dict__")["key"])
        return object.__getattribute__(self, name)

    Formula.__getattribute__ = __getattribute__
    _st.install(sys.modules[__name__])   # declared function targets report to _RECORD too
    _INSTRUMENTED = True


@contextlib.contextmanager
def recording():
    """Collect the keys of the formulas used inside the block."""
    global _RECORD
    instrument()
    prev, _RECORD = _RECORD, set()
    mine = _RECORD
    try:
        yield mine
    finally:
        _RECORD = prev
        if prev is not None:      # nested: the enclosing recording sees it too
            prev |= mine


# --------------------------------------------------------------------------- caches


def _caches():
    dicts, lrus = [], []
    for name in sorted(sys.modules):
        if not name.startswith("w2s_theory"):
            continue
        for attr, v in list(vars(sys.modules[name]).items()):
            if isinstance(v, dict) and "cache" in attr.lower():
                dicts.append(v)
            elif callable(v) and hasattr(v, "cache_clear") and hasattr(v, "cache_info"):
                lrus.append(v)
    return dicts, lrus


def snapshot():
    dicts, lrus = _caches()
    return ([(d, dict(d)) for d in dicts], [(f, f.cache_info().misses) for f in lrus])


def restore(snap) -> None:
    """Dict caches back to the snapshot; lru caches that computed anything since: cleared."""
    dicts, lrus = snap
    for d, saved in dicts:
        d.clear()
        d.update(saved)
    for f, misses in lrus:
        if f.cache_info().misses != misses:
            f.cache_clear()
    for f in _caches()[1]:   # lru caches of modules imported meanwhile
        if f not in [g for g, _ in lrus]:
            f.cache_clear()


def clear_caches() -> None:
    dicts, lrus = _caches()
    for d in dicts:
        d.clear()
    for f in lrus:
        f.cache_clear()


_KEEP: dict = {}


def _keep(f) -> None:
    _KEEP.setdefault(vars(f)["key"], f)


def trace(claims, ctx) -> dict[str, dict]:
    """Run each claim once with formula use recorded and dict caches emptied before it.

    Returns ``{claim id: {"status", "seconds", "formulas": sorted keys}}``; the caches
    end up holding what every claim filled (as after an ordinary run).
    """
    acc: dict[int, tuple[dict, dict]] = {}
    out = {}
    num = _numeric()
    num.ON_CREATE.append(_keep)   # formulas built on the fly stay mutable
    for c in claims:
        dicts, _ = _caches()
        for d in dicts:
            acc.setdefault(id(d), (d, {}))[1].update(d)
            d.clear()
        with recording() as used:
            rec = run_claim(c, ctx)
        out[c.id] = dict(status=rec["status"], seconds=rec["seconds"], formulas=sorted(used),
                         detail=rec["detail"])
    num.ON_CREATE.remove(_keep)
    for d, saved in acc.values():
        saved.update(d)
        d.clear()
        d.update(saved)
    return out


# --------------------------------------------------------------------------- running


@dataclasses.dataclass
class State:
    """What the worker processes inherit (by fork) from the traced parent."""

    ctx: Context
    claims: dict
    traced: dict
    generated: dict
    catalogued: dict


_STATE: State | None = None


def _passes(rec) -> bool:
    return rec["status"] != "fail"


def run_claim_under(c, mutants, ctx) -> dict:
    """Run claim *c* with *mutants* planted; rerun with caches emptied if one hid them."""
    def once(clear):
        snap = snapshot()
        try:
            if clear:
                clear_caches()
            # mutants legitimately produce overflow/complex/NaN warnings: keep the output readable
            with planted(mutants), recording() as used, warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return run_claim(c, ctx), used
        finally:
            restore(snap)
    rec, used = once(False)
    if mutants and _passes(rec) and not {m.target for m in mutants} & used:
        rec, _ = once(True)
        rec["cache_rerun"] = True
    return rec


def _order(claim_ids):
    st = _STATE
    return sorted(claim_ids, key=lambda cid: (st.traced[cid]["seconds"], cid))


def _live_claims():
    """Claims that do not fail unmutated (only they can kill)."""
    return {cid for cid, t in _STATE.traced.items() if t["status"] != "fail"}


def _run_generated(mid: str, full: bool) -> dict:
    st = _STATE
    m = st.generated[mid]
    deps = [cid for cid in _order(st.traced) if m.target in st.traced[cid]["formulas"]]
    live = _live_claims()
    killed, ran = [], []
    t0 = time.perf_counter()
    for cid in deps:
        if cid not in live:
            continue
        rec = run_claim_under(st.claims[cid], [m], st.ctx)
        ran.append(cid)
        if not _passes(rec):
            killed.append(cid)
            if not full:
                break
    note = "" if deps else "no claim evaluates this formula"
    return dict(id=m.id, killed_by=sorted(killed), claims_run=ran, note=note,
                seconds=round(time.perf_counter() - t0, 3))


def _run_catalogued(mid: str, full: bool) -> dict:
    st = _STATE
    m = st.catalogued[mid]
    t0 = time.perf_counter()
    live = _live_claims()
    # every named claim runs (complete killed_by: the catalogue names its expected killers);
    # cheapest first, without the claims that already fail unmutated
    res = run_source_mutant(m, quick=st.ctx.quick, seed=st.ctx.seed, first_kill=False,
                            cost={cid: t["seconds"] for cid, t in st.traced.items()},
                            skip=set(st.traced) - live)
    killed = [cid for cid in res["killed_by"] if cid in live or cid not in st.traced]
    ran = sorted(r["id"] for r in res["records"])
    return dict(id=m.id, killed_by=sorted(killed), claims_run=ran,
                note="" if ran else "its claim patterns match no claim",
                seconds=round(time.perf_counter() - t0, 3))


def _scale_mutant(key, eps, sign):
    fac = 1 + sign * sp.Rational(str(eps))
    if _st.is_target(key) or key.endswith(_st.FLOAT_PATH):   # function target / float path
        return FormulaMutant(f"{short(key)}@x{float(fac):g}", key, "scale", "", sp.S.Zero, fac)
    f = formulas()[key][0]
    return FormulaMutant(f"{short(key)}@x{float(fac):g}", key, "scale", "", fac * f.expr, fac)


def _sensitivity_search(cid: str) -> dict:
    """Smallest ε of :data:`EPS_GRID` at which claim *cid* rejects some target ×(1±ε).

    Targets: the formulas the claim used, then the function targets it called
    (:mod:`proofs_check.scale_targets`); the search is :func:`scale_targets.search`.
    """
    st = _STATE
    t0 = time.perf_counter()
    targets = _st.ordered_targets(st.traced[cid]["formulas"])
    base = dict(id=cid, sensitivity=None, plus=None, minus=None, targets=targets,
                unscalable=_st.unscalable().get(cid), seconds=0.0)
    if st.traced[cid]["status"] == "fail":
        return dict(base, reason="the claim fails unmutated")
    if not targets:
        return dict(base, reason=base["unscalable"] or
                    "the claim evaluates no registered Formula or declared function target")
    if base["unscalable"]:    # declared: no x(1±ε) can move it; search the formulas only
        targets = [k for k in targets if not _st.is_target(k)]
    c = st.claims[cid]

    def fails(key, e, sign):
        return not _passes(run_claim_under(c, [_scale_mutant(key, e, sign)], st.ctx))
    best, by_key = _st.search(targets, list(EPS_GRID), fails,
                              smallest_first=c.method in ("high-precision", "symbolic", "search"))
    if math.isinf(min(best.values())) and c.method == "high-precision":
        # a float-vs-mpmath comparison cannot see a formula scaled on every path: scale the
        # float path alone
        paths = [_st.float_path_key(k) for k in targets if not _st.is_target(k)]
        best, more = _st.search(paths, list(EPS_GRID), fails)
        by_key.update(more)
    by_formula = {short(k[:-1]) + k[-1]: v for k, v in by_key.items()}

    def fin(x):
        return None if math.isinf(x) else x
    s = min(best.values())
    reason = "" if math.isfinite(s) else (base["unscalable"] or
                                          f"rejects no ×(1±ε) of its targets for ε ≤ {max(EPS_GRID):g}")
    return dict(base, sensitivity=fin(s), plus=fin(best[1]), minus=fin(best[-1]),
                by_formula=by_formula, reason=reason, kind="search" if math.isfinite(s) else None,
                seconds=round(time.perf_counter() - t0, 3))


def _sensitivity(cid: str) -> dict:
    """:func:`_sensitivity_search`; a certified claim that the search cannot move gets the
    perturbation it refutes (:data:`scale_targets.CERTIFIED_EPS`) as its sensitivity."""
    r = _sensitivity_search(cid)
    c = _STATE.claims.get(cid)
    if r["sensitivity"] is None and c is not None and c.method == "certified" \
            and _STATE.traced[cid]["status"] == "pass":
        eps = _st.CERTIFIED_EPS
        r = dict(r, sensitivity=eps, kind="certified-perturbation",
                 reason=f"certified: proves the bound on every box and refutes the same bound "
                        f"made {eps:.0%} stronger (a verified counter-example); that refuted "
                        f"perturbation is its sensitivity, one-sided by construction")
    return r


def _task(task):
    kind, ident, full = task
    if kind == "generated":
        return _run_generated(ident, full)
    if kind == "catalogued":
        return _run_catalogued(ident, full)
    return _sensitivity(ident)


def _map(tasks, workers):
    if workers <= 1 or len(tasks) <= 1:
        return [_task(t) for t in tasks]
    ctx = multiprocessing.get_context("fork")
    pool = ctx.Pool(workers)
    try:                                # imap keeps the task order: deterministic output
        out = list(pool.imap(_task, tasks, chunksize=1))
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()                     # reaped: their CPU time counts in RUSAGE_CHILDREN
    return out


def _cpu():
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime


def matches(m, patterns) -> bool:
    """A mutant is selected by a glob on its id or target, or by its mechanism's name."""
    if not patterns:
        return True
    cat = isinstance(m, SourceMutant)   # catalogued (any kind): target is a file
    target = m.target if cat else short(m.target)
    mech = m.id.split(".", 1)[0] if cat else m.mechanism
    return any(fnmatch.fnmatchcase(m.id, p) or fnmatch.fnmatchcase(target, p)
               or fnmatch.fnmatchcase(m.target, p) or p == mech for p in patterns)


def run_mutation(patterns=(), *, quick=True, seed=Context.seed, workers=2, claims=None,
                 catalogue=None, sensitivity=True, full_matrix=False, progress=None) -> dict:
    """Run the mutation analysis; return the JSON-ready result.

    Parameters
    ----------
    patterns : sequence of str
        Mutant selectors (id glob, target glob or mechanism name); empty: all.
    quick, seed : run mode of the claims (kills are decided in quick mode by default).
    workers : int
        Processes for the mutant runs (fork after tracing; results in a fixed order).
    claims : sequence of str, optional
        Claim globs to consider (default: all claims).  Sensitivities are computed for
        all considered claims when *claims* or no *patterns* are given, else for the
        claims that match *patterns* as claim globs.
    catalogue : list of SourceMutant, optional
        Catalogued mutants (default: :func:`proofs_check.mutants.discover_mutants`).
    sensitivity : bool
        Also search each claim's sensitivity.
    full_matrix : bool
        Run every dependent claim of a generated mutant instead of stopping at the
        first kill (complete ``killed_by`` lists, slower).
    """
    global _STATE
    t0 = time.perf_counter()
    cpu0 = _cpu()
    ctx = Context(quick=quick, seed=seed)
    registry = discover()
    chosen = select(registry, list(claims) if claims else None)
    catalogue = discover_mutants() if catalogue is None else list(catalogue)
    catalogue = [m for m in catalogue if matches(m, patterns)]
    for m in catalogue:                  # a stale catalogue raises before anything runs
        m.check_applies()
    say = progress or (lambda msg: None)
    say(f"tracing {len(chosen)} claims ...")
    traced = trace(chosen, ctx)
    t_trace = time.perf_counter() - t0
    generated = [m for m in generated_mutants(patterns) if matches(m, patterns)]
    public = public_keys()
    _STATE = State(ctx, {c.id: c for c in chosen}, traced,
                   {m.id: m for m in generated}, {m.id: m for m in catalogue})
    # sensitivities: every considered claim, unless mutant patterns narrow the run without
    # an explicit claim selection (then the claims matching the patterns as claim globs)
    sens_ids = [c.id for c in chosen] if (not patterns or claims) else \
        [c.id for c in select(registry, list(patterns)) if c.id in traced]
    tasks = [("catalogued", m.id, full_matrix) for m in catalogue if not m.equivalent]
    tasks += [("generated", m.id, full_matrix) for m in generated if not m.equivalent]
    if sensitivity:
        tasks += [("sensitivity", cid, False) for cid in sens_ids]
    say(f"running {len(tasks)} tasks on {workers} worker(s) ...")
    results = _map(tasks, workers)
    by_task = {(k, i): r for (k, i, _), r in zip(tasks, results)}
    mutants_out = []
    for m in catalogue + generated:
        kind = "catalogued" if isinstance(m, SourceMutant) else "generated"
        r = by_task.get((kind, m.id))
        killed = r["killed_by"] if r else []
        status = "equivalent" if m.equivalent else ("killed" if killed else "survived")
        row = dict(id=m.id, target=short(m.target) if kind == "generated" else m.target,
                   kind=m.kind, description=m.description, killed_by=killed, status=status,
                   origin=kind, equivalent=m.equivalent or None,
                   public=(m.target in public) if kind == "generated" else None,
                   claims_run=len(r["claims_run"]) if r else 0,
                   note=(r or {}).get("note", ""), seconds=(r or {}).get("seconds", 0.0))
        mutants_out.append(row)
    kills = {cid: 0 for cid in traced}
    for row in mutants_out:
        for cid in row["killed_by"]:
            kills[cid] = kills.get(cid, 0) + 1
    claims_out = []
    for cid in sorted(traced):
        r = by_task.get(("sensitivity", cid))
        claims_out.append(dict(
            id=cid, sensitivity=r["sensitivity"] if r else None,
            sensitivity_plus=r["plus"] if r else None, sensitivity_minus=r["minus"] if r else None,
            reason=(r["reason"] if r else "not searched in this run") or None,
            targets=[short(k) for k in traced[cid]["formulas"]],
            function_targets=[short(k) for k in traced[cid]["formulas"] if _st.is_target(k)],
            unscalable=(r or {}).get("unscalable") or _st.unscalable().get(cid),
            sensitivity_kind=(r or {}).get("kind"),
            sensitivity_by_target=(r or {}).get("by_formula") or {},
            sensitivity_seconds=(r or {}).get("seconds"),
            baseline=traced[cid]["status"], kills=kills.get(cid, 0)))
    cpu1 = _cpu()
    cpu_self, cpu_kids = cpu1[0] - cpu0[0], cpu1[1] - cpu0[1]
    n = len(mutants_out)
    count = {s: sum(r["status"] == s for r in mutants_out) for s in STATUSES}
    from . import __version__
    return {"version": __version__, "mutants": mutants_out, "claims": claims_out,
            "summary": dict(total=n, **count, quick=quick, seed=seed, workers=workers,
                            full_matrix=full_matrix, eps=float(EPS), eps_grid=list(EPS_GRID),
                            seconds=round(time.perf_counter() - t0, 1),
                            trace_seconds=round(t_trace, 1),
                            # CPU time: this process, and its worker/interpreter children;
                            # on quiet cores the run takes about self + children / workers
                            cpu_seconds_self=round(cpu_self, 1),
                            cpu_seconds_children=round(cpu_kids, 1))}


# --------------------------------------------------------------------------- reporting


def format_text(res: dict) -> str:
    lines = ["kill matrix (mutant -> claims that reject it)"]
    for r in res["mutants"]:
        mark = {"killed": "KILLED", "survived": "SURVIV", "equivalent": "EQUIV "}[r["status"]]
        who = ", ".join(r["killed_by"][:3]) + (f" (+{len(r['killed_by']) - 3})"
                                                if len(r["killed_by"]) > 3 else "")
        extra = r["equivalent"] or r["note"] or ""
        lines.append(f"[{mark}] {r['id']:<58} {who or '-'}{'  # ' + extra if extra else ''}")
    surv = [r for r in res["mutants"] if r["status"] == "survived"]
    lines += ["", f"survivors ({len(surv)}):"]
    lines += [f"  {r['id']:<58} {r['description']}" + (f" [{r['note']}]" if r["note"] else "")
              for r in surv] or ["  none"]
    lines += ["", "claims: kills, sensitivity (smallest rejected relative error of a target: formula "
              "or declared function, proofs_check.scale_targets)"]
    for c in res["claims"]:
        s = "-" if c["sensitivity"] is None else f"{c['sensitivity']:g}"
        pm = "" if c["sensitivity"] is None else \
            f" (+:{_g(c['sensitivity_plus'])} -:{_g(c['sensitivity_minus'])})"
        why = f"  # {c['reason']}" if c["sensitivity"] is None and c["reason"] else ""
        lines.append(f"  {c['id']:<44} kills={c['kills']:<4} sensitivity={s}{pm}{why}")
    s = res["summary"]
    lines += ["", f"{s['total']} mutants: {s['killed']} killed, {s['survived']} survived, "
              f"{s['equivalent']} equivalent in {s['seconds']:.0f}s "
              f"({s['workers']} worker(s){', quick' if s['quick'] else ''})"]
    return "\n".join(lines)


def _g(x):
    return "-" if x is None else f"{x:g}"


def to_json(res: dict) -> str:
    return json.dumps(res, indent=2)


def main(args) -> int:
    """Entry point of ``w2s-check --mutants`` (called by :mod:`proofs_check.cli`)."""
    progress = None if args.json else (lambda msg: print(msg, file=sys.stderr, flush=True))
    try:
        res = run_mutation(args.patterns, quick=args.quick, seed=args.seed,
                           workers=args.workers, claims=args.claims or None,
                           full_matrix=args.full_matrix, progress=progress)
    except ValueError as exc:   # a stale catalogue entry, a bad selector
        print(f"w2s-check --mutants: {exc}", file=sys.stderr)
        return 2
    if not res["mutants"]:
        print(f"w2s-check --mutants: no mutant matches {args.patterns}", file=sys.stderr)
        return 2
    if not args.no_save:
        _sens.save(res, args.sensitivity_file)
    print(to_json(res) if args.json else format_text(res))
    return 1 if res["summary"]["survived"] else 0
