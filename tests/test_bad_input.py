"""One table of bad inputs for the whole public API of mlcourse.

Every public function, class and method that takes arguments is listed below with a call that
works (its *good* arguments) and the arguments a learner is likely to get wrong: the wrong shape or
number of dimensions, the wrong type or dtype, NaN or infinity, zero or a negative number where a
positive one is needed, a probability or a beta outside its interval, an empty array. Each row
says which argument is bad, the exception expected, and a pattern its message must match; the
message must also name the argument (the package's promise: "lr must be > 0; got -1.0", never a
broadcasting error from deep inside numpy).

The public API is found, not listed: :func:`public_api` walks ``__all__`` from ``mlcourse`` down,
and :func:`test_every_public_callable_has_rows_or_an_exemption` fails for a new public function
that has neither rows here nor an entry in :data:`EXEMPT`. tests/test_fuzz_api.py reuses the good
calls to throw random values at every argument.
"""

from __future__ import annotations

import atexit
import dataclasses
import gzip
import hashlib
import importlib
import inspect
import io
import re
import shutil
import struct
import tempfile
import types
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pytest
import torch
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure

import mlcourse
from mlcourse import (
    autoencoder,
    calculus,
    check,
    cnn,
    data,
    decomposition,
    divergence,
    exercises,
    linalg,
    manifold,
    nn,
    optim,
    plotting,
    stats,
    vae,
    vi,
    widgets,
)
from mlcourse.optim import batch, minibatch, plane, playground, problems, rates
from mlcourse.theory import (
    dropout,
    early_stopping,
    l2,
    matrix_completion,
    min_norm,
    modified_loss,
    noise,
    ntk,
)

#: the good calls make animations that most rows never render (the bad argument stops the call first)
pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted without rendering anything:UserWarning")

# --- the public API ---------------------------------------------------------------------------------


def key_of(target) -> str:
    """The name of a public callable where it is defined: ``mlcourse.nn.layers.Linear.forward``."""
    if isinstance(target, tuple):
        cls, name = target
        return f"{key_of(cls)}.{name}"
    return f"{target.__module__}.{target.__qualname__}"


def _parameters(fn) -> list[inspect.Parameter]:
    """The parameters a caller passes (not self or cls)."""
    return [p for p in inspect.signature(fn).parameters.values() if p.name not in ("self", "cls")]


def _methods(cls) -> list[str]:
    """Public methods of ``cls`` that take arguments, defined in mlcourse (not torch's or tuple's)."""
    names = []
    for name in dir(cls):
        owner = next((k for k in cls.__mro__ if name in vars(k)), None)
        if name.startswith("_") or owner is None or not owner.__module__.startswith("mlcourse"):
            continue
        attribute = getattr(cls, name)
        if isinstance(vars(owner)[name], property) or not callable(attribute):
            continue
        if _parameters(attribute):
            names.append(name)
    return names


@cache
def public_api() -> dict[str, object]:
    """Every public callable: key -> the function, the class, or (class, method name)."""
    found: dict[str, object] = {}

    def walk(module):
        for name in module.__all__:
            obj = getattr(module, name, None)
            if obj is None:  # a lazily imported submodule
                obj = importlib.import_module(f"{module.__name__}.{name}")
            if isinstance(obj, types.ModuleType):
                if obj.__name__.startswith(module.__name__ + "."):
                    walk(obj)
            elif callable(obj) and getattr(obj, "__module__", "").startswith("mlcourse"):
                found.setdefault(key_of(obj), obj)
                if isinstance(obj, type):
                    for method in _methods(obj):
                        found.setdefault(key_of((obj, method)), (obj, method))

    walk(mlcourse)
    return found


def _is_record(cls) -> bool:
    if not isinstance(cls, type):
        return False
    namedtuple = issubclass(cls, tuple) and hasattr(cls, "_fields")
    return namedtuple or (dataclasses.is_dataclass(cls) and not hasattr(cls, "__post_init__"))


def rule_exemption(target) -> str | None:
    """Why a callable needs no rows, when a rule says so (a record type, or nothing to pass)."""
    if _is_record(target):
        return (
            "a record (NamedTuple, or dataclass without __post_init__): it holds what it is given; "
            "the functions that make or use it validate"
        )
    fn = getattr(*target) if isinstance(target, tuple) else target
    try:
        if not _parameters(fn):
            return "takes no arguments"
    except (TypeError, ValueError):  # no signature (a builtin's subclass)
        return None
    return None


#: Public callables without rows that no rule covers, and why.
EXEMPT = {
    "mlcourse.reading.GluedFigure": "made by glue_figure from a figure it has checked (rows above); "
    "readers never build one",
    "mlcourse.check.CheckFailed": "the exception a failed check raises; it takes a message, not data",
    "mlcourse.interactive.ExplorerError": "the exception a failing frame raises; it takes a message",
    "mlcourse.edition.Book.find": "looks up a label the converter read from the book itself; a missing "
    "label is a ValueError naming the notebook (tests/test_reader_edition.py)",
    "mlcourse.interactive.Slider.text": "formats one of the slider's own values for its readout",
    "mlcourse.interactive.Choice.text": "names one of the drop-down's own values for its readout",
    "mlcourse.interactive.Explorer.draw": "redraws for the explorer's own control values; a failing "
    "update is reported as ExplorerError naming the values (tests/test_interactive.py)",
    "mlcourse.interactive.Explorer.set": "takes control names as keywords; unknown names and values "
    "off the grid are refused in tests/test_interactive.py",
    "mlcourse.check.feedback": "the reader's self-check: a bad key or answer is its verdict, never an "
    "exception (tests/test_check.py, tests/test_exercise_feedback.py)",
    "mlcourse.exercises._core.judge": "judges any answer a reader gives and never raises on it "
    "(tests/test_exercise_feedback.py)",
    "mlcourse.exercises._core.Precision.tolerance": "called by the judge on the exercise's own expected "
    "answer, which the registry tests check",
    "mlcourse.nn.layers.Layer.forward": "abstract (NotImplementedError); each concrete layer has rows",
    "mlcourse.nn.layers.Layer.backward": "abstract (NotImplementedError); each concrete layer has rows",
    "mlcourse.optim.batch.simulate": "run_many's inner loop, documented as unvalidated (callers validate)",
    "mlcourse.optim.batch.simulate_mixed": "simulate with one group per kind, documented as unvalidated "
    "(callers validate)",
}


# --- how to call, and what to get wrong ---------------------------------------------------------------


class Call(NamedTuple):
    """How to call one public callable with arguments that work."""

    key: str
    target: object  #: the function, class or (class, method name)
    fn: Callable  #: called as fn(**arguments); self is an argument of a method
    good: Callable[[], dict]  #: fresh good arguments
    raises: tuple  #: documented outcomes besides ValueError and TypeError (the fuzz test allows them)


class Bad(NamedTuple):
    """One bad argument and what it must give."""

    arg: str
    value: Any  #: the bad value, or a Fresh factory of it
    exception: type
    pattern: str  #: a regular expression searched in the message
    named: str | None = None  #: what the message must name, when not the argument itself
    marks: tuple = ()


class Fresh(NamedTuple):
    """A bad value made anew for every test (a model, a fitted estimator)."""

    make: Callable[[], Any]


CALLS: dict[str, Call] = {}
ROWS: list[tuple[str, Bad]] = []


def _flatten(bad) -> list[Bad]:
    out = []
    for item in bad:
        out.extend(_flatten(item) if isinstance(item, list) else [item])
    return out


def api(
    target,
    good: Callable[[], dict],
    *bad,
    via: Callable | None = None,
    raises: tuple = (),
) -> None:
    """Register how to call ``target`` and the rows of its bad arguments.

    ``target`` is a function, a class (its constructor) or ``(class, "method")``; ``good`` returns
    the arguments of a call that works (with ``self`` for a method); ``via`` calls it when a
    direct call does not check the arguments (estimators validate in ``fit``, like scikit-learn's).
    """
    key = key_of(target)
    assert key not in CALLS, f"{key} is in the table twice"
    fn = via or (getattr(*target) if isinstance(target, tuple) else target)
    CALLS[key] = Call(key, target, fn, good, raises)
    ROWS.extend((key, row) for row in _flatten(bad))


def invoke(fn: Callable, arguments: dict):
    """Call ``fn`` with named arguments; a ``*args`` parameter takes its sequence by name here."""
    try:
        parameters = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        parameters = {}
    args, kwargs = [], {}
    for name, value in arguments.items():
        p = parameters.get(name)
        if p is not None and p.kind is p.VAR_POSITIONAL:
            args.extend(value)
        elif p is not None and p.kind is p.POSITIONAL_ONLY:
            args.append(value)
        else:
            kwargs[name] = value
    return fn(*args, **kwargs)


# --- bundles of the usual mistakes, one per kind of argument ---------------------------------------------


def must(arg: str, rest: str) -> str:
    """The pattern of the package's messages: ``lr must be > 0``."""
    return rf"(?<![\w.]){re.escape(arg)}(?!\w).* must {rest}"


def with_nan(shape, where=0) -> np.ndarray:
    a = np.ones(shape)
    a.flat[where] = np.nan
    return a


def numbers(arg: str, shape=(3,)) -> list[Bad]:
    """An array of any shape: NaN, text, complex numbers, a ragged list."""
    return [
        Bad(arg, with_nan(shape), ValueError, must(arg, "be finite")),
        Bad(arg, "abc", TypeError, must(arg, "be an array of numbers")),
        Bad(arg, np.ones(shape) * 1j, TypeError, must(arg, "hold real numbers")),
        Bad(arg, [[1.0, 2.0], [3.0]], ValueError, must(arg, "be a rectangular array")),
    ]


def values(arg: str) -> list[Bad]:
    """Numbers of any shape where NaN is allowed (elementwise math): only the type can be wrong."""
    return [
        Bad(arg, "abc", TypeError, must(arg, "be an array of numbers")),
        Bad(arg, None, TypeError, must(arg, "be an array of numbers")),
        Bad(arg, np.ones(3) * 1j, TypeError, must(arg, "hold real numbers")),
    ]


def vector(arg: str, size: int = 3) -> list[Bad]:
    """A 1-D array of ``size`` finite numbers."""
    return [
        Bad(arg, np.ones((size, 2)), ValueError, must(arg, r"be a vector")),
        Bad(arg, np.array([]), ValueError, must(arg, "not be empty")),
        *numbers(arg, (size,)),
    ]


def matrix(arg: str, shape=(3, 2)) -> list[Bad]:
    """A 2-D array of finite numbers."""
    return [
        Bad(arg, np.ones(shape[1]), ValueError, must(arg, "be a matrix")),
        Bad(arg, np.ones((0, shape[1])), ValueError, must(arg, "not be empty")),
        *numbers(arg, shape),
    ]


def square(arg: str, n: int = 2) -> list[Bad]:
    return [*matrix(arg, (n, n)), Bad(arg, np.ones((n, n + 1)), ValueError, must(arg, "be a square matrix"))]


def positive(arg: str, *, zero: bool = False) -> list[Bad]:
    """A finite real number > 0 (>= 0 with ``zero``)."""
    rows = [
        Bad(arg, -1.0, ValueError, must(arg, "be >= 0" if zero else r"be > 0")),
        Bad(arg, np.inf, ValueError, must(arg, "be finite")),
        Bad(arg, "0.1", TypeError, must(arg, "be a real number")),
    ]
    return rows if zero else [*rows, Bad(arg, 0.0, ValueError, must(arg, "be > 0"))]


def real(arg: str) -> list[Bad]:
    """A finite real number of any sign."""
    return [
        Bad(arg, np.nan, ValueError, must(arg, "be finite")),
        Bad(arg, "0.5", TypeError, must(arg, "be a real number")),
    ]


def integer(arg: str, minimum: int) -> list[Bad]:
    return [
        Bad(arg, 2.5, TypeError, must(arg, "be an integer")),
        Bad(arg, minimum - 1, ValueError, must(arg, f"be >= {minimum}")),
    ]


def beta(arg: str) -> list[Bad]:
    """A number in [0, 1): a momentum, a decay of a running average."""
    outside = [Bad(arg, v, ValueError, must(arg, r"be in \[0, 1\)")) for v in (-0.1, 1.0, 1.5)]
    return [*outside, Bad(arg, "0.5", TypeError, must(arg, "be a real number"))]


def generator(arg: str = "rng") -> list[Bad]:
    return [
        Bad(arg, 0, TypeError, must(arg, r"be a numpy\.random\.Generator")),
        Bad(arg, np.random.RandomState(0), TypeError, must(arg, r"be a numpy\.random\.Generator")),
    ]


def random_state(arg: str = "random_state") -> list[Bad]:
    return [
        Bad(arg, "seed", TypeError, must(arg, "be None, an int seed")),
        Bad(arg, -1, ValueError, must(arg, "be >= 0")),
    ]


def function(arg: str) -> list[Bad]:
    return [Bad(arg, 3.0, TypeError, must(arg, "be (a )?functions?"))]


def choice(arg: str, value="nope") -> list[Bad]:
    """A name that is not among the choices."""
    return [Bad(arg, value, ValueError, must(arg, "be"))]


def one_of(arg: str, value="nope") -> list[Bad]:
    """One of a few names: a wrong name, or not a string at all."""
    return [
        Bad(arg, value, ValueError, must(arg, "be one of")),
        Bad(arg, [value], TypeError, must(arg, "be one of")),
    ]


def flag(arg: str) -> list[Bad]:
    return [
        Bad(arg, "no", TypeError, must(arg, "be True or False")),
        Bad(arg, np.array([]), TypeError, must(arg, "be True or False")),
    ]


def probability(arg: str) -> list[Bad]:
    """A number in (0, 1]: a probability of keeping, the weight of the newest batch."""
    outside = [Bad(arg, v, ValueError, must(arg, r"be in \(0, 1\]")) for v in (0.0, -0.5, 1.5)]
    return [*outside, Bad(arg, np.nan, ValueError, must(arg, "be finite"))]


def tolerances() -> list[Bad]:
    """rtol and atol of a comparison: finite and >= 0."""
    return [*positive("rtol", zero=True), *positive("atol", zero=True)]


def label(arg: str = "name") -> list[Bad]:
    return [Bad(arg, 3, TypeError, must(arg, "be a string or None"))]


def comparison(a: str, b: str) -> list[Bad]:
    """A check of two arrays against each other: both arrays, the tolerances, the label."""
    return [*numbers(a), *numbers(b), *tolerances(), *label()]


def tensor(arg: str, n_features: int, dtype=torch.float32) -> list[Bad]:
    """A torch batch of shape (n, n_features) in the model's dtype."""
    other = torch.float64 if dtype == torch.float32 else torch.float32
    return [
        Bad(arg, np.zeros((4, n_features)), TypeError, must(arg, r"be a torch\.Tensor")),
        Bad(
            arg,
            torch.zeros(4, n_features + 1, dtype=dtype),
            ValueError,
            must(arg, rf"have shape \(n, {n_features}\)"),
        ),
        Bad(arg, torch.zeros(n_features, dtype=dtype), ValueError, must(arg, "have shape")),
        Bad(arg, torch.zeros(4, n_features, dtype=torch.int64), TypeError, must(arg, "hold floating-point")),
        Bad(arg, torch.zeros(4, n_features, dtype=other), TypeError, must(arg, "have the model's dtype")),
    ]


def path(arg: str) -> list[Bad]:
    return [Bad(arg, 3, TypeError, must(arg, "be a file path"))]


# --- shared good data -----------------------------------------------------------------------------------


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


def X(n: int = 8, d: int = 3, seed: int = 0) -> np.ndarray:
    return rng(seed).normal(size=(n, d))


def spd(n: int = 2) -> np.ndarray:
    """A symmetric positive definite matrix."""
    return np.eye(n) * 2.0 + 0.5


@cache
def files() -> tuple[Path, dict]:
    """A small stand-in for the four MNIST files, in a folder removed at exit.

    The files are named apart from the real ones, so that ``mnist(files=None)`` finds none of them.
    """
    folder = Path(tempfile.mkdtemp(prefix="mlcourse-bad-input-"))
    atexit.register(shutil.rmtree, folder, True)
    digests = {}
    for key, (name, _) in data.MNIST_FILES.items():
        shape = (2, 28, 28) if "images" in key else (2,)
        raw = (
            bytes([0, 0, 0x08, len(shape)])
            + struct.pack(f">{len(shape)}I", *shape)
            + bytes(int(np.prod(shape)))
        )
        blob = gzip.compress(raw)
        (folder / f"fake-{name}").write_bytes(blob)
        digests[key] = (f"fake-{name}", hashlib.sha256(blob).hexdigest())
    (folder / "junk.idx").write_bytes(b"not an idx file")
    return folder, digests


def axes():
    return Figure(figsize=(2, 2), dpi=20).add_subplot()


def animation() -> FuncAnimation:
    fig = Figure(figsize=(1, 1), dpi=20)
    (line,) = fig.add_subplot().plot([0, 1], [0, 1])
    return FuncAnimation(fig, lambda i: (line.set_ydata([0, i]),), frames=2)


def mixture() -> divergence.GaussianMixture1D:
    return divergence.GaussianMixture1D([0.5, 0.5], [-2.0, 2.0], [1.0, 1.0])


def network() -> nn.Sequential:
    r = rng()
    return nn.Sequential(nn.Linear(2, 3, rng=r), nn.Tanh(), nn.Linear(3, 1, rng=r))


def forwarded(layer, x):
    layer.forward(x)
    return layer


def lsq() -> minibatch.LeastSquares:
    return minibatch.LeastSquares(X(6, 2), np.arange(6.0))


def nmm() -> vi.NormalMeanModel:
    return vi.NormalMeanModel(np.array([0.5, 1.0, 1.5]))


def relu_net(width: int = 4) -> ntk.TwoLayerReLU:
    return ntk.TwoLayerReLU(3, width, generator=torch.Generator().manual_seed(0))


# --- the table, module by module --------------------------------------------------------------------------

# mlcourse
api(mlcourse.setup_notebook, lambda: {"seed": 0}, integer("seed", 0))
api(
    mlcourse.show_source,
    lambda: {"obj": linalg.inner},
    Bad("obj", 42, TypeError, must("obj", "be a function")),
    flag("full"),
)

# mlcourse.autoencoder
api(
    autoencoder.Autoencoder,
    lambda: {"n_features": 3, "n_code": 2},
    integer("n_features", 1),
    integer("n_code", 1),
    one_of("activation", "softplus"),
    integer("seed", 0),
    Bad("dtype", "float32", TypeError, must("dtype", "be a floating-point torch.dtype")),
    Bad("dtype", torch.int64, TypeError, must("dtype", "be a floating-point torch.dtype")),
)
api(
    (autoencoder.Autoencoder, "encode"),
    lambda: {"self": autoencoder.Autoencoder(3, 2), "x": torch.zeros(4, 3)},
    tensor("x", 3),
)
api(
    (autoencoder.Autoencoder, "decode"),
    lambda: {"self": autoencoder.Autoencoder(3, 2), "h": torch.zeros(4, 2)},
    tensor("h", 2),
)
api(
    (autoencoder.Autoencoder, "forward"),
    lambda: {"self": autoencoder.Autoencoder(3, 2), "x": torch.zeros(4, 3)},
    tensor("x", 3),
)
api(
    autoencoder.sparsity_penalty,
    lambda: {"h": torch.ones(4, 2)},
    Bad("h", np.ones((4, 2)), TypeError, must("h", r"be a torch\.Tensor")),
    Bad("h", torch.tensor(1.0), ValueError, must("h", "have shape")),
)
api(
    autoencoder.train_autoencoder,
    lambda: {"model": autoencoder.Autoencoder(3, 2), "X": X(8, 3), "n_epochs": 2, "batch_size": 4},
    Bad("model", "autoencoder", TypeError, must("model", "be an Autoencoder")),
    matrix("X", (8, 3)),
    Bad("X", np.ones((8, 4)), ValueError, must("X", "have 3 columns")),
    positive("sparsity", zero=True),
    integer("n_epochs", 1),
    positive("lr"),
    one_of("optimizer", "sgd"),
    integer("batch_size", 1),
    positive("tol", zero=True),
    integer("seed", 0),
)
api(
    autoencoder.principal_angles,
    lambda: {"A": np.eye(3)[:, :2], "B": np.eye(3)[:, 1:]},
    matrix("A"),
    matrix("B"),
    Bad("B", np.ones((4, 2)), ValueError, "A and B must have the same number of rows"),
)

# mlcourse.calculus
for fn in (calculus.forward_difference, calculus.central_difference):
    api(
        fn,
        lambda: {"f": np.sin, "x": np.linspace(0, 1, 3), "h": 1e-4},
        function("f"),
        numbers("x"),
        Bad("x", np.array([]), ValueError, must("x", "not be empty")),
        positive("h"),
    )
for fn in (calculus.gradient, calculus.jacobian, calculus.hessian):
    api(
        fn,
        lambda: {"f": lambda x: x @ x, "x": np.ones(3), "h": 1e-4},
        function("f"),
        vector("x"),
        positive("h"),
    )
api(
    calculus.directional_derivative,
    lambda: {"f": lambda x: x @ x, "x": np.ones(3), "v": np.ones(3), "h": 1e-4},
    function("f"),
    vector("x"),
    vector("v"),
    positive("h"),
    Bad("v", np.ones(4), ValueError, "x and v must have the same shape"),
)
api(
    calculus.taylor_polynomial,
    lambda: {"derivatives": [1.0, 1.0, 0.5], "x0": 0.0, "x": np.linspace(-1, 1, 5)},
    vector("derivatives"),
    real("x0")[:1],
    Bad("x0", [0.0, 1.0], ValueError, must("x0", r"be a number \(0-D")),
    numbers("x"),
)
api(
    calculus.newton_root,
    lambda: {"f": lambda x: x**2 - 2, "df": lambda x: 2 * x, "x0": 1.0, "tol": 1e-10},
    function("f"),
    function("df"),
    Bad("x0", np.ones((2, 2)), ValueError, must("x0", "be a vector")),
    Bad("x0", np.nan, ValueError, must("x0", "be finite")),
    Bad("x0", "1", TypeError, must("x0", "be an array")),
    positive("tol"),
    integer("max_iter", 1),
)
api(
    calculus.newton_optimum,
    lambda: {"grad": lambda x: 2 * x, "hess": lambda x: 2.0, "x0": 1.0},
    function("grad"),
    function("hess"),
    Bad("x0", np.ones((2, 2)), ValueError, must("x0", "be a vector")),
    positive("tol"),
    integer("max_iter", 1),
)

# mlcourse.check
api(
    check.symbolic_equal,
    lambda: {"lhs": 1, "rhs": 1},
    Bad("lhs", "x +", ValueError, must("lhs", "be a sympy expression")),
    Bad("lhs", np.eye(2), TypeError, must("lhs", "be a sympy expression")),
    Bad("rhs", None, TypeError, must("rhs", "be a sympy expression")),
    label(),
    raises=(check.CheckFailed,),
)
api(
    check.close,
    lambda: {"actual": np.ones(3), "expected": np.ones(3)},
    comparison("actual", "expected"),
    raises=(check.CheckFailed,),
)
api(
    check.mean_close,
    lambda: {"samples": rng().normal(size=(50, 2)), "expected": np.zeros(2)},
    Bad("samples", 1.0, ValueError, must("samples", "hold at least 2 draws")),
    numbers("samples", (50, 2)),
    Bad("expected", np.zeros(3), ValueError, must("expected", "be a number or an array of the shape")),
    numbers("expected", (2,)),
    positive("n_sigma"),
    label(),
    raises=(check.CheckFailed,),
)
api(
    check.diagnose,
    lambda: {"given": np.ones(2), "expected": np.ones(2)},
    Bad("expected", "abc", TypeError, must("expected", "be a number")),
    Bad("precision", 1e-3, TypeError, must("precision", "be an mlcourse.exercises.Precision")),
)
for fn, arg in ((exercises.sig, "digits"), (exercises.decimals, "places")):
    api(
        fn,
        lambda arg=arg: {arg: 3},
        Bad(arg, 2.5, ValueError, must(arg, "be an integer")),
        Bad(arg, 99, ValueError, must(arg, "be an integer from")),
        Bad(arg, True, ValueError, must(arg, "be an integer")),
    )
api(
    exercises.relative,
    lambda: {"rtol": 1e-3},
    Bad("rtol", 0.0, ValueError, must("rtol", r"be a number in \(0, 1\)")),
    Bad("rtol", "small", ValueError, must("rtol", "be a number")),
)
api(
    exercises.get,
    lambda: {"key": "det-3x3"},
    Bad("key", 3, TypeError, must("key", "be a string")),
    Bad("key", "det-3x4", ValueError, r"unknown exercise key 'det-3x4'; did you mean 'det-3x3'\?"),
)
# check.answer never raises for the reader's key or value (it prints what is wrong; see
# tests/test_check.py); only its own flag is validated.
api(
    check.answer,
    lambda: {"key": "det-3x3", "value": None},
    flag("require"),
    raises=(check.CheckFailed,),
)

# mlcourse.cnn
IMAGES, FILTERS = np.ones((1, 2, 5, 5)), np.ones((3, 2, 3, 3))


def images(arg: str, shape=(1, 2, 5, 5)) -> list[Bad]:
    return [
        Bad(arg, np.ones(shape[1:]), ValueError, must(arg, r"have shape \(N, C, H, W\)")),
        *numbers(arg, shape),
    ]


def window(arg: str) -> list[Bad]:
    """An int or a pair of ints (kernel_size, stride, padding)."""
    return [
        Bad(arg, 1.5, TypeError, must(arg, "be an integer")),
        Bad(arg, (1, 2, 3), ValueError, must(arg, "be an int or a pair")),
    ]


api(
    cnn.conv_output_size,
    lambda: {"W": 7, "F": 3, "S": 2, "P": 0},
    integer("W", 1),
    integer("F", 1),
    integer("S", 1),
    integer("P", 0),
    Bad("F", 9, ValueError, r"F=9 is wider than the padded input"),
    Bad("S", 3, ValueError, r"does not tile the input: \(W - F \+ 2P\)/S"),
)
api(
    cnn.conv2d,
    lambda: {"x": IMAGES, "w": FILTERS, "b": np.zeros(3), "stride": 1, "padding": 1},
    images("x"),
    Bad("w", np.ones((3, 3, 3)), ValueError, must("w", r"have shape \(K, C, F_h, F_w\)")),
    numbers("w", (3, 2, 3, 3)),
    Bad("w", np.ones((3, 1, 3, 3)), ValueError, "x has 2 channels .* but w expects 1"),
    Bad(
        "w", np.ones((3, 2, 9, 3)), ValueError, r"filter height of w \(9\) is larger than the padded input x"
    ),
    Bad("b", np.zeros(2), ValueError, must("b", r"have shape \(3,\)")),
    numbers("b"),
    window("stride"),
    Bad("stride", 0, ValueError, must("stride", "be >= 1")),
    window("padding"),
    Bad("padding", -1, ValueError, must("padding", "be >= 0")),
)
api(
    cnn.conv2d_backward,
    lambda: {"grad_out": np.ones((1, 3, 3, 3)), "x": IMAGES, "w": FILTERS},
    Bad("grad_out", np.ones((1, 3, 2, 2)), ValueError, must("grad_out", r"have the forward output's shape")),
    numbers("grad_out", (1, 3, 3, 3)),
    images("x"),
    Bad("w", np.ones((3, 1, 3, 3)), ValueError, "x has 2 channels .* but w expects 1"),
    window("stride"),
    window("padding"),
)
for fn in (cnn.max_pool2d, cnn.avg_pool2d):
    api(
        fn,
        lambda: {"x": IMAGES, "kernel_size": 2, "stride": None, "padding": 0},
        images("x"),
        window("kernel_size"),
        Bad("kernel_size", 0, ValueError, must("kernel_size", "be >= 1")),
        Bad(
            "kernel_size",
            7,
            ValueError,
            r"pooling window height, kernel_size \(7\) is larger than the padded input x",
        ),
        window("stride"),
        Bad("padding", 2, ValueError, must("padding", "be at most half of kernel_size")),
    )
for fn in (cnn.max_pool2d_backward, cnn.avg_pool2d_backward):
    api(
        fn,
        lambda: {"grad_out": np.ones((1, 2, 2, 2)), "x": IMAGES, "kernel_size": 2},
        Bad(
            "grad_out",
            np.ones((1, 2, 3, 3)),
            ValueError,
            must("grad_out", r"have the forward output's shape"),
        ),
        numbers("grad_out", (1, 2, 2, 2)),
        images("x"),
        window("kernel_size"),
        window("stride"),
        Bad("padding", 2, ValueError, must("padding", "be at most half of kernel_size")),
    )
for fn in (cnn.network_table, cnn.count_parameters):
    api(
        fn,
        lambda: {"input_shape": (1, 8, 8), "layers": [cnn.Conv(4, 3, padding=1), cnn.Pool(2), cnn.Dense(10)]},
        Bad("input_shape", (8, 8), ValueError, must("input_shape", r"be \(C, H, W\)")),
        Bad("input_shape", (1, 0, 8), ValueError, must("input_shape", "be >= 1")),
        Bad("layers", cnn.Dense(10), TypeError, must("layers", "be a list of Conv, Pool and Dense")),
        Bad("layers", ["conv"], TypeError, must(r"layers[0]", "be a Conv, Pool or Dense")),
        Bad("layers", [cnn.Conv(4, 0)], ValueError, must("layers[0].kernel_size", "be >= 1")),
        Bad("layers", [cnn.Conv(4, 3, stride=1.5)], TypeError, must("layers[0].stride", "be an integer")),
        Bad("layers", [cnn.Conv(0, 3)], ValueError, must("layers[0].out_channels", "be >= 1")),
        Bad(
            "layers",
            [cnn.Pool(3)],
            ValueError,
            r"layers\[0\] does not fit its input: the filter does not tile",
        ),
        Bad(
            "layers",
            [cnn.Dense(4), cnn.Pool(2)],
            ValueError,
            r"layers\[1\] is a Pool layer, which needs an image",
        ),
        Bad("layers", [cnn.Dense(0)], ValueError, must("layers[0].out_features", "be >= 1")),
    )

# mlcourse.data
for fn in (data.toy_regression, data.two_moons):
    api(
        fn,
        lambda: {"n_samples": 10, "noise": 0.1, "rng": rng()},
        integer("n_samples", 1 if fn is data.toy_regression else 2),
        positive("noise", zero=True),
        generator(),
    )
api(
    data.read_idx,
    lambda: {"path": files()[0] / files()[1]["train_labels"][0]},
    path("path"),
    Bad("path", Fresh(lambda: files()[0] / "junk.idx"), ValueError, "not an IDX file", named="junk.idx"),
    raises=(OSError,),
)
api(data.sha256_of, lambda: {"path": files()[0] / "junk.idx"}, path("path"), raises=(OSError,))
api(
    data.fetch,
    lambda: {
        "url": "http://127.0.0.1:9/mlcourse/junk",
        "destination": files()[0] / "fetched" / "junk",
        "sha256": hashlib.sha256(b"junk").hexdigest(),
        "opener": lambda url: io.BytesIO(b"junk"),
    },
    Bad("url", 3, TypeError, must("url", "be a string")),
    path("destination"),
    Bad("sha256", "abc", ValueError, must("sha256", "be 64 hexadecimal digits")),
    Bad("opener", 3, TypeError, must("opener", "be None or a function")),
    raises=(OSError,),
)
api(
    data.mnist,
    lambda: {"cache_dir": files()[0], "files": files()[1]},
    path("cache_dir"),
    Bad("files", 3, TypeError, must("files", "be a dict")),
    Bad("files", {}, ValueError, must("files", "name")),
    Bad("mirror", 3, TypeError, must("mirror", "be a string")),
    Bad("opener", 3, TypeError, must("opener", "be None or a function")),
    flag("download"),
    raises=(OSError,),
)

# mlcourse.decomposition
for cls in (decomposition.PCA, decomposition.FastICA):
    extra = [integer("max_iter", 1), positive("tol"), random_state()] if cls is decomposition.FastICA else []
    api(
        cls,
        lambda: {"n_components": 2},
        integer("n_components", 1),
        *extra,
        Bad("n_components", 4, ValueError, must("n_components", r"be <= min\(n_samples, n_features\)")),
        via=lambda cls=cls, **kw: cls(**kw).fit(X(8, 3)),
    )
    for method in ("fit", "fit_transform"):
        api(
            (cls, method),
            lambda cls=cls: {
                "self": cls(2, **({"random_state": 0} if cls is decomposition.FastICA else {})),
                "X": X(8, 3),
            },
            matrix("X", (8, 3)),
        )
    api(
        (cls, "transform"),
        lambda cls=cls: {"self": cls(2).fit(X(8, 3)), "X": X(4, 3)},
        matrix("X"),
        Bad("X", np.ones((4, 2)), ValueError, must("X", "have 3 features")),
    )
    arg = "Z" if cls is decomposition.PCA else "S"
    api(
        (cls, "inverse_transform"),
        lambda cls=cls, arg=arg: {"self": cls(2).fit(X(8, 3)), arg: X(4, 2)},
        matrix(arg),
        Bad(arg, np.ones((4, 3)), ValueError, must(arg, "have 2 columns")),
    )
api(decomposition.sign_flip, lambda: {"components": np.eye(2)}, matrix("components"))

# mlcourse.divergence
api(
    divergence.gaussian_kl,
    lambda: {"mu0": 0.0, "sigma0": 1.0, "mu1": 1.0, "sigma1": 2.0},
    real("mu0"),
    positive("sigma0"),
    real("mu1"),
    positive("sigma1"),
)
api(
    divergence.GaussianMixture1D,
    lambda: {"weights": [0.5, 0.5], "means": [-1.0, 1.0], "stds": [1.0, 1.0]},
    vector("weights", 2),
    Bad("weights", [0.5, 0.6], ValueError, must("weights", "be positive and sum to 1")),
    Bad("weights", [1.5, -0.5], ValueError, must("weights", "be positive")),
    Bad("means", [0.0], ValueError, must("means", "have 2 entries")),
    numbers("means", (2,)),
    Bad("stds", [1.0, -1.0], ValueError, must("stds", "be positive")),
    numbers("stds", (2,)),
)
for method in ("logpdf", "pdf", "score"):
    api(
        (divergence.GaussianMixture1D, method),
        lambda: {"self": mixture(), "x": np.linspace(-3, 3, 5)},
        numbers("x", (5,)),
    )
api(
    (divergence.GaussianMixture1D, "sample"),
    lambda: {"self": mixture(), "n": 5, "rng": rng()},
    integer("n", 1),
    generator(),
)
api((divergence.GaussianMixture1D, "expectation"), lambda: {"self": mixture(), "f": np.cos}, function("f"))
NOT_A_MIXTURE = Bad("p", (0.5, 0.5), TypeError, must("p", "be a GaussianMixture1D"))
for fn in (divergence.forward_kl, divergence.reverse_kl):
    api(fn, lambda: {"p": mixture(), "mu": 0.0, "sigma": 1.0}, NOT_A_MIXTURE, real("mu"), positive("sigma"))
api(divergence.fit_forward_kl, lambda: {"p": mixture()}, NOT_A_MIXTURE)
api(
    divergence.fit_reverse_kl,
    lambda: {"p": mixture(), "mu0": 1.0, "sigma0": 1.0, "max_iter": 5},
    NOT_A_MIXTURE,
    real("mu0"),
    positive("sigma0"),
    integer("max_iter", 1),
    positive("gtol"),
)

# mlcourse.exercises
for fn in (exercises.exercise_data, exercises.expected_answer):
    api(
        fn,
        lambda: {"key": "det-3x3"},
        Bad("key", 3, TypeError, must("key", "be a string")),
        Bad("key", "nope", ValueError, r"unknown exercise key 'nope'"),
    )

# mlcourse.linalg
api(
    linalg.inner,
    lambda: {"x": np.ones(3), "y": np.ones(3)},
    vector("x"),
    vector("y"),
    Bad("y", np.ones(4), ValueError, "x and y must have the same length"),
)
api(linalg.norm, lambda: {"x": np.ones(3)}, vector("x"))
api(
    linalg.matmul,
    lambda: {"A": np.ones((2, 3)), "B": np.ones((3, 2))},
    matrix("A", (2, 3)),
    matrix("B"),
    Bad("B", np.ones((2, 2)), ValueError, r"A has 3 columns but B has 2 rows"),
)
api(linalg.trace, lambda: {"A": np.eye(2)}, square("A"))
api(linalg.is_symmetric, lambda: {"A": np.eye(2), "atol": 0.0}, square("A"), positive("atol", zero=True))
api(
    linalg.minor,
    lambda: {"A": np.eye(3), "i": 0, "j": 1},
    square("A", 3),
    integer("i", 0),
    integer("j", 0),
    Bad("i", 3, ValueError, r"i and j must be < 3"),
)
api(
    linalg.det_cofactor,
    lambda: {"A": np.eye(3), "row": 1},
    square("A", 3),
    integer("row", 0),
    Bad("row", 3, ValueError, must("row", "be < 3")),
    Bad("A", np.eye(10), ValueError, r"A is 10×10"),
)
api(
    linalg.basis_transforms,
    lambda: {"new_basis": spd()},
    square("new_basis"),
    Bad("new_basis", np.ones((2, 2)), ValueError, must("new_basis", "be invertible")),
)
for fn, arg in ((linalg.to_new_components, "v"), (linalg.to_old_components, "v_new")):
    api(
        fn,
        lambda arg=arg: {arg: np.ones(2), "F": spd()},
        numbers(arg, (2,)),
        Bad(arg, np.ones(3), ValueError, must(arg, r"have shape \(2,\) or \(n_vectors, 2\)")),
        square("F"),
        Bad("F", np.ones((2, 2)), ValueError, must("F", "be invertible")),
    )
api(
    linalg.map_in_new_basis,
    lambda: {"L": np.eye(2), "F": spd()},
    square("L"),
    square("F"),
    Bad("L", np.eye(3), ValueError, "L and F must have the same shape"),
    Bad("F", np.ones((2, 2)), ValueError, must("F", "be invertible")),
)

# mlcourse.manifold
DIST = np.array([[0.0, 1.0, 2.0], [0.0, 1.0, 1.5], [0.0, 0.5, 2.0], [0.0, 0.5, 1.0]])
KNN = np.array([[0, 1, 2], [1, 0, 3], [2, 3, 0], [3, 2, 1]])
api(
    manifold.knn,
    lambda: {"X": X(8, 3), "n_neighbors": 3, "chunk": 4},
    matrix("X", (8, 3)),
    integer("n_neighbors", 1),
    Bad("n_neighbors", 9, ValueError, must("n_neighbors", "be <= n_samples = 8")),
    integer("chunk", 1),
)
api(
    manifold.smooth_knn_dist,
    lambda: {"distances": DIST, "k": 3},
    matrix("distances", (4, 3)),
    Bad("distances", DIST[:, :1], ValueError, must("distances", "have at least 2")),
    Bad("distances", -DIST, ValueError, must("distances", "be >= 0")),
    integer("k", 2),
    integer("n_iter", 1),
    positive("tol"),
)
api(
    manifold.membership_strengths,
    lambda: {"indices": KNN, "distances": DIST, "rho": np.ones(4), "sigma": np.ones(4)},
    Bad("indices", KNN[:, :2], ValueError, must("indices", "have the shape of distances")),
    Bad("indices", KNN * 1.0, TypeError, must("indices", "hold integers")),
    Bad("indices", KNN + 1, ValueError, must("indices", r"be in \[0, 4\)")),
    Bad("indices", "abc", TypeError, must("indices", "be an integer array")),
    matrix("distances", (4, 3)),
    vector("rho", 4),
    vector("sigma", 4),
    Bad("sigma", np.zeros(4), ValueError, must("sigma", "be > 0")),
)
api(manifold.fuzzy_union, lambda: {"A": np.eye(3)}, square("A", 3))
api(
    manifold.find_ab_params,
    lambda: {"spread": 1.0, "min_dist": 0.1},
    positive("spread"),
    positive("min_dist", zero=True),
    Bad("min_dist", 2.0, ValueError, must("min_dist", "be < spread")),
)
api(
    manifold.SimpleUMAP,
    lambda: {"n_neighbors": 4, "n_components": 2, "n_epochs": 5, "random_state": 0},
    integer("n_neighbors", 2),
    Bad("n_neighbors", 12, ValueError, must("n_neighbors", "be < n_samples = 12")),
    integer("n_components", 1),
    positive("min_dist", zero=True),
    integer("n_epochs", 1),
    positive("learning_rate"),
    integer("negative_sample_rate", 0),
    positive("repulsion_strength", zero=True),
    random_state(),
    via=lambda **kw: manifold.SimpleUMAP(**kw).fit(X(12, 3)),
)
for method in ("fit", "fit_transform", "fuzzy_graph"):
    api(
        (manifold.SimpleUMAP, method),
        lambda: {"self": manifold.SimpleUMAP(4, n_epochs=5, random_state=0), "X": X(12, 3)},
        matrix("X", (12, 3)),
    )

# mlcourse.nn: activations, layers, losses, training, gradient checks
for fn in (nn.sigmoid, nn.tanh, nn.relu):
    api(fn, lambda: {"z": np.linspace(-2, 2, 5)}, values("z"))
api(
    nn.leaky_relu,
    lambda: {"z": np.linspace(-2, 2, 5), "negative_slope": 0.1},
    values("z"),
    positive("negative_slope", zero=True),
)
for fn in (nn.log_softmax, nn.softmax):
    api(
        fn,
        lambda: {"logits": np.ones((2, 3))},
        numbers("logits", (2, 3)),
        Bad("logits", 1.0, ValueError, must("logits", "have at least one axis")),
    )

#: every layer class -> (a fresh layer, the shape of a good input)
LAYERS = {
    nn.Layer: (nn.Layer, None),
    nn.Linear: (lambda: nn.Linear(3, 2, rng=rng()), (4, 3)),
    nn.Sigmoid: (nn.Sigmoid, (4, 3)),
    nn.Tanh: (nn.Tanh, (4, 3)),
    nn.ReLU: (nn.ReLU, (4, 3)),
    nn.LeakyReLU: (lambda: nn.LeakyReLU(0.1), (4, 3)),
    nn.Dropout: (lambda: nn.Dropout(0.5, rng=rng()), (4, 3)),
    nn.BatchNorm1d: (lambda: nn.BatchNorm1d(3), (4, 3)),
    nn.Sequential: (lambda: nn.Sequential(nn.Linear(3, 2, rng=rng()), nn.Tanh()), (4, 3)),
}
for cls, (make, shape) in LAYERS.items():
    api(
        (cls, "train"),
        lambda make=make: {"self": make(), "mode": False},
        flag("mode"),
        Bad("mode", 0, TypeError, must("mode", "be True or False")),
    )
    if shape is None:
        continue
    batched = cls in (nn.Linear, nn.BatchNorm1d, nn.Sequential)  # those know their number of features
    api(
        (cls, "forward"),
        lambda make=make, shape=shape: {"self": make(), "x": np.ones(shape)},
        values("x"),
        *(
            [
                Bad("x", np.ones((4, 2)), ValueError, must("x", r"have shape \(n_samples, 3\)")),
                Bad("x", np.ones(3), ValueError, must("x", r"have shape \(n_samples, ")),
            ]
            if batched
            else []
        ),
    )
    out = (4, 2) if cls in (nn.Linear, nn.Sequential) else shape
    api(
        (cls, "backward"),
        lambda make=make, shape=shape, out=out: {
            "self": forwarded(make(), np.ones(shape)),
            "grad_out": np.ones(out),
        },
        Bad(
            "grad_out", np.ones((5, 2)), ValueError, must("grad_out", "have the shape of the forward output")
        ),
        Bad("grad_out", "abc", TypeError, must("grad_out", "be an array of numbers")),
    )
api(
    nn.Linear,
    lambda: {"in_features": 3, "out_features": 2, "rng": rng()},
    integer("in_features", 1),
    integer("out_features", 1),
    generator(),
    flag("bias"),
)
api(nn.LeakyReLU, lambda: {"negative_slope": 0.1}, positive("negative_slope", zero=True))
api(
    nn.Dropout,
    lambda: {"p": 0.5, "rng": rng()},
    generator(),
    *[
        Bad("p", v, ValueError, r"\bp\b \(the drop probability\) must be in \[0, 1\)")
        for v in (1.0, -0.1, np.nan)
    ],
    Bad("p", "0.5", TypeError, r"\bp\b \(the drop probability\) must be a real number"),
)
api(
    nn.BatchNorm1d,
    lambda: {"num_features": 3, "eps": 1e-5, "momentum": 0.1},
    integer("num_features", 1),
    positive("eps"),
    probability("momentum"),
)
api(
    nn.Sequential,
    lambda: {"layers": (nn.Tanh(), nn.ReLU())},
    Bad("layers", (nn.Tanh(), "relu"), TypeError, must("layers[1]", "be an mlcourse.nn Layer")),
)
api(
    (nn.MSELoss, "forward"),
    lambda: {"self": nn.MSELoss(), "prediction": np.ones((4, 2)), "target": np.ones((4, 2))},
    values("prediction"),
    numbers("target", (4, 2)),
    Bad("target", np.ones(4), ValueError, must("target", r"have the shape of prediction, \(4, 2\)")),
)
api(
    (nn.CrossEntropyLoss, "forward"),
    lambda: {"self": nn.CrossEntropyLoss(), "logits": np.ones((3, 2)), "labels": np.array([0, 1, 1])},
    Bad("logits", np.ones(3), ValueError, must("logits", r"have shape \(n_samples, n_classes\)")),
    Bad("logits", "abc", TypeError, must("logits", "be an array of numbers")),
    Bad("labels", np.array([0.0, 1.0, 1.0]), TypeError, must("labels", "be integer class indices")),
    Bad("labels", np.array([0, 1, 2]), ValueError, must("labels", r"be in \[0, 2\)")),
    Bad("labels", np.array([0, 1]), ValueError, must("labels", r"have shape \(3,\)")),
    Bad("labels", "abc", TypeError, must("labels", "be an array of integer class labels")),
)

NOT_A_NETWORK = Bad(
    "model", nn.Linear(2, 1, rng=rng()), TypeError, must("model", r"be an mlcourse\.nn\.Sequential")
)
NOT_A_LOSS = [
    Bad("loss_fn", nn.MSELoss, TypeError, must("loss_fn", r"be a loss object .*\(with parentheses\)")),
    Bad("loss_fn", "mse", TypeError, must("loss_fn", "be a loss object")),
]


def training_data(x_name: str = "X", y_name: str = "y", n: int = 6) -> list[Bad]:
    """Inputs of the wrong width, NaN data, targets that do not fit the network's output."""
    return [
        *matrix(x_name, (n, 2))[1:],
        Bad(x_name, np.ones((n, 3)), ValueError, must(x_name, r"have shape \(n_samples, 2\)")),
        Bad(y_name, np.ones((n - 1, 1)), ValueError, must(y_name, f"have one row per sample of {x_name}")),
        Bad(
            y_name, np.ones(n), ValueError, must(y_name, rf"have the shape of the model's output, \({n}, 1\)")
        ),
        Bad(y_name, with_nan((n, 1)), ValueError, must(y_name, "be finite")),
    ]


def fit_arguments() -> dict:
    return {
        "model": network(),
        "loss_fn": nn.MSELoss(),
        "X": X(6, 2),
        "y": X(6, 1, seed=1),
        "optimizer": optim.gd(0.1),
        "n_epochs": 2,
    }


api(
    nn.evaluate,
    lambda: {"model": network(), "loss_fn": nn.MSELoss(), "X": X(6, 2), "y": X(6, 1, seed=1)},
    NOT_A_NETWORK,
    NOT_A_LOSS,
    training_data(),
)
api(
    nn.fit,
    lambda: {
        **fit_arguments(),
        "X_val": X(4, 2),
        "y_val": X(4, 1),
        "batch_size": 3,
        "rng": rng(),
        "patience": 2,
    },
    NOT_A_NETWORK,
    NOT_A_LOSS,
    training_data(),
    training_data("X_val", "y_val", 4),
    Bad("optimizer", "adam", TypeError, must("optimizer", r"be an mlcourse\.optim Optimizer")),
    integer("n_epochs", 0),
    integer("batch_size", 1),
    generator(),
    integer("patience", 1),
    flag("restore_best"),
    Bad("y_val", None, ValueError, r"X_val needs y_val"),
)
api(
    nn.check_gradients,
    lambda: {
        "model": network(),
        "loss_fn": nn.MSELoss(),
        "X": X(6, 2),
        "y": X(6, 1, seed=1),
        "verbose": False,
    },
    NOT_A_NETWORK,
    NOT_A_LOSS,
    training_data(),
    positive("h"),
    tolerances(),
    raises=(check.CheckFailed,),
)
api(
    nn.compare_gradients,
    lambda: {"analytic": np.ones(3), "numeric": np.ones(3)},
    comparison("analytic", "numeric"),
    raises=(check.CheckFailed,),
)
api(
    nn.numerical_gradient,
    lambda: {"f": lambda: 1.0, "x": np.ones(3), "h": 1e-6},
    function("f"),
    Bad("x", [1.0, 2.0], TypeError, must("x", "be a float64 numpy array")),
    Bad("x", np.ones(3, dtype=np.float32), TypeError, must("x", "be a float64 numpy array")),
    positive("h"),
)
api(nn.polynomial_fit_predict, lambda: {"degree": 2}, integer("degree", 0))
api(
    nn.bias_variance,
    lambda: {
        "fit_predict": nn.polynomial_fit_predict(1),
        "f": np.sin,
        "x_train": np.linspace(0, 1, 5),
        "x_test": np.array([0.5]),
        "sigma": 0.1,
        "n_datasets": 3,
        "rng": rng(),
    },
    function("fit_predict"),
    function("f"),
    vector("x_train", 5),
    vector("x_test", 1),
    positive("sigma", zero=True),
    integer("n_datasets", 2),
    generator(),
)

# mlcourse.optim: the run loop and the optimizers
NOT_AN_OPTIMIZER = Bad("opt", "adam", TypeError, must("opt", "be an Optimizer"))
api(
    optim.run,
    lambda: {
        "opt": optim.gd(0.1),
        "grad": lambda x: 2 * x,
        "x0": np.ones(2),
        "n_steps": 3,
        "loss": lambda x: x @ x,
        "grad_noise": 0.1,
        "rng": rng(),
        "tol": 1e-8,
    },
    NOT_AN_OPTIMIZER,
    function("grad"),
    vector("x0", 2),
    integer("n_steps", 0),
    function("loss"),
    positive("grad_noise", zero=True),
    generator(),
    positive("tol"),
    positive("max_norm"),
    Bad("rng", None, TypeError, r"grad_noise > 0 needs rng"),
)
api(optim.gd, lambda: {"lr": 0.1}, positive("lr"))
for fn in (optim.momentum, optim.nesterov):
    api(fn, lambda: {"lr": 0.1, "beta": 0.9}, positive("lr"), beta("beta"))
api(
    optim.rmsprop,
    lambda: {"lr": 0.1, "alpha": 0.99, "eps": 1e-8},
    positive("lr"),
    beta("alpha"),
    positive("eps"),
)
api(
    optim.adam,
    lambda: {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    positive("lr"),
    beta("beta1"),
    beta("beta2"),
    positive("eps"),
)
api(
    optim.newton,
    lambda: {"hessian": lambda x: np.eye(2), "lr": 1.0},
    function("hessian"),
    positive("lr"),
    flag("require_positive_definite"),
)
api(
    optim.bfgs,
    lambda: {"fun": lambda x: x @ x, "c1": 1e-4, "shrink": 0.5, "max_backtracks": 10, "H0": np.eye(2)},
    function("fun"),
    positive("c1"),
    Bad("c1", 1.5, ValueError, must("c1", r"be in \(0, 1\)")),
    positive("shrink"),
    Bad("shrink", 1.0, ValueError, must("shrink", r"be in \(0, 1\)")),
    integer("max_backtracks", 1),
    square("H0"),
    Bad("H0", np.array([[1.0, 2.0], [0.0, 1.0]]), ValueError, must("H0", "be symmetric positive definite")),
)
api(
    optim.bfgs_update,
    lambda: {"H": np.eye(2), "s": np.array([1.0, 0.0]), "y": np.array([1.0, 0.5])},
    square("H"),
    vector("s", 2),
    vector("y", 2),
    Bad("y", np.ones(3), ValueError, must("y", "have 2 entries")),
    Bad("y", np.array([-1.0, 0.0]), ValueError, r"s and y must satisfy the curvature condition"),
)

# mlcourse.optim.batch (another file's: rows that fail are marked)
api(
    batch.run_many,
    lambda: {
        "kind": "momentum",
        "grad": lambda x: 2 * x,
        "x0": np.ones((2, 2)),
        "n_steps": 3,
        "lr": np.array([0.1, 0.2]),
        "beta": 0.9,
    },
    choice("kind", "sgd"),
    function("grad"),
    Bad("x0", np.ones((2, 2, 2)), ValueError, must("x0", "have shape")),
    numbers("x0", (2, 2)),
    integer("n_steps", 0),
    positive("max_norm"),
    Bad("lr", -0.1, ValueError, must("lr", "be > 0")),
    Bad("lr", np.ones(3), ValueError, must("lr", "be a number or")),
    Bad("beta", 1.0, ValueError, must("beta", r"be in \[0, 1\)")),
    Bad("lr", "0.1", TypeError, must("lr", "be an array of numbers")),
)

# mlcourse.optim.minibatch
api(minibatch.LeastSquares, lambda: {"X": X(6, 2), "y": np.arange(6.0)}, matrix("X", (6, 2)), vector("y", 6))
for method in ("value", "grad", "per_example_grads"):
    api((minibatch.LeastSquares, method), lambda: {"self": lsq(), "theta": np.ones(2)}, vector("theta", 2))
api(
    (minibatch.LeastSquares, "minibatch_grad"),
    lambda: {"self": lsq(), "theta": np.ones(2), "indices": np.array([0, 3])},
    vector("theta", 2),
    Bad("indices", np.array([0.0, 1.0]), ValueError, must("indices", "be a non-empty 1-D array")),
    Bad("indices", np.array([0, 6]), ValueError, must("indices", r"be in \[0, 6\)")),
    Bad("indices", np.array([], dtype=int), ValueError, must("indices", "be a non-empty")),
)
api(
    minibatch.minibatch_indices,
    lambda: {"n_samples": 6, "batch_size": 2, "rng": rng(), "n_batches": 3},
    integer("n_samples", 1),
    integer("batch_size", 1),
    generator(),
    integer("n_batches", 1),
    flag("replace"),
    Bad("batch_size", 7, ValueError, must("batch_size", "be <= n_samples=6")),
)
api(
    minibatch.gradient_noise,
    lambda: {"per_example_grads": X(6, 2), "batch_size": 2},
    matrix("per_example_grads"),
    integer("batch_size", 1),
    flag("replace"),
    Bad("batch_size", 7, ValueError, must("batch_size", "be <= n_samples=6")),
)
api(
    minibatch.sgd_gradient,
    lambda: {"problem": lsq(), "batch_size": 2, "rng": rng()},
    Bad("problem", X(6, 2), TypeError, must("problem", "be a LeastSquares")),
    integer("batch_size", 1),
    generator(),
    flag("replace"),
    Bad("batch_size", 7, ValueError, must("batch_size", "be <= n_samples=6")),
)

# mlcourse.optim.plane
api(
    plane.path,
    lambda: {
        "kind": "adam",
        "hyperparameters": {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
        "partials": lambda x, y: (2 * x, 2 * y),
        "start": [1.0, 1.0],
        "n_steps": 3,
        "max_norm": 10.0,
    },
    one_of("kind", "sgd"),
    Bad("hyperparameters", [0.1], TypeError, must("hyperparameters", "be a dict")),
    Bad("hyperparameters", {"beta1": 0.9}, TypeError, r"adam needs lr", named="lr"),
    Bad("hyperparameters", {"lr": 0.1, "beta": 0.9}, TypeError, r"got unexpected \['beta'\]"),
    Bad("hyperparameters", {"lr": -0.1}, ValueError, must("lr", "be > 0"), named="lr"),
    Bad("hyperparameters", {"lr": 0.1, "beta1": 1.0}, ValueError, must("beta1", r"be in \[0, 1\)"),
        named="beta1"),
    Bad("hyperparameters", {"lr": 0.1, "beta2": "0.9"}, TypeError, must("beta2", "be a real number"),
        named="beta2"),
    Bad("hyperparameters", {"lr": 0.1, "eps": 0.0}, ValueError, must("eps", "be > 0"), named="eps"),
    function("partials"),
    vector("start", 2),
    integer("n_steps", 0),
    positive("max_norm"),
)
api(
    plane.simulate_plane,
    lambda: {
        "kinds": ["gd", "adam"],
        "partials": lambda x, y: (2 * x, 2 * y),
        "hyperparameters": [{"lr": 0.1}, {"lr": 0.1, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8}],
        "start": [1.0, 1.0],
        "n_steps": 3,
    },
    Bad("kinds", ["gd", "sgd"], ValueError, must("kinds", "be among")),
    Bad("hyperparameters", [{"lr": 0.1}], ValueError, must("hyperparameters", "be 2 dicts")),
    Bad("hyperparameters", [{"lr": -0.1}, {"lr": 0.1}], ValueError, must("lr", "be > 0"), named="lr"),
    function("partials"),
    vector("start", 2),
    integer("n_steps", 0),
)

# mlcourse.optim.playground
api(
    playground.Controls.for_problem,
    lambda: {"problem": "valley", "lr": 0.01},
    choice("problem"),
)
api(
    playground.trajectories,
    lambda: {"controls": playground.Controls(n_steps=3), "max_norm": 1e6},
    Bad("controls", {"lr": 0.1}, TypeError, must("controls", "be a Controls")),
    Bad("lr", -1.0, ValueError, must("lr", "be > 0")),
    Bad("beta", 1.0, ValueError, must("beta", r"be in \[0, 1\)")),
    Bad("start", (1.0, 2.0, 3.0), ValueError, must("start", "have 2 entries")),
    Bad("problem", "nope", ValueError, must("problem", "be one of")),
    Bad("n_steps", 0, ValueError, must("n_steps", "be >= 1")),
    positive("max_norm"),
)
api(
    playground.PlaygroundPlot,
    lambda: {"ax_map": axes(), "ax_loss": axes(), "problem": "valley"},
    choice("problem"),
    Bad("ax_map", "ax", TypeError, must("ax_map", "be a matplotlib Axes")),
    Bad("ax_loss", "ax", TypeError, must("ax_loss", "be a matplotlib Axes")),
)
api(
    (playground.PlaygroundPlot, "set_problem"),
    lambda: {"self": playground.PlaygroundPlot(axes(), None, "valley"), "name": "rosenbrock"},
    Bad("name", "nope", ValueError, must("name", "be one of")),
)
api(
    (playground.PlaygroundPlot, "update"),
    lambda: {
        "self": playground.PlaygroundPlot(axes(), axes(), "valley"),
        "traj": playground.trajectories(problem="valley", n_steps=3),
        "upto": 2,
    },
    Bad("traj", "traj", TypeError, must("traj", "be a Trajectories")),
    Bad("upto", 2.5, TypeError, must("upto", "be an integer")),
)
api(
    playground.optimizer_playground,
    lambda: {"problem": "valley", "n_steps": 3},
    choice("problem"),
    integer("n_steps", 1),
)
api(
    playground.playground_animation,
    lambda: {"controls": playground.Controls(n_steps=3), "n_frames": 2, "dpi": 20, "figsize": (3, 2.5)},
    Bad("controls", {"lr": 0.1}, TypeError, must("controls", "be a Controls")),
    integer("n_frames", 2),
    positive("dpi"),
)
api(
    playground.static_explorer,
    lambda: {"problems": ("valley",), "lr_factors": (1.0,), "betas": (0.9,), "n_steps": 3, "size": 20},
    integer("n_steps", 1),
    Bad("problems", ("nope",), ValueError, must("problems", "be")),
    Bad("lr_factors", (-1.0,), ValueError, must("lr_factors", "be")),
    Bad("betas", (1.5,), ValueError, must("betas", "be")),
    integer("size", 1),
)

# mlcourse.optim.problems
api(
    problems.quadratic,
    lambda: {"condition_number": 10.0, "angle": 0.5},
    positive("condition_number"),
    Bad("condition_number", 0.5, ValueError, must("condition_number", "be >= 1")),
    real("angle"),
)
api(
    problems.rosenbrock,
    lambda: {"a": 1.0, "b": 100.0},
    positive("b"),
    real("a"),
)
api(
    (problems.Problem, "grid"),
    lambda: {"self": problems.valley(), "n": 5},
    integer("n", 2),
)

# mlcourse.optim.rates
api(
    rates.gd_optimal_lr,
    lambda: {"mu": 1.0, "L": 10.0},
    positive("mu"),
    positive("L"),
    Bad("mu", 20.0, ValueError, must("mu", "be <= L")),
)
api(
    rates.heavy_ball_optimal,
    lambda: {"mu": 1.0, "L": 10.0},
    positive("mu"),
    positive("L"),
    Bad("mu", 20.0, ValueError, must("mu", "be <= L")),
)
api(
    rates.gd_rate,
    lambda: {"kappa": 10.0},
    positive("kappa"),
    Bad("kappa", 0.5, ValueError, must("kappa", "be >= 1")),
)
api(rates.gd_iteration_matrix, lambda: {"A": spd(), "lr": 0.1}, square("A"), positive("lr"))
api(
    rates.heavy_ball_iteration_matrix,
    lambda: {"A": spd(), "lr": 0.1, "beta": 0.5},
    square("A"),
    positive("lr"),
    positive("beta", zero=True),
)
api(rates.spectral_radius, lambda: {"M": spd()}, square("M"))
api(
    rates.measured_rate,
    lambda: {"errors": 0.5 ** np.arange(10.0), "start": 2},
    vector("errors", 10),
    Bad("errors", -(0.5 ** np.arange(10.0)), ValueError, must("errors", "be positive")),
    Bad("errors", np.ones(4), ValueError, r"errors needs at least 3 entries after start=2"),
    integer("start", 1),
    flag("polynomial"),
)

# mlcourse.reading (issue 16)
api(
    mlcourse.glue,
    lambda: {"name": "rate", "value": 0.5, "fmt": ".2f"},
    Bad("name", 3, TypeError, must("name", "be a string")),
    Bad("name", "a:b", ValueError, must("name", "start with a letter")),
    Bad("fmt", 3, TypeError, must("fmt", "be a format spec")),
)


class _Displayable:
    """Something Jupyter displays, as an explorer is (for glue_figure's good call)."""

    def _repr_html_(self):
        return "<b>a figure</b>"


api(
    mlcourse.glue_figure,
    lambda: {"name": "fig-x", "figure": _Displayable()},
    Bad("name", 3, TypeError, must("name", "be a string")),
    Bad("name", "a:b", ValueError, must("name", "start with a letter")),
    Bad("figure", 3.0, TypeError, must("figure", "be something Jupyter displays")),
)
api(plotting.use_book_style, lambda: {"retina": False}, flag("retina"))
api(
    plotting.figsize,
    lambda: {"ncols": 2, "nrows": 1, "aspect": 0.75, "width": 6.0},
    integer("ncols", 1),
    integer("nrows", 1),
    positive("aspect"),
    positive("width"),
    Bad("width", 12.0, ValueError, must("width", "be <= COLUMN_WIDTH")),
)

# mlcourse.plotting
api(
    plotting.figure_png,
    lambda: {"fig": Figure(figsize=(1, 1)), "dpi": 20},
    Bad("fig", "figure", TypeError, must("fig", "be a matplotlib Figure")),
    positive("dpi"),
    Bad("dpi", 0.5, ValueError, must("dpi", "be >= 1")),
)
api(
    plotting.animation_html,
    lambda: {"animation": animation(), "alt": "a line moves", "default_mode": "once"},
    Bad("animation", "anim", TypeError, must("animation", "be a matplotlib Animation")),
    Bad("alt", "  ", ValueError, must("alt", "be a non-empty description")),
    Bad("alt", None, TypeError, must("alt", "be a string")),
    one_of("default_mode", "bounce"),
)
api(
    plotting.BasisPlot,
    lambda: {"ax": axes(), "v": [1.0, 1.5], "new_basis": spd(), "lim": 3.0, "n_lines": 3},
    Bad("ax", "ax", TypeError, must("ax", "be a matplotlib Axes")),
    vector("v", 2),
    Bad("v", np.ones(3), ValueError, must("v", "have 2 entries")),
    square("new_basis"),
    Bad("new_basis", np.eye(3), ValueError, must("new_basis", r"have shape \(2, 2\)")),
    positive("lim"),
    integer("n_lines", 1),
)
api(
    (plotting.BasisPlot, "update"),
    lambda: {"self": plotting.BasisPlot(axes(), [1.0, 1.5], np.eye(2), n_lines=2), "new_basis": spd()},
    square("new_basis"),
    Bad("new_basis", np.eye(3), ValueError, must("new_basis", r"have shape \(2, 2\)")),
)

# mlcourse.stats
api(stats.RunningMoments, lambda: {"n_features": 2}, integer("n_features", 1))
api(
    (stats.RunningMoments, "update"),
    lambda: {"self": stats.RunningMoments(2), "x": np.ones(2)},
    numbers("x", (2,)),
    Bad("x", np.ones(3), ValueError, must("x", r"be one observation of shape \(2,\)")),
)
api(
    (stats.RunningMoments, "merge"),
    lambda: {"self": stats.RunningMoments(2), "other": stats.RunningMoments(2)},
    Bad("other", [1.0, 2.0], TypeError, must("other", "be a RunningMoments")),
    Bad(
        "other",
        Fresh(lambda: stats.RunningMoments(3).update(np.ones(3))),
        ValueError,
        r"cannot merge accumulators of different dimension: .* other has",
    ),
)
api(
    (stats.RunningMoments, "variance"),
    lambda: {"self": stats.RunningMoments().update([1.0, 2.0, 4.0]), "ddof": 1},
    integer("ddof", 0),
    Bad("ddof", 3, ValueError, r"variance with ddof=3 needs more than 3 observations"),
)
api(
    stats.naive_variance,
    lambda: {"x": np.arange(4.0)},
    numbers("x", (4,)),
    Bad("x", 2.0, ValueError, must("x", r"have shape \(n,\) or \(n, n_features\)")),
    Bad("x", np.array([]), ValueError, must("x", "not be empty")),
)

# mlcourse.theory.dropout
api(
    dropout.all_masks,
    lambda: {"n_units": 3},
    integer("n_units", 1),
    Bad("n_units", 17, ValueError, must("n_units", "be <= 16")),
)
api(
    dropout.mask_probabilities,
    lambda: {"masks": dropout.all_masks(2), "keep_prob": 0.5},
    matrix("masks", (4, 2)),
    Bad("masks", np.full((4, 2), 0.5), ValueError, must("masks", "hold only 0s")),
    probability("keep_prob"),
)
api(
    dropout.softmax,
    lambda: {"logits": np.ones((2, 3))},
    numbers("logits", (2, 3)),
    Bad("logits", 1.0, ValueError, must("logits", "have at least one axis")),
)
api(
    dropout.dropout_ensemble,
    lambda: {"z": np.ones(3), "head": lambda h: h, "keep_prob": 0.5},
    vector("z"),
    Bad("z", np.ones(17), ValueError, must("z", "have at most 16 units")),
    function("head"),
    probability("keep_prob"),
    flag("probabilities_out"),
)

# mlcourse.theory.early_stopping
EIGENVALUES = Bad("eigenvalues", np.array([1.0, -1.0]), ValueError, must("eigenvalues", "be non-negative"))
api(
    early_stopping.early_stopping_factors,
    lambda: {"eigenvalues": np.array([1.0, 2.0]), "lr": 0.1, "n_steps": 5},
    EIGENVALUES,
    numbers("eigenvalues", (2,)),
    positive("lr"),
    integer("n_steps", 0),
)
api(
    early_stopping.l2_factors,
    lambda: {"eigenvalues": np.array([1.0, 2.0]), "alpha": 0.5},
    EIGENVALUES,
    numbers("eigenvalues", (2,)),
    Bad("alpha", 0.0, ValueError, must("alpha", "be > 0")),
    numbers("alpha"),
)
api(
    early_stopping.matching_alpha,
    lambda: {"eigenvalues": np.array([1.0, 2.0]), "lr": 0.1, "n_steps": 5},
    EIGENVALUES,
    numbers("eigenvalues", (2,)),
    positive("lr"),
    integer("n_steps", 1),
    Bad("lr", 1.0, ValueError, r"needs 0 < lr·λ < 1 for every λ in eigenvalues"),
)

# mlcourse.theory.l2
api(
    l2.weight_decay_step,
    lambda: {"w": np.ones(2), "grad": np.ones(2), "lr": 0.1, "alpha": 0.01},
    vector("w", 2),
    vector("grad", 2),
    Bad("grad", np.ones(3), ValueError, must("grad", "have 2 entries")),
    positive("lr"),
    positive("alpha", zero=True),
)
for fn in (l2.l2_minimizer, l2.shrinkage):
    api(
        fn,
        lambda: {"H": spd(), "w_star": np.ones(2), "alpha": 0.5},
        square("H"),
        Bad("H", np.array([[1.0, 2.0], [0.0, 1.0]]), ValueError, must("H", "be symmetric")),
        vector("w_star", 2),
        Bad("w_star", np.ones(3), ValueError, must("w_star", "have 2 entries")),
        positive("alpha"),
        *(
            [Bad("H", -spd(), ValueError, must("H", "be positive semi-definite"))]
            if fn is l2.shrinkage
            else []
        ),
    )

# mlcourse.theory.matrix_completion
MASK = np.array([[True, False, True], [True, True, False]])


def completion_problem() -> list[Bad]:
    return [
        matrix("Y", (2, 3)),
        Bad("mask", MASK * 1.0, ValueError, must("mask", "be a boolean array")),
        Bad("mask", MASK[:, :2], ValueError, must("mask", "be a boolean array of the shape of Y")),
        Bad("mask", np.zeros((2, 3), dtype=bool), ValueError, must("mask", "observe at least one entry")),
    ]


api(matrix_completion.nuclear_norm, lambda: {"X": np.eye(2)}, matrix("X"))
api(
    matrix_completion.nuclear_norm_certificate,
    lambda: {"Y": np.outer([1.0, 2.0], [1.0, 0.5, 1.0]), "mask": MASK, "rank": 1},
    completion_problem(),
    integer("rank", 1),
    Bad("rank", 2, ValueError, must("rank", r"be < min\(n1, n2\)")),
)
api(
    matrix_completion.factorized_completion,
    lambda: {"Y": np.ones((2, 3)), "mask": MASK, "rank": 2, "n_steps": 5, "rng": rng(), "record_every": 2},
    completion_problem(),
    integer("rank", 1),
    Bad("rank", 3, ValueError, must("rank", r"be <= min\(n1, n2\)")),
    positive("init_scale"),
    positive("lr"),
    integer("n_steps", 0),
    positive("tol", zero=True),
    generator(),
    integer("record_every", 1),
)
api(
    matrix_completion.soft_impute,
    lambda: {"Y": np.ones((2, 3)), "mask": MASK, "lam": 0.1, "n_iter": 3, "X0": np.zeros((2, 3))},
    completion_problem(),
    positive("lam"),
    integer("n_iter", 1),
    matrix("X0", (2, 3)),
    Bad("X0", np.zeros((3, 3)), ValueError, must("X0", r"have the shape of Y, \(2, 3\)")),
)

# mlcourse.theory.min_norm
for fn in (min_norm.gd_least_squares, min_norm.gd_limit):
    extra = {"lr": 0.1, "n_steps": 5} if fn is min_norm.gd_least_squares else {}
    api(
        fn,
        lambda extra=extra: {"A": np.ones((1, 2)), "b": np.ones(1), "x0": np.zeros(2), **extra},
        matrix("A", (1, 2)),
        vector("b", 1),
        Bad("b", np.ones(2), ValueError, must("b", "have 1 entries")),
        vector("x0", 2),
        Bad("x0", np.ones(3), ValueError, must("x0", "have 2 entries")),
        *([positive("lr"), integer("n_steps", 0), positive("tol")] if extra else []),
    )

# mlcourse.theory.modified_loss
GRADS = [lambda w: w - 1.0, lambda w: w + 1.0]
HESSIANS = [lambda w: np.eye(2), lambda w: np.eye(2)]


def batch_functions(arg: str) -> list[Bad]:
    return [
        Bad(arg, GRADS[0], TypeError, must(arg, "be a list of functions")),
        Bad(arg, [GRADS[0], 3.0], TypeError, must(f"{arg}[1]", "be a function")),
    ]


api(
    modified_loss.gradient_flow,
    lambda: {"grad": lambda w: w, "w0": np.ones(2), "times": np.linspace(0, 1, 3)},
    function("grad"),
    vector("w0", 2),
    vector("times"),
    Bad("times", np.array([1.0, 0.5]), ValueError, must("times", "be non-negative and strictly increasing")),
    Bad(
        "grad", lambda w: np.ones(3), ValueError, must("grad", r"return an array of the shape of w0, \(2,\)")
    ),
    positive("rtol"),
    positive("atol"),
)
api(
    modified_loss.modified_gradient_gd,
    lambda: {"grad": lambda w: w, "hessian": lambda w: np.eye(2), "lr": 0.1},
    function("grad"),
    function("hessian"),
    positive("lr"),
)
api(
    modified_loss.modified_gradient_sgd,
    lambda: {"batch_grads": GRADS, "batch_hessians": HESSIANS, "lr": 0.1},
    batch_functions("batch_grads"),
    batch_functions("batch_hessians"),
    positive("lr"),
    Bad(
        "batch_hessians",
        HESSIANS[:1],
        ValueError,
        "batch_grads and batch_hessians must be non-empty and of equal",
    ),
)
api(
    modified_loss.shuffled_epoch_mean,
    lambda: {"batch_grads": GRADS, "w0": np.ones(2), "lr": 0.1, "inner_steps": 2},
    batch_functions("batch_grads"),
    Bad("batch_grads", GRADS * 4, ValueError, must("batch_grads", "hold between 1 and 7")),
    vector("w0", 2),
    positive("lr"),
    integer("inner_steps", 1),
)
api(
    modified_loss.minibatch_gradient_norm,
    lambda: {"per_example_grads": X(4, 2), "batch_size": 2},
    matrix("per_example_grads", (4, 2)),
    integer("batch_size", 1),
    Bad("batch_size", 5, ValueError, must("batch_size", "be <= the number of examples 4")),
)
api(modified_loss.two_basin_loss, lambda: {"w": np.linspace(-1, 2, 4)}, numbers("w", (4,)))
api(
    modified_loss.sgd_two_basins,
    lambda: {
        "lr": 0.1,
        "batch_size": 2,
        "n_runs": 3,
        "n_steps": 3,
        "n_examples": 4,
        "settle_steps": 2,
        "rng": rng(),
    },
    positive("lr"),
    integer("batch_size", 1),
    Bad("batch_size", 5, ValueError, must("batch_size", "be <= n_examples = 4")),
    integer("n_runs", 1),
    integer("n_steps", 0),
    integer("n_examples", 2),
    positive("noise_scale", zero=True),
    integer("settle_steps", 0),
    generator(),
)

# mlcourse.theory.noise
for fn in (noise.noisy_squared_errors, noise.expected_noisy_loss):
    extra = {"n_samples": 4, "rng": rng()} if fn is noise.noisy_squared_errors else {}
    api(
        fn,
        lambda extra=extra: {"w": np.ones(2), "x": np.ones(2), "t": 1.0, "sigma": 0.5, **extra},
        vector("w", 2),
        vector("x", 2),
        Bad("x", np.ones(3), ValueError, must("x", "have 2 entries")),
        real("t"),
        Bad("sigma", -0.5, ValueError, must("sigma", "be non-negative")),
        Bad("sigma", np.ones(3), ValueError, must("sigma", "have 2 entries")),
        numbers("sigma", (2,)),
        *([integer("n_samples", 2), generator()] if extra else []),
    )

# mlcourse.theory.ntk
NOT_A_MODEL = Bad("model", nn.Linear(3, 1, rng=rng()), TypeError, must("model", r"be a torch\.nn\.Module"))


def inputs(arg: str, n_features: int = 3) -> list[Bad]:
    """Inputs of a torch model given as arrays or tensors."""
    return [
        Bad(arg, np.ones(n_features), ValueError, must(arg, r"have shape \(n_samples, n_features\)")),
        Bad(
            arg,
            np.ones((4, n_features + 1)),
            ValueError,
            must(arg, rf"have shape \(n_samples, {n_features}\)"),
        ),
        Bad(arg, with_nan((4, n_features)), ValueError, must(arg, "be finite")),
        Bad(arg, "abc", TypeError, must(arg, "be a tensor or array")),
        Bad(arg, [["a", "b", "c"]], TypeError, must(arg, "be an array of numbers|hold real numbers")),
    ]


api(
    ntk.TwoLayerReLU,
    lambda: {"in_features": 3, "width": 4},
    integer("in_features", 1),
    integer("width", 1),
    Bad("generator", 0, TypeError, must("generator", r"be a torch\.Generator")),
    Bad("dtype", "float64", TypeError, must("dtype", "be a floating-point torch.dtype")),
)
api(
    (ntk.TwoLayerReLU, "forward"),
    lambda: {"self": relu_net(), "x": torch.zeros(4, 3, dtype=torch.float64)},
    tensor("x", 3, torch.float64),
)
api(ntk.jacobian, lambda: {"model": relu_net(), "X": np.ones((4, 3))}, NOT_A_MODEL, inputs("X"))
api(
    ntk.empirical_ntk,
    lambda: {"model": relu_net(), "X1": np.ones((4, 3)), "X2": np.ones((2, 3))},
    NOT_A_MODEL,
    inputs("X1"),
    inputs("X2"),
)
api(
    ntk.relu_ntk,
    lambda: {"X1": np.ones((4, 3)), "X2": np.ones((2, 3))},
    matrix("X1", (4, 3)),
    matrix("X2", (2, 3)),
    Bad("X2", np.ones((2, 4)), ValueError, "X1 and X2 must have the same number of features"),
)
api(
    ntk.flow_solution,
    lambda: {"K": spd(), "f0": np.zeros(2), "y": np.ones(2), "lr": 0.1, "t": np.linspace(0, 1, 3)},
    square("K"),
    Bad("K", np.array([[1.0, 2.0], [0.0, 1.0]]), ValueError, must("K", "be symmetric")),
    vector("f0", 2),
    Bad("f0", np.ones(3), ValueError, must("f0", "have 2 entries")),
    vector("y", 2),
    positive("lr"),
    numbers("t"),
    Bad("t", np.ones((2, 2)), ValueError, must("t", "be a number or a vector")),
)
api(ntk.LinearizedModel, lambda: {"model": relu_net()}, NOT_A_MODEL)
api(
    (ntk.LinearizedModel, "features"),
    lambda: {"self": ntk.LinearizedModel(relu_net()), "X": np.ones((4, 3))},
    inputs("X"),
)
api(
    ntk.train_lockstep,
    lambda: {
        "model": relu_net(),
        "X": X(4, 3),
        "y": np.ones(4),
        "lr": 0.1,
        "n_steps": 2,
        "X_test": X(2, 3),
        "record_every": 1,
    },
    NOT_A_MODEL,
    inputs("X"),
    vector("y", 4),
    Bad("y", np.ones(5), ValueError, must("y", "have 4 entries")),
    positive("lr"),
    integer("n_steps", 0),
    inputs("X_test"),
    integer("record_every", 1),
)

# mlcourse.vae
api(
    vae.VAE,
    lambda: {"n_features": 3, "n_latent": 2, "n_hidden": 4},
    integer("n_features", 1),
    integer("n_latent", 1),
    integer("n_hidden", 1),
    one_of("likelihood", "poisson"),
    positive("noise_std"),
    integer("seed", 0),
)


#: Bernoulli pixels are probabilities: grey levels 0-255 are the usual mistake
IN_0_1 = r"be in \[0, 1\] for the Bernoulli likelihood"


def small_vae() -> vae.VAE:
    return vae.VAE(3, 2, 4)


NOT_A_GENERATOR = Bad("generator", 0, TypeError, must("generator", r"be a torch\.Generator"))
api((vae.VAE, "encode"), lambda: {"self": small_vae(), "x": torch.zeros(4, 3)}, tensor("x", 3))
api((vae.VAE, "decode"), lambda: {"self": small_vae(), "z": torch.zeros(4, 2)}, tensor("z", 2))
api((vae.VAE, "mean_image"), lambda: {"self": small_vae(), "z": torch.zeros(4, 2)}, tensor("z", 2))
api(
    (vae.VAE, "forward"),
    lambda: {"self": small_vae(), "x": torch.zeros(4, 3), "generator": torch.Generator()},
    tensor("x", 3),
    NOT_A_GENERATOR,
)
api(
    (vae.VAE, "reparameterize"),
    lambda: {
        "self": small_vae(),
        "mu": torch.zeros(4, 2),
        "log_var": torch.zeros(4, 2),
        "generator": torch.Generator(),
    },
    Bad("mu", np.zeros((4, 2)), TypeError, must("mu", r"be a floating-point torch\.Tensor")),
    Bad("log_var", torch.zeros(4, 3), ValueError, must("log_var", "have the shape of mu")),
    NOT_A_GENERATOR,
)
api(
    (vae.VAE, "log_likelihood"),
    lambda: {"self": small_vae(), "x": torch.zeros(4, 3), "decoded": torch.zeros(4, 3)},
    tensor("x", 3),
    Bad("decoded", torch.zeros(4, 2), ValueError, must("decoded", r"have shape \(n, 3\)")),
    Bad("decoded", torch.zeros(5, 3), ValueError, must("decoded", "have the shape of x")),
)
api(
    vae.elbo,
    lambda: {"model": small_vae(), "x": torch.zeros(4, 3), "generator": torch.Generator(), "n_samples": 2},
    Bad("model", autoencoder.Autoencoder(3, 2), TypeError, must("model", "be a VAE")),
    tensor("x", 3),
    Bad("x", torch.full((4, 3), 255.0), ValueError, must("x", IN_0_1)),
    NOT_A_GENERATOR,
    integer("n_samples", 1),
)
api(
    vae.train_vae,
    lambda: {
        "model": small_vae(),
        "X": rng().uniform(size=(6, 3)),
        "X_val": rng().uniform(size=(2, 3)),
        "n_epochs": 1,
        "batch_size": 3,
        "progress": False,
    },
    Bad("model", autoencoder.Autoencoder(3, 2), TypeError, must("model", "be a VAE")),
    matrix("X", (6, 3)),
    Bad("X", np.ones((6, 4)), ValueError, must("X", "have 3 columns")),
    Bad("X", np.full((6, 3), 255.0), ValueError, must("X", IN_0_1)),
    matrix("X_val", (2, 3)),
    Bad("X_val", np.ones((2, 4)), ValueError, must("X_val", "have 3 columns")),
    Bad("X_val", -np.ones((2, 3)), ValueError, must("X_val", IN_0_1)),
    integer("n_epochs", 1),
    integer("batch_size", 1),
    positive("lr"),
    integer("seed", 0),
)

# mlcourse.vi
api(
    vi.gaussian_kl,
    lambda: {"mu0": 0.0, "sigma0": 1.0, "mu1": np.zeros(2), "sigma1": np.ones(2)},
    numbers("mu0"),
    numbers("mu1", (2,)),
    numbers("sigma0"),
    Bad("sigma0", -1.0, ValueError, must("sigma0", "be positive")),
    Bad("sigma1", np.array([1.0, 0.0]), ValueError, must("sigma1", "be positive")),
    Bad("mu0", np.zeros(3), ValueError, "mu0, sigma0, mu1 and sigma1 must broadcast to one shape"),
    Bad("sigma1", torch.tensor([1.0, -1.0]), ValueError, must("sigma1", "be positive")),
)
api(
    vi.NormalMeanModel,
    lambda: {"x": np.ones(3), "prior_mean": 0.0, "prior_std": 1.0, "noise_std": 1.0},
    vector("x"),
    Bad("prior_mean", np.nan, ValueError, must("prior_mean", "be finite")),
    Bad("prior_mean", [0.0, 1.0], ValueError, must("prior_mean", "be a number")),
    positive("prior_std"),
    positive("noise_std"),
)
for method in ("log_prior", "log_likelihood", "log_joint", "grad_log_joint", "log_posterior"):
    api((vi.NormalMeanModel, method), lambda: {"self": nmm(), "z": np.linspace(-1, 1, 3)}, values("z"))
for method in (
    "expected_log_likelihood",
    "grad_expected_log_likelihood",
    "kl_to_prior",
    "kl_to_posterior",
    "elbo",
):
    api(
        (vi.NormalMeanModel, method),
        lambda: {"self": nmm(), "m": np.array([0.5, 1.0]), "s": np.array([0.5, 1.0])},
        numbers("m", (2,)),
        numbers("s", (2,)),
        Bad("s", -0.5, ValueError, must("s", "be positive")),
        Bad("s", np.ones(3), ValueError, "m and s must broadcast to one shape"),
        Bad("m", np.ones(3), ValueError, "m and s must broadcast to one shape"),
    )
api(
    vi.em_prior_mean,
    lambda: {"model": nmm(), "n_iter": 3, "tol": 1e-8},
    Bad("model", np.ones(3), TypeError, must("model", "be a NormalMeanModel")),
    integer("n_iter", 1),
    positive("tol"),
)
api(
    vi.fit_gaussian_vi,
    lambda: {
        "log_joint": nmm().log_joint,
        "grad_log_joint": nmm().grad_log_joint,
        "n_steps": 8,
        "rng": rng(),
    },
    function("log_joint"),
    function("grad_log_joint"),
    Bad("m_init", [0.0, 1.0], ValueError, must("m_init", "be a number")),
    Bad("m_init", np.nan, ValueError, must("m_init", "be finite")),
    positive("s_init"),
    # the deprecated names of m_init and s_init are checked under their own names
    Bad("m0", np.nan, ValueError, must("m0", "be finite")),
    Bad("s0", -1.0, ValueError, must("s0", "be > 0")),
    positive("lr"),
    integer("n_steps", 4),
    integer("n_samples", 1),
    positive("tol"),
    generator(),
)
api(
    vi.metropolis_hastings,
    lambda: {
        "log_prob": lambda x: -0.5 * np.sum(np.square(x)),
        "x0": np.zeros(2),
        "n_steps": 5,
        "step_size": 0.5,
        "rng": rng(),
    },
    function("log_prob"),
    Bad("x0", np.zeros((2, 2)), ValueError, must("x0", "be a number or a vector")),
    numbers("x0", (2,)),
    integer("n_steps", 1),
    positive("step_size"),
    generator(),
    Bad("log_prob", lambda x: -np.inf, ValueError, r"log_prob\(x0\) must be finite"),
)
for fn, arg in ((vi.reparameterization_gradients, "df"), (vi.score_function_gradients, "f")):
    api(
        fn,
        lambda arg=arg: {arg: np.cos, "m": 0.0, "s": 1.0, "n_samples": 4, "rng": rng()},
        function(arg),
        Bad("m", np.zeros(2), ValueError, must("m", "be a number")),
        real("m")[:1],
        Bad("s", -1.0, ValueError, must("s", "be positive")),
        Bad("s", np.ones(2), ValueError, must("s", "be a number")),
        integer("n_samples", 1),
        generator(),
    )

# mlcourse.interactive
def _explorer_arguments() -> dict:
    fig = Figure()
    fig.add_subplot().plot([0.0, 1.0], [0.0, 1.0])
    controls = {"a": mlcourse.interactive.Slider("a", [1.0, 2.0])}
    return {"fig": fig, "update": lambda a: None, "controls": controls, "name": "fig-rows",
            "alt": "A straight line that the control does not change.", "dpi": 30}


for target in (mlcourse.interactive.explore, mlcourse.interactive.Explorer):
    api(
        target,
        _explorer_arguments,
        Bad("fig", "figure", TypeError, must("fig", "be a matplotlib Figure")),
        Bad("update", 3, TypeError, must("update", "be a function")),
        Bad("controls", {}, ValueError, must("controls", "be a non-empty dict")),
        Bad("controls", {"a": (1, 2)}, TypeError, r"controls\['a'\] must be a Slider or a Choice"),
        Bad("controls", {"a": mlcourse.interactive.Slider("a", [])}, ValueError,
            r"controls\['a'\] has no values"),
        Bad("controls", {"a": mlcourse.interactive.Slider("a", [1.0, np.nan])}, ValueError,
            r"controls\['a'\] must have finite values"),
        Bad("name", "two words", ValueError, must("name", "name the figure")),
        Bad("alt", "short", ValueError, must("alt", "describe what the figure shows")),
        Bad("dpi", 5, ValueError, must("dpi", "be an integer from 30 to 300")),
        Bad("budget", 0, ValueError, must("budget", "be a positive number of bytes")),
        *([Bad("static", "yes", TypeError, must("static", "be True, False or None"))]
          if target is mlcourse.interactive.Explorer else []),
    )

api(
    mlcourse.interactive.Interactive,
    lambda: {"widget": lambda: None, "html": lambda: "<p>stand-in</p>", "name": "fig-rows"},
    Bad("widget", 3, TypeError, must("widget", "be functions")),
    Bad("html", "<p>", TypeError, must("html", "be functions")),
    Bad("name", "two words", ValueError, must("name", "name the figure")),
)

# mlcourse.edition
BOOK_FOLDER = Path(__file__).resolve().parents[1] / "book"
api(
    mlcourse.edition.chapter_notebooks,
    lambda: {"book": BOOK_FOLDER},
    Bad("book", BOOK_FOLDER / "no-such-folder", ValueError,
        must("book", "be the folder of the book's chapters")),
)
api(
    mlcourse.edition.student_notebook,
    lambda: {"notebook": {"cells": [], "metadata": {}}},
    Bad("notebook", [], TypeError, must("notebook", "be a notebook's JSON as a dict")),
    Bad("notebook", {"cells": [{"cell_type": "markdown", "source": "```{solution-start} x\n```"}]},
        ValueError, r"the solution opened at cell 0 is never closed"),
)
api(
    mlcourse.edition.load_book,
    lambda: {"root": BOOK_FOLDER.parent},
    Bad("root", BOOK_FOLDER, ValueError, must("root", "be the book's repository")),
)
for fn in (mlcourse.edition.reader_edition, mlcourse.edition.write_reader_edition):
    api(
        fn,
        (lambda: {"book": BOOK_FOLDER}) if fn is mlcourse.edition.reader_edition
        else (lambda: {"out_dir": tempfile.mkdtemp(), "book": BOOK_FOLDER}),
        Bad("book", BOOK_FOLDER / "no-such-folder", ValueError,
            must("book", "be the folder of the book's chapters")),
    )
api(
    mlcourse.edition.reader_notebook,
    lambda: {"notebook": {"cells": [], "metadata": {}},
             "book": mlcourse.edition.load_book(BOOK_FOLDER.parent), "docname": "book/optimization/adam"},
    Bad("notebook", [], TypeError, must("notebook", "be a notebook's JSON as a dict")),
    Bad("book", "book", TypeError, must("book", "be the Book that load_book")),
    Bad("docname", 3, TypeError, must("docname", "be a string")),
)
api(
    mlcourse.edition.expand_macros,
    lambda: {"tex": r"\vb{x}", "macros": {"vb": (r"\mathbf{#1}", 1)}},
    Bad("tex", 3, TypeError, must("tex", "be a string of TeX")),
    Bad("macros", 3, TypeError, must("macros", "be a dict")),
)
api(
    mlcourse.edition.write_student_edition,
    lambda: {"out_dir": tempfile.mkdtemp(), "book": BOOK_FOLDER},
    Bad("book", BOOK_FOLDER / "no-such-folder", ValueError,
        must("book", "be the folder of the book's chapters")),
)

# mlcourse.widgets (another file's: rows that fail are marked)
api(
    widgets.basis_explorer,
    lambda: {"new_basis": spd(), "v": [1.0, 1.5], "lim": 3.0},
    square("new_basis"),
    Bad("new_basis", np.eye(3), ValueError, must("new_basis", r"have shape \(2, 2\)")),
    vector("v", 2),
    positive("lim"),
)
api(widgets.basis_path, lambda: {"n_frames": 3}, integer("n_frames", 2))
api(
    widgets.basis_animation,
    lambda: {"v": [1.0, 1.5], "n_frames": 2, "lim": 3.0, "dpi": 20},
    vector("v", 2),
    integer("n_frames", 2),
    positive("lim"),
    positive("dpi"),
)
api(
    widgets.optimizer_playground,
    lambda: {"problem": "valley", "n_steps": 3},
    choice("problem"),
    integer("n_steps", 1),
)


# --- the tests -------------------------------------------------------------------------------------------


def _label(value) -> str:
    if isinstance(value, Fresh):
        return "fresh"
    if isinstance(value, np.ndarray):
        nan = "nan" if value.dtype.kind == "f" and np.isnan(value).any() else ""
        return f"{value.dtype.kind}{nan}{list(value.shape)}"
    if isinstance(value, torch.Tensor):
        return f"tensor{list(value.shape)}{str(value.dtype).removeprefix('torch.')}"
    if isinstance(value, (int, float, str, type(None))):
        return repr(value)[:20]
    return type(value).__name__


def _param(key: str, row: Bad):
    short = key.removeprefix("mlcourse.")
    return pytest.param(key, row, marks=row.marks, id=f"{short}-{row.arg}={_label(row.value)}")


def call_with(key: str, arg: str, value):
    """Call the public callable ``key`` with its good arguments and ``arg`` set to ``value``."""
    call = CALLS[key]
    arguments = call.good()
    arguments[arg] = value.make() if isinstance(value, Fresh) else value
    return invoke(call.fn, arguments)


def names(message: str, name: str) -> bool:
    """Whether ``message`` names ``name`` (as a whole word)."""
    return re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", message) is not None


@pytest.mark.parametrize("key, row", [_param(key, row) for key, row in ROWS])
def test_bad_input_is_refused_with_a_message_that_names_it(key, row, api_counts):
    api_counts["callables"].add(key)
    api_counts["bad_inputs"] += 1
    with pytest.raises(row.exception) as info:
        call_with(key, row.arg, row.value)
    message = str(info.value)
    assert type(info.value) in (ValueError, TypeError), (
        f"{type(info.value).__name__} is not a ValueError or TypeError"
    )
    assert re.search(row.pattern, message), f"the message does not match {row.pattern!r}:\n{message}"
    assert names(message, row.named or row.arg), (
        f"the message does not name {row.named or row.arg!r}:\n{message}"
    )


@pytest.mark.parametrize("key", sorted(CALLS), ids=[k.removeprefix("mlcourse.") for k in sorted(CALLS)])
def test_the_good_call_of_every_row_works(key):
    """The rows change one argument of a call that works, so each row tests that argument alone."""
    call = CALLS[key]
    invoke(call.fn, call.good())


def test_every_public_callable_has_rows_or_an_exemption(api_counts):
    public = public_api()
    rows = {key for key, _ in ROWS}
    exempt = {key for key, target in public.items() if rule_exemption(target)} | set(EXEMPT)
    api_counts["exempt"] = len(exempt & set(public))
    missing = sorted(set(public) - rows - exempt)
    assert not missing, (
        "public callables with no bad-input rows (add rows, or an EXEMPT entry with a reason):\n"
        + "\n".join(missing)
    )
    assert not set(EXEMPT) - set(public), f"stale EXEMPT entries: {sorted(set(EXEMPT) - set(public))}"
    assert not set(CALLS) - set(public), (
        f"rows for callables that are not public: {sorted(set(CALLS) - set(public))}"
    )
    ruled_out = exempt - set(EXEMPT)
    assert not rows & ruled_out, f"rows for callables a rule exempts: {sorted(rows & ruled_out)}"
    assert len(public) > 200  # the walk through __all__ found the package, not an empty shell
