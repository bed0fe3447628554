"""Exercises of Part 5, *Statistics and dimensionality reduction*: online moments, PCA, UMAP and KL.

Each exercise declares its data, an answer computed by a route independent of the code the
chapter's solution uses (exact rationals, sympy, scipy quadrature, a different optimiser or graph
library), the precision its text asks for, and the mistakes readers are likely to make, each
computed from the same data. The coding exercises are judged against the package's own
implementation (``mlcourse.stats``, ``mlcourse.decomposition``, ``mlcourse.manifold``,
``mlcourse.divergence``), which the unit tests check against numpy, scikit-learn, umap-learn,
scipy and torch.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import numpy as np

from ._core import Case, Exercise, FunctionExercise, Mistake, Steps, exact, relative, sig

__all__ = ["EXERCISES"]


# === online mean and variance ======================================================================

def _merge_data() -> tuple[np.ndarray, np.ndarray]:
    # two batches of measurements, summarised separately
    return np.array([2.0, 4.0, 4.0, 5.0]), np.array([7.0, 9.0, 10.0])


def _exact_var(values) -> Fraction:
    """Population variance in exact rational arithmetic (the definition, two passes)."""
    v = [Fraction(x) for x in values]
    m = sum(v) / len(v)
    return sum((x - m) ** 2 for x in v) / len(v)


def _merge_answer() -> float:
    a, b = _merge_data()
    return float(_exact_var(np.concatenate([a, b])))


def _merge_no_shift(data) -> float:
    # (S_a + S_b) / n: the within-chunk spread only, without the δ² term
    a, b = data
    return float((len(a) * _exact_var(a) + len(b) * _exact_var(b)) / (len(a) + len(b)))


def _merge_mean_of_variances(data) -> float:
    a, b = data
    return float((_exact_var(a) + _exact_var(b)) / 2)


def _merge_sample_variance(data) -> float:
    a, b = data
    n = len(a) + len(b)
    return float(_exact_var(np.concatenate([a, b])) * n / (n - 1))


def _welford_step_data() -> tuple[np.ndarray, float]:
    # the values seen so far (the reader is given only their summary) and the new value
    return np.array([1.0, 2.0, 4.0, 5.0]), 8.0


def _welford_step_answer() -> float:
    old, new = _welford_step_data()
    values = np.append(old, new)
    return float(_exact_var(values) * len(values))            # S₅ = n σ² from the definition


def _welford_step_old_deviation(data) -> float:
    old, new = data
    return float(len(old) * np.var(old) + (new - old.mean()) ** 2)


def _welford_step_new_deviation(data) -> float:
    old, new = data
    mean_new = np.append(old, new).mean()
    return float(len(old) * np.var(old) + (new - mean_new) ** 2)


def _welford_step_variance(data) -> float:
    old, new = data
    return float(np.var(np.append(old, new)))


def _running_data() -> np.random.Generator:
    return np.random.default_rng(5)


def _running_reference(xs):
    """The package's Welford update fed one value at a time: running means and variances."""
    from mlcourse.stats import RunningMoments

    acc = RunningMoments()
    means, variances = [], []
    for x in np.asarray(xs, dtype=np.float64):
        acc.update(float(x))
        means.append(acc.mean())
        variances.append(acc.variance())
    return np.array(means), np.array(variances)


def _running_cases(rng):
    return [
        Case("the five values 2, 4, 4, 5, 7", (np.array([2.0, 4.0, 4.0, 5.0, 7.0]),)),
        Case("a single value (its variance is 0)", (np.array([3.5]),)),
        Case("a constant stream (variance 0 throughout)", (np.full(6, 2.5),)),
        Case("200 standard normal values", (rng.normal(size=200),)),
        Case("2000 values around 10⁹ with spread 1", (1e9 + rng.normal(size=2000),)),
    ]


def _running_naive(data):
    def naive(xs):
        xs = np.asarray(xs, dtype=np.float64)
        t = np.arange(1, len(xs) + 1)
        means = np.cumsum(xs) / t
        return means, np.cumsum(xs**2) / t - means**2
    return naive


def _running_sample(data):
    def sample(xs):
        means, variances = _running_reference(xs)
        t = np.arange(1, len(xs) + 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            return means, variances * t / (t - 1)
    return sample


def _running_old_square(data):
    def old_square(xs):
        mean, s = 0.0, 0.0
        means, variances = [], []
        for t, x in enumerate(np.asarray(xs, dtype=np.float64), start=1):
            s += (x - mean) ** 2                               # (x - μ_{n-1})² instead of the product
            mean += (x - mean) / t
            means.append(mean)
            variances.append(s / t)
        return np.array(means), np.array(variances)
    return old_square


def _merge_code_data() -> None:
    return None


def _merge_reference(a, b):
    """The package's merge (Chan et al.) on two summaries ``(n, mean, S)``."""
    from mlcourse.stats import RunningMoments

    left, right = RunningMoments(), RunningMoments()
    for acc, (n, mean, s) in ((left, a), (right, b)):
        if n > 0:
            acc.n, acc.mean_, acc.m2_ = int(n), float(mean), float(s)
    left.merge(right)
    if left.n == 0:
        return np.zeros(3)
    return np.array([left.n, float(left.mean_), float(left.m2_)])


def _merge_cases(_data):
    pairs = [
        ("[4, 3.75, 4.75] merged with [3, 26/3, 14/3]", (4, 3.75, 4.75), (3, 26 / 3, 14 / 3)),
        ("two chunks with the same mean", (10, 1.0, 5.0), (5, 1.0, 2.0)),
        ("a chunk merged with a single value", (9, -2.0, 30.0), (1, 4.0, 0.0)),
        ("an empty first summary (n = 0)", (0, 0.0, 0.0), (3, 2.0, 8.0)),
        ("an empty second summary (n = 0)", (6, 0.5, 1.5), (0, 0.0, 0.0)),
        ("large counts", (1_000_000, 10.0, 2.0e6), (3_000_000, 12.0, 9.0e6)),
    ]
    return [Case(label, (np.array(a, dtype=float), np.array(b, dtype=float))) for label, a, b in pairs]


def _merge_code_no_shift(_data):
    def merge(a, b):
        n = a[0] + b[0]
        mean = (a[0] * a[1] + b[0] * b[1]) / n if n else 0.0
        return np.array([n, mean, a[2] + b[2]])
    return merge


def _merge_code_mean_average(_data):
    def merge(a, b):
        n = a[0] + b[0]
        if n == 0:
            return np.zeros(3)
        delta = b[1] - a[1]
        mean = (a[1] + b[1]) / 2 if a[0] and b[0] else (a[1] if a[0] else b[1])
        return np.array([n, mean, a[2] + b[2] + delta**2 * a[0] * b[0] / n])
    return merge


def _merge_code_over_n_squared(_data):
    def merge(a, b):
        n = a[0] + b[0]
        if n == 0:
            return np.zeros(3)
        delta = b[1] - a[1]
        return np.array([n, a[1] + delta * b[0] / n, a[2] + b[2] + delta**2 * a[0] * b[0] / n**2])
    return merge


def _naive_offset_data() -> tuple[np.ndarray, np.ndarray]:
    # the figure's experiment: offsets 10⁰ ... 10¹² and 20 000 standard normal values
    return np.arange(13), np.random.default_rng(2024).normal(size=20_000)


def _naive_errors(data) -> np.ndarray:
    """Relative error of Σx²/n - (Σx/n)² against the exactly shifted two-pass variance."""
    exponents, noise = data
    errors = []
    for m in exponents:
        c = 10.0 ** int(m)
        x = c + noise
        truth = np.var(x - c)                      # exact: x - c undoes the offset without rounding
        naive = np.sum(x * x) / x.size - (np.sum(x) / x.size) ** 2
        errors.append(abs(naive - truth) / truth)
    return np.array(errors)


def _naive_offset_answer() -> int:
    data = _naive_offset_data()
    return int(data[0][np.argmax(_naive_errors(data) > 0.1)])


def _naive_offset_one_percent(data) -> int:
    return int(data[0][np.argmax(_naive_errors(data) > 0.01)])


def _welford_accuracy_data() -> dict:
    # 100 000 values around a billion with spread 1, fed to Welford's update one at a time
    offset = 1e9
    return {"offset": offset, "x": offset + np.random.default_rng(46).normal(size=100_000)}


@functools.lru_cache(maxsize=1)
def _welford_accuracy_exact() -> Fraction:
    """The population variance of the data in exact rational arithmetic."""
    d = _welford_accuracy_data()
    deviations = [Fraction(float(v)) - Fraction(d["offset"]) for v in d["x"]]
    total = sum(deviations)
    total_sq = sum(v * v for v in deviations)
    n = len(deviations)
    return (total_sq - total * total / n) / n


def _relative_error(value: float) -> float:
    exact_var = _welford_accuracy_exact()
    return float(abs(Fraction(value) - exact_var) / exact_var)


def _welford_loop(values) -> tuple[int, float, float]:
    """Welford's update (the chapter's eq-stat-welford) in plain Python floats: (n, mean, S)."""
    n, mean, s = 0, 0.0, 0.0
    for x in values:
        n += 1
        delta = x - mean
        mean += delta / n
        s += (x - mean) * delta
    return n, mean, s


def _welford_accuracy_answer() -> float:
    n, _, s = _welford_loop(_welford_accuracy_data()["x"].tolist())
    return _relative_error(s / n)


def _welford_accuracy_batched(d) -> float:
    # chunks of 400 summarised by two passes and merged (Chan's rule), as the chapter's batches
    n, mean, s = 0, 0.0, 0.0
    for chunk in np.array_split(d["x"], 250):
        m_b = float(chunk.mean())
        s_b = float(((chunk - m_b) ** 2).sum())
        n_b = len(chunk)
        delta = m_b - mean
        total = n + n_b
        mean, s, n = mean + delta * n_b / total, s + s_b + delta**2 * n * n_b / total, total
    return _relative_error(s / n)


def _welford_accuracy_sample(d) -> float:
    # the population variance compared with a sample variance (divisor n - 1)
    n, _, s = _welford_loop(d["x"].tolist())
    exact_sample = _welford_accuracy_exact() * n / (n - 1)
    return float(abs(Fraction(s / n) - exact_sample) / exact_sample)


def _welford_accuracy_naive(d) -> float:
    x = d["x"]
    return _relative_error(float(np.mean(x**2) - np.mean(x) ** 2))


# === PCA and ICA ===================================================================================

def _pca_data() -> np.ndarray:
    # a covariance matrix S
    return np.array([[3.0, 1.0], [1.0, 3.0]])


def _sym_eigenvalues(S) -> list:
    import sympy as sp

    M = sp.Matrix(np.asarray(S).astype(int))
    lam = sp.Symbol("lambda")
    return sorted(sp.solve((M - lam * sp.eye(M.shape[0])).det(), lam), reverse=True)


def _pca_answer() -> float:
    lam = _sym_eigenvalues(_pca_data())               # roots of the characteristic polynomial
    return float(lam[0] / sum(lam))


def _pca_complement(S) -> float:
    lam = _sym_eigenvalues(S)
    return float(lam[-1] / sum(lam))


def _pca_eigen_ratio(S) -> float:
    lam = _sym_eigenvalues(S)
    return float(lam[0] / lam[-1])


def _direction_data() -> np.ndarray:
    return np.array([[5.0, 2.0], [2.0, 2.0]])


def _direction_answer() -> np.ndarray:
    import sympy as sp

    M = sp.Matrix(_direction_data().astype(int))
    top = max(M.eigenvects(), key=lambda t: t[0])[2][0]
    u = top / top.norm()
    u = u if u[0] > 0 else -u
    return np.array(u, dtype=float).ravel()


def _direction_unnormalised(S) -> np.ndarray:
    u = _direction_answer()
    return u / np.min(np.abs(u))                      # the same direction with integer entries


def _direction_smallest(S) -> np.ndarray:
    import sympy as sp

    M = sp.Matrix(np.asarray(S).astype(int))
    low = min(M.eigenvects(), key=lambda t: t[0])[2][0]
    u = np.array(low / low.norm(), dtype=float).ravel()
    return u if u[0] > 0 else -u


def _residual_data() -> tuple[np.ndarray, int]:
    # the chapter's 3×3 covariance and the number of components kept
    return np.array([[3.0, 1.0, 0.0], [1.0, 3.0, 0.0], [0.0, 0.0, 1.0]]), 1


def _residual_answer() -> float:
    S, m = _residual_data()
    lam = _sym_eigenvalues(S)
    return float(sum(lam[m:]))


def _residual_kept(data) -> float:
    S, m = data
    return float(sum(_sym_eigenvalues(S)[:m]))


def _residual_smallest(data) -> float:
    S, _ = data
    return float(_sym_eigenvalues(S)[-1])


def _residual_fraction(data) -> float:
    S, m = data
    lam = _sym_eigenvalues(S)
    return float(sum(lam[m:]) / sum(lam))


def _pca_code_data() -> np.random.Generator:
    return np.random.default_rng(11)


def _pca_reference(X, M):
    from mlcourse.decomposition import PCA

    return PCA(M).fit(X).components_


def _pca_cases(rng):
    mixing = np.array([[3.0, 0.0, 0.0], [1.0, 1.5, 0.0], [0.5, -0.4, 0.3]])
    X3 = rng.normal(size=(60, 3)) @ mixing + np.array([10.0, -5.0, 2.0])
    X5 = rng.normal(size=(40, 5)) * np.array([5.0, 3.0, 2.0, 1.0, 0.5]) @ _rotation(rng, 5) + 7.0
    return [
        Case("60 points in 3-D far from the origin, M = 2", (X3, 2)),
        Case("the same data, M = 1", (X3, 1)),
        Case("40 points in 5-D, all M = 5 components", (X5, 5)),
        Case("4 points in the plane, M = 2", (np.array([[1.0, 2.0], [2.0, 1.0], [4.0, 5.0], [6.0, 4.0]]), 2)),
    ]


def _rotation(rng, d: int) -> np.ndarray:
    q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    return q


def _pca_not_centred(_data):
    def pca(X, M):
        from mlcourse.decomposition import sign_flip

        _, _, Vt = np.linalg.svd(X, full_matrices=False)
        return sign_flip(Vt)[:M]
    return pca


def _pca_no_sign_rule(_data):
    def pca(X, M):
        eigenvalues, vectors = np.linalg.eigh(np.cov(X, rowvar=False))
        top = vectors[:, np.argsort(eigenvalues)[::-1][:M]].T
        return top * np.sign(top[:, :1])                # first entry positive, not the largest
    return pca


def _reconstruct_reference(X, M):
    from mlcourse.decomposition import PCA

    pca = PCA(M).fit(X)
    return pca.inverse_transform(pca.transform(X))


def _reconstruct_cases(rng):
    X3 = rng.normal(size=(50, 3)) @ np.array([[2.0, 0.5, 0.0], [0.0, 1.0, 0.3], [0.0, 0.0, 0.2]]) + 4.0
    X4 = rng.normal(size=(30, 4)) * np.array([3.0, 2.0, 1.0, 0.1]) - 2.0
    return [
        Case("50 points in 3-D around (4, 4, 4), M = 1", (X3, 1)),
        Case("the same data, M = 2", (X3, 2)),
        Case("30 points in 4-D, M = 4 (nothing is lost)", (X4, 4)),
        Case("30 points in 4-D, M = 3", (X4, 3)),
    ]


def _reconstruct_no_mean(_data):
    def reconstruct(X, M):
        return _reconstruct_reference(X, M) - X.mean(axis=0)
    return reconstruct


def _reconstruct_uncentred(_data):
    def reconstruct(X, M):
        U, s, Vt = np.linalg.svd(X, full_matrices=False)
        return (U[:, :M] * s[:M]) @ Vt[:M]
    return reconstruct


@functools.cache
def _digits_covariance_eigenvalues() -> np.ndarray:
    from mlcourse.data import digits

    X = digits().X
    return np.sort(np.linalg.eigvalsh(np.cov(X, rowvar=False)))[::-1]


def _digits_90_data() -> float:
    return 0.9


def _components_for(level: float) -> int:
    lam = _digits_covariance_eigenvalues()
    cumulative = np.cumsum(lam) / lam.sum()
    return int(np.argmax(cumulative >= level)) + 1


def _digits_90_answer() -> int:
    return _components_for(_digits_90_data())


def _ica_gaussian_data() -> int:
    # the number of independent Gaussian sources (and of recovered signals)
    return 3


def _ica_gaussian_answer() -> float:
    """E max_j |u_j| for u uniform on the unit sphere of R³: the best |correlation| with a source
    of one signal of a random rotation (all FastICA can return on Gaussian sources).

    Quadrature of an exact reduction: u₃ = z is uniform on [−1, 1] (Archimedes) and (u₁, u₂) is
    √(1 − z²) times a uniform direction, whose larger |coordinate| is cos φ on φ ∈ [0, π/4].
    """
    from scipy import integrate

    if _ica_gaussian_data() != 3:  # pragma: no cover - the reduction is for three sources
        raise ValueError("the quadrature is written for three sources")

    def given_z(z: float) -> float:
        a, r = z, math.sqrt(max(1.0 - z * z, 0.0))   # E over φ of max(a, r cos φ), φ ∈ [0, π/4]
        if a >= r:
            return a
        if a <= r * math.cos(math.pi / 4):
            return r * math.sin(math.pi / 4) * 4 / math.pi
        phi0 = math.acos(a / r)
        return (r * math.sin(phi0) + a * (math.pi / 4 - phi0)) * 4 / math.pi

    kinks = [math.cos(math.pi / 4) / math.sqrt(1 + math.cos(math.pi / 4) ** 2), math.sqrt(0.5)]
    value, _ = integrate.quad(given_z, 0.0, 1.0, points=kinks, epsabs=1e-13, epsrel=1e-13)
    return float(value)                                  # z ↦ −z symmetric: the mean over [0, 1]


def _ica_gaussian_mean_abs(sources: int) -> float:
    # the |correlation| with one given source, averaged, instead of the best one: E|u₃| = E|z|
    from scipy import integrate

    return float(integrate.quad(abs, -1.0, 1.0)[0] / 2)


def _ica_gaussian_plane(sources: int) -> float:
    # the same question with two sources: E max(|cos φ|, |sin φ|) for a uniform angle φ
    from scipy import integrate

    value = integrate.quad(lambda phi: max(abs(math.cos(phi)), abs(math.sin(phi))), 0.0,
                           2 * math.pi, points=[math.pi / 4, 3 * math.pi / 4, 5 * math.pi / 4,
                                                7 * math.pi / 4], limit=200)[0]
    return float(value / (2 * math.pi))


def _ica_gaussian_unnormalised(sources: int) -> float:
    # Gaussian draws not scaled to unit length: E max_j |g_j| for g ~ N(0, I), ∫ P(max > t) dt
    from scipy import integrate, stats

    return float(integrate.quad(lambda t: 1 - (2 * stats.norm.cdf(t) - 1) ** sources, 0.0,
                                np.inf)[0])


def _digits_90_below(level) -> int:
    return _components_for(level) - 1


def _digits_90_half(_level) -> int:
    return _components_for(0.5)


# === UMAP ==========================================================================================

def _sigma_data() -> tuple[np.ndarray, int]:
    # one point's sorted kNN distances (column 0: the point itself) and k
    return np.array([0.0, 1.0, 1.5, 2.0, 3.0]), 5


def _solve_sigma(d: np.ndarray, target: float) -> float:
    from scipy.optimize import brentq

    return float(brentq(lambda s: np.exp(-d / s).sum() - target, 1e-3, 100.0, xtol=1e-14))


def _sigma_answer() -> float:
    distances, k = _sigma_data()
    rho = distances[1]
    return _solve_sigma(distances[1:] - rho, np.log2(k))


def _sigma_with_self(data) -> float:
    distances, k = data
    rho = distances[1]
    return _solve_sigma(np.append(0.0, distances[1:] - rho), np.log2(k))


def _sigma_natural_log(data) -> float:
    distances, k = data
    rho = distances[1]
    return _solve_sigma(distances[1:] - rho, np.log(k))


def _sigma_no_rho(data) -> float:
    distances, k = data
    return _solve_sigma(distances[1:], np.log2(k))


def _union_data() -> np.ndarray:
    # directed memberships of four points (row i: i's view), one 1 per row as UMAP makes them
    return np.array([[0.0, 1.0, 0.3, 0.0],
                     [1.0, 0.0, 0.6, 0.0],
                     [0.0, 0.5, 0.0, 1.0],
                     [0.2, 0.0, 1.0, 0.0]])


def _union_answer() -> np.ndarray:
    W = _union_data()
    return 1.0 - (1.0 - W) * (1.0 - W.T)          # P(at least one endpoint sees the edge)


def _union_average(W) -> np.ndarray:
    return (W + W.T) / 2


def _union_max(W) -> np.ndarray:
    return np.maximum(W, W.T)


def _union_intersection(W) -> np.ndarray:
    return W * W.T


def _attraction_data() -> dict:
    # the curve's parameters and the squared distance s at which the coefficient is asked for
    return {"a": 1.5, "b": 0.8, "s": 2.0}


def _repulsion_data() -> dict:
    return {"a": 1.5, "b": 0.8, "s": 0.05}


def _at(expr, values: dict) -> float:
    """A coefficient formula in a, b, s evaluated at the exercise's numbers."""
    import sympy as sp

    a, b, s = sp.symbols("a b s", positive=True)
    return float(expr.subs({a: values["a"], b: values["b"], s: values["s"]}))


def _coefficient(loss_of_q):
    """c(s) with ∂loss/∂yᵢ = c · (yᵢ - yⱼ), by differentiating in coordinates (sympy)."""
    import sympy as sp

    a, b, s = sp.symbols("a b s", positive=True)
    u, v = sp.symbols("u v", real=True)               # the components of yᵢ - yⱼ
    q = 1 / (1 + a * (u**2 + v**2) ** b)
    grad_u = sp.diff(loss_of_q(q), u)
    c = sp.simplify(grad_u / u)
    return sp.simplify(c.subs(u**2 + v**2, s).subs(v, sp.sqrt(s - u**2)))


@functools.cache
def _attraction_formula():
    import sympy as sp

    return _coefficient(lambda q: -sp.log(q))


@functools.cache
def _repulsion_formula():
    import sympy as sp

    return _coefficient(lambda q: -sp.log(1 - q))


def _attraction_answer() -> float:
    return _at(_attraction_formula(), _attraction_data())


def _repulsion_answer() -> float:
    return _at(_repulsion_formula(), _repulsion_data())


def _attraction_without_two(data) -> float:
    return _at(_attraction_formula(), data) / 2


def _attraction_of_q(data) -> float:
    return _at(_coefficient(lambda q: q), data)


def _repulsion_without_two(data) -> float:
    return _at(_repulsion_formula(), data) / 2


def _repulsion_regularised(data) -> float:
    return _at(_repulsion_formula(), data) * data["s"] / (data["s"] + 0.001)


def _gradient_data() -> np.random.Generator:
    return np.random.default_rng(3)


def _gradient_reference(Y, P, a, b):
    from mlcourse.manifold import cross_entropy_gradient

    return cross_entropy_gradient(Y, P, a, b)


def _random_graph(rng, n: int) -> np.ndarray:
    W = np.where(rng.uniform(size=(n, n)) < 0.5, rng.uniform(size=(n, n)), 0.0)
    np.fill_diagonal(W, 0.0)
    return 1.0 - (1.0 - W) * (1.0 - W.T)


def _gradient_cases(rng):
    Y2 = np.array([[0.0, 0.0], [1.0, 0.5]])
    return [
        Case("two points joined by an edge of weight 1, a = b = 1",
             (Y2, np.array([[0.0, 1.0], [1.0, 0.0]]), 1.0, 1.0)),
        Case("two points with no edge between them, a = b = 1", (Y2, np.zeros((2, 2)), 1.0, 1.0)),
        Case("six points in the plane, a random fuzzy graph, a = 1.58, b = 0.9",
             (rng.normal(size=(6, 2)), _random_graph(rng, 6), 1.58, 0.9)),
        Case("five points on a line (a 1-D embedding)",
             (rng.normal(size=(5, 1)) * 2, _random_graph(rng, 5), 1.0, 1.0)),
        Case("eight points in 3-D", (rng.normal(size=(8, 3)), _random_graph(rng, 8), 0.7, 1.2)),
    ]


def _gradient_attraction_only(_data):
    def grad(Y, P, a, b):
        from mlcourse.manifold import attraction_coefficient

        diff = Y[:, None, :] - Y[None, :, :]
        d2 = (diff**2).sum(axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            c = np.where(d2 > 0, attraction_coefficient(d2, a, b), 0.0)
        return 2 * ((P * c)[:, :, None] * diff).sum(axis=1)
    return grad


def _gradient_half(_data):
    def grad(Y, P, a, b):
        return _gradient_reference(Y, P, a, b) / 2
    return grad


def _fuzzy_union_data() -> np.random.Generator:
    return np.random.default_rng(8)


def _fuzzy_union_reference(W):
    from mlcourse.manifold import fuzzy_union

    return fuzzy_union(W).toarray()


def _fuzzy_union_cases(rng):
    W = np.where(rng.uniform(size=(7, 7)) < 0.4, rng.uniform(size=(7, 7)), 0.0)
    np.fill_diagonal(W, 0.0)
    return [
        Case("the 4 × 4 memberships of the pencil exercise", (_union_data(),)),
        Case("a one-sided edge (only point 0 sees point 1)", (np.array([[0.0, 0.7], [0.0, 0.0]]),)),
        Case("no edges at all", (np.zeros((3, 3)),)),
        Case("a random 7 × 7 directed graph", (W,)),
    ]


def _fuzzy_union_wrong(fn):
    def wrong(_data):
        return lambda W: fn(np.asarray(W, dtype=np.float64))
    return wrong


def _components_data() -> int:
    return 5          # n_neighbors, counting the point itself as umap-learn and SimpleUMAP do


@functools.cache
def _components_answer() -> int:
    from scipy.sparse.csgraph import connected_components
    from sklearn.neighbors import kneighbors_graph

    from mlcourse.data import digits

    graph = kneighbors_graph(digits().X, _components_data() - 1)   # k - 1 others, self excluded
    return int(connected_components(graph, directed=False)[0])


def _components_strong(k) -> int:
    from scipy.sparse.csgraph import connected_components
    from sklearn.neighbors import kneighbors_graph

    from mlcourse.data import digits

    graph = kneighbors_graph(digits().X, k - 1)
    return int(connected_components(graph, directed=True, connection="strong")[0])


# === KL divergence =================================================================================

def _kl_data() -> tuple[tuple[float, float], tuple[float, float]]:
    # p = N(0, 1) and q = N(1, 2²) as (mean, standard deviation)
    return (0.0, 1.0), (1.0, 2.0)


def _logpdf(x, m, s) -> float:
    return -0.5 * ((x - m) / s) ** 2 - math.log(s) - 0.5 * math.log(2 * math.pi)


def _quad_kl(ma, sa, mb, sb) -> float:
    from scipy.integrate import quad

    return quad(lambda x: math.exp(_logpdf(x, ma, sa)) * (_logpdf(x, ma, sa) - _logpdf(x, mb, sb)),
                -np.inf, np.inf, epsabs=1e-14, epsrel=1e-13)[0]


def _kl_answer() -> np.ndarray:
    (m0, s0), (m1, s1) = _kl_data()
    return np.array([_quad_kl(m0, s0, m1, s1), _quad_kl(m1, s1, m0, s0)])   # [KL(p‖q), KL(q‖p)]


def _closed_kl(m0, s0, m1, s1, *, log_of=lambda r: np.log(r), half=0.5):
    return log_of(s1 / s0) + (s0**2 + (m0 - m1) ** 2) / (2 * s1**2) - half


def _kl_no_half(data) -> np.ndarray:
    (m0, s0), (m1, s1) = data
    return np.array([_closed_kl(m0, s0, m1, s1, half=0.0), _closed_kl(m1, s1, m0, s0, half=0.0)])


def _kl_log_variance(data) -> np.ndarray:
    (m0, s0), (m1, s1) = data
    f = lambda r: np.log(r**2)  # noqa: E731
    return np.array([_closed_kl(m0, s0, m1, s1, log_of=f), _closed_kl(m1, s1, m0, s0, log_of=f)])


def _mixture_data() -> tuple[tuple[float, float], tuple[float, float], tuple[float, float]]:
    # the chapter's mixture: weights, means, standard deviations
    return (0.35, 0.65), (-4.0, 3.0), (1.0, 1.0)


def _mixture_pdf(data):
    w, m, s = data

    def pdf(x):
        x = np.asarray(x, dtype=np.float64)
        return sum(wc * np.exp(-0.5 * ((x - mc) / sc) ** 2) / (sc * math.sqrt(2 * math.pi))
                   for wc, mc, sc in zip(w, m, s, strict=True))
    return pdf


def _forward_fit_answer() -> np.ndarray:
    from scipy.integrate import quad

    pdf = _mixture_pdf(_mixture_data())
    mean = quad(lambda x: x * pdf(x), -np.inf, np.inf, epsabs=1e-13)[0]
    var = quad(lambda x: (x - mean) ** 2 * pdf(x), -np.inf, np.inf, epsabs=1e-13)[0]
    return np.array([mean, np.sqrt(var)])


def _forward_fit_within_only(data) -> np.ndarray:
    w, m, s = data
    return np.array([np.dot(w, m), np.sqrt(np.dot(w, np.square(s)))])


def _forward_fit_between_only(data) -> np.ndarray:
    w, m, _ = data
    mean = np.dot(w, m)
    return np.array([mean, np.sqrt(np.dot(w, (np.array(m) - mean) ** 2))])


def _forward_fit_variance(data) -> np.ndarray:
    w, m, s = data
    mean = np.dot(w, m)
    return np.array([mean, np.dot(w, np.square(s) + (np.array(m) - mean) ** 2)])


def _reverse_price_data():
    return _mixture_data()


def _reverse_price_answer() -> float:
    from scipy.integrate import quad

    data = _reverse_price_data()
    pdf = _mixture_pdf(data)
    mu, sd = data[1][1], data[2][1]                   # q sits exactly on the heavier bump
    return quad(lambda x: math.exp(_logpdf(x, mu, sd)) * (_logpdf(x, mu, sd) - math.log(pdf(x))),
                mu - 12 * sd, mu + 12 * sd, epsabs=1e-13, limit=200)[0]


def _reverse_price_other_weight(data) -> float:
    return float(np.log(1 / data[0][0]))


def _reverse_price_forward(data) -> float:
    from scipy.integrate import quad

    pdf = _mixture_pdf(data)
    mu, sd = data[1][1], data[2][1]
    return quad(lambda x: pdf(x) * (math.log(pdf(x)) - _logpdf(x, mu, sd)), -20, 20,
                epsabs=1e-12, limit=200)[0]


def _gauss_kl_data() -> None:
    return None


def _gauss_kl_reference(p, q):
    from mlcourse.divergence import gaussian_kl

    return gaussian_kl(p[0], p[1], q[0], q[1])


def _gauss_kl_cases(_data):
    pairs = [
        ("p = q = N(0, 1) (the divergence is 0)", (0.0, 1.0), (0.0, 1.0)),
        ("p = N(0, 1), q = N(0, 3²)", (0.0, 1.0), (0.0, 3.0)),
        ("p = N(0, 3²), q = N(0, 1)", (0.0, 3.0), (0.0, 1.0)),
        ("p = N(1, 0.3²), q = N(-2, 3²)", (1.0, 0.3), (-2.0, 3.0)),
        ("p = N(5, 2²), q = N(6, 2²)", (5.0, 2.0), (6.0, 2.0)),
    ]
    return [Case(label, (np.array(p), np.array(q))) for label, p, q in pairs]


def _gauss_kl_swapped(_data):
    return lambda p, q: _closed_kl(q[0], q[1], p[0], p[1])


def _gauss_kl_log_variance(_data):
    return lambda p, q: _closed_kl(p[0], p[1], q[0], q[1], log_of=lambda r: np.log(r**2))


def _gauss_kl_no_half(_data):
    return lambda p, q: _closed_kl(p[0], p[1], q[0], q[1], half=0.0)


def _moment_match_data() -> None:
    return None


def _moment_match_reference(weights, means, stds):
    from mlcourse.divergence import GaussianMixture1D, fit_forward_kl

    fit = fit_forward_kl(GaussianMixture1D(weights, means, stds))
    return np.array([fit.mu, fit.sigma])


def _moment_match_cases(_data):
    cases = [
        ("the chapter's mixture 0.35 N(-4, 1) + 0.65 N(3, 1)", [0.35, 0.65], [-4.0, 3.0], [1.0, 1.0]),
        ("one component N(2, 0.5²)", [1.0], [2.0], [0.5]),
        ("two components with the same mean", [0.5, 0.5], [1.0, 1.0], [1.0, 3.0]),
        ("three components of different widths", [0.2, 0.5, 0.3], [-2.0, 0.0, 4.0], [0.5, 1.0, 2.0]),
    ]
    return [Case(label, (np.array(w), np.array(m), np.array(s))) for label, w, m, s in cases]


def _moment_match_wrong(route):
    def wrong(_data):
        def fit(weights, means, stds):
            mu, sigma = route((weights, means, stds))
            return np.array([mu, sigma])
        return fit
    return wrong


def _merge_d_data() -> np.ndarray:
    return np.arange(1, 13) * 0.25                      # half-separations d = 0.25, 0.5, ..., 3


def _reverse_kl_grid(mixture_pdf, mu: float, sigma: float) -> float:
    """KL(N(μ, σ²) ‖ p) by the trapezoid rule on ±10σ (an independent quadrature)."""
    x = np.linspace(mu - 9 * sigma, mu + 9 * sigma, 901)
    log_q = -0.5 * ((x - mu) / sigma) ** 2 - np.log(sigma) - 0.5 * np.log(2 * np.pi)
    q = np.exp(log_q)
    return float(np.trapezoid(q * (log_q - np.log(mixture_pdf(x))), x))


def _reverse_centres(ds) -> np.ndarray:
    return np.array(_reverse_centres_of(tuple(float(d) for d in ds)))


@functools.cache
def _reverse_centres_of(ds: tuple) -> tuple:
    """μ of the reverse fit started on the right bump, by Nelder–Mead (no gradient, no BFGS)."""
    from scipy.optimize import minimize

    centres = []
    for d in ds:
        pdf = _mixture_pdf(((0.5, 0.5), (-d, d), (1.0, 1.0)))
        fit = minimize(lambda t, pdf=pdf: _reverse_kl_grid(pdf, t[0], np.exp(t[1])), [d, 0.0],
                       method="Nelder-Mead", options={"xatol": 1e-4, "fatol": 1e-9, "maxiter": 1000})
        centres.append(float(fit.x[0]))
    return tuple(centres)


def _merge_d_answer() -> float:
    ds = _merge_d_data()
    return float(ds[np.argmax(np.abs(_reverse_centres(ds)) > 0.5)])


def _merge_d_last_centred(ds) -> float:
    return float(ds[np.argmax(np.abs(_reverse_centres(ds)) > 0.5) - 1])


def _merge_d_bimodal(ds) -> float:
    # the first d at which the mixture itself has a dip at 0 (two modes)
    curvature = [np.exp(-d**2 / 2) * (d**2 - 1) for d in ds]   # ∝ p''(0)
    return float(ds[np.argmax(np.array(curvature) > 0)])


EXERCISES = [
    # --- online mean and variance ---
    Exercise(
        "stat-merge-variance", _merge_data, _merge_answer, sig(3),
        mistakes=(
            Mistake("you added the two sums of squared deviations but left out the term for the "
                    "distance between the two means (δ² n_a n_b / n)", _merge_no_shift),
            Mistake("you averaged the two variances; the chunks differ in size and in mean, and the "
                    "merge rule accounts for both", _merge_mean_of_variances),
            Mistake("that is the sample variance (divisor n − 1); the exercise asks for the "
                    "population variance", _merge_sample_variance),
        ),
        expects="one number",
    ),
    Exercise(
        "stat-welford-step", _welford_step_data, _welford_step_answer, sig(3),
        mistakes=(
            Mistake("you added the square of the deviation from the old mean; Welford's update "
                    "multiplies the deviations from the old and from the new mean",
                    _welford_step_old_deviation),
            Mistake("you added the square of the deviation from the new mean; Welford's update "
                    "multiplies the deviations from the old and from the new mean",
                    _welford_step_new_deviation),
            Mistake("that is the variance; the exercise asks for the sum of squared deviations S, "
                    "which is the count times the variance", _welford_step_variance),
        ),
        expects="one number",
    ),
    FunctionExercise(
        "stat-welford-code", _running_data, lambda xs: _running_reference(xs), _running_cases,
        relative(1e-6),
        mistakes=(
            Mistake("you used the one-pass shortcut mean(x²) − mean(x)²: it is right on small "
                    "numbers and loses every digit on the values around a billion", _running_naive),
            Mistake("your variances are sample variances (divisor n − 1); the function should "
                    "return population variances (divisor n)", _running_sample),
            Mistake("S grows by the square of the deviation from the old mean; Welford's update "
                    "multiplies the deviations from the old and from the new mean", _running_old_square),
        ),
        expects="a function running_moments(xs) returning two arrays of shape (n,): the running "
                "means and the running population variances",
        # entry n - 1 of each array holds the moments after n values: name the first wrong one
        steps=Steps(what="running moments", at="after n = {} values", first=1,
                    names=("your running means", "your running variances")),
    ),
    FunctionExercise(
        "stat-merge-code", _merge_code_data, _merge_reference, _merge_cases, relative(1e-12),
        mistakes=(
            Mistake("S = S_a + S_b leaves out the spread between the two means (the δ² term)",
                    _merge_code_no_shift),
            Mistake("the merged mean is not the plain average of the two means: weigh each by its "
                    "count", _merge_code_mean_average),
            Mistake("the δ² term is divided by n twice; it is δ² n_a n_b / n", _merge_code_over_n_squared),
        ),
        expects="a function merge(a, b) taking two summaries, arrays [n, mean, S], and returning "
                "the summary [n, mean, S] of the union",
    ),
    Exercise(
        "stat-naive-offset", _naive_offset_data, _naive_offset_answer, exact(),
        mistakes=(
            Mistake("at that offset the error first passes one percent; the question asks for ten "
                    "percent",
                    _naive_offset_one_percent),
        ),
        expects="an integer m (the offset is 10 to the power m)",
    ),
    Exercise(
        "stat-welford-accuracy", _welford_accuracy_data, _welford_accuracy_answer, sig(2),
        mistakes=(
            Mistake("that is the error of the batched updates (chunks summarised and merged); the "
                    "exercise feeds the values one at a time", _welford_accuracy_batched),
            Mistake("you compared a population variance with a sample variance (divisor n − 1): the "
                    "two divisors differ by far more than the rounding error you are after",
                    _welford_accuracy_sample),
            Mistake("that is the error of the one-pass shortcut mean(x²) − mean(x)², not of "
                    "Welford's update", _welford_accuracy_naive),
        ),
        expects="one number, the relative error of the variance",
    ),
    # --- PCA and ICA ---
    Exercise(
        "stat-pca-ratio", _pca_data, _pca_answer, sig(3),
        mistakes=(
            Mistake("that is the share of the second component (the smallest eigenvalue over the "
                    "trace)", _pca_complement),
            Mistake("you divided the largest eigenvalue by the smallest; the share is the largest "
                    "over the sum of all of them", _pca_eigen_ratio),
        ),
        expects="a number between 0 and 1",
    ),
    Exercise(
        "stat-pca-direction", _direction_data, _direction_answer, sig(3),
        mistakes=(
            Mistake("the direction is right but the vector is not a unit vector: divide by its "
                    "length", _direction_unnormalised),
            Mistake("that is the eigenvector of the smallest eigenvalue, the direction of least "
                    "variance", _direction_smallest),
        ),
        expects="a vector of two numbers",
    ),
    Exercise(
        "stat-pca-residual", _residual_data, _residual_answer, sig(3),
        mistakes=(
            Mistake("that is the variance the kept component captures; the error is what the "
                    "dropped components carry", _residual_kept),
            Mistake("that is only the smallest eigenvalue; every dropped component adds its "
                    "variance to the error", _residual_smallest),
            Mistake("that is the fraction of the variance lost; the exercise asks for the error "
                    "itself (a variance, not a fraction)", _residual_fraction),
        ),
        expects="one number",
    ),
    FunctionExercise(
        "stat-pca-code", _pca_code_data, _pca_reference, _pca_cases, relative(1e-8),
        mistakes=(
            Mistake("the data are not centred: subtract the mean of each feature before the SVD "
                    "(or the covariance)", _pca_not_centred),
            Mistake("the directions are right but some signs differ: make the entry of largest "
                    "absolute value positive in each row, not the first entry", _pca_no_sign_rule),
        ),
        expects="a function pca(X, M) returning the components as rows, shape (M, D)",
    ),
    FunctionExercise(
        "stat-pca-reconstruct-code", _pca_code_data, _reconstruct_reference, _reconstruct_cases,
        relative(1e-8),
        mistakes=(
            Mistake("the reconstruction is missing the mean: add x̄ back after projecting",
                    _reconstruct_no_mean),
            Mistake("you projected the raw data without centring it first: the best rank-M "
                    "approximation of X is not the best affine one", _reconstruct_uncentred),
        ),
        expects="a function reconstruct(X, M) returning an array of the shape of X",
    ),
    Exercise(
        "stat-pca-digits-90", _digits_90_data, _digits_90_answer, exact(),
        mistakes=(
            Mistake("a mistake at the boundary: you counted the components whose cumulative share "
                    "is below the level; the question asks for the fewest that reach it",
                    _digits_90_below),
            Mistake("that is the count for half of the variance", _digits_90_half),
        ),
        expects="a whole number of components",
    ),
    Exercise(
        "stat-ica-gaussian", _ica_gaussian_data, _ica_gaussian_answer, sig(2),
        mistakes=(
            Mistake("that is the |correlation| with one source averaged over the sources; each "
                    "signal's best |correlation| is the largest of its three", _ica_gaussian_mean_abs),
            Mistake("that is the answer for two sources, in the plane; here there are three",
                    _ica_gaussian_plane),
            Mistake("the Gaussian draws were not scaled to unit length: a row of a rotation is a unit "
                    "vector, and a correlation is at most 1", _ica_gaussian_unnormalised),
        ),
        expects="one number between 0 and 1",
        # the solution estimates the expectation by Monte Carlo (400 000 unit vectors, standard
        # error about 2e-4 relative): it is held to 2e-3, ten standard errors
        solution_precision=relative(2e-3),
    ),
    # --- UMAP ---
    Exercise(
        "stat-umap-sigma", _sigma_data, _sigma_answer, sig(4),
        mistakes=(
            Mistake("you included the point itself in the sum; the sum runs over its neighbours only",
                    _sigma_with_self),
            Mistake("the target is log₂ k, the logarithm to base two, not the natural logarithm",
                    _sigma_natural_log),
            Mistake("ρ is missing: subtract the distance to the nearest neighbour from every "
                    "distance first", _sigma_no_rho),
        ),
        expects="one number",
    ),
    Exercise(
        "stat-umap-union", _union_data, _union_answer, sig(3),
        mistakes=(
            Mistake("you averaged the two views of each edge; the fuzzy union is the probability "
                    "that at least one endpoint sees the edge", _union_average),
            Mistake("you took the larger of the two views; the fuzzy union counts the other view "
                    "too, as a probability of an independent event", _union_max),
            Mistake("that is the fuzzy intersection (both endpoints see the edge); UMAP uses the "
                    "union", _union_intersection),
        ),
        expects="a 4×4 matrix",
    ),
    Exercise(
        "stat-umap-attraction", _attraction_data, _attraction_answer, sig(3),
        mistakes=(
            Mistake("the chain rule through s = ‖yᵢ − yⱼ‖² is incomplete: the derivative of s "
                    "with respect to yᵢ is twice yᵢ − yⱼ", _attraction_without_two),
            Mistake("that is the derivative of q itself; the loss of an edge is −log q",
                    _attraction_of_q),
        ),
        expects="one number",
    ),
    Exercise(
        "stat-umap-repulsion", _repulsion_data, _repulsion_answer, sig(3),
        mistakes=(
            Mistake("the chain rule through s = ‖yᵢ − yⱼ‖² is incomplete: the derivative of s "
                    "with respect to yᵢ is twice yᵢ − yⱼ, and the push needs it too", _repulsion_without_two),
            Mistake("that is umap-learn's regularised coefficient (with 0.001 added to s); the "
                    "exercise asks for the exact gradient", _repulsion_regularised),
        ),
        expects="one number",
    ),
    FunctionExercise(
        "stat-umap-gradient-code", _gradient_data, _gradient_reference, _gradient_cases,
        relative(1e-8),
        mistakes=(
            Mistake("only the attractive term is there: the pairs pull but never push; add the "
                    "gradient of −(1 − p) log(1 − q)", _gradient_attraction_only),
            Mistake("the gradient is half the right one: the sum runs over ordered pairs i ≠ j, so "
                    "each pair contributes twice", _gradient_half),
        ),
        expects="a function ce_gradient(Y, P, a, b) returning an array of the shape of Y",
    ),
    FunctionExercise(
        "stat-umap-union-code", _fuzzy_union_data, _fuzzy_union_reference, _fuzzy_union_cases,
        relative(1e-12),
        mistakes=(
            Mistake("you averaged the two views of each edge; the fuzzy union is the probability "
                    "that at least one endpoint sees the edge", _fuzzy_union_wrong(_union_average)),
            Mistake("you took the larger of the two views; the fuzzy union counts the other view "
                    "too", _fuzzy_union_wrong(_union_max)),
        ),
        expects="a function union(W) returning a dense array of the shape of W",
    ),
    Exercise(
        "stat-umap-components", _components_data, _components_answer, exact(),
        mistakes=(
            Mistake("you counted the strongly connected parts of the directed neighbour graph; "
                    "after the fuzzy union the graph is undirected, so an edge seen from either "
                    "end joins two points", _components_strong),
        ),
        expects="a whole number of connected components",
    ),
    # --- KL divergence ---
    Exercise(
        "stat-kl-two-gaussians", _kl_data, _kl_answer, sig(3),
        mistakes=(
            Mistake("the −½ of the closed form is missing in both values", _kl_no_half),
            Mistake("the logarithm is of the ratio of the standard deviations, not of the "
                    "variances", _kl_log_variance),
        ),
        expects="a list [KL(p‖q), KL(q‖p)] of two numbers",
    ),
    Exercise(
        "stat-kl-forward-fit", _mixture_data, _forward_fit_answer, sig(3),
        mistakes=(
            Mistake("σ is the width of one bump: the variance of a mixture also contains the "
                    "spread of the bumps' means around the overall mean", _forward_fit_within_only),
            Mistake("σ counts only the spread of the bumps' means; each bump's own variance adds "
                    "to it", _forward_fit_between_only),
            Mistake("the second entry is the variance; the exercise asks for the standard "
                    "deviation σ", _forward_fit_variance),
        ),
        expects="a vector [μ, σ] of two numbers",
    ),
    Exercise(
        "stat-kl-reverse-price", _reverse_price_data, _reverse_price_answer, sig(2),
        mistakes=(
            Mistake("that is the price of sitting on the other, lighter bump", _reverse_price_other_weight),
            Mistake("that is the forward divergence KL(p‖q) of this q; the exercise asks for the "
                    "reverse one, the expectation under q", _reverse_price_forward),
        ),
        expects="one number",
    ),
    FunctionExercise(
        "stat-kl-gauss-code", _gauss_kl_data, _gauss_kl_reference, _gauss_kl_cases, relative(1e-10),
        mistakes=(
            Mistake("your function computes the other direction, KL(q‖p): the expectation must be "
                    "under p, the first argument", _gauss_kl_swapped),
            Mistake("the logarithm is of the ratio of the variances; it should be of the standard "
                    "deviations", _gauss_kl_log_variance),
            Mistake("the −½ is missing: your function is not 0 when p = q", _gauss_kl_no_half),
        ),
        expects="a function kl(p, q) taking p = [mean, std] and q = [mean, std] and returning "
                "KL(p‖q)",
    ),
    FunctionExercise(
        "stat-kl-moment-code", _moment_match_data, _moment_match_reference, _moment_match_cases,
        relative(1e-10),
        mistakes=(
            Mistake("σ leaves out the spread of the components' means around the overall mean",
                    _moment_match_wrong(_forward_fit_within_only)),
            Mistake("σ leaves out the components' own variances",
                    _moment_match_wrong(_forward_fit_between_only)),
            Mistake("the second value is the variance; return the standard deviation σ",
                    _moment_match_wrong(_forward_fit_variance)),
        ),
        expects="a function moment_match(weights, means, stds) returning [mu, sigma]",
    ),
    Exercise(
        "stat-kl-merge-d", _merge_d_data, _merge_d_answer, exact(),
        mistakes=(
            Mistake("a mistake at the boundary: the question asks for the first separation of the "
                    "grid at which the reverse fit sits on a bump; check the fit at yours",
                    _merge_d_last_centred),
            Mistake("that is where the mixture itself becomes bimodal; the centred fit survives "
                    "beyond it", _merge_d_bimodal),
        ),
        expects="one half-separation d from the grid 0.25, 0.5, ..., 3",
    ),
]
