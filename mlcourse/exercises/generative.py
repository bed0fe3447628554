"""Exercises of Part 4, *Autoencoders, VAEs and variational inference*.

Answers are computed by numerical integration (scipy) or numpy's linear algebra, independently of
the closed forms the chapters derive, and without importing torch.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["EXERCISES"]


def _quad(f, lo=-np.inf, hi=np.inf) -> float:
    from scipy.integrate import quad

    return float(quad(f, lo, hi, epsabs=1e-13, epsrel=1e-12, limit=200)[0])


def _kl_data() -> dict:
    # KL(N(1, 0.5²) ‖ N(0, 1)): an encoder output against the VAE prior
    return {"mu0": 1.0, "sigma0": 0.5, "mu1": 0.0, "sigma1": 1.0}


def _kl_answer() -> float:
    from scipy.stats import norm

    d = _kl_data()
    q, p = norm(d["mu0"], d["sigma0"]), norm(d["mu1"], d["sigma1"])
    return _quad(lambda x: q.pdf(x) * (q.logpdf(x) - p.logpdf(x)), -10, 10)


def _reparam_variance_data() -> dict:
    # f(z) = z², Q = N(m, s²): per-sample estimators of d/dm E_Q[f]
    return {"m": 1.0, "s": 0.5}


def _reparam_variance_answer() -> np.ndarray:
    """[variance of the reparameterization estimator 2z, variance of the score estimator z²(z-m)/s²]."""
    from scipy.stats import norm

    d = _reparam_variance_data()
    m, s = d["m"], d["s"]
    q = norm(m, s)

    def var(g):
        mean = _quad(lambda z: q.pdf(z) * g(z))
        return _quad(lambda z: q.pdf(z) * (g(z) - mean) ** 2)

    return np.array([var(lambda z: 2 * z), var(lambda z: z**2 * (z - m) / s**2)])


def _ring_data() -> dict:
    # g(z) = z/α + z/‖z‖ with z ~ N(0, σ² I) in the plane
    return {"alpha": 10.0, "sigma": 1.0}


def _ring_answer() -> float:
    """E‖g(z)‖ = E[‖z‖/α + 1], with ‖z‖ Rayleigh-distributed."""
    from scipy.stats import rayleigh

    d = _ring_data()
    r = rayleigh(scale=d["sigma"])
    return _quad(lambda t: r.pdf(t) * (t / d["alpha"] + 1.0), 0, np.inf)


def _gap_data() -> dict:
    # z ~ N(0, 1), xᵢ | z ~ N(z, 1), three observations; Q = N(0.5, 0.8²)
    return {
        "x": np.array([0.3, 1.1, 0.7]),
        "prior_mean": 0.0,
        "prior_std": 1.0,
        "noise_std": 1.0,
        "m": 0.5,
        "s": 0.8,
    }


def _gap_answer() -> float:
    """log P(x) - ELBO(Q), with the evidence from scipy and the ELBO by quadrature."""
    from scipy.stats import multivariate_normal, norm

    d = _gap_data()
    x, n = d["x"], d["x"].size
    cov = d["noise_std"] ** 2 * np.eye(n) + d["prior_std"] ** 2 * np.ones((n, n))
    log_evidence = multivariate_normal(np.full(n, d["prior_mean"]), cov).logpdf(x)
    q, prior = norm(d["m"], d["s"]), norm(d["prior_mean"], d["prior_std"])

    def integrand(z):
        log_joint = prior.logpdf(z) + norm(z, d["noise_std"]).logpdf(x).sum()
        return q.pdf(z) * (log_joint - q.logpdf(z))

    return float(log_evidence - _quad(integrand, -12, 12))


def _pca_loss_data() -> dict:
    # points in 3-D; a linear autoencoder with a 1-D code
    X = np.array([[2.0, 0.0, 1.0], [0.0, 1.0, -1.0], [-1.0, 2.0, 0.0], [1.0, -1.0, 2.0], [-2.0, -2.0, -2.0]])
    return {"X": X, "n_code": 1}


def _pca_loss_answer() -> float:
    """Least possible mean squared reconstruction error: the discarded eigenvalues of the covariance."""
    d = _pca_loss_data()
    X = d["X"] - d["X"].mean(axis=0)
    eigenvalues = np.linalg.eigvalsh(X.T @ X / X.shape[0])  # ascending
    return float(eigenvalues[: X.shape[1] - d["n_code"]].sum())


#: key -> (function returning the problem's data, function returning the expected answer)
EXERCISES: dict[str, tuple[Callable, Callable]] = {
    "gen-kl-encoder-prior": (_kl_data, _kl_answer),
    "gen-reparam-variance": (_reparam_variance_data, _reparam_variance_answer),
    "gen-ring-mean-radius": (_ring_data, _ring_answer),
    "gen-elbo-gap": (_gap_data, _gap_answer),
    "gen-linear-ae-best-loss": (_pca_loss_data, _pca_loss_answer),
}
