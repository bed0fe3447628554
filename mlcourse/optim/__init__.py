"""Optimizers as ``init``/``step`` pairs, the loops that run them, and 2-D test problems.

>>> from mlcourse import optim
>>> p = optim.problems.rosenbrock()
>>> result = optim.run(optim.adam(lr=0.05), p.grad, p.start, n_steps=500, loss=p.value)
>>> result.iterates.shape
(501, 2)

Conventions are those of ``torch.optim`` (the tests compare iterate by iterate in float64).
Submodules: :mod:`~mlcourse.optim.problems` (test functions), :mod:`~mlcourse.optim.batch`
(many trajectories at once), :mod:`~mlcourse.optim.plane` (the same update functions on Python
floats, the playground's inner loop), :mod:`~mlcourse.optim.rates` (convergence theory on quadratics),
:mod:`~mlcourse.optim.minibatch` (SGD's minibatch gradients),
:mod:`~mlcourse.optim.playground` (the interactive playground; it imports matplotlib and
ipywidgets only when drawn) and :mod:`~mlcourse.optim.second_order` (Newton and BFGS, from
Part 1). Defined in Part 2 of the book, *Optimization*.
"""

from . import batch, minibatch, plane, playground, problems, rates, second_order
from .base import Optimizer, RunResult, run
from .batch import BatchResult, run_many
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
from .playground import optimizer_playground
from .second_order import BFGSState, NewtonState, bfgs, bfgs_update, newton

__all__ = [
    "AdamState",
    "BFGSState",
    "BatchResult",
    "GDState",
    "MomentumState",
    "NewtonState",
    "Optimizer",
    "RMSpropState",
    "RunResult",
    "adam",
    "batch",
    "bfgs",
    "bfgs_update",
    "gd",
    "minibatch",
    "momentum",
    "nesterov",
    "newton",
    "optimizer_playground",
    "plane",
    "playground",
    "problems",
    "rates",
    "rmsprop",
    "run",
    "run_many",
    "second_order",
]
