"""Second-order optimizers: Newton's method and BFGS, in the ``init``/``step`` style of ``first_order``.

Both fit the protocol of :mod:`mlcourse.optim.base`: ``step(x, grad, state)`` receives the gradient
at ``x`` from :func:`mlcourse.optim.run`. What a gradient alone cannot give them they take when
they are built: Newton the Hessian function, BFGS the objective for its line search.

Defined in the chapter *Taylor series and Newton's method* (Part 1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .._validate import as_matrix, as_vector, check_bool, check_int, check_positive
from .base import Optimizer

__all__ = ["BFGSState", "NewtonState", "bfgs", "bfgs_update", "newton"]


class NewtonState(NamedTuple):
    """Newton's method keeps no memory, only the step count t."""

    t: int


def newton(hessian: Callable[[np.ndarray], np.ndarray], lr: float = 1.0, *,
           require_positive_definite: bool = False) -> Optimizer:
    """Newton's method: xₖ₊₁ = xₖ - η [∇²f(xₖ)]⁻¹ ∇f(xₖ).

    Each step jumps to the minimiser of the quadratic Taylor model of f at xₖ (scaled by η).
    It converges quadratically near a minimum with a positive definite Hessian, and it is just as
    happy to converge to a saddle point or a maximum, where the Hessian is not positive definite.

    Parameters
    ----------
    hessian : callable
        ``hessian(x)`` returns ∇²f(x), shape (d, d).
    lr : float
        The step scale η (1 is the pure Newton step).
    require_positive_definite : bool
        If True, a step at a point whose Hessian is not positive definite raises ``ValueError``
        (the Newton direction need not be a descent direction there). If False, such steps are
        taken, and a singular Hessian makes the iterate NaN, which :func:`run` reports as
        ``diverged``.

    Returns
    -------
    Optimizer

    Notes
    -----
    Solve ∇²f(xₖ) pₖ = ∇f(xₖ) (``hessian(x) @ p = grad``), then xₖ₊₁ = xₖ - η pₖ (η = ``lr``).
    Solving costs O(d³) per step, which is why deep learning does not use it.
    """
    if not callable(hessian):
        raise TypeError(f"hessian must be a function x -> Hessian matrix; got {type(hessian).__name__}")
    lr = check_positive(lr, "lr")
    require_positive_definite = check_bool(require_positive_definite, "require_positive_definite")

    def init(x0):
        return NewtonState(t=0)

    def step(x, grad, state):
        H = np.asarray(hessian(x), dtype=np.float64)
        d = x.shape[0]
        if H.shape != (d, d):
            raise ValueError(f"hessian(x) must return shape ({d}, {d}); got {H.shape}")
        if require_positive_definite:
            eigenvalues = np.linalg.eigvalsh(0.5 * (H + H.T))
            if not eigenvalues[0] > 0:
                raise ValueError(
                    f"the Hessian at x = {x} is not positive definite (smallest eigenvalue "
                    f"{eigenvalues[0]:.3g}): the Newton step need not go downhill"
                )
        try:
            p = np.linalg.solve(H, grad)
        except np.linalg.LinAlgError:
            p = np.full_like(x, np.nan)  # singular Hessian: no Newton step; run() flags divergence
        return x - lr * p, NewtonState(t=state.t + 1)

    return Optimizer(f"Newton(lr={lr:g})", init, step,
                     {"lr": lr, "require_positive_definite": require_positive_definite})


class BFGSState(NamedTuple):
    """BFGS's memory.

    Attributes
    ----------
    H : array of shape (d, d)
        The current approximation Hₖ of the *inverse* Hessian.
    x_prev, g_prev : arrays of shape (d,) or None
        The previous iterate and its gradient (None before the first step), for sₖ and yₖ.
    t : int
        Steps taken.
    n_skipped : int
        Updates skipped because the curvature condition sᵀy > 0 failed.
    """

    H: np.ndarray
    x_prev: np.ndarray | None
    g_prev: np.ndarray | None
    t: int
    n_skipped: int


def bfgs_update(H, s, y) -> np.ndarray:
    """The BFGS update of an inverse-Hessian approximation H from a step s and a gradient change y.

    Parameters
    ----------
    H : array of shape (d, d)
        Hₖ, symmetric positive definite.
    s : array of shape (d,)
        sₖ = xₖ₊₁ - xₖ.
    y : array of shape (d,)
        yₖ = ∇f(xₖ₊₁) - ∇f(xₖ); needs sᵀy > 0.

    Returns
    -------
    array of shape (d, d)
        Hₖ₊₁, symmetric, positive definite when sᵀy > 0, and satisfying the secant condition
        Hₖ₊₁ y = s.

    Notes
    -----
    ρ = 1/(yᵀs),  Hₖ₊₁ = (I - ρ s yᵀ) Hₖ (I - ρ y sᵀ) + ρ s sᵀ.
    """
    H = as_matrix(H, "H", square=True)
    s = as_vector(s, "s", size=H.shape[0], like="row of H")
    y = as_vector(y, "y", size=H.shape[0], like="row of H")
    sy = float(s @ y)
    if not sy > 0:
        raise ValueError(f"s and y must satisfy the curvature condition sᵀy > 0 (got sᵀy = {sy:.3g}): "
                         "H would lose definiteness")
    rho = 1.0 / sy
    V = np.eye(s.shape[0]) - rho * np.outer(s, y)
    return V @ H @ V.T + rho * np.outer(s, s)


def bfgs(fun: Callable[[np.ndarray], float], *, c1: float = 1e-4, shrink: float = 0.5,
         max_backtracks: int = 60, H0: np.ndarray | None = None) -> Optimizer:
    """BFGS, the quasi-Newton method: Newton's step with an inverse Hessian learned from gradients.

    Every step moves along pₖ = -Hₖ ∇f(xₖ) with a backtracking (Armijo) line search on ``fun``;
    the next step first updates Hₖ from the change of position and gradient (:func:`bfgs_update`),
    so that the approximation reproduces the last observed change of gradient (the secant
    condition). No Hessian is ever computed or inverted: O(d²) work per step instead of O(d³).

    Parameters
    ----------
    fun : callable
        ``fun(x)`` returns f(x), used by the line search.
    c1 : float
        Sufficient decrease constant of the Armijo condition, in (0, 1).
    shrink : float
        Factor by which the line search shortens the step, in (0, 1).
    max_backtracks : int
        The most shortenings per step (the loop is bounded).
    H0 : array of shape (d, d), optional
        The first inverse-Hessian approximation (default the identity, as in scipy).

    Returns
    -------
    Optimizer

    Notes
    -----
    pₖ = -Hₖ gₖ; αₖ = the first of 1, shrink, shrink², … with f(xₖ + α pₖ) ≤ f(xₖ) + c1 α gₖᵀpₖ;
    xₖ₊₁ = xₖ + αₖ pₖ; sₖ = xₖ₊₁ - xₖ, yₖ = gₖ₊₁ - gₖ, ρₖ = 1/(yₖᵀsₖ);
    Hₖ₊₁ = (I - ρₖ sₖ yₖᵀ) Hₖ (I - ρₖ yₖ sₖᵀ) + ρₖ sₖ sₖᵀ (skipped when yₖᵀsₖ ≤ 0, counted in the state).
    """
    if not callable(fun):
        raise TypeError(f"fun must be a function x -> f(x) (for the line search); got {type(fun).__name__}")
    c1 = check_positive(c1, "c1")
    shrink = check_positive(shrink, "shrink")
    if not c1 < 1:
        raise ValueError(f"c1 must be in (0, 1); got {c1}")
    if not shrink < 1:
        raise ValueError(f"shrink must be in (0, 1); got {shrink}")
    max_backtracks = check_int(max_backtracks, "max_backtracks", minimum=1)
    if H0 is not None:
        H0 = as_matrix(H0, "H0", square=True)
        if not np.allclose(H0, H0.T) or np.linalg.eigvalsh(H0)[0] <= 0:
            raise ValueError("H0 must be symmetric positive definite")

    def init(x0):
        d = x0.shape[0]
        if H0 is not None and H0.shape != (d, d):
            raise ValueError(f"H0 must have shape ({d}, {d}) for x0 of shape {x0.shape}; got {H0.shape}")
        return BFGSState(np.eye(d) if H0 is None else H0.copy(), None, None, 0, 0)

    def step(x, grad, state):
        H, n_skipped = state.H, state.n_skipped
        if state.x_prev is not None:
            s, y = x - state.x_prev, grad - state.g_prev
            if s @ y > 1e-12 * np.linalg.norm(s) * np.linalg.norm(y):
                H = bfgs_update(H, s, y)
            else:
                n_skipped += 1
        p = -H @ grad
        slope = float(grad @ p)
        if not slope < 0:  # cannot happen with H positive definite, unless grad = 0
            return x, BFGSState(H, x, grad, state.t + 1, n_skipped)
        f0 = float(fun(x))
        alpha = 1.0
        for _ in range(max_backtracks):
            if float(fun(x + alpha * p)) <= f0 + c1 * alpha * slope:
                break
            alpha *= shrink
        return x + alpha * p, BFGSState(H, x, grad, state.t + 1, n_skipped)

    return Optimizer("BFGS", init, step, {"c1": c1, "shrink": shrink, "max_backtracks": max_backtracks})
