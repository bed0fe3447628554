"""Variational inference on a model where every quantity is exact.

The chapter *Variational inference* compares two ways of learning a posterior: a Markov chain that
*samples* it (Metropolis–Hastings) and an optimiser that *fits* a Gaussian to it by maximising the
evidence lower bound (ELBO). To see every term of the ELBO identity exactly, both run on the
conjugate model :class:`NormalMeanModel`, whose posterior and evidence have closed forms.

This module is numpy only (it never imports torch): :func:`gaussian_kl` works on numpy arrays and,
without importing torch itself, on torch tensors too.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._validate import as_float_array, as_vector, check_callable, check_int, check_positive, check_rng

__all__ = [
    "EMResult",
    "MHResult",
    "NormalMeanModel",
    "VIResult",
    "em_prior_mean",
    "fit_gaussian_vi",
    "gaussian_kl",
    "metropolis_hastings",
    "reparameterization_gradients",
    "score_function_gradients",
]

_LOG_2PI = math.log(2 * math.pi)


# --- KL divergence between two Gaussians ----------------------------------------------------------


def _is_torch(value) -> bool:
    torch = sys.modules.get("torch")
    return torch is not None and isinstance(value, torch.Tensor)


def gaussian_kl(mu0, sigma0, mu1, sigma1):
    """KL divergence KL(N(mu0, sigma0²) ‖ N(mu1, sigma1²)), elementwise.

    How many nats are lost, on average, when samples of the first Gaussian are described with the
    second. It is zero exactly when the two Gaussians are equal, and it is not symmetric.

    Parameters
    ----------
    mu0, sigma0 : float or array
        Mean and standard deviation (not variance) of the first Gaussian, q in the book.
    mu1, sigma1 : float or array
        Mean and standard deviation of the second Gaussian, p in the book.
        All four must broadcast to one shape; the standard deviations must be positive.
        Either all numpy-like (the result is a float64 numpy array) or containing torch tensors
        (the result is a tensor, differentiable by autograd; VAE losses use this).

    Returns
    -------
    array or torch.Tensor of the broadcast shape

    Notes
    -----
    .. math::

        \\mathrm{KL}(q \\,\\|\\, p) = \\log\\frac{\\sigma_1}{\\sigma_0}
            + \\frac{\\sigma_0^2 + (\\mu_0 - \\mu_1)^2}{2\\sigma_1^2} - \\frac12,

    with :math:`\\mu_0, \\sigma_0, \\mu_1, \\sigma_1` = ``mu0, sigma0, mu1, sigma1``. The notes print
    :math:`-1/(2\\sigma_0^2)` in place of the constant :math:`-1/2` (see the errata).

    Defined in the chapter *Variational autoencoders*.
    """
    args = {"mu0": mu0, "sigma0": sigma0, "mu1": mu1, "sigma1": sigma1}
    if any(_is_torch(v) for v in args.values()):
        torch = sys.modules["torch"]
        ref = next(v for v in args.values() if _is_torch(v))
        dtype = ref.dtype if ref.is_floating_point() else torch.get_default_dtype()
        t = {k: torch.as_tensor(v, dtype=dtype, device=ref.device) for k, v in args.items()}
        try:
            torch.broadcast_shapes(*(v.shape for v in t.values()))
        except RuntimeError:
            shapes = ", ".join(f"{k} {tuple(v.shape)}" for k, v in t.items())
            raise ValueError(
                f"mu0, sigma0, mu1 and sigma1 must broadcast to one shape; got {shapes}"
            ) from None
        for name in ("sigma0", "sigma1"):
            if bool(torch.any(t[name] <= 0)):  # NaN passes: a diverging VAE reports it as data
                raise ValueError(f"{name} must be positive (a standard deviation); got {t[name].detach()}")
        m0, s0, m1, s1 = t["mu0"], t["sigma0"], t["mu1"], t["sigma1"]
        return torch.log(s1 / s0) + (s0**2 + (m0 - m1) ** 2) / (2 * s1**2) - 0.5
    a = {k: as_float_array(v, k) for k, v in args.items()}
    try:
        np.broadcast_shapes(*(v.shape for v in a.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {v.shape}" for k, v in a.items())
        raise ValueError(f"mu0, sigma0, mu1 and sigma1 must broadcast to one shape; got {shapes}") from None
    for name in ("sigma0", "sigma1"):
        if np.any(a[name] <= 0):
            raise ValueError(f"{name} must be positive (a standard deviation); got {a[name]}")
    # [math]
    m0, s0, m1, s1 = a["mu0"], a["sigma0"], a["mu1"], a["sigma1"]
    return np.log(s1 / s0) + (s0**2 + (m0 - m1) ** 2) / (2 * s1**2) - 0.5
    # [/math]


# --- the conjugate model ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NormalMeanModel:
    """The unknown mean of Gaussian data: z ~ N(m₀, s₀²), then xᵢ | z ~ N(z, σ²), i = 1..n.

    The prior is conjugate, so the posterior P(z | x) is again Gaussian and the evidence P(x) is a
    Gaussian density in closed form. Every term of the ELBO identity can then be computed exactly,
    for any Gaussian Q(z) = N(m, s²).

    Parameters
    ----------
    x : array of shape (n_samples,)
        The observations.
    prior_mean, prior_std : float
        m₀ and s₀, the prior's mean and standard deviation.
    noise_std : float
        σ, the standard deviation of each observation around z.

    Defined in the chapter *Variational inference*.
    """

    x: np.ndarray
    prior_mean: float = 0.0
    prior_std: float = 1.0
    noise_std: float = 1.0

    def __post_init__(self):
        object.__setattr__(self, "x", as_vector(self.x, "x"))
        object.__setattr__(self, "prior_mean", float(as_float_array(self.prior_mean, "prior_mean", ndim=0)))
        object.__setattr__(self, "prior_std", check_positive(self.prior_std, "prior_std"))
        object.__setattr__(self, "noise_std", check_positive(self.noise_std, "noise_std"))

    @property
    def n(self) -> int:
        return self.x.shape[0]

    # densities, vectorised over any array of z
    def log_prior(self, z):
        """log P(z), for an array of z."""
        z = _points(z)
        m0, s0 = self.prior_mean, self.prior_std
        return -0.5 * _LOG_2PI - math.log(s0) - (z - m0) ** 2 / (2 * s0**2)

    def log_likelihood(self, z):
        """log P(x | z) = Σᵢ log N(xᵢ; z, σ²), for an array of z.

        Uses Σᵢ(xᵢ - z)² = Σᵢ(xᵢ - x̄)² + n(x̄ - z)², so the cost does not grow with n.
        """
        z = _points(z)
        sigma = self.noise_std
        xbar = self.x.mean()
        sq = np.sum((self.x - xbar) ** 2) + self.n * (xbar - z) ** 2
        return -0.5 * self.n * (_LOG_2PI + 2 * math.log(sigma)) - sq / (2 * sigma**2)

    def log_joint(self, z):
        """log P(x, z) = log P(x | z) + log P(z)."""
        return self.log_likelihood(z) + self.log_prior(z)

    def grad_log_joint(self, z):
        """d/dz log P(x, z) = -(z - m₀)/s₀² + Σᵢ (xᵢ - z)/σ²."""
        z = _points(z)
        return -(z - self.prior_mean) / self.prior_std**2 + (self.x.sum() - self.n * z) / self.noise_std**2

    # exact answers
    def posterior(self) -> tuple[float, float]:
        """Mean and standard deviation of P(z | x): precisions add, means are precision-weighted."""
        precision = 1 / self.prior_std**2 + self.n / self.noise_std**2
        mean = (self.prior_mean / self.prior_std**2 + self.x.sum() / self.noise_std**2) / precision
        return float(mean), float(1 / math.sqrt(precision))

    def log_posterior(self, z):
        """log P(z | x), the exact posterior density."""
        mean, std = self.posterior()
        z = _points(z)
        return -0.5 * _LOG_2PI - math.log(std) - (z - mean) ** 2 / (2 * std**2)

    def log_evidence(self) -> float:
        """log P(x): x is Gaussian with mean m₀·1 and covariance Σ = σ²I + s₀²·11ᵀ.

        Σ is the identity plus a rank-one term, so its determinant and inverse have closed forms
        (the matrix determinant lemma and Sherman–Morrison): det Σ = σ^(2(n-1))·(σ² + n s₀²) and
        rᵀΣ⁻¹r = (‖r‖² - s₀²(Σᵢrᵢ)²/(σ² + n s₀²))/σ², with r = x - m₀. The cost is O(n).
        """
        sigma2, s02, n = self.noise_std**2, self.prior_std**2, self.n
        r = self.x - self.prior_mean
        logdet = (n - 1) * math.log(sigma2) + math.log(sigma2 + n * s02)
        quad = (r @ r - s02 * r.sum() ** 2 / (sigma2 + n * s02)) / sigma2
        return float(-0.5 * (n * _LOG_2PI + logdet + quad))

    # the terms of the ELBO for Q = N(m, s²)
    def expected_log_likelihood(self, m, s):
        """E_Q[log P(x | z)] for Q = N(m, s²): exact, since E_Q[(xᵢ - z)²] = (xᵢ - m)² + s²."""
        m, s = _check_q(m, s)
        sigma = self.noise_std
        xbar = self.x.mean()
        sq = np.sum((self.x - xbar) ** 2) + self.n * ((xbar - m) ** 2 + s**2)
        return -0.5 * self.n * (_LOG_2PI + 2 * math.log(sigma)) - sq / (2 * sigma**2)

    def grad_expected_log_likelihood(self, m, s) -> np.ndarray:
        """Gradient of E_Q[log P(x | z)] with respect to (m, s): (Σᵢ(xᵢ - m)/σ², -n s/σ²)."""
        m, s = _check_q(m, s)
        sigma2 = self.noise_std**2
        d_m, d_s = np.broadcast_arrays((self.x.sum() - self.n * m) / sigma2, -self.n * s / sigma2)
        return np.stack([d_m, d_s], axis=-1)

    def kl_to_prior(self, m, s):
        """KL(Q ‖ P(z))."""
        m, s = _check_q(m, s)
        return gaussian_kl(m, s, self.prior_mean, self.prior_std)

    def kl_to_posterior(self, m, s):
        """KL(Q ‖ P(z | x)), the gap between the log evidence and the ELBO."""
        m, s = _check_q(m, s)
        mean, std = self.posterior()
        return gaussian_kl(m, s, mean, std)

    def elbo(self, m, s):
        """ELBO(Q) = E_Q[log P(x | z)] - KL(Q ‖ P(z))."""
        return self.expected_log_likelihood(m, s) - self.kl_to_prior(m, s)


def _points(z) -> np.ndarray:
    """The points z where a density is evaluated: any shape; NaN and infinity give NaN, as in numpy."""
    return as_float_array(z, "z", finite=False, allow_empty=True)


def _check_q(m, s, *, scalar: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of Q = N(m, s²): numbers (``scalar``) or arrays that broadcast."""
    ndim = 0 if scalar else None
    m = as_float_array(m, "m", ndim=ndim)
    s = as_float_array(s, "s", ndim=ndim)
    if np.any(s <= 0):
        raise ValueError(f"s must be positive (the standard deviation of Q); got {s}")
    try:
        np.broadcast_shapes(m.shape, s.shape)
    except ValueError:
        raise ValueError(f"m and s must broadcast to one shape; got shapes {m.shape} and {s.shape}") from None
    return m, s


# --- gradient estimators ----------------------------------------------------------------------------


def reparameterization_gradients(df: Callable, m: float, s: float, n_samples: int, *, rng) -> np.ndarray:
    """Per-sample reparameterization estimates of ∇_(m, s) E_{z~N(m, s²)}[f(z)].

    Write z = m + s·ε with ε ~ N(0, 1); then the expectation is over ε, which does not depend on
    (m, s), and the gradient moves inside: ∇_m = E[f'(z)], ∇_s = E[f'(z)·ε].

    Parameters
    ----------
    df : callable
        f', the derivative of the integrand, vectorised over an array of z.
    m, s : float
        Mean and standard deviation of Q.
    n_samples : int
    rng : numpy.random.Generator

    Returns
    -------
    array of shape (n_samples, 2)
        One estimate of (∂/∂m, ∂/∂s) per row; their mean is the estimator, their variance its cost.

    Defined in the chapter *Variational autoencoders*.
    """
    check_callable(df, "df", "a function z -> f'(z)")
    m, s = (float(v) for v in _check_q(m, s, scalar=True))
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    eps = check_rng(rng).standard_normal(n_samples)
    g = np.asarray(df(m + s * eps), dtype=np.float64)
    return np.column_stack([g, g * eps])


def score_function_gradients(f: Callable, m: float, s: float, n_samples: int, *, rng) -> np.ndarray:
    """Per-sample score-function (REINFORCE) estimates of ∇_(m, s) E_{z~N(m, s²)}[f(z)].

    Differentiate the density instead of the integrand: ∇ E_Q[f] = E_Q[f(z) ∇ log Q(z)], with
    ∂/∂m log Q = (z - m)/s² and ∂/∂s log Q = ((z - m)² - s²)/s³. It needs only values of f, not
    its derivative, but its variance is typically far larger.

    Returns
    -------
    array of shape (n_samples, 2)

    Defined in the chapter *Variational autoencoders*.
    """
    check_callable(f, "f", "a function z -> f(z)")
    m, s = (float(v) for v in _check_q(m, s, scalar=True))
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    z = m + s * check_rng(rng).standard_normal(n_samples)
    fz = np.asarray(f(z), dtype=np.float64)
    return np.column_stack([fz * (z - m) / s**2, fz * ((z - m) ** 2 - s**2) / s**3])


# --- Metropolis–Hastings ----------------------------------------------------------------------------


class MHResult(NamedTuple):
    """A random-walk Metropolis–Hastings chain.

    samples: (n_steps + 1, d) states, the start first; log_probs: (n_steps + 1,) log density at each;
    accepted: (n_steps,) whether each proposal was taken; acceptance_rate: their mean.
    """

    samples: np.ndarray
    log_probs: np.ndarray
    accepted: np.ndarray
    acceptance_rate: float


def metropolis_hastings(
    log_prob: Callable, x0, *, n_steps: int, step_size: float, rng: np.random.Generator
) -> MHResult:
    """Sample a density known up to a constant with a random-walk Metropolis–Hastings chain.

    Propose a Gaussian step from the current state; accept it with probability
    min(1, p(proposal)/p(current)), else stay. The chain's stationary distribution is p, and the
    normalising constant cancels in the ratio, which is why MCMC needs only log P(x, z).

    Parameters
    ----------
    log_prob : callable
        log p up to an additive constant, taking an array of shape (d,) (or a float when d = 1).
    x0 : float or array of shape (d,)
        Start of the chain; log_prob(x0) must be finite.
    n_steps : int
        Number of proposals (the loop's bound).
    step_size : float
        Standard deviation of the Gaussian proposal in every coordinate.
    rng : numpy.random.Generator

    Notes
    -----
    Proposal x' = x + step_size·ε, ε ~ N(0, I); accept if log u < log_prob(x') - log_prob(x), u ~ U(0, 1).
    The proposal is symmetric, so the Hastings correction q(x | x')/q(x' | x) is 1.

    Defined in the chapter *Variational inference*.
    """
    check_callable(log_prob, "log_prob", "a function x -> log p(x)")
    x = np.atleast_1d(as_float_array(x0, "x0"))
    if x.ndim != 1:
        raise ValueError(f"x0 must be a number or a vector; got shape {x.shape}")
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    step_size = check_positive(step_size, "step_size")
    rng = check_rng(rng)
    scalar = np.ndim(x0) == 0

    def lp(v):
        return float(log_prob(v[0] if scalar else v))

    current = lp(x)
    if not np.isfinite(current):
        raise ValueError(f"log_prob(x0) must be finite; got {current}")
    samples = np.empty((n_steps + 1, x.size))
    log_probs = np.empty(n_steps + 1)
    accepted = np.zeros(n_steps, dtype=bool)
    samples[0], log_probs[0] = x, current
    # [math]
    steps = step_size * rng.standard_normal((n_steps, x.size))
    log_u = np.log(rng.uniform(size=n_steps))
    for t in range(n_steps):
        proposal = x + steps[t]
        candidate = lp(proposal)
        if log_u[t] < candidate - current:  # a NaN candidate is never accepted
            x, current, accepted[t] = proposal, candidate, True
        samples[t + 1], log_probs[t + 1] = x, current
    # [/math]
    return MHResult(samples, log_probs, accepted, float(accepted.mean()))


# --- variational inference ----------------------------------------------------------------------------


class VIResult(NamedTuple):
    """Gaussian variational inference by stochastic gradient ascent on the ELBO.

    mean, std: the fitted Q = N(mean, std²) (averages of the last half of the iterates);
    history: (n_steps + 1, 2) iterates (m, s); elbo_history: (n_steps,) one-sample ELBO estimates;
    converged: the averaged iterates stopped moving (relative change < tol over the last quarter);
    diverged: an iterate became NaN or infinite (the run stops there).
    """

    mean: float
    std: float
    history: np.ndarray
    elbo_history: np.ndarray
    converged: bool
    diverged: bool


def _renamed(value, default, old_value, name: str, old_name: str):
    """The value of a renamed keyword argument and the name to report it under.

    ``old_value`` is what the caller passed under the deprecated ``old_name`` (None if nothing);
    it still works, with a DeprecationWarning that names the new argument.
    """
    if old_value is None:
        return value, name
    if value != default:
        raise TypeError(f"fit_gaussian_vi got both {name} and its deprecated name {old_name}; pass only "
                        f"{name}")
    import warnings

    warnings.warn(f"fit_gaussian_vi's {old_name} is deprecated: it is where Q starts, not the prior's "
                  f"{old_name}; use {name} instead", DeprecationWarning, stacklevel=3)
    return old_value, old_name


def fit_gaussian_vi(
    log_joint: Callable,
    grad_log_joint: Callable,
    *,
    m_init: float = 0.0,
    s_init: float = 1.0,
    lr: float = 0.05,
    n_steps: int = 2000,
    n_samples: int = 8,
    tol: float = 1e-2,
    rng: np.random.Generator,
    m0: float | None = None,
    s0: float | None = None,
) -> VIResult:
    """Fit Q = N(m, s²) to a posterior by maximising the ELBO with reparameterized gradients.

    Each step draws ε ~ N(0, 1), sets z = m + s·ε, and follows an unbiased estimate of the ELBO's
    gradient. The parameters are (m, log s), so s stays positive; the entropy of Q,
    log s + const, is differentiated exactly.

    Parameters
    ----------
    log_joint, grad_log_joint : callable
        log P(x, z) and its derivative in z, vectorised over an array of z.
    m_init, s_init : float
        Where the fit starts: Q = N(m_init, s_init²) at step 0 (not the prior's m₀, s₀).
    lr : float
        Step size; step t uses lr / (1 + t/100) (a Robbins–Monro schedule).
    n_steps : int
        Number of steps (the loop's bound).
    n_samples : int
        Draws of ε per step.
    tol : float
        Convergence tolerance on the relative change of the averaged iterates.
    rng : numpy.random.Generator
    m0, s0 : float, optional
        Deprecated names of ``m_init`` and ``s_init`` (they read like the prior's m₀, s₀); they
        still work, with a DeprecationWarning.

    Notes
    -----
    ELBO(m, s) = E_ε[log P(x, m + sε)] + log s + ½ log 2πe. With g = ∂/∂z log P(x, z):
    ∂ELBO/∂m = E[g(z)], ∂ELBO/∂log s = E[g(z)·ε]·s + 1.

    Defined in the chapter *Variational inference*.
    """
    check_callable(log_joint, "log_joint", "a function z -> log P(x, z)")
    check_callable(grad_log_joint, "grad_log_joint", "a function z -> d/dz log P(x, z)")
    m_init, m_name = _renamed(m_init, 0.0, m0, "m_init", "m0")
    s_init, s_name = _renamed(s_init, 1.0, s0, "s_init", "s0")
    m = float(as_float_array(m_init, m_name, ndim=0))
    log_s = math.log(check_positive(s_init, s_name))
    lr = check_positive(lr, "lr")
    n_steps = check_int(n_steps, "n_steps", minimum=4)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    tol = check_positive(tol, "tol")
    rng = check_rng(rng)
    history = np.full((n_steps + 1, 2), np.nan)
    history[0] = m, math.exp(log_s)
    elbos = np.full(n_steps, np.nan)
    diverged = False
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported, not warned about
        # [math]
        for t in range(n_steps):
            s = math.exp(log_s)
            eps = rng.standard_normal(n_samples)
            z = m + s * eps
            g = np.asarray(grad_log_joint(z), dtype=np.float64)
            elbos[t] = float(np.mean(log_joint(z))) + log_s + 0.5 * (_LOG_2PI + 1)
            step = lr / (1 + t / 100)
            m += step * float(np.mean(g))
            log_s += step * (float(np.mean(g * eps)) * s + 1)
            # [/math]
            if not (np.isfinite(m) and np.isfinite(log_s)) or log_s > 700:
                diverged = True
                history = history[: t + 2]
                elbos = elbos[: t + 1]
                break
            history[t + 1] = m, math.exp(log_s)
    if diverged:
        return VIResult(float("nan"), float("nan"), history, elbos, False, True)
    half = history[n_steps // 2 :]
    mean, std = half.mean(axis=0)
    early = history[n_steps // 2 : 3 * n_steps // 4].mean(axis=0)
    late = history[3 * n_steps // 4 :].mean(axis=0)
    converged = bool(np.all(np.abs(late - early) <= tol * np.maximum(np.abs(late), 1e-12)))
    return VIResult(float(mean), float(std), history, elbos, converged, False)


# --- the EM connection -----------------------------------------------------------------------------


class EMResult(NamedTuple):
    """EM for the prior mean m₀: prior_means (n_iter + 1,), log_evidences (n_iter + 1,),
    elbo_after_e (n_iter,) the ELBO right after each E step; converged when m₀ stops moving."""

    prior_means: np.ndarray
    log_evidences: np.ndarray
    elbo_after_e: np.ndarray
    converged: bool


def em_prior_mean(model: NormalMeanModel, *, n_iter: int = 50, tol: float = 1e-10) -> EMResult:
    """Learn the prior mean m₀ of a :class:`NormalMeanModel` by expectation–maximisation.

    E step: set Q to the exact posterior under the current m₀, so the ELBO touches log P(x).
    M step: maximise the ELBO over m₀ with Q fixed; only -KL(Q ‖ N(m₀, s₀²)) depends on m₀, and it
    is largest at m₀ = mean of Q. The log evidence can only go up.

    Defined in the chapter *Variational inference*.
    """
    if not isinstance(model, NormalMeanModel):
        raise TypeError(f"model must be a NormalMeanModel; got {type(model).__name__}")
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    tol = check_positive(tol, "tol")
    means, evidences, elbos = [model.prior_mean], [model.log_evidence()], []
    converged = False
    for _ in range(n_iter):
        q_mean, q_std = model.posterior()  # E step
        elbos.append(float(model.elbo(q_mean, q_std)))
        model = NormalMeanModel(model.x, q_mean, model.prior_std, model.noise_std)  # M step
        means.append(q_mean)
        evidences.append(model.log_evidence())
        if abs(means[-1] - means[-2]) <= tol * max(1.0, abs(means[-1])):
            converged = True
            break
    return EMResult(np.array(means), np.array(evidences), np.array(elbos), converged)
