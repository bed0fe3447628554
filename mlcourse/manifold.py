"""A readable UMAP: fuzzy nearest-neighbour graph in, low-dimensional layout out.

The chapter *UMAP* builds each step and compares the result with umap-learn (``import umap``;
this module is ``mlcourse.manifold`` so it never shadows it). Everything is numpy and scipy,
vectorised over points and edges: the layout updates all the edges due in an epoch at once
instead of one at a time as umap-learn's numba loop does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sparse

from ._validate import as_array, as_generator, as_matrix, as_vector, check_int, check_positive

__all__ = ["SimpleUMAP", "SmoothKNN", "find_ab_params", "fuzzy_union", "knn", "membership_strengths",
           "smooth_knn_dist"]
# attraction_coefficient, repulsion_coefficient, cross_entropy and cross_entropy_gradient (the
# layout's loss and its gradient) join __all__ once tests/test_bad_input.py has rows for them.

#: umap-learn's constants: bisection tolerance and the floor of σ relative to the mean distance.
SMOOTH_K_TOLERANCE = 1e-5
MIN_K_DIST_SCALE = 1e-3


def knn(X: np.ndarray, n_neighbors: int, *, chunk: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest neighbours by brute force (each point is its own first neighbour).

    Parameters
    ----------
    X : array of shape (n_samples, n_features)
    n_neighbors : int
        ``k``, counting the point itself, as umap-learn does.

    Returns
    -------
    indices, distances : arrays of shape (n_samples, n_neighbors)
        Sorted by increasing Euclidean distance; column 0 is the point itself (distance 0).
    """
    X = as_matrix(X, "X")
    n = X.shape[0]
    n_neighbors = check_int(n_neighbors, "n_neighbors", minimum=1)
    if n_neighbors > n:
        raise ValueError(f"n_neighbors must be <= n_samples = {n} (the rows of X; it counts the point "
                         f"itself); got {n_neighbors}")
    chunk = check_int(chunk, "chunk", minimum=1)
    sq_norms = np.einsum("ij,ij->i", X, X)
    indices = np.empty((n, n_neighbors), dtype=np.int64)
    distances = np.empty((n, n_neighbors))
    for start in range(0, n, chunk):                  # chunks keep the n × n distances out of memory
        rows = slice(start, min(start + chunk, n))
        d2 = sq_norms[rows, None] - 2.0 * X[rows] @ X.T + sq_norms[None, :]
        d2[np.arange(d2.shape[0]), np.arange(start, rows.stop)] = -1.0   # self first, whatever rounding
        part = np.argpartition(d2, n_neighbors - 1, axis=1)[:, :n_neighbors]
        part_d2 = np.take_along_axis(d2, part, axis=1)
        order = np.argsort(part_d2, axis=1, kind="stable")
        indices[rows] = np.take_along_axis(part, order, axis=1)
        distances[rows] = np.sqrt(np.clip(np.take_along_axis(part_d2, order, axis=1), 0.0, None))
    return indices, distances


@dataclass(frozen=True)
class SmoothKNN:
    """The local scales of every point: ``ρᵢ``, ``σᵢ`` and whether σᵢ's bisection converged."""

    sigma: np.ndarray          #: (n_samples,) the bandwidth σᵢ
    rho: np.ndarray            #: (n_samples,) distance to the nearest (non-identical) neighbour
    converged: np.ndarray      #: (n_samples,) bool, |Σⱼ exp(-(dᵢⱼ - ρᵢ)/σᵢ) - log₂ k| < tol reached
    n_iter: np.ndarray         #: (n_samples,) bisection steps used


def smooth_knn_dist(distances, k: int | None = None, *, n_iter: int = 64,
                    tol: float = SMOOTH_K_TOLERANCE) -> SmoothKNN:
    """Find ``ρᵢ`` and, by bisection, ``σᵢ`` so that each point's fuzzy degree is ``log₂ k``.

    Each point measures distance in its own unit: ``ρᵢ`` (its nearest neighbour) is subtracted so
    that every point is fully connected to at least one other, and ``σᵢ`` stretches the rest so
    that the memberships of its k neighbours add up to ``log₂ k`` whatever the local density.

    Defined in the chapter *UMAP*.

    Parameters
    ----------
    distances : array of shape (n_samples, k)
        Sorted kNN distances, column 0 being the point itself (as returned by :func:`knn`).
    k : int, optional
        The ``k`` of the target ``log₂ k`` (default ``distances.shape[1]``).
    n_iter : int
        Bound on the bisection steps (umap-learn: 64).
    tol : float
        Accept σᵢ when ``|Σⱼ≥1 exp(-max(dᵢⱼ - ρᵢ, 0)/σᵢ) - log₂ k| < tol``.

    Notes
    -----
    All points are bisected together, as arrays; a point that has converged is frozen, which is
    exactly umap-learn's per-point ``break``. The bracket starts at ``[0, ∞)`` with ``σ = 1`` and
    doubles σ until the sum overshoots. Afterwards σᵢ is floored at ``10⁻³ · mean(dᵢ·)``
    as umap-learn does. Points that did not converge are reported in ``converged``, not hidden.
    """
    distances = as_matrix(distances, "distances")
    if distances.shape[1] < 2:
        raise ValueError(f"distances must have at least 2 columns (the point itself, then its neighbours); "
                         f"got shape {distances.shape}")
    if np.any(distances < 0):
        raise ValueError("distances must be >= 0")
    k = distances.shape[1] if k is None else check_int(k, "k", minimum=2)
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    tol = check_positive(tol, "tol")
    n = distances.shape[0]
    target = np.log2(k)

    positive = np.where(distances > 0.0, distances, np.inf)
    rho = positive.min(axis=1)                                 # first non-zero distance
    rho[~np.isfinite(rho)] = 0.0                               # all neighbours identical to the point
    d = distances[:, 1:] - rho[:, None]                        # skip column 0, the point itself

    lo = np.zeros(n)
    hi = np.full(n, np.inf)
    sigma = np.ones(n)
    active = np.ones(n, dtype=bool)
    steps = np.zeros(n, dtype=np.int64)
    for _ in range(n_iter):
        if not active.any():
            break
        a = np.flatnonzero(active)
        psum = np.where(d[a] > 0, np.exp(-d[a] / sigma[a, None]), 1.0).sum(axis=1)
        steps[a] += 1
        done = np.abs(psum - target) < tol
        too_big = (psum > target) & ~done                      # too much membership: shrink σ
        too_small = (psum <= target) & ~done
        hi[a[too_big]] = sigma[a[too_big]]
        lo[a[too_small]] = sigma[a[too_small]]
        unbounded = too_small & ~np.isfinite(hi[a])
        sigma[a[unbounded]] *= 2.0
        bisect = ~done & ~unbounded
        sigma[a[bisect]] = (lo[a[bisect]] + hi[a[bisect]]) / 2.0
        active[a[done]] = False

    floor = MIN_K_DIST_SCALE * np.where(rho > 0, distances.mean(axis=1), distances.mean())
    sigma = np.maximum(sigma, floor)
    return SmoothKNN(sigma=sigma, rho=rho, converged=~active, n_iter=steps)


def _check_indices(indices, shape: tuple[int, int]) -> np.ndarray:
    """kNN indices: integers in [0, n_samples), of the shape of the distances."""
    idx = as_array(indices, "indices", f"an integer array of shape {shape}")
    if idx.shape != shape:
        raise ValueError(f"indices must have the shape of distances, {shape}; got shape {idx.shape}")
    if not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(f"indices must hold integers (point indices); got dtype {idx.dtype}")
    if idx.min() < 0 or idx.max() >= shape[0]:
        raise ValueError(f"indices must be in [0, {shape[0]}) for {shape[0]} points; "
                         f"got values in [{idx.min()}, {idx.max()}]")
    return idx


def membership_strengths(indices, distances, rho, sigma) -> sparse.csr_matrix:
    """The directed fuzzy graph ``A[i, j] = exp(-max(dᵢⱼ - ρᵢ, 0) / σᵢ)`` over each point's kNN.

    Parameters
    ----------
    indices, distances : arrays of shape (n_samples, k)
    rho, sigma : arrays of shape (n_samples,)

    Returns
    -------
    scipy.sparse.csr_matrix of shape (n_samples, n_samples)
        Row ``i`` holds the memberships of ``i``'s neighbours; the point itself gets 0.
    """
    distances = as_matrix(distances, "distances")
    n, k = distances.shape
    indices = _check_indices(indices, (n, k))
    rho = as_vector(rho, "rho", size=n, like="row of distances")
    sigma = as_vector(sigma, "sigma", size=n, like="row of distances")
    if np.any(sigma <= 0):
        raise ValueError("sigma must be > 0 (the bandwidth of every point)")
    values = np.exp(-np.clip(distances - rho[:, None], 0.0, None) / sigma[:, None])
    rows = np.repeat(np.arange(n), k)
    values[indices == np.arange(n)[:, None]] = 0.0
    A = sparse.csr_matrix((values.ravel(), (rows, indices.ravel())), shape=(n, n))
    A.eliminate_zeros()
    return A


def fuzzy_union(A: sparse.spmatrix) -> sparse.csr_matrix:
    """Symmetrise the directed memberships by the fuzzy (probabilistic) union ``A + Aᵀ - A∘Aᵀ``.

    ``A[i, j]`` is the probability that the edge i→j exists seen from i; the union is the
    probability that at least one of the two endpoints sees it.
    """
    A = sparse.csr_matrix(A, dtype=np.float64) if sparse.issparse(A) else sparse.csr_matrix(as_matrix(A, "A"))
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be a square matrix (a graph on the points); got shape {A.shape}")
    if not np.all(np.isfinite(A.data)):
        raise ValueError("A must be finite; it contains NaN or infinity")
    At = A.T.tocsr()
    P = (A + At - A.multiply(At)).tocsr()
    P.eliminate_zeros()
    return P


def find_ab_params(spread: float = 1.0, min_dist: float = 0.1) -> tuple[float, float]:
    """Fit ``1 / (1 + a d^{2b})`` to 1 up to ``min_dist``, then ``e^{-(d - min_dist)/spread}``.

    The low-dimensional similarity must be smooth for gradient descent; this fit gives the smooth
    curve closest (least squares on 300 points of [0, 3·spread]) to the piecewise one that
    ``min_dist`` describes, exactly as umap-learn does.
    """
    from scipy.optimize import curve_fit

    spread = check_positive(spread, "spread")
    min_dist = check_positive(min_dist, "min_dist", allow_zero=True)
    if min_dist >= spread:
        raise ValueError(f"min_dist must be < spread = {spread}; got {min_dist}")

    def curve(x, a, b):
        return 1.0 / (1.0 + a * x ** (2 * b))

    x = np.linspace(0, spread * 3, 300)
    y = np.where(x < min_dist, 1.0, np.exp(-(x - min_dist) / spread))
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):  # trial steps may try b < 0 at x = 0
        (a, b), _ = curve_fit(curve, x, y)
    return float(a), float(b)


def attraction_coefficient(d2, a: float, b: float) -> np.ndarray:
    """``c`` with ``∂(-log qᵢⱼ)/∂yᵢ = c · (yᵢ - yⱼ)``: the pull of an edge, as a function of ``s = d²``.

    With ``q = 1 / (1 + a s^b)`` and ``s = ‖yᵢ - yⱼ‖²``, ``-log q = log(1 + a s^b)``, whose derivative
    in ``s`` is ``ab s^{b-1} / (1 + a s^b)``; the chain rule through ``∂s/∂yᵢ = 2(yᵢ - yⱼ)`` gives

    ``c(s) = 2ab s^{b-1} / (1 + a s^b)``.

    The layout moves ``yᵢ`` by ``-α c (yᵢ - yⱼ)``. Derived and checked (sympy, central differences)
    in the chapter *UMAP*.

    Parameters
    ----------
    d2 : float or array
        Squared distances ``s`` in the embedding (> 0 where ``b < 1``).
    a, b : float
        The parameters of the low-dimensional similarity curve (:func:`find_ab_params`).
    """
    s = np.asarray(d2, dtype=np.float64)
    # [math]
    return 2.0 * a * b * s ** (b - 1.0) / (1.0 + a * s**b)
    # [/math]


def repulsion_coefficient(d2, a: float, b: float, eps: float = 0.0) -> np.ndarray:
    """``c`` with ``∂(-log(1 - qᵢₖ))/∂yᵢ = c · (yᵢ - yₖ)``: the push of a non-edge, negative.

    ``-log(1 - q) = log(1 + a s^b) - log a - b log s``, whose derivative in ``s`` is
    ``-b / (s (1 + a s^b))``; with the chain rule,

    ``c(s) = -2b / (s (1 + a s^b))``.

    ``eps`` is umap-learn's regulariser (0.001 in its layout): ``s`` in the first factor becomes
    ``eps + s``, so that two points that coincide get a finite push. With ``eps = 0`` (default)
    this is the exact gradient.

    Parameters
    ----------
    d2 : float or array
        Squared distances ``s`` in the embedding.
    a, b : float
        The parameters of the low-dimensional similarity curve.
    eps : float
        Added to ``s`` in the denominator (0: exact).
    """
    s = np.asarray(d2, dtype=np.float64)
    # [math]
    return -2.0 * b / ((eps + s) * (1.0 + a * s**b))
    # [/math]


def _check_layout_args(Y, P) -> tuple[np.ndarray, np.ndarray]:
    Y = as_matrix(Y, "Y")
    P = P.toarray() if sparse.issparse(P) else as_matrix(P, "P")
    n = Y.shape[0]
    if P.shape != (n, n):
        raise ValueError(f"P must be a square matrix with one row per point of Y, shape ({n}, {n}); "
                         f"got shape {P.shape}")
    if np.any(P < 0) or np.any(P > 1):
        raise ValueError("P must hold membership strengths in [0, 1]")
    return Y, np.asarray(P, dtype=np.float64)


def cross_entropy(Y, P, a: float, b: float) -> float:
    """The layout's loss ``C(Y) = Σ_{i≠j} [-pᵢⱼ log qᵢⱼ - (1 - pᵢⱼ) log(1 - qᵢⱼ)]``, exactly.

    This is the fuzzy cross-entropy between the graph ``P`` and the embedding's similarities
    ``qᵢⱼ = 1 / (1 + a ‖yᵢ - yⱼ‖^{2b})``, without the terms ``p log p + (1 - p) log(1 - p)`` that do
    not depend on ``Y``. It sums over all ``n(n - 1)`` ordered pairs, so it is for small ``n``
    (the layout estimates its gradient by sampling instead). Points must be distinct.

    Parameters
    ----------
    Y : array of shape (n_samples, n_components)
    P : array or sparse matrix of shape (n_samples, n_samples), entries in [0, 1]
    a, b : float
    """
    Y, P = _check_layout_args(Y, P)
    diff = Y[:, None, :] - Y[None, :, :]
    s = np.einsum("ijc,ijc->ij", diff, diff)
    off = ~np.eye(len(Y), dtype=bool)
    log1p_as = np.log1p(a * s[off] ** b)                  # -log q
    log_one_minus_q = np.log(a) + b * np.log(s[off]) - log1p_as   # log(1 - q)
    return float(np.sum(P[off] * log1p_as - (1.0 - P[off]) * log_one_minus_q))


def cross_entropy_gradient(Y, P, a: float, b: float) -> np.ndarray:
    """The exact gradient of :func:`cross_entropy` with respect to the embedding ``Y``.

    ``∂C/∂yᵢ = Σ_{j≠i} [(pᵢⱼ + pⱼᵢ) c_att(sᵢⱼ) + (2 - pᵢⱼ - pⱼᵢ) c_rep(sᵢⱼ)] (yᵢ - yⱼ)``, with the
    coefficients of :func:`attraction_coefficient` and :func:`repulsion_coefficient` (each ordered
    pair appears twice in ``C``; for a symmetric ``P`` the bracket is ``2[p c_att + (1 - p) c_rep]``).
    The layout's sampled steps are a stochastic estimate of ``-∇C``, clipped and with umap-learn's
    ``eps``; the chapter *UMAP* derives this gradient with sympy and checks it against central
    differences.

    Returns
    -------
    array of shape (n_samples, n_components)
    """
    Y, P = _check_layout_args(Y, P)
    # [math]
    diff = Y[:, None, :] - Y[None, :, :]                 # yᵢ - yⱼ, shape (n, n, d)
    s = np.einsum("ijc,ijc->ij", diff, diff)             # sᵢⱼ = ‖yᵢ - yⱼ‖²
    # [/math]
    np.fill_diagonal(s, 1.0)                             # the diagonal is masked out below
    # [math]
    both = P + P.T                                       # pᵢⱼ + pⱼᵢ: each pair appears twice in C
    G = both * attraction_coefficient(s, a, b) + (2.0 - both) * repulsion_coefficient(s, a, b)
    # [/math]
    np.fill_diagonal(G, 0.0)                             # no term for j = i
    # [math]
    return np.einsum("ij,ijc->ic", G, diff)              # Σⱼ Gᵢⱼ (yᵢ - yⱼ)
    # [/math]


def _spectral_init(P: sparse.csr_matrix, n_components: int, rng: np.random.Generator) -> np.ndarray | None:
    """Eigenvectors of the normalised graph Laplacian for the smallest non-trivial eigenvalues.

    Returns None when the graph is not connected (the spectrum then mixes the components) or
    when the eigensolver fails; the caller falls back to a random start and says so.
    """
    from scipy.sparse.csgraph import connected_components
    from scipy.sparse.linalg import ArpackNoConvergence, eigsh

    n_parts, _ = connected_components(P, directed=False)
    if n_parts > 1:
        return None
    degree = np.asarray(P.sum(axis=1)).ravel()
    D = sparse.diags(1.0 / np.sqrt(degree))
    L = sparse.identity(P.shape[0]) - D @ P @ D              # I - D^{-1/2} P D^{-1/2}
    k = n_components + 1
    try:
        # The smallest eigenvalues of L are the largest of 2I - L, where Lanczos converges fast.
        v0 = rng.uniform(size=P.shape[0])
        _, vectors = eigsh(2.0 * sparse.identity(P.shape[0]) - L, k=k, which="LM", v0=v0,
                           tol=1e-4, maxiter=P.shape[0] * 5)
    except ArpackNoConvergence:
        return None
    return vectors[:, ::-1][:, 1:k]                           # drop the constant eigenvector


@dataclass
class LayoutHistory:
    """What the layout did: the learning rate and the mean attractive/repulsive step per epoch."""

    alpha: np.ndarray
    attraction: np.ndarray
    repulsion: np.ndarray


class SimpleUMAP:
    """Uniform manifold approximation and projection, from scratch and readable.

    1. the k nearest neighbours of every point (exact);
    2. local scales ``ρᵢ``, ``σᵢ`` and directed memberships ``exp(-(dᵢⱼ - ρᵢ)/σᵢ)``;
    3. their fuzzy union ``P = A + Aᵀ - A∘Aᵀ``, a weighted graph;
    4. a spectral layout of that graph as the start;
    5. stochastic gradient descent on the fuzzy cross-entropy between ``P`` and the
       low-dimensional similarities ``q(d) = 1 / (1 + a d^{2b})``: each edge pulls its endpoints
       together as often as its weight says, and each pull comes with a few pushes away from
       random points (negative sampling).

    Defined in the chapter *UMAP*.

    Parameters
    ----------
    n_neighbors : int
        ``k``, the size of the neighbourhood each point sees (counting itself, like umap-learn).
    n_components : int
        Dimension of the embedding.
    min_dist : float
        How tightly points may pack in the embedding (through ``a`` and ``b``).
    n_epochs : int
        Number of passes of the layout over the graph.
    learning_rate : float
        Initial step ``α₀``, decayed linearly to 0.
    negative_sample_rate : int
        Pushes per pull.
    repulsion_strength : float
        ``γ``, the weight of the repulsive term.
    random_state : int, numpy Generator or None

    Attributes
    ----------
    embedding_ : array of shape (n_samples, n_components)
    graph_ : scipy.sparse.csr_matrix of shape (n_samples, n_samples)
        The symmetric fuzzy graph ``P``.
    smooth_knn_ : SmoothKNN
        ``ρ``, ``σ`` and the convergence of σ's bisection, point by point.
    a_, b_ : float
        The fitted low-dimensional curve.
    init_ : str
        ``"spectral"``, or ``"random"`` when the graph was disconnected or the eigensolver failed.
    history_ : LayoutHistory

    Notes
    -----
    With ``d = ‖yᵢ - yⱼ‖`` the loss of one edge is
    ``-pᵢⱼ log q(d) - (1 - pᵢⱼ) log(1 - q(d))``. Its gradient with respect to ``yᵢ`` gives the
    attractive step (sampled with probability ``pᵢⱼ``) and the repulsive one (negative samples)::

        attract:  yᵢ += α · clip(-2ab d^{2(b-1)} / (1 + a d^{2b}) · (yᵢ - yⱼ), ±4),  yⱼ -= the same
        repel:    yᵢ += α · clip(2γb / ((0.001 + d²)(1 + a d^{2b})) · (yᵢ - yₖ), ±4)

    Within an epoch all the due edges are applied at once (summed per point), which is what makes
    the numpy version fast; umap-learn applies them one by one.
    """

    def __init__(self, n_neighbors: int = 15, n_components: int = 2, min_dist: float = 0.1,
                 n_epochs: int = 200, *, learning_rate: float = 1.0, negative_sample_rate: int = 5,
                 repulsion_strength: float = 1.0, random_state=None) -> None:
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.min_dist = min_dist
        self.n_epochs = n_epochs
        self.learning_rate = learning_rate
        self.negative_sample_rate = negative_sample_rate
        self.repulsion_strength = repulsion_strength
        self.random_state = random_state

    def _validate(self, X) -> np.ndarray:
        X = as_matrix(X, "X")
        n = X.shape[0]
        k = check_int(self.n_neighbors, "n_neighbors", minimum=2)
        if k >= n:
            raise ValueError(f"n_neighbors must be < n_samples = {n} (the rows of X); got {k}")
        d = check_int(self.n_components, "n_components", minimum=1)
        if d >= n:
            raise ValueError(f"n_components must be < n_samples = {n} (the rows of X); got {d}")
        check_positive(self.min_dist, "min_dist", allow_zero=True)
        check_int(self.n_epochs, "n_epochs", minimum=1)
        check_positive(self.learning_rate, "learning_rate")
        check_int(self.negative_sample_rate, "negative_sample_rate", minimum=0)
        check_positive(self.repulsion_strength, "repulsion_strength", allow_zero=True)
        return X

    def fuzzy_graph(self, X) -> sparse.csr_matrix:
        """Steps 1–3: the symmetric fuzzy graph of ``X`` (also stores ``smooth_knn_``)."""
        X = self._validate(X)
        indices, distances = knn(X, self.n_neighbors)
        self.knn_indices_, self.knn_distances_ = indices, distances
        self.smooth_knn_ = smooth_knn_dist(distances, self.n_neighbors)
        A = membership_strengths(indices, distances, self.smooth_knn_.rho, self.smooth_knn_.sigma)
        self.graph_ = fuzzy_union(A)
        return self.graph_

    def fit(self, X, y=None) -> SimpleUMAP:
        """Build the fuzzy graph of ``X`` and lay it out; the result is ``embedding_``."""
        P = self.fuzzy_graph(X)
        rng = as_generator(self.random_state)
        n = P.shape[0]
        self.a_, self.b_ = find_ab_params(1.0, self.min_dist)

        Y = _spectral_init(P, self.n_components, rng)
        self.init_ = "spectral" if Y is not None else "random"
        if Y is None:
            Y = rng.uniform(-10.0, 10.0, size=(n, self.n_components))
        # umap-learn's scaling: largest coordinate 10, plus a little noise to break ties.
        Y = Y * (10.0 / np.abs(Y).max()) + rng.normal(scale=1e-4, size=Y.shape)
        self.embedding_ = self._layout(P, Y, rng)
        return self

    def fit_transform(self, X, y=None) -> np.ndarray:
        """``fit(X)`` and return the embedding, shape (n_samples, n_components)."""
        return self.fit(X).embedding_

    def _layout(self, P: sparse.csr_matrix, Y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        a, b, gamma = self.a_, self.b_, self.repulsion_strength
        n_epochs, n_neg = self.n_epochs, self.negative_sample_rate
        n = Y.shape[0]
        coo = P.tocoo()
        # Edges too weak to be sampled even once in n_epochs are dropped (umap-learn does the same).
        keep = coo.data >= coo.data.max() / n_epochs
        heads, tails, weights = coo.row[keep], coo.col[keep], coo.data[keep]
        # An edge of weight w is sampled every max(w)/w epochs: on average w/max(w) times per epoch.
        epochs_per_sample = weights.max() / weights
        next_sample = epochs_per_sample.copy()

        history = {"alpha": [], "attraction": [], "repulsion": []}
        for epoch in range(n_epochs):
            alpha = self.learning_rate * (1.0 - epoch / n_epochs)
            due = next_sample <= epoch + 1
            i, j = heads[due], tails[due]
            next_sample[due] += epochs_per_sample[due]

            # attraction along the sampled edges
            diff = Y[i] - Y[j]
            d2 = np.einsum("ij,ij->i", diff, diff)
            with np.errstate(divide="ignore", invalid="ignore"):
                coeff = -attraction_coefficient(d2, a, b)          # step = -gradient
            coeff[d2 == 0.0] = 0.0
            step_attract = np.clip(coeff[:, None] * diff, -4.0, 4.0) * alpha
            delta = np.zeros_like(Y)
            for c in range(Y.shape[1]):
                delta[:, c] += np.bincount(i, step_attract[:, c], minlength=n)
                delta[:, c] -= np.bincount(j, step_attract[:, c], minlength=n)

            # repulsion from random points (negative samples)
            step_repulse = np.zeros((0, Y.shape[1]))
            if n_neg > 0 and gamma > 0:
                i_neg = np.repeat(i, n_neg)
                k_neg = rng.integers(0, n, size=i_neg.size)
                diff = Y[i_neg] - Y[k_neg]
                d2 = np.einsum("ij,ij->i", diff, diff)
                coeff = -gamma * repulsion_coefficient(d2, a, b, eps=0.001)
                step_repulse = np.where((d2 > 0.0)[:, None], np.clip(coeff[:, None] * diff, -4.0, 4.0), 0.0)
                step_repulse[i_neg == k_neg] = 0.0
                step_repulse *= alpha
                for c in range(Y.shape[1]):
                    delta[:, c] += np.bincount(i_neg, step_repulse[:, c], minlength=n)

            Y = Y + delta
            history["alpha"].append(alpha)
            history["attraction"].append(float(np.abs(step_attract).mean()) if step_attract.size else 0.0)
            history["repulsion"].append(float(np.abs(step_repulse).mean()) if step_repulse.size else 0.0)
        self.history_ = LayoutHistory(**{key: np.array(v) for key, v in history.items()})
        return Y
