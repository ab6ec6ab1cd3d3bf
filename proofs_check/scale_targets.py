"""Function-level sensitivity targets: public numeric evaluators that are not a ``Formula``.

A claim's *sensitivity* (:mod:`proofs_check.mutation`) is the smallest relative error
ε of one of its targets, ×(1±ε), that the claim rejects.  Registered
:class:`w2s_theory._numeric.Formula` objects are targets automatically; many claims
instead check public functions built without one (f-divergence evaluators and
their logit gradients, Hermite coefficients, expected gradients, the Marchenko–Pastur
density, CNN error formulas).  Each mechanism declares those next to its mutants
catalogue, in ``w2s_theory/<mechanism>/mutants.py``::

    SCALE_TARGETS = [
        "w2s_theory.fdiv.divergences:KL.__call__",        # a method of one instance
        "w2s_theory.fdiv.divergences:KL.loss_and_grad[1]",  # element 1 of the result only
        "w2s_theory.cosine.sft:expected_gradient",         # a module-level function
        "w2s_theory.cnn.models:LinearCNN.error",           # a method of every instance
    ]
    UNSCALABLE = {"fdiv.joint-convexity": "why no x(1±ε) can be seen by a correct check"}

A target ``module:path[i]`` names a module-level function (``f``), a method of a
class (``Class.method``: every instance) or a method of one module-level instance
(``OBJ.method``; ``OBJ`` alone means ``OBJ.__call__``); the optional ``[i]`` scales only
element *i* of a returned tuple (e.g. a gradient without its loss).

:func:`install` replaces each target, once per process, by a wrapper that (1) reports
its use to the mutation engine's recorder (so tracing finds which claims call it,
exactly as for formulas) and (2) multiplies the return value by the active factor
inside :func:`scaling`.  Return kinds are preserved: Python and numpy floats, arrays
(dtype kept), ``mpmath`` numbers, SymPy expressions, and tuples/lists/dicts of
them.  Only the outermost call of a target is scaled (a target calling itself, or a
method calling its sibling ``loss`` -> ``loss_and_grad``, is not scaled twice).
Module-level functions are rebound wherever a ``w2s_theory`` module holds them (as a
global, in a module-level dict/list/tuple, or as a default argument of a module-level
function or method); references captured elsewhere (closures, instance attributes)
keep the original and are not seen.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import importlib
import numbers
import pkgutil
import re
import sys
import types

import mpmath
import numpy as np

_SPEC = re.compile(r"^(?P<module>[\w.]+):(?P<path>[\w.]+)(?:\[(?P<part>\d+)\])?$")


@dataclasses.dataclass(frozen=True)
class ScaleTarget:
    """One declared target; ``key`` (``module:path()[i]``) is its trace and mutant key."""

    key: str
    module: str
    path: str
    part: int | None = None

    @classmethod
    def parse(cls, spec: str) -> "ScaleTarget":
        m = _SPEC.match(spec)
        if not m:
            raise ValueError(f"scale target {spec!r}: expected 'module:name[.method][[i]]'")
        part = m.group("part")
        # the key names a call, ``module:path()[i]``: never equal to a Formula key
        # (``w2s_theory.cnn.models:linear_cnn_error`` is both a Formula and its public wrapper)
        key = f"{m.group('module')}:{m.group('path')}()" + ("" if part is None else f"[{part}]")
        return cls(key, m.group("module"), m.group("path"), None if part is None else int(part))


def declared() -> tuple[list[ScaleTarget], dict[str, str]]:
    """``SCALE_TARGETS`` and ``UNSCALABLE`` of every ``w2s_theory.<mechanism>.mutants``."""
    pkg = importlib.import_module("w2s_theory")
    targets, unscalable, seen = [], {}, set()
    for info in pkgutil.walk_packages(pkg.__path__, prefix="w2s_theory."):
        if info.name.rsplit(".", 1)[-1] != "mutants":
            continue
        mod = importlib.import_module(info.name)
        for spec in getattr(mod, "SCALE_TARGETS", ()):
            if spec not in seen:
                seen.add(spec)
                targets.append(ScaleTarget.parse(spec))
        unscalable.update(getattr(mod, "UNSCALABLE", {}))
    return targets, unscalable


# ------------------------------------------------------------------------- scaling values


def scale_value(out, num: int, den: int, part=None):
    """*out* × num/den, keeping its kind (float, numpy scalar/array, mpmath, SymPy, containers).

    ``part`` (an index) scales only that element of a tuple/list.  Booleans, strings and
    ``None`` are returned unchanged (they carry no magnitude).
    """
    if part is not None and isinstance(out, (tuple, list)):
        items = list(out)
        items[part] = scale_value(items[part], num, den)
        return type(out)(items) if isinstance(out, list) else _retuple(out, items)
    if out is None or isinstance(out, (bool, np.bool_, str, bytes)):
        return out
    if isinstance(out, (mpmath.mpf, mpmath.mpc)):
        return out * num / den
    if isinstance(out, np.ndarray):
        if out.dtype.kind in "fc":
            return out * out.dtype.type(num / den)
        if out.dtype.kind in "iu":
            return out * (num / den)
        if out.dtype == object:
            return np.array([scale_value(v, num, den) for v in out.ravel()],
                            dtype=object).reshape(out.shape)
        return out
    if isinstance(out, np.generic):
        return out.dtype.type(out * out.dtype.type(num / den)) if out.dtype.kind in "fc" \
            else np.float64(out) * (num / den)
    if isinstance(out, numbers.Integral):
        return out * num / den
    if isinstance(out, (float, complex)):
        return type(out)(out * num / den)
    if isinstance(out, dict):
        return type(out)((k, scale_value(v, num, den)) for k, v in out.items())
    if isinstance(out, (tuple, list)):
        items = [scale_value(v, num, den) for v in out]
        return items if isinstance(out, list) else _retuple(out, items)
    if "sympy" in type(out).__module__:
        import sympy as sp
        return sp.Rational(num, den) * out
    if isinstance(out, numbers.Number):
        return out * num / den
    raise TypeError(f"cannot scale a return value of type {type(out).__name__}")


def _retuple(orig, items):
    return type(orig)(*items) if hasattr(orig, "_fields") else tuple(items)


# ------------------------------------------------------------------------- installing

_ACTIVE: dict[str, tuple[int, int]] = {}     # key -> (num, den) while scaling
_DEPTH: dict[str, int] = {}
_INSTALLED: dict[str, ScaleTarget] = {}
_STARTS: dict[str, int] = {}                  # key -> len(_RESTORE) when it was installed
_DONE: list = []                              # the declared targets are installed
_UNSCALABLE: dict[str, str] = {}
_RESTORE: list = []                           # (setter, original) to uninstall
_RECORDER = None                              # module whose ``_RECORD`` is the current set


def _wrap(fn, target: ScaleTarget, inst=None):
    key, part = target.key, target.part

    @functools.wraps(fn)
    def wrapper(*args, **kw):
        if inst is not None and (not args or args[0] is not inst):
            return fn(*args, **kw)
        rec = getattr(_RECORDER, "_RECORD", None)
        if rec is not None:
            rec.add(key)
        fac = _ACTIVE.get(key)
        if fac is None:
            return fn(*args, **kw)
        _DEPTH[key] = _DEPTH.get(key, 0) + 1
        try:
            out = fn(*args, **kw)
        finally:
            _DEPTH[key] -= 1
        return out if _DEPTH[key] else scale_value(out, fac[0], fac[1], part)

    for attr in ("cache_clear", "cache_info", "cache_parameters"):   # an lru_cache stays one
        if hasattr(fn, attr):
            setattr(wrapper, attr, getattr(fn, attr))
    wrapper.__scale_target__ = key
    return wrapper


def _rebind_everywhere(orig, new) -> None:
    """Replace *orig* by *new* in every loaded ``w2s_theory`` module (globals, and
    module-level dicts, lists and tuples)."""
    for name in sorted(sys.modules):
        if not (name == "w2s_theory" or name.startswith("w2s_theory.")):
            continue
        g = vars(sys.modules[name])
        for attr, v in list(g.items()):
            if v is orig:
                g[attr] = new
                _RESTORE.append((functools.partial(g.__setitem__, attr), orig))
            elif isinstance(v, dict):
                for k, x in list(v.items()):
                    if x is orig:
                        v[k] = new
                        _RESTORE.append((functools.partial(v.__setitem__, k), orig))
            elif isinstance(v, list):
                for i, x in enumerate(v):
                    if x is orig:
                        v[i] = new
                        _RESTORE.append((functools.partial(v.__setitem__, i), orig))
            elif isinstance(v, tuple) and any(x is orig for x in v):
                g[attr] = tuple(new if x is orig else x for x in v)
                _RESTORE.append((functools.partial(g.__setitem__, attr), v))
            elif isinstance(v, types.FunctionType) and v.__module__ == name:
                _rebind_defaults(v, orig, new)
            elif isinstance(v, type) and v.__module__ == name:
                for meth in list(vars(v).values()):
                    if isinstance(meth, (staticmethod, classmethod)):
                        meth = meth.__func__
                    if isinstance(meth, types.FunctionType):
                        _rebind_defaults(meth, orig, new)


def _rebind_defaults(fn, orig, new) -> None:
    """``def check(formula=expected_gradient)``: a default argument holding the target."""
    if not isinstance(fn, types.FunctionType):
        return
    d = fn.__defaults__
    if d and any(x is orig for x in d):
        fn.__defaults__ = tuple(new if x is orig else x for x in d)
        _RESTORE.append((functools.partial(setattr, fn, "__defaults__"), d))
    kd = fn.__kwdefaults__
    if kd and any(x is orig for x in kd.values()):
        fn.__kwdefaults__ = {k: (new if x is orig else x) for k, x in kd.items()}
        _RESTORE.append((functools.partial(setattr, fn, "__kwdefaults__"), kd))


def _install_one(t: ScaleTarget) -> None:
    mod = importlib.import_module(t.module)
    names = t.path.split(".")
    head = getattr(mod, names[0])
    if len(names) == 1:
        if callable(head) and not isinstance(head, (type, types.FunctionType,
                                                    types.BuiltinFunctionType)) \
                and not hasattr(head, "cache_clear") and not isinstance(head, functools.partial):
            names, head = names + ["__call__"], head           # a callable instance
        else:
            _rebind_everywhere(head, _wrap(head, t))
            return
    if len(names) != 2:
        raise ValueError(f"scale target {t.key!r}: nested paths beyond Class.method are not "
                         f"supported")
    owner, meth = head, names[1]
    cls = owner if isinstance(owner, type) else type(owner)
    inst = None if isinstance(owner, type) else owner
    raw = None
    for klass in cls.__mro__:                                  # the defining class's entry
        if meth in vars(klass):
            raw = vars(klass)[meth]
            break
    if raw is None:
        raise ValueError(f"scale target {t.key!r}: {cls.__name__} has no attribute {meth!r}")
    if isinstance(raw, staticmethod):
        new = staticmethod(_wrap(raw.__func__, t))
    elif isinstance(raw, classmethod):
        new = classmethod(_wrap(raw.__func__, t))
    elif isinstance(raw, property):
        new = property(_wrap(raw.fget, t, inst), raw.fset, raw.fdel, raw.__doc__)
    elif isinstance(raw, types.FunctionType) or callable(raw):
        new = _wrap(raw, t, inst)
    else:
        raise ValueError(f"scale target {t.key!r}: {meth!r} is not a function or property")
    had = meth in vars(cls)
    setattr(cls, meth, new)
    _RESTORE.append((functools.partial(setattr, cls, meth), raw) if had else
                    (lambda _v, cls=cls, meth=meth: delattr(cls, meth), None))


def install(recorder=None) -> dict[str, ScaleTarget]:
    """Wrap every declared target (once per process); return ``{key: target}``.

    *recorder*: the module whose ``_RECORD`` attribute (a set, or None) collects the
    keys of the targets used (:mod:`proofs_check.mutation`).
    """
    global _RECORDER
    if recorder is not None:
        _RECORDER = recorder
    if _DONE:
        return _INSTALLED
    targets, unscalable = declared()
    install_targets(targets)
    _UNSCALABLE.update(unscalable)
    _DONE.append(True)
    return _INSTALLED


def install_targets(targets, recorder=None) -> int:
    """Wrap extra targets; returns a marker for :func:`uninstall` (undo just these)."""
    global _RECORDER
    if recorder is not None:
        _RECORDER = recorder
    marker = len(_RESTORE)
    for spec in targets:
        t = spec if isinstance(spec, ScaleTarget) else ScaleTarget.parse(spec)
        if t.key not in _INSTALLED:
            _STARTS[t.key] = len(_RESTORE)
            _install_one(t)
            _INSTALLED[t.key] = t
    return marker


def uninstall(marker: int = 0) -> None:
    """Restore the wrapped functions installed after *marker* (0: all), newest first."""
    while len(_RESTORE) > marker:
        setter, orig = _RESTORE.pop()
        setter(orig)
    for k in [k for k, start in _STARTS.items() if start >= marker]:
        _INSTALLED.pop(k, None)
        _STARTS.pop(k, None)
        _ACTIVE.pop(k, None)
    if marker == 0:
        _DONE.clear()


def is_target(key) -> bool:
    return key in _INSTALLED


def unscalable() -> dict[str, str]:
    """``{claim id: reason}`` of the claims declared to have no scalable target."""
    if not _UNSCALABLE:
        _UNSCALABLE.update(declared()[1])
    return dict(_UNSCALABLE)


#: The perturbation every certified claim refutes (``proofs_check.certify.spec.Statement.perturbed``:
#: "the same statement made 2 % too strong"): the sensitivity of a certified claim.
CERTIFIED_EPS = 0.02

#: Suffix of a formula key meaning "its float64 evaluators only" (the mpmath path unchanged).
FLOAT_PATH = "#float"
#: Lazily built float evaluators of a Formula (see w2s_theory._numeric.Formula).
_FLOAT_ATTRS = ("_np", "_math")


def float_path_key(formula_key: str) -> str:
    return formula_key + FLOAT_PATH


@contextlib.contextmanager
def scaling(mutants):
    """Activate the ×factor of every mutant whose target is a function target, or a
    formula's float path (``key#float``: numpy and plain-float evaluators wrapped, the
    mpmath evaluator and the expression unchanged)."""
    mine = [m for m in mutants if m.target in _INSTALLED and m.factor is not None]
    paths = {m.target[:-len(FLOAT_PATH)]: (int(m.factor.p), int(m.factor.q))
             for m in mutants if m.factor is not None and str(m.target).endswith(FLOAT_PATH)}
    saved = []
    if paths:
        from w2s_theory import _numeric
        for f in list(_numeric.FORMULAS):
            fac = paths.get(vars(f).get("key"))
            if fac is None:
                continue
            f.numpy, f.math                       # build them now, so they can be wrapped
            d = vars(f)
            saved.append((f, {a: d.get(a) for a in _FLOAT_ATTRS}))
            for a in _FLOAT_ATTRS:
                if callable(d.get(a)):
                    d[a] = scaled_evaluator(d[a], *fac)
    for m in mine:
        _ACTIVE[m.target] = (int(m.factor.p), int(m.factor.q))
    try:
        yield
    finally:
        for m in mine:
            _ACTIVE.pop(m.target, None)
        for f, attrs in saved:
            vars(f).update(attrs)


def scaled_evaluator(fn, num, den):
    """*fn* with its return value × num/den, of the same kind (:func:`scale_value`); used for
    Formula evaluators by scale mutants and by the float-path-only sensitivity search."""
    @functools.wraps(fn)
    def wrapper(*args):
        return scale_value(fn(*args), num, den)
    return wrapper


# ------------------------------------------------------------------------- sensitivity search


def ordered_targets(keys) -> list[str]:
    """Formulas first (sorted), then function targets in declaration order."""
    order = {k: i for i, k in enumerate(_INSTALLED)}
    return sorted(keys, key=lambda k: (k in order, order.get(k, 0), k))


def search(keys, grid, fails, smallest_first=False) -> tuple[dict, dict]:
    """Smallest failing ε of *grid* per sign over *keys*; ``fails(key, eps, sign) -> bool``.

    Each (key, sign) first tries the largest ε still worth trying (a target the claim
    cannot see costs one run), then the smallest (most claims reject it: two runs),
    then bisects between them, assuming a larger ε is never harder to see.  With
    *smallest_first* (claims that are usually exact: high-precision, symbolic, search)
    the smallest ε is tried first (one run when it is rejected).  Returns
    ``({+1: eps, -1: eps} (inf if none), {"<key>+": eps, ...})``.
    """
    import math
    best = {1: math.inf, -1: math.inf}
    by_key = {}
    for key in keys:
        for sign in (1, -1):
            cand = [e for e in grid if e < best[sign]]
            if not cand:
                continue
            if smallest_first:
                if fails(key, cand[0], sign):
                    best[sign] = cand[0]
                    by_key[f"{key}{'+' if sign > 0 else '-'}"] = cand[0]
                    continue
                if len(cand) == 1:
                    continue
            if not fails(key, cand[-1], sign):
                continue
            lo, hi = -1, len(cand) - 1             # cand[hi] fails
            if hi > 0:
                if smallest_first or not fails(key, cand[0], sign):
                    lo = 0                         # (smallest_first: cand[0] passed above)
                else:
                    hi = 0
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if fails(key, cand[mid], sign):
                    hi = mid
                else:
                    lo = mid
            best[sign] = min(best[sign], cand[hi])
            by_key[f"{key}{'+' if sign > 0 else '-'}"] = cand[hi]
    return best, by_key
