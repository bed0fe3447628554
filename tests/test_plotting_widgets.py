"""The basis figure, the basis explorer widget and its animation for the static book."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from mlcourse import linalg, plotting, widgets
from mlcourse.plotting import BasisPlot, animation_html, use_book_style

pytestmark = pytest.mark.foundations


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


def test_basis_plot_shows_the_components(ax):
    F = widgets.SLIDES_BASIS
    plot = BasisPlot(ax, [1.0, 1.5], F)
    np.testing.assert_allclose(plot.components, [1.0, 2.0], rtol=1e-14)
    # the dashed path goes 0 -> c1 ẽ1 -> v
    xs, ys = plot._legs.get_data()
    np.testing.assert_allclose([xs[1], ys[1]], 1.0 * F[:, 0])
    np.testing.assert_allclose([xs[2], ys[2]], [1.0, 1.5])
    assert "+1.00 ẽ₁ +2.00 ẽ₂" in plot._info.get_text()


def test_basis_plot_updates_in_place(ax):
    plot = BasisPlot(ax, [1.0, 1.5], np.eye(2))
    n_artists = len(ax.get_children())
    rng = np.random.default_rng(0)
    for _ in range(5):
        F = rng.normal(size=(2, 2))
        c = plot.update(F)
        np.testing.assert_allclose(c, linalg.to_new_components([1.0, 1.5], F), rtol=1e-10)
    assert len(ax.get_children()) == n_artists  # nothing was added: artists were updated


def test_basis_plot_reports_a_singular_basis_instead_of_crashing(ax):
    plot = BasisPlot(ax, [1.0, 1.5], np.eye(2))
    c = plot.update([[2.0, 1.0], [1.0, 0.5]])
    assert np.all(np.isnan(c))
    assert "det F = 0" in plot._info.get_text()
    assert len(plot._legs.get_data()[0]) == 0


def test_basis_plot_bad_input(ax):
    with pytest.raises(ValueError, match="v must have 2 entries"):
        BasisPlot(ax, [1.0, 2.0, 3.0], np.eye(2))
    with pytest.raises(ValueError, match=r"new_basis must have shape \(2, 2\)"):
        BasisPlot(ax, [1.0, 2.0], np.eye(3))
    with pytest.raises(ValueError, match="lim must be > 0"):
        BasisPlot(ax, [1.0, 2.0], np.eye(2), lim=0)


def test_basis_explorer_redraws_when_a_slider_moves():
    explorer = widgets.basis_explorer()
    box = explorer.widget()
    assert [s.description for s in box.inputs.values()] == ["ẽ₂, first component", "ẽ₂, second component"]
    np.testing.assert_allclose(explorer.basis_plot.components, [1.0, 2.0], rtol=1e-14)
    box.inputs["e2x"].value = 1.25  # ẽ₁ = (2, 1) and ẽ₂ = (1.25, 0.25)
    F = np.array([[2.0, 1.25], [1.0, 0.25]])
    np.testing.assert_allclose(explorer.basis_plot.components, np.linalg.solve(F, [1.0, 1.5]), rtol=1e-12)
    box.inputs["e2x"].value, box.inputs["e2y"].value = 1.0, 0.5  # parallel to ẽ₁: not a basis
    assert np.all(np.isnan(explorer.basis_plot.components))
    assert "parallel" in box.children[2].value


def test_basis_explorer_frames_cover_the_sliders():
    explorer = widgets.basis_explorer(e2_x=[-0.5, 1.0], e2_y=[0.25, 0.5], dpi=30)
    frames, alts = explorer.frames()
    assert len(frames) == 4 and "parallel" in alts[3] and "parallel" not in alts[0]


def test_basis_explorer_bad_input():
    with pytest.raises(ValueError, match=r"new_basis must have shape \(2, 2\)"):
        widgets.basis_explorer(np.eye(3))


def test_basis_path_is_always_a_basis():
    bases = widgets.basis_path(50)
    assert bases.shape == (50, 2, 2)
    assert np.min(np.abs(np.linalg.det(bases))) > 0.1
    with pytest.raises(ValueError, match="n_frames must be >= 2"):
        widgets.basis_path(1)


def test_basis_animation_embeds_every_frame():
    html = widgets.basis_animation(n_frames=4, dpi=30).data
    assert html.count("data:image/png;base64") == 4
    assert "<script" in html
    assert "https://" not in html  # no stylesheet from a CDN: the book reads offline
    assert '<img alt="Animation: the new basis vector' in html


def test_animation_html_needs_a_description():
    import matplotlib.animation

    fig = plt.figure()
    anim = matplotlib.animation.FuncAnimation(fig, lambda i: (), frames=2)
    with pytest.raises(ValueError, match="alt must be a non-empty description"):
        animation_html(anim, "  ")
    with pytest.raises(ValueError, match="default_mode must be"):
        animation_html(anim, "two frames", default_mode="bounce")
    plt.close(fig)


def test_book_style_is_applied():
    use_book_style()
    assert matplotlib.rcParams["axes.grid"] is True


def test_book_style_makes_legible_figures_without_overlaps():
    use_book_style()
    rc = matplotlib.rcParams
    assert rc["figure.constrained_layout.use"] is True
    assert rc["font.size"] >= 10 and rc["legend.fontsize"] >= 9 and rc["xtick.labelsize"] >= 9
    assert rc["figure.figsize"][0] <= plotting.COLUMN_WIDTH
    assert rc["axes.prop_cycle"].by_key()["color"] == plotting.CYCLE
    assert matplotlib.colors.to_rgba(rc["figure.facecolor"])[3] == 1.0  # opaque for dark mode
    # two panels with long titles and labels: constrained layout keeps them apart
    fig, axes = plt.subplots(1, 2, figsize=plotting.figsize(2))
    for ax in axes:
        ax.set_title("a rather long panel title")
        ax.set_ylabel("a long label of the y axis")
        ax.plot([0, 1e6], [0, 1e6])
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for ax in axes for t in (ax.title, ax.yaxis.label)]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not a.overlaps(b), "titles or labels overlap"
    plt.close(fig)


def test_one_colour_per_concept():
    colors = plotting.COLORS
    optimizers = ["gd", "sgd", "momentum", "nesterov", "rmsprop", "adam", "newton", "bfgs"]
    assert set(optimizers) <= set(colors)
    # optimizers are told apart by colour: no two share one
    assert len({colors[o].lower() for o in optimizers}) == len(optimizers)
    for name, value in colors.items():
        assert matplotlib.colors.is_color_like(value), name
    # the keys the basis figure and explorer use are still there
    assert {"old", "new", "vector", "accent"} <= set(colors)
    for cmap in plotting.CMAPS.values():
        matplotlib.colormaps[cmap]


def test_the_playground_draws_each_optimizer_in_its_book_colour():
    from mlcourse.optim import playground

    for name, kind in playground.OPTIMIZERS.items():
        assert playground.COLORS[name].lower() == plotting.COLORS[kind].lower(), name


def test_figsize_fits_the_column():
    use_book_style()
    assert plotting.figsize()[0] == matplotlib.rcParams["figure.figsize"][0]
    for ncols in (2, 3, 4):
        width, height = plotting.figsize(ncols)
        assert width == plotting.COLUMN_WIDTH
        assert height == pytest.approx(0.75 * width / ncols, abs=0.005)  # rounded to 0.01 in
    assert plotting.figsize(2, 2)[1] > plotting.figsize(2, 1)[1]
    with pytest.raises(ValueError, match="width must be <= COLUMN_WIDTH"):
        plotting.figsize(width=12)
    with pytest.raises(ValueError, match="ncols must be >= 1"):
        plotting.figsize(0)
