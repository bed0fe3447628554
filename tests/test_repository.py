"""The repository's promises: the README's commands are the ones CI runs."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands():
    """The shell commands in the README's fenced ```bash blocks, one per block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return [block.strip() for block in re.findall(r"```bash\n(.*?)```", text, re.S)]


def test_readme_gives_exactly_two_setup_commands():
    commands = readme_commands()
    assert len(commands) >= 2, "the README must give the book command and the test command"
    book, tests = commands[:2]
    assert "jupyter-book build" in book and "-W" in book, book
    assert "pytest" in tests, tests
    assert "\n" not in book and "\n" not in tests, "each set-up step must be one command line"


def test_ci_runs_the_readme_test_command_and_builds_with_warnings_as_errors():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    book, tests = readme_commands()[:2]
    assert book in ci, f".ci/run must build the book with the README's command verbatim:\n{book}"
    assert tests in ci, f".ci/run must call the README's test command verbatim:\n{tests}"
    assert "jupyter-book build . -W" in ci
    assert "set -euo pipefail" in ci


def test_the_benchmark_reads_the_laps_that_ci_prints():
    """benchmarks/run.py --only ci records .ci/run's time from the lines .ci/run prints at its end."""
    import sys

    sys.path.insert(0, str(ROOT / "benchmarks"))
    from run import parse_ci_log

    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    steps = re.findall(r'^lap "([^"]+)"', ci, re.M)
    assert len(steps) >= 5, steps
    # what .ci/run prints: its finishing line, then each lap (see lap() and the last lines)
    log = "== commit abc1234\n...\n== CI finished in 1200 s\n" + "".join(f"   {s}: {i + 1} s\n"
                                                                     for i, s in enumerate(steps))
    parsed = parse_ci_log(log)
    assert parsed["total_s"] == 1200
    assert [lap["step"] for lap in parsed["laps"]] == steps
    assert 'echo "== CI finished in' in ci and "printf '   %s\\n'" in ci
