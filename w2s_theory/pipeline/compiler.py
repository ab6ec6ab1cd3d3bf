"""Compile quadratic functionals of pipeline vectors into exact proportional limits.

Every pipeline vector is ``M_β β + Σ_A N_A g_A`` with ``g_A = X_Aᵀ ε_A / n_A`` and
``M_β``, ``N_A`` sums of *words*, products of functions of the designs' sample
covariances (a fit on ``A`` multiplies by ``Σ_A (Σ_A + λ)^-1``; its truth-label
noise enters as ``(Σ_A + λ)^-1 g_A``).  With ``E ββᵀ = (r²/d) I`` and
``E g_A g_Aᵀ = σ² Σ_A / n_A``,

    E⟨u, v⟩ = r² τ(U_βᵀ V_β) + Σ_A σ² φ_A τ(U_Aᵀ V_A Σ_A),     τ = tr/d,

and :class:`.free.TraceEngine` reduces each τ of a word to one-design MP
functionals (:mod:`.functionals`).  See ``docs/theory/pipeline.rst``.
"""
from __future__ import annotations

import dataclasses
import itertools

import numpy as np

import sympy as sp

from .._numeric import Formula, Param
from ..ridge import symbolic as ridge_sym
from . import functionals as F
from .free import Mono, TraceEngine
from .language import TRUTH, Fit, Vector

sigma2, r2 = ridge_sym.sigma2, ridge_sym.r2
BETA = "beta"


def _fit_letter(fit: Fit):
    return (fit.design.uid, Mono(1, ((str(fit.lam), fit.lam, 1),)))


def _noise_letter(fit: Fit):
    return (fit.design.uid, Mono(0, ((str(fit.lam), fit.lam, 1),)))


def _add(acc, src, word, c):
    d = acc.setdefault(src, {})
    d[word] = d.get(word, 0) + c
    if d[word] == 0:
        del d[word]


def value(vec: Vector, memo=None):
    """``{source: {word: coefficient}}`` with source ``"beta"`` or a design uid (its noise).

    The vector written as ``M_β β + Σ_A N_A g_A`` (module docstring): each word is a
    tuple of ``(design uid, Mono)`` letters, a product of functions of sample covariances.

    Parameters
    ----------
    vec : Vector
    memo : dict, optional
        Cache shared across calls (fit id -> its value).

    Returns
    -------
    dict
        Source -> {word: SymPy coefficient}.

    Examples
    --------
    >>> from w2s_theory.pipeline import Design, Truth, ridge
    >>> value(Truth())
    {'beta': {(): 1}}
    >>> T = ridge(Truth(), Design("phi"), "lam_T")
    >>> v = value(T)
    >>> [len(w) for w in v["beta"]], len(v)   # one letter Σ(Σ+λ)^-1 on β, plus a noise source
    ([1], 2)
    """
    memo = {} if memo is None else memo
    out = {}
    for node, c in vec.terms.items():
        if node is TRUTH:
            _add(out, BETA, (), c)
            continue
        for src, words in _fit_value(node, memo).items():
            for w, cw in words.items():
                _add(out, src, w, c * cw)
    return out


def _fit_value(fit: Fit, memo):
    if id(fit) in memo:
        return memo[id(fit)][1]
    lab = value(fit.labels, memo)
    letter = _fit_letter(fit)
    out = {}
    for src, words in lab.items():
        for w, c in words.items():
            _add(out, src, (letter,) + w, c)
    c_truth = fit.labels.terms.get(TRUTH, 0)
    if c_truth != 0:
        _add(out, fit.design.uid, (_noise_letter(fit),), c_truth)
    memo[id(fit)] = (fit, out)
    return out


def _designs(vecs):
    ds = {}
    for v in vecs:
        for f in v.fits():
            ds[f.design.uid] = f.design
    return ds


def bilinear(u: Vector, v: Vector, engine: TraceEngine, designs):
    """Limit of E⟨u, v⟩ as a polynomial in the engine's atoms (and σ², r², coefficients).

    E⟨u, v⟩ = r² τ(U_βᵀ V_β) + Σ_A σ² φ_A τ(U_Aᵀ V_A Σ_A) (module docstring;
    ``docs/theory/pipeline.rst``), each τ reduced by the engine.

    Parameters
    ----------
    u, v : Vector
    engine : TraceEngine
        Collects the one-design atoms.
    designs : dict
        Design uid -> :class:`~w2s_theory.pipeline.language.Design`, for the ratios.

    Returns
    -------
    sympy.Expr

    Examples
    --------
    >>> from w2s_theory.pipeline import Truth
    >>> bilinear(Truth(), Truth(), TraceEngine(), {})
    r2
    """
    U, V = value(u), value(v)
    total = sp.Integer(0)
    for src in set(U) & set(V):
        if src == BETA:
            weight, tail = r2, ()
        else:
            weight, tail = sigma2 * designs[src].ratio, ((src, Mono(1, ())),)
        for w1, c1 in U[src].items():
            for w2, c2 in V[src].items():
                total += weight * c1 * c2 * engine.trace(tuple(reversed(w1)) + w2 + tail)
    return total


def _numpy_printer():
    from sympy.printing.numpy import NumPyPrinter

    class _Printer(NumPyPrinter):
        """Small integer powers as products: numpy's float ``**`` costs ~20× a multiply."""

        def _print_Pow(self, expr, rational=False):
            e = expr.exp
            if e.is_Integer and 1 <= abs(int(e)) <= 6:
                b = f"({self._print(expr.base)})"
                prod = "*".join([b] * abs(int(e)))
                return f"({prod})" if e > 0 else f"(1/({prod}))"
            return super()._print_Pow(expr, rational=rational)

    return _Printer({"fully_qualified_modules": False, "inline": True,
                     "allow_unknown_functions": True, "user_functions": {}})


class _StagedFormula(Formula):
    """A :class:`Formula` whose evaluators first compute the MP placeholders m, s.

    ``expr`` is the full stable expression (the source of truth); the generated
    code evaluates each stable ``m_γ(−λ)``, ``s_γ(λ)`` once and feeds them to the
    placeholder form, which keeps the code small (the atoms share m and s).  When
    ``expr`` is replaced (the mutation analysis plants a changed expression), the
    evaluators are generated from the new ``expr`` itself, as for any Formula: the
    staged form describes only the original.
    """

    def __init__(self, expr, params, symbols, name, staged, stages):
        super().__init__(expr, params, symbols, name)
        self._staged, self._stages = staged, list(stages.items())
        self._source = expr

    def _build(self, module):
        syms = list(self.symbols)
        ph = [p for p, _ in self._stages]
        fs = [sp.lambdify(syms, e, modules=module) for _, e in self._stages]
        # Two-shift atoms are Piecewise in λ1 ≥ λ2 (the cancellation-free form differs); numpy
        # would evaluate both branches everywhere, so evaluate each branch only where it holds.
        conds = sorted({c for pw in self._staged.atoms(sp.Piecewise) for _, c in pw.args
                        if isinstance(c, sp.GreaterThan) and c.lhs.is_Symbol and c.rhs.is_Symbol},
                       key=str)
        cond_fs = [sp.lambdify(syms, c, modules=module) for c in conds]
        variants = {}
        for truth in itertools.product((True, False), repeat=len(conds)):
            e = self._staged.xreplace(dict(zip(conds, map(sp.sympify, truth))))
            variants[truth] = sp.lambdify(syms + ph, e, modules=module, cse=True,
                                          printer=_numpy_printer() if module == "numpy" else None)

        def f(*args):
            extra = [g(*args) for g in fs]
            if not conds:
                return variants[()](*args, *extra)
            if module == "mpmath":
                return variants[tuple(bool(c(*args)) for c in cond_fs)](*args, *extra)
            full = np.broadcast_arrays(*args, *extra)
            shape = full[0].shape
            masks = [np.ravel(np.broadcast_to(c(*args), shape)) for c in cond_fs]
            sels = []
            for truth in variants:
                sel = np.ones(masks[0].shape, bool)
                for m, t in zip(masks, truth):
                    sel &= m if t else ~m
                sels.append(sel)
            for sel, g in zip(sels, variants.values()):
                if sel.all():
                    return np.asarray(g(*full), dtype=float).reshape(shape)
            flat = [np.ravel(a) for a in full]
            out = np.empty(flat[0].shape)
            for sel, g in zip(sels, variants.values()):
                if sel.any():
                    idx = np.flatnonzero(sel)
                    out[idx] = g(*(a.take(idx) for a in flat))
            return out.reshape(shape)
        return f

    @property
    def numpy(self):
        if self._np is None:
            if self.expr is not self._source:
                return Formula.numpy.fget(self)
            self._np = self._build("numpy")
        return self._np

    @property
    def mpmath(self):
        if self._mp is None:
            if self.expr is not self._source:
                return Formula.mpmath.fget(self)
            self._mp = self._build("mpmath")
        return self._mp

    @property
    def math(self):
        # No plain-float shortcut: the staged numpy evaluator is the float path, so scalars
        # and arrays stay bit-identical.
        return None


_ORDER = {"phi": 0, "psi": 1, "lam_T": 2, "lam_S": 3}


def _sort_syms(syms):
    return sorted(syms, key=lambda s: (_ORDER.get(s.name, 99), s.name))


@dataclasses.dataclass
class SimResult:
    """Simulated mean of a pipeline functional over seeded trials, with its standard error.

    Returned by :meth:`Limit.simulate`.

    Parameters
    ----------
    mean : float
    se : float
        Sample standard deviation / √trials.
    d : int
        Dimension.
    trials : int
    values : ndarray, optional
        The per-trial values.

    Examples
    --------
    >>> SimResult(1.0, 0.01234, 100, 4)
    SimResult(mean=1, se=0.012, d=100, trials=4)
    """

    mean: float
    se: float
    d: int
    trials: int
    values: object = None

    def __repr__(self):
        return f"SimResult(mean={self.mean:.6g}, se={self.se:.2g}, d={self.d}, trials={self.trials})"


class Limit:
    """The exact proportional limit of a pipeline functional.

    The textbook form is the property :attr:`expr`.  Usually made by
    :func:`test_error`, :func:`sq_distance`, :func:`inner` or by +, −, scalar × of
    limits; it is ``const + Σ c·E⟨u, v⟩`` over its pairs.

    Parameters
    ----------
    kind : str
        Name used in messages (``"test_error"``, ``"inner"``, ...).
    const : sympy.Expr
        Constant term (e.g. σ² for a test error).
    pairs : list of (sympy.Expr, Vector, Vector)
        Coefficients and vector pairs of the bilinear terms.
    label : str, optional
        For printing.

    Attributes
    ----------
    stable : sympy.Expr
        The same number in cancellation-avoiding form; the evaluators are generated from it.
    moments : sympy.Expr
        The free-probability reduction before MP substitution, in atoms ``τ_A[mono]``.
    symbols : tuple of sympy.Symbol
        Call order of :meth:`__call__`; :meth:`evaluate` takes them by name.

    Examples
    --------
    >>> import sympy as sp
    >>> from w2s_theory.pipeline import Truth
    >>> L = Limit("inner", sp.Integer(0), [(sp.Integer(1), Truth(), Truth())], label="|beta|^2")
    >>> L, L.expr
    (Limit(|beta|^2; symbols=['sigma2', 'r2']), r2)
    """

    def __init__(self, kind, const, pairs, label=""):
        self.kind, self.const, self.pairs, self.label = kind, const, pairs, label
        vecs = [x for p in pairs for x in p[1:]]
        self.designs = _designs(vecs)
        engine = TraceEngine()
        moments = const + sum((c * bilinear(u, v, engine, self.designs) for c, u, v in pairs),
                              sp.Integer(0))
        self.moments = moments
        gam = {uid: d.ratio for uid, d in self.designs.items()}
        stable = F.SHARED
        st = {s: stable.tau(gam[key], mono.a, mono.lams)
              for s, (key, mono) in engine.atoms.items()}
        self._atoms = {s: (gam[key], mono) for s, (key, mono) in engine.atoms.items()}
        self._expr = None
        staged = moments.xreplace(st)
        stages = stable.ph.substitution(used=staged.free_symbols)
        self.stable = staged.xreplace(stages)
        self._staged, self._stages, self._formula = staged, stages, None
        lams = {f.lam for v in vecs for f in v.fits() if isinstance(f.lam, sp.Symbol)}
        coefs = set()
        for v in vecs:
            for f in v.fits():
                for c in f.labels.terms.values():
                    coefs |= c.free_symbols
            for c in v.terms.values():
                coefs |= c.free_symbols
        for c, _, _ in pairs:
            coefs |= sp.sympify(c).free_symbols
        ratios = {d.ratio for d in self.designs.values()}
        coefs -= ratios | lams | {sigma2, r2}
        self.symbols = tuple(_sort_syms(ratios) + _sort_syms(lams) + _sort_syms(coefs)
                             + [sigma2, r2])
        params = []
        for s in self.symbols:
            if s is sigma2:
                params.append(Param("sigma2", low_closed=True))
            elif s in coefs:
                params.append(Param(s.name, float("-inf"), float("inf")))
            else:
                params.append(Param(s.name))
        self.params = tuple(params)

    @property
    def formula(self):
        """The evaluators (:class:`w2s_theory._numeric.Formula`), built on first use.

        Registered under this pipeline's label (``pipeline.compiler:test_error(S2)``), not
        under the functional's kind: every compiled pipeline is its own formula, and a
        mutation of one (``w2s-check --mutants``) must reach the claims that evaluate that
        pipeline, not be mixed with every other ``test_error``.  Limits that are only
        manipulated symbolically (e.g. compared with the textbook theorem) never build one.
        """
        if self._formula is None:
            self._formula = _StagedFormula(self.stable, self.params, self.symbols,
                                           self.label or self.kind, self._staged, self._stages)
        return self._formula

    @property
    def expr(self):
        """Textbook SymPy form (MP root ``m`` and its λ-derivatives), built on first access.

        Returns
        -------
        sympy.Expr

        Examples
        --------
        >>> import sympy as sp
        >>> from w2s_theory.pipeline import Design, Truth, ridge, test_error
        >>> from w2s_theory.ridge.symbolic import lam_T, phi, r2, sigma2
        >>> E = test_error(ridge(Truth(), Design("phi"), "lam_T"))
        >>> exact = E.expr.subs({phi: sp.Rational(1, 2), lam_T: sp.Rational(1, 10), sigma2: 1, r2: 1})
        >>> abs(float(exact) - E.evaluate(phi=0.5, lam_T=0.1, sigma2=1.0, r2=1.0)) < 1e-14
        True
        """
        if self._expr is None:
            self._expr = self.moments.xreplace(
                {s: F.textbook(g, mono.a, mono.lams) for s, (g, mono) in self._atoms.items()})
        return self._expr

    # -- evaluation -----------------------------------------------------------------------
    def _args(self, kw):
        names = [s.name for s in self.symbols]
        missing = [n for n in names if n not in kw]
        extra = [k for k in kw if k not in names]
        if missing or extra:
            raise ValueError(f"{self.kind}: parameters must be exactly {names}; "
                             + (f"missing {missing}" if missing else "")
                             + ("; " if missing and extra else "")
                             + (f"unexpected {extra}" if extra else ""))
        return [kw[n] for n in names]

    def evaluate(self, **params):
        """Evaluate the limit (floats/arrays → numpy float64; any ``mpf`` → mpmath).

        Parameters
        ----------
        **params : float, array or mpmath.mpf
            One value per symbol of :attr:`symbols`, by name (arrays broadcast).
            Ratios and penalties must be in (0, ∞), ``sigma2`` in [0, ∞), ``r2`` in
            (0, ∞), label coefficients finite; otherwise ValueError naming the parameter.

        Returns
        -------
        float, ndarray or mpmath.mpf

        Examples
        --------
        >>> from w2s_theory.pipeline import Design, Truth, ridge, sq_distance
        >>> T = ridge(Truth(), Design("phi"), "lam_T")
        >>> S = ridge(T, Design("psi"), "lam_S")
        >>> L = sq_distance(S, T)
        >>> L.evaluate(phi=0.5, psi=2.0, lam_T=0.1, lam_S=0.5, sigma2=1.0, r2=1.0) > 0
        True
        """
        return self.formula(*self._args(params))

    def __call__(self, *args):
        return self.formula(*args)

    def simulate(self, d=800, trials=8, seed=0, **params):
        """Simulate the same pipeline at dimension ``d`` (β and noise integrated out exactly).

        Parameters
        ----------
        d : int ≥ 2
            Dimension; each design has round(d/ratio) samples.
        trials : int ≥ 2
            Seeded repetitions; trial ``i`` uses ``SeedSequence(seed).spawn(trials)[i]``.
        seed : int, sequence of ints or SeedSequence
        **params : float
            Scalar values of every symbol, by name.

        Returns
        -------
        w2s_theory.pipeline.compiler.SimResult
            ``mean``, ``se`` (sample sd/√trials), ``d``, ``trials`` and the per-trial values.

        Examples
        --------
        >>> from w2s_theory.pipeline import Design, Truth, ridge, test_error
        >>> E = test_error(ridge(Truth(), Design("phi"), "lam_T"))
        >>> p = dict(phi=0.5, lam_T=0.1, sigma2=1.0, r2=1.0)
        >>> r = E.simulate(d=200, trials=3, seed=0, **p)
        >>> from w2s_theory._stats import agreement
        >>> agreement(r.mean, r.se, E.evaluate(**p), r.d, C=1.0, reps=r.trials).passed
        True
        """
        from .simulate import simulate_limits
        self._args(params)
        return simulate_limits([self], d=d, trials=trials, seed=seed, **params)[0]

    def __repr__(self):
        return f"Limit({self.label or self.kind}; symbols={[s.name for s in self.symbols]})"

    def as_claim(self, id, params, *, title=None, source="derived with w2s_theory.pipeline",
                 d=800, trials=4, C=None, z=4.0, register=True, mutate=1.0):
        """Turn this limit into a proofs_check claim: theory vs simulation of the same pipeline.

        The claim passes when ``|mean − limit|`` ≤ z·t·SE + C/d (:func:`w2s_theory._stats.agreement`,
        t the Student-t widening for ``trials``) at ``params``; quick mode uses ``(d, trials)``,
        full mode ``(max(d, 1200), 2·trials)``.

        Parameters
        ----------
        id : str
            Claim id, ``mechanism.short-name``.
        params : dict
            One scalar value per symbol.
        title, source : str
        d, trials : int
        C : float, optional
            Finite-size allowance; default (σ² + r²)/2 as for the ridge claims.  Measure
            ``|mean − limit|·d`` for your pipeline and check sharpness (``mutate``).
        z : float
        register : bool
            Add the claim to the registry (``w2s-check`` runs it if its module is imported
            by a ``claims`` module).
        mutate : float
            Multiply the limit (for sharpness tests: 1.02 must fail).

        Returns
        -------
        callable
            The claim function ``f(ctx) -> Outcome``.

        Examples
        --------
        >>> from proofs_check import Context
        >>> from w2s_theory.pipeline import Design, Truth, ridge, test_error
        >>> E = test_error(ridge(ridge(Truth(), Design("phi"), "lam_T"), Design("psi"), "lam_S"))
        >>> p = dict(phi=0.5, psi=2.0, lam_T=0.1, lam_S=0.5, sigma2=1.0, r2=1.0)
        >>> E.as_claim("demo.student", p, d=400, register=False)(Context(quick=True)).passed
        True
        >>> E.as_claim("demo.student", p, d=400, register=False,
        ...            mutate=1.02)(Context(quick=True)).passed
        False

        (A teacher alone at d = 300 with 4 trials would *not* reject ×1.02: its standard
        error is larger.  Always check.)
        """
        from proofs_check import Outcome, claim

        from .._stats import agreement
        vals = dict(zip([s.name for s in self.symbols], self._args(params)))
        C = 0.5 * (float(vals["sigma2"]) + float(vals["r2"])) if C is None else float(C)

        def check(ctx):
            dd, tr = (d, trials) if ctx.quick else (max(d, 1200), 2 * trials)
            r = self.simulate(d=dd, trials=tr, seed=[ctx.seed], **vals)
            a = agreement(r.mean, r.se, mutate * self.evaluate(**vals), r.d, z=z, C=C,
                          reps=r.trials)
            return Outcome(1, a.worst_abs, a.passed, a.detail(f"{self.label}: "))

        if register:
            claim(id=id, title=title or f"{self.label} converges to its compiled limit",
                  source=source, method="simulation", domain=str(vals))(check)
        return check

    # -- arithmetic: limits of linear combinations of quadratic functionals -------------
    def __add__(self, other):
        if not isinstance(other, Limit):
            return NotImplemented
        return Limit("combination", self.const + other.const, self.pairs + other.pairs,
                     label=f"({self.label}) + ({other.label})")

    def __neg__(self):
        return Limit("combination", -self.const, [(-c, u, v) for c, u, v in self.pairs],
                     label=f"-({self.label})")

    def __sub__(self, other):
        if not isinstance(other, Limit):
            return NotImplemented
        return self + (-other)

    def __mul__(self, c):
        from .language import _coef
        c = _coef(c)
        return Limit("combination", c * self.const, [(c * k, u, v) for k, u, v in self.pairs],
                     label=f"{c}*({self.label})")

    __rmul__ = __mul__

    def in_m(self):
        """The limit with every one-design trace written through m_γ(−λ) and its
        λ-derivatives as plain symbols ``m[γ,λ]``, ``m1[γ,λ]`` = dm/dλ, … (rational in them).

        Identities that follow from the definitions of the functionals alone (no MP
        quadratic needed) are then proved by ``sympy.cancel`` in a fraction of a second.

        Returns
        -------
        sympy.Expr

        Examples
        --------
        >>> from w2s_theory.pipeline import Design, Truth, ridge, inner
        >>> inner(ridge(Truth(), Design("phi"), "lam_T"), Truth()).in_m()
        r2*(-lam_T*m[phi,lam_T] + 1)
        """
        return self.moments.xreplace(
            {s: F.in_m(g, mono.a, mono.lams) for s, (g, mono) in self._atoms.items()})


def _vec(x, what):
    if not isinstance(x, Vector):
        raise ValueError(f"{what} must be a pipeline Vector (Truth(), ridge(...) or a linear "
                         f"combination); got {x!r}")
    return x


def test_error(b):
    """Limit of the test error E(y − xᵀb)² = σ² + ‖b − β‖² of estimator ``b``.

    Parameters
    ----------
    b : Vector

    Returns
    -------
    Limit

    Examples
    --------
    >>> from w2s_theory.pipeline import Design, Truth, ridge, test_error
    >>> from w2s_theory import ridge as paper
    >>> E = test_error(ridge(Truth(), Design("phi"), "lam_T"))
    >>> abs(E.evaluate(phi=0.5, lam_T=0.1, sigma2=1.0, r2=1.0)
    ...     - paper.teacher_error(0.5, 0.1, 1.0, 1.0)) < 1e-14
    True
    """
    from .language import Truth
    b = _vec(b, "b")
    diff = b - Truth()
    return Limit("test_error", sigma2, [(sp.Integer(1), diff, diff)], label=f"test_error({b!r})")


test_error.__test__ = False   # a library function, not a pytest test


def sq_distance(u, v):
    """Limit of ‖u − v‖² (e.g. the misfit ‖β_S − β_T‖²).

    Parameters
    ----------
    u, v : Vector

    Returns
    -------
    Limit

    Raises
    ------
    ValueError
        If u or v is not a pipeline Vector.

    Examples
    --------
    >>> from w2s_theory.pipeline import Design, Truth, ridge, sq_distance
    >>> T = ridge(Truth(), Design("phi"), "lam_T")
    >>> sq_distance(T, T).expr
    0
    """
    w = _vec(u, "u") - _vec(v, "v")
    return Limit("sq_distance", sp.Integer(0), [(sp.Integer(1), w, w)],
                 label=f"sq_distance({u!r}, {v!r})")


def inner(u, v):
    """Limit of the inner product ⟨u, v⟩.

    Parameters
    ----------
    u, v : Vector

    Returns
    -------
    Limit

    Raises
    ------
    ValueError
        If u or v is not a pipeline Vector.

    Examples
    --------
    E⟨β_T, β⟩ = r² τ(x/(x+λ)) = r²(1 − λ m_φ(−λ)) for a ridge teacher:

    >>> from w2s_theory.pipeline import Design, Truth, ridge, inner
    >>> inner(Truth(), Truth()).expr
    r2
    >>> T = ridge(Truth(), Design("phi"), "lam_T")
    >>> round(float(inner(T, Truth()).evaluate(phi=0.5, lam_T=0.1, sigma2=1.0, r2=1.0)), 6)
    0.851669
    """
    return Limit("inner", sp.Integer(0), [(sp.Integer(1), _vec(u, "u"), _vec(v, "v"))],
                 label=f"inner({u!r}, {v!r})")
