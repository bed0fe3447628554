"""mlcourse.data: shapes, determinism, offline loading, clear errors."""

import numpy as np
import pytest

from mlcourse import data

pytestmark = pytest.mark.foundations


def test_digits_ship_with_scikit_learn():
    d = data.digits()
    assert d.X.shape == (1797, 64) and d.y.shape == (1797,) and d.images.shape == (1797, 8, 8)
    assert d.X.min() == 0.0 and d.X.max() == 1.0
    assert set(np.unique(d.y)) == set(range(10))
    np.testing.assert_array_equal(d.images.reshape(1797, 64), d.X)


@pytest.mark.parametrize("make", [data.toy_regression, data.two_moons])
def test_generators_are_seeded(make):
    a = make(50, 0.1, rng=np.random.default_rng(7))
    b = make(50, 0.1, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert a.X.shape[0] == a.y.shape[0] == 50
    assert a.description


def test_generators_reject_bad_input():
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        data.two_moons(10, rng=0)
    with pytest.raises(ValueError, match="n_samples must be >= 1"):
        data.toy_regression(0, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="noise must be >= 0"):
        data.two_moons(10, noise=-1, rng=np.random.default_rng(0))


def test_diabetes_ships_with_scikit_learn():
    from sklearn.datasets import load_diabetes

    d = data.diabetes()
    raw = load_diabetes()
    assert d.X.shape == (442, 10) and d.y.shape == (442,) and d.X.dtype == np.float64
    np.testing.assert_array_equal(d.X, raw.data)
    np.testing.assert_array_equal(d.y, raw.target)
    # the features are centred and scaled to unit norm by scikit-learn
    np.testing.assert_allclose(d.X.mean(axis=0), 0.0, atol=1e-15)
    np.testing.assert_allclose(np.linalg.norm(d.X, axis=0), 1.0, rtol=1e-12)
    assert "diabetes" in d.description
