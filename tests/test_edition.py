"""The student edition: every chapter without its solutions, and every student notebook runs.

``python -m mlcourse.edition student OUT_DIR`` is what an instructor runs; this test runs it, checks
that no solution survives (no solution markers, no ``require=True`` self-check, the same exercises
as the book). tests/test_determinism.py executes every student notebook top to bottom in a fresh
kernel (the placeholders must answer "no answer yet", nothing may raise, and every cell must print
what the web book printed).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mlcourse import edition

ROOT = Path(__file__).resolve().parents[1]


def test_student_notebook_drops_solutions_and_rejects_unbalanced_markers():
    def md(text):
        return {"cell_type": "markdown", "metadata": {}, "source": text}

    def code(text):
        return {"cell_type": "code", "metadata": {}, "source": text, "outputs": [{"x": 1}],
                "execution_count": 3}

    nb = {"cells": [md("# Title"), md("```{exercise} E\n:label: e\n```"), code("mine = None"),
                    md("```{solution-start} e\n:class: dropdown\n```"), code("secret = 1"),
                    md("```{solution-end}\n```"), code("after = 2")], "metadata": {}}
    out = edition.student_notebook(nb)
    texts = ["".join(c["source"]) for c in out["cells"]]
    assert "secret = 1" not in texts and "mine = None" in texts and "after = 2" in texts
    assert texts[1] == edition.NOTICE and out["metadata"]["mlcourse"]["edition"] == "student"
    assert all(c["outputs"] == [] for c in out["cells"] if c["cell_type"] == "code")
    with pytest.raises(ValueError, match="never closed"):
        edition.student_notebook({"cells": nb["cells"][:5]})
    with pytest.raises(ValueError, match="never opened"):
        edition.student_notebook({"cells": nb["cells"][5:]})
    with pytest.raises(TypeError, match="notebook must be"):
        edition.student_notebook([])
    with pytest.raises(ValueError, match="is not a folder"):
        edition.write_student_edition(ROOT / "_nothing_", ROOT / "no-such-book")


@pytest.fixture(scope="module")
def student_edition(tmp_path_factory):
    out = tmp_path_factory.mktemp("student")
    result = subprocess.run([sys.executable, "-m", "mlcourse.edition", "student", str(out)], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "wrote the student edition of" in result.stdout
    return out


def test_no_solution_remains(student_edition):
    book = sorted(p.relative_to(ROOT / "book") for p in edition.chapter_notebooks(ROOT / "book"))
    written = sorted(p.relative_to(student_edition) for p in student_edition.glob("*/*.ipynb"))
    assert written == book
    for rel in written:
        original = json.loads((ROOT / "book" / rel).read_text(encoding="utf-8"))
        student = json.loads((student_edition / rel).read_text(encoding="utf-8"))
        text = "\n".join("".join(c["source"]) for c in student["cells"])
        assert "{solution-start}" not in text and "{solution-end}" not in text, rel
        assert "require=True" not in text, f"{rel}: a solution's self-check survived"
        book_text = "\n".join("".join(c["source"]) for c in original["cells"])
        assert text.count("{exercise}") == book_text.count("{exercise}"), rel


def test_command_line_offers_both_editions(tmp_path):
    """``python -m mlcourse.edition`` knows the student and the reader's edition, and nothing else."""
    help_text = subprocess.run([sys.executable, "-m", "mlcourse.edition", "--help"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout
    assert "student" in help_text and "reader" in help_text
    wrong = subprocess.run([sys.executable, "-m", "mlcourse.edition", "teacher", str(tmp_path)], cwd=ROOT,
                           capture_output=True, text=True, check=False)
    assert wrong.returncode == 2 and "invalid choice: 'teacher'" in wrong.stderr
    reader = subprocess.run([sys.executable, "-m", "mlcourse.edition", "reader", str(tmp_path / "r")],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert reader.returncode == 0, reader.stderr
    assert "wrote the reader's edition of" in reader.stdout
    written = sorted(p.relative_to(tmp_path / "r") for p in (tmp_path / "r").rglob("*.ipynb"))
    chapters = sorted(p.relative_to(ROOT / "book") for p in edition.chapter_notebooks(ROOT / "book"))
    assert set(chapters) <= set(written), "every chapter has a reader's edition"
