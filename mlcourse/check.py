"""Checks that explain themselves: the assertions the book's notebooks are made of.

Every claim in the book is followed by a check a reader can see. A passing check prints one line
that says what was verified; a failing one raises :class:`CheckFailed` (an ``AssertionError``, so
nbval and pytest fail on it) with both sides and the worst disagreement, so the reader learns
*how* it failed::

    from mlcourse import check
    check.symbolic_equal((A @ B).T, B.T @ A.T, "(AB)ᵀ = BᵀAᵀ")
    check.close(det_cofactor(M), np.linalg.det(M), rtol=1e-12, name="cofactor = numpy")

:func:`answer` is different: it is the reader's self-check for an exercise. It never raises, and
it says whether an answer is right, or wrong and in what way (sign, a simple factor, shape,
transpose, a mistake readers often make), without printing the expected answer or anything it
follows from. The exercises it judges, with their precision and likely mistakes, are in
:mod:`mlcourse.exercises`.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_float_array, check_bool, check_name, check_positive

__all__ = ["CheckFailed", "answer", "close", "diagnose", "feedback", "mean_close", "symbolic_equal"]


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
    nonzero = np.abs(e) > 0
    if np.any(nonzero):
        rel = float(np.max(error[nonzero] / np.abs(e[nonzero])))
        relative_part = f", max relative error = {rel:.2e}"
        if not np.all(nonzero):  # a relative error means nothing where the expected value is 0
            worst_at_zero = float(np.max(error[~nonzero]))
            relative_part += f" (where the expected value is 0, max |error| = {worst_at_zero:.2e})"
    else:
        relative_part = " (the expected values are all 0, so the error is absolute)"
    _passed(
        f"{label}: max |error| = {float(np.max(error)):.2e}{relative_part} "
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


def diagnose(given, expected, *, precision=None) -> tuple[bool, str]:
    """Compare an answer with an expected value and say how they differ, without revealing it.

    Returns ``(True, "right ...")`` or ``(False, reason)``; the reason names the kind of mistake
    (wrong shape, transposed, wrong sign, wrong order, a simple factor, much too large or small,
    which entries are wrong) in words, never with a number from which the expected value follows.
    Works for numbers, arrays and sympy expressions.

    Parameters
    ----------
    precision : mlcourse.exercises.Precision, optional
        How close counts as right; default: a relative error of 1e-9 (``exact()`` for sympy).
    """
    from .exercises import Exercise, Precision, exact, judge, relative
    from .exercises._core import _is_sympy

    if precision is None:
        precision = exact() if _is_sympy(expected) else relative(1e-9)
    if not isinstance(precision, Precision):
        raise TypeError(f"precision must be an mlcourse.exercises.Precision (sig(3), decimals(2), ...); "
                        f"got {type(precision).__name__}")
    if not _is_sympy(expected):
        try:
            if np.iscomplexobj(expected):
                raise TypeError
            np.asarray(expected, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"expected must be a number, an array of numbers or a sympy expression; "
                            f"got {type(expected).__name__}") from None
    ex = Exercise("(diagnose)", lambda: None, lambda: expected, precision, expects="a number or an array")
    verdict = judge(ex, given)
    return verdict.ok, verdict.message


def feedback(key: str, value, *, solution: bool = False):
    """The self-check's verdict on ``value`` as an answer to exercise ``key``, without printing it.

    ``solution=True`` judges the book's own solution, at the tight tolerance a solution must meet
    (a relative error of 1e-9, or the exercise's declared ``solution_precision``), not at the
    precision a reader is asked for.

    Returns
    -------
    mlcourse.exercises.Verdict
        ``(ok, kind, message)``: ``kind`` is a short tag (``"right"``, ``"empty"``, ``"sign"``,
        ``"mistake"``, ``"unknown-key"``...), ``message`` what :func:`answer` prints.
    """
    from .exercises import Verdict, all_exercises, judge, unknown_key_message

    if not isinstance(key, str) or key not in all_exercises():
        return Verdict(False, "unknown-key", unknown_key_message(key))
    return judge(all_exercises()[key], value, solution=check_bool(solution, "solution"))


def answer(key: str, value, *, require: bool = False) -> None:
    """Self-check for an exercise: is ``value`` the answer to exercise ``key``?

    Prints a verdict: right, or wrong and in what way (a wrong sign, a simple factor, entries in
    the wrong order, a mistake readers often make, named in words). It never prints the expected
    answer or a number from which it follows, and by default it never raises, so a reader's wrong
    answer, a mistyped key or an answer of the wrong type does not stop the notebook.
    ``value=None`` (or ``...``) means "not answered yet".

    Parameters
    ----------
    key : str
        The exercise's key, given in the exercise (see :mod:`mlcourse.exercises`).
    value : number, array, sympy expression, or function
        Your answer, at the precision the exercise asks for; for a coding exercise, your function.
    require : bool
        Raise :class:`CheckFailed` unless the answer is right. The book's own solutions use
        this, so that a wrong solution fails the build; and they are judged tightly (a relative
        error of 1e-9, unless the exercise declares a looser ``solution_precision`` with a
        reason), so that a solution merely near the answer fails it too.
    """
    require = check_bool(require, "require")
    verdict = feedback(key, value, solution=require)
    mark = "✔" if verdict.ok else ("…" if verdict.kind == "empty" else "✘")
    where = f"exercise {key!r}" if isinstance(key, str) else "exercise"
    message = verdict.message
    if require and not verdict.ok and verdict.kind != "unknown-key" and feedback(key, value).ok:
        from .exercises import get

        ex = get(key)
        message = (f"the solution agrees with the answer only at the reader's precision "
                   f"({ex.precision.describe()}), not at the tolerance a solution must meet "
                   f"({ex.for_solution().precision.describe()}): compute it exactly, or declare "
                   f"the exercise's solution_precision, with the reason")
    print(f"{mark} {where}: {message}")
    if require and not verdict.ok:
        raise CheckFailed(f"✘ {where}: {message}")
