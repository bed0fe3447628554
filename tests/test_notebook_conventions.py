"""The notebook conventions of the book, enforced (see ../shared/conventions.md).

Each rule is a test over every notebook in book/; a failure names the notebook, the rule and the
cell, so whoever broke it knows what to fix.
"""

import json
import re
from pathlib import Path

import pytest
import yaml

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
