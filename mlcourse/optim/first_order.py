"""First-order optimizers, each an ``init``/``step`` pair with torch.optim's conventions.

Every factory returns an :class:`~mlcourse.optim.base.Optimizer`. The update rules are written
to follow ``torch.optim`` exactly (SGD with and without momentum and Nesterov, RMSprop, Adam), so
that the book can check them iterate by iterate against torch in float64. The chapters
*Gradient descent*, *Momentum and Nesterov* and *RMSprop and Adam* derive the rules.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from .._validate import check_fraction, check_positive
from .base import Optimizer

__all__ = ["AdamState", "GDState", "MomentumState", "RMSpropState", "adam", "adam_init", "adam_update", "gd",
           "gd_init", "gd_update", "momentum", "momentum_init", "momentum_update", "nesterov",
           "nesterov_update", "rmsprop", "rmsprop_init", "rmsprop_update"]


# --- the update rules, as pure functions --------------------------------------------------------
# These five functions are the only place where the rules are written. Each factory below closes
# over its hyperparameters and calls one of them, and so does every other engine of the package:
# run_many and simulate (mlcourse.optim.batch) call them on arrays of shape (batch, d) with
# hyperparameters of shape (batch, 1); the playground (mlcourse.optim.plane) calls them on one
# coordinate at a time, as Python floats, with a state per coordinate (every rule acts coordinate
# by coordinate).
#
# They use only +, -, *, / and the square root, which IEEE 754 arithmetic rounds correctly: a
# Python float, a numpy float64 and a vectorised numpy loop give the same bits for them on every
# CPU. That is what makes every engine equal to run() to the last bit. A power would not: numpy's
# vectorised ``**`` and the C library's ``pow`` may differ in the last bit (they do on CPUs with
# AVX-512), so Adam carries β₁ᵗ and β₂ᵗ as running products instead of raising β to the power t.


def _sqrt(a):
    """√a, correctly rounded: ``math.sqrt`` for a Python float, ``np.sqrt`` for an array (same bits)."""
    return math.sqrt(a) if isinstance(a, float) else np.sqrt(a)


def _zeros(x):
    """The zero state shaped like ``x``: 0.0 for a Python float, else a float64 array of zeros."""
    return 0.0 if isinstance(x, float) else np.zeros_like(x, dtype=np.float64)


def gd_update(x, g, state, lr):
    """One step of gradient descent: x - η g."""
    return x - lr * g, state


def momentum_update(x, g, state, lr, beta):
    """One heavy-ball step in torch's form: v ← βv + g, x ← x - ηv."""
    v = beta * state.v + g
    return x - lr * v, MomentumState(v)


def nesterov_update(x, g, state, lr, beta):
    """One Nesterov step in torch's form: v ← βv + g, x ← x - η(g + βv)."""
    v = beta * state.v + g
    return x - lr * (g + beta * v), MomentumState(v)


def rmsprop_update(x, g, state, lr, alpha, eps):
    """One RMSprop step in torch's form: s ← αs + (1-α)g², x ← x - η·(g/(√s + ε))."""
    s = alpha * state.s + (1 - alpha) * g * g
    return x - lr * (g / (_sqrt(s) + eps)), RMSpropState(s)


def adam_update(x, g, state, lr, beta1, beta2, eps):
    """One Adam step in torch's form and order of operations (see :func:`adam`).

    β₁ᵗ and β₂ᵗ are carried in the state as running products (β₁ᵗ = β₁ · β₁ᵗ⁻¹), not raised to
    the power t: a product is rounded the same way on every CPU, for a float and for an array
    alike, so every engine that calls this function gets the same bits; a power is not.
    """
    t = state.t + 1
    beta1_t, beta2_t = state.beta1_t * beta1, state.beta2_t * beta2
    m = beta1 * state.m + (1 - beta1) * g
    s = beta2 * state.s + (1 - beta2) * g * g
    bias1, bias2 = 1 - beta1_t, 1 - beta2_t
    denom = _sqrt(s) / _sqrt(bias2) + eps
    return x - (lr / bias1) * (m / denom), AdamState(t, m, s, beta1_t, beta2_t)


def gd_init(x):
    """Gradient descent's state: nothing."""
    return GDState()


def momentum_init(x):
    """The velocity starts at zero (momentum and Nesterov)."""
    return MomentumState(v=_zeros(x))


def rmsprop_init(x):
    """The running average of squared gradients starts at zero."""
    return RMSpropState(s=_zeros(x))


def adam_init(x):
    """No step taken yet: t = 0, m = s = 0, and the products β₁⁰ = β₂⁰ = 1."""
    return AdamState(t=0, m=_zeros(x), s=_zeros(x))


def _check_lr(lr) -> float:
    return check_positive(lr, "lr")


def _check_beta(beta, name: str) -> float:
    return check_fraction(beta, name)


class GDState(NamedTuple):
    """Plain gradient descent remembers nothing between steps."""


def gd(lr: float) -> Optimizer:
    """Gradient descent: xₖ₊₁ = xₖ - η ∇f(xₖ).

    Parameters
    ----------
    lr : float
        The learning rate η > 0 (torch: ``SGD(lr=lr)``).
    """
    lr = _check_lr(lr)

    def step(x, g, state):
        return gd_update(x, g, state, lr)

    return Optimizer(f"GD(lr={lr:g})", gd_init, step, {"lr": lr})


class MomentumState(NamedTuple):
    """v: the velocity, a running sum of past gradients with memory β."""

    v: np.ndarray


def momentum(lr: float, beta: float = 0.9) -> Optimizer:
    """Gradient descent with (heavy-ball) momentum, in torch's form.

    Notes
    -----
    vₖ₊₁ = β vₖ + ∇f(xₖ),  xₖ₊₁ = xₖ - η vₖ₊₁, with v₀ = 0 (torch:
    ``SGD(lr=η, momentum=β)``, dampening 0). The velocity is a geometric sum of past gradients
    whose weights add up to (1 - β)⁻¹, the "memory" of the method.

    Parameters
    ----------
    lr : float
        η > 0.
    beta : float
        β in [0, 1) (torch's ``momentum``).
    """
    lr, beta = _check_lr(lr), _check_beta(beta, "beta")

    def step(x, g, state):
        return momentum_update(x, g, state, lr, beta)

    return Optimizer(f"Momentum(lr={lr:g}, β={beta:g})", momentum_init, step, {"lr": lr, "beta": beta})


def nesterov(lr: float, beta: float = 0.9) -> Optimizer:
    """Nesterov momentum, in torch's form (``SGD(lr, momentum=β, nesterov=True)``).

    Notes
    -----
    vₖ₊₁ = β vₖ + ∇f(xₖ),  xₖ₊₁ = xₖ - η (∇f(xₖ) + β vₖ₊₁). This is the classical look-ahead
    method, rewritten so that the gradient is taken at the current iterate.
    """
    lr, beta = _check_lr(lr), _check_beta(beta, "beta")

    def step(x, g, state):
        return nesterov_update(x, g, state, lr, beta)

    return Optimizer(f"Nesterov(lr={lr:g}, β={beta:g})", momentum_init, step, {"lr": lr, "beta": beta})


class RMSpropState(NamedTuple):
    """s: running average of squared gradients (per coordinate)."""

    s: np.ndarray


def rmsprop(lr: float, alpha: float = 0.99, eps: float = 1e-8) -> Optimizer:
    """RMSprop, in torch's form (``RMSprop(lr, alpha, eps)``, not centred, no momentum).

    Notes
    -----
    sₖ₊₁ = α sₖ + (1 - α) ∇f(xₖ)²,  xₖ₊₁ = xₖ - η ∇f(xₖ) / (√sₖ₊₁ + ε), squares and roots per
    coordinate, s₀ = 0. ε is added *outside* the square root, as in torch.
    """
    lr, alpha = _check_lr(lr), _check_beta(alpha, "alpha")
    eps = check_positive(eps, "eps")

    def step(x, g, state):
        return rmsprop_update(x, g, state, lr, alpha, eps)

    return Optimizer(f"RMSprop(lr={lr:g}, α={alpha:g})", rmsprop_init, step,
                     {"lr": lr, "alpha": alpha, "eps": eps})


class AdamState(NamedTuple):
    """t: steps taken; m, s: running first and second moments; beta1_t, beta2_t: β₁ᵗ and β₂ᵗ.

    β₁ᵗ and β₂ᵗ default to 1 (t = 0), so ``AdamState(0, m, s)`` is the state before the first step.
    """

    t: int
    m: np.ndarray
    s: np.ndarray
    beta1_t: float | np.ndarray = 1.0
    beta2_t: float | np.ndarray = 1.0


def adam(lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8) -> Optimizer:
    """Adam, in torch's form (``Adam(lr, betas=(β₁, β₂), eps)``).

    Notes
    -----
    With t counting steps from 1 and m₀ = s₀ = 0:

        mₜ = β₁ mₜ₋₁ + (1 - β₁) gₜ,        sₜ = β₂ sₜ₋₁ + (1 - β₂) gₜ²,
        m̂ₜ = mₜ / (1 - β₁ᵗ),               ŝₜ = sₜ / (1 - β₂ᵗ),
        xₜ = xₜ₋₁ - η m̂ₜ / (√ŝₜ + ε).

    The bias corrections divide by 1 - βᵗ (not 1 - β): they undo the pull towards the zero
    initialisation, which fades as t grows. The code evaluates the same expression in torch's
    order, (η / (1 - β₁ᵗ)) · m / (√s / √(1 - β₂ᵗ) + ε), and matches torch to about 1e-12
    relative (the tests' tolerance). β₁ᵗ and β₂ᵗ are kept in the state as running products
    (β₁ᵗ = β₁ · β₁ᵗ⁻¹), where torch raises β to the power t: a product is rounded the same way by
    every CPU and by Python floats and numpy arrays alike, a power is not.
    """
    lr = _check_lr(lr)
    beta1, beta2 = _check_beta(beta1, "beta1"), _check_beta(beta2, "beta2")
    eps = check_positive(eps, "eps")

    def step(x, g, state):
        return adam_update(x, g, state, lr, beta1, beta2, eps)

    return Optimizer(f"Adam(lr={lr:g}, β₁={beta1:g}, β₂={beta2:g})", adam_init, step,
                     {"lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps})
