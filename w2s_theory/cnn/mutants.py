"""Catalogued implementation mutants of the CNN mechanism (see :mod:`proofs_check.mutants`).

Realistic bugs in the linear-CNN error formula's terms, the data generator,
the pipeline (pseudo-labels, what the student is trained on, what is
measured) and the student's gradient descent.  Each names the claims
expected to kill it in quick mode.
"""
from proofs_check.mutants import SourceMutant

MODELS = "w2s_theory/cnn/models.py"
DATA = "w2s_theory/cnn/data.py"
PIPE = "w2s_theory/cnn/pipeline.py"

#: Sensitivity targets (proofs_check.scale_targets): the exact linear-CNN error (public wrapper of
#: the LINEAR_ERROR formula, also reached through its kind="hard"/"easy"/"both" branches).
SCALE_TARGETS = ["w2s_theory.cnn.models:linear_cnn_error"]
_REGIME = ("qualitative regime statement of the source (an abstract: no closed-form magnitude for "
           "the ReLU student); its thresholds are the statement's, and its sharpness is shown by "
           "the catalogued mutants it kills")
#: Claims with no quantitative target a x(1±ε) could move (proofs_check.scale_targets).
UNSCALABLE = {
    "cnn.abundant-label-correction": _REGIME,
    "cnn.scarce-benign-harmful": _REGIME,
    "cnn.scarce-correction-decays": _REGIME,
    "cnn.transition-scaling": "fits an exponent of ||nu|| (quick: a drop of the median error), "
                              "unchanged by a rescaled error; " + _REGIME,
}

MUTANTS = [
    # ---- closed-form error of the linear CNN (terms and their arguments)
    SourceMutant(
        id="cnn.error-easy-margin-x0.95", file=MODELS,
        old="ERROR_EASY = _Phi(-_a_mu / _s)",
        new="ERROR_EASY = _Phi(-0.95 * _a_mu / _s)",
        description="easy-only error with the margin a_mu/s 5% too small",
        claims=("cnn.weak-error-formula",)),
    SourceMutant(
        id="cnn.error-both-hard-margin-x0.95", file=MODELS,
        old="sp.Rational(1, 4) * (_Phi(-(_a_mu + _a_p) / _s) + _Phi(-(_a_mu - _a_p) / _s)",
        new="sp.Rational(1, 4) * (_Phi(-(_a_mu + 0.95 * _a_p) / _s) "
            "+ _Phi(-(_a_mu - 0.95 * _a_p) / _s)",
        description="both-data error with the hard-signal weight a_+ 5% too small",
        claims=("cnn.weak-error-formula",)),
    SourceMutant(
        id="cnn.error-both-a-minus-as-a-plus", file=MODELS,
        old="+ _Phi(-(_a_mu + _a_m) / _s) + _Phi(-(_a_mu - _a_m) / _s))",
        new="+ _Phi(-(_a_mu + _a_p) / _s) + _Phi(-(_a_mu - _a_p) / _s))",
        description="both-data error uses a_+ for the y = -1 class too",
        claims=("cnn.weak-error-formula",)),
    SourceMutant(
        id="cnn.error-hard-0.45", file=MODELS,
        old="ERROR_HARD = _Phi(sp.Integer(0) / _s)",
        new="ERROR_HARD = sp.Rational(9, 20) + 0 * _s",
        description="hard-only error 0.45 instead of 1/2",
        claims=("cnn.weak-error-formula", "cnn.weak-hard-chance")),
    SourceMutant(
        id="cnn.summary-mu-for-nu", file=MODELS,
        old="out = (model.mu_norm * w[0], model.nu_norm * w[1], model.nu_norm * w[2], s)",
        new="out = (model.mu_norm * w[0], model.mu_norm * w[1], model.mu_norm * w[2], s)",
        description="a_+- scaled by ||mu|| instead of ||nu|| (equal in every regime setting)",
        claims=("cnn.weak-error-formula",)),
    SourceMutant(
        id="cnn.summary-no-sigma-p", file=MODELS,
        old="s = model.sigma_p * _norm(w[N_SIGNAL:])",
        new="s = _norm(w[N_SIGNAL:])",
        description="noise scale s without sigma_p (sigma_p = 1 in every regime setting)",
        claims=("cnn.weak-error-formula",)),
    # ---- data generator
    SourceMutant(
        id="cnn.hard-patches-not-cancelling", file=DATA,
        old="coef[hard, 1] *= -1",
        new="coef[hard, 1] *= -0.5",
        description="hard-only patches do not cancel in the patch sum (linear CNN sees the label)",
        claims=("cnn.weak-hard-chance", "cnn.pseudo-label-flips")),
    # ---- pipeline
    SourceMutant(
        id="cnn.pseudo-labels-are-observed-labels", file=PIPE,
        old="pseudo = np.where(linear_cnn_output(w, train) >= 0, 1, -1)",
        new="pseudo = train.y_obs",
        description="student trained on the noisy observed labels instead of the teacher's "
                    "pseudo-labels (same overall flip rate 0.1, wrong place)",
        claims=("cnn.pseudo-label-flips",)),
    SourceMutant(
        id="cnn.flips-against-observed-labels", file=PIPE,
        old="flipped = pseudo != train.y",
        new="flipped = pseudo != train.y_obs",
        description="flipped pseudo-labels counted against the noisy observed labels",
        claims=("cnn.pseudo-label-flips",)),
    SourceMutant(
        id="cnn.student-on-clean-labels", file=PIPE,
        old="_, hist = train_relu_cnn(train, pseudo, W0, s.steps, s.lr, record=record, "
            "callback=cb)",
        new="_, hist = train_relu_cnn(train, train.y, W0, s.steps, s.lr, record=record, "
            "callback=cb)",
        description="student trained on the clean labels instead of the teacher's pseudo-labels",
        claims=("cnn.abundant-label-correction",)),
    SourceMutant(
        id="cnn.test-error-vs-observed-labels", file=PIPE,
        old="wrong = np.where(relu_cnn_output(to_test(W), test) >= 0, 1, -1) != test.y",
        new="wrong = np.where(relu_cnn_output(to_test(W), test) >= 0, 1, -1) != test.y_obs",
        description="student's test error measured against noisy labels",
        claims=("cnn.abundant-label-correction",)),
    SourceMutant(
        id="cnn.correction-vs-pseudo-labels", file=PIPE,
        old="np.mean(pred[flipped] == train.y[flipped])",
        new="np.mean(pred[flipped] == pseudo[flipped])",
        description="label correction measured against the pseudo-labels (i.e. memorisation)",
        claims=("cnn.abundant-label-correction",)),
    SourceMutant(
        id="cnn.teacher-on-clean-labels", file=PIPE,
        old="w = train_linear_cnn(teach, teach.y_obs, s.teacher_steps, s.teacher_lr)",
        new="w = train_linear_cnn(teach, teach.y, s.teacher_steps, s.teacher_lr)",
        description="teacher trained on the clean instead of the noisy observed labels",
        claims=("cnn.*",),
        equivalent="symmetric label noise shrinks the logistic teacher's weights but not their "
                   "direction in expectation, and the pipeline uses only sign f(w, X): the "
                   "pseudo-labels (and all that follows) have the same law up to O(1/sqrt(n)) "
                   "fluctuations of the direction"),
    # ---- gradient descent
    SourceMutant(
        id="cnn.student-relu-derivative-dropped-signal", file=MODELS,
        old="Cs = (Zs > 0) * gs[:, None, :]",
        new="Cs = np.ones_like(Zs) * gs[:, None, :]",
        description="ReLU' dropped from the signal part of the student's gradient",
        claims=("cnn.abundant-label-correction",)),
    SourceMutant(
        id="cnn.student-relu-derivative-dropped-noise", file=MODELS,
        old="Cn = (P > 0) * gs",
        new="Cn = gs",
        description="ReLU' dropped from the noise part of the student's gradient",
        claims=("cnn.abundant-label-correction",)),
    SourceMutant(
        id="cnn.reference-gradient-relu-dropped", file=MODELS,
        old="coeff = (Z > 0) * (g[:, None, None] * _filter_signs(m) / m)",
        new="coeff = (g[:, None, None] * _filter_signs(m) / m) * np.ones_like(Z)",
        description="ReLU' dropped from the dense reference gradient relu_cnn_loss_grad",
        claims=("cnn.abundant-label-correction",)),
    SourceMutant(
        id="cnn.gram-engine-weights-step", file=MODELS,
        old="R -= lr * Cn",
        new="R -= 2 * lr * Cn",
        description="Gram engine: stored weights updated with twice the step of the projections",
        claims=("cnn.abundant-label-correction",)),
    SourceMutant(
        id="cnn.teacher-gradient-ascent", file=MODELS,
        old="c = -y * expit(-z) / n                  # dL/d(S w)",
        new="c = y * expit(-z) / n",
        description="teacher trained by gradient ascent (wrong sign)",
        claims=("cnn.abundant-label-correction", "cnn.abundant-overtraining")),
    SourceMutant(
        id="cnn.second-layer-signs-equal", file=MODELS,
        old="return np.concatenate([np.ones(m), -np.ones(m)])",
        new="return np.concatenate([np.ones(m), np.ones(m)])",
        description="student's second layer +1 for both classes (F_+1 + F_-1)",
        claims=("cnn.abundant-label-correction", "cnn.scarce-*")),
    SourceMutant(
        id="cnn.hard-signal-ignores-nu-norm", file=DATA,
        old="coef[idx, 1, col] = eps[idx] * self.nu_norm",
        new="coef[idx, 1, col] = eps[idx] * 2.5",
        description="hard signal of fixed strength 2.5, whatever nu_norm says",
        claims=("cnn.transition-scaling", "cnn.scarce-*")),
]
