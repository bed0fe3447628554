"""The HTML book: it builds with warnings as errors, and the built pages have what readers need.

The session fixture builds the book exactly as the README does (execution cache on, so a second
build is quick). Two small throwaway books prove that the configuration really fails the build on
an exception in a notebook and on a broken cross-reference.
"""

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from book_helpers import jupyter_book, toc_entries

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"

pytestmark = [pytest.mark.book, pytest.mark.slow]


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
    # (the launch buttons open the reader's edition, colab/: see mlcourse.edition)
    assert f"colab.research.google.com/github/{repo}/blob/main/colab/{entry}.ipynb" in html
    assert "mybinder.org/v2/gh/" + repo in html
    assert f"_notebooks/{entry}.ipynb" in html  # the download gives the reader's edition (_ext/downloads.py)
    # executed, with every check's verdict visible and no error output
    assert "✔" in html, f"{entry}: no check verdict on the page"
    # (a page may show a failing check on purpose, e.g. a gradient checker catching a bug, but
    # no cell may end in an error)
    assert "Traceback (most recent call last)" not in html
    # the setup cell is hidden behind a toggle
    assert "tag_hide-cell" in html


def test_exercise_solutions_are_hidden_and_executed(built_book):
    html = page(built_book, "book/foundations/vectors_and_matrices")
    pieces = html.split('<div class="solution dropdown admonition"')[1:]
    solutions = [piece.split('<div class="exercise admonition"')[0] for piece in pieces]
    assert len(solutions) >= 3
    # each solution's code ran during the build, and its verdict sits inside the hidden solution
    for solution in solutions:
        assert 'class="cell_output' in solution and "✔" in solution, solution[:200]


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


def test_interactive_figures_are_precomputed_for_the_static_book(built_book):
    """The basis explorer reads without a kernel: HTML controls over precomputed frames."""
    html = page(built_book, "book/foundations/change_of_basis")
    parts = html.split('<div class="mlc-explorer"', 1)
    assert len(parts) == 2, "the basis explorer has no web stand-in"
    explorer = parts[1].split("</script></div>", 1)[0]
    assert 'type="range"' in explorer and "data:image/png;base64" in explorer


MINI_TOC = "format: jb-book\nroot: index\n"


def mini_book(tmp_path, notebook_cells, markdown="", extensions=None, title=None):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    config["sphinx"].pop("local_extensions")  # the throwaway book needs no offline JavaScript
    if extensions:  # some of the book's own, from _ext/
        config["sphinx"]["local_extensions"] = {name: str(ROOT / "_ext") for name in extensions}
    config["html"]["favicon"] = str(ROOT / config["html"]["favicon"])
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config))
    (tmp_path / "book").mkdir()
    shutil.copy(ROOT / "book" / "references.bib", tmp_path / "book" / "references.bib")
    (tmp_path / "_toc.yml").write_text(MINI_TOC + "chapters:\n  - file: page\n")
    (tmp_path / "index.md").write_text("# Index\n\n" + markdown)
    cells = [{"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [], "source": s}
             for s in notebook_cells]
    if title:
        cells.insert(0, {"cell_type": "markdown", "metadata": {}, "source": f"# {title}"})
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


def test_a_page_whose_notebook_left_the_cache_is_executed_again(tmp_path):
    """Deleting the execution cache (or a record of it) makes the next build execute the notebook
    again, although Sphinx's saved page looks up to date (_ext/parallel_execution.py)."""
    from jupyter_cache import get_cache

    cells = ["print('executed', 6 * 7)"]
    # (tidy_pages: the kernels without its encrypted transport warn, and -W fails on it)
    first = mini_book(tmp_path, cells, extensions=["tidy_pages", "parallel_execution"], title="A page")
    assert first.returncode == 0, first.stdout[-2000:]
    shutil.rmtree(tmp_path / "_build" / ".jupyter_cache")
    again = jupyter_book("build", ".", "-W", "-n", "--keep-going", cwd=tmp_path)
    assert again.returncode == 0, again.stdout[-2000:]
    assert "1 pages read again: their notebooks are not in the execution cache" in again.stdout
    records = get_cache(str(tmp_path / "_build" / ".jupyter_cache")).list_cache_records()
    assert len(records) == 1, "the notebook was not executed into the new cache"
    assert "executed 42" in (tmp_path / "_build" / "html" / "page.html").read_text(encoding="utf-8")


def test_a_broken_cross_reference_fails_the_build(tmp_path):
    result = mini_book(tmp_path, ["x = 1"], markdown="See {eq}`no-such-equation`.\n")
    assert result.returncode != 0
    assert "no-such-equation" in result.stdout + result.stderr


def _html_pages(html_root):
    return [html_root / f"{entry}.html" for entry in toc_entries()]


class _Links(__import__("html.parser").parser.HTMLParser):
    """Collects the ids, links and images of one HTML page."""

    def __init__(self):
        super().__init__()
        self.ids, self.links, self.images = set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs)


def _parse(path):
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_internal_link_and_anchor_resolves(built_book):
    """A crawl from the front page: every link inside the book reaches a file, and its anchor exists."""
    from urllib.parse import unquote, urlsplit

    # index.html only redirects (no links) to the root page of the table of contents
    start = (built_book / f"{toc_entries()[0]}.html").resolve()
    assert f'{toc_entries()[0]}.html' in (built_book / "index.html").read_text()
    queue, seen, broken, parsed = [start], {start}, [], {}
    while queue:
        page_path = queue.pop()
        parsed[page_path] = parsed.get(page_path) or _parse(page_path)
        for href in parsed[page_path].links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or href.startswith("mailto:"):
                continue
            target = (page_path.parent / unquote(parts.path)).resolve() if parts.path else page_path
            if not target.exists():
                broken.append(f"{page_path.relative_to(built_book)}: {href} (no such file)")
                continue
            if target.suffix == ".html":
                if target not in parsed:
                    parsed[target] = _parse(target)
                if parts.fragment and unquote(parts.fragment) not in parsed[target].ids:
                    broken.append(f"{page_path.relative_to(built_book)}: {href} (no such anchor)")
                if target not in seen:
                    seen.add(target)
                    queue.append(target)
    assert not broken, "broken links:\n" + "\n".join(broken)
    missing = [p for p in _html_pages(built_book) if p.resolve() not in {s.resolve() for s in seen}]
    assert not missing, f"pages no link leads to: {missing}"


def test_every_figure_says_what_it_shows(built_book):
    """Figures carry alt text in words (cell metadata mystnb.image.alt), not a file name."""
    lacking = []
    for path in _html_pages(built_book):
        for img in _parse(path).images:
            alt = (img.get("alt") or "").strip()
            if not alt or "_images/" in alt or alt.endswith(".png"):
                lacking.append(f"{path.relative_to(built_book)}: {img.get('src', '')[:60]}")
    assert not lacking, "images without a description (add mystnb.image.alt to the cell):\n" + "\n".join(
        lacking
    )


def test_figures_are_opaque_so_they_read_in_dark_mode(built_book):
    """Figures are drawn on an opaque light background, so dark mode shows them as they are."""
    import numpy as np
    from PIL import Image

    images = sorted((built_book / "_images").glob("*.png"))
    assert images
    for path in images:
        pixels = np.asarray(Image.open(path).convert("RGBA"))
        corners = pixels[[0, 0, -1, -1], [0, -1, 0, -1]]
        assert np.all(corners[:, 3] == 255), f"{path.name}: transparent background"
        assert np.all(corners[:, :3].mean(axis=1) > 200), f"{path.name}: dark background"


def test_execution_times_page_lists_every_notebook(built_book):
    html = page(built_book, "book/appendices/execution_times")
    for entry in chapter_notebooks():
        assert entry.split("/")[-1] in html, f"{entry} missing from the execution-times table"


# --- the reading experience (issue 16) ------------------------------------------------------------


def test_citations_are_author_year(built_book):
    """_config.yml asks for author-year citations: "Mehta et al., 2019", not "[21]"."""
    intro = page(built_book, "book/intro")
    link = r'<a class="reference internal" href="appendices/references.html#id\d+"[^>]*>(.*?)</a>'
    cited = re.findall(link, intro)
    assert cited, "the front page cites nothing"
    for text in cited:
        assert re.search(r"\b(19|20)\d\d\b", text) and not re.fullmatch(r"\d+", text.strip()), text


def test_every_page_has_the_favicon_and_one_search_field(built_book):
    favicon = yaml.safe_load((ROOT / "_config.yml").read_text())["html"]["favicon"]
    assert (ROOT / favicon).is_file()
    assert (built_book / "_static" / Path(favicon).name).is_file()
    for entry in toc_entries():
        html = page(built_book, entry)
        assert 'rel="icon"' in html, f"{entry}: no favicon link (the browser would ask for /favicon.ico)"
        sidebar = html.split('class="bd-sidebar-primary', 1)[1].split("<main", 1)[0]
        assert "search-button-field" not in sidebar, f"{entry}: a second search field, in the sidebar"


def test_the_front_page_tab_says_the_title_once(built_book):
    title = yaml.safe_load((ROOT / "_config.yml").read_text())["title"]
    intro = page(built_book, "book/intro")
    assert re.search(r"<title>(.*?)</title>", intro).group(1) == title.replace("'", "&#39;")
    chapter = page(built_book, "book/optimization/adam")
    assert re.search(r"<title>(.*?) &#8212; ", chapter), "chapters keep 'chapter — book' in their tab"


def test_check_cells_show_their_verdicts_and_fold_their_code(built_book):
    for entry in chapter_notebooks():
        html = page(built_book, entry)
        if "tag_hide-input" not in html:
            continue
        pieces = html.split('class="cell tag_hide-input')[1:]
        folded = [piece.split('<div class="cell ')[0] for piece in pieces]
        assert all("Show code cell source" in piece for piece in folded), entry
        assert any("✔" in piece.split('class="cell_output')[-1] for piece in folded), (
            f"{entry}: folded check cells, but no verdict is shown under them"
        )


def test_computed_tables_render_as_tables(built_book):
    html = page(built_book, "book/neural_networks/convolutional_networks")
    outputs = "".join(piece.split('<div class="cell ')[0] for piece in html.split('class="cell_output')[1:])
    assert not re.search(r"\|\s*:?[-—–]+:?\s*\|", outputs), "the AlexNet table is shown as Markdown source"
    assert re.search(r"<th[^>]*>\s*(<p>)?layer", html), "the AlexNet table is not an HTML table"


def test_errata_headings_carry_the_chapter_numbers(built_book):
    html = page(built_book, "book/appendices/errata/optimization")
    assert re.search(r"<h2>Chapter 9: the gradient descent update", html)
    assert 'href="../../optimization/gradient_descent.html"' in html


def test_kernels_started_by_the_build_use_encrypted_transport(tmp_path):
    """The build log must not repeat ipykernel's "running over TCP without encryption" per notebook."""
    import sys

    from jupyter_client.manager import KernelManager

    sys.path.insert(0, str(ROOT / "_ext"))
    import tidy_pages

    def kernel_stderr(name):
        km = KernelManager(kernel_name="python3")
        with open(tmp_path / name, "w") as log:
            km.start_kernel(stderr=log)
            try:
                client = km.client()
                client.start_channels()
                client.wait_for_ready(timeout=60)
                client.stop_channels()
            finally:
                km.shutdown_kernel(now=True)
        return km.transport_encryption, (tmp_path / name).read_text()

    policy, before = kernel_stderr("plain.log")
    assert policy == "disabled" and "without encryption" in before  # what the build used to print
    tidy_pages.encrypt_kernel_transport()
    try:
        policy, after = kernel_stderr("book.log")
    finally:
        KernelManager.class_traits()["transport_encryption"].default_value = "disabled"
    assert policy == "auto"
    assert "without encryption" not in after, after


def test_no_page_shows_a_progress_bar(built_book):
    """A progress bar is for a reader waiting on a kernel; on a page it stays frozen (often at 0%).

    The build's kernels run with TQDM_DISABLE=1 (_ext/kernel_environment.py); a bar forced on with
    ``disable=False`` would still show, as tqdm's text ("0%|          | 0/400 [00:00<?, ?it/s]").
    """
    import html as html_module

    bar = re.compile(r"\d+%\|[^|\n]{0,40}\|\s*\d+/\d+|\d+(?:\.\d+)?\s?(?:it/s|s/it)\]")
    shown = []
    for path in _html_pages(built_book):
        text = re.sub(r"<script.*?</script>", "", path.read_text(encoding="utf-8"), flags=re.S)
        match = bar.search(html_module.unescape(re.sub(r"<[^>]+>", "", text)))
        if match:
            shown.append(f"{path.relative_to(built_book)}: {match.group(0)!r}")
    assert not shown, "progress bars on the pages:\n" + "\n".join(shown)


def test_interactive_figures_are_named_by_their_alt_text(built_book):
    """A ``{glue:figure}``'s ``:alt:`` names its interactive figure for a screen reader.

    MyST-NB applies ``:alt:`` to images only; an explorer or an animation is HTML, so
    ``_ext/tidy_pages.py`` makes the alt text the accessible name of the figure's group.
    """
    import html as html_module

    from mlcourse.interactive import GROUP_LABEL

    directive = re.compile(r"```\{glue:figure\}[^\n]*\n(?::[a-z]+:[^\n]*\n)*", re.M)
    checked, problems = 0, []
    for notebook in sorted((ROOT / "book").rglob("*.ipynb")):
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
        for block in directive.findall(text):
            name = re.search(r"^:name: *(\S+)", block, re.M).group(1)
            alt = re.search(r"^:alt: *(.+)$", block, re.M).group(1).strip()
            entry = notebook.relative_to(ROOT).with_suffix("").as_posix()
            html_text = page(built_book, entry)
            figure = re.search(rf'<figure[^>]*id="{re.escape(name)}"[^>]*>(.*?)</figure>', html_text, re.S)
            if figure is None:
                problems.append(f"{entry}: no figure {name}")
                continue
            labels = [html_module.unescape(m) for m in
                      re.findall(r'role="group" aria-label="([^"]*)"', figure.group(1))]
            checked += 1
            if f'aria-label="{GROUP_LABEL}"' in figure.group(1):
                problems.append(f"{entry}: figure {name} still carries the generic label")
            if not labels or labels[0] != alt:
                problems.append(f"{entry}: figure {name} is named {labels[:1]}, its alt text is {alt!r}")
    assert checked >= 7, f"only {checked} interactive figures found"
    assert not problems, "\n".join(problems)
