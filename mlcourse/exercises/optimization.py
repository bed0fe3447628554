"""Exercises of Part 2, *Optimization*: gradient descent, SGD, momentum, Adam and the playground.

Every expected answer of a value exercise is computed by a route independent of the package code
the chapter teaches (numpy eigenvalues, exact enumeration, sympy, scipy, torch.optim), never
written down. A coding exercise's reference is the package's own implementation, which
``tests/test_optim*.py`` check against torch.optim. Each exercise registers the mistakes readers
are likely to make, computed from the same data (the notes' formulas among them).
"""

from __future__ import annotations

import functools
import itertools

import numpy as np

from ._core import Case, Exercise, FunctionExercise, Mistake, Steps, exact, relative, sig

__all__ = ["EXERCISES"]


def _torch_run(make_opt, grad, x0, n_steps) -> np.ndarray:
    """Iterates of a torch.optim optimizer in float64, gradients supplied by ``grad``."""
    import torch

    p = torch.tensor(np.asarray(x0, dtype=float), dtype=torch.float64, requires_grad=True)
    opt = make_opt([p])
    out = [p.detach().numpy().copy()]
    for _ in range(n_steps):
        p.grad = torch.tensor(grad(p.detach().numpy()), dtype=torch.float64)
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


# === gradient descent ===============================================================================

def _gd_quadratic_data() -> np.ndarray:
    # f(x, y) = 2x² + 8y² = ½ θᵀAθ
    return np.diag([4.0, 16.0])


def _gd_max_lr_answer():
    return float(2.0 / np.max(np.linalg.eigvalsh(_gd_quadratic_data())))


def _gd_max_lr_coefficients(A):
    # 2 / (the largest coefficient of f = 2x² + 8y²): the factor ½ of ½θᵀAθ forgotten
    return float(2.0 / (np.max(np.diag(A)) / 2))


def _gd_max_lr_smallest(A):
    return float(2.0 / np.min(np.linalg.eigvalsh(A)))


def _gd_best_lr_answer():
    A = _gd_quadratic_data()
    lam = np.linalg.eigvalsh(A)
    lr = 2.0 / (lam.min() + lam.max())
    rate = np.max(np.abs(np.linalg.eigvals(np.eye(2) - lr * A)))
    return np.array([lr, rate])


def _gd_best_lr_one_over_L(A):
    # η = 1/L, which makes the steep direction exact; the flat one then shrinks by 1 - μ/L
    lam = np.linalg.eigvalsh(A)
    return np.array([1 / lam.max(), 1 - lam.min() / lam.max()])


def _gd_best_lr_coefficients(A):
    # the coefficients 2 and 8 of f taken for the curvatures (the factor ½ forgotten)
    lam = np.diag(A) / 2
    return np.array([2 / (lam.min() + lam.max()), (lam.max() - lam.min()) / (lam.max() + lam.min())])


def _saddle_decade_data() -> float:
    return 0.1  # η


def _saddle_decade_answer():
    import sympy as sp

    eta = sp.nsimplify(_saddle_decade_data())
    return float(sp.N(sp.log(10) / sp.log(1 + eta), 30))


def _saddle_decade_linearised(lr):
    return float(np.log(10) / lr)


def _saddle_decade_log10(lr):
    # log(1 + η) in base 10 in the denominator, natural log of 10 on top
    return float(np.log(10) / np.log10(1 + lr))


def _steep_rate_data() -> tuple[np.ndarray, float]:
    # the chapter's bowl: curvatures 1 and 10; a learning rate between η* = 2/11 and 2/L = 0.2
    return np.diag([1.0, 10.0]), 0.19


def _steep_rate_answer():
    A, lr = _steep_rate_data()
    return float(np.max(np.abs(np.linalg.eigvals(np.eye(2) - lr * A))))


def _steep_rate_flat(data):
    A, lr = data
    return float(1 - lr * np.min(np.diag(A)))


def _steep_rate_best(data):
    # the best rate (κ - 1)/(κ + 1), which holds at η* = 2/(μ + L) only
    A, _lr = data
    lam = np.linalg.eigvalsh(A)
    return float((lam.max() - lam.min()) / (lam.max() + lam.min()))


def _gd_code_data() -> dict:
    return {"lr": 0.1}


def _gd_reference(grad, x0, n_steps, lr):
    from ..optim import gd, run

    return run(gd(lr), grad, x0, n_steps).iterates


def _gd_cases(data) -> list:
    lr = data["lr"]
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    return [
        Case("one step from (1, -2) on f(x) = ½ xᵀAx", (lambda x: A @ x, np.array([1.0, -2.0]), 1, lr)),
        Case("thirty steps on the same quadratic", (lambda x: A @ x, np.array([1.0, -2.0]), 30, lr)),
        Case("a constant gradient (3, -0.5), four steps",
             (lambda x: np.array([3.0, -0.5]), np.array([0.0, 0.0]), 4, lr)),
        Case("one dimension, f(x) = x⁴/4, five steps", (lambda x: x**3, np.array([1.5]), 5, lr)),
        Case("zero steps (only x₀ comes back)", (lambda x: A @ x, np.array([1.0, -2.0]), 0, lr)),
    ]


def _gd_uphill(data):
    def gd_run(grad, x0, n_steps, lr):
        x = np.array(x0, dtype=float)
        out = [x.copy()]
        for _ in range(n_steps):
            x = x + lr * grad(x)
            out.append(x.copy())
        return np.array(out)

    return gd_run


def _gd_no_start(data):
    ref = functools.partial(_gd_reference)

    def gd_run(grad, x0, n_steps, lr):
        return ref(grad, x0, n_steps, lr)[1:]

    return gd_run


def _contraction_data() -> None:
    return None


def _contraction_reference(A, lr):
    from ..optim import rates

    return rates.spectral_radius(rates.gd_iteration_matrix(A, lr))


def _contraction_cases(data) -> list:
    turned = np.array([[5.5, 4.5], [4.5, 5.5]])          # eigenvalues 1 and 10, turned by 45°
    return [
        Case("A = diag(1, 10) with η = 0.1", (np.diag([1.0, 10.0]), 0.1)),
        Case("A = diag(1, 10) with η = 0.19 (the steep direction oscillates)", (np.diag([1.0, 10.0]), 0.19)),
        Case("the same eigenvalues, turned by 45°, η = 0.15", (turned, 0.15)),
        Case("a 1×1 matrix [[4]], η = 0.6 (above 2/λ: diverges)", (np.array([[4.0]]), 0.6)),
        Case("a 3×3 diagonal matrix diag(0.5, 2, 3), η = 0.5", (np.diag([0.5, 2.0, 3.0]), 0.5)),
    ]


def _contraction_no_abs(data):
    def contraction(A, lr):
        return float(np.max(1 - lr * np.linalg.eigvalsh(A)))

    return contraction


def _contraction_steep_only(data):
    def contraction(A, lr):
        return float(abs(1 - lr * np.max(np.linalg.eigvalsh(A))))

    return contraction


# === stochastic gradient descent ====================================================================

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


def _sgd_noise_replace_answer():
    G, b = _sgd_noise_data()
    full = G.mean(axis=0)
    errors = [np.sum((G[list(idx)].mean(axis=0) - full) ** 2)
              for idx in itertools.product(range(len(G)), repeat=b)]
    return float(np.mean(errors))


def _sigma2(G):
    return float(np.mean(np.sum((G - G.mean(axis=0)) ** 2, axis=1)))


def _noise_with_replacement(data):
    G, b = data
    return _sigma2(G) / b


def _noise_without_replacement(data):
    G, b = data
    n = len(G)
    return _sigma2(G) / b * (n - b) / (n - 1)


def _noise_correction_over_n(data):
    # the finite-population correction with n in the denominator instead of n - 1
    G, b = data
    n = len(G)
    return _sigma2(G) / b * (n - b) / n


def _noise_ddof1(data):
    # σ² with the sample variance's n - 1 (ddof = 1), then σ²/B
    G, b = data
    n = len(G)
    return _sigma2(G) * n / (n - 1) / b


def _sgd_scale_data() -> tuple[np.ndarray, int]:
    # the notes' convention: f = Σᵢ fᵢ (a sum over n = 6 points) and ĝ = Σ_{i ∈ B} ∇fᵢ, B = 2
    G = np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0], [-1.0, 1.5], [0.0, 1.0], [3.0, -2.0]])
    return G, 2


def _sgd_scale_answer():
    G, b = _sgd_scale_data()
    batch_sums = [G[list(idx)].sum(axis=0) for idx in itertools.combinations(range(len(G)), b)]
    return float(G.sum(axis=0)[0] / np.mean(batch_sums, axis=0)[0])


def _sgd_scale_bias(data):
    G, b = data
    return b / len(G)


def _sgd_scale_batch_mean(data):
    # 1/B: turning the batch sum into a batch mean, which is unbiased for the MEAN cost, not the sum
    _G, b = data
    return 1 / b


def _minibatch_code_data() -> None:
    return None


def _minibatch_reference(X, y, theta, indices):
    from ..optim.minibatch import LeastSquares

    return LeastSquares(X, y).minibatch_grad(theta, np.asarray(indices))


def _minibatch_cases(data) -> list:
    rng = np.random.default_rng(7)
    X = rng.normal(size=(8, 3))
    y = rng.normal(size=8)
    theta = np.array([0.5, -1.0, 2.0])
    return [
        Case("a batch of three rows, [0, 3, 5]", (X, y, theta, np.array([0, 3, 5]))),
        Case("a batch of one row, [6]", (X, y, theta, np.array([6]))),
        Case("the whole data set as the batch (the full gradient)", (X, y, theta, np.arange(8))),
        Case("a batch drawn with replacement, [2, 2, 4] (a repeated row counts twice)",
             (X, y, theta, np.array([2, 2, 4]))),
        Case("one feature (X of shape (8, 1))", (X[:, :1], y, theta[:1], np.array([1, 7]))),
    ]


def _minibatch_sum(data):
    def minibatch_grad(X, y, theta, indices):
        Xb = X[indices]
        return Xb.T @ (Xb @ theta - y[indices])

    return minibatch_grad


def _minibatch_over_n(data):
    def minibatch_grad(X, y, theta, indices):
        Xb = X[indices]
        return Xb.T @ (Xb @ theta - y[indices]) / len(X)

    return minibatch_grad


def _noise_code_data() -> None:
    return None


def _noise_reference(G, batch_size, replace):
    from ..optim.minibatch import gradient_noise

    return gradient_noise(G, batch_size, replace=replace)


def _noise_cases(data) -> list:
    rng = np.random.default_rng(3)
    G = rng.normal(size=(12, 3)) + np.array([1.0, -2.0, 0.5])
    return [
        Case("12 gradients, B = 4, without replacement", (G, 4, False)),
        Case("12 gradients, B = 4, with replacement", (G, 4, True)),
        Case("B = 1 without replacement", (G, 1, False)),
        Case("B = n = 12 without replacement (the whole data set)", (G, 12, False)),
        Case("B = n = 12 with replacement", (G, 12, True)),
        Case("two gradients in one dimension, B = 1", (np.array([[1.0], [3.0]]), 1, False)),
    ]


def _noise_never_corrected(data):
    def noise(G, batch_size, replace):
        return _sigma2(np.asarray(G, dtype=float)) / batch_size

    return noise


def _noise_over_n(data):
    def noise(G, batch_size, replace):
        n = len(G)
        s = _sigma2(np.asarray(G, dtype=float)) / batch_size
        return s if replace else s * (n - batch_size) / n

    return noise


@functools.cache
def _diabetes_problem():
    from sklearn.datasets import load_diabetes

    raw = load_diabetes()
    X = (raw.data - raw.data.mean(axis=0)) / raw.data.std(axis=0)
    y = (raw.target - raw.target.mean()) / raw.target.std()
    return X, y


def _floor_ratio_data() -> tuple[int, float, float]:
    return 10, 0.02, 0.01  # batch size, the chapter's η, half of it


def _lyapunov_floor(batch_size: int, lr: float) -> float:
    """½ tr(H P) with P the stationary covariance of θ - θ* under SGD with the noise at θ*."""
    from scipy.linalg import solve_discrete_lyapunov

    X, y = _diabetes_problem()
    n = len(X)
    H = X.T @ X / n
    theta = np.linalg.solve(X.T @ X, X.T @ y)
    G = (X @ theta - y)[:, None] * X
    C = np.cov(G.T, bias=True) * (n - batch_size) / (n - 1) / batch_size
    M = np.eye(len(H)) - lr * H
    P = solve_discrete_lyapunov(M, lr**2 * C)
    return float(0.5 * np.trace(H @ P))


def _floor_ratio_answer():
    b, lr, lr_half = _floor_ratio_data()
    return _lyapunov_floor(b, lr_half) / _lyapunov_floor(b, lr)


def _floor_ratio_squared(data):
    _b, lr, lr_half = data
    return (lr_half / lr) ** 2


def _floor_ratio_sqrt(data):
    _b, lr, lr_half = data
    return float(np.sqrt(lr_half / lr))


# === momentum =======================================================================================

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


def _heavy_ball_beta_not_squared(data):
    mu, L = data
    k = np.sqrt(L / mu)
    return np.array([4 / (np.sqrt(L) + np.sqrt(mu)) ** 2, (k - 1) / (k + 1)])


def _heavy_ball_gd_lr(data):
    # gradient descent's best learning rate 2/(μ + L) kept, with the momentum β*
    mu, L = data
    k = np.sqrt(L / mu)
    return np.array([2 / (mu + L), ((k - 1) / (k + 1)) ** 2])


def _memory_data() -> float:
    return 0.99


def _memory_answer():
    import sympy as sp

    j = sp.symbols("j", integer=True, nonnegative=True)
    beta = sp.nsimplify(_memory_data())
    return float(sp.summation(beta**j, (j, 0, sp.oo)))


def _memory_from_one(beta):
    # the sum started at j = 1: the current gradient's weight β⁰ = 1 left out
    return beta / (1 - beta)


def _memory_half_life(beta):
    return float(np.log(2) / -np.log(beta))


def _nesterov_bound_data() -> float:
    return 0.5  # β; the answer is the largest h = ηλ


def _nesterov_radius_at(h: float, beta: float) -> float:
    # torch's Nesterov on f = ½λx² in the variables (x, v), with h = ηλ and λ = 1
    M = np.array([[1 - h * (1 + beta), -h * beta * beta], [1.0, beta]])
    return float(np.max(np.abs(np.linalg.eigvals(M))))


def _nesterov_bound_answer():
    beta = _nesterov_bound_data()
    lo, hi = 1e-6, 10.0
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if _nesterov_radius_at(mid, beta) < 1 else (lo, mid)
    return float(lo)


def _nesterov_bound_heavy_ball(beta):
    return 2 * (1 + beta)


def _nesterov_bound_gd(beta):
    return 2.0


def _momentum_code_data() -> dict:
    return {"lr": 0.05, "beta": 0.9}


def _momentum_reference(grad, x0, n_steps, lr, beta):
    from ..optim import momentum, run

    return run(momentum(lr, beta), grad, x0, n_steps).iterates


def _nesterov_reference(grad, x0, n_steps, lr, beta):
    from ..optim import nesterov, run

    return run(nesterov(lr, beta), grad, x0, n_steps).iterates


def _momentum_cases(data) -> list:
    lr, beta = data["lr"], data["beta"]
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    return [
        Case("one step from (1, -2) on f(x) = ½ xᵀAx (the velocity starts at zero)",
             (lambda x: A @ x, np.array([1.0, -2.0]), 1, lr, beta)),
        Case("forty steps on the same quadratic", (lambda x: A @ x, np.array([1.0, -2.0]), 40, lr, beta)),
        Case("a constant gradient (1, -2), six steps (the velocity builds up)",
             (lambda x: np.array([1.0, -2.0]), np.array([0.0, 0.0]), 6, lr, beta)),
        Case("β = 0 (plain gradient descent), three steps",
             (lambda x: A @ x, np.array([1.0, -2.0]), 3, lr, 0.0)),
        Case("one dimension, f(x) = x⁴/4, five steps", (lambda x: x**3, np.array([1.5]), 5, lr, beta)),
        Case("zero steps (only x₀ comes back)", (lambda x: A @ x, np.array([1.0, -2.0]), 0, lr, beta)),
    ]


def _momentum_loop(rule):
    def run_it(grad, x0, n_steps, lr, beta):
        x = np.array(x0, dtype=float)
        v = np.zeros_like(x)
        out = [x.copy()]
        for _ in range(n_steps):
            x, v = rule(x, v, grad(x), lr, beta)
            out.append(x.copy())
        return np.array(out)

    return run_it


def _momentum_dampened(data):
    # torch's dampening = β: v ← βv + (1 - β)g, an average instead of a sum
    return _momentum_loop(lambda x, v, g, lr, b: (x - lr * (b * v + (1 - b) * g), b * v + (1 - b) * g))


def _momentum_stale(data):
    # the step taken with the old velocity, then the velocity updated
    return _momentum_loop(lambda x, v, g, lr, b: (x - lr * v, b * v + g))


def _nesterov_as_heavy_ball(data):
    return _momentum_loop(lambda x, v, g, lr, b: (x - lr * (b * v + g), b * v + g))


def _nesterov_no_beta(data):
    # x ← x - η(g + v'): the look-ahead's factor β forgotten
    return _momentum_loop(lambda x, v, g, lr, b: (x - lr * (g + (b * v + g)), b * v + g))


def _best_beta_data() -> tuple[tuple[float, float], float]:
    return (1.0, 50.0), 0.035  # the valley's curvatures, and the chapter's learning rate


def _heavy_ball_radius_own(lams, lr, beta) -> float:
    # max over λ of the roots of z² - (1 + β - ηλ) z + β
    return max(float(np.max(np.abs(np.roots([1.0, -(1 + beta - lr * lam), beta])))) for lam in lams)


def _best_beta_answer():
    from scipy.optimize import minimize_scalar

    lams, lr = _best_beta_data()
    best = minimize_scalar(lambda b: _heavy_ball_radius_own(lams, lr, b), bounds=(0.0, 0.99),
                           method="bounded", options={"xatol": 1e-10})
    return float(best.x)


def _best_beta_steep(data):
    (_mu, L), lr = data
    return float((np.sqrt(lr * L) - 1) ** 2)


def _best_beta_rate(data):
    (mu, _L), lr = data
    return float(1 - np.sqrt(lr * mu))


# === RMSprop and Adam ===============================================================================

def _adam_first_step_data() -> tuple[float, np.ndarray, np.ndarray]:
    return 0.01, np.array([1.0, 1.0]), np.array([3.0, -0.5])  # lr, x₀, ∇f(x₀)


def _adam_first_step_answer():
    import torch

    lr, x0, g = _adam_first_step_data()
    path = _torch_run(lambda ps: torch.optim.Adam(ps, lr=lr), lambda x: g, x0, 1)
    return path[1] - path[0]


def _adam_first_step_notes(data):
    # m̂ = m/(1 - β₁) and the update divided by √s (uncorrected): η/√(1 - β₂) per coordinate
    lr, _x0, g = data
    m_hat = (0.1 * g) / 0.1
    return -lr * m_hat / (np.sqrt(0.001 * g * g) + 1e-8)


def _adam_first_step_uncorrected(data):
    lr, _x0, g = data
    return -lr * (0.1 * g) / (np.sqrt(0.001 * g * g) + 1e-8)


def _adam_m3_data() -> tuple[list[int], float]:
    return [1, 2, 3], 0.9  # gradients g₁, g₂, g₃ and β₁


def _adam_m3_answer():
    import sympy as sp

    grads, b = _adam_m3_data()
    beta1 = sp.nsimplify(b)
    m = sp.Integer(0)
    for g in grads:
        m = beta1 * m + (1 - beta1) * g
    return float(m / (1 - beta1 ** len(grads)))


def _m3_raw(data):
    grads, b = data
    m = 0.0
    for g in grads:
        m = b * m + (1 - b) * g
    return m


def _adam_m3_notes(data):
    return _m3_raw(data) / (1 - data[1])


def _adam_m3_uncorrected(data):
    return _m3_raw(data)


def _adam_m3_plain_mean(data):
    return float(np.mean(data[0]))


def _rmsprop_first_step_data() -> tuple[float, float, float]:
    return 0.01, 0.99, -0.2  # η, α, the first gradient (one parameter)


def _rmsprop_first_step_answer():
    import torch

    lr, alpha, g = _rmsprop_first_step_data()
    path = _torch_run(lambda ps: torch.optim.RMSprop(ps, lr=lr, alpha=alpha), lambda x: np.array([g]),
                      np.array([0.0]), 1)
    return float(path[1, 0] - path[0, 0])


def _rmsprop_first_step_steady(data):
    # s taken at its steady value g²: a step of length η, true only after many steps
    lr, _alpha, g = data
    return float(-lr * np.sign(g))


def _rmsprop_first_step_times(data):
    # multiplied by √(1 - α) instead of divided by it
    lr, alpha, g = data
    return float(-lr * np.sign(g) * np.sqrt(1 - alpha))


def _adam_code_data() -> dict:
    return {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}


def _adam_reference(grad, x0, n_steps, lr, beta1, beta2, eps):
    from ..optim import adam, run

    return run(adam(lr, beta1, beta2, eps), grad, x0, n_steps).iterates


def _adam_cases(data) -> list:
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


def _rmsprop_code_data() -> dict:
    return {"lr": 0.01, "alpha": 0.99, "eps": 1e-8}


def _rmsprop_reference(grad, x0, n_steps, lr, alpha, eps):
    from ..optim import rmsprop, run

    return run(rmsprop(lr, alpha, eps), grad, x0, n_steps).iterates


def _rmsprop_cases(data) -> list:
    hp = (data["lr"], data["alpha"], data["eps"])
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    return [
        Case("one step from (1, -2) on f(x) = ½ xᵀAx (s starts at zero)",
             (lambda x: A @ x, np.array([1.0, -2.0]), 1, *hp)),
        Case("fifty steps on the same quadratic", (lambda x: A @ x, np.array([1.0, -2.0]), 50, *hp)),
        Case("a constant gradient (3, -0.5) for five steps",
             (lambda x: np.array([3.0, -0.5]), np.array([0.0, 0.0]), 5, *hp)),
        Case("a tiny gradient, 1e-6 times the quadratic's (where ε matters)",
             (lambda x: 1e-6 * (A @ x), np.array([1.0, -2.0]), 5, *hp)),
        Case("α = 0.9, in three dimensions",
             (lambda x: x**3, np.array([1.0, -1.0, 0.5]), 3, 0.05, 0.9, 1e-8)),
        Case("zero steps (only x₀ comes back)", (lambda x: A @ x, np.array([1.0, -2.0]), 0, *hp)),
    ]


def _rmsprop_loop(average, eps_inside=False, corrected=False):
    def run_rmsprop(grad, x0, n_steps, lr, alpha, eps):
        x = np.array(x0, dtype=float)
        s = np.zeros_like(x)
        out = [x.copy()]
        for t in range(1, n_steps + 1):
            g = grad(x)
            s = average(s, g, alpha)
            s_used = s / (1 - alpha**t) if corrected else s
            x = x - lr * g / (np.sqrt(s_used + eps) if eps_inside else np.sqrt(s_used) + eps)
            out.append(x.copy())
        return np.array(out)

    return run_rmsprop


def _rmsprop_eps_inside(data):
    return _rmsprop_loop(lambda s, g, a: a * s + (1 - a) * g * g, eps_inside=True)


def _rmsprop_no_one_minus_alpha(data):
    return _rmsprop_loop(lambda s, g, a: a * s + g * g)


def _rmsprop_bias_corrected(data):
    return _rmsprop_loop(lambda s, g, a: a * s + (1 - a) * g * g, corrected=True)


def _notes_peak_data() -> tuple[float, float]:
    return 0.9, 0.98  # β₁, β₂


def _notes_factor(t, b1, b2):
    return (1 - b1**t) / ((1 - b1) * np.sqrt(1 - b2**t))


def _notes_peak_answer():
    import mpmath

    with mpmath.workdps(40):  # exact β's as decimal strings, 40 digits: an independent evaluation
        b1, b2 = (mpmath.mpf(str(b)) for b in _notes_peak_data())
        values = [(1 - b1**t) / ((1 - b1) * mpmath.sqrt(1 - b2**t)) for t in range(1, 400)]
        return float(max(values))


def _notes_peak_default_beta2(data):
    b1, _ = data
    t = np.arange(1, 5000)
    return float(np.max(_notes_factor(t, b1, 0.999)))


def _notes_peak_limit(data):
    b1, _ = data
    return 1 / (1 - b1)


def _notes_peak_first(data):
    b1, b2 = data
    return float(_notes_factor(1, b1, b2))


# === the playground =================================================================================

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


def _nesterov_max_lr_heavy_ball(data):
    beta, L = data
    return 2 * (1 + beta) / L


def _nesterov_max_lr_gd(data):
    _beta, L = data
    return 2 / L


def _valley_edge_data() -> np.ndarray:
    # the playground's valley: curvatures 1 and 50, turned by 30°
    c, s = np.cos(np.pi / 6), np.sin(np.pi / 6)
    R = np.array([[c, -s], [s, c]])
    return R @ np.diag([1.0, 50.0]) @ R.T


def _valley_edge_answer():
    return float(2 / np.max(np.linalg.eigvalsh(_valley_edge_data())))


def _valley_edge_flat(A):
    return float(2 / np.min(np.linalg.eigvalsh(A)))


def _valley_edge_entry(A):
    # 2 divided by the largest ENTRY of the turned Hessian, not its largest eigenvalue
    return float(2 / np.max(A))


_SADDLE_START = (-1.8, 1e-3)


def _saddle_escape_data() -> dict:
    # the playground's defaults on the saddle f = ½x² - ½y² + ¼y⁴, and its start
    return {"lr": 0.1, "lr_adaptive": 0.05, "beta": 0.9, "alpha": 0.99, "beta1": 0.9, "beta2": 0.999,
            "start": _SADDLE_START, "n_steps": 100, "threshold": 0.5}


def _saddle_grad(x):
    return np.array([x[0], -x[1] + x[1] ** 3])


def _numpy_run(kind: str, hp: dict, grad, x0, n_steps: int) -> np.ndarray:
    """The iterates of torch.optim's SGD, SGD(momentum), SGD(nesterov), RMSprop or Adam, written out
    in numpy from torch's documented algorithms (a second implementation, independent of the
    package's; ``tests/test_optim_exercises.py`` checks it against torch.optim itself)."""
    x = np.array(x0, dtype=float)
    buf, s, m = np.zeros_like(x), np.zeros_like(x), np.zeros_like(x)
    out = [x.copy()]
    for t in range(1, n_steps + 1):
        g = grad(x)
        if kind == "sgd":
            x = x - hp["lr"] * g
        elif kind in ("momentum", "nesterov"):
            buf = hp["beta"] * buf + g
            x = x - hp["lr"] * (g + hp["beta"] * buf if kind == "nesterov" else buf)
        elif kind == "rmsprop":
            s = hp["alpha"] * s + (1 - hp["alpha"]) * g * g
            x = x - hp["lr"] * g / (np.sqrt(s) + 1e-8)
        else:  # adam
            m = hp["beta1"] * m + (1 - hp["beta1"]) * g
            s = hp["beta2"] * s + (1 - hp["beta2"]) * g * g
            denom = np.sqrt(s) / np.sqrt(1 - hp["beta2"] ** t) + 1e-8
            x = x - hp["lr"] / (1 - hp["beta1"] ** t) * m / denom
        out.append(x.copy())
    return np.array(out)


def _saddle_runs(d, rmsprop_like_adam=False) -> list[np.ndarray]:
    runs = [
        _numpy_run("sgd", {"lr": d["lr"]}, _saddle_grad, d["start"], d["n_steps"]),
        _numpy_run("momentum", {"lr": d["lr"], "beta": d["beta"]}, _saddle_grad, d["start"], d["n_steps"]),
        _numpy_run("nesterov", {"lr": d["lr"], "beta": d["beta"]}, _saddle_grad, d["start"], d["n_steps"]),
        # RMSprop, or (for the mistake) a bias-corrected RMSprop: Adam with β₁ = 0 and β₂ = α
        _numpy_run("adam", {"lr": d["lr_adaptive"], "beta1": 0.0, "beta2": d["alpha"]}, _saddle_grad,
                   d["start"], d["n_steps"]) if rmsprop_like_adam else
        _numpy_run("rmsprop", {"lr": d["lr_adaptive"], "alpha": d["alpha"]}, _saddle_grad, d["start"],
                   d["n_steps"]),
        _numpy_run("adam", {"lr": d["lr_adaptive"], "beta1": d["beta1"], "beta2": d["beta2"]},
                   _saddle_grad, d["start"], d["n_steps"]),
    ]
    return runs


def _escape_steps(runs, d) -> np.ndarray:
    return np.array([int(np.argmax(np.abs(path[:, 1]) > d["threshold"])) for path in runs], dtype=float)


@functools.cache
def _saddle_escape_answer():
    d = _saddle_escape_data()
    return _escape_steps(_saddle_runs(d), d)


def _saddle_escape_off_by_one(d):
    return _saddle_escape_answer() + 1


def _saddle_escape_rmsprop_as_length_eta(d):
    # RMSprop's early steps taken to have length about η (as bias-corrected Adam's with β₁ = 0 do)
    return _escape_steps(_saddle_runs(d, rmsprop_like_adam=True), d)


def _himmelblau_data() -> dict:
    return {"start": (0.0, -1.0), "lr": 0.1, "beta1": 0.9, "beta2": 0.999, "n_steps": 2000,
            "lr_gd": 0.01}


def _himmelblau(x):
    return (x[0] ** 2 + x[1] - 11) ** 2 + (x[0] + x[1] ** 2 - 7) ** 2


def _himmelblau_grad(x):
    a, b = x[0] ** 2 + x[1] - 11, x[0] + x[1] ** 2 - 7
    return np.array([4 * x[0] * a + 2 * b, 2 * a + 4 * x[1] * b])


def _polish(x):
    from scipy.optimize import minimize

    return minimize(_himmelblau, x, jac=_himmelblau_grad, method="BFGS", options={"gtol": 1e-12}).x


def _himmelblau_answer():
    d = _himmelblau_data()
    path = _numpy_run("adam", {"lr": d["lr"], "beta1": d["beta1"], "beta2": d["beta2"]},
                      _himmelblau_grad, d["start"], d["n_steps"])
    return _polish(path[-1])


def _himmelblau_gd_minimum(d):
    path = _numpy_run("sgd", {"lr": d["lr_gd"]}, _himmelblau_grad, d["start"], d["n_steps"])
    return _polish(path[-1])


def _radius_code_data() -> None:
    return None


def _heavy_ball_radius_reference(eigenvalues, lr, beta):
    from ..optim import rates

    return rates.spectral_radius(rates.heavy_ball_iteration_matrix(np.diag(eigenvalues), lr, beta))


def _radius_cases(data) -> list:
    return [
        Case("eigenvalues (1, 10), η = 0.1, β = 0.5", (np.array([1.0, 10.0]), 0.1, 0.5)),
        Case("eigenvalues (1, 10), η = 0.02, β = 0.3 (real roots for λ = 1)",
             (np.array([1.0, 10.0]), 0.02, 0.3)),
        Case("one eigenvalue 4, η = 0.9, β = 0.9 (unstable: ηλ > 2(1 + β))", (np.array([4.0]), 0.9, 0.9)),
        Case("β = 0 (gradient descent), eigenvalues (1, 10), η = 0.15", (np.array([1.0, 10.0]), 0.15, 0.0)),
        Case("three eigenvalues (0.5, 2, 8), η = 0.1, β = 0.8", (np.array([0.5, 2.0, 8.0]), 0.1, 0.8)),
    ]


def _radius_sqrt_beta(data):
    def radius(eigenvalues, lr, beta):
        return float(np.sqrt(beta))

    return radius


def _radius_gd(data):
    def radius(eigenvalues, lr, beta):
        return float(np.max(np.abs(1 - lr * np.asarray(eigenvalues))))

    return radius


def _nesterov_radius_reference(eigenvalues, lr, beta):
    from ..optim.first_order import MomentumState, nesterov_update

    radii = []
    for lam in np.asarray(eigenvalues, dtype=float):
        # the update is linear in (x, v) for f = ½λx²: its matrix, column by column
        columns = []
        for x, v in ((1.0, 0.0), (0.0, 1.0)):
            x_new, state = nesterov_update(x, lam * x, MomentumState(v), lr, beta)
            columns.append([x_new, state.v])
        radii.append(np.max(np.abs(np.linalg.eigvals(np.array(columns).T))))
    return float(np.max(radii))


def _nesterov_radius_heavy_ball(data):
    def radius(eigenvalues, lr, beta):
        return _heavy_ball_radius_own(np.asarray(eigenvalues, dtype=float), lr, beta)

    return radius


#: Part 2's exercises, chapter by chapter.
EXERCISES = [
    # --- gradient descent ---
    Exercise(
        "opt-gd-max-lr", _gd_quadratic_data, _gd_max_lr_answer, sig(3),
        mistakes=(
            Mistake("you took the coefficients of f for the curvatures; f = ½θᵀAθ, so the curvatures "
                    "are twice the coefficients", _gd_max_lr_coefficients),
            Mistake("you used the smallest curvature; the steepest direction is the one that "
                    "diverges first", _gd_max_lr_smallest),
        ),
        expects="one number",
    ),
    Exercise(
        "opt-gd-best-lr", _gd_quadratic_data, _gd_best_lr_answer, sig(3),
        mistakes=(
            Mistake("η = 1/L makes the steep direction exact but leaves the flat one slow; the best "
                    "learning rate balances the two ends", _gd_best_lr_one_over_L),
            Mistake("you took the coefficients of f for the curvatures; they are the eigenvalues of A, "
                    "twice the coefficients", _gd_best_lr_coefficients),
        ),
        expects="a pair of numbers [eta, rho]",
    ),
    Exercise(
        "opt-gd-saddle-decade", _saddle_decade_data, _saddle_decade_answer, sig(3),
        mistakes=(
            Mistake("you replaced log(1 + η) by η; the growth factor per step is exactly 1 + η, and at "
                    "this η the approximation is off in the second digit", _saddle_decade_linearised),
            Mistake("the two logarithms must have the same base", _saddle_decade_log10),
        ),
        expects="one number (steps per factor of ten)",
    ),
    Exercise(
        "opt-gd-steep-rate", _steep_rate_data, _steep_rate_answer, sig(3),
        mistakes=(
            Mistake("that is the factor of the flat direction; near 2/L the steep direction, whose "
                    "factor 1 - ηλ is close to -1, is the slow one", _steep_rate_flat),
            Mistake("that is the best rate (κ − 1)/(κ + 1), which holds at η* only; this η is larger",
                    _steep_rate_best),
        ),
        expects="one number (the error's factor per step)",
    ),
    FunctionExercise(
        "opt-gd-code", _gd_code_data, _gd_reference, _gd_cases, relative(1e-9),
        mistakes=(
            Mistake("your steps go uphill: gradient descent subtracts η times the gradient",
                    _gd_uphill),
            Mistake("the starting point x₀ is missing: the iterates are x₀, x₁, …, x_n",
                    _gd_no_start),
        ),
        expects="a function gd_run(grad, x0, n_steps, lr) returning the iterates as an array of "
                "shape (n_steps + 1, d)",
        steps=Steps(),  # the result is the trajectory x₀, x₁, …: report the first wrong step
    ),
    FunctionExercise(
        "opt-gd-contraction-code", _contraction_data, _contraction_reference, _contraction_cases,
        relative(1e-9),
        mistakes=(
            Mistake("the factor along an eigenvalue λ is |1 - ηλ|: you dropped the absolute value, "
                    "so an oscillating direction looks harmless", _contraction_no_abs),
            Mistake("you looked at the largest eigenvalue only; the flat direction can be the slow one",
                    _contraction_steep_only),
        ),
        expects="a function contraction(A, lr) returning one number",
    ),
    # --- stochastic gradient descent ---
    Exercise(
        "opt-sgd-noise", _sgd_noise_data, _sgd_noise_answer, sig(3),
        mistakes=(
            Mistake("σ²/B is the noise of a batch drawn with replacement; two distinct examples are "
                    "slightly negatively correlated (the finite-population correction)",
                    _noise_with_replacement),
            Mistake("the finite-population correction divides by n − 1, not by n", _noise_correction_over_n),
        ),
        expects="one number",
    ),
    Exercise(
        "opt-sgd-noise-replace", _sgd_noise_data, _sgd_noise_replace_answer, sig(3),
        mistakes=(
            Mistake("that is the noise without replacement; drawn with replacement the two draws are "
                    "independent and no correction applies", _noise_without_replacement),
            Mistake("σ² here is the population's spread, an average over all n gradients (ddof = 0), "
                    "not the sample variance with n − 1", _noise_ddof1),
        ),
        expects="one number",
    ),
    Exercise(
        "opt-sgd-scale", _sgd_scale_data, _sgd_scale_answer, sig(3),
        mistakes=(
            Mistake("that is the bias factor of the notes' estimate (its expectation is that fraction "
                    "of the gradient); the correction must undo it", _sgd_scale_bias),
            Mistake("dividing by the batch size gives the batch mean, which is unbiased for the mean "
                    "cost, not for the notes' sum over all examples", _sgd_scale_batch_mean),
        ),
        expects="one number",
    ),
    FunctionExercise(
        "opt-sgd-minibatch-code", _minibatch_code_data, _minibatch_reference, _minibatch_cases,
        relative(1e-9),
        mistakes=(
            Mistake("you returned the sum over the batch (the notes' estimate); the book's minibatch "
                    "gradient is the mean over the batch", _minibatch_sum),
            Mistake("you divided by the size of the data set; average over the batch instead",
                    _minibatch_over_n),
        ),
        expects="a function minibatch_grad(X, y, theta, indices) returning a vector of shape "
                "(n_features,)",
    ),
    FunctionExercise(
        "opt-sgd-noise-code", _noise_code_data, _noise_reference, _noise_cases, relative(1e-9),
        mistakes=(
            Mistake("without replacement the noise needs the finite-population correction "
                    "(n - B)/(n - 1); it vanishes at B = n", _noise_never_corrected),
            Mistake("the finite-population correction divides by n − 1, not by n", _noise_over_n),
        ),
        expects="a function noise(G, batch_size, replace) returning one number",
    ),
    Exercise(
        "opt-sgd-floor-ratio", _floor_ratio_data, _floor_ratio_answer, sig(1),
        mistakes=(
            Mistake("each step adds noise of variance ∝ η², but the pull back to the minimum is ∝ η "
                    "too: the floor is their balance, not the noise of one step", _floor_ratio_squared),
            Mistake("the floor is an excess loss, a mean square: it scales like the variance of the "
                    "iterate, not its standard deviation", _floor_ratio_sqrt),
        ),
        expects="one number (a ratio)",
        # the solution gives the small-step law's ratio, floor ∝ η, exactly ½; the exact stationary
        # floors (a Lyapunov equation) differ from it by about 1% at these learning rates
        solution_precision=relative(3e-2),
    ),
    # --- momentum ---
    Exercise(
        "opt-heavy-ball-params", _heavy_ball_data, _heavy_ball_answer, sig(3),
        mistakes=(
            Mistake("that is the rate of convergence √β*, not the momentum parameter β* itself",
                    _heavy_ball_beta_not_squared),
            Mistake("gradient descent's best learning rate is not momentum's: with β > 0 the two "
                    "extreme curvatures sit where the roots become a double root", _heavy_ball_gd_lr),
        ),
        expects="a pair of numbers [eta, beta]",
    ),
    Exercise(
        "opt-momentum-memory", _memory_data, _memory_answer, sig(3),
        mistakes=(
            Mistake("you left out the newest gradient's own weight: the sum runs over every gradient, "
                    "the newest included", _memory_from_one),
            Mistake("that is the half-life of a gradient's weight, not the total weight",
                    _memory_half_life),
        ),
        expects="one number",
    ),
    Exercise(
        "opt-nesterov-bound", _nesterov_bound_data, _nesterov_bound_answer, sig(3),
        mistakes=(
            Mistake("that is heavy-ball momentum's bound; Nesterov's look-ahead breaks earlier",
                    _nesterov_bound_heavy_ball),
            Mistake("that is gradient descent's bound (β = 0)", _nesterov_bound_gd),
        ),
        expects="one number (the largest ηL)",
    ),
    FunctionExercise(
        "opt-momentum-code", _momentum_code_data, _momentum_reference, _momentum_cases, relative(1e-9),
        mistakes=(
            Mistake("you averaged (v ← βv + (1 − β)g, torch's dampening); the book's velocity is a "
                    "sum, v ← βv + g", _momentum_dampened),
            Mistake("you stepped with the old velocity; update v first, then step with the new one",
                    _momentum_stale),
        ),
        expects="a function momentum_run(grad, x0, n_steps, lr, beta) returning the iterates as an "
                "array of shape (n_steps + 1, d)",
        steps=Steps(),  # the result is the trajectory x₀, x₁, …: report the first wrong step
    ),
    FunctionExercise(
        "opt-nesterov-code", _momentum_code_data, _nesterov_reference, _momentum_cases, relative(1e-9),
        mistakes=(
            Mistake("that is heavy-ball momentum; torch's Nesterov step is η(g + βv) with the new "
                    "velocity v", _nesterov_as_heavy_ball),
            Mistake("the look-ahead step is η(g + βv): the new velocity enters multiplied by β",
                    _nesterov_no_beta),
        ),
        expects="a function nesterov_run(grad, x0, n_steps, lr, beta) returning the iterates as an "
                "array of shape (n_steps + 1, d)",
        steps=Steps(),  # the result is the trajectory x₀, x₁, …: report the first wrong step
    ),
    Exercise(
        "opt-momentum-best-beta", _best_beta_data, _best_beta_answer, sig(2),
        mistakes=(
            Mistake("that β puts the steep direction on the boundary; the flat direction still has "
                    "real roots and converges slowly", _best_beta_steep),
            Mistake("that is the rate √β, not β", _best_beta_rate),
        ),
        expects="one number",
        # the solution reads the best β off a grid of step 1e-4 (as a reader would with the
        # chapter's figure); the radius is flat near its minimum, so the grid's best is within a
        # few steps of the exact one
        solution_precision=relative(5e-4),
    ),
    # --- RMSprop and Adam ---
    Exercise(
        "opt-adam-first-step", _adam_first_step_data, _adam_first_step_answer, sig(3),
        mistakes=(
            Mistake("you used the notes' rule (m divided by 1 − β₁, the update divided by the "
                    "uncorrected √s); look at what the second moment is at t = 1",
                    _adam_first_step_notes),
            Mistake("the bias corrections are missing: at t = 1 both averages are far too small, and "
                    "their ratio is off", _adam_first_step_uncorrected),
        ),
        expects="a vector of two numbers",
    ),
    Exercise(
        "opt-adam-m3", _adam_m3_data, _adam_m3_answer, sig(3),
        mistakes=(
            Mistake("you divided by the notes' 1 − β₁; the correction is 1 − β₁ᵗ, with t the number "
                    "of steps", _adam_m3_notes),
            Mistake("that is m₃ before the bias correction", _adam_m3_uncorrected),
            Mistake("that is the plain mean; the corrected average weights recent gradients more",
                    _adam_m3_plain_mean),
        ),
        expects="one number",
    ),
    Exercise(
        "opt-rmsprop-first-step", _rmsprop_first_step_data, _rmsprop_first_step_answer, sig(3),
        mistakes=(
            Mistake("you took s at its steady value g²; at the first step s has only its first term, "
                    "(1 − α)g²", _rmsprop_first_step_steady),
            Mistake("the factor √(1 − α) is on the wrong side of the fraction: s₁ = (1 − α)g² sits "
                    "under the square root in the denominator", _rmsprop_first_step_times),
        ),
        expects="one number (θ₁ − θ₀)",
    ),
    FunctionExercise(
        "opt-adam-code", _adam_code_data, _adam_reference, _adam_cases, relative(1e-9),
        mistakes=(
            Mistake("you divide by the seed's bias correction 1 − β instead of 1 − βᵗ: look at "
                    "what the first step becomes at t = 1", _adam_seed_correction),
            Mistake("the bias corrections 1 − β₁ᵗ and 1 − β₂ᵗ are missing from your steps",
                    _adam_no_correction),
            Mistake("ε is inside the square root; Adam (and torch) adds it after the root",
                    _adam_eps_inside),
        ),
        expects="a function adam_run(grad, x0, n_steps, lr, beta1, beta2, eps) returning the "
                "iterates as an array of shape (n_steps + 1, d)",
        steps=Steps(),  # the result is the trajectory x₀, x₁, …: report the first wrong step
    ),
    FunctionExercise(
        "opt-rmsprop-code", _rmsprop_code_data, _rmsprop_reference, _rmsprop_cases, relative(1e-9),
        mistakes=(
            Mistake("ε is inside the square root (the notes' form); torch adds it after the root",
                    _rmsprop_eps_inside),
            Mistake("the running average needs the factor 1 − α on the new squared gradient",
                    _rmsprop_no_one_minus_alpha),
            Mistake("RMSprop has no bias correction (Adam does); torch's RMSprop divides by the raw √s",
                    _rmsprop_bias_corrected),
        ),
        expects="a function rmsprop_run(grad, x0, n_steps, lr, alpha, eps) returning the iterates as "
                "an array of shape (n_steps + 1, d)",
        steps=Steps(),  # the result is the trajectory x₀, x₁, …: report the first wrong step
    ),
    Exercise(
        "opt-adam-notes-peak", _notes_peak_data, _notes_peak_answer, sig(3),
        mistakes=(
            Mistake("that is the peak for the default β₂; the exercise changes β₂",
                    _notes_peak_default_beta2),
            Mistake("that is the limit for large t, not the largest factor", _notes_peak_limit),
            Mistake("that is the factor of the first step; it keeps growing for a while",
                    _notes_peak_first),
        ),
        expects="one number (a factor)",
        # the solution runs the notes' update, with ε = 1e-8 added to √s; the answer's formula
        # leaves ε out, which changes the factor by about 1e-7 relative
        solution_precision=relative(1e-6),
    ),
    # --- the playground ---
    Exercise(
        "opt-nesterov-max-lr", _nesterov_data, _nesterov_max_lr_answer, sig(3),
        mistakes=(
            Mistake("that is heavy-ball momentum's limit; Nesterov's look-ahead breaks earlier",
                    _nesterov_max_lr_heavy_ball),
            Mistake("that is gradient descent's limit (β = 0)", _nesterov_max_lr_gd),
        ),
        expects="one number",
    ),
    Exercise(
        "opt-valley-edge", _valley_edge_data, _valley_edge_answer, sig(3),
        mistakes=(
            Mistake("you used the smallest curvature; the steep direction diverges first",
                    _valley_edge_flat),
            Mistake("the valley is turned: its curvatures are the eigenvalues of the Hessian, not "
                    "its entries", _valley_edge_entry),
        ),
        expects="one number",
    ),
    Exercise(
        "opt-saddle-escape", _saddle_escape_data, _saddle_escape_answer, exact(),
        mistakes=(
            Mistake("you counted the points of the path, the start among them, instead of the steps "
                    "taken", _saddle_escape_off_by_one),
            Mistake("RMSprop's first steps are not of length η: s starts at zero and has no bias "
                    "correction", _saddle_escape_rmsprop_as_length_eta),
        ),
        expects="five whole numbers, in the order GD, Momentum, Nesterov, RMSprop, Adam",
    ),
    Exercise(
        "opt-himmelblau-adam", _himmelblau_data, _himmelblau_answer, sig(3),
        mistakes=(
            Mistake("that is where gradient descent goes from this start; Adam's normalised steps "
                    "cross into another basin", _himmelblau_gd_minimum),
        ),
        expects="a vector of two numbers (the minimum's coordinates)",
    ),
    FunctionExercise(
        "opt-heavy-ball-radius-code", _radius_code_data, _heavy_ball_radius_reference, _radius_cases,
        relative(1e-6),
        mistakes=(
            Mistake("√β is the modulus only when the roots are complex; with real roots (a small or "
                    "a too large ηλ) one of them is larger", _radius_sqrt_beta),
            Mistake("that is gradient descent's factor |1 − ηλ|; momentum's recurrence has two roots "
                    "per eigenvalue", _radius_gd),
        ),
        expects="a function radius(eigenvalues, lr, beta) returning one number",
    ),
    FunctionExercise(
        "opt-nesterov-radius-code", _radius_code_data, _nesterov_radius_reference, _radius_cases,
        relative(1e-6),
        mistakes=(
            Mistake("that is heavy-ball momentum's radius; Nesterov's characteristic polynomial is "
                    "z² − (1 + β)(1 − ηλ)z + β(1 − ηλ)", _nesterov_radius_heavy_ball),
            Mistake("√β is the modulus only when the roots are complex", _radius_sqrt_beta),
        ),
        expects="a function radius(eigenvalues, lr, beta) returning one number",
    ),
]
