"""The HTML book: it builds with warnings as errors, and the built pages have what readers need.

The session fixture builds the book exactly as the README does (execution cache on, so a second
build is quick). Two small throwaway books prove that the configuration really fails the build on
an exception in a notebook and on a broken cross-reference.
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"

pytestmark = [pytest.mark.book, pytest.mark.slow]


def jupyter_book(*args, cwd):
    exe = Path(sys.executable).with_name("jupyter-book")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter_book.cli.main"]
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, timeout=1500)


@pytest.fixture(scope="session")
def built_book():
    result = jupyter_book("build", ".", "-W", "-n", "--keep-going", cwd=ROOT)
    assert result.returncode == 0, f"the book build failed:\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
    return HTML


def toc_entries():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    entries = [toc["root"]]
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            entries.append(chapter["file"])
            entries += [section["file"] for section in chapter.get("sections", [])]
    return entries


def chapter_notebooks():
    return [e for e in toc_entries() if (ROOT / f"{e}.ipynb").exists()]


def page(html_root, entry):
    return (html_root / f"{entry}.html").read_text(encoding="utf-8")


def test_every_toc_entry_has_a_page(built_book):
    for entry in toc_entries():
        assert (built_book / f"{entry}.html").exists(), f"no page for {entry}"


@pytest.mark.parametrize("entry", chapter_notebooks())
def test_notebook_pages(built_book, entry):
    html = page(built_book, entry)
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    repo = url.removeprefix("https://github.com/")
    # launch buttons and the download of the notebook itself
    assert f"colab.research.google.com/github/{repo}/blob/main/{entry}.ipynb" in html
    assert "mybinder.org/v2/gh/" + repo in html
    assert f"_sources/{entry}.ipynb" in html
    # executed, with every check's verdict visible and no error output
    assert "✔" in html, f"{entry}: no check verdict on the page"
    assert "✘" not in html and "Traceback (most recent call last)" not in html
    # the setup cell is hidden behind a toggle
    assert "tag_hide-cell" in html


def test_exercise_solutions_are_hidden_and_executed(built_book):
    html = page(built_book, "book/foundations/vectors_and_matrices")
    pieces = html.split('<div class="solution dropdown admonition"')[1:]
    solutions = [piece.split('<div class="exercise admonition"')[0] for piece in pieces]
    assert len(solutions) == 3
    # each solution's code ran during the build, and its output sits inside the hidden solution
    assert "✔ exercise 'det-3x3': right" in solutions[0]
    assert "✔ exercise 'product-2x3-3x2': right" in solutions[1]
    assert "holds symbolically" in solutions[2]


def test_equations_are_numbered_and_cross_referenced(built_book):
    html = page(built_book, "book/foundations/vectors_and_matrices")
    assert re.search(r'<span class="eqno">\(\d+\.\d+\)', html)
    assert re.search(r'<a class="reference internal" href="#equation-eq-cofactor">', html)


def test_bibliography_lists_the_seed_references(built_book):
    bib_keys = re.findall(r"^@\w+\{([^,]+),", (ROOT / "book" / "references.bib").read_text(), re.M)
    html = page(built_book, "book/appendices/references")
    assert html.count('class="citation"') == len(bib_keys), "every work in references.bib is listed"
    assert "Chollet" in html and "Glorot" in html
    intro = page(built_book, "book/intro")
    assert re.search(r'href="appendices/references.html#id\d+"', intro), "citations link to the list"


def test_mathjax_knows_the_book_macros(built_book):
    html = page(built_book, "book/foundations/change_of_basis")
    assert '"nbasis"' in html and '"vb"' in html


def test_widget_state_is_embedded_for_the_static_book(built_book):
    html = page(built_book, "book/foundations/change_of_basis")
    assert "application/vnd.jupyter.widget-state+json" in html
    assert html.count("data:image/png;base64") >= 24  # the animation's frames


MINI_TOC = "format: jb-book\nroot: index\n"


def mini_book(tmp_path, notebook_cells, markdown=""):
    shutil.copy(ROOT / "_config.yml", tmp_path / "_config.yml")
    (tmp_path / "book").mkdir()
    shutil.copy(ROOT / "book" / "references.bib", tmp_path / "book" / "references.bib")
    (tmp_path / "_toc.yml").write_text(MINI_TOC + "chapters:\n  - file: page\n")
    (tmp_path / "index.md").write_text("# Index\n\n" + markdown)
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": s}
             for s in notebook_cells]
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                       "language": "python"}},
          "nbformat": 4, "nbformat_minor": 4}
    (tmp_path / "page.ipynb").write_text(json.dumps(nb))
    return jupyter_book("build", ".", "-W", "-n", "--keep-going", cwd=tmp_path)


def test_an_exception_in_a_notebook_fails_the_build(tmp_path):
    result = mini_book(tmp_path, ["x = 1", "raise RuntimeError('a failing check')"])
    assert result.returncode != 0
    assert "a failing check" in result.stdout + result.stderr
    assert "bibtex" not in result.stderr.lower()  # it failed for the right reason


def test_a_broken_cross_reference_fails_the_build(tmp_path):
    result = mini_book(tmp_path, ["x = 1"], markdown="See {eq}`no-such-equation`.\n")
    assert result.returncode != 0
    assert "no-such-equation" in result.stdout + result.stderr
