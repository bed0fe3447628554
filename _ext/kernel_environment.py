"""The environment of the kernels that a book build starts.

A Sphinx extension (loaded through ``_config.yml``'s ``local_extensions``). Every kernel that
executes a notebook for the book, in MyST-NB's serial execution or in
``_ext/parallel_execution.py``'s pool, is a child process of the build and inherits its
environment. This extension sets, before any kernel starts, what the build needs that a reader's
running kernel does not:

* ``TQDM_DISABLE=1`` (unless it is set already): a progress bar is for a reader waiting on a
  running kernel; on a page it would stay frozen at the state the build left it in (tqdm's widget
  falls back to its first text, "0%|          | 0/400"). tqdm's notebook bar ignores the variable,
  so ``mlcourse.setup_notebook`` makes it honour it (see ``mlcourse._quiet_notebook_progress_bars``).
* One thread for the BLAS libraries, torch and numba (``OMP_NUM_THREADS=1`` and the others of
  :data:`THREAD_VARIABLES`, unless set already): the build runs one kernel per core
  (``_ext/parallel_execution.py``), so a kernel's extra threads only compete with the other
  kernels for the same cores, and a BLAS library's idle threads spin while they wait. Measured
  on 2 cores with the other core busy: ``learning_as_optimization`` took 17.2 s of CPU with the
  default two threads, 5.1 s with one. It also makes the pages' numbers independent of the
  building machine's core count: how many threads share a product changes its rounding.
  ``tests/test_determinism.py`` runs its kernels in the same environment
  (``tests/book_helpers.py``'s ``book_environment`` applies this table).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: the variables that set how many threads the numerical libraries start (OpenMP, OpenBLAS, MKL, numba)
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS")

#: set for the build's kernels unless the caller set them already
KERNEL_ENVIRONMENT = {"TQDM_DISABLE": "1", **{name: "1" for name in THREAD_VARIABLES}}


def setup(app: Sphinx) -> dict:
    for name, value in KERNEL_ENVIRONMENT.items():
        os.environ.setdefault(name, value)  # inherited by every kernel the build starts
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
