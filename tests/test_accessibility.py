"""The built book passes axe-core's WCAG 2.1 A and AA rules, in the light and the dark theme (issue 26).

Every page of the HTML book (in the table of contents' order, plus the search and index pages) is
checked by :func:`accessibility_problems` inside ``tests/test_browser.py``'s ``test_page``, on the
page that test has loaded already (one load per page serves every check of it). axe-core (Deque's
rules engine, the one behind the browsers' accessibility audits) is injected by Playwright and run
with the rules tagged ``wcag2a``, ``wcag2aa``, ``wcag21a`` and ``wcag21aa``, in the light theme.
Then the page is switched to the dark theme as a reader does it, with the theme's own button, and
the rules about colour (axe-core's category ``cat.color``: text contrast, links told apart from
text) run again; the other rules read the markup, which the switch does not change, so running
them twice would test nothing more. Any violation whose impact is *critical* or *serious* fails,
naming the page, the theme, the rule and the first elements that break it. A rule is skipped for
the whole book only with a written reason in :data:`EXCEPTIONS`.

The mathematics must be readable by a screen reader too: MathJax's semantic-enrich extension and its
Speech Rule Engine are turned on in ``_config.yml`` (served from the book's own copy of MathJax), so
every typeset formula carries speech text, an ``aria-label`` such as "double struck upper R
Superscript n", and hides its glyphs from screen readers. Every page is checked for formulas without
it, and one formula's label is checked word for word here, so that a label holding TeX source
would fail. The tests in this file check the checks: that the dark run reads a dark page with the
colour rules, and that the mends of ``_ext/tidy_pages.py`` are exact.

axe-core comes from npm, pinned and checksum-verified by ``tools/vendor_axe.py`` (into the
git-ignored ``.vendor-axe/``). Without npm, or without Chromium, these tests are skipped, unless
``MLCOURSE_REQUIRE_BROWSER=1`` (set by ``.ci/run``) makes that a failure.

Run every page's checks with ``pytest tests/test_browser.py tests/test_accessibility.py -n auto``
(the book is built first if needed). To check another build of the book, set
``MLCOURSE_A11Y_HTML`` to its HTML folder.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from book_helpers import ROOT, vendored_axe

pytestmark = [pytest.mark.book, pytest.mark.slow]

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"critical", "serious"}

#: Rules not applied to this book, each with the reason it is a false positive here. (None today.)
EXCEPTIONS: dict[str, str] = {}

#: How many of a violation's elements the failure message names.
SHOWN_TARGETS = 3


def _offline(route):
    url = route.request.url
    if urlparse(url).hostname in ("127.0.0.1", None) or url.startswith("data:"):
        route.continue_()
    else:  # the book must not need the network (tests/test_browser.py checks that it asks for none)
        route.abort()


@pytest.fixture(scope="module")
def tab(browser):
    """One browser tab, reused for every page this process checks; each page opens in light."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme="light")
    # the pydata theme reads the reader's choice from localStorage "mode" before it paints
    context.add_init_script("localStorage.setItem('mode', 'light');")
    context.route("**/*", _offline)
    page = context.new_page()
    page.set_default_timeout(120_000)
    yield page
    context.close()


def _theme(page) -> str:
    return page.evaluate("() => document.documentElement.dataset.theme")


def _open(page, url: str) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_load_state("networkidle")
    page.evaluate("() => (window.MathJax && MathJax.startup && MathJax.startup.promise) "
                  "? MathJax.startup.promise.then(() => true) : true")
    assert _theme(page) == "light", f"{url}: asked for the light theme, the page shows {_theme(page)!r}"


def switch_theme(page, url: str, theme: str) -> None:
    """Press the theme's colour-mode button, as a reader does, until the page shows ``theme``; then
    wait for the colours' transitions to end (axe-core reads the colours of the moment)."""
    button = page.locator(".theme-switch-button").first
    for _ in range(3):  # the button cycles through the modes (light, dark, the system's)
        if _theme(page) == theme:
            break
        button.click()
    assert _theme(page) == theme, f"{url}: the colour-mode button never turned the page {theme}"
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.mouse.move(1, 899)  # no tooltip left over the header
    page.wait_for_function("() => !document.getAnimations().some(a => a instanceof CSSTransition"
                           " && a.playState === 'running')")


#: axe-core run on the whole page: every rule with one of ``tags``, or (``colours``) only those
#: of them in axe-core's colour category
AXE_RUN = """async ([tags, colours]) => {
    const runOnly = colours
        ? {type: 'rule', values: axe.getRules(tags).filter(r => r.tags.includes('cat.color'))
                                                    .map(r => r.ruleId)}
        : {type: 'tag', values: tags};
    const result = await axe.run(document, {runOnly, resultTypes: ['violations']});
    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.map(n => n.target.join(' ')), first: v.nodes[0].html.slice(0, 160)}));
}"""


def violations(page, axe: Path, *, colours_only: bool = False) -> list[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now (or of its colour rules only)."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(axe))
    return page.evaluate(AXE_RUN, [TAGS, colours_only])


def serious(found: list[dict]) -> list[dict]:
    return [v for v in found if v["impact"] in FAILING_IMPACTS and v["id"] not in EXCEPTIONS]


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


def test_axe_core_is_available(axe_script):
    """Every page's accessibility checks need axe-core (see ``axe_script`` in tests/conftest.py)."""
    if axe_script is None:
        reason = f"axe-core cannot be vendored here: {vendored_axe()[1]}; no page was checked with it"
        if os.environ.get("MLCOURSE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"MLCOURSE_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)


def accessibility_problems(page, entry: str, axe: Path | None) -> list[str]:
    """What fails on a loaded page (in the light theme): axe-core's rules in light, formulas
    without speech text, and, once the reader's button has turned the page dark, the colour rules.
    The page is left in the dark theme. Without axe-core (``axe`` None; see
    :func:`test_axe_core_is_available`) only the speech text is checked."""
    problems = []
    found = serious(violations(page, axe)) if axe else []
    if found:
        problems.append(_describe(entry, "light", found))
    silent = silent_formulas(page)
    if silent:
        problems.append(f"{entry}: {len(silent)} formulas have no speech text for a screen reader "
                        f"(MathJax's semantic-enrich extension), e.g. in {[f['id'] for f in silent[:3]]}")
    switch_theme(page, entry, "dark")
    found = serious(violations(page, axe, colours_only=True)) if axe else []
    if found:
        problems.append(_describe(entry, "dark", found))
    return problems


def test_the_dark_theme_is_checked_with_the_colour_rules(tab, book_url, axe_script):
    """The dark run is not empty: axe-core's colour category holds the contrast rule, and switching
    the theme changes the colours that rule reads."""
    if axe_script is None:
        pytest.skip("axe-core is not available (see test_axe_core_is_available)")
    _open(tab, f"{book_url}/{MATH_PAGE}.html")
    if not tab.evaluate("() => typeof window.axe === 'object'"):
        tab.add_script_tag(path=str(axe_script))
    rules = tab.evaluate("(tags) => axe.getRules(tags).filter(r => r.tags.includes('cat.color'))"
                         ".map(r => r.ruleId)", TAGS)
    assert {"color-contrast", "link-in-text-block"} <= set(rules), rules
    background = ("() => getComputedStyle(document.documentElement)"
                  ".getPropertyValue('--pst-color-background')")
    light = tab.evaluate(background)
    switch_theme(tab, MATH_PAGE, "dark")
    assert tab.evaluate(background) != light, "the dark theme did not change the page's background"
    # dark grey text reads on the light theme's white and not on the dark theme's near-black: the
    # dark run must catch it
    tab.evaluate("() => { const p = document.createElement('p'); p.id = 'mlc-dim'; p.textContent ="
                 " 'dim text for the contrast rule'; p.style.color = '#303030';"
                 " document.querySelector('article').prepend(p); }")
    found = [v["id"] for v in serious(violations(tab, axe_script, colours_only=True))]
    assert "color-contrast" in found, f"the dark run missed dark grey text on a dark page: {found}"


#: A page with inline and display math, a formula on it, and how MathJax's speech rules read it.
MATH_PAGE = "book/foundations/vectors_and_matrices"
SPOKEN = ("\\R^n", "double struck upper R Superscript n")


def test_formulas_are_read_as_speech_not_as_tex(tab, book_url):
    page = tab
    _open(page, f"{book_url}/{MATH_PAGE}.html")
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
