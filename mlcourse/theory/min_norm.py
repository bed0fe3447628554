"""Implicit bias of gradient descent on underdetermined least squares: it finds the minimum-norm solution.

For a wide A (m < n, full row rank) the equations Ax = b have a whole affine space of solutions.
Gradient descent on f(x) = ½‖Ax - b‖² only ever moves along the row space of A (every gradient is
Aᵀ(Ax - b)), so the component of x₀ in the null space never changes: the iterates converge to
V₂V₂ᵀx₀ + A⁺b, which is the minimum-norm solution A⁺b when x₀ = 0.

Defined in the chapter *Implicit bias* (Part 6).
"""

from __future__ import annotations

import numpy as np

from .._validate import as_matrix, as_vector, check_int, check_positive
from ..optim import RunResult, gd, run

__all__ = ["gd_least_squares", "gd_limit"]


def _check(A, b, x0):
    A = as_matrix(A, "A")
    b = as_vector(b, "b", size=A.shape[0], like="row of A")
    x0 = np.zeros(A.shape[1]) if x0 is None else as_vector(x0, "x0", size=A.shape[1], like="column of A")
    return A, b, x0


def gd_least_squares(A, b, *, lr: float, n_steps: int, x0=None, tol: float | None = None) -> RunResult:
    """Gradient descent xₖ₊₁ = xₖ - μ Aᵀ(Axₖ - b) on f(x) = ½‖Ax - b‖², with :func:`mlcourse.optim.run`.

    Parameters
    ----------
    A : array of shape (m, n)
    b : array of shape (m,)
    lr : float
        The step μ; the iteration converges for 0 < μ < 2/σ_max(A)².
    n_steps : int
    x0 : array of shape (n,), optional
        The start (zero by default).
    tol : float, optional
        Stop once ‖∇f‖ ≤ tol.

    Returns
    -------
    mlcourse.optim.RunResult
    """
    A, b, x0 = _check(A, b, x0)
    lr = check_positive(lr, "lr")
    n_steps = check_int(n_steps, "n_steps", minimum=0)
    return run(gd(lr), lambda x: A.T @ (A @ x - b), x0, n_steps,
               loss=lambda x: 0.5 * float(np.sum((A @ x - b) ** 2)), tol=tol)


def gd_limit(A, b, x0=None) -> np.ndarray:
    """The limit of gradient descent from x₀: V₂V₂ᵀx₀ + A⁺b.

    Parameters
    ----------
    A : array of shape (m, n)
    b : array of shape (m,)
    x0 : array of shape (n,), optional

    Notes
    -----
    A = UΣVᵀ with V = [V₁ V₂], V₂ spanning the null space of A (singular values below
    max(m, n)·ε·σ_max count as zero, as in ``numpy.linalg.pinv``). A⁺b = V₁Σ₁⁻¹U₁ᵀb is the
    minimum-norm least-squares solution. Defined in the chapter *Implicit bias*.
    """
    A, b, x0 = _check(A, b, x0)
    U, s, Vt = np.linalg.svd(A)
    rank = int(np.sum(s > max(A.shape) * np.finfo(float).eps * s[0]))
    V2 = Vt[rank:].T
    x_ln = Vt[:rank].T @ ((U[:, :rank].T @ b) / s[:rank])
    return V2 @ (V2.T @ x0) + x_ln
