"""mlcourse.theory.ntk against hand-derived gradients, torch.autograd.functional, and the arc-cosine limit."""

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import expm

from mlcourse.theory import ntk

pytestmark = pytest.mark.theory


def net(width=32, d=3, seed=0):
    return ntk.TwoLayerReLU(d, width, generator=torch.Generator().manual_seed(seed))


def test_kernel_matches_the_hand_derived_gradients():
    model = net()
    X = torch.randn(5, 3, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    W, a = model.hidden.weight.detach(), model.output.weight.detach()[0]
    d, m = 3, 32
    pre = X @ W.T / math.sqrt(d)
    # ∂f/∂w_j = a_j relu'(pre_j) x / √(dm); ∂f/∂a_j = relu(pre_j)/√m
    dW = (a * (pre > 0))[:, :, None] * X[:, None, :] / math.sqrt(d * m)
    da = torch.relu(pre) / math.sqrt(m)
    J = torch.cat([dW.reshape(5, -1), da], dim=1)
    np.testing.assert_allclose(ntk.jacobian(model, X).numpy(), J.numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ntk.empirical_ntk(model, X).numpy(), (J @ J.T).numpy(), rtol=1e-12)


def test_jacobian_matches_torch_autograd_functional_for_a_deeper_network():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(2, 7), torch.nn.Tanh(), torch.nn.Linear(7, 5),
                                torch.nn.Tanh(), torch.nn.Linear(5, 1)).double()
    X = torch.randn(4, 2, dtype=torch.float64)
    names = [n for n, _ in model.named_parameters()]
    params = tuple(p.detach() for p in model.parameters())

    def f(*ps):
        return torch.func.functional_call(model, dict(zip(names, ps, strict=True)), (X,))[:, 0]

    jac = torch.autograd.functional.jacobian(f, params)
    J_ref = torch.cat([j.reshape(4, -1) for j in jac], dim=1)
    np.testing.assert_allclose(ntk.jacobian(model, X).numpy(), J_ref.numpy(), rtol=1e-12, atol=1e-14)


def test_cross_kernel_is_symmetric_under_swapping_and_gram_is_psd():
    model = net()
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=(4, 3)), rng.normal(size=(6, 3))
    K_ab = ntk.empirical_ntk(model, A, B).numpy()
    K_ba = ntk.empirical_ntk(model, B, A).numpy()
    np.testing.assert_allclose(K_ab, K_ba.T, rtol=1e-13)
    K = ntk.empirical_ntk(model, B).numpy()
    assert np.linalg.eigvalsh(K).min() > -1e-12


def test_relu_ntk_is_the_large_width_limit():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 3))
    K_inf = ntk.relu_ntk(X)
    K = np.mean([ntk.empirical_ntk(net(width=4096, seed=s), X).numpy() for s in range(8)], axis=0)
    # the spread of one 4096-wide kernel is about 0.7/√4096 ≈ 1% of its entries; 8 seeds: < 0.5%
    np.testing.assert_allclose(K, K_inf, rtol=0.05, atol=0.02 * np.abs(K_inf).max())


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 6), st.integers(1, 5), st.integers(0, 10_000))
def test_relu_ntk_is_a_symmetric_psd_kernel_and_homogeneous(n, d, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    K = ntk.relu_ntk(X)
    np.testing.assert_allclose(K, K.T, rtol=1e-14, atol=1e-15)
    assert np.linalg.eigvalsh(K).min() > -1e-10 * max(1.0, np.abs(K).max())
    # ReLU is positively homogeneous: scaling an input by c > 0 scales its kernel row by c
    np.testing.assert_allclose(ntk.relu_ntk(2.5 * X[:1], X), 2.5 * K[:1], rtol=1e-12, atol=1e-14)


def test_relu_ntk_arc_cosine_formula_by_monte_carlo():
    """E over w ~ N(0, I) of the two gradient inner products, by direct sampling."""
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=3), rng.normal(size=3)
    W = rng.normal(size=(400_000, 3))
    u, v = W @ x / math.sqrt(3), W @ y / math.sqrt(3)
    mc = np.mean(np.maximum(u, 0) * np.maximum(v, 0)) + x @ y / 3 * np.mean((u > 0) & (v > 0))
    assert abs(mc - ntk.relu_ntk(x[None], y[None])[0, 0]) < 5e-3


def test_flow_solution_is_the_matrix_exponential():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 4))
    K = A @ A.T
    f0, y = rng.normal(size=4), rng.normal(size=4)
    for t in (0.0, 0.3, 2.0):
        expected = y + expm(-0.7 * K * t) @ (f0 - y)
        np.testing.assert_allclose(ntk.flow_solution(K, f0, y, 0.7, t), expected, rtol=1e-10, atol=1e-12)


def test_lockstep_linear_model_follows_the_discrete_kernel_recursion():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=6)
    res = ntk.train_lockstep(net(width=64), X, y, lr=0.2, n_steps=30)
    f = res.f_lin[0]
    for _ in range(30):
        f = f - 0.2 * res.K0 @ (f - y)
    np.testing.assert_allclose(res.f_lin[-1], f, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(res.f_lin[0], res.f_net[0], rtol=1e-14)
    assert not res.diverged and res.loss_net[-1] < res.loss_net[0]


def test_network_steps_match_torch_optim_sgd():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=6)
    model = net(width=16)
    res = ntk.train_lockstep(model, X, y, lr=0.1, n_steps=5)
    ref = net(width=16)
    opt = torch.optim.SGD(ref.parameters(), lr=0.1)
    Xt, yt = torch.tensor(X), torch.tensor(y)
    for _ in range(5):
        opt.zero_grad()
        (0.5 * torch.sum((ref(Xt) - yt) ** 2)).backward()
        opt.step()
    np.testing.assert_allclose(res.f_net[-1], ref(Xt).detach().numpy(), rtol=1e-12)
    # the model passed in is not changed
    np.testing.assert_allclose(model(Xt).detach().numpy(), res.f_net[0], rtol=0)


class TwoOutputs(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(3, 2).double()

    def forward(self, x):
        return self.lin(x)


BAD_INPUTS = [
    (lambda: ntk.empirical_ntk(TwoOutputs(), np.ones((4, 3))), ValueError,
     r"model must have a scalar output"),
    (lambda: ntk.empirical_ntk(net(), np.ones((4, 3)), np.ones((2, 4))), ValueError,
     r"X2 must have shape \(n_samples, 3\) for the model's in_features; got shape \(2, 4\)"),
    (lambda: ntk.empirical_ntk("net", np.ones((4, 3))), TypeError, r"model must be a torch.nn.Module"),
    (lambda: ntk.empirical_ntk(net(), np.ones(3)), ValueError,
     r"X1 must have shape \(n_samples, n_features\)"),
    (lambda: ntk.empirical_ntk(net(), [[np.nan, 0, 0]]), ValueError, r"X1 must be finite"),
    (lambda: ntk.relu_ntk(np.ones((2, 3)), np.ones((2, 2))), ValueError,
     r"X1 and X2 must have the same number"),
    (lambda: ntk.flow_solution(np.array([[1.0, 2.0], [0.0, 1.0]]), [0, 0], [1, 1], 0.1, 1.0), ValueError,
     r"K must be symmetric"),
    (lambda: ntk.flow_solution(np.eye(2), [0, 0], [1, 1], -0.1, 1.0), ValueError, r"lr must be > 0"),
    (lambda: ntk.train_lockstep(net(), np.ones((4, 3)), np.ones(5), lr=0.1, n_steps=3), ValueError,
     r"y must have 4 entries, one per row of X; got shape \(5,\)"),
    (lambda: ntk.train_lockstep(net(), np.ones((4, 3)), np.ones(4), lr=0.1, n_steps=3,
                                X_test=np.ones((2, 2))),
     ValueError, r"X_test must have shape \(n_samples, 3\)"),
    (lambda: ntk.TwoLayerReLU(3, 0), ValueError, r"width must be >= 1"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()


def test_linearized_model_is_the_first_order_taylor_expansion():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(5, 3))
    model = net(width=32)
    lin = ntk.LinearizedModel(model)
    np.testing.assert_allclose(lin(X).numpy(), model(torch.tensor(X)).detach().numpy(), rtol=1e-14)
    direction = torch.tensor(rng.normal(size=lin.delta.shape))
    errors = []
    for h in (1e-2, 5e-3):
        lin.delta = h * direction
        moved = copy_with_offset(model, h * direction)
        errors.append(np.abs(lin(X).numpy() - moved(torch.tensor(X)).detach().numpy()).max())
    # the linearization error is second order: halving the step quarters it
    assert 3.0 < errors[0] / errors[1] < 5.0, errors


def copy_with_offset(model, delta):
    import copy

    moved = copy.deepcopy(model)
    offset = 0
    with torch.no_grad():
        for p in moved.parameters():
            p += delta[offset:offset + p.numel()].reshape(p.shape)
            offset += p.numel()
    return moved


def test_divergence_is_reported_not_raised():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 3)), rng.normal(size=6)
    with np.errstate(all="ignore"):
        res = ntk.train_lockstep(net(width=16), X, y, lr=50.0, n_steps=200)
    assert res.diverged
