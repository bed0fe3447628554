"""The exercises' data and expected answers, behind :func:`mlcourse.check.answer`.

Each exercise in the book states its problem in the text and names a key. The expected answer is
*computed* from the same data by a trusted route (numpy, sympy, torch), never written down, so a
wrong key or a changed problem fails loudly in the tests instead of marking right answers wrong.
Reading these files reveals the answers: that is fine, it is a self-check, not an exam.

Each part of the book keeps its exercises in a module of this package (``foundations.py``,
``optimization.py``, ...) that defines ``EXERCISES``, a dict from key to a pair of functions
``(data, answer)``. The modules are found automatically; keys must be unique across the book.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

__all__ = ["all_exercises", "exercise_data", "expected_answer"]

_REGISTRY: dict[str, tuple[Callable, Callable]] | None = None


def all_exercises() -> dict[str, tuple[Callable, Callable]]:
    """Every exercise of the book: key -> (function returning its data, function returning its answer)."""
    global _REGISTRY
    if _REGISTRY is None:
        registry: dict[str, tuple[Callable, Callable]] = {}
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{__name__}.{info.name}")
            for key, entry in module.EXERCISES.items():
                if key in registry:
                    raise RuntimeError(f"exercise key {key!r} is defined twice (again in {info.name})")
                registry[key] = entry
        _REGISTRY = registry
    return _REGISTRY


def _lookup(key: str) -> tuple[Callable, Callable]:
    if not isinstance(key, str):
        raise TypeError(f"key must be a string naming an exercise; got {type(key).__name__}")
    registry = all_exercises()
    if key not in registry:
        raise ValueError(f"unknown exercise key {key!r}; known keys: {', '.join(sorted(registry))}")
    return registry[key]


def exercise_data(key: str):
    """The data an exercise's text states (so the notebook and the check use the same numbers)."""
    return _lookup(key)[0]()


def expected_answer(key: str):
    """The expected answer to an exercise, computed by a trusted route."""
    return _lookup(key)[1]()
