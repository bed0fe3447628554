"""mlcourse.theory.early_stopping: the factors against gradient descent run with mlcourse.optim."""

import numpy as np
import pytest

from mlcourse import optim
from mlcourse.theory import early_stopping as es

pytestmark = pytest.mark.theory


def test_factors_describe_gradient_descent_from_zero():
    rng = np.random.default_rng(0)
    Q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    lam = np.array([0.01, 0.1, 1.0, 5.0])
    H, w_star = Q @ np.diag(lam) @ Q.T, rng.normal(size=4)
    res = optim.run(optim.gd(0.1), lambda w: H @ (w - w_star), np.zeros(4), 25)
    np.testing.assert_allclose(Q.T @ res.final, es.early_stopping_factors(lam, 0.1, 25) * (Q.T @ w_star),
                               rtol=1e-10, atol=1e-12)


def test_matching_alpha_equates_the_factors_and_approaches_one_over_lr_tau():
    lam = np.array([1e-4, 1e-3, 1e-2])
    alpha = es.matching_alpha(lam, 0.01, 1000)
    np.testing.assert_allclose(es.l2_factors(lam, alpha), es.early_stopping_factors(lam, 0.01, 1000),
                               rtol=1e-12)
    # ελ ≪ 1 and λ ≪ α: α → 1/(ετ) = 0.1
    np.testing.assert_allclose(alpha[0], 1 / (0.01 * 1000), rtol=1e-3)


BAD_INPUTS = [
    (lambda: es.l2_factors([-1.0, 1.0], 0.1), ValueError, r"eigenvalues must be non-negative"),
    (lambda: es.early_stopping_factors([1.0], 0.1, -1), ValueError, r"n_steps must be >= 0"),
    (lambda: es.matching_alpha([1.0], 2.0, 3), ValueError, r"0 < lr·λ < 1 for every λ in eigenvalues"),
    (lambda: es.l2_factors([1.0], 0.0), ValueError, r"alpha must be > 0"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
