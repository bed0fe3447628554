"""Exercises of Part 5, *Statistics and dimensionality reduction*: online moments, PCA, UMAP and KL."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["EXERCISES"]


def _merge_data() -> tuple[np.ndarray, np.ndarray]:
    # two batches of measurements, summarised separately
    a = np.array([2.0, 4.0, 4.0, 5.0])
    b = np.array([7.0, 9.0, 10.0])
    return a, b


def _merge_answer() -> float:
    a, b = _merge_data()
    return float(np.var(np.concatenate([a, b])))      # population variance of all seven values


def _pca_data() -> np.ndarray:
    # a covariance matrix S
    return np.array([[3.0, 1.0], [1.0, 3.0]])


def _pca_answer() -> float:
    eigenvalues = np.linalg.eigvalsh(_pca_data())
    return float(eigenvalues.max() / eigenvalues.sum())   # fraction of variance of the first component


def _sigma_data() -> tuple[np.ndarray, int]:
    # one point's sorted kNN distances (column 0: the point itself) and k
    return np.array([0.0, 1.0, 1.5, 2.0, 3.0]), 5


def _sigma_answer() -> float:
    from scipy.optimize import brentq

    distances, k = _sigma_data()
    rho = distances[1]
    d = distances[1:] - rho
    return float(brentq(lambda s: np.exp(-d / s).sum() - np.log2(k), 1e-3, 100.0, xtol=1e-14))


def _kl_data() -> tuple[tuple[float, float], tuple[float, float]]:
    # p = N(0, 1) and q = N(1, 2²) as (mean, standard deviation)
    return (0.0, 1.0), (1.0, 2.0)


def _kl_answer() -> np.ndarray:
    from scipy.integrate import quad
    from scipy.stats import norm

    (m0, s0), (m1, s1) = _kl_data()

    def kl(ma, sa, mb, sb):
        return quad(lambda x: norm.pdf(x, ma, sa) * (norm.logpdf(x, ma, sa) - norm.logpdf(x, mb, sb)),
                    -np.inf, np.inf, epsabs=1e-14, epsrel=1e-13)[0]

    return np.array([kl(m0, s0, m1, s1), kl(m1, s1, m0, s0)])   # [KL(p‖q), KL(q‖p)]


#: key -> (function returning the problem's data, function returning the expected answer)
EXERCISES: dict[str, tuple[Callable, Callable]] = {
    "stat-merge-variance": (_merge_data, _merge_answer),
    "stat-pca-ratio": (_pca_data, _pca_answer),
    "stat-umap-sigma": (_sigma_data, _sigma_answer),
    "stat-kl-two-gaussians": (_kl_data, _kl_answer),
}
