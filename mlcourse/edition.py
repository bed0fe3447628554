"""Editions of the book's notebooks: ``python -m mlcourse.edition student OUT_DIR``.

The **student edition** is every chapter notebook without its solutions, for instructors to hand
out: each exercise keeps its text and its self-check placeholder (``my_answer = None`` followed by
``check.answer(key, my_answer)``), which answers "no answer yet" until the student fills it in;
everything from a ``solution-start`` cell to its ``solution-end`` cell is removed. The notebooks
still run top to bottom (a test executes every one of them), and carry no outputs.

Usage (from the repository's root)::

    python -m mlcourse.edition student OUT_DIR [--book book]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

__all__ = ["NOTICE", "chapter_notebooks", "student_notebook", "write_student_edition"]

_START = re.compile(r"^\s*```+\{solution-start\}")
_END = re.compile(r"^\s*```+\{solution-end\}")

#: The first cell of every student notebook.
NOTICE = ("**Student edition.** The solutions of this chapter's exercises are removed. Each exercise "
          "has a self-check: replace the placeholder (`None`) with your answer and run the cell; it "
          "tells you whether the answer is right or what kind of mistake it shows, without giving "
          "the answer away.")


def _text(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def student_notebook(notebook: dict, *, name: str = "notebook") -> dict:
    """A copy of ``notebook`` (nbformat JSON as a dict) without solutions and outputs.

    Raises
    ------
    ValueError
        If a ``solution-start`` has no matching ``solution-end`` (or the reverse), naming the
        notebook and the cell.
    """
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise TypeError(f"notebook must be a notebook's JSON as a dict with a 'cells' list; got "
                        f"{type(notebook).__name__}")
    kept, inside, opened_at = [], False, None
    for index, cell in enumerate(notebook["cells"]):
        text = _text(cell) if cell.get("cell_type") == "markdown" else ""
        if _START.match(text):
            if inside:
                raise ValueError(f"{name}: cell {index} opens a solution inside the solution opened "
                                 f"at cell {opened_at}")
            inside, opened_at = True, index
            continue
        if _END.match(text):
            if not inside:
                raise ValueError(f"{name}: cell {index} closes a solution that was never opened")
            inside = False
            continue
        if inside:
            continue
        cell = json.loads(json.dumps(cell))
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
        kept.append(cell)
    if inside:
        raise ValueError(f"{name}: the solution opened at cell {opened_at} is never closed")
    notice = {"cell_type": "markdown", "id": "student-edition-notice",
              "metadata": {"tags": ["student-edition"]}, "source": NOTICE}
    # the notice goes after the title cell
    position = 1 if kept and kept[0].get("cell_type") == "markdown" else 0
    kept.insert(position, notice)
    out = json.loads(json.dumps({k: v for k, v in notebook.items() if k != "cells"}))
    out["cells"] = kept
    out.setdefault("metadata", {}).setdefault("mlcourse", {})["edition"] = "student"
    return out


def chapter_notebooks(book: Path) -> list[Path]:
    """The chapter notebooks under ``book`` (one folder per part; the appendices are not chapters)."""
    book = Path(book)
    if not book.is_dir():
        raise ValueError(f"book must be the folder of the book's chapters (the repository's book/); "
                         f"{str(book)!r} is not a folder")
    found = sorted(p for p in book.glob("*/*.ipynb") if p.parent.name != "appendices")
    if not found:
        raise ValueError(f"no chapter notebooks (book/<part>/<chapter>.ipynb) under {str(book)!r}")
    return found


def write_student_edition(out_dir, book="book") -> list[Path]:
    """Write the student edition of every chapter to ``out_dir/<part>/<chapter>.ipynb``; return the paths."""
    book, out_dir = Path(book), Path(out_dir)
    written = []
    for path in chapter_notebooks(book):
        notebook = json.loads(path.read_text(encoding="utf-8"))
        target = out_dir / path.relative_to(book)
        target.parent.mkdir(parents=True, exist_ok=True)
        student = student_notebook(notebook, name=str(path))
        target.write_text(json.dumps(student, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mlcourse.edition",
                                     description="Write an edition of the book's notebooks.")
    parser.add_argument("edition", choices=["student"], help="which edition (student: no solutions)")
    parser.add_argument("out_dir", help="folder to write the notebooks to (one sub-folder per part)")
    parser.add_argument("--book", default="book", help="the book's chapters folder (default: book)")
    args = parser.parse_args(argv)
    try:
        written = write_student_edition(args.out_dir, args.book)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(f"wrote the student edition of {len(written)} chapters to {args.out_dir}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
