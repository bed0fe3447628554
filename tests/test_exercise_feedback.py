"""The self-check over every exercise of the book: it accepts right answers at the precision the
exercise asks for, names each registered mistake, and never gives the answer away.

The property tests generate wrong answers (hypothesis), wrong shapes among them, and check that
no number printed in the feedback lets a reader recover any part of the answer: for every number x
in the message and every single entry v_i of the answer that was given, none of v_i/x, v_i·x,
v_i − x, v_i + x and x itself is within a relative 1e-3 of any entry of the expected answer.

That the book's own solutions pass their checks is not tested here by judging the key against
itself: every exercise is checked with ``require=True`` in a solution cell of the book (tested
below, statically), and the book's build executes every solution.
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


SHAPE = re.compile(r"shape \([\d, ]*\)")


def leaks(message: str, key: str, given_value, expected: np.ndarray) -> list[str]:
    """The numbers in ``message`` from which, with one entry of ``given_value``, an entry of the
    answer follows.

    A printed shape, ``shape (2, 3)``, is layout (the exercise's text states it), not a value, and
    is left out; so are the identities v + 0, v − 0, v·1, v/1, which give back the reader's own entry.
    """
    text = SHAPE.sub(" ", message.replace(key, " "))
    g = np.atleast_1d(np.asarray(given_value, dtype=float)).ravel()
    e = np.atleast_1d(np.asarray(expected, dtype=float)).ravel()
    found = []
    with np.errstate(all="ignore"):
        for token in NUMBER.findall(text):
            x = float(token)
            combos = {"x": np.array([x])}
            if x != 0:
                combos.update({"v+x": g + x, "v-x": g - x})
            if x not in (0.0, 1.0):
                combos.update({"v*x": g * x, "v/x": g / x})
            for name, combo in combos.items():
                near = np.abs(combo[:, None] - e[None, :]) <= 1e-3 * np.abs(e[None, :]) + 1e-12
                if np.any(near):
                    i, j = np.argwhere(near)[0]
                    found.append(f"{token} ({name}, given entry {i} -> expected entry {j})")
    return found


def test_the_leak_test_catches_a_leak_in_one_entry():
    """The test below must flag a number that reveals one entry, not only one that reveals all."""
    expected = np.array([3.0, 7.0])
    assert leaks("the second entry is 4 too small", "k", np.array([3.0, 3.0]), expected)
    assert leaks("the first entry should be 3.0", "k", np.array([1.0, 7.0]), expected)
    assert leaks("divide the second entry by 2", "k", np.array([3.0, 14.0]), expected)
    assert not leaks("wrong shape: expected shape (2,), got shape (3,)", "k", np.zeros(3), expected)
    assert not leaks("not right: entries right (✔) and wrong (✘): [✔ ✘]", "k", np.array([3.0, 1.0]),
                     expected)


def wrong_answers(expected: np.ndarray):
    """Strategies for answers that are wrong by more than the leak test's resolution, wrong
    shapes among them (a scalar for a vector, a transposed matrix, a longer list)."""
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
    longer = st.lists(floats, min_size=1, max_size=3).map(
        lambda xs: np.concatenate([expected.reshape(-1), np.array(xs) * scale / 100]))
    strategies = [perturbed, shifted, anything, simple, permuted, longer]
    if expected.size > 1:
        strategies.append(floats.map(lambda x: np.array(x * scale / 100)))  # a scalar for a vector
    if expected.ndim == 2:
        strategies.append(factor.map(lambda f: expected.T * f))            # transposed
    return st.one_of(*strategies)


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
    if value.shape == expected.shape and np.allclose(value, expected, rtol=1e-3, atol=1e-12):
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


def same_args(a: tuple, b: tuple) -> bool:
    """Whether two cases' arguments are equal (arrays by value, functions by their code and the
    values they close over)."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if isinstance(x, np.ndarray) or isinstance(y, np.ndarray):
            if not (np.shape(x) == np.shape(y) and np.array_equal(x, y, equal_nan=True)):
                return False
        elif isinstance(x, (tuple, list)) and isinstance(y, (tuple, list)):
            if not same_args(tuple(x), tuple(y)):
                return False
        elif hasattr(x, "__code__") and hasattr(y, "__code__"):  # cases are made afresh per check:
            cells = lambda f: tuple(c.cell_contents for c in f.__closure__ or ())  # noqa: E731
            if x.__code__ is not y.__code__ or not same_args(cells(x), cells(y)):
                return False
        elif x is not y:
            try:
                if not bool(x == y):
                    return False
            except (TypeError, ValueError):
                return False
    return True


def spoil(result):
    """A result wrong in every entry (the same way for arrays, numbers and tuples of them)."""
    if isinstance(result, tuple):
        parts = [spoil(r) for r in result]
        return type(result)(*parts) if hasattr(result, "_fields") else tuple(parts)
    value = np.asarray(result, dtype=float)
    return value + 0.5 * (np.abs(value) + 1.0)  # never equal to the value (an affine map would be)


@pytest.mark.parametrize("key", FUNCTION_KEYS)
def test_every_case_of_a_coding_exercise_is_checked(key):
    """A function that is right on every case but one is rejected, and the case is named: so no
    case is vacuous (an empty result, a result the comparison skips)."""
    ex = ALL[key]
    cases = list(ex.cases(ex.data()))
    assert len(cases) >= 3, f"{key}: edge cases included, a coding exercise needs several cases"
    labels = [c.label for c in cases]
    assert len(set(labels)) == len(labels), f"{key}: two cases share a label"
    for case in cases:
        first = next(c for c in cases if same_args(c.args, case.args))

        def wrong_here(*args, _case=case):
            result = ex.reference(*args)
            return spoil(result) if same_args(args, _case.args) else result

        verdict = judge(ex, wrong_here)
        assert not verdict.ok, f"{key}: a function wrong on the case {case.label!r} passes"
        if verdict.kind != "mistake":
            assert f"on the case {first.label}:" in verdict.message, (key, case.label, verdict.message)


@pytest.mark.parametrize("key", FUNCTION_KEYS)
def test_a_coding_exercise_reports_the_kind_of_failure(key):
    ex = ALL[key]
    reference = ex.reference

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


# --- never crashing on what a reader's code returns ---------------------------------------------


class Unreadable:
    """An object whose conversion to numbers raises (as a tensor that requires grad does)."""

    shape = (2, 3)

    def __array__(self, *args, **kwargs):
        raise RuntimeError("Can't call numpy() on Tensor that requires grad")


def hostile_values():
    import torch

    return [torch.ones(2, 3, dtype=torch.float64, requires_grad=True), 10**400, [10**400, 1],
            Unreadable(), [[1.0, 2.0], [3.0]], "0.5", {"a": 1}, object(), (x for x in range(3)),
            float("nan"), sp.nan, [1.0, sp.Symbol("q")], complex(1, 2)]


@pytest.mark.parametrize("key", sorted(ALL))
def test_a_self_check_never_raises_on_what_a_reader_gives(key, capsys, monkeypatch):
    """Without require=True no answer, and no function's result, stops the notebook; the message
    names the exercise and says what was given."""
    if key in VALUE_KEYS:  # the answer and the mistakes computed once (some train a network)
        monkeypatch.setitem(ALL, key, frozen(key))
    ex = ALL[key]
    for value in hostile_values():
        given = (lambda *args, _v=value: _v) if isinstance(ex, FunctionExercise) else value
        check.answer(key, given)
        out = capsys.readouterr().out
        assert out.startswith(f"✘ exercise {key!r}: "), (key, value, out)
        with pytest.raises(check.CheckFailed):
            check.answer(key, given, require=True)
        capsys.readouterr()


def test_a_result_that_cannot_be_read_is_described(capsys):
    import torch

    def grad_tensor(G, X):
        return torch.tensor(np.asarray(G).T @ np.asarray(X), requires_grad=True).T

    check.answer("nn-weight-grad", grad_tensor)
    out = capsys.readouterr().out
    assert "exercise 'nn-weight-grad'" in out and "Tensor of shape" in out and "requires grad" in out
    check.answer("lin-det-code", lambda A: 10**400)
    out = capsys.readouterr().out
    assert "exercise 'lin-det-code'" in out and "an int too large to be a float" in out
    check.answer("lin-det-code", lambda A: Unreadable())
    out = capsys.readouterr().out
    assert "exercise 'lin-det-code'" in out and "Unreadable of shape (2, 3)" in out
    with pytest.raises(check.CheckFailed, match="too large"):
        check.answer("lin-det-code", lambda A: 10**400, require=True)


# --- the book's solutions are checked tightly -----------------------------------------------------


def test_a_solution_merely_near_the_answer_fails_the_build():
    """require=True judges at the solution's tolerance, not at the reader's precision."""
    near = 0.25**10 * 1.0004
    assert check.feedback("nn-sigmoid-chain", near).ok           # a reader's 3 significant digits
    with pytest.raises(check.CheckFailed, match="only at the reader's precision"):
        check.answer("nn-sigmoid-chain", near, require=True)
    check.answer("nn-sigmoid-chain", 0.25**10, require=True)


@pytest.mark.parametrize("key", VALUE_KEYS)
def test_require_rejects_an_answer_off_in_the_sixth_digit(key):
    ex = frozen(key)
    value = numeric(ex.answer())
    tight = ex.for_solution()
    if value is None or not np.any(value):
        return  # a formula (judged exactly) or all zeros: nothing relative to shift
    off = value * (1 + 2e-6)
    if ex.solution_precision is None:
        assert not judge(tight, off).ok, f"{key}: require=True accepts an answer off by 2e-6"
    assert judge(tight, value).ok, f"{key}: its own answer fails the solution's tolerance"


def test_declared_solution_tolerances_are_tighter_than_the_readers():
    """A declared solution tolerance loosens the default, never beyond what a reader is asked."""
    declared = {k: e for k, e in ALL.items() if isinstance(e, Exercise) and e.solution_precision}
    for key, ex in declared.items():
        value = numeric(frozen(key).answer())
        assert np.all(ex.solution_precision.tolerance(value) <= ex.precision.tolerance(value)), key
    assert len(declared) <= 12, "a declared solution tolerance is the exception, with its reason"


# --- iterative methods: the first wrong step -------------------------------------------------------

STEPWISE = sorted(k for k in FUNCTION_KEYS if ALL[k].steps is not None)


def test_every_iterative_coding_exercise_reports_steps():
    """An exercise whose function returns iterates or running values names the first wrong step."""
    iterative = sorted(k for k in FUNCTION_KEYS if re.search(r"iterates|running", ALL[k].expects))
    assert iterative and iterative == STEPWISE


@pytest.mark.parametrize("key", STEPWISE)
def test_an_iterative_method_is_told_its_first_wrong_step(key):
    ex = ALL[key]
    cases = list(ex.cases(ex.data()))
    axis = ex.steps.axis

    def longest(result):
        parts = result if isinstance(result, tuple) else (result,)
        return np.asarray(parts[-1]).shape[axis]

    case = max(cases, key=lambda c: longest(ex.reference(*c.args)))
    n = longest(ex.reference(*case.args))
    assert n >= 4, f"{key}: a case with several steps"
    bad = n // 2

    def wrong_from_step(*args):
        result = ex.reference(*args)
        parts = list(result) if isinstance(result, tuple) else [result]
        last = np.array(parts[-1], dtype=float)
        if last.shape[axis] > bad:
            index = [slice(None)] * last.ndim
            index[axis] = slice(bad, None)
            last[tuple(index)] += 0.5 * (np.abs(last[tuple(index)]) + 1.0)
        parts[-1] = last
        return tuple(parts) if isinstance(result, tuple) else last

    verdict = judge(ex, wrong_from_step)
    assert verdict.kind == "case", (key, verdict)
    at = ex.steps.at.format(bad + ex.steps.first)
    assert f"first differ {at}" in verdict.message, (key, verdict.message)
    assert NUMBER.findall(verdict.message.split("first differ")[1].split("(")[0]) == \
        [str(bad + ex.steps.first)], "only the step is printed, no value"


def test_the_first_wrong_step_of_gradient_descent():
    def gd_late_error(grad, x0, n_steps, lr):
        xs = [np.array(x0, dtype=float)]
        for t in range(n_steps):
            xs.append(xs[-1] - lr * grad(xs[-1]) * (1.5 if t == 2 else 1.0))
        return np.array(xs)

    message = judge(ALL["opt-gd-code"], gd_late_error).message
    assert "on the case thirty steps on the same quadratic: your iterates first differ at step t = 3" \
        in message


# --- mistakes that name a kind, not an amount ------------------------------------------------------

OFFSET = re.compile(r"\b(one|a) (more|less|fewer|short)\b|\bshort\b|too many by|plus one|minus one|"
                    r"off by one|\bjust (above|below)\b|\bone (step|piece|dimension|component) "
                    r"(more|less|fewer)|\b(add|subtract) (one|1)\b", re.IGNORECASE)


def test_no_mistake_message_states_an_offset():
    """"one piece short" gives the answer away; a tutor names what was counted or assumed."""
    found = [f"{key}: {m.message}" for key, ex in ALL.items() for m in ex.mistakes
             if OFFSET.search(m.message)]
    assert not found, "\n".join(found)


# --- the book: every exercise is in one chapter, with its self-check and its checked solution ----

CHECK_CALL = re.compile(r"check\.answer\(\s*[\"']([\w\-]+)[\"']\s*,")
PLACEHOLDER = re.compile(r"check\.answer\(\s*[\"']([\w\-]+)[\"']\s*,\s*(\w+)\s*\)")


@functools.cache
def book_exercises():
    """For every chapter: its exercise directives, reader's self-checks and solution checks."""
    chapters = []
    for path in sorted((ROOT / "book").glob("*/*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        directives, self_checks, solution_checks = [], [], []
        in_solution = False
        directive = None
        for cell in cells:
            text = "".join(cell["source"])
            if cell["cell_type"] == "markdown":
                if "{exercise}" in text:
                    directive = text
                    directives.append(text)
                if "{solution-start}" in text:
                    in_solution = True
                if "{solution-end}" in text:
                    in_solution = False
                continue
            if in_solution:
                solution_checks += [key for key, call in check_calls(text) if "require=True" in call]
            if not in_solution and "require=True" not in text:
                for key, _ in PLACEHOLDER.findall(text):
                    self_checks.append((key, directive))
        chapters.append((path.relative_to(ROOT).as_posix(), directives, self_checks, solution_checks))
    return chapters


def check_calls(code: str) -> list[tuple[str, str]]:
    """(key, text of the whole call) for each ``check.answer(key, ...)`` in a cell, over lines."""
    calls = []
    for match in CHECK_CALL.finditer(code):
        depth, end = 0, match.start()
        for end in range(code.index("(", match.start()), len(code)):
            depth += {"(": 1, ")": -1}.get(code[end], 0)
            if depth == 0:
                break
        calls.append((match.group(1), code[match.start():end + 1]))
    return calls


def keys_named(directive: str) -> set:
    """The exercise keys a directive asks for: "(key `det-3x3`; ...)" (other keys it mentions, say
    for their data, are not its own)."""
    return set(re.findall(r"(?i)\bkey\s+`([\w\-]+)`", directive))


def test_every_exercise_is_in_exactly_one_chapters_directive():
    where = {key: [] for key in ALL}
    for nb, directives, _, _ in book_exercises():
        for directive in directives:
            for key in keys_named(directive):
                where.setdefault(key, []).append(nb)
    assert set(where) == set(ALL), f"directives name unknown keys: {sorted(set(where) - set(ALL))}"
    problems = [f"{key}: in {places or 'no exercise directive'}" for key, places in where.items()
                if len(places) != 1]
    assert not problems, "\n".join(problems)


def test_every_exercise_is_checked_with_require_in_a_solution_of_its_chapter():
    """The build executes every solution, so this proves that the book's own solution passes the
    check at the solution's tolerance."""
    problems = []
    for nb, directives, self_checks, solution_checks in book_exercises():
        named = set().union(*map(keys_named, directives)) if directives else set()
        for key in sorted(named):
            if key not in solution_checks:
                problems.append(f"{nb}: exercise {key!r} has no check.answer(..., require=True) in "
                                f"a solution cell")
            if key not in {k for k, _ in self_checks}:
                problems.append(f"{nb}: exercise {key!r} has no reader's self-check cell")
        for key in solution_checks:
            if key not in named:
                problems.append(f"{nb}: a solution checks {key!r}, which no directive of it names")
    assert not problems, "\n".join(problems)


def exercise_cells():
    """(notebook, key, text of the exercise directive before the reader's self-check) for every self-check."""
    for nb, _, self_checks, _ in book_exercises():
        for key, directive in self_checks:
            yield nb, key, directive


def test_every_self_check_in_the_book_names_a_known_exercise():
    unknown = [(nb, key) for nb, key, _ in exercise_cells() if key not in ALL]
    assert not unknown


def precision_stated(ex, directive: str | None) -> bool:
    if not directive:
        return False
    text = " ".join(directive.split())
    words = ex.precision.describe()
    if words == "exactly":
        return "exact" in text
    return words.removeprefix("a ") in text


def test_every_exercise_text_states_its_precision():
    """Value and coding exercises alike: the text says how close an answer must be, in the words
    the check uses ("3 significant digits", "a relative error of 1e-9")."""
    missing = []
    for nb, key, directive in exercise_cells():
        ex = ALL.get(key)
        if ex is not None and not precision_stated(ex, directive):
            missing.append(f"{nb}: exercise {key!r} must say '{ex.precision.describe()}' in its text")
    assert not missing, "\n".join(missing)


def test_a_list_changed_in_place_is_a_side_effect():
    """A shuffled, cleared or reversed list argument is caught like a changed array (audit, issue 15)."""
    import random

    shuffle = ALL["theory-shuffle-mean-code"]
    taylor = ALL["calc-taylor-code"]

    def shuffled(batches, *rest):
        result = shuffle.reference(batches, *rest)
        random.Random(1).shuffle(batches)
        return result

    def cleared(batches, *rest):
        result = shuffle.reference(batches, *rest)
        batches.clear()
        return result

    def reversed_in_place(*args):
        result = taylor.reference(*args)
        next(a for a in args if isinstance(a, list)).reverse()
        return result

    assert judge(shuffle, shuffled).kind == "side-effect"
    assert judge(shuffle, cleared).kind == "side-effect"
    assert judge(taylor, reversed_in_place).kind == "side-effect"
    assert judge(shuffle, shuffle.reference).ok and judge(taylor, taylor.reference).ok


def test_a_yes_or_no_is_not_a_number():
    """True is not read as the number 1 (it passed an answer of 0.99997 to 2 decimal places)."""
    verdict = judge(ALL["gen-ae-mean-direction"], True)
    assert verdict.kind == "type" and "a bool" in verdict.message
