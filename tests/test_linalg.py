"""mlcourse.linalg against numpy and sympy, its laws as properties, and its errors on bad input."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from mlcourse import linalg

pytestmark = pytest.mark.foundations

finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False)


def well_conditioned(n, rng):
    """A random n×n matrix with singular values in [0.5, 2]: safely invertible."""
    q1, _ = np.linalg.qr(rng.normal(size=(n, n)))
    q2, _ = np.linalg.qr(rng.normal(size=(n, n)))
    return q1 @ np.diag(rng.uniform(0.5, 2.0, size=n)) @ q2


# --- agreement with numpy -------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 5, 17])
def test_inner_and_norm_match_numpy(n):
    rng = np.random.default_rng(n)
    x, y = rng.normal(size=(2, n))
    np.testing.assert_allclose(linalg.inner(x, y), np.dot(x, y), rtol=1e-13)
    np.testing.assert_allclose(linalg.norm(x), np.linalg.norm(x), rtol=1e-14)


@pytest.mark.parametrize("shapes", [((1, 1), (1, 1)), ((2, 3), (3, 4)), ((4, 1), (1, 5)), ((3, 7), (7, 2))])
def test_matmul_matches_numpy(shapes):
    rng = np.random.default_rng(0)
    A, B = rng.normal(size=shapes[0]), rng.normal(size=shapes[1])
    np.testing.assert_allclose(linalg.matmul(A, B), A @ B, rtol=1e-13, atol=1e-15)


def test_trace_and_symmetry():
    rng = np.random.default_rng(1)
    M = rng.normal(size=(4, 4))
    assert linalg.trace(M) == pytest.approx(np.trace(M), rel=1e-14)
    assert linalg.is_symmetric(M + M.T)
    assert not linalg.is_symmetric(M)
    assert linalg.is_symmetric(M.T @ M, atol=1e-12)


@pytest.mark.parametrize("n", range(1, 8))
def test_det_cofactor_matches_numpy(n):
    rng = np.random.default_rng(10 + n)
    M = rng.normal(size=(n, n))
    # different summation orders: rounding grows with the n! terms, hence 1e-10 not 1e-14
    assert linalg.det_cofactor(M) == pytest.approx(np.linalg.det(M), rel=1e-10, abs=1e-12)


def test_det_cofactor_any_row_gives_the_same_value():
    M = np.random.default_rng(3).normal(size=(5, 5))
    values = [linalg.det_cofactor(M, row=i) for i in range(5)]
    np.testing.assert_allclose(values, values[0], rtol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_det_cofactor_symbolic_equals_sympy(n):
    S = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"s{i}{j}"))
    assert sp.expand(linalg.det_cofactor(S) - S.det()) == 0


def test_minor_deletes_row_and_column():
    A = np.arange(16.0).reshape(4, 4)
    np.testing.assert_array_equal(linalg.minor(A, 1, 2), np.delete(np.delete(A, 1, 0), 2, 1))
    S = sp.Matrix(3, 3, lambda i, j: sp.Symbol(f"a{i}{j}"))
    assert linalg.minor(S, 0, 0) == S[1:, 1:]


def test_slides_change_of_basis_numbers():
    F = np.array([[2.0, -0.5], [1.0, 0.25]])
    F_out, B = linalg.basis_transforms(F)
    np.testing.assert_allclose(B, [[0.25, 0.5], [-1.0, 2.0]], rtol=1e-14)
    np.testing.assert_allclose(F_out, F)
    np.testing.assert_allclose(linalg.to_new_components([1.0, 1.5], F), [1.0, 2.0], rtol=1e-14)
    L = np.array([[5.0, -1.0], [3.0, 4.0]])
    np.testing.assert_allclose(linalg.map_in_new_basis(L, F), [[29 / 4, -15 / 16], [11, 7 / 4]], rtol=1e-14)


def test_map_in_new_basis_keeps_trace_and_determinant():
    rng = np.random.default_rng(4)
    L, F = rng.normal(size=(4, 4)), well_conditioned(4, rng)
    L_new = linalg.map_in_new_basis(L, F)
    assert np.trace(L_new) == pytest.approx(np.trace(L), rel=1e-10, abs=1e-12)
    assert np.linalg.det(L_new) == pytest.approx(np.linalg.det(L), rel=1e-10, abs=1e-12)


# --- laws as properties -----------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 6), k=st.integers(1, 30), seed=st.integers(0, 2**32 - 1))
def test_change_of_basis_round_trips(n, k, seed):
    rng = np.random.default_rng(seed)
    F = well_conditioned(n, rng)
    V = rng.normal(size=(k, n))
    np.testing.assert_allclose(linalg.to_old_components(linalg.to_new_components(V, F), F), V, atol=1e-11)
    np.testing.assert_allclose(linalg.to_new_components(linalg.to_old_components(V, F), F), V, atol=1e-11)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_map_commutes_with_change_of_basis(n, seed):
    """L̃ ṽ is L v written in the new basis: transforming then mapping = mapping then transforming."""
    rng = np.random.default_rng(seed)
    F, L, v = well_conditioned(n, rng), rng.normal(size=(n, n)), rng.normal(size=n)
    lhs = linalg.map_in_new_basis(L, F) @ linalg.to_new_components(v, F)
    rhs = linalg.to_new_components(L @ v, F)
    np.testing.assert_allclose(lhs, rhs, atol=1e-10)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 4)), elements=finite),
       arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 4)), elements=finite))
def test_transpose_of_product(A, B):
    if A.shape[1] != B.shape[0]:
        with pytest.raises(ValueError, match="not defined"):
            linalg.matmul(A, B)
        return
    np.testing.assert_allclose(linalg.matmul(A, B).T, linalg.matmul(B.T, A.T), atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 5), st.integers(1, 5)).filter(lambda s: s[0] == s[1]),
              elements=finite))
def test_det_of_transpose(A):
    assert linalg.det_cofactor(A.T) == pytest.approx(linalg.det_cofactor(A), rel=1e-9, abs=1e-9)


# --- bad input --------------------------------------------------------------------------------

SQUARE = np.eye(2)
SINGULAR = np.array([[2.0, 1.0], [1.0, 0.5]])

BAD_INPUTS = [
    # (call, exception, message pattern naming the argument)
    (lambda: linalg.inner([1, 2], [1, 2, 3]), ValueError, r"x and y .* \(2,\) and \(3,\)"),
    (lambda: linalg.inner([[1, 2]], [1, 2]), ValueError, r"x must be a vector"),
    (lambda: linalg.inner("ab", [1, 2]), TypeError, r"x must be an array of numbers"),
    (lambda: linalg.inner([1, np.nan], [1, 2]), ValueError, r"x must be finite"),
    (lambda: linalg.inner([], []), ValueError, r"x must not be empty"),
    (lambda: linalg.norm([[1.0]]), ValueError, r"x must be a vector"),
    (lambda: linalg.matmul(np.ones((2, 3)), np.ones((2, 3))), ValueError, r"A has 3 columns but B has 2"),
    (lambda: linalg.matmul(np.ones(3), np.ones((3, 1))), ValueError, r"A must be a matrix"),
    (lambda: linalg.matmul([[1, 2], [3]], np.ones((2, 2))), ValueError, r"A must be a rectangular array"),
    (lambda: linalg.matmul([[1 + 1j]], [[1.0]]), TypeError, r"A must hold real numbers"),
    (lambda: linalg.trace(np.ones((2, 3))), ValueError, r"A must be a square matrix; got shape \(2, 3\)"),
    (lambda: linalg.det_cofactor(np.ones((2, 3))), ValueError, r"A must be a square matrix"),
    (lambda: linalg.det_cofactor(sp.ones(2, 3)), ValueError, r"A must be a non-empty square matrix"),
    (lambda: linalg.det_cofactor(np.eye(12)), ValueError, r"A is 12×12.*limited to n <= 9"),
    (lambda: linalg.det_cofactor(SQUARE, row=2), ValueError, r"row must be < 2"),
    (lambda: linalg.det_cofactor(SQUARE, row=-1), ValueError, r"row must be >= 0"),
    (lambda: linalg.det_cofactor(SQUARE, row=0.5), TypeError, r"row must be an integer"),
    (lambda: linalg.minor(SQUARE, 0, 5), ValueError, r"i and j must be < 2"),
    (lambda: linalg.basis_transforms(SINGULAR), ValueError, r"new_basis must be invertible .* rank 1"),
    (lambda: linalg.basis_transforms(np.ones((2, 3))), ValueError, r"new_basis must be a square matrix"),
    (lambda: linalg.to_new_components([1.0, 2.0, 3.0], SQUARE), ValueError, r"v must have shape \(2,\)"),
    (lambda: linalg.to_new_components([1.0, 2.0], SINGULAR), ValueError, r"F must be invertible"),
    (lambda: linalg.to_old_components(np.ones((4, 3)), SQUARE), ValueError, r"v_new must have shape"),
    (lambda: linalg.map_in_new_basis(np.eye(3), SQUARE), ValueError, r"L and F must have the same shape"),
    (lambda: linalg.map_in_new_basis(SQUARE, SINGULAR), ValueError, r"F must be invertible"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD_INPUTS)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
