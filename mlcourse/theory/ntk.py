"""The neural tangent kernel: empirical kernels from autograd, the infinite-width limit, lazy training.

For a network with scalar output f(x; θ), the neural tangent kernel (NTK) is the inner product of
parameter gradients, K(x, x') = ∇θ f(x; θ)ᵀ ∇θ f(x'; θ). Gradient flow on the squared loss moves the
outputs on the training set by df/dt = -η K (f - Y); when the network is wide, K hardly changes, and
the network behaves like its linearization around the initialization.

Layout convention: the Jacobian of the outputs on n inputs is a matrix of shape (n, P), one row per
input, one column per parameter (all parameters flattened in the order of ``model.parameters()``).

Defined in the chapter *The neural tangent kernel* (Part 6).
"""

from __future__ import annotations

import copy
import math
from typing import NamedTuple

import numpy as np
import torch
from torch.func import functional_call, jacrev

from .._validate import as_batch_tensor, as_float_array, as_matrix, as_vector, check_int, check_positive

__all__ = [
    "LinearizedModel",
    "LockstepResult",
    "TwoLayerReLU",
    "empirical_ntk",
    "flow_solution",
    "jacobian",
    "relu_ntk",
    "train_lockstep",
]


# --- the network the chapter studies --------------------------------------------------------


class TwoLayerReLU(torch.nn.Module):
    """A one-hidden-layer ReLU network in the NTK parameterization.

    f(x) = (1/√m) Σⱼ aⱼ relu(wⱼᵀx / √d), with every weight drawn from N(0, 1). The factors 1/√d and
    1/√m (instead of scaling the initial weights) keep the kernel of order one at every width, so
    that the infinite-width limit exists and a learning rate of order one works at every width.

    Parameters
    ----------
    in_features : int
        The input dimension d.
    width : int
        The number of hidden units m.
    generator : torch.Generator, optional
        The source of the initial weights.
    dtype : torch.dtype
        float64 by default (the chapter compares with formulas).

    Notes
    -----
    ``hidden.weight`` holds the wⱼ as rows, shape (m, d); ``output.weight`` holds the aⱼ, shape (1, m).
    Defined in the chapter *The neural tangent kernel*.
    """

    def __init__(self, in_features: int, width: int, *, generator: torch.Generator | None = None,
                 dtype: torch.dtype = torch.float64):
        super().__init__()
        self.in_features = check_int(in_features, "in_features", minimum=1)
        self.width = check_int(width, "width", minimum=1)
        if generator is not None and not isinstance(generator, torch.Generator):
            raise TypeError(f"generator must be a torch.Generator or None; got {type(generator).__name__}")
        if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
            raise TypeError(f"dtype must be a floating-point torch.dtype (torch.float64 or torch.float32); "
                            f"got {dtype!r}")
        self.hidden = torch.nn.Linear(in_features, width, bias=False, dtype=dtype)
        self.output = torch.nn.Linear(width, 1, bias=False, dtype=dtype)
        with torch.no_grad():
            self.hidden.weight.normal_(generator=generator)
            self.output.weight.normal_(generator=generator)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """f(x) for x of shape (n, in_features): the outputs, shape (n,)."""
        x = as_batch_tensor(x, "x", self.in_features, self.hidden.weight.dtype)
        h = torch.relu(self.hidden(x) / math.sqrt(self.in_features))
        return self.output(h).squeeze(-1) / math.sqrt(self.width)


# --- input handling -----------------------------------------------------------------------------


def _check_model(model) -> None:
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module; got {type(model).__name__}")
    if not any(p.requires_grad for p in model.parameters()):
        raise ValueError("model must have at least one trainable parameter")


def _as_inputs(X, name: str, model) -> torch.Tensor:
    dtype = next(model.parameters()).dtype
    if not isinstance(X, torch.Tensor):
        if not isinstance(X, (np.ndarray, list, tuple)):
            raise TypeError(f"{name} must be a tensor or array of shape (n_samples, n_features); "
                            f"got {type(X).__name__}")
        X = torch.as_tensor(as_float_array(X, name, allow_empty=True))
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"{name} must have shape (n_samples, n_features) with n_samples >= 1; "
                         f"got shape {tuple(X.shape)}")
    if X.is_complex() or not torch.isfinite(X).all():
        raise ValueError(f"{name} must be finite and real; it contains NaN, infinity or complex numbers")
    n_features = getattr(model, "in_features", None)
    if isinstance(n_features, int) and X.shape[1] != n_features:
        raise ValueError(f"{name} must have shape (n_samples, {n_features}) for the model's in_features; "
                         f"got shape {tuple(X.shape)}")
    return X.to(dtype)


def _scalar_outputs(out: torch.Tensor, n: int) -> torch.Tensor:
    if out.shape == (n,):
        return out
    if out.shape == (n, 1):
        return out[:, 0]
    raise ValueError(
        "model must have a scalar output per sample, i.e. output of shape (n,) or (n, 1); "
        f"got output of shape {tuple(out.shape)} for {n} inputs"
    )


def _params(model) -> dict[str, torch.Tensor]:
    return {k: v.detach() for k, v in model.named_parameters() if v.requires_grad}


def jacobian(model: torch.nn.Module, X) -> torch.Tensor:
    """The Jacobian of the model's outputs on X with respect to all its parameters.

    Parameters
    ----------
    model : torch.nn.Module
        A network with one scalar output per input.
    X : tensor or array of shape (n, d)

    Returns
    -------
    torch.Tensor of shape (n, P)
        Row i is ∇θ f(xᵢ; θ)ᵀ, the parameters flattened in the order of ``model.named_parameters()``.
    """
    _check_model(model)
    X = _as_inputs(X, "X", model)
    n = X.shape[0]
    params = _params(model)

    def outputs(p):
        return _scalar_outputs(functional_call(model, p, (X,)), n)

    jac = jacrev(outputs)(params)
    return torch.cat([jac[k].reshape(n, -1) for k in params], dim=1)


def empirical_ntk(model: torch.nn.Module, X1, X2=None) -> torch.Tensor:
    """The empirical neural tangent kernel K(x, x') = ∇θ f(x; θ)ᵀ ∇θ f(x'; θ) at the current θ.

    Parameters
    ----------
    model : torch.nn.Module
        A network with one scalar output per input (shape (n,) or (n, 1)).
    X1 : tensor or array of shape (n1, d)
    X2 : tensor or array of shape (n2, d), optional
        Defaults to X1 (then the kernel is the Gram matrix of the training set, symmetric PSD).

    Returns
    -------
    torch.Tensor of shape (n1, n2)

    Notes
    -----
    K = J₁ J₂ᵀ with Jᵢ = :func:`jacobian` (model, Xᵢ) of shape (nᵢ, P).
    Defined in the chapter *The neural tangent kernel*.
    """
    _check_model(model)
    X1 = _as_inputs(X1, "X1", model)
    if X2 is not None:
        X2 = _as_inputs(X2, "X2", model)
        if X2.shape[1] != X1.shape[1]:
            raise ValueError(f"X1 and X2 must have the same number of features; got {X1.shape[1]} "
                             f"and {X2.shape[1]}")
    J1 = jacobian(model, X1)
    J2 = J1 if X2 is None else jacobian(model, X2)
    return J1 @ J2.T


# --- the infinite-width limit ---------------------------------------------------------------------


def relu_ntk(X1, X2=None) -> np.ndarray:
    """The infinite-width NTK of :class:`TwoLayerReLU`, in closed form (arc-cosine kernels).

    Parameters
    ----------
    X1 : array of shape (n1, d)
    X2 : array of shape (n2, d), optional (defaults to X1)

    Returns
    -------
    array of shape (n1, n2)

    Notes
    -----
    With u = x/√d, u' = x'/√d and θ the angle between them, for w ~ N(0, I):

    E[relu(wᵀu) relu(wᵀu')] = ‖u‖‖u'‖ (sin θ + (π - θ) cos θ) / (2π)   (from the output weights a)
    E[1(wᵀu > 0) 1(wᵀu' > 0)] = (π - θ) / (2π)                          (from the hidden weights w)

    and K∞(x, x') = ‖u‖‖u'‖ (sin θ + (π - θ) cos θ)/(2π) + uᵀu' (π - θ)/(2π), the arc-cosine kernels
    of degree 1 and 0 of Cho and Saul. Defined in the chapter *The neural tangent kernel*.
    """
    A = as_matrix(X1, "X1")
    B = A if X2 is None else as_matrix(X2, "X2")
    if B.shape[1] != A.shape[1]:
        raise ValueError(f"X1 and X2 must have the same number of features; got {A.shape[1]} "
                         f"and {B.shape[1]}")
    d = A.shape[1]
    U, V = A / math.sqrt(d), B / math.sqrt(d)
    nu, nv = np.linalg.norm(U, axis=1), np.linalg.norm(V, axis=1)
    dot = U @ V.T
    norms = np.outer(nu, nv)
    # the angle as 2·atan2(‖û - v̂‖, ‖û + v̂‖): accurate even for nearly parallel inputs, where arccos of
    # the cosine loses half the digits
    Uh = U / np.where(nu > 0, nu, 1.0)[:, None]
    Vh = V / np.where(nv > 0, nv, 1.0)[:, None]
    theta = 2 * np.arctan2(np.linalg.norm(Uh[:, None, :] - Vh[None, :, :], axis=-1),
                           np.linalg.norm(Uh[:, None, :] + Vh[None, :, :], axis=-1))
    cos = np.cos(theta)
    k1 = norms * (np.sin(theta) + (np.pi - theta) * cos) / (2 * np.pi)
    k0 = (np.pi - theta) / (2 * np.pi)
    return k1 + dot * k0


def flow_solution(K, f0, y, lr: float, t) -> np.ndarray:
    """Outputs of kernel gradient flow at times t: f(t) = Y + exp(-ηKt) (f₀ - Y).

    Parameters
    ----------
    K : array of shape (n, n)
        A symmetric positive semi-definite kernel matrix on the training inputs.
    f0, y : arrays of shape (n,)
        The outputs at t = 0 and the targets.
    lr : float
        The learning rate η of the flow dθ/dt = -η ∇θ L with L = ½ ‖f - Y‖².
    t : float or array of shape (n_times,)

    Returns
    -------
    array of shape (n,) or (n_times, n)

    Notes
    -----
    The matrix exponential is taken through the eigendecomposition K = QΛQᵀ:
    exp(-ηKt) = Q diag(exp(-ηλᵢt)) Qᵀ. Defined in the chapter *The neural tangent kernel*.
    """
    K = as_matrix(K, "K", square=True)
    if not np.allclose(K, K.T, rtol=1e-10, atol=1e-12 * np.abs(K).max()):
        raise ValueError("K must be symmetric")
    f0 = as_vector(f0, "f0", size=K.shape[0], like="row of K")
    y = as_vector(y, "y", size=K.shape[0], like="row of K")
    lr = check_positive(lr, "lr")
    t = as_float_array(t, "t")
    if t.ndim > 1:
        raise ValueError(f"t must be a number or a vector of times; got shape {t.shape}")
    times = np.atleast_1d(t)
    lam, Q = np.linalg.eigh(K)
    decay = np.exp(-lr * np.outer(times, lam))            # (n_times, n)
    out = y + (decay * ((f0 - y) @ Q)) @ Q.T
    return out[0] if np.ndim(t) == 0 else out


# --- the linearized model and lazy training --------------------------------------------------------


class LinearizedModel:
    """The first-order Taylor expansion of a network around its parameters θ₀.

    f_lin(x; θ) = f(x; θ₀) + ∇θ f(x; θ₀)ᵀ (θ - θ₀): linear in θ, with the fixed features
    φ(x) = ∇θ f(x; θ₀), so training it is kernel regression with the NTK at θ₀.

    Parameters
    ----------
    model : torch.nn.Module
        The network; it is copied, so later training of ``model`` does not change θ₀.

    Attributes
    ----------
    delta : torch.Tensor of shape (P,)
        θ - θ₀, zero at construction.
    """

    def __init__(self, model: torch.nn.Module):
        _check_model(model)
        self.model0 = copy.deepcopy(model)
        n_params = sum(p.numel() for p in _params(self.model0).values())
        self.delta = torch.zeros(n_params, dtype=next(model.parameters()).dtype)

    def features(self, X) -> torch.Tensor:
        """φ(X) = ∇θ f(X; θ₀), shape (n, P)."""
        return jacobian(self.model0, X)

    def __call__(self, X, features: torch.Tensor | None = None) -> torch.Tensor:
        """f_lin(X) = f(X; θ₀) + φ(X) (θ - θ₀); pass precomputed ``features`` to save work."""
        X = _as_inputs(X, "X", self.model0)
        with torch.no_grad():
            f0 = _scalar_outputs(self.model0(X), X.shape[0])
        phi = self.features(X) if features is None else features
        return f0 + phi @ self.delta


class LockstepResult(NamedTuple):
    """A network and its linearization trained side by side.

    Attributes
    ----------
    steps : array of shape (n_records,)
        The step numbers at which the outputs were recorded.
    f_net, f_lin : arrays of shape (n_records, n)
        Outputs on the training inputs.
    f_net_test, f_lin_test : arrays of shape (n_records, n_test) or None
        Outputs on the test inputs.
    loss_net, loss_lin : arrays of shape (n_records,)
        ½ ‖f - Y‖² on the training set.
    K0, K_final : arrays of shape (n, n)
        The empirical NTK on the training inputs at the start and at the end.
    kernel_change : float
        ‖K_final - K0‖_F / ‖K0‖_F.
    weight_change : float
        ‖θ_final - θ₀‖ / ‖θ₀‖.
    diverged : bool
        True when the network's loss became non-finite.
    """

    steps: np.ndarray
    f_net: np.ndarray
    f_lin: np.ndarray
    f_net_test: np.ndarray | None
    f_lin_test: np.ndarray | None
    loss_net: np.ndarray
    loss_lin: np.ndarray
    K0: np.ndarray
    K_final: np.ndarray
    kernel_change: float
    weight_change: float
    diverged: bool


def train_lockstep(model: torch.nn.Module, X, y, *, lr: float, n_steps: int, X_test=None,
                   record_every: int = 1) -> LockstepResult:
    """Train a copy of ``model`` and its linearization with the same full-batch gradient descent.

    Both minimise L = ½ Σᵢ (f(xᵢ) - yᵢ)² with θ ← θ - η ∇θ L. For the network the gradient comes from
    autograd; for the linearization it is φ(X)ᵀ (f_lin - Y) with the frozen features φ = ∇θ f(X; θ₀),
    so its outputs follow f_lin ← f_lin - η K₀ (f_lin - Y) exactly.

    Parameters
    ----------
    model : torch.nn.Module
        A network with scalar output; it is copied, not changed.
    X : array of shape (n, d)
    y : array of shape (n,)
    lr : float
        The learning rate η.
    n_steps : int
    X_test : array of shape (n_test, d), optional
    record_every : int
        Record the outputs every this many steps (and at the last step).

    Returns
    -------
    LockstepResult

    Notes
    -----
    Defined in the chapter *The neural tangent kernel*.
    """
    _check_model(model)
    net = copy.deepcopy(model)
    X = _as_inputs(X, "X", net)
    n = X.shape[0]
    Y = torch.as_tensor(as_vector(y, "y", size=n, like="row of X")).to(X.dtype)
    lr = check_positive(lr, "lr")
    n_steps = check_int(n_steps, "n_steps", minimum=0)
    record_every = check_int(record_every, "record_every", minimum=1)
    if X_test is not None:
        X_test = _as_inputs(X_test, "X_test", net)
        if X_test.shape[1] != X.shape[1]:
            raise ValueError(f"X and X_test must have the same number of features; got {X.shape[1]} "
                             f"and {X_test.shape[1]}")

    lin = LinearizedModel(net)
    phi = lin.features(X)
    phi_test = lin.features(X_test) if X_test is not None else None
    K0 = (phi @ phi.T).numpy()
    theta0 = torch.cat([p.detach().reshape(-1) for p in _params(net).values()])
    with torch.no_grad():
        f0 = _scalar_outputs(net(X), n)
        f0_test = _scalar_outputs(net(X_test), X_test.shape[0]) if X_test is not None else None
    params = [p for p in net.parameters() if p.requires_grad]

    records = {k: [] for k in ("steps", "f_net", "f_lin", "f_net_test", "f_lin_test")}
    diverged = False
    for step in range(n_steps + 1):
        out = _scalar_outputs(net(X), n)
        f_lin = f0 + phi @ lin.delta
        if step % record_every == 0 or step == n_steps:
            records["steps"].append(step)
            records["f_net"].append(out.detach().numpy().copy())
            records["f_lin"].append(f_lin.numpy().copy())
            if X_test is not None:
                with torch.no_grad():
                    records["f_net_test"].append(_scalar_outputs(net(X_test), len(X_test)).numpy().copy())
                records["f_lin_test"].append((f0_test + phi_test @ lin.delta).numpy().copy())
        if not torch.isfinite(out).all():
            diverged = True
            break
        if step == n_steps:
            break
        loss = 0.5 * torch.sum((out - Y) ** 2)
        grads = torch.autograd.grad(loss, params)
        with torch.no_grad():
            for p, g in zip(params, grads, strict=True):
                p -= lr * g
        lin.delta = lin.delta - lr * (phi.T @ (f_lin - Y))

    steps = np.array(records["steps"])
    f_net = np.array(records["f_net"])
    f_lin_arr = np.array(records["f_lin"])
    y_np = Y.numpy()
    K_final = empirical_ntk(net, X).detach().numpy() if not diverged else np.full_like(K0, np.nan)
    theta = torch.cat([p.detach().reshape(-1) for p in _params(net).values()])
    with np.errstate(over="ignore", invalid="ignore"):  # a divergence is reported, not warned about
        loss_net = 0.5 * np.sum((f_net - y_np) ** 2, axis=1)
        loss_lin = 0.5 * np.sum((f_lin_arr - y_np) ** 2, axis=1)
    return LockstepResult(
        steps=steps,
        f_net=f_net,
        f_lin=f_lin_arr,
        f_net_test=np.array(records["f_net_test"]) if X_test is not None else None,
        f_lin_test=np.array(records["f_lin_test"]) if X_test is not None else None,
        loss_net=loss_net,
        loss_lin=loss_lin,
        K0=K0,
        K_final=K_final,
        kernel_change=float(np.linalg.norm(K_final - K0) / np.linalg.norm(K0)),
        weight_change=float(torch.linalg.norm(theta - theta0) / torch.linalg.norm(theta0)),
        diverged=diverged,
    )
