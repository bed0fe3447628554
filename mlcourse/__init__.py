"""mlcourse: the code of the textbook *The Mathematics of Machine Learning, Verified*.

Each module holds the from-scratch implementation that one part of the book derives, in code
that follows the book's notation line by line. The notebooks show this code (it is the code the
tests check) and compare it with the libraries the world trusts (numpy, sympy, torch,
scikit-learn, scipy).

Submodules are imported on first use, so ``import mlcourse`` stays fast and never imports
torch::

    import mlcourse
    mlcourse.linalg.det_cofactor([[1, 2], [3, 4]])   # imports mlcourse.linalg now
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING

from .reading import glue, glue_figure, show_source

__version__ = "0.1.0"

# The public submodules, in the order of the book.
_SUBMODULES = (
    "autoencoder", "calculus", "check", "cnn", "data", "decomposition", "divergence", "edition",
    "exercises", "interactive", "linalg", "manifold", "nn", "optim", "plotting", "reading", "stats",
    "theory", "vae", "vi", "widgets",
)

__all__ = [*_SUBMODULES, "__version__", "glue", "glue_figure", "setup_notebook", "show_source"]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from . import (  # noqa: F401
        autoencoder,
        calculus,
        check,
        cnn,
        data,
        decomposition,
        divergence,
        edition,
        exercises,
        interactive,
        linalg,
        manifold,
        nn,
        optim,
        plotting,
        reading,
        stats,
        theory,
        vae,
        vi,
        widgets,
    )


def __getattr__(name: str):
    """Import a submodule the first time it is used (PEP 562)."""
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        module = importlib.import_module(f".{name}", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'mlcourse' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def setup_notebook(seed: int = 0):
    """Prepare a notebook: the book's plotting style, readable printing, and a seeded generator.

    Every chapter calls this in its first code cell, so that a chapter gives the same numbers
    and the same figures every time it runs, on any machine.

    Parameters
    ----------
    seed : int
        Seed of the returned generator (and of torch's global generator, if torch is
        already imported by the notebook).

    Returns
    -------
    numpy.random.Generator
        The generator the chapter draws all of its randomness from.
    """
    import sys

    import numpy as np

    from . import plotting
    from ._validate import check_int

    seed = check_int(seed, "seed", minimum=0)
    plotting.use_book_style()
    np.set_printoptions(precision=4, suppress=True, linewidth=100)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(seed)
    _quiet_notebook_progress_bars()
    return np.random.default_rng(seed)


def _quiet_notebook_progress_bars() -> None:
    """Honour ``TQDM_DISABLE=1`` in tqdm's notebook bar too (the book build sets it).

    tqdm reads that variable for its text bar, but its notebook bar (what ``tqdm.auto`` gives in
    Jupyter) passes ``disable=False`` on by itself, so the build's pages would show each bar frozen
    at its first state. Where the variable is set, the notebook bar's default becomes disabled; a
    call that passes ``disable=False`` still shows its bar. Without the variable nothing changes.
    """
    import functools
    import os

    if os.environ.get("TQDM_DISABLE", "").lower() not in ("1", "true", "yes"):
        return
    try:
        import tqdm.notebook
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return
    bar = tqdm.notebook.tqdm_notebook
    if getattr(bar.__init__, "_mlcourse_quiet", False):
        return
    original = bar.__init__

    @functools.wraps(original)
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("disable", True)
        original(self, *args, **kwargs)

    __init__._mlcourse_quiet = True
    bar.__init__ = __init__
