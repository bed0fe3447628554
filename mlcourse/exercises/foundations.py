"""Exercises of Part 1, *Mathematical foundations*: vectors, matrices and change of basis.

This module is the model for the others (see :mod:`mlcourse.exercises`): each exercise declares
its data, an answer computed by an independent route, the precision its text asks for, and the
mistakes readers are likely to make, each computed from the same data.
"""

from __future__ import annotations

import numpy as np

from ._core import Exercise, Mistake, exact, sig

__all__ = ["EXERCISES"]


# --- vectors and matrices ---------------------------------------------------------------------------

def _det3_data() -> np.ndarray:
    return np.array([[2.0, -1.0, 0.0], [1.0, 3.0, 2.0], [0.0, 1.0, 4.0]])


def _det3_answer():
    import sympy as sp

    return float(sp.Matrix(_det3_data().astype(int)).det())


def _det3_no_signs(M):
    # cofactor expansion along the first row with every sign +
    minors = [np.delete(np.delete(M, 0, axis=0), j, axis=1) for j in range(3)]
    return float(sum(M[0, j] * (m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]) for j, m in enumerate(minors)))


def _det3_minors_only(M):
    # the signed minors of the first row added up, without multiplying each by its entry
    minors = [np.delete(np.delete(M, 0, axis=0), j, axis=1) for j in range(3)]
    return float(sum((-1) ** j * (m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]) for j, m in enumerate(minors)))


def _product_data() -> tuple[np.ndarray, np.ndarray]:
    A = np.array([[1.0, 2.0, 0.0], [-1.0, 0.0, 3.0]])
    B = np.array([[2.0, 1.0], [0.0, -1.0], [1.0, 4.0]])
    return A, B


def _product_answer():
    import sympy as sp

    A, B = _product_data()
    return np.array(sp.Matrix(A.astype(int)) * sp.Matrix(B.astype(int)), dtype=float)


def _product_entrywise(data):
    # row i of A times ROW i of B (both truncated to two entries): a common slip in row-by-column
    A, B = data
    return np.array([[A[i, :2] @ B[j, :2] for j in range(2)] for i in range(2)])


def _product_column_by_row(data):
    # columns of A dotted with rows of B: the entries of BᵀAᵀ... of a different product
    A, B = data
    return np.array([[A[:, i] @ B[j, :2] for j in range(2)] for i in range(2)])


# --- change of basis ----------------------------------------------------------------------------------

def _basis_data() -> tuple[np.ndarray, np.ndarray]:
    # the slides' new basis (columns) and the vector w = 3e₁ - e₂
    F = np.array([[2.0, -0.5], [1.0, 0.25]])
    w = np.array([3.0, -1.0])
    return F, w


def _basis_answer():
    import sympy as sp

    F, w = _basis_data()
    exact_F = sp.Matrix(F).applyfunc(sp.nsimplify)
    return np.array(exact_F.LUsolve(sp.Matrix(w)), dtype=float).ravel()


def _basis_forward(data):
    # multiplying by F (the forward transform, new components -> old) instead of by F⁻¹
    F, w = data
    return F @ w


def _basis_transposed(data):
    # solving with the basis vectors as rows instead of columns
    F, w = data
    return np.linalg.solve(F.T, w)


def _reflection_data() -> tuple[np.ndarray, np.ndarray]:
    # reflection across the horizontal axis, and the slides' new basis
    L = np.array([[1.0, 0.0], [0.0, -1.0]])
    F = np.array([[2.0, -0.5], [1.0, 0.25]])
    return L, F


def _reflection_answer():
    import sympy as sp

    L, F = (sp.Matrix(m).applyfunc(sp.nsimplify) for m in _reflection_data())
    return np.array(F.inv() * L * F, dtype=float)


def _reflection_wrong_order(data):
    # F L F⁻¹: the transforms applied in the opposite order
    L, F = data
    return F @ L @ np.linalg.inv(F)


#: Part 1's exercises on vectors, matrices and change of basis (the calculus ones are in calculus.py)
EXERCISES = [
    Exercise(
        "det-3x3", _det3_data, _det3_answer, sig(3),
        mistakes=(
            Mistake("you expanded along the first row but gave every term a + sign: cofactors "
                    "alternate in sign (+, −, +)", _det3_no_signs),
            Mistake("you added up the signed minors but did not multiply each by its entry of the "
                    "row you expanded along", _det3_minors_only),
        ),
        expects="one number",
    ),
    Exercise(
        "product-2x3-3x2", _product_data, _product_answer, exact(),
        mistakes=(
            Mistake("you multiplied rows of A with rows of B; an entry of AB is a row of A "
                    "dotted with a column of B", _product_entrywise),
            Mistake("you dotted columns of A with rows of B; an entry (i, j) of AB is row i of A "
                    "dotted with column j of B", _product_column_by_row),
        ),
        expects="a 2×2 matrix (a nested list or an array)",
    ),
    Exercise(
        "components-new-basis", _basis_data, _basis_answer, sig(3),
        mistakes=(
            Mistake("you multiplied by F, which turns new components into old ones; components "
                    "transform the other way, with B = F⁻¹", _basis_forward),
            Mistake("you used the new basis vectors as the rows of F; they are its columns",
                    _basis_transposed),
        ),
        expects="a vector of two numbers",
    ),
    Exercise(
        "reflection-new-basis", _reflection_data, _reflection_answer, sig(3),
        mistakes=(
            Mistake("the transforms are in the wrong order: you computed F R F⁻¹; in the new basis "
                    "the matrix is B R F, first F (new to old), then R, then B (old to new)",
                    _reflection_wrong_order),
        ),
        expects="a 2×2 matrix",
    ),
]
