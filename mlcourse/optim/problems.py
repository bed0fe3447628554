"""Two-dimensional test functions for optimizers: value, gradient and Hessian, vectorised.

Each problem is a :class:`Problem` whose ``value``, ``grad`` and ``hessian`` accept points of
shape ``(..., 2)`` and return shapes ``(...)``, ``(..., 2)`` and ``(..., 2, 2)``, so a contour plot
needs no loop: ``problem.value(np.stack([X, Y], axis=-1))``.

The book's playground draws every optimizer on these functions; the chapters on Newton's method
and BFGS use the Hessians.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .._validate import as_float_array, check_int, check_positive, check_real

__all__ = ["PROBLEMS", "Problem", "beale", "himmelblau", "quadratic", "rosenbrock", "saddle", "valley"]


@dataclass(frozen=True)
class Problem:
    """A test function f: R² → R with everything a plot or an optimizer needs.

    Attributes
    ----------
    name : str
    value, grad, hessian : callable
        f(x), ∇f(x), ∇²f(x) for x of shape (..., 2).
    minimizers : array of shape (k, 2)
        The known local minimizers (global ones first); empty when f has none.
    box : tuple of two (low, high) pairs
        A window for plots that shows the interesting part.
    start : array of shape (2,)
        A starting point that makes the problem instructive.
    partials : callable or None
        (u, v) -> (∂f/∂x₁, ∂f/∂x₂), the gradient written with ``+``, ``-`` and ``*`` only, so that
        it takes two Python floats as well as two arrays and gives, for a float, exactly the
        bits that ``grad`` gives for an array entry. The playground's inner loop runs on floats
        (:mod:`mlcourse.optim.plane`); ``grad`` is built from it.
    """

    name: str
    value: Callable[[np.ndarray], np.ndarray]
    grad: Callable[[np.ndarray], np.ndarray]
    hessian: Callable[[np.ndarray], np.ndarray]
    minimizers: np.ndarray
    box: tuple[tuple[float, float], tuple[float, float]]
    start: np.ndarray
    description: str = field(default="")
    partials: Callable[[float, float], tuple[float, float]] | None = None

    def grid(self, n: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(X, Y, Z) over the plotting box, for ``contour(X, Y, Z)``."""
        n = check_int(n, "n", minimum=2)
        (x0, x1), (y0, y1) = self.box
        X, Y = np.meshgrid(np.linspace(x0, x1, n), np.linspace(y0, y1, n))
        return X, Y, self.value(np.stack([X, Y], axis=-1))


def _points(x) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if isinstance(x, np.ndarray) and x.dtype == np.float64 and x.ndim >= 1 and x.shape[-1] == 2:
        # fast path for the inner loops of optimizers and widgets: a float64 array of points is
        # used as it is (a NaN point gives NaN values, as in numpy), anything else is validated
        return x, x[..., 0], x[..., 1]
    x = as_float_array(x, "x")
    if x.shape[-1:] != (2,):
        raise ValueError(f"x must have shape (..., 2): points in the plane; got shape {x.shape}")
    return x, x[..., 0], x[..., 1]


def _grad_from(partials: Callable) -> Callable[[np.ndarray], np.ndarray]:
    """∇f for points of shape (..., 2), from the partial derivatives written for floats or arrays."""

    def grad(x):
        _, u, v = _points(x)
        return _stack_grad(*partials(u, v))

    return grad


def _stack_grad(gx, gy) -> np.ndarray:
    if np.shape(gx) != np.shape(gy):
        gx, gy = np.broadcast_arrays(gx, gy)
    out = np.empty((*gx.shape, 2))
    out[..., 0], out[..., 1] = gx, gy
    return out


def _stack_hessian(hxx, hxy, hyy) -> np.ndarray:
    return np.stack([np.stack([hxx, hxy], axis=-1), np.stack([hxy, hyy], axis=-1)], axis=-2)


def quadratic(condition_number: float = 10.0, angle: float = 0.0) -> Problem:
    """f(x) = ½ xᵀAx, A with eigenvalues 1 and κ along axes turned by ``angle`` (radians).

    The condition number κ = λ_max/λ_min sets how hard the problem is for gradient descent.
    """
    kappa = check_positive(condition_number, "condition_number")
    if kappa < 1:
        raise ValueError(f"condition_number must be >= 1; got {kappa}")
    angle = check_real(angle, "angle")
    c, s = np.cos(angle), np.sin(angle)
    R = np.array([[c, -s], [s, c]])
    A = R @ np.diag([1.0, kappa]) @ R.T

    def value(x):
        x, _, _ = _points(x)
        return 0.5 * np.einsum("...i,ij,...j->...", x, A, x)

    a11, a12, a21, a22 = (float(entry) for entry in A.ravel())

    def partials(u, v):
        # written out entry by entry (not x @ A.T), so that a point gives bit for bit the same
        # gradient alone, inside a batch or as two floats, whatever the matrix-product kernel does
        return a11 * u + a12 * v, a21 * u + a22 * v

    def hessian(x):
        x, _, _ = _points(x)
        return np.broadcast_to(A, (*x.shape[:-1], 2, 2)).copy()

    lim = 3.0
    return Problem(f"quadratic (κ = {kappa:g})", value, _grad_from(partials), hessian, np.zeros((1, 2)),
                   ((-lim, lim), (-lim, lim)), np.array([-2.5, 1.5]),
                   "A bowl whose curvatures differ by the factor κ.", partials)


def valley() -> Problem:
    """An ill-conditioned valley: the quadratic with κ = 50, turned by 30°."""
    p = quadratic(50.0, np.pi / 6)
    return Problem("ill-conditioned valley (κ = 50)", p.value, p.grad, p.hessian, p.minimizers,
                   p.box, np.array([-2.5, 0.5]),
                   "A long narrow valley, not aligned with the axes: gradient descent zig-zags.", p.partials)


def rosenbrock(a: float = 1.0, b: float = 100.0) -> Problem:
    """f(x, y) = (a - x)² + b (y - x²)², minimum 0 at (a, a²), in a curved banana valley."""
    a = check_real(a, "a")
    b = check_positive(b, "b")

    def value(x):
        _, u, v = _points(x)
        return (a - u) ** 2 + b * (v - u**2) ** 2

    def partials(u, v):
        w = v - u * u
        return -2 * (a - u) - 4 * b * u * w, 2 * b * w

    def hessian(x):
        _, u, v = _points(x)
        return _stack_hessian(2 - 4 * b * (v - u**2) + 8 * b * u**2, -4 * b * u, 2 * b + 0 * u)

    return Problem("Rosenbrock", value, _grad_from(partials), hessian, np.array([[a, a * a]]),
                   ((-2.0, 2.0), (-1.0, 3.0)), np.array([-1.5, 2.0]),
                   "A curved valley with a flat floor: easy to reach, slow to follow.", partials)


# Beale: f = Σᵢ (cᵢ - x + x yⁱ)² for i = 1, 2, 3
_BEALE_C = (1.5, 2.25, 2.625)


def beale() -> Problem:
    """Beale's function Σᵢ (cᵢ - x + x yⁱ)², c = (1.5, 2.25, 2.625); minimum 0 at (3, ½)."""

    def terms(x):
        _, u, v = _points(x)
        r = [c - u + u * v**i for i, c in enumerate(_BEALE_C, start=1)]
        dr_du = [v**i - 1 for i in (1, 2, 3)]
        dr_dv = [i * u * v ** (i - 1) for i in (1, 2, 3)]
        return u, v, r, dr_du, dr_dv

    def value(x):
        _, _, r, _, _ = terms(x)
        return sum(ri**2 for ri in r)

    c1, c2, c3 = _BEALE_C

    def partials(u, v):
        # ∂f/∂x = Σ 2rᵢ (vⁱ - 1), ∂f/∂y = Σ 2rᵢ i u vⁱ⁻¹, with the powers as products
        v2 = v * v
        v3 = v2 * v
        r1, r2, r3 = c1 - u + u * v, c2 - u + u * v2, c3 - u + u * v3
        return (2 * r1 * (v - 1) + 2 * r2 * (v2 - 1) + 2 * r3 * (v3 - 1),
                2 * r1 * u + 2 * r2 * (2 * u * v) + 2 * r3 * (3 * u * v2))

    def hessian(x):
        u, v, r, du, dv = terms(x)
        # second derivatives of rᵢ: ∂²/∂u² = 0, ∂²/∂u∂v = i vⁱ⁻¹, ∂²/∂v² = i(i-1) u vⁱ⁻²
        duv = [i * v ** (i - 1) for i in (1, 2, 3)]
        dvv = [i * (i - 1) * u * v ** max(i - 2, 0) for i in (1, 2, 3)]
        hxx = sum(2 * a * a for a in du)
        hxy = sum(2 * (a * b + ri * c) for ri, a, b, c in zip(r, du, dv, duv, strict=True))
        hyy = sum(2 * (b * b + ri * c) for ri, b, c in zip(r, dv, dvv, strict=True))
        return _stack_hessian(hxx, hxy, hyy)

    return Problem("Beale", value, _grad_from(partials), hessian, np.array([[3.0, 0.5]]),
                   ((-4.5, 4.5), (-4.5, 4.5)), np.array([1.0, 1.4]),
                   "Flat plateaus and steep walls; the minimum sits in a narrow curved valley.", partials)


def saddle() -> Problem:
    """f(x, y) = ½x² - ½y² + ¼y⁴: a saddle at the origin between minima at (0, ±1)."""

    def value(x):
        _, u, v = _points(x)
        return 0.5 * u**2 - 0.5 * v**2 + 0.25 * v**4

    def partials(u, v):
        return u, v * v * v - v

    def hessian(x):
        _, u, v = _points(x)
        return _stack_hessian(1 + 0 * u, 0 * u, 3 * v**2 - 1)

    return Problem("saddle", value, _grad_from(partials), hessian, np.array([[0.0, 1.0], [0.0, -1.0]]),
                   ((-2.0, 2.0), (-1.8, 1.8)), np.array([-1.8, 1e-3]),
                   "Started near the ridge, an optimizer lingers at the saddle before escaping.", partials)


# Himmelblau's four minimizers (f = 0 at each), to about 15 digits
_HIMMELBLAU_MINIMA = np.array([
    [3.0, 2.0],
    [-2.805118086952745, 3.131312518250573],
    [-3.779310253377747, -3.283185991286170],
    [3.584428340330492, -1.848126526964404],
])


def himmelblau() -> Problem:
    """Himmelblau's function (x² + y - 11)² + (x + y² - 7)²: four minima, all with f = 0."""

    def value(x):
        _, u, v = _points(x)
        return (u**2 + v - 11) ** 2 + (u + v**2 - 7) ** 2

    def partials(u, v):
        p, q = u * u + v - 11, u + v * v - 7
        return 4 * u * p + 2 * q, 2 * p + 4 * v * q

    def hessian(x):
        _, u, v = _points(x)
        return _stack_hessian(12 * u**2 + 4 * v - 42, 4 * (u + v), 12 * v**2 + 4 * u - 26)

    return Problem("Himmelblau (several minima)", value, _grad_from(partials), hessian,
                   _HIMMELBLAU_MINIMA.copy(), ((-5.0, 5.0), (-5.0, 5.0)), np.array([-0.5, -0.5]),
                   "Four equally deep minima: which one you reach depends on where you start.", partials)


#: name -> factory, for menus and loops
PROBLEMS: dict[str, Callable[[], Problem]] = {
    "quadratic": quadratic,
    "valley": valley,
    "rosenbrock": rosenbrock,
    "beale": beale,
    "saddle": saddle,
    "himmelblau": himmelblau,
}
