"""The book's exercises: their data, their answers, the precision they ask for, and the mistakes
readers are likely to make. This is what :func:`mlcourse.check.answer` judges a reader's answer by.

How an exercise is written (every chapter follows this pattern; the model is the chapter
*Vectors and matrices*):

1. **In this package**, the part's module (``foundations.py``, ``optimization.py``, ...) adds an
   entry to its ``EXERCISES`` list::

       Exercise(
           key="det-3x3",
           data=_det3_data,                  # the numbers the text states
           answer=_det3_answer,              # computed by a trusted, independent route
           precision=sig(3),                 # or decimals(2), exact(), relative(1e-6)
           mistakes=(Mistake("you expanded along a row but forgot the alternating signs "
                             "(+, -, +)", _det3_no_signs),),   # wrong(data) -> the wrong answer
           expects="one number",
       )

   The expected answer is *computed* (numpy, sympy, torch, exact enumeration), never typed, so a
   changed problem fails the tests instead of marking right answers wrong. Each likely mistake is
   computed from the same data by a function (the seed's formula, ddof = 1, the drop instead of
   the keep probability, a forgotten transpose), and its message names the mistake in words and
   never states the answer. Aim for at least one per exercise.

   A coding exercise is a :class:`FunctionExercise`: the reader writes a function, and
   ``cases(data)`` lists the inputs (:class:`Case`, edge cases included) on which it must agree
   with ``reference`` (the package's implementation, which the tests check against torch,
   scikit-learn or scipy); its mistakes are wrong *functions*. Where the function returns a
   trajectory (iterates x₀, x₁, …, running moments), ``steps=Steps()`` makes the check name the
   first wrong step ("your iterates first differ at step t = 3") instead of "wrong values".

   The book's own solution is judged tightly: ``check.answer(key, value, require=True)`` asks a
   relative error of 1e-9 (:data:`SOLUTION_PRECISION`), not the reader's precision. An exercise
   whose solution legitimately computes the answer by another route (read off a grid, a Monte
   Carlo estimate, a value from a printed table) declares ``solution_precision=...``, with the
   reason in a comment.

2. **In the notebook**, the exercise is a markdown cell with sphinx-exercise's directive whose
   text states the key and the precision in the words of :meth:`Precision.describe` ("give it to
   3 significant digits"; for a coding exercise "to a relative error of 1e-9"), then a code cell
   with the reader's placeholder and the self-check::

       my_det = None  # your answer: one number, to 3 significant digits
       check.answer("det-3x3", my_det)

   then the gated solution: a markdown cell holding only ``solution-start`` (``:class: dropdown``),
   the solution's text and code cells (ending with ``check.answer(key, ..., require=True)``, so a
   wrong solution fails the build), and a markdown cell holding ``solution-end``. The student
   edition (``python -m mlcourse.edition student OUT_DIR``) drops everything from
   ``solution-start`` to ``solution-end`` and keeps the placeholders.

Reading these files reveals the answers: that is fine, it is a self-check, not an exam.
Keys are unique across the book; the modules here are found automatically.
"""

from __future__ import annotations

import difflib
import importlib
import pkgutil

from ._core import (
    SOLUTION_PRECISION,
    Case,
    Exercise,
    FunctionExercise,
    Mistake,
    Precision,
    Steps,
    Verdict,
    decimals,
    exact,
    judge,
    relative,
    sig,
)

__all__ = ["SOLUTION_PRECISION", "Case", "Exercise", "FunctionExercise", "Mistake", "Precision", "Steps",
           "Verdict", "all_exercises", "decimals", "exact", "exercise_data", "expected_answer", "get",
           "judge", "relative", "sig"]

_REGISTRY: dict[str, Exercise | FunctionExercise] | None = None


def all_exercises() -> dict[str, Exercise | FunctionExercise]:
    """Every exercise of the book: key -> :class:`Exercise` or :class:`FunctionExercise`."""
    global _REGISTRY
    if _REGISTRY is None:
        registry: dict[str, Exercise | FunctionExercise] = {}
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            if info.name.startswith("_"):
                continue
            module = importlib.import_module(f"{__name__}.{info.name}")
            for entry in module.EXERCISES:
                if not isinstance(entry, (Exercise, FunctionExercise)):
                    raise TypeError(f"{info.name}.EXERCISES must hold Exercise or FunctionExercise "
                                    f"objects; got {type(entry).__name__}")
                if entry.key in registry:
                    raise RuntimeError(f"exercise key {entry.key!r} is defined twice (again in {info.name})")
                registry[entry.key] = entry
        _REGISTRY = registry
    return _REGISTRY


def unknown_key_message(key) -> str:
    """What to tell a reader who typed a key that does not exist."""
    if not isinstance(key, str):
        return f"the exercise key must be a string such as 'det-3x3'; got {type(key).__name__}"
    close = difflib.get_close_matches(key, list(all_exercises()), n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else \
        "; the key is given in the exercise's text"
    return f"unknown exercise key {key!r}{hint}"


def get(key: str) -> Exercise | FunctionExercise:
    """The exercise with this key (ValueError naming close keys if there is none)."""
    if not isinstance(key, str):
        raise TypeError(f"key must be a string naming an exercise; got {type(key).__name__}")
    registry = all_exercises()
    if key not in registry:
        raise ValueError(unknown_key_message(key))
    return registry[key]


def exercise_data(key: str):
    """The data an exercise's text states (so the notebook and the check use the same numbers)."""
    return get(key).data()


def expected_answer(key: str):
    """The expected answer to an exercise, computed by a trusted route (for a coding exercise, the
    reference function)."""
    return get(key).answer()
