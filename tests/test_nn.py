"""mlcourse.nn: every layer and a whole network against central differences and torch autograd (float64)."""

import itertools
import re

import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcourse import nn, optim
from mlcourse.check import CheckFailed

pytestmark = pytest.mark.neural_networks

# Backprop and torch autograd evaluate the same float64 expressions in different orders: they agree
# to a few ulps of the largest intermediate. Central differences with h = 1e-6 are accurate to about
# 1e-9 for these O(1) functions (truncation h² plus rounding ε/h).
RTOL_TORCH, ATOL_TORCH = 1e-12, 1e-13
RTOL_FD, ATOL_FD = 1e-6, 1e-8


def rng(seed=0):
    return np.random.default_rng(seed)


def t(a, grad=False):
    return torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=grad)


def torch_layer(layer):
    """The torch module equal to one of our layers, sharing its parameters (float64)."""
    if isinstance(layer, nn.Linear):
        m = torch.nn.Linear(layer.in_features, layer.out_features, bias="bias" in layer.params)
    elif isinstance(layer, nn.BatchNorm1d):
        m = torch.nn.BatchNorm1d(layer.num_features, eps=layer.eps, momentum=layer.momentum)
    else:
        return {nn.Sigmoid: torch.nn.Sigmoid, nn.Tanh: torch.nn.Tanh, nn.ReLU: torch.nn.ReLU}.get(
            type(layer), lambda: torch.nn.LeakyReLU(layer.negative_slope))()
    m = m.double()
    with torch.no_grad():
        for name, value in layer.params.items():
            getattr(m, name).copy_(torch.from_numpy(value))
    m.train(layer.training)
    return m


LAYERS = {
    "linear": lambda: nn.Linear(4, 3, rng=rng(1)),
    "linear no bias": lambda: nn.Linear(4, 3, bias=False, rng=rng(2)),
    "sigmoid": nn.Sigmoid,
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "leaky relu": lambda: nn.LeakyReLU(0.1),
    "batchnorm train": lambda: nn.BatchNorm1d(4),
    "batchnorm eval": lambda: nn.BatchNorm1d(4).eval(),
}


@pytest.mark.parametrize("make", LAYERS.values(), ids=LAYERS.keys())
def test_layer_backward_equals_torch_autograd(make):
    layer = make()
    if isinstance(layer, nn.BatchNorm1d):  # non-trivial γ, β and running statistics
        r = rng(3)
        layer.params["weight"][:] = r.normal(size=4)
        layer.params["bias"][:] = r.normal(size=4)
        layer.running_mean, layer.running_var = r.normal(size=4), r.uniform(0.5, 2, size=4)
    tl = torch_layer(layer)
    if isinstance(layer, nn.BatchNorm1d):
        tl.running_mean.copy_(torch.from_numpy(layer.running_mean))
        tl.running_var.copy_(torch.from_numpy(layer.running_var))
    x = rng(4).normal(size=(6, 4))
    y = layer.forward(x)
    g = rng(5).normal(size=y.shape)
    xt = t(x, grad=True)
    yt = tl(xt)
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=RTOL_TORCH, atol=ATOL_TORCH)
    yt.backward(t(g))
    np.testing.assert_allclose(layer.backward(g), xt.grad.numpy(), rtol=RTOL_TORCH, atol=ATOL_TORCH)
    for name in layer.params:
        np.testing.assert_allclose(layer.grads[name], getattr(tl, name).grad.numpy(), rtol=RTOL_TORCH,
                                   atol=ATOL_TORCH, err_msg=name)
    if isinstance(layer, nn.BatchNorm1d):
        np.testing.assert_allclose(layer.running_mean, tl.running_mean.numpy(), rtol=RTOL_TORCH)
        np.testing.assert_allclose(layer.running_var, tl.running_var.numpy(), rtol=RTOL_TORCH)


@pytest.mark.parametrize("make", LAYERS.values(), ids=LAYERS.keys())
def test_layer_backward_equals_central_differences(make):
    model = nn.Sequential(make())
    x = rng(6).normal(size=(5, 4)) + 0.05  # keep ReLU inputs away from the kink at 0
    target = rng(7).normal(size=model.forward(x).shape)
    errors = nn.check_gradients(model, nn.MSELoss(), x, target, rtol=RTOL_FD, atol=ATOL_FD, verbose=False)
    assert max(errors.values()) < 1e-7


def make_network(seed=0, dropout=False):
    r = rng(seed)
    layers = [nn.Linear(5, 8, rng=r), nn.BatchNorm1d(8), nn.Tanh(), nn.Linear(8, 6, rng=r), nn.ReLU(),
              nn.Linear(6, 6, rng=r), nn.LeakyReLU(), nn.Linear(6, 4, rng=r), nn.Sigmoid(),
              nn.Linear(4, 3, rng=r)]
    if dropout:
        layers.insert(5, nn.Dropout(0.3, rng=r))
    return nn.Sequential(*layers)


def torch_network(model):
    return torch.nn.Sequential(*(torch_layer(layer) for layer in model.layers))


def test_whole_network_equals_torch_autograd_with_cross_entropy():
    model = make_network()
    tm = torch_network(model)
    X, y = rng(8).normal(size=(10, 5)), rng(9).integers(0, 3, size=10)
    loss_fn = nn.CrossEntropyLoss()
    loss = loss_fn(model.forward(X), y)
    model.backward(loss_fn.backward())
    tloss = torch.nn.functional.cross_entropy(tm(t(X)), torch.from_numpy(y))
    tloss.backward()
    assert loss == pytest.approx(tloss.item(), rel=1e-14)
    torch_grads = {name: p.grad.numpy() for name, p in tm.named_parameters()}
    ours = model.named_grads()
    assert ours.keys() == torch_grads.keys()
    for name in ours:
        np.testing.assert_allclose(ours[name], torch_grads[name], rtol=1e-11, atol=1e-14, err_msg=name)


def test_whole_network_equals_central_differences():
    model = make_network(1)
    X, y = rng(10).normal(size=(8, 5)), rng(11).integers(0, 3, size=8)
    errors = nn.check_gradients(model, nn.CrossEntropyLoss(), X, y, verbose=False)
    assert set(errors) == set(model.named_parameters()) | {"input"}


class FrozenMaskDropout(nn.Dropout):
    """Dropout that draws the same mask on every forward pass (so the loss is a function)."""

    def forward(self, x):
        self.rng = np.random.default_rng(5)
        return super().forward(x)


class TorchMask(torch.nn.Module):
    def __init__(self, layer):
        super().__init__()
        self.layer = layer

    def forward(self, x):
        return x * torch.from_numpy(self.layer.mask / (1 - self.layer.p))


def test_network_with_dropout_in_train_mode_equals_torch_and_central_differences():
    model = make_network(2, dropout=True)
    model.layers[5] = FrozenMaskDropout(0.3, rng=rng())
    X, y = rng(12).normal(size=(9, 5)), rng(13).integers(0, 3, size=9)
    nn.check_gradients(model, nn.CrossEntropyLoss(), X, y, verbose=False)
    loss_fn = nn.CrossEntropyLoss()
    loss = loss_fn(model.forward(X), y)
    model.backward(loss_fn.backward())
    tm = torch.nn.Sequential(*(TorchMask(layer) if isinstance(layer, nn.Dropout) else torch_layer(layer)
                               for layer in model.layers))
    tloss = torch.nn.functional.cross_entropy(tm(t(X)), torch.from_numpy(y))
    tloss.backward()
    assert loss == pytest.approx(tloss.item(), rel=1e-14)
    for name, p in tm.named_parameters():
        np.testing.assert_allclose(model.named_grads()[name], p.grad.numpy(), rtol=1e-11, atol=1e-14,
                                   err_msg=name)


def test_gradient_checker_reports_both_values_when_backprop_is_wrong():
    class WrongSigmoid(nn.Sigmoid):
        def _dphi(self):  # the sign slip of a wrong derivation: σ(1 + σ)
            return self._y * (1.0 + self._y)

    model = nn.Sequential(nn.Linear(3, 2, rng=rng()), WrongSigmoid())
    X, target = rng(1).normal(size=(4, 3)), rng(2).normal(size=(4, 2))
    with pytest.raises(CheckFailed, match=r"∂L/∂0\.weight\[\d, \d\]: backprop .+, central difference .+"):
        nn.check_gradients(model, nn.MSELoss(), X, target, verbose=False)


def test_losses_equal_torch():
    Z, y = rng(1).normal(size=(7, 4)), rng(2).integers(0, 4, size=7)
    ce = nn.CrossEntropyLoss()
    Zt = t(Z, grad=True)
    lt = torch.nn.functional.cross_entropy(Zt, torch.from_numpy(y))
    lt.backward()
    assert ce(Z, y) == pytest.approx(lt.item(), rel=1e-14)
    np.testing.assert_allclose(ce.backward(), Zt.grad.numpy(), rtol=1e-13, atol=1e-16)
    P, T = rng(3).normal(size=(5, 2)), rng(4).normal(size=(5, 2))
    mse, Pt = nn.MSELoss(), t(P, grad=True)
    lt = torch.nn.functional.mse_loss(Pt, t(T))
    lt.backward()
    assert mse(P, T) == pytest.approx(lt.item(), rel=1e-14)
    np.testing.assert_allclose(mse.backward(), Pt.grad.numpy(), rtol=1e-14)
    np.testing.assert_allclose(nn.softmax(Z), torch.softmax(t(Z), dim=1).numpy(), rtol=1e-14)
    assert np.isfinite(nn.log_softmax(np.array([[1000.0, 0.0]]))).all()  # stable for huge logits


def test_activation_identities_in_sympy():
    z = sp.symbols("z", real=True)
    s = 1 / (1 + sp.exp(-z))
    assert sp.simplify(sp.diff(s, z) - s * (1 - s)) == 0
    assert sp.simplify((2 * s.subs(z, 2 * z) - 1 - sp.tanh(z)).rewrite(sp.exp)) == 0
    zs = np.linspace(-30, 30, 121)
    np.testing.assert_allclose(nn.sigmoid(zs), torch.sigmoid(t(zs)).numpy(), rtol=1e-15, atol=1e-300)
    np.testing.assert_allclose(nn.tanh(zs), 2 * nn.sigmoid(2 * zs) - 1, atol=2e-16)
    assert np.all(np.isfinite(nn.sigmoid(np.array([-1e4, 1e4]))))


def test_dropout_mean_equals_eval_output_and_convention():
    p = 0.3
    drop = nn.Dropout(p, rng=rng(0))
    x = rng(1).normal(size=(1, 50))
    samples = np.stack([drop.forward(x)[0] for _ in range(4000)])
    kept = (samples != 0).mean()
    assert abs(kept - (1 - p)) < 4 * np.sqrt(p * (1 - p) / samples.size)  # p is the DROP probability
    stderr = samples.std(axis=0, ddof=1) / np.sqrt(len(samples))
    assert np.all(np.abs(samples.mean(axis=0) - x[0]) < 4.5 * stderr)  # 50 entries: 4.5 σ each
    np.testing.assert_array_equal(drop.eval().forward(x), x)
    # the same mask in torch: y = m ⊙ x / (1 - p), gradient m / (1 - p)
    drop.train()
    y = drop.forward(x)
    np.testing.assert_allclose(y, x * drop.mask / (1 - p), rtol=1e-15)
    g = rng(2).normal(size=x.shape)
    np.testing.assert_allclose(drop.backward(g), g * drop.mask / (1 - p), rtol=1e-15)


def test_batchnorm_running_statistics_converge_to_the_data():
    r = rng(0)
    mean, std = np.array([2.0, -1.0, 0.5]), np.array([3.0, 0.5, 1.0])
    bn = nn.BatchNorm1d(3)
    for _ in range(300):
        bn.forward(mean + std * r.normal(size=(64, 3)))
    # the running averages forget geometrically; after 300 batches they average about 19 batches
    # (1/m - 1 ... ), so their error is about σ/√(64·19)·(a few)
    np.testing.assert_allclose(bn.running_mean, mean, atol=4 * std.max() / np.sqrt(64 * 10))
    np.testing.assert_allclose(bn.running_var, std**2, rtol=0.15)
    X = mean + std * r.normal(size=(10000, 3))
    out = bn.eval().forward(X)
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=0.1)
    np.testing.assert_allclose(out.std(axis=0), 1, atol=0.1)


def test_training_loop_matches_torch_step_by_step():
    """The same network, data and Adam in torch: the weights agree after several minibatch epochs."""
    r = rng(0)
    model = nn.Sequential(nn.Linear(3, 5, rng=r), nn.Tanh(), nn.Linear(5, 2, rng=r))
    tm = torch_network(model)
    X, y = r.normal(size=(12, 3)), r.normal(size=(12, 2))
    nn.fit(model, nn.MSELoss(), X, y, optim.adam(lr=0.01), n_epochs=5)
    topt = torch.optim.Adam(tm.parameters(), lr=0.01)
    for _ in range(5):
        topt.zero_grad()
        torch.nn.functional.mse_loss(tm(t(X)), t(y)).backward()
        topt.step()
    for name, p in tm.named_parameters():
        np.testing.assert_allclose(model.named_parameters()[name], p.detach().numpy(), rtol=1e-10,
                                   atol=1e-13, err_msg=name)


@pytest.mark.slow
def test_fit_learns_digits_and_early_stopping():
    from mlcourse import data

    d = data.digits()
    X, y = d.X[:1000], d.y[:1000]
    r = rng(0)
    model = nn.Sequential(nn.Linear(64, 32, rng=r), nn.ReLU(), nn.Linear(32, 10, rng=r))
    result = nn.fit(model, nn.CrossEntropyLoss(), X[:700], y[:700], optim.adam(lr=1e-2), n_epochs=40,
                    batch_size=50, rng=r, X_val=X[700:], y_val=y[700:], patience=5)
    assert result.train_loss[-1] < result.train_loss[0] / 10
    accuracy = np.mean(model.eval().forward(X[700:]).argmax(axis=1) == y[700:])
    assert accuracy > 0.9
    assert result.val_loss[result.best_epoch] == result.val_loss.min()
    assert not result.diverged
    if result.stopped_early:
        assert result.n_epochs - result.best_epoch == 5


def test_fit_reports_divergence_as_data():
    r = rng(0)
    model = nn.Sequential(nn.Linear(1, 1, rng=r))
    X = r.normal(size=(20, 1))
    result = nn.fit(model, nn.MSELoss(), X, 3 * X, optim.gd(lr=50.0), n_epochs=100)
    assert result.diverged and result.n_epochs < 100


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 4), st.integers(0, 2**31 - 1))
def test_composition_of_linear_layers_is_one_affine_map(d_in, d_hidden, d_out, seed):
    r = rng(seed)
    a, b = nn.Linear(d_in, d_hidden, rng=r), nn.Linear(d_hidden, d_out, rng=r)
    W = b.params["weight"] @ a.params["weight"]
    c = b.params["weight"] @ a.params["bias"] + b.params["bias"]
    x = r.normal(size=(3, d_in))
    np.testing.assert_allclose(nn.Sequential(a, b).forward(x), x @ W.T + c, rtol=1e-12, atol=1e-12)


@pytest.mark.slow
def test_bias_variance_decomposition_holds():
    # The measured test error (one run of training sets) against noise + bias² + variance computed
    # exactly: least squares is linear in the labels, f̂(x₀) = l(x₀)ᵀy, so bias² = (f(x₀) - l(x₀)ᵀf)²
    # and variance = σ²‖l(x₀)‖². (bias² + variance from the *same* predictions as the test error
    # would only test the noise: with ddof = 0 they sum to the mean of (f - f̂)² exactly.)
    f = lambda x: np.sin(2 * np.pi * x)  # noqa: E731
    x_train, x_test = np.linspace(0, 1, 20), np.linspace(0.05, 0.95, 30)
    for degree in (1, 3, 9):
        fit_predict = nn.polynomial_fit_predict(degree)
        bv = nn.bias_variance(fit_predict, f, x_train, x_test, 0.3, 400, rng=rng(degree))
        L = fit_predict(x_train, np.eye(len(x_train)), x_test)
        bias2, variance = np.mean((f(x_test) - L @ f(x_train)) ** 2), 0.09 * np.mean(np.sum(L**2, axis=1))
        stderr = bv.test_error.std(ddof=1) / np.sqrt(len(bv.test_error))
        assert abs(bv.test_error.mean() - (0.09 + bias2 + variance)) < 4 * stderr
        # the estimated terms, from the predictions, against the exact ones
        e_k = np.mean((f(x_test) - bv.predictions) ** 2, axis=1)
        assert abs(bv.bias2 + bv.variance - bias2 - variance) < 4 * e_k.std(ddof=1) / np.sqrt(len(e_k))
        np.testing.assert_allclose(bv.variance, variance, rtol=0.2)

    # training error is optimistic: least squares with p coefficients has seen its own noise, and
    # E[error on fresh labels at the training inputs] - E[training error] = 2σ²p/n exactly
    for degree in (1, 5):
        bv = nn.bias_variance(nn.polynomial_fit_predict(degree), f, x_train, x_train, 0.3, 2000, rng=rng(7))
        gap = bv.test_error - bv.train_error
        stderr = gap.std(ddof=1) / np.sqrt(len(gap))
        assert abs(gap.mean() - 2 * 0.3**2 * (degree + 1) / len(x_train)) < 4 * stderr


def test_deprecated_argument_names_still_work_and_warn():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([0.5, -1.0])
    with pytest.warns(DeprecationWarning, match="now called h"):
        g = nn.numerical_gradient(lambda: 0.5 * x @ A @ x, x, eps=1e-5)
    np.testing.assert_allclose(g, nn.numerical_gradient(lambda: 0.5 * x @ A @ x, x, h=1e-5), rtol=0)
    f = np.sin
    with pytest.warns(DeprecationWarning, match="now called sigma"):
        old = nn.bias_variance(nn.polynomial_fit_predict(1), f, np.linspace(0, 1, 5), [0.5], noise=0.2,
                               n_datasets=3, rng=rng(0))
    new = nn.bias_variance(nn.polynomial_fit_predict(1), f, np.linspace(0, 1, 5), [0.5], sigma=0.2,
                           n_datasets=3, rng=rng(0))
    assert old.noise == new.noise == pytest.approx(0.04)  # the result's noise is σ²
    np.testing.assert_array_equal(old.predictions, new.predictions)
    with pytest.raises(TypeError, match="once"):
        nn.bias_variance(nn.polynomial_fit_predict(1), f, [0, 1], [0.5], 0.2, 3, rng=rng(), noise=0.2)


def test_numerical_gradient_of_a_quadratic():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = np.array([0.5, -1.0])
    g = nn.numerical_gradient(lambda: 0.5 * x @ A @ x, x)
    np.testing.assert_allclose(g, A @ x, rtol=1e-9, atol=1e-9)
    np.testing.assert_array_equal(x, [0.5, -1.0])  # restored


BAD_INPUTS = [
    (lambda: nn.Linear(3, 2, rng=rng()).forward(np.ones((4, 5))), ValueError,
     r"x of Linear\(3, 2\) must have shape \(n_samples, 3\); got shape \(4, 5\)"),
    (lambda: nn.Sequential(nn.Linear(3, 4, rng=rng()), nn.Linear(5, 2, rng=rng())).forward(np.ones((2, 3))),
     ValueError, r"x of Linear\(5, 2\) must have shape \(n_samples, 5\); got shape \(2, 4\)"),
    (lambda: nn.Linear(3, 2, rng=rng()).forward(np.ones(3)), ValueError, r"must have shape \(n_samples"),
    (lambda: nn.Dropout(1.0, rng=rng()), ValueError,
     r"p \(the drop probability\) must be in \[0, 1\); got 1.0"),
    (lambda: nn.Dropout(-0.1, rng=rng()), ValueError, r"p \(the drop probability\) must be in \[0, 1\)"),
    (lambda: nn.Dropout(0.5, rng=0), TypeError, r"rng must be a numpy.random.Generator"),
    (lambda: nn.Linear(3, 2, rng=None), TypeError, r"rng must be a numpy.random.Generator"),
    (lambda: nn.Linear(0, 2, rng=rng()), ValueError, r"in_features must be >= 1"),
    (lambda: nn.BatchNorm1d(3).forward(np.ones((4, 2))), ValueError,
     r"x of BatchNorm1d\(3\) must have shape \(n_samples, 3\); got shape \(4, 2\)"),
    (lambda: nn.BatchNorm1d(3).forward(np.ones((1, 3))), ValueError, r"at least 2 samples"),
    (lambda: nn.BatchNorm1d(3, momentum=2.0), ValueError, r"momentum must be in \(0, 1\]"),
    (lambda: nn.MSELoss()(np.ones((3, 2)), np.ones((3,))), ValueError,
     r"target must have the shape of prediction, \(3, 2\); got shape \(3,\)"),
    (lambda: nn.CrossEntropyLoss()(np.ones((3, 2)), np.array([0, 1, 2])), ValueError,
     r"labels must be in \[0, 2\)"),
    (lambda: nn.CrossEntropyLoss()(np.ones((3, 2)), np.array([0, 1])), ValueError,
     r"labels must have shape \(3,\)"),
    (lambda: nn.CrossEntropyLoss()(np.ones((3, 2)), np.array([0.0, 1.0, 1.0])), TypeError,
     r"labels must be integer"),
    (lambda: nn.Sigmoid().backward(np.ones(2)), RuntimeError, r"call forward before backward"),
    (lambda: _forwarded(nn.Tanh(), (2, 3)).backward(np.ones((3, 2))), ValueError,
     r"grad_out of Tanh\(\) must have the shape of the forward output, \(2, 3\); got shape \(3, 2\)"),
    (lambda: nn.Sequential(nn.Tanh(), "relu"), TypeError, r"layers\[1\] must be an mlcourse.nn Layer"),
    (lambda: nn.fit(nn.Sequential(nn.Tanh()), nn.MSELoss(), np.ones((4, 1)), np.ones((3, 1)),
                    optim.gd(lr=0.1), 1), ValueError, r"y must have one row per sample of X \(4\)"),
    (lambda: nn.fit(nn.Sequential(nn.Tanh()), nn.MSELoss(), np.ones((4, 1)), np.ones((4, 1)),
                    optim.gd(lr=0.1), 1, patience=2), ValueError, r"patience .* needs a validation set"),
    (lambda: nn.fit(nn.Sequential(nn.Tanh()), nn.MSELoss(), np.ones((4, 1)), np.ones((4, 1)),
                    optim.gd(lr=0.1), 1, batch_size=2), TypeError, r"minibatches .* need rng"),
    (lambda: nn.fit(nn.Tanh(), nn.MSELoss(), np.ones((4, 1)), np.ones((4, 1)), optim.gd(lr=0.1), 1),
     TypeError, r"model must be an mlcourse.nn.Sequential"),
    (lambda: nn.bias_variance(nn.polynomial_fit_predict(1), np.sin, [0, 1], [0.5], -1.0, 10, rng=rng()),
     ValueError, r"sigma must be >= 0"),
]


def _forwarded(layer, shape):
    layer.forward(np.ones(shape))
    return layer


@pytest.mark.parametrize("call, error, pattern", BAD_INPUTS, ids=[p[:40] for _, _, p in BAD_INPUTS])
def test_bad_input(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
    assert re.compile(pattern)


def test_exercise_answers_recomputed_independently():
    from mlcourse import exercises

    widths = exercises.exercise_data("nn-mlp-parameters")
    model = nn.Sequential(*(nn.Linear(a, b, rng=rng()) for a, b in itertools.pairwise(widths)))
    assert exercises.expected_answer("nn-mlp-parameters") == model.n_parameters() == 2778
    W, x, y = exercises.exercise_data("nn-linear-grad")
    np.testing.assert_allclose(exercises.expected_answer("nn-linear-grad"), np.outer(W @ x - y, x),
                               rtol=1e-15)
    assert exercises.expected_answer("nn-sigmoid-chain") == pytest.approx(4.0**-10, rel=1e-14)
    assert exercises.expected_answer("nn-dropout-scale") == pytest.approx(1 / 0.8, rel=1e-15)
    n, sigma, degree = exercises.exercise_data("nn-optimism")
    gap = 2 * sigma**2 * (degree + 1) / n
    assert exercises.expected_answer("nn-optimism") == pytest.approx(gap, rel=1e-12)
    from mlcourse import cnn

    W_in, F_, S, P = exercises.exercise_data("nn-conv-size")
    assert exercises.expected_answer("nn-conv-size") == cnn.conv_output_size(W_in, F_, S, P)
    c, k, f = exercises.exercise_data("nn-conv-params")
    counted = cnn.count_parameters((c, 9, 9), [cnn.Conv(k, f)])
    assert exercises.expected_answer("nn-conv-params") == counted == 760
    c, k, f = exercises.exercise_data("nn-alexnet-conv2")
    counted = cnn.count_parameters((c, 27, 27), [cnn.Conv(k, f, 1, 2)])
    assert exercises.expected_answer("nn-alexnet-conv2") == counted


def test_exercise_formulas_recomputed_independently():
    import sympy as sp

    from mlcourse import exercises

    eps, C = exercises.exercise_data("nn-best-step")
    h = exercises.expected_answer("nn-best-step")
    t = sp.Symbol("t", positive=True)
    error = C * t**2 + eps / t  # truncation + rounding; h minimises it (a positive second derivative)
    assert sp.simplify(sp.diff(error, t).subs(t, h)) == 0
    assert sp.simplify(sp.diff(error, t, 2).subs(t, h)).is_positive
    z = exercises.exercise_data("nn-tanh-derivative")
    tanh_prime = sp.lambdify(z, exercises.expected_answer("nn-tanh-derivative"))
    zs = np.linspace(-3, 3, 13)
    step = 1e-6
    np.testing.assert_allclose(tanh_prime(zs), (np.tanh(zs + step) - np.tanh(zs - step)) / (2 * step),
                               rtol=1e-8)


def test_coding_exercise_references_agree_with_torch():
    """The references the self-checks run the reader's code against, compared with torch."""
    import torch

    from mlcourse import exercises

    for key in ("nn-weight-grad", "nn-sigmoid-slope", "nn-leaky-relu-backward", "nn-max-pool",
                "nn-conv2d-single", "nn-batchnorm-train", "nn-central-difference", "nn-bias-variance-terms"):
        ex = exercises.get(key)
        for case in ex.cases(ex.data()):
            got = ex.reference(*case.args)
            if key == "nn-weight-grad":
                G, X = case.args
                W = torch.zeros(G.shape[1], X.shape[1], dtype=torch.float64, requires_grad=True)
                (torch.from_numpy(X) @ W.T * torch.from_numpy(G)).sum().backward()
                want = W.grad.numpy()
            elif key == "nn-sigmoid-slope":
                z = torch.tensor(case.args[0], requires_grad=True)
                torch.sigmoid(z).sum().backward()
                want = (torch.sigmoid(z).detach().numpy(), z.grad.numpy())
            elif key == "nn-leaky-relu-backward":
                g, z0, alpha = case.args
                z = torch.tensor(z0, requires_grad=True)
                (torch.nn.functional.leaky_relu(z, alpha) * torch.from_numpy(g)).sum().backward()
                want = z.grad.numpy()
            elif key == "nn-max-pool":
                x, k = case.args
                want = torch.nn.functional.max_pool2d(torch.from_numpy(x), k).numpy()
            elif key == "nn-conv2d-single":
                image, kernel = case.args
                want = torch.nn.functional.conv2d(torch.from_numpy(image)[None, None],
                                                  torch.from_numpy(kernel)[None, None])[0, 0].numpy()
            elif key == "nn-batchnorm-train":
                X, gamma, beta, eps_bn = case.args
                want = torch.nn.functional.batch_norm(
                    torch.from_numpy(X), None, None, torch.from_numpy(gamma), torch.from_numpy(beta),
                    training=True, eps=eps_bn).numpy()
            elif key == "nn-central-difference":
                f, x0, _ = case.args
                want = _torch_gradient_of(f, x0)
            else:
                predictions, f_values = case.args
                errors = f_values - predictions  # (K, n)
                mse = np.mean(errors**2)
                variance = np.mean(np.var(predictions, axis=0))
                want = (mse - variance, variance)  # bias² = mean (f - f̂)² - variance (ddof = 0)
            rtol = 1e-5 if key == "nn-central-difference" else 1e-9  # truncation O(h²), h ≤ 1e-3
            got_all = got if isinstance(got, tuple) else (got,)
            want_all = want if isinstance(want, tuple) else (want,)
            for a, b in zip(got_all, want_all, strict=True):
                np.testing.assert_allclose(a, b, rtol=rtol, atol=1e-9, err_msg=f"{key}: {case.label}")


def _torch_gradient_of(f, x0):
    """The exact gradient of the test functions of nn-central-difference, by torch autograd."""
    import torch

    x = torch.tensor(x0, requires_grad=True)
    source = {2: lambda v: 0.5 * v @ torch.tensor([[2.0, 1.0], [1.0, 3.0]], dtype=torch.float64) @ v}
    if x0.shape == (2,):
        y = source[2](x)
    elif x0.shape == (1,):
        y = (x**3).sum()
    elif x0.shape == (3,):
        y = torch.exp(x[0]) * torch.sin(x[1]) + x[2] ** 4
    else:
        y = torch.tanh(x).sum()
    y.backward()
    np.testing.assert_allclose(float(y.detach()), f(x0), rtol=1e-14)  # the same function as the case's
    return x.grad.numpy()
