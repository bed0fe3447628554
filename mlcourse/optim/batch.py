"""Run one optimizer from many starting points, or with many settings, in a single vectorised loop.

:func:`mlcourse.optim.run` follows one trajectory. The book often wants thousands: every starting
point of a grid (which minimum does gradient descent reach from here?), or every learning rate of
a sweep. :func:`run_many` advances all of them together: one loop over the steps, and inside it one
vectorised gradient evaluation and one vectorised update for the whole batch. The update is the
*same function* that the optimizer factories use (:func:`~mlcourse.optim.first_order.adam_update`
and its siblings), called on arrays of shape (batch, d) with hyperparameters of shape (batch, 1).
Those functions use only correctly rounded operations (+, -, *, / and the square root), so a
batched trajectory is, bit for bit and on every CPU, the trajectory that
:func:`~mlcourse.optim.run` computes; the tests check this.

Divergence is data here too: a row whose iterate becomes non-finite or leaves the ball of radius
``max_norm`` is frozen, its later iterates are NaN and ``diverged_at`` records the step.

Defined in the chapter *Gradient descent* (basins of attraction, learning-rate sweeps).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np

from .._validate import as_float_array, check_choice, check_int, check_positive
from .base import ball_limit, squared_norm
from .first_order import (
    adam_init,
    adam_update,
    gd_init,
    gd_update,
    momentum_init,
    momentum_update,
    nesterov_update,
    rmsprop_init,
    rmsprop_update,
)

__all__ = ["KINDS", "BatchResult", "Group", "run_many", "simulate", "simulate_mixed"]


#: kind -> (update rule, state maker, hyperparameter names in the rule's order, torch's defaults)
KINDS: dict[str, tuple[Callable, Callable, tuple[str, ...], dict[str, float]]] = {
    "gd": (gd_update, gd_init, ("lr",), {}),
    "momentum": (momentum_update, momentum_init, ("lr", "beta"), {"beta": 0.9}),
    "nesterov": (nesterov_update, momentum_init, ("lr", "beta"), {"beta": 0.9}),
    "rmsprop": (rmsprop_update, rmsprop_init, ("lr", "alpha", "eps"), {"alpha": 0.99, "eps": 1e-8}),
    "adam": (adam_update, adam_init, ("lr", "beta1", "beta2", "eps"),
             {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
}
#: the hyperparameters that must lie in [0, 1)
UNIT_INTERVAL = ("beta", "alpha", "beta1", "beta2")


class BatchResult(NamedTuple):
    """Many trajectories of the same length.

    Attributes
    ----------
    iterates : array of shape (batch, n_steps + 1, d)
        Row b is the trajectory x₀, x₁, … of member b; NaN from the step where it diverged.
    diverged_at : int array of shape (batch,)
        The step at which each member diverged, or -1.
    """

    iterates: np.ndarray
    diverged_at: np.ndarray

    @property
    def diverged(self) -> np.ndarray:
        """Boolean array of shape (batch,)."""
        return self.diverged_at >= 0

    @property
    def final(self) -> np.ndarray:
        """The last finite iterate of each member, shape (batch, d)."""
        finite = np.all(np.isfinite(self.iterates), axis=-1)
        last = finite.shape[1] - 1 - np.argmax(finite[:, ::-1], axis=1)
        return self.iterates[np.arange(len(last)), last]


class Group(NamedTuple):
    """Rows ``rows`` of the batch move by ``update(x, g, state, *hyperparameters)``.

    ``rows`` is a slice or an integer index array; each hyperparameter is a number or a column of
    shape (n_rows, 1).
    """

    update: Callable
    state: Any
    hyperparameters: tuple
    rows: slice | np.ndarray


def simulate(groups: Sequence[Group], grad: Callable[[np.ndarray], np.ndarray], x0: np.ndarray,
             n_steps: int, max_norm: float = 1e6) -> BatchResult:
    """The engine behind :func:`run_many`: every group advances on its rows, all in one loop.

    ``x0`` has shape (batch, d); ``grad`` must accept shape (batch, d). No validation here:
    callers validate (this is the inner loop of a widget).
    """
    x = np.array(x0, dtype=np.float64)
    batch, d = x.shape
    out = np.empty((n_steps + 1, batch, d))
    out[0] = x
    alive = np.ones(batch, dtype=bool)
    diverged_at = np.full(batch, -1)
    last_good = x.copy()
    states = [g.state for g in groups]
    limit = ball_limit(max_norm)
    with np.errstate(all="ignore"):
        for k in range(1, n_steps + 1):
            g = grad(x)
            new = np.empty_like(x)
            for i, group in enumerate(groups):
                new[group.rows], states[i] = group.update(x[group.rows], g[group.rows], states[i],
                                                          *group.hyperparameters)
            bad = ~(squared_norm(new) <= limit)  # NaN and infinity fail the comparison too
            if bad.any():
                newly = bad & alive
                diverged_at[newly] = k
                alive &= ~bad
                new[~alive] = last_good[~alive]  # park the dead rows where their gradient is finite
            last_good[alive] = new[alive]
            out[k] = new
            x = new
    iterates = np.moveaxis(out, 1, 0)
    steps = np.arange(n_steps + 1)
    dead = (diverged_at[:, None] >= 0) & (steps[None, :] >= diverged_at[:, None])
    iterates[dead] = np.nan
    return BatchResult(iterates, diverged_at)


def _hyper(value, name: str, batch: int, *, unit_interval: bool = False) -> np.ndarray:
    a = as_float_array(value, name)
    if a.ndim > 1 or (a.ndim == 1 and a.shape[0] != batch):
        raise ValueError(f"{name} must be a number or an array of shape ({batch},); got shape {a.shape}")
    a = np.broadcast_to(a, (batch,))
    if unit_interval:
        if np.any((a < 0) | (a >= 1)):
            raise ValueError(f"{name} must be in [0, 1); got {a[(a < 0) | (a >= 1)][0]}")
    elif np.any(a <= 0):
        raise ValueError(f"{name} must be > 0; got {a[a <= 0][0]}")
    return a[:, None].copy()


def run_many(kind: str, grad: Callable[[np.ndarray], np.ndarray], x0, n_steps: int, *,
             max_norm: float = 1e6, **hyperparameters) -> BatchResult:
    """Run one kind of optimizer for a whole batch of starting points and/or settings at once.

    Parameters
    ----------
    kind : {"gd", "momentum", "nesterov", "rmsprop", "adam"}
    grad : callable
        ∇f, vectorised: it maps shape (batch, d) to shape (batch, d) (every problem in
        :mod:`mlcourse.optim.problems` does).
    x0 : array of shape (batch, d), or (d,) to start every member at the same point
    n_steps : int
    max_norm : float
        A member whose iterate leaves the ball of this radius counts as diverged.
    **hyperparameters : float or array of shape (batch,)
        ``lr`` (required) and the kind's others (``beta``; ``alpha``, ``eps``; ``beta1``,
        ``beta2``, ``eps``), with torch's defaults.

    Returns
    -------
    BatchResult

    Examples
    --------
    A learning-rate sweep of gradient descent on a quadratic, in one call:

    >>> import numpy as np
    >>> from mlcourse.optim import problems, run_many
    >>> p = problems.quadratic(10.0)
    >>> res = run_many("gd", p.grad, p.start, 100, lr=np.array([0.01, 0.1, 0.25]))
    >>> res.diverged.tolist()
    [False, False, True]
    """
    kind = check_choice(kind, "kind", sorted(KINDS))
    if not callable(grad):
        raise TypeError(f"grad must be a function x -> gradient; got {type(grad).__name__}")
    update, init, names, defaults = KINDS[kind]
    unknown = set(hyperparameters) - set(names)
    if unknown:
        raise TypeError(f"{kind} takes hyperparameters {names}; got unexpected {sorted(unknown)}")
    if "lr" not in hyperparameters:
        raise TypeError(f"{kind} needs lr")
    x0 = as_float_array(x0, "x0")
    sizes = [np.size(v) for v in hyperparameters.values() if np.ndim(v) == 1]
    if x0.ndim == 1:
        x0 = np.broadcast_to(x0, (max(sizes, default=1), x0.shape[0])).copy()
    if x0.ndim != 2:
        raise ValueError(f"x0 must have shape (batch, d) or (d,); got shape {x0.shape}")
    batch = x0.shape[0]
    n_steps = check_int(n_steps, "n_steps", minimum=0)
    max_norm = check_positive(max_norm, "max_norm")
    values = {**defaults, **hyperparameters}
    hp = tuple(_hyper(values[n], n, batch, unit_interval=n in UNIT_INTERVAL) for n in names)
    g0 = np.asarray(grad(x0))
    if g0.shape != x0.shape:
        raise ValueError(f"grad(x) must return shape {x0.shape}; got {g0.shape}")
    group = Group(update, init(x0), hp, slice(0, batch))
    return simulate([group], grad, x0, n_steps, max_norm)


def simulate_mixed(kinds: Sequence[str], hyperparameters: Sequence[dict], grad: Callable,
                   x0: np.ndarray, n_steps: int, max_norm: float = 1e6) -> BatchResult:
    """Every row its own optimizer, all advanced together by :func:`simulate` (any dimension d).

    Row b runs ``kinds[b]`` with ``hyperparameters[b]`` (``lr`` and any of the kind's others; the
    rest take torch's defaults). The rows of one kind form one :class:`Group`, whose
    hyperparameters are columns, so each step calls each kind's update function once, whatever
    the number of rows. No validation: callers validate.
    """
    x0 = np.asarray(x0, dtype=np.float64)
    groups = []
    for kind in dict.fromkeys(kinds):  # each kind once, in order of first appearance
        update, init, names, defaults = KINDS[kind]
        rows = np.array([b for b, k in enumerate(kinds) if k == kind])
        values = [{**defaults, **hyperparameters[b]} for b in rows]
        columns = tuple(np.array([[float(v[n])] for v in values]) for n in names)
        groups.append(Group(update, init(x0[rows]), columns, rows))
    return simulate(groups, grad, x0, n_steps, max_norm)
