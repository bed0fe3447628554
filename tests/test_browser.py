"""The built book in a real browser: Debian's Chromium, driven by Playwright, with the network cut off.

A fixture serves ``_build/html`` on 127.0.0.1; every request to any other host is blocked and
recorded. For every page of the book: no console or page errors (beyond the allow-list below, each
entry with its reason), no request leaves 127.0.0.1, the title and the navigation are there, every
piece of math is typeset by MathJax without errors, every image loads, and every embedded widget
renders (with its figure, so the page is meaningful without a kernel). A full-page screenshot of
one page per part is saved to ``_build/screenshots/`` for review.

Chromium comes from Debian (``apt-get install chromium``); Playwright never downloads a browser
here. Without Chromium these tests are skipped, unless ``MLCOURSE_REQUIRE_BROWSER=1`` (set by
``.ci/run``) makes that a failure.
"""

import functools
import http.server
import os
import re
import shutil
import threading
from urllib.parse import urlparse

import pytest
from book_helpers import ROOT, toc_entries

pytestmark = [pytest.mark.book, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "_build" / "screenshots"

#: Console messages that are known upstream noise, each with the reason it is harmless.
ALLOWED_CONSOLE = [
    # (pattern, reason)
]

#: Pages that are not in the table of contents but readers reach.
EXTRA_PAGES = ["search", "genindex"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output readable
        pass


@pytest.fixture(scope="session")
def site(built_book):
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if CHROMIUM is None:
        if os.environ.get("MLCOURSE_REQUIRE_BROWSER") == "1":
            pytest.fail("MLCOURSE_REQUIRE_BROWSER=1 but Chromium is not installed (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


class Visit:
    """A page loaded in a fresh browser context, with what happened while loading it."""

    def __init__(self, browser, url, *, color_scheme="light"):
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=color_scheme)
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


@pytest.mark.parametrize("entry", pages())
def test_page_in_the_browser(browser, site, entry):
    visit = Visit(browser, f"{site}/{entry}.html")
    page = visit.page
    try:
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
    finally:
        visit.close()


#: one page per part of the book (plus the front page); the first two also in dark mode
SCREENSHOT_PAGES = [
    "book/intro",
    "book/foundations/change_of_basis",
    "book/optimization/playground",
    "book/neural_networks/convolutional_networks",
    "book/generative/vae",
    "book/statistics/umap",
    "book/theory/neural_tangent_kernel",
]


@pytest.mark.parametrize("entry", SCREENSHOT_PAGES)
def test_screenshots_for_review(browser, site, entry):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    schemes = ("light", "dark") if entry in SCREENSHOT_PAGES[:2] else ("light",)
    for scheme in schemes:
        visit = Visit(browser, f"{site}/{entry}.html", color_scheme=scheme)
        try:
            if scheme == "dark":
                visit.page.evaluate("() => document.documentElement.setAttribute('data-theme', 'dark')")
            name = entry.replace("/", "_")
            path = SCREENSHOTS / f"{name}-{scheme}.png"
            visit.page.screenshot(path=str(path), full_page=True)
            assert path.stat().st_size > 10_000
        finally:
            visit.close()


def test_search_finds_the_determinant(browser, site):
    visit = Visit(browser, f"{site}/search.html?q=determinant")
    try:
        visit.page.wait_for_selector("#search-results li", timeout=15000)
        hits = visit.page.locator("#search-results li").count()
        assert hits >= 1
        assert visit.page.locator("#search-results li a", has_text="Vectors and matrices").count() >= 1
    finally:
        visit.close()

