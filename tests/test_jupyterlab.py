"""The reader's edition in JupyterLab: every notebook of ``colab/book/`` opened in a real browser.

A JupyterLab server (``jupyterlab`` from PyPI, pinned in requirements.txt) runs on 127.0.0.1 with no
token, with a settings folder of its own (so no user settings leak in), and Debian's Chromium opens
it through Playwright. Every notebook is opened in the same page through JupyterLab's own
``docmanager:open`` command, with no kernel (the server runs with
``LabApp.notebook_starts_kernel=False``: reading needs none, and a panel closed while its kernel is
still starting raises errors of JupyterLab's own in the page), and every Markdown cell is read once
MathJax has typeset all of its formulas (any error in the page fails the test, except the
one known error of ipywidgets' extension listed in ``ALLOWED_PAGE_ERRORS``, with its reason):

- no formula shows MathJax's red undefined-macro text (``\\vb`` in red) or an error box, and every
  formula the Markdown holds was typeset (a formula left as raw ``$...$`` text fails);
- no raw MyST shows in the rendered text: roles (``{eq}`` next to a code span), directive fences,
  ``(label)=`` targets, ``:label:`` lines, equation labels, solution markers;
- every solution is folded when the notebook opens: the cells JupyterLab hides are exactly the
  solutions' cells below their "Solution to Exercise" headings (tests/test_reader_edition.py's
  ``folded_by_headings`` computes them from the metadata; here JupyterLab itself hides them).

Chromium comes from Debian (``apt-get install chromium``); Playwright never downloads a browser
here. Without Chromium or JupyterLab the test is skipped, unless ``MLCOURSE_REQUIRE_BROWSER=1``
(set by ``.ci/run``) makes that a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from mlcourse import edition

ROOT = Path(__file__).resolve().parents[1]
EDITION = ROOT / "colab" / "book"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
JUPYTER = Path(sys.executable).with_name("jupyter")

pytestmark = [pytest.mark.book, pytest.mark.slow]

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_reader_edition import folded_by_headings, math_in_markdown  # noqa: E402

#: What raw MyST looks like once JupyterLab has rendered the Markdown (text, or HTML for roles)
RENDERED_MYST = [
    (re.compile(r"\{[\w:-]+\}<code"), "html", "a MyST role such as {eq}`label`"),
    (re.compile(r"(`{3,}|:{3,})\{[\w:-]+\}"), "text", "a MyST directive fence"),
    (re.compile(r"^\([\w.:-]+\)=\s*$", re.M), "text", "a MyST target (label)="),
    (re.compile(r"^:(label|class|name):", re.M), "text", "a directive option line"),
    (re.compile(r"\$\$\s*\([\w.:-]+\)"), "text", "an equation label"),
    (re.compile(r"solution-(start|end)"), "text", "a solution marker"),
    (re.compile(r"\$"), "text", "a dollar sign outside any formula (math that was not typeset)"),
]

#: JavaScript run in the page: open one notebook, wait for its math, report what a reader sees.
OPEN_AND_READ = """
async ([path, nCells, expected, nHidden, timeoutMs]) => {
  const app = window.jupyterapp;
  const widget = await app.commands.execute('docmanager:open', {path, factory: 'Notebook'});
  await widget.context.ready;
  const md = () => widget.content.widgets.filter(c => c.model.type === 'markdown');
  // the cells that a collapsed heading hides (JupyterLab folds them once the headings are parsed)
  const hidden = () => widget.content.widgets.flatMap((c, index) => c.isHidden ? [index] : []);
  // wait until every Markdown cell is rendered and MathJax has typeset every formula, or, when
  // some formula is never typeset, until the count has stopped changing for 3 s
  const start = Date.now();
  let count = -1, last = -1, since = Date.now();
  while (Date.now() - start < timeoutMs) {
    const rendered = md().length === nCells && md().every(c => {
      const body = c.node.querySelector('.jp-RenderedMarkdown');
      return c.rendered && body && body.childElementCount > 0;
    });
    count = widget.node.querySelectorAll('.jp-MarkdownCell mjx-container').length;
    if (count !== last) { last = count; since = Date.now(); }
    const folded = hidden().length >= nHidden;
    if (rendered && folded && (count >= expected || Date.now() - since > 3000)) break;
    if (!rendered) since = Date.now();
    await new Promise(r => setTimeout(r, 100));
  }
  const cells = md().map((c, index) => {
    const body = c.node.querySelector('.jp-RenderedMarkdown');
    if (!body) return {index, missing: true};
    const red = [...body.querySelectorAll('mtext[mathcolor="red"], merror, mjx-merror')]
        .map(e => e.textContent);
    const plain = body.cloneNode(true);
    plain.querySelectorAll('mjx-container, code, pre').forEach(e => e.remove());
    return {index, red, html: body.innerHTML.replace(/<mjx-container[\\s\\S]*?<\\/mjx-container>/g, ''),
            text: plain.innerText, math: body.querySelectorAll('mjx-container').length};
  });
  const folded = hidden();
  // close only once the notebook's session is settled ("No Kernel"): disposing it while JupyterLab
  // still sets the session up makes JupyterLab itself read a kernel of a session gone (a page error)
  await Promise.race([widget.sessionContext.ready, new Promise(r => setTimeout(r, 10000))]);
  widget.dispose();
  return {count, cells, hidden: folded};
}
"""


#: Errors that JupyterLab's own extensions raise in the page, each with where it comes from and why
#: it is harmless here: (message pattern, pattern of the code that raises it, reason).
ALLOWED_PAGE_ERRORS = [
    (r"^Cannot read properties of null \(reading 'kernel'\)$", r"@jupyter-widgets/jupyterlab-manager/",
     "ipywidgets' JupyterLab extension asks every notebook that opens for its kernel's id once the "
     "notebook's session is set up, and a notebook opened with no kernel has none (ipywidgets issue "
     "#3970, fixed by the open pull request #3971). It only fails to set up a widget manager for a "
     "notebook without a kernel; a reader who starts the kernel gets one."),
]


def allowed_page_error(error) -> bool:
    """Whether a page error is one of :data:`ALLOWED_PAGE_ERRORS` (message and origin both match)."""
    message, stack = getattr(error, "message", str(error)), getattr(error, "stack", "") or ""
    return any(re.search(text, message) and re.search(origin, stack)
               for text, origin, _ in ALLOWED_PAGE_ERRORS)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _require(reason: str):
    if os.environ.get("MLCOURSE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"MLCOURSE_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on 127.0.0.1 serving the repository's root; yields its base URL."""
    if CHROMIUM is None:
        _require("Chromium is not installed (apt-get install chromium)")
    if not JUPYTER.exists() or subprocess.run([str(JUPYTER), "lab", "--version"], capture_output=True,
                                              check=False).returncode != 0:
        _require("JupyterLab is not installed (pip install -r requirements.txt)")
    home = tmp_path_factory.mktemp("jupyterlab")
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # every cell in the page (no windowing), so that every Markdown cell is rendered and read
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    env = {**os.environ, "JUPYTERLAB_SETTINGS_DIR": str(home / "settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    env.pop("MPLBACKEND", None)
    port = _free_port()
    log = open(home / "server.log", "w")  # closed below
    server = subprocess.Popen(
        [str(JUPYTER), "lab", "--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", "--IdentityProvider.token=", "--ServerApp.password=",
         f"--ServerApp.root_dir={ROOT}", "--ServerApp.terminals_enabled=False",
         # opening a notebook makes a checkpoint: keep them out of the repository
         f"--FileCheckpoints.checkpoint_dir={home / 'checkpoints'}",
         "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=",
         # a notebook opens without a kernel, as "No Kernel": the test only reads the Markdown
         "--LabApp.notebook_starts_kernel=False",
         "--LabApp.extension_manager=readonly",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=log, stderr=subprocess.STDOUT, cwd=home)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not start:\n{(home / 'server.log').read_text()[-3000:]}")
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _expected_math(notebook: dict) -> int:
    return sum(len(math_in_markdown("".join(c["source"]))) for c in notebook["cells"]
               if c["cell_type"] == "markdown")


def test_every_reader_notebook_renders_cleanly_in_jupyterlab(lab, browser):
    paths = sorted(p for p in EDITION.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    assert paths, f"no notebooks under {EDITION}: run `python -m mlcourse.edition reader colab/book`"
    problems, typeset, blocked, folded_solutions = [], 0, [], 0
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        # nothing leaves the machine: every request to another host is refused and recorded
        page.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/]).*"),
                   lambda route: (blocked.append(route.request.url), route.abort()))
        errors = []
        page.on("pageerror", lambda err: None if allowed_page_error(err) else errors.append(str(err)))
        page.goto(f"{lab}/lab", wait_until="domcontentloaded")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started", timeout=90_000)
        page.evaluate("() => window.jupyterapp.started")
        page.wait_for_selector(".jp-LabShell", timeout=90_000)
        if errors:
            problems.append(f"page errors in JupyterLab before any notebook opened: {errors[:5]}")
        for path in paths:
            rel = path.relative_to(ROOT).as_posix()
            notebook = json.loads(path.read_text(encoding="utf-8"))
            expected = _expected_math(notebook)
            n_cells = sum(c["cell_type"] == "markdown" for c in notebook["cells"])
            fold = folded_by_headings(notebook)
            before = len(errors)
            seen = page.evaluate(OPEN_AND_READ, [rel, n_cells, expected, len(fold), 60_000])
            new_errors = errors[before:]
            reported = len(errors)
            if new_errors:
                problems.append(f"{rel} (or the notebook before it): page errors in JupyterLab: "
                                f"{new_errors[:5]}")
            typeset += seen["count"]
            solutions = {k for k, c in enumerate(notebook["cells"])
                         if "solution" in c["metadata"].get("tags", [])
                         and not c["metadata"].get(edition.FOLDED)}  # the heading stays in view
            folded_solutions += len(set(seen["hidden"]) & solutions)
            if set(seen["hidden"]) != solutions or fold != solutions:
                problems.append(f"{rel}: JupyterLab hides cells {sorted(seen['hidden'])}, the metadata "
                                f"folds {sorted(fold)}; the solutions' cells are {sorted(solutions)}")
            if seen["count"] < expected:
                problems.append(f"{rel}: {expected} formulas in the Markdown, {seen['count']} typeset")
            for cell in seen["cells"]:
                where = f"{rel} markdown cell {cell['index']}"
                if cell.get("missing"):
                    problems.append(f"{where}: not rendered")
                    continue
                for red in cell["red"]:
                    problems.append(f"{where}: MathJax shows {red!r} in red (undefined or an error)")
                for pattern, kind, what in RENDERED_MYST:
                    match = pattern.search(cell["html"] if kind == "html" else cell["text"])
                    if match:
                        problems.append(f"{where}: {what}: {match.group(0)!r}")
        page.wait_for_timeout(1000)  # an error of the last notebook, raised after it closed
        late = errors[reported:]
        if late:
            problems.append(f"page errors in JupyterLab after the last notebook: {late[:5]}")
        kernels = page.evaluate("async () => { const k = window.jupyterapp.serviceManager.kernels;"
                                " await k.refreshRunning(); return [...k.running()].length; }")
        if kernels:
            problems.append(f"opening the notebooks started {kernels} kernels (none is needed)")
    finally:
        page.close()
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
    assert not blocked, f"JupyterLab asked for other hosts: {sorted(set(blocked))[:10]}"
    assert typeset > 1000, f"only {typeset} formulas were typeset in all"
    assert folded_solutions > 300, f"only {folded_solutions} solution cells were folded in all"


def test_only_the_listed_page_error_is_allowed():
    """The allow-list matches the message and the code that raised it, never the message alone."""
    class Error:
        def __init__(self, message, stack):
            self.message, self.stack = message, stack

    message = "Cannot read properties of null (reading 'kernel')"
    widgets = "at ee (http://127.0.0.1:1/lab/extensions/@jupyter-widgets/jupyterlab-manager/static/160.js:2:9)"
    assert allowed_page_error(Error(message, f"TypeError: {message}\n    {widgets}"))
    assert not allowed_page_error(Error(message, "at x (http://127.0.0.1:1/static/lab/jlab_core.js:2:9)"))
    assert not allowed_page_error(Error("Cannot read properties of null (reading 'model')", widgets))
