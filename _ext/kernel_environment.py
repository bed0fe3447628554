"""The environment of the kernels that a book build starts.

A Sphinx extension (loaded through ``_config.yml``'s ``local_extensions``). Every kernel that
executes a notebook for the book, in MyST-NB's serial execution or in
``_ext/parallel_execution.py``'s pool, is a child process of the build and inherits its
environment. This extension sets, before any kernel starts, what a page needs that a reader's
running kernel does not:

* ``TQDM_DISABLE=1`` (unless it is set already): a progress bar is for a reader waiting on a
  running kernel; on a page it would stay frozen at the state the build left it in (tqdm's widget
  falls back to its first text, "0%|          | 0/400"). tqdm's notebook bar ignores the variable,
  so ``mlcourse.setup_notebook`` makes it honour it (see ``mlcourse._quiet_notebook_progress_bars``).
"""

from __future__ import annotations

import os

from sphinx.application import Sphinx

#: set for the build's kernels unless the caller set them already
KERNEL_ENVIRONMENT = {"TQDM_DISABLE": "1"}


def setup(app: Sphinx) -> dict:
    for name, value in KERNEL_ENVIRONMENT.items():
        os.environ.setdefault(name, value)  # inherited by every kernel the build starts
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
