"""One mechanism for every interactive figure: live in a kernel, precomputed in the web book.

A chapter gives a figure, a function that redraws it for given control values (by updating its
artists: ``set_ydata``, ``set_data``, ``set_offsets``, ``set_title``), and the controls::

    fig, ax = plt.subplots()
    (line,) = ax.plot(x, f(x, 1.0))
    plt.close(fig)

    def update(a):
        line.set_ydata(f(x, a))
        return f"The curve f(x, a) for a = {a:g}."     # the alt text of this state (optional)

    mlcourse.explore(fig, update, {"a": Slider("a", np.linspace(0.5, 2, 16))},
                     name="fig-f-explorer", alt="The curve f for the chosen a.")

What the reader gets depends on where the notebook runs, from one output:

* **in Jupyter or Colab** (a kernel, the inline backend): ipywidgets controls; moving one calls
  ``update`` and shows the redrawn figure;
* **in the HTML book** (no kernel): the same controls as plain HTML inputs, and the figure for
  *every* combination of the controls' values, computed when the book is built and swapped in by a
  few lines of inline JavaScript; nothing is loaded from outside the page.

Both representations travel in one display output (``_repr_mimebundle_``): Jupyter front-ends show
the widget, and the book (``nb_mime_priority_overrides`` in ``_config.yml`` drops widget views from
the HTML builders) shows the stand-in, so no reader meets a control that does nothing.

The web stand-in has a budget (frames as palette PNGs, at most :data:`PAGE_BUDGET` bytes per
explorer by default); a grid that would exceed it is refused when the book is built, with its
estimated size. Defined for the whole book; the chapter *The optimizer playground* explains how
the book's interactive figures are computed.
"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import re
import sys
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

#: the accessible name of an explorer's stand-in until a figure names it (``{glue:figure}``'s
#: ``:alt:``, which ``_ext/tidy_pages.py`` puts in its place)
GROUP_LABEL = "interactive figure"

__all__ = ["PAGE_BUDGET", "Choice", "Explorer", "ExplorerError", "Interactive", "Slider", "explore"]

#: Default budget for one explorer's precomputed frames in the web page, in bytes (base64 included).
PAGE_BUDGET = 2_000_000

_NAME = re.compile(r"^[A-Za-z][\w\-]*$")


class ExplorerError(RuntimeError):
    """Drawing a frame of an explorer failed (the message names the explorer and the control values)."""


@dataclass(frozen=True)
class Slider:
    """A slider over the numbers ``values`` (the grid the web book precomputes), starting at ``value``.

    ``fmt`` formats a value for the readout (a format spec such as ``".2f"``).
    """

    label: str
    values: Sequence[float]
    value: float | None = None
    fmt: str = ".3g"

    def options(self) -> list:
        # Python numbers (numpy scalars converted), integers kept as integers
        return [v.item() if isinstance(v, np.generic) else v for v in np.asarray(self.values).tolist()] \
            if isinstance(self.values, np.ndarray) else \
            [v.item() if isinstance(v, np.generic) else v for v in self.values]

    def text(self, value) -> str:
        return format(value, self.fmt)


@dataclass(frozen=True)
class Choice:
    """A drop-down over ``choices`` (strings, or a mapping label -> value), starting at ``value``."""

    label: str
    choices: Sequence[str] | Mapping[str, Any]
    value: Any = None

    def options(self) -> list:
        return list(self.choices.values()) if isinstance(self.choices, Mapping) else list(self.choices)

    def labels(self) -> list[str]:
        return [str(k) for k in self.choices] if isinstance(self.choices, Mapping) else \
            [str(o) for o in self.choices]

    def text(self, value) -> str:
        return self.labels()[self.options().index(value)]


Control = Slider | Choice


def _check_controls(controls) -> dict[str, Control]:
    if not isinstance(controls, Mapping) or not controls:
        raise ValueError(f"controls must be a non-empty dict name -> Slider or Choice; got {controls!r}")
    checked = {}
    for name, control in controls.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"control names must be Python identifiers (update's keyword arguments); "
                             f"got {name!r}")
        if not isinstance(control, (Slider, Choice)):
            raise TypeError(f"controls[{name!r}] must be a Slider or a Choice; got {type(control).__name__}")
        if not isinstance(control.label, str) or not control.label.strip():
            raise ValueError(f"controls[{name!r}] needs a visible label (a non-empty string); got "
                             f"{control.label!r}")
        values = control.options()
        if len(values) == 0:
            raise ValueError(f"controls[{name!r}] has no values: give it at least one")
        if isinstance(control, Slider):
            array = np.asarray(values, dtype=np.float64)
            if not np.all(np.isfinite(array)):
                raise ValueError(f"controls[{name!r}] must have finite values; got {values}")
            if len(set(values)) != len(values):
                raise ValueError(f"controls[{name!r}] repeats a value: {values}")
        if control.value is not None and control.value not in values:
            raise ValueError(f"controls[{name!r}] starts at {control.value!r}, which is not one of its "
                             f"values {values}")
        checked[name] = control
    return checked


def _start(control: Control):
    values = control.options()
    return control.value if control.value is not None else values[len(values) // 2] \
        if isinstance(control, Slider) else values[0]


def _png(fig, dpi: int) -> bytes:
    """The figure, drawn at ``dpi``, as a compact palette PNG (lossless for the book's flat-coloured art)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
    old = fig.dpi
    fig.set_dpi(dpi)
    try:
        canvas.draw()
        rgb = np.asarray(canvas.buffer_rgba())[..., :3]
    finally:
        fig.set_dpi(old)
    out = io.BytesIO()
    Image.fromarray(rgb).quantize(colors=128, method=Image.Quantize.FASTOCTREE).save(out, format="PNG")
    return out.getvalue()


def _freeze_layout(fig, dpi: int) -> None:
    """Lay the figure out once and keep that layout for every frame (a frame then draws in a third
    of the time, and the axes do not jump when a title changes length)."""
    _png(fig, dpi)
    try:
        fig.set_layout_engine("none")
    except RuntimeError:  # an engine that cannot be switched off: keep it (slower, same pictures)
        pass


class Explorer:
    """An interactive figure: see :func:`explore`. Display it (the last expression of a cell)."""

    def __init__(self, fig, update: Callable[..., Any], controls: Mapping[str, Control], *, name: str,
                 alt: str | Callable[..., str], dpi: int = 100, budget: int = PAGE_BUDGET,
                 static: bool | None = None) -> None:
        if not callable(getattr(fig, "savefig", None)):
            raise TypeError(f"fig must be a matplotlib Figure; got {type(fig).__name__}")
        if not callable(update):
            raise TypeError(f"update must be a function of the controls' values; got {type(update).__name__}")
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError(f"name must name the figure (letters, digits, '-', '_'), e.g. "
                             f"'fig-taylor-explorer'; got {name!r}")
        if not (callable(alt) or (isinstance(alt, str) and len(alt.strip()) >= 20)):
            raise ValueError(f"alt must describe what the figure shows (at least 20 characters) or be a "
                             f"function of the controls' values; got {alt!r}")
        if isinstance(dpi, bool) or not isinstance(dpi, int) or not 30 <= dpi <= 300:
            raise ValueError(f"dpi must be an integer from 30 to 300; got {dpi!r}")
        if isinstance(budget, bool) or not isinstance(budget, int) or budget <= 0:
            raise ValueError(f"budget must be a positive number of bytes; got {budget!r}")
        self.fig, self.update, self.name, self.alt_spec = fig, update, name, alt
        self.controls = _check_controls(controls)
        self.dpi, self.budget = dpi, budget
        self.values = {n: _start(c) for n, c in self.controls.items()}
        if static is not None and not isinstance(static, bool):
            raise TypeError(f"static must be True, False or None (automatic); got {type(static).__name__}")
        self.static = ("google.colab" not in sys.modules) if static is None else static
        self._widget = None
        self.draw(**self.values)
        _freeze_layout(fig, dpi)

    # --- the state ------------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(c.options()) for c in self.controls.values())

    def draw(self, **values) -> str:
        """Redraw the figure for these control values; return the alt text of that state."""
        merged = {**self.values, **values}
        try:
            described = self.update(**merged)
        except Exception as err:
            shown = ", ".join(f"{k}={v!r}" for k, v in merged.items())
            raise ExplorerError(f"explorer {self.name!r}: update failed for {shown}: "
                                f"{type(err).__name__}: {err}") from err
        self.values = merged
        if callable(self.alt_spec):
            return str(self.alt_spec(**merged))
        return str(described) if isinstance(described, str) and described else self.alt_spec

    def png(self) -> bytes:
        """The figure as it is drawn now."""
        return _png(self.fig, self.dpi)

    # --- the web stand-in -----------------------------------------------------------------------

    def frames(self) -> tuple[list[str], list[str]]:
        """Every frame of the grid (base64 PNGs, row-major over the controls) and its alt text.

        Raises :class:`ExplorerError` naming the control values where drawing fails, and
        ``ValueError`` before drawing them all if the frames would exceed the budget.
        """
        names = list(self.controls)
        grids = [self.controls[n].options() for n in names]
        n_frames = int(np.prod(self.shape))
        start = dict(self.values)
        images, alts = [], []
        try:
            for i, combo in enumerate(itertools.product(*grids)):
                alt = self.draw(**dict(zip(names, combo, strict=True)))
                images.append(base64.b64encode(self.png()).decode("ascii"))
                alts.append(alt)
                if i == 0:
                    estimate = len(images[0]) * n_frames
                    if estimate > 1.5 * self.budget:
                        raise ValueError(
                            f"explorer {self.name!r}: {n_frames} frames of about "
                            f"{len(images[0]) / 1e3:.0f} kB "
                            f"would be about {estimate / 1e6:.1f} MB, over the budget of "
                            f"{self.budget / 1e6:.1f} MB per page: use fewer values per control or a "
                            f"smaller figure")
        finally:
            self.draw(**start)
        total = sum(len(s) for s in images)
        if total > self.budget:
            raise ValueError(f"explorer {self.name!r}: its {n_frames} frames take {total / 1e6:.2f} MB, over "
                             f"the budget of {self.budget / 1e6:.1f} MB per page")
        return images, alts

    def html(self) -> str:
        """The stand-in for the web book: HTML controls, the frames, and the script that swaps them."""
        images, alts = self.frames()
        uid = f"mlc-{self.name}-{uuid.uuid4().hex[:8]}"
        start = [c.options().index(self.values[n]) for n, c in self.controls.items()]
        index = int(np.ravel_multi_index(start, self.shape))
        rows = []
        for k, (name, control) in enumerate(self.controls.items()):
            cid = f"{uid}-{name}"
            label = html.escape(control.label)
            texts = [control.text(v) for v in control.options()]
            if isinstance(control, Slider):
                rows.append(
                    f'<label for="{cid}">{label}</label>'
                    f'<input id="{cid}" type="range" min="0" max="{len(texts) - 1}" step="1" '
                    f'value="{start[k]}" data-control="{k}" aria-valuetext="{html.escape(texts[start[k]])}">'
                    f'<output for="{cid}">{html.escape(texts[start[k]])}</output>')
            else:
                options = "".join(f'<option value="{i}"{" selected" if i == start[k] else ""}>'
                                  f"{html.escape(t)}</option>" for i, t in enumerate(texts))
                rows.append(f'<label for="{cid}">{label}</label>'
                            f'<select id="{cid}" data-control="{k}">{options}</select><span></span>')
        payload = {"shape": list(self.shape), "frames": images, "alts": alts,
                   "texts": [[c.text(v) for v in c.options()] for c in self.controls.values()]}
        return (
            f"<style>{_CSS}</style>"
            f'<div class="mlc-explorer" role="group" aria-label="{GROUP_LABEL}" id="{uid}" '
            f'data-name="{html.escape(self.name)}">'
            f'<div class="mlc-controls">{"".join(rows)}</div>'
            f'<img src="data:image/png;base64,{images[index]}" alt="{html.escape(alts[index])}" '
            f'data-frame="{index}">'
            f'<script type="application/json">{json.dumps(payload, separators=(",", ":"))}</script>'
            f"<script>{_JS % {'id': uid}}</script></div>"
        )

    # --- the live widget ------------------------------------------------------------------------

    def widget(self):
        """The ipywidgets controls and the figure, live (built once)."""
        if self._widget is not None:
            return self._widget
        import ipywidgets as widgets

        image = widgets.Image(value=self.png(), format="png")
        caption = widgets.Label(value=self.draw())
        inputs = {}
        for name, control in self.controls.items():
            options = list(zip([control.text(v) for v in control.options()], control.options(), strict=True))
            if isinstance(control, Slider):
                inputs[name] = widgets.SelectionSlider(options=options, value=self.values[name],
                                                       description=control.label, continuous_update=True,
                                                       style={"description_width": "initial"})
            else:
                inputs[name] = widgets.Dropdown(options=options, value=self.values[name],
                                                description=control.label,
                                                style={"description_width": "initial"})

        def redraw(_change=None):
            caption.value = self.draw(**{n: w.value for n, w in inputs.items()})
            image.value = self.png()

        for w in inputs.values():
            w.observe(redraw, names="value")
        box = widgets.VBox([widgets.HBox(list(inputs.values())), image, caption])
        box.inputs = inputs  # so readers and tests can drive the controls programmatically
        self._widget = box
        return box

    def set(self, **values) -> None:
        """Move controls programmatically (live widget and figure follow)."""
        unknown = set(values) - set(self.controls)
        if unknown:
            raise ValueError(f"explorer {self.name!r} has controls {list(self.controls)}; "
                             f"got {sorted(unknown)}")
        for name, value in values.items():
            if value not in self.controls[name].options():
                raise ValueError(f"control {name!r} takes one of {self.controls[name].options()}; "
                                 f"got {value!r}")
        if self._widget is not None:
            for name, value in values.items():
                self._widget.inputs[name].value = value
        else:
            self.draw(**values)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return _bundle(f"<interactive figure {self.name!r}: controls {', '.join(self.controls)}>",
                       self.widget, self.html if self.static else None,
                       lambda: base64.b64encode(self.png()).decode("ascii"), include, exclude)


def _bundle(text: str, widget: Callable, html_standin: Callable | None, png: Callable | None,
            include=None, exclude=None) -> dict:
    """One display output with both representations: the live widget (Jupyter front-ends show it)
    and the web stand-in (the HTML book shows it: _config.yml drops widget views there)."""
    bundle = {"text/plain": text}
    try:
        widget_bundle = widget()._repr_mimebundle_(include=include, exclude=exclude)
    except ImportError:  # no ipywidgets: the static stand-in alone
        widget_bundle = None
    if isinstance(widget_bundle, tuple):
        widget_bundle = widget_bundle[0]
    if widget_bundle:
        bundle.update({k: v for k, v in widget_bundle.items() if k != "text/plain"})
    if html_standin is not None:
        bundle["text/html"] = html_standin()
    elif png is not None:
        bundle["image/png"] = png()
    return bundle


class Interactive:
    """A figure with its own live widget and its own web stand-in, shown through the same output as
    :class:`Explorer` (for figures whose stand-in is better sent as data than as frames, such as the
    optimizer playground's trajectories, which the page draws itself).

    Parameters
    ----------
    widget : callable
        Returns the live ipywidgets object (called when the output is displayed).
    html : callable
        Returns the stand-in's HTML: self-contained, with labelled controls and inline script only.
    name : str
        The figure's name.
    """

    def __init__(self, widget: Callable[[], Any], html: Callable[[], str], *, name: str) -> None:
        if not callable(widget) or not callable(html):
            raise TypeError(f"widget and html must be functions that build the live widget and the web "
                            f"stand-in; got {type(widget).__name__} and {type(html).__name__}")
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError(f"name must name the figure (letters, digits, '-', '_'); got {name!r}")
        self.name = name
        self._make_widget, self._make_html = widget, html
        self._widget = None
        self.static = "google.colab" not in sys.modules

    def widget(self):
        """The live widget (built once)."""
        if self._widget is None:
            self._widget = self._make_widget()
        return self._widget

    def html(self) -> str:
        """The web stand-in."""
        return self._make_html()

    def __getattr__(self, name: str):
        # the live widget's attributes (controls, figure, ...), so code written for it keeps working
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.widget(), name)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return _bundle(f"<interactive figure {self.name!r}>", self.widget,
                       self.html if self.static else None, None, include, exclude)


def explore(fig, update: Callable[..., Any], controls: Mapping[str, Control], *, name: str,
            alt: str | Callable[..., str], dpi: int = 100, budget: int = PAGE_BUDGET) -> Explorer:
    """An interactive figure that is live in a kernel and precomputed in the web book.

    Parameters
    ----------
    fig : matplotlib Figure
        The figure ``update`` redraws (close it with ``plt.close(fig)`` so that the inline backend
        does not show it a second time).
    update : callable
        ``update(**values)`` redraws the figure for the controls' values by updating its artists;
        it may return the alt text of that state (a string), which then follows the controls.
    controls : dict
        name (``update``'s keyword) -> :class:`Slider` or :class:`Choice`. The web book holds a
        frame for every combination of the controls' values.
    name : str
        The figure's name (for messages, the page, and the tests).
    alt : str or callable
        What the figure shows, in words (used where ``update`` returns none), or a function of the
        controls' values that says it for each state.
    dpi, budget : int
        Frame resolution, and the most bytes the frames may take in the page (refused otherwise).

    Returns
    -------
    Explorer
        Display it: the last expression of a cell.
    """
    return Explorer(fig, update, controls, name=name, alt=alt, dpi=dpi, budget=budget)


_CSS = (".mlc-explorer{margin:0.5em 0}.mlc-explorer .mlc-controls{display:flex;flex-wrap:wrap;"
        "align-items:center;gap:0.3em 0.8em;margin-bottom:0.4em}.mlc-explorer output{min-width:3.5em;"
        "font-variant-numeric:tabular-nums}.mlc-explorer img{max-width:100%;height:auto}")

_JS = """(function () {
  var root = document.getElementById("%(id)s");
  var data = JSON.parse(root.querySelector('script[type="application/json"]').textContent);
  var inputs = root.querySelectorAll("[data-control]");
  var img = root.querySelector("img");
  function show() {
    var index = 0;
    inputs.forEach(function (el) {
      var k = +el.getAttribute("data-control"), v = +el.value;
      index = index * data.shape[k] + v;
      if (el.type === "range") {
        el.setAttribute("aria-valuetext", data.texts[k][v]);
        el.nextElementSibling.textContent = data.texts[k][v];
      }
    });
    img.src = "data:image/png;base64," + data.frames[index];
    img.alt = data.alts[index];
    img.setAttribute("data-frame", index);
  }
  inputs.forEach(function (el) { el.addEventListener("input", show); el.addEventListener("change", show); });
})();"""
