"""The reader's edition (``colab/book/``): what the Colab and Binder buttons open.

``python -m mlcourse.edition reader colab/book`` writes every notebook of the table of contents in
plain Jupyter Markdown and standard LaTeX (see ``mlcourse/edition.py``). These tests check that

- the committed edition is exactly what the command writes from the book today (otherwise: run it);
- no MyST syntax survives in its Markdown (directives, roles, ``(label)=`` targets, ``$$ (label)``),
  and none of the book's own TeX macros (``_config.yml``'s ``mathjax3_config``) is left;
- every formula in it typesets with KaTeX (from npm, checksum-pinned, under ``node``), the stand-in
  for Colab's renderer, which the tests cannot reach;
- the setup cell, which installs mlcourse where it is missing, is the book's, unchanged;
- the numbers of equations, figures and exercises are those of the built web book;
- every solution opens folded in JupyterLab, Notebook 7 and Colab, and the fold holds exactly the
  solution's cells (computed as JupyterLab folds a collapsed heading);
- the web book's download button gives the reader's edition of each chapter.

The conversion itself is tested on a small book made up for the purpose.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from mlcourse import edition

ROOT = Path(__file__).resolve().parents[1]
EDITION = ROOT / "colab" / "book"
COMMAND = "python -m mlcourse.edition reader colab/book"
sys.path.insert(0, str(ROOT / "tools"))

#: MyST syntax that a reader must never see: (pattern, what it is)
RAW_MYST = [
    (re.compile(r"\{[\w:-]+\}`"), "a MyST role such as {eq}`label`"),
    (re.compile(r"^\s*(`{3,}|:{3,})\{[\w:-]+\}", re.M), "a MyST directive fence such as ```{exercise}"),
    (re.compile(r"^\([\w.:-]+\)=\s*$", re.M), "a MyST target such as (label)="),
    (re.compile(r"\$\$[ \t]*\([\w.:-]+\)"), "an equation label $$ (label)"),
    (re.compile(r"^:(label|class|name|nonumber|alt):", re.M), "a directive option line"),
    (re.compile(r"solution-(start|end)"), "a solution marker"),
]


def _markdown_cells(notebook: dict):
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] == "markdown":
            yield index, "".join(cell["source"])


def _edition_notebooks() -> dict[Path, dict]:
    return {p.relative_to(EDITION): json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(EDITION.rglob("*.ipynb"))}


# --- the conversion, on a made-up book ----------------------------------------------------------

def test_expand_macros_scans_tex_as_tex_does():
    macros = {"R": (r"\mathbb{R}", 0), "vb": (r"\mathbf{#1}", 1), "T": (r"{\top}", 0),
              "norm": (r"\lVert #1 \rVert", 1), "inner": (r"\langle #1, #2 \rangle", 2),
              "tr": (r"\operatorname{tr}", 0)}
    assert edition.expand_macros(r"x \in \R^n \Rightarrow", macros) == r"x \in \mathbb{R}^n \Rightarrow"
    assert edition.expand_macros(r"a \\R b", macros) == r"a \\R b"  # a line break, then R
    assert edition.expand_macros(r"\norm{\vb{x}}^2", macros) == r"\lVert \mathbf{x} \rVert^2"
    assert edition.expand_macros(r"\vb x + \vb{\mu}", macros) == r"\mathbf{x} + \mathbf{\mu}"
    assert (edition.expand_macros(r"A^\T B, \tr A, \trace", macros)
            == r"A^{\top} B, \operatorname{tr} A, \trace")
    assert edition.expand_macros(r"\inner{\vb u}{v}", macros) == r"\langle \mathbf{u}, v \rangle"
    with pytest.raises(ValueError, match="missing an argument"):
        edition.expand_macros(r"\vb", macros)
    with pytest.raises(ValueError, match="unbalanced"):
        edition.expand_macros(r"\vb{x", macros)


def _mini_book(tmp_path: Path, cells: list[str], second: list[str] | None = None) -> Path:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    toc = {"format": "jb-book", "root": "book/intro", "parts": [
        {"caption": "A", "numbered": True, "chapters": [{"file": "book/a/one"}, {"file": "book/a/two"}]},
        {"caption": "Appendices", "chapters": [{"file": "book/appendices/notes"}]}]}
    (tmp_path / "_toc.yml").write_text(yaml.safe_dump(toc), encoding="utf-8")
    (tmp_path / "book" / "a").mkdir(parents=True)
    (tmp_path / "book" / "appendices").mkdir()
    shutil.copy(ROOT / "book" / "references.bib", tmp_path / "book" / "references.bib")

    def notebook(sources):
        out = []
        for source in sources:
            kind, _, text = source.partition(":")
            cell = {"cell_type": "markdown" if kind == "md" else "code", "metadata": {}, "source": text}
            if kind.startswith("fig"):
                cell["metadata"] = {"mystnb": {"figure": {"name": kind, "caption": r"A $\vb{v}$ plot."}}}
            if cell["cell_type"] == "code":
                cell.update(outputs=[{"output_type": "stream", "name": "stdout", "text": "x"}],
                            execution_count=1)
            out.append(cell)
        return {"cells": out, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}

    for name, sources in (("a/one", second or ["md:# One"]), ("a/two", cells),
                          ("appendices/notes", ["md:# Notes\n\n$$\nx\n$$ (eq-app)\n\nSee {eq}`eq-app`."])):
        (tmp_path / "book" / f"{name}.ipynb").write_text(json.dumps(notebook(sources)), encoding="utf-8")
    return tmp_path / "book"


def test_reader_notebook_converts_every_construct(tmp_path):
    book = _mini_book(tmp_path, [
        "md:# Two\n\nA vector $\\vb{x} \\in \\R^n$ and `\\vb x` stays code.\n\n"
        "$$\na = b\n$$ (eq-first)\n\nand\n\n$$\n\\norm{x}\n$$\n\n$$\nc = d\n$$ (eq-second)\n",
        "code:print(1)",
        "fig-two-plot:plot()",
        "md:(sec-later)=\n## Later section\n\nBy {eq}`eq-second` and {eq}`eq-first`, "
        "see {numref}`fig-two-plot`, "
        "{ref}`sec-later`, {doc}`one`, {cite}`kingma2014auto`, {cite:t}`chollet2019measure`, "
        "{glue:text}`my-number:.3f` and {numref}`ex-two-a`.",
        "md:```{admonition} Theorem (one)\n:class: note\n"
        "It holds that\n\n$$\n\\vb{x}\n= 0\n$$ (eq-third)\n```",
        "md:```{exercise} First one\n:label: ex-two-a\n\nUse {eq}`eq-third`.\n```",
        "code:mine = None",
        "md:```{solution-start} ex-two-a\n:class: dropdown\n```",
        "code:secret = 1",
        "md:```{solution-end}\n```",
        "md:```{exercise}\n:label: ex-two-b\n\nNo title.\n```",
    ], second=["md:# One\n\n$$\nz\n$$ (eq-in-one)\n", "fig-one-plot:plot()"])
    written = edition.write_reader_edition(tmp_path / "out", book)
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in written) == [
        "a/one.ipynb", "a/two.ipynb", "appendices/notes.ipynb"]
    two = json.loads((tmp_path / "out" / "a" / "two.ipynb").read_text(encoding="utf-8"))
    texts = ["".join(c["source"]) for c in two["cells"]]
    md = "\n\n".join(t for c, t in zip(two["cells"], texts, strict=True) if c["cell_type"] == "markdown")
    assert texts[0].startswith("# Two") and "Reader's edition" in texts[1] and "Chapter 2" in texts[1]
    assert r"$\mathbf{x} \in \mathbb{R}^n$" in md and r"`\vb x`" in md
    assert "a = b \\tag{2.1}\n$$" in md and "c = d \\tag{2.2}" in md and r"\lVert x \rVert" in md
    assert "By (2.2) and (2.1), see Fig. 2.1, Later section, One," in md
    assert "[Kingma and Welling, 2014], Chollet [2019], `my-number` and Exercise 2.1." in md
    assert "> **Theorem (one)**\n>\n> It holds that\n>\n> $$\\mathbf{x} = 0 \\tag{2.3}$$" in md
    # exercises are headings one level below their section (## Later section), solutions one further
    assert "### Exercise 2.1 (First one)\n\nUse (2.3)." in md and "### Exercise 2.2\n\nNo title." in md
    assert "#### Solution to Exercise 2.1 (open it once you have tried the exercise)" in texts
    assert "End of the solution to Exercise 2.1" in md
    solution = [k for k, c in enumerate(two["cells"]) if "solution" in c["metadata"].get("tags", [])]
    assert [texts[k].split("\n")[0][:12] for k in solution] == ["#### Solutio", "secret = 1", "*End of the "]
    heading = two["cells"][solution[0]]
    assert heading["metadata"]["jp-MarkdownHeadingCollapsed"] is True
    assert two["metadata"]["colab"]["collapsed_sections"] == [heading["metadata"]["id"]] == [heading["id"]]
    assert folded_by_headings(two) == set(solution[1:]), "the fold holds the solution, nothing else"
    assert "**Fig. 2.1.** A $\\mathbf{v}$ plot." in md
    assert "secret = 1" in texts and "mine = None" in texts, "solutions and placeholders are kept"
    assert all(c["outputs"] == [] and c["execution_count"] is None
               for c in two["cells"] if c["cell_type"] == "code")
    assert two["metadata"]["mlcourse"] == {"edition": "reader", "source": "book/a/two.ipynb"}
    assert "colab" not in json.loads((tmp_path / "out" / "a" / "one.ipynb").read_text())["metadata"]
    for pattern, what in RAW_MYST:
        assert not pattern.search(md), f"{what} survived: {pattern.search(md).group(0)!r}"
    one = json.loads((tmp_path / "out" / "a" / "one.ipynb").read_text(encoding="utf-8"))
    assert "z \\tag{1.1}" in one["cells"][0]["source"] and "**Fig. 1.1.**" in one["cells"][-1]["source"]
    notes = json.loads((tmp_path / "out" / "appendices" / "notes.ipynb").read_text(encoding="utf-8"))
    assert "x \\tag{1}" in notes["cells"][0]["source"] and "See (1)." in notes["cells"][0]["source"]
    assert "an appendix" in notes["cells"][1]["source"]

    # a stale notebook in the output folder is removed; an unchanged one is not rewritten
    (tmp_path / "out" / "a" / "gone.ipynb").write_text("{}", encoding="utf-8")
    before = (tmp_path / "out" / "a" / "two.ipynb").stat().st_mtime_ns
    edition.write_reader_edition(tmp_path / "out", book)
    assert not (tmp_path / "out" / "a" / "gone.ipynb").exists()
    assert (tmp_path / "out" / "a" / "two.ipynb").stat().st_mtime_ns == before


def test_a_glued_figure_is_numbered_with_the_others_and_becomes_its_caption(tmp_path):
    """An interactive figure is glued and placed by ``{glue:figure}``: the web book numbers it in the
    order of the page with the cell-metadata figures; the reader's edition shows the figure live in
    the code cell above and turns the directive into its numbered caption."""
    book = _mini_book(tmp_path, [
        "md:# Two\n\nFirst {numref}`fig-two-static`, then {numref}`fig-two-live`, "
        "then {numref}`Figure {number} <fig-two-after>`.",
        "fig-two-static:plot()",
        "code:explorer = explore(fig, update, controls)\nmlcourse.glue_figure('fig-two-live', explorer)",
        "md:```{glue:figure} fig-two-live\n:name: fig-two-live\n:alt: A line that the slider turns.\n\n"
        "The explorer: move $\\vb{a}$ and watch {numref}`fig-two-static` change.\n```\n\nAfter it.",
        "md::::{glue:figure} unnamed\n:alt: Not numbered, as Sphinx leaves it.\n\nNo name.\n:::",
        "fig-two-after:plot()",
    ])
    numbering = edition.load_book(tmp_path)
    assert numbering.documents["book/a/two"].figures == {
        "fig-two-static": "2.1", "fig-two-live": "2.2", "fig-two-after": "2.3"}
    two = json.loads(edition.reader_edition(book)[Path("a/two.ipynb")])
    texts = ["".join(c["source"]) for c in two["cells"]]
    assert "First Fig. 2.1, then Fig. 2.2, then Figure 2.3." in texts[0]
    live = texts.index("**Fig. 2.2.** The explorer: move $\\mathbf{a}$ and watch Fig. 2.1 change."
                       "\n\nAfter it.")
    assert two["cells"][live - 1]["cell_type"] == "code" and "glue_figure" in texts[live - 1]
    assert texts[live + 1] == "No name."
    assert "**Fig. 2.3.** A $\\mathbf{v}$ plot." in texts
    md = "\n\n".join(t for c, t in zip(two["cells"], texts, strict=True) if c["cell_type"] == "markdown")
    for pattern, what in RAW_MYST:
        assert not pattern.search(md), f"{what} survived: {pattern.search(md).group(0)!r}"
    assert ":alt:" not in md


@pytest.mark.parametrize("cells, message", [
    (["md:See {eq}`eq-nowhere`."], "no equation labelled 'eq-nowhere'"),
    (["md:See {numref}`fig-nowhere`."], "points at no figure"),
    (["md:See {cite}`nobody2020`."], "not in the book's bibliography"),
    (["md:{unknownrole}`x`"], "has no plain-Markdown form"),
    (["md:```{figure} x.png\n```"], r"directive \{figure\} has no plain-Markdown form"),
    (["md:```{admonition} Open\nnever closed"], "never closed"),
    (["md:```{solution-start} ex-none\n:class: dropdown\n```"], "no exercise of this notebook"),
    (["md:```{exercise} E\n:label: ex-e\n```", "md:```{solution-start} ex-e\n```"], "never closed"),
    (["md:```{solution-end}\n```"], "never opened"),
    # what follows a solution would be folded into it
    (["md:```{exercise} E\n:label: ex-e\n```", "md:```{solution-start} ex-e\n```", "code:x = 1",
      "md:```{solution-end}\n```", "md:More prose."], "folded into the solution"),
    (["md:```{exercise} E\n:label: ex-e\n```", "md:```{solution-start} ex-e\n```", "code:x = 1",
      "md:```{solution-end}\n```", "code:y = 2"], "folded into the solution"),
    # a heading inside a solution would end the fold early
    (["md:## Exercises", "md:```{exercise} E\n:label: ex-e\n```", "md:```{solution-start} ex-e\n```",
      "md:### Part (a)", "md:```{solution-end}\n```"], "end its folded section early"),
])
def test_reader_edition_refuses_what_it_cannot_convert(tmp_path, cells, message):
    book = _mini_book(tmp_path, ["md:# Two", *cells])
    with pytest.raises(ValueError, match=message):
        edition.reader_edition(book)
    result = subprocess.run([sys.executable, "-m", "mlcourse.edition", "reader", str(tmp_path / "out"),
                             "--book", str(book)], capture_output=True, text=True, check=False)
    assert result.returncode == 2 and "error:" in result.stderr and "two.ipynb cell" in result.stderr


def test_load_book_needs_the_configuration(tmp_path):
    with pytest.raises(ValueError, match=r"_config\.yml"):
        edition.load_book(tmp_path)
    with pytest.raises(TypeError, match="root must be a path"):
        edition.load_book(3)


# --- the committed edition ------------------------------------------------------------------------

def test_the_committed_edition_is_up_to_date():
    expected = edition.reader_edition(ROOT / "book")
    committed = {p.relative_to(EDITION): p.read_text(encoding="utf-8") for p in EDITION.rglob("*.ipynb")}
    stale = sorted(str(p) for p in committed if p not in expected)
    missing = sorted(str(p) for p in expected if p not in committed)
    changed = sorted(str(p) for p in expected if p in committed and committed[p] != expected[p])
    assert not (stale or missing or changed), (
        f"colab/book/ is not the reader's edition of the book (stale: {stale}, missing: {missing}, "
        f"out of date: {changed}); run `{COMMAND}` from the repository's root and commit colab/")


def test_every_notebook_of_the_toc_has_a_reader_edition():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [c["file"] for p in toc["parts"] for c in p["chapters"]]
    files += [s["file"] for p in toc["parts"] for c in p["chapters"] for s in c.get("sections", [])]
    notebooks = {Path(f).relative_to("book").with_suffix(".ipynb") for f in files
                 if (ROOT / (f + ".ipynb")).is_file()}
    assert notebooks and notebooks == set(_edition_notebooks())


def test_every_glued_figure_has_its_number_in_the_edition():
    """Each ``{glue:figure}`` of the book (an interactive figure) is numbered with the chapter's other
    figures; its caption in the reader's edition and every {numref} to it carry that number (the
    number is the web book's: test_numbers_match_the_built_book compares the two)."""
    book = edition.load_book(ROOT)
    glued = re.compile(r"^ {0,3}(`{3,}|:{3,})\{glue:figure\}[^\n]*\n(?::[\w-]+:.*\n)*?:name:[ \t]*(\S+)",
                       re.M)
    found = 0
    for docname, doc in book.documents.items():
        source = json.loads((ROOT / doc.path).read_text(encoding="utf-8"))
        texts = ["".join(c["source"]) for c in source["cells"] if c["cell_type"] == "markdown"]
        names = [m.group(2) for text in texts for m in glued.finditer(text)]
        if not names:
            continue
        reader = json.loads((EDITION / doc.path.relative_to("book")).read_text(encoding="utf-8"))
        md = "\n\n".join(text for _, text in _markdown_cells(reader))
        for label in names:
            found += 1
            number = doc.figures.get(label)
            assert number, f"{docname}: the glued figure {label} has no number"
            assert f"**Fig. {number}.** " in md, f"{docname}: no caption 'Fig. {number}.' for {label}"
        ours = sorted(doc.figures.values(), key=lambda n: int(n.rsplit(".", 1)[-1]))
        assert ours == [doc.number(k) for k in range(1, len(ours) + 1)], (
            f"{docname}: the figures are not numbered 1, 2, ... in the order of the page: {ours}")
    assert found >= 5, f"only {found} glued figures in the book"


def myst_problems(notebook: dict, name: str) -> list[str]:
    """The raw MyST (:data:`RAW_MYST`) and the book-only TeX macros left in a notebook's Markdown."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    macros = config["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    macro_use = re.compile(r"\\(" + "|".join(map(re.escape, macros)) + r")(?![A-Za-z])")
    problems = []
    for index, text in _markdown_cells(notebook):
        for pattern, what in RAW_MYST:
            for match in pattern.finditer(text):
                problems.append(f"{name} cell {index}: {what}: {match.group(0)!r}")
        for match in macro_use.finditer(text.replace("\\\\", "")):
            problems.append(f"{name} cell {index}: the book-only macro {match.group(0)}")
    return problems


def test_myst_problems_finds_myst_and_macros():
    text = "See {eq}`e`, $\\vb{x}$ and $a \\\\R$ (a line break, an R)."
    notebook = {"cells": [{"cell_type": "markdown", "source": text},
                          {"cell_type": "code", "source": "```{exercise}"}]}
    found = myst_problems(notebook, "nb")
    assert len(found) == 2 and "MyST role" in found[0] and "macro \\vb" in found[1]


def test_no_myst_and_no_book_macro_remains():
    problems = []
    for rel, notebook in _edition_notebooks().items():
        problems += myst_problems(notebook, str(rel))
    assert not problems, f"{len(problems)} problems (run `{COMMAND}`):\n" + "\n".join(problems[:40])


def test_setup_cell_is_the_books():
    """The first code cell installs mlcourse where it is missing (Colab): kept exactly as in the book."""
    for rel, notebook in _edition_notebooks().items():
        book = json.loads((ROOT / "book" / rel).read_text(encoding="utf-8"))
        first = [c for c in notebook["cells"] if c["cell_type"] == "code"][:1]
        book_first = [c for c in book["cells"] if c["cell_type"] == "code"][:1]
        assert first == [{**c, "outputs": [], "execution_count": None} for c in book_first], rel
        if first and "setup" in first[0]["metadata"].get("tags", []):
            assert "pip" in "".join(first[0]["source"]) and "MLCOURSE_SOURCE" in "".join(first[0]["source"])


# --- solutions open folded ----------------------------------------------------------------------

def heading_level(cell: dict) -> int | None:
    """The level JupyterLab gives a cell in its outline: its highest heading (None: no heading)."""
    if cell["cell_type"] != "markdown":
        return None
    levels = edition._heading_levels("".join(cell["source"]))
    return min(levels) if levels else None


def folded_by_headings(notebook: dict) -> set[int]:
    """The cells hidden when the notebook opens, as JupyterLab 4 folds: a heading cell whose
    metadata has ``jp-MarkdownHeadingCollapsed`` hides the cells after it, up to the next cell
    whose heading is at its level or above."""
    hidden, cells = set(), notebook["cells"]
    for k, cell in enumerate(cells):
        if not cell["metadata"].get(edition.FOLDED) or k in hidden:
            continue
        level = heading_level(cell)
        assert level is not None, f"cell {k} is marked folded but has no heading"
        for j in range(k + 1, len(cells)):
            other = heading_level(cells[j])
            if other is not None and other <= level:
                break
            hidden.add(j)
    return hidden


def _solution_runs(cells: list[dict]) -> list[list[int]]:
    """The indices of the cells of each solution (consecutive cells tagged ``solution``)."""
    runs: list[list[int]] = []
    for k, cell in enumerate(cells):
        if "solution" in cell["metadata"].get("tags", []):
            if runs and runs[-1][-1] == k - 1:
                runs[-1].append(k)
            else:
                runs.append([k])
    return runs


def test_every_solution_opens_folded():
    """Each solution of the book is one run of ``solution`` cells under a "Solution to Exercise"
    heading that JupyterLab/Notebook 7 (cell metadata) and Colab (``collapsed_sections``) open
    folded; the fold hides exactly the solution's cells; the book's solution cells are all there."""
    problems, solutions = [], 0
    for rel, notebook in _edition_notebooks().items():
        book = json.loads((ROOT / "book" / rel).read_text(encoding="utf-8"))
        starts = sum(bool(re.match(r"\s*`+\{solution-start\}", "".join(c["source"])))
                     for c in book["cells"] if c["cell_type"] == "markdown")
        cells, runs = notebook["cells"], _solution_runs(notebook["cells"])
        solutions += len(runs)
        if len(runs) != starts:
            problems.append(f"{rel}: {starts} solutions in the book, {len(runs)} runs of solution cells")
        headings = []
        for run in runs:
            first = cells[run[0]]
            text = "".join(first["source"])
            if not re.fullmatch(r"#{2,6} Solution to Exercise [\w.]+ \(open it once you have tried the "
                                r"exercise\)", text):
                problems.append(f"{rel} cell {run[0]}: a solution starts with {text[:60]!r}")
            if first["metadata"].get(edition.FOLDED) is not True:
                problems.append(f"{rel} cell {run[0]}: no {edition.FOLDED} (JupyterLab shows it open)")
            if first["metadata"].get("id") != first.get("id"):
                problems.append(f"{rel} cell {run[0]}: metadata.id (Colab's) is not the cell's id")
            headings.append(first["metadata"].get("id"))
        if runs and notebook["metadata"].get("colab", {}).get("collapsed_sections") != headings:
            problems.append(f"{rel}: colab.collapsed_sections is not the list of solution headings")
        folded = folded_by_headings(notebook)
        wanted = {k for run in runs for k in run[1:]}
        for k in sorted(folded ^ wanted):
            what = "hidden but not part of a solution" if k in folded else "part of a solution but shown"
            problems.append(f"{rel} cell {k}: {what}: {''.join(cells[k]['source'])[:60]!r}")
        # the book's code in the solutions, every cell of it, in order
        book_solution_code, inside = [], False
        for c in book["cells"]:
            text = "".join(c["source"])
            if c["cell_type"] == "markdown" and re.match(r"\s*`+\{solution-(start|end)\}", text):
                inside = "start" in text.split("}")[0]
            elif inside and c["cell_type"] == "code":
                book_solution_code.append(text)
        mine = ["".join(cells[k]["source"]) for run in runs for k in run if cells[k]["cell_type"] == "code"]
        if mine != book_solution_code:
            problems.append(f"{rel}: the solutions' code cells differ from the book's")
    assert solutions > 100 and not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


# --- every formula typesets with KaTeX ------------------------------------------------------------

def math_in_markdown(text: str) -> list[tuple[str, bool]]:
    """The formulas of a Jupyter Markdown cell as Jupyter finds them: (tex, display) pairs.

    ``$$...$$`` is display math, ``$...$`` inline math, ``\\$`` a dollar sign; code spans and fenced
    code blocks hold none.
    """
    found = []
    for is_code, piece in edition._split_code(text):
        if is_code:
            continue
        i = 0
        while i < len(piece):
            if piece[i] == "\\":
                i += 2
                continue
            if piece.startswith("$$", i):
                end = piece.find("$$", i + 2)
                if end < 0:
                    raise ValueError(f"an unclosed $$ in {piece[i:i + 60]!r}")
                found.append((piece[i + 2:end], True))
                i = end + 2
                continue
            if piece[i] == "$":
                j = i + 1
                while j < len(piece) and piece[j] != "$":
                    j += 2 if piece[j] == "\\" else 1
                if j >= len(piece):
                    raise ValueError(f"an unclosed $ in {piece[i:i + 60]!r}")
                found.append((piece[i + 1:j], False))
                i = j + 1
                continue
            i += 1
    return found


def test_math_in_markdown_finds_inline_and_display_math():
    text = "Cost \\$5, $a_1$ and `$not$`\n\n$$\n\\frac{1}{2}\n$$\n\n```python\nx = '$'\n```\n$b$"
    assert math_in_markdown(text) == [("a_1", False), ("\n\\frac{1}{2}\n", True), ("b", False)]


@pytest.fixture(scope="module")
def katex():
    node = shutil.which("node")
    from vendor_katex import VendorError, ensure_katex

    try:
        if node is None:
            raise VendorError("node is not installed")
        return node, ensure_katex()
    except VendorError as err:
        if os.environ.get("MLCOURSE_REQUIRE_VENDOR") == "1":
            pytest.fail(f"MLCOURSE_REQUIRE_VENDOR=1 but KaTeX cannot run: {err}")
        pytest.skip(f"KaTeX cannot run here: {err}")


def _typeset(katex, formulas: list[dict]) -> dict:
    node, katex_js = katex
    result = subprocess.run([node, str(ROOT / "tools" / "katex_check.js"), str(katex_js)],
                            input=json.dumps(formulas), capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_katex_refuses_what_colab_cannot_show(katex):
    """The check can fail: KaTeX rejects the book's own macros and broken TeX."""
    out = _typeset(katex, [{"tex": r"\vb{x}", "display": False, "where": "a"},
                           {"tex": r"\frac{1}{", "display": True, "where": "b"},
                           {"tex": r"\mathbf{x}^{\top} \tag{7.4}", "display": True, "where": "c"}])
    assert out["count"] == 3 and [f["where"] for f in out["failures"]] == ["a", "b"]
    assert "Undefined control sequence" in out["failures"][0]["error"]


def test_every_formula_typesets_with_katex(katex):
    formulas = []
    for rel, notebook in _edition_notebooks().items():
        for index, text in _markdown_cells(notebook):
            for tex, display in math_in_markdown(text):
                formulas.append({"tex": tex, "display": display, "where": f"{rel} cell {index}"})
    out = _typeset(katex, formulas)
    assert out["count"] == len(formulas) > 1000
    failures = [f"{f['where']}: {f['error']}\n    {f['tex'][:200]!r}" for f in out["failures"]]
    assert not failures, (f"{len(failures)} of {len(formulas)} formulas fail in KaTeX:\n"
                          + "\n".join(failures[:30]))


# --- the numbers are the web book's ---------------------------------------------------------------

@pytest.mark.book
@pytest.mark.slow
def test_numbers_match_the_built_book(built_book):
    """Equation, figure and exercise numbers of the edition are those the HTML book shows."""
    book = edition.load_book(ROOT)
    problems, counted = [], 0
    for docname, doc in book.documents.items():
        html = (built_book / f"{docname}.html").read_text(encoding="utf-8")
        shown = {("eq", label): number for number, label in re.findall(
            r'<span class="eqno">\(([^)]*)\)<a class="headerlink" href="#equation-([^"]+)"', html)}
        shown.update({("ex", label): number for label, number in re.findall(
            r'<div class="exercise admonition" id="([^"]+)">\s*<p class="admonition-title">\s*'
            r'<span class="caption-number">Exercise ([^ <]+) </span>', html)})
        shown.update({("fig", label): number for label, number in re.findall(
            r'<figure[^>]*id="([^"]+)"[^>]*>.*?<span class="caption-number">Fig\. ([^ <]+) </span>',
            html, re.S)})
        mine = {("eq", label.lower()): number for label, number in doc.equations.items()}
        mine.update({("ex", label): number for label, (number, _) in doc.exercises.items()})
        mine.update({("fig", label): number for label, number in doc.figures.items()})
        counted += len(mine)
        for key in sorted(set(shown) | set(mine)):
            if shown.get(key) != mine.get(key):
                problems.append(f"{docname}: {key[0]} {key[1]}: web book {shown.get(key)}, "
                                f"reader's edition {mine.get(key)}")
    assert counted > 300 and not problems, "\n".join(problems[:40])


@pytest.mark.book
@pytest.mark.slow
def test_colab_and_binder_buttons_open_the_readers_edition(built_book):
    """The web book's launch buttons open ``colab/book/...``, which exists and is the reader's edition.

    (``_config.yml``: ``repository.path_to_book: colab`` makes sphinx-book-theme put ``colab/`` in
    front of every page's path in the Colab and Binder links.)
    """
    url = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]
    repo = url.removeprefix("https://github.com/")
    problems = []
    book = edition.load_book(ROOT)
    for docname in book.documents:
        html = (built_book / f"{docname}.html").read_text(encoding="utf-8")
        colab = re.findall(rf"colab\.research\.google\.com/github/{re.escape(repo)}/blob/[^/]+/"
                           r"([^\"'\s?]+)", html)
        binder = re.findall(r"mybinder\.org/v2/gh/[^\"'\s]*urlpath=lab/tree/([^\"'\s&]+)", html)
        for kind, targets in (("Colab", colab), ("Binder", binder)):
            if not targets:
                problems.append(f"{docname}: no {kind} button")
            for target in set(targets):
                path = ROOT / target
                if not target.startswith("colab/") or not path.is_file():
                    problems.append(f"{docname}: the {kind} button opens {target}, not the reader's edition")
                elif json.loads(path.read_text(encoding="utf-8"))["metadata"]["mlcourse"].get(
                        "edition") != "reader":
                    problems.append(f"{docname}: {target} is not the reader's edition")
    assert not problems, "\n".join(problems)


def download_problems(html: Path) -> tuple[list[str], int]:
    """What is wrong with the download buttons of the site in ``html``, and how many chapters have one.

    Every page with a reader's edition (``colab/<page>.ipynb``) must offer an ``.ipynb`` download
    that is, byte for byte, that notebook; every other page keeps its own source.
    """
    problems, checked = [], 0
    for page in sorted(html.rglob("*.html")):
        name = page.relative_to(html).with_suffix("").as_posix()
        if name.startswith("_"):
            continue
        text = page.read_text(encoding="utf-8")
        buttons = re.findall(r'<a href="([^"]+)"[^>]*?class="btn btn-sm btn-download-[\w-]+-button',
                             text, re.S)
        reader = ROOT / "colab" / f"{name}.ipynb"
        notebooks = [b for b in buttons if b.endswith(".ipynb")]
        if not reader.is_file():
            if notebooks and not all("/_sources/" in f"/{b}" for b in notebooks):
                problems.append(f"{name}: no reader's edition, but the download gives {notebooks}")
            continue
        checked += 1
        if len(notebooks) != 1:
            problems.append(f"{name}: {len(notebooks)} .ipynb downloads ({buttons})")
            continue
        target = (page.parent / notebooks[0]).resolve()
        if html.resolve() not in target.parents or not target.is_file():
            problems.append(f"{name}: the .ipynb download {notebooks[0]} is no file of the site")
        elif target.read_bytes() != reader.read_bytes():
            problems.append(f"{name}: the .ipynb download {notebooks[0]} is not colab/{name}.ipynb")
    return problems, checked


@pytest.mark.book
@pytest.mark.slow
def test_download_button_gives_the_readers_edition(built_book):
    """The download menu's ``.ipynb`` of every chapter is its reader's edition (_ext/downloads.py),
    copied into the site; the Markdown front page keeps its ``.md`` source."""
    problems, checked = download_problems(built_book)
    chapters = len(list(EDITION.rglob("*.ipynb")))
    assert checked == chapters and not problems, (f"{checked} of {chapters} pages checked:\n"
                                                  + "\n".join(problems))
    front = (built_book / "book" / "intro.html").read_text(encoding="utf-8")
    assert "_sources/book/intro.md" in front, "the front page's download is its Markdown source"
