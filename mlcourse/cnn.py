"""Convolution and pooling in numpy, forward and backward, with torch's semantics (NCHW layout).

Images are batches of shape (N, C, H, W): N images, C channels, H rows, W columns. A filter bank
``w`` of shape (K, C, F_h, F_w) holds K filters, each spanning all C input channels. Like
``torch.nn.functional.conv2d``, :func:`conv2d` computes a *cross-correlation* (the filter is not
flipped) and rounds the output size down; :func:`conv_output_size` is the book's stricter formula,
which refuses a filter that does not tile the input.

Nothing here loops over pixels: the sliding windows are a strided *view* of the input
(``numpy.lib.stride_tricks.sliding_window_view``, the "im2col" idea without the copy), and the
backward passes loop only over the F_h·F_w offsets inside a filter.

Defined in the chapter *Convolutional networks and AlexNet* (Part 3 of the book).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._validate import as_float_array, check_int

__all__ = [
    "Conv",
    "Dense",
    "LayerRow",
    "Pool",
    "avg_pool2d",
    "avg_pool2d_backward",
    "conv2d",
    "conv2d_backward",
    "conv_output_size",
    "count_parameters",
    "max_pool2d",
    "max_pool2d_backward",
    "network_table",
]


def conv_output_size(W: int, F: int, S: int = 1, P: int = 0) -> int:
    """The output width of a convolution or pooling layer, W₂ = (W - F + 2P)/S + 1.

    Parameters
    ----------
    W : int
        Input width (or height).
    F : int
        Filter width (the receptive field).
    S : int
        Stride.
    P : int
        Zero padding on each side.

    Raises
    ------
    ValueError
        When (W - F + 2P)/S is not a whole number (the filter does not tile the input: the last
        stride would hang off the edge) or the filter is wider than the padded input.
    """
    W = check_int(W, "W", minimum=1)
    F = check_int(F, "F", minimum=1)
    S = check_int(S, "S", minimum=1)
    P = check_int(P, "P", minimum=0)
    span = W - F + 2 * P
    if span < 0:
        raise ValueError(f"F={F} is wider than the padded input W + 2P = {W + 2 * P}")
    if span % S:
        raise ValueError(
            f"the filter does not tile the input: (W - F + 2P)/S = ({W} - {F} + 2·{P})/{S} = {span}/{S} "
            "is not an integer"
        )
    return span // S + 1


# --- helpers -------------------------------------------------------------------------------------


def _pair(value, name: str, minimum: int) -> tuple[int, int]:
    """An int or a pair of ints, as torch accepts for kernel_size, stride and padding."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints; got {value!r}")
        return check_int(value[0], name, minimum=minimum), check_int(value[1], name, minimum=minimum)
    v = check_int(value, name, minimum=minimum)
    return v, v


def _images(x, name: str = "x") -> np.ndarray:
    x = as_float_array(x, name)
    if x.ndim != 4:
        raise ValueError(f"{name} must have shape (N, C, H, W); got shape {x.shape}")
    return x


def _out_size(size: int, kernel: int, stride: int, padding: int, what: str) -> int:
    """torch's output size, floor((size + 2P - F)/S) + 1."""
    if size + 2 * padding < kernel:
        raise ValueError(f"the {what} ({kernel}) is larger than the padded input x ({size + 2 * padding})")
    return (size + 2 * padding - kernel) // stride + 1


def _windows(xp: np.ndarray, kernel, stride, out) -> np.ndarray:
    """All kernel-sized windows of the padded batch, a view of shape (N, C, H_out, W_out, F_h, F_w)."""
    (kh, kw), (sh, sw), (ho, wo) = kernel, stride, out
    view = sliding_window_view(xp, (kh, kw), axis=(2, 3))
    return view[:, :, : sh * (ho - 1) + 1 : sh, : sw * (wo - 1) + 1 : sw]


def _pad(x: np.ndarray, padding, value: float = 0.0) -> np.ndarray:
    ph, pw = padding
    if ph == 0 and pw == 0:
        return x
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=value)


def _crop(xp: np.ndarray, padding) -> np.ndarray:
    ph, pw = padding
    return xp[:, :, ph : xp.shape[2] - ph, pw : xp.shape[3] - pw]


def _check_grad_out(grad_out, expected: tuple, arguments: str) -> np.ndarray:
    g = as_float_array(grad_out, "grad_out")
    if g.shape != expected:
        raise ValueError(f"grad_out must have the forward output's shape {expected} (for these {arguments}); "
                         f"got shape {g.shape}")
    return g


# --- convolution ---------------------------------------------------------------------------------


def _conv_setup(x, w, stride, padding):
    x = _images(x, "x")
    w = as_float_array(w, "w")
    if w.ndim != 4:
        raise ValueError(f"w must have shape (K, C, F_h, F_w); got shape {w.shape}")
    if w.shape[1] != x.shape[1]:
        raise ValueError(
            f"x has {x.shape[1]} channels (shape {x.shape}) but w expects {w.shape[1]} input channels "
            f"(shape {w.shape})"
        )
    stride, padding = _pair(stride, "stride", 1), _pair(padding, "padding", 0)
    kernel = w.shape[2:]
    out = (_out_size(x.shape[2], kernel[0], stride[0], padding[0], "filter height of w"),
           _out_size(x.shape[3], kernel[1], stride[1], padding[1], "filter width of w"))
    return x, w, kernel, stride, padding, out


def conv2d(x, w, b=None, stride=1, padding=0) -> np.ndarray:
    """2-D convolution (cross-correlation) of a batch of images with a bank of filters.

    Parameters
    ----------
    x : array of shape (N, C, H, W)
    w : array of shape (K, C, F_h, F_w)
        K filters, each spanning all C channels.
    b : array of shape (K,), optional
        One bias per filter.
    stride : int or (int, int)
    padding : int or (int, int)
        Zeros added on each side of the rows and the columns.

    Returns
    -------
    array of shape (N, K, H_out, W_out)
        H_out = ⌊(H + 2P_h - F_h)/S_h⌋ + 1, and likewise W_out (torch's rounding).

    Notes
    -----
    y[n, k, i, j] = b[k] + Σ_c Σ_p Σ_q w[k, c, p, q] · x_pad[n, c, S_h·i + p, S_w·j + q].
    The same K filters are used at every position (i, j): parameter sharing. Equals
    ``torch.nn.functional.conv2d(x, w, b, stride, padding)``.
    """
    x, w, kernel, stride, padding, out = _conv_setup(x, w, stride, padding)
    if b is not None:
        b = as_float_array(b, "b")
        if b.shape != (w.shape[0],):
            raise ValueError(f"b must have shape ({w.shape[0]},), one bias per filter; got shape {b.shape}")
    # the sum over c, p, q of the Notes: every window against every filter, in one contraction
    # [math]
    windows = _windows(_pad(x, padding), kernel, stride, out)          # (N, C, Ho, Wo, Fh, Fw)
    y = np.tensordot(windows, w, axes=([1, 4, 5], [1, 2, 3]))          # (N, Ho, Wo, K)
    y = y.transpose(0, 3, 1, 2)
    if b is not None:
        y = y + b[None, :, None, None]
    # [/math]
    return np.ascontiguousarray(y)


def conv2d_backward(grad_out, x, w, stride=1, padding=0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of :func:`conv2d`: given G = ∂L/∂y, return (∂L/∂x, ∂L/∂w, ∂L/∂b).

    Notes
    -----
    ∂L/∂w[k, c, p, q] = Σ_{n,i,j} G[n, k, i, j] · x_pad[n, c, S_h·i + p, S_w·j + q] (the windows
    weighted by the gradient), ∂L/∂b[k] = Σ_{n,i,j} G[n, k, i, j], and ∂L/∂x_pad receives, for
    each filter offset (p, q), Σ_k w[k, c, p, q] · G[n, k, i, j] at position (S_h·i + p, S_w·j + q);
    cropping the padding gives ∂L/∂x.
    """
    x, w, kernel, stride, padding, out = _conv_setup(x, w, stride, padding)
    g = _check_grad_out(grad_out, (x.shape[0], w.shape[0], *out), "x, w, stride and padding")
    xp = _pad(x, padding)
    windows = _windows(xp, kernel, stride, out)
    dw = np.tensordot(g, windows, axes=([0, 2, 3], [0, 2, 3]))         # (K, C, Fh, Fw)
    db = g.sum(axis=(0, 2, 3))
    dxp = np.zeros_like(xp)
    (sh, sw), (ho, wo) = stride, out
    for p in range(kernel[0]):
        for q in range(kernel[1]):
            contribution = np.tensordot(g, w[:, :, p, q], axes=([1], [0]))  # (N, Ho, Wo, C)
            dxp[:, :, p : p + sh * (ho - 1) + 1 : sh, q : q + sw * (wo - 1) + 1 : sw] += (
                contribution.transpose(0, 3, 1, 2))
    return _crop(dxp, padding), dw, db


# --- pooling -------------------------------------------------------------------------------------


def _pool_setup(x, kernel_size, stride, padding):
    x = _images(x, "x")
    kernel = _pair(kernel_size, "kernel_size", 1)
    stride = kernel if stride is None else _pair(stride, "stride", 1)
    padding = _pair(padding, "padding", 0)
    if padding[0] > kernel[0] // 2 or padding[1] > kernel[1] // 2:
        raise ValueError(f"padding must be at most half of kernel_size (as in torch); got padding {padding} "
                         f"for kernel_size {kernel}")
    out = (_out_size(x.shape[2], kernel[0], stride[0], padding[0], "pooling window height, kernel_size"),
           _out_size(x.shape[3], kernel[1], stride[1], padding[1], "pooling window width, kernel_size"))
    return x, kernel, stride, padding, out


def max_pool2d(x, kernel_size, stride=None, padding=0) -> np.ndarray:
    """Max pooling: the largest entry of each window, channel by channel.

    Parameters
    ----------
    x : array of shape (N, C, H, W)
    kernel_size : int or (int, int)
        The window F.
    stride : int or (int, int), optional
        Defaults to ``kernel_size`` (non-overlapping windows), as in torch.
    padding : int or (int, int)
        Implicit -∞ padding, at most half the window (torch's rule).

    Returns
    -------
    array of shape (N, C, H_out, W_out)
        H_out = ⌊(H + 2P - F)/S⌋ + 1: the same size formula as a convolution, and the depth is
        unchanged. Equals ``torch.nn.functional.max_pool2d``.
    """
    x, kernel, stride, padding, out = _pool_setup(x, kernel_size, stride, padding)
    windows = _windows(_pad(x, padding, -np.inf), kernel, stride, out)
    return windows.max(axis=(4, 5))


def max_pool2d_backward(grad_out, x, kernel_size, stride=None, padding=0) -> np.ndarray:
    """∂L/∂x for :func:`max_pool2d`: each window's gradient goes to the entry that was the maximum.

    Ties go to the first maximum in row-major order, as in torch; overlapping windows add up.
    """
    x, kernel, stride, padding, out = _pool_setup(x, kernel_size, stride, padding)
    g = _check_grad_out(grad_out, (*x.shape[:2], *out), "x, kernel_size, stride and padding")
    # [math]
    xp = _pad(x, padding, -np.inf)
    windows = _windows(xp, kernel, stride, out)
    n, c, ho, wo = g.shape
    # where each window's maximum is, as a row and a column of the padded input
    flat_argmax = windows.reshape(n, c, ho, wo, -1).argmax(axis=-1)
    rows = np.arange(ho)[None, None, :, None] * stride[0] + flat_argmax // kernel[1]
    cols = np.arange(wo)[None, None, None, :] * stride[1] + flat_argmax % kernel[1]
    # the whole gradient of the window goes there (overlapping windows add up)
    dxp = np.zeros_like(xp)
    np.add.at(dxp, (np.arange(n)[:, None, None, None], np.arange(c)[None, :, None, None], rows, cols), g)
    # [/math]
    return _crop(dxp, padding)


def avg_pool2d(x, kernel_size, stride=None, padding=0) -> np.ndarray:
    """Average pooling: the mean of each window (padded zeros count, torch's default).

    Same arguments and output size as :func:`max_pool2d`; equals
    ``torch.nn.functional.avg_pool2d`` with ``count_include_pad=True``.
    """
    x, kernel, stride, padding, out = _pool_setup(x, kernel_size, stride, padding)
    return _windows(_pad(x, padding), kernel, stride, out).mean(axis=(4, 5))


def avg_pool2d_backward(grad_out, x, kernel_size, stride=None, padding=0) -> np.ndarray:
    """∂L/∂x for :func:`avg_pool2d`: each window spreads its gradient evenly, G/(F_h·F_w)."""
    x, kernel, stride, padding, out = _pool_setup(x, kernel_size, stride, padding)
    g = _check_grad_out(grad_out, (*x.shape[:2], *out), "x, kernel_size, stride and padding") / (
        kernel[0] * kernel[1])
    dxp = np.zeros_like(_pad(x, padding))
    (sh, sw), (ho, wo) = stride, out
    for p in range(kernel[0]):
        for q in range(kernel[1]):
            dxp[:, :, p : p + sh * (ho - 1) + 1 : sh, q : q + sw * (wo - 1) + 1 : sw] += g
    return _crop(dxp, padding)


# --- network descriptions and their parameter counts -----------------------------------------------


class Conv(NamedTuple):
    """A convolution layer in a network description: K filters of size F×F, stride S, padding P."""

    out_channels: int
    kernel_size: int
    stride: int = 1
    padding: int = 0


class Pool(NamedTuple):
    """A pooling layer in a network description (no parameters); stride defaults to the window."""

    kernel_size: int
    stride: int | None = None


class Dense(NamedTuple):
    """A fully connected layer in a network description (its input is flattened first)."""

    out_features: int


class LayerRow(NamedTuple):
    """One row of a network's table: the layer, its output shape and its parameter counts."""

    layer: str
    output_shape: tuple
    weights: int
    biases: int

    @property
    def parameters(self) -> int:
        return self.weights + self.biases


def network_table(input_shape, layers) -> list[LayerRow]:
    """Shapes and parameter counts, layer by layer, of a network described by ``layers``.

    Parameters
    ----------
    input_shape : (C, H, W)
        Channels, height, width of one input image.
    layers : sequence of Conv, Pool and Dense
        The network, in order.

    Returns
    -------
    list of LayerRow

    Notes
    -----
    A convolution with K filters of size F on D₁ input channels has F·F·D₁·K weights and K biases
    (parameter sharing: the count does not depend on the image size), and its output is
    K × H₂ × W₂ with H₂ from :func:`conv_output_size` (which refuses sizes that do not tile). A
    pooling layer keeps the depth. A dense layer on an input of n numbers with m outputs has
    n·m weights and m biases.
    """
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError(f"input_shape must be (C, H, W); got {input_shape!r}")
    shape = tuple(check_int(s, "input_shape", minimum=1) for s in input_shape)
    if isinstance(layers, (Conv, Pool, Dense)) or not isinstance(layers, (list, tuple)):
        raise TypeError(f"layers must be a list of Conv, Pool and Dense; got {type(layers).__name__}")
    rows = []
    for i, layer in enumerate(layers):
        if isinstance(layer, Conv):
            c, h, w = _chw(shape, i, "Conv")
            k = check_int(layer.out_channels, f"layers[{i}].out_channels", minimum=1)
            f = check_int(layer.kernel_size, f"layers[{i}].kernel_size", minimum=1)
            stride = check_int(layer.stride, f"layers[{i}].stride", minimum=1)
            padding = check_int(layer.padding, f"layers[{i}].padding", minimum=0)
            shape = (k, _layer_output_size(h, f, stride, padding, i),
                     _layer_output_size(w, f, stride, padding, i))
            rows.append(LayerRow(f"conv {f}×{f}/{stride}, pad {padding}, {k} filters", shape,
                                 f * f * c * k, k))
        elif isinstance(layer, Pool):
            c, h, w = _chw(shape, i, "Pool")
            f = check_int(layer.kernel_size, f"layers[{i}].kernel_size", minimum=1)
            s = f if layer.stride is None else check_int(layer.stride, f"layers[{i}].stride", minimum=1)
            shape = (c, _layer_output_size(h, f, s, 0, i), _layer_output_size(w, f, s, 0, i))
            rows.append(LayerRow(f"max pool {f}×{f}/{s}", shape, 0, 0))
        elif isinstance(layer, Dense):
            n_in = int(np.prod(shape))
            m = check_int(layer.out_features, f"layers[{i}].out_features", minimum=1)
            shape = (m,)
            rows.append(LayerRow(f"dense {n_in} → {m}", shape, n_in * m, m))
        else:
            raise TypeError(f"layers[{i}] must be a Conv, Pool or Dense; got {type(layer).__name__}")
    return rows


def _layer_output_size(W: int, F: int, S: int, P: int, i: int) -> int:
    """:func:`conv_output_size` for layer i, with the layer named in the error."""
    try:
        return conv_output_size(W, F, S, P)
    except ValueError as err:
        raise ValueError(f"layers[{i}] does not fit its input: {err}") from None


def _chw(shape, i, kind) -> tuple[int, int, int]:
    if len(shape) != 3:
        raise ValueError(f"layers[{i}] is a {kind} layer, which needs an image (C, H, W) as input; "
                         f"got shape {shape} (after a Dense layer)")
    return shape


def count_parameters(input_shape, layers) -> int:
    """The total number of learnable parameters of a network description (see :func:`network_table`)."""
    return sum(row.parameters for row in network_table(input_shape, layers))

