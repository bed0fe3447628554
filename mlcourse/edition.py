"""Editions of the book's notebooks: ``python -m mlcourse.edition {student,reader} OUT_DIR``.

The **reader's edition** is every notebook of the book's table of contents rewritten in plain
Jupyter Markdown and standard LaTeX, for the places readers run the notebooks (JupyterLab, Colab,
VS Code, GitHub's preview), which know neither the book's TeX macros nor MyST: the macros of
``_config.yml`` (``mathjax3_config``) are expanded in place; equation labels become ``\\tag``s and
``{eq}`` references the numbers the web book shows, e.g. "(7.4)"; ``{numref}``, ``{ref}`` and ``{doc}``
become the figure number, section title or chapter title; ``{cite}`` becomes the author-year text
of ``book/references.bib``; a ``{glue:text}`` number becomes its name in code type (the code cell
prints ``name = value``); an admonition a blockquote with a bold title; a figure's caption a
"Fig. 7.1" paragraph after its cell, and a ``{glue:figure}`` directive (an interactive figure,
which the code cell above shows live) its caption, "Fig. 7.2", numbered with the other figures in
the order of the page. An exercise becomes a heading, "Exercise 7.2 (title)", one
level below its section's; its gated solution a heading one level further down, "Solution to
Exercise 7.2 (open it once you have tried the exercise)", whose section opens folded: the heading
cell carries ``jp-MarkdownHeadingCollapsed`` (read by JupyterLab 4 and Jupyter Notebook 7 when
they open a notebook) and its ``metadata.id`` is listed in the notebook's
``colab.collapsed_sections`` (read by Colab). Every cell of a solution is tagged ``solution``, and
what follows a solution must start with a heading at least as high (the next exercise, the next
section), so that the fold holds the solution and nothing else; the conversion refuses a chapter
where it would not. Solutions, code and the setup cell (which installs mlcourse on Colab) are
kept; outputs are not. The repository keeps this edition in ``colab/book/`` (what the Colab and
Binder buttons and the web book's ``.ipynb`` download give); a test regenerates it and fails when
it is out of date.

The **student edition** is every chapter's reader's edition without its solutions, for
instructors to hand out: each exercise keeps its text and its self-check placeholder
(``my_answer = None`` followed by ``check.answer(key, my_answer)``), which answers "no answer yet"
until the student fills it in; every cell tagged ``solution`` is removed. The notebooks still run
top to bottom (their code cells are the book's, less the solutions') and carry no outputs.
:func:`student_notebook` also takes a chapter as the book keeps it (MyST), and then removes
everything from a ``solution-start`` cell to its ``solution-end`` cell.

Usage (from the repository's root)::

    python -m mlcourse.edition student OUT_DIR [--book book]
    python -m mlcourse.edition reader colab/book [--book book]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["FOLDED", "FOLDED_NOTICE", "NOTICE", "READER_NOTICE", "SOLUTION_HEADING", "Book",
           "chapter_notebooks", "expand_macros", "load_book", "reader_edition", "reader_notebook",
           "student_notebook", "write_reader_edition", "write_student_edition"]

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

    ``notebook`` is either a chapter as the book keeps it (MyST; a solution runs from its
    ``solution-start`` cell to its ``solution-end`` cell) or its reader's edition
    (:func:`reader_notebook`; every cell of a solution is tagged ``solution``), which gives the
    student edition in plain Jupyter Markdown. Either way, the code cells that are not part of a
    solution are kept unchanged and in order (outputs and execution counts cleared), and a notice
    (:data:`NOTICE`) follows the title.

    Raises
    ------
    ValueError
        If a ``solution-start`` has no matching ``solution-end`` (or the reverse), naming the
        notebook and the cell.
    """
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise TypeError(f"notebook must be a notebook's JSON as a dict with a 'cells' list; got "
                        f"{type(notebook).__name__}")
    if not isinstance(name, str):
        raise TypeError(f"name must be a string naming the notebook in messages; got {type(name).__name__}")
    reader = ((notebook.get("metadata") or {}).get("mlcourse") or {}).get("edition") == "reader"
    kept, inside, opened_at = [], False, None
    for index, cell in enumerate(notebook["cells"]):
        if reader:
            if "solution" in (cell.get("metadata") or {}).get("tags", []):
                continue
            if cell.get("id") == "reader-edition-notice":
                continue  # it describes the solutions; the student notice replaces it
        else:
            text = _text(cell) if cell.get("cell_type") == "markdown" else ""
            if _START.match(text):
                if inside:
                    raise ValueError(f"{name}: cell {index} opens a solution inside the solution "
                                     f"opened at cell {opened_at}")
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
              "metadata": {"tags": ["student-edition"]}, "source": NOTICE + (" " + _PLAIN if reader else "")}
    # the notice goes after the title cell
    position = 1 if kept and kept[0].get("cell_type") == "markdown" else 0
    kept.insert(position, notice)
    out = json.loads(json.dumps({k: v for k, v in notebook.items() if k != "cells"}))
    out["cells"] = kept
    metadata = out.setdefault("metadata", {})
    metadata.setdefault("mlcourse", {})["edition"] = "student"
    colab = metadata.get("colab")
    if isinstance(colab, dict) and "collapsed_sections" in colab:
        # the folded sections were the solutions
        del colab["collapsed_sections"]
        if not colab:
            del metadata["colab"]
    return out


def _as_path(value, name: str) -> Path:
    if isinstance(value, bool) or not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (a str or a pathlib.Path); got {type(value).__name__}")
    return Path(value)


def chapter_notebooks(book: Path) -> list[Path]:
    """The chapter notebooks under ``book`` (one folder per part; the appendices are not chapters)."""
    book = _as_path(book, "book")
    if not book.is_dir():
        raise ValueError(f"book must be the folder of the book's chapters (the repository's book/); "
                         f"{str(book)!r} is not a folder")
    found = sorted(p for p in book.glob("*/*.ipynb") if p.parent.name != "appendices")
    if not found:
        raise ValueError(f"no chapter notebooks (book/<part>/<chapter>.ipynb) under {str(book)!r}")
    return found


def write_student_edition(out_dir, book="book") -> list[Path]:
    """Write the student edition of every chapter to ``out_dir/<part>/<chapter>.ipynb``; return the paths.

    Each chapter is first converted to its reader's edition (plain Jupyter Markdown, the book's
    macros written out, the web book's numbers), then its solutions are removed.
    """
    book, out_dir = _as_path(book, "book"), _as_path(out_dir, "out_dir")
    chapters = chapter_notebooks(book)
    root = book.resolve().parent
    numbering = load_book(root)
    written = []
    for path in chapters:
        docname = path.resolve().relative_to(root).with_suffix("").as_posix()
        if docname not in numbering.documents:
            raise ValueError(f"{path}: the chapter is not in the table of contents (_toc.yml), so it "
                             f"has no numbers for its student edition")
        notebook = json.loads(path.read_text(encoding="utf-8"))
        reader = reader_notebook(notebook, numbering, docname)
        student = student_notebook(reader, name=str(path))
        target = out_dir / path.relative_to(book)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(student, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(target)
    return written


# --------------------------------------------------------------------------------------------------
# The reader's edition: plain Jupyter Markdown and standard LaTeX
# --------------------------------------------------------------------------------------------------

#: What the reader's and the student edition say about reading them outside the web book.
_PLAIN = ("This copy of the page reads in JupyterLab, Colab, VS Code and GitHub: the book's TeX "
          "macros are written out and references carry the numbers of the web book. A number that "
          "the web book quotes from the code appears here as its name in `code type`; the code "
          "cell above it prints `name = value`. Run the cells from the top; the first one installs "
          "`mlcourse` where it is missing.")

#: The first cell after the title of every reader's notebook ({where}: "Chapter 7" or "Appendix").
READER_NOTICE = "**Reader's edition** ({where} of *{title}*). " + _PLAIN.replace("{", "{{").replace("}", "}}")

#: The end of that notice in a notebook with exercises.
FOLDED_NOTICE = ("Each exercise is followed by its solution, in a section that JupyterLab, Jupyter "
                 "Notebook and Colab show folded (\"Solution to Exercise ...\"): try the exercise "
                 "first, then open it.")

#: The heading of a solution in the reader's edition ({hashes}: one level below its exercise).
SOLUTION_HEADING = "{hashes} Solution to Exercise {number} (open it once you have tried the exercise)"

#: Cell metadata that JupyterLab 4 and Jupyter Notebook 7 read when they open a notebook: the
#: section under this heading cell starts folded (Colab reads the notebook's
#: ``colab.collapsed_sections`` instead, a list of the heading cells' ``metadata.id``).
FOLDED = "jp-MarkdownHeadingCollapsed"

_FENCE_OPEN = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}[ \t]*(?P<arg>.*)$")
_CODE_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_TARGET = re.compile(r"^\(([\w.:-]+)\)=[ \t]*$", re.M)
_LABELLED_MATH = re.compile(r"\$\$(?P<body>(?:(?!\$\$).)+?)\$\$[ \t]*\((?P<label>[\w.:-]+)\)", re.S)
_ROLE = re.compile(r"\{(?P<role>[\w:-]+)\}`(?P<text>[^`]*)`")
_OPTION = re.compile(r"^:([\w-]+):[ \t]*(.*)$")
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", re.M)


def _config_macros(config: dict) -> dict[str, tuple[str, int]]:
    """The TeX macros of ``_config.yml`` (``sphinx.config.mathjax3_config.tex.macros``)."""
    try:
        raw = config["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    except (KeyError, TypeError):
        raise ValueError("_config.yml has no sphinx.config.mathjax3_config.tex.macros") from None
    macros = {}
    for name, value in raw.items():
        if isinstance(value, str):
            macros[name] = (value, 0)
        elif isinstance(value, list) and len(value) == 2 and isinstance(value[1], int):
            macros[name] = (value[0], value[1])
        else:
            raise ValueError(f"_config.yml: the TeX macro {name!r} is neither a string nor "
                             f"[template, number of arguments]; got {value!r}")
    return macros


def _tex_argument(text: str, i: int) -> tuple[str, int]:
    """One TeX macro argument starting at ``text[i]`` (a braced group, a control word or one character)."""
    while i < len(text) and text[i] in " \t\n":
        i += 1
    if i >= len(text):
        raise ValueError("a TeX macro is missing an argument at the end of the text")
    if text[i] == "{":
        depth, j = 0, i
        while j < len(text):
            if text[j] == "\\":
                j += 2
                continue
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
                if depth == 0:
                    return text[i + 1:j], j + 1
            j += 1
        raise ValueError(f"unbalanced braces in a TeX macro argument: {text[i:i + 40]!r}")
    if text[i] == "\\":
        j = i + 1
        if j < len(text) and text[j].isalpha():
            while j < len(text) and text[j].isalpha():
                j += 1
        else:
            j += 1
        return text[i:j], j
    return text[i], i + 1


def expand_macros(tex: str, macros: dict[str, tuple[str, int]]) -> str:
    """``tex`` with every use of ``macros`` (name -> (template, number of arguments)) written out.

    Scans control sequences as TeX does (``\\\\R`` is a line break and an R, ``\\Rightarrow`` is not
    ``\\R``), takes braced or single-token arguments and expands nested uses.
    """
    if not isinstance(tex, str):
        raise TypeError(f"tex must be a string of TeX; got {type(tex).__name__}")
    if not isinstance(macros, dict):
        raise TypeError(f"macros must be a dict name -> (template, number of arguments); got "
                        f"{type(macros).__name__}")
    out, i, expansions = [], 0, 0
    while i < len(tex):
        char = tex[i]
        if char != "\\":
            out.append(char)
            i += 1
            continue
        j = i + 1
        if j < len(tex) and tex[j].isalpha():
            while j < len(tex) and tex[j].isalpha():
                j += 1
        else:
            j = min(j + 1, len(tex))
        name = tex[i + 1:j]
        if name not in macros:
            out.append(tex[i:j])
            i = j
            continue
        template, nargs = macros[name]
        args = []
        for _ in range(nargs):
            arg, j = _tex_argument(tex, j)
            args.append(arg)
        body = template
        for k, arg in enumerate(args, start=1):
            body = body.replace(f"#{k}", arg)
        if nargs == 0 and j < len(tex) and tex[j].isalpha() and body[-1:].isalpha():
            body += " "  # \R x -> \mathbb{R} x, but a template ending in a letter needs a space
        expansions += 1
        if expansions > 100_000:
            raise ValueError("TeX macro expansion does not terminate (a macro that uses itself?)")
        # the expansion is scanned again, so that macros inside the arguments are expanded too
        tex, i = body + tex[j:], 0
    return "".join(out)


def _split_code(markdown: str) -> list[tuple[bool, str]]:
    """``markdown`` cut into (is_code, text) pieces: fenced code blocks and inline code spans."""
    pieces, buffer, lines, fence = [], [], markdown.split("\n"), None
    code_lines: list[str] = []
    for line in lines:
        if fence is None:
            match = _CODE_FENCE.match(line)
            if match and not re.match(r"^ {0,3}`{3,}\{", line):
                fence = match.group(1)
                pieces.append((False, "\n".join(buffer)))
                buffer, code_lines = [], [line]
                continue
            buffer.append(line)
        else:
            code_lines.append(line)
            if line.strip().startswith(fence) and set(line.strip()) == {fence[0]} \
                    and len(line.strip()) >= len(fence):
                pieces.append((True, "\n" + "\n".join(code_lines) + "\n"))
                fence, code_lines = None, []
    if fence is not None:
        pieces.append((True, "\n" + "\n".join(code_lines)))
    pieces.append((False, "\n".join(buffer)))
    # rejoin: the newlines around code blocks were taken out by the split
    result: list[tuple[bool, str]] = []
    for is_code, text in pieces:
        if is_code:
            result.append((True, text))
            continue
        for k, part in enumerate(re.split(r"(`+[^`]*?`+)", text)):
            result.append((k % 2 == 1, part))
    return result


def _map_prose(markdown: str, function) -> str:
    """Apply ``function`` to the parts of ``markdown`` that are not code."""
    return "".join(text if is_code else function(text) for is_code, text in _split_code(markdown))


@dataclass
class _Document:
    """What one notebook contributes to the book's numbering."""

    path: Path  # relative to the repository root, e.g. book/optimization/adam.ipynb
    docname: str  # book/optimization/adam
    chapter: int | None  # None outside the numbered parts
    title: str = ""
    equations: dict[str, str] = field(default_factory=dict)
    figures: dict[str, str] = field(default_factory=dict)
    exercises: dict[str, tuple[str, str]] = field(default_factory=dict)  # label -> (number, title)
    sections: dict[str, str] = field(default_factory=dict)

    def number(self, k: int) -> str:
        return f"{self.chapter}.{k}" if self.chapter is not None else str(k)


@dataclass
class Book:
    """The book's numbering, titles, macros and references: what a reader's notebook needs."""

    root: Path
    macros: dict[str, tuple[str, int]]
    documents: dict[str, _Document]  # docname -> document, in the order of the table of contents
    citations: dict[str, tuple[str, str]]  # key -> (authors, year)
    title: str

    def find(self, kind: str, label: str, where: str):
        """The document that defines ``label`` among its ``kind`` (``"equations"``, ``"figures"``...),
        and the label's entry there; ValueError naming ``where`` if no document does."""
        for doc in self.documents.values():
            table = getattr(doc, kind)
            if label in table:
                return doc, table[label]
        raise ValueError(f"{where}: no {kind[:-1]} labelled {label!r} in the book")


def _markdown_cells(notebook: dict):
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "markdown":
            yield _text(cell)


def _directive_options(lines: list[str]) -> dict[str, str]:
    """The ``:option: value`` lines at the start of a directive's body."""
    options = {}
    for line in lines:
        opt = _OPTION.match(line.strip())
        if not opt:
            break
        options[opt.group(1)] = opt.group(2).strip()
    return options


def _index_document(doc: _Document, notebook: dict) -> None:
    n_eq = n_fig = n_ex = 0
    for cell in notebook["cells"]:
        text = _text(cell)
        if cell.get("cell_type") == "code":
            figure = (cell.get("metadata", {}).get("mystnb", {}) or {}).get("figure") or {}
            if figure.get("name"):
                n_fig += 1
                doc.figures[figure["name"]] = doc.number(n_fig)
            continue
        if cell.get("cell_type") != "markdown":
            continue
        if not doc.title:
            heading = _HEADING.search(text)
            if heading:
                doc.title = heading.group(1)
        for match in _TARGET.finditer(text):
            heading = _HEADING.search(text, match.end())
            if heading:
                doc.sections[match.group(1)] = heading.group(1)
        # equations and exercises in the order they appear in the cell
        events = [(m.start(), "eq", m.group("label")) for m in _LABELLED_MATH.finditer(text)]
        lines = text.split("\n")
        offset = 0
        for k, line in enumerate(lines):
            match = _FENCE_OPEN.match(line)
            if match and match.group("name") == "glue:figure":
                # a glued (interactive) figure: Sphinx numbers it with the cell-metadata figures,
                # in the order of the document, when it has a name
                name = _directive_options(lines[k + 1:]).get("name", "")
                if name:
                    n_fig += 1
                    doc.figures[name] = doc.number(n_fig)
            if match and match.group("name") == "exercise":
                label = _directive_options(lines[k + 1:]).get("label", "")
                events.append((offset, "ex", (label, match.group("arg").strip())))
            offset += len(line) + 1
        for _, kind, value in sorted(events, key=lambda e: e[0]):
            if kind == "eq":
                n_eq += 1
                doc.equations[value] = doc.number(n_eq)
            else:
                n_ex += 1
                label, title = value
                doc.exercises[label or f"_exercise-{n_ex}"] = (doc.number(n_ex), title)


def _citations(bib: Path) -> dict[str, tuple[str, str]]:
    """key -> (authors as the web book writes them, year) for every entry of the BibTeX file."""
    from pybtex.database import parse_file

    def last(person) -> str:
        return " ".join(person.last_names).replace("{", "").replace("}", "")

    found = {}
    for key, entry in parse_file(str(bib), bib_format="bibtex").entries.items():
        people = entry.persons.get("author") or entry.persons.get("editor") or []
        if len(people) >= 3:
            authors = f"{last(people[0])} et al."
        elif len(people) == 2:
            authors = f"{last(people[0])} and {last(people[1])}"
        elif people:
            authors = last(people[0])
        else:
            authors = entry.fields.get("title", key).replace("{", "").replace("}", "")
        found[key] = (authors, entry.fields.get("year", "n.d."))
    return found


def load_book(root=".") -> Book:
    """Read the table of contents, the configuration and every notebook's labels under ``root``."""
    import yaml

    root = _as_path(root, "root")
    config_path, toc_path = root / "_config.yml", root / "_toc.yml"
    for path in (config_path, toc_path):
        if not path.is_file():
            raise ValueError(f"root must be the book's repository (with _config.yml and _toc.yml); "
                             f"{str(path)!r} is missing")
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    documents: dict[str, _Document] = {}
    chapter = 0

    def add(entry: dict, number: int | None) -> None:
        docname = entry["file"]
        path = root / (docname + ".ipynb")
        if path.is_file():
            doc = _Document(path.relative_to(root), docname, number)
            _index_document(doc, json.loads(path.read_text(encoding="utf-8")))
            documents[docname] = doc

    for part in toc.get("parts", []):
        for entry in part.get("chapters", []):
            if part.get("numbered"):
                chapter += 1
            add(entry, chapter if part.get("numbered") else None)
            for section in entry.get("sections", []):
                add(section, None)
    bibs = config.get("bibtex_bibfiles", [])
    citations = {}
    for bib in bibs:
        citations.update(_citations(root / bib))
    return Book(root, _config_macros(config), documents, citations, str(config.get("title", "")))


def _cite(book: Book, keys: str, textual: bool, where: str) -> str:
    parts = []
    for key in (k.strip() for k in keys.split(",")):
        if key not in book.citations:
            raise ValueError(f"{where}: {{cite}}`{key}` is not in the book's bibliography")
        authors, year = book.citations[key]
        parts.append(f"{authors} [{year}]" if textual else f"{authors}, {year}")
    return ", ".join(parts) if textual else "[" + "; ".join(parts) + "]"


def _role(book: Book, doc: _Document, role: str, text: str, where: str) -> str:
    explicit = re.match(r"^(?P<title>.*?)\s*<(?P<target>[^<>]+)>$", text, re.S)
    title, target = (explicit.group("title"), explicit.group("target")) if explicit else (None, text)
    if role == "eq":
        _, number = book.find("equations", target, where)
        return f"({number})"
    if role == "numref":
        for kind, word in (("figures", "Fig."), ("exercises", "Exercise"), ("equations", "Equation")):
            try:
                _, number = book.find(kind, target, where)
            except ValueError:
                continue
            number = number[0] if isinstance(number, tuple) else number
            if title:
                return title.replace("%s", number).replace("{number}", number)
            return f"{word} {number}"
        raise ValueError(f"{where}: {{numref}}`{text}` points at no figure, exercise or equation")
    if role == "ref":
        if title:
            return title
        for kind in ("sections", "figures", "exercises"):
            try:
                found_doc, value = book.find(kind, target, where)
            except ValueError:
                continue
            if kind == "sections":
                return value if found_doc is doc else f"{value} (in {found_doc.title})"
            return value[1] if isinstance(value, tuple) else value
        raise ValueError(f"{where}: {{ref}}`{text}` points at no section of the book")
    if role == "doc":
        name = target.removesuffix(".ipynb").removesuffix(".md")
        base = doc.docname.rsplit("/", 1)[0]
        candidates = [name.lstrip("/"), f"{base}/{name}"]
        for candidate in candidates:
            candidate = os.path.normpath(candidate).replace(os.sep, "/")
            if candidate in book.documents:
                found = book.documents[candidate]
                return title or found.title  # as the web book shows it: the page's title
        raise ValueError(f"{where}: {{doc}}`{text}` names no notebook of the book")
    if role in ("cite", "cite:p", "cite:t"):
        return _cite(book, target, role == "cite:t", where)
    if role in ("glue:text", "glue", "glue:any"):
        return f"`{target.split(':', 1)[0]}`"
    if role == "math":
        return f"${text}$"
    raise ValueError(f"{where}: the MyST role {{{role}}} has no plain-Markdown form in the reader's edition")


def _prose(book: Book, doc: _Document, text: str, where: str) -> str:
    """Roles, labels and macros of the non-code parts of a piece of Markdown."""
    text = _TARGET.sub("", text)
    text = _ROLE.sub(lambda m: _role(book, doc, m.group("role"), m.group("text"), where), text)

    def tag(match):
        number = doc.equations.get(match.group("label"))
        if number is None:
            raise ValueError(f"{where}: the equation label {match.group('label')!r} was not indexed")
        body = match.group("body")
        closing = "\n$$" if "\n" in body else "$$"
        return f"$${body.rstrip()} \\tag{{{number}}}{closing}"

    text = _LABELLED_MATH.sub(tag, text)
    return expand_macros(text, book.macros)


@dataclass
class _Headings:
    """The heading level in effect while a notebook is converted, and each exercise's level."""

    level: int = 0
    exercises: dict[str, int] = field(default_factory=dict)  # label -> level of its heading


def _heading_levels(markdown: str) -> list[int]:
    """The levels of the ATX headings of ``markdown`` (outside code), in order."""
    levels = []
    for is_code, text in _split_code(markdown):
        if not is_code:
            levels += [len(m.group(1)) for m in re.finditer(r"^ {0,3}(#{1,6})(?:[ \t]|$)", text, re.M)]
    return levels


def _convert_markdown(book: Book, doc: _Document, text: str, where: str,
                      headings: _Headings | None = None) -> str:
    """One Markdown cell in plain Jupyter Markdown: directives first, then roles, labels and macros."""
    # roles inside inline code are code; roles are converted before the code split so that a
    # role's own backticks are not taken for a code span
    text = _ROLE.sub(lambda m: _role(book, doc, m.group("role"), m.group("text"), where), text)
    text = _convert_directives(book, doc, text, where, headings if headings is not None else _Headings())
    return _map_prose(text, lambda t: _prose(book, doc, t, where)).strip("\n")


def _blockquote(text: str) -> str:
    """``text`` as a Markdown blockquote; display math is put on one line first, so that no ``>``
    ends up inside the TeX (Jupyter takes the math out before it parses the Markdown)."""
    text = re.sub(r"\$\$(.+?)\$\$", lambda m: "$$" + " ".join(m.group(1).split()) + "$$", text, flags=re.S)
    return "\n".join(("> " + line) if line.strip() else ">" for line in text.split("\n"))


def _convert_directives(book: Book, doc: _Document, text: str, where: str, headings: _Headings) -> str:
    lines, out, k, code = text.split("\n"), [], 0, None
    while k < len(lines):
        match = _FENCE_OPEN.match(lines[k])
        if code is not None or not match:
            fence = _CODE_FENCE.match(lines[k])
            if code is None and fence:
                code = fence.group(1)
            elif code is not None and lines[k].strip().startswith(code) \
                    and set(lines[k].strip()) == {code[0]}:
                code = None
            elif code is None:
                heading = re.match(r"^ {0,3}(#{1,6})(?:[ \t]|$)", lines[k])
                if heading:
                    headings.level = len(heading.group(1))
            out.append(lines[k])
            k += 1
            continue
        fence, name, arg = match.group("fence"), match.group("name"), match.group("arg").strip()
        end = k + 1
        while end < len(lines) and not (lines[end].strip().startswith(fence[0] * len(fence))
                                        and set(lines[end].strip()) == {fence[0]}):
            end += 1
        if end >= len(lines):
            raise ValueError(f"{where}: the {{{name}}} directive opened here is never closed")
        body = lines[k + 1:end]
        options = {}
        while body and _OPTION.match(body[0].strip()):
            opt = _OPTION.match(body[0].strip())
            options[opt.group(1)] = opt.group(2).strip()
            body = body[1:]
        if name == "exercise":
            # a heading one level below the section's, so that the folded solution after it (one
            # level further down) ends where the next exercise or section begins
            label = options.get("label")
            number, title = doc.exercises.get(label, ("", arg)) if label else ("", arg)
            level = min(max(headings.level + 1, 2), 5)
            if label:
                headings.exercises[label] = level
            content = _convert_directives(book, doc, "\n".join(body).strip("\n"), where,
                                          _Headings(level))
            heading = "#" * level + f" Exercise {number}" + (f" ({title})" if title else "")
            out.append(heading + "\n\n" + content)
            k = end + 1
            continue
        content = _convert_directives(book, doc, "\n".join(body).strip("\n"), where,
                                      _Headings(headings.level))
        if name in ("admonition", "note", "tip", "important", "warning", "caution", "attention",
                      "hint", "danger", "error", "seealso"):
            title = arg if name == "admonition" else (name.capitalize() + (f": {arg}" if arg else ""))
            out.append(_blockquote(f"**{title}**\n\n{content}" if title else content))
        elif name in ("math",):
            out.append(f"$$\n{content}\n$$")
        elif name == "glue:figure":
            # the glued figure (an explorer, an animation) is the output of the code cell above,
            # live in Jupyter and Colab: the directive becomes its caption, numbered as the web
            # book numbers it
            number = doc.figures.get(options.get("name", ""))
            prefix = f"**Fig. {number}.** " if number else ""
            out.append(prefix + content)
        else:
            raise ValueError(f"{where}: the MyST directive {{{name}}} has no plain-Markdown form in "
                             f"the reader's edition")
        k = end + 1
    return "\n".join(out)


def _markdown_cell(source: str, cell_id: str, tags: list[str] | None = None) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {"tags": tags} if tags else {},
            "source": source}


def reader_notebook(notebook: dict, book: Book, docname: str) -> dict:
    """The reader's edition of the book's notebook ``docname`` (``book/<part>/<chapter>``).

    Raises
    ------
    ValueError
        If the notebook uses a MyST construct or a label that has no plain form (naming the
        notebook and the cell), or if its solution markers are unbalanced.
    """
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise TypeError(f"notebook must be a notebook's JSON as a dict with a 'cells' list; got "
                        f"{type(notebook).__name__}")
    if not isinstance(book, Book):
        raise TypeError(f"book must be the Book that load_book() returns; got {type(book).__name__}")
    if not isinstance(docname, str):
        raise TypeError(f"docname must be a string such as 'book/optimization/adam'; got "
                        f"{type(docname).__name__}")
    if docname not in book.documents:
        raise ValueError(f"docname {docname!r} must name a notebook of the book's table of contents")
    doc = book.documents[docname]
    labels = list(doc.exercises)
    headings = _Headings()
    cells, folded = [], []
    solution = None  # the open solution: (exercise number, heading level, where it opened)
    ended: list[tuple[int, int, str, int]] = []  # (its last cell: index in cells, in the notebook;
    #                                                exercise number, heading level) of each solution
    for index, cell in enumerate(notebook["cells"]):
        where = f"{doc.path} cell {index}"
        cell = json.loads(json.dumps(cell))
        inside = solution is not None
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
            new = [cell]
            figure = (cell.get("metadata", {}).get("mystnb", {}) or {}).get("figure") or {}
            if figure.get("caption"):
                number = doc.figures.get(figure.get("name", ""))
                caption = _convert_markdown(book, doc, figure["caption"], where + " (caption)")
                prefix = f"**Fig. {number}.** " if number else ""
                new.append(_markdown_cell(prefix + caption, f"{cell.get('id', index)}-caption",
                                          ["figure-caption"]))
        elif cell.get("cell_type") != "markdown":
            new = [cell]
        else:
            new = [cell]
            text = _text(cell)
            if _START.match(text):
                if inside:
                    raise ValueError(f"{where}: opens a solution inside another one")
                label = re.match(r"^\s*`+\{solution-start\}\s*(\S*)", text).group(1)
                number, _ = doc.exercises.get(label, ("", ""))
                if not number:
                    raise ValueError(f"{where}: the solution names {label!r}, which is no exercise of "
                                     f"this notebook (its exercises: {labels})")
                if label not in headings.exercises:
                    raise ValueError(f"{where}: the solution of Exercise {number} comes before the "
                                     f"exercise")
                level = headings.exercises[label] + 1
                solution, inside = (number, level, where), True
                # a heading whose section JupyterLab, Notebook 7 and Colab open folded
                cell_id = str(cell.get("id") or f"solution-{number}")
                cell["id"] = cell_id
                cell["source"] = SOLUTION_HEADING.format(hashes="#" * level, number=number)
                cell["metadata"] = {**cell.get("metadata", {}), FOLDED: True, "id": cell_id}
                folded.append(cell_id)
            elif _END.match(text):
                if not inside:
                    raise ValueError(f"{where}: closes a solution that was never opened")
                cell["source"] = f"*End of the solution to Exercise {solution[0]}.*"
                ended.append((len(cells), index, solution[0], solution[1]))
                solution = None
            elif inside:
                cell["source"] = _convert_markdown(book, doc, text, where, _Headings(solution[1]))
                shallow = [lv for lv in _heading_levels(cell["source"]) if lv <= solution[1]]
                if shallow:
                    raise ValueError(f"{where}: a level-{shallow[0]} heading inside the solution of "
                                     f"Exercise {solution[0]} would end its folded section early; "
                                     f"use a level-{solution[1] + 1} heading or none")
            else:
                cell["source"] = _convert_markdown(book, doc, text, where, headings)
        if inside:
            for piece in new:
                tags = piece.setdefault("metadata", {}).setdefault("tags", [])
                if "solution" not in tags:
                    tags.append("solution")
        cells += new
    if solution is not None:
        raise ValueError(f"{solution[2]}: the solution of Exercise {solution[0]} opened here is never "
                         f"closed")
    # a folded section runs to the next heading of its level or above: what follows a solution
    # must start with one (the next exercise, or the next section), or it would be folded away
    for last, index, number, level in ended:
        if last + 1 >= len(cells):
            continue
        following = cells[last + 1]
        first = next((line for line in _text(following).split("\n") if line.strip()), "")
        heading = re.match(r"^ {0,3}(#{1,6})(?:[ \t]|$)", first)
        if following.get("cell_type") != "markdown" or not heading or len(heading.group(1)) > level:
            raise ValueError(f"{doc.path} cell {index + 1}: follows the solution of Exercise {number} "
                             f"but does not start with an exercise or a heading of level {level} or "
                             f"above, so a reader would find it folded into the solution: "
                             f"{first[:60]!r}")
    where = f"Chapter {doc.chapter}" if doc.chapter is not None else "an appendix"
    notice = READER_NOTICE.format(where=where, title=book.title) + (" " + FOLDED_NOTICE if folded else "")
    notice = _markdown_cell(notice, "reader-edition-notice", ["reader-edition"])
    position = 1 if cells and cells[0].get("cell_type") == "markdown" else 0
    cells.insert(position, notice)
    out = json.loads(json.dumps({k: v for k, v in notebook.items() if k != "cells"}))
    out["cells"] = cells
    meta = out.setdefault("metadata", {}).setdefault("mlcourse", {})
    meta["edition"] = "reader"
    meta["source"] = str(doc.path).replace(os.sep, "/")
    if folded:
        out["metadata"].setdefault("colab", {})["collapsed_sections"] = folded
    return out


def reader_edition(book="book") -> dict[Path, str]:
    """Every notebook of the table of contents in its reader's edition: relative path -> JSON text.

    The paths are relative to ``book`` (``foundations/change_of_basis.ipynb``); the text is what
    :func:`write_reader_edition` writes (one-space indent, a trailing newline).
    """
    book = _as_path(book, "book")
    if not book.is_dir():
        raise ValueError(f"book must be the folder of the book's chapters (the repository's book/); "
                         f"{str(book)!r} is not a folder")
    root = book.resolve().parent
    numbering = load_book(root)
    texts = {}
    for docname, doc in numbering.documents.items():
        path = root / doc.path
        try:
            rel = path.relative_to(book.resolve())
        except ValueError:
            continue  # a notebook of the table of contents outside book/
        notebook = json.loads(path.read_text(encoding="utf-8"))
        converted = reader_notebook(notebook, numbering, docname)
        texts[rel] = json.dumps(converted, indent=1, ensure_ascii=False) + "\n"
    return texts


def write_reader_edition(out_dir, book="book") -> list[Path]:
    """Write the reader's edition of every notebook to ``out_dir/<part>/<chapter>.ipynb``.

    Notebooks under ``out_dir`` that are no longer in the book are removed, so that the folder is
    exactly the edition. Returns the paths written.
    """
    out_dir = _as_path(out_dir, "out_dir")
    texts = reader_edition(book)
    written = []
    for rel, text in texts.items():
        target = out_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
        written.append(target)
    for stale in out_dir.rglob("*.ipynb") if out_dir.is_dir() else []:
        if stale.relative_to(out_dir) not in texts:
            stale.unlink()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mlcourse.edition",
                                     description="Write an edition of the book's notebooks.")
    parser.add_argument("edition", choices=["student", "reader"],
                        help="which edition (student: no solutions; reader: plain Markdown and LaTeX "
                             "for Jupyter and Colab)")
    parser.add_argument("out_dir", help="folder to write the notebooks to (one sub-folder per part)")
    parser.add_argument("--book", default="book", help="the book's chapters folder (default: book)")
    args = parser.parse_args(argv)
    write = write_student_edition if args.edition == "student" else write_reader_edition
    try:
        written = write(args.out_dir, args.book)
    except ValueError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    if args.edition == "student":
        print(f"wrote the student edition of {len(written)} chapters to {args.out_dir}")
    else:
        print(f"wrote the reader's edition of {len(written)} notebooks to {args.out_dir}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
