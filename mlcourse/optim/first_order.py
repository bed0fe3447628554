"""First-order optimizers, each an ``init``/``step`` pair with torch.optim's conventions.

Every factory returns an :class:`~mlcourse.optim.base.Optimizer`. The update rules are written
to follow ``torch.optim`` exactly (SGD with and without momentum and Nesterov, RMSprop, Adam), so
that the book can check them iterate by iterate against torch in float64. The chapters
*Gradient descent*, *Momentum and Nesterov* and *RMSprop and Adam* derive the rules.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validate import check_fraction, check_positive
from .base import Optimizer

__all__ = ["AdamState", "GDState", "MomentumState", "RMSpropState", "adam", "adam_update", "gd",
           "gd_update", "momentum", "momentum_update", "nesterov", "nesterov_update", "rmsprop",
           "rmsprop_update"]


# --- the update rules, as pure functions --------------------------------------------------------
# Each factory below closes over its hyperparameters and calls one of these. They are written for
# arrays: x, g and the state may have any shape (..., d), and the hyperparameters may be floats or
# arrays that broadcast against x (shape (..., 1)), which is how the playground runs many
# optimizers and many settings at once with exactly the arithmetic of the factories.


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
    return x - lr * (g / (np.sqrt(s) + eps)), RMSpropState(s)


def adam_update(x, g, state, lr, beta1, beta2, eps):
    """One Adam step in torch's form and order of operations (see :func:`adam`)."""
    t = state.t + 1
    m = beta1 * state.m + (1 - beta1) * g
    s = beta2 * state.s + (1 - beta2) * g * g
    bias1, bias2 = 1 - beta1**t, 1 - beta2**t
    denom = np.sqrt(s) / np.sqrt(bias2) + eps
    return x - (lr / bias1) * (m / denom), AdamState(t, m, s)


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

    def init(x):
        return GDState()

    def step(x, g, state):
        return gd_update(x, g, state, lr)

    return Optimizer(f"GD(lr={lr:g})", init, step, {"lr": lr})


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

    def init(x):
        return MomentumState(v=np.zeros_like(x, dtype=np.float64))

    def step(x, g, state):
        return momentum_update(x, g, state, lr, beta)

    return Optimizer(f"Momentum(lr={lr:g}, β={beta:g})", init, step, {"lr": lr, "beta": beta})


def nesterov(lr: float, beta: float = 0.9) -> Optimizer:
    """Nesterov momentum, in torch's form (``SGD(lr, momentum=β, nesterov=True)``).

    Notes
    -----
    vₖ₊₁ = β vₖ + ∇f(xₖ),  xₖ₊₁ = xₖ - η (∇f(xₖ) + β vₖ₊₁). This is the classical look-ahead
    method, rewritten so that the gradient is taken at the current iterate.
    """
    lr, beta = _check_lr(lr), _check_beta(beta, "beta")

    def init(x):
        return MomentumState(v=np.zeros_like(x, dtype=np.float64))

    def step(x, g, state):
        return nesterov_update(x, g, state, lr, beta)

    return Optimizer(f"Nesterov(lr={lr:g}, β={beta:g})", init, step, {"lr": lr, "beta": beta})


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

    def init(x):
        return RMSpropState(s=np.zeros_like(x, dtype=np.float64))

    def step(x, g, state):
        return rmsprop_update(x, g, state, lr, alpha, eps)

    return Optimizer(f"RMSprop(lr={lr:g}, α={alpha:g})", init, step,
                     {"lr": lr, "alpha": alpha, "eps": eps})


class AdamState(NamedTuple):
    """t: steps taken; m, s: running first and second moments of the gradient."""

    t: int
    m: np.ndarray
    s: np.ndarray


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
    order, (η / (1 - β₁ᵗ)) · m / (√s / √(1 - β₂ᵗ) + ε), so that it matches torch to the last bits.
    """
    lr = _check_lr(lr)
    beta1, beta2 = _check_beta(beta1, "beta1"), _check_beta(beta2, "beta2")
    eps = check_positive(eps, "eps")

    def init(x):
        zeros = np.zeros_like(x, dtype=np.float64)
        return AdamState(t=0, m=zeros, s=zeros.copy())

    def step(x, g, state):
        return adam_update(x, g, state, lr, beta1, beta2, eps)

    return Optimizer(f"Adam(lr={lr:g}, β₁={beta1:g}, β₂={beta2:g})", init, step,
                     {"lr": lr, "beta1": beta1, "beta2": beta2, "eps": eps})
