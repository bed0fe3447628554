"""Interactive figures of the book that live in the package (the others are built in the chapters).

All of them go through :func:`mlcourse.interactive.explore`: live controls in Jupyter and Colab (the
default inline backend, no ipympl), and in the HTML book the same controls working on frames that
were drawn when the book was built. :func:`basis_animation` is a plain animation of the basis
explorer's experiment, for media without controls (the PDF edition).
"""

from __future__ import annotations

import numpy as np

from ._validate import as_matrix, as_vector, check_dpi, check_int

__all__ = ["basis_animation", "basis_explorer", "basis_path", "optimizer_playground"]

#: The slides' new basis ẽ₁ = 2e₁ + e₂, ẽ₂ = -½e₁ + ¼e₂, as columns.
SLIDES_BASIS = np.array([[2.0, -0.5], [1.0, 0.25]])
#: The slides' vector v = e₁ + 1.5e₂.
SLIDES_VECTOR = np.array([1.0, 1.5])


def basis_explorer(new_basis=SLIDES_BASIS, v=SLIDES_VECTOR, *, lim: float = 3.0,
                   e2_x=None, e2_y=None, dpi: int = 70):
    """Sliders that move the new basis vector ẽ₂ and redraw v's components in (ẽ₁, ẽ₂).

    ẽ₁ stays at the first column of ``new_basis``; ẽ₂'s two old components are the sliders. Built
    on :func:`mlcourse.interactive.explore`: live in Jupyter and Colab, and precomputed for every
    slider position in the web book. Where ẽ₂ becomes parallel to ẽ₁ the figure says that the two
    no longer form a basis.

    Parameters
    ----------
    new_basis : array of shape (2, 2)
        The starting basis, as columns (ẽ₂ must lie on the sliders' grid).
    v : array of shape (2,)
        The vector, in standard components.
    e2_x, e2_y : sequences of floats, optional
        The sliders' values for ẽ₂'s components (default: steps of 0.25 over [-1, 2] and
        [-0.5, 1.5]).

    Returns
    -------
    mlcourse.interactive.Explorer
        Display it (the last expression of a cell). Its attribute ``basis_plot`` is the
        :class:`~mlcourse.plotting.BasisPlot` it redraws.
    """
    import matplotlib.pyplot as plt

    from .interactive import Slider, explore
    from .plotting import BasisPlot

    F0 = as_matrix(new_basis, "new_basis", square=True)
    if F0.shape != (2, 2):
        raise ValueError(f"new_basis must have shape (2, 2); got {F0.shape}")
    v = as_vector(v, "v", size=2)
    xs = np.round(np.arange(-1.0, 2.001, 0.25), 2) if e2_x is None else as_vector(e2_x, "e2_x")
    ys = np.round(np.arange(-0.5, 1.501, 0.25), 2) if e2_y is None else as_vector(e2_y, "e2_y")
    e1 = F0[:, 0].copy()

    fig, ax = plt.subplots(figsize=(5.0, 5.0))
    plot = BasisPlot(ax, v, F0, lim=lim)
    plt.close(fig)  # the explorer shows it

    def show(e2x, e2y):
        c = plot.update(np.column_stack([e1, [e2x, e2y]]))
        ax.set_title(f"ẽ₂ = ({e2x:g}, {e2y:g})")
        if np.all(np.isnan(c)):
            return (f"The new basis vector e-tilde-2 = ({e2x:g}, {e2y:g}) is parallel to e-tilde-1 = "
                    f"({e1[0]:g}, {e1[1]:g}): they span only a line, and v has no components in them.")
        return (f"The vector v drawn as {c[0]:.2f} times e-tilde-1 plus {c[1]:.2f} times e-tilde-2, "
                f"with e-tilde-2 = ({e2x:g}, {e2y:g}) and the grid of the new basis behind it.")

    start_x, start_y = (float(F0[0, 1]), float(F0[1, 1]))
    nearest = lambda grid, value: float(grid[int(np.argmin(np.abs(np.asarray(grid) - value)))])  # noqa: E731
    explorer = explore(
        fig, show,
        {"e2x": Slider("ẽ₂, first component", xs, value=nearest(xs, start_x), fmt="g"),
         "e2y": Slider("ẽ₂, second component", ys, value=nearest(ys, start_y), fmt="g")},
        name="fig-basis-explorer", dpi=dpi,
        alt="The vector v with its components in a new basis whose second vector the sliders move.",
    )
    explorer.basis_plot = plot  # the figure's state, for readers (and tests) who want to inspect it
    return explorer


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
