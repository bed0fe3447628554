"""Helpers for the tests of the built book: run jupyter-book, read the table of contents."""

import functools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"


def jupyter_book(*args, cwd):
    """Run the jupyter-book command of this environment.

    MPLBACKEND is removed from its environment: the tests set it to Agg for nbval, but the book's
    kernels need the inline backend, which is what puts the figures on the pages.
    """
    exe = Path(sys.executable).with_name("jupyter-book")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter_book.cli.main"]
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, timeout=1500,
                          env=book_environment())


def book_environment() -> dict[str, str]:
    """The environment of a book build as the README runs it, for the kernels that fill its cache.

    Without the variables that the root conftest.py sets for the test processes (MPLBACKEND: the
    book's kernels draw inline; the one-thread limits, unless the caller set them), and with what
    ``_ext/kernel_environment.py`` sets for the build's kernels (no progress bars; one BLAS and
    torch thread, which the caller may override). tests/test_determinism.py's second run must see
    the same: a product's rounding depends on how many threads share it.
    """
    from _ext.kernel_environment import KERNEL_ENVIRONMENT  # (the repository's root is on sys.path)

    set_by_pytest = set(filter(None, os.environ.get("MLCOURSE_THREADS_SET_BY_PYTEST", "").split(",")))
    drop = {"MPLBACKEND", "MLCOURSE_THREADS_SET_BY_PYTEST", *set_by_pytest}
    return KERNEL_ENVIRONMENT | {k: v for k, v in os.environ.items() if k not in drop}


def toc_entries():
    """Every page of the table of contents, in reading order (paths without suffix)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    entries = [toc["root"]]
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            entries.append(chapter["file"])
            entries += [section["file"] for section in chapter.get("sections", [])]
    return entries


def chapter_numbers():
    """The book's chapter numbers, as the HTML shows them: numbered parts count on across parts."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    numbers, n = {}, 0
    for part in toc["parts"]:
        if not part.get("numbered"):
            continue
        for chapter in part["chapters"]:
            n += 1
            numbers[chapter["file"]] = n
    return numbers


_LIST_MARKER = re.compile(r"\s{0,3}([-+*]|\d+[.)])\s")


def list_markers_in_math(markdown: str) -> list[int]:
    """Lines of Markdown that start like a list item while inside ``$...$`` or ``$$...$$``.

    MyST ends the paragraph there and starts a list, so the reader sees raw TeX: ``$a`` and
    ``- b$`` in two list items. Move the operator to the end of the line before.
    """
    found, state = [], None  # None, "$" or "$$"
    fences = []  # open fences: "code" (skipped) or "directive" (its body is Markdown: ```{exercise})
    for k, line in enumerate(markdown.split("\n")):
        fence = line.lstrip()
        if fence.startswith(("```", "~~~")):
            info = fence.lstrip("`~").strip()
            if info.startswith("{"):
                fences.append("directive")
            elif info or not fences:
                fences.append("code")
            else:
                fences.pop()
            continue
        if fences and fences[-1] == "code":
            continue
        if state and _LIST_MARKER.match(line):
            found.append(k)
        i = 0
        while i < len(line):
            if line[i] == "\\":
                i += 2
                continue
            if line[i] == "`" and state is None:  # inline code: skip to its end
                end = line.find("`", i + 1)
                i = len(line) if end < 0 else end + 1
                continue
            if line.startswith("$$", i):
                state = None if state == "$$" else ("$$" if state is None else state)
                i += 2
                continue
            if line[i] == "$":
                state = None if state == "$" else ("$" if state is None else state)
            i += 1
    return found


#: Debian's Chromium (apt-get install chromium) and its flags, for every browser test
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@functools.cache
def vendored_axe() -> tuple[Path | None, str]:
    """axe-core's ``axe.min.js`` for the accessibility checks (fetched with npm on first use, see
    ``tools/vendor_axe.py``), or None and the reason it cannot be fetched here."""
    sys.path.insert(0, str(ROOT / "tools"))
    from vendor_axe import VendorError, ensure_axe

    try:
        return ensure_axe(), ""
    except VendorError as err:
        return None, str(err)
