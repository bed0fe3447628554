"""Checks that explain themselves: the assertions the book's notebooks are made of.

Every claim in the book is followed by a check a reader can see. A passing check prints one line
that says what was verified; a failing one raises :class:`CheckFailed` (an ``AssertionError``, so
nbval and pytest fail on it) with both sides and the worst disagreement, so the reader learns
*how* it failed::

    from mlcourse import check
    check.symbolic_equal((A @ B).T, B.T @ A.T, "(AB)ᵀ = BᵀAᵀ")
    check.close(det_cofactor(M), np.linalg.det(M), rtol=1e-12, name="cofactor = numpy")

:func:`answer` is different: it is the reader's self-check for an exercise. It never raises, and
it says whether an answer is right, or wrong and in what way (sign, factor, shape, transpose),
without printing the expected answer.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_bool, check_name, check_positive

__all__ = ["CheckFailed", "answer", "close", "diagnose", "mean_close", "symbolic_equal"]


class CheckFailed(AssertionError):
    """A check in the book failed: the text or the code is wrong."""


def _passed(message: str) -> None:
    print(f"✔ {message}")


def _label(name: str | None, default: str) -> str:
    return check_name(name) or default


# --- symbolic ---------------------------------------------------------------------------------


def symbolic_equal(lhs, rhs, name: str | None = None) -> None:
    """Check that two sympy expressions (or matrices) are identically equal.

    The difference ``lhs - rhs`` is simplified; the check passes when it is exactly zero.

    Parameters
    ----------
    lhs, rhs : sympy expression, sympy Matrix, or number
    name : str, optional
        What is being checked, shown in the verdict.

    Raises
    ------
    CheckFailed
        With both sides and their simplified difference.
    """
    import sympy as sp

    label = _label(name, "symbolic identity")
    lhs_is_matrix = isinstance(lhs, sp.MatrixBase)
    rhs_is_matrix = isinstance(rhs, sp.MatrixBase)
    if lhs_is_matrix != rhs_is_matrix or (lhs_is_matrix and lhs.shape != rhs.shape):
        shape = lambda m: m.shape if isinstance(m, sp.MatrixBase) else "scalar"  # noqa: E731
        raise CheckFailed(
            f"✘ {label}: the two sides have different shapes, {shape(lhs)} and {shape(rhs)}\n"
            f"  left : {lhs}\n  right: {rhs}"
        )
    difference = sp.simplify(_sympify(lhs, "lhs") - _sympify(rhs, "rhs"))
    is_zero = difference.is_zero_matrix if lhs_is_matrix else difference == 0
    if not is_zero:
        raise CheckFailed(
            f"✘ {label}: the two sides differ\n  left : {lhs}\n  right: {rhs}\n"
            f"  left - right simplifies to: {difference}"
        )
    _passed(f"{label}: holds symbolically")


def _sympify(value, name: str):
    """``value`` as a sympy object, or an error that names the side of the check it was given as."""
    import sympy as sp

    if value is None:
        raise TypeError(f"{name} must be a sympy expression, a sympy Matrix or a number; got None")
    try:
        result = sp.sympify(value)
    except sp.SympifyError as err:
        raise ValueError(f"{name} must be a sympy expression, a sympy Matrix or a number; {err}") from None
    if not isinstance(result, (sp.Expr, sp.MatrixBase)):
        raise TypeError(f"{name} must be a sympy expression, a sympy Matrix or a number; got "
                        f"{type(value).__name__} (write a matrix as sympy.Matrix(...))")
    return result


# --- numeric ----------------------------------------------------------------------------------


def close(
    actual,
    expected,
    *,
    rtol: float = 1e-12,
    atol: float = 0.0,
    name: str | None = None,
) -> None:
    """Check that two arrays agree entry by entry: ``|a - e| <= atol + rtol·|e|``.

    Parameters
    ----------
    actual, expected : array_like of the same shape
    rtol, atol : float
        Relative and absolute tolerance. The default relative tolerance suits float64 results
        computed two ways; state a looser one, with a reason, where it is needed.
    name : str, optional
        What is being compared, shown in the verdict.

    Raises
    ------
    CheckFailed
        Naming the worst entry: its index, both values and the error there.
    """
    label = _label(name, "values agree")
    rtol = check_positive(rtol, "rtol", allow_zero=True)
    atol = check_positive(atol, "atol", allow_zero=True)
    a = as_float_array(actual, "actual")
    e = as_float_array(expected, "expected")
    if a.shape != e.shape:
        raise CheckFailed(f"✘ {label}: shapes differ, actual {a.shape} vs expected {e.shape}")
    error = np.abs(a - e)
    allowed = atol + rtol * np.abs(e)
    excess = error - allowed
    worst = np.unravel_index(int(np.argmax(excess)), a.shape) if a.ndim else ()
    if excess[worst] > 0:
        where = f" at index {tuple(int(i) for i in worst)}" if a.ndim else ""
        n_bad = int(np.sum(excess > 0))
        raise CheckFailed(
            f"✘ {label}: {n_bad} of {a.size} entries differ beyond atol={atol:g}, rtol={rtol:g}\n"
            f"  worst{where}: actual {float(a[worst])!r}, expected {float(e[worst])!r}, "
            f"|error| = {error[worst]:.3e} (allowed {allowed[worst]:.3e})"
        )
    rel = float(np.max(error / np.maximum(np.abs(e), np.finfo(float).tiny)))
    _passed(
        f"{label}: max |error| = {float(np.max(error)):.2e}, max relative error = {rel:.2e} "
        f"(tolerance atol={atol:g}, rtol={rtol:g})"
    )


def mean_close(samples, expected, *, n_sigma: float = 4.0, name: str | None = None) -> None:
    """Monte Carlo check: the sample mean is within ``n_sigma`` standard errors of ``expected``.

    The standard error is estimated from the samples, σ̂/√n. With ``n_sigma = 4`` a correct
    claim fails by chance with probability about 6·10⁻⁵ (for a normal sample mean); with a
    seeded generator the verdict is the same on every run.

    Parameters
    ----------
    samples : array of shape (n_samples,) or (n_samples, ...)
        Independent draws whose expectation is claimed to be ``expected`` (per entry).
    expected : float or array
    n_sigma : float
        How many standard errors of disagreement to allow.
    """
    label = _label(name, "Monte Carlo mean")
    n_sigma = check_positive(n_sigma, "n_sigma")
    x = as_float_array(samples, "samples")
    if x.ndim == 0 or x.shape[0] < 2:
        raise ValueError(f"samples must hold at least 2 draws along axis 0; got shape {x.shape}")
    e = as_float_array(expected, "expected")
    try:
        e = np.broadcast_to(e, x.shape[1:])
    except ValueError:
        raise ValueError(f"expected must be a number or an array of the shape of one draw of samples, "
                         f"{x.shape[1:]}; got shape {e.shape}") from None
    n = x.shape[0]
    mean = x.mean(axis=0)
    stderr = x.std(axis=0, ddof=1) / np.sqrt(n)
    with np.errstate(over="ignore"):  # identical draws: no spread, so any difference is infinitely many
        z = np.abs(mean - e) / np.maximum(stderr, np.finfo(float).tiny)
    worst = np.unravel_index(int(np.argmax(z)), z.shape) if z.ndim else ()
    if z[worst] > n_sigma:
        raise CheckFailed(
            f"✘ {label}: sample mean {mean[worst]:.6g} is {z[worst]:.1f} standard errors "
            f"from the claimed {e[worst]:.6g} (standard error {stderr[worst]:.3g}, n = {n}, "
            f"allowed {n_sigma:g})"
        )
    _passed(
        f"{label}: sample mean within {float(np.max(z)):.2f} standard errors of the claim "
        f"(n = {n}, allowed {n_sigma:g})"
    )


# --- exercise self-checks ----------------------------------------------------------------------


def diagnose(given, expected, *, rtol: float = 1e-9, atol: float = 1e-12) -> tuple[bool, str]:
    """Compare a reader's answer with the expected one and say how they differ.

    Returns ``(True, "right")`` or ``(False, reason)``, where the reason names the kind of
    mistake (wrong shape, transposed, wrong sign, off by a constant factor, some entries wrong)
    without revealing the expected answer. Works for numbers, arrays and sympy expressions.
    """
    rtol = check_positive(rtol, "rtol", allow_zero=True)
    atol = check_positive(atol, "atol", allow_zero=True)
    try:
        import sympy as sp

        kinds = (sp.Basic, sp.MatrixBase)
        symbolic = isinstance(given, kinds) or isinstance(expected, kinds)
    except ImportError:  # pragma: no cover - sympy is a dependency
        symbolic = False
    if symbolic:
        return _diagnose_symbolic(given, expected)
    try:
        g = np.asarray(given)
        if np.iscomplexobj(g) and np.any(g.imag != 0):
            return False, "the answer has complex entries; expected real numbers"
        g = np.asarray(g.real if np.iscomplexobj(g) else g, dtype=np.float64)
    except (TypeError, ValueError):
        return False, f"expected a number or an array of numbers; got {type(given).__name__}"
    try:
        if np.iscomplexobj(expected):
            raise TypeError
        e = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"expected must be a number, an array of numbers or a sympy expression; "
                        f"got {type(expected).__name__}") from None
    near = lambda x, y: x.shape == y.shape and np.allclose(x, y, rtol=rtol, atol=atol)  # noqa: E731
    if g.shape != e.shape:
        if g.ndim == 2 and near(g.T, e):
            return False, "transposed: rows and columns are swapped"
        return False, f"wrong shape: expected shape {e.shape}, got {g.shape}"
    if not np.all(np.isfinite(g)):
        return False, "the answer contains NaN or infinity"
    if near(g, e):
        return True, "right"
    if g.ndim == 2 and g.shape[0] == g.shape[1] and near(g.T, e):
        return False, "transposed: rows and columns are swapped"
    if near(-g, e):
        return False, "wrong sign"
    nonzero = np.abs(e) > atol
    if np.any(nonzero) and np.allclose(g[~nonzero], 0, atol=atol):
        ratios = g[nonzero] / e[nonzero]
        if np.allclose(ratios, ratios[0], rtol=rtol) and ratios[0] != 0:
            return False, f"off by a constant factor of {ratios[0]:.6g}"
    n_wrong = int(np.sum(~np.isclose(g, e, rtol=rtol, atol=atol)))
    if g.ndim == 0:
        return False, "not right: the value differs"
    return False, f"not right: {n_wrong} of {g.size} entries differ"


def _diagnose_symbolic(given, expected) -> tuple[bool, str]:
    import sympy as sp

    try:
        g, e = sp.sympify(given), sp.sympify(expected)
    except (sp.SympifyError, TypeError):
        return False, f"expected a sympy expression; got {type(given).__name__}"
    if isinstance(g, sp.MatrixBase) or isinstance(e, sp.MatrixBase):
        if not (isinstance(g, sp.MatrixBase) and isinstance(e, sp.MatrixBase)):
            return False, "wrong kind: one side is a matrix and the other is not"
        if g.shape != e.shape:
            return False, f"wrong shape: expected shape {e.shape}, got {g.shape}"
        if (g - e).applyfunc(sp.simplify).is_zero_matrix:
            return True, "right"
        if (g + e).applyfunc(sp.simplify).is_zero_matrix:
            return False, "wrong sign"
        return False, "not right: the matrices differ"
    if sp.simplify(g - e) == 0:
        return True, "right"
    if sp.simplify(g + e) == 0:
        return False, "wrong sign"
    ratio = sp.simplify(g / e) if e != 0 else None
    if ratio is not None and ratio.is_number and ratio != 0:
        return False, f"off by a constant factor of {ratio}"
    return False, "not right: the expressions differ"


def answer(key: str, value, *, require: bool = False) -> None:
    """Self-check for an exercise: is ``value`` the answer to exercise ``key``?

    Prints a verdict: right, or wrong and in what way. It never prints the expected answer, and
    by default it never raises, so a reader's wrong answer does not stop the notebook.
    ``value=None`` means "not answered yet".

    Parameters
    ----------
    key : str
        The exercise's key, given in the exercise (see :mod:`mlcourse.exercises`).
    value : number, array or sympy expression
        Your answer.
    require : bool
        Raise :class:`CheckFailed` unless the answer is right. The book's own solutions use
        this, so that a wrong solution fails the build.
    """
    from .exercises import expected_answer

    require = check_bool(require, "require")
    expected = expected_answer(key)
    if value is None or value is Ellipsis:
        ok, reason = False, "no answer yet; replace the placeholder with yours"
        print(f"… exercise {key!r}: {reason}")
    else:
        ok, reason = diagnose(value, expected)
        print(f"{'✔' if ok else '✘'} exercise {key!r}: {reason}")
    if require and not ok:
        raise CheckFailed(f"✘ exercise {key!r}: {reason}")
