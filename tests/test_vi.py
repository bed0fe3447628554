"""mlcourse.vi against scipy and torch.distributions: exact posterior, evidence, ELBO identity, MH, VI, EM."""

import math

import numpy as np
import pytest
import scipy.stats
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad

from mlcourse import vi

pytestmark = pytest.mark.generative

MODEL = vi.NormalMeanModel(np.array([0.8, 1.9, 1.2, 0.4, 1.5]), prior_mean=-0.5, prior_std=2.0, noise_std=0.7)

means = st.floats(-5, 5, allow_nan=False)
stds = st.floats(0.05, 5, allow_nan=False)


# --- gaussian_kl -----------------------------------------------------------------------------


@settings(max_examples=50, deadline=None)
@given(means, stds, means, stds)
def test_gaussian_kl_matches_torch_distributions(m0, s0, m1, s1):
    expected = torch.distributions.kl_divergence(
        torch.distributions.Normal(
            torch.tensor(m0, dtype=torch.float64), torch.tensor(s0, dtype=torch.float64)
        ),
        torch.distributions.Normal(
            torch.tensor(m1, dtype=torch.float64), torch.tensor(s1, dtype=torch.float64)
        ),
    )
    np.testing.assert_allclose(vi.gaussian_kl(m0, s0, m1, s1), expected.item(), rtol=1e-12, atol=1e-12)


def test_gaussian_kl_matches_quadrature_and_is_zero_only_for_equal_gaussians():
    q, p = scipy.stats.norm(0.3, 0.6), scipy.stats.norm(-1.0, 1.7)
    integral = quad(lambda x: q.pdf(x) * (q.logpdf(x) - p.logpdf(x)), -15, 15, epsabs=1e-13)[0]
    np.testing.assert_allclose(vi.gaussian_kl(0.3, 0.6, -1.0, 1.7), integral, rtol=1e-10)
    assert vi.gaussian_kl(1.3, 0.4, 1.3, 0.4) == 0.0


def test_gaussian_kl_broadcasts_and_handles_torch_with_gradients():
    mu = np.linspace(-1, 1, 6).reshape(2, 3)
    out = vi.gaussian_kl(mu, 0.5, 0.0, 1.0)
    assert out.shape == (2, 3) and out.dtype == np.float64
    mu_t = torch.tensor(mu, requires_grad=True)
    out_t = vi.gaussian_kl(mu_t, torch.full((2, 3), 0.5, dtype=torch.float64), 0.0, 1.0)
    assert isinstance(out_t, torch.Tensor) and out_t.dtype == torch.float64
    np.testing.assert_allclose(out_t.detach().numpy(), out, rtol=1e-15)
    out_t.sum().backward()
    np.testing.assert_allclose(mu_t.grad.numpy(), mu, rtol=1e-14)  # d/dμ₀ = (μ₀ - μ₁)/σ₁²


# --- the conjugate model -----------------------------------------------------------------------


def test_log_evidence_matches_scipy_and_quadrature():
    n = MODEL.n
    cov = MODEL.noise_std**2 * np.eye(n) + MODEL.prior_std**2 * np.ones((n, n))
    scipy_value = scipy.stats.multivariate_normal(np.full(n, MODEL.prior_mean), cov).logpdf(MODEL.x)
    np.testing.assert_allclose(MODEL.log_evidence(), scipy_value, rtol=1e-13)
    integral = quad(lambda z: math.exp(MODEL.log_joint(z)), -20, 20, epsabs=0, epsrel=1e-12)[0]
    np.testing.assert_allclose(MODEL.log_evidence(), math.log(integral), rtol=1e-11)


def test_posterior_is_bayes_rule():
    z = np.linspace(-3, 4, 15)
    np.testing.assert_allclose(MODEL.log_posterior(z), MODEL.log_joint(z) - MODEL.log_evidence(), rtol=1e-12)


@settings(max_examples=40, deadline=None)
@given(means, stds)
def test_elbo_identity_holds_exactly_and_bounds_the_evidence(m, s):
    """log P(x) - KL(Q ‖ P(z|x)) = E_Q[log P(x|z)] - KL(Q ‖ P(z)), and so ELBO <= log P(x)."""
    lhs = MODEL.log_evidence() - MODEL.kl_to_posterior(m, s)
    rhs = MODEL.expected_log_likelihood(m, s) - MODEL.kl_to_prior(m, s)
    np.testing.assert_allclose(lhs, rhs, rtol=1e-12, atol=1e-10)
    assert MODEL.elbo(m, s) <= MODEL.log_evidence() + 1e-12


def test_elbo_equals_evidence_at_the_posterior():
    mean, std = MODEL.posterior()
    np.testing.assert_allclose(MODEL.elbo(mean, std), MODEL.log_evidence(), rtol=1e-13)


def test_expected_log_likelihood_matches_quadrature():
    m, s = 0.4, 0.3
    q = scipy.stats.norm(m, s)
    integral = quad(lambda z: q.pdf(z) * MODEL.log_likelihood(z), m - 12 * s, m + 12 * s, epsabs=1e-12)[0]
    np.testing.assert_allclose(MODEL.expected_log_likelihood(m, s), integral, rtol=1e-11)


def test_grad_expected_log_likelihood_matches_central_differences():
    m, s, h = 0.4, 0.3, 1e-6
    grad = MODEL.grad_expected_log_likelihood(m, s)
    fd = np.array(
        [
            (MODEL.expected_log_likelihood(m + h, s) - MODEL.expected_log_likelihood(m - h, s)) / (2 * h),
            (MODEL.expected_log_likelihood(m, s + h) - MODEL.expected_log_likelihood(m, s - h)) / (2 * h),
        ]
    )
    np.testing.assert_allclose(grad, fd, rtol=1e-7, err_msg=f"analytic {grad} vs central differences {fd}")
    z, h = 0.9, 1e-6
    fd_z = (MODEL.log_joint(z + h) - MODEL.log_joint(z - h)) / (2 * h)
    np.testing.assert_allclose(
        MODEL.grad_log_joint(z),
        fd_z,
        rtol=1e-7,
        err_msg=f"analytic {MODEL.grad_log_joint(z)} vs central differences {fd_z}",
    )


# --- gradient estimators -----------------------------------------------------------------------


def test_both_gradient_estimators_are_unbiased_and_reparameterization_has_less_variance():
    m, s, n = 0.4, 0.3, 200_000
    exact = MODEL.grad_expected_log_likelihood(m, s)
    sf = vi.score_function_gradients(MODEL.log_likelihood, m, s, n, rng=np.random.default_rng(1))
    # f = log P(x|z), whose derivative is grad_log_joint minus the prior's part
    rep_lik = vi.reparameterization_gradients(
        lambda z: MODEL.grad_log_joint(z) + (z - MODEL.prior_mean) / MODEL.prior_std**2,
        m,
        s,
        n,
        rng=np.random.default_rng(2),
    )
    for est in (sf, rep_lik):
        stderr = est.std(axis=0, ddof=1) / math.sqrt(n)
        assert np.all(np.abs(est.mean(axis=0) - exact) < 4 * stderr), (est.mean(axis=0), exact, stderr)
    assert np.all(rep_lik.var(axis=0) * 10 < sf.var(axis=0)), (rep_lik.var(axis=0), sf.var(axis=0))
    assert rep_lik.shape == sf.shape == (n, 2)


# --- Metropolis-Hastings, VI, EM ---------------------------------------------------------------


def test_metropolis_hastings_samples_the_posterior():
    result = vi.metropolis_hastings(
        MODEL.log_joint, 0.0, n_steps=20_000, step_size=0.6, rng=np.random.default_rng(0)
    )
    assert result.samples.shape == (20_001, 1) and result.accepted.shape == (20_000,)
    assert 0.2 < result.acceptance_rate < 0.9
    np.testing.assert_allclose(result.acceptance_rate, result.accepted.mean())
    np.testing.assert_allclose(result.log_probs, MODEL.log_joint(result.samples[:, 0]), rtol=1e-12)
    mean, std = MODEL.posterior()
    kept = result.samples[2000:, 0]
    # correlated samples: effective size is a few thousand, so allow ~5 % on the moments
    assert abs(kept.mean() - mean) < 0.05 * std * 4 and abs(kept.std() / std - 1) < 0.05


def test_metropolis_hastings_in_two_dimensions_is_reproducible():
    cov = np.array([[1.0, 0.5], [0.5, 2.0]])
    dist = scipy.stats.multivariate_normal(np.zeros(2), cov)
    a = vi.metropolis_hastings(
        dist.logpdf, np.zeros(2), n_steps=500, step_size=1.0, rng=np.random.default_rng(3)
    )
    b = vi.metropolis_hastings(
        dist.logpdf, np.zeros(2), n_steps=500, step_size=1.0, rng=np.random.default_rng(3)
    )
    np.testing.assert_array_equal(a.samples, b.samples)
    assert a.samples.shape == (501, 2)


def test_vi_finds_the_exact_posterior():
    result = vi.fit_gaussian_vi(
        MODEL.log_joint, MODEL.grad_log_joint, n_steps=3000, lr=0.02, rng=np.random.default_rng(0)
    )
    mean, std = MODEL.posterior()
    assert result.converged and not result.diverged
    assert result.history.shape == (3001, 2) and result.elbo_history.shape == (3000,)
    np.testing.assert_allclose([result.mean, result.std], [mean, std], rtol=0.02, atol=0.01)


def test_vi_reports_divergence_instead_of_raising():
    result = vi.fit_gaussian_vi(
        MODEL.log_joint, MODEL.grad_log_joint, lr=50.0, n_steps=200, rng=np.random.default_rng(0)
    )
    assert result.diverged and not result.converged and math.isnan(result.mean)



def test_vi_old_names_of_the_start_still_work_with_a_deprecation_warning():
    """m0, s0 were renamed m_init, s_init (they are where Q starts, not the prior's m₀, s₀)."""
    kwargs = {"n_steps": 40, "lr": 0.02}
    new = vi.fit_gaussian_vi(
        MODEL.log_joint, MODEL.grad_log_joint, m_init=-3.0, s_init=0.5, rng=np.random.default_rng(1), **kwargs
    )
    for old_name, new_name, value in [("m0", "m_init", -3.0), ("s0", "s_init", 0.5)]:
        with pytest.warns(DeprecationWarning, match=rf"{old_name} is deprecated.*use {new_name}") as record:
            other = {"s_init": 0.5} if old_name == "m0" else {"m_init": -3.0}
            old = vi.fit_gaussian_vi(
                MODEL.log_joint, MODEL.grad_log_joint, rng=np.random.default_rng(1),
                **{old_name: value}, **other, **kwargs,
            )
        assert record[0].filename == __file__  # the warning points at the caller's line
        np.testing.assert_array_equal(old.history, new.history)
    with pytest.raises(TypeError, match="both m_init and its deprecated name m0"):
        vi.fit_gaussian_vi(
            MODEL.log_joint, MODEL.grad_log_joint, m_init=1.0, m0=1.0, rng=np.random.default_rng(0)
        )
    with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match=r"s0 must be > 0"):
        vi.fit_gaussian_vi(MODEL.log_joint, MODEL.grad_log_joint, s0=-1.0, rng=np.random.default_rng(0))

def test_em_increases_the_evidence_and_finds_the_maximum_likelihood_prior_mean():
    result = vi.em_prior_mean(MODEL, n_iter=500)
    assert result.converged
    assert np.all(np.diff(result.log_evidences) >= -1e-12)
    np.testing.assert_allclose(result.elbo_after_e, result.log_evidences[:-1], rtol=1e-13)
    # the marginal x ~ N(m₀·1, σ²I + s₀²11ᵀ) is maximised over m₀ at the sample mean
    np.testing.assert_allclose(result.prior_means[-1], MODEL.x.mean(), rtol=1e-8)


# --- bad input ---------------------------------------------------------------------------------

BAD_INPUTS = [
    (
        lambda: vi.metropolis_hastings(MODEL.log_joint, 0.0, n_steps=5, step_size=1.0, rng=0),
        TypeError,
        r"rng must be a numpy.random.Generator",
    ),
    (
        lambda: vi.score_function_gradients(np.cos, 0.0, 1.0, 5, rng=np.random.RandomState(0)),
        TypeError,
        r"rng must be a numpy\.random\.Generator .*; got RandomState",
    ),
    (lambda: vi.gaussian_kl(0.0, -1.0, 0.0, 1.0), ValueError, r"sigma0 must be positive"),
    (lambda: vi.gaussian_kl(0.0, 1.0, 0.0, 0.0), ValueError, r"sigma1 must be positive"),
    (
        lambda: vi.gaussian_kl(torch.zeros(2), torch.zeros(2), 0.0, 1.0),
        ValueError,
        r"sigma0 must be positive",
    ),
    (
        lambda: vi.gaussian_kl(np.zeros(2), np.ones(3), 0.0, 1.0),
        ValueError,
        r"must broadcast .* sigma0 \(3,\)",
    ),
    (lambda: vi.gaussian_kl(torch.zeros(2), torch.ones(3), 0.0, 1.0), ValueError, r"must broadcast"),
    (lambda: vi.gaussian_kl("a", 1.0, 0.0, 1.0), TypeError, r"mu0 must be an array of numbers"),
    (lambda: vi.NormalMeanModel([1.0], prior_std=0.0), ValueError, r"prior_std must be > 0"),
    (lambda: vi.NormalMeanModel([[1.0]]), ValueError, r"x must be a vector"),
    (lambda: MODEL.elbo(0.0, -0.1), ValueError, r"s must be positive"),
    (
        lambda: vi.metropolis_hastings(
            MODEL.log_joint, 0.0, n_steps=0, step_size=1.0, rng=np.random.default_rng(0)
        ),
        ValueError,
        r"n_steps must be >= 1",
    ),
    (
        lambda: vi.metropolis_hastings(
            MODEL.log_joint, 0.0, n_steps=5, step_size=0.0, rng=np.random.default_rng(0)
        ),
        ValueError,
        r"step_size must be > 0",
    ),
    (
        lambda: vi.metropolis_hastings(
            lambda z: -np.inf, 0.0, n_steps=5, step_size=1.0, rng=np.random.default_rng(0)
        ),
        ValueError,
        r"log_prob\(x0\) must be finite",
    ),
    (
        lambda: vi.fit_gaussian_vi(
            MODEL.log_joint, MODEL.grad_log_joint, s_init=0.0, rng=np.random.default_rng(0)
        ),
        ValueError,
        r"s_init must be > 0",
    ),
    (lambda: vi.em_prior_mean("model"), TypeError, r"model must be a NormalMeanModel"),
    (
        lambda: vi.reparameterization_gradients(np.cos, 0.0, 1.0, 0, rng=np.random.default_rng(0)),
        ValueError,
        r"n_samples must be >= 1",
    ),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()


@pytest.mark.slow
def test_gaussian_kl_is_the_sympy_integral_of_the_definition():
    import sympy as sp

    x, mu0, mu1 = sp.symbols("x mu0 mu1", real=True)
    s0, s1 = sp.symbols("sigma0 sigma1", positive=True)
    q = sp.exp(-((x - mu0) ** 2) / (2 * s0**2)) / sp.sqrt(2 * sp.pi * s0**2)
    p = sp.exp(-((x - mu1) ** 2) / (2 * s1**2)) / sp.sqrt(2 * sp.pi * s1**2)
    integrand = q * sp.expand(sp.expand_log(sp.log(q) - sp.log(p), force=True))
    kl = sp.lambdify((mu0, s0, mu1, s1), sp.integrate(integrand, (x, -sp.oo, sp.oo)), "numpy")
    rng = np.random.default_rng(0)
    args = [rng.normal(size=20), rng.uniform(0.1, 3, 20), rng.normal(size=20), rng.uniform(0.1, 3, 20)]
    np.testing.assert_allclose(vi.gaussian_kl(*args), kl(*args), rtol=1e-12)
