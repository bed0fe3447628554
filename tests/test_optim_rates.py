"""mlcourse.optim.rates: the theoretical rates against measured trajectories and eigenvalues."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcourse import optim
from mlcourse.optim import problems, rates

pytestmark = pytest.mark.optimization

KAPPAS = [2.0, 10.0, 100.0, 1000.0]


def errors(result):
    return np.linalg.norm(result.iterates, axis=1)  # the minimizer is 0


@pytest.mark.parametrize("kappa", KAPPAS)
def test_gd_with_its_best_learning_rate_converges_at_the_predicted_rate(kappa):
    p = problems.quadratic(kappa, angle=0.4)
    theory = rates.gd_rate(kappa)
    n = int(50 / -np.log(theory)) + 10
    result = optim.run(optim.gd(rates.gd_optimal_lr(1.0, kappa)), p.grad, p.start, n)
    # both eigen-directions shrink by exactly ρ per step, so the fit is exact up to rounding
    np.testing.assert_allclose(rates.measured_rate(errors(result)), theory, rtol=1e-9)


@pytest.mark.parametrize("kappa", KAPPAS)
def test_momentum_with_its_best_parameters_converges_at_the_predicted_rate(kappa):
    p = problems.quadratic(kappa, angle=0.4)
    hb = rates.heavy_ball_optimal(1.0, kappa)
    n = int(150 / -np.log(hb.rate)) + 100
    result = optim.run(optim.momentum(hb.lr, hb.beta), p.grad, p.start, n)
    # a repeated eigenvalue: e_k = ρ^k ‖c₁ + k c₂‖, which the model c + p log k + k log ρ matches up
    # to O(1/k) over the tail (k ≳ 25 / (1 - ρ)): hence 1e-4, where the plain fit is off by ~1e-2 at κ = 1000
    np.testing.assert_allclose(rates.measured_rate(errors(result), polynomial=True), hb.rate, rtol=1e-4)
    assert rates.measured_rate(errors(result)) > hb.rate  # the plain fit is biased upwards by the k


@pytest.mark.parametrize("kappa", KAPPAS)
def test_rates_are_the_spectral_radii_of_the_iteration_matrices(kappa):
    A = problems.quadratic(kappa, angle=1.1).hessian(np.zeros(2))
    lr = rates.gd_optimal_lr(1.0, kappa)
    np.testing.assert_allclose(rates.spectral_radius(rates.gd_iteration_matrix(A, lr)), rates.gd_rate(kappa),
                               rtol=1e-12)
    hb = rates.heavy_ball_optimal(1.0, kappa)
    M = rates.heavy_ball_iteration_matrix(A, hb.lr, hb.beta)
    np.testing.assert_allclose(rates.spectral_radius(M), hb.rate, rtol=1e-6)


def test_heavy_ball_matrix_reproduces_torch_form_momentum():
    """(x_{k+1}, x_k) = M (x_k, x_{k-1}) for the iterates of optim.momentum (torch's form)."""
    p = problems.quadratic(20.0, angle=0.3)
    A = p.hessian(np.zeros(2))
    lr, beta = 0.05, 0.8
    xs = optim.run(optim.momentum(lr, beta), p.grad, p.start, 30).iterates
    M = rates.heavy_ball_iteration_matrix(A, lr, beta)
    for k in range(1, 30):
        np.testing.assert_allclose(M @ np.concatenate([xs[k], xs[k - 1]]), np.concatenate([xs[k + 1], xs[k]]),
                                   rtol=1e-12, atol=1e-14)


@settings(max_examples=40, deadline=None)
@given(st.floats(1.0, 1e4), st.floats(1e-3, 1e3))
def test_optimal_parameters_are_optimal(kappa, mu):
    """No learning rate beats 2/(L+μ); the heavy-ball rate is the square root of GD's at κ → √κ."""
    L = kappa * mu
    A = np.diag([mu, L])
    best = rates.spectral_radius(rates.gd_iteration_matrix(A, rates.gd_optimal_lr(mu, L)))
    for factor in (0.9, 0.99, 1.01, 1.1):
        other = rates.spectral_radius(rates.gd_iteration_matrix(A, factor * rates.gd_optimal_lr(mu, L)))
        assert other >= best * (1 - 1e-12)
    hb = rates.heavy_ball_optimal(mu, L)
    np.testing.assert_allclose(hb.rate, rates.gd_rate(np.sqrt(kappa)), rtol=1e-12)
    assert hb.rate <= rates.gd_rate(kappa) + 1e-15


def test_measured_rate_recovers_a_known_geometric_sequence():
    k = np.arange(100)
    np.testing.assert_allclose(rates.measured_rate(3.0 * 0.9**k), 0.9, rtol=1e-12)
    e = 3.0 * k**2 * 0.7**k
    e[0] = 1.0  # not used: the fit starts at k = 50
    np.testing.assert_allclose(rates.measured_rate(e, polynomial=True), 0.7, rtol=1e-12)


BAD = [
    (lambda: rates.gd_rate(0.5), ValueError, r"kappa must be >= 1; got 0.5"),
    (lambda: rates.gd_optimal_lr(2.0, 1.0), ValueError, r"mu must be <= L"),
    (lambda: rates.heavy_ball_optimal(-1.0, 1.0), ValueError, r"mu must be > 0"),
    (lambda: rates.measured_rate([1.0, 0.5, 0.0, 0.1, 0.2, 0.3]), ValueError, r"errors must be positive"),
    (lambda: rates.measured_rate([1.0, 0.5, 0.25]), ValueError, r"errors needs at least 3 entries"),
    (lambda: rates.gd_iteration_matrix(np.ones((2, 3)), 0.1), ValueError, r"A must be a square matrix"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
