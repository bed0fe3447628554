"""One definition of each update rule, and every engine gives its trajectories to the last bit, on every CPU.

The rules are the ``*_update`` functions of mlcourse.optim.first_order. The engines that run them
are ``optim.run`` (one trajectory, arrays of shape (d,)), ``run_many`` and ``simulate_mixed``
(arrays of shape (batch, d)) and ``plane.path`` (Python floats, one coordinate at a time). They
can agree to the last bit only if every operation is one that IEEE arithmetic rounds correctly
(+, -, *, / and the square root): a power, an exponential or a logarithm is computed by different
code for a Python float and for a numpy array (and by different code on different CPUs: numpy's
vectorised ``**`` differs from the C library's ``pow`` on CPUs with AVX-512). So the tests here do
not depend on the CPU they run on: they record which operations the rules apply, and read the
engines' source for the forbidden ones.
"""

import ast
import inspect
import math
import textwrap
from typing import ClassVar

import numpy as np
import pytest

from mlcourse import optim
from mlcourse.optim import base, batch, first_order, plane, problems

pytestmark = pytest.mark.optimization

#: the numpy functions that IEEE 754 rounds correctly (plus the exact sign changes)
CORRECTLY_ROUNDED = {np.add, np.subtract, np.multiply, np.true_divide, np.sqrt, np.negative, np.positive}

FACTORIES = {"gd": optim.gd, "momentum": optim.momentum, "nesterov": optim.nesterov,
             "rmsprop": optim.rmsprop, "adam": optim.adam}


class Recorded(np.ndarray):
    """An array that writes down every numpy function applied to it (and to what it produces)."""

    used: ClassVar[set] = set()

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        Recorded.used.add(ufunc if method == "__call__" else (ufunc, method))
        plain = [a.view(np.ndarray) if isinstance(a, Recorded) else a for a in inputs]
        result = getattr(ufunc, method)(*plain, **kwargs)
        return result.view(Recorded) if isinstance(result, np.ndarray) else result


def recorded(a) -> Recorded:
    return np.asarray(a, dtype=np.float64).view(Recorded)


@pytest.mark.parametrize("kind", list(batch.KINDS))
def test_update_rules_use_only_correctly_rounded_operations(kind):
    """Every number the rule touches is a recorded array, so no operation escapes the record."""
    update, init, names, defaults = batch.KINDS[kind]
    values = {"lr": 0.01, **defaults}
    # hyperparameters as columns of two rows: a power of one of them, or a conversion to a Python
    # float (math.pow), is recorded or fails
    hp = [recorded([[values[n]], [values[n] / 2]]) for n in names]
    x = recorded([[0.5, -1.5], [2.0, 0.25]])
    state = init(x)
    state = state._replace(**{f: recorded(getattr(state, f)) for f in state._fields if f != "t"})
    Recorded.used = set()
    for _ in range(5):
        g = recorded(np.cos(3 * x.view(np.ndarray)))
        x, state = update(x, g, state, *hp)
    assert isinstance(x, Recorded)
    assert Recorded.used <= CORRECTLY_ROUNDED, Recorded.used - CORRECTLY_ROUNDED


def test_the_square_root_is_the_same_for_floats_and_arrays():
    """The one place where a rule branches on the type of its operand: both branches give the same bits."""
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.uniform(0, 2, 5000), 10.0 ** rng.uniform(-300, 300, 5000),
                             [0.0, 1.0, 2.0, np.inf, np.nan, 5e-324]])
    from_floats = np.array([first_order._sqrt(float(v)) for v in values])
    assert all(isinstance(first_order._sqrt(float(v)), float) for v in values[:10])
    np.testing.assert_array_equal(from_floats, first_order._sqrt(values))


#: the functions through which every engine's arithmetic passes, the problems' gradients included
ENGINE_CODE = list(dict.fromkeys([
    first_order._sqrt, first_order._zeros,
    *(rule for rule, _, _, _ in batch.KINDS.values()), *(init for _, init, _, _ in batch.KINDS.values()),
    base.squared_norm, base.ball_limit, base.run, batch.simulate, batch.simulate_mixed, plane.path,
    *(make().partials for make in problems.PROBLEMS.values() if make is not problems.valley),
]))
#: names of functions whose result depends on how they are implemented: powers, exponentials,
#: logarithms, and dot products and norms (which may use fused multiply-adds or sum in any order)
NOT_CORRECTLY_ROUNDED = {"pow", "power", "float_power", "exp", "exp2", "expm1", "log", "log2", "log10",
                         "log1p", "cbrt", "hypot", "dot", "vdot", "inner", "matmul", "einsum", "tensordot"}


@pytest.mark.parametrize("fn", ENGINE_CODE, ids=lambda f: f"{f.__module__.split('.')[-1]}.{f.__qualname__}")
def test_engines_call_no_power_exponential_or_dot_product(fn):
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    for node in ast.walk(tree):
        if isinstance(node, (ast.BinOp, ast.AugAssign)):
            assert not isinstance(node.op, (ast.Pow, ast.MatMult)), f"{fn.__name__}: {ast.unparse(node)}"
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name == "norm":  # only run's stopping test ‖∇f(x)‖ ≤ tol, which no other engine has
                assert fn is base.run and ast.unparse(node.args[0]) == "g", ast.unparse(node)
            assert name not in NOT_CORRECTLY_ROUNDED, f"{fn.__name__}: {ast.unparse(node)}"


@pytest.mark.parametrize("name", ["rosenbrock", "beale", "saddle"])
def test_every_engine_gives_the_same_bits(name):
    """run, run_many, simulate_mixed and the playground's floats, with Adam's β₂ = 0.999 over 300 steps.

    These are the inputs of issue 17: on a CPU with AVX-512, 0.999 ** t computed by numpy for an
    array differs from the same power of a Python float for 22 of t = 1..299.
    """
    p = problems.PROBLEMS[name]()
    settings = [("gd", {"lr": 1e-3}), ("momentum", {"lr": 1e-3, "beta": 0.9}),
                ("nesterov", {"lr": 1e-3, "beta": 0.9}),
                ("rmsprop", {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8}),
                ("adam", {"lr": 2e-2, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
                ("adam", {"lr": 5e-2, "beta1": 0.8, "beta2": 0.99, "eps": 1e-8})]
    kinds, hps = [k for k, _ in settings], [h for _, h in settings]
    start = p.start * 0.5 + 0.1
    mixed = batch.simulate_mixed(kinds, hps, p.grad, np.tile(start, (len(kinds), 1)), 300)
    floats = plane.simulate_plane(kinds, hps, p.partials, start, 300)
    for b, (kind, hp) in enumerate(settings):
        one = optim.run(FACTORIES[kind](**hp), p.grad, start, 300, max_norm=1e6).iterates
        many = optim.run_many(kind, p.grad, start, 300, **hp).iterates[0]
        for engine, iterates in (("run_many", many), ("simulate_mixed", mixed.iterates[b]),
                                 ("plane", floats.iterates[b])):
            np.testing.assert_array_equal(iterates, one, err_msg=f"{engine}, {kind} {hp}")


def test_adam_carries_the_powers_of_beta_as_products():
    """β₁ᵗ and β₂ᵗ in the state are the running products, the same for a float and an array."""
    opt = optim.adam(0.01, beta1=0.9, beta2=0.999)
    state_array, state_float = opt.init(np.zeros(1)), first_order.adam_init(0.0)
    product = 1.0
    for t in range(1, 301):
        _, state_array = opt.step(np.zeros(1), np.ones(1), state_array)
        _, state_float = first_order.adam_update(0.0, 1.0, state_float, 0.01, 0.9, 0.999, 1e-8)
        product *= 0.999
        assert state_array.t == state_float.t == t
        assert state_array.beta2_t == state_float.beta2_t == product
        assert math.isclose(product, 0.999**t, rel_tol=1e-13)  # the power, to a few ulps per step
