"""mlcourse.optim.minibatch: the minibatch gradient's mean and noise, exactly and by Monte Carlo."""

import itertools

import numpy as np
import pytest
import torch

from mlcourse import optim
from mlcourse.optim import minibatch

pytestmark = pytest.mark.optimization


@pytest.fixture
def problem():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3 * rng.normal(size=7)
    return minibatch.LeastSquares(X, y)


def test_gradients_match_torch_autograd(problem):
    theta = np.array([0.3, -0.1, 0.7])
    t = torch.tensor(theta, requires_grad=True)
    X, y = torch.tensor(problem.X), torch.tensor(problem.y)
    loss = 0.5 * torch.mean((X @ t - y) ** 2)
    loss.backward()
    np.testing.assert_allclose(problem.value(theta), loss.item(), rtol=1e-14)
    np.testing.assert_allclose(problem.grad(theta), t.grad.numpy(), rtol=1e-13)
    np.testing.assert_allclose(problem.per_example_grads(theta).mean(axis=0), problem.grad(theta), rtol=1e-13)
    np.testing.assert_allclose(problem.hessian, torch.autograd.functional.hessian(
        lambda s: 0.5 * torch.mean((X @ s - y) ** 2), t.detach()).numpy(), rtol=1e-13)
    np.testing.assert_allclose(problem.grad(problem.solution), 0, atol=1e-13)


@pytest.mark.parametrize("b, replace", [(1, True), (2, True), (4, True), (1, False), (3, False), (7, False)])
def test_mean_and_noise_by_exact_enumeration(problem, b, replace):
    """Average over every possible batch: the mean is ∇f and the mean squared error is the formula."""
    theta = np.array([0.3, -0.1, 0.7])
    n = problem.n_samples
    if replace:
        batches = list(itertools.product(range(n), repeat=b))   # all nᴮ ordered draws, equally likely
    else:
        batches = list(itertools.combinations(range(n), b))     # all C(n, B) subsets, equally likely
    G = np.array([problem.minibatch_grad(theta, np.array(idx)) for idx in batches])
    np.testing.assert_allclose(G.mean(axis=0), problem.grad(theta), rtol=1e-12, atol=1e-15)
    mse = np.mean(np.sum((G - problem.grad(theta)) ** 2, axis=1))
    expected = minibatch.gradient_noise(problem.per_example_grads(theta), b, replace=replace)
    np.testing.assert_allclose(mse, expected, rtol=1e-11, atol=1e-15)


def test_minibatch_indices():
    rng = np.random.default_rng(3)
    idx = minibatch.minibatch_indices(10, 4, rng, n_batches=500)
    assert idx.shape == (500, 4)
    assert all(len(set(row)) == 4 for row in idx)           # no repeats within a batch
    counts = np.bincount(idx.ravel(), minlength=10)
    assert counts.min() > 120 and counts.max() < 280         # each point ~200 times (binomial sd ≈ 13)
    with_repeats = minibatch.minibatch_indices(3, 5, rng, replace=True, n_batches=50)
    assert with_repeats.shape == (50, 5) and with_repeats.max() <= 2


def test_sgd_gradient_drives_run_and_is_seeded(problem):
    opt = optim.gd(0.05)
    a = optim.run(opt, minibatch.sgd_gradient(problem, 2, np.random.default_rng(5)), np.zeros(3), 300)
    b = optim.run(opt, minibatch.sgd_gradient(problem, 2, np.random.default_rng(5)), np.zeros(3), 300)
    np.testing.assert_array_equal(a.iterates, b.iterates)
    full = optim.run(opt, minibatch.sgd_gradient(problem, 7, np.random.default_rng(5)), np.zeros(3), 300)
    exact = optim.run(opt, problem.grad, np.zeros(3), 300)
    np.testing.assert_allclose(full.iterates, exact.iterates, rtol=1e-12, atol=1e-14)  # B = n: plain GD


BAD = [
    (lambda p: minibatch.LeastSquares(np.ones((3, 2)), np.ones(4)), ValueError, r"y must have 3 entries"),
    (lambda p: p.grad([1.0, 2.0]), ValueError, r"theta must have 3 entries"),
    (lambda p: p.minibatch_grad(np.zeros(3), [0.5]), ValueError, r"indices must be a non-empty"),
    (lambda p: minibatch.minibatch_indices(5, 6, np.random.default_rng(0)), ValueError,
     r"batch_size must be <= n_samples=5"),
    (lambda p: minibatch.minibatch_indices(5, 2, 0), TypeError, r"rng must be a numpy.random.Generator"),
    (lambda p: minibatch.gradient_noise(np.ones((3, 2)), 0), ValueError, r"batch_size must be >= 1"),
    (lambda p: minibatch.sgd_gradient("data", 2, np.random.default_rng(0)), TypeError,
     r"problem must be a LeastSquares"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD)
def test_bad_input_gets_a_clear_error(problem, call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call(problem)
