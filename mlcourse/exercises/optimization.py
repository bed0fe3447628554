"""Exercises of Part 2, *Optimization*: gradient descent, SGD, momentum, Adam and the playground.

Every expected answer is computed by a route independent of the package code the chapter teaches
(numpy eigenvalues, exact enumeration, sympy, torch.optim), never written down.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

from ._core import legacy

__all__ = ["EXERCISES"]


# --- gradient descent ------------------------------------------------------------------------------

def _gd_quadratic_data() -> np.ndarray:
    # f(x, y) = 2x² + 8y² = ½ xᵀAx
    return np.diag([4.0, 16.0])


def _gd_max_lr_answer():
    return float(2.0 / np.max(np.linalg.eigvalsh(_gd_quadratic_data())))


def _gd_best_lr_answer():
    lam = np.linalg.eigvalsh(_gd_quadratic_data())
    lr = 2.0 / (lam.min() + lam.max())
    rate = np.max(np.abs(np.linalg.eigvals(np.eye(2) - lr * _gd_quadratic_data())))
    return np.array([lr, rate])


# --- stochastic gradient descent -------------------------------------------------------------------

def _sgd_noise_data() -> tuple[np.ndarray, int]:
    # per-example gradients ∇fᵢ (rows) of a data set of n = 5 points, and the batch size
    G = np.array([[1.0, 0.0], [2.0, -1.0], [0.0, 3.0], [-1.0, 1.0], [3.0, 2.0]])
    return G, 2


def _sgd_noise_answer():
    G, b = _sgd_noise_data()
    full = G.mean(axis=0)
    errors = [np.sum((G[list(idx)].mean(axis=0) - full) ** 2)
              for idx in itertools.combinations(range(len(G)), b)]
    return float(np.mean(errors))


def _sgd_scale_data() -> tuple[np.ndarray, int]:
    # the notes' convention: f = Σᵢ fᵢ (a sum over n = 6 points) and ĝ = Σ_{i ∈ B} ∇fᵢ, B = 2
    G = np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0], [-1.0, 1.5], [0.0, 1.0], [3.0, -2.0]])
    return G, 2


def _sgd_scale_answer():
    G, b = _sgd_scale_data()
    batch_sums = [G[list(idx)].sum(axis=0) for idx in itertools.combinations(range(len(G)), b)]
    return float(G.sum(axis=0)[0] / np.mean(batch_sums, axis=0)[0])


# --- momentum --------------------------------------------------------------------------------------

def _heavy_ball_data() -> tuple[int, int]:
    return 1, 100  # μ, L


def _heavy_ball_answer():
    import sympy as sp

    mu, L = _heavy_ball_data()
    lr, r = sp.symbols("eta r", positive=True)  # r = √β
    # optimal: the characteristic roots are a double root +r at λ = μ and -r at λ = L
    solution = sp.solve([1 + r**2 - lr * mu - 2 * r, 1 + r**2 - lr * L + 2 * r], [lr, r], dict=True)
    (s,) = [s for s in solution if 0 < s[r] < 1]
    return np.array([float(s[lr]), float(s[r] ** 2)])


def _memory_data() -> float:
    return 0.99


def _memory_answer():
    import sympy as sp

    j = sp.symbols("j", integer=True, nonnegative=True)
    beta = sp.Rational(99, 100)
    return float(sp.summation(beta**j, (j, 0, sp.oo)))


def _nesterov_data() -> tuple[float, float]:
    return 0.9, 10.0  # β, L


def _nesterov_max_lr_answer():
    beta, L = _nesterov_data()

    def radius(lr):
        # torch's Nesterov on f = ½Lx² in the variables (x, v): x' = x - η(g + βv'), v' = βv + g
        M = np.array([[1 - lr * L * (1 + beta), -lr * beta * beta], [L, beta]])
        return np.max(np.abs(np.linalg.eigvals(M)))

    lo, hi = 1e-6 / L, 10.0 / L
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if radius(mid) < 1 else (lo, mid)
    return float(lo)


# --- Adam ------------------------------------------------------------------------------------------

def _adam_first_step_data() -> tuple[float, np.ndarray, np.ndarray]:
    return 0.01, np.array([1.0, 1.0]), np.array([3.0, -0.5])  # lr, x₀, ∇f(x₀)


def _adam_first_step_answer():
    import torch

    lr, x0, g = _adam_first_step_data()
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([p], lr=lr)
    p.grad = torch.tensor(g, dtype=torch.float64)
    opt.step()
    return p.detach().numpy() - x0


def _adam_m3_data() -> tuple[list[int], float]:
    return [1, 2, 3], 0.9  # gradients g₁, g₂, g₃ and β₁


def _adam_m3_answer():
    import sympy as sp

    grads, _ = _adam_m3_data()
    beta1 = sp.Rational(9, 10)
    m = sp.Integer(0)
    for g in grads:
        m = beta1 * m + (1 - beta1) * g
    return float(m / (1 - beta1 ** len(grads)))


#: key -> (function returning the problem's data, function returning the expected answer)
_FIRST_EDITION: dict[str, tuple[Callable, Callable]] = {
    "opt-gd-max-lr": (_gd_quadratic_data, _gd_max_lr_answer),
    "opt-gd-best-lr": (_gd_quadratic_data, _gd_best_lr_answer),
    "opt-sgd-noise": (_sgd_noise_data, _sgd_noise_answer),
    "opt-sgd-scale": (_sgd_scale_data, _sgd_scale_answer),
    "opt-heavy-ball-params": (_heavy_ball_data, _heavy_ball_answer),
    "opt-momentum-memory": (_memory_data, _memory_answer),
    "opt-nesterov-max-lr": (_nesterov_data, _nesterov_max_lr_answer),
    "opt-adam-first-step": (_adam_first_step_data, _adam_first_step_answer),
    "opt-adam-m3": (_adam_m3_data, _adam_m3_answer),
}


# --- coding exercises (the first of the new form; the model for the others) --------------------------

def _adam_code_data() -> dict:
    return {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}


def _adam_reference(grad, x0, n_steps, lr, beta1, beta2, eps):
    from ..optim import adam, run

    return run(adam(lr, beta1, beta2, eps), grad, x0, n_steps).iterates


def _adam_cases(data) -> list:
    from ._core import Case

    hp = (data["lr"], data["beta1"], data["beta2"], data["eps"])
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    return [
        Case("one step from (1, -2) on f(x) = ½ xᵀAx (the first step, t = 1)",
             (lambda x: A @ x, np.array([1.0, -2.0]), 1, *hp)),
        Case("twenty steps on the same quadratic", (lambda x: A @ x, np.array([1.0, -2.0]), 20, *hp)),
        Case("a constant gradient (3, -0.5) for five steps",
             (lambda x: np.array([3.0, -0.5]), np.array([0.0, 0.0]), 5, *hp)),
        Case("a gradient that is zero in one coordinate (where ε matters)",
             (lambda x: np.array([x[0], 0.0]), np.array([2.0, 5.0]), 4, *hp)),
        Case("β₁ = 0 (no momentum), three steps, in three dimensions",
             (lambda x: x**3, np.array([1.0, -1.0, 0.5]), 3, data["lr"], 0.0, data["beta2"], data["eps"])),
        Case("zero steps (only x₀ comes back)", (lambda x: A @ x, np.array([1.0, -2.0]), 0, *hp)),
    ]


def _adam_loop(correct1, correct2, eps_inside=False):
    def run_adam(grad, x0, n_steps, lr, beta1, beta2, eps):
        x = np.array(x0, dtype=float)
        m, s = np.zeros_like(x), np.zeros_like(x)
        out = [x.copy()]
        for t in range(1, n_steps + 1):
            g = grad(x)
            m = beta1 * m + (1 - beta1) * g
            s = beta2 * s + (1 - beta2) * g * g
            m_hat, s_hat = m / correct1(beta1, t), s / correct2(beta2, t)
            x = x - lr * m_hat / (np.sqrt(s_hat + eps) if eps_inside else np.sqrt(s_hat) + eps)
            out.append(x.copy())
        return np.array(out)

    return run_adam


def _adam_seed_correction(data):
    return _adam_loop(lambda b, t: 1 - b, lambda b, t: 1 - b)


def _adam_no_correction(data):
    return _adam_loop(lambda b, t: 1.0, lambda b, t: 1.0)


def _adam_eps_inside(data):
    return _adam_loop(lambda b, t: 1 - b**t, lambda b, t: 1 - b**t, eps_inside=True)


def _coding_exercises() -> list:
    from ._core import FunctionExercise, Mistake, relative

    return [
        FunctionExercise(
            "opt-adam-code", _adam_code_data, _adam_reference, _adam_cases, relative(1e-9),
            mistakes=(
                Mistake("you divide by the seed's bias correction 1 − β instead of 1 − βᵗ: look at "
                        "what the first step becomes at t = 1", _adam_seed_correction),
                Mistake("the bias corrections are missing: the first steps are far too short",
                        _adam_no_correction),
                Mistake("ε is inside the square root; Adam (and torch) adds it after the root",
                        _adam_eps_inside),
            ),
            expects="a function adam_run(grad, x0, n_steps, lr, beta1, beta2, eps) returning the "
                    "iterates as an array of shape (n_steps + 1, d)",
        ),
    ]


EXERCISES = [*legacy(_FIRST_EDITION), *_coding_exercises()]
