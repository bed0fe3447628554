"""Random wrong values at every argument of the public API: a clear error, or a result.

For every public callable of the table in tests/test_bad_input.py, hypothesis replaces one
argument of its good call at a time by something a learner might pass by mistake: an array of a
random shape (0 to 3 axes, possibly empty) holding floats (NaN and infinity included), integers,
booleans or complex numbers; a number of either sign, zero included; a bool, None, a string, a
list, a ragged list, a complex number. The call must then either work or raise a ``ValueError``
or ``TypeError`` whose message names the argument (or an exception the function documents, such
as ``CheckFailed`` for a check). Anything else fails: an ``IndexError``, a ``ZeroDivisionError``, an
``AttributeError``, a broadcasting error that does not name the argument, a ``RuntimeWarning``
(warnings are errors here). Examples are drawn deterministically (``derandomize=True``).
"""

from __future__ import annotations

import inspect
import os
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from test_bad_input import CALLS, Call, invoke, names

#: the good calls make animations that most rows never render (the bad argument stops the call first)
pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted without rendering anything:UserWarning")

#: flags that only change what is printed
SKIP = {"progress", "verbose"}

#: numbers of a size a learner types (0 is among the special values below)
_FLOATS = st.floats(1e-9, 1e3) | st.floats(-1e3, -1e-9)
_SPECIAL = st.sampled_from([0.0, -1.0, 1.0, 0.5, np.nan, np.inf, -np.inf])
_COMPLEX = st.complex_numbers(max_magnitude=10, allow_nan=False, allow_infinity=False)
_SHAPES = hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4)
ARRAYS = st.one_of(
    hnp.arrays(np.float64, _SHAPES, elements=_FLOATS | _SPECIAL),
    hnp.arrays(np.int64, _SHAPES, elements=st.integers(-3, 5)),
    hnp.arrays(np.bool_, _SHAPES),
    hnp.arrays(np.complex128, _SHAPES, elements=_COMPLEX),
)
#: the wrong values: arrays of every kind, numbers of either sign, and things that are not numbers
WRONG = st.one_of(
    ARRAYS,
    _FLOATS,
    _SPECIAL,
    st.integers(-3, 5),
    st.booleans(),
    st.none(),
    st.text(max_size=4),
    st.lists(_FLOATS, max_size=4),
    st.lists(st.lists(_FLOATS, max_size=3), max_size=3),
    _COMPLEX,
)


def _parameters(call: Call):
    target = getattr(*call.target) if isinstance(call.target, tuple) else call.target
    return inspect.signature(target).parameters


def fuzzed_arguments(call: Call) -> list[str]:
    """The arguments to replace: the target's parameters, and the good call's keyword extras."""
    parameters = _parameters(call).values()
    named = [p.name for p in parameters if p.kind is not p.VAR_KEYWORD]
    if any(p.kind is p.VAR_KEYWORD for p in parameters):
        named += [k for k in call.good() if k not in named]
    return [name for name in named if name not in SKIP | {"self", "cls"}]


def call_with_wrong_value(call: Call, arg: str, value) -> None:
    """Call with ``arg`` replaced; fail unless it works or raises a clear error about ``arg``."""
    arguments = call.good()
    p = _parameters(call).get(arg)
    arguments[arg] = (value,) if p is not None and p.kind is p.VAR_POSITIONAL else value  # one wrong *arg
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            invoke(call.fn, arguments)
    except (ValueError, TypeError) as err:
        if isinstance(err, (IndexError, KeyError, AttributeError)):  # numpy's AxisError is an IndexError too
            raise AssertionError(f"{call.key}({arg}={value!r}) raised {type(err).__name__}: {err}") from err
        if not names(str(err), arg):
            raise AssertionError(
                f"{call.key}({arg}={value!r}) raised a {type(err).__name__} that does not name {arg!r}: {err}"
            ) from err
    except call.raises:
        pass
    finally:
        plt.close("all")


def _param(key: str):
    return pytest.param(key, id=key.removeprefix("mlcourse."))


@pytest.fixture(scope="module", autouse=True)
def in_a_scratch_folder(tmp_path_factory):
    """A string drawn as a file name (fetch's destination, mnist's cache) lands in a scratch folder."""
    cwd = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("fuzz"))
    try:
        yield
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("key", [_param(key) for key in sorted(CALLS)])
def test_wrong_values_give_a_clear_error_or_a_result(key, api_counts):
    call = CALLS[key]
    args = fuzzed_arguments(call)

    @settings(
        max_examples=min(16 * len(args), 96),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(arg=st.sampled_from(args), value=WRONG)
    def one_call(arg, value):
        api_counts["fuzz_calls"] += 1
        call_with_wrong_value(call, arg, value)

    api_counts["fuzz_callables"].add(key)
    one_call()
