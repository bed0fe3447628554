"""mlcourse.theory.matrix_completion: gradients against torch autograd, small-init recovery, soft-impute."""

import numpy as np
import pytest
import torch

from mlcourse.theory import matrix_completion as mc

pytestmark = pytest.mark.theory


def problem(n=10, r=2, frac=0.7, seed=0):
    rng = np.random.default_rng(seed)
    Y = rng.normal(size=(n, r)) @ rng.normal(size=(r, n)) / np.sqrt(r)
    return Y, rng.random((n, n)) < frac


def test_nuclear_norm_matches_numpy():
    X = np.random.default_rng(0).normal(size=(4, 6))
    assert mc.nuclear_norm(X) == pytest.approx(np.linalg.norm(X, "nuc"), rel=1e-13)


def test_one_step_matches_torch_autograd():
    Y, mask = problem()
    res = mc.factorized_completion(Y, mask, init_scale=0.5, lr=0.01, n_steps=1, tol=0,
                                   rng=np.random.default_rng(3))
    U0 = 0.5 * np.random.default_rng(3).normal(size=(10, 10))
    V0 = 0.5 * np.random.default_rng(3).normal(size=(20, 10))[10:]
    U, V = torch.tensor(U0, requires_grad=True), torch.tensor(V0, requires_grad=True)
    loss = 0.5 * torch.sum(torch.tensor(mask) * (U @ V.T - torch.tensor(Y)) ** 2)
    loss.backward()
    np.testing.assert_allclose(res.U, U0 - 0.01 * U.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(res.V, V0 - 0.01 * V.grad.numpy(), rtol=1e-12)
    assert res.losses[0] == pytest.approx(loss.item(), rel=1e-13)


def test_small_initialization_recovers_a_low_rank_matrix_and_large_does_not():
    Y, mask = problem()
    small = mc.factorized_completion(Y, mask, init_scale=1e-5, lr=0.05, n_steps=6000, tol=1e-10,
                                     rng=np.random.default_rng(1))
    large = mc.factorized_completion(Y, mask, init_scale=0.5, lr=0.05, n_steps=6000, tol=1e-10,
                                     rng=np.random.default_rng(1))
    err = lambda X: np.linalg.norm((X - Y)[~mask]) / np.linalg.norm(Y[~mask])  # noqa: E731
    assert err(small.X) < 0.01 < 0.3 < err(large.X)
    assert mc.nuclear_norm(small.X) < mc.nuclear_norm(large.X)
    assert np.abs((large.X - Y)[mask]).max() < 1e-4      # both fit the observed entries


def test_soft_impute_threshold_operator_solves_the_prox_problem():
    """With every entry observed, soft-impute's fixed point is the singular value soft-threshold of Y."""
    Y = np.random.default_rng(0).normal(size=(5, 4))
    X = mc.soft_impute(Y, np.ones_like(Y, dtype=bool), lam=0.5, n_iter=3)
    U, s, Vt = np.linalg.svd(Y, full_matrices=False)
    np.testing.assert_allclose(X, (U * np.maximum(s - 0.5, 0)) @ Vt, atol=1e-12)


def test_divergence_is_reported_not_raised():
    Y, mask = problem()
    res = mc.factorized_completion(Y, mask, init_scale=1.0, lr=1.0, n_steps=200, rng=np.random.default_rng(0))
    assert res.diverged and not res.converged


BAD_INPUTS = [
    (lambda: mc.factorized_completion(np.ones((3, 4)), np.ones((3, 4), bool), rank=5), ValueError,
     r"rank must be <= min\(n1, n2\) = 3 for a 3×4 matrix; got 5"),
    (lambda: mc.factorized_completion(np.ones((3, 4)), np.ones((4, 3), bool)), ValueError,
     r"mask must be a boolean array of the shape of Y"),
    (lambda: mc.factorized_completion(np.ones((3, 4)), np.zeros((3, 4), bool)), ValueError,
     r"mask must observe at least one entry"),
    (lambda: mc.factorized_completion(np.ones((3, 4)), np.ones((3, 4), bool), init_scale=0), ValueError,
     r"init_scale must be > 0"),
    (lambda: mc.soft_impute(np.ones((3, 4)), np.ones((3, 4), bool), lam=-1), ValueError, r"lam must be > 0"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
