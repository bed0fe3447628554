"""Noise injection: Gaussian noise on the inputs of a linear unit adds a weighted L2 penalty to the loss.

With y = Σᵢ wᵢxᵢ and inputs corrupted to xᵢ + εᵢ, εᵢ ~ N(0, σᵢ²) independent,

E[(y_noisy - t)²] = (y - t)² + Σᵢ wᵢ² σᵢ²,

because the cross term has mean zero and the noise terms are uncorrelated. With equal σᵢ = σ the
penalty is σ²‖w‖², ordinary L2 with α = 2σ² in the convention (α/2)‖w‖².

Defined in the chapter *Explicit regularization* (Part 6).
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, as_vector, check_int, check_real, check_rng

__all__ = ["expected_noisy_loss", "noisy_squared_errors"]


def _inputs(w, x, sigma):
    w = as_vector(w, "w")
    x = as_vector(x, "x", size=w.shape[0], like="entry of w")
    s = as_float_array(sigma, "sigma")
    if s.ndim == 0:
        s = np.broadcast_to(s, w.shape)
    s = as_vector(s, "sigma", size=w.shape[0], like="entry of w")
    if np.any(s < 0):
        raise ValueError("sigma must be non-negative (standard deviations)")
    return w, x, s


def noisy_squared_errors(w, x, t: float, sigma, n_samples: int, rng: np.random.Generator) -> np.ndarray:
    """Draws of (y_noisy - t)² with y_noisy = wᵀ(x + ε), ε ~ N(0, diag(σ²)).

    Parameters
    ----------
    w, x : arrays of shape (d,)
    t : float
        The target.
    sigma : float or array of shape (d,)
        Noise standard deviations σᵢ.
    n_samples : int
    rng : numpy.random.Generator

    Returns
    -------
    array of shape (n_samples,)
    """
    w, x, s = _inputs(w, x, sigma)
    t = check_real(t, "t")
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    eps = check_rng(rng).normal(size=(n_samples, w.shape[0])) * s
    return ((x + eps) @ w - t) ** 2


def expected_noisy_loss(w, x, t: float, sigma) -> float:
    """The exact expectation (y - t)² + Σᵢ wᵢ²σᵢ² of :func:`noisy_squared_errors`."""
    w, x, s = _inputs(w, x, sigma)
    t = check_real(t, "t")
    return float((x @ w - t) ** 2 + np.sum(w**2 * s**2))
