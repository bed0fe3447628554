"""Part 4's exercises: each expected answer, computed by quadrature, SVD or sympy in
``mlcourse.exercises.generative``, agrees with the closed form the chapters derive (two independent
routes to one number), and the references of the coding exercises satisfy the laws the chapters state."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mlcourse import exercises, vi
from mlcourse.exercises import generative

pytestmark = pytest.mark.generative


def answer(key):
    return exercises.expected_answer(key)


def data(key):
    return exercises.exercise_data(key)


def test_value_answers_agree_with_the_chapters_closed_forms():
    d = data("gen-kl-encoder-prior")
    assert answer("gen-kl-encoder-prior") == pytest.approx(
        float(vi.gaussian_kl(d["mu0"], d["sigma0"], d["mu1"], d["sigma1"])), rel=1e-10)
    m, s = data("gen-reparam-variance")["m"], data("gen-reparam-variance")["s"]
    np.testing.assert_allclose(answer("gen-reparam-variance"),
                               [4 * s**2, m**4 / s**2 + 14 * m**2 + 15 * s**2], rtol=1e-9)
    d = data("gen-ring-mean-radius")
    sigma, alpha = d["sigma"], d["alpha"]
    radius = 1 + sigma * math.sqrt(math.pi / 2) / alpha
    assert answer("gen-ring-mean-radius") == pytest.approx(radius, rel=1e-10)
    assert answer("gen-ring-thickness") == pytest.approx(math.sqrt(2 - math.pi / 2) * sigma / alpha, rel=1e-8)
    np.testing.assert_allclose(answer("gen-quarters"), np.full((2, 2), 0.25), rtol=1e-10)
    assert answer("gen-ess-by-hand") == 1.6
    np.testing.assert_allclose(answer("gen-ae-bias-by-hand"), [2.0, 8.0], rtol=1e-12)
    assert answer("gen-bernoulli-by-hand") == pytest.approx(math.log(0.9 * 0.8 * 0.5), rel=1e-12)


def test_gap_answers_agree_with_the_conjugate_model():
    d = data("gen-elbo-gap")
    model = vi.NormalMeanModel(d["x"], d["prior_mean"], d["prior_std"], d["noise_std"])
    assert answer("gen-elbo-gap") == pytest.approx(float(model.kl_to_posterior(d["m"], d["s"])), rel=1e-8)
    d = data("gen-posterior-by-hand")
    model = vi.NormalMeanModel(d["x"], d["prior_mean"], d["prior_std"], d["noise_std"])
    np.testing.assert_allclose(answer("gen-posterior-by-hand"), model.posterior(), rtol=1e-9)
    # a shift of one posterior standard deviation costs half a nat; twice the width costs 3/2 - log 2
    assert answer("gen-gap-shifted-mean") == pytest.approx(0.5, rel=1e-8)
    assert answer("gen-gap-wide-q") == pytest.approx(1.5 - math.log(2), rel=1e-8)
    # q on one mode of a well separated two-mode mixture: KL(q ‖ p) just under log 2
    assert 0 < math.log(2) - answer("gen-bimodal-kl") < 1e-3


def test_autoencoder_answers_agree_with_eigenvalues_of_the_covariance():
    X = data("gen-linear-ae-best-loss")["X"]
    eigenvalues = np.linalg.eigvalsh(np.cov(X.T, bias=True))
    assert answer("gen-linear-ae-best-loss") == pytest.approx(eigenvalues[:2].sum(), rel=1e-12)
    X = data("gen-ae-components-needed")["X"]
    ev = np.sort(np.linalg.eigvalsh(np.cov(X.T, bias=True)))[::-1]
    left_out = 1 - np.cumsum(ev) / ev.sum()
    k = answer("gen-ae-components-needed")
    assert left_out[k - 1] <= 0.10 < left_out[k - 2]


@settings(max_examples=50, deadline=None)
@given(z=arrays(np.float64, st.tuples(st.integers(1, 6), st.integers(1, 4)),
                elements=st.floats(-10, 10).filter(lambda v: abs(v) > 1e-3)),
       alpha=st.floats(0.1, 100))
def test_ring_reference_keeps_directions_and_has_radius_one_plus_length_over_alpha(z, alpha):
    g = generative._ring_reference(z, alpha)
    length = np.linalg.norm(z, axis=1)
    np.testing.assert_allclose(np.linalg.norm(g, axis=1), length / alpha + 1, rtol=1e-12)
    np.testing.assert_allclose(g / np.linalg.norm(g, axis=1, keepdims=True), z / length[:, None], rtol=1e-10,
                               atol=1e-12)


def test_log_evidence_reference_is_the_log_of_the_mean_likelihood_and_never_underflows():
    rng = np.random.default_rng(0)
    log_lik = rng.normal(-3, 1, 40)
    assert generative._log_evidence_reference(log_lik) == pytest.approx(math.log(np.mean(np.exp(log_lik))),
                                                                       rel=1e-13)
    shifted = generative._log_evidence_reference(log_lik - 5000)
    assert shifted == pytest.approx(generative._log_evidence_reference(log_lik) - 5000, rel=1e-13)


def test_best_loss_reference_is_the_left_out_variance():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 5)) @ rng.normal(size=(5, 5))
    ev = np.sort(np.linalg.eigvalsh(np.cov(X.T, bias=True)))
    for k in range(6):
        assert generative._best_loss_reference(X, k) == pytest.approx(ev[: 5 - k].sum(), rel=1e-9, abs=1e-12)
