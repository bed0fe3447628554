"""Exercises of Part 3, *Neural networks*: feedforward networks, backpropagation, activations,
regularization, bias and variance, convolutional networks.

Every answer is computed by a trusted route (torch, numpy, sympy), never typed in.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np

__all__ = ["EXERCISES"]


def _mlp_data() -> tuple[int, ...]:
    # layer widths of a fully connected network for the 8×8 digits: 64 → 32 → 16 → 10
    return (64, 32, 16, 10)


def _mlp_answer():
    import torch

    widths = _mlp_data()
    model = torch.nn.Sequential(*(torch.nn.Linear(a, b) for a, b in itertools.pairwise(widths)))
    return sum(p.numel() for p in model.parameters())


def _linear_grad_data() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    # L(W) = ½‖W x - y‖²
    W = np.array([[1.0, -2.0, 0.5], [0.0, 1.0, 3.0]])
    x = np.array([2.0, 1.0, -1.0])
    y = np.array([1.0, 0.0])
    return W, x, y


def _linear_grad_answer():
    import torch

    W, x, y = (torch.tensor(a, dtype=torch.float64) for a in _linear_grad_data())
    W.requires_grad_(True)
    (0.5 * ((W @ x - y) ** 2).sum()).backward()
    return W.grad.numpy()


def _sigmoid_chain_data() -> int:
    return 10  # number of sigmoid layers a gradient passes through


def _sigmoid_chain_answer():
    import sympy as sp

    z = sp.symbols("z", real=True)
    s = 1 / (1 + sp.exp(-z))
    ds = sp.diff(s, z)
    critical = sp.solve(sp.diff(ds, z), z)
    largest = max(ds.subs(z, c) for c in critical)
    return float(largest ** _sigmoid_chain_data())


def _dropout_data() -> float:
    return 0.2  # drop probability p


def _dropout_answer():
    import torch

    torch.manual_seed(0)
    out = torch.nn.functional.dropout(torch.ones(1000, dtype=torch.float64), p=_dropout_data(), training=True)
    return float(out.max())


def _optimism_data() -> tuple[int, float, int]:
    return 20, 0.3, 3  # n training points, noise σ, polynomial degree


def _optimism_answer():
    n, sigma, degree = _optimism_data()
    V = np.polynomial.legendre.legvander(np.linspace(-1, 1, n), degree)
    H = V @ np.linalg.pinv(V)  # the hat matrix of least squares: ŷ = H y
    return 2 * sigma**2 * np.trace(H) / n


def _conv_size_data() -> tuple[int, int, int, int]:
    return 64, 4, 2, 1  # W, F, S, P


def _conv_size_answer():
    import torch

    W, F, S, P = _conv_size_data()
    return torch.nn.functional.conv2d(torch.zeros(1, 1, W, W), torch.zeros(1, 1, F, F), stride=S,
                                      padding=P).shape[-1]


def _conv_params_data() -> tuple[int, int, int]:
    return 3, 10, 5  # input channels, filters, filter size


def _conv_params_answer():
    import torch

    c, k, f = _conv_params_data()
    return sum(p.numel() for p in torch.nn.Conv2d(c, k, f).parameters())


#: key -> (function returning the problem's data, function returning the expected answer)
EXERCISES: dict[str, tuple[Callable, Callable]] = {
    "nn-mlp-parameters": (_mlp_data, _mlp_answer),
    "nn-linear-grad": (_linear_grad_data, _linear_grad_answer),
    "nn-sigmoid-chain": (_sigmoid_chain_data, _sigmoid_chain_answer),
    "nn-dropout-scale": (_dropout_data, _dropout_answer),
    "nn-optimism": (_optimism_data, _optimism_answer),
    "nn-conv-size": (_conv_size_data, _conv_size_answer),
    "nn-conv-params": (_conv_params_data, _conv_params_answer),
}
