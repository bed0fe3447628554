"""mlcourse.vae against torch.distributions in float64: the ELBO's terms, the reparameterization, training."""

import numpy as np
import pytest
import torch

from mlcourse import data, vae

pytestmark = pytest.mark.generative


def small_model(likelihood="bernoulli"):
    return vae.VAE(6, n_latent=3, n_hidden=8, likelihood=likelihood, noise_std=0.3, seed=1).double()


def batch(n=5, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.rand((n, 6), generator=g, dtype=torch.float64)


def test_gaussian_kl_is_reexported_from_vi():
    from mlcourse import vi

    assert vae.gaussian_kl is vi.gaussian_kl


@pytest.mark.parametrize("likelihood", ["bernoulli", "gaussian"])
def test_elbo_terms_match_torch_distributions(likelihood):
    model, x = small_model(likelihood), batch()
    terms = vae.elbo(model, x, torch.Generator().manual_seed(7))
    mu, log_var = model.encode(x)
    sigma = torch.exp(0.5 * log_var)
    q = torch.distributions.Normal(mu, sigma)
    prior = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(sigma))
    kl = torch.distributions.kl_divergence(q, prior).sum(-1)
    torch.testing.assert_close(terms.kl, kl, rtol=1e-13, atol=1e-14)
    z = model.reparameterize(mu, log_var, torch.Generator().manual_seed(7))  # the same ε
    out = model.decode(z)
    if likelihood == "bernoulli":
        lik = torch.distributions.Bernoulli(logits=out, validate_args=False)
    else:
        lik = torch.distributions.Normal(out, torch.full_like(out, 0.3))
    torch.testing.assert_close(terms.reconstruction, lik.log_prob(x).sum(-1), rtol=1e-13, atol=1e-12)
    torch.testing.assert_close(terms.elbo, terms.reconstruction - terms.kl, rtol=0, atol=0)
    assert terms.elbo.shape == (5,)


def test_reparameterize_is_deterministic_given_a_generator_and_has_the_right_moments():
    mu = torch.tensor([[1.0, -2.0]], dtype=torch.float64).expand(200_000, 2)
    log_var = torch.log(torch.tensor([[0.25, 4.0]], dtype=torch.float64)).expand(200_000, 2)
    model = small_model()
    z1 = model.reparameterize(mu, log_var, torch.Generator().manual_seed(3))
    z2 = model.reparameterize(mu, log_var, torch.Generator().manual_seed(3))
    torch.testing.assert_close(z1, z2, rtol=0, atol=0)
    n = z1.shape[0]
    sd = torch.tensor([0.5, 2.0], dtype=torch.float64)
    assert torch.all((z1.mean(0) - mu[0]).abs() < 4 * sd / n**0.5)
    torch.testing.assert_close(z1.std(0), sd, rtol=0.01, atol=0)  # 4 standard errors of a sd is ~0.6 %


def test_gradients_flow_through_the_sample():
    """dz/dμ = 1 and dz/d(log σ²) = σε/2: the trick makes the sample differentiable."""
    mu = torch.tensor([0.3], dtype=torch.float64, requires_grad=True)
    log_var = torch.tensor([-0.4], dtype=torch.float64, requires_grad=True)
    z = small_model().reparameterize(mu, log_var, torch.Generator().manual_seed(0))
    eps = (z - mu) / torch.exp(0.5 * log_var)
    z.sum().backward()
    torch.testing.assert_close(mu.grad, torch.ones(1, dtype=torch.float64))
    torch.testing.assert_close(
        log_var.grad, (0.5 * torch.exp(0.5 * log_var) * eps).detach(), rtol=1e-14, atol=0
    )


def test_initial_weights_are_seeded_and_leave_the_global_generator_alone():
    state = torch.random.get_rng_state()
    a, b = vae.VAE(4, 2, 5, seed=3), vae.VAE(4, 2, 5, seed=3)
    assert torch.equal(state, torch.random.get_rng_state())
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(pa, pb)


@pytest.mark.slow
def test_training_on_digits_lowers_the_loss_and_is_reproducible():
    X = data.digits().X[:300]
    runs = []
    for _ in range(2):
        model = vae.VAE(64, 2, 32, seed=0)
        runs.append(
            vae.train_vae(model, X[:250], X_val=X[250:], n_epochs=8, batch_size=50, lr=3e-3, progress=False)
        )
    a, b = runs
    np.testing.assert_array_equal(a.loss, b.loss)
    assert a.loss.shape == a.kl.shape == a.reconstruction.shape == a.val_loss.shape == (8,)
    assert not a.diverged and a.loss[-1] < 0.8 * a.loss[0]
    np.testing.assert_allclose(a.loss, a.kl - a.reconstruction, rtol=1e-5)
    assert np.all(np.isfinite(a.val_loss)) and np.all(a.kl >= 0)


BAD_INPUTS = [
    (lambda: vae.VAE(64, n_latent=0), ValueError, r"n_latent must be >= 1"),
    (lambda: vae.VAE(0, 2), ValueError, r"n_features must be >= 1"),
    (lambda: vae.VAE(64, 2.5), TypeError, r"n_latent must be an integer"),
    (lambda: vae.VAE(64, 2, likelihood="poisson"), ValueError, r"likelihood must be one of"),
    (lambda: vae.VAE(64, 2, noise_std=-0.1), ValueError, r"noise_std must be > 0"),
    (
        lambda: vae.elbo(small_model(), torch.zeros(3, 5, dtype=torch.float64)),
        ValueError,
        r"x must have shape \(n, 6\); got shape \(3, 5\)",
    ),
    (lambda: vae.train_vae(small_model(), np.zeros((4, 5))), ValueError, r"X must have 6 columns"),
    (
        lambda: vae.train_vae(small_model(), np.zeros((4, 6)), X_val=np.zeros((2, 3))),
        ValueError,
        r"X_val must have 6 columns",
    ),
    (
        lambda: vae.train_vae(small_model(), np.zeros((4, 6)), n_epochs=0),
        ValueError,
        r"n_epochs must be >= 1",
    ),
    (lambda: vae.train_vae("model", np.zeros((4, 6))), TypeError, r"model must be a VAE"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
