"""Fixtures shared by the tests of the built book (tests/test_book.py, tests/test_browser.py)."""

import pytest
from book_helpers import HTML, ROOT, jupyter_book


@pytest.fixture(scope="session")
def built_book():
    """The HTML book, built as the README builds it (warnings are errors; cached execution)."""
    result = jupyter_book("build", ".", "-W", "-n", "--keep-going", cwd=ROOT)
    assert result.returncode == 0, f"the book build failed:\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
    return HTML
