"""mlcourse.theory.min_norm against numpy.linalg.pinv and lstsq."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcourse.theory import min_norm

pytestmark = pytest.mark.theory


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 10_000))
def test_limit_is_pinv_plus_null_space_projection(m, extra, seed):
    rng = np.random.default_rng(seed)
    n = m + extra
    A, b, x0 = rng.normal(size=(m, n)), rng.normal(size=m), rng.normal(size=n)
    P_null = np.eye(n) - np.linalg.pinv(A) @ A
    np.testing.assert_allclose(min_norm.gd_limit(A, b, x0), P_null @ x0 + np.linalg.pinv(A) @ b,
                               rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(min_norm.gd_limit(A, b), np.linalg.lstsq(A, b, rcond=None)[0],
                               rtol=1e-8, atol=1e-9)


def test_gradient_descent_reaches_the_limit():
    rng = np.random.default_rng(0)
    A, b, x0 = rng.normal(size=(3, 8)), rng.normal(size=3), rng.normal(size=8)
    lr = 1.0 / np.linalg.norm(A, 2) ** 2
    for start in (None, x0):
        res = min_norm.gd_least_squares(A, b, lr=lr, n_steps=5000, x0=start, tol=1e-13)
        assert res.converged
        np.testing.assert_allclose(res.final, min_norm.gd_limit(A, b, start), rtol=1e-9, atol=1e-11)


BAD_INPUTS = [
    (lambda: min_norm.gd_limit(np.ones((2, 3)), [1.0]), ValueError, r"b must have 2 entries"),
    (lambda: min_norm.gd_limit(np.ones((2, 3)), [1.0, 1.0], [0.0]), ValueError, r"x0 must have 3 entries"),
    (lambda: min_norm.gd_least_squares(np.ones(3), [1.0], lr=0.1, n_steps=3), ValueError,
     r"A must be a matrix"),
    (lambda: min_norm.gd_least_squares(np.ones((1, 3)), [1.0], lr=0, n_steps=3), ValueError,
     r"lr must be > 0"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
