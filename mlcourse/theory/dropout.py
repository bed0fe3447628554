"""Dropout as an ensemble: enumerate every sub-network of a small network and average them exactly.

Dropout multiplies a layer's units z by a random mask μ ∈ {0, 1}ⁿ (each unit kept with probability
p). Each mask defines a sub-network; all of them share the weights. Weight scaling replaces the
average over masks by a single pass with z scaled by p. For n units there are 2ⁿ masks, so for a
small layer the exact ensemble can be computed and compared:

- the arithmetic mean Σ_μ π(μ) g(μ ⊙ z), what bagging would average;
- the normalized geometric mean ∝ Π_μ g(μ ⊙ z)^π(μ) (for probability outputs);
- the weight-scaled pass g(p z).

For a softmax layer applied to the dropped units, the normalized geometric mean equals the
weight-scaled pass exactly; for a linear head the arithmetic mean does.

Defined in the chapter *Explicit regularization* (Part 6).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from .._validate import (
    as_float_array,
    as_matrix,
    as_vector,
    check_bool,
    check_callable,
    check_fraction,
    check_int,
)

__all__ = ["DropoutEnsemble", "all_masks", "dropout_ensemble", "mask_probabilities", "softmax"]

MAX_UNITS = 16


def all_masks(n_units: int) -> np.ndarray:
    """Every keep/drop mask of ``n_units`` units, shape (2ⁿ, n), rows in binary counting order."""
    n_units = check_int(n_units, "n_units", minimum=1)
    if n_units > MAX_UNITS:
        raise ValueError(f"n_units must be <= {MAX_UNITS} (2^n sub-networks are enumerated); got {n_units}")
    codes = np.arange(2**n_units)[:, None]
    return ((codes >> np.arange(n_units)[::-1]) & 1).astype(np.float64)


def mask_probabilities(masks, keep_prob: float) -> np.ndarray:
    """π(μ) = p^(units kept) (1 - p)^(units dropped), for each row μ of ``masks``."""
    masks = as_matrix(masks, "masks")
    if not np.all((masks == 0) | (masks == 1)):
        raise ValueError("masks must hold only 0s (dropped) and 1s (kept)")
    p = check_fraction(keep_prob, "keep_prob", allow_zero=False, allow_one=True)
    kept = masks.sum(axis=1)
    return p**kept * (1 - p) ** (masks.shape[1] - kept)


def softmax(logits: np.ndarray) -> np.ndarray:
    """Softmax along the last axis, computed stably."""
    logits = as_float_array(logits, "logits")
    if logits.ndim == 0:
        raise ValueError("logits must have at least one axis, the classes (the last axis); got a number")
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


class DropoutEnsemble(NamedTuple):
    """The exact dropout ensemble of a layer and its weight-scaling approximation.

    Attributes
    ----------
    arithmetic_mean : array of shape (n_out,)
    geometric_mean : array of shape (n_out,) or None
        Normalized weighted geometric mean (only for positive outputs that sum to one).
    weight_scaled : array of shape (n_out,)
    outputs : array of shape (2ⁿ, n_out)
        The output of every sub-network.
    probabilities : array of shape (2ⁿ,)
    """

    arithmetic_mean: np.ndarray
    geometric_mean: np.ndarray | None
    weight_scaled: np.ndarray
    outputs: np.ndarray
    probabilities: np.ndarray


def dropout_ensemble(z, head: Callable[[np.ndarray], np.ndarray], keep_prob: float, *,
                     probabilities_out: bool = False) -> DropoutEnsemble:
    """Average ``head`` over all dropout masks of the units ``z``, exactly.

    Parameters
    ----------
    z : array of shape (n_units,)
        The values of the layer that dropout acts on (the inputs, or a hidden layer).
    head : callable
        Maps a batch of masked layers, shape (k, n_units), to outputs of shape (k, n_out): the rest
        of the network after the dropped layer.
    keep_prob : float
        p, the probability of keeping a unit.
    probabilities_out : bool
        Set when ``head`` returns probability vectors (softmax): the normalized geometric mean is
        then computed too.

    Returns
    -------
    DropoutEnsemble

    Notes
    -----
    arithmetic = Σ_μ π(μ) head(μ ⊙ z); geometric ∝ exp(Σ_μ π(μ) log head(μ ⊙ z)), renormalized;
    weight-scaled = head(p z). Defined in the chapter *Explicit regularization*.
    """
    z = as_vector(z, "z")
    if z.shape[0] > MAX_UNITS:
        raise ValueError(f"z must have at most {MAX_UNITS} units (2^n sub-networks are enumerated); "
                         f"got {z.shape[0]}")
    check_callable(head, "head", "a function (k, n_units) -> (k, n_out)")
    probabilities_out = check_bool(probabilities_out, "probabilities_out")
    masks = all_masks(z.shape[0])
    pi = mask_probabilities(masks, keep_prob)
    outputs = np.asarray(head(masks * z), dtype=np.float64)
    if outputs.ndim != 2 or outputs.shape[0] != masks.shape[0]:
        raise ValueError(f"head must map (k, n_units) to (k, n_out); got output shape {outputs.shape}")
    arithmetic = pi @ outputs
    geometric = None
    if probabilities_out:
        if np.any(outputs <= 0):
            raise ValueError("probabilities_out needs strictly positive outputs")
        log_geo = pi @ np.log(outputs)
        geometric = softmax(log_geo)
    scaled = np.asarray(head(keep_prob * z[None, :]), dtype=np.float64)[0]
    return DropoutEnsemble(arithmetic, geometric, scaled, outputs, pi)
