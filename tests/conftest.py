"""Fixtures shared by the tests, and the counts of the public-API tests in the terminal summary.

* ``built_book``: the HTML book, for tests/test_book.py and tests/test_browser.py.
* ``api_counts``: what tests/test_bad_input.py and tests/test_fuzz_api.py tried; the summary
  prints it (``bad-input table: N public callables covered, M bad inputs tried; fuzz: K calls``).
"""

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


@pytest.fixture(scope="session")
def built_book():
    """The HTML book, built as the README builds it (warnings are errors; cached execution)."""
    result = jupyter_book("build", ".", "-W", "-n", "--keep-going", cwd=ROOT)
    assert result.returncode == 0, f"the book build failed:\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
    return HTML
