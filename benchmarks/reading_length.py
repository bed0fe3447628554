"""How long each chapter is to read, and how much of it is prose and figures (issue 16).

Opens every chapter of a built book in Chromium at 1280 px (as tests/test_browser.py does, offline)
and measures, after MathJax has typeset:

* the page's height in pixels (the article, from the chapter's title to its end);
* the height of each kind of block: prose (paragraphs, lists, headings, equations, tables,
  admonitions' text), figures (images, animations, widgets), code (cell inputs that are shown, not
  folded away) and text output (the verdicts and printed numbers);
* the share of the page that is prose and figures;
* the bytes of the page's images (the page weight that figures add).

Usage (from the repository's root)::

    python benchmarks/reading_length.py                      # the book in _build/html
    python benchmarks/reading_length.py --html /tmp/before/_build/html --out before.json
    python benchmarks/reading_length.py --compare before.json after.json   # a Markdown table
    python benchmarks/reading_length.py --unfold --out unfolded.json       # check cells' code open

A measurement, not a test: nothing fails.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import shutil
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

MEASURE_JS = r"""() => {
    const art = document.querySelector('article.bd-article');
    const kinds = {prose: 0, figures: 0, code: 0, output: 0};
    const seen = new Set();
    const shown = e => { const r = e.getBoundingClientRect(); return r.height > 0 && r.width > 0; };
    const add = (kind, e) => {
        for (let n = e.parentElement; n; n = n.parentElement) if (seen.has(n)) return;  // counted
        if (!shown(e)) return;
        seen.add(e);
        kinds[kind] += e.getBoundingClientRect().height;
    };
    // order matters: an element counted once, by the first rule that takes it
    art.querySelectorAll('.cell_output img, .cell_output .animation, .cell_output .jupyter-widgets, '
                         + 'figure, .cell_output svg').forEach(e => add('figures', e));
    art.querySelectorAll('.cell_input').forEach(e => add('code', e));
    art.querySelectorAll('details.hide > summary').forEach(e => add('code', e));  // folded code: its toggle
    art.querySelectorAll('.cell_output .output, .cell_output pre').forEach(e => add('output', e));
    art.querySelectorAll('p, li, h1, h2, h3, h4, div.math, table, dl, blockquote, .admonition-title')
        .forEach(e => { if (!e.closest('.cell_input, .cell_output')) add('prose', e); });
    let bytes = 0;
    for (const img of art.querySelectorAll('img')) {
        const src = img.getAttribute('src') || '';
        if (src.startsWith('data:')) bytes += Math.round(src.length * 3 / 4);
        else {
            const entry = performance.getEntriesByName(img.src)[0];
            if (entry) bytes += entry.encodedBodySize || entry.transferSize || 0;
        }
    }
    return {height: art.getBoundingClientRect().height, ...kinds, image_bytes: bytes};
}"""


def measure(html: Path, width: int = 1280, *, unfold: bool = False) -> dict:
    from book_helpers import toc_entries
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("Chromium is not installed (apt-get install chromium)")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    chapters = [e for e in toc_entries() if (ROOT / f"{e}.ipynb").exists()]
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for entry in chapters:
            context = browser.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            page.route("**/*", lambda route: route.continue_()
                       if route.request.url.startswith((base, "data:")) else route.abort())
            page.goto(f"{base}/{entry}.html", wait_until="load")
            page.wait_for_load_state("networkidle")
            page.evaluate("() => (window.MathJax && MathJax.startup && MathJax.startup.promise) "
                          "? MathJax.startup.promise.then(() => true) : true")
            if unfold:  # what the page would be without folding the checks' code away
                page.evaluate("() => document.querySelectorAll('.tag_hide-input details')"
                              ".forEach(d => { d.open = true; })")
            r = page.evaluate(MEASURE_JS)
            r["prose_and_figures"] = (r["prose"] + r["figures"]) / r["height"]
            results[entry] = {k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()}
            context.close()
            print(f"{entry}: {r['height']:.0f} px, prose+figures {r['prose_and_figures']:.0%}", flush=True)
        browser.close()
    server.shutdown()
    return results


def compare(before: dict, after: dict) -> str:
    rows = ["| chapter | height before (px) | after | change | prose+figures before | after | "
            "image KB before | after |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    total_b = total_a = 0.0
    for entry in after:
        a, b = after[entry], before.get(entry)
        if b is None:
            continue
        total_b += b["height"]
        total_a += a["height"]
        rows.append(f"| {entry.split('/')[-1]} | {b['height']:.0f} | {a['height']:.0f} | "
                    f"{a['height'] / b['height'] - 1:+.0%} | {b['prose_and_figures']:.0%} | "
                    f"{a['prose_and_figures']:.0%} | {b['image_bytes'] / 1e3:.0f} | "
                    f"{a['image_bytes'] / 1e3:.0f} |")
    change = total_a / total_b - 1
    rows.append(f"| **all chapters** | {total_b:.0f} | {total_a:.0f} | {change:+.0%} | | | | |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html", help="the built book")
    parser.add_argument("--out", type=Path, default=None, help="write the measurements (JSON) here")
    parser.add_argument("--unfold", action="store_true",
                        help="open the folded check cells first (to measure what folding saves)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"),
                        help="print a Markdown table comparing two measurement files")
    args = parser.parse_args(argv)
    if args.compare:
        before, after = (json.loads(p.read_text()) for p in args.compare)
        print(compare(before, after))
        return 0
    results = measure(args.html, unfold=args.unfold)
    if args.out:
        args.out.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
