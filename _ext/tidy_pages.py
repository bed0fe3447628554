"""Small fixes to the HTML pages that Jupyter Book 1's extensions produce.

* sphinx-thebe's configuration script is registered twice (once by Jupyter Book, once through the
  book theme), so every page declared ``const THEBE_JS_URL`` twice and the browser reported a
  SyntaxError: exact duplicates are dropped from each page's list of scripts.
* The Jupyter widgets HTML manager loads its icon fonts (and any widget module it does not bundle)
  from the address in its script's ``data-jupyter-widgets-cdn`` attribute. Each page gets that
  attribute pointing at the book's own ``_static/`` folder, relative to the page, so nothing is
  fetched from a CDN.
* The widget manager typesets with MathJax 2's API; ``static/widgets-mathjax3.js`` adapts it to
  MathJax 3.
* ``static/reading.css``: display equations wider than the column scroll instead of running under
  their number, code and outputs scroll instead of being clipped, figures keep their shape when a
  phone scales them down.
* The front page's browser tab says the book's title once (not "title — title").
* The notebooks' kernels talk to the build over CurveZMQ-encrypted sockets (jupyter_client's
  ``transport_encryption = "auto"``, which the python3 kernelspec supports), so the build log no longer
  prints ipykernel's "running over TCP without encryption" warning for every notebook.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx

WIDGET_MANAGER = "embed-amd.js"


def _key(script) -> tuple:
    """Two scripts are the same when they load the same file (or run the same body) the same way."""
    attributes = tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items()))
    return (str(getattr(script, "filename", script) or ""), attributes)  # None and "" both mean inline


def dedupe_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def point_widgets_at_static(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    static = context["pathto"]("_static/", 1)
    for i, script in enumerate(scripts):
        filename = str(getattr(script, "filename", "") or "")
        if filename.endswith(WIDGET_MANAGER) and not filename.startswith("http"):
            attributes = dict(script.attributes)
            attributes["data-jupyter-widgets-cdn"] = static
            scripts[i] = type(script)(script.filename, priority=script.priority, **attributes)
            # The manager's modules find their fonts relative to their RequireJS address, which
            # is relative to RequireJS's base URL: make that the book's _static folder.
            body = f'require.config({{baseUrl: "{static}"}});'
            base = type(script)(None, priority=script.priority, body=body)
            scripts.insert(i, base)
            break


def title_once_on_the_front_page(app: Sphinx, exception) -> None:
    """The front page's title is the book's title: say it once in the tab, not "title — title".

    (Sphinx's layout builds the suffix from ``docstitle``, which the sidebar's logo text also uses,
    so the written page is fixed instead.)
    """
    if exception is not None or app.builder.format != "html":
        return
    path = Path(app.outdir) / f"{app.config.root_doc}.html"
    if not path.exists():
        return
    page = path.read_text(encoding="utf-8")
    fixed = re.sub(r"<title>(.+?) &#8212; \1</title>", r"<title>\1</title>", page, count=1)
    if fixed != page:
        path.write_text(fixed, encoding="utf-8")


def encrypt_kernel_transport() -> None:
    """Provision CurveZMQ keys for the kernels the build starts, where the kernelspec supports it."""
    try:
        import zmq
        from jupyter_client.manager import KernelManager
    except ImportError:  # pragma: no cover - myst-nb always brings jupyter_client
        return
    trait = KernelManager.class_traits().get("transport_encryption")
    if trait is not None and zmq.has("curve"):  # older jupyter_client/ipykernel: no warning either
        trait.default_value = "auto"


def add_static(app: Sphinx, config) -> None:
    config.html_static_path = [*config.html_static_path, str(Path(__file__).parent / "static")]


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", add_static, priority=400)
    # deferred, after MathJax (which Sphinx adds with priority 500)
    app.add_js_file("widgets-mathjax3.js", priority=501, defer="defer")
    app.add_css_file("reading.css", priority=900)  # after the theme's and myst-nb's stylesheets
    app.connect("build-finished", title_once_on_the_front_page)
    encrypt_kernel_transport()
    app.connect("html-page-context", dedupe_scripts, priority=900)
    app.connect("html-page-context", point_widgets_at_static, priority=901)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
