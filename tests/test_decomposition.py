"""mlcourse.decomposition against scikit-learn: PCA attribute by attribute, FastICA by its sources."""

import numpy as np
import pytest
from sklearn import decomposition as skd

from mlcourse.decomposition import PCA, FastICA, sign_flip

pytestmark = pytest.mark.statistics


def correlated_data(n=300, d=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) @ rng.normal(size=(d, d)) + rng.normal(size=d) * 5


def mixed_signals(n=2000, seed=0):
    """A sine, a square wave and Laplace noise, mixed by a fixed matrix (the chapter's example)."""
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 8, n)
    S = np.c_[np.sin(2 * t), np.sign(np.sin(3 * t)), rng.laplace(size=n)]
    A = np.array([[1.0, 1.0, 1.0], [0.5, 2.0, 1.0], [1.5, 1.0, 2.0]])
    return S, S @ A.T


@pytest.mark.parametrize("shape, n_components", [
    (shape, k) for shape in [(300, 6), (5, 6), (40, 3)] for k in [1, 3, 5, None]
    if k is None or k <= min(shape)
])
def test_pca_matches_scikit_learn(n_components, shape):
    X = correlated_data(*shape)
    ours, ref = PCA(n_components).fit(X), skd.PCA(n_components, svd_solver="full").fit(X)
    scale = np.abs(X - X.mean(axis=0)).max()
    # Components are unit vectors: agreement to ~1e-12 needs well-separated eigenvalues, which random
    # data has; the sign convention must match exactly (a flipped sign would be an error of 2).
    k = ours.n_components_
    np.testing.assert_allclose(ours.components_, ref.components_, atol=1e-10)
    np.testing.assert_allclose(ours.explained_variance_, ref.explained_variance_[:k], rtol=1e-12)
    np.testing.assert_allclose(ours.explained_variance_ratio_, ref.explained_variance_ratio_[:k], rtol=1e-12)
    np.testing.assert_allclose(ours.singular_values_, ref.singular_values_[:k], rtol=1e-12)
    np.testing.assert_allclose(ours.mean_, ref.mean_, rtol=1e-14, atol=1e-14 * scale)
    np.testing.assert_allclose(ours.transform(X), ref.transform(X), atol=1e-10 * scale)
    Z = ours.transform(X)
    np.testing.assert_allclose(ours.inverse_transform(Z), ref.inverse_transform(Z), atol=1e-10 * scale)


def test_pca_identities():
    X = correlated_data()
    pca = PCA().fit(X)
    S = np.cov(X, rowvar=False)
    U = pca.components_
    np.testing.assert_allclose(U @ U.T, np.eye(6), atol=1e-13)                      # orthonormal
    np.testing.assert_allclose(U @ S @ U.T, np.diag(pca.explained_variance_), atol=1e-11)  # uᵢᵀSuⱼ = λᵢδᵢⱼ
    np.testing.assert_allclose(pca.explained_variance_ratio_.sum(), 1.0, rtol=1e-14)
    np.testing.assert_allclose(pca.inverse_transform(pca.transform(X)), X, rtol=1e-12, atol=1e-11)
    assert np.all(np.diff(pca.explained_variance_) <= 0)


def test_sign_flip_makes_the_largest_entry_positive():
    V = np.array([[0.1, -0.9, 0.3], [-0.5, 0.5, 0.2]])     # a tie in row 2: the first entry wins
    flipped = sign_flip(V)
    np.testing.assert_array_equal(flipped, [[-0.1, 0.9, -0.3], [0.5, -0.5, -0.2]])


def abs_correlation(A, B):
    k = A.shape[1]
    return np.abs(np.corrcoef(A.T, B.T)[:k, k:])


def test_fastica_recovers_the_sources_up_to_permutation_and_scale():
    S, X = mixed_signals()
    ica = FastICA(3, random_state=0)
    recovered = ica.fit_transform(X)
    assert ica.converged_ and ica.n_iter_ < 200
    C = abs_correlation(recovered, S)
    # each recovered signal matches exactly one source (|correlation| > 0.99) and no other
    assert sorted(np.argmax(C, axis=1)) == [0, 1, 2]
    assert np.all(C.max(axis=1) > 0.99), C
    np.testing.assert_allclose(np.std(recovered, axis=0), 1.0, rtol=1e-12)


def test_fastica_agrees_with_scikit_learn():
    _, X = mixed_signals()
    ours = FastICA(3, random_state=1).fit_transform(X)
    ref = skd.FastICA(3, whiten="unit-variance", random_state=1).fit_transform(X)
    C = abs_correlation(ours, ref)
    # The same fixed point reached from different random starts: equal up to order and sign, to the
    # tolerance (1e-4) at which both stop iterating.
    assert np.all(C.max(axis=1) > 1 - 1e-4), C


def test_fastica_transform_and_inverse():
    _, X = mixed_signals()
    ica = FastICA(3, random_state=0).fit(X)
    sources = ica.transform(X)
    np.testing.assert_allclose(ica.inverse_transform(sources), X, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.cov(sources, rowvar=False, ddof=0), np.eye(3), atol=1e-10)


def test_fastica_reports_non_convergence_as_data():
    _, X = mixed_signals()
    ica = FastICA(3, max_iter=1, tol=1e-12, random_state=0).fit(X)
    assert not ica.converged_ and ica.n_iter_ == 1 and ica.history_.shape == (1,)


BAD_INPUTS = [
    (lambda: PCA(7).fit(np.ones((10, 6))), ValueError,
     r"n_components must be <= min\(n_samples, n_features\) = 6"),
    (lambda: PCA(0).fit(np.ones((10, 6))), ValueError, r"n_components must be >= 1"),
    (lambda: PCA(2.5).fit(np.ones((10, 6))), TypeError, r"n_components must be an integer"),
    (lambda: PCA(2).fit(np.array([[1.0, np.inf], [0.0, 1.0]])), ValueError, r"X must be finite"),
    (lambda: PCA(1).fit(np.ones(5)), ValueError, r"X must be a matrix"),
    (lambda: PCA(1).transform(np.ones((2, 2))), RuntimeError, r"not fitted yet"),
    (lambda: PCA(1).fit(correlated_data()).transform(np.ones((2, 3))), ValueError, r"X must have 6 features"),
    (lambda: PCA(2).fit(correlated_data()).inverse_transform(np.ones((2, 3))), ValueError,
     r"Z must have 2 columns"),
    (lambda: FastICA(4).fit(np.ones((10, 3))), ValueError, r"n_components must be <= min"),
    (lambda: FastICA(2).fit(np.c_[np.arange(10.0), 2 * np.arange(10.0)]), ValueError,
     r"X has rank < n_components"),
    (lambda: FastICA(2, tol=-1).fit(correlated_data()), ValueError, r"tol must be > 0"),
    (lambda: FastICA(2, max_iter=0).fit(correlated_data()), ValueError, r"max_iter must be >= 1"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
