"""Interactive controls for the book, and their stand-ins for the static HTML book.

Each control recomputes with pure functions and redraws one figure by updating its artists; the
figure is shown in an ``ipywidgets.Output``, so the controls work in Jupyter and Colab with the
default inline backend (no ipympl). Where no kernel runs (the HTML book), each control has an
animation made with :func:`matplotlib.animation.FuncAnimation` that plays in the browser.
"""

from __future__ import annotations

import numpy as np

from ._validate import as_matrix, as_vector, check_dpi, check_int

__all__ = ["basis_animation", "basis_explorer", "basis_path", "optimizer_playground"]

#: The slides' new basis ẽ₁ = 2e₁ + e₂, ẽ₂ = -½e₁ + ¼e₂, as columns.
SLIDES_BASIS = np.array([[2.0, -0.5], [1.0, 0.25]])
#: The slides' vector v = e₁ + 1.5e₂.
SLIDES_VECTOR = np.array([1.0, 1.5])


def basis_explorer(new_basis=SLIDES_BASIS, v=SLIDES_VECTOR, *, lim: float = 3.0):
    """Sliders that move the new basis vectors ẽ₁, ẽ₂ and redraw v's components in them.

    Parameters
    ----------
    new_basis : array of shape (2, 2)
        The starting basis, as columns.
    v : array of shape (2,)
        The vector, in standard components.

    Returns
    -------
    ipywidgets.VBox
        Display it (it is the last expression of a cell, or pass it to ``display``). Its
        attribute ``basis_plot`` is the :class:`~mlcourse.plotting.BasisPlot` it redraws.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    from .plotting import BasisPlot, figure_png

    F0 = as_matrix(new_basis, "new_basis", square=True)
    if F0.shape != (2, 2):
        raise ValueError(f"new_basis must have shape (2, 2); got {F0.shape}")
    v = as_vector(v, "v", size=2)

    fig, ax = plt.subplots(figsize=(5.5, 5.5))
    plot = BasisPlot(ax, v, F0, lim=lim)
    ax.set_title("Drag the sliders: ẽ₁ and ẽ₂ move, v stays")
    plt.close(fig)  # shown through the Output below, not by the inline backend

    def slider(value, description):
        return widgets.FloatSlider(
            value=value,
            min=-lim,
            max=lim,
            step=0.05,
            description=description,
            continuous_update=True,
            readout_format=".2f",
            layout=widgets.Layout(width="260px"),
        )

    sliders = {
        (0, 0): slider(F0[0, 0], "ẽ₁ x"),
        (1, 0): slider(F0[1, 0], "ẽ₁ y"),
        (0, 1): slider(F0[0, 1], "ẽ₂ x"),
        (1, 1): slider(F0[1, 1], "ẽ₂ y"),
    }
    out = widgets.Output()

    def redraw(_change=None) -> None:
        F = np.empty((2, 2))
        for (i, j), s in sliders.items():
            F[i, j] = s.value
        plot.update(F)
        with out:
            out.clear_output(wait=True)
            display(figure_png(fig))

    for s in sliders.values():
        s.observe(redraw, names="value")
    redraw()
    columns = widgets.HBox(
        [
            widgets.VBox([sliders[0, 0], sliders[1, 0]]),
            widgets.VBox([sliders[0, 1], sliders[1, 1]]),
        ]
    )
    box = widgets.VBox([columns, out])
    box.basis_plot = plot  # the figure's state, for readers (and tests) who want to inspect it
    return box


def basis_path(n_frames: int = 24) -> np.ndarray:
    """A sequence of bases for the animation: ẽ₁ fixed, ẽ₂ turning from 45° to 180°.

    ẽ₁ = (1, ½) points at about 27°, so ẽ₂ never becomes parallel to it on this path and every
    frame is a basis; the components grow as the two vectors close in on each other.

    Returns
    -------
    array of shape (n_frames, 2, 2)
    """
    n_frames = check_int(n_frames, "n_frames", minimum=2)
    angles = np.linspace(np.pi / 4, np.pi, n_frames)
    bases = np.empty((n_frames, 2, 2))
    bases[:, :, 0] = [1.0, 0.5]
    bases[:, 0, 1] = 1.2 * np.cos(angles)
    bases[:, 1, 1] = 1.2 * np.sin(angles)
    return bases


def basis_animation(v=SLIDES_VECTOR, *, n_frames: int = 24, lim: float = 3.0, dpi: int = 60):
    """An animation of :func:`basis_explorer` for readers without a kernel.

    Returns
    -------
    IPython.display.HTML
        A self-contained JavaScript player (frames embedded as images).
    """
    import matplotlib.pyplot as plt
    from matplotlib.animation import FuncAnimation

    from .plotting import BasisPlot, animation_html

    bases = basis_path(n_frames)
    v = as_vector(v, "v", size=2)
    dpi = check_dpi(dpi)
    fig, ax = plt.subplots(figsize=(5.0, 5.0), dpi=dpi)
    plot = BasisPlot(ax, v, bases[0], lim=lim)
    ax.set_title("ẽ₂ turns; v's components in (ẽ₁, ẽ₂) follow")

    def frame(i):
        plot.update(bases[i])
        return ()

    anim = FuncAnimation(fig, frame, frames=len(bases), interval=150, blit=False)
    html = animation_html(
        anim,
        "Animation: the new basis vector e-tilde-2 turns from 45 to 180 degrees while e-tilde-1 and "
        "the vector v stay fixed; the blue grid and the dashed decomposition of v follow, and the "
        "components grow as the two basis vectors become nearly parallel.",
        default_mode="reflect",
    )
    plt.close(fig)
    return html


def optimizer_playground(problem: str = "rosenbrock", **kwargs):
    """The optimizer playground of Part 2: every optimizer's trajectory, live, on a 2-D problem.

    A shortcut to :func:`mlcourse.optim.playground.optimizer_playground` (same arguments).
    """
    from .optim.playground import optimizer_playground as playground

    return playground(problem, **kwargs)
