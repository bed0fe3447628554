"""Exercises of Part 6, *Theory of deep learning*.

Every expected answer is computed by a route independent of the formula the chapter's solution
uses: an expectation integrated by sympy or by quadrature instead of the closed-form kernel, a
sympy minimization instead of the spectral formula, a direct simulation of gradient descent
instead of the pseudo-inverse, a limit instead of the approximation 1/(ητ). The coding exercises
are judged against the package's implementations, which tests/test_theory_*.py check against
scipy, numpy and torch.
"""

from __future__ import annotations

import functools

import numpy as np

from ._core import Case, Exercise, FunctionExercise, Mistake, relative, sig

__all__ = ["EXERCISES"]


# --- the neural tangent kernel ----------------------------------------------------------------------

def _ntk_orthogonal_data():
    return np.array([[1.0, 0.0]]), np.array([[0.0, 1.0]])


@functools.cache
def _ntk_orthogonal_answer():
    # K∞(x, x') = E[relu(wᵀu) relu(wᵀu')] + uᵀu' E[1(wᵀu > 0) 1(wᵀu' > 0)], w ~ N(0, I), u = x/√d.
    # For x = e₁, x' = e₂ the two inner products are independent standard normals divided by √2,
    # so the first term is (E relu(z))² / 2, integrated by sympy; the second vanishes (uᵀu' = 0).
    import sympy as sp

    z = sp.Symbol("z", real=True)
    mean_relu = sp.integrate(z * sp.exp(-z**2 / 2) / sp.sqrt(2 * sp.pi), (z, 0, sp.oo))
    x, xp = _ntk_orthogonal_data()
    d = x.shape[1]
    inner = sp.Rational(int(x[0] @ xp[0]), d)
    return float(mean_relu**2 / d + inner * sp.Rational(1, 4))


def _ntk_no_sqrt_d(data):
    return 2 * _ntk_orthogonal_answer()          # u = x instead of x/√d: each factor √2 too large


def _ntk_activation_probability(data):
    return 0.5 * 0.5 ** 2                        # E relu(z) replaced by P(z > 0) = ½


def _ntk_hidden_term_kept(data):
    return _ntk_orthogonal_answer() + 0.5 * 0.25  # the degree-0 term without its factor uᵀu' = 0


def _circle_points():
    phi = np.linspace(0, 2 * np.pi, 8, endpoint=False) + 0.2
    return np.c_[np.cos(phi), np.sin(phi), np.ones_like(phi)]


def _ntk_eigen_data():
    """The chapter's eight training inputs on the circle; the learning rate is η = 1/λ_max(K∞)."""
    return _circle_points()


def _k_inf_by_quadrature(X: np.ndarray) -> np.ndarray:
    """K∞ of TwoLayerReLU by integrating its definition, not by the arc-cosine closed form.

    In the plane of u and u' the Gaussian w has a uniform direction φ and E r² = 2, so
    E[relu(wᵀu) relu(wᵀu')] = ‖u‖‖u'‖/π ∫ relu(cos φ) relu(cos(φ - ϑ)) dφ and
    E[1 1] = (1/2π) ∫ 1(cos φ > 0) 1(cos(φ - ϑ) > 0) dφ, both integrated by scipy's quad.
    """
    from scipy.integrate import quad

    U = X / np.sqrt(X.shape[1])
    n = U.shape[0]
    K = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            nu, nv = np.linalg.norm(U[i]), np.linalg.norm(U[j])
            cos = np.clip(U[i] @ U[j] / (nu * nv), -1.0, 1.0)
            theta = float(np.arccos(cos))
            breaks = sorted({np.pi / 2, 3 * np.pi / 2, (theta + np.pi / 2) % (2 * np.pi),
                             (theta + 3 * np.pi / 2) % (2 * np.pi)})
            f1 = quad(lambda p, th=theta: max(np.cos(p), 0.0) * max(np.cos(p - th), 0.0),
                      0, 2 * np.pi, points=breaks, limit=200, epsabs=1e-13)[0]
            f0 = quad(lambda p, th=theta: float(np.cos(p) > 0 and np.cos(p - th) > 0),
                      0, 2 * np.pi, points=breaks, limit=200, epsabs=1e-13)[0]
            K[i, j] = nu * nv / np.pi * f1 + (U[i] @ U[j]) * f0 / (2 * np.pi)
    return K


@functools.cache
def _ntk_eigen_answer():
    lam = np.linalg.eigvalsh(_k_inf_by_quadrature(_ntk_eigen_data()))
    lr = 1.0 / lam.max()
    return float(1.0 / (lr * lam.min()))         # the e-folding time of the slowest direction


def _ntk_eigen_half_life(data):
    return float(np.log(2) * _ntk_eigen_answer())


def _ntk_eigen_fastest(data):
    return 1.0                                   # 1/(ηλ_max) with η = 1/λ_max


def _flow_data():
    return np.random.default_rng(6)


def _flow_reference(K, f0, y, lr, t):
    from mlcourse.theory import ntk

    return ntk.flow_solution(K, f0, y, lr, t)


def _flow_cases(rng):
    M = rng.normal(size=(4, 4))
    K = M @ M.T / 4
    v = rng.normal(size=(4, 1))
    K_singular = v @ v.T + np.diag([0.0, 0.0, 0.0, 0.0])     # rank one: three directions never move
    f0, y = rng.normal(size=4), rng.normal(size=4)
    return [
        Case("a 4×4 kernel, η = 0.3 at t = 2", (K, f0, y, 0.3, 2.0)),
        Case("t = 0 (the outputs must still be f₀)", (K, f0, y, 0.3, 0.0)),
        Case("η = 1 at t = 0.5", (K, f0, y, 1.0, 0.5)),
        Case("a rank-one kernel (residuals outside its range never decay)", (K_singular, f0, y, 0.5, 3.0)),
        Case("a 1×1 kernel", (np.array([[2.0]]), np.array([1.0]), np.array([-1.0]), 0.25, 1.0)),
        Case("a long time (the outputs reach the targets along the kernel's range)",
             (K, f0, y, 0.3, 200.0)),
    ]


def _flow_entrywise(rng):
    def wrong(K, f0, y, lr, t):
        return y + np.exp(-lr * np.asarray(K) * t) @ (f0 - y)
    return wrong


def _flow_notes_form(rng):
    from scipy.linalg import expm

    def wrong(K, f0, y, lr, t):
        K = np.asarray(K)
        return expm(-K * t) @ f0 + (np.eye(K.shape[0]) - expm(-lr * K * t)) @ y
    return wrong


# --- explicit regularization ------------------------------------------------------------------------

def _l2_factors_data():
    return np.array([0.1, 1.0, 10.0]), 1.0


def _l2_factors_answer():
    return np.array(_l2_factors_exact())


@functools.cache
def _l2_factors_exact() -> tuple[float, ...]:
    # minimize ½ Σ λᵢ (wᵢ - 1)² + (α/2) Σ wᵢ² exactly (w* = (1, 1, 1) in the eigenbasis)
    import sympy as sp

    eigs, alpha = _l2_factors_data()
    lam = [sp.nsimplify(v) for v in eigs]
    a = sp.nsimplify(alpha)
    w = sp.symbols("w0:3", real=True)
    J = sum(li * (wi - 1) ** 2 for li, wi in zip(lam, w, strict=True)) / 2 + a / 2 * sum(wi**2 for wi in w)
    sol = sp.solve([sp.diff(J, wi) for wi in w], w, dict=True)[0]
    return tuple(float(sol[wi]) for wi in w)


def _l2_complement(data):
    eigs, alpha = data
    return alpha / (eigs + alpha)


def _l2_ratio(data):
    eigs, alpha = data
    return eigs / alpha


def _noise_penalty_data():
    return np.array([2.0, -1.0, 0.5]), np.array([0.1, 0.3, 1.0])


@functools.cache
def _noise_penalty_answer():
    # E[(Σᵢ wᵢ εᵢ)²] with independent εᵢ ~ N(0, σᵢ²), by sympy.stats (x = 0, t = 0: only the noise)
    import sympy as sp
    from sympy.stats import E, Normal

    w, sigma = _noise_penalty_data()
    eps = [Normal(f"eps{i}", 0, sp.nsimplify(s)) for i, s in enumerate(sigma)]
    total = sum(sp.nsimplify(wi) * ei for wi, ei in zip(w, eps, strict=True))
    return float(sp.simplify(E(sp.expand(total**2))))


def _noise_std_not_var(data):
    w, sigma = data
    return float(np.sum(w**2 * sigma))


def _noise_sum_then_square(data):
    w, sigma = data
    return float(np.sum(w * sigma) ** 2)


def _noise_w_not_squared(data):
    w, sigma = data
    return float(np.sum(w * sigma**2))


def _l2_code_data():
    return np.random.default_rng(27)


def _l2_reference(H, w_star, alpha):
    from mlcourse.theory import l2

    return l2.l2_minimizer(H, w_star, alpha)


def _l2_cases(rng):
    Q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    H = Q @ np.diag([0.01, 0.5, 2.0, 30.0]) @ Q.T
    H = (H + H.T) / 2
    w_star = rng.normal(size=4)
    H_singular = Q @ np.diag([0.0, 0.0, 1.0, 4.0]) @ Q.T
    H_singular = (H_singular + H_singular.T) / 2
    return [
        Case("a diagonal Hessian", (np.diag([0.1, 1.0, 10.0]), np.array([1.0, -2.0, 0.5]), 1.0)),
        Case("a rotated 4×4 Hessian, α = 0.3", (H, w_star, 0.3)),
        Case("a Hessian with two flat directions (eigenvalue 0)", (H_singular, w_star, 0.5)),
        Case("a strong penalty, α = 1000", (H, w_star, 1000.0)),
        Case("one parameter", (np.array([[3.0]]), np.array([2.0]), 1.0)),
    ]


def _l2_wrong_complement(rng):
    def wrong(H, w_star, alpha):
        return alpha * np.linalg.solve(np.asarray(H) + alpha * np.eye(len(w_star)), w_star)
    return wrong


def _l2_wrong_no_q(rng):
    def wrong(H, w_star, alpha):
        lam = np.linalg.eigvalsh(H)
        return lam / (lam + alpha) * np.asarray(w_star)
    return wrong


def _l2_wrong_missing_h(rng):
    def wrong(H, w_star, alpha):
        return np.linalg.solve(np.asarray(H) + alpha * np.eye(len(w_star)), w_star)
    return wrong


# --- implicit bias ----------------------------------------------------------------------------------

def _min_norm_data():
    """One equation x₁ + x₂ = 2 (A, b) and the start x₀ = (3, 0)."""
    return np.array([[1.0, 1.0]]), np.array([2.0]), np.array([3.0, 0.0])


def _min_norm_answer():
    # run gradient descent itself (step 0.2, well inside 0 < η < 2/‖A‖² = 1) to convergence
    A, b, x0 = _min_norm_data()
    x = x0.copy()
    for _ in range(400):
        x = x - 0.2 * A.T @ (A @ x - b)
    return x


def _min_norm_ignores_start(data):
    A, b, _ = data
    return np.linalg.pinv(A) @ b


def _min_norm_adds_start(data):
    A, b, x0 = data
    return x0 + np.linalg.pinv(A) @ b


def _min_norm_keeps_row_part(data):
    A, b, x0 = data
    P_row = np.linalg.pinv(A) @ A
    return P_row @ x0 + np.linalg.pinv(A) @ b


def _early_stop_data():
    return 0.01, 500


@functools.cache
def _early_stop_answer():
    # the α that matches the early-stopping factor exactly, α = λ r / (1 - r) with r = (1 - ηλ)^τ,
    # in the limit of a flat direction λ → 0 (sympy), not the first-order formula 1/(ητ)
    import sympy as sp

    lr, tau = _early_stop_data()
    lam = sp.Symbol("lambda", positive=True)
    r = (1 - sp.nsimplify(lr) * lam) ** tau
    return float(sp.limit(lam * r / (1 - r), lam, 0))


def _early_stop_product(data):
    lr, tau = data
    return lr * tau


def _early_stop_no_lr(data):
    _lr, tau = data
    return 1.0 / tau


def _gd_limit_code_data():
    return np.random.default_rng(28)


def _gd_limit_reference(A, b, x0):
    from mlcourse.theory import min_norm

    return min_norm.gd_limit(A, b, x0)


def _gd_limit_cases(rng):
    A = rng.normal(size=(3, 6))
    b = rng.normal(size=3)
    x0 = rng.normal(size=6)
    null = x0 - np.linalg.pinv(A) @ (A @ x0)
    return [
        Case("one equation in two unknowns, from (3, 0)", (np.array([[1.0, 1.0]]), np.array([2.0]),
                                                          np.array([3.0, 0.0]))),
        Case("3 equations in 6 unknowns, from zero", (A, b, np.zeros(6))),
        Case("3 equations in 6 unknowns, from a random start", (A, b, x0)),
        Case("a start in the null space of A", (A, b, null)),
        Case("a start that already solves the equations", (A, A @ x0, x0)),
    ]


def _gd_limit_wrong_pinv(rng):
    def wrong(A, b, x0):
        return np.linalg.pinv(A) @ b
    return wrong


def _gd_limit_wrong_add(rng):
    def wrong(A, b, x0):
        return x0 + np.linalg.pinv(A) @ b
    return wrong


def _gd_limit_wrong_row(rng):
    def wrong(A, b, x0):
        P = np.linalg.pinv(A) @ A
        return P @ x0 + np.linalg.pinv(A) @ b
    return wrong


# --- the implicit regularization of SGD -------------------------------------------------------------

def _modified_quadratic_data():
    return 2.0, 0.1


@functools.cache
def _modified_quadratic_answer():
    # differentiate the modified loss C + (η/4) C'² of C = (λ/2) ω² with sympy: the flow is
    # ω' = -C̃'(ω) = -r ω
    import sympy as sp

    lam, eps = (sp.nsimplify(v) for v in _modified_quadratic_data())
    w = sp.Symbol("omega", real=True)
    C = lam / 2 * w**2
    C_mod = C + eps / 4 * sp.diff(C, w) ** 2
    return float(sp.simplify(sp.diff(C_mod, w) / w))


def _modified_original(data):
    lam, _eps = data
    return lam


def _modified_half_derivative(data):
    lam, eps = data
    return lam * (1 + eps * lam / 4)


def _modified_exact_gd(data):
    lam, eps = data
    return -np.log(1 - eps * lam) / eps


def _modified_code_data():
    return np.random.default_rng(29)


def _modified_reference(g, H, lr):
    from mlcourse.theory import modified_loss

    g = np.asarray(g, dtype=np.float64)
    return modified_loss.modified_gradient_gd(lambda w: g, lambda w: np.asarray(H), lr)(g)


def _modified_cases(rng):
    M = rng.normal(size=(3, 3))
    H = M @ M.T
    return [
        Case("one parameter, C = ω² at ω = 1", (np.array([2.0]), np.array([[2.0]]), 0.1)),
        Case("three parameters, η = 0.05", (rng.normal(size=3), H, 0.05)),
        Case("a zero gradient (a stationary point)", (np.zeros(3), H, 0.05)),
        Case("an indefinite Hessian (a saddle)", (np.array([1.0, -2.0]),
                                                   np.array([[1.0, 0.0], [0.0, -3.0]]), 0.2)),
    ]


def _modified_wrong_quarter(rng):
    def wrong(g, H, lr):
        return np.asarray(g) + lr / 4 * np.asarray(H) @ g
    return wrong


def _modified_wrong_sign(rng):
    def wrong(g, H, lr):
        return np.asarray(g) - lr / 2 * np.asarray(H) @ g
    return wrong



# --- second-edition exercises ----------------------------------------------------------------------

# the neural tangent kernel: the kernel of TwoLayerReLU from its weights, by hand

def _ntk_code_data():
    return np.random.default_rng(26)


def _ntk_reference(W, a, X):
    import torch

    from mlcourse.theory import ntk

    W, a, X = (np.asarray(v, dtype=np.float64) for v in (W, a, X))
    net = ntk.TwoLayerReLU(W.shape[1], W.shape[0])
    with torch.no_grad():
        net.hidden.weight.copy_(torch.tensor(W))
        net.output.weight.copy_(torch.tensor(a)[None, :])
    return ntk.empirical_ntk(net, X).numpy()


def _ntk_cases(rng):
    return [
        Case("width 5, three inputs in two dimensions", (rng.normal(size=(5, 2)), rng.normal(size=5),
                                                         rng.normal(size=(3, 2)))),
        Case("width 1 (a single hidden unit)", (rng.normal(size=(1, 3)), rng.normal(size=1),
                                                 rng.normal(size=(4, 3)))),
        Case("one input", (rng.normal(size=(8, 3)), rng.normal(size=8), rng.normal(size=(1, 3)))),
        Case("width 50, six inputs in four dimensions", (rng.normal(size=(50, 4)), rng.normal(size=50),
                                                         rng.normal(size=(6, 4)))),
    ]


def _ntk_hand(W, a, X, *, output_term=True, hidden_term=True, scale_d=True):
    d = X.shape[1]
    m = W.shape[0]
    pre = X @ W.T / (np.sqrt(d) if scale_d else 1.0)
    act, on = np.maximum(pre, 0.0), (pre > 0).astype(float)
    K = np.zeros((X.shape[0], X.shape[0]))
    if output_term:
        K += act @ act.T / m
    if hidden_term:
        K += (X @ X.T / (d if scale_d else 1.0)) * ((on * a**2) @ on.T) / m
    return K


def _ntk_wrong_only_output(rng):
    return lambda W, a, X: _ntk_hand(np.asarray(W), np.asarray(a), np.asarray(X), hidden_term=False)


def _ntk_wrong_no_d(rng):
    return lambda W, a, X: _ntk_hand(np.asarray(W), np.asarray(a), np.asarray(X), scale_d=False)


# the neural tangent kernel: reading the concentration figure

def _spread_factor_data():
    """The widths of the concentration figure, smallest and largest."""
    return 16, 4096


@functools.cache
def _spread_factor_answer():
    import sympy as sp

    small, large = _spread_factor_data()
    return float(sp.sqrt(sp.Rational(large, small)))      # m^(-1/2): the spread divides by √(ratio)


def _spread_no_root(data):
    small, large = data
    return float(large / small)


def _spread_quarter_power(data):
    small, large = data
    return float((large / small) ** 0.25)


# explicit regularization: the expected loss under input noise, in code

def _noisy_code_data():
    return np.random.default_rng(27_2)


def _noisy_reference(w, x, t, sigma):
    from mlcourse.theory import noise

    return noise.expected_noisy_loss(w, x, t, sigma)


def _noisy_cases(rng):
    return [
        Case("three inputs", (np.array([2.0, -1.0, 0.5]), np.array([0.3, 0.1, -1.0]), 0.7,
                              np.array([0.1, 0.3, 1.0]))),
        Case("no noise at all (σ = 0)", (rng.normal(size=4), rng.normal(size=4), 0.2, np.zeros(4))),
        Case("a unit that hits its target exactly", (np.array([1.0, 1.0]), np.array([0.5, 0.5]), 1.0,
                                                      np.array([0.2, 0.4]))),
        Case("one input", (np.array([3.0]), np.array([2.0]), -1.0, np.array([0.5]))),
        Case("ten inputs", (rng.normal(size=10), rng.normal(size=10), 0.0, rng.uniform(0, 2, size=10))),
    ]


def _noisy_wrong_std(rng):
    return lambda w, x, t, sigma: float((np.dot(x, w) - t) ** 2 + np.sum(np.square(w) * np.asarray(sigma)))


def _noisy_wrong_no_fit(rng):
    return lambda w, x, t, sigma: float(np.sum(np.square(w) * np.square(sigma)))


# explicit regularization: reading the shrinkage figure

def _kept_fraction_data():
    """α and the fraction of the component of w* that L2 should keep."""
    return 1.0, 0.9


@functools.cache
def _kept_fraction_answer():
    import sympy as sp

    alpha, keep = (sp.nsimplify(v) for v in _kept_fraction_data())
    lam = sp.Symbol("lambda", positive=True)
    return float(sp.solve(sp.Eq(lam / (lam + alpha), keep), lam)[0])


def _kept_linear(data):
    alpha, keep = data
    return keep * alpha


def _kept_complement(data):
    alpha, keep = data
    return alpha * (1 - keep) / keep


# implicit bias: the early-stopping filter, in code

def _es_code_data():
    return np.random.default_rng(28_2)


def _es_reference(eigenvalues, lr, n_steps):
    from mlcourse.theory import early_stopping

    return early_stopping.early_stopping_factors(eigenvalues, lr, n_steps)


def _es_cases(rng):
    return [
        Case("eigenvalues from 1e-3 to 1, η = 0.5, τ = 20",
             (np.logspace(-3, 0, 7), 0.5, 20)),
        Case("τ = 0 (nothing learned yet)", (np.array([0.1, 1.0]), 0.5, 0)),
        Case("a zero eigenvalue (a direction the loss ignores)", (np.array([0.0, 0.2, 2.0]), 0.1, 50)),
        Case("a step past 1/λ (1 < ηλ < 2: the factor oscillates)", (np.array([1.5]), 1.0, 3)),
        Case("one eigenvalue, τ = 1", (np.array([0.4]), 0.25, 1)),
    ]


def _es_wrong_remaining(rng):
    return lambda lam, lr, n: (1 - lr * np.asarray(lam, dtype=float)) ** n


def _es_wrong_flow(rng):
    return lambda lam, lr, n: 1 - np.exp(-lr * np.asarray(lam, dtype=float) * n)


# implicit bias: reading the figure of the three paths

def _paths_data():
    """The figure's equation x₁ + 2x₂ = 2 and its third start."""
    return np.array([[1.0, 2.0]]), np.array([2.0]), np.array([2.5, 2.0])


def _paths_answer():
    A, b, x0 = _paths_data()
    x = x0.copy()
    for _ in range(300):                    # gradient descent itself, step 0.1 < 2/‖a‖² = 0.4
        x = x - 0.1 * A.T @ (A @ x - b)
    return x


def _paths_min_norm(data):
    A, b, _ = data
    return np.linalg.pinv(A) @ b


def _paths_vertical(data):
    # moving straight down (along x₂ only) onto the line, instead of perpendicular to it
    A, b, x0 = data
    return np.array([x0[0], (b[0] - A[0, 0] * x0[0]) / A[0, 1]])


# the implicit regularization of SGD: the stationary spread of noisy gradient descent

def _stationary_data():
    """Curvature λ, noise standard deviation s and learning rate η of the chapter's check."""
    return 40.0, 3.0, 0.04


@functools.cache
def _stationary_answer():
    # the fixed point of the variance recursion v = (1 - ηλ)² v + η² s², solved by sympy
    import sympy as sp

    lam, s, eps = (sp.nsimplify(v) for v in _stationary_data())
    v = sp.Symbol("v")
    return float(sp.solve(sp.Eq(v, (1 - eps * lam) ** 2 * v + eps**2 * s**2), v)[0])


def _stationary_continuous(data):
    lam, s, eps = data
    return eps * s**2 / (2 * lam)


def _stationary_no_step(data):
    lam, s, eps = data
    return s**2 / (lam * (2 - eps * lam))


# the implicit regularization of SGD: one epoch of random shuffling, averaged over orders, in code

def _shuffle_code_data():
    return np.random.default_rng(29_2)


def _shuffle_reference(batch_grads, w0, lr):
    from mlcourse.theory import modified_loss

    return modified_loss.shuffled_epoch_mean(batch_grads, w0, lr)


def _quadratic_batches(rng, m, d):
    out = []
    for _ in range(m):
        M = rng.normal(size=(d, d))
        H, g = M @ M.T / d, rng.normal(size=d)
        out.append(lambda w, H=H, g=g: H @ w - g)
    return out


def _shuffle_cases(rng):
    cubic = [lambda w, c=c: np.array([w[0] ** 3 - c, w[1] - 2 * c]) for c in (0.5, -1.0, 2.0)]
    return [
        Case("three quadratic batches in two dimensions",
             (_quadratic_batches(rng, 3, 2), np.array([1.0, -1.0]), 0.1)),
        Case("one batch (plain gradient descent)",
             (_quadratic_batches(rng, 1, 2), np.array([0.5, 0.5]), 0.2)),
        Case("four batches in three dimensions", (_quadratic_batches(rng, 4, 3), rng.normal(size=3), 0.05)),
        Case("three non-quadratic batches", (cubic, np.array([0.8, 0.3]), 0.1)),
    ]


def _shuffle_wrong_one_order(rng):
    def wrong(batch_grads, w0, lr):
        w = np.array(w0, dtype=float)
        for g in batch_grads:
            w = w - lr * g(w)
        return w
    return wrong


def _shuffle_wrong_full_gradient(rng):
    def wrong(batch_grads, w0, lr):
        w = np.array(w0, dtype=float)
        for _ in batch_grads:
            w = w - lr * sum(g(w) for g in batch_grads) / len(batch_grads)
        return w
    return wrong


# the implicit regularization of SGD: exploring with the slider

def _slider_data():
    """The chapter's start, time horizon and the learning rate to set on the slider."""
    return np.array([1.5, 1.2]), 2.0, 0.2


def _slider_field(w, lr):
    """The gradient of C (the chapter's loss) and of its modified loss, derived by hand here."""
    sig_ = 1 / (1 + np.exp(-(w[0] - 2 * w[1])))
    g = np.array([sig_ + w[0], -2 * sig_ + w[1] ** 3])
    s1 = sig_ * (1 - sig_)
    H = np.array([[s1 + 1, -2 * s1], [-2 * s1, 4 * s1 + 3 * w[1] ** 2]])
    return g, g + lr / 2 * H @ g


@functools.cache
def _slider_distances() -> tuple[float, float]:
    """GD's distance at time T to the modified flow and to the flow of C, by a route of its own:
    a fixed-step classical Runge-Kutta integration (not the package's gradient_flow)."""
    w0, T, lr = _slider_data()
    w = w0.copy()
    for _ in range(round(T / lr)):
        w = w - lr * _slider_field(w, lr)[0]
    ends = []
    for which in (1, 0):
        v, n = w0.copy(), 4000
        h = T / n
        for _ in range(n):
            k1 = -_slider_field(v, lr)[which]
            k2 = -_slider_field(v + h / 2 * k1, lr)[which]
            k3 = -_slider_field(v + h / 2 * k2, lr)[which]
            k4 = -_slider_field(v + h * k3, lr)[which]
            v = v + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        ends.append(v)
    return float(np.linalg.norm(w - ends[0])), float(np.linalg.norm(w - ends[1]))


def _slider_answer():
    return _slider_distances()[0]


def _slider_original_flow(data):
    return _slider_distances()[1]


# --- sixth exercises --------------------------------------------------------------------------------

def _critical_lr_data():
    """A 2×2 kernel matrix (eigenvalues 1 and 3)."""
    return np.array([[2.0, 1.0], [1.0, 2.0]])


@functools.cache
def _critical_lr_answer():
    import sympy as sp

    lam = sorted(sp.Matrix(_critical_lr_data().astype(int)).eigenvals())
    return float(2 / (lam[0] + lam[-1]))


def _critical_stability(K):
    return float(2 / np.linalg.eigvalsh(K).max())


def _critical_inverse_max(K):
    return float(1 / np.linalg.eigvalsh(K).max())


def _decay_data():
    """Learning rate η, weight decay α and the number of steps, with ∇J = 0."""
    return 0.01, 1.0, 100


@functools.cache
def _decay_answer():
    # run torch.optim.SGD with weight_decay on a loss that does not depend on the weight
    import torch

    lr, alpha, steps = _decay_data()
    w = torch.ones(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=lr, weight_decay=alpha)
    for _ in range(steps):
        opt.zero_grad()
        (0.0 * w.sum()).backward()
        opt.step()
    return float(w.item())


def _decay_exponential(data):
    lr, alpha, steps = data
    return float(np.exp(-lr * alpha * steps))


def _decay_linear(data):
    lr, alpha, steps = data
    return float(1 - lr * alpha * steps)


def _exact_alpha_data():
    """An eigenvalue λ, the learning rate η and the number of steps τ of the chapter's experiment."""
    return 0.01, 0.5, 200


@functools.cache
def _exact_alpha_answer():
    # solve (1 - ηλ)^τ = α/(λ + α) for α by root finding (scipy's brentq), not by the closed form
    from scipy.optimize import brentq

    lam, lr, tau = _exact_alpha_data()
    remaining = (1 - lr * lam) ** tau
    return float(brentq(lambda a: a / (lam + a) - remaining, 1e-12, 1e6, xtol=1e-15, rtol=1e-14))


def _exact_alpha_first_order(data):
    _lam, lr, tau = data
    return 1 / (lr * tau)


def _exact_alpha_flow(data):
    # the gradient-flow factor exp(-ηλτ) in place of (1 - ηλ)^τ
    lam, lr, tau = data
    r = np.exp(-lr * lam * tau)
    return float(lam * r / (1 - r))


def _batch_factor_data():
    """The number of examples N and the batch size B of the chapter's experiment (B = 4)."""
    return 32, 4


@functools.cache
def _batch_factor_answer():
    # the variance of the mean of B distinct examples, over every batch, divided by the population
    # variance (exact enumeration of all N choose B batches of a centred population)
    import itertools

    N, B = _batch_factor_data()
    xi = np.random.default_rng(0).normal(size=N)
    xi = (xi - xi.mean()) / xi.std()
    means = np.array([xi[list(c)].mean() for c in itertools.combinations(range(N), B)])
    return float(np.mean(means**2))


def _batch_with_replacement(data):
    _N, B = data
    return 1 / B


def _batch_wrong_denominator(data):
    N, B = data
    return (N - B) / (N * B)


EXERCISES = [
    # the neural tangent kernel
    Exercise(
        "theory-ntk-orthogonal", _ntk_orthogonal_data, _ntk_orthogonal_answer, sig(3),
        mistakes=(
            Mistake("you left out the 1/√d of the NTK parameterization: the kernel is built on "
                    "u = x/√d, not on x", _ntk_no_sqrt_d),
            Mistake("you used the probability that a unit is active, one half, in place of the "
                    "expected output E[relu(z)] of a unit", _ntk_activation_probability),
            Mistake("you kept the hidden-weight term, but it carries the factor uᵀu', which is zero "
                    "for orthogonal inputs", _ntk_hidden_term_kept),
        ),
        expects="one number",
    ),
    Exercise(
        "theory-ntk-eigen-time", _ntk_eigen_data, _ntk_eigen_answer, sig(3),
        mistakes=(
            Mistake("you computed the time to shrink by half (a half-life); the question asks for a "
                    "factor e", _ntk_eigen_half_life),
            Mistake("that is the time of the largest eigenvalue, the direction learned first; the "
                    "question asks for the slowest direction", _ntk_eigen_fastest),
        ),
        expects="one number (a time, in units of steps)",
    ),
    FunctionExercise(
        "theory-flow-solution-code", _flow_data, _flow_reference, _flow_cases, relative(1e-8),
        mistakes=(
            Mistake("you took the exponential of each entry of K; the solution needs the matrix "
                    "exponential (for instance through the eigendecomposition of K)", _flow_entrywise),
            Mistake("the learning rate is missing from the first exponential, as in the notes' second "
                    "form: both exponentials are exp(-ηKt)", _flow_notes_form),
        ),
        expects="a function flow_solution(K, f0, y, lr, t) returning the outputs at time t, an array "
                "of shape (n,)",
    ),
    # explicit regularization
    Exercise(
        "theory-l2-factors", _l2_factors_data, _l2_factors_answer, sig(3),
        mistakes=(
            Mistake("those are the fractions removed, α/(λ + α); the question asks for the fraction "
                    "kept", _l2_complement),
            Mistake("you divided the eigenvalue by α; the factor is λ over λ + α, so it never "
                    "exceeds one", _l2_ratio),
        ),
        expects="a vector of three numbers",
    ),
    Exercise(
        "theory-noise-penalty", _noise_penalty_data, _noise_penalty_answer, sig(3),
        mistakes=(
            Mistake("you used the standard deviations σᵢ where the variances σᵢ² belong",
                    _noise_std_not_var),
            Mistake("you added the noise terms' standard deviations and squared the sum; for "
                    "independent noise the variances add, and the cross terms vanish",
                    _noise_sum_then_square),
            Mistake("the weights enter squared: the noise on input i reaches the output as wᵢεᵢ",
                    _noise_w_not_squared),
        ),
        expects="one number",
    ),
    FunctionExercise(
        "theory-l2-minimizer-code", _l2_code_data, _l2_reference, _l2_cases, relative(1e-8),
        mistakes=(
            Mistake("your function returns the part of w* that L2 removes, α(H + αI)⁻¹w*, not the "
                    "minimizer", _l2_wrong_complement),
            Mistake("you multiplied the entries of w* by the factors λᵢ/(λᵢ + α); the factors act on "
                    "the components Qᵀw* along the eigenvectors, so rotate there and back",
                    _l2_wrong_no_q),
            Mistake("the H on the right is missing: the minimizer is (H + αI)⁻¹Hw*", _l2_wrong_missing_h),
        ),
        expects="a function l2_minimizer(H, w_star, alpha) returning the regularized minimizer, an "
                "array of shape (d,)",
    ),
    # implicit bias
    Exercise(
        "theory-min-norm-2d", _min_norm_data, _min_norm_answer, sig(3),
        mistakes=(
            Mistake("that is the minimum-norm solution, the limit from the origin; from this start "
                    "gradient descent keeps the start's null-space component", _min_norm_ignores_start),
            Mistake("you added the whole start to A⁺b; only its null-space component survives",
                    _min_norm_adds_start),
            Mistake("you kept the start's row-space component; it is the null-space component that "
                    "gradient descent never changes", _min_norm_keeps_row_part),
        ),
        expects="a vector of two numbers",
    ),
    Exercise(
        "theory-early-stop-alpha", _early_stop_data, _early_stop_answer, sig(3),
        mistakes=(
            Mistake("you computed the product ητ; the coefficient is its inverse: training longer "
                    "means regularizing less", _early_stop_product),
            Mistake("the learning rate is missing: τ counts steps, and the time that matters is ητ",
                    _early_stop_no_lr),
        ),
        expects="one number",
    ),
    FunctionExercise(
        "theory-gd-limit-code", _gd_limit_code_data, _gd_limit_reference, _gd_limit_cases,
        relative(1e-8),
        mistakes=(
            Mistake("your function ignores the start: that is the limit from the origin only",
                    _gd_limit_wrong_pinv),
            Mistake("you added the whole start to A⁺b; only its null-space component survives",
                    _gd_limit_wrong_add),
            Mistake("you kept the start's row-space component; gradient descent keeps its null-space "
                    "component", _gd_limit_wrong_row),
        ),
        expects="a function gd_limit(A, b, x0) returning the limit of gradient descent, an array of "
                "shape (n,)",
    ),
    # the implicit regularization of SGD
    Exercise(
        "theory-modified-quadratic-rate", _modified_quadratic_data, _modified_quadratic_answer, sig(3),
        mistakes=(
            Mistake("that is the rate of the original gradient flow of C; the modified loss adds "
                    "(η/4)(C')²", _modified_original),
            Mistake("the derivative of (η/4)(λω)² is (η/2)λ²ω: a factor 2 from differentiating ω² "
                    "is missing", _modified_half_derivative),
            Mistake("that is the exact rate of gradient descent, -log(1 - ηλ)/η; the question asks for "
                    "the rate of the modified flow, which agrees with it only to first order in ηλ",
                    _modified_exact_gd),
        ),
        expects="one number",
    ),
    FunctionExercise(
        "theory-modified-gradient-code", _modified_code_data, _modified_reference, _modified_cases,
        relative(1e-10),
        mistakes=(
            Mistake("you used η/4 as the coefficient of ∇²C∇C; differentiating (η/4)‖∇C‖² doubles "
                    "it", _modified_wrong_quarter),
            Mistake("the sign of the correction is wrong: the modified gradient is larger than ∇C "
                    "along ∇²C∇C, not smaller", _modified_wrong_sign),
        ),
        expects="a function modified_gradient(g, H, lr) returning ∇C̃_GD at a point, given the "
                "gradient g and the Hessian H there, an array of shape (d,)",
    ),

    # second edition
    FunctionExercise(
        "theory-ntk-code", _ntk_code_data, _ntk_reference, _ntk_cases, relative(1e-9),
        mistakes=(
            Mistake("only the output weights' term is there: the hidden weights contribute the "
                    "second term, xᵀx'/d times the shared activation pattern weighted by aⱼ²",
                    _ntk_wrong_only_output),
            Mistake("the 1/√d inside the ReLU is missing (and with it the 1/d of the second term)",
                    _ntk_wrong_no_d),
        ),
        expects="a function ntk_from_weights(W, a, X) returning the kernel matrix, an array of shape "
                "(n, n)",
    ),
    Exercise(
        "theory-ntk-spread-factor", _spread_factor_data, _spread_factor_answer, sig(3),
        mistakes=(
            Mistake("that is the ratio of the widths itself; a spread falling like m^(-1/2) divides by "
                    "its square root", _spread_no_root),
            Mistake("you took a fourth root; the spread falls like the inverse square root of the width",
                    _spread_quarter_power),
        ),
        expects="one number",
    ),
    FunctionExercise(
        "theory-noisy-loss-code", _noisy_code_data, _noisy_reference, _noisy_cases, relative(1e-10),
        mistakes=(
            Mistake("the penalty uses the standard deviations σᵢ; it needs the variances σᵢ²",
                    _noisy_wrong_std),
            Mistake("the squared error without noise, (wᵀx - t)², is missing: the penalty comes on top "
                    "of it", _noisy_wrong_no_fit),
        ),
        expects="a function expected_noisy_loss(w, x, t, sigma) returning one number",
    ),
    Exercise(
        "theory-l2-kept-fraction", _kept_fraction_data, _kept_fraction_answer, sig(3),
        mistakes=(
            Mistake("you solved as if the fraction kept were λ/α; it is λ/(λ + α)", _kept_linear),
            Mistake("that eigenvalue keeps only a tenth of the component: you solved for the fraction "
                    "removed, α/(λ + α)", _kept_complement),
        ),
        expects="one number",
    ),
    FunctionExercise(
        "theory-early-stopping-code", _es_code_data, _es_reference, _es_cases, relative(1e-9),
        mistakes=(
            Mistake("your function returns the fraction still missing, (1 - ηλ)^τ, instead of the "
                    "fraction learned", _es_wrong_remaining),
            Mistake("you used the gradient flow's exp(-ηλτ); gradient descent multiplies by (1 - ηλ) at "
                    "each of its τ steps", _es_wrong_flow),
        ),
        expects="a function early_stopping_factors(eigenvalues, lr, n_steps) returning an array of the "
                "shape of eigenvalues",
    ),
    Exercise(
        "theory-min-norm-figure", _paths_data, _paths_answer, sig(3),
        mistakes=(
            Mistake("that is the minimum-norm point, where the path from the origin ends; this path "
                    "keeps its start's component along the line", _paths_min_norm),
            Mistake("you moved straight down onto the line; gradient descent moves along the row "
                    "(1, 2), perpendicular to the line", _paths_vertical),
        ),
        expects="a vector of two numbers",
    ),
    Exercise(
        "theory-stationary-variance", _stationary_data, _stationary_answer, sig(3),
        mistakes=(
            Mistake("that is the small-step (continuous-time) limit ηs²/(2λ); at this step the factor "
                    "(1 - ηλ)² is far from one - 2ηλ", _stationary_continuous),
            Mistake("the η² of the noise term η²s² is missing from one side of the balance",
                    _stationary_no_step),
        ),
        expects="one number",
    ),
    FunctionExercise(
        "theory-shuffle-mean-code", _shuffle_code_data, _shuffle_reference, _shuffle_cases, relative(1e-9),
        mistakes=(
            Mistake("your function runs a single order of the batches; the mean iterate averages over "
                    "all m! orders", _shuffle_wrong_one_order),
            Mistake("each step uses the full gradient: that is gradient descent, not SGD; each step "
                    "uses the gradient of one batch", _shuffle_wrong_full_gradient),
        ),
        expects="a function shuffled_epoch_mean(batch_grads, w0, lr) returning the mean iterate, an "
                "array of shape (d,)",
    ),
    Exercise(
        "theory-slider-distance", _slider_data, _slider_answer, sig(2),
        mistakes=(
            Mistake("that is the distance to the gradient flow of C; the question asks about the "
                    "modified flow", _slider_original_flow),
        ),
        expects="one number",
    ),
    # sixth exercises
    Exercise(
        "theory-ntk-critical-lr", _critical_lr_data, _critical_lr_answer, sig(3),
        mistakes=(
            Mistake("that is the stability limit 2/λ_max of gradient descent; Lee et al.'s critical "
                    "rate uses both ends of the spectrum", _critical_stability),
            Mistake("that is the chapter's learning rate 1/λ_max, not the theorem's bound",
                    _critical_inverse_max),
        ),
        expects="one number",
    ),
    Exercise(
        "theory-weight-decay-factor", _decay_data, _decay_answer, sig(3),
        mistakes=(
            Mistake("you used the continuous-time decay exp(-ηατ); each discrete step multiplies by "
                    "(1 - ηα)", _decay_exponential),
            Mistake("you subtracted ηα once per step from one instead of multiplying by (1 - ηα): "
                    "the decay compounds", _decay_linear),
        ),
        expects="one number",
    ),
    Exercise(
        "theory-early-stop-exact-alpha", _exact_alpha_data, _exact_alpha_answer, sig(3),
        mistakes=(
            Mistake("that is the first-order approximation 1/(ητ); it assumes λ ≪ α, which fails "
                    "here", _exact_alpha_first_order),
            Mistake("you used the gradient flow's factor exp(-ηλτ) for the τ discrete steps",
                    _exact_alpha_flow),
        ),
        expects="one number",
    ),
    Exercise(
        "theory-batch-factor", _batch_factor_data, _batch_factor_answer, sig(3),
        mistakes=(
            Mistake("that is the factor for a batch drawn with replacement; the examples of a batch "
                    "are distinct", _batch_with_replacement),
            Mistake("the finite-population correction divides by N - 1, not by N", _batch_wrong_denominator),
        ),
        expects="one number",
    ),
]
