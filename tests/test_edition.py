"""The student edition: every chapter without its solutions, and every student notebook runs.

``python -m mlcourse.edition student OUT_DIR`` is what an instructor runs; this test runs it, checks
that no solution survives (no solution cell or heading, no ``require=True`` self-check, the same
exercises as the book), that it reads as plain Jupyter Markdown like the reader's edition it is
made from (no raw MyST and none of the book's TeX macros: the check of tests/test_reader_edition.py),
and that its code cells are the book's less the solutions', in order, as
:func:`mlcourse.edition.student_notebook` keeps them from the book's MyST notebook, which is what
tests/test_determinism.py executes every student notebook top to bottom in a fresh
kernel (the placeholders must answer "no answer yet", nothing may raise, and every cell must print
what the web book printed).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from mlcourse import edition

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_reader_edition import myst_problems  # noqa: E402


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
    with pytest.raises(TypeError, match="name must be"):
        edition.student_notebook(nb, name=3)


def test_student_notebook_of_a_readers_edition_drops_the_tagged_solution():
    """From a reader's edition: the cells tagged ``solution`` go, with Colab's folds of them, and
    the student notice replaces the reader's (which speaks of the solutions)."""
    def cell(kind, text, tags=(), **metadata):
        out = {"cell_type": kind, "id": f"c{len(text)}", "metadata": {**metadata}, "source": text}
        if tags:
            out["metadata"]["tags"] = list(tags)
        if kind == "code":
            out.update(outputs=[{"x": 1}], execution_count=2)
        return out

    heading = cell("markdown", "#### Solution to Exercise 1.1", ["solution"], **{edition.FOLDED: True})
    heading["metadata"]["id"] = heading["id"]
    nb = {"cells": [cell("markdown", "# Title"), cell("markdown", "**Reader's edition**", ["reader-edition"]),
                    cell("markdown", "### Exercise 1.1"), cell("code", "mine = None"), heading,
                    cell("code", "secret = 1", ["solution"]), cell("code", "after = 2")],
          "metadata": {"mlcourse": {"edition": "reader"}, "colab": {"collapsed_sections": [heading["id"]]}}}
    nb["cells"][1]["id"] = "reader-edition-notice"
    out = edition.student_notebook(nb, name="x")
    texts = ["".join(c["source"]) for c in out["cells"]]
    assert texts == ["# Title", texts[1], "### Exercise 1.1", "mine = None", "after = 2"]
    assert texts[1].startswith(edition.NOTICE) and "code type" in texts[1]
    assert out["metadata"] == {"mlcourse": {"edition": "student"}}
    assert all(c["outputs"] == [] and c["execution_count"] is None
               for c in out["cells"] if c["cell_type"] == "code")


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
    problems = []
    for rel in written:
        original = json.loads((ROOT / "book" / rel).read_text(encoding="utf-8"))
        student = json.loads((student_edition / rel).read_text(encoding="utf-8"))
        text = "\n".join("".join(c["source"]) for c in student["cells"])
        if "require=True" in text:
            problems.append(f"{rel}: a solution's self-check survived")
        if re.search(r"Solution to Exercise|solution-(start|end)", text) or any(
                "solution" in c["metadata"].get("tags", []) for c in student["cells"]):
            problems.append(f"{rel}: a solution survived")
        # plain Jupyter Markdown, as the reader's edition: no MyST, none of the book's macros
        problems += myst_problems(student, f"student {rel}")
        book_text = "\n".join("".join(c["source"]) for c in original["cells"])
        exercises = len(re.findall(r"^#{2,6} Exercise \d+\.\d+", text, re.M))
        if exercises != len(re.findall(r"^\s*(`{3,}|:{3,})\{exercise\}", book_text, re.M)):
            problems.append(f"{rel}: {exercises} exercise headings, not the book's number of exercises")
        # the code is the book's less the solutions, as student_notebook keeps it from the MyST
        code = ["".join(c["source"]) for c in student["cells"] if c["cell_type"] == "code"]
        from_source = edition.student_notebook(original, name=str(rel))
        if code != ["".join(c["source"]) for c in from_source["cells"] if c["cell_type"] == "code"]:
            problems.append(f"{rel}: the code cells are not the book's less the solutions'")
        notice = [c for c in student["cells"] if c.get("id") == "student-edition-notice"]
        if len(notice) != 1 or not notice[0]["source"].startswith(edition.NOTICE):
            problems.append(f"{rel}: no student notice")
        if "Reader's edition" in text or "collapsed_sections" in json.dumps(student["metadata"]):
            problems.append(f"{rel}: the reader's notice or Colab's folds of the solutions remain")
        if student["metadata"]["mlcourse"]["edition"] != "student":
            problems.append(f"{rel}: not marked as the student edition")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])


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
