"""mlcourse.optim.batch: many trajectories at once are, row by row, the trajectories of run()."""

import numpy as np
import pytest

from mlcourse import optim
from mlcourse.optim import batch, problems

pytestmark = pytest.mark.optimization

FACTORIES = {"gd": optim.gd, "momentum": optim.momentum, "nesterov": optim.nesterov,
             "rmsprop": optim.rmsprop, "adam": optim.adam}
SETTINGS = {
    "gd": [{"lr": 1e-3}, {"lr": 3e-3}],
    "momentum": [{"lr": 1e-3, "beta": 0.9}, {"lr": 5e-4, "beta": 0.5}],
    "nesterov": [{"lr": 1e-3, "beta": 0.8}, {"lr": 2e-4, "beta": 0.95}],
    "rmsprop": [{"lr": 1e-2, "alpha": 0.9, "eps": 1e-6}, {"lr": 3e-3, "alpha": 0.99, "eps": 1e-8}],
    "adam": [{"lr": 2e-2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
             {"lr": 1e-2, "beta1": 0.5, "beta2": 0.9, "eps": 1e-6}],
}


def reference(kind, problem, x0, settings, n_steps):
    return np.stack([optim.run(FACTORIES[kind](**s), problem.grad, x, n_steps).iterates
                     for x, s in zip(x0, settings, strict=True)])


@pytest.mark.parametrize("name", ["rosenbrock", "beale", "himmelblau", "saddle"])
@pytest.mark.parametrize("kind", list(FACTORIES))
def test_run_many_is_run_row_by_row(kind, name):
    """Same update functions, same order of operations: equal to the last bit."""
    problem = problems.PROBLEMS[name]()
    rng = np.random.default_rng(1)
    (a, b), (c, d) = problem.box
    x0 = np.column_stack([rng.uniform(a, b, 2), rng.uniform(c, d, 2)]) * 0.3
    settings = SETTINGS[kind]
    hyper = {k: np.array([s[k] for s in settings]) for k in settings[0]}
    result = optim.run_many(kind, problem.grad, x0, 200, **hyper)
    expected = reference(kind, problem, x0, settings, 200)
    finite = np.isfinite(expected)
    assert np.array_equal(np.isfinite(result.iterates), finite)
    np.testing.assert_array_equal(result.iterates[finite], expected[finite])


@pytest.mark.parametrize("name", ["quadratic", "rosenbrock", "beale", "himmelblau"])
def test_simulate_mixed_is_run_row_by_row(name):
    """Every optimizer on its own rows of one batch: each row equals its optimizer's own run()."""
    problem = problems.PROBLEMS[name]()
    kinds, hps = [], []
    for kind, settings in SETTINGS.items():
        for s in settings:
            kinds.append(kind)
            hps.append(s)
    x0 = np.tile(problem.start, (len(kinds), 1)) * 0.5
    result = batch.simulate_mixed(kinds, hps, problem.grad, x0, 250)
    for i, (kind, s) in enumerate(zip(kinds, hps, strict=True)):
        expected = optim.run(FACTORIES[kind](**s), problem.grad, x0[i], 250).iterates
        np.testing.assert_array_equal(result.iterates[i], expected, err_msg=f"{kind} {s}")


def test_divergence_is_recorded_per_row():
    p = problems.quadratic(10.0)  # GD is stable iff lr < 2/10
    lrs = np.array([0.05, 0.19, 0.21, 0.5])
    result = optim.run_many("gd", p.grad, p.start, 400, lr=lrs)
    assert result.diverged.tolist() == [False, False, True, True]
    for b in (2, 3):
        k = result.diverged_at[b]
        assert np.all(np.isnan(result.iterates[b, k:])) and np.all(np.isfinite(result.iterates[b, :k]))
        # the same step as run() reports (both use the ball of radius max_norm)
        assert optim.run(optim.gd(float(lrs[b])), p.grad, p.start, 400, max_norm=1e6).diverged_at == k
    np.testing.assert_array_equal(result.final[:2], result.iterates[:2, -1])
    np.testing.assert_array_equal(result.final[2], result.iterates[2, result.diverged_at[2] - 1])


def test_many_starting_points_in_one_call():
    p = problems.himmelblau()
    X, Y = np.meshgrid(np.linspace(-4, 4, 30), np.linspace(-4, 4, 30))
    starts = np.column_stack([X.ravel(), Y.ravel()])
    result = optim.run_many("gd", p.grad, starts, 300, lr=0.01)
    assert result.iterates.shape == (900, 301, 2)
    distances = np.linalg.norm(result.final[:, None, :] - p.minimizers[None], axis=-1)
    assert np.all(distances.min(axis=1) < 1e-6)  # every start reaches one of the four minima
    assert len(np.unique(distances.argmin(axis=1))) == 4


BAD = [
    (lambda: optim.run_many("sgd", np.sin, [0.0], 3, lr=0.1), ValueError, r"kind must be one of"),
    (lambda: optim.run_many("gd", 1, [0.0], 3, lr=0.1), TypeError, r"grad must be a function"),
    (lambda: optim.run_many("gd", np.sin, [0.0], 3), TypeError, r"gd needs lr"),
    (lambda: optim.run_many("gd", np.sin, [0.0], 3, lr=0.1, beta=0.9), TypeError, r"unexpected \['beta'\]"),
    (lambda: optim.run_many("gd", np.sin, [0.0], 3, lr=-1.0), ValueError, r"lr must be > 0; got -1.0"),
    (lambda: optim.run_many("momentum", np.sin, [0.0], 3, lr=0.1, beta=1.0), ValueError,
     r"beta must be in \[0, 1\); got 1.0"),
    (lambda: optim.run_many("adam", np.sin, [0.0], 3, lr=0.1, eps=0.0), ValueError, r"eps must be > 0"),
    (lambda: optim.run_many("gd", np.sin, np.zeros((2, 1)), 3, lr=np.ones(3)), ValueError,
     r"lr must be a number or an array of shape \(2,\)"),
    (lambda: optim.run_many("gd", np.sin, np.zeros((2, 2, 2)), 3, lr=0.1), ValueError, r"x0 must have shape"),
    (lambda: optim.run_many("gd", lambda x: x[:, :1], np.zeros((2, 2)), 3, lr=0.1), ValueError,
     r"grad\(x\) must return shape \(2, 2\); got \(2, 1\)"),
    (lambda: optim.run_many("gd", np.sin, [0.0], -2, lr=0.1), ValueError, r"n_steps must be >= 0"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
