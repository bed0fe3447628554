"""Numerical calculus: finite differences, gradients, Jacobians, Taylor polynomials, Newton's method.

These are the tools of Part 1's calculus chapters, written so that each line matches a formula of
the book. Derivatives are *approximated* by finite differences; the book measures how good the
approximation is (truncation error against round-off) and checks every function here against sympy
and torch autograd.

Layout convention (used everywhere in the book): for f : Rⁿ → Rᵐ the Jacobian is the m × n matrix
J[i, j] = ∂fᵢ/∂xⱼ, one row per output and one column per input.

Defined in the chapters *Derivatives and integrals*, *Multivariable calculus* and
*Taylor series and Newton's method*.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from math import factorial
from typing import NamedTuple

import numpy as np

from ._validate import as_float_array, as_vector, check_callable, check_int, check_positive

__all__ = [
    "NewtonResult",
    "central_difference",
    "directional_derivative",
    "forward_difference",
    "gradient",
    "hessian",
    "jacobian",
    "newton_optimum",
    "newton_root",
    "taylor_polynomial",
]

#: default steps: near-optimal for float64 (ε^(1/2) for forward, ε^(1/3) for central differences)
_EPS = np.finfo(np.float64).eps
_H_FORWARD = float(np.sqrt(_EPS))
_H_CENTRAL = float(np.cbrt(_EPS))


def _step(h, default: float) -> float:
    return default if h is None else check_positive(h, "h")


def forward_difference(f: Callable, x, h: float | None = None) -> np.ndarray:
    """The forward difference (f(x + h) - f(x)) / h, an O(h) approximation of f'(x).

    Parameters
    ----------
    f : callable
        A scalar function of one variable, vectorised over arrays (``np.sin`` and the like).
    x : float or array of any shape
        Where to differentiate (every entry separately).
    h : float, optional
        The step; by default √ε ≈ 1.5·10⁻⁸, which balances truncation against round-off.

    Returns
    -------
    array of the shape of ``x``

    Notes
    -----
    f'(x) ≈ (f(x + h) - f(x)) / h, error ≈ ½ h |f''(x)| + 2ε|f(x)|/h.
    Defined in the chapter *Derivatives and integrals*.
    """
    check_callable(f, "f")
    x = as_float_array(x, "x")
    h = _step(h, _H_FORWARD)
    return (np.asarray(f(x + h), dtype=np.float64) - np.asarray(f(x), dtype=np.float64)) / h


def central_difference(f: Callable, x, h: float | None = None) -> np.ndarray:
    """The central difference (f(x + h) - f(x - h)) / 2h, an O(h²) approximation of f'(x).

    Parameters
    ----------
    f : callable
        A scalar function of one variable, vectorised over arrays.
    x : float or array of any shape
    h : float, optional
        The step; by default ε^(1/3) ≈ 6·10⁻⁶.

    Returns
    -------
    array of the shape of ``x``

    Notes
    -----
    f'(x) ≈ (f(x + h) - f(x - h)) / (2h), error ≈ h² |f'''(x)| / 6 + ε|f(x)|/h.
    The odd terms of the two Taylor expansions cancel, which is why the error is O(h²).
    Defined in the chapter *Derivatives and integrals*.
    """
    check_callable(f, "f")
    x = as_float_array(x, "x")
    h = _step(h, _H_CENTRAL)
    return (np.asarray(f(x + h), dtype=np.float64) - np.asarray(f(x - h), dtype=np.float64)) / (2 * h)


def _scalar_output(value, name: str) -> float:
    value = np.asarray(value, dtype=np.float64)
    if value.shape not in ((), (1,)):
        raise ValueError(f"{name} must return a scalar; got an array of shape {value.shape}")
    return float(value.reshape(()))


def gradient(f: Callable, x, h: float | None = None) -> np.ndarray:
    """The gradient ∇f(x) of f : Rⁿ → R by central differences, one coordinate at a time.

    Parameters
    ----------
    f : callable
        ``f(x)`` for ``x`` of shape (n,) returns a scalar.
    x : array of shape (n,)
    h : float, optional
        The step (default ε^(1/3)).

    Returns
    -------
    array of shape (n,)
        [∂f/∂x₁, …, ∂f/∂xₙ].

    Notes
    -----
    ∂f/∂xⱼ ≈ (f(x + h eⱼ) - f(x - h eⱼ)) / (2h), eⱼ the j-th standard basis vector.
    Defined in the chapter *Multivariable calculus*.
    """
    check_callable(f, "f")
    x = as_vector(x, "x")
    h = _step(h, _H_CENTRAL)
    g = np.empty_like(x)
    for j in range(x.shape[0]):
        e = np.zeros_like(x)
        e[j] = h
        g[j] = (_scalar_output(f(x + e), "f") - _scalar_output(f(x - e), "f")) / (2 * h)
    return g


def directional_derivative(f: Callable, x, v, h: float | None = None) -> float:
    """The directional derivative D_v f(x) = lim (f(x + t v) - f(x)) / t, by a central difference.

    The direction ``v`` is *not* normalised: D_v f = v · ∇f, so doubling v doubles the result.
    For the slope per unit length, pass a unit vector.

    Parameters
    ----------
    f : callable
        ``f(x)`` for ``x`` of shape (n,) returns a scalar.
    x, v : arrays of shape (n,)
    h : float, optional

    Returns
    -------
    float

    Notes
    -----
    D_v f(x) ≈ (f(x + h v) - f(x - h v)) / (2h).
    Defined in the chapter *Multivariable calculus*.
    """
    check_callable(f, "f")
    x = as_vector(x, "x")
    v = as_vector(v, "v")
    if v.shape != x.shape:
        raise ValueError(f"x and v must have the same shape; got {x.shape} and {v.shape}")
    h = _step(h, _H_CENTRAL)
    return (_scalar_output(f(x + h * v), "f") - _scalar_output(f(x - h * v), "f")) / (2 * h)


def jacobian(f: Callable, x, h: float | None = None) -> np.ndarray:
    """The Jacobian of f : Rⁿ → Rᵐ at x, by central differences, as an (m, n) array.

    Column j is the derivative of the whole output along the input coordinate xⱼ: it is the image
    of the j-th basis vector under the linearisation of f (for polar coordinates, the basis vectors
    ∂R/∂r and ∂R/∂θ).

    Parameters
    ----------
    f : callable
        ``f(x)`` for ``x`` of shape (n,) returns an array of shape (m,) (a scalar counts as m = 1).
    x : array of shape (n,)
    h : float, optional

    Returns
    -------
    array of shape (m, n)
        J[i, j] = ∂fᵢ/∂xⱼ.

    Notes
    -----
    J[:, j] ≈ (f(x + h eⱼ) - f(x - h eⱼ)) / (2h).
    Defined in the chapter *Multivariable calculus*.
    """
    check_callable(f, "f")
    x = as_vector(x, "x")
    h = _step(h, _H_CENTRAL)
    columns = []
    for j in range(x.shape[0]):
        e = np.zeros_like(x)
        e[j] = h
        up = np.atleast_1d(np.asarray(f(x + e), dtype=np.float64))
        down = np.atleast_1d(np.asarray(f(x - e), dtype=np.float64))
        if up.ndim != 1:
            raise ValueError(f"f must return a vector of shape (m,); got an array of shape {up.shape}")
        columns.append((up - down) / (2 * h))
    return np.stack(columns, axis=1)


def hessian(f: Callable, x, h: float | None = None) -> np.ndarray:
    """The Hessian ∇²f(x) of f : Rⁿ → R by second central differences, an (n, n) symmetric array.

    Parameters
    ----------
    f : callable
        ``f(x)`` for ``x`` of shape (n,) returns a scalar.
    x : array of shape (n,)
    h : float, optional
        The step (default ε^(1/4) ≈ 1.2·10⁻⁴, the balance for second differences).

    Returns
    -------
    array of shape (n, n)

    Notes
    -----
    ∂²f/∂xᵢ∂xⱼ ≈ [f(x + h eᵢ + h eⱼ) - f(x + h eᵢ - h eⱼ) - f(x - h eᵢ + h eⱼ) + f(x - h eᵢ - h eⱼ)] / (4h²).
    Defined in the chapter *Taylor series and Newton's method*.
    """
    check_callable(f, "f")
    x = as_vector(x, "x")
    h = _step(h, float(_EPS ** 0.25))
    n = x.shape[0]
    H = np.empty((n, n))
    eye = np.eye(n) * h
    for i in range(n):
        for j in range(i, n):
            ei, ej = eye[i], eye[j]
            H[i, j] = H[j, i] = (
                _scalar_output(f(x + ei + ej), "f") - _scalar_output(f(x + ei - ej), "f")
                - _scalar_output(f(x - ei + ej), "f") + _scalar_output(f(x - ei - ej), "f")
            ) / (4 * h * h)
    return H


def taylor_polynomial(derivatives: Sequence[float], x0: float, x) -> np.ndarray:
    """The Taylor polynomial Σₖ f⁽ᵏ⁾(x₀)/k! (x - x₀)ᵏ, given the derivatives at x₀.

    Parameters
    ----------
    derivatives : sequence of K + 1 floats
        f(x₀), f'(x₀), …, f⁽ᴷ⁾(x₀).
    x0 : float
        The expansion point.
    x : float or array
        Where to evaluate the polynomial.

    Returns
    -------
    array of the shape of ``x``

    Notes
    -----
    T_K(x) = Σ_{k=0}^{K} f⁽ᵏ⁾(x₀) (x - x₀)ᵏ / k!, with ``derivatives[k]`` = f⁽ᵏ⁾(x₀).
    Evaluated by Horner's rule. Defined in the chapter *Taylor series and Newton's method*.
    """
    d = as_vector(derivatives, "derivatives")
    x0 = float(as_float_array(x0, "x0", ndim=0))
    x = as_float_array(x, "x")
    u = x - x0
    coefficients = [d[k] / factorial(k) for k in range(d.shape[0])]
    result = np.full_like(u, coefficients[-1])
    for c in reversed(coefficients[:-1]):
        result = result * u + c
    return result


class NewtonResult(NamedTuple):
    """The outcome of Newton's method.

    Attributes
    ----------
    x : float or array of shape (n,)
        The last iterate.
    iterates : array of shape (n_iter + 1,) or (n_iter + 1, n)
        x₀, x₁, …
    converged : bool
        True when |xₖ₊₁ - xₖ| ≤ tol (scaled) or the residual is exactly zero.
    n_iter : int
        Newton steps taken.
    message : str
        Why the iteration stopped ("converged", "derivative is zero", "singular Jacobian",
        "non-finite iterate", "max_iter reached").
    """

    x: float | np.ndarray
    iterates: np.ndarray
    converged: bool
    n_iter: int
    message: str


def newton_root(f: Callable, df: Callable, x0, *, tol: float = 1e-12, max_iter: int = 50) -> NewtonResult:
    """Newton's method for a root of f, in one or in n dimensions.

    Replace f by its tangent (its first-order Taylor polynomial) at xₖ and jump to the tangent's
    zero. Near a simple root the number of correct digits roughly doubles at every step.

    Parameters
    ----------
    f : callable
        Scalar x → f(x), or x of shape (n,) → f(x) of shape (n,).
    df : callable
        The derivative f'(x) (a scalar), or the Jacobian of f at x, shape (n, n).
    x0 : float or array of shape (n,)
        The starting point.
    tol : float
        Stop when the step is smaller than tol·(1 + |xₖ|).
    max_iter : int
        The most steps taken.

    Returns
    -------
    NewtonResult
        A zero derivative or singular Jacobian is reported in ``message`` with
        ``converged=False``, not raised: the book plots failures.

    Notes
    -----
    1-D: xₖ₊₁ = xₖ - f(xₖ)/f'(xₖ).  n-D: solve J(xₖ) Δ = -f(xₖ), then xₖ₊₁ = xₖ + Δ.
    Defined in the chapter *Taylor series and Newton's method*.
    """
    check_callable(f, "f")
    check_callable(df, "df")
    tol = check_positive(tol, "tol")
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    x = as_float_array(x0, "x0")
    scalar = x.ndim == 0
    if not scalar:
        x = as_vector(x, "x0")
    iterates = [x.copy()]
    message = "max_iter reached"
    converged = False
    for _ in range(max_iter):
        fx = np.asarray(f(x), dtype=np.float64)
        if fx.shape != x.shape:
            raise ValueError(f"f(x) must have the shape of x0, {x.shape}; got {fx.shape}")
        if np.all(fx == 0):
            converged, message = True, "converged (f(x) = 0 exactly)"
            break
        J = np.asarray(df(x), dtype=np.float64)
        if scalar:
            if J.shape != ():
                raise ValueError(f"df(x) must return a scalar for a number x0; got shape {J.shape}")
            if J == 0:
                message = f"derivative is zero at x = {float(x):g}: the tangent has no root"
                break
            step = -fx / J
        else:
            n = x.shape[0]
            if J.shape != (n, n):
                raise ValueError(f"df(x) must return the Jacobian, shape ({n}, {n}) for x0 of shape ({n},); "
                                 f"got {J.shape}")
            try:
                step = np.linalg.solve(J, -fx)
            except np.linalg.LinAlgError:
                message = f"singular Jacobian at x = {x}: the linearisation has no unique root"
                break
        x = x + step
        if not np.all(np.isfinite(x)):
            message = "non-finite iterate"
            break
        iterates.append(x.copy())
        if np.max(np.abs(step)) <= tol * (1 + np.max(np.abs(x))):
            converged, message = True, "converged"
            break
    x_out = float(x) if scalar else x
    return NewtonResult(x_out, np.array(iterates), converged, len(iterates) - 1, message)


def newton_optimum(grad: Callable, hess: Callable, x0, *, tol: float = 1e-12,
                   max_iter: int = 50) -> NewtonResult:
    """Newton's method for a stationary point of f: Newton's root finder applied to f' (or ∇f).

    Parameters
    ----------
    grad : callable
        f'(x) (scalar x) or ∇f(x) of shape (n,).
    hess : callable
        f''(x) (a scalar) or the Hessian ∇²f(x) of shape (n, n).
    x0 : float or array of shape (n,)
    tol, max_iter :
        As in :func:`newton_root`.

    Returns
    -------
    NewtonResult
        A zero second derivative (singular Hessian) stops the iteration with ``converged=False``.
        Newton finds *stationary* points: check the sign of f'' (or the Hessian's eigenvalues)
        at the result to know whether it is a minimum.

    Notes
    -----
    xₖ₊₁ = xₖ - f'(xₖ)/f''(xₖ), or xₖ₊₁ = xₖ - [∇²f(xₖ)]⁻¹ ∇f(xₖ): the minimiser of the
    second-order Taylor model of f at xₖ. On a quadratic it lands on the optimum in one step.
    Defined in the chapter *Taylor series and Newton's method*.
    """
    check_callable(grad, "grad")
    check_callable(hess, "hess")
    result = newton_root(grad, hess, x0, tol=tol, max_iter=max_iter)
    message = result.message.replace("derivative is zero", "second derivative is zero").replace(
        "singular Jacobian", "singular Hessian")
    return result._replace(message=message)
