"""Layers of a small numpy neural network, each with its forward and backward pass side by side.

A layer maps a batch ``x`` of shape (n_samples, n_features) to an output of the same layout. Its
``forward`` remembers what the backward pass needs; its ``backward`` takes ∂L/∂(output), stores
∂L/∂(parameter) in ``grads`` and returns ∂L/∂(input). Parameters and gradients are plain numpy
arrays in the dicts ``params`` and ``grads``, named and shaped as in ``torch.nn`` (a ``Linear``
layer's ``weight`` has shape (out_features, in_features)), so a reader can print them and the
tests can copy them into torch.

Defined in the chapters *Feedforward networks and backpropagation*, *Activation functions* and
*Regularization and the bias–variance tradeoff* (Part 3 of the book).
"""

from __future__ import annotations

import numbers

import numpy as np

from .._validate import as_float_array, check_bool, check_fraction, check_int, check_positive

__all__ = [
    "BatchNorm1d",
    "Dropout",
    "Layer",
    "LeakyReLU",
    "Linear",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "leaky_relu",
    "relu",
    "sigmoid",
    "tanh",
]


# --- the activation functions, as plain functions -----------------------------------------------


def _values(z, name: str = "z") -> np.ndarray:
    """Numbers of any shape; NaN and infinity pass (as in numpy and torch): a network that diverges
    must produce its NaNs so that training can report the divergence as data."""
    return as_float_array(z, name, finite=False, allow_empty=True)


def sigmoid(z):
    """The logistic sigmoid σ(z) = 1 / (1 + e^(-z)), elementwise and without overflow.

    Notes
    -----
    For z ≥ 0 the formula is evaluated as written; for z < 0 as e^z / (1 + e^z), the same
    number, so that e^(-z) never overflows. Its derivative is σ'(z) = σ(z)(1 - σ(z)).
    """
    z = _values(z)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def tanh(z):
    """The hyperbolic tangent, tanh(z) = 2σ(2z) - 1, elementwise."""
    return np.tanh(_values(z))


def relu(z):
    """The rectified linear unit max(0, z), elementwise."""
    return np.maximum(_values(z), 0.0)


def leaky_relu(z, negative_slope: float = 0.01):
    """The leaky ReLU: z for z > 0 and ``negative_slope``·z otherwise (torch's convention)."""
    z = _values(z)
    negative_slope = check_positive(negative_slope, "negative_slope", allow_zero=True)
    return np.where(z > 0, z, negative_slope * z)


# --- layers ----------------------------------------------------------------------------------------


def _check_batch(x, name: str, n_features: int | None, layer: str) -> np.ndarray:
    """A batch of shape (n_samples, n_features), or a ValueError naming the layer and the shapes."""
    x = as_float_array(x, name, finite=False)
    if x.ndim != 2:
        raise ValueError(f"{name} of {layer} must have shape (n_samples, n_features); got shape {x.shape}")
    if n_features is not None and x.shape[1] != n_features:
        raise ValueError(
            f"{name} of {layer} must have shape (n_samples, {n_features}); got shape {x.shape}"
        )
    return x


class Layer:
    """A layer: ``forward(x)`` and ``backward(grad_out)``, with parameters in ``params``.

    Attributes
    ----------
    params : dict of str to array
        The learnable arrays (empty for a layer without parameters).
    grads : dict of str to array
        ∂L/∂(parameter), same keys and shapes as ``params``, filled by ``backward``.
    training : bool
        Train mode (the default) or eval mode; only dropout and batch normalization care.
    """

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.training = True

    def forward(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad_out: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __call__(self, x) -> np.ndarray:
        return self.forward(x)

    def train(self, mode: bool = True) -> Layer:
        """Switch to train mode (or eval mode with ``mode=False``); returns the layer."""
        self.training = check_bool(mode, "mode")
        return self

    def eval(self) -> Layer:
        """Switch to eval mode (the mode for predictions); returns the layer."""
        return self.train(False)

    def _check_grad(self, grad_out) -> np.ndarray:
        if not hasattr(self, "_out_shape"):
            raise RuntimeError(f"{self!r}: call forward before backward")
        grad_out = as_float_array(grad_out, "grad_out", finite=False)
        if grad_out.shape != self._out_shape:
            raise ValueError(
                f"grad_out of {self!r} must have the shape of the forward output, {self._out_shape}; "
                f"got shape {grad_out.shape}"
            )
        return grad_out

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Linear(Layer):
    """An affine layer, y = x Wᵀ + b (torch's ``nn.Linear``).

    Every output unit is connected to every input: the "fully connected" layer. The weight of the
    connection from input j to output i is ``weight[i, j]``.

    Parameters
    ----------
    in_features, out_features : int
    bias : bool
        Whether the layer has the offset b.
    rng : numpy.random.Generator
        Draws the initial weights uniformly in ±1/√in_features, torch's default range.

    Notes
    -----
    Forward, for a batch X of shape (n, in): Y = X Wᵀ + 1 bᵀ. Backward, given G = ∂L/∂Y:

        ∂L/∂W = Gᵀ X,   ∂L/∂b = Gᵀ 1 (sum over the batch),   ∂L/∂X = G W.

    W is ``weight`` (out, in), b is ``bias`` (out,).
    """

    def __init__(self, in_features: int, out_features: int, *, bias: bool = True, rng) -> None:
        super().__init__()
        self.in_features = check_int(in_features, "in_features", minimum=1)
        self.out_features = check_int(out_features, "out_features", minimum=1)
        bias = check_bool(bias, "bias")
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
        # [math]
        bound = 1.0 / np.sqrt(self.in_features)
        self.params["weight"] = rng.uniform(-bound, bound, size=(self.out_features, self.in_features))
        if bias:
            self.params["bias"] = rng.uniform(-bound, bound, size=self.out_features)
        # [/math]

    def forward(self, x):
        x = _check_batch(x, "x", self.in_features, repr(self))
        # [math]
        self._x = x
        y = x @ self.params["weight"].T                # Z = X Wᵀ + 1 bᵀ
        if "bias" in self.params:
            y = y + self.params["bias"]
        self._out_shape = y.shape
        return y

    def backward(self, grad_out):
        g = self._check_grad(grad_out)                 # G = ∂L/∂Z
        self.grads["weight"] = g.T @ self._x           # ∂L/∂W = Gᵀ X
        if "bias" in self.params:
            self.grads["bias"] = g.sum(axis=0)         # ∂L/∂b = Gᵀ 1
        return g @ self.params["weight"]               # ∂L/∂X = G W
        # [/math]

    def __repr__(self) -> str:
        return f"Linear({self.in_features}, {self.out_features})"


class _Elementwise(Layer):
    """An activation applied entry by entry: y = φ(z), so ∂L/∂z = ∂L/∂y · φ'(z)."""

    def forward(self, x):
        x = _values(x, "x")
        self._x = x
        y = self._phi(x)
        self._y = y
        self._out_shape = y.shape
        return y

    def backward(self, grad_out):
        return self._check_grad(grad_out) * self._dphi()


class Sigmoid(_Elementwise):
    """σ(z) = 1 / (1 + e^(-z)); backward uses σ'(z) = σ(z)(1 - σ(z)), from the saved output."""

    def _phi(self, x):
        return sigmoid(x)

    def _dphi(self):
        return self._y * (1.0 - self._y)


class Tanh(_Elementwise):
    """tanh(z); backward uses tanh'(z) = 1 - tanh(z)², from the saved output."""

    def _phi(self, x):
        return tanh(x)

    def _dphi(self):
        return 1.0 - self._y**2


class ReLU(_Elementwise):
    """max(0, z); backward passes the gradient where z > 0 and blocks it elsewhere (torch: 0 at 0)."""

    def _phi(self, x):
        return relu(x)

    def _dphi(self):
        return (self._x > 0).astype(np.float64)


class LeakyReLU(_Elementwise):
    """z for z > 0, ``negative_slope``·z otherwise; its slope is never 0, so a unit cannot die.

    Parameters
    ----------
    negative_slope : float
        The slope for z ≤ 0 (torch's default 0.01).
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = check_positive(negative_slope, "negative_slope", allow_zero=True)

    def _phi(self, x):
        return leaky_relu(x, self.negative_slope)

    def _dphi(self):
        return np.where(self._x > 0, 1.0, self.negative_slope)

    def __repr__(self) -> str:
        return f"LeakyReLU(negative_slope={self.negative_slope:g})"


class Dropout(Layer):
    """Inverted dropout: in train mode zero each entry with probability ``p`` and scale the rest.

    Parameters
    ----------
    p : float in [0, 1)
        The **drop** probability, as in ``torch.nn.Dropout(p)``; the keep probability is 1 - p.
    rng : numpy.random.Generator
        Draws the masks.

    Notes
    -----
    Train mode: y = m ⊙ x / (1 - p) with mᵢ ~ Bernoulli(1 - p) independent, so E[y] = x.
    Eval mode: y = x. Because the scaling by 1/(1 - p) happens at train time ("inverted"
    dropout), nothing needs rescaling at test time. Backward: ∂L/∂x = m ⊙ ∂L/∂y / (1 - p).
    The mask of the last forward pass is kept in ``mask``.
    """

    def __init__(self, p: float = 0.5, *, rng) -> None:
        super().__init__()
        if isinstance(p, bool) or not isinstance(p, numbers.Real):
            raise TypeError(f"p (the drop probability) must be a real number; got {p!r}")
        if not 0.0 <= float(p) < 1.0:
            raise ValueError(f"p (the drop probability) must be in [0, 1); got {p!r}")
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
        self.p = float(p)
        self.rng = rng
        self.mask: np.ndarray | None = None

    def forward(self, x):
        x = _values(x, "x")
        self._out_shape = x.shape
        # [math]
        if not self.training or self.p == 0.0:
            self._scale = np.ones_like(x)
            return x
        self.mask = self.rng.random(x.shape) >= self.p  # kept with probability 1 - p
        self._scale = self.mask / (1.0 - self.p)
        with np.errstate(invalid="ignore"):  # a dropped infinity gives NaN, as in torch
            return x * self._scale

    def backward(self, grad_out):
        with np.errstate(invalid="ignore"):
            return self._check_grad(grad_out) * self._scale
        # [/math]

    def __repr__(self) -> str:
        return f"Dropout(p={self.p:g})"


class BatchNorm1d(Layer):
    """Batch normalization over the batch axis, with running statistics (torch's ``nn.BatchNorm1d``).

    In train mode each feature is standardised with the mean and variance of the current batch;
    in eval mode with running averages of those statistics, so that a prediction does not depend
    on the other samples in the batch.

    Parameters
    ----------
    num_features : int
    eps : float
        Added to the variance before the square root.
    momentum : float in (0, 1]
        Weight of the newest batch in the running averages (torch's convention, default 0.1).

    Notes
    -----
    Train mode, for a batch X of shape (n, d): μ = mean of X over the batch, σ² its (biased)
    variance, X̂ = (X - μ)/√(σ² + ε), Y = γ ⊙ X̂ + β, and

        running_mean ← (1 - m)·running_mean + m·μ,
        running_var  ← (1 - m)·running_var + m·σ²·n/(n - 1)   (unbiased, as torch).

    Eval mode: X̂ = (X - running_mean)/√(running_var + ε). Backward in train mode, with
    G = ∂L/∂Y and Ĝ = G ⊙ γ:

        ∂L/∂X = (Ĝ - mean(Ĝ) - X̂ ⊙ mean(Ĝ ⊙ X̂)) / √(σ² + ε)  (means over the batch).

    γ is ``weight``, β is ``bias``, m is ``momentum``.
    """

    def __init__(self, num_features: int, *, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        self.num_features = check_int(num_features, "num_features", minimum=1)
        self.eps = check_positive(eps, "eps")
        self.momentum = check_fraction(momentum, "momentum", allow_zero=False, allow_one=True)
        self.params["weight"] = np.ones(self.num_features)
        self.params["bias"] = np.zeros(self.num_features)
        self.running_mean = np.zeros(self.num_features)
        self.running_var = np.ones(self.num_features)

    def forward(self, x):
        x = _check_batch(x, "x", self.num_features, repr(self))
        if self.training:
            n = x.shape[0]
            if n < 2:
                raise ValueError(f"x of {self!r} needs at least 2 samples in train mode; got shape {x.shape}")
            mean, var = x.mean(axis=0), x.var(axis=0)
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * var * n / (n - 1)
        else:
            mean, var = self.running_mean, self.running_var
        self._inv_std = 1.0 / np.sqrt(var + self.eps)
        self._xhat = (x - mean) * self._inv_std
        self._trained_on_batch = self.training
        y = self.params["weight"] * self._xhat + self.params["bias"]
        self._out_shape = y.shape
        return y

    def backward(self, grad_out):
        g = self._check_grad(grad_out)
        self.grads["weight"] = (g * self._xhat).sum(axis=0)
        self.grads["bias"] = g.sum(axis=0)
        ghat = g * self.params["weight"]
        if not self._trained_on_batch:  # fixed statistics: an elementwise affine map
            return ghat * self._inv_std
        return (ghat - ghat.mean(axis=0) - self._xhat * (ghat * self._xhat).mean(axis=0)) * self._inv_std

    def __repr__(self) -> str:
        return f"BatchNorm1d({self.num_features})"


class Sequential(Layer):
    """Layers applied one after the other; backward runs them in reverse (the chain rule).

    Parameters are named ``"<index>.<name>"`` as in torch (``"0.weight"``, ``"0.bias"``, ...).
    """

    def __init__(self, *layers: Layer) -> None:
        super().__init__()
        for i, layer in enumerate(layers):
            if not isinstance(layer, Layer):
                raise TypeError(f"layers[{i}] must be an mlcourse.nn Layer; got {type(layer).__name__}")
        self.layers = list(layers)

    def forward(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        self._out_shape = x.shape
        return x

    def backward(self, grad_out):
        g = self._check_grad(grad_out)                 # g_L = ∂L/∂h_L
        # [math]
        for layer in reversed(self.layers):
            g = layer.backward(g)                      # g_{l-1} = (∂h_l/∂h_{l-1})ᵀ g_l
        return g
        # [/math]

    def train(self, mode: bool = True) -> Sequential:
        """Switch every layer to train mode (or eval mode with ``mode=False``); returns the network."""
        self.training = check_bool(mode, "mode")
        for layer in self.layers:
            layer.train(mode)
        return self

    def named_parameters(self) -> dict[str, np.ndarray]:
        """Every parameter array of the network, by torch-style name (the arrays themselves)."""
        return {f"{i}.{k}": v for i, layer in enumerate(self.layers) for k, v in layer.params.items()}

    def named_grads(self) -> dict[str, np.ndarray]:
        """Every gradient of the last backward pass, by the same names as :meth:`named_parameters`."""
        return {f"{i}.{k}": layer.grads[k] for i, layer in enumerate(self.layers) for k in layer.params}

    def n_parameters(self) -> int:
        """The number of learnable numbers in the network."""
        return sum(v.size for v in self.named_parameters().values())

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Sequential({inner})"
