"""The page's download button gives the notebook a reader should open: the reader's edition.

A Sphinx extension (loaded through ``_config.yml``'s ``local_extensions``). sphinx-book-theme's
download menu links every page to its source in ``_sources/``; for a chapter that is the MyST
notebook the book is built from, which JupyterLab, Colab and VS Code show with raw directives,
roles and undefined TeX macros. The reader's edition of that page
(``python -m mlcourse.edition reader colab/book``) is the notebook the Colab and Binder buttons
open: the same folder (``repository.path_to_book``, the theme's ``path_to_docs``) followed by the
page's name, e.g. ``colab/book/optimization/adam.ipynb``.

* At the end of the build every notebook of that folder is copied into the site, at
  ``_notebooks/<page>.ipynb`` (``_notebooks/book/optimization/adam.ipynb``), byte for byte.
* On every page that has a reader's edition, the menu's ``.ipynb`` entry points at that copy
  (the theme builds the menu from the ``header_buttons`` context at ``html-page-context``; this runs
  after it). Pages without one, such as the Markdown front page, keep their source.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: the folder of the site that holds the copies
SITE_FOLDER = "_notebooks"
#: the builders of a multi-page site with a download menu (not the single page that is printed)
BUILDERS = ("html", "dirhtml")


def _edition_root(app: Sphinx) -> Path | None:
    """The folder whose ``<page>.ipynb`` is the reader's edition of ``<page>`` (None: no edition)."""
    folder = str(app.config.html_theme_options.get("path_to_docs", "") or "").strip("/")
    if not folder:
        return None
    root = Path(app.srcdir) / folder
    return root if root.is_dir() else None


def _edition_of(app: Sphinx, pagename: str) -> Path | None:
    root = _edition_root(app)
    if root is None:
        return None
    path = root / f"{pagename}.ipynb"
    return path if path.is_file() else None


def point_download_at_edition(app: Sphinx, pagename: str, templatename: str, context: dict,
                              doctree) -> None:
    """Point the download menu's ``.ipynb`` entry of ``pagename`` at its reader's edition."""
    if app.builder.name not in BUILDERS or _edition_of(app, pagename) is None:
        return
    url = f"{context['pathto'](SITE_FOLDER, 1)}/{pagename}.ipynb"
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        for button in group.get("buttons", []):
            if str(button.get("url", "")).endswith(".ipynb"):
                button["url"] = url
                button["tooltip"] = "Download the notebook (reader's edition, for Jupyter and Colab)"


def copy_editions(app: Sphinx, exception) -> None:
    """Copy every reader's-edition notebook into the site (also when no page was rewritten)."""
    if exception is not None or app.builder.name not in BUILDERS:
        return
    root = _edition_root(app)
    target = Path(app.outdir) / SITE_FOLDER
    if target.exists():
        shutil.rmtree(target)  # a notebook that left the book leaves the site too
    if root is None:
        return
    copied = 0
    for path in sorted(root.rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        destination = target / path.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
        copied += 1
    logger.info(f"downloads: copied {copied} reader's-edition notebooks to {SITE_FOLDER}/")


def setup(app: Sphinx) -> dict:
    # after sphinx-book-theme's add_header_buttons (priority 501)
    app.connect("html-page-context", point_download_at_edition, priority=700)
    app.connect("build-finished", copy_editions)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
