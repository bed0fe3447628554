"""Every notebook gives the same text outputs every time it runs.

The book build executes each notebook once and keeps the result in its execution cache
(``_build/.jupyter_cache``, matched on the notebook's code); this test executes the notebook again
in a fresh kernel, in the same environment as the build's kernels (the same number of BLAS and
torch threads: a product split over more threads rounds differently), and compares the two runs
code cell by code cell. Only what is
documented as nondeterministic is ignored:

* memory addresses in object representations (``<... at 0x7f...>``);
* lines that report a measured duration (``2.0 s``, ``9.19 ms``, ``1.3 µs``), and with them
  anything computed from a timing on the same line;
* the standard error stream (progress bars print timings there);
* the identifiers of widget models (random per run); the widgets' contents are compared through
  the figures they show, which are images, not text.
"""

import os
import re

import nbformat
import pytest
from book_helpers import ROOT, book_environment
from nbclient import NotebookClient

pytestmark = [pytest.mark.book, pytest.mark.slow]

NOTEBOOKS = sorted(p for p in (ROOT / "book").rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
TIMING_LINE = re.compile(r"(?m)^.*\b\d+(?:\.\d+)?\s?(?:s|ms|µs|us|min)\b.*$\n?")


def text_outputs(nb) -> list[str]:
    """The text a reader sees under each code cell, normalised (one string per code cell).

    Standard output arrives in chunks whose boundaries depend on timing, so the stream outputs of
    a cell are joined before comparing.
    """
    found = []
    for cell in (c for c in nb.cells if c.cell_type == "code"):
        parts = []
        for out in cell.get("outputs", []):
            if out.output_type == "stream" and out.name == "stdout":
                parts.append(out.text)
            elif out.output_type in ("execute_result", "display_data"):
                data = out.get("data", {})
                if not any(key.startswith("application/vnd.jupyter.widget") for key in data):
                    parts.append("\n[" + data.get("text/plain", "") + "]\n")
            elif out.output_type == "error":
                parts.append(f"\n[{out.ename}: {out.evalue}]\n")
        found.append(TIMING_LINE.sub("", ADDRESS.sub(" at 0x…", "".join(parts))))
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_second_run_gives_the_same_text(built_book, path, monkeypatch):
    from jupyter_cache import get_cache

    rel = path.relative_to(ROOT)
    second = nbformat.read(path, as_version=4)
    record = get_cache(str(ROOT / "_build" / ".jupyter_cache")).match_cache_notebook(second)
    first = get_cache(str(ROOT / "_build" / ".jupyter_cache")).get_cache_bundle(record.pk).nb
    # the same environment as the build's kernels: the inline backend, and the machine's default
    # number of BLAS and torch threads (a product's rounding depends on it)
    for name in set(os.environ) - set(book_environment()):
        monkeypatch.delenv(name)
    NotebookClient(second, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    a, b = text_outputs(first), text_outputs(second)
    assert len(a) == len(b), f"{rel}: {len(a)} code cells in the first run, {len(b)} in the second"
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        assert x == y, f"{rel}, code cell {i}: the two runs differ\nfirst : {x[:500]!r}\nsecond: {y[:500]!r}"
