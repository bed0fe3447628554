"""Pytest configuration shared by the unit tests (tests/) and the notebooks (book/, via nbval).

Notebooks run headless: MPLBACKEND=Agg is set here, before any kernel starts, so that kernels
started by nbval inherit it. Every collected notebook is marked ``notebooks`` and with the part of
the book it belongs to (``pytest -m foundations`` runs Part 1's unit tests and notebooks).
"""

import os
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

ROOT = Path(__file__).resolve().parent

#: book/<folder> -> pytest marker of that part of the book
PART_MARKERS = {
    "foundations": "foundations",
    "optimization": "optimization",
    "neural_networks": "neural_networks",
    "generative": "generative",
    "statistics": "statistics",
    "theory": "theory",
}


def pytest_collection_modifyitems(config, items):
    import pytest

    for item in items:
        path = Path(str(item.fspath))
        if path.suffix == ".ipynb":
            item.add_marker(pytest.mark.notebooks)
            part = path.parent.name
            if part in PART_MARKERS:
                item.add_marker(getattr(pytest.mark, PART_MARKERS[part]))
