"""The notebook conventions of the book, enforced (see ../shared/conventions.md).

Each rule is a test over every notebook in book/; a failure names the notebook, the rule and the
cell, so whoever broke it knows what to fix.
"""

import ast
import json
import re
from pathlib import Path

import pytest
import yaml
from book_helpers import chapter_numbers, list_markers_in_math

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
NOTEBOOKS = sorted(p for p in BOOK.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
SYLLABUS = ROOT.parent / "shared" / "syllabus.md"  # beside the repository in CI; optional locally
ID_PATTERN = re.compile(r"^\d\.(\d+|A)$")
#: folders whose notebooks teach no syllabus item (they may list none)
NON_CHAPTER_FOLDERS = {"appendices", "errata"}


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def code_cells(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell):
    return "".join(cell["source"])


def repository_url():
    return yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]


def name(path):
    return str(path.relative_to(ROOT))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks found under book/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=name)
def test_no_stored_outputs(path):
    for i, cell in enumerate(load(path)["cells"]):
        if cell["cell_type"] != "code":
            continue
        assert not cell.get("outputs"), (
            f"{name(path)}: rule 'no stored outputs': code cell {i} has outputs; "
            "clear them before committing (the book executes notebooks itself)"
        )
        assert cell.get("execution_count") is None, (
            f"{name(path)}: rule 'no stored outputs': code cell {i} has an execution count"
        )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=name)
def test_first_code_cell_is_the_setup_cell(path):
    cells = code_cells(load(path))
    assert cells, f"{name(path)}: rule 'setup cell': the notebook has no code cell"
    first = cells[0]
    text = source(first)
    where = f"{name(path)}: rule 'setup cell' (first code cell)"
    expected_source = f'MLCOURSE_SOURCE = "mlcourse[book] @ git+{repository_url()}"'
    assert expected_source in text, (
        f"{where}: it must install mlcourse from the repository named in _config.yml, with the "
        f"line {expected_source!r}"
    )
    assert 'if importlib.util.find_spec("mlcourse") is None:' in text, (
        f"{where}: it must install mlcourse only when it is missing"
    )
    assert re.search(r"^rng = mlcourse\.setup_notebook\(seed=\d+\)$", text, re.M), (
        f"{where}: it must seed and style with 'rng = mlcourse.setup_notebook(seed=...)'"
    )
    tags = first.get("metadata", {}).get("tags", [])
    assert "setup" in tags and "hide-cell" in tags, (
        f"{where}: it must be tagged 'setup' and 'hide-cell' (so the HTML book hides it); got {tags}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=name)
def test_syllabus_metadata(path):
    meta = load(path)["metadata"]
    where = f"{name(path)}: rule 'syllabus metadata'"
    assert "mlcourse" in meta and "syllabus" in meta["mlcourse"], (
        f'{where}: the notebook metadata must contain "mlcourse": {{"syllabus": [...]}}'
    )
    ids = meta["mlcourse"]["syllabus"]
    assert isinstance(ids, list), f"{where}: syllabus must be a list of ids; got {ids!r}"
    bad = [i for i in ids if not (isinstance(i, str) and ID_PATTERN.match(i))]
    assert not bad, f"{where}: ids must look like '1.2' or '1.A'; got {bad}"
    if path.parent.name not in NON_CHAPTER_FOLDERS:
        assert ids, f"{where}: a chapter must list the syllabus items it teaches"
    if SYLLABUS.exists():
        known = set(re.findall(r"^- (\d\.(?:\d+|A)) ", SYLLABUS.read_text(encoding="utf-8"), re.M))
        unknown = sorted(set(ids) - known)
        assert not unknown, f"{where}: ids not in {SYLLABUS.name}: {unknown}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=name)
def test_every_notebook_checks_something(path):
    checks = [
        c for c in code_cells(load(path))[1:]
        if re.search(r"\bcheck\.\w+\(|^\s*assert\b", source(c), re.M)
    ]
    assert checks, (
        f"{name(path)}: rule 'at least one check': no code cell calls mlcourse.check or asserts"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=name)
def test_exercise_solutions_are_gated(path):
    """Solutions use sphinx-exercise's gated form, so that their code cells are executed."""
    open_label = None
    for i, cell in enumerate(load(path)["cells"]):
        text = source(cell)
        where = f"{name(path)}: rule 'gated solutions' (cell {i})"
        if cell["cell_type"] == "markdown":
            assert "```{solution}" not in text, (
                f"{where}: use solution-start/solution-end around code cells, not a solution "
                "directive (code inside it is not executed)"
            )
            start = re.search(r"```\{solution-start\}\s+(\S+)", text)
            if start:
                assert open_label is None, f"{where}: solution {open_label} is not closed"
                open_label = start.group(1)
                assert ":class: dropdown" in text, f"{where}: solutions must be hidden (dropdown)"
            if "```{solution-end}" in text:
                assert open_label is not None, f"{where}: solution-end without a solution-start"
                open_label = None
    assert open_label is None, f"{name(path)}: rule 'gated solutions': {open_label} never ends"


FIGURE_CALLS = re.compile(r"\bplt\.show\(\)|\bfig(?:ure)?\.show\(\)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=name)
def test_every_figure_has_alt_text(path):
    """A cell that shows a figure describes it in words (``mystnb.image.alt`` or a caption)."""
    for i, cell in enumerate(load(path)["cells"]):
        if cell["cell_type"] != "code" or not FIGURE_CALLS.search(source(cell)):
            continue
        mystnb = cell.get("metadata", {}).get("mystnb", {})
        alt = (mystnb.get("image", {}).get("alt") or mystnb.get("figure", {}).get("caption") or "").strip()
        assert len(alt) >= 20, (
            f"{name(path)}: rule 'figures are described' (cell {i}): a cell that shows a figure needs "
            'metadata "mystnb": {"image": {"alt": "<what the figure shows, in words>"}}'
        )


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            files.append(chapter["file"])
            files.extend(s["file"] for s in chapter.get("sections", []))
    return files


def test_table_of_contents_matches_the_notebooks():
    listed = toc_files()
    for entry in listed:
        candidates = [ROOT / f"{entry}{ext}" for ext in (".ipynb", ".md")]
        assert any(c.exists() for c in candidates), f"_toc.yml lists {entry}, which does not exist"
    listed_notebooks = {ROOT / f"{entry}.ipynb" for entry in listed}
    missing = [name(p) for p in NOTEBOOKS if p not in listed_notebooks]
    assert not missing, f"notebooks not in _toc.yml (the book would not show them): {missing}"


# --- the reading standard (issue 16; see /work/notes/READING_STANDARD.md) ---------------------------

STYLE_OVERRIDES = re.compile(r"rcParams|plt\.style|matplotlib\.rc\(|\bmpl\.rc\(|plt\.rc\(|InlineBackend|"
                             r"set_matplotlib_formats")
HEX_COLOUR = re.compile(r"""["']#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?(?:[0-9a-fA-F]{2})?["']""")
FIGSIZE_WIDTH = re.compile(r"figsize=\(\s*([\d.]+)\s*,")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=name)
def test_figures_use_the_book_style(path):
    """The style comes from setup_notebook only, and colours from plotting.COLORS, not hex strings."""
    from mlcourse.plotting import COLUMN_WIDTH

    wide = 0
    for i, cell in enumerate(code_cells(load(path))):
        text = source(cell)
        where = f"{name(path)}: rule 'one figure style' (code cell {i})"
        assert not STYLE_OVERRIDES.search(text), (
            f"{where}: sets matplotlib's style itself; setup_notebook applies the book's style"
        )
        assert not HEX_COLOUR.search(text), (
            f"{where}: a hex colour; use mlcourse.plotting.COLORS[<concept>] (one colour per concept)"
        )
        wide += sum(float(w) > COLUMN_WIDTH for w in FIGSIZE_WIDTH.findall(text))
    assert wide == 0, (
        f"{name(path)}: rule 'figures fit the column': {wide} figures wider than {COLUMN_WIDTH} in; "
        f"use figsize=plotting.figsize(ncols, nrows)"
    )


def _markdown_sources():
    for path in NOTEBOOKS:
        for i, cell in enumerate(load(path)["cells"]):
            if cell["cell_type"] == "markdown":
                yield f"{name(path)} (cell {i})", source(cell)
    for path in sorted(BOOK.rglob("*.md")):
        yield name(path), path.read_text(encoding="utf-8")


def test_no_line_inside_math_starts_like_a_list_item():
    """Such a line ends the paragraph and starts a list: the page shows raw TeX."""
    bad = []
    for where, text in _markdown_sources():
        lines = text.split("\n")
        bad += [f"{where}: {lines[k][:60]!r}" for k in list_markers_in_math(text)]
    assert not bad, (
        "lines inside $...$ that start with '+ ', '- ', '* ' or '1. ' (end the line before with the "
        "operator instead):\n" + "\n".join(bad)
    )


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if "errata" in p.parts], ids=name)
def test_errata_are_numbered_by_the_chapters_they_correct(path):
    numbers = chapter_numbers()
    entries = 0
    for i, cell in enumerate(load(path)["cells"]):
        text = source(cell)
        if cell["cell_type"] != "markdown" or not text.startswith("## "):
            continue
        entries += 1
        heading = re.match(r"## Chapter (\d+): ", text)
        assert heading, f"{name(path)} (cell {i}): an erratum's heading starts 'Chapter N: '"
        links = re.findall(r"\]\(((?:\.\./)+)([a-z_]+/[a-z_]+)\.ipynb\)", text)
        assert links, f"{name(path)} (cell {i}): an erratum links to the chapter that teaches it"
        chapter = f"book/{links[0][1]}"
        assert numbers.get(chapter) == int(heading.group(1)), (
            f"{name(path)} (cell {i}): 'Chapter {heading.group(1)}' but it links to {chapter}, "
            f"chapter {numbers.get(chapter)}"
        )
    assert entries, f"{name(path)}: no entries"


@pytest.mark.parametrize("path", [p for p in NOTEBOOKS if "appendices" not in p.parts], ids=name)
def test_check_cells_fold_their_code_away(path):
    """Every cell that only prints check verdicts is tagged hide-input (or show-input on purpose)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("tag_cells", ROOT / "tools" / "tag_cells.py")
    tag_cells = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tag_cells)
    untagged = tag_cells.check_cells(load(path))
    assert not untagged, (
        f"{name(path)}: rule 'checks fold their code away': cells {untagged} only check; run "
        "'python tools/tag_cells.py --write' (or tag one 'show-input' when its code is what the text teaches)"
    )


# --- interactive figures: numbered, captioned and described like the others -----------------------

#: What makes an interactive figure (an HTML output: an explorer, the playground, an animation).
INTERACTIVE_MAKERS = {"explore", "Explorer", "Interactive", "basis_explorer", "optimizer_playground",
                      "playground_animation", "basis_animation", "animation_html"}
GLUE_FIGURE = re.compile(r"^ {0,3}(?P<fence>`{3,}|:{3,})\{glue:figure\}[ \t]*(?P<key>\S*)[ \t]*\n"
                         r"(?P<body>.*?)^ {0,3}(?P=fence)[ \t]*$", re.M | re.S)
NUMREF = re.compile(r"\{numref\}`(?:[^`<]*<)?(?P<label>[^`<>]+)>?`")


def _called(node) -> str | None:
    """The name of the function a Call node calls (``f(...)`` or ``module.f(...)``)."""
    if isinstance(node, ast.Call):
        if isinstance(node.func, ast.Name):
            return node.func.id
        if isinstance(node.func, ast.Attribute):
            return node.func.attr
    return None


def displayed_interactive_figure(text: str) -> tuple[bool, str | None]:
    """(whether the cell's output is an interactive figure, the key it glues it under or None).

    The output is the last statement's value: a call that makes an interactive figure, a name bound
    to one in the cell, ``display(...)`` of either, or ``mlcourse.glue_figure(key, ...)``.
    """
    code = "\n".join(line for line in text.split("\n") if not line.lstrip().startswith(("%", "!")))
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False, None
    made = {t.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
            and _called(node.value) in INTERACTIVE_MAKERS
            for t in node.targets if isinstance(t, ast.Name)}

    def interactive(node) -> bool:
        return _called(node) in INTERACTIVE_MAKERS or (isinstance(node, ast.Name) and node.id in made)

    if not tree.body or not isinstance(tree.body[-1], ast.Expr):
        return False, None
    last = tree.body[-1].value
    if _called(last) == "glue_figure":
        key = last.args[0] if last.args else None
        return True, key.value if isinstance(key, ast.Constant) and isinstance(key.value, str) else ""
    if _called(last) == "display":
        return any(interactive(a) for a in last.args), None
    return interactive(last), None


def glue_figures(markdown: str) -> list[dict]:
    """The ``{glue:figure}`` directives of a Markdown text: key, options and caption."""
    found = []
    for match in GLUE_FIGURE.finditer(markdown):
        lines, options = match.group("body").split("\n"), {}
        while lines and re.match(r"^:[\w-]+:", lines[0].strip()):
            option, _, value = lines.pop(0).strip()[1:].partition(":")
            options[option] = value.strip()
        found.append({"key": match.group("key"), "options": options,
                      "caption": "\n".join(lines).strip()})
    return found


def test_the_interactive_figure_helpers_find_what_they_should():
    assert displayed_interactive_figure("explore(fig, f, {}, name='a', alt='b')") == (True, None)
    assert displayed_interactive_figure("e = widgets.basis_explorer(F, v)\ne") == (True, None)
    assert displayed_interactive_figure("e = explore(fig, f, c)\ndisplay(e)") == (True, None)
    assert displayed_interactive_figure("e = explore(fig, f, c)\nmlcourse.glue_figure('fig-e', e)") \
        == (True, "fig-e")
    assert displayed_interactive_figure("box = optim.optimizer_playground('rosenbrock')\nbox.x = 1") \
        == (False, None)
    assert displayed_interactive_figure("plt.show()") == (False, None)
    text = ("Before.\n\n```{glue:figure} fig-e\n:name: fig-e\n:alt: What it shows, in words.\n\n"
            "The caption.\n```\n\nAfter.")
    assert glue_figures(text) == [{"key": "fig-e", "options": {"name": "fig-e",
                                                                "alt": "What it shows, in words."},
                                   "caption": "The caption."}]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=name)
def test_interactive_figures_are_numbered_captioned_and_described(path):
    """An interactive figure is glued (``mlcourse.glue_figure``) in a cell tagged ``remove-output``,
    and the next cell places it with a ``{glue:figure}`` directive with a ``:name:`` that the prose
    refers to with ``{numref}``, ``:alt:`` text and a caption (READING_STANDARD.md, section 2)."""
    cells = load(path)["cells"]
    markdown = "\n\n".join(source(c) for c in cells if c["cell_type"] == "markdown")
    referenced = {m.group("label").strip() for m in NUMREF.finditer(markdown)}
    rule = "rule 'interactive figures are numbered figures'"
    for i, cell in enumerate(cells):
        if cell["cell_type"] != "code":
            continue
        shown, key = displayed_interactive_figure(source(cell))
        if not shown:
            continue
        where = f"{name(path)}: {rule} (cell {i})"
        assert key, (f"{where}: the cell shows an interactive figure; end it with "
                     f"mlcourse.glue_figure('fig-...', figure) so that a {{glue:figure}} can number it")
        assert "remove-output" in cell.get("metadata", {}).get("tags", []), (
            f"{where}: tag the cell 'remove-output': the web book shows the figure in its "
            f"{{glue:figure}}, once")
        following = cells[i + 1] if i + 1 < len(cells) else {"cell_type": "code", "source": ""}
        placed = [f for f in glue_figures(source(following)) if f["key"] == key] \
            if following["cell_type"] == "markdown" else []
        assert placed, f"{where}: the next cell must be Markdown with a {{glue:figure}} {key} directive"
        options, caption = placed[0]["options"], placed[0]["caption"]
        assert options.get("name"), f"{where}: the {{glue:figure}} needs a :name: (fig-...)"
        assert len(options.get("alt", "")) >= 20, (
            f"{where}: the {{glue:figure}} needs :alt: text saying what the figure shows")
        assert len(caption) >= 20, (
            f"{where}: the {{glue:figure}} needs a caption: what the figure shows and what to try")
        assert options["name"] in referenced, (
            f"{where}: the prose never refers to {options['name']} with {{numref}}")
    for i, cell in enumerate(cells):
        if cell["cell_type"] == "markdown":
            for figure in glue_figures(source(cell)):
                assert figure["options"].get("name") and figure["options"].get("alt"), (
                    f"{name(path)}: {rule} (cell {i}): the {{glue:figure}} {figure['key']} needs a "
                    f":name: and :alt: text")
