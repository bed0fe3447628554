"""What the single-page HTML book needs to build, for the PDF edition (tools/build_pdf.py).

Sphinx looks up the visitors of an extension's nodes by the builder's name and falls back to its
format ("html") only when no extension registered any visitor under that name. sphinx-exercise
registers its nodes for ``singlehtml`` by name, so the single-page builder lost every other
extension's HTML visitors: the first one it met was sphinx-jupyterbook-latex's ``HiddenCellNode``
(which Jupyter Book puts beside each toctree), and ``jupyter-book build --builder pdfhtml`` or
``singlehtml`` stopped with ``NotImplementedError: ... unknown node type: HiddenCellNode``.
The single-page builder gets the ``html`` visitors it has no entry of its own for.

It also loads MathJax whatever the page holds (Sphinx's ``html_assets_policy = "always"``): Sphinx
adds MathJax to a page only where it finds equations, and the single page must typeset every
chapter's, in outputs too. (This is Jupyter Book's known "math stays raw unless the first page has
math" problem of its PDF builders.)

The multi-page HTML book is not touched.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def prepare_single_page(app: Sphinx) -> None:
    """Give the single-page builder the ``html`` visitors of every node it has none for; MathJax."""
    if app.builder.name != "singlehtml":
        return
    app.set_html_assets_policy("always")
    handlers = app.registry.translation_handlers
    own = handlers.setdefault("singlehtml", {})
    for node_name, visitors in handlers.get("html", {}).items():
        own.setdefault(node_name, visitors)


def setup(app: Sphinx) -> dict:
    # after every extension's setup() has registered its nodes: builder-inited comes after them all
    app.connect("builder-inited", prepare_single_page)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
