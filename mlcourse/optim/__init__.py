"""Optimizers as ``init``/``step`` pairs, the loop that runs them, and 2-D test problems.

>>> from mlcourse import optim
>>> p = optim.problems.rosenbrock()
>>> result = optim.run(optim.adam(lr=0.05), p.grad, p.start, n_steps=500, loss=p.value)
>>> result.iterates.shape
(501, 2)

Conventions are those of ``torch.optim`` (the tests compare iterate by iterate in float64).
Defined in Part 2 of the book, *Optimization*.
"""

from . import problems
from .base import Optimizer, RunResult, run
from .first_order import (
    AdamState,
    GDState,
    MomentumState,
    RMSpropState,
    adam,
    gd,
    momentum,
    nesterov,
    rmsprop,
)

__all__ = [
    "AdamState",
    "GDState",
    "MomentumState",
    "Optimizer",
    "RMSpropState",
    "RunResult",
    "adam",
    "gd",
    "momentum",
    "nesterov",
    "problems",
    "rmsprop",
    "run",
]
