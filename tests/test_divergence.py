"""mlcourse.divergence against torch.distributions, scipy quadrature and scipy optimisation."""

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import minimize
from scipy.stats import norm

from mlcourse.divergence import (
    GaussianMixture1D,
    fit_forward_kl,
    fit_reverse_kl,
    forward_kl,
    gaussian_kl,
    reverse_kl,
)

pytestmark = pytest.mark.statistics

P = GaussianMixture1D([0.35, 0.65], [-4.0, 3.0], [1.0, 1.0])   # the chapter's mixture


@pytest.mark.parametrize("params", [(0.0, 1.0, 0.0, 1.0), (1.0, 0.5, -2.0, 3.0), (-3.0, 2.0, 4.0, 0.1)])
def test_gaussian_kl_matches_torch(params):
    import torch
    from torch.distributions import Normal, kl_divergence

    mu0, s0, mu1, s1 = params
    ref = kl_divergence(Normal(torch.tensor(mu0, dtype=torch.float64), torch.tensor(s0, dtype=torch.float64)),
                        Normal(torch.tensor(mu1, dtype=torch.float64), torch.tensor(s1, dtype=torch.float64)))
    np.testing.assert_allclose(gaussian_kl(*params), ref.item(), rtol=1e-13, atol=1e-15)


def test_mixture_pdf_and_moments_match_scipy():
    x = np.linspace(-10, 10, 41)
    ref = 0.35 * norm.pdf(x, -4, 1) + 0.65 * norm.pdf(x, 3, 1)
    np.testing.assert_allclose(P.pdf(x), ref, rtol=1e-13)
    np.testing.assert_allclose(P.mean(), quad(lambda t: t * P.pdf(t), -30, 30)[0], rtol=1e-10)
    variance = quad(lambda t: (t - P.mean()) ** 2 * P.pdf(t), -30, 30)[0]
    np.testing.assert_allclose(P.variance(), variance, rtol=1e-10)
    h = 1e-6
    central = (P.logpdf(x + h) - P.logpdf(x - h)) / (2 * h)
    np.testing.assert_allclose(P.score(x), central, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("mu, sigma", [(0.0, 1.0), (0.55, 3.5), (3.0, 1.0), (-4.0, 0.5)])
def test_kl_values_match_adaptive_quadrature(mu, sigma):
    def q(t):
        return norm.pdf(t, mu, sigma)

    fwd = quad(lambda t: P.pdf(t) * (P.logpdf(t) - norm.logpdf(t, mu, sigma)), -40, 40, limit=200)[0]
    rev = quad(lambda t: q(t) * (norm.logpdf(t, mu, sigma) - P.logpdf(t)), -40, 40, limit=200)[0]
    np.testing.assert_allclose(forward_kl(P, mu, sigma), fwd, rtol=1e-9)
    np.testing.assert_allclose(reverse_kl(P, mu, sigma), rev, rtol=1e-9)


def test_kl_of_a_gaussian_to_itself_is_zero_and_reduces_to_closed_form():
    single = GaussianMixture1D([1.0], [1.0], [2.0])
    assert abs(forward_kl(single, 1.0, 2.0)) < 1e-13
    np.testing.assert_allclose(forward_kl(single, -1.0, 0.5), gaussian_kl(1.0, 2.0, -1.0, 0.5), rtol=1e-12)
    np.testing.assert_allclose(reverse_kl(single, -1.0, 0.5), gaussian_kl(-1.0, 0.5, 1.0, 2.0), rtol=1e-12)


def test_forward_fit_is_moment_matching_and_optimal():
    fit = fit_forward_kl(P)
    np.testing.assert_allclose([fit.mu, fit.sigma ** 2], [P.mean(), P.variance()], rtol=1e-14)
    numeric = minimize(lambda th: forward_kl(P, th[0], np.exp(th[1])), [0.0, 0.0], method="Nelder-Mead",
                       options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 4000})
    np.testing.assert_allclose([numeric.x[0], np.exp(numeric.x[1])], [fit.mu, fit.sigma], atol=1e-6)
    assert fit.kl <= numeric.fun + 1e-12


@pytest.mark.parametrize("start, mode", [(-5.0, 0), (-2.0, 0), (1.0, 1), (4.0, 1)])
def test_reverse_fit_seeks_the_mode_near_its_start(start, mode):
    fit = fit_reverse_kl(P, start, 1.0)
    assert fit.converged
    assert abs(fit.mu - P.means[mode]) < 0.05 and abs(fit.sigma - P.stds[mode]) < 0.05
    # a local minimum: no better point nearby
    for dmu, dls in [(1e-3, 0), (-1e-3, 0), (0, 1e-3), (0, -1e-3)]:
        assert reverse_kl(P, fit.mu + dmu, fit.sigma * np.exp(dls)) >= fit.kl - 1e-12


def test_asymmetry():
    fwd, rev = fit_forward_kl(P), fit_reverse_kl(P, 4.0, 1.0)
    # each fit is better than the other under its own divergence, by a wide margin
    assert forward_kl(P, fwd.mu, fwd.sigma) < forward_kl(P, rev.mu, rev.sigma) - 1.0
    assert reverse_kl(P, rev.mu, rev.sigma) < reverse_kl(P, fwd.mu, fwd.sigma) - 0.5


BAD_INPUTS = [
    (lambda: GaussianMixture1D([0.5, 0.6], [0.0, 1.0], [1.0, 1.0]), ValueError,
     r"weights must be positive and sum to 1"),
    (lambda: GaussianMixture1D([0.5, 0.5], [0.0, 1.0], [1.0, 0.0]), ValueError, r"stds must be positive"),
    (lambda: GaussianMixture1D([0.5, 0.5], [0.0], [1.0, 1.0]), ValueError, r"means must have 2 entries"),
    (lambda: forward_kl(P, 0.0, -1.0), ValueError, r"sigma must be > 0"),
    (lambda: reverse_kl(P, 0.0, 0.0), ValueError, r"sigma must be > 0"),
    (lambda: gaussian_kl(0.0, 1.0, 0.0, -2.0), ValueError, r"sigma1 must be > 0"),
    (lambda: fit_reverse_kl(P, 0.0, 1.0, max_iter=0), ValueError, r"max_iter must be >= 1"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
