"""The built book passes axe-core's WCAG 2.1 A and AA rules, in the light and the dark theme (issue 26).

Every page of the HTML book (in the table of contents' order, plus the search and index pages) is
opened in Chromium, in the light and in the dark theme, and axe-core (Deque's rules engine, the one
behind the browsers' accessibility audits) is injected by Playwright and run with the rules tagged
``wcag2a``, ``wcag2aa``, ``wcag21a`` and ``wcag21aa``. Any violation whose impact is *critical* or
*serious* fails the test, which lists the page, the theme, the rule and the first elements that
break it. A rule is skipped for the whole book only with a written reason in :data:`EXCEPTIONS`.

The mathematics must be readable by a screen reader too: MathJax's semantic-enrich extension and its
Speech Rule Engine are turned on in ``_config.yml`` (served from the book's own copy of MathJax), so
every typeset formula carries speech text, an ``aria-label`` such as "double struck upper R
Superscript n", and hides its glyphs from screen readers. Every page is checked for formulas without
it, and one formula's label is checked word for word, so that a label holding TeX source would fail.

axe-core comes from npm, pinned and checksum-verified by ``tools/vendor_axe.py`` (into the
git-ignored ``.vendor-axe/``). Without npm, or without Chromium, these tests are skipped, unless
``MLCOURSE_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure.

Run them with ``pytest tests/test_accessibility.py -n auto`` (the book is built first if needed). To
check another build of the book, set ``MLCOURSE_A11Y_HTML`` to its HTML folder.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from book_helpers import ROOT, toc_entries

sys.path.insert(0, str(ROOT / "tools"))

pytestmark = [pytest.mark.book, pytest.mark.slow]

THEMES = ("light", "dark")
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"critical", "serious"}

#: Pages that are not in the table of contents but readers reach.
EXTRA_PAGES = ["search", "genindex"]

#: Rules not applied to this book, each with the reason it is a false positive here. (None today.)
EXCEPTIONS: dict[str, str] = {}

#: How many of a violation's elements the failure message names.
SHOWN_TARGETS = 3


def pages() -> list[str]:
    return toc_entries() + EXTRA_PAGES


def axe_or_skip() -> Path:
    """The vendored ``axe.min.js`` (fetched on first use); skips the test where npm cannot fetch it."""
    from vendor_axe import VendorError, ensure_axe

    try:
        return ensure_axe()
    except VendorError as err:
        if os.environ.get("MLCOURSE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"MLCOURSE_REQUIRE_BROWSER=1 but axe-core cannot be vendored: {err}")
        pytest.skip(f"axe-core cannot be vendored here: {err}")


@pytest.fixture(scope="session")
def axe_script() -> Path:
    return axe_or_skip()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def book_url(request):
    """The address of the HTML book: ``MLCOURSE_A11Y_HTML`` served here, or the repository's build."""
    folder = os.environ.get("MLCOURSE_A11Y_HTML")
    if not folder:
        yield request.getfixturevalue("site")
        return
    if not (Path(folder) / "index.html").is_file():
        pytest.fail(f"MLCOURSE_A11Y_HTML={folder} holds no built book (no index.html)")
    handler = functools.partial(_QuietHandler, directory=folder)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _offline(route):
    url = route.request.url
    if urlparse(url).hostname in ("127.0.0.1", None) or url.startswith("data:"):
        route.continue_()
    else:  # the book must not need the network (tests/test_browser.py checks that it asks for none)
        route.abort()


@pytest.fixture(scope="module")
def tabs(browser):
    """One browser tab per theme, reused for every page this process checks."""
    opened = {}

    def tab(theme: str):
        if theme not in opened:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=theme)
            # the pydata theme reads the reader's choice from localStorage "mode" before it paints
            context.add_init_script(f"localStorage.setItem('mode', '{theme}');")
            context.route("**/*", _offline)
            page = context.new_page()
            page.set_default_timeout(120_000)
            opened[theme] = (context, page)
        return opened[theme][1]

    yield tab
    for context, _ in opened.values():
        context.close()


def _open(page, url: str, theme: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate("() => (window.MathJax && MathJax.startup && MathJax.startup.promise) "
                  "? MathJax.startup.promise.then(() => true) : true")
    shown = page.evaluate("() => document.documentElement.dataset.theme")
    assert shown == theme, f"{url}: asked for the {theme} theme, the page shows {shown!r}"


AXE_RUN = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                            resultTypes: ['violations']});
    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.map(n => n.target.join(' ')), first: v.nodes[0].html.slice(0, 160)}));
}"""


def violations(page, axe: Path) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe))
    return page.evaluate(AXE_RUN, TAGS)


def _describe(entry: str, theme: str, found: list[dict]) -> str:
    lines = [f"{entry} ({theme} theme): {len(found)} serious or critical accessibility violations"]
    for v in found:
        targets = ", ".join(v["targets"][:SHOWN_TARGETS])
        more = f" and {len(v['targets']) - SHOWN_TARGETS} more" if len(v["targets"]) > SHOWN_TARGETS else ""
        lines.append(f"  {v['id']} ({v['impact']}, {len(v['targets'])} elements): {v['help']}: "
                     f"{targets}{more}; the first is {v['first']}")
    return "\n".join(lines)


#: What a screen reader is given for each typeset formula: MathJax's speech text (an aria-label on
#: the formula, whose glyphs are hidden from it).
MATH_LABELS = """() => Array.from(document.querySelectorAll('mjx-container')).map(m => ({
    label: (m.getAttribute('aria-label') || '').trim(),
    hidden: m.getAttribute('aria-hidden') === 'true' || !!m.closest('[aria-hidden="true"]'),
    id: (m.closest('[id]') || {}).id,
}))"""


def silent_formulas(page) -> list[dict]:
    """The formulas on the page that a screen reader cannot read: no speech text, or hidden."""
    return [f for f in page.evaluate(MATH_LABELS) if not f["label"] or f["hidden"]]


@pytest.mark.parametrize("entry", pages())
@pytest.mark.parametrize("theme", THEMES)
def test_page_has_no_serious_accessibility_violations(tabs, book_url, axe_script, theme, entry):
    page = tabs(theme)
    _open(page, f"{book_url}/{entry}.html", theme)
    found = [v for v in violations(page, axe_script)
             if v["impact"] in FAILING_IMPACTS and v["id"] not in EXCEPTIONS]
    assert not found, _describe(entry, theme, found)
    silent = silent_formulas(page)
    assert not silent, (f"{entry}: {len(silent)} formulas have no speech text for a screen reader "
                        f"(MathJax's semantic-enrich extension), e.g. in {[f['id'] for f in silent[:3]]}")


#: A page with inline and display math, a formula on it, and how MathJax's speech rules read it.
MATH_PAGE = "book/foundations/vectors_and_matrices"
SPOKEN = ("\\R^n", "double struck upper R Superscript n")


def test_formulas_are_read_as_speech_not_as_tex(tabs, book_url):
    page = tabs("light")
    _open(page, f"{book_url}/{MATH_PAGE}.html", "light")
    labels = [f["label"] for f in page.evaluate(MATH_LABELS)]
    assert len(labels) > 10, f"{MATH_PAGE}: expected its formulas, found {len(labels)}"
    assert SPOKEN[1] in labels, (f"{MATH_PAGE}: no formula is read as {SPOKEN[1]!r} (the set {SPOKEN[0]}); "
                                 f"the first labels are {labels[:5]}")
    tex = [label for label in labels if "\\" in label]
    assert not tex, f"{MATH_PAGE}: formulas whose label is TeX source, not speech: {tex[:3]}"


def test_the_page_mends_are_exact_and_idempotent():
    """``_ext/tidy_pages.py``'s mends of the markup of the theme, MyST-NB, docutils and matplotlib."""
    sys.path.insert(0, str(ROOT / "_ext"))
    from tidy_pages import accessible_markup

    written = (
        '<button class="btn search-button-field search-button__button pst-js-only" title="Search" '
        'aria-label="Search" data-bs-toggle="tooltip"><i class="fa-solid fa-magnifying-glass"></i>'
        '<span>Search</span></button>'
        '<i class="theme-switch fa-solid fa-sun fa-lg" data-mode="light" title="Light"></i>'
        '<a class="current reference internal" href="#">Errata &amp; notes</a><details open="open">'
        '<summary><span class="toctree-toggle" role="presentation"></span></summary></details>'
        '<summary aria-label="Toggle hidden content">\n<p class="collapsed admonition-title">Show</p>'
        '<input id="_anim_slider0a" type="range" class="anim-slider" name="points" min="0">'
        '<span class="pasted-text">65.7</span>'
        '<span class="math notranslate nohighlight">\\(\\,\\eta\\)</span>'
        '<div role="list" class="citation-list"><div class="citation" id="id3" role="doc-biblioentry">'
    )
    mended = accessible_markup(written)
    assert mended == (
        '<button class="btn search-button-field search-button__button pst-js-only" title="Search" '
        'data-bs-toggle="tooltip"><i aria-hidden="true" class="fa-solid fa-magnifying-glass"></i>'
        '<span>Search</span></button>'
        '<i aria-hidden="true" class="theme-switch fa-solid fa-sun fa-lg" data-mode="light"></i>'
        '<a class="current reference internal" href="#">Errata &amp; notes</a><details open="open">'
        '<summary aria-label="Sections of Errata &amp; notes"><span class="toctree-toggle" '
        'role="presentation"></span></summary></details>'
        '<summary>\n<p class="collapsed admonition-title">Show</p>'
        '<input id="_anim_slider0a" type="range" class="anim-slider" aria-label="Frame of the animation" '
        'name="points" min="0">'
        '<span class="pasted-text">65.7</span>\N{THIN SPACE}<span class="math notranslate nohighlight">'
        '\\(\\eta\\)</span>'
        '<div role="list" class="citation-list"><div class="citation" id="id3" role="listitem">'
    )
    assert accessible_markup(mended) == mended
