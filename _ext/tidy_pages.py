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
* Accessibility (issue 26; ``tests/test_accessibility.py`` runs axe-core's WCAG 2.1 A/AA rules on every
  page): the written pages are mended where the theme's, MyST-NB's, docutils' or matplotlib's markup
  fails a rule (see :func:`accessible_markup`), and links inside the exercises' tinted boxes are a
  shade darker in ``static/reading.css``, so that they keep a contrast of 4.5:1.
* An interactive figure placed with ``{glue:figure}`` is an HTML output, and MyST-NB gives the
  directive's ``:alt:`` to images only: :class:`GlueFigure` makes it the accessible name of the
  figure's controls and frames (``role="group"``), so a screen reader announces what the figure
  shows, not only "interactive figure".
* The notebooks' kernels talk to the build over CurveZMQ-encrypted sockets (jupyter_client's
  ``transport_encryption = "auto"``, which the python3 kernelspec supports), so the build log no longer
  prints ipykernel's "running over TCP without encryption" warning for every notebook.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes
from myst_nb.ext.glue.directives import PasteFigureDirective
from sphinx.application import Sphinx

from mlcourse.interactive import GROUP_LABEL

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


#: Font Awesome icons: decorative (each control also has a name in words), so hidden from screen readers
_ICON = re.compile(r'<i\b(?P<attrs>[^>]*\bclass="[^"]*\bfa(?:-solid|-regular|-brands|[srb])?\b[^"]*"[^>]*)>')
#: The search field's button: its words ("Search Ctrl+K") name it, not a shorter aria-label
_SEARCH_FIELD = re.compile(r'(<button class="btn search-button-field [^"]*"[^>]*?) aria-label="Search"')
#: MyST-NB's folded cells: the summary says "Show code cell source", but was named "Toggle hidden content"
_TOGGLE_SUMMARY = re.compile(r'<summary aria-label="Toggle hidden content">(?=\s*<p class="collapsed)')
#: the sidebar's chapters with sections: a disclosure triangle with no name
_TOC_TOGGLE = re.compile(r'(<a class="(?:current )?reference internal" href="[^"]*">'
                         r'(?P<title>(?:(?!</?a[ >]).)*)</a><details[^>]*>)<summary>'
                         r'(?=<span class="toctree-toggle")')
#: matplotlib's JavaScript animations (Animation.to_jshtml): a slider with no name
_ANIMATION_SLIDER = re.compile(r'(<input id="_anim_slider\w*" type="range" class="anim-slider")'
                               r"(?![^>]*aria-label)")
#: inline math that starts with a thin space (``{glue:text}`x`$\,\eta$``, "65.7 η"): MathJax 3.2.2 looks for a
#: formula's speech in its first child, here the space, and gives the formula none
_LEADING_THIN_SPACE = re.compile(r'<span class="math notranslate nohighlight">\\\(\\,\s*')
#: docutils' bibliography: a role="list" whose entries have the deprecated DPUB role doc-biblioentry
_BIBLIOENTRY = re.compile(r'(<div class="citation" id="[^"]*") role="doc-biblioentry"')


def _toc_toggle_name(match: re.Match) -> str:
    title = html.unescape(re.sub(r"<[^>]+>", "", match["title"])).strip()
    return f'{match[1]}<summary aria-label="{html.escape(f"Sections of {title}")}">'


def _hidden_icon(match: re.Match) -> str:
    # Font Awesome's script turns an icon's title into an SVG <title>, which axe counts as its text
    attrs = re.sub(r'\s+title="[^"]*"', "", match["attrs"])
    hidden = "" if "aria-hidden" in attrs else ' aria-hidden="true"'
    return f"<i{hidden}{attrs}>"


def accessible_markup(page: str) -> str:
    r"""Mend the markup of a written page where it fails a WCAG 2.1 A/AA rule that axe-core checks.

    * icons (``<i class="fa-...">``) are hidden from screen readers: they are decoration beside a
      button's name; the theme-switch button's icons lose their ``title`` ("Light", "Dark", ...),
      which Font Awesome's script turns into SVG text, so that the button's content no longer differs
      from its name, "Color mode" (axe's ``label-content-name-mismatch``);
    * the search field's button is named by its words, not by an ``aria-label`` that leaves out some
      of them (``label-content-name-mismatch``: speech-input users say what they see);
    * MyST-NB's folded cells (``<summary aria-label="Toggle hidden content">`` around "Show code cell
      source") are named by their visible words (``label-content-name-mismatch``);
    * the sidebar's disclosure triangles (a ``<summary>`` with only an icon) are named "Sections of
      <chapter>" (``summary-name``);
    * matplotlib's animation slider gets a name (``label``);
    * an inline formula's leading thin space (``$\,\eta$``) is set as a thin-space character before
      it, where MathJax's speech for the formula would otherwise be empty;
    * the bibliography's entries are list items (``aria-required-children``: a ``role="list"`` must
      hold ``listitem`` elements; ``doc-biblioentry`` is deprecated and is not one).
    """
    page = _ICON.sub(_hidden_icon, page)
    page = _SEARCH_FIELD.sub(r"\1", page)
    page = _TOGGLE_SUMMARY.sub("<summary>", page)
    page = _TOC_TOGGLE.sub(_toc_toggle_name, page)
    page = _ANIMATION_SLIDER.sub(r'\1 aria-label="Frame of the animation"', page)
    page = _LEADING_THIN_SPACE.sub('\N{THIN SPACE}<span class="math notranslate nohighlight">\\(', page)
    return _BIBLIOENTRY.sub(r'\1 role="listitem"', page)


def accessible_pages(app: Sphinx, exception) -> None:
    """Apply :func:`accessible_markup` to every page the HTML builder wrote."""
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        page = path.read_text(encoding="utf-8")
        fixed = accessible_markup(page)
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


#: how an explorer's stand-in is labelled before its figure names it
EXPLORER_LABEL = f'role="group" aria-label="{GROUP_LABEL}"'


def label_html_figure(html_text: str, alt: str) -> str:
    """An HTML output of a figure, named by the figure's ``alt``: an explorer's generic group label
    is replaced; any other HTML (an animation, a widget's stand-in) is wrapped in a named group."""
    label = f'role="group" aria-label="{html.escape(alt.strip(), quote=True)}"'
    if EXPLORER_LABEL in html_text:
        return html_text.replace(EXPLORER_LABEL, label, 1)
    return f"<div {label}>{html_text}</div>"


class GlueFigure(PasteFigureDirective):
    """MyST-NB's ``{glue:figure}``, whose ``:alt:`` also names an HTML output (not only an image)."""

    def run(self):
        result = super().run()
        alt = self.options.get("alt", "").strip()
        if alt:
            for figure in result:
                for raw in list(figure.findall(nodes.raw)) if isinstance(figure, nodes.figure) else []:
                    if raw.get("format") == "html":
                        raw[0] = nodes.Text(label_html_figure(raw.astext(), alt))
        return result


def use_glue_figure(app: Sphinx, config) -> None:
    app.add_directive_to_domain("glue", "figure", GlueFigure, override=True)


def add_static(app: Sphinx, config) -> None:
    config.html_static_path = [*config.html_static_path, str(Path(__file__).parent / "static")]


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", add_static, priority=400)
    app.connect("config-inited", use_glue_figure)  # every extension is loaded, no domain made yet
    # deferred, after MathJax (which Sphinx adds with priority 500)
    app.add_js_file("widgets-mathjax3.js", priority=501, defer="defer")
    app.add_css_file("reading.css", priority=900)  # after the theme's and myst-nb's stylesheets
    app.connect("build-finished", title_once_on_the_front_page)
    app.connect("build-finished", accessible_pages)
    encrypt_kernel_transport()
    app.connect("html-page-context", dedupe_scripts, priority=900)
    app.connect("html-page-context", point_widgets_at_static, priority=901)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
