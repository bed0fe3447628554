"""Pytest configuration shared by the unit tests (tests/) and the notebooks (book/, via nbval).

* Notebooks run headless: MPLBACKEND=Agg is set here, before any kernel starts, so that kernels
  started by nbval inherit it.
* The test process is offline: a socket may connect only to the loopback interface (kernels talk
  to pytest over 127.0.0.1), so no test can download anything by accident.
* Every collected notebook is marked ``notebooks`` and with the part of the book it belongs to
  (``pytest -m foundations`` runs Part 1's unit tests and notebooks).
* In parallel (``pytest -n auto``, pytest-xdist) the cells of one notebook share a kernel, so they
  go to one worker together (:func:`pytest_xdist_make_scheduler`), and nbval's kernels and the
  workers' BLAS libraries use one thread: the workers already fill the cores. (The book build's
  kernels and the determinism test's use one thread too, set by ``_ext/kernel_environment.py``
  unless the caller chose otherwise; see ``THREAD_VARIABLES``.)
* A notebook executes as few times as the checks need: once in the book build (every cell,
  solutions included, any error fails) and once more in tests/test_determinism.py (its student
  edition, in a new kernel, failing on any error as nbval does; the text is compared with the
  build's). Where that test is selected for a notebook, nbval's execution of the same notebook
  would prove nothing more, so it is deselected (the terminal summary says so).
"""

import ipaddress
import os
import socket
from pathlib import Path

import pytest

from _ext.kernel_environment import THREAD_VARIABLES

os.environ.setdefault("MPLBACKEND", "Agg")

#: one thread per process for the kernels nbval starts and for the workers: pytest-xdist runs one
#: worker per core already (set before any library reads them). What is set here is recorded, so
#: that the book build and tests/test_determinism.py's kernels get the build's own setting
#: (``_ext/kernel_environment.py``, one thread unless the caller set another), not pytest's: see
#: ``book_environment`` in tests/book_helpers.py.
SET_HERE = tuple(name for name in THREAD_VARIABLES if name not in os.environ)
for _name in SET_HERE:
    os.environ[_name] = "1"
# pytest-xdist's workers inherit the controller's environment, where these are already set: keep
# the controller's record of what pytest set, or a worker would take them for the reader's own
_SET_BEFORE = set(filter(None, os.environ.get("MLCOURSE_THREADS_SET_BY_PYTEST", "").split(",")))
os.environ["MLCOURSE_THREADS_SET_BY_PYTEST"] = ",".join(sorted(_SET_BEFORE | set(SET_HERE)))

ROOT = Path(__file__).resolve().parent

#: book/<folder> -> pytest marker of that part of the book
PART_MARKERS = {
    "foundations": "foundations",
    "optimization": "optimization",
    "neural_networks": "neural_networks",
    "generative": "generative",
    "statistics": "statistics",
    "theory": "theory",
}


class NetworkBlocked(OSError):
    """A test tried to reach the network."""


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address) -> bool:
    if not isinstance(address, tuple):  # a Unix socket path
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:  # a host name: resolving it would already use the network
        return False


def _guard(address):
    if not _is_local(address):
        raise NetworkBlocked(f"network access is blocked in the tests (tried to connect to {address!r})")


def _connect(self, address):
    _guard(address)
    return _real_connect(self, address)


def _connect_ex(self, address):
    _guard(address)
    return _real_connect_ex(self, address)


def pytest_configure(config):
    socket.socket.connect = _connect
    socket.socket.connect_ex = _connect_ex


#: test files whose tests go to one worker together (see pytest_xdist_make_scheduler)
TOGETHER = {"tests/test_pdf.py"}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's scheduling for ``-n``: every test on its own, except a notebook's cells and
    the PDF's tests.

    nbval runs the cells of a notebook in order on one kernel, so they must go to one worker,
    together; pytest-xdist's default ("load") would scatter them over the workers. The PDF's tests
    share one printed PDF (a session fixture that prints it when it is out of date): on one worker
    the others keep testing while it prints, instead of waiting for it on a lock.
    """
    if config.getvalue("dist") not in ("load", "worksteal"):  # a distribution asked for by name
        return None
    from xdist.scheduler import LoadScopeScheduling

    class NotebookScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = nodeid.split("::", 1)[0]
            return path if path.endswith(".ipynb") or path in TOGETHER else nodeid

    return NotebookScheduling(config, log)


def pytest_unconfigure(config):
    socket.socket.connect = _real_connect
    socket.socket.connect_ex = _real_connect_ex


def _notebook(item) -> Path | None:
    return item.path if item.path.suffix == ".ipynb" else None


def pytest_itemcollected(item):
    path = _notebook(item)
    if path is None:
        return
    item.add_marker(pytest.mark.notebooks)
    part = path.parent.name
    if part in PART_MARKERS:
        item.add_marker(getattr(pytest.mark, PART_MARKERS[part]))


#: notebooks whose nbval run was left out because the determinism test executes them (for the summary)
_COVERED: set[str] = set()


def _executed_by_determinism(item) -> Path | None:
    """The notebook a selected test of tests/test_determinism.py executes, if ``item`` is one."""
    if item.path.name != "test_determinism.py":
        return None
    callspec = getattr(item, "callspec", None)
    path = callspec.params.get("path") if callspec is not None else None
    return Path(path).resolve() if path is not None else None


@pytest.hookimpl(trylast=True)  # after -m and -k have deselected what they deselect
def pytest_collection_modifyitems(config, items):
    _leave_out_second_executions(config, items)
    # The tests of the built book wait for the book build (minutes when nothing is cached): one of
    # them goes first, so that a worker starts the build at once, and the others last, so that the
    # other workers run everything else meanwhile.
    book = [item for item in items if "built_book" in getattr(item, "fixturenames", ())]
    if book:
        waiting = set(book)
        items[:] = [book[0], *(item for item in items if item not in waiting), *book[1:]]


def _leave_out_second_executions(config, items) -> None:
    """Deselect the nbval cells of the notebooks that tests/test_determinism.py executes."""
    executed = {p for p in map(_executed_by_determinism, items) if p is not None}
    if not executed:
        return
    keep, drop = [], []
    for item in items:
        path = _notebook(item)
        (drop if path is not None and path.resolve() in executed else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
        _COVERED.update(str(_notebook(item).relative_to(ROOT)) for item in drop)
    if hasattr(config, "workeroutput"):  # a pytest-xdist worker: tell the controller, for the summary
        config.workeroutput["notebooks_covered"] = sorted(_COVERED)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist's controller: collect what its workers deselected."""
    _COVERED.update(getattr(node, "workeroutput", {}).get("notebooks_covered", ()))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if _COVERED and not hasattr(config, "workerinput"):
        terminalreporter.write_sep("-", "notebooks")
        terminalreporter.write_line(
            f"nbval's cells of {len(_COVERED)} notebooks deselected: tests/test_determinism.py executes "
            "their student editions (a fresh kernel, every cell but the solutions, any error fails, as "
            "with nbval) and compares the text with the build's execution, which ran the solutions; "
            "another fresh execution would prove nothing more"
        )
