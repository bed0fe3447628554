"""The reading helpers: numbers glued into the prose, and show_source's lines that are the math."""

import ast
import sys

import numpy as np
import pytest

import mlcourse
from mlcourse import calculus, linalg, nn, optim, vae
from mlcourse._validate import check_positive
from mlcourse.reading import CHECKS_OMITTED, GluedFigure, glue, glue_figure, show_source

# --- glue ---------------------------------------------------------------------------------------------


@pytest.fixture
def displayed(monkeypatch):
    """What myst-nb's glue would put in the notebook (it displays a mime bundle)."""
    glue_module = pytest.importorskip("myst_nb.ext.glue")
    shown = []
    monkeypatch.setattr(glue_module, "ipy_display", lambda data, **kw: shown.append((data, kw)))
    return shown


def test_glue_stores_a_plain_number_the_text_role_can_format(displayed, capsys):
    from myst_nb.core.variables import format_plain_text

    glue("rate", np.float64(0.123456))
    (data, kw), = displayed
    assert kw["metadata"]["scrapbook"]["name"] == "rate"
    # stored for the page only (display=False): Jupyter and Colab show nothing of this bundle
    (mime,) = data
    assert mime == "application/papermill.record/text/plain"
    # {glue:text}`rate:.3f` formats the stored text: a numpy repr would not parse as a number
    assert format_plain_text(data[mime], ".3f") == "0.123"
    assert capsys.readouterr().out == "rate = 0.123456\n"


def test_glue_with_a_format_stores_and_prints_the_formatted_text(displayed, capsys):
    from myst_nb.core.variables import format_plain_text

    glue("share", np.float32(0.25), fmt=".1%")
    glue("n_steps", np.int64(12000), fmt=",d")
    texts = [format_plain_text(data["application/papermill.record/text/plain"], "s") for data, _ in displayed]
    assert texts == ["25.0%", "12,000"]
    assert capsys.readouterr().out == "share = 25.0%\nn_steps = 12,000\n"


def test_glue_without_myst_nb_only_prints(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # as on Colab: the import fails
    glue("loss", 1.5, fmt=".2f")
    assert capsys.readouterr().out == "loss = 1.50\n"


def test_glue_refuses_bad_input():
    with pytest.raises(TypeError, match="name must be a string"):
        glue(3, 1.0)
    with pytest.raises(ValueError, match="name must start with a letter"):
        glue("a:b", 1.0)  # the role would read ':b' as a format spec
    with pytest.raises(TypeError, match="fmt must be a format spec string"):
        glue("a", 1.0, fmt=3)
    with pytest.raises(ValueError, match=r"value must be something fmt '\.3d' can format; got a float"):
        glue("a", 1.5, fmt=".3d")


def test_glue_is_exported():
    assert mlcourse.glue is glue


class _Standin:
    """A figure whose display output is expensive: it counts how often it is computed."""

    def __init__(self):
        self.calls = 0

    def _repr_mimebundle_(self, include=None, exclude=None):
        self.calls += 1
        return {"text/plain": "<figure>", "text/html": f"<div class='mlc-explorer'>{self.calls}</div>",
                "application/vnd.jupyter.widget-view+json": {"model_id": "m1", "version_major": 2}}, {}


def test_glue_figure_stores_the_display_once_and_shows_the_same(displayed):
    from IPython.core.formatters import format_display_data

    figure = _Standin()
    glued = glue_figure("fig-demo-explorer", figure)
    (data, kw), = displayed
    assert kw["metadata"]["scrapbook"] == {"name": "fig-demo-explorer",
                                           "mime_prefix": "application/papermill.record/"}
    # stored for the {glue:figure} directive only: every mime type under the glue prefix
    assert set(data) == {"application/papermill.record/" + m for m in
                         ("text/plain", "text/html", "application/vnd.jupyter.widget-view+json")}
    assert data["application/papermill.record/text/html"] == "<div class='mlc-explorer'>1</div>"
    # the cell shows the same output, not computed again (an explorer's frames take seconds)
    shown, metadata = format_display_data(glued)
    assert shown["text/html"] == "<div class='mlc-explorer'>1</div>" and figure.calls == 1
    assert shown["application/vnd.jupyter.widget-view+json"]["model_id"] == "m1"
    # and without the glue record, which would make myst-nb read the cell's own output as glue
    assert "scrapbook" not in metadata
    assert isinstance(glued, GluedFigure) and glued.figure is figure and "fig-demo-explorer" in repr(glued)


def test_glue_figure_of_a_real_explorer_holds_its_web_standin(displayed):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mlcourse.interactive import Slider, explore

    fig, ax = plt.subplots(figsize=(2, 1.5))
    (line,) = ax.plot([0, 1], [0, 1])
    plt.close(fig)
    explorer = explore(fig, lambda a: line.set_ydata([0, a]), {"a": Slider("a", [1.0, 2.0])},
                       name="fig-demo-explorer", alt="A line whose end the slider moves.", dpi=30)
    glue_figure("fig-demo-explorer", explorer)
    (data, _), = displayed
    assert 'class="mlc-explorer"' in data["application/papermill.record/text/html"]


def test_glue_figure_without_myst_nb_only_shows(monkeypatch, displayed):
    monkeypatch.setitem(sys.modules, "myst_nb", None)  # as on Colab: the import fails
    glued = glue_figure("fig-demo", _Standin())
    assert displayed == [] and glued._repr_mimebundle_()[0]["text/plain"] == "<figure>"


def test_glue_figure_refuses_bad_input():
    with pytest.raises(TypeError, match="name must be a string"):
        glue_figure(3, _Standin())
    with pytest.raises(ValueError, match="name must start with a letter"):
        glue_figure("fig:a", _Standin())
    with pytest.raises(TypeError, match=r"figure must be something Jupyter displays.*got float"):
        glue_figure("fig-a", 1.5)
    with pytest.raises(TypeError, match="not yet glued"):
        glue_figure("fig-a", glue_figure("fig-b", _Standin()))


def test_glue_figure_is_exported():
    assert mlcourse.glue_figure is glue_figure


# --- show_source -----------------------------------------------------------------------------------


def marked_step(x, g, lr):
    """A function whose math is marked."""
    lr = check_positive(lr, "lr")
    if x.shape != g.shape:
        raise ValueError("x and g must have the same shape")
    # [math]
    direction = -g
    # [/math]
    direction = direction.astype(float)
    # [math]
    return x + lr * direction
    # [/math]


class MarkedModel:
    """A class with marked lines in one method."""

    def __init__(self, scale):
        self.scale = check_positive(scale, "scale")

    def forward(self, x):
        x = np.asarray(x)
        # [math]
        return self.scale * x
        # [/math]


def unclosed(x):
    # [math]
    return x


def test_marked_lines_are_shown_under_their_def_lines():
    shown = show_source(marked_step).code
    assert shown == (
        "def marked_step(x, g, lr):\n"
        "    ...\n"
        "    direction = -g\n"
        "    ...\n"
        "    return x + lr * direction"
    )
    ast.parse(shown)  # still Python
    shown = show_source(MarkedModel).code
    assert shown == (
        "class MarkedModel:\n    ...\n    def forward(self, x):\n        ...\n        return self.scale * x"
    )
    ast.parse(shown)


def test_an_unclosed_marker_is_an_error():
    with pytest.raises(ValueError, match="never closed"):
        show_source(unclosed)


def test_without_markers_docstring_and_checks_are_left_out():
    shown = show_source(calculus.newton_root).code
    assert shown.startswith("def newton_root(")
    assert '"""' not in shown and "Parameters" not in shown
    assert "check_callable" not in shown and "raise ValueError" not in shown
    assert CHECKS_OMITTED in shown
    assert "step = -fx / J" in shown and "np.linalg.solve(J, -fx)" in shown
    # a conversion that introduces a new name stays, or the code would use an undefined x
    assert 'x = as_float_array(x0, "x0")' in shown


def test_a_class_loses_docstrings_checks_and_helpers_that_only_check():
    shown = show_source(vae.VAE).code
    assert '"""' not in shown
    assert "def _check_range" not in shown  # a method that only checks
    assert "n_latent = check_int(" not in shown
    assert "return mu + torch.exp(0.5 * log_var) * eps" in shown


@pytest.mark.parametrize(
    "obj",
    [calculus.newton_root, linalg.det_cofactor, vae.VAE, nn.Linear, optim.first_order.adam_update,
     marked_step, MarkedModel],
    ids=lambda o: o.__qualname__,
)
def test_what_is_shown_is_python_and_renders_as_a_code_block(obj):
    shown = show_source(obj)
    ast.parse(shown.code)
    assert shown._repr_markdown_() == f"```python\n{shown.code}\n```"
    assert "```" not in shown.code
    assert str(shown) == shown.code


def test_full_shows_the_source_unchanged():
    import inspect

    shown = show_source(calculus.newton_root, full=True).code
    assert shown == inspect.getsource(calculus.newton_root).rstrip()


def test_show_source_refuses_bad_input():
    with pytest.raises(TypeError, match="obj must be a function"):
        show_source(42)
    with pytest.raises(TypeError, match="full must be True or False"):
        show_source(marked_step, full="yes")


# --- tools/tag_cells.py: which cells fold their code away ---------------------------------------------


def _tag_cells():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tools" / "tag_cells.py"
    spec = importlib.util.spec_from_file_location("tag_cells", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _notebook(*cells):
    out = []
    for kind, text, *tags in cells:
        cell = {"cell_type": kind, "metadata": {"tags": list(tags)} if tags else {}, "source": text}
        out.append(cell)
    return {"cells": out}


def test_tag_cells_finds_the_cells_that_only_check():
    nb = _notebook(
        ("code", "import mlcourse\nrng = mlcourse.setup_notebook(seed=0)", "setup", "hide-cell"),  # 0 setup
        ("code", "x = 2.0\ncheck.close(x * x, 4.0, name='square')"),  # 1 x read later
        ("code", "y = x + 1\nprint(y)"),  # 2 teaching
        ("code", "z = y * 3\ncheck.close(z, 9.0, name='z')\nprint('✔ z')"),  # 3 only checks
        ("code", "def f(t):\n    return t\ncheck.close(f(1), 1)"),  # 4 defines
        ("code", "fig, ax = plt.subplots()\nassert y > 0"),  # 5 draws
        ("code", "check.answer('ex-1', 3)"),  # 6 exercise
        ("markdown", "```{solution-start} ex-1\n:class: dropdown\n```"),
        ("code", "check.close(1, 1)"),  # 8 solution
        ("markdown", "```{solution-end}\n```"),
        ("code", "check.close(y, 3.0)", "show-input"),  # 10 kept
        ("code", "w = 1.0\nassert w == 1.0"),  # 11 only checks
        ("code", "w = 2.0\nprint(w)"),  # 12 rebinds w
    )
    assert _tag_cells().check_cells(nb) == [3, 11]


def test_tag_cells_writes_the_tag_once(tmp_path):
    import json

    path = tmp_path / "chapter.ipynb"
    nb = _notebook(("code", "import mlcourse", "setup"), ("code", "check.close(1.0, 1.0, name='one')"))
    path.write_text(json.dumps(nb))
    tag_cells = _tag_cells()
    tag_cells.main(["--write", str(path)])
    tag_cells.main(["--write", str(path)])  # idempotent: a tagged cell is decided
    assert json.loads(path.read_text())["cells"][1]["metadata"]["tags"] == ["hide-input"]
