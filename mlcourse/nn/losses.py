"""Loss functions with their gradients: squared error and softmax cross-entropy.

A loss's ``forward(prediction, target)`` returns a number; its ``backward()`` returns
∂L/∂(prediction), the gradient that starts the backward pass through the network. Both average
over the batch, as ``torch.nn.MSELoss`` and ``torch.nn.CrossEntropyLoss`` do by default.

Defined in the chapter *Feedforward networks and backpropagation* (Part 3 of the book).
"""

from __future__ import annotations

import numpy as np

from .._validate import as_float_array, as_labels

__all__ = ["CrossEntropyLoss", "MSELoss", "log_softmax", "softmax"]


def log_softmax(logits) -> np.ndarray:
    """log softmax along the last axis, computed stably (the largest logit is subtracted first)."""
    z = as_float_array(logits, "logits")
    if z.ndim == 0:
        raise ValueError("logits must have at least one axis, the classes (the last axis); got a number")
    return _log_softmax(z)


def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def softmax(logits) -> np.ndarray:
    """softmax(z)ₖ = e^(zₖ) / Σⱼ e^(zⱼ) along the last axis."""
    return np.exp(log_softmax(logits))


class MSELoss:
    """The mean squared error, L = (1/N) Σ (ŷ - y)² over all N entries (torch's ``MSELoss()``).

    Notes
    -----
    ∂L/∂ŷ = 2(ŷ - y)/N. ŷ is ``prediction``, y is ``target``, both of the same shape.
    """

    def forward(self, prediction, target) -> float:
        yhat = as_float_array(prediction, "prediction", finite=False)  # a diverging network: NaN loss
        y = as_float_array(target, "target")
        if y.shape != yhat.shape:
            raise ValueError(f"target must have the shape of prediction, {yhat.shape}; got shape {y.shape}")
        self._diff = yhat - y
        return float(np.mean(self._diff**2))

    def backward(self) -> np.ndarray:
        if not hasattr(self, "_diff"):
            raise RuntimeError("MSELoss: call forward before backward")
        return 2.0 * self._diff / self._diff.size

    __call__ = forward

    def __repr__(self) -> str:
        return "MSELoss()"


class CrossEntropyLoss:
    """Softmax cross-entropy with integer class labels (torch's ``CrossEntropyLoss()``).

    The network outputs one score (logit) per class; softmax turns the scores into probabilities
    and the loss is the average negative log-probability of the true classes.

    Notes
    -----
    For logits Z of shape (n, K) and labels y of shape (n,):

        L = -(1/n) Σᵢ log softmax(Zᵢ)_{yᵢ},     ∂L/∂Z = (softmax(Z) - onehot(y)) / n.

    The gradient is "prediction minus truth", the same simple form as for the squared error.
    """

    def forward(self, logits, labels) -> float:
        Z = as_float_array(logits, "logits", finite=False)  # a diverging network: NaN loss
        if Z.ndim != 2:
            raise ValueError(f"logits must have shape (n_samples, n_classes); got shape {Z.shape}")
        y = as_labels(labels, "labels")
        if y.shape != (Z.shape[0],):
            raise ValueError(f"labels must have shape ({Z.shape[0]},) to match logits {Z.shape}; "
                             f"got shape {y.shape}")
        y = as_labels(y, "labels", n_classes=Z.shape[1], classes_of="the columns of logits")
        with np.errstate(invalid="ignore"):  # NaN logits give a NaN loss, reported by the training loop
            logp = _log_softmax(Z)
        rows = np.arange(Z.shape[0])
        self._p = np.exp(logp)
        self._labels = y
        return float(-logp[rows, y].mean())

    def backward(self) -> np.ndarray:
        if not hasattr(self, "_p"):
            raise RuntimeError("CrossEntropyLoss: call forward before backward")
        g = self._p.copy()
        g[np.arange(g.shape[0]), self._labels] -= 1.0
        return g / g.shape[0]

    __call__ = forward

    def __repr__(self) -> str:
        return "CrossEntropyLoss()"
