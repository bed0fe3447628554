"""Part 2's exercise answers against the closed forms the chapters derive (two independent routes)."""

import numpy as np
import pytest

from mlcourse import exercises
from mlcourse.optim import minibatch, rates

pytestmark = pytest.mark.optimization


def answer(key):
    return exercises.expected_answer(key)


def test_gradient_descent_answers():
    A = exercises.exercise_data("opt-gd-max-lr")
    mu, L = np.linalg.eigvalsh(A)
    assert answer("opt-gd-max-lr") == pytest.approx(2 / L, rel=1e-15)
    np.testing.assert_allclose(answer("opt-gd-best-lr"), [rates.gd_optimal_lr(mu, L), rates.gd_rate(L / mu)],
                               rtol=1e-14)


def test_sgd_answers():
    G, b = exercises.exercise_data("opt-sgd-noise")
    assert answer("opt-sgd-noise") == pytest.approx(minibatch.gradient_noise(G, b), rel=1e-14)
    G, b = exercises.exercise_data("opt-sgd-scale")
    assert answer("opt-sgd-scale") == pytest.approx(len(G) / b, rel=1e-14)


def test_momentum_answers():
    mu, L = exercises.exercise_data("opt-heavy-ball-params")
    hb = rates.heavy_ball_optimal(mu, L)
    np.testing.assert_allclose(answer("opt-heavy-ball-params"), [hb.lr, hb.beta], rtol=1e-14)
    beta = exercises.exercise_data("opt-momentum-memory")
    assert answer("opt-momentum-memory") == pytest.approx(1 / (1 - beta), rel=1e-12)
    beta, L = exercises.exercise_data("opt-nesterov-max-lr")
    assert answer("opt-nesterov-max-lr") == pytest.approx(2 * (1 + beta) / ((1 + 2 * beta) * L), rel=1e-12)


def test_adam_answers():
    lr, _, g = exercises.exercise_data("opt-adam-first-step")
    np.testing.assert_allclose(answer("opt-adam-first-step"), -lr * g / (np.abs(g) + 1e-8), rtol=1e-14)
    grads, b = exercises.exercise_data("opt-adam-m3")
    m = sum((1 - b) * b ** (3 - t) * g for t, g in enumerate(grads, start=1))
    assert answer("opt-adam-m3") == pytest.approx(m / (1 - b**3), rel=1e-14)
