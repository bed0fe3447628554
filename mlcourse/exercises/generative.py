"""Exercises of Part 4, *Autoencoders, VAEs and variational inference*.

Every expected answer of a value exercise is computed by a route independent of the closed forms
the chapters derive and of the package code they teach: numerical integration (scipy), numpy's
singular value decomposition, sympy's exact eigenvalues. A coding exercise's reference is the
package's implementation (checked against torch, scipy and scikit-learn in ``tests/``) or, where
the package has none, the trusted library itself (scipy's ``logsumexp``, torch's binary
cross-entropy). Each exercise registers the mistakes readers are likely to make, computed from the
same data: the notes' KL formula, ddof = 1, the retained instead of the discarded variance, the
density instead of the distribution function, the KL the wrong way round.
"""

from __future__ import annotations

import math

import numpy as np

from ._core import Case, Exercise, FunctionExercise, Mistake, decimals, exact, relative, sig

__all__ = ["EXERCISES"]


def _quad(f, lo=-np.inf, hi=np.inf) -> float:
    from scipy.integrate import quad

    return float(quad(f, lo, hi, epsabs=1e-13, epsrel=1e-12, limit=200)[0])


def _log_normal(x, mean, std):
    return -0.5 * math.log(2 * math.pi * std**2) - (x - mean) ** 2 / (2 * std**2)


class _Normal:
    def __init__(self, mean, std):
        self.mean, self.std = mean, std

    def logpdf(self, x):
        return _log_normal(x, self.mean, self.std)


def _kl_quad(q, p, lo=-12.0, hi=12.0) -> float:
    """KL(q ‖ p) for two scipy distributions (or objects with logpdf), by quadrature."""
    return _quad(lambda x: math.exp(q.logpdf(x)) * (q.logpdf(x) - p.logpdf(x)), lo, hi)


def _kl_closed(mu0, s0, mu1, s1) -> float:
    # used only to compute registered *mistakes* (arguments swapped, variances for deviations)
    return math.log(s1 / s0) + (s0**2 + (mu0 - mu1) ** 2) / (2 * s1**2) - 0.5


# === Autoencoders ===================================================================================


def _pca_loss_data() -> dict:
    # points in 3-D; a linear autoencoder with a 1-D code
    X = np.array([[2.0, 0.0, 1.0], [0.0, 1.0, -1.0], [-1.0, 2.0, 0.0], [1.0, -1.0, 2.0], [-2.0, -2.0, -2.0]])
    return {"X": X, "n_code": 1}


def _tail_variance(X: np.ndarray, k: int, *, centre: bool = True, ddof: int = 0, keep: bool = False) -> float:
    """Mean squared distance to the best k-dimensional (affine if centred) subspace, from the SVD."""
    Y = X - X.mean(axis=0) if centre else X
    sv2 = np.linalg.svd(Y, compute_uv=False) ** 2 / (X.shape[0] - ddof)  # descending
    return float(sv2[:k].sum() if keep else sv2[k:].sum())


def _pca_loss_answer() -> float:
    """Least mean squared reconstruction error: the variance outside the best line (numpy's SVD)."""
    d = _pca_loss_data()
    return _tail_variance(d["X"], d["n_code"])


def _pca_loss_ddof(d):
    return _tail_variance(d["X"], d["n_code"], ddof=1)


def _pca_loss_kept(d):
    return _tail_variance(d["X"], d["n_code"], keep=True)


def _bias_data() -> dict:
    # four points in the plane, whose mean (2, -2) is orthogonal to their main direction (1, 1)
    return {"X": np.array([[5.0, -1.0], [3.0, 1.0], [1.0, -5.0], [-1.0, -3.0]]), "n_code": 1}


def _bias_eigenvalues(d, *, centre: bool, ddof: int = 0):
    import sympy as sp

    X = sp.Matrix(d["X"].astype(int))
    n = X.shape[0]
    if centre:
        X = X - sp.ones(n, 1) * (sp.ones(1, n) * X) / n
    M = X.T * X / (n - ddof)
    return sorted(M.eigenvals(multiple=True), key=lambda v: float(v))  # ascending, exact


def _bias_answer() -> np.ndarray:
    """[least loss with biases, least loss without], exact eigenvalues of the 2×2 moment matrices."""
    d = _bias_data()
    return np.array([float(_bias_eigenvalues(d, centre=c)[0]) for c in (True, False)])


def _bias_ddof(d):
    return np.array([float(_bias_eigenvalues(d, centre=True, ddof=1)[0]),
                     float(_bias_eigenvalues(d, centre=False, ddof=1)[0])])


def _bias_kept(d):
    return np.array([float(_bias_eigenvalues(d, centre=c)[-1]) for c in (True, False)])


def _bias_both_centred(d):
    v = float(_bias_eigenvalues(d, centre=True)[0])
    return np.array([v, v])


def _covariance_data() -> dict:
    # a covariance whose largest diagonal entry is not its largest eigenvalue, and whose uncoupled
    # third coordinate lies between the two eigenvalues of the coupled block
    return {"C": np.array([[5.0, 2.0, 0.0], [2.0, 2.0, 0.0], [0.0, 0.0, 3.0]]), "n_code": 1}


def _covariance_eigenvalues(d) -> list:
    import sympy as sp

    M = sp.Matrix(d["C"].astype(int))
    return sorted(M.eigenvals(multiple=True), key=lambda v: float(v))  # ascending, exact


def _covariance_answer() -> float:
    """Least loss of a linear autoencoder with a k-D code: the sum of all but the k largest eigenvalues."""
    d = _covariance_data()
    lam = _covariance_eigenvalues(d)
    return float(sum(lam[: len(lam) - d["n_code"]]))


def _covariance_kept(d):
    lam = _covariance_eigenvalues(d)
    return float(sum(lam[len(lam) - d["n_code"]:]))


def _covariance_diagonal(d):
    # the diagonal entries taken for the eigenvalues: the largest variance of a coordinate is kept
    diag = np.sort(np.diag(d["C"]))
    return float(diag[: len(diag) - d["n_code"]].sum())


def _covariance_smallest_only(d):
    return float(_covariance_eigenvalues(d)[0])


def _angles_data() -> dict:
    g = np.random.default_rng(7)
    return {"A": g.normal(size=(6, 2)), "B": g.normal(size=(6, 2)), "C": g.normal(size=(10, 3)),
            "mix": np.array([[2.0, 1.0], [-1.0, 3.0]])}


def _angles_reference(A, B):
    from ..autoencoder import principal_angles

    return principal_angles(A, B)


def _angles_cases(d) -> list:
    A, B, C = d["A"], d["B"], d["C"]
    e = np.eye(4)
    return [
        Case("two random planes in R⁶", (A, B)),
        Case("a plane and the same plane spanned by mixed columns (all angles 0)", (A, A @ d["mix"])),
        Case("two perpendicular lines in R⁴ (one angle, π/2)", (e[:, :1], e[:, 1:2])),
        Case("a 3-dimensional subspace of R¹⁰ and a plane inside it plus a tilt",
             (C, C[:, :2] + 0.1 * np.eye(10)[:, :2])),
        Case("a line and a plane in R⁴ (one angle)", (e[:, :1] + e[:, 2:3], e[:, :2])),
    ]


def _angles_no_qr(d):
    def angles(A, B):
        s = np.linalg.svd(np.asarray(A, float).T @ np.asarray(B, float), compute_uv=False)
        return np.sort(np.arccos(np.clip(s, -1.0, 1.0)))

    return angles


def _angles_cosines(d):
    def cosines(A, B):
        return np.cos(_angles_reference(A, B))

    return cosines


def _angles_degrees(d):
    def degrees(A, B):
        return np.degrees(_angles_reference(A, B))

    return degrees


def _best_loss_data() -> dict:
    from ..data import digits

    return {"digits": digits().X[:120], "points": _pca_loss_data()["X"]}


def _best_loss_reference(X, k):
    """The variance left outside the best k-dimensional affine subspace, from scikit-learn's PCA."""
    from sklearn.decomposition import PCA

    X = np.asarray(X, dtype=float)
    n, D = X.shape
    if k >= D:
        return 0.0
    ev = PCA(svd_solver="full").fit(X).explained_variance_  # divides by n - 1
    return float(ev[k:].sum() * (n - 1) / n)


def _best_loss_cases(d) -> list:
    return [
        Case("the five points of the first exercise, k = 1", (d["points"], 1)),
        Case("120 digits, k = 2", (d["digits"], 2)),
        Case("120 digits, k = 10", (d["digits"], 10)),
        Case("the five points, k = 3 = D (nothing is left out)", (d["points"], 3)),
        Case("120 digits shifted by 5 in every pixel, k = 2 (the loss must not change)",
             (d["digits"] + 5.0, 2)),
    ]


def _best_loss_fn(**kw):
    """A registered mistake: ``wrong(data)`` returns the wrong function."""

    def best(X, k):
        return _tail_variance(np.asarray(X, float), k, **kw)

    return lambda data: best


def _components_data() -> dict:
    from ..data import digits

    return {"X": digits().X[:500], "left_out": 0.10}


def _components_needed(X, left_out, centre=True) -> int:
    Y = X - X.mean(axis=0) if centre else X
    sv2 = np.linalg.svd(Y, compute_uv=False) ** 2
    fraction = 1 - np.cumsum(sv2) / sv2.sum()
    return int(np.argmax(fraction <= left_out) + 1)


def _components_answer() -> int:
    d = _components_data()
    return _components_needed(d["X"], d["left_out"])


def _components_uncentred(d):
    return _components_needed(d["X"], d["left_out"], centre=False)


def _components_kept(d):
    # the least k that leaves out at most 90 % (keeps at least 10 %) of the variance
    return _components_needed(d["X"], 1 - d["left_out"])


def _mean_direction_data() -> dict:
    from ..data import digits

    return {"X": digits().X[:500]}


def _top_direction(X, centre: bool) -> np.ndarray:
    Y = X - X.mean(axis=0) if centre else X
    return np.linalg.svd(Y, full_matrices=False)[2][0]


def _mean_direction_answer() -> float:
    X = _mean_direction_data()["X"]
    mean = X.mean(axis=0)
    return float(abs(mean @ _top_direction(X, centre=False)) / np.linalg.norm(mean))


def _mean_direction_centred(d):
    X = d["X"]
    mean = X.mean(axis=0)
    return float(abs(mean @ _top_direction(X, centre=True)) / np.linalg.norm(mean))


# === Latent variables ===============================================================================


def _ring_data() -> dict:
    # g(z) = z/α + z/‖z‖ with z ~ N(0, σ² I) in the plane
    return {"alpha": 10.0, "sigma": 1.0}


def _ring_answer() -> float:
    """E‖g(z)‖ = E[‖z‖/α + 1], with ‖z‖ Rayleigh-distributed (scipy's density, integrated)."""
    from scipy.stats import rayleigh

    d = _ring_data()
    r = rayleigh(scale=d["sigma"])
    return _quad(lambda t: r.pdf(t) * (t / d["alpha"] + 1.0), 0, np.inf)


def _ring_sigma(d):
    return 1 + d["sigma"] / d["alpha"]


def _ring_rms(d):
    return 1 + math.sqrt(2) * d["sigma"] / d["alpha"]


def _ring_square(d):
    return 1 + 2 * d["sigma"] ** 2 / d["alpha"]


def _thickness_answer() -> float:
    """The standard deviation of ‖g(z)‖ = ‖z‖/α + 1, by integrating scipy's Rayleigh density."""
    from scipy.stats import rayleigh

    d = _ring_data()
    r = rayleigh(scale=d["sigma"])
    m1 = _quad(lambda t: r.pdf(t) * t, 0, np.inf)
    m2 = _quad(lambda t: r.pdf(t) * t * t, 0, np.inf)
    return math.sqrt(m2 - m1**2) / d["alpha"]


def _thickness_variance(d):
    return (2 - math.pi / 2) * d["sigma"] ** 2 / d["alpha"] ** 2


def _thickness_sigma(d):
    return d["sigma"] / d["alpha"]


def _thickness_no_alpha(d):
    return math.sqrt(2 - math.pi / 2) * d["sigma"]


def _quarters_data() -> dict:
    # u = Φ(z) coordinatewise; the unit square cut at ½ in each coordinate
    return {"cut": 0.5}


def _quarter_probs(F1, F2, cut) -> np.ndarray:
    """[[P(u₁<c, u₂<c), P(u₁<c, c≤u₂≤1)], [P(c≤u₁≤1, u₂<c), P(c≤u₁≤1, c≤u₂≤1)]] for
    independent coordinates with distribution functions F1, F2 restricted to [0, 1]."""
    p1 = np.array([F1(cut) - F1(0.0), F1(1.0) - F1(cut)])
    p2 = np.array([F2(cut) - F2(0.0), F2(1.0) - F2(cut)])
    return np.outer(p1, p2)


def _quarters_answer() -> np.ndarray:
    """Probabilities of the four quarters for u = Φ(z), by integrating the normal density."""
    from scipy.stats import norm

    cut = _quarters_data()["cut"]

    def F(u):  # P(Φ(z) ≤ u) = P(z ≤ Φ⁻¹(u)), integrated from the density
        if u <= 0:
            return 0.0
        if u >= 1:
            return 1.0
        return _quad(norm.pdf, -np.inf, float(norm.ppf(u)))

    return _quarter_probs(F, F, cut)


def _quarters_pdf(d):
    # u = φ(z), the density: every value lies in (0, 0.4], so everything falls in one quarter
    from scipy.stats import norm

    peak = float(norm.pdf(0.0))

    def F(u):  # P(φ(z) ≤ u) for u in [0, 1]
        if u <= 0:
            return 0.0
        if u >= peak:
            return 1.0
        t = math.sqrt(-2 * math.log(u * math.sqrt(2 * math.pi)))  # φ(z) ≤ u ⟺ |z| ≥ t
        return 2 * float(norm.sf(t))

    return _quarter_probs(F, F, d["cut"])


def _quarters_one_coordinate(d):
    # Φ applied to the first coordinate only: the second stays a normal number
    from scipy.stats import norm

    return _quarter_probs(lambda u: min(max(u, 0.0), 1.0), norm.cdf, d["cut"])


def _ring_code_data() -> dict:
    g = np.random.default_rng(3)
    return {"z": g.standard_normal((5, 2)), "z3": g.standard_normal((4, 3))}


def _ring_reference(z, alpha):
    z = np.asarray(z, dtype=float)
    return z / alpha + z / np.linalg.norm(z, axis=1, keepdims=True)


def _ring_code_cases(d) -> list:
    return [
        Case("five points in the plane, α = 10", (d["z"], 10.0)),
        Case("one point, shape (1, 2), α = 2", (d["z"][:1], 2.0)),
        Case("a point on an axis, (0, -3), α = 1", (np.array([[0.0, -3.0]]), 1.0)),
        Case("four points in three dimensions, α = 5 (the formula works in any dimension)", (d["z3"], 5.0)),
    ]


def _ring_wrong_axis(d):
    def ring(z, alpha):
        z = np.asarray(z, dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            return z / alpha + z / np.linalg.norm(z, axis=0, keepdims=True)

    return ring


def _ring_squared_norm(d):
    def ring(z, alpha):
        z = np.asarray(z, dtype=float)
        return z / alpha + z / np.sum(z**2, axis=1, keepdims=True)

    return ring


def _ring_times_alpha(d):
    def ring(z, alpha):
        z = np.asarray(z, dtype=float)
        return z * alpha + z / np.linalg.norm(z, axis=1, keepdims=True)

    return ring


def _log_evidence_data() -> dict:
    g = np.random.default_rng(11)
    return {"moderate": -3.0 + g.standard_normal(50), "tiny": -2000.0 + 30 * g.standard_normal(200)}


def _log_evidence_reference(log_lik):
    from scipy.special import logsumexp

    log_lik = np.asarray(log_lik, dtype=float)
    return float(logsumexp(log_lik) - math.log(log_lik.size))


def _log_evidence_cases(d) -> list:
    return [
        Case("fifty log-likelihoods around −3", (d["moderate"],)),
        Case("a single draw", (d["moderate"][:1],)),
        Case("two hundred log-likelihoods around −2000 (exp underflows to 0)", (d["tiny"],)),
        Case("equal log-likelihoods, all −1 (the estimate is −1)", (np.full(10, -1.0),)),
    ]


def _log_evidence_mean_of_logs(d):
    return lambda log_lik: float(np.mean(log_lik))


def _log_evidence_no_division(d):
    from scipy.special import logsumexp

    return lambda log_lik: float(logsumexp(log_lik))


def _log_evidence_naive(d):
    def naive(log_lik):
        with np.errstate(divide="ignore"):
            return float(np.log(np.mean(np.exp(np.asarray(log_lik, dtype=float)))))

    return naive


def _ess_data() -> dict:
    return {"w": np.array([3.0, 1.0, 0.0, 0.0, 0.0, 0.0])}


def _ess_answer() -> float:
    from fractions import Fraction

    w = [Fraction(int(v)) for v in _ess_data()["w"]]
    return float(sum(w) ** 2 / sum(v * v for v in w))


def _ess_nonzero(d):
    return float(np.count_nonzero(d["w"]))


def _ess_sum_over_max(d):
    return float(d["w"].sum() / d["w"].max())


def _ess_mean_square(d):
    w = d["w"]
    return float(w.mean() ** 2 / np.mean(w**2))


# === Variational autoencoders =======================================================================


def _kl_data() -> dict:
    # KL(N(1, 0.5²) ‖ N(0, 1)): an encoder output against the VAE prior
    return {"mu0": 1.0, "sigma0": 0.5, "mu1": 0.0, "sigma1": 1.0}


def _kl_answer() -> float:
    d = _kl_data()
    return _kl_quad(_Normal(d["mu0"], d["sigma0"]), _Normal(d["mu1"], d["sigma1"]), -10, 10)


def _kl_notes(d):
    # the notes' constant -1/(2σ₀²) in place of -1/2
    s0, s1 = d["sigma0"], d["sigma1"]
    return math.log(s1 / s0) - 1 / (2 * s0**2) + (s0**2 + (d["mu1"] - d["mu0"]) ** 2) / (2 * s1**2)


def _kl_reversed(d):
    return _kl_closed(d["mu1"], d["sigma1"], d["mu0"], d["sigma0"])


def _kl_variance(d):
    return _kl_closed(d["mu0"], d["sigma0"] ** 2, d["mu1"], d["sigma1"] ** 2)


def _reparam_variance_data() -> dict:
    # f(z) = z², Q = N(m, s²): per-sample estimators of d/dm E_Q[f]
    return {"m": 1.0, "s": 0.5}


def _estimator_variances(m, s) -> np.ndarray:
    def pdf(z):
        return math.exp(_log_normal(z, m, s))

    def var(g):
        mean = _quad(lambda z: pdf(z) * g(z))
        return _quad(lambda z: pdf(z) * (g(z) - mean) ** 2)

    return np.array([var(lambda z: 2 * z), var(lambda z: z**2 * (z - m) / s**2)])


def _reparam_variance_answer() -> np.ndarray:
    """[variance of the reparameterization estimate 2z, of the score estimate z²(z-m)/s²], by quadrature."""
    d = _reparam_variance_data()
    return _estimator_variances(d["m"], d["s"])


def _reparam_variance_std(d):
    return np.sqrt(_estimator_variances(d["m"], d["s"]))


def _reparam_variance_of_z(d):
    v = _estimator_variances(d["m"], d["s"])
    return np.array([v[0] / 4, v[1]])


def _gaussian_kl_data() -> dict:
    g = np.random.default_rng(5)
    return {"mu0": g.normal(size=6), "s0": g.uniform(0.2, 2.0, 6), "mu1": g.normal(size=6),
            "s1": g.uniform(0.2, 2.0, 6)}


def _gaussian_kl_reference(mu0, sigma0, mu1, sigma1):
    from ..vae import gaussian_kl

    return gaussian_kl(mu0, sigma0, mu1, sigma1)


def _gaussian_kl_cases(d) -> list:
    return [
        Case("an encoder output against the prior, KL(N(1, 0.5²) ‖ N(0, 1))", (1.0, 0.5, 0.0, 1.0)),
        Case("two identical Gaussians with σ = 0.5 (the KL is 0)", (0.3, 0.5, 0.3, 0.5)),
        Case("six random pairs, as arrays", (d["mu0"], d["s0"], d["mu1"], d["s1"])),
        Case("the same means, different widths", (0.0, 2.0, 0.0, 0.5)),
        Case("a whole latent vector against N(0, 1) (arrays and numbers mixed)",
             (d["mu0"], d["s0"], 0.0, 1.0)),
    ]


def _gaussian_kl_notes_fn(d):
    def kl(mu0, sigma0, mu1, sigma1):
        mu0, sigma0, mu1, sigma1 = (np.asarray(v, dtype=float) for v in (mu0, sigma0, mu1, sigma1))
        return (np.log(sigma1 / sigma0) - 1 / (2 * sigma0**2)
                + (sigma0**2 + (mu1 - mu0) ** 2) / (2 * sigma1**2))

    return kl


def _gaussian_kl_reversed_fn(d):
    return lambda mu0, sigma0, mu1, sigma1: _gaussian_kl_reference(mu1, sigma1, mu0, sigma0)


def _gaussian_kl_variance_fn(d):
    def kl(mu0, sigma0, mu1, sigma1):
        mu0, sigma0, mu1, sigma1 = (np.asarray(v, dtype=float) for v in (mu0, sigma0, mu1, sigma1))
        return np.log(sigma1 / sigma0) + (sigma0 + (mu0 - mu1) ** 2) / (2 * sigma1) - 0.5

    return kl


def _bernoulli_data() -> dict:
    return {"x": np.array([1.0, 0.0, 0.5]), "p": np.array([0.9, 0.2, 0.5])}


def _bernoulli_answer() -> float:
    """log P(x | p) = minus torch's binary cross-entropy, summed over the pixels."""
    import torch

    d = _bernoulli_data()
    p, x = torch.tensor(d["p"]), torch.tensor(d["x"])
    bce = torch.nn.functional.binary_cross_entropy(p, x, reduction="sum")
    return -float(bce)


def _bernoulli_terms(x, p, *, second=True, log=np.log):
    return float(np.sum(x * log(p) + ((1 - x) * log(1 - p) if second else 0.0)))


def _bernoulli_no_second(d):
    return _bernoulli_terms(d["x"], d["p"], second=False)


def _bernoulli_log10(d):
    return _bernoulli_terms(d["x"], d["p"], log=np.log10)


def _bernoulli_code_data() -> dict:
    g = np.random.default_rng(9)
    return {"x": g.uniform(size=(4, 6)), "p": g.uniform(0.05, 0.95, size=(4, 6)),
            "binary": (g.uniform(size=(3, 5)) < 0.5).astype(float)}


def _bernoulli_reference(x, p):
    """log P(x | p) per row: minus torch's binary cross-entropy, summed over the pixels."""
    import torch

    bce = torch.nn.functional.binary_cross_entropy(torch.as_tensor(np.asarray(p, dtype=float)),
                                                   torch.as_tensor(np.asarray(x, dtype=float)),
                                                   reduction="none")
    return -bce.sum(-1).numpy()


def _bernoulli_cases(d) -> list:
    return [
        Case("four images of six grey levels", (d["x"], d["p"])),
        Case("three binary images, p = ½ everywhere (each pixel adds log ½)",
             (d["binary"], np.full_like(d["binary"], 0.5))),
        Case("one image, shape (1, 3): x = (1, 0, ½), p = (0.9, 0.2, ½)",
             (_bernoulli_data()["x"][None], _bernoulli_data()["p"][None])),
    ]


def _bernoulli_bce_fn(d):
    return lambda x, p: -_bernoulli_reference(x, p)


def _bernoulli_mean_fn(d):
    return lambda x, p: _bernoulli_reference(x, p) / np.shape(x)[-1]


def _bernoulli_no_second_fn(d):
    return lambda x, p: np.sum(np.asarray(x) * np.log(np.asarray(p, dtype=float)), axis=-1)


def _vae_model_data() -> dict:
    # the conjugate model of the chapter's ELBO figure
    return {"x": np.array([0.8, 1.9, 1.2, 0.4, 1.5]), "prior_mean": -0.5, "prior_std": 2.0, "noise_std": 0.7}


def _log_joint(d, z: float) -> float:
    """log P(z) + Σᵢ log P(xᵢ | z), from the two Gaussian densities (no conjugate formula)."""
    x = np.asarray(d["x"], dtype=float)
    return float(_log_normal(z, d["prior_mean"], d["prior_std"]) + _log_normal(x, z, d["noise_std"]).sum())


def _posterior_by_quadrature(d) -> tuple[float, float]:
    """Mean and standard deviation of P(z | x) ∝ P(z) Π P(xᵢ | z), by normalising numerically."""
    centre = float(np.mean(d["x"]))
    offset = _log_joint(d, centre)  # keeps the integrand near 1

    def unnormalised(z):
        return math.exp(_log_joint(d, z) - offset)

    lo, hi = centre - 20, centre + 20
    mass = _quad(unnormalised, lo, hi)
    mean = _quad(lambda z: z * unnormalised(z), lo, hi) / mass
    var = _quad(lambda z: (z - mean) ** 2 * unnormalised(z), lo, hi) / mass
    return mean, math.sqrt(var)


def _gap(d, m, s) -> float:
    """log P(x) - ELBO(N(m, s²)): the evidence from scipy's multivariate normal, the ELBO by quadrature."""
    from scipy.stats import multivariate_normal

    x = np.asarray(d["x"], dtype=float)
    n = x.size
    cov = d["noise_std"] ** 2 * np.eye(n) + d["prior_std"] ** 2 * np.ones((n, n))
    log_evidence = multivariate_normal(np.full(n, d["prior_mean"]), cov).logpdf(x)

    def integrand(z):
        log_q = _log_normal(z, m, s)
        return math.exp(log_q) * (_log_joint(d, z) - log_q)

    return float(log_evidence - _quad(integrand, m - 12 * s, m + 12 * s))


def _shift_answer() -> float:
    """The gap when Q = N(posterior mean + posterior std, posterior std²)."""
    d = _vae_model_data()
    mean, std = _posterior_by_quadrature(d)
    return _gap(d, mean + std, std)


def _shift_by_variance(d):
    _, std = _posterior_by_quadrature(d)
    return std**2 / 2  # a shift of one variance: d²/(2 sd²) with d = sd²


def _shift_no_half(d):
    return 2 * _shift_answer()


# === Variational inference ==========================================================================


def _gap_data() -> dict:
    # z ~ N(0, 1), xᵢ | z ~ N(z, 1), three observations; Q = N(0.5, 0.8²)
    return {
        "x": np.array([0.3, 1.1, 0.7]),
        "prior_mean": 0.0,
        "prior_std": 1.0,
        "noise_std": 1.0,
        "m": 0.5,
        "s": 0.8,
    }


def _gap_answer() -> float:
    """log P(x) - ELBO(Q), with the evidence from scipy and the ELBO by quadrature."""
    d = _gap_data()
    return _gap(d, d["m"], d["s"])


def _gap_kl_to_prior(d):
    # the notes' reasoning: the gap taken as KL(q ‖ prior)
    return _kl_closed(d["m"], d["s"], d["prior_mean"], d["prior_std"])


def _gap_reversed(d):
    mean, std = _posterior_by_quadrature(d)
    return _kl_closed(mean, std, d["m"], d["s"])


def _posterior_data() -> dict:
    return {"x": np.array([2.0, 3.0, 1.0, 2.0]), "prior_mean": 1.0, "prior_std": 2.0, "noise_std": 1.0}


def _posterior_answer() -> np.ndarray:
    """[posterior mean, posterior standard deviation], by numerical normalisation (quadrature)."""
    return np.array(_posterior_by_quadrature(_posterior_data()))


def _posterior_variance(d):
    mean, std = _posterior_by_quadrature(d)
    return np.array([mean, std**2])


def _posterior_no_prior(d):
    x = d["x"]
    return np.array([x.mean(), d["noise_std"] / math.sqrt(x.size)])


def _posterior_std_as_variance(d):
    # precision 1/s₀ instead of 1/s₀²
    prec = 1 / d["prior_std"] + d["x"].size / d["noise_std"] ** 2
    return np.array([(d["prior_mean"] / d["prior_std"] + d["x"].sum() / d["noise_std"] ** 2) / prec,
                     math.sqrt(1 / prec)])


def _elbo_code_data() -> dict:
    return {"x": np.array([0.8, 1.9, 1.2, 0.4, 1.5]), "x1": np.array([2.0])}


def _elbo_reference(m, s, x, prior_mean, prior_std, noise_std):
    from ..vi import NormalMeanModel

    return float(NormalMeanModel(np.asarray(x, dtype=float), prior_mean, prior_std, noise_std).elbo(m, s))


def _elbo_cases(d) -> list:
    from ..vi import NormalMeanModel

    post = NormalMeanModel(d["x"], -0.5, 2.0, 0.7).posterior()
    return [
        Case("q = N(0.6, 0.4²) on the chapter's five observations", (0.6, 0.4, d["x"], -0.5, 2.0, 0.7)),
        Case("q = the exact posterior (the ELBO is log P(x))", (*post, d["x"], -0.5, 2.0, 0.7)),
        Case("one observation, a wide q", (0.0, 3.0, d["x1"], 0.0, 1.0, 1.0)),
        Case("a narrow q far from the data", (-2.0, 0.05, d["x"], 0.0, 1.0, 0.5)),
    ]


def _elbo_parts(m, s, x, m0, s0, sigma, *, spread=True, reverse=False, constant=True):
    x = np.asarray(x, dtype=float)
    sq = np.sum((x - m) ** 2) + (x.size * s**2 if spread else 0.0)
    recon = -sq / (2 * sigma**2) - (0.5 * x.size * math.log(2 * math.pi * sigma**2) if constant else 0.0)
    kl = _kl_closed(m0, s0, m, s) if reverse else _kl_closed(m, s, m0, s0)
    return float(recon - kl)


def _elbo_no_spread(d):
    return lambda m, s, x, m0, s0, sigma: _elbo_parts(m, s, x, m0, s0, sigma, spread=False)


def _elbo_reversed_kl(d):
    return lambda m, s, x, m0, s0, sigma: _elbo_parts(m, s, x, m0, s0, sigma, reverse=True)


def _elbo_no_constant(d):
    return lambda m, s, x, m0, s0, sigma: _elbo_parts(m, s, x, m0, s0, sigma, constant=False)


def _em_data() -> dict:
    return {"x": np.array([0.8, 1.9, 1.2, 0.4, 1.5])}


def _em_reference(x, prior_mean, prior_std, noise_std):
    from ..vi import NormalMeanModel, em_prior_mean

    model = NormalMeanModel(np.asarray(x, dtype=float), prior_mean, prior_std, noise_std)
    return float(em_prior_mean(model, n_iter=1).prior_means[1])


def _em_cases(d) -> list:
    return [
        Case("the chapter's five observations, m₀ = −0.5, s₀ = 2, σ = 0.7", (d["x"], -0.5, 2.0, 0.7)),
        Case("one observation x = 2, m₀ = 0, s₀ = σ = 1 (half way)", (np.array([2.0]), 0.0, 1.0, 1.0)),
        Case("a narrow prior, s₀ = 0.01: m₀ hardly moves", (d["x"], 3.0, 0.01, 1.0)),
        Case("a prior mean already at the sample mean (a fixed point)",
             (d["x"], float(d["x"].mean()), 1.0, 1.0)),
    ]


def _em_sample_mean(d):
    return lambda x, m0, s0, sigma: float(np.mean(x))


def _em_posterior_std(d):
    return lambda x, m0, s0, sigma: float(1 / math.sqrt(1 / s0**2 + len(x) / sigma**2))


def _em_std_weights(d):
    def step(x, m0, s0, sigma):
        prec = 1 / s0 + len(x) / sigma
        return float((m0 / s0 + np.sum(x) / sigma) / prec)

    return step


def _vi_model_data() -> dict:
    # the conjugate model of the chapter Variational inference (twelve observations, seed 42)
    x = 1.0 + 0.8 * np.random.default_rng(42).standard_normal(12)
    return {"x": x, "prior_mean": -1.0, "prior_std": 1.5, "noise_std": 0.8, "factor": 2.0}


def _wide_answer() -> float:
    """The gap at q = N(posterior mean, (2 × posterior std)²), by quadrature."""
    d = _vi_model_data()
    mean, std = _posterior_by_quadrature(d)
    return _gap(d, mean, d["factor"] * std)


def _wide_reversed(d):
    return _kl_closed(0.0, 1.0, 0.0, d["factor"])


def _wide_variance(d):
    return _kl_closed(0.0, math.sqrt(d["factor"]), 0.0, 1.0)


def _bimodal_data() -> dict:
    return {"modes": (-2.0, 2.0), "width": 0.5, "q_mean": 2.0, "q_std": 0.5}


class _Mixture:
    def __init__(self, d):
        self.parts = [_Normal(m, d["width"]) for m in d["modes"]]

    def logpdf(self, x):
        return float(np.logaddexp(*[p.logpdf(x) for p in self.parts]) + math.log(0.5))


def _bimodal_answer() -> float:
    """KL(q ‖ p) for q one Gaussian on a mode and p the two-mode mixture, by quadrature."""
    d = _bimodal_data()
    return _kl_quad(_Normal(d["q_mean"], d["q_std"]), _Mixture(d), -8, 8)


def _bimodal_one_mode(d):
    return 0.0  # q compared with the mode it sits on, as if that mode were all of p


def _bimodal_forward(d):
    return _kl_quad(_Mixture(d), _Normal(d["q_mean"], d["q_std"]), -8, 8)


EXERCISES = [
    # --- Autoencoders ---
    Exercise(
        "gen-linear-ae-best-loss", _pca_loss_data, _pca_loss_answer, sig(3),
        mistakes=(
            Mistake("you used the covariance with n − 1 in the denominator; the loss is a mean over "
                    "the n points, so the covariance divides by n", _pca_loss_ddof),
            Mistake("that is the variance the code keeps (the largest eigenvalue); the loss is the "
                    "variance it leaves out", _pca_loss_kept),
        ),
        expects="one number",
    ),
    Exercise(
        "gen-ae-bias-by-hand", _bias_data, _bias_answer, sig(3),
        mistakes=(
            Mistake("you divided by n − 1; the loss is a mean over the n points", _bias_ddof),
            Mistake("those are the variances the best lines keep (the larger eigenvalues); the loss "
                    "is what they leave out", _bias_kept),
            Mistake("without biases the line must pass through the origin: use the uncentred "
                    "second-moment matrix for the second entry, not the covariance", _bias_both_centred),
        ),
        expects="a vector of two numbers, [with biases, without biases]",
    ),
    Exercise(
        "gen-ae-loss-from-covariance", _covariance_data, _covariance_answer, sig(3),
        mistakes=(
            Mistake("that is the variance the best code keeps (the largest eigenvalue); the loss is "
                    "what it leaves out", _covariance_kept),
            Mistake("the diagonal entries are the variances along the axes, not the eigenvalues: the "
                    "off-diagonal entries couple the first two coordinates, so find the eigenvalues "
                    "of that block", _covariance_diagonal),
            Mistake("a code of one number keeps one direction and leaves out the other two; you "
                    "counted only the smallest eigenvalue", _covariance_smallest_only),
        ),
        expects="one number",
    ),
    FunctionExercise(
        "gen-ae-principal-angles-code", _angles_data, _angles_reference, _angles_cases, decimals(6),
        mistakes=(
            Mistake("the columns must be made orthonormal first (QR): the singular values of AᵀB "
                    "are cosines only for orthonormal bases", _angles_no_qr),
            Mistake("you return the cosines of the angles; take their arccos", _angles_cosines),
            Mistake("you return degrees; the exercise asks for radians", _angles_degrees),
        ),
        expects="a function principal_angles(A, B) returning the angles in radians, ascending, "
                "as an array of shape (min(k, l),)",
    ),
    FunctionExercise(
        "gen-ae-best-loss-code", _best_loss_data, _best_loss_reference, _best_loss_cases, relative(1e-8),
        mistakes=(
            Mistake("you divide by n − 1; the loss is a mean over the n examples", _best_loss_fn(ddof=1)),
            Mistake("you return the variance the code keeps; the loss is the variance it leaves out",
                    _best_loss_fn(keep=True)),
            Mistake("the data must be centred first: with biases the best subspace passes through "
                    "the mean, not the origin", _best_loss_fn(centre=False)),
        ),
        expects="a function best_loss(X, k) returning one number",
    ),
    Exercise(
        "gen-ae-components-needed", _components_data, _components_answer, exact(),
        mistakes=(
            Mistake("you did not centre the digits: with biases the code only has to describe the "
                    "variation around the mean image", _components_uncentred),
            Mistake("that code keeps a tenth of the variance; the exercise asks for the code that "
                    "leaves out at most a tenth", _components_kept),
        ),
        expects="a whole number of components",
    ),
    Exercise(
        "gen-ae-mean-direction", _mean_direction_data, _mean_direction_answer, decimals(2),
        mistakes=(
            Mistake("that is the first principal component of the centred digits; the exercise asks "
                    "for the top eigenvector of the uncentred second-moment matrix", _mean_direction_centred),
        ),
        expects="one number between 0 and 1",
    ),
    # --- Latent variables ---
    Exercise(
        "gen-ring-mean-radius", _ring_data, _ring_answer, sig(3),
        mistakes=(
            Mistake("you used E‖z‖ = σ; the length of a 2-D Gaussian vector is Rayleigh-distributed, "
                    "and its mean is larger than σ", _ring_sigma),
            Mistake("you used the root-mean-square length √(E‖z‖²) instead of the mean length E‖z‖",
                    _ring_rms),
            Mistake("you used E‖z‖² in place of E‖z‖", _ring_square),
        ),
        expects="one number",
    ),
    Exercise(
        "gen-quarters", _quarters_data, _quarters_answer, decimals(2),
        mistakes=(
            Mistake("you used the density φ, not the distribution function Φ: φ(z) never exceeds "
                    "its peak, so every point lands in one corner", _quarters_pdf),
            Mistake("Φ must be applied to both coordinates; the second one is still a normal number",
                    _quarters_one_coordinate),
        ),
        expects="a 2×2 array of probabilities",
    ),
    FunctionExercise(
        "gen-ring-code", _ring_code_data, _ring_reference, _ring_code_cases, relative(1e-9),
        mistakes=(
            Mistake("the norm is taken over the wrong axis: each row (point) needs its own length, "
                    "np.linalg.norm(z, axis=1, keepdims=True)", _ring_wrong_axis),
            Mistake("you divide by the squared length; z/‖z‖ divides by the length itself",
                    _ring_squared_norm),
            Mistake("you multiply z by α; the formula shrinks it, z/α", _ring_times_alpha),
        ),
        expects="a function ring(z, alpha) returning an array of the shape of z",
    ),
    FunctionExercise(
        "gen-log-evidence-code", _log_evidence_data, _log_evidence_reference, _log_evidence_cases,
        relative(1e-9),
        mistakes=(
            Mistake("you averaged the log-likelihoods: the estimate is the log of the average "
                    "likelihood, and the two differ (Jensen's inequality)", _log_evidence_mean_of_logs),
            Mistake("the log-sum-exp must be divided by the number of draws (subtract log S)",
                    _log_evidence_no_division),
            Mistake("exp of very negative log-likelihoods underflows to 0: factor out the largest "
                    "one first (the log-sum-exp trick)", _log_evidence_naive),
        ),
        expects="a function log_evidence(log_lik) returning one number",
    ),
    Exercise(
        "gen-ess-by-hand", _ess_data, _ess_answer, sig(3),
        mistakes=(
            Mistake("that counts the draws with a non-zero weight; unequal weights make the "
                    "effective number smaller", _ess_nonzero),
            Mistake("that is Σw / max w, not (Σw)² / Σw²", _ess_sum_over_max),
            Mistake("you used means instead of sums: (mean w)² / mean(w²) is the effective "
                    "*fraction* of the draws", _ess_mean_square),
        ),
        expects="one number",
    ),
    Exercise(
        "gen-ring-thickness", _ring_data, _thickness_answer, sig(3),
        mistakes=(
            Mistake("that is the variance of the radius; the thickness asked for is its standard "
                    "deviation", _thickness_variance),
            Mistake("you took the spread of ‖z‖ to be σ; the Rayleigh length varies less than that",
                    _thickness_sigma),
            Mistake("the radius is ‖z‖/α + 1: the spread of ‖z‖ is shrunk by α", _thickness_no_alpha),
        ),
        expects="one number",
    ),
    # --- Variational autoencoders ---
    Exercise(
        "gen-kl-encoder-prior", _kl_data, _kl_answer, sig(3),
        mistakes=(
            Mistake("that is what the notes' formula gives, with the constant −1/(2σ₀²) where −½ "
                    "belongs (a negative value, impossible for a KL divergence)", _kl_notes),
            Mistake("that is KL(prior ‖ Q), the divergence the other way round; the VAE's regulariser "
                    "is KL(Q ‖ prior)", _kl_reversed),
            Mistake("you put the variances where the formula has the standard deviations",
                    _kl_variance),
        ),
        expects="one number",
    ),
    Exercise(
        "gen-reparam-variance", _reparam_variance_data, _reparam_variance_answer, sig(3),
        mistakes=(
            Mistake("those are standard deviations; the exercise asks for variances",
                    _reparam_variance_std),
            Mistake("the first entry is the variance of z; the reparameterization estimate is 2z",
                    _reparam_variance_of_z),
        ),
        expects="a vector of two numbers, [reparameterization, score function]",
    ),
    FunctionExercise(
        "gen-gaussian-kl-code", _gaussian_kl_data, _gaussian_kl_reference, _gaussian_kl_cases,
        relative(1e-9),
        mistakes=(
            Mistake("that is the notes' formula, with −1/(2σ₀²) where the constant −½ belongs",
                    _gaussian_kl_notes_fn),
            Mistake("the arguments are the wrong way round: you compute KL(p ‖ q)", _gaussian_kl_reversed_fn),
            Mistake("sigma0 and sigma1 are standard deviations; you used them as variances",
                    _gaussian_kl_variance_fn),
        ),
        expects="a function gaussian_kl(mu0, sigma0, mu1, sigma1) that works elementwise on numbers "
                "and arrays",
    ),
    Exercise(
        "gen-bernoulli-by-hand", _bernoulli_data, _bernoulli_answer, sig(3),
        mistakes=(
            Mistake("the term (1 − x) log(1 − p) is missing: a pixel that is off (or half off) "
                    "also carries information", _bernoulli_no_second),
            Mistake("you used base-10 logarithms; the book measures in nats (natural logs)",
                    _bernoulli_log10),
        ),
        expects="one number",
    ),
    FunctionExercise(
        "gen-bernoulli-code", _bernoulli_code_data, _bernoulli_reference, _bernoulli_cases, relative(1e-9),
        mistakes=(
            Mistake("you return the binary cross-entropy, which is minus the log-likelihood",
                    _bernoulli_bce_fn),
            Mistake("you average over the pixels; the log-likelihood of an image is a sum over them",
                    _bernoulli_mean_fn),
            Mistake("the term (1 − x) log(1 − p) is missing", _bernoulli_no_second_fn),
        ),
        expects="a function log_likelihood(x, p) returning one number per row, shape (n,)",
    ),
    Exercise(
        "gen-gap-shifted-mean", _vae_model_data, _shift_answer, sig(3),
        mistakes=(
            Mistake("you moved Q's mean by one posterior variance, not one posterior standard "
                    "deviation", _shift_by_variance),
            Mistake("the KL between two Gaussians of equal width is the squared distance over "
                    "*twice* the variance", _shift_no_half),
        ),
        expects="one number (in nats)",
    ),
    # --- Variational inference ---
    Exercise(
        "gen-elbo-gap", _gap_data, _gap_answer, sig(3),
        mistakes=(
            Mistake("that is KL(Q ‖ prior), the divergence the notes' argument uses; the gap is the "
                    "divergence to the posterior", _gap_kl_to_prior),
            Mistake("that is KL(posterior ‖ Q): the gap is KL(Q ‖ posterior), with Q first",
                    _gap_reversed),
        ),
        expects="one number",
    ),
    Exercise(
        "gen-posterior-by-hand", _posterior_data, _posterior_answer, sig(3),
        mistakes=(
            Mistake("the second entry is the posterior variance; the exercise asks for its standard "
                    "deviation", _posterior_variance),
            Mistake("you left out the prior: that is the maximum-likelihood answer", _posterior_no_prior),
            Mistake("precisions are reciprocal *variances*: you divided by s₀ and σ instead of s₀² "
                    "and σ²", _posterior_std_as_variance),
        ),
        expects="a vector of two numbers, [posterior mean, posterior standard deviation]",
    ),
    FunctionExercise(
        "gen-elbo-code", _elbo_code_data, _elbo_reference, _elbo_cases, relative(1e-9),
        mistakes=(
            Mistake("E_Q[(xᵢ − z)²] is (xᵢ − m)² + s², not (xᵢ − m)²: the spread of Q is missing",
                    _elbo_no_spread),
            Mistake("the KL term is the wrong way round: the ELBO subtracts KL(Q ‖ prior)",
                    _elbo_reversed_kl),
            Mistake("the constant −½ log(2πσ²) of each observation's log density is missing",
                    _elbo_no_constant),
        ),
        expects="a function elbo(m, s, x, prior_mean, prior_std, noise_std) returning one number",
    ),
    FunctionExercise(
        "gen-em-step-code", _em_data, _em_reference, _em_cases, relative(1e-9),
        mistakes=(
            Mistake("you jumped to the sample mean, where EM ends up; one step moves m₀ to the "
                    "posterior mean under the current prior", _em_sample_mean),
            Mistake("you return the posterior's standard deviation; the M step sets m₀ to the "
                    "posterior's mean", _em_posterior_std),
            Mistake("precisions are reciprocal variances: weight by 1/s₀² and n/σ², not 1/s₀ and n/σ",
                    _em_std_weights),
        ),
        expects="a function em_step(x, prior_mean, prior_std, noise_std) returning the new prior mean",
    ),
    Exercise(
        "gen-gap-wide-q", _vi_model_data, _wide_answer, sig(3),
        mistakes=(
            Mistake("that is KL(posterior ‖ Q), the divergence the other way round", _wide_reversed),
            Mistake("you doubled the variance of Q; the exercise doubles its standard deviation",
                    _wide_variance),
        ),
        expects="one number (in nats)",
    ),
    Exercise(
        "gen-bimodal-kl", _bimodal_data, _bimodal_answer, sig(3),
        mistakes=(
            Mistake("you compared Q with the mode it sits on as if that mode were all of P; each "
                    "mode of the mixture holds only half of the mass", _bimodal_one_mode),
            Mistake("that is KL(P ‖ Q), the forward divergence; variational inference minimises "
                    "KL(Q ‖ P)", _bimodal_forward),
        ),
        expects="one number (in nats)",
    ),
]
