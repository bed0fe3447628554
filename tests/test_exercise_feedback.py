"""The self-check over every exercise of the book: it accepts right answers at the precision the
exercise asks for, names each registered mistake, and never gives the answer away.

The property tests generate wrong answers (hypothesis) and check that no number printed in the
feedback lets a reader recover the answer: for every number x in the message and the answer v
that was given, none of v/x, v·x, v − x, v + x and x itself is within a relative 1e-3 of the
expected answer.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlcourse import check, exercises
from mlcourse.exercises import Exercise, FunctionExercise, judge

ROOT = Path(__file__).resolve().parents[1]
ALL = exercises.all_exercises()
VALUE_KEYS = sorted(k for k, e in ALL.items() if isinstance(e, Exercise))
FUNCTION_KEYS = sorted(k for k, e in ALL.items() if isinstance(e, FunctionExercise))
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


@functools.cache
def frozen(key: str) -> Exercise:
    """The exercise with its data, answer and mistakes computed once (some answers call torch or sympy)."""
    ex = ALL[key]
    data, answer = ex.data(), ex.answer()
    def constant(value):
        return lambda _data: value

    mistakes = tuple(dataclasses.replace(m, wrong=constant(m.wrong(data))) for m in ex.mistakes)
    return dataclasses.replace(ex, data=lambda: data, answer=lambda: answer, mistakes=mistakes)


def numeric(value):
    if isinstance(value, (sp.Basic, sp.MatrixBase)):
        try:
            return np.array(sp.Matrix(value).evalf() if isinstance(value, sp.MatrixBase) else value.evalf(),
                            dtype=float)
        except TypeError:
            return None
    return np.asarray(value, dtype=float)


def rounded(value: np.ndarray, precision) -> np.ndarray:
    """``value`` as a reader would write it at the exercise's precision."""
    if precision.kind == "sig":
        digits = int(precision.value)
        return np.vectorize(lambda v: float(f"{v:.{digits - 1}e}"))(value).astype(float)
    if precision.kind == "decimals":
        return np.round(value, int(precision.value))
    return value


# --- the registry ---------------------------------------------------------------------------------


def test_the_registry_holds_the_books_exercises():
    assert len(ALL) >= 44
    assert FUNCTION_KEYS, "at least one coding exercise"


@pytest.mark.parametrize("key", sorted(ALL))
def test_the_expected_answer_passes_its_own_check(key):
    verdict = check.feedback(key, ALL[key].answer())
    assert verdict.ok, verdict.message


@pytest.mark.parametrize("key", VALUE_KEYS)
def test_an_answer_rounded_to_the_declared_precision_passes(key):
    ex = frozen(key)
    value = numeric(ex.answer())
    if value is None:  # a formula: nothing to round
        pytest.skip("symbolic answer")
    verdict = judge(ex, rounded(value, ex.precision))
    assert verdict.ok, f"{key}: the answer rounded to {ex.precision.describe()} is rejected: " \
                       f"{verdict.message}"
    if ex.precision.kind in ("sig", "decimals"):
        # just inside the stated precision passes, well outside it does not
        tol = ex.precision.tolerance(value)
        assert judge(ex, value + 0.9 * tol).ok
        assert not judge(ex, value + 3 * tol + 3 * np.abs(value) * 1e-12).ok


@pytest.mark.parametrize("key", sorted(ALL))
def test_every_registered_mistake_is_named(key):
    ex = frozen(key) if key in VALUE_KEYS else ALL[key]
    assert ex.mistakes, f"{key}: register at least one likely mistake"
    data = ex.data()
    messages = [m.message for m in ex.mistakes]
    assert len(set(messages)) == len(messages), f"{key}: two mistakes share a message"
    for mistake in ex.mistakes:
        verdict = judge(ex, mistake.wrong(data))
        assert not verdict.ok, f"{key}: the mistake {mistake.message!r} is accepted as right"
        assert verdict.message == mistake.message, (key, mistake.message, verdict.message)


def test_every_exercise_declares_a_precision_and_a_likely_mistake():
    for key, ex in ALL.items():
        assert isinstance(ex.precision, exercises.Precision), key
        assert ex.mistakes, f"{key}: register at least one likely mistake"


# --- never giving the answer away ------------------------------------------------------------------


def leaks(message: str, key: str, given_value: np.ndarray, expected: np.ndarray) -> list[str]:
    """The numbers in ``message`` from which, with ``given_value``, the answer follows."""
    text = message.replace(key, " ")
    found = []
    for token in NUMBER.findall(text):
        x = float(token)
        combos = {"x": np.broadcast_to(x, expected.shape), "v+x": given_value + x, "v-x": given_value - x,
                  "v*x": given_value * x}
        if x != 0:
            combos["v/x"] = given_value / x
        for name, combo in combos.items():
            if combo.shape == expected.shape and np.allclose(combo, expected, rtol=1e-3, atol=1e-12):
                found.append(f"{token} ({name})")
    return found


def wrong_answers(expected: np.ndarray):
    """Strategies for answers that are wrong by more than the leak test's resolution."""
    scale = float(np.max(np.abs(expected))) or 1.0
    floats = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)
    factor = st.floats(-20, 20, allow_nan=False).filter(lambda f: abs(f - 1) > 1e-2)
    shape = expected.shape
    perturbed = factor.map(lambda f: expected * f)
    shifted = floats.map(lambda d: expected + d * scale / 100)
    anything = st.lists(floats, min_size=expected.size, max_size=expected.size).map(
        lambda xs: np.array(xs).reshape(shape))
    simple = st.sampled_from([2.0, 0.5, 10.0, 0.1, -1.0, 4.0, 0.25]).map(lambda f: expected * f)
    permuted = st.permutations(range(expected.size)).map(
        lambda p: expected.reshape(-1)[list(p)].reshape(shape))
    return st.one_of(perturbed, shifted, anything, simple, permuted)


@pytest.mark.parametrize("key", VALUE_KEYS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_feedback_on_a_wrong_answer_never_reveals_the_answer(key, data):
    ex = frozen(key)
    expected = numeric(ex.answer())
    if expected is None:
        return  # a formula: the symbolic judge prints no numbers (tested below)
    value = data.draw(wrong_answers(expected))
    if np.allclose(value, expected, rtol=1e-3, atol=1e-12):
        return  # not wrong enough for this test to tell
    verdict = judge(ex, value)
    if verdict.ok:
        return
    assert not leaks(verdict.message, key, value, expected), (key, value.tolist(), verdict.message)


@pytest.mark.parametrize("key", VALUE_KEYS)
def test_registered_mistake_messages_reveal_nothing(key):
    ex = frozen(key)
    expected = numeric(ex.answer())
    if expected is None:
        return
    for mistake in ex.mistakes:
        value = numeric(mistake.wrong(ex.data()))
        assert not leaks(mistake.message, key, value, expected), (key, mistake.message)


def test_symbolic_feedback_prints_no_factor():
    x = sp.Symbol("x")
    for wrong in (3 * x**2, x**2 / 7, -5 * x**2, x**3):
        ok, message = check.diagnose(wrong, x**2)
        assert not ok and not NUMBER.findall(message), message


# --- coding exercises ------------------------------------------------------------------------------


@pytest.mark.parametrize("key", FUNCTION_KEYS)
def test_a_coding_exercise_reports_the_kind_of_failure(key):
    ex = ALL[key]
    reference = ex.reference
    assert judge(ex, reference).ok

    def raises(*args):
        raise RuntimeError("boom")

    def mutates(*args):
        result = reference(*args)
        for a in args:
            if isinstance(a, np.ndarray) and a.size:
                a += 1.0
                break
        return result

    def off(*args):
        result = reference(*args)
        if isinstance(result, tuple):  # every array in the result, wrong the same way
            return type(result)(*(np.asarray(r) * 1.5 + 1.0 for r in result)) if hasattr(result, "_fields") \
                else tuple(np.asarray(r) * 1.5 + 1.0 for r in result)
        return np.asarray(result) * 1.5 + 1.0

    assert judge(ex, raises).kind == "raised" and "RuntimeError: boom" in judge(ex, raises).message
    assert judge(ex, mutates).kind == "side-effect"
    assert judge(ex, off).kind == "case"
    assert judge(ex, lambda *a: None).kind == "empty"
    assert judge(ex, 3.0).kind == "type"


# --- the notebooks state the precision -------------------------------------------------------------

PLACEHOLDER = re.compile(r"check\.answer\(\s*[\"']([\w\-]+)[\"']\s*,\s*(\w+)\s*\)")


def exercise_cells():
    """(notebook, key, text of the exercise directive before the reader's self-check) for every self-check."""
    for path in sorted((ROOT / "book").glob("*/*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        directive = None
        for cell in cells:
            text = "".join(cell["source"])
            if cell["cell_type"] == "markdown" and "{exercise}" in text:
                directive = text
            if cell["cell_type"] == "code" and "require=True" not in text:
                for key, _ in PLACEHOLDER.findall(text):
                    yield path.relative_to(ROOT).as_posix(), key, directive


def test_every_self_check_in_the_book_names_a_known_exercise():
    unknown = [(nb, key) for nb, key, _ in exercise_cells() if key not in ALL]
    assert not unknown


def test_every_exercise_text_states_its_precision():
    missing = []
    for nb, key, directive in exercise_cells():
        ex = ALL.get(key)
        if ex is None or isinstance(ex, FunctionExercise):
            continue
        words = ex.precision.describe()
        said = directive and (words in directive or (words == "exactly" and "exact" in directive))
        if not said:
            missing.append(f"{nb}: exercise {key!r} must say '{words}' in its text")
    assert not missing, "\n".join(missing)
