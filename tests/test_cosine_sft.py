"""Expected SFT gradient, 0-1 loss vs Monte Carlo (with sharpness), relative correlation, simulator."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from w2s_theory.cosine import checks, cosine, cosine_gradient, paper
from w2s_theory.cosine.sft import (_logistic_grad_batch, cosine_rate, expected_gradient, kappa,
                                   relative_correlation, sample_on_cone, simulate_sft)

N = 100_000   # per case; SE ~ 1e-3 on probabilities, enough for the ×1.05 / ×1.1 perturbations to fail


# ---------------------------------------------------------------- 0-1 loss (Lemma 2.1)
@pytest.mark.parametrize("law", ["gaussian", "student-t"])
def test_arccos_formula_elliptical(law):
    ok, worst, det = checks.check_zero_one(law=law, seed=11, n=N)
    assert ok, det


@pytest.mark.parametrize("law", ["gaussian", "student-t"])
def test_arccos_check_is_sharp(law):
    ok, _, det = checks.check_zero_one(checks.perturbed_zero_one, law=law, seed=11, n=N)
    assert not ok, det


def test_arccos_formula_fails_for_non_elliptical_law():
    case = [checks.sparse_cube_case()]
    ok, _, det = checks.check_zero_one(law="uniform-cube", seed=12, n=N, cases=case)
    assert not ok, det
    # independent fact: for the uniform square the disagreement wedge has area fraction tan(30°)/4
    m, se = checks.mc_zero_one(*case[0], law="uniform-cube", n=N, seed=13)
    assert abs(m - math.tan(math.pi / 6) / 4) <= checks.z_value(1, checks.REPS) * se
    ok_g, _, _ = checks.check_zero_one(law="gaussian", seed=12, n=N, cases=case)
    assert ok_g


# ---------------------------------------------------------------- expected gradient
def test_expected_gradient_vs_monte_carlo():
    ok, worst, det = checks.check_expected_gradient(seed=21, n=N)
    assert ok, det


@pytest.mark.parametrize("bad", [checks.perturbed_gradient_coef, checks.perturbed_gradient_no_kappa])
def test_expected_gradient_check_is_sharp(bad):
    ok, _, det = checks.check_expected_gradient(bad, seed=21, n=N)
    assert not ok, det


def test_minibatch_gradient_equals_finite_difference_of_loss():
    """The simulator's vectorised gradient vs central differences of the mean logistic loss."""
    rng = np.random.default_rng(3)
    B, d, L, K, beta = 50, 4, 2, 3, 1.7
    X = rng.standard_normal((B, d))
    W = rng.standard_normal((L, K, d))
    Y = np.sign(rng.standard_normal((B, K)))
    G = _logistic_grad_batch(X, W.copy(), Y, beta)

    def loss(w, k):
        return np.mean(np.logaddexp(0, -beta * Y[:, k] * (X @ w)))

    h = 1e-6
    for l in range(L):
        for k in range(K):
            fd = [(loss(W[l, k] + h * e, k) - loss(W[l, k] - h * e, k)) / (2 * h) for e in np.eye(d)]
            assert np.allclose(G[l, k], fd, atol=1e-8)


# ---------------------------------------------------------------- cosine rate and Eq. 2
def test_cosine_rate_is_directional_derivative():
    rng = np.random.default_rng(4)
    d = 7
    S = checks.spd(rng, d, 6.0)
    w, t, ws = rng.standard_normal(d), rng.standard_normal(d), rng.standard_normal(d)
    v = -expected_gradient(w, t, S, 2.0)
    h = 1e-6
    fd = (cosine(w + h * v, ws, S) - cosine(w - h * v, ws, S)) / (2 * h)
    rate, A, B = cosine_rate(w, t, ws, S, 2.0)
    assert rate == pytest.approx(fd, rel=1e-6, abs=1e-10)
    assert rate == pytest.approx(A - B, abs=1e-15)




@settings(deadline=None, derandomize=True, max_examples=50)
@given(st.floats(0.05, 0.99), st.floats(0.05, 0.99), st.floats(-0.99, 0.99), st.floats(0.05, 50),
       st.floats(0.2, 5))
def test_isotropic_cancellation_and_decomposition(cs, ct, rho, norm, beta):
    """Σ = I: B = 0 and ċ = (β/2)√(2/π) R/‖w‖; ‖w‖²R = ‖w⊥‖²⟨t,w*⟩ − α⟨w⊥,t⊥⟩ (§1)."""
    rng = np.random.default_rng(0)
    d = 10
    ws = np.eye(d)[0]
    w = sample_on_cone(rng, ws, cs, norm, 1)[0]
    t = sample_on_cone(rng, ws, ct, 1.0, 1, ortho_to=w, rho=rho)[0]
    rate, A, B = cosine_rate(w, t, ws, None, beta)
    R = relative_correlation(w, t, ws)
    # B = (β/2)κ⟨∇c, w⟩ with |⟨∇c, w⟩| ≤ ‖∇c‖‖w‖ ≤ 1: rounding scale is ε·(β/2)κ
    assert abs(B) <= 1e-14 * beta / 2 * kappa(norm, beta)
    assert rate == pytest.approx(beta / 2 * math.sqrt(2 / math.pi) * R / np.linalg.norm(w), rel=1e-10,
                                 abs=1e-13 * beta / norm)
    alpha, wp, tp = w[0], w[1:], t[1:]
    assert norm ** 2 * R == pytest.approx(wp @ wp * t[0] - alpha * (wp @ tp), rel=1e-9, abs=1e-12)
    # the errors really have cosine rho
    assert wp @ tp / (np.linalg.norm(wp) * np.linalg.norm(tp)) == pytest.approx(rho, abs=1e-12)


def test_anisotropic_sigma_breaks_cancellation():
    rng = np.random.default_rng(5)
    d = 10
    S = checks.spd(rng, d, 10.0)
    w, t, ws = rng.standard_normal(d), rng.standard_normal(d), rng.standard_normal(d)
    _, A, B = cosine_rate(w, t, ws, S, 1.0)
    assert abs(B) > 1e-3 * abs(A)
    _, A2, B2 = cosine_rate(w, t, ws, 3.0 * np.eye(d), 1.0)
    assert abs(B2) < 1e-14 * abs(A2)


def test_cosine_rate_vs_monte_carlo_gradient():
    """ċ predicted by Eq. 2 vs ⟨∇c, −(MC gradient)⟩ over 20 seeded blocks: |mean − theory| ≤ z·SE; ×1.1 fails."""
    from w2s_theory.cosine.montecarlo import sample
    rng = np.random.default_rng(6)
    d = 10
    ws = np.eye(d)[0]
    w = sample_on_cone(rng, ws, 0.8, 2.0, 1)[0]
    t = sample_on_cone(rng, ws, 0.6, 1.0, 1)[0]
    g = cosine_gradient(w, ws)
    vals = []
    for s in np.random.SeedSequence(7).spawn(20):
        X = sample("gaussian", np.random.default_rng(s), 50_000, np.eye(d))
        y = np.sign(X @ t)
        m = 0.5 * (np.tanh((X @ w) / 2) - y)                 # dℓ/dz at β = 1
        vals.append(-np.mean(m * (X @ g)))                   # projected negative gradient
    est, se = np.mean(vals), np.std(vals, ddof=1) / math.sqrt(20)
    theory = 0.5 * math.sqrt(2 / math.pi) * relative_correlation(w, t, ws) / np.linalg.norm(w)
    z = checks.z_value(1, 20)                                # one comparison, α = 1e-3
    assert abs(est - theory) <= z * se
    assert abs(est - 1.1 * theory) > z * se


# ---------------------------------------------------------------- κ and validation
def test_kappa_stein_identity_monte_carlo():
    """E[g tanh(βag/2)] = a κ(a, β) for g ~ N(0,1) (Stein); z·SE with seeded blocks; ×1.05 fails."""
    a, beta = 1.3, 2.0
    means = []
    for s in np.random.SeedSequence(8).spawn(20):
        g = np.random.default_rng(s).standard_normal(50_000)
        means.append(np.mean(g * np.tanh(beta * a * g / 2)))
    m, se = np.mean(means), np.std(means, ddof=1) / math.sqrt(20)
    z = checks.z_value(1, 20)
    assert abs(m - a * kappa(a, beta)) <= z * se
    assert abs(m - 1.05 * a * kappa(a, beta)) > z * se


def test_sft_validation():
    ws = np.eye(3)[0]
    T = np.eye(3)[:2]
    w0 = np.array([1.0, 1.0, 0])
    with pytest.raises(ValueError, match="lrs"):
        simulate_sft(w0, T, ws, [-1.0], 2, 10)
    with pytest.raises(ValueError, match="steps"):
        simulate_sft(w0, T, ws, [0.1], 0, 10)
    with pytest.raises(ValueError, match="batch"):
        simulate_sft(w0, T, ws, [0.1], 1, 2.5)
    with pytest.raises(ValueError, match="teachers"):
        simulate_sft(w0, np.ones((2, 4)), ws, [0.1], 1, 10)
    with pytest.raises(ValueError, match="w0 must be nonzero"):
        simulate_sft(np.zeros(3), T, ws, [0.1], 1, 10)
    with pytest.raises(ValueError, match="beta"):
        expected_gradient(w0, T[0], None, 0.0)
    with pytest.raises(ValueError, match="t must be nonzero"):
        expected_gradient(w0, np.zeros(3))
    with pytest.raises(ValueError, match="Sigma"):
        cosine_rate(w0, T[0], ws, np.diag([1.0, 0.0, 1.0]))


# ---------------------------------------------------------------- simulator and the paper's setup
def test_setups_have_requested_accuracies():
    w0, T, ws = paper.random_setup(d=40, student_norm=2.5, n_teachers=5, seed=1)
    assert paper.accuracy(w0, ws) == pytest.approx(0.8, abs=1e-12)
    assert np.allclose(paper.accuracy(T, ws), 0.7, atol=1e-12)
    assert np.linalg.norm(w0) == pytest.approx(2.5)
    assert np.allclose(np.linalg.norm(T, axis=1), 1.0)


def test_population_first_step_sign_is_sign_of_R():
    rho = np.linspace(-0.3, 1.0, 14)
    w0, T, ws = paper.random_setup(d=20, student_norm=1.0, n_teachers=len(rho), seed=2, rho=rho)
    cos = simulate_sft(w0, T, ws, [1e-3], 1, 1, population=True)
    R = relative_correlation(np.broadcast_to(w0, T.shape), T, ws)
    assert np.all(np.sign(cos[0, :, 1] - cos[0, :, 0]) == np.sign(R))
    assert (R > 0).any() and (R < 0).any()


def test_sgd_tracks_population_dynamics():
    """Large batches: SGD cosines follow population GD within a few batch-noise units."""
    w0, T, ws = paper.random_setup(d=20, student_norm=1.0, n_teachers=4, seed=3)
    pop = simulate_sft(w0, T, ws, [0.1], 20, 1, population=True)
    sgd = simulate_sft(w0, T, ws, [0.1], 20, 20_000, seed=4)
    # per-step noise in c ~ η‖∇c‖/√B ~ 1e-4; 20 steps accumulate ≲ 2e-3
    assert np.max(np.abs(pop - sgd)) < 3e-3
    assert np.max(np.abs(pop[..., -1] - pop[..., 0])) > 1e-2      # …while the dynamics move c much more
    again = simulate_sft(w0, T, ws, [0.1], 20, 20_000, seed=4)
    assert np.array_equal(sgd, again)                              # seeded: reproducible


def test_reduced_paper_experiment_random_teachers_all_improve():
    w0, T, ws = paper.random_setup(d=30, student_norm=1.0, n_teachers=8, seed=5)
    out = paper.run(w0, T, ws, steps=15, batch=2000, seed=6)
    assert np.all(out["R"] > 0)
    assert np.all(out["gain"] > 0)
    tab = out["confusion"]
    assert sum(tab.values()) == 8 and tab["pred+obs+"] == 8


def test_figures_and_experiments_registered():
    import w2s_theory.cosine.experiments  # noqa: F401  (registration happens on import)
    import w2s_theory.cosine.figures  # noqa: F401
    from w2s_theory._registry import EXPERIMENTS as exps
    from w2s_theory._registry import FIGURES as figs
    assert {"cosine-fig1", "cosine-fig2", "cosine-fig3", "cosine-confusion", "cosine-bounds"} <= set(figs)
    assert {"cosine-random-teachers", "cosine-correlated-teachers", "cosine-shared-pretraining",
            "cosine-anisotropic"} <= set(exps)


def test_anisotropic_first_step_follows_exact_rate_not_R():
    """Σ ≠ I: population first-step sign = sign(ċ) (A − B) for all teachers, while sign(R) errs for some."""
    d = 20
    rng = np.random.default_rng(51)
    Q, _ = np.linalg.qr(rng.standard_normal((d, d)))
    S = (Q * np.geomspace(1.0, 10.0, d)) @ Q.T
    S = (S + S.T) / 2
    rho = np.linspace(-0.3, 1.0, 120)
    w0, T, ws = paper.random_setup(d=d, student_norm=1.0, n_teachers=len(rho), seed=52, rho=rho, Sigma=S)
    assert np.allclose(paper.accuracy(T, ws, S), 0.7, atol=1e-12)      # accuracies hold in the Σ-geometry
    out = paper.run(w0, T, ws, lrs=[1e-4], steps=1, population=True, Sigma=S)
    first = np.sign(out["curves"][0, :, 1] - out["curves"][0, :, 0])
    assert np.all(first == np.sign(out["rate"]))
    assert np.sum(first != np.sign(out["R"])) > 0


def test_minibatch_gradient_same_point_shortcut():
    """The first-step shortcut (one margin column when every run sits at the same w) = the general path."""
    rng = np.random.default_rng(4)
    X = rng.standard_normal((40, 5))
    W = np.broadcast_to(rng.standard_normal(5), (3, 4, 5)).copy()
    Y = np.sign(rng.standard_normal((40, 4)))
    assert np.allclose(_logistic_grad_batch(X, W, Y, 1.3, same_w=True), _logistic_grad_batch(X, W.copy(), Y, 1.3),
                       rtol=1e-13, atol=1e-15)
