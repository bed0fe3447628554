"""Gradient checking: backpropagation against central differences.

Backpropagation is exact calculus done by hand, and hand calculus has slips. The central
difference (f(θ + h) - f(θ - h)) / 2h needs no calculus at all and is accurate to O(h²), so a
gradient that agrees with it to many digits is right. A disagreement is reported entry by entry
with both values.

Defined in the chapter *Feedforward networks and backpropagation* (Part 3 of the book).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .._validate import as_float_array, check_callable, check_name, check_positive
from ..check import CheckFailed
from .layers import Sequential
from .train import _check_data, _check_model, _check_output

__all__ = ["check_gradients", "compare_gradients", "numerical_gradient"]


def numerical_gradient(f: Callable[[], float], x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """∂f/∂x by central differences, perturbing the array ``x`` in place (and restoring it).

    Parameters
    ----------
    f : callable
        ``f()`` returns a number that depends on the current contents of ``x``.
    x : array of any shape, float64
        Perturbed one entry at a time.
    eps : float
        The step h.

    Notes
    -----
    ∂f/∂xᵢ ≈ (f(x + h eᵢ) - f(x - h eᵢ)) / 2h, with error O(h²) from truncation plus
    O(ε_machine / h) from rounding; h = 10⁻⁶ balances the two for well-scaled float64 problems.
    """
    check_callable(f, "f", "a function of no arguments that returns a number")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(f"x must be a float64 numpy array (it is perturbed in place); "
                        f"got {getattr(x, 'dtype', type(x).__name__)}")
    eps = check_positive(eps, "eps")
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("x must be contiguous (it is perturbed in place)")
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        f_plus = f()
        flat[i] = old - eps
        f_minus = f()
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * eps)
    return grad


def compare_gradients(analytic, numeric, *, name: str = "gradient", rtol: float = 1e-6,
                      atol: float = 1e-8) -> float:
    """Check ``analytic`` against ``numeric`` entry by entry; return the largest error.

    Raises
    ------
    CheckFailed
        Naming the worst entry with both values: ``backprop 0.1234, central difference 0.1201``.
    """
    name = check_name(name)
    rtol = check_positive(rtol, "rtol", allow_zero=True)
    atol = check_positive(atol, "atol", allow_zero=True)
    a, n = as_float_array(analytic, "analytic"), as_float_array(numeric, "numeric")
    if a.shape != n.shape:
        raise CheckFailed(f"✘ {name}: backprop has shape {a.shape}, central differences {n.shape}")
    error = np.abs(a - n)
    excess = error - (atol + rtol * np.abs(n))
    worst = np.unravel_index(int(np.argmax(excess)), a.shape) if a.ndim else ()
    if excess[worst] > 0:
        raise CheckFailed(
            f"✘ {name}{list(int(i) for i in worst)}: backprop {float(a[worst])!r}, central difference "
            f"{float(n[worst])!r}, |error| {float(error[worst]):.3e} > atol {atol:g} + rtol {rtol:g}·|value|"
        )
    return float(error.max())


def check_gradients(model: Sequential, loss_fn, X, y, *, eps: float = 1e-6, rtol: float = 1e-6,
                    atol: float = 1e-8, verbose: bool = True) -> dict[str, float]:
    """Check every parameter gradient of ``model`` (and the input gradient) by central differences.

    The model is used in its current mode; put it in eval mode first if it has dropout (a new
    mask per forward pass would make the loss a random function).

    Returns
    -------
    dict of str to float
        The largest |backprop - central difference| for each parameter and for ``"input"``.

    Raises
    ------
    CheckFailed
        For the first array whose gradient disagrees, with both values at the worst entry.
    """
    _check_model(model, loss_fn)
    X, y = _check_data(model, loss_fn, X, y, ("X", "y"))  # X is a copy: it is perturbed in place
    eps = check_positive(eps, "eps")

    def loss() -> float:
        return loss_fn.forward(model.forward(X), y)

    output = model.forward(X)
    _check_output(loss_fn, output, y, "y")
    loss_fn.forward(output, y)  # the first evaluation of loss(), with the targets checked against it
    grad_input = model.backward(loss_fn.backward())
    grads = {k: v.copy() for k, v in model.named_grads().items()}
    errors = {}
    for name, p in model.named_parameters().items():
        errors[name] = compare_gradients(grads[name], numerical_gradient(loss, p, eps),
                                         name=f"∂L/∂{name}", rtol=rtol, atol=atol)
    errors["input"] = compare_gradients(grad_input, numerical_gradient(loss, X, eps), name="∂L/∂input",
                                        rtol=rtol, atol=atol)
    if verbose:
        print(f"✔ backprop = central differences for {len(errors)} arrays of {model!r}: "
              f"max |error| = {max(errors.values()):.1e} (rtol={rtol:g}, atol={atol:g})")
    return errors
