"""mlcourse.calculus: finite differences, Jacobians and Newton against sympy, torch autograd and numpy."""

import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mlcourse import calculus

pytestmark = pytest.mark.foundations

finite = st.floats(-3, 3, allow_nan=False)


def polar(q):
    r, theta = q[0], q[1]
    return np.array([r * np.cos(theta), r * np.sin(theta)])


def polar_torch(q):
    return torch.stack([q[0] * torch.cos(q[1]), q[0] * torch.sin(q[1])])


def test_difference_quotients_match_sympy_derivative():
    x = sp.Symbol("x")
    expr = x**3 - 6 * x**2 + 4 * x + 12
    f = sp.lambdify(x, expr, "numpy")
    df = sp.lambdify(x, sp.diff(expr, x), "numpy")
    points = np.linspace(-2, 5, 15)
    exact = df(points)
    forward = calculus.forward_difference(f, points)
    central = calculus.central_difference(f, points)
    # forward: truncation ½h|f''| ≈ 1.5e-8·|6x-12| plus round-off ~ 2ε|f|/h; central is far better
    np.testing.assert_allclose(forward, exact, atol=1e-6, err_msg=f"forward {forward} vs exact {exact}")
    np.testing.assert_allclose(central, exact, atol=1e-8, err_msg=f"central {central} vs exact {exact}")


def test_truncation_orders():
    # with h large enough that round-off is negligible, halving h halves the forward error and quarters
    # the central error
    f, df, x = np.exp, np.exp, 0.7
    hs = np.array([1e-2, 5e-3])
    fwd = [abs(calculus.forward_difference(f, x, h) - df(x)) for h in hs]
    cen = [abs(calculus.central_difference(f, x, h) - df(x)) for h in hs]
    assert fwd[0] / fwd[1] == pytest.approx(2, rel=0.01)
    assert cen[0] / cen[1] == pytest.approx(4, rel=0.01)


def test_jacobian_of_polar_map_matches_torch_and_sympy():
    q = np.array([1.7, 0.6])
    ours = calculus.jacobian(polar, q)
    theirs = torch.autograd.functional.jacobian(polar_torch, torch.tensor(q, dtype=torch.float64)).numpy()
    r, t = sp.symbols("r theta", positive=True)
    exact = np.array(sp.Matrix([r * sp.cos(t), r * sp.sin(t)]).jacobian([r, t]).subs({r: q[0], t: q[1]}),
                     dtype=float)
    assert ours.shape == (2, 2)
    np.testing.assert_allclose(ours, theirs, atol=1e-9, err_msg=f"ours {ours} vs torch {theirs}")
    np.testing.assert_allclose(theirs, exact, rtol=1e-14)
    assert np.linalg.det(ours) == pytest.approx(q[0], rel=1e-9)


def test_jacobian_layout_is_outputs_by_inputs():
    # f: R³ → R², so the Jacobian is 2 × 3
    def f(x):
        return np.array([x[0] * x[1], np.sin(x[2])])

    x = np.array([0.3, -1.2, 0.8])
    expected = np.array([[x[1], x[0], 0.0], [0.0, 0.0, np.cos(x[2])]])
    np.testing.assert_allclose(calculus.jacobian(f, x), expected, atol=1e-10)


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, (3, 4), elements=finite), arrays(np.float64, (4,), elements=finite))
def test_jacobian_of_a_linear_map_is_the_matrix(A, x):
    np.testing.assert_allclose(calculus.jacobian(lambda v: A @ v, x), A, atol=1e-9)


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, (3,), elements=finite), arrays(np.float64, (3,), elements=finite))
def test_gradient_and_directional_derivative_match_autograd(x, v):
    def f_np(z):
        return np.sin(z[0]) * z[1] ** 2 + np.exp(0.3 * z[2]) * z[0]

    def f_t(z):
        return torch.sin(z[0]) * z[1] ** 2 + torch.exp(0.3 * z[2]) * z[0]

    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    f_t(xt).backward()
    g_ref = xt.grad.numpy()
    g = calculus.gradient(f_np, x)
    np.testing.assert_allclose(g, g_ref, atol=1e-8, err_msg=f"ours {g} vs autograd {g_ref}")
    dv = calculus.directional_derivative(f_np, x, v)
    assert dv == pytest.approx(v @ g_ref, abs=1e-8), (dv, v @ g_ref)


def test_hessian_matches_torch():
    def f_np(z):
        return z[0] ** 2 * z[1] + np.cos(z[0] * z[1])

    def f_t(z):
        return z[0] ** 2 * z[1] + torch.cos(z[0] * z[1])

    x = np.array([0.4, -1.1])
    ref = torch.autograd.functional.hessian(f_t, torch.tensor(x, dtype=torch.float64)).numpy()
    ours = calculus.hessian(f_np, x)
    np.testing.assert_allclose(ours, ref, atol=1e-6, err_msg=f"ours {ours} vs torch {ref}")
    np.testing.assert_array_equal(ours, ours.T)


def test_taylor_polynomial_matches_sympy_series():
    x = sp.Symbol("x")
    expr = sp.sin(x) + sp.cos(x)
    x0 = 0.4
    derivs = [float(sp.diff(expr, x, k).subs(x, x0)) for k in range(8)]
    series = sp.series(expr, x, x0, 8).removeO()
    pts = np.linspace(-0.5, 1.2, 9)
    np.testing.assert_allclose(calculus.taylor_polynomial(derivs, x0, pts),
                               sp.lambdify(x, series, "numpy")(pts), rtol=1e-12)


def test_newton_root_is_quadratic_and_matches_numpy():
    result = calculus.newton_root(lambda x: x**2 - 2, lambda x: 2 * x, 1.0)
    assert result.converged and result.x == pytest.approx(np.sqrt(2), rel=1e-15)
    errors = np.abs(result.iterates - np.sqrt(2))[1:4]
    # quadratic convergence: e_{k+1} / e_k² tends to |f''/(2f')| = 1/(2√2)
    ratios = errors[1:] / errors[:-1] ** 2
    np.testing.assert_allclose(ratios[-1], 1 / (2 * np.sqrt(2)), rtol=0.05)


def test_newton_root_in_n_dimensions_matches_scipy():
    from scipy.optimize import fsolve

    def F(v):
        return np.array([v[0] ** 2 + v[1] ** 2 - 4, np.exp(v[0]) + v[1] - 1])

    def J(v):
        return np.array([[2 * v[0], 2 * v[1]], [np.exp(v[0]), 1.0]])

    result = calculus.newton_root(F, J, np.array([1.0, -1.0]))
    assert result.converged
    np.testing.assert_allclose(result.x, fsolve(F, [1.0, -1.0], fprime=J, xtol=1e-14), rtol=1e-12)
    assert result.iterates.shape == (result.n_iter + 1, 2)


def test_newton_optimum_one_step_on_quadratic():
    A = np.array([[3.0, 1.0], [1.0, 2.0]])
    b = np.array([1.0, -1.0])
    result = calculus.newton_optimum(lambda x: A @ x - b, lambda x: A, np.zeros(2))
    np.testing.assert_allclose(result.iterates[1], np.linalg.solve(A, b), rtol=1e-14)
    assert result.converged and result.n_iter <= 2


def test_newton_failures_are_flags():
    flat = calculus.newton_optimum(lambda x: 2 * x - 1, lambda x: 0.0 * x, 1.0)
    assert not flat.converged and "second derivative is zero" in flat.message
    singular = calculus.newton_root(lambda v: v.sum() * np.ones(2), lambda v: np.ones((2, 2)), [1.0, 2.0])
    assert not singular.converged and "singular" in singular.message
    capped = calculus.newton_root(lambda x: np.cbrt(x), lambda x: np.cbrt(x) / (3 * x), 1.0, max_iter=5)
    assert not capped.converged and capped.n_iter <= 5  # Newton diverges on the cube root


BAD_INPUTS = [
    (lambda: calculus.forward_difference(np.sin, [0.0, np.nan]), ValueError, r"x must be finite"),
    (lambda: calculus.central_difference("sin", 1.0), TypeError, r"f must be a function"),
    (lambda: calculus.central_difference(np.sin, 1.0, h=0.0), ValueError, r"h must be > 0"),
    (lambda: calculus.gradient(np.sum, [[1.0, 2.0]]), ValueError, r"x must be a vector"),
    (lambda: calculus.gradient(lambda x: x, [1.0, 2.0]), ValueError, r"f must return a scalar"),
    (lambda: calculus.directional_derivative(np.sum, [1.0, 2.0], [1.0]), ValueError,
     r"x and v must have the same shape"),
    (lambda: calculus.jacobian(lambda x: np.outer(x, x), [1.0, 2.0]), ValueError, r"f must return a vector"),
    (lambda: calculus.taylor_polynomial([1.0, 2.0], [0.0, 1.0], 1.0), ValueError,
     r"x0 must be a number \(0-D array\)"),
    (lambda: calculus.newton_root(np.sin, np.cos, 1.0, tol=-1), ValueError, r"tol must be > 0"),
    (lambda: calculus.newton_root(np.sin, np.cos, 1.0, max_iter=0), ValueError, r"max_iter must be >= 1"),
    (lambda: calculus.newton_root(np.sin, np.cos, np.inf), ValueError, r"x0 must be finite"),
    (lambda: calculus.newton_root(lambda v: v, lambda v: np.eye(3), [1.0, 2.0]), ValueError,
     r"df\(x\) must return the Jacobian"),
    (lambda: calculus.newton_optimum(np.sin, None, 1.0), TypeError, r"hess must be a function"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
