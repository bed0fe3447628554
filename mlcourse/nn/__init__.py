"""A small, readable neural network in numpy: layers, losses, backpropagation, training.

>>> import numpy as np
>>> from mlcourse import nn, optim
>>> rng = np.random.default_rng(0)
>>> model = nn.Sequential(nn.Linear(2, 8, rng=rng), nn.Tanh(), nn.Linear(8, 1, rng=rng))
>>> model.forward(np.zeros((5, 2))).shape
(5, 1)

Each layer has ``forward`` and ``backward`` side by side; parameters and their gradients are plain
numpy arrays (``layer.params``, ``layer.grads``) named and shaped as in ``torch.nn``, which is what
the tests compare against in float64. Defined in Part 3 of the book, *Neural networks*.
"""

from .bias_variance import BiasVariance, bias_variance, polynomial_fit_predict
from .gradcheck import check_gradients, compare_gradients, numerical_gradient
from .layers import (
    BatchNorm1d,
    Dropout,
    Layer,
    LeakyReLU,
    Linear,
    ReLU,
    Sequential,
    Sigmoid,
    Tanh,
    leaky_relu,
    relu,
    sigmoid,
    tanh,
)
from .losses import CrossEntropyLoss, MSELoss, log_softmax, softmax
from .train import TrainResult, evaluate, fit

__all__ = [
    "BatchNorm1d",
    "BiasVariance",
    "CrossEntropyLoss",
    "Dropout",
    "Layer",
    "LeakyReLU",
    "Linear",
    "MSELoss",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "Tanh",
    "TrainResult",
    "bias_variance",
    "check_gradients",
    "compare_gradients",
    "evaluate",
    "fit",
    "leaky_relu",
    "log_softmax",
    "numerical_gradient",
    "polynomial_fit_predict",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]
