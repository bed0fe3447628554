"""Every notebook gives the same text every time it runs, and its student edition runs too.

The book build executes each notebook once and keeps the result in its execution cache
(``_build/.jupyter_cache``, matched on the notebook's code). This test executes the notebook's
*student edition* (:func:`mlcourse.edition.student_notebook`: the same notebook without its
solutions) in a fresh kernel, in the same environment as the build's kernels (the same number of
BLAS and torch threads: a product split over more threads rounds differently), and compares the
text under every code cell it kept with the build's. One execution shows three things:

* the student edition runs top to bottom, and its self-checks say "no answer yet";
* a second run prints the same text as the first (the notebook is deterministic);
* a student sees the numbers the web book shows: no solution changes what later cells print
  (for example by drawing from the chapter's random generator).

The solutions themselves run in the build, which fails on any error. Only what is documented as
nondeterministic is ignored:

* memory addresses in object representations (``<... at 0x7f...>``);
* lines that report a measured duration (``2.0 s``, ``9.19 ms``, ``1.3 µs``), and with them
  anything computed from a timing on the same line;
* the standard error stream (progress bars print timings there);
* the identifiers of widget models (random per run); the widgets' contents are compared through
  the figures they show, which are images, not text.
"""

import json
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


def _kept_cells(first, second) -> list[int]:
    """For each code cell of the student edition, the index of the same cell among the book's.

    The student edition keeps the book's code cells that are not solutions, unchanged and in
    order, so a walk through both finds each one.
    """
    book = [c.source for c in first.cells if c.cell_type == "code"]
    found, j = [], 0
    for cell in (c for c in second.cells if c.cell_type == "code"):
        while j < len(book) and book[j] != cell.source:
            j += 1
        assert j < len(book), f"a code cell of the student edition is not in the book: {cell.source[:80]!r}"
        found.append(j)
        j += 1
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_student_edition_runs_and_prints_what_the_book_printed(built_book, path, monkeypatch):
    from jupyter_cache import get_cache

    from mlcourse.edition import student_notebook

    rel = path.relative_to(ROOT)
    source = nbformat.read(path, as_version=4)
    cache = get_cache(str(ROOT / "_build" / ".jupyter_cache"))
    first = cache.get_cache_bundle(cache.match_cache_notebook(source).pk).nb
    student = student_notebook(json.loads(nbformat.writes(source)), name=str(rel))
    second = nbformat.reads(json.dumps(student), as_version=4)
    # the same environment as the build's kernels: the inline backend, and as many BLAS and torch
    # threads (a product's rounding depends on it)
    environment = book_environment()
    for name in set(os.environ) - set(environment):
        monkeypatch.delenv(name)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    NotebookClient(second, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    a, b = text_outputs(first), text_outputs(second)
    for i, j in enumerate(_kept_cells(first, second)):
        assert a[j] == b[i], (f"{rel}, code cell {j}: the student edition's run printed other text than "
                              f"the book's\nbook   : {a[j][:500]!r}\nstudent: {b[i][:500]!r}")
    if any("check.answer" in c.source for c in second.cells if c.cell_type == "code"):
        assert "no answer yet" in "".join(b), f"{rel}: no placeholder answered 'no answer yet'"
