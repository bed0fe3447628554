"""Matrix completion by factorized gradient descent, and the nuclear norm it implicitly minimizes.

Fill in the missing entries of a partially observed matrix by writing X = UVᵀ with full-size factors
and running gradient descent on ½ Σ_(i,j) observed ((UVᵀ)ᵢⱼ - Yᵢⱼ)². Nothing in the loss prefers one
completion over another, yet from a small initialization gradient descent finds a completion of low
nuclear norm ‖X‖* = Σ σᵢ(X) (Gunasekar et al., 2017), and so recovers a low-rank matrix from few
entries.

Defined in the chapter *Implicit bias* (Part 6).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validate import as_array, as_matrix, check_int, check_positive, check_rng

__all__ = ["Certificate", "CompletionResult", "factorized_completion", "nuclear_norm",
           "nuclear_norm_certificate", "soft_impute"]


def nuclear_norm(X) -> float:
    """‖X‖* = Σᵢ σᵢ(X), the sum of the singular values."""
    return float(np.sum(np.linalg.svd(as_matrix(X, "X"), compute_uv=False)))


def _check_problem(Y, mask):
    Y = as_matrix(Y, "Y")
    mask = as_array(mask, "mask", f"a boolean array of the shape of Y, {Y.shape}")
    if mask.shape != Y.shape or mask.dtype != bool:
        raise ValueError(f"mask must be a boolean array of the shape of Y, {Y.shape}; "
                         f"got shape {mask.shape} and dtype {mask.dtype}")
    if not mask.any():
        raise ValueError("mask must observe at least one entry")
    return Y, mask


class CompletionResult(NamedTuple):
    """The outcome of :func:`factorized_completion`.

    Attributes
    ----------
    X : array of shape (n1, n2)
        The completion UVᵀ.
    U : array of shape (n1, rank)
    V : array of shape (n2, rank)
    losses : array of shape (n_steps_taken + 1,)
        ½ ‖P_Ω(UVᵀ - Y)‖² along the way.
    nuclear_norms : array of shape (n_records,)
        ‖UVᵀ‖* recorded every ``record_every`` steps.
    converged : bool
        True when the loss fell below ``tol``.
    diverged : bool
        True when the loss became non-finite.
    n_steps : int
        Steps actually taken.
    """

    X: np.ndarray
    U: np.ndarray
    V: np.ndarray
    losses: np.ndarray
    nuclear_norms: np.ndarray
    converged: bool
    diverged: bool
    n_steps: int


def factorized_completion(Y, mask, *, rank: int | None = None, init_scale: float = 1e-3,
                          lr: float = 0.05, n_steps: int = 5000, tol: float = 1e-12,
                          rng: np.random.Generator | None = None,
                          record_every: int = 100) -> CompletionResult:
    """Gradient descent on the factors of X = UVᵀ, fitting only the observed entries.

    Parameters
    ----------
    Y : array of shape (n1, n2)
        The matrix; only the entries where ``mask`` is True are used.
    mask : boolean array of shape (n1, n2)
        Ω, the observed entries.
    rank : int, optional
        The inner dimension r of the factors; min(n1, n2) by default, so that the factorization
        constrains nothing.
    init_scale : float
        U₀ and V₀ have independent N(0, init_scale²) entries.
    lr : float
        The step η.
    n_steps : int
        The most steps taken.
    tol : float
        Stop once the loss is below this.
    rng : numpy.random.Generator, optional
    record_every : int

    Returns
    -------
    CompletionResult

    Notes
    -----
    With R = P_Ω(UVᵀ - Y) (zero outside Ω): U ← U - η R V and V ← V - η Rᵀ U, both from the old
    factors. Defined in the chapter *Implicit bias*.
    """
    Y, mask = _check_problem(Y, mask)
    n1, n2 = Y.shape
    rank = min(n1, n2) if rank is None else check_int(rank, "rank", minimum=1)
    if rank > min(n1, n2):
        raise ValueError(f"rank must be <= min(n1, n2) = {min(n1, n2)} for a {n1}×{n2} matrix; "
                         f"got {rank}")
    init_scale = check_positive(init_scale, "init_scale")
    lr = check_positive(lr, "lr")
    n_steps = check_int(n_steps, "n_steps", minimum=0)
    tol = check_positive(tol, "tol", allow_zero=True)
    record_every = check_int(record_every, "record_every", minimum=1)
    rng = np.random.default_rng() if rng is None else check_rng(rng)
    U = init_scale * rng.normal(size=(n1, rank))
    V = init_scale * rng.normal(size=(n2, rank))
    target = np.where(mask, Y, 0.0)
    losses, norms = [], []
    converged = diverged = False
    step = 0
    with np.errstate(over="ignore", invalid="ignore"):  # a divergence is reported, not warned about
        for step in range(n_steps + 1):
            X = U @ V.T
            R = np.where(mask, X - target, 0.0)
            loss = 0.5 * float(np.sum(R**2))
            losses.append(loss)
            if step % record_every == 0:
                norms.append(nuclear_norm(X) if np.isfinite(X).all() else np.nan)
            if not np.isfinite(loss) or loss > 1e300:
                diverged = True
                break
            if loss <= tol:
                converged = True
                break
            if step == n_steps:
                break
            U, V = U - lr * R @ V, V - lr * R.T @ U
    with np.errstate(over="ignore", invalid="ignore"):
        X = U @ V.T
    return CompletionResult(X, U, V, np.array(losses), np.array(norms), converged, diverged, step)


def soft_impute(Y, mask, *, lam: float, n_iter: int = 500, X0=None) -> np.ndarray:
    """Nuclear-norm regularized completion by soft-impute (Mazumder, Hastie and Tibshirani, 2010).

    Minimizes ½‖P_Ω(X - Y)‖² + λ‖X‖* by the iteration X ← S_λ(P_Ω(Y) + P_Ω⊥(X)), where S_λ
    shrinks every singular value by λ (and clips at zero). As λ → 0 (with warm starts) the solution
    approaches the completion of minimum nuclear norm: the reference the chapter compares with.

    Parameters
    ----------
    Y, mask : as in :func:`factorized_completion`
    lam : float
        λ > 0.
    n_iter : int
    X0 : array of shape (n1, n2), optional
        A warm start.
    """
    Y, mask = _check_problem(Y, mask)
    lam = check_positive(lam, "lam")
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    X = np.zeros_like(Y) if X0 is None else as_matrix(X0, "X0")
    if X.shape != Y.shape:
        raise ValueError(f"X0 must have the shape of Y, {Y.shape}; got shape {X.shape}")
    for _ in range(n_iter):
        U, s, Vt = np.linalg.svd(np.where(mask, Y, X), full_matrices=False)
        X = (U * np.maximum(s - lam, 0.0)) @ Vt
    return X


class Certificate(NamedTuple):
    """A dual certificate that X is the unique completion of minimum nuclear norm.

    Attributes
    ----------
    dual_norm : float
        ‖P_T⊥(Λ)‖ (operator norm) of the best Λ found; below 1 certifies.
    residual : float
        ‖P_T(Λ) - UVᵀ‖_F, zero up to rounding when the linear conditions can be met.
    injective : bool
        Whether the observed entries determine every matrix of the tangent space T.
    certified : bool
        ``injective and dual_norm < 1 and residual`` negligible.
    """

    dual_norm: float
    residual: float
    injective: bool
    certified: bool


def nuclear_norm_certificate(Y, mask, rank: int) -> Certificate:
    """Certify that the rank-r matrix Y is the unique minimum-nuclear-norm completion of its entries on Ω.

    Parameters
    ----------
    Y : array of shape (n1, n2)
        A matrix of rank ``rank`` (a low-rank truth, or a completion truncated to its rank).
    mask : boolean array of shape (n1, n2)
        Ω, the observed entries.
    rank : int
        r; Y = U Σ Vᵀ with U, V the first r singular vectors.

    Returns
    -------
    Certificate

    Notes
    -----
    The optimality conditions of min ‖Z‖* subject to Z = Y on Ω: Y is a minimizer if some Λ that is
    zero outside Ω lies in the subdifferential of ‖·‖* at Y, that is P_T(Λ) = UVᵀ and
    ‖P_T⊥(Λ)‖ ≤ 1, where T = {UAᵀ + BVᵀ} is the tangent space of the rank-r matrices at Y,
    P_T(M) = P_U M + M P_V - P_U M P_V; it is the unique minimizer if moreover ‖P_T⊥(Λ)‖ < 1 and no
    non-zero matrix of T vanishes on Ω. The linear conditions leave an affine family of Λ; the
    function minimizes the Schatten-p norm of P_T⊥(Λ) over it for p = 16, 32, 64, 128 (L-BFGS, warm
    started), a smooth upper bound of the operator norm. Defined in the chapter *Implicit bias*.
    """
    from scipy.linalg import null_space
    from scipy.optimize import minimize

    Y, mask = _check_problem(Y, mask)
    rank = check_int(rank, "rank", minimum=1)
    n1, n2 = Y.shape
    if rank >= min(n1, n2):
        raise ValueError(f"rank must be < min(n1, n2) = {min(n1, n2)}; got {rank}")
    U_full, _, Vt_full = np.linalg.svd(Y)
    U, V = U_full[:, :rank], Vt_full[:rank].T
    PU, PV = U @ U.T, V @ V.T

    def P_T(M):
        return PU @ M + M @ PV - PU @ M @ PV

    idx = np.flatnonzero(mask.ravel())
    columns = np.empty((n1 * n2, idx.size))
    for k, flat in enumerate(idx):
        E = np.zeros(n1 * n2)
        E[flat] = 1.0
        columns[:, k] = P_T(E.reshape(n1, n2)).ravel()
    dim_T = rank * (n1 + n2 - rank)
    injective = bool(np.linalg.matrix_rank(columns) == dim_T)
    UVt = U @ V.T
    lam0 = np.linalg.lstsq(columns, UVt.ravel(), rcond=None)[0]
    residual = float(np.linalg.norm(columns @ lam0 - UVt.ravel()))
    N = null_space(columns)

    def W_of(z):
        L = np.zeros(n1 * n2)
        L[idx] = lam0 + N @ z
        L = L.reshape(n1, n2)
        return L - P_T(L)

    z = np.zeros(N.shape[1])
    for p in (16, 32, 64, 128):
        def objective(z, p=p):
            W = W_of(z)
            ev, Q = np.linalg.eigh(W.T @ W)
            ev = np.maximum(ev, 0.0)
            value = float(np.sum(ev ** (p / 2)))
            gW = p * W @ (Q * ev ** (p / 2 - 1)) @ Q.T
            gL = gW - P_T(gW)
            return value, N.T @ gL.ravel()[idx]

        if N.shape[1]:
            z = minimize(objective, z, jac=True, method="L-BFGS-B", options={"maxiter": 1000}).x
    dual_norm = float(np.linalg.norm(W_of(z), 2))
    certified = injective and dual_norm < 1 and residual <= 1e-9 * max(1.0, np.linalg.norm(UVt))
    return Certificate(dual_norm, residual, injective, bool(certified))
