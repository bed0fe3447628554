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


# --- the second edition's exercises: each answer against a closed form or a second route ----------


def test_second_edition_gradient_descent_answers():
    lr = exercises.exercise_data("opt-gd-saddle-decade")
    assert answer("opt-gd-saddle-decade") == pytest.approx(np.log(10) / np.log1p(lr), rel=1e-14)
    A, lr = exercises.exercise_data("opt-gd-steep-rate")
    mu, L = np.linalg.eigvalsh(A)
    assert answer("opt-gd-steep-rate") == pytest.approx(max(abs(1 - lr * mu), abs(1 - lr * L)), rel=1e-14)
    assert lr > rates.gd_optimal_lr(mu, L), "the exercise is about a rate above η*, near 2/L"


def test_second_edition_sgd_answers():
    G, b = exercises.exercise_data("opt-sgd-noise-replace")
    assert answer("opt-sgd-noise-replace") == pytest.approx(minibatch.gradient_noise(G, b, replace=True),
                                                            rel=1e-14)
    # the floor's ratio: to first order in η it is ½; the exact stationary value is a little less
    ratio = answer("opt-sgd-floor-ratio")
    assert 0.45 < ratio < 0.5


def test_second_edition_momentum_answers():
    beta = exercises.exercise_data("opt-nesterov-bound")
    assert answer("opt-nesterov-bound") == pytest.approx(2 * (1 + beta) / (1 + 2 * beta), rel=1e-12)
    (mu, L), lr = exercises.exercise_data("opt-momentum-best-beta")
    closed = max(1 - np.sqrt(lr * mu), np.sqrt(lr * L) - 1) ** 2   # the smallest β with complex roots
    assert answer("opt-momentum-best-beta") == pytest.approx(closed, rel=1e-6)
    A = np.diag([mu, L])
    radius = rates.spectral_radius(rates.heavy_ball_iteration_matrix(A, lr, answer("opt-momentum-best-beta")))
    assert radius == pytest.approx(np.sqrt(closed), rel=1e-4)


def test_second_edition_adam_answers():
    lr, alpha, g = exercises.exercise_data("opt-rmsprop-first-step")
    assert answer("opt-rmsprop-first-step") == pytest.approx(-lr * g / (np.sqrt((1 - alpha) * g * g) + 1e-8),
                                                             rel=1e-12)
    b1, b2 = exercises.exercise_data("opt-adam-notes-peak")
    t = np.arange(1, 2000)
    factor = (1 - b1**t) / ((1 - b1) * np.sqrt(1 - b2**t))
    assert answer("opt-adam-notes-peak") == pytest.approx(factor.max(), rel=1e-12)


def test_second_edition_playground_answers():
    from mlcourse.optim import playground, problems

    valley = problems.valley()
    L = np.linalg.eigvalsh(valley.hessian(np.zeros(2))).max()
    assert answer("opt-valley-edge") == pytest.approx(2 / L, rel=1e-12)
    d = exercises.exercise_data("opt-saddle-escape")
    c = playground.Controls.for_problem("saddle", n_steps=d["n_steps"])
    assert (c.lr, c.lr_adaptive, c.beta, c.alpha, c.beta1, c.beta2) == \
        (d["lr"], d["lr_adaptive"], d["beta"], d["alpha"], d["beta1"], d["beta2"]), "playground defaults"
    assert tuple(problems.saddle().start) == d["start"]
    t = playground.trajectories(c)
    steps = [int(np.argmax(np.abs(t.iterates[i, :, 1]) > d["threshold"])) for i in range(len(t.names))]
    np.testing.assert_array_equal(answer("opt-saddle-escape"), steps)
    assert steps[t.names.index("RMSprop")] == 1, "RMSprop's uncorrected first step leaves at once"
    h = exercises.exercise_data("opt-himmelblau-adam")
    minimizers = problems.himmelblau().minimizers
    assert np.min(np.linalg.norm(minimizers - answer("opt-himmelblau-adam"), axis=1)) < 1e-9
    run = playground.trajectories(playground.Controls.for_problem(
        "himmelblau", start=h["start"], n_steps=h["n_steps"], lr=h["lr_gd"], lr_adaptive=h["lr"]))
    adam_end = run.iterates[run.names.index("Adam"), -1]
    gd_end = run.iterates[run.names.index("GD"), -1]
    np.testing.assert_allclose(adam_end, answer("opt-himmelblau-adam"), atol=1e-6)
    assert np.linalg.norm(gd_end - adam_end) > 1, "GD and Adam end in different minima from this start"


def test_the_exercises_numpy_optimizers_match_torch():
    """The playground exercises' answers come from numpy loops written from torch's algorithms; they
    must agree with torch.optim itself."""
    import torch

    from mlcourse.exercises import optimization as ex

    def grad(x):
        return np.array([x[0], -x[1] + x[1] ** 3]) + 0.3 * np.sin(x)

    x0 = np.array([-1.2, 0.4])
    cases = [
        ("sgd", {"lr": 0.1}, lambda ps: torch.optim.SGD(ps, lr=0.1)),
        ("momentum", {"lr": 0.1, "beta": 0.9}, lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9)),
        ("nesterov", {"lr": 0.1, "beta": 0.9},
         lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True)),
        ("rmsprop", {"lr": 0.05, "alpha": 0.99}, lambda ps: torch.optim.RMSprop(ps, lr=0.05, alpha=0.99)),
        ("adam", {"lr": 0.05, "beta1": 0.9, "beta2": 0.999},
         lambda ps: torch.optim.Adam(ps, lr=0.05, betas=(0.9, 0.999))),
    ]
    for kind, hp, make in cases:
        np.testing.assert_allclose(ex._numpy_run(kind, hp, grad, x0, 80), ex._torch_run(make, grad, x0, 80),
                                   rtol=1e-10, atol=1e-13, err_msg=kind)
