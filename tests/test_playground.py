"""The optimizer playground: its pure recomputation, its drawing, the widget, the static stand-ins."""

import io
import json
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from mlcourse import optim
from mlcourse.optim import playground as pg
from mlcourse.optim import problems

pytestmark = pytest.mark.optimization

FACTORIES = {"GD": lambda c: optim.gd(c.lr), "Momentum": lambda c: optim.momentum(c.lr, c.beta),
             "Nesterov": lambda c: optim.nesterov(c.lr, c.beta),
             "RMSprop": lambda c: optim.rmsprop(c.lr_adaptive, c.alpha),
             "Adam": lambda c: optim.adam(c.lr_adaptive, c.beta1, c.beta2)}


@pytest.mark.parametrize("name", list(problems.PROBLEMS))
def test_trajectories_are_the_optimizers_own(name):
    c = pg.Controls.for_problem(name, n_steps=150, beta=0.8, alpha=0.95, beta1=0.85, beta2=0.99,
                                start=(0.3, -0.2))
    t = pg.trajectories(c)
    p = problems.PROBLEMS[name]()
    assert t.names == tuple(pg.OPTIMIZERS) and t.iterates.shape == (5, 151, 2)
    for i, opt_name in enumerate(t.names):
        ref = optim.run(FACTORIES[opt_name](c), p.grad, np.array([0.3, -0.2]), 150, max_norm=1e6)
        np.testing.assert_array_equal(t.iterates[i], ref.iterates, err_msg=opt_name)
        assert t.diverged_at[i] == (-1 if ref.diverged_at is None else ref.diverged_at)
        finite = np.isfinite(ref.iterates[:, 0])
        best = p.value(p.minimizers[0])
        np.testing.assert_allclose(t.losses[i][finite], p.value(ref.iterates[finite]) - best, rtol=1e-12,
                                   atol=1e-300)


def test_divergence_is_data_not_an_exception():
    t = pg.trajectories(pg.Controls.for_problem("quadratic", lr=0.5, n_steps=200))  # lr > 2/κ = 0.2
    gd = t.names.index("GD")
    k = t.diverged_at[gd]
    assert k > 0 and np.all(np.isnan(t.iterates[gd, k:])) and np.all(np.isnan(t.losses[gd, k:]))
    assert t.diverged_at[t.names.index("Adam")] == -1


def test_default_controls_are_instructive():
    """Out of the box, nothing diverges on any problem (the reader makes it diverge)."""
    for name in problems.PROBLEMS:
        t = pg.trajectories(pg.Controls.for_problem(name))
        assert np.all(t.diverged_at == -1), (name, t.diverged_at)


@pytest.fixture
def plot():
    fig, (a, b) = plt.subplots(1, 2)
    yield pg.PlaygroundPlot(a, b, "rosenbrock")
    plt.close(fig)


def test_plot_draws_the_trajectories_and_updates_in_place(plot):
    t = pg.trajectories(pg.Controls.for_problem("rosenbrock", n_steps=80))
    plot.update(t)
    n_artists = len(plot.ax_map.get_children()), len(plot.ax_loss.get_children())
    for lr in (1e-4, 5e-4, 2e-3):
        t = pg.trajectories(pg.Controls.for_problem("rosenbrock", lr=lr, n_steps=80))
        plot.update(t)
        for i, name in enumerate(t.names):
            xs, ys = plot.lines[name].get_data()
            finite = np.isfinite(t.iterates[i, :, 0])  # a diverged path is drawn up to where it left
            np.testing.assert_array_equal(np.column_stack([xs, ys]), t.iterates[i][finite])
    assert (len(plot.ax_map.get_children()), len(plot.ax_loss.get_children())) == n_artists


def test_plot_marks_a_divergence(plot):
    plot.set_problem("quadratic")
    t = pg.trajectories(pg.Controls.for_problem("quadratic", lr=0.5, n_steps=100))
    plot.update(t)
    xs, ys = plot.crosses["GD"].get_data()
    (x0, x1), (y0, y1) = problems.quadratic().box
    assert len(xs) == 1 and x0 <= xs[0] <= x1 and y0 <= ys[0] <= y1  # on the plot, at the edge
    assert "GD: diverged at step" in plot.legend.get_texts()[0].get_text()
    assert len(plot.crosses["Adam"].get_data()[0]) == 0


def test_widget_redraws_when_a_control_moves():
    box = pg.optimizer_playground("valley", n_steps=60)
    plot, controls = box.playground, box.controls
    before = plot.lines["Momentum"].get_data()[0].copy()
    controls["beta"].value = 0.5
    controls["lr"].value = 0.01
    expected = pg.trajectories(pg.Controls.for_problem("valley", lr=0.01, beta=0.5, n_steps=60))
    for i, name in enumerate(expected.names):
        np.testing.assert_allclose(np.column_stack(plot.lines[name].get_data()), expected.iterates[i],
                                   rtol=1e-15)
    assert not np.array_equal(before, plot.lines["Momentum"].get_data()[0])
    np.testing.assert_array_equal(box.current().iterates, expected.iterates)

    controls["x0"].value, controls["y0"].value = 1.0, -1.0  # a new start
    assert np.array_equal(plot.lines["GD"].get_data()[0][:1], [1.0])
    controls["n_steps"].value = 30
    assert len(plot.lines["Adam"].get_data()[0]) == 31


def test_widget_switches_problem_and_hides_optimizers():
    box = pg.optimizer_playground("rosenbrock", n_steps=40)
    box.controls["problem"].value = "himmelblau"
    p = problems.himmelblau()
    assert box.playground.ax_map.get_title() == p.name
    assert (box.controls["x0"].value, box.controls["y0"].value) == tuple(p.start)
    assert box.controls["lr"].value == pytest.approx(pg.DEFAULTS["himmelblau"][0])
    np.testing.assert_array_equal(box.playground.lines["GD"].get_data()[0][:1], p.start[:1])
    assert box.playground.ax_map.get_xlim() == p.box[0]
    box.shown["Adam"].value = False
    assert not box.playground.lines["Adam"].get_visible() and box.playground.lines["GD"].get_visible()


def _pixels(png: bytes) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=float)


def test_png_writer_keeps_every_pixel():
    """The playground's own PNG writer: Pillow decodes exactly the pixels it was given."""
    from PIL import Image

    rng = np.random.default_rng(0)
    smooth = np.linspace(0, 255, 7 * 5 * 3).reshape(7, 5, 3)
    noise = rng.integers(0, 256, size=(13, 17, 3))
    for rgb in (noise, smooth, np.zeros((1, 1, 3)), np.full((2, 40, 3), 255)):
        rgb = rgb.astype(np.uint8)
        decoded = Image.open(io.BytesIO(pg._png_bytes(rgb)))
        assert decoded.format == "PNG" and decoded.mode == "RGB"
        np.testing.assert_array_equal(np.asarray(decoded), rgb)


def test_blitted_picture_is_the_full_drawing():
    """render_png repaints only the moving artists over cached pixels, and gives what a full draw gives."""
    box = pg.optimizer_playground("himmelblau", n_steps=120)
    plot, fig = box.playground, box.figure
    for lr in (0.002, 0.004, 0.05):  # the last one diverges: crosses and legend change too
        box.controls["lr"].value = lr
        full = io.BytesIO()
        fig.savefig(full, format="png", dpi=fig.dpi)
        blitted, drawn = _pixels(plot.render_png()), _pixels(full.getvalue())
        assert blitted.shape == drawn.shape
        assert np.mean(np.any(blitted != drawn, axis=-1)) < 0.005
    assert box.current().diverged_at[0] > 0
    assert 1 <= len(plot._still) <= 8  # the still pixels are reused, not redrawn every time


def test_widget_survives_a_divergent_setting():
    box = pg.optimizer_playground("quadratic", n_steps=100)
    box.controls["lr"].value = 0.9
    assert box.current().diverged_at[0] > 0
    assert len(box.playground.crosses["GD"].get_data()[0]) == 1


def test_static_explorer_is_self_contained_and_holds_the_trajectories():
    data = pg.explorer_data(problems=("valley",), lr_factors=(0.5, 4.0), betas=(0.0, 0.9), n_steps=20,
                            size=100)
    c = pg.Controls.for_problem("valley", lr=4.0 * pg.DEFAULTS["valley"][0],
                                lr_adaptive=4.0 * pg.DEFAULTS["valley"][1], beta=0.9, beta1=0.9, n_steps=20)
    t = pg.trajectories(c)
    entry = data["problems"]["valley"]
    assert entry["diverged"][1][1] == [int(k) for k in t.diverged_at]
    (x0, x1), (y0, y1) = problems.valley().box
    adam = np.array(entry["paths"][1][1][4]).reshape(-1, 2)
    np.testing.assert_allclose(adam[:, 0], np.round((t.iterates[4, :, 0] - x0) / (x1 - x0) * 100))
    np.testing.assert_allclose(adam[:, 1], np.round((y1 - t.iterates[4, :, 1]) / (y1 - y0) * 100))
    html = pg.static_explorer(problems=("valley",), lr_factors=(0.5, 4.0), betas=(0.0, 0.9), n_steps=20,
                              size=100).data
    assert not re.search(r"""src\s*=\s*["']?(https?:)?//""", html)  # nothing loaded from elsewhere
    payload = re.search(r"<script type=\"application/json\">(.*?)</script>", html, re.S).group(1)
    assert json.loads(payload)["names"] == list(pg.OPTIMIZERS)
    assert html.count("<polyline") == 5


@pytest.mark.slow
def test_animation_is_embedded():
    html = pg.playground_animation(pg.Controls.for_problem("saddle", n_steps=30), n_frames=3, dpi=30).data
    assert "<img" in html or "data:image/png;base64" in html
    assert not re.search(r"""src\s*=\s*["'](https?:)?//""", html)


BAD = [
    (lambda: pg.trajectories(problem="banana"), ValueError, r"problem must be one of"),
    (lambda: pg.trajectories(lr=0.0), ValueError, r"lr must be > 0; got 0.0"),
    (lambda: pg.trajectories(lr_adaptive=-1.0), ValueError, r"lr_adaptive must be > 0"),
    (lambda: pg.trajectories(beta=1.0), ValueError, r"beta must be in \[0, 1\); got 1.0"),
    (lambda: pg.trajectories(beta2=1.5), ValueError, r"beta2 must be in \[0, 1\)"),
    (lambda: pg.trajectories(start=(1.0, 2.0, 3.0)), ValueError, r"start must have 2 entries"),
    (lambda: pg.trajectories(n_steps=0), ValueError, r"n_steps must be >= 1"),
    (lambda: pg.trajectories("adam"), TypeError, r"controls must be a Controls"),
    (lambda: pg.Controls.for_problem("banana"), ValueError, r"problem must be one of"),
]


@pytest.mark.parametrize("call, exception, pattern", BAD)
def test_bad_input_gets_a_clear_error(call, exception, pattern):
    with pytest.raises(exception, match=pattern):
        call()
