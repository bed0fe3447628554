"""The bias–variance decomposition, measured by Monte Carlo over many resampled datasets.

Fix a true function f and a noise level σ. Draw many training sets y = f(x) + ε from the same
inputs, fit a model to each, and look at its predictions f̂(x₀) at test inputs x₀. The expected
squared error on a fresh test label y₀ = f(x₀) + ε₀ splits into three parts,

    E[(y₀ - f̂(x₀))²] = σ² + (f(x₀) - E[f̂(x₀)])² + Var[f̂(x₀)]
                     = noise + bias² + variance,

where E and Var are over the training sets. This module measures each part.

Defined in the chapter *Regularization and the bias–variance tradeoff* (Part 3 of the book).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .._validate import as_vector, check_int, check_positive
from ._threads import single_threaded_blas

__all__ = ["BiasVariance", "bias_variance", "polynomial_fit_predict"]


class BiasVariance(NamedTuple):
    """The measured parts of the expected error (averaged over the test inputs).

    Attributes
    ----------
    noise : float
        σ², the error even the true function makes.
    bias2 : float
        mean over x₀ of (f(x₀) - mean over datasets of f̂(x₀))².
    variance : float
        mean over x₀ of the variance over datasets of f̂(x₀).
    test_error : array of shape (n_datasets,)
        For each training set, the mean over x₀ of (y₀ - f̂(x₀))² with fresh test noise: its
        mean estimates the expected error, with a Monte Carlo standard error.
    train_error : array of shape (n_datasets,)
        For each training set, the mean squared error on its own training labels.
    predictions : array of shape (n_datasets, n_test)
        f̂(x₀) for every training set.
    """

    noise: float
    bias2: float
    variance: float
    test_error: np.ndarray
    train_error: np.ndarray
    predictions: np.ndarray


def polynomial_fit_predict(degree: int) -> Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]:
    """A least-squares polynomial of the given degree as ``fit_predict(x_train, y_train, x_new)``.

    The inputs are used in a Legendre basis on [0, 1] mapped to [-1, 1], which keeps the least
    squares problem well conditioned for the degrees used in the book.
    """
    degree = check_int(degree, "degree", minimum=0)

    def fit_predict(x_train, y_train, x_new):
        V = np.polynomial.legendre.legvander(2 * x_train - 1, degree)
        coef = np.linalg.lstsq(V, y_train, rcond=None)[0]
        return np.polynomial.legendre.legvander(2 * x_new - 1, degree) @ coef

    return fit_predict


def bias_variance(fit_predict: Callable, f: Callable, x_train, x_test, sigma: float | None = None,
                  n_datasets: int | None = None, *, rng: np.random.Generator,
                  noise: float | None = None) -> BiasVariance:
    """Measure noise, bias² and variance of a learning method over ``n_datasets`` training sets.

    Parameters
    ----------
    fit_predict : callable
        ``fit_predict(x_train, y_train, x_new)`` fits the model to one training set and returns its
        predictions at ``x_new``.
    f : callable
        The true function, vectorised.
    x_train : array of shape (n_train,)
        The inputs, the same for every training set (only the noise is redrawn).
    x_test : array of shape (n_test,)
    sigma : float
        σ, the standard deviation of the label noise (the result's ``noise`` is its square σ²).
    n_datasets : int
    rng : numpy.random.Generator
    noise : float, optional
        Deprecated name of ``sigma`` (it clashed with the result's ``noise``, which is σ²).

    Returns
    -------
    BiasVariance
    """
    if not callable(fit_predict) or not callable(f):
        raise TypeError("fit_predict and f must be functions")
    x_train, x_test = as_vector(x_train, "x_train"), as_vector(x_test, "x_test")
    if noise is not None:
        if sigma is not None:
            raise TypeError("give the noise level once, as sigma (noise is its deprecated name)")
        warnings.warn("bias_variance's noise level is now called sigma (the book's σ; the result's "
                      "noise is σ²); noise= is deprecated and will be removed", DeprecationWarning,
                      stacklevel=2)
        sigma = check_positive(noise, "noise", allow_zero=True)
    elif sigma is None:
        raise TypeError("bias_variance() is missing the noise level sigma (σ, a number >= 0)")
    else:
        sigma = check_positive(sigma, "sigma", allow_zero=True)
    if n_datasets is None:
        raise TypeError("bias_variance() is missing n_datasets (an integer >= 2)")
    n_datasets = check_int(n_datasets, "n_datasets", minimum=2)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator; got {type(rng).__name__}")
    f_train, f_test = f(x_train), f(x_test)
    x_both = np.concatenate([x_test, x_train])
    n_test = x_test.shape[0]
    predictions = np.empty((n_datasets, n_test))
    train_error = np.empty(n_datasets)
    test_error = np.empty(n_datasets)
    with single_threaded_blas():
        for k in range(n_datasets):
            y = f_train + sigma * rng.normal(size=f_train.shape)
            both = np.asarray(fit_predict(x_train, y, x_both), dtype=np.float64)
            predictions[k], fitted = both[:n_test], both[n_test:]
            train_error[k] = np.mean((y - fitted) ** 2)
            y0 = f_test + sigma * rng.normal(size=n_test)  # fresh test labels
            test_error[k] = np.mean((y0 - predictions[k]) ** 2)
    bias2, variance = _bias2_variance(predictions, f_test)
    return BiasVariance(sigma**2, bias2, variance, test_error, train_error, predictions)


def _bias2_variance(predictions: np.ndarray, f_values: np.ndarray) -> tuple[float, float]:
    """bias² and variance of K predictions at n test inputs, each averaged over the inputs.

    ``predictions`` has shape (K, n) (one row per training set), ``f_values`` shape (n,). The
    variance is the mean squared deviation over the K training sets (ddof = 0), so that
    bias² + variance is exactly the mean over training sets of (f - f̂)².
    """
    # [math]
    mean_prediction = predictions.mean(axis=0)               # E[f̂(x₀)], estimated
    bias2 = np.mean((f_values - mean_prediction) ** 2)       # (f(x₀) - E[f̂(x₀)])²
    variance = np.mean(predictions.var(axis=0))              # Var[f̂(x₀)], ddof = 0
    # [/math]
    return float(bias2), float(variance)

