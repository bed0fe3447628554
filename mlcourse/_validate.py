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


def as_float_array(value, name: str, *, ndim: int | None = None, finite: bool = True,
                   allow_empty: bool = False) -> np.ndarray:
    """Convert ``value`` to a finite float64 array, or raise an error that names ``name``.

    ``finite=False`` lets NaN and infinity through (elementwise math, and the activations of a
    network that is diverging, which training reports as data); ``allow_empty=True`` lets an
    array with no entries through.
    """
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
        kind = {0: "a number (0-D array)", 1: "a vector (1-D array)", 2: "a matrix (2-D array)"}.get(
            ndim, f"{ndim}-D")
        raise ValueError(f"{name} must be {kind}; got an array of shape {array.shape}")
    if array.size == 0 and not allow_empty:
        raise ValueError(f"{name} must not be empty; got an array of shape {array.shape}")
    if finite and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite; it contains NaN or infinity")
    return array


def as_vector(value, name: str, *, size: int | None = None, like: str | None = None) -> np.ndarray:
    """A finite float64 vector, optionally of a given length; ``like`` says where the length comes
    from (``"row of X"``), so that the message names the other argument too."""
    vector = as_float_array(value, name, ndim=1)
    if size is not None and vector.shape[0] != size:
        one_per = f", one per {like}" if like else ""
        raise ValueError(f"{name} must have {size} entries{one_per}; got shape {vector.shape}")
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


def check_dpi(value, name: str = "dpi") -> float:
    """A resolution for a figure: dots per inch, from 10 (a thumbnail) to 600 (print)."""
    value = check_positive(value, name)
    if not 10 <= value <= 600:
        raise ValueError(f"{name} must be between 10 and 600 dots per inch; got {value}")
    return value


def check_figsize(value, name: str = "figsize") -> tuple[float, float]:
    """A figure size: (width, height) in inches, each between 0.5 and 50."""
    size = as_vector(value, name, size=2)
    if np.any(size < 0.5) or np.any(size > 50):
        raise ValueError(f"{name} must be (width, height) in inches, each between 0.5 and 50; "
                         f"got {tuple(size)}")
    return float(size[0]), float(size[1])


def check_real(value, name: str) -> float:
    """A finite real number (not a bool), of any sign."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {_describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    return value


def check_fraction(value, name: str, *, allow_zero: bool = True, allow_one: bool = False) -> float:
    """A number in the unit interval: [0, 1) by default (a beta, a decay, a drop probability).

    ``allow_one=True`` gives [0, 1] (a probability); ``allow_zero=False`` excludes 0 (a keep
    probability, a momentum of batch normalization).
    """
    value = check_real(value, name)
    if value < 0 or value > 1 or (value == 0 and not allow_zero) or (value == 1 and not allow_one):
        interval = f"{'[' if allow_zero else '('}0, 1{']' if allow_one else ')'}"
        raise ValueError(f"{name} must be in {interval}; got {value}")
    return value


def check_callable(value, name: str, what: str = "a function", *, method: str | None = None) -> None:
    """A function (anything callable), or with ``method`` an object that has that method.

    ``what`` says which, e.g. ``"a function x -> gradient"``, or ``"a matplotlib Figure"`` with
    ``method="savefig"`` (duck typing: whatever can do what is asked of it passes).
    """
    if not callable(value if method is None else getattr(value, method, None)):
        raise TypeError(f"{name} must be {what}; got {_describe(value)}")


def check_rng(value, name: str = "rng"):
    """A ``numpy.random.Generator``, the one source of randomness the package accepts."""
    if not isinstance(value, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator (np.random.default_rng(seed)); got {_describe(value)}"
        )
    return value


def as_array(value, name: str, what: str = "an array") -> np.ndarray:
    """``value`` as a numpy array of any dtype (indices, a boolean mask), or an error that names it."""
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be {what}; got {_describe(value)}")
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as err:  # ragged nested lists and the like
        raise ValueError(f"{name} must be a rectangular array; {err}") from None


def as_labels(value, name: str, *, n_classes: int | None = None, classes_of: str | None = None) -> np.ndarray:
    """A non-empty 1-D array of integer class labels, in ``[0, n_classes)`` when that is given
    (``classes_of`` names where the number of classes comes from, e.g. ``"the columns of logits"``)."""
    of = f" ({classes_of})" if classes_of else ""
    labels = as_array(value, name, "an array of integer class labels")
    if labels.ndim != 1:
        raise ValueError(f"{name} must be a vector (1-D array) of class labels; got {_describe(labels)}")
    if labels.size == 0:
        raise ValueError(f"{name} must not be empty; got an array of shape {labels.shape}")
    if not np.issubdtype(labels.dtype, np.integer):
        raise TypeError(f"{name} must be integer class indices; got dtype {labels.dtype}")
    if n_classes is not None and (labels.min() < 0 or labels.max() >= n_classes):
        raise ValueError(f"{name} must be in [0, {n_classes}) for {n_classes} classes{of}; "
                         f"got values in [{labels.min()}, {labels.max()}]")
    return labels


def as_batch_tensor(x, name: str, n_features: int, dtype=None):
    """A torch tensor of shape (n, n_features), floating point (for the forward passes of torch models).

    With ``dtype`` (the model's), the tensor must have that dtype: torch does not mix them.

    Only the type and the shape are checked: the values may be anything, so that a diverging
    training run reports its NaNs as data instead of raising here.
    """
    import torch

    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape (n, {n_features}); got {_describe(x)} "
                        "(convert an array with torch.as_tensor)")
    if x.ndim != 2 or x.shape[1] != n_features:
        raise ValueError(f"{name} must have shape (n, {n_features}); got shape {tuple(x.shape)}")
    if not x.is_floating_point():
        raise TypeError(f"{name} must hold floating-point numbers; got dtype {x.dtype}")
    if dtype is not None and x.dtype != dtype:
        raise TypeError(f"{name} must have the model's dtype {dtype}; got dtype {x.dtype} "
                        f"(convert with {name}.to({dtype}))")
    return x


def as_generator(random_state, name: str = "random_state") -> np.random.Generator:
    """scikit-learn's ``random_state``: None (fresh entropy), a seed (an int >= 0) or a Generator."""
    if random_state is None or isinstance(random_state, (np.random.Generator, np.random.BitGenerator,
                                                         np.random.SeedSequence)):
        return np.random.default_rng(random_state)
    if isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral):
        raise TypeError(f"{name} must be None, an int seed or a numpy.random.Generator; "
                        f"got {_describe(random_state)}")
    if random_state < 0:
        raise ValueError(f"{name} must be >= 0 (a seed); got {random_state}")
    return np.random.default_rng(int(random_state))


def check_bool(value, name: str) -> bool:
    """A flag: True or False (a numpy bool counts)."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False; got {_describe(value)}")
    return bool(value)


def check_choice(value, name: str, choices) -> str:
    """One of a few strings, e.g. an optimizer's name."""
    options = ", ".join(repr(c) for c in choices)
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {options}; got {_describe(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {options}; got {value!r}")
    return value


def check_name(value, name: str = "name") -> str | None:
    """An optional label (None or a string), as the checks print in their verdicts."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a string or None; got {_describe(value)}")
    return value
