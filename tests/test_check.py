"""mlcourse.check: checks pass on truths, fail on falsehoods, and explain the failure."""

import numpy as np
import pytest
import sympy as sp

from mlcourse import check, exercises


def test_symbolic_equal_passes_and_prints_the_verdict(capsys):
    x = sp.Symbol("x")
    check.symbolic_equal(sp.sin(x) ** 2 + sp.cos(x) ** 2, 1, "Pythagoras")
    assert "✔ Pythagoras: holds symbolically" in capsys.readouterr().out


def test_symbolic_equal_fails_with_both_sides():
    x = sp.Symbol("x")
    pattern = r"(?s)differ.*left : \(x \+ 1\)\*\*2.*right: x\*\*2 \+ 1.*2\*x"
    with pytest.raises(check.CheckFailed, match=pattern):
        check.symbolic_equal((x + 1) ** 2, x**2 + 1, "square of a sum")


def test_symbolic_equal_on_matrices():
    A = sp.Matrix(2, 3, sp.symbols("a:6"))
    B = sp.Matrix(3, 2, sp.symbols("b:6"))
    check.symbolic_equal((A * B).T, B.T * A.T)
    with pytest.raises(check.CheckFailed, match="differ"):
        check.symbolic_equal((A * B).T, A.T * B.T)
    with pytest.raises(check.CheckFailed, match="different shapes"):
        check.symbolic_equal(A, A.T)
    with pytest.raises(check.CheckFailed, match="different shapes"):
        check.symbolic_equal(A, 0)


def test_check_failed_is_an_assertion_error():
    """nbval and pytest treat it as a failed check, not as a crash of the tooling."""
    assert issubclass(check.CheckFailed, AssertionError)


def test_close_reports_the_worst_entry():
    expected = np.zeros((3, 4))
    actual = expected.copy()
    actual[2, 1] = 1e-3
    actual[0, 0] = 1e-6
    with pytest.raises(check.CheckFailed, match=r"(?s)2 of 12 entries.*worst at index \(2, 1\).*1\.000e-03"):
        check.close(actual, expected, atol=1e-9, name="zeros")


def test_close_passes_within_tolerance(capsys):
    check.close([1.0, 2.0], [1.0, 2.0 + 1e-13], rtol=1e-12, name="near")
    out = capsys.readouterr().out
    assert out.startswith("✔ near: max |error| = ")


def test_close_shape_mismatch_and_bad_tolerance():
    with pytest.raises(check.CheckFailed, match=r"shapes differ, actual \(2,\) vs expected \(3,\)"):
        check.close([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="rtol must be >= 0"):
        check.close(1.0, 1.0, rtol=-1)
    with pytest.raises(TypeError, match="atol must be a real number"):
        check.close(1.0, 1.0, atol="small")


def test_close_accepts_exact_sympy_matrices():
    check.close(np.array([[0.25, 0.5]]), sp.Matrix([[sp.Rational(1, 4), sp.Rational(1, 2)]]))


def test_mean_close_accepts_a_true_mean_and_rejects_a_wrong_one():
    rng = np.random.default_rng(0)
    samples = rng.normal(loc=1.0, scale=2.0, size=20_000)
    check.mean_close(samples, 1.0)
    with pytest.raises(check.CheckFailed, match=r"standard errors from the claimed 1\.2"):
        check.mean_close(samples, 1.2)
    with pytest.raises(ValueError, match="at least 2 draws"):
        check.mean_close([1.0], 1.0)


@pytest.mark.parametrize(
    "given, expected, verdict",
    [
        (3.0, 3.0, "right"),
        (-3.0, 3.0, "wrong sign"),
        (6.0, 3.0, "off by a factor of two"),
        (30.0, 3.0, "factor of ten"),
        (1 / 3.0, 3.0, "reciprocal"),
        (1000.0, 3.0, "much too large"),
        (0.001, 3.0, "much too small"),
        ([[1, 2], [3, 4]], [[1, 3], [2, 4]], "transposed"),
        ([[1, 2, 3]], [[1], [2], [3]], "transposed"),
        ([1, 2], [1, 2, 3], "wrong shape"),
        ([3, 1, 2], [1, 2, 3], "wrong order"),
        ([1, 2, 5], [1, 2, 3], "[✔ ✔ ✘]"),
        ([np.nan, 1.0], [1.0, 1.0], "NaN"),
        ("twelve", 12.0, "got a string"),
        ({"a": 1}, 12.0, "got a dict"),
    ],
)
def test_diagnose_names_the_kind_of_mistake(given, expected, verdict):
    ok, reason = check.diagnose(given, expected)
    assert ok == (verdict == "right")
    assert verdict in reason


def test_diagnose_accepts_answers_at_the_declared_precision():
    ok, _ = check.diagnose(2.070, 2.0701107, precision=exercises.sig(4))
    assert ok
    ok, reason = check.diagnose(2.071, 2.0701107, precision=exercises.sig(4))
    assert not ok and "precision" in reason
    assert check.diagnose([0.25, -5.0], [0.2500001, -4.99999], precision=exercises.sig(3))[0]
    assert check.diagnose(0.12, 0.1234, precision=exercises.decimals(2))[0]
    assert not check.diagnose(0.13, 0.1234, precision=exercises.decimals(2))[0]


def test_diagnose_symbolic():
    x = sp.Symbol("x")
    assert check.diagnose(sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x)) == (True, "right")
    assert check.diagnose(-(x**2), x**2)[1] == "wrong sign"
    reason = check.diagnose(3 * x**2, x**2)[1]
    assert "constant factor" in reason and "3" not in reason
    assert "factor of two" in check.diagnose(2 * x**2, x**2)[1]
    assert check.diagnose(sp.Matrix([1, x]), sp.Matrix([1, x]))[0]
    assert "wrong shape" in check.diagnose(sp.Matrix([1, x]), sp.Matrix([[1, x]]))[1]


def test_close_reports_absolute_error_where_the_expected_value_is_zero(capsys):
    check.close([1e-17, 0.0], [0.0, 0.0], atol=1e-15, name="zeros")
    out = capsys.readouterr().out
    assert "e+2" not in out and "e+3" not in out and "absolute" in out
    check.close([1e-17, 2.0], [0.0, 2.0], atol=1e-15, name="mixed")
    out = capsys.readouterr().out
    assert "max relative error = 0.00e+00" in out and "where the expected value is 0" in out


def test_answer_never_reveals_the_expected_value(capsys):
    expected = exercises.expected_answer("det-3x3")
    check.answer("det-3x3", expected + 1)
    out = capsys.readouterr().out
    assert out.startswith("✘ exercise 'det-3x3'")
    assert f"{expected:g}" not in out


def test_answer_placeholder_bad_input_and_require(capsys):
    check.answer("det-3x3", None)
    assert "no answer yet" in capsys.readouterr().out
    check.answer("det-3x3", ...)
    assert "no answer yet" in capsys.readouterr().out
    check.answer("det-3x4", 24)  # a mistyped key is reported, not raised
    assert "unknown exercise key 'det-3x4'; did you mean 'det-3x3'?" in capsys.readouterr().out
    check.answer(3, 24)
    assert "must be a string" in capsys.readouterr().out
    check.answer("det-3x3", "24")
    assert "got a string" in capsys.readouterr().out
    check.answer("det-3x3", float("nan"))
    assert "NaN" in capsys.readouterr().out
    with pytest.raises(check.CheckFailed, match="wrong sign"):
        check.answer("det-3x3", -exercises.expected_answer("det-3x3"), require=True)
    with pytest.raises(check.CheckFailed, match="unknown exercise key"):
        check.answer("nope", 1.0, require=True)
    check.answer("det-3x3", exercises.expected_answer("det-3x3"), require=True)


def test_diagnose_symbolic_accepts_equivalent_forms_that_simplify_misses():
    z, x = sp.symbols("z x")
    assert check.diagnose(1 / sp.cosh(z) ** 2, 1 - sp.tanh(z) ** 2)[0]
    assert check.diagnose(sp.sech(z) ** 2, 1 - sp.tanh(z) ** 2)[0]
    assert check.diagnose(x ** (1 / 3), x ** sp.Rational(1, 3))[0]
    assert "factor of two" in check.diagnose(2 * sp.sech(z) ** 2, 1 - sp.tanh(z) ** 2)[1]
    assert not check.diagnose(x**3, x**2)[0]


def test_a_nan_given_for_a_formula_is_called_nan(capsys):
    """NaN is not a formula in other symbols: the check says what it is."""
    x = sp.Symbol("x")
    for given in (sp.nan, float("nan"), np.nan):
        ok, reason = check.diagnose(given, x**2)
        assert not ok and "NaN" in reason and "not a formula" in reason and "symbols" not in reason
    ok, reason = check.diagnose(sp.zoo, x**2)
    assert not ok and "not a formula" in reason
    check.answer("nn-tanh-derivative", float("nan"))
    out = capsys.readouterr().out
    assert "NaN" in out and "other symbols" not in out


def test_precision_words_match_the_books():
    assert exercises.relative(1e-9).describe() == "a relative error of 1e-9"
    assert exercises.relative(2.5e-12).describe() == "a relative error of 2.5e-12"
    assert exercises.relative(0.01).describe() == "a relative error of 0.01"


def test_require_judges_at_the_solutions_tolerance(capsys):
    answer = exercises.expected_answer("det-3x3")
    check.answer("det-3x3", answer * (1 + 1e-6))                # a reader's 3 digits: right
    assert capsys.readouterr().out.startswith("✔")
    with pytest.raises(check.CheckFailed, match="tolerance a solution must meet"):
        check.answer("det-3x3", answer * (1 + 1e-6), require=True)
    check.answer("det-3x3", answer * (1 + 1e-12), require=True)
    with pytest.raises(TypeError, match="solution"):
        check.feedback("det-3x3", answer, solution="yes")
