"""The data sets the book uses: shipped with a package, or generated from a seed. No downloads.

Every loader returns a :class:`Dataset` with a one-line ``description``; every generator takes an
``rng`` (a ``numpy.random.Generator``), so the same seed gives the same data on every machine.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._validate import check_int, check_positive

__all__ = ["Dataset", "diabetes", "digits", "toy_regression", "two_moons"]


class Dataset(NamedTuple):
    """X: inputs of shape (n_samples, n_features); y: targets of shape (n_samples,)."""

    X: np.ndarray
    y: np.ndarray
    description: str
    images: np.ndarray | None = None


def _check_rng(rng) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng must be a numpy.random.Generator (np.random.default_rng(seed)); got {type(rng).__name__}"
        )
    return rng


def digits() -> Dataset:
    """scikit-learn's handwritten digits: 1797 images of 8×8 pixels, labels 0–9, X scaled to [0, 1].

    The data ship with scikit-learn, so this works offline.
    """
    from sklearn.datasets import load_digits

    raw = load_digits()
    X = raw.data.astype(np.float64) / 16.0
    return Dataset(X, raw.target.astype(np.int64),
                   "1797 handwritten digits, 8×8 grey levels scaled to [0, 1], labels 0-9 (scikit-learn)",
                   raw.images.astype(np.float64) / 16.0)


def diabetes() -> Dataset:
    """scikit-learn's diabetes data: 442 patients, 10 standardised features, y = disease progression.

    A small real regression task that ships with scikit-learn (no download). ``y`` is a
    quantitative measure of disease progression one year after baseline (about 25 to 346).
    """
    from sklearn.datasets import load_diabetes

    raw = load_diabetes()
    return Dataset(raw.data.astype(np.float64), raw.target.astype(np.float64),
                   "442 diabetes patients, 10 centred and scaled features (age, sex, BMI, blood pressure, "
                   "six blood serum measurements), y = disease progression after one year (scikit-learn)")


def toy_regression(n_samples: int = 100, noise: float = 0.1, *, rng) -> Dataset:
    """Noisy samples of y = sin(2πx) at x uniform in [0, 1]: a one-dimensional regression task."""
    n = check_int(n_samples, "n_samples", minimum=1)
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = _check_rng(rng)
    x = np.sort(rng.uniform(0.0, 1.0, size=n))
    y = np.sin(2 * np.pi * x) + noise * rng.normal(size=n)
    return Dataset(x[:, None], y, f"{n} samples of sin(2πx) + N(0, {noise:g}²) noise, x in [0, 1]")


def two_moons(n_samples: int = 200, noise: float = 0.1, *, rng) -> Dataset:
    """Two interleaving half circles in the plane, labels 0 and 1: a small classification task."""
    n = check_int(n_samples, "n_samples", minimum=2)
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = _check_rng(rng)
    n0 = n // 2
    t0, t1 = rng.uniform(0, np.pi, size=n0), rng.uniform(0, np.pi, size=n - n0)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) + noise * rng.normal(size=(n, 2))
    y = np.concatenate([np.zeros(n0, dtype=np.int64), np.ones(n - n0, dtype=np.int64)])
    return Dataset(X, y, f"{n} points on two interleaving half circles with N(0, {noise:g}²) noise")
