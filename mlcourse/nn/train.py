"""The training loop: minibatches, backpropagation, an ``mlcourse.optim`` optimizer, early stopping.

The optimizers of :mod:`mlcourse.optim` are ``init``/``step`` pairs that work entry by entry on
arrays of any shape; the loop keeps one optimizer state per parameter array and writes each new
value back into the array in place, so the network's ``params`` always hold the current weights.

Defined in the chapter *Regularization and the bias–variance tradeoff* (Part 3 of the book).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._validate import as_float_array, as_labels, check_bool, check_int, check_rng
from ..optim import Optimizer
from ._threads import single_threaded_blas
from .layers import Sequential
from .losses import CrossEntropyLoss, MSELoss

__all__ = ["TrainResult", "evaluate", "fit"]


class TrainResult(NamedTuple):
    """A training run, and how it ended.

    Attributes
    ----------
    train_loss : array of shape (n_epochs + 1,)
        Loss on the whole training set (eval mode) before training and after each epoch.
    val_loss : array of shape (n_epochs + 1,) or None
        The same on the validation set, when one was given.
    best_epoch : int
        The epoch with the lowest validation loss (the last epoch without validation data).
    stopped_early : bool
        True when the validation loss had not improved for ``patience`` epochs.
    diverged : bool
        True when a loss became NaN or infinite; training stopped there.
    n_epochs : int
        Epochs actually run.
    """

    train_loss: np.ndarray
    val_loss: np.ndarray | None
    best_epoch: int
    stopped_early: bool
    diverged: bool
    n_epochs: int


def _check_model(model, loss_fn) -> None:
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be an mlcourse.nn.Sequential; got {type(model).__name__}")
    if isinstance(loss_fn, type) or not (callable(getattr(loss_fn, "forward", None))
                                         and callable(getattr(loss_fn, "backward", None))):
        what = f"the class {loss_fn.__name__}" if isinstance(loss_fn, type) else type(loss_fn).__name__
        raise TypeError(f"loss_fn must be a loss object with forward and backward, e.g. nn.MSELoss() or "
                        f"nn.CrossEntropyLoss() (with parentheses); got {what}")


def _check_data(model: Sequential, loss_fn, X, y, names: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
    """Inputs and targets for ``model`` and ``loss_fn``, with errors that use the caller's names."""
    x_name, y_name = names
    X = as_float_array(X, x_name)
    first = model.layers[0] if model.layers else None
    n_in = getattr(first, "in_features", getattr(first, "num_features", None))
    if n_in is not None and (X.ndim != 2 or X.shape[1] != n_in):
        raise ValueError(f"{x_name} must have shape (n_samples, {n_in}) for the first layer {first!r}; "
                         f"got shape {X.shape}")
    if isinstance(loss_fn, CrossEntropyLoss):
        y = as_labels(y, y_name)
    elif isinstance(loss_fn, MSELoss):
        y = as_float_array(y, y_name)
    else:
        y = np.asarray(y)
    if y.shape[:1] != X.shape[:1]:
        raise ValueError(f"{y_name} must have one row per sample of {x_name} ({X.shape[0]}); "
                         f"got shape {y.shape}")
    return X, y


def _check_output(loss_fn, output: np.ndarray, y: np.ndarray, y_name: str) -> None:
    """The targets must fit the network's output (the loss itself would call them "target")."""
    if isinstance(loss_fn, MSELoss) and y.shape != output.shape:
        raise ValueError(f"{y_name} must have the shape of the model's output, {output.shape}; "
                         f"got shape {y.shape}")
    if isinstance(loss_fn, CrossEntropyLoss) and output.ndim == 2:
        as_labels(y, y_name, n_classes=output.shape[1], classes_of="the outputs of model")


def _loss(model: Sequential, loss_fn, X: np.ndarray, y: np.ndarray, y_name: str) -> float:
    """The loss in eval mode, on validated data."""
    was_training = model.training
    model.eval()
    try:
        output = model.forward(X)
        _check_output(loss_fn, output, y, y_name)
        return loss_fn.forward(output, y)
    finally:
        model.train(was_training)


def evaluate(model: Sequential, loss_fn, X, y) -> float:
    """The loss of ``model`` on (X, y) in eval mode (dropout off, batch norm on running statistics)."""
    _check_model(model, loss_fn)
    X, y = _check_data(model, loss_fn, X, y, ("X", "y"))
    return _loss(model, loss_fn, X, y, "y")


def fit(
    model: Sequential,
    loss_fn,
    X,
    y,
    optimizer: Optimizer,
    n_epochs: int,
    *,
    batch_size: int | None = None,
    rng: np.random.Generator | None = None,
    X_val=None,
    y_val=None,
    patience: int | None = None,
    restore_best: bool = True,
    progress: bool = False,
) -> TrainResult:
    """Train ``model`` by minibatch gradient descent with ``optimizer``.

    Parameters
    ----------
    model : Sequential
        Trained in place.
    loss_fn : MSELoss or CrossEntropyLoss
    X : array of shape (n_samples, n_features)
    y : array of shape (n_samples, ...) or (n_samples,) of labels
    optimizer : Optimizer
        From :mod:`mlcourse.optim`, e.g. ``optim.adam(lr=1e-2)``.
    n_epochs : int
        At most this many passes over the data.
    batch_size : int, optional
        Minibatch size; the full batch when omitted. Minibatches are reshuffled every epoch
        with ``rng``.
    X_val, y_val : arrays, optional
        A validation set; its loss is recorded after every epoch.
    patience : int, optional
        Early stopping: stop when the validation loss has not improved for this many epochs.
    restore_best : bool
        With validation data, put back the weights of the epoch with the lowest validation loss.
    progress : bool
        Show a progress bar (``tqdm.auto``).

    Returns
    -------
    TrainResult

    Notes
    -----
    For each minibatch B: forward, loss, backward, then for every parameter array θ with gradient
    g = ∂L_B/∂θ one optimizer step ``θ, state_θ = optimizer.step(θ, g, state_θ)``. The loop runs
    numpy's BLAS on one thread: for the book's small matrices that is faster, and on a busy
    machine much faster.
    """
    _check_model(model, loss_fn)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be an mlcourse.optim Optimizer; got {type(optimizer).__name__}")
    X, y = _check_data(model, loss_fn, X, y, ("X", "y"))
    n = X.shape[0]
    n_epochs = check_int(n_epochs, "n_epochs", minimum=0)
    batch_size = n if batch_size is None else check_int(batch_size, "batch_size", minimum=1)
    if rng is not None:
        check_rng(rng)
    elif batch_size < n:
        raise TypeError("minibatches (batch_size < n_samples) need rng, a numpy.random.Generator")
    has_val = X_val is not None
    if has_val and y_val is None:
        raise ValueError("X_val needs y_val")
    if has_val:
        X_val, y_val = _check_data(model, loss_fn, X_val, y_val, ("X_val", "y_val"))
    restore_best = check_bool(restore_best, "restore_best")
    if patience is not None:
        patience = check_int(patience, "patience", minimum=1)
        if not has_val:
            raise ValueError("patience (early stopping) needs a validation set X_val, y_val")

    params = model.named_parameters()
    states = {name: optimizer.init(p) for name, p in params.items()}
    train_loss = [_loss(model, loss_fn, X, y, "y")]
    val_loss = [_loss(model, loss_fn, X_val, y_val, "y_val")] if has_val else None
    best_epoch, best_params = 0, {k: v.copy() for k, v in params.items()}
    stopped_early = diverged = False
    epochs = range(1, n_epochs + 1)
    if progress:
        from tqdm.auto import tqdm

        epochs = tqdm(epochs, desc="epochs", leave=False)
    epoch = 0
    model.train()
    with np.errstate(over="ignore", invalid="ignore"), single_threaded_blas():
        for epoch in epochs:
            order = rng.permutation(n) if batch_size < n else np.arange(n)
            for start in range(0, n, batch_size):
                batch = order[start:start + batch_size]
                loss_fn.forward(model.forward(X[batch]), y[batch])
                model.backward(loss_fn.backward())
                grads = model.named_grads()
                for name, p in params.items():
                    p[...], states[name] = optimizer.step(p, grads[name], states[name])
            train_loss.append(_loss(model, loss_fn, X, y, "y"))
            if not np.isfinite(train_loss[-1]):
                diverged = True
                break
            if has_val:
                val_loss.append(_loss(model, loss_fn, X_val, y_val, "y_val"))
                if val_loss[-1] < val_loss[best_epoch]:
                    best_epoch, best_params = epoch, {k: v.copy() for k, v in params.items()}
                elif patience is not None and epoch - best_epoch >= patience:
                    stopped_early = True
                    break
            else:
                best_epoch = epoch
    if progress:
        epochs.close()
    if has_val and restore_best and not diverged:
        for name, p in params.items():
            p[...] = best_params[name]
    return TrainResult(np.array(train_loss), np.array(val_loss) if has_val else None, best_epoch,
                       stopped_early, diverged, epoch)
