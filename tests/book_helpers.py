"""Helpers for the tests of the built book: run jupyter-book, read the table of contents."""

import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"


def jupyter_book(*args, cwd):
    """Run the jupyter-book command of this environment.

    MPLBACKEND is removed from its environment: the tests set it to Agg for nbval, but the book's
    kernels need the inline backend, which is what puts the figures on the pages.
    """
    exe = Path(sys.executable).with_name("jupyter-book")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter_book.cli.main"]
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    return subprocess.run([*command, *args], cwd=cwd, capture_output=True, text=True, timeout=1500, env=env)


def toc_entries():
    """Every page of the table of contents, in reading order (paths without suffix)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    entries = [toc["root"]]
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            entries.append(chapter["file"])
            entries += [section["file"] for section in chapter.get("sections", [])]
    return entries
