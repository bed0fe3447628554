"""Exercises of Part 1, *Mathematical foundations*: what learning is, vectors, matrices and change of
basis.

This module is the model for the others (see :mod:`mlcourse.exercises`): each exercise declares
its data, an answer computed by an independent route, the precision its text asks for, and the
mistakes readers are likely to make, each computed from the same data.
"""

from __future__ import annotations

import functools

import numpy as np

from ._core import Case, Exercise, FunctionExercise, Mistake, exact, relative, sig

__all__ = ["EXERCISES"]


# --- vectors and matrices ---------------------------------------------------------------------------

def _det3_data() -> np.ndarray:
    return np.array([[2.0, -1.0, 0.0], [1.0, 3.0, 2.0], [0.0, 1.0, 4.0]])


def _det3_answer():
    import sympy as sp

    return float(sp.Matrix(_det3_data().astype(int)).det())


def _det3_no_signs(M):
    # cofactor expansion along the first row with every sign +
    minors = [np.delete(np.delete(M, 0, axis=0), j, axis=1) for j in range(3)]
    return float(sum(M[0, j] * (m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]) for j, m in enumerate(minors)))


def _det3_minors_only(M):
    # the signed minors of the first row added up, without multiplying each by its entry
    minors = [np.delete(np.delete(M, 0, axis=0), j, axis=1) for j in range(3)]
    return float(sum((-1) ** j * (m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]) for j, m in enumerate(minors)))


def _product_data() -> tuple[np.ndarray, np.ndarray]:
    A = np.array([[1.0, 2.0, 0.0], [-1.0, 0.0, 3.0]])
    B = np.array([[2.0, 1.0], [0.0, -1.0], [1.0, 4.0]])
    return A, B


def _product_answer():
    import sympy as sp

    A, B = _product_data()
    return np.array(sp.Matrix(A.astype(int)) * sp.Matrix(B.astype(int)), dtype=float)


def _product_entrywise(data):
    # row i of A times ROW i of B (both truncated to two entries): a common slip in row-by-column
    A, B = data
    return np.array([[A[i, :2] @ B[j, :2] for j in range(2)] for i in range(2)])


def _product_column_by_row(data):
    # columns of A dotted with rows of B: the entries of BᵀAᵀ... of a different product
    A, B = data
    return np.array([[A[:, i] @ B[j, :2] for j in range(2)] for i in range(2)])


def _trace_data() -> tuple[np.ndarray, np.ndarray]:
    # a 2×3 matrix A and a 3×2 matrix B: BA is 3×3, AB is 2×2
    A = np.array([[3.0, 1.0, -2.0], [0.0, 2.0, 5.0]])
    B = np.array([[1.0, 4.0], [-1.0, 2.0], [2.0, 1.0]])
    return A, B


def _trace_answer():
    import sympy as sp

    A, B = (sp.Matrix(m.astype(int)) for m in _trace_data())
    return float((B * A).trace())


def _trace_all_entries(data):
    # every entry of BA added up, not only the diagonal
    A, B = data
    return float(np.sum(B @ A))


def _trace_two_terms(data):
    # the diagonal of the 3×3 product BA stopped after two entries, as if it were 2×2
    A, B = data
    return float(np.sum(np.diag(B @ A)[:2]))


def _trace_product_of_traces(data):
    # "the trace of a product is the product of the traces", with the diagonals of A and B
    A, B = data
    return float(np.sum(np.diag(A)) * np.sum(np.diag(B)))


def _angle_data() -> tuple[np.ndarray, np.ndarray]:
    # the chapter's vectors x and y in R⁴
    return np.array([1.0, 7.0, 0.0, 1.0]), np.array([2.0, -1.0, 3.0, 0.5])


@functools.cache
def _angle_answer():
    # exact cosine by sympy, the angle in degrees
    import sympy as sp

    x, y = (sp.Matrix([sp.nsimplify(v) for v in u]) for u in _angle_data())
    cosine = x.dot(y) / (x.norm() * y.norm())
    return float(sp.acos(cosine) * 180 / sp.pi)


def _angle_radians(data):
    x, y = data
    return float(np.arccos(x @ y / (np.linalg.norm(x) * np.linalg.norm(y))))


def _angle_acute(data):
    x, y = data
    return float(np.degrees(np.arccos(abs(x @ y) / (np.linalg.norm(x) * np.linalg.norm(y)))))


def _singular_data() -> tuple[float, float, float]:
    # the mirror matrix [[a, t], [c, d]] of the determinant figure, with the entry t unknown
    return 0.5, 1.5, 0.5


@functools.cache
def _singular_answer():
    import sympy as sp

    a, c, d = (sp.nsimplify(v) for v in _singular_data())
    t = sp.Symbol("t")
    return float(sp.solve(sp.Matrix([[a, t], [c, d]]).det(), t)[0])


def _singular_plus(data):
    a, c, d = data
    return float(-a * d / c)  # solving ad + tc = 0


def _singular_unit_area(data):
    a, c, d = data
    return float((a * d - 1) / c)  # solving ad - tc = 1


def _matmul_code_data() -> int:
    return 0


def _matmul_reference(A, B):
    from .. import linalg

    return linalg.matmul(A, B)


def _matmul_cases(_data) -> list:
    rng = np.random.default_rng(4)
    A, B = _product_data()
    return [
        Case("the 2×3 times 3×2 product of the exercise above", (A, B)),
        Case("1×1 times 1×1", (np.array([[3.0]]), np.array([[-2.0]]))),
        Case("a row times a column (1×4 times 4×1: one inner product)",
             (rng.normal(size=(1, 4)), rng.normal(size=(4, 1)))),
        Case("a column times a row (3×1 times 1×3: an outer product)",
             (rng.normal(size=(3, 1)), rng.normal(size=(1, 3)))),
        Case("3×7 times 7×2", (rng.normal(size=(3, 7)), rng.normal(size=(7, 2)))),
        Case("the identity times a 3×3 matrix", (np.eye(3), rng.normal(size=(3, 3)))),
    ]


def _matmul_transposed(_data):
    def matmul(A, B):
        return (np.asarray(A) @ np.asarray(B)).T
    return matmul


def _matmul_running_total(_data):
    def matmul(A, B):
        A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
        out = np.zeros((A.shape[0], B.shape[1]))
        total = 0.0  # never reset between entries
        for i in range(A.shape[0]):
            for j in range(B.shape[1]):
                for k in range(A.shape[1]):
                    total += A[i, k] * B[k, j]
                out[i, j] = total
        return out
    return matmul


def _det_code_data() -> int:
    return 0


def _det_reference(A):
    from .. import linalg

    return linalg.det_cofactor(A)


def _det_cases(_data) -> list:
    rng = np.random.default_rng(6)
    return [
        Case("a 1×1 matrix", (np.array([[-4.0]]),)),
        Case("a 2×2 matrix", (np.array([[1.0, 2.0], [3.0, 4.0]]),)),
        Case("the 3×3 matrix of the exercise above", (_det3_data(),)),
        Case("a singular 3×3 matrix (two equal rows)",
             (np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [1.0, 2.0, 3.0]]),)),
        Case("a random 4×4 matrix", (rng.normal(size=(4, 4)),)),
        Case("a lower-triangular 5×5 matrix (zeros in its first row but one)",
             (np.triu(rng.normal(size=(5, 5))).T,)),
    ]


def _det_no_signs(_data):
    def det(A):
        A = np.asarray(A, dtype=float)
        if A.shape == (1, 1):
            return float(A[0, 0])
        return float(sum(A[0, j] * det(np.delete(np.delete(A, 0, 0), j, 1)) for j in range(len(A))))
    return det


def _det_diagonal_product(_data):
    def det(A):
        return float(np.prod(np.diag(np.asarray(A, dtype=float))))
    return det


def _matrices_exercises() -> list:
    return [
        Exercise(
            "lin-trace", _trace_data, _trace_answer, exact(),
            mistakes=(
                Mistake("the trace adds the diagonal entries only, not every entry of the product",
                        _trace_all_entries),
                Mistake("BA is a square matrix of size three: its diagonal has three entries",
                        _trace_two_terms),
                Mistake("the trace of a product is not the product of the traces; multiply the "
                        "matrices first", _trace_product_of_traces),
            ),
            expects="one integer",
        ),
        Exercise(
            "lin-angle", _angle_data, _angle_answer, sig(3),
            mistakes=(
                Mistake("that is the angle in radians; the exercise asks for degrees", _angle_radians),
                Mistake("the angle is obtuse: the inner product is negative, and the cosine keeps "
                        "its sign", _angle_acute),
            ),
            expects="one angle in degrees",
        ),
        Exercise(
            "lin-singular-entry", _singular_data, _singular_answer, sig(3),
            mistakes=(
                Mistake("the determinant of [[a, b], [c, d]] is ad − bc, with a minus sign",
                        _singular_plus),
                Mistake("you made the area one; a matrix that squashes the square flat has "
                        "determinant zero", _singular_unit_area),
            ),
            expects="one number",
        ),
        FunctionExercise(
            "lin-matmul-code", _matmul_code_data, _matmul_reference, _matmul_cases, relative(1e-12),
            mistakes=(
                Mistake("your result is the transpose of the product: entry (i, j) belongs in row i "
                        "and column j", _matmul_transposed),
                Mistake("the running sum is not reset for each entry: start every entry's sum at "
                        "zero", _matmul_running_total),
            ),
            expects="a function matmul(A, B) returning the product as an array of shape (n, m)",
        ),
        FunctionExercise(
            "lin-det-code", _det_code_data, _det_reference, _det_cases, relative(1e-9),
            mistakes=(
                Mistake("the cofactors have no alternating signs: each term needs (−1) to the power "
                        "i + j", _det_no_signs),
                Mistake("that is the product of the diagonal, which is the determinant only of a "
                        "triangular matrix", _det_diagonal_product),
            ),
            expects="a function det(A) returning the determinant of a square array as one number",
        ),
    ]


# --- change of basis ----------------------------------------------------------------------------------

def _basis_data() -> tuple[np.ndarray, np.ndarray]:
    # the slides' new basis (columns) and the vector w = 3e₁ - e₂
    F = np.array([[2.0, -0.5], [1.0, 0.25]])
    w = np.array([3.0, -1.0])
    return F, w


def _basis_answer():
    import sympy as sp

    F, w = _basis_data()
    exact_F = sp.Matrix(F).applyfunc(sp.nsimplify)
    return np.array(exact_F.LUsolve(sp.Matrix(w)), dtype=float).ravel()


def _basis_forward(data):
    # multiplying by F (the forward transform, new components -> old) instead of by F⁻¹
    F, w = data
    return F @ w


def _basis_transposed(data):
    # solving with the basis vectors as rows instead of columns
    F, w = data
    return np.linalg.solve(F.T, w)


def _reflection_data() -> tuple[np.ndarray, np.ndarray]:
    # reflection across the horizontal axis, and the slides' new basis
    L = np.array([[1.0, 0.0], [0.0, -1.0]])
    F = np.array([[2.0, -0.5], [1.0, 0.25]])
    return L, F


def _reflection_answer():
    import sympy as sp

    L, F = (sp.Matrix(m).applyfunc(sp.nsimplify) for m in _reflection_data())
    return np.array(F.inv() * L * F, dtype=float)


def _reflection_wrong_order(data):
    # F L F⁻¹: the transforms applied in the opposite order
    L, F = data
    return F @ L @ np.linalg.inv(F)


# --- what learning is --------------------------------------------------------------------------------

def _gauss_params_data() -> int:
    # a Gaussian over images of 8 × 8 = 64 pixels: a mean vector and a full covariance matrix
    return 64


@functools.cache
def _gauss_params_answer():
    import sympy as sp

    d = sp.Integer(_gauss_params_data())
    mean = d
    covariance = sp.Matrix(d, d, lambda i, j: sp.Symbol(f"s_{min(i, j)}_{max(i, j)}")).free_symbols
    return float(mean + len(covariance))  # the distinct entries of a symmetric matrix


def _gauss_params_full_square(d):
    return float(d + d * d)


def _gauss_params_diagonal(d):
    return float(d + d)


def _false_alarm_data() -> tuple[int, float]:
    # 64 pixels, each compared with a threshold of 3 standard errors (two-sided)
    return 64, 3.0


@functools.cache
def _false_alarm_answer():
    # exact enumeration is out of reach; the complement of "all pass", with scipy's normal tail
    import scipy.stats

    n, k = _false_alarm_data()
    p_one = scipy.stats.norm.cdf(-k) + scipy.stats.norm.sf(k)
    return float(-np.expm1(n * np.log1p(-p_one)))


def _false_alarm_one_sided(data):
    import scipy.stats

    n, k = data
    return float(1 - (1 - scipy.stats.norm.sf(k)) ** n)


def _false_alarm_single(data):
    import scipy.stats

    _, k = data
    return float(2 * scipy.stats.norm.sf(k))


def _r2_splits_data() -> tuple[float, int]:
    # the diabetes split of the chapter (30% held out), repeated with random_state 0, 1, ..., 19
    return 0.3, 20


@functools.cache
def _r2_scores(data):
    from sklearn.datasets import load_diabetes
    from sklearn.linear_model import LinearRegression
    from sklearn.model_selection import train_test_split

    test_size, n_splits = data
    X, y = load_diabetes(return_X_y=True)
    train, test = [], []
    for seed in range(n_splits):
        X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_size, random_state=seed)
        model = LinearRegression().fit(X_tr, y_tr)
        train.append(model.score(X_tr, y_tr))
        test.append(model.score(X_te, y_te))
    return np.array(train), np.array(test)


@functools.cache
def _r2_splits_answer():
    return float(np.mean(_r2_scores(_r2_splits_data())[1]))


def _r2_splits_train(data):
    return float(np.mean(_r2_scores(data)[0]))


def _r2_splits_first(data):
    return float(_r2_scores(data)[1][0])


def _r2_code_data() -> int:
    return 0  # the cases are generated in _r2_cases


def _r2_reference(y_true, y_pred):
    from sklearn.metrics import r2_score

    return float(r2_score(y_true, y_pred))


def _r2_cases(_data) -> list:
    rng = np.random.default_rng(5)
    y = rng.normal(3.0, 2.0, size=30)
    return [
        Case("a noisy prediction of 30 values", (y, y + rng.normal(0.0, 1.0, size=30))),
        Case("a perfect prediction (R² = 1)", (y, y.copy())),
        Case("predicting the mean of y for every example (R² = 0)", (y, np.full(30, y.mean()))),
        Case("a prediction worse than the mean (R² < 0)", (y, -y)),
        Case("targets far from zero (all near 1000)", (y + 1000.0, y + 1000.0 + rng.normal(0, 1, 30))),
        Case("two examples", (np.array([1.0, 3.0]), np.array([1.5, 2.0]))),
    ]


def _r2_not_centred(_data):
    def r2(y_true, y_pred):
        return float(1 - np.sum((y_true - y_pred) ** 2) / np.sum(y_true**2))
    return r2


def _r2_unexplained(_data):
    def r2(y_true, y_pred):
        return float(np.sum((y_true - y_pred) ** 2) / np.sum((y_true - y_true.mean()) ** 2))
    return r2


def _centroid_code_data() -> int:
    return 0


def _centroid_reference(X_train, y_train, X_test):
    import warnings

    from sklearn.neighbors import NearestCentroid

    with warnings.catch_warnings():  # constant pixels within a class: harmless for the prediction
        warnings.simplefilter("ignore", UserWarning)
        return NearestCentroid().fit(X_train, y_train).predict(X_test).astype(float)


def _centroid_cases(_data) -> list:
    from sklearn.datasets import load_digits

    X, y = load_digits(return_X_y=True)
    X = X / 16.0
    rng = np.random.default_rng(7)
    blobs = np.concatenate([rng.normal(0, 1, (20, 2)), rng.normal(4, 1, (20, 2))])
    return [
        Case("the first 600 digits as training set, the next 100 as test set",
             (X[:600], y[:600], X[600:700])),
        Case("two blobs in the plane labelled 3 and 7 (labels that are not 0, 1)",
             (blobs, np.repeat([3, 7], 20), rng.normal(2, 2, (15, 2)))),
        Case("a single test point", (X[:600], y[:600], X[700:701])),
        Case("unbalanced classes (one class with a single example)",
             (np.vstack([X[y == 1][:30], X[y == 8][:1]]), np.array([1] * 30 + [8]), X[y == 8][1:6])),
    ]


def _centroid_index(_data):
    def predict(X_train, y_train, X_test):
        labels = np.unique(y_train)
        centroids = np.stack([X_train[y_train == c].mean(axis=0) for c in labels])
        dist = np.linalg.norm(X_test[:, None, :] - centroids[None], axis=2)
        return dist.argmin(axis=1).astype(float)
    return predict


def _centroid_farthest(_data):
    def predict(X_train, y_train, X_test):
        labels = np.unique(y_train)
        centroids = np.stack([X_train[y_train == c].mean(axis=0) for c in labels])
        dist = np.linalg.norm(X_test[:, None, :] - centroids[None], axis=2)
        return labels[dist.argmax(axis=1)].astype(float)
    return predict


def _learning_exercises() -> list:
    return [
        Exercise(
            "found-gaussian-params", _gauss_params_data, _gauss_params_answer, exact(),
            mistakes=(
                Mistake("you counted every entry of the covariance matrix, but it is symmetric: "
                        "the entries below the diagonal repeat those above", _gauss_params_full_square),
                Mistake("that is a Gaussian with a diagonal covariance; the model of the chapter "
                        "keeps every covariance between two pixels", _gauss_params_diagonal),
            ),
            expects="one whole number",
        ),
        Exercise(
            "found-false-alarm", _false_alarm_data, _false_alarm_answer, sig(2),
            mistakes=(
                Mistake("a pixel fails when its mean is too far off on either side: the tail "
                        "probability counts both tails", _false_alarm_one_sided),
                Mistake("that is the probability for one pixel; the check fails if any of the "
                        "pixels fails", _false_alarm_single),
            ),
            expects="one probability",
            # the solution works by hand, with Φ(3) = 0.99865 read from a five-decimal table: the tail
            # 1 − Φ(3), and the answer with it, is then known to about 1e-4 relative
            solution_precision=relative(5e-4),
        ),
        Exercise(
            "found-r2-splits", _r2_splits_data, _r2_splits_answer, sig(2),
            mistakes=(
                Mistake("that is the mean R² on the training patients; the question is about the "
                        "patients each model has not seen", _r2_splits_train),
                Mistake("that is the R² of the chapter's single split; average over all the splits",
                        _r2_splits_first),
            ),
            expects="one number",
        ),
        FunctionExercise(
            "found-r2-code", _r2_code_data, _r2_reference, _r2_cases, relative(1e-9),
            mistakes=(
                Mistake("the total sum of squares is taken around zero; R² compares with the "
                        "prediction by the mean, so centre y first", _r2_not_centred),
                Mistake("your function returns the unexplained share of the variance; R² is one "
                        "minus it", _r2_unexplained),
            ),
            expects="a function r2(y_true, y_pred) returning one number",
        ),
        FunctionExercise(
            "found-nearest-centroid-code", _centroid_code_data, _centroid_reference, _centroid_cases,
            relative(1e-12),
            mistakes=(
                Mistake("your function returns the position of the closest centroid, not its label: "
                        "the two differ when the labels are not 0, 1, 2, ...", _centroid_index),
                Mistake("your function picks the farthest centroid; the prediction is the closest",
                        _centroid_farthest),
            ),
            expects="a function predict(X_train, y_train, X_test) returning one label per test row",
        ),
    ]


def _near_parallel_data() -> tuple[np.ndarray, np.ndarray]:
    # ẽ₁ = (2, 1) and ẽ₂ = (1.25, 0.75) (a position of the explorer's sliders), nearly parallel,
    # and the chapter's v = (1, 1.5)
    return np.array([[2.0, 1.25], [1.0, 0.75]]), np.array([1.0, 1.5])


def _near_parallel_answer():
    import sympy as sp

    F, v = _near_parallel_data()
    exact_F = sp.Matrix(F).applyfunc(sp.nsimplify)
    return np.array(exact_F.LUsolve(sp.Matrix(v).applyfunc(sp.nsimplify)), dtype=float).ravel()


def _new_components_code_data() -> int:
    return 0


def _new_components_reference(v, F):
    from .. import linalg

    return linalg.to_new_components(v, F)


def _new_components_cases(_data) -> list:
    rng = np.random.default_rng(8)
    F, w = _basis_data()
    return [
        Case("the vector w of the exercise above, in the slides' basis", (w, F)),
        Case("a basis vector itself (its components are (1, 0))", (F[:, 0].copy(), F)),
        Case("the zero vector", (np.zeros(2), F)),
        Case("a random basis of R³", (rng.normal(size=3), rng.normal(size=(3, 3)))),
        Case("a basis that is not symmetric, with vectors of very different lengths",
             (np.array([1.0, 2.0]), np.array([[10.0, 0.1], [1.0, 0.3]]))),
    ]


def _new_components_forward(_data):
    def to_new(v, F):
        return np.asarray(F) @ np.asarray(v)
    return to_new


def _new_components_rows(_data):
    def to_new(v, F):
        return np.linalg.solve(np.asarray(F).T, np.asarray(v))
    return to_new


def _map_new_basis_code_data() -> int:
    return 0


def _map_new_basis_reference(L, F):
    from .. import linalg

    return linalg.map_in_new_basis(L, F)


def _map_new_basis_cases(_data) -> list:
    rng = np.random.default_rng(9)
    L, F = _reflection_data()
    return [
        Case("the reflection of the exercise above, in the slides' basis", (L, F)),
        Case("the slides' map L = [[5, -1], [3, 4]] in the slides' basis",
             (np.array([[5.0, -1.0], [3.0, 4.0]]), F)),
        Case("the identity map (its matrix is the identity in every basis)", (np.eye(2), F)),
        Case("a random map of R³ in a random basis", (rng.normal(size=(3, 3)), rng.normal(size=(3, 3)))),
    ]


def _map_new_basis_wrong_order(_data):
    def in_new(L, F):
        L, F = np.asarray(L), np.asarray(F)
        return F @ L @ np.linalg.inv(F)
    return in_new


def _map_new_basis_slides(_data):
    def in_new(L, F):
        L, F = np.asarray(L), np.asarray(F)
        return np.linalg.inv(F) @ L   # the slides' B L: old components in, new out
    return in_new


def _det_backward_data():
    # the forward transform F of a general basis of the plane, as sympy symbols (as in the chapter)
    import sympy as sp

    f11, f12, f21, f22 = sp.symbols("f11 f12 f21 f22", real=True)
    return sp.Matrix([[f11, f12], [f21, f22]])


def _det_backward_answer():
    # B solved entry by entry from F B = I, then its determinant by the 2×2 formula
    import sympy as sp

    F = _det_backward_data()
    b = sp.symbols("b11 b12 b21 b22")
    B = sp.Matrix(2, 2, b)
    (solution,) = sp.solve(list(F * B - sp.eye(2)), b, dict=True)
    B = B.subs(solution)
    return sp.simplify(B[0, 0] * B[1, 1] - B[0, 1] * B[1, 0])


def _det_backward_forward(F):
    # det F itself, the determinant of the forward transform
    return F[0, 0] * F[1, 1] - F[0, 1] * F[1, 0]


def _det_backward_entrywise(F):
    # the determinant of the matrix of reciprocals 1/f_ij, as if B were F inverted entry by entry
    return 1 / (F[0, 0] * F[1, 1]) - 1 / (F[0, 1] * F[1, 0])


def _basis_exercises() -> list:
    return [
        Exercise(
            "lin-det-backward", _det_backward_data, _det_backward_answer, exact(),
            mistakes=(
                Mistake("that is det F, the determinant of the forward transform; B is the "
                        "transform that undoes it", _det_backward_forward),
                Mistake("you inverted F entry by entry; the inverse of a matrix is not the matrix "
                        "of the reciprocals of its entries", _det_backward_entrywise),
            ),
            expects="a sympy formula in f11, f12, f21, f22",
        ),
        Exercise(
            "lin-near-parallel", _near_parallel_data, _near_parallel_answer, sig(3),
            mistakes=(
                Mistake("you multiplied by F, which turns new components into old ones; components "
                        "transform with B = F⁻¹", _basis_forward),
                Mistake("you used the new basis vectors as the rows of F; they are its columns",
                        _basis_transposed),
            ),
            expects="a vector of two numbers",
        ),
        FunctionExercise(
            "lin-new-components-code", _new_components_code_data, _new_components_reference,
            _new_components_cases, relative(1e-9),
            mistakes=(
                Mistake("your function multiplies by F, which turns new components into old ones; "
                        "components transform with F⁻¹", _new_components_forward),
                Mistake("your function treats the basis vectors as the rows of F; they are its columns",
                        _new_components_rows),
            ),
            expects="a function to_new(v, F) returning the components of v in the basis of F's columns",
        ),
        FunctionExercise(
            "lin-map-new-basis-code", _map_new_basis_code_data, _map_new_basis_reference,
            _map_new_basis_cases, relative(1e-9),
            mistakes=(
                Mistake("the transforms are in the wrong order: F L F⁻¹ instead of F⁻¹ L F",
                        _map_new_basis_wrong_order),
                Mistake("that is B L, the slides' mixed matrix: it takes old components in; the "
                        "matrix in the new basis needs a last factor F", _map_new_basis_slides),
            ),
            expects="a function in_new_basis(L, F) returning the 2×2 (or n×n) matrix B L F",
        ),
    ]


#: Part 1's exercises on vectors, matrices and change of basis (the calculus ones are in calculus.py)
EXERCISES = [
    *_learning_exercises(),
    *_matrices_exercises(),
    *_basis_exercises(),
    Exercise(
        "det-3x3", _det3_data, _det3_answer, sig(3),
        mistakes=(
            Mistake("you expanded along the first row but gave every term a + sign: cofactors "
                    "alternate in sign (+, −, +)", _det3_no_signs),
            Mistake("you added up the signed minors but did not multiply each by its entry of the "
                    "row you expanded along", _det3_minors_only),
        ),
        expects="one number",
    ),
    Exercise(
        "product-2x3-3x2", _product_data, _product_answer, exact(),
        mistakes=(
            Mistake("you multiplied rows of A with rows of B; an entry of AB is a row of A "
                    "dotted with a column of B", _product_entrywise),
            Mistake("you dotted columns of A with rows of B; an entry (i, j) of AB is row i of A "
                    "dotted with column j of B", _product_column_by_row),
        ),
        expects="a 2×2 matrix (a nested list or an array)",
    ),
    Exercise(
        "components-new-basis", _basis_data, _basis_answer, sig(3),
        mistakes=(
            Mistake("you multiplied by F, which turns new components into old ones; components "
                    "transform the other way, with B = F⁻¹", _basis_forward),
            Mistake("you used the new basis vectors as the rows of F; they are its columns",
                    _basis_transposed),
        ),
        expects="a vector of two numbers",
    ),
    Exercise(
        "reflection-new-basis", _reflection_data, _reflection_answer, sig(3),
        mistakes=(
            Mistake("the transforms are in the wrong order: you computed F R F⁻¹; in the new basis "
                    "the matrix is B R F, first F (new to old), then R, then B (old to new)",
                    _reflection_wrong_order),
        ),
        expects="a 2×2 matrix",
    ),
]
