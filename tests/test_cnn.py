"""mlcourse.cnn: conv2d and pooling, forward and backward, against torch.nn.functional (float64)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcourse import cnn

pytestmark = pytest.mark.neural_networks

# Both sides sum the same products in different orders; the sums have up to C·F_h·F_w = 45 terms
# of size O(1), so they agree to a few ulps of 45.
RTOL, ATOL = 1e-12, 1e-13

# (N, C, H, W), (K, F_h, F_w), stride, padding: square and non-square inputs, kernels, strides, pads
CONV_CASES = [
    ((2, 3, 8, 8), (4, 3, 3), 1, 0),
    ((2, 3, 8, 8), (4, 3, 3), 2, 1),
    ((1, 2, 7, 10), (3, 2, 4), 1, 0),
    ((2, 1, 11, 6), (2, 5, 3), (2, 1), (2, 1)),
    ((3, 2, 9, 9), (5, 1, 1), 3, 0),
    ((1, 3, 6, 5), (2, 3, 3), (1, 2), 2),
    ((2, 4, 5, 5), (3, 5, 5), 1, 0),
]


def t(a, grad=False):
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


@pytest.mark.parametrize("x_shape, w_shape, stride, padding", CONV_CASES)
def test_conv2d_forward_and_backward_equal_torch(x_shape, w_shape, stride, padding):
    rng = np.random.default_rng(0)
    x = rng.normal(size=x_shape)
    w = rng.normal(size=(w_shape[0], x_shape[1], *w_shape[1:]))
    b = rng.normal(size=w_shape[0])
    xt, wt, bt = t(x, True), t(w, True), t(b, True)
    yt = F.conv2d(xt, wt, bt, stride=stride, padding=padding)
    y = cnn.conv2d(x, w, b, stride=stride, padding=padding)
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=RTOL, atol=ATOL)
    g = rng.normal(size=y.shape)
    yt.backward(t(g))
    dx, dw, db = cnn.conv2d_backward(g, x, w, stride=stride, padding=padding)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(dw, wt.grad.numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(db, bt.grad.numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(cnn.conv2d(x, w, stride=stride, padding=padding),
                               F.conv2d(t(x), t(w), stride=stride, padding=padding).numpy(),
                               rtol=RTOL, atol=ATOL)


POOL_CASES = [
    ((2, 3, 8, 8), 2, None, 0),
    ((2, 3, 9, 9), 3, 2, 0),
    ((1, 2, 7, 10), (2, 3), None, 0),
    ((2, 2, 8, 7), 3, 2, 1),
    ((1, 1, 9, 6), (3, 2), (1, 2), (1, 0)),
    ((1, 3, 5, 5), 1, 1, 0),
]


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("x_shape, kernel, stride, padding", POOL_CASES)
def test_pooling_forward_and_backward_equal_torch(kind, x_shape, kernel, stride, padding):
    ours = {"max": (cnn.max_pool2d, cnn.max_pool2d_backward),
            "avg": (cnn.avg_pool2d, cnn.avg_pool2d_backward)}
    forward, backward = ours[kind]
    reference = {"max": F.max_pool2d, "avg": F.avg_pool2d}[kind]
    rng = np.random.default_rng(1)
    x = rng.normal(size=x_shape)
    xt = t(x, True)
    yt = reference(xt, kernel, stride, padding)
    y = forward(x, kernel, stride, padding)
    np.testing.assert_allclose(y, yt.detach().numpy(), rtol=RTOL, atol=ATOL)
    g = rng.normal(size=y.shape)
    yt.backward(t(g))
    np.testing.assert_allclose(backward(g, x, kernel, stride, padding), xt.grad.numpy(), rtol=RTOL, atol=ATOL)


def test_conv2d_backward_equals_central_differences():
    from mlcourse.nn import compare_gradients, numerical_gradient

    rng = np.random.default_rng(2)
    x, w, b = rng.normal(size=(1, 2, 5, 4)), rng.normal(size=(3, 2, 3, 2)), rng.normal(size=3)
    g = rng.normal(size=cnn.conv2d(x, w, b, stride=(2, 1), padding=1).shape)

    def loss():
        return float(np.sum(g * cnn.conv2d(x, w, b, stride=(2, 1), padding=1)))

    dx, dw, db = cnn.conv2d_backward(g, x, w, stride=(2, 1), padding=1)
    for name, analytic, array in (("x", dx, x), ("w", dw, w), ("b", db, b)):
        compare_gradients(analytic, numerical_gradient(loss, array), name=name, rtol=1e-7, atol=1e-8)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 40), st.integers(1, 9), st.integers(1, 4), st.integers(0, 3))
def test_conv_output_size_is_the_size_of_torchs_output_when_it_tiles(W, Fw, S, P):
    if W + 2 * P < Fw:
        with pytest.raises(ValueError, match="wider than the padded input"):
            cnn.conv_output_size(W, Fw, S, P)
        return
    expected = F.conv2d(torch.zeros(1, 1, 1, W + 2 * P), torch.zeros(1, 1, 1, Fw), stride=S).shape[-1]
    if (W - Fw + 2 * P) % S:
        with pytest.raises(ValueError, match="does not tile the input"):
            cnn.conv_output_size(W, Fw, S, P)
    else:
        assert cnn.conv_output_size(W, Fw, S, P) == expected


def alexnet_description():
    return [cnn.Conv(96, 11, 4), cnn.Pool(3, 2), cnn.Conv(256, 5, 1, 2), cnn.Pool(3, 2),
            cnn.Conv(384, 3, 1, 1), cnn.Conv(384, 3, 1, 1), cnn.Conv(256, 3, 1, 1), cnn.Pool(3, 2),
            cnn.Dense(4096), cnn.Dense(4096), cnn.Dense(1000)]


def alexnet_torch():
    m = torch.nn
    with torch.device("meta"):  # shapes only: no memory, no initialisation of 62 million weights
        return alexnet_layers(m)


def alexnet_layers(m):
    return m.Sequential(
        m.Conv2d(3, 96, 11, 4), m.ReLU(), m.MaxPool2d(3, 2), m.Conv2d(96, 256, 5, padding=2), m.ReLU(),
        m.MaxPool2d(3, 2), m.Conv2d(256, 384, 3, padding=1), m.ReLU(), m.Conv2d(384, 384, 3, padding=1),
        m.ReLU(), m.Conv2d(384, 256, 3, padding=1), m.ReLU(), m.MaxPool2d(3, 2), m.Flatten(),
        m.Linear(256 * 6 * 6, 4096), m.ReLU(), m.Linear(4096, 4096), m.ReLU(),
        m.Linear(4096, 1000))


def test_network_table_matches_a_torch_alexnet():
    rows = cnn.network_table((3, 227, 227), alexnet_description())
    model = alexnet_torch()
    n_torch = sum(p.numel() for p in model.parameters())
    assert cnn.count_parameters((3, 227, 227), alexnet_description()) == n_torch
    shapes = []
    x = torch.empty(1, 3, 227, 227, device="meta")  # shapes only: no memory, no arithmetic
    with torch.no_grad():
        for layer in model:
            x = layer(x)
            if isinstance(layer, (torch.nn.Conv2d, torch.nn.MaxPool2d, torch.nn.Linear)):
                shapes.append(tuple(x.shape[1:]))
    assert [r.output_shape for r in rows] == shapes
    assert rows[0].output_shape == (96, 55, 55)
    assert rows[0].weights == 96 * 11 * 11 * 3 and rows[0].biases == 96


def test_alexnet_on_224_pixels_does_not_tile():
    with pytest.raises(ValueError, match=r"\(224 - 11 \+ 2·0\)/4 = 213/4 is not an integer"):
        cnn.network_table((3, 224, 224), alexnet_description())


BAD_INPUTS = [
    (lambda: cnn.conv2d(np.ones((1, 3, 5, 5)), np.ones((2, 2, 3, 3))), ValueError,
     r"x has 3 channels \(shape \(1, 3, 5, 5\)\) but w expects 2 input channels \(shape \(2, 2, 3, 3\)\)"),
    (lambda: cnn.conv2d(np.ones((3, 5, 5)), np.ones((2, 3, 3, 3))), ValueError,
     r"x must have shape \(N, C, H, W\); got shape \(3, 5, 5\)"),
    (lambda: cnn.conv2d(np.ones((1, 3, 5, 5)), np.ones((3, 3, 3))), ValueError, r"w must have shape \(K, C"),
    (lambda: cnn.conv2d(np.ones((1, 1, 5, 5)), np.ones((2, 1, 3, 3)), b=np.ones(3)), ValueError,
     r"b must have shape \(2,\)"),
    (lambda: cnn.conv2d(np.ones((1, 1, 2, 5)), np.ones((2, 1, 3, 3))), ValueError,
     r"the filter height of w \(3\) is larger than the padded input x \(2\)"),
    (lambda: cnn.conv2d(np.ones((1, 1, 5, 5)), np.ones((2, 1, 3, 3)), stride=0), ValueError,
     r"stride must be >= 1"),
    (lambda: cnn.conv2d(np.ones((1, 1, 5, 5)), np.ones((2, 1, 3, 3)), padding=(1, 2, 3)), ValueError,
     r"padding must be an int or a pair"),
    (lambda: cnn.conv2d(np.ones((1, 1, 5, 5)), np.ones((2, 1, 3, 3)), stride=1.5), TypeError,
     r"stride must be an integer"),
    (lambda: cnn.conv2d_backward(np.ones((1, 2, 2, 2)), np.ones((1, 1, 5, 5)), np.ones((2, 1, 3, 3))),
     ValueError,
     r"grad_out must have the forward output's shape \(1, 2, 3, 3\) .*; got shape \(1, 2, 2, 2\)"),
    (lambda: cnn.max_pool2d(np.ones((1, 1, 4, 4)), 2, padding=2), ValueError,
     r"padding must be at most half of kernel_size"),
    (lambda: cnn.conv_output_size(32, 5, 2, 0), ValueError,
     r"the filter does not tile the input: \(W - F \+ 2P\)/S = \(32 - 5 \+ 2·0\)/2 = 27/2"),
    (lambda: cnn.conv_output_size(4, 7), ValueError, r"F=7 is wider than the padded input W \+ 2P = 4"),
    (lambda: cnn.conv_output_size(32, 0), ValueError, r"F must be >= 1"),
    (lambda: cnn.network_table((3, 32), []), ValueError, r"input_shape must be \(C, H, W\)"),
    (lambda: cnn.network_table((1, 8, 8), [cnn.Dense(4), cnn.Conv(2, 3)]), ValueError,
     r"layers\[1\] is a Conv layer, which needs an image"),
    (lambda: cnn.network_table((1, 8, 8), ["conv"]), TypeError, r"layers\[0\] must be a Conv, Pool or Dense"),
]


@pytest.mark.parametrize("call, error, pattern", BAD_INPUTS, ids=[p[:40] for _, _, p in BAD_INPUTS])
def test_bad_input(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 2), c=st.integers(1, 3), k=st.integers(1, 3),
       h=st.integers(1, 9), w=st.integers(1, 9),
       fh=st.integers(1, 4), fw=st.integers(1, 4), sh=st.integers(1, 3), sw=st.integers(1, 3),
       ph=st.integers(0, 2), pw=st.integers(0, 2), seed=st.integers(0, 2**31 - 1))
def test_conv2d_equals_torch_on_random_configurations(n, c, k, h, w, fh, fw, sh, sw, ph, pw, seed):
    if h + 2 * ph < fh or w + 2 * pw < fw:
        with pytest.raises(ValueError, match="is larger than the padded input"):
            cnn.conv2d(np.ones((n, c, h, w)), np.ones((k, c, fh, fw)), padding=(ph, pw))
        return
    rng = np.random.default_rng(seed)
    x, wt = rng.normal(size=(n, c, h, w)), rng.normal(size=(k, c, fh, fw))
    y = cnn.conv2d(x, wt, stride=(sh, sw), padding=(ph, pw))
    np.testing.assert_allclose(y, F.conv2d(t(x), t(wt), stride=(sh, sw), padding=(ph, pw)).numpy(),
                               rtol=RTOL, atol=ATOL)
    g = rng.normal(size=y.shape)
    xt, wtt = t(x, True), t(wt, True)
    F.conv2d(xt, wtt, stride=(sh, sw), padding=(ph, pw)).backward(t(g))
    dx, dw, _ = cnn.conv2d_backward(g, x, wt, stride=(sh, sw), padding=(ph, pw))
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=RTOL, atol=ATOL)
    np.testing.assert_allclose(dw, wtt.grad.numpy(), rtol=RTOL, atol=ATOL)
