"""The exercises' data and expected answers, behind :func:`mlcourse.check.answer`.

Each exercise in the book states its problem in the text and names a key. The expected answer is
*computed* here from the same data, by a trusted route (numpy or sympy), never written down, so a
wrong key or a changed problem fails loudly in the tests instead of marking right answers wrong.
Reading this file reveals the answers: that is fine, it is a self-check, not an exam.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["EXERCISES", "exercise_data", "expected_answer"]


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


def _lookup(key: str) -> tuple[Callable, Callable]:
    if not isinstance(key, str):
        raise TypeError(f"key must be a string naming an exercise; got {type(key).__name__}")
    if key not in EXERCISES:
        known = ", ".join(sorted(EXERCISES))
        raise ValueError(f"unknown exercise key {key!r}; known keys: {known}")
    return EXERCISES[key]


def exercise_data(key: str):
    """The data an exercise's text states (so the notebook and the check use the same numbers)."""
    return _lookup(key)[0]()


def expected_answer(key: str):
    """The expected answer to an exercise, computed by a trusted route."""
    return _lookup(key)[1]()
