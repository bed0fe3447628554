"""mlcourse.optim.plane: the update rules on Python floats give, to the last bit, the trajectories of run."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlcourse import optim
from mlcourse.optim import batch, plane, problems

pytestmark = pytest.mark.optimization

FACTORIES = {"gd": optim.gd, "momentum": optim.momentum, "nesterov": optim.nesterov,
             "rmsprop": optim.rmsprop, "adam": optim.adam}
# settings that are not the playground's defaults, some of them unstable on some problems
SETTINGS = {
    "gd": [{"lr": 2e-3}, {"lr": 0.3}],
    "momentum": [{"lr": 1e-3, "beta": 0.9}, {"lr": 0.05, "beta": 0.99}],
    "nesterov": [{"lr": 1e-3, "beta": 0.8}, {"lr": 0.04, "beta": 0.95}],
    "rmsprop": [{"lr": 1e-2, "alpha": 0.9, "eps": 1e-6}, {"lr": 0.5, "alpha": 0.5, "eps": 1e-8}],
    "adam": [{"lr": 2e-2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
             {"lr": 0.3, "beta1": 0.0, "beta2": 0.5, "eps": 1e-3}],
}
CASES = [(kind, i) for kind in SETTINGS for i in range(len(SETTINGS[kind]))]


def start_of(p):
    return p.start * 0.7 + 0.1


@pytest.mark.parametrize("name", list(problems.PROBLEMS))
@pytest.mark.parametrize(("kind", "i"), CASES)
def test_path_is_run_to_the_last_bit(name, kind, i):
    p = problems.PROBLEMS[name]()
    hp = SETTINGS[kind][i]
    points, diverged_at = plane.path(kind, hp, p.partials, start_of(p), 300, max_norm=1e6)
    ref = optim.run(FACTORIES[kind](**hp), p.grad, start_of(p), 300, max_norm=1e6)
    assert diverged_at == (-1 if ref.diverged_at is None else ref.diverged_at)
    n = len(points)
    assert n == (301 if diverged_at < 0 else diverged_at)
    np.testing.assert_array_equal(np.array(points), ref.iterates[:n])


def test_the_cases_include_divergent_runs():
    """The cases above include divergent runs, so the comparison covers the step of divergence too."""
    diverged = [plane.path(kind, SETTINGS[kind][i], p.partials, start_of(p), 300)[1] > 0
                for p in (make() for make in problems.PROBLEMS.values()) for kind, i in CASES]
    assert 0 < sum(diverged) < len(diverged)


@pytest.mark.parametrize("name", ["valley", "beale", "himmelblau"])
def test_simulate_plane_is_simulate_mixed(name):
    p = problems.PROBLEMS[name]()
    kinds = [kind for kind, _ in CASES]
    hps = [SETTINGS[kind][i] for kind, i in CASES]
    ours = plane.simulate_plane(kinds, hps, p.partials, p.start, 200)
    fused = batch.simulate_mixed(kinds, hps, p.grad, np.tile(p.start, (len(kinds), 1)), 200)
    np.testing.assert_array_equal(ours.iterates, fused.iterates)
    np.testing.assert_array_equal(ours.diverged_at, fused.diverged_at)


finite = st.floats(min_value=-50, max_value=50, allow_nan=False)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(u=finite, v=finite)
def test_partials_on_floats_are_the_gradient_bits(u, v):
    """Every problem's partials, given two floats, return the exact bits grad returns for the point."""
    for make in problems.PROBLEMS.values():
        p = make()
        gx, gy = p.partials(u, v)
        assert isinstance(gx, float) and isinstance(gy, float)
        np.testing.assert_array_equal(np.array([gx, gy]), p.grad(np.array([[u, v]]))[0])


def test_divergence_counts_the_norm_not_the_largest_coordinate():
    """A jump to (8e5, 8e5) leaves the ball of radius 1e6 though neither coordinate does."""
    target = np.array([8e5, 8e5])
    grad = lambda x: x - target  # noqa: E731  (GD with lr = 1 jumps onto the target)
    assert optim.run(optim.gd(1.0), grad, np.zeros(2), 3, max_norm=1e6).diverged_at == 1
    assert plane.path("gd", {"lr": 1.0}, lambda x, y: (x - 8e5, y - 8e5), (0.0, 0.0), 3)[1] == 1
    assert batch.simulate_mixed(["gd"], [{"lr": 1.0}], grad, np.zeros((1, 2)), 3).diverged_at[0] == 1


ROSENBROCK = problems.rosenbrock()


@pytest.mark.parametrize(("call", "exception", "pattern"), [
    (lambda: plane.path("gd", {"lr": -0.1}, ROSENBROCK.partials, [1.0, 2.0], 3), ValueError,
     r"lr must be > 0; got -0.1"),
    (lambda: plane.path("momentum", {"lr": 0.1, "beta": 1.0}, ROSENBROCK.partials, [1.0, 2.0], 3), ValueError,
     r"beta must be in \[0, 1\); got 1.0"),
    (lambda: plane.path("nesterov", {"lr": 0.1, "beta": "0.9"}, ROSENBROCK.partials, [1.0, 2.0], 3),
     TypeError, r"beta must be a real number"),
    (lambda: plane.path("rmsprop", {"lr": 0.1, "eps": 0.0}, ROSENBROCK.partials, [1.0, 2.0], 3), ValueError,
     r"eps must be > 0"),
    (lambda: plane.path("adam", {"lr": 0.1, "beta2": -0.5}, ROSENBROCK.partials, [1.0, 2.0], 3), ValueError,
     r"beta2 must be"),
    (lambda: plane.path("adam", {"beta1": 0.5}, ROSENBROCK.partials, [1.0, 2.0], 3), TypeError,
     r"adam needs lr"),
    (lambda: plane.path("gd", {"lr": 0.1, "beta": 0.9}, ROSENBROCK.partials, [1.0, 2.0], 3), TypeError,
     r"unexpected \['beta'\]"),
    (lambda: plane.path("sgd", {"lr": 0.1}, ROSENBROCK.partials, [1.0, 2.0], 3), ValueError,
     r"kind must be one of"),
    (lambda: plane.path("gd", [0.1], ROSENBROCK.partials, [1.0, 2.0], 3), TypeError,
     r"hyperparameters must be a dict"),
    (lambda: plane.path("gd", {"lr": 0.1}, ROSENBROCK.partials, [1.0, 2.0, 3.0], 10), ValueError,
     r"start must have 2 entries"),
    (lambda: plane.path("gd", {"lr": 0.1}, ROSENBROCK.partials, [np.nan, 2.0], 10), ValueError,
     r"start must be finite"),
    (lambda: plane.path("gd", {"lr": 0.1}, ROSENBROCK.partials, [1.0, 2.0], 2.5), TypeError,
     r"n_steps must be an integer"),
    (lambda: plane.path("gd", {"lr": 0.1}, ROSENBROCK.grad(np.zeros(2)), [1.0, 2.0], 3), TypeError,
     r"partials must be a function"),
    (lambda: plane.path("gd", {"lr": 0.1}, ROSENBROCK.partials, [1.0, 2.0], 3, max_norm=0), ValueError,
     r"max_norm must be > 0"),
    (lambda: plane.simulate_plane(["sgd"], [{"lr": 0.1}], ROSENBROCK.partials, [0, 0], 3), ValueError,
     r"kinds must be among .*got 'sgd'"),
    (lambda: plane.simulate_plane(["gd", "adam"], [{"lr": 0.1}], ROSENBROCK.partials, [0, 0], 3),
     ValueError, r"hyperparameters must be 2 dicts"),
    (lambda: plane.simulate_plane(["gd"], [{"lr": 0.1, "beta": 0.9}], ROSENBROCK.partials, [0, 0], 3),
     TypeError, r"beta"),
])
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
