"""Benchmarks: how fast the book runs, and how mlcourse compares with the libraries it teaches.

Usage (from the repository's root, in the environment of requirements.txt)::

    python benchmarks/run.py            # 3 repetitions of everything
    python benchmarks/run.py --repeat 1 # quicker, noisier

Writes ``benchmarks/RESULTS.md`` (a Markdown table) and ``benchmarks/results.json``. Every figure
is the median of several runs, next to a reference measured in the same run (a library doing the
same work, or the budget the book promises), with the machine and library versions stated.
These are measurements, not tests: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT_MD = ROOT / "benchmarks" / "RESULTS.md"
OUT_JSON = ROOT / "benchmarks" / "results.json"

#: budgets promised in the book (seconds, on two CPU cores)
NOTEBOOK_BUDGET_S = 60.0
IMPORT_BUDGET_S = 0.3
#: mlcourse.interactive.PAGE_BUDGET, the most one stand-in may add to a page (bytes)
PAGE_BUDGET_BYTES = 2_000_000


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    libs = {name: version(name) for name in ("numpy", "sympy", "matplotlib", "torch", "jupyter-book")}
    return {"cores": os.cpu_count(), "cpu": cpu, "python": platform.python_version(), **libs}


def median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def fresh_import_time(module: str, repeat: int) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        for _ in range(max(repeat, 5))
    ]
    return statistics.median(runs)


def notebook_time(path: Path, repeat: int) -> float:
    import nbformat
    from nbclient import NotebookClient

    def run():
        nb = nbformat.read(path, as_version=4)
        NotebookClient(nb, timeout=600, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()

    return median_time(run, repeat)


def kernels(repeat: int) -> list[dict]:
    """mlcourse's from-scratch code against the library that does the same work."""
    import numpy as np

    from mlcourse import linalg

    rng = np.random.default_rng(0)
    M6 = rng.normal(size=(6, 6))
    A, B = rng.normal(size=(2, 30, 30))
    F, V = rng.normal(size=(2, 2, 2))[0], rng.normal(size=(1000, 2))
    number = 20

    def per_call(fn):
        return median_time(lambda: [fn() for _ in range(number)], repeat) / number

    rows = [
        ("det_cofactor 6×6 vs numpy.linalg.det", per_call(lambda: linalg.det_cofactor(M6)),
         per_call(lambda: np.linalg.det(M6))),
        ("matmul 30×30 (loops of dot products) vs numpy @", per_call(lambda: linalg.matmul(A, B)),
         per_call(lambda: A @ B)),
        ("to_new_components, 1000 vectors vs numpy.linalg.solve",
         per_call(lambda: linalg.to_new_components(V, F)), per_call(lambda: np.linalg.solve(F, V.T).T)),
    ]
    return [{"what": w, "seconds": ours, "reference_seconds": ref, "ratio": ours / ref}
            for w, ours, ref in rows]


def optimizer_loop(repeat: int) -> dict:
    """mlcourse.optim.run against the same Adam trajectory as a torch.optim loop with autograd."""
    import numpy as np
    import torch

    from mlcourse import optim

    problem = optim.problems.rosenbrock()
    n_steps = 500

    def ours():
        optim.run(optim.adam(0.01), problem.grad, problem.start, n_steps)

    def theirs():
        p = torch.tensor(problem.start, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.Adam([p], lr=0.01)
        out = np.empty((n_steps + 1, 2))
        out[0] = problem.start
        for k in range(n_steps):
            opt.zero_grad()
            loss = (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2
            loss.backward()
            opt.step()
            out[k + 1] = p.detach().numpy()

    t_ours, t_theirs = median_time(ours, repeat), median_time(theirs, repeat)
    return {"what": f"optim.run(adam) vs torch.optim.Adam loop, Rosenbrock, {n_steps} steps",
            "seconds": t_ours, "reference_seconds": t_theirs, "ratio": t_ours / t_theirs,
            "budget": "at least 10× faster than torch (ratio ≤ 0.1)", "met": t_ours / t_theirs <= 0.1}


def neural_networks(repeat: int) -> list[dict]:
    """mlcourse.nn: one training epoch on digits; mlcourse.cnn.conv2d against torch (float64)."""
    import numpy as np
    import torch
    import torch.nn.functional as F

    from mlcourse import cnn, data, nn, optim

    d = data.digits()
    X, y = d.X[:1300], d.y[:1300]

    def numpy_epoch():
        r = np.random.default_rng(0)
        model = nn.Sequential(nn.Linear(64, 64, rng=r), nn.ReLU(), nn.Linear(64, 10, rng=r))
        nn.fit(model, nn.CrossEntropyLoss(), X, y, optim.adam(lr=1e-3), n_epochs=1, batch_size=64,
               rng=r)

    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)

    def torch_epoch():
        model = torch.nn.Sequential(
            torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)
        ).double()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        perm = torch.randperm(len(yt))
        for i in range(0, len(yt), 64):
            b = perm[i:i + 64]
            opt.zero_grad()
            F.cross_entropy(model(Xt[b]), yt[b]).backward()
            opt.step()

    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(64, 8, 16, 16)), rng.normal(size=(16, 8, 3, 3))
    xt, wt = torch.from_numpy(x), torch.from_numpy(w)
    rows = []
    for what, ours, theirs in [
        ("mlcourse.nn.fit, one epoch on 1300 digits (64-64-10 ReLU, batch 64, Adam) vs torch, float64",
         numpy_epoch, torch_epoch),
        ("mlcourse.cnn.conv2d (64, 8, 16, 16) * (16, 8, 3, 3), padding 1 vs torch.nn.functional.conv2d",
         lambda: cnn.conv2d(x, w, padding=1), lambda: F.conv2d(xt, wt, padding=1)),
    ]:
        t_ours, t_theirs = median_time(ours, repeat), median_time(theirs, repeat)
        rows.append({"what": what, "seconds": t_ours, "reference_seconds": t_theirs,
                     "ratio": t_ours / t_theirs})
    return rows


def playground_times(repeat: int) -> list[dict]:
    """The optimizer playground, per problem: recomputing every trajectory, and a slider drag."""
    import matplotlib
    import numpy as np

    matplotlib.use("Agg")
    from mlcourse.optim import playground, problems

    rows = []
    for name in problems.PROBLEMS:
        controls = playground.Controls.for_problem(name, n_steps=300)
        playground.trajectories(controls)
        ten = lambda c=controls: [playground.trajectories(c) for _ in range(10)]  # noqa: E731
        recompute = median_time(ten, repeat) / 10
        rows.append({"what": f"recompute all 5 trajectories, 300 steps: {name}", "seconds": recompute,
                     "budget": "under 16 ms (a 60 Hz frame)", "met": recompute < 0.016})
    for name in problems.PROBLEMS:
        box = playground.optimizer_playground(name, n_steps=300)
        lr = box.controls["lr"]
        start = lr.value

        def drag(lr=lr, start=start):
            # a reader dragging the learning-rate slider: 20 successive values, each recomputed,
            # redrawn and encoded as the PNG the widget shows (what the reader waits for)
            times = []
            for factor in np.geomspace(0.8, 1.25, 20):
                t0 = time.perf_counter()
                lr.value = start * factor
                times.append(time.perf_counter() - t0)
            lr.value = start
            return statistics.median(times)

        drag()  # the first drag fills the cache of still pixels
        seconds = statistics.median(drag() for _ in range(repeat))
        rows.append({"what": f"a slider step while dragging, to the new PNG (median of 20): {name}",
                     "seconds": seconds, "budget": "under 60 ms", "met": seconds < 0.060})
    return rows


def decomposition_times(repeat: int) -> list[dict]:
    """Our PCA against scikit-learn's; SimpleUMAP against umap-learn in fresh processes."""
    from sklearn.decomposition import PCA as SkPCA

    from mlcourse import data
    from mlcourse.decomposition import PCA

    X = data.digits().X
    rows = []
    ours = median_time(lambda: PCA(10).fit_transform(X), repeat)
    theirs = median_time(lambda: SkPCA(10).fit_transform(X), repeat)
    rows.append({"what": "PCA(10).fit_transform on digits (1797×64) vs scikit-learn", "seconds": ours,
                 "reference_seconds": theirs, "ratio": ours / theirs})
    code = (
        "import time, json; t = time.perf_counter()\n"
        "from sklearn.manifold import trustworthiness\n"
        "from mlcourse.data import digits; X = digits().X\n"
        "{make}\n"
        "Y = model.fit_transform(X); print(json.dumps([time.perf_counter() - t, "
        "trustworthiness(X, Y, n_neighbors=10)]))"
    )
    variants = {
        "SimpleUMAP": "from mlcourse.manifold import SimpleUMAP; "
        "model = SimpleUMAP(n_neighbors=15, min_dist=0.1, n_epochs=200, random_state=0)",
        "umap-learn": "import umap; "
        "model = umap.UMAP(n_neighbors=15, min_dist=0.1, n_epochs=200, random_state=0, n_jobs=1)",
    }
    fresh = {}
    for name, make in variants.items():
        runs = [json.loads(subprocess.run([sys.executable, "-c", code.format(make=make)], capture_output=True,
                                          text=True, check=True).stdout.strip().splitlines()[-1])
                for _ in range(max(1, min(repeat, 2)))]
        fresh[name] = (statistics.median(r[0] for r in runs), runs[0][1])
    rows.append({"what": "SimpleUMAP vs umap-learn on digits, fresh process (import + JIT + fit); "
                 f"trustworthiness {fresh['SimpleUMAP'][1]:.4f} vs {fresh['umap-learn'][1]:.4f}",
                 "seconds": fresh["SimpleUMAP"][0], "reference_seconds": fresh["umap-learn"][0],
                 "ratio": fresh["SimpleUMAP"][0] / fresh["umap-learn"][0]})
    return rows


def vae_time(repeat: int) -> dict:
    """The VAE of Part 4 trained as in its chapter: time, and the held-out -ELBO it reaches."""
    from mlcourse import data, vae

    d = data.digits()
    X_train, X_val = d.X[:1500], d.X[1500:]
    result = {}

    def train():
        model = vae.VAE(64, n_latent=2, n_hidden=128, seed=0)
        result["history"] = vae.train_vae(model, X_train, X_val=X_val, n_epochs=40, batch_size=128,
                                          lr=3e-3, seed=0, progress=False)

    seconds = median_time(train, repeat)
    return {"what": "VAE (2-D latent) trained on digits, 40 epochs as in the chapter", "seconds": seconds,
            "val_neg_elbo": float(result["history"].val_loss[-1])}


#: run first in the benchmark's kernel: time every web stand-in an interactive figure renders
_TIME_STAND_INS = """
import time as _time
import mlcourse.interactive as _interactive
_STAND_IN_SECONDS = []
def _timed(method):
    def wrapper(self, *args, **kwargs):
        start = _time.perf_counter()
        try:
            return method(self, *args, **kwargs)
        finally:
            _STAND_IN_SECONDS.append(_time.perf_counter() - start)
    return wrapper
_interactive.Explorer.html = _timed(_interactive.Explorer.html)
_interactive.Interactive.html = _timed(_interactive.Interactive.html)
"""
_REPORT_STAND_INS = "import json as _json; print(_json.dumps(_STAND_IN_SECONDS))"


def explorer_costs(repeat: int) -> list[dict]:
    """What the kernel-free interactive figures cost: build time and page weight, per notebook.

    Build time: the seconds a notebook's kernel spends drawing the precomputed frames of its web
    stand-ins (``Explorer.html`` and ``Interactive.html``, timed inside a fresh kernel running the
    whole notebook), median over ``repeat`` runs. Page weight: the built page
    (``_build/html/<page>.html``, when the book is built) and the part of it that is frames
    (base64 images inside ``mlc-explorer`` stand-ins).
    """
    import re

    import nbformat
    from nbclient import NotebookClient

    found = []
    for path in sorted((ROOT / "book").rglob("*.ipynb")):
        text = path.read_text(encoding="utf-8")
        interactive = re.search(r"explore\(|Interactive\(|_explorer\(|glue_figure\(", text)
        if ".ipynb_checkpoints" in path.parts or not interactive:
            continue
        runs = []
        for _ in range(repeat):
            nb = nbformat.read(path, as_version=4)
            first = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
            # after the setup cell (which may install mlcourse), before everything else
            nb.cells.insert(first + 1, nbformat.v4.new_code_cell(_TIME_STAND_INS))
            nb.cells.append(nbformat.v4.new_code_cell(_REPORT_STAND_INS))
            start = time.perf_counter()
            NotebookClient(nb, timeout=600, kernel_name="python3",
                           resources={"metadata": {"path": str(path.parent)}}).execute()
            total = time.perf_counter() - start
            printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
            stand_ins = json.loads(printed.strip().splitlines()[-1])
            runs.append((sum(stand_ins), len(stand_ins), total))
        rel = path.relative_to(ROOT).with_suffix(".html")  # pages keep the book/ folder
        page = ROOT / "_build" / "html" / rel
        html = page.read_text(encoding="utf-8") if page.exists() else None
        # the page's figures are image files; what is inline base64 is the stand-ins' frames
        frames = None if html is None else sum(map(len, re.findall(r"[A-Za-z0-9+/=]{1000,}", html)))
        found.append({
            "notebook": str(path.relative_to(ROOT)),
            "stand_ins": runs[0][1],
            "stand_in_seconds": statistics.median(r[0] for r in runs),
            "notebook_seconds": statistics.median(r[2] for r in runs),
            "page_bytes": len(html.encode()) if html is not None else None,
            "frame_bytes": frames,
        })
        print(f"{path.relative_to(ROOT)}: stand-ins {found[-1]['stand_in_seconds']:.1f} s", flush=True)
    return found


def book_build_times(repeat: int) -> dict:
    """Cold build (empty _build, every notebook executed) in a scratch copy, then warm rebuilds."""
    import shutil
    import tempfile

    scratch = Path(tempfile.mkdtemp(prefix="mlcourse-bench-"))
    try:
        for item in ("_config.yml", "_toc.yml", "book", "_ext", "_vendor"):
            src = ROOT / item
            if src.is_dir():
                shutil.copytree(src, scratch / item)
            elif src.exists():
                shutil.copy(src, scratch / item)
        exe = Path(sys.executable).with_name("jupyter-book")
        env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}

        failed = []

        def build():  # a build that ends in warnings (-W) has still executed and written everything
            done = subprocess.run([str(exe), "build", ".", "-W", "-n", "--keep-going"], cwd=scratch, env=env,
                                  capture_output=True, text=True)
            if done.returncode:
                failed.append(done.stdout[-2000:])

        # the README's build: _ext/parallel_execution.py executes the notebooks over every core
        cold = median_time(build, 1)
        warm = median_time(build, repeat)
        # the same cold build with Jupyter Book's own execution, one notebook at a time
        shutil.rmtree(scratch / "_build")
        env["MLCOURSE_SERIAL_EXECUTION"] = "1"
        cold_serial = median_time(build, 1)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"cold_s": cold, "warm_s": warm, "warm_budget_s": 60.0, "cold_serial_s": cold_serial,
            "cores": os.cpu_count(), "failed": bool(failed)}


#: the README's test command (after its `pip install`), and the unit tests alone
SUITE = [
    ("the README's test command: `python -m pytest -n auto` (book built by the README's first command)",
     ["-n", "auto"]),
    ("unit tests only, in parallel: `pytest -n auto -m \"not book and not notebooks\"`",
     ["-n", "auto", "-m", "not book and not notebooks"]),
]


def suite_times(repeat: int) -> list[dict]:
    """Wall-clock time of the test suite, as a contributor runs it (once each: this takes minutes)."""
    import re

    cached = (ROOT / "_build" / ".jupyter_cache").exists()  # the README's first command ran before
    # the README's first command prints no PDF: without one, the test command prints it (1.5 minutes)
    pdf_before = (ROOT / "_build" / "pdf" / "book.pdf").exists()
    rows = []
    for what, args in SUITE:
        start = time.perf_counter()
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]
        done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - start
        tail = [line for line in done.stdout.splitlines() if re.search(r"\d+ (passed|failed)", line)]
        outcome = tail[-1].strip("= ") if tail else done.stdout[-300:]
        rows.append({"what": what, "seconds": seconds, "returncode": done.returncode, "book_cached": cached,
                     "pdf_before": pdf_before, "outcome": outcome})
        pdf_before = True  # (printed by this run if it was not there)
        print(f"{what}: {seconds:.0f} s, {rows[-1]['outcome']}", flush=True)
        results = json.loads(OUT_JSON.read_text())  # keep each row as soon as it is measured
        results["suite"] = rows
        OUT_JSON.write_text(json.dumps(results, indent=2) + "\n")
        OUT_MD.write_text(render(results))
    return rows


def parse_ci_log(text: str) -> dict:
    """The total and the per-step laps that ``.ci/run`` prints at its end."""
    import re

    total = re.search(r"== CI finished in (\d+) s", text)
    if total is None:
        raise ValueError("the log holds no '== CI finished in N s' line: .ci/run did not finish")
    tail = text[total.end():]
    laps = [{"step": m.group(1), "seconds": int(m.group(2))}
            for m in re.finditer(r"^ {3}(.+): (\d+) s$", tail, re.M)]
    return {"total_s": int(total.group(1)), "laps": laps}


def ci_times(repeat: int, log: str | None = None, commit: str | None = None) -> dict:
    """``.ci/run`` on a clean clone of this repository's HEAD, with ``../shared`` beside it, as CI
    runs it (about 20 minutes); or, with ``log``, the laps of such a run's printed log."""
    import re
    import tempfile

    if log is not None:
        text = Path(log).read_text(encoding="utf-8")
        printed = re.search(r"^== commit (\w+)", text, re.M)  # .ci/run prints what it tests
        return {**parse_ci_log(text), "commit": commit or (printed.group(1) if printed else "unknown"),
                "source": "log"}
    with tempfile.TemporaryDirectory(prefix="mlcourse-ci-") as tmp:
        clone = Path(tmp) / "main"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        (Path(tmp) / "shared").symlink_to(ROOT.parent / "shared")
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=clone, capture_output=True,
                                text=True, check=True).stdout.strip()
        done = subprocess.run(["bash", ".ci/run"], cwd=clone, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f".ci/run failed on a clean clone of {commit}:\n{done.stdout[-3000:]}")
    return {**parse_ci_log(done.stdout), "commit": commit, "source": "clean clone"}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median is reported)")
    parser.add_argument("--no-build", action="store_true", help="skip the (slow) cold and warm book builds")
    sections = ["playground", "library", "vae", "optimizer_loop", "explorers", "build", "suite", "ci"]
    parser.add_argument("--only", choices=sections,
                        help="re-measure one section and merge it into the existing results.json "
                        "(suite: the test command, several minutes; ci: .ci/run on a clean clone, about "
                        "20 minutes; neither is part of a full run)")
    parser.add_argument("--ci-log", help="with --only ci: read the laps from this log of .ci/run on a "
                        "clean clone instead of running it")
    parser.add_argument("--ci-commit", help="with --ci-log: the commit that run tested (when its log does "
                        "not say)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error(f"--repeat must be >= 1; got {args.repeat}")
    os.environ.setdefault("MPLBACKEND", "Agg")

    if args.only:
        results = json.loads(OUT_JSON.read_text())
        results[args.only] = {
            "playground": playground_times,
            "library": lambda r: neural_networks(r) + decomposition_times(r),
            "vae": vae_time,
            "optimizer_loop": optimizer_loop,
            "explorers": explorer_costs,
            "build": book_build_times,
            "suite": suite_times,
            "ci": lambda r: ci_times(r, args.ci_log, args.ci_commit),
        }[args.only](args.repeat)
        OUT_JSON.write_text(json.dumps(results, indent=2) + "\n")
        OUT_MD.write_text(render(results))
        print(render(results))
        return 0

    results = {"machine": machine(), "repeat": args.repeat, "notebooks": [], "kernels": []}
    numpy_import = fresh_import_time("numpy", args.repeat)
    ours_import = fresh_import_time("mlcourse", args.repeat)
    linalg_import = fresh_import_time("mlcourse.linalg", args.repeat)
    results["import"] = {"mlcourse_s": ours_import, "mlcourse_linalg_s": linalg_import,
                         "numpy_s": numpy_import, "budget_s": IMPORT_BUDGET_S}
    for path in sorted((ROOT / "book").rglob("*.ipynb")):
        if ".ipynb_checkpoints" in path.parts:
            continue
        seconds = notebook_time(path, args.repeat)
        results["notebooks"].append({"notebook": str(path.relative_to(ROOT)), "seconds": seconds})
        print(f"{path.relative_to(ROOT)}: {seconds:.1f} s", flush=True)
    results["kernels"] = kernels(args.repeat)
    results["optimizer_loop"] = optimizer_loop(args.repeat)
    results["library"] = neural_networks(args.repeat) + decomposition_times(args.repeat)
    results["playground"] = playground_times(args.repeat)
    results["vae"] = vae_time(args.repeat)
    results["explorers"] = explorer_costs(args.repeat)
    results["build"] = None if args.no_build else book_build_times(args.repeat)

    OUT_JSON.write_text(json.dumps(results, indent=2) + "\n")
    OUT_MD.write_text(render(results))
    print(render(results))
    return 0


def yes_no(met: bool) -> str:
    return "yes" if met else "**no**"


def render(r: dict) -> str:
    m = r["machine"]
    nb = r["notebooks"]
    total = sum(n["seconds"] for n in nb)
    slowest = max(nb, key=lambda n: n["seconds"]) if nb else None
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {m['cores']} cores, {m['cpu']}; Python {m['python']}, numpy {m['numpy']}, "
        f"sympy {m['sympy']}, matplotlib {m['matplotlib']}, torch {m['torch']}, "
        f"jupyter-book {m['jupyter-book']}. Median of {r['repeat']} runs "
        "(import times: median of at least 5 fresh processes).",
        "",
        "Produced by `python benchmarks/run.py`; do not edit by hand.",
        "",
        "## Notebooks (fresh kernel, top to bottom)",
        "",
        "| notebook | seconds | budget (s) | share of budget | met |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for n in nb:
        met = "yes" if n["seconds"] < NOTEBOOK_BUDGET_S else "**no**"
        lines.append(f"| `{n['notebook']}` | {n['seconds']:.1f} | {NOTEBOOK_BUDGET_S:.0f} | "
                     f"{n['seconds'] / NOTEBOOK_BUDGET_S:.0%} | {met} |")
    if slowest:
        median = statistics.median(n["seconds"] for n in nb)
        lines += ["", f"Total: {total:.1f} s over {len(nb)} notebooks (budget 480 s: "
                  f"{'met' if total < 480 else '**missed**'}); median {median:.1f} s (budget 20 s: "
                  f"{'met' if median < 20 else '**missed**'}); slowest `{slowest['notebook']}` "
                  f"({slowest['seconds']:.1f} s)."]
    imp = r["import"]
    lines += [
        "",
        "## Import",
        "",
        "| what | seconds | reference | ratio |",
        "| --- | ---: | ---: | ---: |",
        f"| `import mlcourse` (fresh process; budget {imp['budget_s']} s) | {imp['mlcourse_s']:.3f} | "
        f"`import numpy`: {imp['numpy_s']:.3f} | {imp['mlcourse_s'] / imp['numpy_s']:.2f} |",
        f"| `import mlcourse.linalg` (pulls in numpy) | {imp['mlcourse_linalg_s']:.3f} | "
        f"`import numpy`: {imp['numpy_s']:.3f} | {imp['mlcourse_linalg_s'] / imp['numpy_s']:.2f} |",
        "",
        "## From-scratch code against its reference (seconds per call)",
        "",
        "| what | mlcourse | reference | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for k in r["kernels"]:
        lines.append(
            f"| {k['what']} | {k['seconds']:.2e} | {k['reference_seconds']:.2e} | {k['ratio']:.0f}× |"
        )
    loop = r["optimizer_loop"]
    lines += [
        "",
        "## Optimizer loop",
        "",
        "| what | mlcourse (s) | torch (s) | ratio | budget | met |",
        "| --- | ---: | ---: | ---: | --- | --- |",
        f"| {loop['what']} | {loop['seconds']:.4f} | {loop['reference_seconds']:.4f} | {loop['ratio']:.3f} | "
        f"{loop['budget']} | {'yes' if loop['met'] else '**no**'} |",
    ]
    lines += ["", "## Packages against their libraries (seconds)", "",
              "| what | mlcourse | reference | ratio |", "| --- | ---: | ---: | ---: |"]
    for k in r["library"]:
        lines.append(
            f"| {k['what']} | {k['seconds']:.3g} | {k['reference_seconds']:.3g} | {k['ratio']:.2f} |"
        )
    lines += ["", "## The optimizer playground", "", "| what | time | budget | met |",
              "| --- | ---: | --- | --- |"]
    for k in r["playground"]:
        met = "-" if k["met"] is None else yes_no(k["met"])
        lines.append(f"| {k['what']} | {1e3 * k['seconds']:.1f} ms | {k['budget']} | {met} |")
    v = r["vae"]
    lines += ["", "## VAE", "", "| what | seconds | held-out -ELBO per image |", "| --- | ---: | ---: |",
              f"| {v['what']} | {v['seconds']:.1f} | {v['val_neg_elbo']:.2f} |"]
    explorers = r.get("explorers")
    if explorers:
        lines += ["", "## Interactive figures in the web book (kernel-free stand-ins)", "",
                  "Build time: seconds the notebook's kernel spends drawing the stand-ins' frames "
                  "(part of the notebook's run). Page weight: the built page, and how much of it is "
                  f"frames (budget per stand-in: {PAGE_BUDGET_BYTES / 1e6:.0f} MB).", "",
                  "| notebook | stand-ins | frames drawn in (s) | notebook run (s) | page (kB) "
                  "| of which frames (kB) |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for e in explorers:
            page = "-" if e["page_bytes"] is None else f"{e['page_bytes'] / 1e3:.0f}"
            frames = "-" if e["frame_bytes"] is None else f"{e['frame_bytes'] / 1e3:.0f}"
            lines.append(f"| `{e['notebook']}` | {e['stand_ins']} | {e['stand_in_seconds']:.1f} | "
                         f"{e['notebook_seconds']:.1f} | {page} | {frames} |")
    build = r.get("build")
    if build:
        lines += [
            "",
            "## Book build",
            "",
            "| what | seconds | budget | met |",
            "| --- | ---: | --- | --- |",
            f"| cold (empty cache: every notebook executed over {build['cores']} cores by "
            f"`_ext/parallel_execution.py`) | {build['cold_s']:.0f} | - | - |",
            *([f"| cold, one notebook at a time (Jupyter Book alone: `MLCOURSE_SERIAL_EXECUTION=1`) | "
               f"{build['cold_serial_s']:.0f} | - | - |"] if "cold_serial_s" in build else []),
            f"| warm (cache, nothing changed) | {build['warm_s']:.1f} | "
            f"under {build['warm_budget_s']:.0f} s | {yes_no(build['warm_s'] < build['warm_budget_s'])} |",
        ]
        if build.get("failed"):
            lines += ["", "(These builds ended with warnings, which `-W` turns into a failure; they executed "
                      "every notebook and wrote every page all the same.)"]
    suite = r.get("suite")
    if suite:
        lines += [
            "",
            "## Test suite",
            "",
            f"Wall-clock seconds on the machine above ({m['cores']} cores), one run each; the book's "
            "execution cache " + ("was" if suite[0].get("book_cached") else "was **not**") + " there before "
            "(the README's first command builds it); the PDF edition "
            + ("was there already" if suite[0].get("pdf_before", True)
               else "was not, so the first run printed it")
            + ".",
            "",
            "| what | seconds | outcome |",
            "| --- | ---: | --- |",
        ]
        lines += [f"| {k['what']} | {k['seconds']:.0f} | {k['outcome']} |" for k in suite]
    ci = r.get("ci")
    if ci:
        lines += [
            "",
            "## CI (`.ci/run`)",
            "",
            f"`.ci/run` on a clean clone (commit {ci['commit']}), with `../shared` beside it, on the machine "
            f"above: **{ci['total_s']} s** in all ({ci['total_s'] / 60:.1f} minutes).",
            "",
            "| step | seconds |",
            "| --- | ---: |",
        ]
        lines += [f"| {lap['step']} | {lap['seconds']} |" for lap in ci["laps"]]
    lines += ["", "The linear-algebra functions are written for reading, not speed (a loop of dot products, "
              "an n! recursion); the ratios show what that costs against numpy's compiled routines.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
