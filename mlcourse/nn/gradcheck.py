"""Gradient checking: backpropagation against central differences.

Backpropagation is exact calculus done by hand, and hand calculus has slips. The central
difference (f(θ + h) - f(θ - h)) / 2h needs no calculus at all and is accurate to O(h²), so a
gradient that agrees with it to many digits is right. A disagreement is reported entry by entry
with both values.

Defined in the chapter *Feedforward networks and backpropagation* (Part 3 of the book).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np

from .._validate import as_float_array, check_callable, check_name, check_positive
from ..check import CheckFailed
from .layers import Sequential
from .train import _check_data, _check_model, _check_output

__all__ = ["check_gradients", "compare_gradients", "numerical_gradient"]


def numerical_gradient(f: Callable[[], float], x: np.ndarray, h: float = 1e-6, *,
                       eps: float | None = None) -> np.ndarray:
    """∂f/∂x by central differences, perturbing the array ``x`` in place (and restoring it).

    Parameters
    ----------
    f : callable
        ``f()`` returns a number that depends on the current contents of ``x``.
    x : array of any shape, float64
        Perturbed one entry at a time.
    h : float
        The step h of the central difference.
    eps : float, optional
        Deprecated name of ``h`` (it is the step, not the machine epsilon ε of the book).

    Notes
    -----
    ∂f/∂xᵢ ≈ (f(x + h eᵢ) - f(x - h eᵢ)) / 2h, with error O(h²) from truncation plus
    O(ε_machine / h) from rounding. The two balance near h ≈ ε_machine^(1/3) ≈ 6·10⁻⁶ for a
    well-scaled float64 problem; the default h = 10⁻⁶ lies just on the rounding side of that
    minimum, where the error is still close to the smallest (the chapter measures it).
    """
    check_callable(f, "f", "a function of no arguments that returns a number")
    if not isinstance(x, np.ndarray) or x.dtype != np.float64:
        raise TypeError(f"x must be a float64 numpy array (it is perturbed in place); "
                        f"got {getattr(x, 'dtype', type(x).__name__)}")
    h = _step(h, eps)
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("x must be contiguous (it is perturbed in place)")
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        f_plus = f()
        flat[i] = old - h
        f_minus = f()
        flat[i] = old
        gflat[i] = (f_plus - f_minus) / (2 * h)
    return grad


def _step(h, eps, stacklevel: int = 3) -> float:
    """The step h, accepting the deprecated name ``eps`` (validated under the name it was given)."""
    if eps is None:
        return check_positive(h, "h")
    warnings.warn("the step of a central difference is now called h (the book's letter); eps is "
                  "deprecated and will be removed", DeprecationWarning, stacklevel=stacklevel)
    return check_positive(eps, "eps")


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


def check_gradients(model: Sequential, loss_fn, X, y, *, h: float = 1e-6, rtol: float = 1e-6,
                    atol: float = 1e-8, verbose: bool = True, eps: float | None = None) -> dict[str, float]:
    """Check every parameter gradient of ``model`` (and the input gradient) by central differences.

    The model is used in its current mode; put it in eval mode first if it has dropout (a new
    mask per forward pass would make the loss a random function). ``h`` is the step of the
    central differences (``eps`` is its deprecated name).

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
    h = _step(h, eps)

    def loss() -> float:
        return loss_fn.forward(model.forward(X), y)

    output = model.forward(X)
    _check_output(loss_fn, output, y, "y")
    loss_fn.forward(output, y)  # the first evaluation of loss(), with the targets checked against it
    grad_input = model.backward(loss_fn.backward())
    grads = {k: v.copy() for k, v in model.named_grads().items()}
    errors = {}
    for name, p in model.named_parameters().items():
        errors[name] = compare_gradients(grads[name], numerical_gradient(loss, p, h),
                                         name=f"∂L/∂{name}", rtol=rtol, atol=atol)
    errors["input"] = compare_gradients(grad_input, numerical_gradient(loss, X, h), name="∂L/∂input",
                                        rtol=rtol, atol=atol)
    if verbose:
        print(f"✔ backprop = central differences for {len(errors)} arrays of {model!r}: "
              f"max |error| = {max(errors.values()):.1e} (rtol={rtol:g}, atol={atol:g})")
    return errors
