"""A variational autoencoder in PyTorch, written to match the ELBO line by line.

The encoder maps an input x to the mean and log-variance of a Gaussian Q(z | x); the
reparameterization trick draws z = μ + σ·ε from it in a way gradients can flow through; the
decoder maps z to the parameters of P(x | z). Training maximises the per-sample ELBO

    ELBO(x) = E_Q[log P(x | z)] - KL(Q(z | x) ‖ P(z)),

the reconstruction term minus the KL term, with P(z) = N(0, I).
"""

from __future__ import annotations

import contextlib
from typing import NamedTuple

import numpy as np
import torch
from torch import nn

from ._validate import as_batch_tensor, as_matrix, check_choice, check_int, check_positive
from .vi import gaussian_kl

__all__ = ["VAE", "ELBOTerms", "TrainingResult", "elbo", "gaussian_kl", "train_vae"]

_LIKELIHOODS = ("bernoulli", "gaussian")


@contextlib.contextmanager
def _seeded(seed: int):
    """Run a block with torch's global generator seeded, and restore its state afterwards."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield


def _check_generator(generator) -> None:
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(f"generator must be a torch.Generator or None; got {type(generator).__name__}")


class VAE(nn.Module):
    """A small variational autoencoder with one hidden layer in the encoder and in the decoder.

    Parameters
    ----------
    n_features : int
        Dimension D of an input x.
    n_latent : int
        Dimension of the code z (2 makes the latent space drawable).
    n_hidden : int
        Width of the hidden layers.
    likelihood : {"bernoulli", "gaussian"}
        P(x | z): independent Bernoulli pixels with probabilities sigmoid(decoder logits), or
        N(decoder output, noise_std² I) as in the notes.
    noise_std : float
        σ of the Gaussian likelihood (unused for Bernoulli).
    seed : int
        Seed of the initial weights (torch's global generator is left as it was).

    Defined in the chapter *Variational autoencoders*.
    """

    def __init__(
        self,
        n_features: int,
        n_latent: int = 2,
        n_hidden: int = 64,
        *,
        likelihood: str = "bernoulli",
        noise_std: float = 0.1,
        seed: int = 0,
    ):
        super().__init__()
        n_features = check_int(n_features, "n_features", minimum=1)
        n_latent = check_int(n_latent, "n_latent", minimum=1)
        n_hidden = check_int(n_hidden, "n_hidden", minimum=1)
        self.likelihood = check_choice(likelihood, "likelihood", _LIKELIHOODS)
        self.noise_std = check_positive(noise_std, "noise_std")
        self.n_features, self.n_latent = n_features, n_latent
        with _seeded(check_int(seed, "seed", minimum=0)):
            self.encoder = nn.Sequential(nn.Linear(n_features, n_hidden), nn.ReLU())
            self.to_mu = nn.Linear(n_hidden, n_latent)
            self.to_log_var = nn.Linear(n_hidden, n_latent)
            self.decoder = nn.Sequential(
                nn.Linear(n_latent, n_hidden), nn.ReLU(), nn.Linear(n_hidden, n_features)
            )

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Q(z | x) = N(μ(x), diag σ²(x)): returns μ and log σ², each of shape (n, n_latent)."""
        # [math]
        h = self.encoder(as_batch_tensor(x, "x", self.n_features, self.to_mu.weight.dtype))
        return self.to_mu(h), self.to_log_var(h)
        # [/math]

    def reparameterize(
        self, mu: torch.Tensor, log_var: torch.Tensor, generator: torch.Generator | None = None
    ) -> torch.Tensor:
        """z = μ + σ·ε with ε ~ N(0, I): a sample of Q that is a differentiable function of μ, σ."""
        for name, value in (("mu", mu), ("log_var", log_var)):
            if not isinstance(value, torch.Tensor) or not value.is_floating_point():
                raise TypeError(f"{name} must be a floating-point torch.Tensor; got {type(value).__name__}")
        if log_var.shape != mu.shape:
            raise ValueError(f"log_var must have the shape of mu, {tuple(mu.shape)}; "
                             f"got {tuple(log_var.shape)}")
        _check_generator(generator)
        # [math]
        eps = torch.randn(mu.shape, generator=generator, dtype=mu.dtype, device=mu.device)
        return mu + torch.exp(0.5 * log_var) * eps
        # [/math]

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Parameters of P(x | z): Bernoulli logits, or the Gaussian mean; shape (n, n_features)."""
        # [math]
        return self.decoder(as_batch_tensor(z, "z", self.n_latent, self.to_mu.weight.dtype))
        # [/math]

    def mean_image(self, z: torch.Tensor) -> torch.Tensor:
        """E[x | z]: sigmoid of the logits (Bernoulli) or the mean itself (Gaussian)."""
        out = self.decode(z)
        return torch.sigmoid(out) if self.likelihood == "bernoulli" else out

    def log_likelihood(self, x: torch.Tensor, decoded: torch.Tensor) -> torch.Tensor:
        """log P(x | z) per sample, shape (n,), from the decoder's output for z."""
        x = as_batch_tensor(x, "x", self.n_features, self.to_mu.weight.dtype)
        decoded = as_batch_tensor(decoded, "decoded", self.n_features, x.dtype)
        if decoded.shape != x.shape:
            raise ValueError(f"decoded must have the shape of x, {tuple(x.shape)}; "
                             f"got {tuple(decoded.shape)}")
        # [math]
        if self.likelihood == "bernoulli":
            # Σ_d x_d log p_d + (1 - x_d) log(1 - p_d), with p = sigmoid(logits), written stably
            return -nn.functional.binary_cross_entropy_with_logits(decoded, x, reduction="none").sum(-1)
        sigma = self.noise_std
        sq = ((x - decoded) ** 2).sum(-1)
        return -0.5 * x.shape[-1] * np.log(2 * np.pi * sigma**2) - sq / (2 * sigma**2)
        # [/math]

    def _check_range(self, x, name: str) -> None:
        """Bernoulli pixels are probabilities: data outside [0, 1] (say, grey levels 0-255) is a mistake."""
        if self.likelihood == "bernoulli" and x.shape[0] > 0 and (x.min() < 0 or x.max() > 1):
            raise ValueError(f"{name} must be in [0, 1] for the Bernoulli likelihood (scale the data); "
                             f"got values in [{float(x.min()):g}, {float(x.max()):g}]")

    def forward(self, x: torch.Tensor, generator: torch.Generator | None = None):
        """Encode, sample one z, decode: returns (decoded, mu, log_var)."""
        # [math]
        mu, log_var = self.encode(x)
        z = self.reparameterize(mu, log_var, generator)
        return self.decode(z), mu, log_var
        # [/math]


class ELBOTerms(NamedTuple):
    """Per-sample terms, each of shape (n,): reconstruction = E_Q[log P(x|z)] (estimated with the
    drawn z), kl = KL(Q(z|x) ‖ N(0, I)) (exact), elbo = reconstruction - kl."""

    reconstruction: torch.Tensor
    kl: torch.Tensor
    elbo: torch.Tensor


def elbo(
    model: VAE, x: torch.Tensor, generator: torch.Generator | None = None, n_samples: int = 1
) -> ELBOTerms:
    """The per-sample ELBO of a VAE, split into its reconstruction and KL terms.

    Parameters
    ----------
    model : VAE
    x : tensor of shape (n, n_features)
    generator : torch.Generator, optional
        Source of ε; pass a seeded one for reproducible estimates.
    n_samples : int
        Draws of z per input to estimate the reconstruction term.

    Notes
    -----
    ELBO(x) = E_{z~Q(z|x)}[log P(x | z)] - Σ_j KL(N(μ_j, σ_j²) ‖ N(0, 1)), the KL computed in
    closed form with :func:`gaussian_kl` (μ, log σ² from ``model.encode``).

    Defined in the chapter *Variational autoencoders*.
    """
    if not isinstance(model, VAE):
        raise TypeError(f"model must be a VAE; got {type(model).__name__}")
    x = as_batch_tensor(x, "x", model.n_features, model.to_mu.weight.dtype)
    model._check_range(x, "x")
    _check_generator(generator)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    # [math]
    mu, log_var = model.encode(x)
    # σ = exp(½ log σ²) underflows to 0 when a diverging model sends log σ² to -∞: the smallest positive
    # float keeps the KL a number (huge, or infinite with the other σ), which training reports as divergence
    sigma = torch.exp(0.5 * log_var).clamp_min(torch.finfo(log_var.dtype).tiny)
    recon = torch.zeros(x.shape[0], dtype=x.dtype, device=x.device)
    for _ in range(n_samples):
        z = model.reparameterize(mu, log_var, generator)
        recon = recon + model.log_likelihood(x, model.decode(z))
    recon = recon / n_samples
    kl = gaussian_kl(mu, sigma, torch.zeros_like(mu), torch.ones_like(sigma)).sum(-1)
    return ELBOTerms(recon, kl, recon - kl)
    # [/math]


class TrainingResult(NamedTuple):
    """History of a VAE's training, one entry per epoch (averages over the epoch's samples):
    loss = -ELBO, reconstruction, kl; val_loss: -ELBO on the validation set (NaN without one);
    diverged: the loss became NaN or infinite (training stops there)."""

    loss: np.ndarray
    reconstruction: np.ndarray
    kl: np.ndarray
    val_loss: np.ndarray
    diverged: bool


def train_vae(
    model: VAE,
    X,
    *,
    X_val=None,
    n_epochs: int = 40,
    batch_size: int = 128,
    lr: float = 3e-3,
    seed: int = 0,
    progress: bool = True,
) -> TrainingResult:
    """Train a VAE with Adam on minibatches, maximising the average ELBO.

    Parameters
    ----------
    model : VAE
        Trained in place.
    X : array of shape (n_samples, n_features)
        Training data (float32 is used for training).
    X_val : array of shape (n_val, n_features), optional
        Held-out data whose -ELBO is recorded after each epoch.
    n_epochs, batch_size : int
    lr : float
        Adam's step size.
    seed : int
        Seeds one torch.Generator used for the shuffling and for every ε.
    progress : bool
        Show a tqdm progress bar over the epochs.

    Returns
    -------
    TrainingResult

    Defined in the chapter *Variational autoencoders*.
    """
    from tqdm.auto import tqdm

    if not isinstance(model, VAE):
        raise TypeError(f"model must be a VAE; got {type(model).__name__}")
    X = as_matrix(X, "X")
    if X.shape[1] != model.n_features:
        raise ValueError(f"X must have {model.n_features} columns (the model's n_features); got {X.shape[1]}")
    model._check_range(X, "X")
    if X_val is not None:
        X_val = as_matrix(X_val, "X_val")
        if X_val.shape[1] != model.n_features:
            raise ValueError(f"X_val must have {model.n_features} columns; got {X_val.shape[1]}")
        model._check_range(X_val, "X_val")
        xv = torch.as_tensor(X_val, dtype=torch.float32)
    n_epochs = check_int(n_epochs, "n_epochs", minimum=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    lr = check_positive(lr, "lr")
    generator = torch.Generator().manual_seed(check_int(seed, "seed", minimum=0))
    x = torch.as_tensor(X, dtype=torch.float32)
    n = x.shape[0]
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    hist = {k: np.full(n_epochs, np.nan) for k in ("loss", "reconstruction", "kl", "val_loss")}
    diverged = False
    bar = tqdm(range(n_epochs), desc="training the VAE", disable=not progress, mininterval=0.5)
    for epoch in bar:
        model.train()
        order = torch.randperm(n, generator=generator)
        totals = torch.zeros(3, dtype=torch.float64)
        for start in range(0, n, batch_size):
            batch = x[order[start : start + batch_size]]
            terms = elbo(model, batch, generator)
            loss = -terms.elbo.mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            totals += (
                torch.stack([-terms.elbo.sum(), terms.reconstruction.sum(), terms.kl.sum()]).detach().double()
            )
        hist["loss"][epoch], hist["reconstruction"][epoch], hist["kl"][epoch] = (totals / n).tolist()
        if X_val is not None:
            model.eval()
            with torch.no_grad():
                hist["val_loss"][epoch] = float(-elbo(model, xv, generator).elbo.mean())
        bar.set_postfix(loss=f"{hist['loss'][epoch]:.2f}", refresh=False)
        if not np.isfinite(hist["loss"][epoch]):
            diverged = True
            break
    bar.close()
    model.eval()
    return TrainingResult(hist["loss"], hist["reconstruction"], hist["kl"], hist["val_loss"], diverged)
