"""Execute the notebooks that a book build needs over every core, before Sphinx reads them.

A Sphinx extension (loaded through ``_config.yml``'s ``local_extensions``). Jupyter Book executes
the notebooks one after the other while it reads them. With ``execute_notebooks: cache``, what it
needs is that each notebook's outputs are in the execution cache (``_build/.jupyter_cache``) when it
reads the notebook. jupyter-cache, which MyST-NB uses for that cache, can also execute notebooks
in a pool of processes (one per core) and store each result as MyST-NB would: the same execution
function, the notebook's folder as working directory, the build's timeout per cell, errors not
allowed. So at ``env-before-read-docs`` this extension hands the notebooks that are about to be
read and are not cached to that pool; MyST-NB then finds them cached.

The pool's kernels inherit the build's environment, as MyST-NB's do (``_ext/kernel_environment.py``).

A page whose notebook is not in the cache is read again even when Sphinx takes it for up to date
(``env-get-outdated``): after ``_build/.jupyter_cache`` is deleted, or a notebook's record removed,
Sphinx's saved pages would otherwise keep outputs that no cache holds (and that the determinism
test, which compares a second execution with the cached one, cannot find).

Nothing else changes: a notebook that fails is not cached, so MyST-NB executes it again itself and
reports the failure as always; a build with a warm cache executes nothing. The pool runs in a fresh
Python process (forking the Sphinx process would copy its state into every worker). Set
``MLCOURSE_SERIAL_EXECUTION=1`` to leave the execution to MyST-NB alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: run in a fresh process: jupyter-cache's own parallel executor over the uncached notebooks given
_EXECUTE_INTO_CACHE = """
import sys
from jupyter_cache import get_cache
from jupyter_cache.executors import load_executor
cache = get_cache(sys.argv[1])
uris = [cache.add_nb_to_project(path).uri for path in sys.argv[3:]]
executor = load_executor("local-parallel", cache=cache)
result = executor.run_and_cache(filter_uris=uris, timeout=int(sys.argv[2]))
print(f"{len(result.succeeded)} executed and cached, {len(result.errored)} failed", flush=True)
"""


def uncached_notebooks(cache_path: str, paths: list[Path]) -> list[Path]:
    """The notebooks among ``paths`` whose code has no entry in the execution cache."""
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(cache_path)
    missing = []
    for path in paths:
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            missing.append(path)
    return missing


def execute_into_cache(cache_path: str, notebooks: list[Path], timeout: int) -> str:
    """Execute ``notebooks`` over every core into the cache at ``cache_path``; jupyter-cache's summary."""
    done = subprocess.run([sys.executable, "-c", _EXECUTE_INTO_CACHE, cache_path, str(timeout),
                           *map(str, notebooks)], capture_output=True, text=True, check=False)
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[-1] if lines else f"exit status {done.returncode}"


def execute_in_parallel(app: Sphinx, env, docnames: list[str]) -> None:
    config = env.mystnb_config
    if config.execution_mode != "cache" or os.environ.get("MLCOURSE_SERIAL_EXECUTION") == "1":
        return
    if (os.cpu_count() or 1) < 2:
        return
    paths = [Path(env.doc2path(name)) for name in docnames]
    notebooks = [p for p in paths if p.suffix == ".ipynb"
                 and not any(p.match(pattern) for pattern in config.execution_excludepatterns)]
    if config.execution_in_temp or not notebooks:
        return
    missing = uncached_notebooks(config.execution_cache_path, notebooks)
    if len(missing) < 2:  # one notebook: MyST-NB executes it just as fast
        return
    start = time.perf_counter()
    logger.info(f"[parallel_execution] executing {len(missing)} notebooks over {os.cpu_count()} cores")
    timeout = int(config.execution_timeout) if config.execution_timeout else -1
    summary = execute_into_cache(config.execution_cache_path, missing, timeout)
    logger.info(f"[parallel_execution] {summary} in {time.perf_counter() - start:.0f} s")


def reread_uncached(app: Sphinx, env, added: set[str], changed: set[str], removed: set[str]) -> list[str]:
    """The pages Sphinx takes for up to date whose notebook has no record in the execution cache."""
    config = env.mystnb_config
    if config.execution_mode != "cache":
        return []
    unchanged = {name: Path(env.doc2path(name)) for name in env.found_docs - added - changed - removed}
    notebooks = {name: path for name, path in unchanged.items() if path.suffix == ".ipynb"
                 and not any(path.match(pattern) for pattern in config.execution_excludepatterns)}
    missing = set(uncached_notebooks(config.execution_cache_path, list(notebooks.values())))
    stale = sorted(name for name, path in notebooks.items() if path in missing)
    if stale:
        logger.info(f"[parallel_execution] {len(stale)} pages read again: their notebooks are not in "
                    f"the execution cache")
    return stale


def setup(app: Sphinx) -> dict:
    app.connect("env-get-outdated", reread_uncached)
    app.connect("env-before-read-docs", execute_in_parallel)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
