"""mlcourse.theory.noise: the exact expectation against Monte Carlo and against the sympy derivation."""

import numpy as np
import pytest
import sympy as sp

from mlcourse.theory import noise

pytestmark = pytest.mark.theory


def test_monte_carlo_mean_agrees_with_the_formula():
    rng = np.random.default_rng(0)
    w, x, sigma = np.array([1.5, -2.0, 0.5]), np.array([0.3, 0.1, -1.0]), np.array([0.2, 0.5, 1.0])
    draws = noise.noisy_squared_errors(w, x, 0.7, sigma, 200_000, rng)
    expected = noise.expected_noisy_loss(w, x, 0.7, sigma)
    se = draws.std() / np.sqrt(draws.size)
    assert abs(draws.mean() - expected) < 4 * se, (draws.mean(), expected, se)


def test_formula_is_the_expectation_symbolically():
    w1, w2, x1, x2, t, s1, s2 = sp.symbols("w1 w2 x1 x2 t s1 s2", real=True)
    e1, e2 = sp.symbols("e1 e2", real=True)
    sq = sp.expand((w1 * (x1 + e1) + w2 * (x2 + e2) - t) ** 2)
    # E[e] = 0, E[e²] = σ², E[e1 e2] = 0 for independent zero-mean noise
    poly = sp.Poly(sq, e1, e2)
    moments = {(0, 0): 1, (1, 0): 0, (0, 1): 0, (2, 0): s1**2, (0, 2): s2**2, (1, 1): 0}
    expectation = sum(c * moments[m] for m, c in zip(poly.monoms(), poly.coeffs(), strict=True))
    assert sp.simplify(expectation - ((w1 * x1 + w2 * x2 - t) ** 2 + w1**2 * s1**2 + w2**2 * s2**2)) == 0


def test_scalar_sigma_broadcasts():
    assert noise.expected_noisy_loss([1.0, 2.0], [0.0, 0.0], 0.0, 0.5) == pytest.approx(0.25 * 5)


BAD_INPUTS = [
    (lambda: noise.expected_noisy_loss([1, 2], [1, 2, 3], 0.0, 1.0), ValueError, r"x must have 2 entries"),
    (lambda: noise.expected_noisy_loss([1, 2], [1, 2], 0.0, [-1.0, 1.0]), ValueError,
     r"sigma must be non-negative"),
    (lambda: noise.noisy_squared_errors([1], [1], 0.0, 1.0, 10, rng=0), TypeError, r"rng must be a numpy"),
    (lambda: noise.noisy_squared_errors([1], [1], 0.0, 1.0, 1, np.random.default_rng()), ValueError,
     r"n_samples must be >= 2"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
