"""mlcourse.theory.l2: the spectral formula against a linear solve, weight decay against torch.optim.SGD."""

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcourse.theory import l2

pytestmark = pytest.mark.theory


def psd(d, rng):
    A = rng.normal(size=(d, d))
    return A @ A.T + 0.01 * np.eye(d)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 6), st.floats(1e-3, 1e3), st.integers(0, 10_000))
def test_spectral_form_equals_the_solve(d, alpha, seed):
    rng = np.random.default_rng(seed)
    H, w_star = psd(d, rng), rng.normal(size=d)
    s = l2.shrinkage(H, w_star, alpha)
    np.testing.assert_allclose(s.w_tilde, l2.l2_minimizer(H, w_star, alpha), rtol=1e-8, atol=1e-10)
    # in the eigenbasis each component is multiplied by λ/(λ + α)
    np.testing.assert_allclose(s.eigenvectors.T @ s.w_tilde, s.factors * (s.eigenvectors.T @ w_star),
                               rtol=1e-8, atol=1e-10)
    assert np.all((s.factors > 0) & (s.factors < 1))


def test_minimizer_has_zero_gradient():
    rng = np.random.default_rng(0)
    H, w_star = psd(4, rng), rng.normal(size=4)
    w = l2.l2_minimizer(H, w_star, 0.3)
    np.testing.assert_allclose(0.3 * w + H @ (w - w_star), 0, atol=1e-12)


def test_weight_decay_step_matches_torch_sgd():
    rng = np.random.default_rng(0)
    H, w_star = psd(3, rng), rng.normal(size=3)
    w = rng.normal(size=3)
    p = torch.tensor(w.copy(), requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.05, weight_decay=0.2)
    for _ in range(10):
        w = l2.weight_decay_step(w, H @ (w - w_star), lr=0.05, alpha=0.2)
        opt.zero_grad()
        (0.5 * (p - torch.tensor(w_star)) @ torch.tensor(H) @ (p - torch.tensor(w_star))).backward()
        opt.step()
    np.testing.assert_allclose(w, p.detach().numpy(), rtol=1e-13)


BAD_INPUTS = [
    (lambda: l2.shrinkage(np.array([[1.0, 2.0], [0.0, 1.0]]), [1, 1], 0.1), ValueError,
     r"H must be symmetric"),
    (lambda: l2.shrinkage(-np.eye(2), [1, 1], 0.1), ValueError, r"H must be positive semi-definite"),
    (lambda: l2.shrinkage(np.eye(2), [1, 1, 1], 0.1), ValueError, r"w_star must have 2 entries"),
    (lambda: l2.l2_minimizer(np.eye(2), [1, 1], 0.0), ValueError, r"alpha must be > 0"),
    (lambda: l2.weight_decay_step([1, 2], [1], 0.1, 0.1), ValueError, r"grad must have 2 entries"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
