"""Early stopping as L2 regularization, on a quadratic.

Gradient descent from w⁽⁰⁾ = 0 with step η on Ĵ(w) = ½ (w - w*)ᵀ H (w - w*), H = QΛQᵀ, gives after τ
steps Qᵀw⁽τ⁾ = [I - (I - ηΛ)^τ] Qᵀw*, while the L2 minimizer is Qᵀw̃ = [I - α(Λ + αI)⁻¹] Qᵀw*. The
two shrink w* alike when (I - ηΛ)^τ ≈ α(Λ + αI)⁻¹, which for ηλᵢ ≪ 1 and λᵢ ≪ α gives
τ ≈ 1/(ηα): stopping after τ steps is L2 with α ≈ 1/(ητ).

Defined in the chapter *Implicit bias* (Part 6).
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, check_int, check_positive

__all__ = ["early_stopping_factors", "l2_factors", "matching_alpha"]


def _eigs(eigenvalues) -> np.ndarray:
    lam = as_float_array(eigenvalues, "eigenvalues")
    if np.any(lam < 0):
        raise ValueError("eigenvalues must be non-negative (a positive semi-definite Hessian)")
    return lam


def _one_minus_power(x: np.ndarray, tau: int) -> np.ndarray:
    """1 - (1 - x)^τ; for 0 <= x < 1 as -expm1(τ log1p(-x)), which loses no digits when x is tiny."""
    with np.errstate(invalid="ignore", divide="ignore"):  # that branch is used only where 0 <= x < 1
        accurate = -np.expm1(tau * np.log1p(-x))
    return np.where((x >= 0) & (x < 1), accurate, 1.0 - (1.0 - x) ** tau)


def early_stopping_factors(eigenvalues, lr: float, n_steps: int) -> np.ndarray:
    """The fraction 1 - (1 - ηλᵢ)^τ of each component of w* learned after τ steps of GD from zero."""
    lam = _eigs(eigenvalues)
    lr = check_positive(lr, "lr")
    tau = check_int(n_steps, "n_steps", minimum=0)
    return _one_minus_power(lr * lam, tau)


def l2_factors(eigenvalues, alpha) -> np.ndarray:
    """The fraction λᵢ/(λᵢ + α) = 1 - α/(λᵢ + α) of each component of w* kept by L2.

    ``alpha`` is a number, or an array that broadcasts against ``eigenvalues`` (one α per direction).
    """
    lam = _eigs(eigenvalues)
    alpha = as_float_array(alpha, "alpha")
    if np.any(alpha <= 0):
        raise ValueError(f"alpha must be > 0; got {alpha if alpha.ndim else float(alpha)}")
    try:
        np.broadcast_shapes(lam.shape, alpha.shape)
    except ValueError:
        raise ValueError(f"alpha must be a number or broadcast against eigenvalues {lam.shape}; "
                         f"got shape {alpha.shape}") from None
    return lam / (lam + alpha)


def matching_alpha(eigenvalues, lr: float, n_steps: int) -> np.ndarray:
    """The α that makes L2 shrink direction i exactly as τ steps do: α = λ(1 - ηλ)^τ / (1 - (1 - ηλ)^τ).

    Solves (1 - ηλ)^τ = α/(λ + α) for α, one eigenvalue at a time (0 < ηλ < 1, τ ≥ 1); compare with
    the approximation 1/(ητ).
    """
    lam = _eigs(eigenvalues)
    lr = check_positive(lr, "lr")
    tau = check_int(n_steps, "n_steps", minimum=1)
    if np.any(lam <= 0) or np.any(lr * lam >= 1):
        raise ValueError(f"matching_alpha needs 0 < lr·λ < 1 for every λ in eigenvalues; got lr = {lr:g} and "
                         f"eigenvalues in [{lam.min():g}, {lam.max():g}]")
    r = (1.0 - lr * lam) ** tau                     # (1 - ηλ)^τ
    return lam * r / _one_minus_power(lr * lam, tau)   # 1 - r without cancellation for tiny ηλ
