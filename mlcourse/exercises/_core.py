"""What an exercise is, and how a reader's answer is judged: the engine behind ``check.answer``.

An exercise declares

* its **data** (the numbers its text states), its **answer** computed by a trusted route, and the
  **precision** it asks for (``sig(3)``: three significant digits; ``decimals(2)``; ``exact()``
  for a formula), which its text states in words (:meth:`Precision.describe`);
* the **mistakes** readers are likely to make, each *computed* from the same data (the seed's
  formula, ddof = 1, the drop instead of the keep probability) with a sentence that names it.

For a coding exercise the answer is a function the reader writes: :class:`FunctionExercise`
runs it on generated cases (edge cases included) against the package's reference, and reports
the first case that fails and how (for an iterative method, :class:`Steps`, the first wrong step).
Whatever a reader's code returns (a tensor that requires grad, an integer too large for a float),
the check answers with a message and never raises, unless the book's own solution asks it to.

The judge never prints a number computed from the expected answer: the feedback names the kind
of mistake (wrong sign, transposed, entries in the wrong order, a simple factor, much too large,
a registered mistake) in words. ``tests/test_check.py`` checks this property with hypothesis.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import re
import types
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

__all__ = ["SOLUTION_PRECISION", "Case", "Exercise", "FunctionExercise", "Mistake", "Precision",
           "Steps", "Verdict", "decimals", "exact", "judge", "relative", "sig"]


class Verdict(NamedTuple):
    """The self-check's answer: ``ok``, a short ``kind`` (for tests) and the ``message`` a reader sees."""

    ok: bool
    kind: str
    message: str


# --- precision -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Precision:
    """How close an answer must be: build one with :func:`sig`, :func:`decimals`, :func:`exact`
    or :func:`relative`."""

    kind: str
    value: float = 0.0

    def describe(self) -> str:
        """The precision in words, as the exercise's text must state it."""
        if self.kind == "sig":
            n = int(self.value)
            return f"{n} significant digit" + ("" if n == 1 else "s")
        if self.kind == "decimals":
            n = int(self.value)
            return f"{n} decimal place" + ("" if n == 1 else "s")
        if self.kind in ("relative", "solution"):
            return f"a relative error of {_short(self.value)}"
        return "exactly"

    def tolerance(self, expected: np.ndarray) -> np.ndarray:
        """Per-entry absolute tolerance for an answer near ``expected`` (float array)."""
        e = np.abs(np.asarray(expected, dtype=np.float64))
        if self.kind == "sig":
            # half a unit in the last asked-for digit of each entry, so every correctly rounded
            # answer passes; an entry that is (nearly) zero is judged at the scale of the largest
            scale = np.maximum(e, np.max(e, initial=0.0) * 1e-3)
            safe = np.where(scale > 0, scale, 1.0)
            exponent = np.floor(np.log10(safe))
            tol = 0.5 * 10.0 ** (exponent - self.value + 1)
            return np.where(scale > 0, tol * (1 + 1e-9), 0.5 * 10.0 ** (-self.value))
        if self.kind == "decimals":
            return np.full(e.shape, 0.5 * 10.0 ** (-self.value) * (1 + 1e-9))
        if self.kind == "relative":
            return self.value * e + 1e-300
        if self.kind == "solution":
            # relative, plus a small absolute slack (1e-12 of the largest entry, at least 1e-15) so
            # that an entry which is exactly 0 accepts the rounding error of a float computation
            return self.value * e + 1e-12 * np.max(e, initial=0.0) + 1e-15
        return 1e-9 * e + 1e-12  # exact: a float must equal it to (nearly) double precision


def _short(value: float) -> str:
    """``1e-09`` written as the book writes it, ``1e-9``."""
    return re.sub(r"e([-+])0*(\d)", lambda m: "e" + ("-" if m.group(1) == "-" else "") + m.group(2),
                  f"{value:g}")


def sig(digits: int) -> Precision:
    """Answers must agree to ``digits`` significant digits (a correctly rounded answer passes)."""
    if isinstance(digits, bool) or not isinstance(digits, int) or not 1 <= digits <= 15:
        raise ValueError(f"digits must be an integer from 1 to 15; got {digits!r}")
    return Precision("sig", digits)


def decimals(places: int) -> Precision:
    """Answers must agree to ``places`` digits after the decimal point."""
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 15:
        raise ValueError(f"places must be an integer from 0 to 15; got {places!r}")
    return Precision("decimals", places)


def relative(rtol: float) -> Precision:
    """Answers must agree to a relative error of ``rtol`` (for computed, not hand-rounded, answers)."""
    if isinstance(rtol, bool) or not isinstance(rtol, (int, float)) or not 0 < rtol < 1:
        raise ValueError(f"rtol must be a number in (0, 1); got {rtol!r}")
    return Precision("relative", float(rtol))


def exact() -> Precision:
    """Symbolic answers must be equal as formulas; numbers must equal the exact value."""
    return Precision("exact")


#: how close the book's own solution must be (``check.answer(..., require=True)``) unless the
#: exercise declares a ``solution_precision``: a relative error of 1e-9, far tighter than any
#: precision a reader is asked for, so a solution that is merely near the answer fails the build
SOLUTION_PRECISION = Precision("solution", 1e-9)


# --- exercises -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Mistake:
    """A likely mistake: ``wrong(data)`` computes the wrong answer it leads to; ``message`` names it.

    For a :class:`FunctionExercise`, ``wrong(data)`` returns the wrong *function*.
    The message must not contain the expected answer.
    """

    message: str
    wrong: Callable[[Any], Any]


@dataclass(frozen=True)
class Exercise:
    """An exercise whose answer is a number, an array or a sympy expression."""

    key: str
    data: Callable[[], Any]
    answer: Callable[[], Any]
    precision: Precision
    mistakes: tuple[Mistake, ...] = ()
    #: what the answer is, in words, for the "no answer yet" message ("a vector of two numbers")
    expects: str = "a number"
    #: how close the book's solution must be; None means :data:`SOLUTION_PRECISION` (exact formulas
    #: stay exact). Declare one only where the solution legitimately computes the answer by another
    #: route (read off a slider grid, a Monte Carlo estimate), and say why in a comment.
    solution_precision: Precision | None = None

    def for_solution(self) -> Exercise:
        """This exercise judged at the tolerance the book's own solution must meet."""
        if self.solution_precision is not None:
            precision = self.solution_precision
        elif self.precision.kind == "exact" or (self.precision.kind == "relative" and
                                                 self.precision.value <= SOLUTION_PRECISION.value):
            precision = self.precision
        else:
            precision = SOLUTION_PRECISION
        return dataclasses.replace(self, precision=precision)


@dataclass(frozen=True)
class Case:
    """One input a reader's function is run on: ``label`` says what it is in words."""

    label: str
    args: tuple


@dataclass(frozen=True)
class Steps:
    """The result of an iterative method is a sequence of steps along ``axis`` (iterates x₀, x₁, …):
    a wrong result is reported at the first step that differs, as "your ``what`` first differ
    ``at.format(index + first)``" ("your iterates first differ at step t = 3")."""

    what: str = "iterates"
    at: str = "at step t = {}"
    axis: int = 0
    first: int = 0
    #: for a result that is a tuple of trajectories: how to name each ("your running means")
    names: tuple[str, ...] = ()

    def _first_difference(self, index: int, part: int | None = None) -> str:
        """The reader's message: which step is the first wrong one (no value is printed)."""
        subject = self.names[part] if part is not None and part < len(self.names) else \
            f"your {self.what}"
        return f"{subject} first differ {self.at.format(index + self.first)}"


@dataclass(frozen=True)
class FunctionExercise:
    """An exercise whose answer is a function the reader writes.

    ``reference`` is the package's implementation; ``cases(data)`` generates the inputs (edge
    cases included); the reader's function must return what ``reference`` returns on each, to
    ``precision``, without changing its inputs.
    """

    key: str
    data: Callable[[], Any]
    reference: Callable[..., Any]
    cases: Callable[[Any], Sequence[Case]]
    precision: Precision = field(default_factory=lambda: relative(1e-9))
    mistakes: tuple[Mistake, ...] = ()
    expects: str = "a function"
    #: for an iterative method (the result is a trajectory): where its steps are, so that a wrong
    #: function is told the first step at which it goes wrong
    steps: Steps | None = None

    def answer(self):
        """The reference function itself (what a right answer behaves like)."""
        return self.reference


# --- judging a value -----------------------------------------------------------------------------

_SIMPLE_FACTORS = [
    (2.0, "twice the right value: off by a factor of two"),
    (0.5, "half the right value: off by a factor of two"),
    (10.0, "ten times the right value: a misplaced decimal point or a factor of ten"),
    (0.1, "a tenth of the right value: a misplaced decimal point or a factor of ten"),
    (100.0, "a hundred times the right value: a misplaced decimal point"),
    (0.01, "a hundredth of the right value: a misplaced decimal point"),
    (4.0, "four times the right value: a factor of two applied twice?"),
    (0.25, "a quarter of the right value: a factor of two applied twice?"),
]

_NOT_NUMBERS = "expected {expects}; got {what}"


def _is_sympy(value) -> bool:
    try:
        import sympy as sp
    except ImportError:  # pragma: no cover
        return False
    return isinstance(value, (sp.Basic, sp.MatrixBase))


def _as_numbers(value):
    """``value`` as a float array, or None if it is not numbers (a string, a dict, a symbol...)."""
    if isinstance(value, (str, bytes, dict, set, bool, np.bool_)) or callable(value):
        return None  # (True is not the number 1 here: a yes/no is not an answer of numbers)
    if _is_sympy(value):
        import sympy as sp

        try:
            value = np.array(sp.Matrix(value).evalf() if isinstance(value, sp.MatrixBase) else
                             value.evalf(), dtype=np.float64)
        except (TypeError, ValueError):
            return None
        return value
    try:
        a = np.asarray(value)
        if a.dtype == object or a.dtype.kind in "USVO":
            a = np.asarray(value, dtype=np.float64)
        if np.iscomplexobj(a):
            if np.any(a.imag != 0):
                return None
            a = a.real
        return np.asarray(a, dtype=np.float64)
    except Exception:  # whatever a reader's object raises (a tensor that requires grad, an
        return None    # integer too large for a float): it is not numbers


def _describe(value) -> str:
    """What a reader gave, in words: its type, and its shape or length where it has one."""
    if isinstance(value, str):
        return "a string"
    if isinstance(value, dict):
        return "a dict"
    name = type(value).__name__
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            float(value)
        except OverflowError:
            return "an int too large to be a float"
        return "an int"
    shape = getattr(value, "shape", None)
    if shape is not None and not callable(shape):
        try:
            shape = tuple(int(n) for n in shape)
        except (TypeError, ValueError):
            return f"a {name}"
        text = f"a {name} of shape {shape}"
        if getattr(value, "requires_grad", False) is True:
            text += " that requires grad (return value.detach(), or a NumPy array)"
        return text
    if isinstance(value, (list, tuple)):
        return f"a {name} of length {len(value)}"
    return f"an {name}" if name[:1].lower() in "aeiou" else f"a {name}"


def _within(g: np.ndarray, e: np.ndarray, precision: Precision) -> bool:
    return g.shape == e.shape and bool(np.all(np.abs(g - e) <= precision.tolerance(e)))


def _marks(ok: np.ndarray) -> str:
    """Entries as ✔/✘ in the answer's layout: says which are right without printing any number."""
    if ok.ndim == 1:
        return "[" + " ".join("✔" if v else "✘" for v in ok) + "]"
    return "[" + ", ".join(_marks(row) for row in ok) + "]"


def _judge_numbers(g: np.ndarray, e: np.ndarray, ex: Exercise, mistakes: list) -> Verdict:
    with np.errstate(all="ignore"):  # an overflow in a ratio is a "no", not a warning for the reader
        return _judge_numbers_quietly(g, e, ex, mistakes)


def _judge_numbers_quietly(g: np.ndarray, e: np.ndarray, ex: Exercise, mistakes: list) -> Verdict:
    p = ex.precision
    if g.shape != e.shape:
        if g.ndim == 2 and _within(g.T, e, p):
            return Verdict(False, "transposed", "transposed: rows and columns are swapped")
        if g.size == e.size and _within(g.reshape(e.shape), e, p):
            return Verdict(False, "shape", f"the numbers are right but the shape is not: expected "
                                           f"shape {e.shape}, got shape {g.shape}")
        return Verdict(False, "shape", f"wrong shape: expected shape {e.shape}, got shape {g.shape}")
    if not np.all(np.isfinite(g)):
        return Verdict(False, "nan", "the answer contains NaN or infinity")
    if _within(g, e, p):
        return Verdict(True, "right", "right" if p.kind == "exact" else f"right (to {p.describe()})")
    for message, wrong in mistakes:
        if wrong.shape == g.shape and _within(g, wrong, p):
            return Verdict(False, "mistake", message)
    if g.ndim == 2 and g.shape[0] == g.shape[1] and _within(g.T, e, p):
        return Verdict(False, "transposed", "transposed: rows and columns are swapped")
    if np.any(e != 0) and _within(-g, e, p):
        return Verdict(False, "sign", "wrong sign")
    if g.ndim == 1 and g.size > 1 and _within(np.sort(g), np.sort(e), p):
        return Verdict(False, "order", "the right numbers, but in the wrong order")
    if np.any(e != 0):
        for factor, words in _SIMPLE_FACTORS:
            if _within(g / factor, e, p) or _within(g, factor * e, p):
                return Verdict(False, "factor", words)
        if g.size == 1 and np.all(g != 0) and _within(1.0 / g, e, p):
            return Verdict(False, "reciprocal", "the reciprocal of the right value: upside down")
    if g.size == 1:
        gv, ev = float(g.reshape(-1)[0]), float(e.reshape(-1)[0])
        if ev != 0 and abs(gv) > 10 * abs(ev):
            return Verdict(False, "too-large", "not right: much too large (by more than an order of "
                                               "magnitude)")
        if ev != 0 and abs(gv) < abs(ev) / 10:
            return Verdict(False, "too-small", "not right: much too small (by more than an order of "
                                               "magnitude)")
        if ev != 0 and gv != 0 and np.sign(gv) != np.sign(ev):
            return Verdict(False, "value", "not right, and the sign is wrong too")
        return Verdict(False, "value", "not right (at the precision the exercise asks for)")
    ok = np.abs(g - e) <= p.tolerance(e)
    if not np.any(ok):
        return Verdict(False, "entries", "not right: no entry is right (at the precision the exercise "
                                         "asks for)")
    return Verdict(False, "entries", f"not right: entries right (✔) and wrong (✘): {_marks(ok)}")


def _judge_symbolic(given, ex: Exercise, expected, mistakes: list) -> Verdict:
    import sympy as sp

    try:
        with warnings.catch_warnings():  # torch warns when a tensor that requires grad is read
            warnings.simplefilter("ignore")
            g = sp.sympify(given)
    except (sp.SympifyError, TypeError, AttributeError):
        return Verdict(False, "type", _NOT_NUMBERS.format(expects=ex.expects, what=_describe(given)))
    e = sp.sympify(expected)
    if not isinstance(g, (sp.Expr, sp.MatrixBase)):
        return Verdict(False, "type", _NOT_NUMBERS.format(expects=ex.expects, what=_describe(given)))
    if g.has(sp.nan) or any(a.has(sp.nan) for a in (g if isinstance(g, sp.MatrixBase) else [])):
        return Verdict(False, "nan", f"the answer is NaN (not a number), not a formula; expected "
                                     f"{ex.expects}")
    if not isinstance(g, sp.MatrixBase) and g.is_number and g.is_finite is False:
        return Verdict(False, "nan", f"the answer is infinite, not a formula; expected {ex.expects}")
    if isinstance(g, sp.MatrixBase) != isinstance(e, sp.MatrixBase):
        return Verdict(False, "shape", "wrong kind: one of the answer and the expected is a matrix and "
                                       "the other is not")
    if isinstance(e, sp.MatrixBase) and g.shape != e.shape:
        return Verdict(False, "shape", f"wrong shape: expected shape {e.shape}, got shape {g.shape}")

    symbols = sorted(e.free_symbols | g.free_symbols, key=str)
    points = _sample_points(symbols)

    def numeric(expr):
        """``expr`` at the sample points (None where it cannot be evaluated to finite reals)."""
        values = []
        for point in points:
            try:
                v = complex(sp.N(expr.subs(point), 30))
            except (TypeError, ValueError, ZeroDivisionError, AttributeError):
                return None
            if not np.isfinite(v) or abs(v.imag) > 1e-12 * max(1.0, abs(v.real)):
                return None
            values.append(v.real)
        return np.array(values)

    def same(a, b) -> bool:
        """Equal as formulas: simplification first, then agreement at random points (so that forms
        simplify cannot match, 1/cosh² against 1 − tanh², or a float exponent 0.333… for ⅓, count)."""
        d = a - b
        if isinstance(d, sp.MatrixBase):
            return bool(d.applyfunc(sp.simplify).is_zero_matrix)
        if sp.simplify(d) == 0:
            return True
        va, vb = numeric(a), numeric(b)
        return va is not None and vb is not None and \
            bool(np.all(np.abs(va - vb) <= 1e-9 * np.maximum(1.0, np.abs(vb))))

    if same(g, e):
        return Verdict(True, "right", "right")
    for message, wrong in mistakes:
        if same(g, sp.sympify(wrong)):
            return Verdict(False, "mistake", message)
    if same(g, -e):
        return Verdict(False, "sign", "wrong sign")
    if not isinstance(e, sp.MatrixBase) and e != 0:
        vg, ve = numeric(g), numeric(e)
        if vg is not None and ve is not None and np.all(ve != 0):
            ratios = vg / ve
            if np.all(np.abs(ratios - ratios[0]) <= 1e-9 * max(1.0, abs(ratios[0]))) and ratios[0] != 0:
                for factor, words in _SIMPLE_FACTORS:
                    if abs(ratios[0] - factor) <= 1e-9 * factor:
                        return Verdict(False, "factor", words)
                return Verdict(False, "factor",
                               "off by a constant factor (the shape of the formula is right)")
        free = e.free_symbols | g.free_symbols
        if free and g.free_symbols != e.free_symbols:
            return Verdict(False, "symbols", "not right: the answer depends on other symbols than the "
                                             "right one does")
    return Verdict(False, "value", "not right: the expressions differ")


def _sample_points(symbols) -> list[dict]:
    """A few fixed points (reproducible) at which two formulas in these symbols are compared."""
    rng = np.random.default_rng(20261205)
    return [{s: _sp_float(v) for s, v in zip(symbols, rng.uniform(0.2, 1.7, len(symbols)), strict=True)}
            for _ in range(6)]


def _sp_float(value: float):
    import sympy as sp

    return sp.Float(float(value), 30)


@functools.lru_cache(maxsize=64)
def _worked(answer: Callable[[], Any], data: Callable[[], Any], mistakes: tuple[Mistake, ...]):
    """The expected answer and each registered mistake's wrong answer, computed once per exercise:
    some take seconds (a network trained to its staircase), and a reader checks again and again.
    Only the judges read them; the reader's ``exercise_data`` is computed afresh each time."""
    given_data = data()
    return answer(), [(m.message, m.wrong(given_data)) for m in mistakes]


def judge_value(ex: Exercise, given) -> Verdict:
    """Judge an answer to a value exercise (never raises on the reader's input)."""
    if given is None or given is Ellipsis:  # before computing anything: a placeholder answers at once
        return Verdict(False, "empty", f"no answer yet; replace the placeholder with {ex.expects}")
    expected, wrongs = _worked(ex.answer, ex.data, ex.mistakes)
    if _is_sympy(expected) and ex.precision.kind == "exact" and not _numeric_sympy(expected):
        if isinstance(given, (str, bytes, dict, set)) or callable(given):
            return Verdict(False, "type", _NOT_NUMBERS.format(expects=ex.expects, what=_describe(given)))
        return _judge_symbolic(given, ex, expected, wrongs)
    g = _as_numbers(given)
    if g is None:
        return Verdict(False, "type", _NOT_NUMBERS.format(expects=ex.expects, what=_describe(given)))
    e = _as_numbers(expected)
    mistakes = [(msg, _as_numbers(w)) for msg, w in wrongs]
    return _judge_numbers(g, e, ex, [(m, w) for m, w in mistakes if w is not None])


def _numeric_sympy(value) -> bool:
    import sympy as sp

    if isinstance(value, sp.MatrixBase):
        return all(entry.is_number for entry in value)
    return bool(getattr(value, "is_number", False))


# --- judging a function --------------------------------------------------------------------------


def _snapshot(args: tuple):
    return copy.deepcopy(args)


def _same_structure(a, b, precision: Precision, steps: Steps | None = None,
                    part: int | None = None) -> tuple[bool, str]:
    """Compare two results (arrays, numbers, or tuples/NamedTuples of them). Returns (ok, what differs).

    With ``steps``, a result that is a trajectory is reported at its first wrong step. May raise
    on a reader's result that cannot be read as numbers; :func:`judge_function` reports that.
    """
    if isinstance(b, tuple):
        if not isinstance(a, tuple) or len(a) != len(b):
            n = len(b)
            return False, f"it should return {n} values (a tuple), but it returns {_describe(a)}" if \
                not isinstance(a, tuple) else f"it returns {len(a)} values instead of {n}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            ok, what = _same_structure(x, y, precision, steps, part=i)
            if not ok:
                if steps is not None and i < len(steps.names) and what.startswith(steps.names[i]):
                    return False, what
                name = b._fields[i] if hasattr(b, "_fields") else f"value number {i + 1}"
                return False, f"{name}: {what}"
        return True, ""
    ea = _as_numbers(b)
    ga = _as_numbers(a)
    if ea is None:  # not numeric: compare as objects
        return (a == b), "a different result"
    if ga is None:
        return False, f"it returns {_describe(a)} instead of numbers"
    if ga.shape != ea.shape:
        return False, f"wrong shape: expected shape {ea.shape}, got shape {ga.shape}"
    fin = np.isfinite(ea)
    with np.errstate(all="ignore"):
        e_fin = np.where(fin, ea, 0.0)
        within = np.abs(np.where(fin, ga, 0.0) - e_fin) <= precision.tolerance(e_fin)
        right = np.where(fin, np.isfinite(ga) & within, ~np.isfinite(ga))
    if np.all(right):
        return True, ""
    if steps is not None and ea.ndim > steps.axis and ea.shape[steps.axis] > 1:
        wrong = np.moveaxis(~right, steps.axis, 0).reshape(ea.shape[steps.axis], -1).any(axis=1)
        return False, steps._first_difference(int(np.argmax(wrong)), part)
    if not np.all(np.isfinite(ga) == fin):
        return False, "it returns NaN or infinity where the result is finite (or the reverse)"
    with np.errstate(all="ignore"):
        if np.any(ea[fin] != 0) and np.all(np.abs(-ga[fin] - ea[fin]) <= precision.tolerance(ea[fin])):
            return False, "wrong sign"
    return False, "wrong values"


def _changed(before, after) -> bool:
    """Whether the reader's function changed an input in place: an array, or a list, tuple or dict
    (a list shuffled, cleared, extended or with an entry replaced counts), or a number or a
    function in one. Other objects (a problem, a generator) are not compared."""
    if isinstance(before, np.ndarray):
        return not (isinstance(after, np.ndarray) and before.shape == after.shape and
                    np.array_equal(before, after, equal_nan=True))
    if isinstance(before, (list, tuple)):
        return (type(after) is not type(before) or len(after) != len(before) or
                any(_changed(x, y) for x, y in zip(before, after, strict=True)))
    if isinstance(before, dict):
        return (not isinstance(after, dict) or after.keys() != before.keys() or
                any(_changed(before[k], after[k]) for k in before))
    if isinstance(before, (int, float, complex, np.number, str, bool)) or before is None:
        if isinstance(before, (int, float, complex, np.number)) and not isinstance(before, bool):
            return not (isinstance(after, (int, float, complex, np.number)) and
                        np.array_equal(before, after, equal_nan=True))
        return before != after
    if isinstance(before, (types.FunctionType, types.BuiltinFunctionType, type)):
        return after is not before  # copied as themselves: another one here was put in its place
    return False


def judge_function(ex: FunctionExercise, given) -> Verdict:
    """Run a reader's function on the exercise's cases against the reference (never raises)."""
    if given is None or given is Ellipsis:
        return Verdict(False, "empty", f"no answer yet; replace the placeholder with {ex.expects}")
    if not callable(given):
        return Verdict(False, "type", f"expected {ex.expects}; got {_describe(given)}")
    data = ex.data()
    cases = list(ex.cases(data))
    wrong_fns = [(m.message, m.wrong(data)) for m in ex.mistakes]
    failures = []
    for case in cases:
        inputs = _snapshot(case.args)
        try:
            got = given(*inputs)
        except NotImplementedError:
            return Verdict(False, "empty", "no answer yet: your function raises NotImplementedError")
        except Exception as err:  # the reader's code: report, never crash
            return Verdict(False, "raised", f"on the case {case.label}, your function raised "
                                            f"{type(err).__name__}: {err}")
        if got is None:
            return Verdict(False, "empty", "no answer yet: your function returns None")
        if _changed(case.args, inputs):
            return Verdict(False, "side-effect", f"on the case {case.label}, your function changed one "
                                                 f"of its inputs in place; copy a list or an array "
                                                 f"before changing it")
        expected = ex.reference(*_snapshot(case.args))
        try:
            ok, what = _same_structure(got, expected, ex.precision, ex.steps)
        except Exception as err:  # a result that cannot be read: report it, never crash
            return Verdict(False, "unreadable", f"on the case {case.label}, your function returned "
                                                f"{_describe(got)}, which cannot be compared with the "
                                                f"reference's numbers ({type(err).__name__}: {err})")
        if not ok:
            failures.append((case, got, what))
    if not failures:
        return Verdict(True, "right", f"right: your function agrees with the reference on all {len(cases)} "
                                      f"cases")

    def matches(got, wrong, case) -> bool:
        try:
            return _same_structure(got, wrong(*_snapshot(case.args)), ex.precision)[0]
        except Exception:  # a mistake that cannot be compared is not this mistake
            return False

    for message, wrong in wrong_fns:
        if all(matches(got, wrong, case) for case, got, _ in failures):
            return Verdict(False, "mistake", message)
    case, _, what = failures[0]
    return Verdict(False, "case", f"on the case {case.label}: {what} "
                                  f"({len(failures)} of {len(cases)} cases fail)")


def judge(ex: Exercise | FunctionExercise, given, *, solution: bool = False) -> Verdict:
    """Judge a reader's answer to ``ex``. Never raises because of the answer.

    ``solution=True`` judges the book's own solution: a value exercise at its solution's tolerance
    (:meth:`Exercise.for_solution`), a coding exercise as a reader's function.
    """
    if solution and isinstance(ex, Exercise):
        ex = ex.for_solution()
    try:
        if isinstance(ex, FunctionExercise):
            return judge_function(ex, given)
        return judge_value(ex, given)
    except Exception as err:  # a last guard: the notebook must go on
        return Verdict(False, "unreadable", f"could not read the answer, {_describe(given)} "
                                            f"({type(err).__name__}: {err}); expected {ex.expects}")
