"""The built book in a real browser: Debian's Chromium, driven by Playwright, with the network cut off.

A fixture serves ``_build/html`` on 127.0.0.1; every request to any other host is blocked and
recorded. For every page of the book: no console or page errors (beyond the allow-list below, each
entry with its reason), no request leaves 127.0.0.1, the title and the navigation are there, every
piece of math is typeset by MathJax without errors, every image loads, and every embedded widget
renders (with its figure, so the page is meaningful without a kernel). A full-page screenshot of
one page per part is saved to ``_build/screenshots/`` for review.

Every page is also read at 1280 px and at a phone's 390 px (issue 16): no raw TeX or Markdown table
source in the rendered text, no display equation wider than its column without a scrollbar or running
under its number, no code, output or figure cut off at the column's edge without a scrollbar, figures
scaled without distortion, and one search control.

One load of a page serves all of its checks (``test_page``): at 1280 px in the light theme the
checks above, then the accessibility checks of ``tests/test_accessibility.py`` (axe-core's rules,
the formulas' speech text, the dark theme's colours), then the window is narrowed to a phone's
390 px and the page read again. Loading a page (MathJax typesets and enriches every formula) is most
of a check's time; a narrowed window reads as a page loaded at 390 px, because the book's layout
is CSS media queries (``test_a_narrowed_page_reads_as_one_loaded_on_a_phone`` compares the two).

Chromium comes from Debian (``apt-get install chromium``); Playwright never downloads a browser
here. Without Chromium these tests are skipped, unless ``MLCOURSE_REQUIRE_BROWSER=1`` (set by
``.ci/run``) makes that a failure.
"""

import re
from urllib.parse import urlparse

import pytest
from book_helpers import ROOT, toc_entries
from test_accessibility import accessibility_problems, switch_theme

pytestmark = [pytest.mark.book, pytest.mark.slow]

SCREENSHOTS = ROOT / "_build" / "screenshots"

#: Console messages that are known upstream noise, each with the reason it is harmless.
ALLOWED_CONSOLE = [
    # (pattern, reason)
]

#: Pages that are not in the table of contents but readers reach.
EXTRA_PAGES = ["search", "genindex"]


# (the `site` and `browser` fixtures are in tests/conftest.py: one Playwright per test process)


class Visit:
    """A page loaded in a fresh browser context, with what happened while loading it."""

    def __init__(self, browser, url, *, width=1280):
        viewport = {"width": width, "height": 900}
        # light (test_page turns a page dark with the theme's own button, as a reader does)
        self.context = browser.new_context(viewport=viewport, color_scheme="light")
        self.blocked, self.console_errors, self.failed = [], [], []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(120_000)  # generous: CI machines are slow and shared
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda err: self.console_errors.append(f"page error: {err}"))
        self.page.on("requestfailed", lambda req: self.failed.append(f"{req.url} ({req.failure})"))
        self.page.goto(url, wait_until="load")
        self.page.wait_for_load_state("networkidle")
        # MathJax typesets asynchronously: wait until it is done (if the page has math)
        self.page.evaluate(
            "() => (window.MathJax && MathJax.startup && MathJax.startup.promise) "
            "? MathJax.startup.promise.then(() => true) : true"
        )

    def _route(self, route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", None) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def _console(self, msg):
        if msg.type == "error":
            text = msg.text
            if not any(re.search(pattern, text) for pattern, _ in ALLOWED_CONSOLE):
                self.console_errors.append(text)

    def close(self):
        self.context.close()


def pages():
    return toc_entries() + EXTRA_PAGES

#: What a reader must never meet on a page (checked in the browser, after MathJax has typeset).
LAYOUT_PROBLEMS_JS = r"""() => {
    const art = document.querySelector('article.bd-article');
    if (!art) return {missing: true};
    const style = getComputedStyle(art);
    const box = art.getBoundingClientRect();
    const right = box.right - parseFloat(style.paddingRight) + 2;   // the column's right edge
    const out = {tex: [], tables: [], equations: [], scrolling: [], cut: [], distorted: [], search: 0};
    const visible = e => {
        const r = e.getBoundingClientRect(), s = getComputedStyle(e);
        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
    };
    const scrolls = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
    const scrollsBetween = (e) => {  // a scroll container between e and the article
        for (let n = e.parentElement; n && n !== art; n = n.parentElement) if (scrolls(n)) return true;
        return false;
    };
    const where = e => (e.closest('section[id]') || art).id + ': ' + e.textContent.trim().slice(0, 60);
    // raw TeX or table source in the rendered text (code, math and outputs' <pre> excluded)
    const tex = /\\(?:[a-zA-Z]{2,}|[{}()\[\]])|\$[^\s$]|[\^_]\{/;
    const table = /\|\s*:?[-—–]+:?\s*\|\s*:?[-—–]+:?\s*\|/;  // (Sphinx turns --- into an em dash)
    for (const e of art.querySelectorAll('p, li, td, th, dt, dd, h1, h2, h3, h4, figcaption')) {
        const copy = e.cloneNode(true);
        copy.querySelectorAll('pre, code, script, style, mjx-container, .headerlink, ul, ol, p')
            .forEach(n => n.remove());
        const text = copy.textContent;
        if (tex.test(text)) out.tex.push(where(e));
        if (table.test(text)) out.tables.push(where(e));
    }
    // display equations: inside the column, scrolling when wider, never under their number
    for (const d of art.querySelectorAll('div.math')) {
        if (!visible(d)) continue;
        const m = d.querySelector('mjx-container');
        if (!m) continue;
        const number = d.querySelector('span.eqno');
        const name = (d.id || '') + ' ' + (number ? number.childNodes[0].textContent.trim() : '');
        if (d.getBoundingClientRect().right > right && !scrollsBetween(d))
            out.equations.push(name + ': wider than the column');
        if (m.scrollWidth > m.clientWidth + 1) {
            if (!scrolls(m)) out.equations.push(name + ': cut off without a scrollbar');
            else out.scrolling.push(name);
        }
        const eqno = d.querySelector('span.eqno'), math = m.querySelector('mjx-math');
        if (eqno && math) {
            const a = eqno.getBoundingClientRect(), mb = m.getBoundingClientRect();
            const b = math.getBoundingClientRect();
            const left = Math.max(b.left, mb.left), rgt = Math.min(b.right, mb.right);  // visible part
            if (a.left < rgt - 1 && left < a.right - 1 && a.top < b.bottom && b.top < a.bottom)
                out.equations.push(name + ': runs under its number');
        }
    }
    // code, outputs, tables and figures: inside the column or in a scroll container
    for (const e of art.querySelectorAll('pre, table, img, figure, .cell_output > .output, iframe')) {
        if (!visible(e) || e.closest('mjx-container')) continue;
        if (e.getBoundingClientRect().right > right && !scrollsBetween(e))
            out.cut.push(e.tagName + ' ' + where(e));
        else if (e.tagName === 'PRE' && e.scrollWidth > e.clientWidth + 1 && !scrolls(e))
            out.cut.push('PRE clipped ' + where(e));
    }
    for (const img of art.querySelectorAll('img')) {
        if (!visible(img) || !img.naturalWidth) continue;
        const shown = img.clientWidth / img.clientHeight, natural = img.naturalWidth / img.naturalHeight;
        if (Math.abs(shown / natural - 1) > 0.03) out.distorted.push(img.alt.slice(0, 60));
    }
    out.search = [...document.querySelectorAll('.search-button-field, .search-button, form.bd-search')]
        .filter(visible).length;
    return out;
}"""


def assert_reads_well(page, entry, width):
    found = page.evaluate(LAYOUT_PROBLEMS_JS)
    assert not found.get("missing"), f"{entry}: no article on the page"
    at = f"{entry} at {width} px"
    assert not found["tex"], f"{at}: raw TeX in the text (a math line starting with + or -?): {found['tex']}"
    assert not found["tables"], f"{at}: a Markdown table shown as source: {found['tables']}"
    assert not found["equations"], f"{at}: display equations: {found['equations']}"
    if width >= 1280:  # on a phone a long equation may scroll; on a desktop it is broken into lines
        assert not found["scrolling"], (
            f"{at}: display equations wider than the column (break them with aligned): {found['scrolling']}"
        )
    assert not found["cut"], f"{at}: cut off at the column's edge: {found['cut']}"
    assert not found["distorted"], f"{at}: figures scaled out of shape: {found['distorted']}"
    assert found["search"] == 1, f"{at}: {found['search']} search controls visible (want one)"


#: a phone's width in CSS pixels
PHONE = 390

#: one page per part of the book (plus the front page), saved as screenshots for review; the first
#: two also in the dark theme
SCREENSHOT_PAGES = [
    "book/intro",
    "book/foundations/change_of_basis",
    "book/optimization/playground",
    "book/neural_networks/convolutional_networks",
    "book/generative/vae",
    "book/statistics/umap",
    "book/theory/neural_tangent_kernel",
]


def _screenshot(page, entry: str, scheme: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{entry.replace('/', '_')}-{scheme}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000, f"{entry}: the {scheme} screenshot is empty"


def _loaded_checks(visit, entry):
    """The checks of a page just loaded at 1280 px in the light theme."""
    page = visit.page
    assert not visit.blocked, f"{entry}: requests to other hosts: {visit.blocked}"
    assert not visit.console_errors, f"{entry}: console errors: {visit.console_errors}"
    assert not visit.failed, f"{entry}: failed requests: {visit.failed}"
    assert page.title().strip(), f"{entry}: no title"
    assert page.locator("nav.bd-docs-nav a").count() > 3, f"{entry}: no navigation"

    math = page.evaluate(
        """() => {
            const all = [...document.querySelectorAll('span.math, div.math')];
            return {total: all.length,
                    untypeset: all.filter(e => !e.querySelector('mjx-container')).length,
                    errors: document.querySelectorAll('mjx-merror').length};
        }"""
    )
    assert math["untypeset"] == 0, f"{entry}: {math['untypeset']} of {math['total']} formulas not typeset"
    assert math["errors"] == 0, f"{entry}: {math['errors']} MathJax errors (undefined macro?)"

    # images: make lazy ones load, then every one must have decoded with a size
    broken = page.evaluate(
        """async () => {
            const imgs = [...document.images];
            for (const img of imgs) { img.loading = 'eager'; }
            await Promise.all(imgs.map(img => img.decode().catch(() => null)));
            return imgs.filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src);
        }"""
    )
    assert not broken, f"{entry}: images that did not load: {broken}"

    views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    if views:
        page.wait_for_selector(".jupyter-widgets", state="attached", timeout=15000)
        rendered = page.evaluate(
            """() => ({
                widgets: document.querySelectorAll('.widget-subarea').length,
                controls: document.querySelectorAll(
                    '.widget-slider, .widget-hslider, .widget-dropdown, .widget-toggle-buttons, '
                    + '.widget-radio, .widget-checkbox, .widget-play').length,
                figures: document.querySelectorAll(
                    '.jupyter-widgets-output-area img, .widget-output img').length,
                animations: document.querySelectorAll('.animation img').length,
            })"""
        )
        assert rendered["widgets"] >= views, f"{entry}: {views} widgets, {rendered['widgets']} rendered"
        if rendered["controls"]:  # an interactive control (not just a progress bar)
            assert rendered["figures"] + rendered["animations"] >= 1, (
                f"{entry}: controls render, but without a kernel the page shows no figure or animation"
            )
    if entry not in EXTRA_PAGES:
        assert_reads_well(page, entry, 1280)


@pytest.mark.parametrize("entry", pages())
def test_page(browser, book_url, axe_script, entry):
    """Every check of one page, on one load: 1280 px, accessibility in both themes, a phone."""
    visit = Visit(browser, f"{book_url}/{entry}.html")
    try:
        _loaded_checks(visit, entry)
        if entry in SCREENSHOT_PAGES:
            _screenshot(visit.page, entry, "light")
        problems = accessibility_problems(visit.page, entry, axe_script)  # leaves the page dark
        assert not problems, "\n".join(problems)
        if entry in SCREENSHOT_PAGES[:2]:
            _screenshot(visit.page, entry, "dark")
        if entry not in EXTRA_PAGES:
            switch_theme(visit.page, entry, "light")  # the dark theme pads figures (a frame)
            narrow(visit.page)
            assert_reads_well(visit.page, entry, PHONE)
    finally:
        visit.close()


def narrow(page, width: int = PHONE) -> None:
    """Narrow the window to a phone's width and wait until the page has laid itself out again."""
    page.set_viewport_size({"width": width, "height": 900})
    page.wait_for_function(f"() => window.innerWidth === {width}")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

#: pages whose layout differs most on a phone: long equations that scroll, wide figures, tables
NARROWED_PAGES = ["book/foundations/multivariable_calculus", "book/optimization/playground",
                  "book/appendices/notation"]


@pytest.mark.parametrize("entry", NARROWED_PAGES)
def test_a_narrowed_page_reads_as_one_loaded_on_a_phone(browser, site, entry):
    """What ``test_page`` reads after narrowing the window is what a page loaded at 390 px shows."""
    loaded = Visit(browser, f"{site}/{entry}.html", width=PHONE)
    narrowed = Visit(browser, f"{site}/{entry}.html")
    try:
        narrow(narrowed.page)
        at_phone, after = (v.page.evaluate(LAYOUT_PROBLEMS_JS) for v in (loaded, narrowed))
        assert at_phone == after, f"{entry}: loaded at {PHONE} px {at_phone}; narrowed {after}"
        sizes = "() => [...document.querySelectorAll('article img, div.math')].map(e => e.clientWidth)"
        assert loaded.page.evaluate(sizes) == narrowed.page.evaluate(sizes), (
            f"{entry}: figures and equations are laid out differently when the window is narrowed")
    finally:
        loaded.close()
        narrowed.close()


def test_search_finds_the_determinant(browser, site):
    visit = Visit(browser, f"{site}/search.html?q=determinant")
    try:
        visit.page.wait_for_selector("#search-results li", timeout=15000)
        hits = visit.page.locator("#search-results li").count()
        assert hits >= 1
        assert visit.page.locator("#search-results li a", has_text="Vectors and matrices").count() >= 1
    finally:
        visit.close()

