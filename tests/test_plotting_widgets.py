"""The basis figure, the basis explorer widget and its animation for the static book."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from mlcourse import linalg, widgets
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
    box = widgets.basis_explorer()
    sliders = [s for column in box.children[0].children for s in column.children]
    assert [s.description for s in sliders] == ["ẽ₁ x", "ẽ₁ y", "ẽ₂ x", "ẽ₂ y"]
    np.testing.assert_allclose(box.basis_plot.components, [1.0, 2.0], rtol=1e-14)
    sliders[0].value = 1.0  # ẽ₁ = (1, 1) and ẽ₂ = (-0.5, 0.25)
    F = np.array([[1.0, -0.5], [1.0, 0.25]])
    np.testing.assert_allclose(box.basis_plot.components, np.linalg.solve(F, [1.0, 1.5]), rtol=1e-12)
    sliders[2].value = sliders[0].value * 2  # ẽ₂ = (2, 0.25): still a basis
    F[0, 1] = 2.0
    np.testing.assert_allclose(box.basis_plot.components, np.linalg.solve(F, [1.0, 1.5]), rtol=1e-12)


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
