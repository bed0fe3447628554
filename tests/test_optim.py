"""mlcourse.optim: iterate by iterate against torch.optim (float64), the run loop, the problems."""

import numpy as np
import pytest
import torch

from mlcourse import optim
from mlcourse.optim import problems

pytestmark = pytest.mark.optimization

N_STEPS = 250


def torch_trajectory(make_torch_opt, grad, x0, n_steps):
    """Run a torch.optim optimizer with gradients from ``grad`` (numpy), in float64."""
    p = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    opt = make_torch_opt([p])
    out = [p.detach().numpy().copy()]
    for _ in range(n_steps):
        opt.zero_grad()
        p.grad = torch.tensor(grad(p.detach().numpy()), dtype=torch.float64)
        opt.step()
        out.append(p.detach().numpy().copy())
    return np.array(out)


# (our factory, the torch optimizer with the same hyperparameters), both taking the learning rate
CASES = {
    "gd": (lambda lr: optim.gd(lr), lambda ps, lr: torch.optim.SGD(ps, lr=lr)),
    "momentum 0.9": (lambda lr: optim.momentum(lr, beta=0.9),
                     lambda ps, lr: torch.optim.SGD(ps, lr=lr, momentum=0.9)),
    "momentum 0.5": (lambda lr: optim.momentum(lr, beta=0.5),
                     lambda ps, lr: torch.optim.SGD(ps, lr=lr, momentum=0.5)),
    "nesterov 0.9": (lambda lr: optim.nesterov(lr, beta=0.9),
                     lambda ps, lr: torch.optim.SGD(ps, lr=lr, momentum=0.9, nesterov=True)),
    "nesterov 0.7": (lambda lr: optim.nesterov(lr, beta=0.7),
                     lambda ps, lr: torch.optim.SGD(ps, lr=lr, momentum=0.7, nesterov=True)),
    "rmsprop": (lambda lr: optim.rmsprop(lr), lambda ps, lr: torch.optim.RMSprop(ps, lr=lr)),
    "rmsprop 0.9": (lambda lr: optim.rmsprop(lr, alpha=0.9, eps=1e-6),
                    lambda ps, lr: torch.optim.RMSprop(ps, lr=lr, alpha=0.9, eps=1e-6)),
    "adam": (lambda lr: optim.adam(lr), lambda ps, lr: torch.optim.Adam(ps, lr=lr)),
    "adam 0.8/0.99": (lambda lr: optim.adam(lr, beta1=0.8, beta2=0.99, eps=1e-6),
                      lambda ps, lr: torch.optim.Adam(ps, lr=lr, betas=(0.8, 0.99), eps=1e-6)),
}
#: problem -> learning rates small enough that no optimizer diverges from the problem's start
LEARNING_RATES = {"quadratic": (0.01, 0.05), "rosenbrock": (1e-4, 5e-4), "beale": (1e-3, 5e-3),
                  "himmelblau": (1e-3, 5e-3)}


@pytest.mark.parametrize("name", list(LEARNING_RATES))
@pytest.mark.parametrize("case", list(CASES))
def test_matches_torch_iterate_by_iterate(case, name):
    ours, theirs = CASES[case]
    problem = problems.PROBLEMS[name]()
    for lr in LEARNING_RATES[name]:
        result = optim.run(ours(lr), problem.grad, problem.start, N_STEPS)
        reference = torch_trajectory(lambda ps, lr=lr: theirs(ps, lr), problem.grad, problem.start, N_STEPS)
        assert not result.diverged, f"{case} diverged on {name} with lr={lr}"
        np.testing.assert_allclose(result.iterates, reference, rtol=1e-12, atol=1e-14,
                                   err_msg=f"{case} on {name}, lr={lr}")


def test_state_fields_are_named_after_the_symbols():
    x = np.array([1.0, 2.0])
    assert optim.momentum(0.1).init(x)._fields == ("v",)
    assert optim.rmsprop(0.1).init(x)._fields == ("s",)
    assert optim.adam(0.1).init(x)._fields == ("t", "m", "s", "beta1_t", "beta2_t")


def test_run_reports_divergence_as_data():
    p = problems.quadratic(10.0)
    result = optim.run(optim.gd(0.5), p.grad, p.start, 200, loss=p.value)  # lr > 2/λ_max = 0.2
    assert result.diverged and result.diverged_at is not None
    assert result.iterates.shape == (201, 2)
    assert np.all(np.isnan(result.iterates[result.diverged_at:]))
    assert np.all(np.isfinite(result.iterates[: result.diverged_at]))
    assert np.all(np.isfinite(result.final))


def test_run_converges_and_stops_early():
    p = problems.quadratic(4.0)
    result = optim.run(optim.gd(0.2), p.grad, p.start, 10_000, tol=1e-10)
    assert result.converged and not result.diverged
    assert result.n_steps < 10_000
    assert result.iterates.shape == (result.n_steps + 1, 2)
    assert np.linalg.norm(p.grad(result.final)) <= 1e-10


def test_gradient_noise_is_seeded():
    p = problems.quadratic(4.0)
    a = optim.run(optim.gd(0.1), p.grad, p.start, 50, grad_noise=0.5, rng=np.random.default_rng(1))
    b = optim.run(optim.gd(0.1), p.grad, p.start, 50, grad_noise=0.5, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(a.iterates, b.iterates)


@pytest.mark.parametrize("name", list(problems.PROBLEMS))
def test_problem_derivatives_match_torch_autograd(name):
    problem = problems.PROBLEMS[name]()
    (x0, x1), (y0, y1) = problem.box
    rng = np.random.default_rng(0)
    pts = np.column_stack([rng.uniform(x0, x1, 20), rng.uniform(y0, y1, 20)])
    for x in pts:
        xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)

        def f(z):
            return torch.as_tensor(0, dtype=torch.float64) + _torch_value(name, z)

        g = torch.autograd.functional.jacobian(f, xt)
        h = torch.autograd.functional.hessian(f, xt)
        np.testing.assert_allclose(problem.value(x), f(xt).item(), rtol=1e-12)
        np.testing.assert_allclose(problem.grad(x), g.numpy(), rtol=1e-10, atol=1e-9)
        np.testing.assert_allclose(problem.hessian(x), h.numpy(), rtol=1e-10, atol=1e-9)


def _torch_value(name, z):
    """The same functions written independently in torch, from their textbook formulas."""
    u, v = z[0], z[1]
    if name in ("quadratic", "valley"):
        problem = problems.PROBLEMS[name]()
        A = torch.tensor(problem.hessian(np.zeros(2)), dtype=torch.float64)
        return 0.5 * z @ A @ z
    if name == "rosenbrock":
        return (1 - u) ** 2 + 100 * (v - u**2) ** 2
    if name == "beale":
        return (1.5 - u + u * v) ** 2 + (2.25 - u + u * v**2) ** 2 + (2.625 - u + u * v**3) ** 2
    if name == "saddle":
        return 0.5 * u**2 - 0.5 * v**2 + 0.25 * v**4
    if name == "himmelblau":
        return (u**2 + v - 11) ** 2 + (u + v**2 - 7) ** 2
    raise KeyError(name)


@pytest.mark.parametrize("name", list(problems.PROBLEMS))
def test_minimizers_are_stationary_and_minimal(name):
    problem = problems.PROBLEMS[name]()
    for m in problem.minimizers:
        assert np.linalg.norm(problem.grad(m)) < 1e-9
        assert np.all(np.linalg.eigvalsh(problem.hessian(m)) > 0)


def test_problems_are_vectorised():
    p = problems.beale()
    X, Y, Z = p.grid(30)
    assert Z.shape == (30, 30)
    pts = np.stack([X, Y], axis=-1)
    assert p.grad(pts).shape == (30, 30, 2)
    assert p.hessian(pts).shape == (30, 30, 2, 2)
    np.testing.assert_allclose(Z[3, 4], p.value(pts[3, 4]))


BAD = [
    (lambda: optim.gd(-0.1), ValueError, r"lr must be > 0; got -0.1"),
    (lambda: optim.gd("fast"), TypeError, r"lr must be a real number"),
    (lambda: optim.momentum(0.1, beta=1.0), ValueError, r"beta must be in \[0, 1\); got 1.0"),
    (lambda: optim.nesterov(0.1, beta=-0.5), ValueError, r"beta must be in \[0, 1\); got -0.5"),
    (lambda: optim.rmsprop(0.1, alpha=1.5), ValueError, r"alpha must be in \[0, 1\)"),
    (lambda: optim.rmsprop(0.1, eps=0), ValueError, r"eps must be > 0"),
    (lambda: optim.adam(0.1, beta1=1.0), ValueError, r"beta1 must be in \[0, 1\)"),
    (lambda: optim.adam(0.1, beta2=np.nan), ValueError, r"beta2 must be finite"),
    (lambda: optim.run("adam", np.sin, [0.0], 5), TypeError, r"opt must be an Optimizer"),
    (lambda: optim.run(optim.gd(0.1), 3, [0.0], 5), TypeError, r"grad must be a function"),
    (lambda: optim.run(optim.gd(0.1), np.sin, [[0.0]], 5), ValueError, r"x0 must be a vector"),
    (lambda: optim.run(optim.gd(0.1), np.sin, [0.0], -1), ValueError, r"n_steps must be >= 0"),
    (lambda: optim.run(optim.gd(0.1), np.sin, [0.0], 5, grad_noise=0.1), TypeError, r"needs rng"),
    (lambda: optim.run(optim.gd(0.1), lambda x: np.ones(3), [0.0], 5), ValueError,
     r"grad\(x\) must return shape \(1,\); got \(3,\)"),
    (lambda: problems.rosenbrock().value([1.0, 2.0, 3.0]), ValueError, r"x must have shape \(..., 2\)"),
    (lambda: problems.quadratic(0.5), ValueError, r"condition_number must be >= 1"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
