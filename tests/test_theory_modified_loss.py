"""mlcourse.theory.modified_loss: modified gradients vs autograd, orders of accuracy, the batch term."""

import numpy as np
import pytest
import torch

from mlcourse.theory import modified_loss as ml

pytestmark = pytest.mark.theory


def loss_torch(w):
    return torch.log(1 + torch.exp(w[0] - 2 * w[1])) + 0.5 * w[0] ** 2 + 0.25 * w[1] ** 4


def grad(w):
    t = torch.tensor(w, requires_grad=True)
    return torch.autograd.grad(loss_torch(t), t)[0].numpy()


def hess(w):
    return torch.autograd.functional.hessian(loss_torch, torch.tensor(w)).numpy()


def test_modified_gradient_is_the_gradient_of_the_modified_loss():
    w, lr = np.array([0.3, -0.7]), 0.1
    t = torch.tensor(w, requires_grad=True)
    g = torch.autograd.grad(loss_torch(t), t, create_graph=True)[0]
    (mod_grad,) = torch.autograd.grad(loss_torch(t) + lr / 4 * g @ g, t)
    np.testing.assert_allclose(ml.modified_gradient_gd(grad, hess, lr)(w), mod_grad.numpy(), rtol=1e-12)


def test_gradient_flow_matches_the_exponential_on_a_quadratic():
    H = np.array([[2.0, 0.5], [0.5, 1.0]])
    lam, Q = np.linalg.eigh(H)
    w0 = np.array([1.0, -1.0])
    out = ml.gradient_flow(lambda w: H @ w, w0, [0.0, 0.5, 1.0])
    for row, t in zip(out, (0.0, 0.5, 1.0), strict=True):
        np.testing.assert_allclose(row, Q @ (np.exp(-lam * t) * (Q.T @ w0)), rtol=1e-10, atol=1e-12)


def test_gd_is_second_order_close_to_the_modified_flow_and_first_order_to_the_flow():
    w0, T = np.array([1.0, 1.0]), 1.0
    err_flow, err_mod = [], []
    lrs = [0.04, 0.02, 0.01]
    for lr in lrs:
        n = round(T / lr)
        w = w0.copy()
        for _ in range(n):
            w = w - lr * grad(w)
        err_flow.append(np.linalg.norm(w - ml.gradient_flow(grad, w0, [T])[0]))
        modified = ml.modified_gradient_gd(grad, hess, lr)
        err_mod.append(np.linalg.norm(w - ml.gradient_flow(modified, w0, [T])[0]))
    slope = lambda e: np.polyfit(np.log(lrs), np.log(e), 1)[0]  # noqa: E731
    assert 0.9 < slope(err_flow) < 1.1
    assert 1.8 < slope(err_mod) < 2.2


def test_shuffled_epoch_mean_for_two_linear_maps_by_hand():
    A1, A2 = np.array([[1.0, 0.0], [0.0, 2.0]]), np.array([[0.0, 1.0], [1.0, 0.0]])
    g1, g2 = (lambda w: A1 @ w), (lambda w: A2 @ w)
    w0, lr = np.array([1.0, -2.0]), 0.1
    eye = np.eye(2)
    expected = 0.5 * ((eye - lr * A2) @ (eye - lr * A1) + (eye - lr * A1) @ (eye - lr * A2)) @ w0
    np.testing.assert_allclose(ml.shuffled_epoch_mean([g1, g2], w0, lr), expected, rtol=1e-14)


@pytest.mark.parametrize("B", [1, 2, 3, 6])
def test_minibatch_gradient_norm_formula(B):
    G = np.random.default_rng(B).normal(size=(6, 3))
    enumerated, formula = ml.minibatch_gradient_norm(G, B)
    assert enumerated == pytest.approx(formula, rel=1e-12)


def test_two_basin_derivative_matches_central_differences():
    w = np.linspace(-2, 3, 41)
    h = 1e-6
    fd = (ml.two_basin_loss(w + h)[0] - ml.two_basin_loss(w - h)[0]) / (2 * h)
    np.testing.assert_allclose(ml.two_basin_loss(w)[1], fd, rtol=1e-6, atol=1e-6,
                               err_msg="analytic derivative vs central differences")
    lam_sharp = (ml.two_basin_loss(ml.SHARP[0] + h)[1] - ml.two_basin_loss(ml.SHARP[0] - h)[1]) / (2 * h)
    assert lam_sharp == pytest.approx(ml.SHARP[1], rel=1e-3)


def test_full_batch_gd_above_the_stability_limit_never_stays_in_the_sharp_well():
    w = ml.sgd_two_basins(0.06, 32, n_examples=32, n_runs=100, n_steps=300, rng=np.random.default_rng(0))
    assert np.all(ml.basin_of(w) == "flat")
    w = ml.sgd_two_basins(0.01, 32, n_examples=32, n_runs=100, n_steps=300, rng=np.random.default_rng(0))
    assert np.any(ml.basin_of(w) == "sharp")


BAD_INPUTS = [
    (lambda: ml.shuffled_epoch_mean([np.sin] * 8, [0.0], 0.1), ValueError, r"between 1 and 7 batches"),
    (lambda: ml.minibatch_gradient_norm(np.ones((3, 2)), 4), ValueError, r"batch_size must be <= the number"),
    (lambda: ml.gradient_flow(np.sin, [0.0], [1.0, 0.5]), ValueError,
     r"times must be non-negative and strictly increasing"),
    (lambda: ml.gradient_flow(None, [0.0], [1.0]), TypeError, r"grad must be a function"),
    (lambda: ml.modified_gradient_sgd([np.sin], [], 0.1), ValueError, r"of equal length"),
    (lambda: ml.sgd_two_basins(0.1, 40, n_examples=32), ValueError, r"batch_size must be <= n_examples = 32"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
