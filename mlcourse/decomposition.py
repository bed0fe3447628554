"""Principal and independent components: PCA and FastICA with scikit-learn's interface.

The chapter *PCA and ICA* derives PCA as the variance-maximising projection (a Lagrange multiplier
turns it into an eigenvalue problem of the covariance matrix) and ICA as the search for the
least Gaussian directions of whitened data. Both classes follow scikit-learn's estimator contract
and attribute names, so the chapter can compare them with ``sklearn.decomposition`` line by line.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_generator, as_matrix, check_int, check_positive

__all__ = ["PCA", "FastICA", "sign_flip"]


def _check_n_components(n_components, X: np.ndarray) -> int:
    n_samples, n_features = X.shape
    limit = min(n_samples, n_features)
    if n_components is None:
        return limit
    n_components = check_int(n_components, "n_components", minimum=1)
    if n_components > limit:
        raise ValueError(
            f"n_components must be <= min(n_samples, n_features) = {limit} for X of shape {X.shape}; "
            f"got {n_components}"
        )
    return n_components


def _check_fitted(estimator, attribute: str) -> None:
    if not hasattr(estimator, attribute):
        raise RuntimeError(f"this {type(estimator).__name__} is not fitted yet: call fit(X) first")


def sign_flip(components: np.ndarray) -> np.ndarray:
    """Fix the sign of each row so that its entry of largest absolute value is positive.

    An eigenvector is defined only up to sign; this is the convention scikit-learn's PCA uses
    (``svd_flip(U, Vt, u_based_decision=False)`` since scikit-learn 1.5), so results are comparable
    and do not depend on the LAPACK build. Ties go to the first such entry, as in ``np.argmax``.

    Parameters
    ----------
    components : array of shape (n_components, n_features)
    """
    components = as_matrix(components, "components")
    rows = np.arange(components.shape[0])
    signs = np.sign(components[rows, np.argmax(np.abs(components), axis=1)])
    signs[signs == 0] = 1.0
    return components * signs[:, None]


class PCA:
    """Principal component analysis: project on the directions of largest variance.

    The first principal direction ``u₁`` maximises the variance of the projections ``u₁ᵀx``
    among unit vectors; the solution is the top eigenvector of the covariance matrix ``S``, and
    the variance it captures is the eigenvalue. The next directions do the same orthogonally to
    the previous ones.

    Defined in the chapter *PCA and ICA*.

    Parameters
    ----------
    n_components : int or None
        How many directions to keep (``None``: ``min(n_samples, n_features)``).

    Attributes
    ----------
    components_ : array of shape (n_components, n_features)
        The principal directions ``uₖ`` as rows, orthonormal, sorted by decreasing variance, each
        with its largest-magnitude entry positive (scikit-learn's sign convention).
    mean_ : array of shape (n_features,)
        ``x̄``, subtracted before projecting.
    explained_variance_ : array of shape (n_components,)
        ``λₖ = uₖᵀ S uₖ``, the eigenvalues of the sample covariance ``S`` (divisor ``n - 1``,
        like scikit-learn).
    explained_variance_ratio_ : array of shape (n_components,)
        ``λₖ / tr S``: the fraction of the total variance each direction captures (NaN when X
        does not vary at all, as in scikit-learn).
    singular_values_ : array of shape (n_components,)
        Singular values ``σₖ`` of the centred data, ``λₖ = σₖ² / (n - 1)``.

    Notes
    -----
    With centred data ``X_c = X - x̄`` (``n × d``) and its thin SVD ``X_c = U Σ Vᵀ``,
    ``S = X_cᵀX_c / (n - 1) = V (Σ² / (n - 1)) Vᵀ``: the right singular vectors are the eigenvectors
    of ``S``. The SVD is used rather than ``eigh(S)`` because forming ``S`` squares the condition
    number. ``transform(X) = (X - x̄) Vₖ`` and ``inverse_transform(Z) = Z Vₖᵀ + x̄``.
    """

    def __init__(self, n_components: int | None = None) -> None:
        self.n_components = n_components

    def fit(self, X, y=None) -> PCA:
        """Learn the mean and the principal directions of ``X`` (n_samples, n_features)."""
        X = as_matrix(X, "X")
        k = _check_n_components(self.n_components, X)
        if X.shape[0] < 2:
            raise ValueError(f"X must have at least 2 samples to estimate a variance; got {X.shape[0]}")
        self.mean_ = X.mean(axis=0)
        Xc = X - self.mean_
        _, sigma, Vt = np.linalg.svd(Xc, full_matrices=False)
        Vt = sign_flip(Vt)
        variance = sigma**2 / (X.shape[0] - 1)               # all eigenvalues of S
        self.n_components_ = k
        self.n_features_in_ = X.shape[1]
        self.n_samples_ = X.shape[0]
        self.components_ = Vt[:k]
        self.singular_values_ = sigma[:k]
        self.explained_variance_ = variance[:k]
        with np.errstate(invalid="ignore"):  # 0/0 for data without variance: NaN is the answer
            self.explained_variance_ratio_ = variance[:k] / variance.sum()
        return self

    def _check_X(self, X, name: str = "X") -> np.ndarray:
        _check_fitted(self, "components_")
        X = as_matrix(X, name)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"{name} must have {self.n_features_in_} features (columns); got shape {X.shape}"
            )
        return X

    def transform(self, X) -> np.ndarray:
        """Coordinates of ``X`` along the principal directions, shape (n_samples, n_components)."""
        X = self._check_X(X)
        return (X - self.mean_) @ self.components_.T

    def fit_transform(self, X, y=None) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, Z) -> np.ndarray:
        """Map coordinates back to the data space: the best rank-k reconstruction ``Z Vₖᵀ + x̄``."""
        _check_fitted(self, "components_")
        Z = as_matrix(Z, "Z")
        if Z.shape[1] != self.n_components_:
            raise ValueError(f"Z must have {self.n_components_} columns; got shape {Z.shape}")
        return Z @ self.components_ + self.mean_


def _symmetric_decorrelation(W: np.ndarray) -> np.ndarray:
    """``(W Wᵀ)^{-1/2} W``: the orthogonal matrix nearest to W (all rows at once, no favourite)."""
    eigenvalues, E = np.linalg.eigh(W @ W.T)
    eigenvalues = np.clip(eigenvalues, np.finfo(W.dtype).tiny, None)
    return (E / np.sqrt(eigenvalues)) @ E.T @ W


class FastICA:
    """Independent component analysis by the FastICA fixed point (parallel, log-cosh contrast).

    Mixing independent non-Gaussian sources makes the mixtures *more* Gaussian (central limit
    theorem), so ICA looks for the directions of whitened data whose projections are the least
    Gaussian. Whitening leaves only a rotation to find; FastICA finds it with a Newton-like fixed
    point, keeping the rows orthonormal by symmetric decorrelation.

    Defined in the chapter *PCA and ICA*.

    Parameters
    ----------
    n_components : int or None
        Number of sources to recover (``None``: all, ``min(n_samples, n_features)``).
    max_iter : int
        Bound on the fixed-point iterations.
    tol : float
        Stop when every row of the unmixing matrix has stopped turning:
        ``max |(|diag(W_new Wᵀ)| - 1)| < tol``.
    random_state : int, numpy Generator or None
        Seeds the initial rotation.

    Attributes
    ----------
    components_ : array of shape (n_components, n_features)
        The unmixing matrix: ``sources = (X - mean_) @ components_.T``, each source scaled to unit
        variance (scikit-learn's ``whiten="unit-variance"``).
    mixing_ : array of shape (n_features, n_components)
        Pseudo-inverse of ``components_``: ``X ≈ sources @ mixing_.T + mean_``.
    mean_ : array of shape (n_features,)
    whitening_ : array of shape (n_components, n_features)
        ``K`` with ``(X - mean_) @ K.T`` white (identity covariance, divisor n).
    n_iter_ : int
    converged_ : bool
        Whether ``tol`` was reached within ``max_iter`` iterations (failure is data, not an error).
    history_ : array of shape (n_iter_,)
        The convergence criterion after each iteration.

    Notes
    -----
    With whitened data ``z`` (rows of ``Z``), ``g = tanh`` and ``g' = 1 - tanh²``, one parallel
    FastICA step for all rows ``wᵢ`` of ``W`` is::

        wᵢ ← E[z g(wᵢᵀz)] - E[g'(wᵢᵀz)] wᵢ,    then   W ← (W Wᵀ)^{-1/2} W.
    """

    def __init__(self, n_components: int | None = None, *, max_iter: int = 200, tol: float = 1e-4,
                 random_state=None) -> None:
        self.n_components = n_components
        self.max_iter = max_iter
        self.tol = tol
        self.random_state = random_state

    def fit(self, X, y=None) -> FastICA:
        """Estimate the unmixing matrix from ``X`` (n_samples, n_features)."""
        self._fit(X)
        return self

    def _fit(self, X) -> np.ndarray:
        X = as_matrix(X, "X")
        k = _check_n_components(self.n_components, X)
        max_iter = check_int(self.max_iter, "max_iter", minimum=1)
        tol = check_positive(self.tol, "tol")
        rng = as_generator(self.random_state)
        n = X.shape[0]

        self.mean_ = X.mean(axis=0)
        Xc = X - self.mean_
        # Whitening by the SVD: Z = Xc Vₖ / σₖ · √n has identity covariance (divisor n).
        _, sigma, Vt = np.linalg.svd(Xc, full_matrices=False)
        Vt = sign_flip(Vt)
        if sigma[k - 1] <= sigma[0] * np.finfo(float).eps * max(X.shape):
            raise ValueError(f"X has rank < n_components = {k}: it cannot be whitened to {k} dimensions")
        K = Vt[:k] / sigma[:k, None] * np.sqrt(n)
        Z = Xc @ K.T                                           # (n, k), white

        W = _symmetric_decorrelation(rng.normal(size=(k, k)))
        history = []
        converged = False
        for _ in range(max_iter):
            Y = Z @ W.T                                        # wᵢᵀz for every sample, (n, k)
            g = np.tanh(Y)
            g_prime = 1.0 - g**2
            W_new = (g.T @ Z) / n - g_prime.mean(axis=0)[:, None] * W
            W_new = _symmetric_decorrelation(W_new)
            lim = float(np.max(np.abs(np.abs(np.sum(W_new * W, axis=1)) - 1.0)))
            history.append(lim)
            W = W_new
            if lim < tol:
                converged = True
                break

        sources = Z @ W.T
        scale = sources.std(axis=0)                            # unit-variance sources
        self.whitening_ = K
        self.components_ = (W @ K) / scale[:, None]
        self.mixing_ = np.linalg.pinv(self.components_)
        self.n_components_ = k
        self.n_features_in_ = X.shape[1]
        self.n_iter_ = len(history)
        self.converged_ = converged
        self.history_ = np.array(history)
        return sources / scale

    def fit_transform(self, X, y=None) -> np.ndarray:
        """Fit and return the estimated sources, shape (n_samples, n_components)."""
        return self._fit(X)

    def transform(self, X) -> np.ndarray:
        """Estimated sources of ``X``: ``(X - mean_) @ components_.T``."""
        _check_fitted(self, "components_")
        X = as_matrix(X, "X")
        if X.shape[1] != self.n_features_in_:
            raise ValueError(f"X must have {self.n_features_in_} features (columns); got shape {X.shape}")
        return (X - self.mean_) @ self.components_.T

    def inverse_transform(self, S) -> np.ndarray:
        """Mix sources back into the data space: ``S @ mixing_.T + mean_``."""
        _check_fitted(self, "components_")
        S = as_matrix(S, "S")
        if S.shape[1] != self.n_components_:
            raise ValueError(f"S must have {self.n_components_} columns; got shape {S.shape}")
        return S @ self.mixing_.T + self.mean_
