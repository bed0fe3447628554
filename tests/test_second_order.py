"""mlcourse.optim.second_order: Newton and BFGS against numpy, scipy.optimize and the BFGS identities."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.optimize import minimize

from mlcourse.optim import problems, run
from mlcourse.optim.second_order import BFGSState, bfgs, bfgs_update, newton

pytestmark = [pytest.mark.foundations, pytest.mark.optimization]

STARTS = [np.array([-1.2, 1.0]), np.array([-1.5, 2.0]), np.array([2.0, -1.0]), np.array([0.5, 2.5])]


def test_newton_solves_a_quadratic_in_one_step():
    p = problems.quadratic(25.0, 0.4)
    result = run(newton(p.hessian), p.grad, p.start, 1)
    np.testing.assert_allclose(result.iterates[1], 0.0, atol=1e-14)  # a few ulps of |x₀| ≈ 3


def test_newton_step_is_the_linear_solve():
    p = problems.rosenbrock()
    x = p.start
    opt = newton(p.hessian, lr=0.5)
    x_new, state = opt.step(x, p.grad(x), opt.init(x))
    np.testing.assert_allclose(x_new, x - 0.5 * np.linalg.solve(p.hessian(x), p.grad(x)), rtol=1e-15)
    assert state.t == 1


@pytest.mark.parametrize("x0", STARTS, ids=str)
def test_newton_converges_quadratically_on_rosenbrock(x0):
    p = problems.rosenbrock()
    result = run(newton(p.hessian), p.grad, x0, 50, tol=1e-10)
    assert result.converged
    np.testing.assert_allclose(result.final, [1.0, 1.0], rtol=1e-10)
    errors = np.linalg.norm(result.iterates - 1.0, axis=1)
    # the last steps: e_{k+1} ≤ C e_k² with a moderate C (quadratic convergence)
    e = errors[errors > 1e-14]
    assert e[-1] <= 1e3 * e[-2] ** 2


def test_newton_refuses_an_indefinite_hessian_when_asked():
    p = problems.saddle()
    opt = newton(p.hessian, require_positive_definite=True)
    x = np.array([0.5, 0.1])  # here ∂²f/∂y² = 3y² - 1 < 0
    with pytest.raises(ValueError, match="not positive definite"):
        opt.step(x, p.grad(x), opt.init(x))
    # without the check Newton walks to the saddle point: a stationary point, not a minimum
    result = run(newton(p.hessian), p.grad, x, 30, tol=1e-12)
    np.testing.assert_allclose(result.final, [0.0, 0.0], atol=1e-12)


def test_singular_hessian_is_reported_as_divergence():
    p = problems.saddle()  # ∂²f/∂y² = 0 at y = ±1/√3
    result = run(newton(p.hessian), p.grad, np.array([0.3, 1 / np.sqrt(3)]), 5)
    assert result.diverged and result.diverged_at == 1


#: starting points per problem (from Beale's (-1.2, 1) both BFGS codes drift to the asymptote x → -∞, y → 1)
BFGS_CASES = [("rosenbrock", x0) for x0 in STARTS] + [
    ("beale", [1.0, 1.4]), ("beale", [2.0, 0.0]), ("beale", [0.0, 0.0]), ("beale", [-1.0, -1.0]),
    ("quadratic", [-2.5, 1.5]), ("quadratic", [1.0, 1.0]),
    ("himmelblau", [-0.5, -0.5]), ("himmelblau", [0.0, 0.0]), ("himmelblau", [-3.0, 3.0]),
]


@pytest.mark.parametrize("name, x0", BFGS_CASES, ids=str)
def test_bfgs_agrees_with_scipy(name, x0):
    p = problems.PROBLEMS[name]()
    x0 = np.asarray(x0, dtype=float)
    ours = run(bfgs(p.value), p.grad, x0, 500, loss=p.value, tol=1e-8)
    ref = minimize(p.value, x0, jac=p.grad, method="BFGS", options={"gtol": 1e-8})
    assert ours.converged and ref.success
    if name == "himmelblau":  # four minima: both must reach *a* minimizer (not necessarily the same)
        assert np.min(np.linalg.norm(p.minimizers - ours.final, axis=1)) < 1e-6
        assert p.value(ours.final) < 1e-12
    else:
        # same minimizer; the gradient tolerance 1e-8 bounds the distance through the Hessian's smallest
        # eigenvalue (Rosenbrock ~0.4, Beale ~0.2), hence 1e-6
        np.testing.assert_allclose(ours.final, ref.x, atol=1e-6)
    # comparable work: scipy's Wolfe line search and our Armijo backtracking differ, so the iteration counts
    # differ too, but by less than a factor of two
    assert ours.n_steps <= 2 * ref.nit + 5, (ours.n_steps, ref.nit)


def test_bfgs_state_keeps_symmetry_definiteness_and_secant_condition():
    p = problems.rosenbrock()
    opt = bfgs(p.value)
    x, state = p.start, opt.init(p.start)
    for _ in range(30):
        g = p.grad(x)
        x_new, new_state = opt.step(x, g, state)
        if state.x_prev is not None and new_state.n_skipped == state.n_skipped:
            H = new_state.H
            s, y = x - state.x_prev, g - state.g_prev
            np.testing.assert_allclose(H, H.T, rtol=0, atol=1e-12 * np.abs(H).max())
            assert np.linalg.eigvalsh(H)[0] > 0
            np.testing.assert_allclose(H @ y, s, rtol=1e-8, atol=1e-14)
        x, state = x_new, new_state
    assert isinstance(state, BFGSState) and state.t == 30


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (4,), elements=st.floats(-2, 2)),
       arrays(np.float64, (4,), elements=st.floats(-2, 2)),
       arrays(np.float64, (4, 4), elements=st.floats(-1, 1)))
def test_bfgs_update_laws(s, y, M):
    # well-posed pairs only: the curvature condition with a margin, and no vanishing s or y
    assume(min(np.linalg.norm(s), np.linalg.norm(y)) > 1e-2)
    assume(s @ y > 1e-2 * np.linalg.norm(s) * np.linalg.norm(y))
    H = M @ M.T + np.eye(4)
    H_new = bfgs_update(H, s, y)
    np.testing.assert_allclose(H_new, H_new.T, atol=1e-10)
    np.testing.assert_allclose(H_new @ y, s, atol=1e-8 * (1 + np.abs(H_new).max()))
    assert np.linalg.eigvalsh(H_new)[0] > 0


def test_bfgs_recovers_the_inverse_hessian_of_a_quadratic():
    # with exact line searches BFGS finds A⁻¹ in d steps; with Armijo steps it still converges to the
    # minimizer and its H approaches A⁻¹ along the directions explored
    p = problems.quadratic(4.0, 0.3)
    result = run(bfgs(p.value), p.grad, p.start, 100, tol=1e-12)
    assert result.converged
    np.testing.assert_allclose(result.final, 0.0, atol=1e-11)


BAD_INPUTS = [
    (lambda: newton("H"), TypeError, r"hessian must be a function"),
    (lambda: newton(lambda x: np.eye(2), lr=0), ValueError, r"lr must be > 0"),
    (lambda: bfgs(None), TypeError, r"fun must be a function"),
    (lambda: bfgs(np.sum, c1=1.5), ValueError, r"c1 must be in \(0, 1\)"),
    (lambda: bfgs(np.sum, shrink=1.0), ValueError, r"shrink must be in \(0, 1\)"),
    (lambda: bfgs(np.sum, max_backtracks=0), ValueError, r"max_backtracks must be >= 1"),
    (lambda: bfgs(np.sum, H0=-np.eye(2)), ValueError, r"H0 must be symmetric positive definite"),
    (lambda: bfgs(np.sum, H0=np.eye(3)).init(np.zeros(2)), ValueError, r"H0 must have shape \(2, 2\)"),
    (lambda: bfgs_update(np.eye(2), [1.0, 0.0], [-1.0, 0.0]), ValueError, r"curvature condition"),
    (lambda: newton(lambda x: np.eye(3)).step(np.zeros(2), np.ones(2), None), ValueError,
     r"hessian\(x\) must return shape \(2, 2\)"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()


def _torch_value(name):
    import torch

    def rosenbrock(z):
        return (1 - z[0]) ** 2 + 100 * (z[1] - z[0] ** 2) ** 2

    def beale(z):
        return sum((c - z[0] + z[0] * z[1] ** i) ** 2 for i, c in enumerate((1.5, 2.25, 2.625), start=1))

    def saddle(z):
        return 0.5 * z[0] ** 2 - 0.5 * z[1] ** 2 + 0.25 * z[1] ** 4

    return {"rosenbrock": rosenbrock, "beale": beale, "saddle": saddle}[name], torch


@pytest.mark.parametrize("name", ["rosenbrock", "beale", "saddle"])
def test_problem_hessians_match_torch(name):
    # Newton and the BFGS checks rely on these Hessians: compare with autograd in float64
    f_t, torch = _torch_value(name)
    p = problems.PROBLEMS[name]()
    for x in [p.start, np.array([0.3, -0.7]), np.array([1.2, 0.9])]:
        xt = torch.tensor(x, dtype=torch.float64)
        H_ref = torch.autograd.functional.hessian(f_t, xt).numpy()
        g_ref = torch.func.grad(f_t)(xt).numpy()
        np.testing.assert_allclose(p.hessian(x), H_ref, rtol=1e-12, atol=1e-12,
                                   err_msg=f"{name} at {x}: ours {p.hessian(x)} vs torch {H_ref}")
        np.testing.assert_allclose(p.grad(x), g_ref, rtol=1e-12, atol=1e-12)
