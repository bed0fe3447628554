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


# --- the layout's loss and its gradient (chapter UMAP, "The layout") -----------------------------


def _layout_problem(n=7, dim=2, seed=4):
    rng = np.random.default_rng(seed)
    W = np.where(rng.uniform(size=(n, n)) < 0.5, rng.uniform(size=(n, n)), 0.0)
    np.fill_diagonal(W, 0.0)
    return rng.normal(size=(n, dim)), 1.0 - (1.0 - W) * (1.0 - W.T)


@pytest.mark.parametrize("a, b", [(1.0, 1.0), (1.577, 0.895), (0.5, 1.4)])
def test_cross_entropy_matches_its_definition_and_torch_autograd(a, b):
    import torch

    from mlcourse.manifold import cross_entropy, cross_entropy_gradient

    Y, P = _layout_problem()
    Yt = torch.tensor(Y, dtype=torch.float64, requires_grad=True)
    Pt = torch.tensor(P, dtype=torch.float64)
    s = ((Yt[:, None, :] - Yt[None, :, :]) ** 2).sum(-1)
    off = ~torch.eye(len(Y), dtype=torch.bool)
    q = 1.0 / (1.0 + a * s[off] ** b)
    loss = -(Pt[off] * torch.log(q) + (1 - Pt[off]) * torch.log(1 - q)).sum()
    loss.backward()
    assert cross_entropy(Y, P, a, b) == pytest.approx(loss.item(), rel=1e-12)
    np.testing.assert_allclose(cross_entropy_gradient(Y, P, a, b), Yt.grad.numpy(), rtol=1e-11, atol=1e-13)


def test_cross_entropy_gradient_matches_central_differences():
    from mlcourse.manifold import cross_entropy, cross_entropy_gradient

    Y, P = _layout_problem(n=6, dim=3, seed=9)
    a, b = find_ab_params(1.0, 0.1)
    h = 1e-5
    numeric = np.zeros_like(Y)
    for idx in np.ndindex(Y.shape):
        E = np.zeros_like(Y)
        E[idx] = h
        numeric[idx] = (cross_entropy(Y + E, P, a, b) - cross_entropy(Y - E, P, a, b)) / (2 * h)
    analytic = cross_entropy_gradient(Y, P, a, b)
    # central differences err by O(h²) ~ 1e-10 and by rounding ~ 1e-16 · C / h ~ 1e-10
    np.testing.assert_allclose(analytic, numeric, rtol=1e-7, atol=1e-8,
                               err_msg=f"analytic {analytic} vs central differences {numeric}")


def test_the_coefficients_are_the_derivatives_of_the_edge_losses():
    import sympy as sp

    from mlcourse.manifold import attraction_coefficient, repulsion_coefficient

    a, b = sp.symbols("a b", positive=True)
    u, v = sp.symbols("u v", real=True)
    q = 1 / (1 + a * (u**2 + v**2) ** b)
    for loss, ours in [(-sp.log(q), attraction_coefficient), (-sp.log(1 - q), repulsion_coefficient)]:
        c = sp.lambdify((a, b, u, v), sp.diff(loss, u) / u)
        for a_, b_, u_, v_ in [(1.0, 1.0, 0.3, -1.2), (1.58, 0.9, 2.0, 0.5), (0.7, 1.3, -0.1, 0.05)]:
            assert ours(u_**2 + v_**2, a_, b_) == pytest.approx(c(a_, b_, u_, v_), rel=1e-12)
    # umap-learn's regulariser: eps added to s in the repulsion's denominator only
    assert repulsion_coefficient(2.0, 1.0, 1.0, eps=0.001) == pytest.approx(-2.0 / (2.001 * 3.0), rel=1e-14)


def test_the_layout_steps_downhill_on_the_cross_entropy():
    from mlcourse.manifold import cross_entropy

    X = blobs(n=60, d=4, seed=2)
    model = SimpleUMAP(n_neighbors=8, n_epochs=60, random_state=0)
    P = model.fuzzy_graph(X)
    model.a_, model.b_ = find_ab_params(1.0, model.min_dist)
    rng = np.random.default_rng(0)
    Y0 = rng.uniform(-10, 10, size=(60, 2))
    Y = model._layout(P, Y0.copy(), rng)
    assert cross_entropy(Y, P, model.a_, model.b_) < 0.5 * cross_entropy(Y0, P, model.a_, model.b_)


def test_layout_loss_bad_input():
    from mlcourse.manifold import cross_entropy, cross_entropy_gradient

    with pytest.raises(ValueError, match="square matrix"):
        cross_entropy(np.zeros((3, 2)), np.zeros((2, 2)), 1.0, 1.0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        cross_entropy_gradient(np.zeros((2, 2)), np.full((2, 2), 2.0), 1.0, 1.0)
