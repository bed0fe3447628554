"""mlcourse.interactive: one explorer, live in a kernel and precomputed for the web page."""

from __future__ import annotations

import base64
import json
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from mlcourse.interactive import Choice, Explorer, ExplorerError, Slider, explore

X = np.linspace(-3, 3, 50)
ALT = "A sine or a cosine curve with the chosen amplitude."


def make(update=None, controls=None, **kwargs) -> Explorer:
    fig, ax = plt.subplots(figsize=(3, 2))
    (line,) = ax.plot(X, np.sin(X))
    ax.set_ylim(-3, 3)
    plt.close(fig)

    def default_update(a, kind):
        line.set_ydata(a * (np.sin(X) if kind == "sin" else np.cos(X)))
        return f"The {kind} curve with amplitude {a:g}."

    controls = controls if controls is not None else {"a": Slider("amplitude", [0.5, 1.0, 2.0], value=1.0),
                            "kind": Choice("function", ["sin", "cos"])}
    return explore(fig, update or default_update, controls, name="fig-test", alt=ALT, dpi=40, **kwargs)


def test_frames_cover_the_grid_in_row_major_order_and_follow_the_alt_text():
    e = make()
    frames, alts = e.frames()
    assert len(frames) == 6 == len(set(frames))
    assert alts[0] == "The sin curve with amplitude 0.5." and alts[1] == "The cos curve with amplitude 0.5."
    assert alts[5] == "The cos curve with amplitude 2."
    assert e.values == {"a": 1.0, "kind": "sin"}  # drawing every frame leaves the state as it was
    e.set(a=2.0, kind="cos")
    assert base64.b64encode(e.png()).decode() == frames[5]


def test_one_output_carries_the_live_widget_and_the_web_stand_in():
    bundle = make()._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    page = bundle["text/html"]
    assert page.count('type="range"') == 1 and page.count("<select") == 1
    assert re.search(r'<label for="([^"]+)">amplitude</label><input id="\1"', page)
    payload = json.loads(re.search(r'<script type="application/json">(.*?)</script>', page).group(1))
    assert payload["shape"] == [3, 2] and len(payload["frames"]) == 6
    assert 'data-frame="2"' in page  # the start (a = 1, sin) is frame 1·2 + 0


def test_the_live_controls_redraw():
    e = make()
    box = e.widget()
    before = box.children[1].value
    box.inputs["a"].value = 2.0
    assert e.values["a"] == 2.0 and box.children[1].value != before
    assert box.children[2].value == "The sin curve with amplitude 2."


def test_bad_input_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match=r"controls\['a'\] has no values"):
        make(controls={"a": Slider("a", [])})
    with pytest.raises(ValueError, match=r"controls\['a'\] starts at 3\.0, which is not one of its values"):
        make(controls={"a": Slider("a", [1.0, 2.0], value=3.0)})
    with pytest.raises(ValueError, match="needs a visible label"):
        make(controls={"a": Slider(" ", [1.0])})
    with pytest.raises(TypeError, match="must be a Slider or a Choice"):
        make(controls={"a": [1, 2]})
    with pytest.raises(ValueError, match="controls must be a non-empty dict"):
        make(controls={})
    fig = plt.figure()
    with pytest.raises(ValueError, match="alt must describe"):
        explore(fig, lambda a: None, {"a": Slider("a", [1.0])}, name="fig-x", alt="short")
    with pytest.raises(ValueError, match="name must name the figure"):
        explore(fig, lambda a: None, {"a": Slider("a", [1.0])}, name="two words", alt=ALT)
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        explore("fig", lambda a: None, {"a": Slider("a", [1.0])}, name="fig-x", alt=ALT)
    plt.close(fig)


def test_a_failing_grid_point_names_the_explorer_and_the_values():
    def update(a, kind):
        if a == 2.0 and kind == "cos":
            raise RuntimeError("boom")

    e = make(update=update)
    with pytest.raises(ExplorerError,
                       match=r"'fig-test': update failed for a=2\.0, kind='cos': RuntimeError: boom"):
        e.html()


def test_a_grid_over_the_budget_is_refused_with_its_size():
    e = make(controls={"a": Slider("a", list(np.linspace(0.1, 3, 40))),
                       "kind": Choice("f", ["sin", "cos"])}, budget=20_000)
    with pytest.raises(ValueError,
                       match=r"80 frames of about \d+ kB would be about [\d.]+ MB, over the budget"):
        e.html()


def test_the_stand_in_swaps_to_the_right_frame_in_a_browser(tmp_path, browser):
    e = make()
    page_html = f"<!doctype html><html><body>{e.html()}</body></html>"
    path = tmp_path / "explorer.html"
    path.write_text(page_html, encoding="utf-8")
    frames, alts = e.frames()
    page = browser.new_page()
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(path.as_uri())
    img = page.locator("div.mlc-explorer img")
    slider = page.get_by_label("amplitude")
    slider.focus()
    page.keyboard.press("ArrowRight")  # a: 1.0 -> 2.0, kind: sin  => frame 4
    assert img.get_attribute("data-frame") == "4"
    assert img.get_attribute("src").endswith(frames[4]) and img.get_attribute("alt") == alts[4]
    assert slider.get_attribute("aria-valuetext") == "2"
    page.get_by_label("function").select_option("1")  # cos => frame 5
    assert img.get_attribute("data-frame") == "5" and img.get_attribute("alt") == alts[5]
    page.close()
    assert not errors


def test_the_stand_in_passes_axe_core_in_a_browser(tmp_path, browser, axe_script):
    """Every control has a label that says what it sets, and the figure has alt text (issue 26)."""
    from test_accessibility import violations

    if axe_script is None:
        pytest.skip("axe-core is not available (see tests/test_accessibility.py::test_axe_core_is_available)")
    e = make()
    path = tmp_path / "explorer.html"
    path.write_text(f'<!doctype html><html lang="en"><head><title>Explorer</title></head><body><main>'
                    f"{e.html()}</main></body></html>", encoding="utf-8")
    page = browser.new_page()
    page.goto(path.as_uri())
    found = violations(page, axe_script)
    page.close()
    assert not found, f"the explorer's stand-in fails WCAG 2.1 A/AA rules: {found}"


def test_no_chapter_builds_controls_with_ipywidgets_directly():
    """Interactive figures go through mlcourse.interactive (live in a kernel, precomputed on the web)."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    pattern = re.compile(r"\bimport ipywidgets\b|\bfrom ipywidgets\b|\bwidgets\.(?:[A-Z]\w*Slider|Dropdown|"
                         r"Output|VBox|HBox|interact)\b")
    offenders = [p.relative_to(root).as_posix() for p in sorted((root / "book").rglob("*.ipynb"))
                 if pattern.search("".join("".join(c["source"]) for c in json.loads(p.read_text())["cells"]
                                           if c["cell_type"] == "code"))]
    assert not offenders, f"chapters that use ipywidgets instead of mlcourse.interactive: {offenders}"
