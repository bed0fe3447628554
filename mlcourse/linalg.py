"""Vectors, matrices and change of basis, written out from their definitions.

The chapter *Vectors and matrices* derives every function here and checks it against numpy and
sympy; the chapter *Linear maps and change of basis* derives the basis transforms. numpy does all
of this faster: these versions exist so that the code reads like the formulas.

Conventions
-----------
* A vector is a 1-D array of shape ``(n,)``; a batch of vectors is a 2-D array of shape
  ``(n_vectors, n)``, one vector per row.
* A basis of R^n is given as a square matrix whose **columns** are the basis vectors, written in
  the components of the old (standard) basis. For the new basis ẽ₁ = 2e₁ + e₂,
  ẽ₂ = -½e₁ + ¼e₂ this is ``[[2, -0.5], [1, 0.25]]``, the forward transform F.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, as_matrix, as_vector, check_int, check_positive

__all__ = [
    "MAX_COFACTOR_SIZE",
    "basis_transforms",
    "det_cofactor",
    "inner",
    "is_symmetric",
    "map_in_new_basis",
    "matmul",
    "minor",
    "norm",
    "to_new_components",
    "to_old_components",
    "trace",
]

#: Cofactor expansion of an n×n matrix visits n! products; beyond this size it is refused.
MAX_COFACTOR_SIZE = 9


def inner(x, y) -> float:
    """Inner (dot) product ⟨x, y⟩ = Σᵢ xᵢ yᵢ of two vectors of the same length.

    Defined in the chapter *Vectors and matrices*.

    Parameters
    ----------
    x, y : array of shape (n,)
    """
    x = as_vector(x, "x")
    y = as_vector(y, "y")
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length; got shapes {x.shape} and {y.shape}")
    return float(sum(x_i * y_i for x_i, y_i in zip(x, y, strict=True)))


def norm(x) -> float:
    """Euclidean norm ‖x‖ = √⟨x, x⟩, the length of the arrow x.

    Parameters
    ----------
    x : array of shape (n,)
    """
    return float(np.sqrt(inner(x, x)))


def matmul(A, B) -> np.ndarray:
    """Matrix product C = AB, each entry the dot product of a row of A and a column of B.

    Notes
    -----
    ``C[i, j] = Σₖ A[i, k] B[k, j] = ⟨row i of A, column j of B⟩``. The product is defined only
    when A has as many columns as B has rows: (n × k)(k × m) = (n × m).

    Parameters
    ----------
    A : array of shape (n, k)
    B : array of shape (k, m)

    Returns
    -------
    C : array of shape (n, m)
    """
    A = as_matrix(A, "A")
    B = as_matrix(B, "B")
    n, k = A.shape
    k_b, m = B.shape
    if k != k_b:
        raise ValueError(
            f"A has {k} columns but B has {k_b} rows; the product of shapes {A.shape} and "
            f"{B.shape} is not defined (the inner sizes must agree)"
        )
    C = np.empty((n, m))
    for i in range(n):
        for j in range(m):
            C[i, j] = inner(A[i, :], B[:, j])
    return C


def trace(A) -> float:
    """Trace tr(A) = Σᵢ aᵢᵢ, the sum of the diagonal of a square matrix."""
    A = as_matrix(A, "A", square=True)
    return float(sum(A[i, i] for i in range(A.shape[0])))


def is_symmetric(A, *, atol: float = 0.0) -> bool:
    """Whether A = Aᵀ, entry by entry up to ``atol``."""
    A = as_matrix(A, "A", square=True)
    atol = check_positive(atol, "atol", allow_zero=True)
    return bool(np.all(np.abs(A - A.T) <= atol))


def _is_sympy_matrix(A) -> bool:
    return type(A).__module__.startswith("sympy") and hasattr(A, "tolist") and hasattr(A, "shape")


def _square_rows(A, name: str) -> list[list]:
    """A square matrix as a list of rows: float64 numbers, or sympy expressions kept exact."""
    if _is_sympy_matrix(A):
        rows = A.tolist()
        if A.shape[0] != A.shape[1] or A.shape[0] == 0:
            raise ValueError(f"{name} must be a non-empty square matrix; got shape {A.shape}")
        return rows
    return as_matrix(A, name, square=True).tolist()


def minor(A, i: int, j: int):
    """The submatrix A₍ᵢ,ⱼ₎: A with row i and column j deleted (0-based indices).

    Works on numeric arrays (returns a float64 array) and on sympy matrices (returns a sympy
    matrix, exact).
    """
    rows = _square_rows(A, "A")
    n = len(rows)
    i = check_int(i, "i", minimum=0)
    j = check_int(j, "j", minimum=0)
    if i >= n or j >= n:
        raise ValueError(f"i and j must be < {n} for A of shape ({n}, {n}); got {(i, j)}")
    sub = [row[:j] + row[j + 1 :] for r, row in enumerate(rows) if r != i]
    if _is_sympy_matrix(A):
        return type(A)(sub)
    return np.array(sub, dtype=np.float64).reshape(n - 1, n - 1)


def det_cofactor(A, row: int = 0):
    """Determinant by cofactor (Laplace) expansion along one row.

    The determinant of a 1×1 matrix is its entry; for n > 1 it is expanded along row i:

        det(A) = Σⱼ aᵢⱼ (-1)^(i+j) det(A₍ᵢ,ⱼ₎),

    where A₍ᵢ,ⱼ₎ is the minor with row i and column j removed. The result does not depend on
    the row chosen. Defined in the chapter *Vectors and matrices*.

    Parameters
    ----------
    A : array of shape (n, n), or a square sympy Matrix
        With a sympy matrix the expansion is exact and symbolic.
    row : int
        The row i to expand along (0-based).

    Returns
    -------
    float, or a sympy expression for a sympy input.

    Notes
    -----
    The expansion visits n! products, so it is refused for n > ``MAX_COFACTOR_SIZE``; numpy's
    ``numpy.linalg.det`` (an LU factorization, O(n³)) is the tool for large matrices.
    """
    rows = _square_rows(A, "A")
    n = len(rows)
    if n > MAX_COFACTOR_SIZE:
        raise ValueError(
            f"A is {n}×{n}: cofactor expansion takes n! = {np.prod(range(1, n + 1)):.3g} "
            f"products; it is limited to n <= {MAX_COFACTOR_SIZE} (use numpy.linalg.det)"
        )
    row = check_int(row, "row", minimum=0)
    if row >= n:
        raise ValueError(f"row must be < {n} for A of shape ({n}, {n}); got {row}")
    value = _expand(rows, row)
    return value if _is_sympy_matrix(A) else float(value)


def _expand(rows: list[list], i: int):
    """Cofactor expansion of a square list-of-rows matrix along row i (recursive)."""
    n = len(rows)
    if n == 1:
        return rows[0][0]
    total = 0
    for j in range(n):
        sub = [r[:j] + r[j + 1 :] for k, r in enumerate(rows) if k != i]
        total += rows[i][j] * (-1) ** (i + j) * _expand(sub, 0)
    return total


# --- change of basis -------------------------------------------------------------------------


def basis_transforms(new_basis) -> tuple[np.ndarray, np.ndarray]:
    """Forward and backward transforms (F, B) for a change of basis.

    Parameters
    ----------
    new_basis : array of shape (n, n)
        Column j is the new basis vector ẽⱼ written in the old basis: ẽⱼ = Σᵢ Fᵢⱼ eᵢ.

    Returns
    -------
    F : array of shape (n, n)
        The forward transform (a copy of ``new_basis``): old basis → new basis vectors.
    B : array of shape (n, n)
        The backward transform F⁻¹: it writes each old basis vector in the new basis.

    Raises
    ------
    ValueError
        If the columns are linearly dependent (F is singular), so they are not a basis.
    """
    F = as_matrix(new_basis, "new_basis", square=True)
    _require_invertible(F, "new_basis")
    return F.copy(), np.linalg.inv(F)


def _require_invertible(F: np.ndarray, name: str) -> None:
    rank = np.linalg.matrix_rank(F)
    if rank < F.shape[0]:
        raise ValueError(
            f"{name} must be invertible (its columns linearly independent) to be a basis; "
            f"got a matrix of shape {F.shape} and rank {rank}"
        )


def _vectors_and_basis(v, F, v_name: str) -> tuple[np.ndarray, np.ndarray]:
    F = as_matrix(F, "F", square=True)
    v = as_float_array(v, v_name)
    if v.ndim not in (1, 2) or v.shape[-1] != F.shape[0]:
        raise ValueError(
            f"{v_name} must have shape ({F.shape[0]},) or (n_vectors, {F.shape[0]}) to match F "
            f"of shape {F.shape}; got shape {v.shape}"
        )
    _require_invertible(F, "F")
    return v, F


def to_new_components(v, F) -> np.ndarray:
    """Components ṽ of a vector in the new basis, from its components v in the old basis.

    Vector components transform with the backward matrix, ṽ = B v = F⁻¹ v (solved, not
    inverted). Defined in the chapter *Linear maps and change of basis*.

    Parameters
    ----------
    v : array of shape (n,) or (n_vectors, n)
        Old components, one vector per row for a batch.
    F : array of shape (n, n)
        The forward transform: its columns are the new basis vectors.
    """
    v, F = _vectors_and_basis(v, F, "v")
    return np.linalg.solve(F, v.T).T


def to_old_components(v_new, F) -> np.ndarray:
    """Components v = F ṽ in the old basis, from the components ṽ in the new basis.

    Parameters
    ----------
    v_new : array of shape (n,) or (n_vectors, n)
    F : array of shape (n, n)
    """
    v_new, F = _vectors_and_basis(v_new, F, "v_new")
    return (F @ v_new.T).T


def map_in_new_basis(L, F) -> np.ndarray:
    """Matrix of a linear map in the new basis: L̃ = B L F = F⁻¹ L F.

    Read right to left: F turns new components into old ones, L acts, B turns the result back
    into new components.

    Parameters
    ----------
    L : array of shape (n, n)
        The map's matrix in the old basis (column j is L(eⱼ) in old components).
    F : array of shape (n, n)
        The forward transform.
    """
    L = as_matrix(L, "L", square=True)
    F = as_matrix(F, "F", square=True)
    if L.shape != F.shape:
        raise ValueError(f"L and F must have the same shape; got {L.shape} and {F.shape}")
    _require_invertible(F, "F")
    return np.linalg.solve(F, L @ F)
