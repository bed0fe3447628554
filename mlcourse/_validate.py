"""Input validation shared by every module of mlcourse.

A learner who passes the wrong shape or a negative step size should get an error that says which
argument was wrong, what was expected and what was given, not a broadcasting traceback from deep
inside numpy. Every public function of the package validates its arguments with these helpers.
"""

from __future__ import annotations

import numbers

import numpy as np


def _describe(value) -> str:
    """A short description of a value for an error message."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    return f"{type(value).__name__} {value!r}" if np.isscalar(value) else type(value).__name__


def as_float_array(value, name: str, *, ndim: int | None = None) -> np.ndarray:
    """Convert ``value`` to a finite float64 array, or raise an error that names ``name``."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers; got {_describe(value)}")
    try:
        array = np.asarray(value)
    except (ValueError, TypeError) as err:  # ragged nested lists and the like
        raise ValueError(f"{name} must be a rectangular array of numbers; {err}") from None
    if array.dtype == object:  # e.g. a sympy Matrix of exact numbers: convert if we can
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                f"{name} must hold real numbers; got {_describe(array)} whose entries are not "
                "all numbers"
            ) from None
    if not (np.issubdtype(array.dtype, np.number) or np.issubdtype(array.dtype, np.bool_)):
        raise TypeError(f"{name} must hold real numbers; got {_describe(array)}")
    if np.iscomplexobj(array):
        raise TypeError(f"{name} must hold real numbers; got {_describe(array)}")
    array = array.astype(np.float64)
    if ndim is not None and array.ndim != ndim:
        kind = {1: "a vector (1-D array)", 2: "a matrix (2-D array)"}.get(ndim, f"{ndim}-D")
        raise ValueError(f"{name} must be {kind}; got an array of shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty; got an array of shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite; it contains NaN or infinity")
    return array


def as_vector(value, name: str, *, size: int | None = None) -> np.ndarray:
    """A finite float64 vector, optionally of a given length."""
    vector = as_float_array(value, name, ndim=1)
    if size is not None and vector.shape[0] != size:
        raise ValueError(f"{name} must have {size} entries; got shape {vector.shape}")
    return vector


def as_matrix(value, name: str, *, square: bool = False) -> np.ndarray:
    """A finite float64 matrix, optionally square."""
    matrix = as_float_array(value, name, ndim=2)
    if square and matrix.shape[0] != matrix.shape[1]:
        raise ValueError(f"{name} must be a square matrix; got shape {matrix.shape}")
    return matrix


def check_int(value, name: str, *, minimum: int | None = None) -> int:
    """An integer (not a bool, not a float), optionally bounded below."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {_describe(value)}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    return value


def check_positive(value, name: str, *, allow_zero: bool = False) -> float:
    """A finite real number that is positive (or non-negative with ``allow_zero``)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {_describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must be {bound}; got {value}")
    return value
