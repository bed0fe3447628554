"""Autoencoders in PyTorch: linear or nonlinear, with an optional sparsity penalty on the code.

An autoencoder learns an encoder f and a decoder g so that r = g(f(x)) reproduces x. With a code h
smaller than x it must compress; with a penalty Ω(h) on the code it must keep h sparse. A linear
autoencoder trained with squared error learns the principal subspace of the data: the chapter
checks this with principal angles (:func:`principal_angles`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from ._validate import as_batch_tensor, as_matrix, check_choice, check_int, check_positive

__all__ = ["Autoencoder", "AutoencoderResult", "principal_angles", "sparsity_penalty", "train_autoencoder"]

_ACTIVATIONS = {"identity": nn.Identity, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "relu": nn.ReLU}


class Autoencoder(nn.Module):
    """Encoder h = f(x) = act(W_e x + b_e), decoder r = g(h) = W_d h + b_d.

    Parameters
    ----------
    n_features : int
        Dimension of x.
    n_code : int
        Dimension of h. Smaller than ``n_features``: undercomplete; larger: overcomplete (then a
        sparsity penalty keeps it from copying).
    activation : {"identity", "tanh", "sigmoid", "relu"}
        The encoder's nonlinearity; "identity" gives the linear autoencoder.
    dtype : torch.dtype
        float32 to train fast, float64 for the exact comparison with PCA.
    bias : bool
        With biases b_e, b_d (the default). Without them every reconstruction lies in a subspace
        through the origin, and a linear autoencoder learns the top eigenvectors of the uncentred
        second moment (1/n) Σ xᵢxᵢᵀ instead of PCA's subspace.
    seed : int
        Seed of the initial weights (torch's global generator is left as it was).

    Defined in the chapter *Autoencoders*.
    """

    def __init__(
        self,
        n_features: int,
        n_code: int,
        *,
        activation: str = "identity",
        dtype: torch.dtype = torch.float32,
        bias: bool = True,
        seed: int = 0,
    ):
        super().__init__()
        self.n_features = check_int(n_features, "n_features", minimum=1)
        self.n_code = check_int(n_code, "n_code", minimum=1)
        self.activation = check_choice(activation, "activation", sorted(_ACTIVATIONS))
        if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
            raise TypeError(f"dtype must be a floating-point torch.dtype (torch.float32 or torch.float64); "
                            f"got {dtype!r}")
        if not isinstance(bias, (bool, np.bool_)):
            raise TypeError(f"bias must be True or False; got {type(bias).__name__}")
        self.bias = bool(bias)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(check_int(seed, "seed", minimum=0))
            # [math]
            self.encoder = nn.Sequential(
                nn.Linear(n_features, n_code, bias=self.bias, dtype=dtype), _ACTIVATIONS[activation]()
            )
            self.decoder = nn.Linear(n_code, n_features, bias=self.bias, dtype=dtype)
            # [/math]

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """The code h = f(x), shape (n, n_code)."""
        return self.encoder(as_batch_tensor(x, "x", self.n_features, self.decoder.weight.dtype))

    def decode(self, h: torch.Tensor) -> torch.Tensor:
        """The reconstruction r = g(h), shape (n, n_features)."""
        return self.decoder(as_batch_tensor(h, "h", self.n_code, self.decoder.weight.dtype))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The reconstruction and the code, (g(f(x)), f(x)), for x of shape (n, n_features)."""
        # [math]
        h = self.encode(x)
        return self.decode(h), h
        # [/math]


def sparsity_penalty(h: torch.Tensor) -> torch.Tensor:
    """Ω(h) = Σ_j |h_j| per sample, shape (n,): the L1 norm of the code, which favours zeros.

    Defined in the chapter *Autoencoders*.
    """
    if not isinstance(h, torch.Tensor):
        raise TypeError(f"h must be a torch.Tensor of codes, shape (n, n_code); got {type(h).__name__}")
    if h.ndim == 0:
        raise ValueError("h must have shape (n, n_code) (or (n_code,) for one code); got a 0-D tensor")
    return h.abs().sum(-1)


class AutoencoderResult(NamedTuple):
    """loss: (n_epochs,) the objective mean ‖x - r‖² + λ·mean Ω(h) after each epoch;
    reconstruction: (n_epochs,) its first term; converged: the last epochs changed the loss by
    less than tol (relative); diverged: the loss became NaN or infinite (training stops)."""

    loss: np.ndarray
    reconstruction: np.ndarray
    converged: bool
    diverged: bool


def train_autoencoder(
    model: Autoencoder,
    X,
    *,
    sparsity: float = 0.0,
    n_epochs: int = 200,
    lr: float = 1e-2,
    optimizer: str = "adam",
    batch_size: int | None = None,
    tol: float = 1e-9,
    seed: int = 0,
    progress: bool = False,
) -> AutoencoderResult:
    """Train an autoencoder on squared reconstruction error plus λ·Ω(h).

    Parameters
    ----------
    model : Autoencoder
        Trained in place.
    X : array of shape (n_samples, n_features)
    sparsity : float
        λ, the weight of the penalty Ω(h) (0 for none).
    n_epochs : int
        Passes over the data (the loop's bound); for L-BFGS, outer iterations.
    lr : float
        Step size (Adam) or initial step (L-BFGS, where 1 is usual).
    optimizer : {"adam", "lbfgs"}
        Adam on minibatches, or full-batch L-BFGS with a strong-Wolfe line search (precise, for the
        PCA comparison; use it with float64).
    batch_size : int, optional
        Minibatch size for Adam; the whole data set if None.
    tol : float
        Relative change of the loss under which training counts as converged.
    seed : int
        Seeds the shuffling.
    progress : bool
        Show a tqdm progress bar.

    Notes
    -----
    Objective: (1/n) Σᵢ [‖xᵢ - g(f(xᵢ))‖² + λ Ω(f(xᵢ))].

    Defined in the chapter *Autoencoders*.
    """
    from tqdm.auto import tqdm

    if not isinstance(model, Autoencoder):
        raise TypeError(f"model must be an Autoencoder; got {type(model).__name__}")
    X = as_matrix(X, "X")
    if X.shape[1] != model.n_features:
        raise ValueError(f"X must have {model.n_features} columns (the model's n_features); got {X.shape[1]}")
    sparsity = check_positive(sparsity, "sparsity", allow_zero=True)
    n_epochs = check_int(n_epochs, "n_epochs", minimum=1)
    lr = check_positive(lr, "lr")
    tol = check_positive(tol, "tol", allow_zero=True)
    optimizer = check_choice(optimizer, "optimizer", ("adam", "lbfgs"))
    dtype = model.decoder.weight.dtype
    x = torch.as_tensor(X, dtype=dtype)
    n = x.shape[0]
    batch_size = n if batch_size is None else check_int(batch_size, "batch_size", minimum=1)
    generator = torch.Generator().manual_seed(check_int(seed, "seed", minimum=0))

    def objective(batch):
        r, h = model(batch)
        recon = ((batch - r) ** 2).sum(-1).mean()
        return recon + sparsity * sparsity_penalty(h).mean(), recon

    if optimizer == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=lr)
    else:
        opt = torch.optim.LBFGS(
            model.parameters(),
            lr=lr,
            max_iter=20,
            history_size=20,
            tolerance_grad=1e-12,
            tolerance_change=1e-15,
            line_search_fn="strong_wolfe",
        )
    losses, recons = np.full(n_epochs, np.nan), np.full(n_epochs, np.nan)
    converged = diverged = False
    for epoch in tqdm(
        range(n_epochs), desc="training the autoencoder", disable=not progress, mininterval=0.5
    ):
        if optimizer == "adam":
            order = torch.randperm(n, generator=generator)
            for start in range(0, n, batch_size):
                loss, _ = objective(x[order[start : start + batch_size]])
                opt.zero_grad()
                loss.backward()
                opt.step()
        else:

            def closure():
                opt.zero_grad()
                loss, _ = objective(x)
                loss.backward()
                return loss

            opt.step(closure)
        with torch.no_grad():
            loss, recon = objective(x)
        losses[epoch], recons[epoch] = float(loss), float(recon)
        if not np.isfinite(losses[epoch]):
            diverged = True
            break
        if epoch > 0 and abs(losses[epoch - 1] - losses[epoch]) <= tol * abs(losses[epoch]):
            converged = True
            losses, recons = losses[: epoch + 1], recons[: epoch + 1]
            break
    return AutoencoderResult(losses, recons, converged, diverged)


def principal_angles(A, B) -> np.ndarray:
    """Principal angles (radians, ascending) between the column spaces of A and B.

    The angles are 0 exactly when the two spans coincide. Orthonormalise each set of columns
    (QR), then the cosines of the angles are the singular values of Q_Aᵀ Q_B.

    Parameters
    ----------
    A : array of shape (n, k)
    B : array of shape (n, l)

    Returns
    -------
    array of shape (min(k, l),)

    Notes
    -----
    For accuracy at small angles the sines are used: the singular values of
    (I - Q_A Q_Aᵀ) Q_B are sin θ (scipy.linalg.subspace_angles does the same).

    Defined in the chapter *Autoencoders*.
    """
    A = as_matrix(A, "A")
    B = as_matrix(B, "B")
    if A.shape[0] != B.shape[0]:
        raise ValueError(f"A and B must have the same number of rows; got {A.shape} and {B.shape}")
    qa, _ = np.linalg.qr(A)
    qb, _ = np.linalg.qr(B)
    if qa.shape[1] < qb.shape[1]:
        qa, qb = qb, qa
    cos = np.clip(np.linalg.svd(qa.T @ qb, compute_uv=False), -1.0, 1.0)  # descending: angles ascending
    sin = np.clip(np.sort(np.linalg.svd(qb - qa @ (qa.T @ qb), compute_uv=False)), -1.0, 1.0)  # ascending
    # small angles from the sines, large ones from the cosines (each is accurate where the other is not)
    angles = np.where(cos**2 < 0.5, np.arccos(cos), np.arcsin(sin))
    return np.sort(angles)
