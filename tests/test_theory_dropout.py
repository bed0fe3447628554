"""mlcourse.theory.dropout: exact enumeration against sampled masks, and the two exact identities."""

import itertools

import numpy as np
import pytest
import torch

from mlcourse.theory import dropout

pytestmark = pytest.mark.theory


def test_all_masks_are_the_cartesian_product():
    masks = dropout.all_masks(4)
    assert masks.shape == (16, 4)
    assert {tuple(m) for m in masks.astype(int)} == set(itertools.product((0, 1), repeat=4))
    np.testing.assert_allclose(dropout.mask_probabilities(masks, 0.3).sum(), 1.0, rtol=1e-14)


def test_softmax_matches_torch():
    z = np.random.default_rng(0).normal(size=(5, 4)) * 10
    np.testing.assert_allclose(dropout.softmax(z), torch.softmax(torch.tensor(z), -1).numpy(), rtol=1e-13)


def test_linear_head_weight_scaling_is_the_arithmetic_mean():
    rng = np.random.default_rng(0)
    W, b, z = rng.normal(size=(2, 6)), rng.normal(size=2), rng.normal(size=6)
    ens = dropout.dropout_ensemble(z, lambda Z: Z @ W.T + b, 0.3)
    np.testing.assert_allclose(ens.weight_scaled, ens.arithmetic_mean, rtol=1e-12)


@pytest.mark.parametrize("p", [0.5, 0.8])
def test_softmax_head_weight_scaling_is_the_normalized_geometric_mean(p):
    rng = np.random.default_rng(1)
    W, b, z = rng.normal(size=(3, 5)), rng.normal(size=3), rng.normal(size=5)
    ens = dropout.dropout_ensemble(z, lambda Z: dropout.softmax(Z @ W.T + b), p, probabilities_out=True)
    np.testing.assert_allclose(ens.geometric_mean, ens.weight_scaled, rtol=1e-12)
    assert np.abs(ens.arithmetic_mean - ens.weight_scaled).max() > 1e-4   # the arithmetic mean differs


def test_enumeration_agrees_with_sampled_torch_dropout():
    """torch.nn.functional.dropout keeps with probability p and rescales by 1/p: undo the scale."""
    rng = np.random.default_rng(2)
    W, z = rng.normal(size=(2, 4)), rng.normal(size=4)
    head = lambda Z: np.tanh(Z @ W.T)  # noqa: E731
    ens = dropout.dropout_ensemble(z, head, 0.6)
    torch.manual_seed(0)
    Z = torch.nn.functional.dropout(torch.tensor(z).expand(200_000, 4), p=0.4, training=True) * 0.6
    outs = head(Z.numpy())
    se = outs.std(axis=0) / np.sqrt(len(outs))
    assert np.all(np.abs(outs.mean(axis=0) - ens.arithmetic_mean) < 4 * se)


BAD_INPUTS = [
    (lambda: dropout.all_masks(20), ValueError, r"n_units must be <= 16"),
    (lambda: dropout.all_masks(0), ValueError, r"n_units must be >= 1"),
    (lambda: dropout.mask_probabilities(np.ones((2, 2)), 1.5), ValueError, r"keep_prob must be in \(0, 1\]"),
    (lambda: dropout.dropout_ensemble([1.0, 2.0], lambda Z: Z.sum(axis=1), 0.5), ValueError,
     r"head must map \(k, n_units\) to \(k, n_out\)"),
    (lambda: dropout.dropout_ensemble([1.0, 2.0], lambda Z: Z - 5, 0.5, probabilities_out=True), ValueError,
     r"strictly positive"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
