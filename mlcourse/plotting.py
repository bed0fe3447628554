"""Figures of the book: one style, and drawing helpers that update their artists in place.

The helpers draw into an axes they are given and keep handles to their artists, so an
interactive control can move a vector by calling ``update`` (which calls ``set_data`` and
friends) instead of drawing a new figure.
"""

from __future__ import annotations

import warnings

import matplotlib as mpl
import numpy as np

from ._validate import (
    as_matrix,
    as_vector,
    check_bool,
    check_callable,
    check_choice,
    check_int,
    check_positive,
)

__all__ = ["CMAPS", "COLORS", "COLUMN_WIDTH", "CYCLE", "BasisPlot", "animation_html", "figsize", "figure_png",
           "use_book_style"]

# --- the style ---------------------------------------------------------------------------------------

#: The colour cycle ("C0" ... "C9"): the Okabe–Ito colours, which colour-blind readers tell apart,
#: in the order of matplotlib's default hues (C0 blue, C1 orange, C2 green, C3 red, ...), so a
#: chapter's "C3" stays reddish.
CYCLE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#8C510A", "#882255", "#7f7f7f",
         "#B8A100", "#56B4E9"]

#: One colour per concept, the same in every chapter: pass ``color=COLORS["adam"]``, never a
#: hex string or a "C1" that means Adam in one chapter and data in the next. Each optimizer keeps its
#: colour everywhere (the playground's too); relatives share a hue family (SGD is a lighter GD,
#: Nesterov a darker momentum, BFGS a darker Newton).
COLORS = {
    # optimizers
    "gd": "#0072B2", "sgd": "#56B4E9", "momentum": "#E69F00", "nesterov": "#8C510A",
    "rmsprop": "#009E73", "adam": "#CC79A7", "newton": "#D55E00", "bfgs": "#882255",
    # a model and what it is compared with
    "truth": "#000000",       # the true function, the exact value, the target a fit aims at
    "data": "#7f7f7f",        # observations, samples, a histogram of draws
    "model": "#D55E00",       # a fitted model, a prediction, an estimate
    "train": "#0072B2",       # training loss or error
    "test": "#D55E00",        # test or validation loss or error
    "reference": "#555555",   # a bound, an asymptote, a predicted level (drawn dashed)
    "minimum": "#F5C400",     # the minimizer of a loss surface (a star with a black edge)
    "start": "#FFFFFF",       # a starting point (a white dot with a black edge)
    # probability
    "prior": "#56B4E9", "posterior": "#0072B2", "likelihood": "#009E73",
    "target": "#7f7f7f",      # the distribution p we approximate
    "approximation": "#E69F00",  # an approximating distribution q (variational, a fit)
    "forward": "#0072B2",     # the forward-KL fit, argmin KL(p ‖ q)
    "reverse": "#D55E00",     # the reverse-KL fit, argmin KL(q ‖ p)
    "reconstruction": "#009E73", "kl": "#CC79A7",  # the two terms of the ELBO
    # change of basis (the basis figure and explorer)
    "old": "#7f7f7f", "new": "#0072B2", "vector": "#D55E00", "accent": "#009E73",
}

#: Colour maps by purpose: values (sequential), signed values (diverging, centred at 0),
#: classes (categorical), grey images (digits, filters), and loss surfaces behind paths.
CMAPS = {"sequential": "viridis", "diverging": "RdBu_r", "classes": "tab10", "image": "gray_r",
         "surface": "Greys"}

#: Width in inches of a figure that fills the text column (drawn at 100 px per inch, it fits the
#: column, 688 px wide in the HTML book at 1280 px; a 390 px phone shows it at about half size).
COLUMN_WIDTH = 6.6

_STYLE = {
    "figure.figsize": (5.5, 3.6),          # one panel: legible on a phone at half size
    "figure.dpi": 100,                     # 1 inch = 100 CSS pixels on the page
    "figure.constrained_layout.use": True,  # titles, labels and colour bars never overlap
    "figure.facecolor": "white",           # opaque, so dark mode shows figures as drawn
    "savefig.facecolor": "white",
    "savefig.dpi": 200,                    # crisp PNGs when a figure is saved
    "font.size": 11,
    "axes.titlesize": 11,
    "axes.labelsize": 11,
    "xtick.labelsize": 10,
    "ytick.labelsize": 10,
    "legend.fontsize": 10,
    "legend.title_fontsize": 10,
    "figure.titlesize": 12,
    "lines.linewidth": 1.8,
    "lines.markersize": 5,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "legend.frameon": False,
    "image.cmap": CMAPS["sequential"],
}


def use_book_style(*, retina: bool = True) -> None:
    """Apply the book's figure style to every later figure (``setup_notebook`` calls this).

    Sizes and fonts legible at the column's width and on a phone, constrained layout (no
    overlapping titles or labels), the Okabe–Ito colour cycle, opaque white backgrounds, and, in a
    notebook, PNGs drawn at twice the resolution they are shown at (crisp on high-density screens,
    about twice the bytes of a plain PNG; SVG would be larger for the scatter plots).

    Parameters
    ----------
    retina : bool
        Draw inline figures at double resolution (ignored outside IPython).
    """
    from cycler import cycler

    retina = check_bool(retina, "retina")
    mpl.rcParams.update({**_STYLE, "axes.prop_cycle": cycler(color=CYCLE)})
    # a figure that asks for tight_layout() gets it, without a warning that it left constrained layout
    warnings.filterwarnings("ignore", message="The figure layout has changed to tight", category=UserWarning)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with Jupyter
        return
    if get_ipython() is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("retina" if retina else "png")


def figsize(ncols: int = 1, nrows: int = 1, *, aspect: float = 0.75, width: float | None = None) -> tuple:
    """A figure size for ``ncols`` × ``nrows`` panels that fits the text column.

    One panel gets the style's default width (legible on a phone); several panels share the
    column's width, :data:`COLUMN_WIDTH`, so their fonts stay the size the style sets instead of
    shrinking with a figure wider than the page.

    Parameters
    ----------
    ncols, nrows : int
        The grid of panels.
    aspect : float
        Height / width of one panel.
    width : float, optional
        The figure's width in inches (at most :data:`COLUMN_WIDTH`).

    Returns
    -------
    tuple of (width, height) in inches, for ``plt.subplots(..., figsize=...)``.
    """
    ncols = check_int(ncols, "ncols", minimum=1)
    nrows = check_int(nrows, "nrows", minimum=1)
    aspect = check_positive(aspect, "aspect")
    if width is None:
        width = _STYLE["figure.figsize"][0] if ncols == 1 else COLUMN_WIDTH
    width = check_positive(width, "width")
    if width > COLUMN_WIDTH:
        raise ValueError(f"width must be <= COLUMN_WIDTH = {COLUMN_WIDTH} inches (wider figures shrink "
                         f"their text on the page); got {width}")
    return (width, round(nrows * aspect * width / ncols + 0.15 * (nrows - 1), 2))


def figure_png(fig, *, dpi: int = 90):
    """A figure rendered to a PNG image, for showing inside an ``ipywidgets.Output``.

    Displaying the figure object itself depends on the plotting backend (with ``Agg``, or in a
    headless run, only its text description is shown); a PNG shows the same picture everywhere:
    Jupyter, Colab, and the static HTML book, where the widget's last image is stored.

    Returns
    -------
    IPython.display.Image
    """
    import io

    from IPython.display import Image

    check_callable(fig, "fig", "a matplotlib Figure", method="savefig")
    dpi = check_positive(dpi, "dpi")
    if dpi < 1:
        raise ValueError(f"dpi must be >= 1 (dots per inch); got {dpi}")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return Image(data=buffer.getvalue(), format="png")


def animation_html(animation, alt: str, *, default_mode: str = "loop"):
    """A matplotlib animation as a self-contained HTML player, for readers without a kernel.

    ``FuncAnimation.to_jshtml`` embeds every frame as an image, but its player links a stylesheet
    from a public CDN for the icons of its buttons, and its image has no text alternative. The book
    must read offline and describe every figure, so the link is removed (the book's theme already
    provides the icons) and ``alt`` is put on the image.

    Parameters
    ----------
    animation : matplotlib.animation.Animation
    alt : str
        What the animation shows, in words, for readers who cannot see it.
    default_mode : {"loop", "once", "reflect"}

    Returns
    -------
    IPython.display.HTML
    """
    import html as html_lib
    import re

    from IPython.display import HTML

    check_callable(animation, "animation", "a matplotlib Animation", method="to_jshtml")
    if not isinstance(alt, str):
        raise TypeError(f"alt must be a string describing what the animation shows; got {type(alt).__name__}")
    if not alt.strip():
        raise ValueError("alt must be a non-empty description of what the animation shows")
    default_mode = check_choice(default_mode, "default_mode", ("loop", "once", "reflect"))
    page = animation.to_jshtml(default_mode=default_mode)
    page = re.sub(r'<link rel="stylesheet"[^>]*font-awesome[^>]*>\s*', "", page)
    page = re.sub(r"<img id=", f'<img alt="{html_lib.escape(alt)}" id=', page, count=1)
    return HTML(page)


class BasisPlot:
    """A vector drawn with its components in the standard basis and in a second basis.

    Draws the grid of the standard basis e₁, e₂ (grey), the grid spanned by a new basis ẽ₁, ẽ₂
    (blue), the vector v (red), and v split into c₁ẽ₁ + c₂ẽ₂ (dashed). :meth:`update` moves the
    new basis and redraws by updating the existing artists. A singular "basis" is not an error
    here: the figure says so, because the book shows what goes wrong.

    Parameters
    ----------
    ax : matplotlib Axes
    v : array of shape (2,)
        The vector, in standard components.
    new_basis : array of shape (2, 2)
        Columns ẽ₁, ẽ₂ in standard components (the forward transform F).
    lim : float
        Half-width of the square window.
    """

    def __init__(self, ax, v, new_basis, *, lim: float = 3.0, n_lines: int = 12) -> None:
        check_callable(ax, "ax", "a matplotlib Axes", method="quiver")
        self.v = as_vector(v, "v", size=2)
        self.lim = check_positive(lim, "lim")
        n_lines = check_int(n_lines, "n_lines", minimum=1)
        self.ax = ax
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.grid(False)
        spacing = max(1.0, np.ceil(lim / 10))  # unit squares, coarser in a wide window (at most ~20 lines)
        ticks = np.arange(-np.floor(lim / spacing), np.floor(lim / spacing) + 1) * spacing
        for t in ticks:  # the standard grid never moves
            ax.axhline(t, color=COLORS["old"], lw=0.5, alpha=0.35, zorder=0)
            ax.axvline(t, color=COLORS["old"], lw=0.5, alpha=0.35, zorder=0)
        self._k = np.arange(-n_lines, n_lines + 1)
        span = np.array([-4 * n_lines, 4 * n_lines])
        self._span = span
        self._grid1 = [ax.plot([], [], color=COLORS["new"], lw=0.7, alpha=0.45)[0] for _ in self._k]
        self._grid2 = [ax.plot([], [], color=COLORS["new"], lw=0.7, alpha=0.45)[0] for _ in self._k]
        arrow = {"angles": "xy", "scale_units": "xy", "scale": 1, "width": 0.012, "zorder": 3}
        self._old = ax.quiver([0, 0], [0, 0], [1, 0], [0, 1], color=COLORS["old"], **arrow)
        self._new = ax.quiver([0, 0], [0, 0], [1, 0], [0, 1], color=COLORS["new"], **arrow)
        self._vec = ax.quiver([0], [0], [self.v[0]], [self.v[1]], color=COLORS["vector"], **arrow)
        (self._legs,) = ax.plot([], [], ls="--", color=COLORS["vector"], lw=1.2, zorder=2)
        self._labels = [
            ax.text(0, 0, "", color=COLORS["new"], fontsize=12, ha="center", va="center", clip_on=True)
            for _ in range(2)
        ]
        # labels are shown only inside the window: one far outside it would grow a saved figure
        for position, label in (((1.05, -0.25), r"$\vec e_1$"), ((-0.35, 1.05), r"$\vec e_2$")):
            text = ax.text(*position, label, color=COLORS["old"], fontsize=12, clip_on=True)
            text.set_visible(self._inside(position))
        self._vlabel = ax.text(*(self.v * 1.06), r"$\vec v$", color=COLORS["vector"], fontsize=12,
                               clip_on=True)
        self._vlabel.set_visible(self._inside(self.v * 1.06))
        self._info = ax.text(
            0.02,
            0.98,
            "",
            transform=ax.transAxes,
            va="top",
            family="monospace",
            fontsize=9,
            bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"},
        )
        self.components = np.full(2, np.nan)
        self.update(new_basis)

    def _inside(self, point) -> bool:
        return bool(np.all(np.abs(point) <= self.lim))

    def update(self, new_basis) -> np.ndarray:
        """Move the new basis to the columns of ``new_basis`` and redraw; return ṽ (or NaNs)."""
        F = as_matrix(new_basis, "new_basis", square=True)
        if F.shape != (2, 2):
            raise ValueError(f"new_basis must have shape (2, 2); got {F.shape}")
        e1, e2 = F[:, 0], F[:, 1]
        self._new.set_UVC([e1[0], e2[0]], [e1[1], e2[1]])
        for lbl, e, name in zip(self._labels, (e1, e2), ("1", "2"), strict=True):
            lbl.set_position(e * 1.12 + np.array([0.0, 0.12]))
            lbl.set_visible(self._inside(lbl.get_position()))
            lbl.set_text(rf"$\tilde{{e}}_{name}$")
        det = float(np.linalg.det(F))
        singular = abs(det) < 1e-9 * max(1.0, float(np.abs(F).max()) ** 2)
        if singular:
            for line in (*self._grid1, *self._grid2):
                line.set_data([], [])
            self._legs.set_data([], [])
            self.components = np.full(2, np.nan)
            self._info.set_text(
                "ẽ₁ and ẽ₂ are parallel: det F = 0.\nThey span only a line, not a basis;\n"
                "v has no components in them."
            )
            return self.components
        for k, line in zip(self._k, self._grid1, strict=True):  # lines parallel to ẽ₁ through k·ẽ₂
            pts = k * e2[:, None] + e1[:, None] * self._span[None, :]
            line.set_data(pts[0], pts[1])
        for k, line in zip(self._k, self._grid2, strict=True):  # lines parallel to ẽ₂ through k·ẽ₁
            pts = k * e1[:, None] + e2[:, None] * self._span[None, :]
            line.set_data(pts[0], pts[1])
        c = np.linalg.solve(F, self.v)
        corner = c[0] * e1
        self._legs.set_data([0, corner[0], self.v[0]], [0, corner[1], self.v[1]])
        self.components = c
        B = np.linalg.inv(F)
        self._info.set_text(
            f"v  = {self.v[0]:+.2f} e₁ {self.v[1]:+.2f} e₂\n"
            f"v  = {c[0]:+.2f} ẽ₁ {c[1]:+.2f} ẽ₂\n"
            f"F  = [[{F[0, 0]:+.2f} {F[0, 1]:+.2f}]  B = [[{B[0, 0]:+.2f} {B[0, 1]:+.2f}]\n"
            f"      [{F[1, 0]:+.2f} {F[1, 1]:+.2f}]]      [{B[1, 0]:+.2f} {B[1, 1]:+.2f}]]\n"
            f"det F = {det:+.3f}"
        )
        return c
