"""Part 6 of the book, *Theory of deep learning*: experiments that turn theorems into measurements.

The submodules are imported where they are used (``from mlcourse.theory import ntk``), so that
``import mlcourse.theory`` stays light; only :mod:`mlcourse.theory.ntk` needs torch.

- :mod:`~mlcourse.theory.ntk`: the empirical neural tangent kernel, its infinite-width limit for a
  one-hidden-layer ReLU network, and a network trained in lockstep with its linearization.
- :mod:`~mlcourse.theory.l2`: weight decay and the spectral shrinkage of the L2 minimizer.
- :mod:`~mlcourse.theory.noise`: input-noise injection and its L2 penalty.
- :mod:`~mlcourse.theory.dropout`: the exact ensemble of all dropout sub-networks.
- :mod:`~mlcourse.theory.min_norm`: gradient descent on underdetermined least squares.
- :mod:`~mlcourse.theory.matrix_completion`: factorized gradient descent and the nuclear norm.
- :mod:`~mlcourse.theory.early_stopping`: early stopping against L2 on a quadratic.
- :mod:`~mlcourse.theory.modified_loss`: backward error analysis of gradient descent and SGD, and
  the flat and sharp basins of :func:`~mlcourse.theory.modified_loss.two_basin_loss`.
"""

__all__ = [
    "dropout",
    "early_stopping",
    "l2",
    "matrix_completion",
    "min_norm",
    "modified_loss",
    "noise",
    "ntk",
]
