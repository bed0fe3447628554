"""L2 regularization (weight decay): one step rescales the weights, the minimizer shrinks per eigen-direction.

On the quadratic Ĵ(w) = J(w*) + ½ (w - w*)ᵀ H (w - w*), adding (α/2)‖w‖² moves the minimizer from w*
to w̃ = (H + αI)⁻¹ H w* = Q (Λ + αI)⁻¹ Λ Qᵀ w*: in the eigenbasis of H the component of w* along
eigenvector i is multiplied by λᵢ / (λᵢ + α). Stiff directions (λᵢ ≫ α) are kept, flat ones
(λᵢ ≪ α) are erased.

Defined in the chapter *Explicit regularization* (Part 6).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validate import as_matrix, as_vector, check_positive

__all__ = ["Shrinkage", "l2_minimizer", "shrinkage", "weight_decay_step"]


def _check_hessian(H) -> np.ndarray:
    H = as_matrix(H, "H", square=True)
    if not np.allclose(H, H.T, rtol=1e-10, atol=1e-12):
        raise ValueError("H must be symmetric (a Hessian)")
    return H


def weight_decay_step(w, grad, lr: float, alpha: float) -> np.ndarray:
    """One gradient step on J + (α/2)‖w‖²: w ← (1 - εα) w - ε ∇J(w).

    Parameters
    ----------
    w, grad : arrays of shape (d,)
        The weights and the gradient ∇J(w) of the unregularized loss.
    lr : float
        The learning rate ε.
    alpha : float
        The weight decay α ≥ 0 (torch: ``SGD(weight_decay=alpha)``).

    Notes
    -----
    w - ε(αw + ∇J) = (1 - εα) w - ε ∇J: the weights shrink by the factor 1 - εα before the usual step.
    Defined in the chapter *Explicit regularization*.
    """
    w = as_vector(w, "w")
    grad = as_vector(grad, "grad", size=w.shape[0], like="entry of w")
    lr = check_positive(lr, "lr")
    alpha = check_positive(alpha, "alpha", allow_zero=True)
    return (1.0 - lr * alpha) * w - lr * grad


def l2_minimizer(H, w_star, alpha: float) -> np.ndarray:
    """The minimizer w̃ = (H + αI)⁻¹ H w* of the quadratic plus (α/2)‖w‖², by a linear solve."""
    H = _check_hessian(H)
    w_star = as_vector(w_star, "w_star", size=H.shape[0], like="row of H")
    alpha = check_positive(alpha, "alpha")
    return np.linalg.solve(H + alpha * np.eye(H.shape[0]), H @ w_star)


class Shrinkage(NamedTuple):
    """The L2 minimizer seen in the eigenbasis of the Hessian.

    Attributes
    ----------
    eigenvalues : array of shape (d,)
        λᵢ, ascending.
    eigenvectors : array of shape (d, d)
        Q, eigenvectors as columns.
    factors : array of shape (d,)
        λᵢ / (λᵢ + α).
    w_tilde : array of shape (d,)
        Q diag(factors) Qᵀ w*.
    """

    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    factors: np.ndarray
    w_tilde: np.ndarray


def shrinkage(H, w_star, alpha: float) -> Shrinkage:
    """The L2 minimizer through the spectral formula w̃ = Q (Λ + αI)⁻¹ Λ Qᵀ w*.

    Parameters
    ----------
    H : array of shape (d, d)
        The (symmetric positive semi-definite) Hessian of J at w*.
    w_star : array of shape (d,)
        The unregularized minimizer w*.
    alpha : float
        The L2 coefficient α > 0.

    Returns
    -------
    Shrinkage

    Notes
    -----
    H = QΛQᵀ (``numpy.linalg.eigh``); the component Qᵀw* along eigenvector i is multiplied by
    λᵢ/(λᵢ + α). Defined in the chapter *Explicit regularization*.
    """
    H = _check_hessian(H)
    w_star = as_vector(w_star, "w_star", size=H.shape[0], like="row of H")
    alpha = check_positive(alpha, "alpha")
    lam, Q = np.linalg.eigh(H)
    if lam[0] < -1e-10 * max(1.0, abs(lam[-1])):
        raise ValueError(f"H must be positive semi-definite; its smallest eigenvalue is {lam[0]:.3g}")
    factors = lam / (lam + alpha)
    return Shrinkage(lam, Q, factors, Q @ (factors * (Q.T @ w_star)))
