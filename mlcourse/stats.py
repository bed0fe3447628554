"""Online statistics: a running mean and variance that never stores the data (Welford, Chan et al.).

The chapter *Online mean and variance* derives the update rules and shows why the textbook
one-pass formula ``mean(x²) - mean(x)²`` must not be used on a computer.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_int

__all__ = ["RunningMoments", "naive_variance"]


class RunningMoments:
    """Mean and variance of a stream of values (or of vectors, feature by feature), in one pass.

    The accumulator keeps three things: the count ``n``, the mean ``μₙ`` and the sum of squared
    deviations from the current mean, ``Sₙ = Σᵢ (xᵢ - μₙ)²``. Each new value moves the mean a
    ``1/n`` of the way towards itself, and ``Sₙ`` grows by a product of two *small* deviations,
    so no large number is ever subtracted from another large number.

    Defined in the chapter *Online mean and variance*.

    Parameters
    ----------
    n_features : int or None
        The length of each observation when the stream is of vectors. With ``None`` (default) the
        first update decides: a number or a 1-D array starts a stream of scalars (a 1-D array is
        then a batch of values), a 2-D array a stream of vectors. To feed vectors one at a time
        from the start, give ``n_features``.

    Attributes
    ----------
    n : int
        How many observations have been seen.
    mean_ : float or array of shape (n_features,)
        ``μₙ``.
    m2_ : float or array of shape (n_features,)
        ``Sₙ = Σᵢ (xᵢ - μₙ)²`` (``n`` times the population variance).

    Notes
    -----
    One value ``x`` (Welford, 1962)::

        n ← n + 1
        μₙ = μₙ₋₁ + (x - μₙ₋₁) / n
        Sₙ = Sₙ₋₁ + (x - μₙ)(x - μₙ₋₁)

    Two accumulators ``(n_a, μ_a, S_a)`` and ``(n_b, μ_b, S_b)`` (Chan, Golub and LeVeque, 1979),
    with ``δ = μ_b - μ_a`` and ``n = n_a + n_b``::

        μ = μ_a + δ · n_b / n
        S = S_a + S_b + δ² · n_a n_b / n

    A batch is summarised exactly (two-pass, by numpy) and then merged in with the second rule.
    """

    def __init__(self, n_features: int | None = None) -> None:
        self.n_features = None if n_features is None else check_int(n_features, "n_features", minimum=1)
        self.n = 0
        self.mean_: float | np.ndarray | None = None
        self.m2_: float | np.ndarray | None = None

    # -- shape bookkeeping ------------------------------------------------------------------------

    def _shape(self) -> tuple[int, ...] | None:
        if self.mean_ is not None:
            return np.shape(self.mean_)
        return None if self.n_features is None else (self.n_features,)

    def _start(self, shape: tuple[int, ...]) -> None:
        if self.mean_ is None:
            self.mean_ = np.zeros(shape)
            self.m2_ = np.zeros(shape)
            if shape:
                self.n_features = shape[0]

    # -- updates ----------------------------------------------------------------------------------

    def update(self, x) -> RunningMoments:
        """Add one observation, or a batch of them (one per row), and return ``self``.

        Parameters
        ----------
        x : float, array of shape (n_features,), or array of shape (batch, n_features)
            For a scalar stream a 1-D array is a batch of values.
        """
        x = as_float_array(x, "x")
        shape = self._shape()
        if shape is None:  # the first update decides: scalar stream unless told otherwise
            shape = () if x.ndim <= 1 else x.shape[1:]
        if x.shape == shape:  # one observation: Welford's update
            self._start(shape)
            self.n += 1
            delta_old = x - self.mean_          # x - μₙ₋₁
            self.mean_ = self.mean_ + delta_old / self.n
            self.m2_ = self.m2_ + (x - self.mean_) * delta_old
            return self
        if x.shape[1:] != shape:
            raise ValueError(
                f"x must be one observation of shape {shape} or a batch of shape (batch, *{shape}); "
                f"got shape {x.shape}"
            )
        self._start(shape)
        batch_mean = x.mean(axis=0)
        batch = RunningMoments()
        batch.n, batch.mean_ = x.shape[0], batch_mean
        batch.m2_ = ((x - batch_mean) ** 2).sum(axis=0)
        return self.merge(batch)

    def merge(self, other: RunningMoments) -> RunningMoments:
        """Fold the moments of another accumulator into this one (Chan et al.) and return ``self``.

        Parameters
        ----------
        other : RunningMoments
            Moments of a disjoint part of the data, with the same number of features.
        """
        if not isinstance(other, RunningMoments):
            raise TypeError(f"other must be a RunningMoments; got {type(other).__name__}")
        if other.n == 0:
            return self
        mine, theirs = self._shape(), other._shape()
        if mine is not None and mine != theirs:
            raise ValueError(
                f"cannot merge accumulators of different dimension: this one has moments of shape "
                f"{mine}, other has {theirs}"
            )
        self._start(theirs)
        n = self.n + other.n
        delta = other.mean_ - self.mean_                   # δ = μ_b - μ_a
        self.mean_ = self.mean_ + delta * (other.n / n)
        self.m2_ = self.m2_ + other.m2_ + delta**2 * (self.n * other.n / n)
        self.n = n
        return self

    # -- results ----------------------------------------------------------------------------------

    def mean(self):
        """The running mean ``μₙ`` (a float for a scalar stream, else an array)."""
        if self.n == 0:
            raise ValueError("mean is undefined: no observation has been added yet (n = 0)")
        return float(self.mean_) if np.ndim(self.mean_) == 0 else self.mean_.copy()

    def variance(self, ddof: int = 0):
        """The variance ``Sₙ / (n - ddof)``: ``ddof=0`` population, ``ddof=1`` sample (unbiased)."""
        ddof = check_int(ddof, "ddof", minimum=0)
        if self.n - ddof <= 0:
            raise ValueError(f"variance with ddof={ddof} needs more than {ddof} observations; n = {self.n}")
        v = self.m2_ / (self.n - ddof)
        return float(v) if np.ndim(v) == 0 else v

    def __repr__(self) -> str:
        return f"RunningMoments(n={self.n}, mean={self.mean_!r}, m2={self.m2_!r})"


def naive_variance(x) -> float | np.ndarray:
    """The textbook one-pass variance ``Σx²/n - (Σx/n)²``, kept to show how it fails.

    Both terms are huge when the data sit far from zero, and their difference loses all of its
    significant digits (catastrophic cancellation): for data around 10⁹ with spread 1 the two terms
    are ~10¹⁸ and float64 resolves them only to ~10², so the result is noise, possibly negative.

    Defined in the chapter *Online mean and variance*.

    Parameters
    ----------
    x : array of shape (n,) or (n, n_features)
    """
    x = as_float_array(x, "x")
    if x.ndim not in (1, 2):
        raise ValueError(f"x must have shape (n,) or (n, n_features); got shape {x.shape}")
    n = x.shape[0]
    sum_x = x.sum(axis=0)
    sum_x2 = (x * x).sum(axis=0)
    v = sum_x2 / n - (sum_x / n) ** 2
    return float(v) if np.ndim(v) == 0 else v
