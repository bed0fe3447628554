"""Fixtures shared by the tests, and the counts of the public-API tests in the terminal summary.

* One thread per test process (``one_thread``, for the whole session): torch and the BLAS
  libraries would otherwise start a thread per core in every pytest-xdist worker, and the tiny
  networks and matrices of the tests run faster, and identically, on one.
* ``built_book``: the HTML book, for tests/test_book.py, tests/test_browser.py and
  tests/test_determinism.py, built once per run even when several workers ask for it (the build
  executes the notebooks its cache lacks over every core: _ext/parallel_execution.py).
* ``api_counts``: what tests/test_bad_input.py and tests/test_fuzz_api.py tried; the summary
  prints it (``bad-input table: N public callables covered, M bad inputs tried; fuzz: K calls``).
"""

import json
import os
import sys
from pathlib import Path

import pytest
from book_helpers import HTML, ROOT, jupyter_book

API_COUNTS = pytest.StashKey[dict]()


def pytest_configure(config):
    config.stash[API_COUNTS] = {
        "callables": set(),
        "bad_inputs": 0,
        "fuzz_callables": set(),
        "fuzz_calls": 0,
        "exempt": None,
    }


@pytest.fixture(scope="session")
def api_counts(pytestconfig) -> dict:
    """Counters the public-API tests add to; printed at the end of the run."""
    return pytestconfig.stash[API_COUNTS]


def pytest_sessionfinish(session):
    """A pytest-xdist worker hands its counts to the controller, which prints the summary."""
    config = session.config
    if hasattr(config, "workeroutput") and API_COUNTS in config.stash:
        counts = config.stash[API_COUNTS]
        config.workeroutput["api_counts"] = {
            key: sorted(value) if isinstance(value, set) else value for key, value in counts.items()
        }


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    """pytest-xdist's controller: add up the counts of its workers."""
    theirs = getattr(node, "workeroutput", {}).get("api_counts")
    counts = node.config.stash.get(API_COUNTS, None)
    if not theirs or counts is None:
        return
    for key in ("callables", "fuzz_callables"):
        counts[key].update(theirs[key])
    for key in ("bad_inputs", "fuzz_calls"):
        counts[key] += theirs[key]
    if theirs["exempt"] is not None:
        counts["exempt"] = theirs["exempt"]


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    counts = config.stash.get(API_COUNTS, None)
    if not counts or not (counts["bad_inputs"] or counts["fuzz_calls"]):
        return
    parts = []
    if counts["bad_inputs"]:
        exempt = "" if counts["exempt"] is None else f" ({counts['exempt']} more exempt)"
        parts.append(
            f"bad-input table: {len(counts['callables'])} public callables covered{exempt}, "
            f"{counts['bad_inputs']} bad inputs tried"
        )
    if counts["fuzz_calls"]:
        parts.append(
            f"fuzz: {counts['fuzz_calls']} calls on {len(counts['fuzz_callables'])} public callables"
        )
    terminalreporter.write_sep("-", "public API under bad input")
    terminalreporter.write_line("; ".join(parts))


@pytest.fixture(scope="session", autouse=True)
def one_thread():
    """torch and the BLAS libraries on one thread each, for the whole session (see the docstring above).

    The test modules are imported (collected) before this runs, so torch is loaded if any test
    uses it; importing it here for the tests that do not would cost a second per worker.
    """
    from threadpoolctl import threadpool_limits

    torch = sys.modules.get("torch")
    before = torch.get_num_threads() if torch is not None else None
    if torch is not None:
        torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        yield
    if torch is not None:
        torch.set_num_threads(before)


@pytest.fixture(scope="session")
def built_book():
    """The HTML book, built as the README builds it (warnings are errors; cached execution).

    Under pytest-xdist every worker has its own session, so the first worker that needs the
    book builds it while holding a lock, and records the outcome for this run (pytest-xdist gives
    all workers of a run the same ``PYTEST_XDIST_TESTRUNUID``); the others wait for the lock and
    read the outcome instead of building again while pages are being read.
    """
    from filelock import FileLock

    (ROOT / "_build").mkdir(exist_ok=True)
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    record = ROOT / "_build" / ".pytest-build.json"
    with FileLock(str(ROOT / "_build" / ".pytest-build.lock")):
        previous = json.loads(record.read_text()) if run and record.exists() else {}
        if previous.get("run") == run and run:
            returncode, log = previous["returncode"], previous["log"]
        else:
            result = jupyter_book("build", ".", "-W", "-n", "--keep-going", cwd=ROOT)
            returncode, log = result.returncode, f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
            if run:
                record.write_text(json.dumps({"run": run, "returncode": returncode, "log": log}))
    assert returncode == 0, f"the book build failed:\n{log}"
    return HTML


# --- the browser, shared by every browser test of a process --------------------------------------
# Playwright's sync API allows one running instance per thread: test_browser.py,
# test_browser_explorers.py, test_interactive.py and test_jupyterlab.py all use this one.

import functools  # noqa: E402
import http.server  # noqa: E402
import threading  # noqa: E402

from book_helpers import CHROMIUM, CHROMIUM_ARGS  # noqa: E402


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output readable
        pass


@pytest.fixture(scope="session")
def site(built_book):
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        if os.environ.get("MLCOURSE_REQUIRE_BROWSER") == "1":
            pytest.fail("MLCOURSE_REQUIRE_BROWSER=1 but Chromium is not installed (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


# --- the book at an address, and axe-core, for the per-page checks ---------------------------------


@pytest.fixture(scope="session")
def book_url(request):
    """The address of the HTML book the per-page checks read: the repository's build (``site``), or,
    with ``MLCOURSE_A11Y_HTML`` set to another build's HTML folder, that build, served as it is."""
    folder = os.environ.get("MLCOURSE_A11Y_HTML")
    if not folder:
        yield request.getfixturevalue("site")
        return
    if not (Path(folder) / "index.html").is_file():
        pytest.fail(f"MLCOURSE_A11Y_HTML={folder} holds no built book (no index.html)")
    handler = functools.partial(_QuietHandler, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def axe_script() -> Path | None:
    """The vendored ``axe.min.js`` (fetched on first use), or None where npm cannot fetch it.

    None does not skip the browser's other checks of a page; ``tests/test_accessibility.py``'s
    ``test_axe_core_is_available`` is skipped then, or fails under ``MLCOURSE_REQUIRE_BROWSER=1``.
    """
    from book_helpers import vendored_axe

    return vendored_axe()[0]
