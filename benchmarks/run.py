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

        def build():
            subprocess.run([str(exe), "build", ".", "-W", "-n", "--keep-going"], cwd=scratch, env=env,
                           check=True, capture_output=True)

        cold = median_time(build, 1)
        warm = median_time(build, repeat)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return {"cold_s": cold, "warm_s": warm, "warm_budget_s": 60.0}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (median is reported)")
    parser.add_argument("--no-build", action="store_true", help="skip the (slow) cold and warm book builds")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error(f"--repeat must be >= 1; got {args.repeat}")
    os.environ.setdefault("MPLBACKEND", "Agg")

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
    build = r.get("build")
    if build:
        lines += [
            "",
            "## Book build",
            "",
            "| what | seconds | budget | met |",
            "| --- | ---: | --- | --- |",
            f"| cold (empty cache: every notebook executed) | {build['cold_s']:.0f} | - | - |",
            f"| warm (cache, nothing changed) | {build['warm_s']:.1f} | "
            f"under {build['warm_budget_s']:.0f} s | {yes_no(build['warm_s'] < build['warm_budget_s'])} |",
        ]
    lines += ["", "The linear-algebra functions are written for reading, not speed (a loop of dot products, "
              "an n! recursion); the ratios show what that costs against numpy's compiled routines.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
