"""mlcourse.manifold against umap-learn: its building blocks, and SimpleUMAP by trustworthiness."""

import warnings

import numpy as np
import pytest
from sklearn.manifold import trustworthiness
from sklearn.neighbors import NearestNeighbors

from mlcourse.manifold import (
    SimpleUMAP,
    find_ab_params,
    fuzzy_union,
    knn,
    membership_strengths,
    smooth_knn_dist,
)

pytestmark = pytest.mark.statistics


def blobs(n=120, d=5, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=4.0, size=(3, d))
    return centres[rng.integers(0, 3, size=n)] + rng.normal(size=(n, d))


def test_knn_matches_scikit_learn():
    X = blobs()
    indices, distances = knn(X, 10, chunk=37)           # a chunk size that does not divide n
    ref_d, ref_i = NearestNeighbors(n_neighbors=10).fit(X).kneighbors(X)
    np.testing.assert_allclose(distances, ref_d, atol=1e-12)
    np.testing.assert_array_equal(indices, ref_i)
    np.testing.assert_array_equal(indices[:, 0], np.arange(len(X)))


@pytest.mark.slow  # umap-learn's numba functions compile on first call (~10 s)
def test_smooth_knn_dist_matches_umap_learn():
    from umap.umap_ import smooth_knn_dist as umap_smooth_knn_dist

    X = blobs()
    _, distances = knn(X, 15)
    ours = smooth_knn_dist(distances, 15)
    sigma, rho = umap_smooth_knn_dist(distances, 15.0)
    assert ours.converged.all()
    np.testing.assert_allclose(ours.rho, rho, rtol=1e-6)     # umap-learn stores float32
    # Both bisections stop once the degree is within 1e-5 of log₂ k, and umap-learn's ρ is rounded to
    # float32, so σ agrees to the bisection's tolerance (~1e-5 relative), not to float64 precision.
    np.testing.assert_allclose(ours.sigma, sigma, rtol=1e-4)
    degree = np.where(distances[:, 1:] > ours.rho[:, None],
                      np.exp(-(distances[:, 1:] - ours.rho[:, None]) / ours.sigma[:, None]), 1.0).sum(axis=1)
    np.testing.assert_allclose(degree, np.log2(15), atol=1e-5)   # the defining property of σ


@pytest.mark.slow
def test_fuzzy_graph_matches_umap_learn():
    from umap.umap_ import fuzzy_simplicial_set

    X = blobs()
    indices, distances = knn(X, 15)
    ours = SimpleUMAP(n_neighbors=15).fuzzy_graph(X)
    ref, _, _ = fuzzy_simplicial_set(X, 15, np.random.RandomState(0), "euclidean",
                                     knn_indices=indices, knn_dists=distances)
    assert ours.nnz == ref.nnz
    # umap-learn works in float32 and stops σ's bisection at a tolerance of 1e-5 (see above)
    np.testing.assert_allclose(ours.toarray(), ref.toarray(), atol=1e-5)
    np.testing.assert_allclose(ours.toarray(), ours.toarray().T, atol=0)    # symmetric


def test_fuzzy_union_is_the_probabilistic_or():
    A = np.array([[0.0, 0.5, 0.0], [0.2, 0.0, 1.0], [0.0, 0.0, 0.0]])
    P = fuzzy_union(A).toarray()
    np.testing.assert_allclose(P, A + A.T - A * A.T, atol=0)
    assert P[0, 1] == pytest.approx(1 - (1 - 0.5) * (1 - 0.2))


def test_membership_strengths_are_one_for_the_nearest_and_zero_for_self():
    X = blobs(30)
    indices, distances = knn(X, 6)
    s = smooth_knn_dist(distances)
    A = membership_strengths(indices, distances, s.rho, s.sigma).toarray()
    assert np.all(A.diagonal() == 0)
    np.testing.assert_allclose(A[np.arange(30), indices[:, 1]], 1.0)


@pytest.mark.parametrize("min_dist", [0.0, 0.1, 0.5])
def test_ab_params_match_umap_learn(min_dist):
    from umap.umap_ import find_ab_params as umap_find_ab_params

    np.testing.assert_allclose(find_ab_params(1.0, min_dist), umap_find_ab_params(1.0, min_dist), rtol=1e-6)


def test_sigma_non_convergence_is_reported():
    X = blobs(50)
    _, distances = knn(X, 10)
    result = smooth_knn_dist(distances, n_iter=3)
    assert not result.converged.all() and result.n_iter.max() == 3


@pytest.mark.slow
def test_simple_umap_is_as_trustworthy_as_umap_learn_on_digits():
    import umap
    from sklearn.datasets import load_digits

    X = load_digits().data[::2] / 16.0                       # 899 digits keep the test quick
    ours = SimpleUMAP(random_state=0).fit(X)
    assert ours.init_ == "spectral" and ours.smooth_knn_.converged.all()
    with warnings.catch_warnings():  # the same exact neighbours; skips compiling umap-learn's search
        warnings.simplefilter("ignore", UserWarning)
        reference = umap.UMAP(n_epochs=200, random_state=0, n_jobs=1,
                              precomputed_knn=(ours.knn_indices_, ours.knn_distances_, None)).fit(X)
    ref = reference.embedding_
    pruned = ours.graph_.toarray()
    pruned[pruned < pruned.max() / 200] = 0.0               # umap-learn prunes graph_ in place before layout
    np.testing.assert_allclose(pruned, reference.graph_.toarray(), atol=1e-5)
    t_ours = trustworthiness(X, ours.embedding_, n_neighbors=10)
    t_ref = trustworthiness(X, ref, n_neighbors=10)
    assert abs(t_ours - t_ref) < 0.02, (t_ours, t_ref)
    assert np.all(np.isfinite(ours.embedding_))


def test_simple_umap_is_deterministic_and_separates_clusters():
    X = blobs(150)
    a = SimpleUMAP(n_neighbors=10, n_epochs=50, random_state=3).fit_transform(X)
    b = SimpleUMAP(n_neighbors=10, n_epochs=50, random_state=3).fit_transform(X)
    np.testing.assert_array_equal(a, b)
    assert trustworthiness(X, a, n_neighbors=5) > 0.9


def test_disconnected_graph_falls_back_to_random_init():
    X = np.r_[blobs(40), blobs(40) + 1000.0]
    model = SimpleUMAP(n_neighbors=5, n_epochs=20, random_state=0).fit(X)
    assert model.init_ == "random"


def test_the_module_does_not_shadow_umap_learn():
    import umap

    assert hasattr(umap, "UMAP")


BAD_INPUTS = [
    (lambda: SimpleUMAP(n_neighbors=30).fit(blobs(30)), ValueError, r"n_neighbors must be < n_samples = 30"),
    (lambda: SimpleUMAP(n_neighbors=1).fit(blobs(30)), ValueError, r"n_neighbors must be >= 2"),
    (lambda: SimpleUMAP(n_components=30, n_neighbors=5).fit(blobs(30)), ValueError,
     r"n_components must be < n_samples = 30"),
    (lambda: SimpleUMAP().fit(np.full((40, 2), np.nan)), ValueError, r"X must be finite"),
    (lambda: SimpleUMAP(min_dist=-1.0).fit(blobs(30)), ValueError, r"min_dist must be >= 0"),
    (lambda: SimpleUMAP(n_epochs=0).fit(blobs(30)), ValueError, r"n_epochs must be >= 1"),
    (lambda: find_ab_params(1.0, 1.5), ValueError, r"min_dist must be < spread"),
    (lambda: smooth_knn_dist(np.ones(4)), ValueError, r"distances must be a matrix"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
