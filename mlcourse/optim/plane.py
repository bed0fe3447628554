"""The optimizers of :mod:`~mlcourse.optim.first_order` for a point in the plane, in plain Python floats.

In two dimensions an array holds two numbers, and every numpy operation on it spends about a
microsecond on bookkeeping for a nanosecond of arithmetic. The playground recomputes five
optimizers over hundreds of steps each time a slider moves, so its inner loop is written here for
two floats ``x, y``. The update rules are those of :mod:`first_order`, term for term and in the
same order. Python's float arithmetic is the IEEE double arithmetic numpy does on one float64
entry (``+``, ``-``, ``*``, ``/`` and the square root are correctly rounded in both), and the
problems' ``partials`` use only ``+``, ``-`` and ``*``, so every trajectory here is bit for bit the
one :func:`mlcourse.optim.run` computes; the tests check this.

Each ``*_step`` factory returns a closure ``step(x, y, gx, gy) -> (x, y)`` that keeps the
optimizer's state (the same symbols as the NamedTuple states of :mod:`first_order`) in its own
variables.

Defined in the chapter *The optimizer playground*.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import sqrt

import numpy as np

from .._validate import as_vector, check_int, check_positive
from .batch import BatchResult
from .first_order import _check_beta, _check_lr

__all__ = ["STEPS", "adam_step", "gd_step", "momentum_step", "nesterov_step", "path", "rmsprop_step",
           "simulate_plane"]

Step = Callable[[float, float, float, float], tuple[float, float]]


def gd_step(lr: float) -> Step:
    """x ← x - η g."""
    lr = _check_lr(lr)

    def step(x, y, gx, gy):
        return x - lr * gx, y - lr * gy

    return step


def momentum_step(lr: float, beta: float) -> Step:
    """v ← β v + g,  x ← x - η v (torch's heavy ball)."""
    lr, beta = _check_lr(lr), _check_beta(beta, "beta")
    vx = vy = 0.0

    def step(x, y, gx, gy):
        nonlocal vx, vy
        vx, vy = beta * vx + gx, beta * vy + gy
        return x - lr * vx, y - lr * vy

    return step


def nesterov_step(lr: float, beta: float) -> Step:
    """v ← β v + g,  x ← x - η (g + β v) (torch's Nesterov)."""
    lr, beta = _check_lr(lr), _check_beta(beta, "beta")
    vx = vy = 0.0

    def step(x, y, gx, gy):
        nonlocal vx, vy
        vx, vy = beta * vx + gx, beta * vy + gy
        return x - lr * (gx + beta * vx), y - lr * (gy + beta * vy)

    return step


def rmsprop_step(lr: float, alpha: float, eps: float) -> Step:
    """s ← α s + (1 - α) g²,  x ← x - η g / (√s + ε)."""
    lr, alpha, eps = _check_lr(lr), _check_beta(alpha, "alpha"), check_positive(eps, "eps")
    sx = sy = 0.0

    def step(x, y, gx, gy):
        nonlocal sx, sy
        sx = alpha * sx + (1 - alpha) * gx * gx
        sy = alpha * sy + (1 - alpha) * gy * gy
        return x - lr * (gx / (sqrt(sx) + eps)), y - lr * (gy / (sqrt(sy) + eps))

    return step


def adam_step(lr: float, beta1: float, beta2: float, eps: float) -> Step:
    """m ← β₁ m + (1 - β₁) g,  s ← β₂ s + (1 - β₂) g²,  x ← x - η/(1 - β₁ᵗ) · m / (√s / √(1 - β₂ᵗ) + ε)."""
    lr, eps = _check_lr(lr), check_positive(eps, "eps")
    beta1, beta2 = _check_beta(beta1, "beta1"), _check_beta(beta2, "beta2")
    t = 0
    mx = my = sx = sy = 0.0

    def step(x, y, gx, gy):
        nonlocal t, mx, my, sx, sy
        t += 1
        mx, my = beta1 * mx + (1 - beta1) * gx, beta1 * my + (1 - beta1) * gy
        sx = beta2 * sx + (1 - beta2) * gx * gx
        sy = beta2 * sy + (1 - beta2) * gy * gy
        bias1, bias2 = 1 - beta1**t, 1 - beta2**t
        scale, root = lr / bias1, sqrt(bias2)
        return x - scale * (mx / (sqrt(sx) / root + eps)), y - scale * (my / (sqrt(sy) / root + eps))

    return step


#: kind (as in :data:`mlcourse.optim.batch.KINDS`) -> step factory
STEPS: dict[str, Callable[..., Step]] = {"gd": gd_step, "momentum": momentum_step, "nesterov": nesterov_step,
                                         "rmsprop": rmsprop_step, "adam": adam_step}


def path(step: Step, partials: Callable[[float, float], tuple[float, float]], start: Sequence[float],
         n_steps: int, max_norm: float = 1e6) -> tuple[list[tuple[float, float]], int]:
    """Follow one trajectory: the points up to the last one inside the ball, and the step it left.

    Parameters
    ----------
    step : callable
        A fresh closure from one of the ``*_step`` factories (it carries the optimizer's state).
    partials : callable
        (x, y) -> (∂f/∂x, ∂f/∂y) on floats, e.g. ``problems.rosenbrock().partials``.
    start : two floats
    n_steps : int
    max_norm : float
        An iterate that is not finite or lies outside the ball of this radius counts as diverged.

    Returns
    -------
    points : list of (x, y)
        x₀, x₁, … up to the last good iterate (all ``n_steps + 1`` of them if none diverged).
    diverged_at : int
        The step whose iterate left the ball, or -1.
    """
    if not callable(step) or not callable(partials):
        raise TypeError(f"step and partials must be functions; got {type(step).__name__} and "
                        f"{type(partials).__name__}")
    x, y = (float(s) for s in as_vector(start, "start", size=2))
    n_steps = check_int(n_steps, "n_steps", minimum=0)
    limit = check_positive(max_norm, "max_norm") ** 2
    points = [(x, y)]
    for k in range(1, n_steps + 1):
        gx, gy = partials(x, y)
        x, y = step(x, y, gx, gy)
        if not x * x + y * y <= limit:  # a NaN fails the comparison too
            return points, k
        points.append((x, y))
    return points, -1


def simulate_plane(kinds: Sequence[str], hyperparameters: Sequence[dict], partials: Callable,
                   start: Sequence[float], n_steps: int, max_norm: float = 1e6) -> BatchResult:
    """Every optimizer of ``kinds`` (with its ``hyperparameters``) from ``start``, as a :class:`BatchResult`.

    The same result as :func:`mlcourse.optim.batch.simulate_mixed` for a batch of rows that all
    start at ``start``, computed with floats: row b is ``kinds[b]`` with the full dict
    ``hyperparameters[b]`` (``lr`` and the kind's others); iterates are NaN from the step of
    divergence on.
    """
    if isinstance(kinds, str) or not isinstance(kinds, Sequence):
        raise TypeError(f"kinds must be a list of optimizer kinds such as ['gd', 'adam']; got {kinds!r}")
    unknown = [k for k in kinds if not isinstance(k, str) or k not in STEPS]
    if unknown:
        raise ValueError(f"kinds must be among {sorted(STEPS)}; got {unknown[0]!r}")
    if not isinstance(hyperparameters, Sequence) or isinstance(hyperparameters, str) \
            or len(hyperparameters) != len(kinds) or not all(isinstance(h, dict) for h in hyperparameters):
        raise ValueError(f"hyperparameters must be {len(kinds)} dicts, one per kind; got {hyperparameters!r}")
    n_steps = check_int(n_steps, "n_steps", minimum=0)
    iterates = np.full((len(kinds), n_steps + 1, 2), np.nan)
    diverged_at = np.full(len(kinds), -1)
    for b, (kind, hp) in enumerate(zip(kinds, hyperparameters, strict=True)):
        points, diverged_at[b] = path(STEPS[kind](**hp), partials, start, n_steps, max_norm)
        iterates[b, :len(points)] = points
    return BatchResult(iterates, diverged_at)
