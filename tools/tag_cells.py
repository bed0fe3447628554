"""Fold the code of the chapters' check cells away in the HTML book (the `hide-input` tag).

A *check cell* is a code cell whose job is to print check verdicts (the ✔ lines): it calls
``check.close``, ``check.symbolic_equal`` or ``check.mean_close``, asserts, or prints a ✔, and it
is not code the chapter teaches: it defines no function or class, draws no figure, shows no
source, builds no widget, is no exercise cell (``check.answer``, ``exercises.``, or a cell inside a
gated solution), and binds no name that a later visible code cell uses (a cell whose results the
chapter goes on to plot or discuss is part of the teaching). The HTML book then shows the verdicts
and a "Show code cell source" toggle instead of the code; Jupyter and Colab show the cell as it is.

A cell tagged ``show-input`` is never hidden: tag a check cell that way when its code is what the
text teaches. The errata appendix is left alone (its checks are the content). The setup cell keeps
its own tags (``setup``, ``hide-cell``).

Usage (from the repository root)::

    python tools/tag_cells.py            # list the cells that would be tagged
    python tools/tag_cells.py --write    # tag them
    python tools/tag_cells.py --write book/optimization/adam.ipynb   # one notebook
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"

CHECK = re.compile(r"\bcheck\.(close|symbolic_equal|mean_close)\(|^\s*assert\b|✔", re.M)
TEACHES = re.compile(
    r"^\s*(def|class)\s|\bplt\.|\bax\w*\.|\bfig\w*\.|show_source|widgets\.|interact|display\(|"
    r"check\.answer|exercises\.",
    re.M,
)
HIDE, KEEP = "hide-input", "show-input"
#: tags that already decide how the cell is shown
DECIDED = {HIDE, KEEP, "hide-cell", "remove-cell", "remove-input", "setup"}


def source(cell) -> str:
    return "".join(cell["source"])


def _names(text: str) -> tuple[set[str], set[str]]:
    """(names a cell binds at its top level, names it reads), from its code (magics aside)."""
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set(), set()
    bound, read = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (bound if isinstance(node.ctx, ast.Store) else read).add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
    return bound, read


def check_cells(nb) -> list[int]:
    """Indices of the code cells that only check (see the module docstring)."""
    candidates, others, in_solution, first_code = [], [], False, True
    for i, cell in enumerate(nb["cells"]):
        text = source(cell)
        if cell["cell_type"] == "markdown":
            if "{solution-start}" in text:
                in_solution = True
            if "{solution-end}" in text:
                in_solution = False
            continue
        if cell["cell_type"] != "code":
            continue
        tags = set(cell.get("metadata", {}).get("tags", []))
        if first_code:  # the setup cell
            first_code = False
        elif not (in_solution or tags & DECIDED) and CHECK.search(text) and not TEACHES.search(text):
            candidates.append(i)
            continue
        others.append(i)
    # a cell whose results the chapter's visible code goes on to use is part of the teaching
    names = {i: _names(source(nb["cells"][i])) for i in [*candidates, *others]}
    hidden, changed = set(candidates), True
    while changed:  # until no visible cell reads a name last bound by a hidden one
        changed, last = False, {}
        for i in sorted(names):
            bound, read = names[i]
            if i not in hidden:
                for name in read - bound:
                    if last.get(name) in hidden:
                        hidden.discard(last[name])
                        changed = True
            for name in bound:
                last[name] = i
    return sorted(hidden)


def notebooks(paths: list[str]) -> list[Path]:
    if paths:
        return [Path(p).resolve() for p in paths]
    return sorted(p for p in BOOK.rglob("*.ipynb")
                  if ".ipynb_checkpoints" not in p.parts and "errata" not in p.parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="notebooks (default: every chapter)")
    parser.add_argument("--write", action="store_true", help="tag the cells (default: only list them)")
    args = parser.parse_args(argv)
    total = 0
    for path in notebooks(args.paths):
        nb = json.loads(path.read_text(encoding="utf-8"))  # read, change and write at once
        found = check_cells(nb)
        total += len(found)
        if not found:
            continue
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"{shown}: {len(found)} check cells {found}")
        if args.write:
            for i in found:
                meta = nb["cells"][i].setdefault("metadata", {})
                meta["tags"] = [*meta.get("tags", []), HIDE]
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{total} check cells {'tagged' if args.write else 'to tag'} ({HIDE})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
