"""Exercises of Part 1, *Mathematical foundations*: vectors, matrices and change of basis."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["EXERCISES"]


def _det3_data() -> np.ndarray:
    return np.array([[2.0, -1.0, 0.0], [1.0, 3.0, 2.0], [0.0, 1.0, 4.0]])


def _det3_answer():
    return float(np.linalg.det(_det3_data()))


def _product_data() -> tuple[np.ndarray, np.ndarray]:
    A = np.array([[1.0, 2.0, 0.0], [-1.0, 0.0, 3.0]])
    B = np.array([[2.0, 1.0], [0.0, -1.0], [1.0, 4.0]])
    return A, B


def _product_answer():
    A, B = _product_data()
    return A @ B


def _basis_data() -> tuple[np.ndarray, np.ndarray]:
    # the slides' new basis (columns) and the vector w = 3e₁ - e₂
    F = np.array([[2.0, -0.5], [1.0, 0.25]])
    w = np.array([3.0, -1.0])
    return F, w


def _basis_answer():
    F, w = _basis_data()
    return np.linalg.solve(F, w)


def _reflection_data() -> tuple[np.ndarray, np.ndarray]:
    # reflection across the horizontal axis, and the slides' new basis
    L = np.array([[1.0, 0.0], [0.0, -1.0]])
    F = np.array([[2.0, -0.5], [1.0, 0.25]])
    return L, F


def _reflection_answer():
    L, F = _reflection_data()
    return np.linalg.inv(F) @ L @ F


#: key -> (function returning the problem's data, function returning the expected answer)
EXERCISES: dict[str, tuple[Callable, Callable]] = {
    "det-3x3": (_det3_data, _det3_answer),
    "product-2x3-3x2": (_product_data, _product_answer),
    "components-new-basis": (_basis_data, _basis_answer),
    "reflection-new-basis": (_reflection_data, _reflection_answer),
}
