"""Convergence rates on quadratics: what theory predicts, and how to measure it from a trajectory.

On f(x) = ½ xᵀAx with the eigenvalues of A in [μ, L], every first-order method we study is a
linear recurrence, so its error shrinks geometrically, ‖xₖ - x*‖ ≈ C ρᵏ. The *rate* ρ depends on
the hyperparameters and on the condition number κ = L/μ:

* gradient descent with its best learning rate η = 2/(L + μ): ρ = (κ - 1)/(κ + 1);
* heavy-ball momentum with its best parameters η = 4/(√L + √μ)², β = ((√κ - 1)/(√κ + 1))²:
  ρ = (√κ - 1)/(√κ + 1).

Defined in the chapter *Momentum and Nesterov*.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .._validate import as_float_array, as_matrix, check_bool, check_int, check_positive

__all__ = [
    "HeavyBall",
    "gd_iteration_matrix",
    "gd_optimal_lr",
    "gd_rate",
    "heavy_ball_iteration_matrix",
    "heavy_ball_optimal",
    "measured_rate",
    "spectral_radius",
]


def _curvatures(mu, L) -> tuple[float, float]:
    mu, L = check_positive(mu, "mu"), check_positive(L, "L")
    if mu > L:
        raise ValueError(f"mu must be <= L (the smallest and largest curvature); got mu={mu}, L={L}")
    return mu, L


def gd_optimal_lr(mu: float, L: float) -> float:
    """The learning rate η = 2/(L + μ) that minimises gradient descent's worst-case rate."""
    mu, L = _curvatures(mu, L)
    return 2.0 / (L + mu)


def gd_rate(kappa: float) -> float:
    """(κ - 1)/(κ + 1): the rate of gradient descent with η = 2/(L + μ) on a quadratic."""
    kappa = check_positive(kappa, "kappa")
    if kappa < 1:
        raise ValueError(f"kappa must be >= 1; got {kappa}")
    return (kappa - 1) / (kappa + 1)


class HeavyBall(NamedTuple):
    """Polyak's optimal heavy-ball parameters for curvatures in [μ, L], and the rate they give."""

    lr: float
    beta: float
    rate: float


def heavy_ball_optimal(mu: float, L: float) -> HeavyBall:
    """η = 4/(√L + √μ)², β = ((√κ - 1)/(√κ + 1))², rate √β = (√κ - 1)/(√κ + 1).

    The parameters are those of torch's ``SGD(lr=η, momentum=β)`` (and of
    :func:`mlcourse.optim.momentum`): its iterates are the heavy-ball iterates
    xₖ₊₁ = xₖ - η∇f(xₖ) + β(xₖ - xₖ₋₁).
    """
    mu, L = _curvatures(mu, L)
    sq = math.sqrt(L / mu)
    rate = (sq - 1) / (sq + 1)
    return HeavyBall(4.0 / (math.sqrt(L) + math.sqrt(mu)) ** 2, rate**2, rate)


def gd_iteration_matrix(A, lr: float) -> np.ndarray:
    """I - ηA: gradient descent on ½xᵀAx is xₖ₊₁ = (I - ηA) xₖ."""
    A = as_matrix(A, "A", square=True)
    lr = check_positive(lr, "lr")
    return np.eye(A.shape[0]) - lr * A


def heavy_ball_iteration_matrix(A, lr: float, beta: float) -> np.ndarray:
    """The 2n × 2n matrix M with (xₖ₊₁, xₖ) = M (xₖ, xₖ₋₁) for heavy-ball momentum on ½xᵀAx.

    M = [[(1 + β)I - ηA, -βI], [I, 0]].
    """
    A = as_matrix(A, "A", square=True)
    lr = check_positive(lr, "lr")
    beta = check_positive(beta, "beta", allow_zero=True)
    n = A.shape[0]
    eye = np.eye(n)
    return np.block([[(1 + beta) * eye - lr * A, -beta * eye], [eye, np.zeros((n, n))]])


def spectral_radius(M) -> float:
    """max |λ| over the eigenvalues of M: the asymptotic rate of the recurrence zₖ₊₁ = M zₖ."""
    M = as_matrix(M, "M", square=True)
    return float(np.max(np.abs(np.linalg.eigvals(M))))


def measured_rate(errors, *, start: int | None = None, polynomial: bool = False) -> float:
    """The rate ρ of a geometrically shrinking sequence of errors ‖xₖ - x*‖, fitted by least squares.

    Fits log eₖ ≈ c + k log ρ over the tail k ≥ ``start`` (default: the second half). With
    ``polynomial=True`` it fits log eₖ ≈ c + p log k + k log ρ instead, which is the exact form of
    the error when the iteration matrix has a repeated eigenvalue (a Jordan block: eₖ ∝ k ρᵏ),
    as heavy-ball momentum with its optimal parameters does.

    Parameters
    ----------
    errors : array of shape (n,)
        Positive errors e₀, e₁, …
    start : int, optional
    polynomial : bool

    Returns
    -------
    float
        ρ = exp(slope).
    """
    e = as_float_array(errors, "errors", ndim=1)
    if np.any(e <= 0):
        raise ValueError("errors must be positive (take norms of xₖ - x*, and stop before they reach 0)")
    n = e.shape[0]
    start = n // 2 if start is None else check_int(start, "start", minimum=1)
    polynomial = check_bool(polynomial, "polynomial")
    if n - start < 3:
        raise ValueError(f"errors needs at least 3 entries after start={start}; got {n}")
    k = np.arange(start, n, dtype=np.float64)
    columns = [np.ones_like(k), k] + ([np.log(k)] if polynomial else [])
    coef, *_ = np.linalg.lstsq(np.column_stack(columns), np.log(e[start:]), rcond=None)
    return float(np.exp(coef[1]))
