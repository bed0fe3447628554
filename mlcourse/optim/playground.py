"""The optimizer playground: every optimizer on a 2-D problem, live, and its stand-ins for the web book.

Three layers, so that each can be tested on its own:

* :func:`trajectories` is a pure function from the controls (problem, learning rates, momentum,
  betas, start, number of steps) to the five trajectories. It calls the update rules of
  :mod:`mlcourse.optim.first_order` on Python floats, one coordinate at a time
  (:mod:`mlcourse.optim.plane`): bit for bit what :func:`mlcourse.optim.run` computes, so what
  you see is what the tests check against torch.
* :class:`PlaygroundPlot` draws a :class:`Trajectories` on a contour map and a loss plot, and
  :meth:`PlaygroundPlot.update` redraws by moving its existing artists (``set_data``), never by
  building a new figure. A diverged trajectory is drawn up to where it left, with a cross.
* :func:`optimizer_playground` wires ipywidgets controls to the two (Jupyter and Colab, inline
  backend); :func:`playground_animation` and :func:`static_explorer` serve readers of the HTML
  book, where no kernel runs: an animation, and a page-local explorer over a precomputed grid of
  learning rates and momenta (inline SVG and a few lines of inline JavaScript, nothing loaded
  from outside the page).

Defined in the chapter *The optimizer playground*.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import struct
import zlib
from typing import NamedTuple

import numpy as np

from .._validate import as_vector, check_choice, check_dpi, check_figsize, check_int, check_positive
from .plane import simulate_plane
from .problems import PROBLEMS, Problem

__all__ = [
    "DEFAULTS",
    "OPTIMIZERS",
    "Controls",
    "PlaygroundPlot",
    "Trajectories",
    "optimizer_playground",
    "playground_animation",
    "static_explorer",
    "trajectories",
]

#: The optimizers of the playground, in drawing order, and their kind in :data:`batch.KINDS`.
OPTIMIZERS = {"GD": "gd", "Momentum": "momentum", "Nesterov": "nesterov", "RMSprop": "rmsprop",
              "Adam": "adam"}


def _colors() -> dict[str, str]:
    """Each optimizer's colour: its colour in the book's palette, :data:`mlcourse.plotting.COLORS`.

    Looked up when something is drawn, because :mod:`mlcourse.plotting` imports matplotlib.
    """
    from ..plotting import COLORS as BOOK_COLORS

    return {name: BOOK_COLORS[kind] for name, kind in OPTIMIZERS.items()}


def __getattr__(name: str):
    # ``COLORS``: the book's palette restricted to the playground's optimizers, by display name
    # ({"GD": plotting.COLORS["gd"], ...}); computed on first use, so importing this module
    # does not import matplotlib.
    if name == "COLORS":
        return _colors()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Per problem, learning rates that make an instructive start: (GD family, RMSprop/Adam).
DEFAULTS = {
    "quadratic": (0.08, 0.1),
    "valley": (0.02, 0.1),
    "rosenbrock": (1e-3, 0.05),
    "beale": (0.004, 0.05),
    "saddle": (0.1, 0.05),
    "himmelblau": (0.01, 0.1),
}


class Controls(NamedTuple):
    """Everything the playground's sliders set.

    Attributes
    ----------
    problem : str
        A key of :data:`mlcourse.optim.problems.PROBLEMS`.
    lr : float
        η of GD, Momentum and Nesterov (they scale the gradient itself).
    lr_adaptive : float
        η of RMSprop and Adam (they scale a normalised gradient, so η is a step length).
    beta : float
        The momentum β of Momentum and Nesterov.
    alpha : float
        RMSprop's decay α.
    beta1, beta2 : float
        Adam's decays.
    start : tuple of two floats, or None for the problem's own start
    n_steps : int
    """

    problem: str = "rosenbrock"
    lr: float = 1e-3
    lr_adaptive: float = 0.05
    beta: float = 0.9
    alpha: float = 0.99
    beta1: float = 0.9
    beta2: float = 0.999
    start: tuple[float, float] | None = None
    n_steps: int = 300

    @classmethod
    def for_problem(cls, problem: str, **changes) -> Controls:
        """The default controls of a problem, with ``changes`` applied."""
        lr, lr_adaptive = DEFAULTS[check_choice(problem, "problem", sorted(PROBLEMS))]
        return cls(problem=problem, lr=lr, lr_adaptive=lr_adaptive)._replace(**changes)


class Trajectories(NamedTuple):
    """The five trajectories of one setting of the controls.

    Attributes
    ----------
    names : tuple of str
        The optimizers, in the order of the rows below.
    iterates : array of shape (n_optimizers, n_steps + 1, 2)
        NaN after a divergence.
    losses : array of shape (n_optimizers, n_steps + 1)
        f(xₖ) - f(x*), with x* the problem's first minimizer (0 when it has none); NaN after a
        divergence.
    diverged_at : int array of shape (n_optimizers,)
        The step at which each diverged, or -1.
    """

    names: tuple[str, ...]
    iterates: np.ndarray
    losses: np.ndarray
    diverged_at: np.ndarray


_PROBLEM_CACHE: dict[str, Problem] = {}


def _problem(name: str) -> Problem:
    check_choice(name, "problem", sorted(PROBLEMS))
    if name not in _PROBLEM_CACHE:
        _PROBLEM_CACHE[name] = PROBLEMS[name]()
    return _PROBLEM_CACHE[name]


def _in_unit(value, name: str) -> float:
    value = check_positive(value, name, allow_zero=True)
    if value >= 1:
        raise ValueError(f"{name} must be in [0, 1); got {value}")
    return value


def _check_controls(c: Controls) -> Controls:
    if not isinstance(c, Controls):
        raise TypeError(f"controls must be a Controls; got {type(c).__name__}")
    p = _problem(c.problem)
    start = p.start if c.start is None else as_vector(c.start, "start", size=2)
    return c._replace(
        lr=check_positive(c.lr, "lr"), lr_adaptive=check_positive(c.lr_adaptive, "lr_adaptive"),
        beta=_in_unit(c.beta, "beta"), alpha=_in_unit(c.alpha, "alpha"),
        beta1=_in_unit(c.beta1, "beta1"), beta2=_in_unit(c.beta2, "beta2"),
        start=tuple(float(s) for s in start), n_steps=check_int(c.n_steps, "n_steps", minimum=1))


def _hyperparameters(c: Controls, eps: float = 1e-8) -> dict[str, dict[str, float]]:
    """Each optimizer's hyperparameters, with the names of its factory in :mod:`first_order`."""
    return {
        "GD": {"lr": c.lr},
        "Momentum": {"lr": c.lr, "beta": c.beta},
        "Nesterov": {"lr": c.lr, "beta": c.beta},
        "RMSprop": {"lr": c.lr_adaptive, "alpha": c.alpha, "eps": eps},
        "Adam": {"lr": c.lr_adaptive, "beta1": c.beta1, "beta2": c.beta2, "eps": eps},
    }


def _losses(problem: Problem, iterates: np.ndarray) -> np.ndarray:
    finite = np.all(np.isfinite(iterates), axis=-1)
    safe = np.where(finite[..., None], iterates, 0.0)
    best = problem.value(problem.minimizers[0]) if len(problem.minimizers) else 0.0
    with np.errstate(over="ignore", invalid="ignore"):
        values = problem.value(safe) - best
    return np.where(finite, values, np.nan)


def trajectories(controls: Controls | None = None, *, max_norm: float = 1e6, **changes) -> Trajectories:
    """The trajectories of all five optimizers for one setting of the controls (pure, vectorised).

    Parameters
    ----------
    controls : Controls, optional
        Defaults to ``Controls.for_problem("rosenbrock")``.
    max_norm : float
        An iterate farther than this from the origin counts as diverged.
    **changes
        Fields of :class:`Controls` to replace, e.g. ``trajectories(lr=0.01)``.

    Returns
    -------
    Trajectories
    """
    if controls is None:
        controls = Controls.for_problem(changes.get("problem", "rosenbrock"))
    if not isinstance(controls, Controls):
        raise TypeError(f"controls must be a Controls; got {type(controls).__name__}")
    c = _check_controls(controls._replace(**changes))
    p = _problem(c.problem)
    names = tuple(OPTIMIZERS)
    kinds, hp = [OPTIMIZERS[n] for n in names], _hyperparameters(c)
    # two floats per step: plain Python beats numpy's per-call overhead (every problem has partials)
    result = simulate_plane(kinds, [hp[n] for n in names], p.partials, c.start, c.n_steps, max_norm)
    return Trajectories(names, result.iterates, _losses(p, result.iterates), result.diverged_at)


# --- drawing --------------------------------------------------------------------------------------


def _background(problem: Problem, n: int = 160) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """log(1 + f - f*) on the problem's box: an image whose colours follow the contours."""
    Z = problem.grid(n)[2]
    Z = Z - np.min(Z)
    (x0, x1), (y0, y1) = problem.box
    return np.log1p(Z), (x0, x1, y0, y1)


def _levels(image: np.ndarray, n: int = 14) -> np.ndarray:
    return np.linspace(np.min(image), np.max(image), n + 2)[1:-1]


def _clip_to_box(point: np.ndarray, box) -> np.ndarray:
    (x0, x1), (y0, y1) = box
    return np.array([np.clip(point[0], x0, x1), np.clip(point[1], y0, y1)])


class PlaygroundPlot:
    """Trajectories on a contour map (left) and f(xₖ) - f* against k (right), updated in place.

    Parameters
    ----------
    ax_map : matplotlib Axes
    ax_loss : matplotlib Axes or None
        None draws the map only (the legend then goes on the map).
    problem : str
        The first problem to show.

    Attributes
    ----------
    lines : dict name -> Line2D
        The trajectories; ``lines["Adam"].get_data()`` is what is drawn.
    loss_lines : dict name -> Line2D
    crosses : dict name -> Line2D
        A cross where a diverged trajectory left (empty when it did not diverge).
    """

    def __init__(self, ax_map, ax_loss, problem: str = "rosenbrock") -> None:
        from matplotlib.axes import Axes

        from ..plotting import CMAPS
        from ..plotting import COLORS as BOOK_COLORS

        for name, ax in (("ax_map", ax_map), ("ax_loss", ax_loss)):
            if not isinstance(ax, Axes) and not (name == "ax_loss" and ax is None):
                raise TypeError(f"{name} must be a matplotlib Axes{' or None' if name == 'ax_loss' else ''}; "
                                f"got {type(ax).__name__}")
        _problem(problem)
        self.ax_map, self.ax_loss = ax_map, ax_loss
        self.problem_name = None
        self.image = ax_map.imshow(np.zeros((2, 2)), origin="lower", cmap=CMAPS["surface"], alpha=0.5,
                                   aspect="auto", interpolation="bilinear")
        self._contours = None
        self._still = {}  # the cached pixels of render_png, by problem and loss-axis limits
        self.minima = ax_map.plot([], [], "*", color=BOOK_COLORS["minimum"], ms=14, mec="k", mew=0.8,
                                  zorder=4)[0]
        self.start = ax_map.plot([], [], "o", color=BOOK_COLORS["start"], ms=8, mec="k", zorder=6)[0]
        self.lines, self.heads, self.crosses, self.loss_lines = {}, {}, {}, {}
        colors = _colors()
        for name in OPTIMIZERS:
            color = colors[name]
            self.lines[name] = ax_map.plot([], [], "-", color=color, lw=1.8, alpha=0.95, label=name,
                                           zorder=5)[0]
            self.heads[name] = ax_map.plot([], [], "o", color=color, ms=6, mec="white", zorder=7)[0]
            self.crosses[name] = ax_map.plot([], [], "X", color=color, ms=13, mec="white", zorder=8)[0]
            if ax_loss is not None:
                self.loss_lines[name] = ax_loss.plot([], [], "-", color=color, lw=1.6, label=name)[0]
        handles = [self.lines[name] for name in OPTIMIZERS]
        self.legend = (ax_loss or ax_map).legend(handles, list(OPTIMIZERS), loc="upper right", fontsize=8.5,
                                                 framealpha=0.85, frameon=True)
        ax_map.set_xlabel("$x_1$")
        ax_map.set_ylabel("$x_2$")
        ax_map.grid(False)
        if ax_loss is not None:
            ax_loss.set_yscale("log")
            ax_loss.set_xlabel("step $k$")
            ax_loss.set_ylabel("$f(x_k) - f^*$")
            ax_loss.set_title("loss")
        self.set_problem(problem)

    def set_problem(self, name: str) -> None:
        """Show another problem: new background, contours, minima and limits."""
        check_choice(name, "name", sorted(PROBLEMS))
        if name == self.problem_name:
            return
        p = _problem(name)
        image, extent = _background(p)
        self.image.set_data(image)
        self.image.set_extent(extent)
        self.image.set_clim(np.min(image), np.max(image))
        if self._contours is not None:
            self._contours.remove()
        X, Y, _ = p.grid(160)
        self._contours = self.ax_map.contour(X, Y, image, levels=_levels(image), colors="grey",
                                             linewidths=0.6, alpha=0.6)
        self.minima.set_data(p.minimizers[:, 0], p.minimizers[:, 1]) if len(p.minimizers) else \
            self.minima.set_data([], [])
        self.ax_map.set_xlim(extent[:2])
        self.ax_map.set_ylim(extent[2:])
        self.ax_map.set_title(p.name)
        self.problem_name = name

    def update(self, traj: Trajectories, visible: dict[str, bool] | None = None,
               upto: int | None = None) -> None:
        """Redraw the trajectories (the first ``upto + 1`` iterates) by updating the artists."""
        if not isinstance(traj, Trajectories):
            raise TypeError(f"traj must be a Trajectories (from trajectories()); got {type(traj).__name__}")
        if visible is not None and not isinstance(visible, dict):
            raise TypeError(f"visible must be a dict name -> bool or None; got {type(visible).__name__}")
        if upto is not None:
            upto = check_int(upto, "upto", minimum=0)
            if upto >= traj.iterates.shape[1]:
                raise ValueError(f"upto must be <= n_steps = {traj.iterates.shape[1] - 1}; got {upto}")
        box = _problem(self.problem_name).box
        n = traj.iterates.shape[1] if upto is None else upto + 1
        floor = 1e-16
        low, high = np.inf, -np.inf
        for i, name in enumerate(traj.names):
            show = True if visible is None else visible.get(name, True)
            path = traj.iterates[i, :n]
            finite = np.all(np.isfinite(path), axis=1)
            good = path[finite]
            self.lines[name].set_data(good[:, 0], good[:, 1])
            self.lines[name].set_visible(show)
            self.heads[name].set_data(good[-1:, 0], good[-1:, 1])
            self.heads[name].set_visible(show)
            k = int(traj.diverged_at[i])
            diverged = 0 <= k < n
            if diverged:
                cross = _clip_to_box(good[-1], box)
                self.crosses[name].set_data([cross[0]], [cross[1]])
            else:
                self.crosses[name].set_data([], [])
            self.crosses[name].set_visible(show)
            loss = np.maximum(traj.losses[i, :n], floor)
            steps = np.arange(n)
            if name in self.loss_lines:
                self.loss_lines[name].set_data(steps[finite], loss[finite])
                self.loss_lines[name].set_visible(show)
            if show and np.any(finite):
                low, high = min(low, np.min(loss[finite])), max(high, np.max(loss[finite]))
            final = traj.losses[i, :n][finite][-1]
            label = f"{name}: diverged at step {k}" if diverged else f"{name}: f - f* = {final:.2e}"
            self.legend.get_texts()[i].set_text(label)
        start = traj.iterates[0, 0]
        self.start.set_data([start[0]], [start[1]])
        if self.ax_loss is not None:
            self.ax_loss.set_xlim(0, max(n - 1, 1))
            if np.isfinite(low):  # whole decades: the axes (and their cached pixels) rarely change
                self.ax_loss.set_ylim(10.0 ** np.floor(np.log10(max(low / 3, floor))),
                                      10.0 ** np.ceil(np.log10(min(high * 3, 1e12))))

    def _moving_artists(self) -> list:
        artists = [*self.lines.values(), *self.heads.values(), *self.crosses.values(), self.start,
                   *self.loss_lines.values(), self.legend]
        return sorted(artists, key=lambda a: a.get_zorder())

    def render_png(self) -> bytes:
        """The figure as PNG bytes, redrawing only what moves (blitting).

        The still part (background, contours, axes, ticks) is rendered once for each problem and
        each pair of loss-axis limits and kept as pixels. Each call restores those pixels, draws
        the trajectories, markers and legend on top and encodes the result (:func:`_png_bytes`):
        a few tens of milliseconds where a full draw takes ten times longer.
        """
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        fig = self.ax_map.figure
        canvas = fig.canvas if isinstance(fig.canvas, FigureCanvasAgg) else FigureCanvasAgg(fig)
        limits = None if self.ax_loss is None else (self.ax_loss.get_xlim(), self.ax_loss.get_ylim())
        key = (self.problem_name, limits, canvas.get_width_height(), fig.dpi)
        moving = self._moving_artists()
        if key in self._still:
            canvas.restore_region(self._still[key])
        else:
            for artist in moving:
                artist.set_animated(True)  # animated artists are left out of a full draw
            try:
                canvas.draw()
            finally:
                for artist in moving:
                    artist.set_animated(False)
            if len(self._still) >= 8:  # a few recent settings (about 2 MB each)
                self._still.pop(next(iter(self._still)))
            self._still[key] = canvas.copy_from_bbox(fig.bbox)
        renderer = canvas.get_renderer()
        for artist in moving:
            artist.draw(renderer)
        return _png_bytes(np.asarray(canvas.buffer_rgba())[..., :3])


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_bytes(rgb: np.ndarray) -> bytes:
    """An 8-bit RGB image of shape (height, width, 3) as a PNG file, written quickly.

    A PNG file is a signature, a header chunk, the zlib-compressed rows of pixels (each row
    prefixed with the number of its filter) and an end chunk. Every row here uses the filter
    "Sub" (each byte minus the same byte of the pixel to its left), which turns the flat and
    smoothly shaded areas of a plot into runs of small numbers, and zlib's fastest level. On the
    playground's picture that takes about a quarter of the time of Pillow's PNG encoder, for a
    file of about the same size; the pixels are the same.
    """
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    height, width, _ = rgb.shape
    rows = rgb.reshape(height, 3 * width)
    raw = np.empty((height, 3 * width + 1), dtype=np.uint8)
    raw[:, 0] = 1  # filter type Sub
    raw[:, 1:4] = rows[:, :3]
    np.subtract(rows[:, 3:], rows[:, :-3], out=raw[:, 4:])  # modulo 256, as the filter wants
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8 bits, RGB, no interlace
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(raw.tobytes(), 1)) + _png_chunk(b"IEND", b""))


# --- the live widget ------------------------------------------------------------------------------


def optimizer_playground(problem: str = "rosenbrock", *, n_steps: int = 300, figsize=(10.5, 4.6)):
    """The playground: live sliders in Jupyter and Colab, the in-page explorer in the web book.

    One output carries both (see :class:`mlcourse.interactive.Interactive`): Jupyter front-ends show
    the live widget (sliders for every setting), and the HTML book shows :func:`static_explorer`,
    whose controls work without a kernel. The returned object gives the live widget's attributes
    (``controls``, ``playground``, ``current``...) directly.
    """
    from ..interactive import Interactive

    box = _live_playground(problem, n_steps=n_steps, figsize=figsize)
    return Interactive(lambda: box, lambda: static_explorer().data, name="fig-playground")


def _live_playground(problem: str = "rosenbrock", *, n_steps: int = 300, figsize=(10.5, 4.6)):
    """Sliders for problem, learning rates, momentum, betas, start and steps; all optimizers redraw.

    Works in Jupyter and Colab with the default inline backend: on every change the artists are
    updated and :meth:`PlaygroundPlot.render_png` puts the new picture into an
    ``ipywidgets.Output``.

    Returns
    -------
    ipywidgets.VBox
        Display it. Its attribute ``playground`` is the :class:`PlaygroundPlot` it redraws,
        ``controls`` maps names to the control widgets, and ``current`` returns the
        :class:`Trajectories` last drawn.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import Image, display

    c0 = Controls.for_problem(problem, n_steps=check_int(n_steps, "n_steps", minimum=1))
    figsize = check_figsize(figsize)
    p0 = _problem(problem)
    # "tight" here, not the book style's constrained layout: the widget redraws this figure in place
    fig, (ax_map, ax_loss) = plt.subplots(1, 2, figsize=figsize, width_ratios=(1.15, 1), layout="tight")
    plot = PlaygroundPlot(ax_map, ax_loss, problem)
    plt.close(fig)

    layout = widgets.Layout(width="330px")
    style = {"description_width": "110px"}

    def log_slider(value, lo, hi, description):
        return widgets.FloatLogSlider(value=value, base=10, min=lo, max=hi, step=0.05,
                                      description=description, readout_format=".2e",
                                      continuous_update=True, layout=layout, style=style)

    def slider(value, lo, hi, step, description, fmt=".3f"):
        return widgets.FloatSlider(value=value, min=lo, max=hi, step=step, description=description,
                                   readout_format=fmt, continuous_update=True, layout=layout,
                                   style=style)

    (bx0, bx1), (by0, by1) = p0.box
    controls = {
        "problem": widgets.Dropdown(options=list(PROBLEMS), value=problem, description="problem",
                                    layout=layout, style=style),
        "lr": log_slider(c0.lr, -5, 0, "η (GD, mom.)"),
        "lr_adaptive": log_slider(c0.lr_adaptive, -4, 0, "η (RMSprop, Adam)"),
        "beta": slider(c0.beta, 0.0, 0.99, 0.01, "momentum β", ".2f"),
        "alpha": slider(c0.alpha, 0.5, 0.999, 0.001, "RMSprop α"),
        "beta1": slider(c0.beta1, 0.0, 0.99, 0.01, "Adam β₁", ".2f"),
        "beta2": slider(c0.beta2, 0.5, 0.9999, 0.0001, "Adam β₂", ".4f"),
        "x0": slider(float(p0.start[0]), bx0, bx1, 0.01, "start x₁", ".2f"),
        "y0": slider(float(p0.start[1]), by0, by1, 0.01, "start x₂", ".2f"),
        "n_steps": widgets.IntSlider(value=c0.n_steps, min=1, max=1000, step=1, description="steps",
                                     continuous_update=True, layout=layout, style=style),
    }
    shown = {name: widgets.Checkbox(value=True, description=name, indent=False,
                                    layout=widgets.Layout(width="105px")) for name in OPTIMIZERS}
    timing = widgets.HTML()
    out = widgets.Output()
    state = {"busy": False, "traj": None}

    def current_controls() -> Controls:
        v = {k: w.value for k, w in controls.items()}
        return Controls(problem=v["problem"], lr=v["lr"], lr_adaptive=v["lr_adaptive"], beta=v["beta"],
                        alpha=v["alpha"], beta1=v["beta1"], beta2=v["beta2"], start=(v["x0"], v["y0"]),
                        n_steps=v["n_steps"])

    def redraw(_change=None) -> None:
        if state["busy"]:
            return
        import time

        t0 = time.perf_counter()
        traj = trajectories(current_controls())
        elapsed = time.perf_counter() - t0
        state["traj"] = traj
        plot.set_problem(controls["problem"].value)
        plot.update(traj, {n: w.value for n, w in shown.items()})
        diverged = [n for n, k in zip(traj.names, traj.diverged_at, strict=True) if k >= 0]
        note = f" · diverged: {', '.join(diverged)}" if diverged else ""
        timing.value = (f"<small>recomputed {len(traj.names)} × {traj.iterates.shape[1] - 1} steps "
                        f"in {1e3 * elapsed:.1f} ms{note}</small>")
        with out:
            out.clear_output(wait=True)
            display(Image(data=plot.render_png(), format="png"))

    def new_problem(change) -> None:
        # move the start sliders to the new problem's box and defaults, then redraw once
        p = _problem(change["new"])
        lr, lr_adaptive = DEFAULTS[change["new"]]
        state["busy"] = True
        try:
            for key, (lo, hi), value in (("x0", p.box[0], p.start[0]), ("y0", p.box[1], p.start[1])):
                w = controls[key]
                w.min, w.max = min(lo, w.min), max(hi, w.max)
                w.value = float(value)
                w.min, w.max = lo, hi
            controls["lr"].value = lr
            controls["lr_adaptive"].value = lr_adaptive
        finally:
            state["busy"] = False
        redraw()

    controls["problem"].observe(new_problem, names="value")
    for key, w in controls.items():
        if key != "problem":
            w.observe(redraw, names="value")
    for w in shown.values():
        w.observe(redraw, names="value")
    redraw()

    column = lambda keys: widgets.VBox([controls[k] for k in keys])  # noqa: E731
    panel = widgets.HBox([column(["problem", "lr", "lr_adaptive", "n_steps"]),
                          column(["beta", "alpha", "beta1", "beta2"]), column(["x0", "y0"])])
    box = widgets.VBox([panel, widgets.HBox(list(shown.values())), timing, out])
    box.playground = plot
    box.controls = controls
    box.shown = shown
    box.figure = fig
    box.current = lambda: state["traj"]
    return box


# --- for the static HTML book ---------------------------------------------------------------------


def playground_animation(controls: Controls | None = None, *, n_frames: int = 20, dpi: int = 60,
                         figsize=(5.0, 4.2)):
    """The trajectories growing step by step on the contour map, as a self-contained JavaScript animation.

    The legend reports each optimizer's current f - f* (or where it diverged).

    Returns
    -------
    IPython.display.HTML
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    controls = Controls.for_problem("rosenbrock") if controls is None else controls  # trajectories checks it
    n_frames = check_int(n_frames, "n_frames", minimum=2)
    dpi, figsize = check_dpi(dpi), check_figsize(figsize)
    traj = trajectories(controls)
    n = traj.iterates.shape[1] - 1
    # more frames early, where things happen fast
    steps = np.unique(np.round(n * np.linspace(0, 1, n_frames) ** 2).astype(int))
    fig, ax_map = plt.subplots(figsize=figsize, dpi=dpi, layout="tight")
    plot = PlaygroundPlot(ax_map, None, controls.problem)
    plot.update(traj)

    def frame(i):
        plot.update(traj, upto=int(steps[i]))
        ax_map.set_title(f"{plot.ax_map.get_title().split(' · ')[0]} · step {int(steps[i])}")
        return ()

    anim = FuncAnimation(fig, frame, frames=len(steps), interval=150, blit=False)
    import matplotlib as mpl

    from ..plotting import animation_html

    # JPEG frames: the smooth background makes PNG frames ten times larger
    with mpl.rc_context({"animation.frame_format": "jpeg"}):
        html = animation_html(
            anim,
            f"Animation: the trajectories of gradient descent, momentum, Nesterov, RMSprop and Adam "
            f"drawn step by step over the contour map of the {controls.problem} problem; the legend "
            f"gives each optimizer's distance to the minimum, or the step where it diverged.",
            default_mode="once",
        )
    plt.close(fig)
    return html


_EXPLORER_JS = """
(function () {
  const root = document.getElementById("%(id)s");
  const data = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  const names = data.names, colors = data.colors;
  const sel = root.querySelector("select"), lr = root.querySelector("input.lr"),
        beta = root.querySelector("input.beta"), steps = root.querySelector("input.steps");
  function draw() {
    const p = data.problems[sel.value];
    const i = +lr.value, j = +beta.value, n = +steps.value;
    root.querySelector("image").setAttribute("href", p.image);
    root.querySelector(".lrval").textContent = (p.lrs[i]).toPrecision(2) + " / " +
      (p.lrs_adaptive[i]).toPrecision(2);
    root.querySelector(".betaval").textContent = data.betas[j];
    root.querySelector(".stepsval").textContent = n;
    names.forEach(function (name, o) {
      const path = p.paths[i][j][o], k = p.diverged[i][j][o];
      const upto = (k >= 0 && k <= n) ? k : n + 1;
      const pts = [];
      for (let s = 0; s < Math.min(upto, path.length / 2); s++) {
        pts.push(path[2 * s] + "," + path[2 * s + 1]);
      }
      root.querySelector("polyline." + name).setAttribute("points", pts.join(" "));
      const cross = root.querySelector("text.x" + name);
      // the mark goes where the path leaves the picture (its last point inside), not into a corner
      let last = pts.length ? pts[0].split(",") : ["-99", "-99"];
      for (let s = 0; s < pts.length; s++) {
        const q = pts[s].split(",");
        if (+q[0] < 0 || +q[0] > data.size || +q[1] < 0 || +q[1] > data.size) break;
        last = q;
      }
      const clip = function (v) { return Math.min(Math.max(+v, 10), data.size - 10); };
      cross.setAttribute("x", clip(last[0])); cross.setAttribute("y", clip(last[1]));
      cross.style.display = (k >= 0 && k <= n) ? "" : "none";
      root.querySelector("span.l" + name).textContent = (k >= 0 && k <= n) ?
        " diverged at step " + k : "";
    });
  }
  const svg = root.querySelector("svg"), drawOld = draw;
  draw = function () {
    drawOld();
    const p = data.problems[sel.value], i = +lr.value, j = +beta.value, n = +steps.value;
    const gone = names.filter(function (name, o) {
      const k = p.diverged[i][j][o]; return k >= 0 && k <= n; });
    svg.setAttribute("aria-label", "Contour map of the " + sel.options[sel.selectedIndex].text +
      " problem with the first " + n + " steps of " + names.join(", ") + " at learning rates " +
      p.lrs[i].toPrecision(2) + " and " + p.lrs_adaptive[i].toPrecision(2) + " and beta " + data.betas[j] +
      (gone.length ? "; diverged: " + gone.join(", ") : "; none diverges") + ".");
  };
  [sel, lr, beta, steps].forEach(function (el) { el.addEventListener("input", draw); });
  draw();
})();
"""


def _image_uri(problem: Problem, size: int) -> str:
    import matplotlib.pyplot as plt

    from ..plotting import CMAPS
    from ..plotting import COLORS as BOOK_COLORS

    image, extent = _background(problem, 200)
    fig = plt.figure(figsize=(size / 100, size / 100), dpi=100, layout="none")  # one axes, edge to edge
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(image, origin="lower", cmap=CMAPS["surface"], alpha=0.5, extent=extent, aspect="auto",
              interpolation="bilinear")
    X, Y, _ = problem.grid(200)
    ax.contour(X, Y, image, levels=_levels(image), colors="grey", linewidths=0.6, alpha=0.6)
    if len(problem.minimizers):
        ax.plot(problem.minimizers[:, 0], problem.minimizers[:, 1], "*", color=BOOK_COLORS["minimum"], ms=12,
                mec="k")
    ax.set_xlim(extent[:2])
    ax.set_ylim(extent[2:])
    ax.axis("off")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="jpeg", dpi=100, pil_kwargs={"quality": 85})
    plt.close(fig)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()


def explorer_data(problems=("valley", "rosenbrock", "himmelblau"), lr_factors=(0.25, 0.5, 1.0, 2.0, 4.0),
                  betas=(0.0, 0.5, 0.9, 0.97), n_steps: int = 120, size: int = 360) -> dict:
    """The precomputed grid behind :func:`static_explorer` (pure numbers, no HTML).

    For each problem, learning-rate factor f (η = f times the problem's default, for both
    learning rates) and β (the momentum β, also used as Adam's β₁), the five trajectories in pixel
    coordinates of a ``size`` × ``size`` picture of the problem's box (y pointing down), rounded
    to whole pixels and clipped to a margin around the picture.

    Returns
    -------
    dict
        ``{"names", "colors", "betas", "problems": {name: {"lrs", "lrs_adaptive", "paths",
        "diverged"}}}`` where ``paths[i][j][o]`` is a flat list x₀, y₀, x₁, y₁, … and
        ``diverged[i][j][o]`` the step of divergence or -1.
    """
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    size = check_int(size, "size", minimum=1)
    for what, values in (("problems", problems), ("lr_factors", lr_factors), ("betas", betas)):
        if isinstance(values, str) or not isinstance(values, (list, tuple)) or not values:
            raise TypeError(f"{what} must be a non-empty list or tuple; got {values!r}")
    for p in problems:
        check_choice(p, "problems", sorted(PROBLEMS))
    for f in lr_factors:
        check_positive(f, "lr_factors")
    for b in betas:
        if check_positive(b, "betas", allow_zero=True) >= 1:
            raise ValueError(f"betas must be in [0, 1); got {b}")
    names = list(OPTIMIZERS)
    colors = _colors()
    out = {"names": names, "colors": [colors[n] for n in names], "betas": list(betas), "size": size,
           "problems": {}}
    for pname in problems:
        p = _problem(pname)
        (x0, x1), (y0, y1) = p.box
        lr0, lra0 = DEFAULTS[pname]
        entry = {"lrs": [lr0 * f for f in lr_factors], "lrs_adaptive": [lra0 * f for f in lr_factors],
                 "paths": [], "diverged": []}
        for f in lr_factors:
            row_paths, row_div = [], []
            for b in betas:
                c = Controls.for_problem(pname, lr=lr0 * f, lr_adaptive=lra0 * f, beta=b, beta1=b,
                                         n_steps=n_steps)
                t = trajectories(c)
                px = (t.iterates[..., 0] - x0) / (x1 - x0) * size
                py = (y1 - t.iterates[..., 1]) / (y1 - y0) * size
                pix = np.clip(np.stack([px, py], axis=-1), -size, 2 * size)
                paths = []
                for o in range(len(names)):
                    finite = np.all(np.isfinite(pix[o]), axis=1)
                    paths.append(np.round(pix[o][finite]).astype(int).ravel().tolist())
                row_paths.append(paths)
                row_div.append([int(k) for k in t.diverged_at])
            entry["paths"].append(row_paths)
            entry["diverged"].append(row_div)
        out["problems"][pname] = entry
    return out


def static_explorer(problems=("valley", "rosenbrock", "himmelblau"),
                    lr_factors=(0.25, 0.35, 0.5, 0.71, 1.0, 1.41, 2.0, 2.83, 4.0),
                    betas=(0.0, 0.5, 0.8, 0.9, 0.95, 0.97), n_steps: int = 120, size: int = 360):
    """A page-local explorer for the HTML book: controls over a precomputed grid, no kernel needed.

    The page gets an inline SVG (the problem's contour map as an embedded PNG, one polyline per
    optimizer) and a short inline script that swaps in the precomputed trajectories when a control
    moves. Nothing is loaded from outside the page.

    Returns
    -------
    IPython.display.HTML
    """
    from IPython.display import HTML

    data = explorer_data(problems, lr_factors, betas, n_steps, size)
    for pname in data["problems"]:
        data["problems"][pname]["image"] = _image_uri(_problem(pname), size)
    key = repr((problems, lr_factors, betas, n_steps, size)).encode()
    uid = "mlc-explorer-" + hashlib.sha1(key).hexdigest()[:10]
    options = "".join(f'<option value="{p}">{_problem(p).name}</option>' for p in problems)
    colors = _colors()
    lines = "".join(
        f'<polyline class="{n}" fill="none" stroke="{colors[n]}" stroke-width="2" '
        f'stroke-linejoin="round" points=""/>' for n in OPTIMIZERS)
    crosses = "".join(
        f'<text class="x{n}" fill="{colors[n]}" font-size="22" font-weight="bold" '
        f'text-anchor="middle" dominant-baseline="central" stroke="white" stroke-width="0.8">✕</text>'
        for n in OPTIMIZERS)
    # each optimizer's colour is a swatch beside its name, and the name keeps the text colour: the
    # palette's orange, green and pink are below a contrast of 4.5:1 as text (WCAG 1.4.3)
    legend = " ".join(
        f'<span style="font-weight:bold"><span aria-hidden="true" style="display:inline-block;'
        f'width:1.2em;height:0.25em;vertical-align:middle;background:{colors[n]}"></span> {n}</span>'
        f'<span class="l{n}"></span>'
        for n in OPTIMIZERS)
    mid = len(lr_factors) // 2
    html = f"""
<div id="{uid}" style="font-family:sans-serif;font-size:13px;max-width:{size + 40}px">
  <div style="display:grid;grid-template-columns:auto 1fr auto;gap:4px 8px;align-items:center">
    <label for="{uid}-problem">problem</label><select id="{uid}-problem">{options}</select><span></span>
    <label for="{uid}-lr">η (GD·mom / RMSprop·Adam)</label>
    <input id="{uid}-lr" class="lr" type="range" min="0" max="{len(lr_factors) - 1}" step="1" value="{mid}">
    <span class="lrval"></span>
    <label for="{uid}-beta">β (momentum, Adam β₁)</label>
    <input id="{uid}-beta" class="beta" type="range" min="0" max="{len(betas) - 1}" step="1"
           value="{len(betas) - 2}">
    <span class="betaval"></span>
    <label for="{uid}-steps">steps</label>
    <input id="{uid}-steps" class="steps" type="range" min="1" max="{n_steps}" step="1" value="{n_steps}">
    <span class="stepsval"></span>
  </div>
  <svg width="{size}" height="{size}" viewBox="0 0 {size} {size}" role="img" aria-label=""
       style="margin-top:6px;max-width:100%;height:auto">
    <image x="0" y="0" width="{size}" height="{size}" href=""/>
    {lines}{crosses}
  </svg>
  <div>{legend}</div>
  <script type="application/json">{json.dumps(data, separators=(",", ":"))}</script>
  <script>{_EXPLORER_JS % {"id": uid}}</script>
</div>"""
    return HTML(html)
