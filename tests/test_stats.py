"""mlcourse.stats against numpy: any chunking, merging, and the large offset that breaks the naive formula."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mlcourse.stats import RunningMoments, naive_variance

pytestmark = pytest.mark.statistics

values = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False)


def chunked(x, cuts):
    """Split the rows of x at the (sorted, deduplicated) positions in cuts."""
    cuts = sorted({c % (len(x) + 1) for c in cuts})
    return [part for part in np.split(x, cuts) if len(part)]


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(2, 60), elements=values), st.lists(st.integers(0, 100), max_size=8))
def test_scalar_stream_equals_numpy_for_any_chunking(x, cuts):
    acc = RunningMoments()
    for part in chunked(x, cuts):
        if len(part) == 1 and cuts and cuts[0] % 2:  # mix single-value updates with batches
            acc.update(float(part[0]))
        else:
            acc.update(part)
    scale = max(1.0, float(np.max(np.abs(x))))
    assert acc.n == len(x)
    np.testing.assert_allclose(acc.mean(), np.mean(x), rtol=1e-12, atol=1e-12 * scale)
    # variance: error of order eps·(max|x|)², relative to the scale of the data squared
    np.testing.assert_allclose(acc.variance(), np.var(x), rtol=1e-9, atol=1e-12 * scale**2)
    np.testing.assert_allclose(acc.variance(ddof=1), np.var(x, ddof=1), rtol=1e-9, atol=1e-12 * scale**2)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(2, 40), st.integers(1, 5)), elements=values),
       st.lists(st.integers(0, 100), max_size=6))
def test_vector_stream_is_per_feature(X, cuts):
    acc = RunningMoments(n_features=X.shape[1])
    for part in chunked(X, cuts):
        if len(part) == 1:
            acc.update(part[0])          # one observation, shape (n_features,)
        else:
            acc.update(part)
    scale = max(1.0, float(np.max(np.abs(X))))
    np.testing.assert_allclose(acc.mean(), X.mean(axis=0), rtol=1e-12, atol=1e-12 * scale)
    np.testing.assert_allclose(acc.variance(), X.var(axis=0), rtol=1e-9, atol=1e-12 * scale**2)


def test_one_value_at_a_time_is_welford():
    rng = np.random.default_rng(0)
    x = rng.normal(5.0, 2.0, size=500)
    acc = RunningMoments()
    for value in x:
        acc.update(value)
    np.testing.assert_allclose(acc.mean(), x.mean(), rtol=1e-14)
    np.testing.assert_allclose(acc.variance(), x.var(), rtol=1e-13)


@pytest.mark.parametrize("split", [1, 7, 250, 499])
def test_merge_equals_one_pass(split):
    rng = np.random.default_rng(split)
    X = rng.normal(size=(500, 3)) * [1.0, 10.0, 0.1] + [0.0, -3.0, 100.0]
    a = RunningMoments().update(X[:split])
    b = RunningMoments().update(X[split:])
    merged = a.merge(b)
    np.testing.assert_allclose(merged.mean(), X.mean(axis=0), rtol=1e-14)
    np.testing.assert_allclose(merged.variance(), X.var(axis=0), rtol=1e-13)
    assert merged.n == 500


def test_merge_with_empty_accumulators():
    x = np.arange(5.0)
    acc = RunningMoments().merge(RunningMoments().update(x)).merge(RunningMoments())
    np.testing.assert_allclose(acc.variance(), x.var(), rtol=1e-15)


def test_large_offset_breaks_the_naive_formula_but_not_welford():
    rng = np.random.default_rng(1)
    x = 1e9 + rng.normal(0.0, 1.0, size=10_000)
    exact = float(np.var(x - 1e9))            # shifting by an exact float is exact: the reference
    ours = RunningMoments()
    for part in np.array_split(x, 37):
        ours.update(part)
    welford = RunningMoments()
    for value in x[:2000]:
        welford.update(value)
    assert abs(ours.variance() - exact) / exact < 1e-6
    assert abs(welford.variance() - np.var(x[:2000] - 1e9)) / exact < 1e-6
    naive_error = abs(naive_variance(x) - exact) / exact
    assert naive_error > 1e-2, f"the naive formula was expected to fail here; relative error {naive_error}"


BAD_INPUTS = [
    (lambda: RunningMoments().mean(), ValueError, r"mean is undefined.*n = 0"),
    (lambda: RunningMoments().update([1.0]).variance(ddof=1), ValueError, r"ddof=1 needs more than 1"),
    (lambda: RunningMoments().update([1.0, 2.0]).variance(ddof=-1), ValueError, r"ddof must be"),
    (lambda: RunningMoments(n_features=3).update([1.0, 2.0]), ValueError,
     r"x must be one observation of shape \(3,\)"),
    (lambda: RunningMoments(n_features=0), ValueError, r"n_features must be >= 1"),
    (lambda: RunningMoments().update([1.0, np.nan]), ValueError, r"x must be finite"),
    (lambda: RunningMoments().update("abc"), TypeError, r"x must be an array of numbers"),
    (lambda: RunningMoments(2).update([1.0, 2.0]).merge(RunningMoments(3).update([1.0, 2.0, 3.0])),
     ValueError, r"cannot merge accumulators of different dimension.*\(2,\).*\(3,\)"),
    (lambda: RunningMoments().merge([1, 2]), TypeError, r"other must be a RunningMoments"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
