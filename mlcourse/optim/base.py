"""The optimizer protocol of mlcourse, and the loop that runs any optimizer.

An optimizer is a pair of pure functions, in the style of optax:

* ``init(x0) -> state``: the optimizer's memory before the first step;
* ``step(x, grad, state) -> (x_new, state_new)``: one update, given the gradient at ``x``.

The state is a NamedTuple whose fields are named after the symbols of the update rule (``v`` for a
velocity, ``m`` and ``s`` for moment estimates, ``t`` for the step count), so a reader can print it
and recognise the equation. Because nothing is hidden or mutated, a trajectory is a pure function
of (problem, hyperparameters, start, seed): a widget can recompute it freely.

:func:`run` drives any optimizer for a fixed number of steps and reports divergence as data
(``diverged`` and the step where it happened) instead of raising, because the book plots failures.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from .._validate import as_vector, check_int, check_positive, check_rng

__all__ = ["Optimizer", "RunResult", "run"]


def squared_norm(x):
    """‖x‖² over the last axis of ``x`` (shape (..., d)), summed left to right: x₀x₀ + x₁x₁ + ….

    Written out on purpose, not as ``x @ x``, ``np.linalg.norm`` or ``einsum``: those may use fused
    multiply-adds or another order of summation, depending on the CPU and on the shape of the
    array. Products and sums of two numbers are correctly rounded, so this gives the same bits
    for one point alone, inside a batch, or as two Python floats (``x * x + y * y``), and every
    engine reports a divergence at the same step.
    """
    total = x[..., 0] * x[..., 0]
    for i in range(1, x.shape[-1]):
        total = total + x[..., i] * x[..., i]
    return total


def ball_limit(max_norm: float) -> float:
    """max_norm², capped at the largest float: ‖x‖² ≤ this holds inside the ball, and fails for NaN and ∞."""
    return min(max_norm * max_norm, sys.float_info.max)


class Optimizer(NamedTuple):
    """An optimizer: ``init(x0) -> state`` and ``step(x, grad, state) -> (x_new, state)``.

    Attributes
    ----------
    name : str
        A short label for legends, e.g. ``"Adam(lr=0.1)"``.
    init : callable
    step : callable
    hyperparameters : dict
        The values the optimizer was built with.
    """

    name: str
    init: Callable[[np.ndarray], Any]
    step: Callable[[np.ndarray, np.ndarray, Any], tuple[np.ndarray, Any]]
    hyperparameters: dict


class RunResult(NamedTuple):
    """A trajectory, and how it ended.

    Attributes
    ----------
    iterates : array of shape (n_steps_taken + 1, d)
        x₀, x₁, …; after a divergence the remaining rows are NaN (the array keeps the requested
        length so that trajectories of one experiment stack).
    losses : array of shape (n_steps_taken + 1,) or None
        f(xₖ), when a loss function was given.
    diverged : bool
        True when an iterate became non-finite or its norm exceeded ``max_norm``.
    diverged_at : int or None
        The step k at which xₖ was first non-finite or too large.
    converged : bool
        True when ``tol`` was given and ‖∇f(xₖ)‖ ≤ tol was reached.
    n_steps : int
        Steps actually taken (fewer than requested after convergence or divergence).
    """

    iterates: np.ndarray
    losses: np.ndarray | None
    diverged: bool
    diverged_at: int | None
    converged: bool
    n_steps: int

    @property
    def final(self) -> np.ndarray:
        """The last finite iterate."""
        finite = np.all(np.isfinite(self.iterates), axis=1)
        return self.iterates[np.flatnonzero(finite)[-1]]


def run(
    opt: Optimizer,
    grad: Callable[[np.ndarray], np.ndarray],
    x0,
    n_steps: int,
    *,
    loss: Callable[[np.ndarray], float] | None = None,
    grad_noise: float = 0.0,
    rng: np.random.Generator | None = None,
    tol: float | None = None,
    max_norm: float = 1e8,
) -> RunResult:
    """Run an optimizer from ``x0`` for at most ``n_steps`` steps.

    Parameters
    ----------
    opt : Optimizer
        From a factory such as :func:`mlcourse.optim.adam`.
    grad : callable
        ``grad(x)`` returns ∇f(x) as an array of shape (d,).
    x0 : array of shape (d,)
        The starting point.
    n_steps : int
        The number of steps to take (the loop never runs longer).
    loss : callable, optional
        ``loss(x)`` returns f(x); recorded at every iterate.
    grad_noise : float
        Standard deviation of Gaussian noise added to every gradient (a model of the minibatch
        noise of SGD); needs ``rng``.
    rng : numpy.random.Generator, optional
        The source of the gradient noise.
    tol : float, optional
        Stop, with ``converged=True``, once ‖∇f(x)‖ ≤ tol.
    max_norm : float
        An iterate with a larger norm counts as diverged.

    Returns
    -------
    RunResult
    """
    if not isinstance(opt, Optimizer):
        raise TypeError(
            f"opt must be an Optimizer (e.g. mlcourse.optim.gd(lr=0.1)); got {type(opt).__name__}"
        )
    if not callable(grad):
        raise TypeError(f"grad must be a function x -> gradient; got {type(grad).__name__}")
    if loss is not None and not callable(loss):
        raise TypeError(f"loss must be a function x -> value or None; got {type(loss).__name__}")
    x = as_vector(x0, "x0")
    n_steps = check_int(n_steps, "n_steps", minimum=0)
    grad_noise = check_positive(grad_noise, "grad_noise", allow_zero=True)
    max_norm = check_positive(max_norm, "max_norm")
    if tol is not None:
        tol = check_positive(tol, "tol")
    if rng is not None:
        check_rng(rng)
    elif grad_noise > 0:
        raise TypeError("grad_noise > 0 needs rng, a numpy.random.Generator (np.random.default_rng(seed))")

    d = x.shape[0]
    iterates = np.full((n_steps + 1, d), np.nan)
    losses = np.full(n_steps + 1, np.nan) if loss is not None else None
    iterates[0] = x
    if losses is not None:
        losses[0] = loss(x)
    state = opt.init(x)
    limit = ball_limit(max_norm)
    diverged_at = None
    converged = False
    k = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, n_steps + 1):
            g = np.asarray(grad(x), dtype=np.float64)
            if g.shape != x.shape:
                raise ValueError(f"grad(x) must return shape {x.shape}; got {g.shape}")
            if tol is not None and np.all(np.isfinite(g)) and np.linalg.norm(g) <= tol:
                converged = True
                k -= 1
                break
            if grad_noise > 0:
                g = g + grad_noise * rng.normal(size=d)
            x, state = opt.step(x, g, state)
            if not squared_norm(x) <= limit:  # NaN and infinity fail the comparison too
                diverged_at = k
                break
            iterates[k] = x
            if losses is not None:
                losses[k] = loss(x)
        else:
            if tol is not None and n_steps > 0:
                g = np.asarray(grad(x), dtype=np.float64)
                converged = bool(np.all(np.isfinite(g)) and np.linalg.norm(g) <= tol)
    if diverged_at is None and (converged or tol is not None):
        # stopped early or ran to the end: keep only the steps taken
        iterates = iterates[: k + 1]
        losses = losses[: k + 1] if losses is not None else None
    return RunResult(iterates, losses, diverged_at is not None, diverged_at, converged, k)
