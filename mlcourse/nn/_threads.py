"""Run small numpy linear algebra on one BLAS thread.

The book's matrices are small (tens to hundreds of rows); for them a multithreaded BLAS spends more
time coordinating threads than computing, and on a busy machine it can be ten times slower than one
thread. threadpoolctl comes with scikit-learn; without it, nothing changes.
"""

from __future__ import annotations

import contextlib


def single_threaded_blas():
    """A context manager that limits BLAS to one thread while it is active."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - scikit-learn brings it
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")
