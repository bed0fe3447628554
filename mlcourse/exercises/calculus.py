"""Exercises of Part 1, *Mathematical foundations*: calculus, learning as optimization, Newton, Bayes.

Keys start with ``calc-``. Each exercise declares its data, an answer computed by a route that
is independent of the one its solution takes (sympy limits and integrals, torch autograd,
scikit-learn), the precision its text asks for, and the mistakes readers are likely to make, each
computed from the same data (see :mod:`mlcourse.exercises`).
"""

from __future__ import annotations

import functools

import numpy as np
import sympy as sp

from ._core import Case, Exercise, FunctionExercise, Mistake, exact, relative, sig

__all__ = ["EXERCISES"]

_x, _y = sp.symbols("x y", real=True)


# --- derivatives and integrals --------------------------------------------------------------------

def _cubic_data():
    # the slides' f(x) = x³ - 6x² + 4x + 12 and the point x₀ = 2
    return _x**3 - 6 * _x**2 + 4 * _x + 12, 2


@functools.cache
def _cubic_answer():
    # the limit of the difference quotient, not the differentiation rules the solution uses
    f, x0 = _cubic_data()
    h = sp.Symbol("h")
    return float(sp.limit((f.subs(_x, x0 + h) - f.subs(_x, x0)) / h, h, 0))


def _cubic_value(data):
    f, x0 = data
    return float(f.subs(_x, x0))


def _cubic_secant(data):
    # the slope of the secant from x₀ to x₀ + 1, a difference quotient with h = 1
    f, x0 = data
    return float(f.subs(_x, x0 + 1) - f.subs(_x, x0))


def _sin2_data():
    # ∫₀^π sin²(x) dx
    return sp.sin(_x) ** 2, 0, sp.pi


@functools.cache
def _sin2_answer():
    f, a, b = _sin2_data()
    return float(sp.integrate(f, (_x, a, b)))


def _sin2_no_half(data):
    # sin²x = 1 - cos 2x (the ½ of the half-angle formula dropped)
    _, a, b = data
    return float(sp.integrate(1 - sp.cos(2 * _x), (_x, a, b)))


def _sin2_plain_sin(data):
    # ∫ sin x instead of ∫ sin² x
    _, a, b = data
    return float(sp.integrate(sp.sin(_x), (_x, a, b)))


def _best_step_data() -> tuple[float, float]:
    # f = exp at x = 1 (so f = f'' = e there), machine epsilon 2⁻⁵²
    return 1.0, 2.0**-52


@functools.cache
def _best_step_answer():
    # minimise the error model h|f''|/2 + ε|f|/h with sympy
    x0, eps = _best_step_data()
    h = sp.Symbol("h", positive=True)
    e = sp.exp(sp.Float(x0, 30))
    model = h * e / 2 + sp.Float(eps, 30) * e / h
    return float(sp.solve(sp.diff(model, h), h)[0])


def _best_step_central(data):
    _, eps = data
    return float(np.cbrt(3 * eps))


def _best_step_no_two(data):
    _, eps = data
    return float(np.sqrt(eps))


def _riemann_n_data() -> tuple[float, float, float]:
    # midpoint sums of -x² + 3x + 1 on [1, 3]; the error must fall below 10⁻⁶
    return 1.0, 3.0, 1e-6


@functools.cache
def _riemann_n_answer():
    # exact midpoint sums in rational arithmetic, and the smallest N by bisection (the error falls
    # monotonically with N for this concave quadratic)
    from fractions import Fraction

    a, b, tol = (Fraction(v).limit_denominator() for v in _riemann_n_data())
    exact_area = Fraction(16, 3)

    def error(N):
        dx = (b - a) / N
        mids = [a + (k + Fraction(1, 2)) * dx for k in range(N)]
        return abs(sum(-m * m + 3 * m + 1 for m in mids) * dx - exact_area)

    lo, hi = 1, 4096
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if error(mid) < tol else (mid + 1, hi)
    return float(lo)


@functools.cache
def _riemann_n_left(data):
    # the smallest N for the left sum (its error falls like 1/N), by bisection over exact left sums
    # written with the power sums Σk and Σk² (so each N costs O(1))
    from fractions import Fraction

    a, b, tol = (Fraction(v).limit_denominator() for v in data)

    def error(N):
        dx = (b - a) / N
        s1, s2 = Fraction(N * (N - 1), 2), Fraction((N - 1) * N * (2 * N - 1), 6)
        # Σₖ f(a + k dx) with f(x) = -x² + 3x + 1
        total = N * (-a * a + 3 * a + 1) + s1 * dx * (-2 * a + 3) - s2 * dx * dx
        return abs(total * dx - Fraction(16, 3))

    lo, hi = 1, 1 << 23
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if error(mid) < tol else (mid + 1, hi)
    return float(lo)


def _riemann_n_below(data):
    return _riemann_n_answer() - 1.0


def _difference_cases(_data) -> list:
    xs = np.linspace(-2.0, 2.0, 7)
    return [
        Case("f = exp at x = 1 with h = 10⁻³", (np.exp, 1.0, 1e-3)),
        Case("f = sin on seven points from -2 to 2 (an array x), h = 10⁻⁴", (np.sin, xs, 1e-4)),
        Case("the slides' cubic at x = 2 with a large step h = 0.5",
             (lambda t: t**3 - 6 * t**2 + 4 * t + 12, 2.0, 0.5)),
        Case("f = |x| at x = 0, h = 0.1 (a kink)", (np.abs, 0.0, 0.1)),
        Case("f = x² on a 2 × 3 array of points, h = 10⁻²", (np.square, xs[:6].reshape(2, 3), 1e-2)),
    ]


def _central_reference(f, x, h):
    from .. import calculus

    return calculus.central_difference(f, x, h)


def _forward_reference(f, x, h):
    from .. import calculus

    return calculus.forward_difference(f, x, h)


def _forward_fn(_data):
    def diff(f, x, h):
        x = np.asarray(x, dtype=float)
        return (f(x + h) - f(x)) / h
    return diff


def _backward_fn(_data):
    def diff(f, x, h):
        x = np.asarray(x, dtype=float)
        return (f(x) - f(x - h)) / h
    return diff


def _central_over_h(_data):
    def diff(f, x, h):
        x = np.asarray(x, dtype=float)
        return (f(x + h) - f(x - h)) / h
    return diff


def _central_fn(_data):
    def diff(f, x, h):
        x = np.asarray(x, dtype=float)
        return (f(x + h) - f(x - h)) / (2 * h)
    return diff


def _derivative_exercises() -> list:
    return [
        Exercise(
            "calc-best-step", _best_step_data, _best_step_answer, sig(2),
            mistakes=(
                Mistake("that is the best step of the central difference; the question is about the "
                        "forward difference", _best_step_central),
                Mistake("a factor two went missing when you solved for h: set the derivative of "
                        "hf''/2 + ε f/h to zero again", _best_step_no_two),
            ),
            expects="one number (a step h)",
        ),
        Exercise(
            "calc-midpoint-pieces", _riemann_n_data, _riemann_n_answer, exact(),
            mistakes=(
                Mistake("that is how many pieces the left (or right) sum needs; the midpoint sum's "
                        "error falls like one over N squared", _riemann_n_left),
                Mistake("a mistake at the boundary: N must be a whole number at which the midpoint "
                        "sum's error is within the tolerance; check the error at your N and how "
                        "you rounded", _riemann_n_below),
            ),
            expects="one whole number",
        ),
        FunctionExercise(
            "calc-central-difference-code", lambda: 0, _central_reference, _difference_cases,
            relative(1e-9),
            mistakes=(
                Mistake("your function computes the forward difference; the central difference "
                        "steps to both sides, x + h and x − h", _forward_fn),
                Mistake("the two sides are 2h apart: divide by 2h, not h", _central_over_h),
            ),
            expects="a function central(f, x, h) returning an array of the shape of x",
        ),
        FunctionExercise(
            "calc-forward-difference-code", lambda: 0, _forward_reference, _difference_cases,
            relative(1e-9),
            mistakes=(
                Mistake("your function steps backwards, to x − h; the forward difference uses "
                        "f(x + h) − f(x)", _backward_fn),
                Mistake("your function computes the central difference; this exercise asks for the "
                        "one-sided forward difference", _central_fn),
            ),
            expects="a function forward(f, x, h) returning an array of the shape of x",
        ),
    ]


# --- multivariable calculus -----------------------------------------------------------------------

def _directional_data():
    # temperature T(x, y) = y² + x - ½ at the point (1, ½), direction (3, 4) (not a unit vector)
    return _y**2 + _x - sp.Rational(1, 2), (1, sp.Rational(1, 2)), (3, 4)


def _grad_at(T, point):
    return np.array([float(sp.diff(T, v).subs({_x: point[0], _y: point[1]})) for v in (_x, _y)])


@functools.cache
def _directional_answer():
    # the limit of (T(p + h u) - T(p)) / h along the unit vector u, by sympy
    T, (px, py), (vx, vy) = _directional_data()
    h = sp.Symbol("h")
    norm = sp.sqrt(vx**2 + vy**2)
    moved = T.subs({_x: px + h * vx / norm, _y: py + h * vy / norm}, simultaneous=True)
    return float(sp.limit((moved - T.subs({_x: px, _y: py})) / h, h, 0))


def _directional_unnormalised(data):
    T, point, v = data
    return float(np.dot(v, _grad_at(T, point)))


def _directional_steepest(data):
    T, point, _ = data
    return float(np.linalg.norm(_grad_at(T, point)))


def _directional_forgot_two(data):
    # ∂T/∂y taken as y instead of 2y
    _, (_, py), v = data
    u = np.array(v, dtype=float) / np.linalg.norm(np.array(v, dtype=float))
    return float(u @ np.array([1.0, float(py)]))


def _spherical_data():
    # spherical coordinates (r, θ, φ) ↦ (r sinθ cosφ, r sinθ sinφ, r cosθ) at r = 2, θ = π/3, φ = π/5
    return 2, sp.pi / 3, sp.pi / 5


@functools.cache
def _spherical_answer():
    # torch autograd's Jacobian and numpy's determinant (the solution works symbolically)
    import torch

    def to_cartesian(q):
        r, t, p = q
        return torch.stack([r * torch.sin(t) * torch.cos(p), r * torch.sin(t) * torch.sin(p),
                            r * torch.cos(t)])

    q = torch.tensor([float(v) for v in _spherical_data()], dtype=torch.float64)
    return float(np.linalg.det(torch.autograd.functional.jacobian(to_cartesian, q).numpy()))


def _spherical_r_not_squared(data):
    r, t, _ = data
    return float(r * sp.sin(t))


def _spherical_cos(data):
    r, t, _ = data
    return float(r**2 * sp.cos(t))


def _spherical_sin_phi(data):
    r, _, p = data
    return float(r**2 * sp.sin(p))


def _polar_inverse_data():
    # the polar map (r, θ) ↦ (r cos θ, r sin θ) at r = 2, θ = π/6: the matrix of (x, y) ↦ (r, θ)
    return 2, sp.pi / 6


def _polar_inverse_answer():
    # the Jacobian of the inverse map, differentiated directly (not the inverse of J)
    r0, t0 = _polar_inverse_data()
    X, Y = sp.symbols("X Y", positive=True)
    inverse_map = sp.Matrix([sp.sqrt(X**2 + Y**2), sp.atan2(Y, X)])
    J_inv = inverse_map.jacobian([X, Y]).subs({X: r0 * sp.cos(t0), Y: r0 * sp.sin(t0)})
    return np.array(J_inv.evalf(), dtype=float)


def _polar_J(data):
    r, t = (float(v) for v in data)
    return np.array([[np.cos(t), -r * np.sin(t)], [np.sin(t), r * np.cos(t)]])


def _polar_inverse_forgot(data):
    return _polar_J(data)


def _polar_inverse_transpose(data):
    return _polar_J(data).T


def _tangent_time_data():
    # the walker's path (t, (t - ½)²) through T(x, y) = y² + x - ½
    return _y**2 + _x - sp.Rational(1, 2), _x, (_x - sp.Rational(1, 2)) ** 2


@functools.cache
def _tangent_time_answer():
    # where dT/dt = 0, solved by sympy on T along the path (real root)
    T, _, _ = _tangent_time_data()
    t = sp.Symbol("t", real=True)
    along = T.subs({_x: t, _y: (t - sp.Rational(1, 2)) ** 2}, simultaneous=True)
    roots = [r for r in sp.solve(sp.diff(along, t), t) if r.is_real]
    return float(roots[0])


def _tangent_no_dx(data):
    return 0.5  # dropping the term ∂T/∂x · dx/dt leaves 4(t - ½)³ = 0


def _tangent_wrong_sign(data):
    return float(0.5 + 0.25 ** (1 / 3))


def _gradient_cases(_data) -> list:
    def rosen(p):
        return (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2

    def temperature(p):
        return p[1] ** 2 + p[0] - 0.5

    return [
        Case("the temperature T at (0.3, 0.7), h = 10⁻⁵", (temperature, np.array([0.3, 0.7]), 1e-5)),
        Case("Rosenbrock's function at (-1.2, 1), h = 10⁻⁴", (rosen, np.array([-1.2, 1.0]), 1e-4)),
        Case("a function of five variables, h = 10⁻³",
             (lambda p: np.sum(np.sin(p) * np.arange(1, 6)), np.linspace(-1, 1, 5), 1e-3)),
        Case("a function of one variable (x of shape (1,))", (lambda p: np.exp(p[0]), np.array([0.5]), 1e-5)),
    ]


def _gradient_reference(f, x, h):
    from .. import calculus

    return calculus.gradient(f, x, h)


def _gradient_forward(_data):
    def grad(f, x, h):
        x = np.asarray(x, dtype=float)
        g = np.zeros_like(x)
        for j in range(x.size):
            e = np.zeros_like(x)
            e[j] = h
            g[j] = (f(x + e) - f(x)) / h
        return g
    return grad


def _gradient_all_at_once(_data):
    def grad(f, x, h):
        x = np.asarray(x, dtype=float)
        return np.full(x.shape, (f(x + h) - f(x - h)) / (2 * h))   # moves every coordinate at once
    return grad


def _jacobian_cases(_data) -> list:
    def polar(q):
        return np.array([q[0] * np.cos(q[1]), q[0] * np.sin(q[1])])

    def spherical(q):
        r, t, p = q
        return np.array([r * np.sin(t) * np.cos(p), r * np.sin(t) * np.sin(p), r * np.cos(t)])

    A = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
    return [
        Case("the polar map at (r, θ) = (1.7, 2.2), h = 10⁻⁵", (polar, np.array([1.7, 2.2]), 1e-5)),
        Case("spherical coordinates at (2, π/3, π/5), h = 10⁻⁵",
             (spherical, np.array([2.0, np.pi / 3, np.pi / 5]), 1e-5)),
        Case("a linear map from R³ to R² (its Jacobian is its 2×3 matrix), h = 10⁻³",
             (lambda v: A @ v, np.array([0.5, -1.0, 2.0]), 1e-3)),
        Case("a map from R² to R³ (a tall 3×2 Jacobian), h = 10⁻⁴",
             (lambda v: np.array([v[0] * v[1], np.exp(v[0]), v[1] ** 2]), np.array([0.3, -0.8]), 1e-4)),
    ]


def _jacobian_reference(f, x, h):
    from .. import calculus

    return calculus.jacobian(f, x, h)


def _jacobian_transposed(_data):
    def jac(f, x, h):
        from .. import calculus

        return calculus.jacobian(f, x, h).T
    return jac


def _multivariable_exercises() -> list:
    return [
        Exercise(
            "calc-polar-inverse-jacobian", _polar_inverse_data, _polar_inverse_answer, sig(3),
            mistakes=(
                Mistake("that is J itself, the Jacobian of (r, θ) ↦ (x, y); the question asks for "
                        "the Jacobian of the inverse map", _polar_inverse_forgot),
                Mistake("that is the transpose of J; the inverse of a rotation-like matrix is its "
                        "transpose only when its columns have length one", _polar_inverse_transpose),
            ),
            expects="a 2×2 matrix",
        ),
        Exercise(
            "calc-tangent-time", _tangent_time_data, _tangent_time_answer, sig(3),
            mistakes=(
                Mistake("a term of the chain rule is missing: x changes along the path too, at rate "
                        "dx/dt", _tangent_no_dx),
                Mistake("the cube root has the wrong sign: (t − ½)³ must be negative", _tangent_wrong_sign),
            ),
            expects="one number (a time t)",
        ),
        FunctionExercise(
            "calc-gradient-code", lambda: 0, _gradient_reference, _gradient_cases, relative(1e-8),
            mistakes=(
                Mistake("your function uses forward differences; the book's gradient uses central "
                        "differences, x + h eⱼ and x − h eⱼ", _gradient_forward),
                Mistake("your function moves every coordinate at once; a partial derivative moves "
                        "one coordinate and freezes the others", _gradient_all_at_once),
            ),
            expects="a function gradient(f, x, h) returning an array of shape (n,)",
        ),
        FunctionExercise(
            "calc-jacobian-code", lambda: 0, _jacobian_reference, _jacobian_cases, relative(1e-8),
            mistakes=(
                Mistake("your Jacobian is transposed: one row per output and one column per input, "
                        "an m × n matrix", _jacobian_transposed),
            ),
            expects="a function jacobian(f, x, h) returning an array of shape (m, n)",
        ),
    ]


# --- Newton's method ------------------------------------------------------------------------------

def _newton_sqrt5_data():
    # Newton for x² - 5 = 0 from x₀ = 2: the iterates x₁, x₂, x₃
    return 5, 2, 3


def _newton_iterates(step, data, first=1):
    a, x, n = data
    x = sp.Integer(x)
    out = [x]
    for _ in range(n):
        x = step(x, a)  # exact rational arithmetic
        out.append(x)
    return np.array([float(v) for v in out[first:first + n]])


def _newton_sqrt5_answer():
    # x₁, x₂, x₃ as the roots of the tangent lines, solved by sympy
    a, x, n = _newton_sqrt5_data()
    z = sp.Symbol("z")
    iterates = []
    current = sp.Integer(x)
    for _ in range(n):
        tangent = (current**2 - a) + 2 * current * (z - current)
        current = sp.solve(tangent, z)[0]
        iterates.append(float(current))
    return np.array(iterates)


def _newton_plus_sign(data):
    return _newton_iterates(lambda s, a: s + (s**2 - a) / (2 * s), data)


def _newton_derivative_x(data):
    return _newton_iterates(lambda s, a: s - (s**2 - a) / s, data)


def _newton_from_x0(data):
    return _newton_iterates(lambda s, a: s - (s**2 - a) / (2 * s), data, first=0)


def _taylor_t3_data():
    # T₃ of sin x + cos x around 0, evaluated at x = ½
    return sp.sin(_x) + sp.cos(_x), 0, 3, sp.Rational(1, 2)


@functools.cache
def _taylor_t3_answer():
    f, x0, K, at = _taylor_t3_data()
    return float(sp.series(f, _x, x0, K + 1).removeO().subs(_x, at))


def _taylor_t2(data):
    f, x0, K, at = data
    return float(sp.series(f, _x, x0, K).removeO().subs(_x, at))


def _taylor_all_plus(data):
    f, x0, K, at = data
    return float(sum(abs(sp.diff(f, _x, k).subs(_x, x0)) * at**k / sp.factorial(k) for k in range(K + 1)))


def _taylor_f_itself(data):
    f, _, _, at = data
    return float(f.subs(_x, at))


def _newton_min_data():
    # f(x) = x⁴ - 3x² + x, one Newton step for a minimum from x₀ = 2
    return _x**4 - 3 * _x**2 + _x, 2


@functools.cache
def _newton_min_answer():
    # the minimiser of the second-order Taylor model at x₀, by sympy
    f, x0 = _newton_min_data()
    h = sp.Symbol("h")
    model = sum(sp.diff(f, _x, k).subs(_x, x0) * h**k / sp.factorial(k) for k in range(3))
    return float(x0 + sp.solve(sp.diff(model, h), h)[0])


def _newton_min_gradient(data):
    f, x0 = data
    return float(x0 - sp.diff(f, _x).subs(_x, x0))


def _newton_min_root(data):
    f, x0 = data
    return float(x0 - f.subs(_x, x0) / sp.diff(f, _x).subs(_x, x0))


def _taylor_degree_data():
    # the smallest degree K with |T_K - (sin + cos)| < 0.02 on all of [-3, 3], around x₀ = 0
    return 3.0, 0.02


@functools.cache
def _taylor_degree_answer():
    # exact errors at the ends of the interval (where they are largest), in 30-digit arithmetic
    half_width, tol = _taylor_degree_data()
    f = sp.sin(_x) + sp.cos(_x)
    K = 0
    while True:
        T = sp.series(f, _x, 0, K + 1).removeO()
        worst = max(abs(sp.N((T - f).subs(_x, s * sp.nsimplify(half_width)), 30)) for s in (-1, 1))
        if worst < tol:
            return float(K)
        K += 1


def _taylor_degree_bound(data):
    half_width, tol = data
    K = 0
    while np.sqrt(2) * half_width ** (K + 1) / sp.factorial(K + 1) >= tol:
        K += 1
    return float(K)


def _taylor_degree_below(data):
    return _taylor_degree_answer() - 1.0


def _taylor_code_reference(derivatives, x0, x):
    from .. import calculus

    return calculus.taylor_polynomial(derivatives, x0, x)


def _taylor_code_cases(_data) -> list:
    xs = np.linspace(-2.0, 2.0, 9)
    return [
        Case("sin + cos around 0, degree 5, on nine points", ([1.0, 1.0, -1.0, -1.0, 1.0, 1.0], 0.0, xs)),
        Case("exp around x₀ = 1, degree 3 (the expansion point is not 0)", ([np.e] * 4, 1.0, xs)),
        Case("degree 0: a constant", ([2.5], -1.0, xs)),
        Case("a 2 × 2 array of points", ([0.0, 1.0, 0.0, -1.0], 0.5, xs[:4].reshape(2, 2))),
    ]


def _taylor_code_no_factorial(_data):
    def taylor(derivatives, x0, x):
        x = np.asarray(x, dtype=float)
        return sum(d * (x - x0) ** k for k, d in enumerate(derivatives))
    return taylor


def _taylor_code_no_shift(_data):
    def taylor(derivatives, x0, x):
        from math import factorial

        x = np.asarray(x, dtype=float)
        return sum(d * x**k / factorial(k) for k, d in enumerate(derivatives)) + 0 * x0
    return taylor


def _bfgs_reference(H, s, y):
    from ..optim.second_order import bfgs_update

    return bfgs_update(H, s, y)


def _bfgs_cases(_data) -> list:
    rng = np.random.default_rng(14)
    A = rng.normal(size=(3, 3))
    spd = A @ A.T + 3 * np.eye(3)
    s3 = rng.normal(size=3)
    return [
        Case("H = I in two dimensions", (np.eye(2), np.array([0.5, -1.0]), np.array([1.0, -1.5]))),
        Case("a symmetric positive definite H in three dimensions, y = A s for a positive definite A",
             (np.linalg.inv(spd), s3, spd @ s3)),
        Case("one dimension (H becomes s / y)", (np.array([[2.0]]), np.array([0.3]), np.array([0.6]))),
        Case("a step that is already consistent with H (H y = s)",
             (np.diag([1.0, 0.5]), np.array([1.0, 1.0]), np.array([1.0, 2.0]))),
    ]


def _bfgs_no_last_term(_data):
    def update(H, s, y):
        rho = 1.0 / (y @ s)
        V = np.eye(len(s)) - rho * np.outer(s, y)
        return V @ H @ V.T
    return update


def _bfgs_swapped(_data):
    def update(H, s, y):
        rho = 1.0 / (y @ s)
        V = np.eye(len(s)) - rho * np.outer(y, s)
        return V @ H @ V.T + rho * np.outer(s, s)
    return update


def _taylor_exercises() -> list:
    return [
        Exercise(
            "calc-taylor-t3", _taylor_t3_data, _taylor_t3_answer, sig(4),
            mistakes=(
                Mistake("that is the polynomial of degree two; T₃ also has the cubic term",
                        _taylor_t2),
                Mistake("the signs of the terms follow the derivatives at zero: +, +, −, −",
                        _taylor_all_plus),
                Mistake("that is the function itself; the polynomial differs from it in the fourth "
                        "digit", _taylor_f_itself),
            ),
            expects="one number",
        ),
        Exercise(
            "calc-newton-min-step", _newton_min_data, _newton_min_answer, sig(3),
            mistakes=(
                Mistake("that is a gradient step with learning rate one; Newton divides the slope by "
                        "the curvature", _newton_min_gradient),
                Mistake("that is a step towards a root of f; for a minimum Newton looks for a root of "
                        "f', dividing f' by f''", _newton_min_root),
            ),
            expects="one number (the new x)",
        ),
        Exercise(
            "calc-taylor-degree", _taylor_degree_data, _taylor_degree_answer, exact(),
            mistakes=(
                Mistake("that degree comes from the remainder bound, which overestimates the error; "
                        "the question asks where the error itself is small enough", _taylor_degree_bound),
                Mistake("a mistake at the boundary: check the error near the ends of the interval "
                        "at the degree you gave against the tolerance", _taylor_degree_below),
            ),
            expects="one whole number (a degree K)",
        ),
        FunctionExercise(
            "calc-taylor-code", lambda: 0, _taylor_code_reference, _taylor_code_cases, relative(1e-10),
            mistakes=(
                Mistake("the factorials are missing: term k is the k-th derivative divided by k!",
                        _taylor_code_no_factorial),
                Mistake("the powers must be of (x − x₀), not of x", _taylor_code_no_shift),
            ),
            expects="a function taylor(derivatives, x0, x) returning an array of the shape of x",
        ),
        FunctionExercise(
            "calc-bfgs-update-code", lambda: 0, _bfgs_reference, _bfgs_cases, relative(1e-9),
            mistakes=(
                Mistake("the last term ρ s sᵀ is missing: without it the new H does not map y to s",
                        _bfgs_no_last_term),
                Mistake("the outer products in the brackets are swapped: the left bracket is "
                        "I − ρ s yᵀ", _bfgs_swapped),
            ),
            expects="a function update(H, s, y) returning the new d × d matrix",
        ),
    ]


# --- learning as optimization ---------------------------------------------------------------------

def _majority_data():
    # digits, split 70/30 with stratification off, random_state 0: accuracy of always predicting the
    # most frequent training label (ties to the smaller label), on the test part
    return 0.3, 0


def _digits_split(data):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    test_size, seed = data
    X, y = load_digits(return_X_y=True)
    return train_test_split(X, y, test_size=test_size, random_state=seed)


@functools.cache
def _majority_answer():
    from sklearn.dummy import DummyClassifier

    X_tr, X_te, y_tr, y_te = _digits_split(_majority_data())
    return float(DummyClassifier(strategy="most_frequent").fit(X_tr, y_tr).score(X_te, y_te))


def _majority_other_tie(data):
    # the largest of the labels that tie for most frequent in the training set
    _, _, y_tr, y_te = _digits_split(data)
    counts = np.bincount(y_tr)
    label = np.flatnonzero(counts == counts.max())[-1]
    return float(np.mean(y_te == label))


def _majority_on_test(data):
    _, _, _, y_te = _digits_split(data)
    return float(np.mean(y_te == np.bincount(y_te).argmax()))


def _majority_train_share(data):
    _, _, y_tr, _ = _digits_split(data)
    return float(np.bincount(y_tr).max() / y_tr.size)


def _threshold_risk_data():
    # labels ±1 equally likely, x | y ~ N(y, 1), predict +1 when x > t; the threshold t = 0
    return 0.0


def _threshold_risk_answer():
    # the two error probabilities from the normal CDF written with sympy's erf (not scipy)
    t = sp.nsimplify(_threshold_risk_data())

    def Phi(z):
        return (1 + sp.erf(z / sp.sqrt(2))) / 2

    miss_plus = Phi(t - 1)            # y = +1 but x ≤ t
    miss_minus = 1 - Phi(t + 1)       # y = -1 but x > t
    return float(sp.Rational(1, 2) * (miss_plus + miss_minus))


def _threshold_one_class(data):
    import scipy.stats

    return float(0.5 * scipy.stats.norm.cdf(data - 1))


def _threshold_complement(data):
    import scipy.stats

    return float(scipy.stats.norm.cdf(1 - data))


def _ball_data():
    # the ball inscribed in the cube [-1, 1]^d, in d = 3 dimensions
    return 3


@functools.cache
def _ball_answer():
    # the ball's volume in spherical coordinates (|det J| = r² sin θ), over the cube's 2^d
    d = sp.Integer(_ball_data())
    r, t, p = sp.symbols("r t p", positive=True)
    volume = sp.integrate(r**2 * sp.sin(t), (r, 0, 1), (t, 0, sp.pi), (p, 0, 2 * sp.pi))
    return float(volume / 2**d)


def _ball_no_cube(data):
    return float(4 * np.pi / 3)


def _ball_disk(data):
    return float(np.pi / 4)  # the disk in the square, d = 2


def _ball_dimension_data():
    # the first dimension d in which the inscribed ball fills less than 1% of the cube
    return 0.01


def _ball_fraction_exact(d):
    return sp.pi ** sp.Rational(d, 2) / (sp.gamma(sp.Rational(d, 2) + 1) * 2**d)


@functools.cache
def _ball_dimension_answer():
    tol = sp.nsimplify(_ball_dimension_data())
    d = 1
    while not _ball_fraction_exact(d) < tol:
        d += 1
    return float(d)


def _ball_dimension_last_above(data):
    return _ball_dimension_answer() - 1.0


def _ball_dimension_ten_percent(data):
    d = 1
    while not _ball_fraction_exact(d) < sp.Rational(1, 10):
        d += 1
    return float(d)


def _gap_more_data_data():
    # the chapter's sweep (digits in [0, 1], split 70/30 with random_state 0) refitted on the first
    # 600 training examples instead of 150; the gap at the fifth λ of the sweep, λ = 0.1
    return 600, 0.1


@functools.cache
def _regularised_fit_losses(n_train: int, lam: float) -> tuple[float, float]:
    """Training and test cross-entropy of mean cross-entropy + λ‖W‖² (intercepts not penalised),
    minimised by scipy's L-BFGS on the objective itself (not by scikit-learn, which the chapter
    uses)."""
    import scipy.optimize
    import scipy.special

    X_tr, X_te, y_tr, y_te = _digits_split((0.3, 0))
    X_tr, X_te = X_tr / 16.0, X_te / 16.0  # the chapter's pixels, scaled to [0, 1]
    X, y = X_tr[:n_train], y_tr[:n_train]
    k, d = 10, X.shape[1]
    one_hot = np.eye(k)[y]

    def log_probabilities(params, features):
        W, b = params[: k * d].reshape(k, d), params[k * d :]
        return scipy.special.log_softmax(features @ W.T + b, axis=1)

    def objective(params):
        W = params[: k * d].reshape(k, d)
        log_p = log_probabilities(params, X)
        residual = np.exp(log_p) - one_hot
        value = -np.mean(np.sum(one_hot * log_p, axis=1)) + lam * np.sum(W**2)
        grad = np.concatenate([(residual.T @ X / n_train + 2 * lam * W).ravel(), residual.mean(axis=0)])
        return value, grad

    fit = scipy.optimize.minimize(objective, np.zeros(k * d + k), jac=True, method="L-BFGS-B",
                                  options={"gtol": 1e-10, "ftol": 1e-15, "maxiter": 20_000})

    def cross_entropy(features, labels):
        return float(-np.mean(log_probabilities(fit.x, features)[np.arange(len(labels)), labels]))

    return cross_entropy(X, y), cross_entropy(X_te, y_te)


def _gap_more_data_answer():
    train, test = _regularised_fit_losses(*_gap_more_data_data())
    return test - train


def _gap_more_data_chapter_size(data):
    # the gap with the chapter's 150 training examples
    _, lam = data
    train, test = _regularised_fit_losses(150, lam)
    return test - train


def _gap_more_data_test_loss(data):
    # the test loss itself instead of test minus training loss
    return _regularised_fit_losses(*data)[1]


def _risk_code_reference(threshold, x, y):
    from sklearn.metrics import zero_one_loss

    return float(zero_one_loss(y, np.where(x > threshold, 1, -1)))


def _risk_cases(_data) -> list:
    rng = np.random.default_rng(12)
    y = rng.choice([-1, 1], size=40)
    x = rng.normal(loc=y, scale=1.0)
    return [
        Case("40 points of the chapter's toy problem, threshold 0.3", (0.3, x, y)),
        Case("a threshold left of every point (all predicted +1)", (-10.0, x, y)),
        Case("a threshold right of every point (all predicted -1)", (10.0, x, y)),
        Case("a point exactly at the threshold (x = t predicts -1)",
             (0.5, np.array([0.5, 1.0, -1.0]), np.array([1, 1, -1]))),
        Case("a single example", (0.0, np.array([-0.2]), np.array([1]))),
    ]


def _risk_count(_data):
    def risk(threshold, x, y):
        return float(np.sum(np.where(x > threshold, 1, -1) != y))
    return risk


def _risk_flipped(_data):
    def risk(threshold, x, y):
        return float(np.mean(np.where(x < threshold, 1, -1) != y))
    return risk


def _ce_reference(X, y, W):
    # scipy's log-softmax (scikit-learn's log_loss clips tiny probabilities, so it differs for
    # scores in the thousands)
    from scipy.special import log_softmax

    return float(-np.mean(log_softmax(X @ W.T, axis=1)[np.arange(len(y)), y]))


def _ce_cases(_data) -> list:
    rng = np.random.default_rng(13)
    X = np.hstack([rng.uniform(0, 1, (30, 8)), np.ones((30, 1))])
    y = rng.integers(0, 4, 30)
    W = rng.normal(size=(4, 9))
    return [
        Case("30 examples, 4 classes, small random weights", (X, y, 0.1 * W)),
        Case("weights zero (every class equally likely: the loss is log 4)", (X, y, np.zeros((4, 9)))),
        Case("large weights (scores in the thousands: exp overflows unless shifted)", (X, y, 1000 * W)),
        Case("one example", (X[:1], y[:1], W)),
    ]


def _ce_unshifted(_data):
    def loss(X, y, W):
        with np.errstate(all="ignore"):
            scores = X @ W.T
            p = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
            return float(-np.mean(np.log(p[np.arange(len(y)), y])))
    return loss


def _ce_summed(_data):
    def loss(X, y, W):
        scores = X @ W.T
        scores = scores - scores.max(axis=1, keepdims=True)
        log_p = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        return float(-np.sum(log_p[np.arange(len(y)), y]))
    return loss


def _learning_opt_exercises() -> list:
    return [
        Exercise(
            "calc-threshold-risk", _threshold_risk_data, _threshold_risk_answer, sig(3),
            mistakes=(
                Mistake("that counts the errors on one class only; each class is drawn half the time "
                        "and both can be misclassified", _threshold_one_class),
                Mistake("that is the probability of a right answer on a class, not of an error",
                        _threshold_complement),
            ),
            expects="one probability",
            # the solution works by hand, with Φ(1) = 0.8413 read from a four-decimal table: 1 − Φ(1)
            # is then known to about 3e-4 relative
            solution_precision=relative(1e-3),
        ),
        Exercise(
            "calc-ball-fraction", _ball_data, _ball_answer, sig(3),
            mistakes=(
                Mistake("that is the volume of the ball itself; divide by the volume of the cube "
                        "[−1, 1]³", _ball_no_cube),
                Mistake("that is the fraction for the disk in the square; in three dimensions use the "
                        "volume of the ball", _ball_disk),
            ),
            expects="one number between 0 and 1",
        ),
        Exercise(
            "calc-ball-dimension", _ball_dimension_data, _ball_dimension_answer, exact(),
            mistakes=(
                Mistake("a mistake at the boundary: the question asks for the first dimension in "
                        "which the fraction is below a hundredth; check the inequality at yours",
                        _ball_dimension_last_above),
                Mistake("that is where the fraction first falls below a tenth; the question asks for "
                        "a hundredth", _ball_dimension_ten_percent),
            ),
            expects="one whole number (a dimension)",
        ),
        Exercise(
            "calc-gap-more-data", _gap_more_data_data, _gap_more_data_answer, sig(2),
            mistakes=(
                Mistake("that is the gap with the chapter's training set; refit on four times as "
                        "many examples", _gap_more_data_chapter_size),
                Mistake("that is the test loss itself; the gap is the test loss minus the training "
                        "loss", _gap_more_data_test_loss),
            ),
            expects="one number (a gap in nats)",
            # the solution fits with scikit-learn's lbfgs at its default tolerance, the answer with a
            # tight optimiser: the two gaps agree to a few 1e-5 relative, not to 1e-9
            solution_precision=relative(5e-4),
        ),
        FunctionExercise(
            "calc-empirical-risk-code", lambda: 0, _risk_code_reference, _risk_cases, relative(1e-12),
            mistakes=(
                Mistake("your function counts the errors; the empirical risk is their average",
                        _risk_count),
                Mistake("your classifier predicts +1 below the threshold; it predicts +1 when x > t",
                        _risk_flipped),
            ),
            expects="a function empirical_risk(threshold, x, y) returning one number",
        ),
        FunctionExercise(
            "calc-cross-entropy-code", lambda: 0, _ce_reference, _ce_cases, relative(1e-9),
            mistakes=(
                Mistake("large scores overflow: subtract each row's largest score before taking exp "
                        "(it cancels in the softmax)", _ce_unshifted),
                Mistake("your function adds the losses up; the empirical risk is their mean",
                        _ce_summed),
            ),
            expects="a function loss(X, y, W) returning the mean cross-entropy as one number",
        ),
    ]


# --- the probabilistic view -----------------------------------------------------------------------

def _map_data():
    # y = X w + noise with noise σ = 0.5 and prior w ~ N(0, τ² I), τ = 0.2
    rng = np.random.default_rng(3)
    X = rng.normal(size=(20, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.5 * rng.normal(size=20)
    return X, y, 0.5, 0.2


def _ridge(X, y, lam):
    from sklearn.linear_model import Ridge

    return Ridge(alpha=lam, fit_intercept=False, solver="svd").fit(X, y).coef_


def _map_answer():
    X, y, sigma, tau = _map_data()
    return _ridge(X, y, sigma**2 / tau**2)


def _map_not_squared(data):
    X, y, sigma, tau = data
    return _ridge(X, y, sigma / tau)


def _map_upside_down(data):
    X, y, sigma, tau = data
    return _ridge(X, y, tau**2 / sigma**2)


def _map_no_prior(data):
    X, y, _, _ = data
    return np.linalg.lstsq(X, y, rcond=None)[0]


def _beta_mean_data():
    # prior Beta(a = 2, b = 3), k = 7 heads in n = 10 flips
    return 2, 3, 7, 10


def _beta_posterior(a, b, k, n):
    # the posterior density by Bayes' rule, normalised by sympy's integral
    t = sp.Symbol("t", positive=True)
    unnormalised = t ** (a - 1 + k) * (1 - t) ** (b - 1 + n - k)
    return t, unnormalised / sp.integrate(unnormalised, (t, 0, 1))


@functools.cache
def _beta_mean_answer():
    t, post = _beta_posterior(*_beta_mean_data())
    return float(sp.integrate(t * post, (t, 0, 1)))


def _beta_mle(data):
    _, _, k, n = data
    return k / n


def _beta_prior_mean(data):
    a, b, _, _ = data
    return a / (a + b)


def _beta_mode(data):
    a, b, k, n = data
    return (a + k - 1) / (a + b + n - 2)


def _evidence_data():
    # a uniform prior on θ and the sequence heads, heads, tails
    return 1, 1, (1, 1, 0)


@functools.cache
def _evidence_answer():
    a, b, flips = _evidence_data()
    t = sp.Symbol("t", positive=True)
    likelihood = sp.Mul(*[t if f else 1 - t for f in flips])
    prior = t ** (a - 1) * (1 - t) ** (b - 1) / sp.integrate(t ** (a - 1) * (1 - t) ** (b - 1), (t, 0, 1))
    return float(sp.integrate(likelihood * prior, (t, 0, 1)))


def _evidence_count(data):
    from math import comb

    _, _, flips = data
    return comb(len(flips), sum(flips)) * _evidence_answer()


def _evidence_at_mle(data):
    _, _, flips = data
    theta = sum(flips) / len(flips)
    return float(np.prod([theta if f else 1 - theta for f in flips]))


def _posterior_std_data():
    # prior Beta(2, 3), then k = 70 heads in n = 100 flips
    return 2, 3, 70, 100


@functools.cache
def _posterior_std_answer():
    t, post = _beta_posterior(*_posterior_std_data())
    mean = sp.integrate(t * post, (t, 0, 1))
    return float(sp.sqrt(sp.integrate((t - mean) ** 2 * post, (t, 0, 1))))


def _beta_std(a, b):
    return float(np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1))))


def _posterior_std_ten(data):
    a, b, _, _ = data
    return _beta_std(a + 7, b + 3)


def _posterior_std_prior(data):
    a, b, _, _ = data
    return _beta_std(a, b)


def _log_evidence_reference(X, y, sigma, tau):
    import scipy.stats

    n = len(y)
    covariance = sigma**2 * np.eye(n) + tau**2 * X @ X.T
    return float(scipy.stats.multivariate_normal(np.zeros(n), covariance).logpdf(y))


def _log_evidence_cases(_data) -> list:
    rng = np.random.default_rng(15)
    X = rng.normal(size=(6, 2))
    y = X @ np.array([0.5, -1.0]) + 0.3 * rng.normal(size=6)
    return [
        Case("6 examples, 2 features, σ = 0.3, τ = 1", (X, y, 0.3, 1.0)),
        Case("a tight prior, τ = 0.01 (the evidence of pure noise)", (X, y, 0.3, 0.01)),
        Case("one feature", (X[:, :1], y, 0.5, 2.0)),
        Case("a single example", (X[:1], y[:1], 1.0, 1.0)),
    ]


def _log_evidence_tau_not_squared(_data):
    def log_evidence(X, y, sigma, tau):
        import scipy.stats

        n = len(y)
        covariance = sigma**2 * np.eye(n) + tau * X @ X.T
        return float(scipy.stats.multivariate_normal(np.zeros(n), covariance).logpdf(y))
    return log_evidence


def _log_evidence_no_prior(_data):
    def log_evidence(X, y, sigma, tau):
        import scipy.stats

        return float(np.sum(scipy.stats.norm(0.0, sigma).logpdf(y)))
    return log_evidence


def _map_code_reference(X, y, sigma, tau):
    return _ridge(X, y, sigma**2 / tau**2)


def _map_code_cases(_data) -> list:
    X, y, sigma, tau = _map_data()
    rng = np.random.default_rng(16)
    return [
        Case("the data of the MAP exercise (σ = 0.5, τ = 0.2)", (X, y, sigma, tau)),
        Case("a broad prior (τ = 100: nearly least squares)", (X, y, sigma, 100.0)),
        Case("more features than examples (5 examples, 8 features)",
             (rng.normal(size=(5, 8)), rng.normal(size=5), 1.0, 1.0)),
        Case("one feature", (X[:, :1], y, sigma, tau)),
    ]


def _map_code_not_squared(_data):
    def map_estimate(X, y, sigma, tau):
        return np.linalg.solve(X.T @ X + sigma / tau * np.eye(X.shape[1]), X.T @ y)
    return map_estimate


def _map_code_upside_down(_data):
    def map_estimate(X, y, sigma, tau):
        return np.linalg.solve(X.T @ X + tau**2 / sigma**2 * np.eye(X.shape[1]), X.T @ y)
    return map_estimate


def _bayes_exercises() -> list:
    return [
        Exercise(
            "calc-beta-posterior-mean", _beta_mean_data, _beta_mean_answer, sig(3),
            mistakes=(
                Mistake("that is the fraction of heads alone (the maximum-likelihood estimate); the "
                        "posterior also counts the prior", _beta_mle),
                Mistake("that is the prior's mean: the data have not entered yet", _beta_prior_mean),
                Mistake("that is the posterior's mode, the MAP estimate; the question asks for its mean",
                        _beta_mode),
            ),
            expects="one number between 0 and 1",
        ),
        Exercise(
            "calc-coin-evidence", _evidence_data, _evidence_answer, sig(3),
            mistakes=(
                Mistake("that is the probability of the count of heads, which sums over every order "
                        "of the flips; the data are one particular sequence", _evidence_count),
                Mistake("that is the likelihood at its maximum; the evidence averages the likelihood "
                        "over the prior", _evidence_at_mle),
            ),
            expects="one probability",
        ),
        Exercise(
            "calc-posterior-std", _posterior_std_data, _posterior_std_answer, sig(2),
            mistakes=(
                Mistake("that is the spread of the posterior after the first ten flips", _posterior_std_ten),
                Mistake("that is the prior's spread: the data have not entered yet", _posterior_std_prior),
            ),
            expects="one number (a standard deviation)",
        ),
        FunctionExercise(
            "calc-log-evidence-code", lambda: 0, _log_evidence_reference, _log_evidence_cases,
            relative(1e-9),
            mistakes=(
                Mistake("the prior's covariance is τ² X Xᵀ: square τ", _log_evidence_tau_not_squared),
                Mistake("your function ignores the prior's contribution to the covariance of y: the "
                        "weights are unknown and vary too", _log_evidence_no_prior),
            ),
            expects="a function log_evidence(X, y, sigma, tau) returning one number",
        ),
        FunctionExercise(
            "calc-map-code", lambda: 0, _map_code_reference, _map_code_cases, relative(1e-7),
            mistakes=(
                Mistake("λ is the ratio of the variances σ²/τ², not of the standard deviations",
                        _map_code_not_squared),
                Mistake("λ is upside down: it is σ²/τ², noise over prior", _map_code_upside_down),
            ),
            expects="a function map_estimate(X, y, sigma, tau) returning the weights, shape (d,)",
        ),
    ]


# --- what learning is -----------------------------------------------------------------------------

def _bmi_data():
    # diabetes: the least-squares line y ≈ a + b·BMI (feature 2), on all 442 patients
    return 2


@functools.cache
def _bmi_answer():
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import LinearRegression

    X, y = load_diabetes(return_X_y=True)
    return float(LinearRegression().fit(X[:, [_bmi_data()]], y).coef_[0])


def _bmi_full_model(data):
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import LinearRegression

    X, y = load_diabetes(return_X_y=True)
    return float(LinearRegression().fit(X, y).coef_[data])


def _bmi_full_model_train(data):
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import train_test_split

    X, y = load_diabetes(return_X_y=True)
    X_tr, _, y_tr, _ = train_test_split(X, y, test_size=0.3, random_state=0)
    return float(LinearRegression().fit(X_tr, y_tr).coef_[data])


def _bmi_swapped(data):
    # BMI regressed on y: cov / var(y) instead of cov / var(BMI)
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    return float(np.cov(X[:, data], y)[0, 1] / np.var(y, ddof=1))


EXERCISES = [
    *_derivative_exercises(),
    *_multivariable_exercises(),
    *_learning_opt_exercises(),
    *_taylor_exercises(),
    *_bayes_exercises(),
    Exercise(
        "calc-cubic-derivative", _cubic_data, _cubic_answer, exact(),
        mistakes=(
            Mistake("that is the value of f at the point, not its slope", _cubic_value),
            Mistake("that is the slope of a secant with a step of one, not the limit of the "
                    "secants' slopes", _cubic_secant),
        ),
        expects="one number (an integer)",
    ),
    Exercise(
        "calc-integral-sin2", _sin2_data, _sin2_answer, sig(3),
        mistakes=(
            Mistake("you dropped the factor one half of the half-angle formula for sin²x",
                    _sin2_no_half),
            Mistake("that is the integral of sin x; the integrand is sin x squared", _sin2_plain_sin),
        ),
        expects="one number",
    ),
    Exercise(
        "calc-directional-temperature", _directional_data, _directional_answer, sig(3),
        mistakes=(
            Mistake("the direction vector is not a unit vector: divide it by its length first, "
                    "for a rate per unit distance", _directional_unnormalised),
            Mistake("that is the steepest rate, the length of the gradient, which is the rate along "
                    "the gradient, not along the given direction", _directional_steepest),
            Mistake("the partial derivative of y² with respect to y is twice y", _directional_forgot_two),
        ),
        expects="one number",
    ),
    Exercise(
        "calc-spherical-jacobian", _spherical_data, _spherical_answer, sig(3),
        mistakes=(
            Mistake("a power of r is missing: every entry of the θ and φ columns carries a factor r",
                    _spherical_r_not_squared),
            Mistake("cos θ where sin θ belongs: θ is measured from the z axis, not from the plane",
                    _spherical_cos),
            Mistake("the determinant depends on θ, not on φ: you have sin φ where sin θ belongs",
                    _spherical_sin_phi),
        ),
        expects="one number",
    ),
    Exercise(
        "calc-newton-sqrt5", _newton_sqrt5_data, _newton_sqrt5_answer, sig(6),
        mistakes=(
            Mistake("the step goes the wrong way: Newton subtracts f(x)/f'(x)", _newton_plus_sign),
            Mistake("the derivative of x² − 5 is 2x, not x", _newton_derivative_x),
            Mistake("the list starts one step early: the first entry should be the first iterate, "
                    "not the starting point", _newton_from_x0),
        ),
        expects="a list of three numbers (x₁, x₂, x₃)",
    ),
    Exercise(
        "calc-majority-class", _majority_data, _majority_answer, sig(3),
        mistakes=(
            Mistake("two labels tie for most frequent in the training set; the classifier (like "
                    "numpy's argmax) takes the smaller one", _majority_other_tie),
            Mistake("you chose the most frequent label of the test set: the classifier may only "
                    "learn from the training set", _majority_on_test),
            Mistake("that is how often the label occurs in the training set; the question is how "
                    "often it is right on the test set", _majority_train_share),
        ),
        expects="one number between 0 and 1",
    ),
    Exercise(
        "calc-map-ridge", _map_data, _map_answer, sig(3),
        mistakes=(
            Mistake("λ is the ratio of the variances σ²/τ², not of the standard deviations",
                    _map_not_squared),
            Mistake("λ is upside down: it is σ²/τ² (noise over prior), so a tighter prior means a "
                    "larger λ", _map_upside_down),
            Mistake("that is least squares without the prior: the prior adds λI to XᵀX",
                    _map_no_prior),
        ),
        expects="a vector of three numbers",
    ),
    Exercise(
        "calc-diabetes-bmi-slope", _bmi_data, _bmi_answer, sig(3),
        mistakes=(
            Mistake("that is the BMI coefficient of the model with all ten features; the exercise "
                    "asks for the line with BMI alone", _bmi_full_model),
            Mistake("that is the BMI coefficient of the ten-feature model fitted on the training "
                    "patients; the exercise asks for the line with BMI alone, on all patients",
                    _bmi_full_model_train),
            Mistake("the roles are swapped: you regressed BMI on y (dividing by the variance of y "
                    "instead of the variance of BMI)", _bmi_swapped),
        ),
        expects="one number",
    ),
]
