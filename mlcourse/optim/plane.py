"""The optimizers of :mod:`~mlcourse.optim.first_order` for a point in the plane, in plain Python floats.

In two dimensions an array holds two numbers, and every numpy operation on it spends about a
microsecond on bookkeeping for a nanosecond of arithmetic. The playground recomputes five
optimizers over hundreds of steps each time a slider moves, so its inner loop runs on two floats
``x, y``. It writes no update rule of its own: every rule acts coordinate by coordinate, so
:func:`path` calls the very function the optimizer factories call
(:func:`~mlcourse.optim.first_order.adam_update` and its siblings) once per coordinate, on
Python floats, with one state per coordinate.

Those functions use only ``+``, ``-``, ``*``, ``/`` and the square root, and the problems'
``partials`` only ``+``, ``-`` and ``*``. IEEE arithmetic rounds each of these correctly, in a
Python float as in an entry of a numpy array, so every trajectory here is bit for bit, on every
CPU, the one :func:`mlcourse.optim.run` computes; the tests check this.

Defined in the chapter *The optimizer playground*.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from .._validate import as_vector, check_choice, check_fraction, check_int, check_positive
from .base import ball_limit
from .batch import KINDS, UNIT_INTERVAL, BatchResult

__all__ = ["path", "simulate_plane"]

Partials = Callable[[float, float], tuple[float, float]]


def _hyperparameters(kind: str, given) -> tuple[float, ...]:
    """The rule's hyperparameters as floats, in its order: ``given``, checked, and torch's defaults."""
    if not isinstance(given, Mapping):
        raise TypeError(f"hyperparameters must be a dict such as {{'lr': 0.1}}; got {type(given).__name__}")
    _, _, names, defaults = KINDS[kind]
    unknown = sorted(set(given) - set(names), key=str)
    if unknown:
        raise TypeError(f"{kind} takes hyperparameters {names}; got unexpected {unknown}")
    if "lr" not in given:
        raise TypeError(f"{kind} needs lr")
    values = {**defaults, **given}
    return tuple(check_fraction(values[n], n) if n in UNIT_INTERVAL else check_positive(values[n], n)
                 for n in names)


def path(kind: str, hyperparameters: Mapping[str, float], partials: Partials, start: Sequence[float],
         n_steps: int, max_norm: float = 1e6) -> tuple[list[tuple[float, float]], int]:
    """Follow one trajectory: the points up to the last one inside the ball, and the step it left.

    Parameters
    ----------
    kind : {"gd", "momentum", "nesterov", "rmsprop", "adam"}
        The optimizer (a key of :data:`mlcourse.optim.batch.KINDS`).
    hyperparameters : dict
        ``lr`` and any of the kind's others (``beta``; ``alpha``, ``eps``; ``beta1``, ``beta2``,
        ``eps``); the rest take torch's defaults.
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
    kind = check_choice(kind, "kind", sorted(KINDS))
    hp = _hyperparameters(kind, hyperparameters)
    if not callable(partials):
        raise TypeError(f"partials must be a function (x, y) -> (∂f/∂x, ∂f/∂y); "
                        f"got {type(partials).__name__}")
    x, y = (float(s) for s in as_vector(start, "start", size=2))
    n_steps = check_int(n_steps, "n_steps", minimum=0)
    limit = ball_limit(check_positive(max_norm, "max_norm"))
    update, init, _, _ = KINDS[kind]
    state_x = state_y = init(x)  # a state per coordinate (states are immutable: sharing the first is safe)
    points = [(x, y)]
    for k in range(1, n_steps + 1):
        gx, gy = partials(x, y)
        x, state_x = update(x, gx, state_x, *hp)
        y, state_y = update(y, gy, state_y, *hp)
        if not x * x + y * y <= limit:  # base.squared_norm for two floats; NaN fails the comparison too
            return points, k
        points.append((x, y))
    return points, -1


def simulate_plane(kinds: Sequence[str], hyperparameters: Sequence[Mapping[str, float]], partials: Partials,
                   start: Sequence[float], n_steps: int, max_norm: float = 1e6) -> BatchResult:
    """Every optimizer of ``kinds`` (with its ``hyperparameters``) from ``start``, as a :class:`BatchResult`.

    The same result as :func:`mlcourse.optim.batch.simulate_mixed` for a batch of rows that all
    start at ``start``, computed with floats: row b is ``kinds[b]`` with ``hyperparameters[b]``
    (``lr`` and any of the kind's others); iterates are NaN from the step of divergence on.
    """
    if isinstance(kinds, str) or not isinstance(kinds, Sequence):
        raise TypeError(f"kinds must be a list of optimizer kinds such as ['gd', 'adam']; got {kinds!r}")
    unknown = [k for k in kinds if not isinstance(k, str) or k not in KINDS]
    if unknown:
        raise ValueError(f"kinds must be among {sorted(KINDS)}; got {unknown[0]!r}")
    if not isinstance(hyperparameters, Sequence) or isinstance(hyperparameters, str) \
            or len(hyperparameters) != len(kinds) or not all(isinstance(h, Mapping) for h in hyperparameters):
        raise ValueError(f"hyperparameters must be {len(kinds)} dicts, one per kind; got {hyperparameters!r}")
    n_steps = check_int(n_steps, "n_steps", minimum=0)
    iterates = np.full((len(kinds), n_steps + 1, 2), np.nan)
    diverged_at = np.full(len(kinds), -1)
    for b, (kind, hp) in enumerate(zip(kinds, hyperparameters, strict=True)):
        points, diverged_at[b] = path(kind, hp, partials, start, n_steps, max_norm)
        iterates[b, :len(points)] = points
    return BatchResult(iterates, diverged_at)
