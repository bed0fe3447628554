"""Backward error analysis of gradient descent and SGD: the modified losses they follow, and flat minima.

Gradient descent ωₖ₊₁ = ωₖ - η∇C(ωₖ) is Euler's method for the gradient flow ω̇ = -∇C(ω); its
iterates drift off that flow by O(η) over a fixed time, but follow, to O(η²), the flow of the
modified loss C̃_GD = C + (η/4)‖∇C‖² (Smith et al., 2021, who write the learning rate ε). With m
minibatches visited in a random order each epoch, the mean iterate after one epoch follows, to
O(m³η³), the flow of C̃_SGD = C + (η/4m) Σₖ ‖∇Ĉₖ‖², whose expectation over batches of size B out
of N adds the term (N - B)/(N - 1) · η/(4B) · Γ with Γ the trace of the per-example gradient covariance.

Defined in the chapter *The implicit regularization of SGD* (Part 6).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

import numpy as np

from .._validate import as_float_array, as_vector, check_callable, check_int, check_positive, check_rng

__all__ = [
    "gradient_flow",
    "minibatch_gradient_norm",
    "modified_gradient_gd",
    "modified_gradient_sgd",
    "sgd_two_basins",
    "shuffled_epoch_mean",
    "two_basin_loss",
]


def gradient_flow(grad: Callable[[np.ndarray], np.ndarray], w0, times, *, rtol: float = 1e-12,
                  atol: float = 1e-14) -> np.ndarray:
    """Solve ω̇ = -grad(ω) from ω(0) = w0 with a high-order integrator (scipy's DOP853).

    Parameters
    ----------
    grad : callable
        ω ↦ the gradient of the loss whose flow is followed (C, or a modified loss).
    w0 : array of shape (d,)
    times : array of shape (n_times,)
        Increasing times ≥ 0 at which ω(t) is returned.
    rtol, atol : float
        Tolerances of the integrator; the defaults make its error negligible next to η³.

    Returns
    -------
    array of shape (n_times, d)
    """
    from scipy.integrate import solve_ivp

    check_callable(grad, "grad", "a function w -> gradient")
    w0 = as_vector(w0, "w0")
    times = as_float_array(times, "times", ndim=1)
    if np.any(np.diff(times) <= 0) or times[0] < 0:
        raise ValueError(f"times must be non-negative and strictly increasing; got {times}")
    rtol = check_positive(rtol, "rtol")
    atol = check_positive(atol, "atol")
    g0 = np.shape(grad(w0))
    if g0 != w0.shape:
        raise ValueError(f"grad must return an array of the shape of w0, {w0.shape}; got shape {g0}")
    if times[-1] == 0:  # nothing to integrate: the flow has not moved
        return np.tile(w0, (times.shape[0], 1))
    sol = solve_ivp(lambda t, w: -grad(w), (0.0, float(times[-1])), w0, method="DOP853",
                    t_eval=times, rtol=rtol, atol=atol)
    if not sol.success:  # pragma: no cover - the book's problems are smooth
        raise RuntimeError(f"the gradient flow integration failed: {sol.message}")
    return sol.y.T


def _check_functions(functions, name: str) -> Sequence[Callable]:
    """A list or tuple of functions (one per minibatch)."""
    if not isinstance(functions, (list, tuple)):
        raise TypeError(f"{name} must be a list of functions, one per minibatch; "
                        f"got {type(functions).__name__}")
    for k, f in enumerate(functions):
        check_callable(f, f"{name}[{k}]")
    return functions


def modified_gradient_gd(grad: Callable, hessian: Callable, lr: float) -> Callable[[np.ndarray], np.ndarray]:
    """∇C̃_GD = ∇C + (η/2) ∇²C ∇C, the gradient of C + (η/4)‖∇C‖².

    Parameters
    ----------
    grad, hessian : callables
        ω ↦ ∇C(ω) of shape (d,), and ω ↦ ∇²C(ω) of shape (d, d).
    lr : float
        The learning rate η of the gradient descent being modelled.
    """
    check_callable(grad, "grad", "a function w -> gradient")
    check_callable(hessian, "hessian", "a function w -> Hessian matrix")
    lr = check_positive(lr, "lr")

    def modified(w):
        g = grad(w)
        return g + 0.5 * lr * hessian(w) @ g

    return modified


def modified_gradient_sgd(batch_grads: Sequence[Callable], batch_hessians: Sequence[Callable],
                          lr: float) -> Callable[[np.ndarray], np.ndarray]:
    """∇C̃_SGD = ∇C + (η/2m) Σₖ ∇²Ĉₖ ∇Ĉₖ, the gradient of C + (η/4m) Σₖ ‖∇Ĉₖ‖².

    Parameters
    ----------
    batch_grads, batch_hessians : sequences of m callables
        The gradient and Hessian of each minibatch loss Ĉₖ; C = (1/m) Σₖ Ĉₖ.
    lr : float
        η, the learning rate (for the experiment with n inner steps per batch, pass the bare
        learning rate α = η/n: that is the coefficient the mean iterate follows).

    Notes
    -----
    The flow of this gradient for the time mη of one epoch matches the mean iterate of random
    shuffling to O(m³η³). Defined in the chapter *The implicit regularization of SGD*.
    """
    lr = check_positive(lr, "lr")
    m = len(_check_functions(batch_grads, "batch_grads"))
    if m == 0 or len(_check_functions(batch_hessians, "batch_hessians")) != m:
        raise ValueError(f"batch_grads and batch_hessians must be non-empty and of equal length; "
                         f"got {m} and {len(batch_hessians)}")

    def modified(w):
        gs = [g(w) for g in batch_grads]
        full = sum(gs) / m
        return full + lr / (2 * m) * sum(h(w) @ g for h, g in zip(batch_hessians, gs, strict=True))

    return modified


def shuffled_epoch_mean(batch_grads: Sequence[Callable], w0, lr: float, *,
                        inner_steps: int = 1) -> np.ndarray:
    """The mean, over all m! orders of the minibatches, of the iterate after one epoch of SGD.

    Each order visits every batch once. With ``inner_steps = n`` each visit takes n steps of the
    bare learning rate α = η/n on the same batch (Smith et al.'s experiment separating the
    discretization error from the stochasticity); n = 1 is ordinary random shuffling,
    ωⱼ₊₁ = ωⱼ - η∇Ĉ_(π(j))(ωⱼ). Exact enumeration, so m ≤ 7.

    Parameters
    ----------
    batch_grads : sequence of m callables
        ω ↦ ∇Ĉₖ(ω), one per minibatch.
    w0 : array of shape (d,)
    lr : float
        The effective learning rate η of one visit to a batch.
    inner_steps : int
        n, the number of steps of size η/n per visit.

    Returns
    -------
    array of shape (d,)
    """
    w0 = as_vector(w0, "w0")
    lr = check_positive(lr, "lr")
    n = check_int(inner_steps, "inner_steps", minimum=1)
    m = len(_check_functions(batch_grads, "batch_grads"))
    if not 1 <= m <= 7:
        raise ValueError(f"batch_grads must hold between 1 and 7 batches (m! orders are enumerated); got {m}")
    total = np.zeros_like(w0)
    for order in itertools.permutations(range(m)):
        w = w0.copy()
        for k in order:
            for _ in range(n):
                w = w - (lr / n) * batch_grads[k](w)
        total += w
    return total / math.factorial(m)


def minibatch_gradient_norm(per_example_grads, batch_size: int) -> tuple[float, float]:
    """E‖ĝ_B‖² over all batches of B distinct examples, exactly, and by the formula.

    Parameters
    ----------
    per_example_grads : array of shape (N, d)
        ∇Cᵢ(ω) for each example at one ω.
    batch_size : int
        B, 1 ≤ B ≤ N (N choose B batches are enumerated, so keep N small).

    Returns
    -------
    (enumerated, formula) : tuple of float
        The average of ‖(1/B) Σ_(i∈batch) ∇Cᵢ‖² over every batch, and
        ‖∇C‖² + (N - B)/((N - 1) B) · Γ with Γ = (1/N) Σᵢ ‖∇Cᵢ - ∇C‖².
    """
    G = as_float_array(per_example_grads, "per_example_grads", ndim=2)
    N = G.shape[0]
    B = check_int(batch_size, "batch_size", minimum=1)
    if B > N:
        raise ValueError(f"batch_size must be <= the number of examples {N} (the rows of per_example_grads); "
                         f"got {B}")
    if math.comb(N, B) > 200_000:
        raise ValueError(f"{math.comb(N, B)} batches are too many to enumerate; use fewer examples")
    idx = np.array(list(itertools.combinations(range(N), B)))
    enumerated = float(np.mean(np.sum(G[idx].mean(axis=1) ** 2, axis=1)))
    mean = G.mean(axis=0)
    gamma = float(np.mean(np.sum((G - mean) ** 2, axis=1)))
    factor = (N - B) / ((N - 1) * B) if N > 1 else 0.0
    return enumerated, float(mean @ mean) + factor * gamma


# --- flat and sharp minima ------------------------------------------------------------------------

#: (centre, curvature) of the two wells of :func:`two_basin_loss`
SHARP = (-0.5, 40.0)
FLAT = (1.0, 2.0)
SMOOTHING = 0.1


def two_basin_loss(w) -> tuple[np.ndarray, np.ndarray]:
    """A 1-D loss with a sharp and a flat well of equal depth, and its derivative (vectorised).

    C(w) = -T log(exp(-q_s(w)/T) + exp(-q_f(w)/T)), a smoothed minimum of the two parabolas
    q(w) = (λ/2)(w - c)² with ``SHARP`` (c = -0.5, λ = 40) and ``FLAT`` (c = 1, λ = 2), T = 0.1.
    Both minima have C ≈ -T log 1 = 0 up to exp(-q/T) corrections; near each, C is its parabola, so
    gradient descent is stable in a well exactly when η < 2/λ (0.05 for the sharp well, 1 for the
    flat one).

    Returns
    -------
    (C(w), C'(w)) : arrays of the shape of w
    """
    w = as_float_array(w, "w")
    qs = 0.5 * SHARP[1] * (w - SHARP[0]) ** 2
    qf = 0.5 * FLAT[1] * (w - FLAT[0]) ** 2
    low = np.minimum(qs, qf)
    es, ef = np.exp(-(qs - low) / SMOOTHING), np.exp(-(qf - low) / SMOOTHING)
    value = low - SMOOTHING * np.log(es + ef)
    slope = (es * SHARP[1] * (w - SHARP[0]) + ef * FLAT[1] * (w - FLAT[0])) / (es + ef)
    return value, slope


def sgd_two_basins(lr: float, batch_size: int, *, n_runs: int = 400, n_steps: int = 1500,
                   n_examples: int = 32, noise_scale: float = 1.0,
                   settle_steps: int = 300, rng: np.random.Generator | None = None) -> np.ndarray:
    """Final positions of many SGD runs on per-example versions of :func:`two_basin_loss`.

    Example i has the loss Cᵢ(w) = C(w) - ξᵢ w with fixed ξᵢ of mean zero and standard deviation
    ``noise_scale``, so the full-batch loss is C and a minibatch gradient is C'(w) - mean(ξ over
    the batch). Every step draws, for every run, a batch of B distinct examples (the noise of the
    batch mean then has variance (N - B)/((N - 1)B) Var(ξ), zero for B = N); the runs start
    uniformly on [-2.5, 3.5] and are simulated together. After the ``n_steps`` SGD steps, every run
    takes ``settle_steps`` full-batch steps with η = 0.01 (stable in both wells), so that its final
    position is the bottom of the basin the noisy run was in at the end.

    Returns
    -------
    array of shape (n_runs,)
        The final w of every run.
    """
    lr = check_positive(lr, "lr")
    B = check_int(batch_size, "batch_size", minimum=1)
    n_runs = check_int(n_runs, "n_runs", minimum=1)
    n_steps = check_int(n_steps, "n_steps", minimum=0)
    settle_steps = check_int(settle_steps, "settle_steps", minimum=0)
    N = check_int(n_examples, "n_examples", minimum=2)
    if B > N:
        raise ValueError(f"batch_size must be <= n_examples = {N}; got {B}")
    noise_scale = check_positive(noise_scale, "noise_scale", allow_zero=True)
    rng = np.random.default_rng() if rng is None else check_rng(rng)
    xi = rng.normal(size=N)
    xi = noise_scale * (xi - xi.mean()) / xi.std()
    w = rng.uniform(-2.5, 3.5, size=n_runs)
    for _ in range(n_steps):
        if B == N:
            batch_noise = 0.0
        else:
            batch = rng.permuted(np.broadcast_to(np.arange(N), (n_runs, N)), axis=1)[:, :B]
            batch_noise = xi[batch].mean(axis=1)
        w = w - lr * (two_basin_loss(w)[1] - batch_noise)
        w = np.clip(w, -10.0, 10.0)  # a run flung out of the sharp well is caught by the flat parabola
    for _ in range(settle_steps):  # then let every run settle, without noise, into the basin it is in
        w = w - 0.01 * two_basin_loss(w)[1]
    return w


def basin_of(w) -> np.ndarray:
    """Label each position 'sharp' or 'flat' by the parabola that is lower there (the basin it is in)."""
    w = np.asarray(w, dtype=np.float64)
    qs = 0.5 * SHARP[1] * (w - SHARP[0]) ** 2
    qf = 0.5 * FLAT[1] * (w - FLAT[0]) ** 2
    return np.where(qs < qf, "sharp", "flat")
