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


# --- the certificate of minimum nuclear norm ---------------------------------------------------------


def brute_force_minimum(Y, hidden):
    """The value of the one hidden entry that minimizes the nuclear norm (scalar search, numpy's SVD)."""
    from scipy.optimize import minimize_scalar

    def norm_with(x):
        X = Y.copy()
        X[hidden] = x
        return np.linalg.norm(X, "nuc")

    return minimize_scalar(norm_with, bounds=(-20, 20), method="bounded",
                           options={"xatol": 1e-10}).x


@pytest.mark.parametrize("Y, rank_one_wins", [
    (np.array([[4.0, 2.0], [2.0, 1.0]]), True),    # the rank-one completion has the least nuclear norm
    (np.array([[1.0, 2.0], [2.0, 4.0]]), False),   # here a completion of higher rank has a smaller one
])
def test_certificate_agrees_with_a_brute_force_search(Y, rank_one_wins):
    mask = np.ones((2, 2), dtype=bool)
    mask[1, 1] = False
    best = brute_force_minimum(Y, (1, 1))
    assert (abs(best - Y[1, 1]) < 1e-6) == rank_one_wins
    cert = mc.nuclear_norm_certificate(Y, mask, 1)
    assert cert.certified == rank_one_wins, cert
    assert cert.residual < 1e-12


def test_certificate_of_a_fully_observed_matrix_is_trivial():
    Y, _ = problem(n=6, r=2)
    cert = mc.nuclear_norm_certificate(Y, np.ones_like(Y, dtype=bool), 2)
    assert cert.certified and cert.dual_norm < 1e-10


def test_no_certificate_when_an_entry_the_rank_one_matrix_needs_is_hidden():
    # X = e₁e₁ᵀ: its only non-zero entry is hidden, so the zero matrix also agrees on Ω
    X = np.zeros((4, 4))
    X[0, 0] = 1.0
    mask = np.ones((4, 4), dtype=bool)
    mask[0, 0] = False
    cert = mc.nuclear_norm_certificate(X, mask, 1)
    assert not cert.injective and not cert.certified


@pytest.mark.parametrize("seed, certified", [(1, True), (0, False)])
def test_the_certificate_agrees_with_what_small_init_gradient_descent_finds(seed, certified):
    # certified: no completion has a smaller nuclear norm, and gradient descent finds this one;
    # not certified: gradient descent finds a completion of smaller nuclear norm than the truth
    Y, mask = problem(n=10, r=1, frac=0.7, seed=seed)
    cert = mc.nuclear_norm_certificate(Y, mask, 1)
    assert cert.certified == certified, cert
    fit = mc.factorized_completion(Y, mask, init_scale=1e-4, lr=0.05, n_steps=20000, tol=1e-12,
                                   rng=np.random.default_rng(0))
    ratio = mc.nuclear_norm(fit.X) / mc.nuclear_norm(Y)
    if certified:
        assert ratio == pytest.approx(1.0, abs=1e-4)
    else:
        assert ratio < 1 - 1e-4


def test_certificate_rejects_bad_input():
    with pytest.raises(ValueError, match="rank"):
        mc.nuclear_norm_certificate(np.eye(3), np.ones((3, 3), dtype=bool), 3)
