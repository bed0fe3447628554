"""Every interactive figure of the web book works without a kernel, in Chromium, offline.

For each page of the built book that holds an explorer (``mlcourse.interactive``), every control
of every explorer is moved (from the keyboard for sliders, by choosing an option for drop-downs)
and the figure must show the frame that belongs to the new position: the right image and its alt
text, computed here from the explorer's own data, not merely "something changed". No page may
show an ipywidgets control (they do nothing without a kernel), log an error, or request anything
outside the book.
"""

from __future__ import annotations

import json
import re

import pytest
from book_helpers import toc_entries
from test_browser import Visit

pytestmark = [pytest.mark.book, pytest.mark.slow]

#: Pages whose chapter has an interactive figure (the test also finds any other page that has one).
EXPECTED = {
    "book/foundations/change_of_basis", "book/foundations/taylor_and_newton",
    "book/neural_networks/activations", "book/generative/latent_variables",
    "book/statistics/kl_asymmetry", "book/theory/sgd_implicit_regularization",
}


def _html(built_book, page: str) -> str:
    return (built_book / f"{page}.html").read_text(encoding="utf-8")


def test_the_chapters_with_interactive_figures_have_explorers_and_no_widget_views(built_book):
    missing = [p for p in sorted(EXPECTED) if 'class="mlc-explorer"' not in _html(built_book, p)]
    assert not missing, f"pages without their explorer: {missing}"
    with_widgets = [p for p in toc_entries()
                    if re.search(r'<script type="application/vnd\.jupyter\.widget-view\+json"',
                                 _html(built_book, p))]
    assert not with_widgets, f"pages that show ipywidgets controls (dead without a kernel): {with_widgets}"


def _explorer_pages(built_book) -> list[str]:
    return [p for p in toc_entries() if 'class="mlc-explorer"' in _html(built_book, p)]


def _expected_index(figure) -> int:
    data = json.loads(figure.locator('script[type="application/json"]').text_content())
    index = 0
    for k, control in enumerate(figure.locator("[data-control]").all()):
        assert int(control.get_attribute("data-control")) == k
        index = index * data["shape"][k] + int(control.input_value())
    return index


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_every_control_of_every_explorer_shows_the_right_frame(browser, site, built_book, page):
    visit = Visit(browser, f"{site}/{page}.html")
    try:
        figures = visit.page.locator("div.mlc-explorer").all()
        assert figures, f"{page}: no explorer"
        for figure in figures:
            data = json.loads(figure.locator('script[type="application/json"]').text_content())
            img = figure.locator("img")
            assert int(img.get_attribute("data-frame")) == _expected_index(figure)
            for control in figure.locator("[data-control]").all():
                label = figure.locator(f'label[for="{control.get_attribute("id")}"]')
                assert label.count() == 1 and label.text_content().strip(), "a control without a label"
                tag = control.evaluate("e => e.tagName")
                before = int(img.get_attribute("data-frame"))
                if tag == "SELECT":
                    n = control.locator("option").count()
                    control.select_option(str((int(control.input_value()) + 1) % n))
                else:
                    control.focus()
                    at_end = control.input_value() == control.get_attribute("max")
                    visit.page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
                expected = _expected_index(figure)
                assert expected != before
                assert int(img.get_attribute("data-frame")) == expected
                assert img.get_attribute("src").endswith(data["frames"][expected])
                assert img.get_attribute("alt") == data["alts"][expected]
        assert not visit.console_errors, visit.console_errors
        assert not visit.blocked, f"requests outside the book: {visit.blocked}"
    finally:
        visit.close()


def test_every_explorer_page_is_in_the_list(built_book):
    assert set(_explorer_pages(built_book)) <= EXPECTED | {"book/optimization/playground"}


def _expected_points(data, problem, i, j, n, o) -> int:
    entry = data["problems"][problem]
    path, k = entry["paths"][i][j][o], entry["diverged"][i][j][o]
    upto = k if 0 <= k <= n else n + 1
    return min(upto, len(path) // 2)


def test_the_playground_explorer_draws_the_precomputed_paths(browser, site, built_book):
    visit = Visit(browser, f"{site}/book/optimization/playground.html")
    try:
        root = visit.page.locator("div[id^='mlc-explorer-']").first
        data = json.loads(root.locator('script[type="application/json"]').text_content())
        sel, lr, beta, steps = (root.locator(q)
                                for q in ("select", "input.lr", "input.beta", "input.steps"))
        for control in (sel, lr, beta, steps):
            assert root.locator(f'label[for="{control.get_attribute("id")}"]').count() == 1

        def state():
            return sel.input_value(), int(lr.input_value()), int(beta.input_value()), int(steps.input_value())

        def check_drawing():
            problem, i, j, n = state()
            for o, name in enumerate(data["names"]):
                points = root.locator(f"polyline.{name}").get_attribute("points").split()
                assert len(points) == _expected_points(data, problem, i, j, n, o), (name, problem, i, j, n)
            assert data["problems"][problem]["lrs"][i] > 0 and root.locator("svg").get_attribute("aria-label")

        check_drawing()
        lr.focus()
        visit.page.keyboard.press("ArrowRight")
        check_drawing()
        beta.focus()
        visit.page.keyboard.press("ArrowLeft")
        check_drawing()
        steps.evaluate("e => { e.value = 30; e.dispatchEvent(new Event('input')); }")
        check_drawing()
        sel.select_option(index=1)
        check_drawing()
        assert not visit.console_errors, visit.console_errors
        assert not visit.blocked, f"requests outside the book: {visit.blocked}"
    finally:
        visit.close()
