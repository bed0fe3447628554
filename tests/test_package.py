"""The package as a whole: light import, lazy submodules, notebook setup, installability."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import tomllib

import mlcourse

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ["torch", "umap", "sklearn", "scipy", "sympy", "matplotlib", "ipywidgets"]


def test_import_is_light():
    """``import mlcourse`` must not import torch, umap-learn or the other heavy libraries.

    (Its time is measured by the benchmark script, not asserted here.)
    """
    code = f"import json, sys, mlcourse; print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_submodules_load_on_first_use():
    for name in mlcourse._SUBMODULES:
        assert getattr(mlcourse, name).__name__ == f"mlcourse.{name}"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        mlcourse.nope  # noqa: B018
    assert set(mlcourse._SUBMODULES) <= set(dir(mlcourse))


def test_setup_notebook_is_deterministic():
    a = mlcourse.setup_notebook(seed=3).normal(size=5)
    b = mlcourse.setup_notebook(seed=3).normal(size=5)
    np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        mlcourse.setup_notebook(seed=-1)
    with pytest.raises(TypeError, match="seed must be an integer"):
        mlcourse.setup_notebook(seed=1.5)


def test_show_source_shows_the_tested_code():
    shown = mlcourse.show_source(mlcourse.linalg.det_cofactor)
    assert shown.data.startswith("```python\ndef det_cofactor(")
    with pytest.raises(TypeError, match="obj must be a function"):
        mlcourse.show_source(42)


def test_version_matches_pyproject():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert meta["project"]["version"] == mlcourse.__version__


def test_dependency_ranges_are_loose_and_requirements_pin_torch():
    """Colab keeps its preinstalled libraries only if the package does not pin them."""
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = list(meta["project"]["dependencies"])
    for extra in meta["project"]["optional-dependencies"].values():
        deps += extra
    assert not [d for d in deps if "==" in d], deps
    requirements = (ROOT / "requirements.txt").read_text().splitlines()
    assert "torch==2.13.0" in requirements
    assert "-e ." in requirements


def test_setup_notebook_quiets_notebook_progress_bars_only_where_asked(monkeypatch):
    """With TQDM_DISABLE=1 (the book build's kernels) tqdm's notebook bar is off too; else untouched."""
    import tqdm.notebook

    import mlcourse

    original = tqdm.notebook.tqdm_notebook.__init__
    try:
        monkeypatch.delenv("TQDM_DISABLE", raising=False)
        mlcourse.setup_notebook(seed=0)
        assert tqdm.notebook.tqdm_notebook.__init__ is original
        monkeypatch.setenv("TQDM_DISABLE", "1")
        mlcourse.setup_notebook(seed=0)
        mlcourse.setup_notebook(seed=0)  # a second call wraps nothing twice
        assert tqdm.notebook.tqdm_notebook.__init__.__wrapped__ is original
        assert tqdm.notebook.tqdm_notebook(range(3)).disable
        assert not tqdm.notebook.tqdm_notebook(range(3), disable=False, display=False).disable
    finally:
        tqdm.notebook.tqdm_notebook.__init__ = original
