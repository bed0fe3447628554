"""Minibatch gradients for stochastic gradient descent, on a least-squares problem.

A loss that is an average over data points, f(θ) = (1/n) Σᵢ fᵢ(θ), has the gradient
∇f = (1/n) Σᵢ ∇fᵢ. Stochastic gradient descent replaces it by the average over a random
*minibatch* B of B points, ĝ = (1/B) Σ_{i∈B} ∇fᵢ: an unbiased estimate whose variance falls like
1/B (and to zero when the batch is the whole data set, if drawn without replacement).

Defined in the chapter *Stochastic gradient descent*.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .._validate import as_array, as_matrix, as_vector, check_bool, check_int, check_rng

__all__ = ["LeastSquares", "gradient_noise", "minibatch_indices", "sgd_gradient"]


class LeastSquares:
    """f(θ) = (1/n) Σᵢ ½ (xᵢᵀθ - yᵢ)²: linear regression's mean squared error, halved.

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    y : array of shape (n_samples,)

    Notes
    -----
    fᵢ(θ) = ½ (xᵢᵀθ - yᵢ)², ∇fᵢ(θ) = (xᵢᵀθ - yᵢ) xᵢ, ∇f(θ) = (1/n) Xᵀ(Xθ - y), and the Hessian
    is the constant (1/n) XᵀX, whose extreme eigenvalues set gradient descent's learning rates.
    """

    def __init__(self, X, y) -> None:
        self.X = as_matrix(X, "X")
        self.y = as_vector(y, "y", size=self.X.shape[0], like="row of X")
        self.n_samples, self.n_features = self.X.shape

    def _theta(self, theta) -> np.ndarray:
        return as_vector(theta, "theta", size=self.n_features, like="column of X")

    def value(self, theta) -> float:
        """f(θ)."""
        r = self.X @ self._theta(theta) - self.y
        return float(0.5 * np.mean(r * r))

    def grad(self, theta) -> np.ndarray:
        """∇f(θ) = (1/n) Xᵀ(Xθ - y), shape (n_features,)."""
        return self.X.T @ (self.X @ self._theta(theta) - self.y) / self.n_samples

    def per_example_grads(self, theta) -> np.ndarray:
        """Row i is ∇fᵢ(θ) = (xᵢᵀθ - yᵢ) xᵢ; shape (n_samples, n_features)."""
        return (self.X @ self._theta(theta) - self.y)[:, None] * self.X

    def minibatch_grad(self, theta, indices) -> np.ndarray:
        """ĝ = (1/B) Σ_{i ∈ batch} ∇fᵢ(θ) for the rows ``indices`` (repeats count twice)."""
        idx = as_array(indices, "indices", "a non-empty 1-D array of integers")
        if idx.ndim != 1 or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
            raise ValueError(f"indices must be a non-empty 1-D array of integers; got {idx!r}")
        if idx.min() < 0 or idx.max() >= self.n_samples:
            raise ValueError(f"indices must be in [0, {self.n_samples}) for {self.n_samples} samples; "
                             f"got values in [{idx.min()}, {idx.max()}]")
        Xb = self.X[idx]
        return Xb.T @ (Xb @ self._theta(theta) - self.y[idx]) / idx.size

    @property
    def hessian(self) -> np.ndarray:
        """(1/n) XᵀX."""
        return self.X.T @ self.X / self.n_samples

    @property
    def solution(self) -> np.ndarray:
        """The minimizer θ* (least squares by numpy)."""
        return np.linalg.lstsq(self.X, self.y, rcond=None)[0]


def minibatch_indices(n_samples: int, batch_size: int, rng, *, replace: bool = False,
                      n_batches: int | None = None) -> np.ndarray:
    """Indices of random minibatches: shape (batch_size,), or (n_batches, batch_size).

    Without replacement the points of one batch are distinct (batch_size ≤ n_samples); with
    replacement each is an independent uniform draw.
    """
    n = check_int(n_samples, "n_samples", minimum=1)
    b = check_int(batch_size, "batch_size", minimum=1)
    rng = check_rng(rng)
    replace = check_bool(replace, "replace")
    if not replace and b > n:
        raise ValueError(f"batch_size must be <= n_samples={n} without replacement; got {b}")
    shape = (b,) if n_batches is None else (check_int(n_batches, "n_batches", minimum=1), b)
    if replace:
        return rng.integers(0, n, size=shape)
    if n_batches is None:
        return rng.choice(n, size=b, replace=False)
    # each row an independent sample without replacement: the first b of a random permutation
    return np.argsort(rng.random((shape[0], n)), axis=1)[:, :b]


def gradient_noise(per_example_grads, batch_size: int, *, replace: bool = False) -> float:
    """E‖ĝ - ∇f‖², the mean squared error of the minibatch gradient, from theory.

    With σ² = (1/n) Σᵢ ‖∇fᵢ - ∇f‖² (the spread of the per-example gradients):

    * with replacement: σ²/B;
    * without replacement: (σ²/B)·(n - B)/(n - 1), the finite-population correction, which is
      0 at B = n.

    Parameters
    ----------
    per_example_grads : array of shape (n_samples, n_features)
    batch_size : int
    """
    G = as_matrix(per_example_grads, "per_example_grads")
    n = G.shape[0]
    b = check_int(batch_size, "batch_size", minimum=1)
    replace = check_bool(replace, "replace")
    if not replace and b > n:
        raise ValueError(f"batch_size must be <= n_samples={n} (the rows of per_example_grads) without "
                         f"replacement; got {b}")
    sigma2 = float(np.mean(np.sum((G - G.mean(axis=0)) ** 2, axis=1)))
    if replace:
        return sigma2 / b
    return sigma2 / b * (n - b) / (n - 1) if n > 1 else 0.0


def sgd_gradient(problem: LeastSquares, batch_size: int, rng, *,
                 replace: bool = False) -> Callable[[np.ndarray], np.ndarray]:
    """A gradient function for :func:`mlcourse.optim.run` that draws a new minibatch at every call.

    ``run(opt, sgd_gradient(problem, 32, rng), theta0, n_steps)`` is minibatch SGD (or
    momentum, Adam, … with that optimizer). Each call consumes randomness from ``rng``, so a
    seeded generator gives the same trajectory every time.
    """
    if not isinstance(problem, LeastSquares):
        raise TypeError(f"problem must be a LeastSquares; got {type(problem).__name__}")
    b = check_int(batch_size, "batch_size", minimum=1)
    rng = check_rng(rng)
    replace = check_bool(replace, "replace")
    if not replace and b > problem.n_samples:
        raise ValueError(f"batch_size must be <= n_samples={problem.n_samples} (the rows of problem.X) "
                         f"without replacement; got {b}")

    def grad(theta):
        return problem.minibatch_grad(theta, minibatch_indices(problem.n_samples, b, rng, replace=replace))

    return grad
