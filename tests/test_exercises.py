"""The exercises' expected answers, recomputed independently (exactly, with sympy)."""

import numpy as np
import pytest
import sympy as sp

from mlcourse import exercises


def exact(a):
    return sp.Matrix(np.asarray(a)).applyfunc(sp.nsimplify)


def test_every_exercise_has_data_and_an_answer():
    for key, ex in exercises.all_exercises().items():
        exercises.exercise_data(key)
        answer = exercises.expected_answer(key)
        if isinstance(ex, exercises.FunctionExercise):
            assert callable(answer)
        elif isinstance(answer, (sp.Basic, sp.MatrixBase)) and not getattr(answer, "is_number", False):
            assert not isinstance(answer, sp.MatrixBase) or answer.shape  # a formula: nothing to evaluate
        else:
            assert np.all(np.isfinite(np.asarray(exercises.expected_answer(key), dtype=float)))


def test_det_3x3_is_24():
    M = exact(exercises.exercise_data("det-3x3"))
    assert M.det() == 24
    assert exercises.expected_answer("det-3x3") == pytest.approx(24, rel=1e-14)


def test_product_answer():
    A, B = (exact(m) for m in exercises.exercise_data("product-2x3-3x2"))
    np.testing.assert_array_equal(exercises.expected_answer("product-2x3-3x2"), np.array(A * B, dtype=float))


def test_components_in_new_basis_answer():
    F, w = exercises.exercise_data("components-new-basis")
    exact_answer = exact(F).inv() * exact(w.reshape(2, 1))
    assert exact_answer == sp.Matrix([sp.Rational(1, 4), -5])
    np.testing.assert_allclose(exercises.expected_answer("components-new-basis"), [0.25, -5.0], rtol=1e-14)


def test_reflection_answer():
    L, F = (exact(m) for m in exercises.exercise_data("reflection-new-basis"))
    np.testing.assert_allclose(exercises.expected_answer("reflection-new-basis"),
                               np.array(F.inv() * L * F, dtype=float), rtol=1e-14, atol=1e-15)


def test_unknown_key():
    with pytest.raises(ValueError, match="unknown exercise key 'nope'; the key is given"):
        exercises.expected_answer("nope")
    with pytest.raises(TypeError, match="key must be a string"):
        exercises.exercise_data(3)


def test_ica_gaussian_answer_is_the_mean_best_coordinate_of_a_random_unit_vector():
    """The quadrature against Monte Carlo (4 standard errors) and its mistakes against closed forms."""
    ex = exercises.get("stat-ica-gaussian")
    u = np.random.default_rng(0).normal(size=(200_000, ex.data()))
    best = np.abs(u / np.linalg.norm(u, axis=1, keepdims=True)).max(axis=1)
    assert abs(best.mean() - ex.answer()) < 4 * best.std() / np.sqrt(len(best))
    assert ex.answer() > 1 / np.sqrt(3)           # a unit vector has an entry of at least 1/√3
    wrong = {m.message.split(";")[0]: m.wrong(ex.data()) for m in ex.mistakes}
    assert min(wrong.values(), key=lambda v: abs(v - 0.5)) == pytest.approx(0.5, rel=1e-12)
    assert any(v == pytest.approx(2 * np.sqrt(2) / np.pi, rel=1e-10) for v in wrong.values())
