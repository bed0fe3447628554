"""Build the PDF edition of the book: ``_build/pdf/book.pdf``, from the same sources as the web book.

Usage (from the repository root)::

    python tools/build_pdf.py                       # -> _build/pdf/book.pdf
    python tools/build_pdf.py --path-output /tmp/x  # -> /tmp/x/_build/pdf/book.pdf

1. ``jupyter-book build . --builder singlehtml``: the whole book as one HTML page. It shares the
   web book's execution cache (``_build/.jupyter_cache``) and parsed pages (``_build/.doctrees``),
   so after ``jupyter-book build .`` nothing is executed or read again, only written.
   (``_ext/print_edition.py`` makes the single-page builder work and load MathJax.)
2. Debian's Chromium, driven by Playwright (never a downloaded browser), opens that page from a
   local server (nothing else is reachable), waits until MathJax has typeset every formula, and
   rearranges it for print (:data:`PREPARE`): a title page and a table of contents; parts,
   chapters and sections as the headings that the bookmarks follow; the hidden setup cells and the
   folded code of the checks left out (their verdicts stay); every exercise's solution moved to a
   "Solutions" section at the end of its chapter, with a link from the exercise; each interactive
   figure reduced to one representative frame, with a caption naming the settings shown and where
   the live version is; display equations and tables wider than the column set smaller to fit.
   ``_ext/static/print.css`` lays it out on A4: code wraps at the margin instead of being cut off,
   figures keep their full resolution.
3. The page is checked before it is printed (:data:`CHECK`): no raw TeX and no MathJax error, no
   control left, no solution among the exercises, every image loaded, nothing wider than the
   column, every page of ``_toc.yml`` present. A failed check stops the build and says where.
4. Chromium prints it to PDF with bookmarks (from the headings), tags (an accessible PDF) and page
   numbers; the bookmarks are then named exactly after the headings (:func:`mend_outline`).

tests/test_pdf.py checks the PDF that comes out.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import io
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
PRINT_CSS = ROOT / "_ext" / "static" / "print.css"

sys.path.insert(0, str(ROOT / "tests"))
from book_helpers import CHROMIUM, CHROMIUM_ARGS  # noqa: E402  (the one place that names the browser)

#: A4 with these margins; the page's layout width is measured at the same width as the paper's column
MARGIN_MM = {"top": 16, "bottom": 18, "left": 17, "right": 17}
COLUMN_PX = round((210 - MARGIN_MM["left"] - MARGIN_MM["right"]) / 25.4 * 96)


def book_plan(root: Path = ROOT) -> dict:
    """What the print script needs from ``_config.yml`` and ``_toc.yml``: title, parts, chapters."""
    config = yaml.safe_load((root / "_config.yml").read_text())
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    repo = config.get("repository", {})
    launch = config.get("launch_buttons", {})
    github = repo.get("url", "").removeprefix("https://github.com/").strip("/")
    colab = launch.get("colab_url", "").rstrip("/")

    def live(doc: str) -> dict:
        """Where a chapter's interactive figures are live: the web book's page and Colab."""
        places = {"html": f"{doc}.html"}
        if colab and github and (root / f"{doc}.ipynb").exists():
            path = "/".join(filter(None, [repo.get("path_to_book", "").strip("/"), f"{doc}.ipynb"]))
            places["colab"] = f"{colab}/github/{github}/blob/{repo.get('branch', 'main')}/{path}"
        return places

    parts = []
    for part in toc["parts"]:
        chapters = [{"doc": ch["file"], "live": live(ch["file"]),
                     "sections": [{"doc": sub["file"], "live": live(sub["file"])}
                                  for sub in ch.get("sections", [])]}
                    for ch in part["chapters"]]
        parts.append({"caption": part.get("caption", ""), "chapters": chapters})
    return {"title": config.get("title", ""), "author": config.get("author", ""),
            "copyright": str(config.get("copyright", "")), "root": toc["root"], "parts": parts}


# The print preparation, run in the page once MathJax has finished (its numbered steps are those of
# item 2 at the top of this file). It returns what it did, and the headings for mend_outline().
PREPARE = r"""
(plan) => {
  const article = document.querySelector("article.bd-article");
  const rootSection = article.querySelector("section");
  const found = {missing: [], chapters: [], solutionsMoved: 0, explorers: 0, animations: 0};
  const make = (tag, attrs = {}, text = "") => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text) e.textContent = text;
    return e;
  };
  const sectionOf = (doc) => {
    const marker = document.getElementById("document-" + doc);
    const next = marker && marker.nextElementSibling;
    return next && next.tagName === "SECTION" ? next : null;
  };
  const titleText = (section) => {
    const h = section.querySelector("h1, h2, h3, h4, h5, h6");
    return h ? [...h.childNodes].filter((n) => !(n.classList && n.classList.contains("headerlink")))
      .map((n) => n.textContent).join("").replace(/\s+/g, " ").trim() : "";
  };
  const retag = (el, tag) => {
    if (el.tagName === tag.toUpperCase()) return;
    const copy = document.createElement(tag);
    for (const a of el.attributes) copy.setAttribute(a.name, a.value);
    while (el.firstChild) copy.appendChild(el.firstChild);
    el.replaceWith(copy);
  };
  // heading levels by nesting: the heading of section `root` gets level `base`, one more per section
  const relevel = (root, base) => {
    for (const h of [...root.querySelectorAll("h1, h2, h3, h4, h5, h6")]) {
      let depth = 0;
      for (let e = h.parentElement; e && e !== root; e = e.parentElement) {
        if (e.tagName === "SECTION") depth++;
      }
      retag(h, "h" + Math.min(6, base + depth));
    }
  };

  // 0. Only the book's text: the header, sidebars, dialogs and footer of the web page go (their
  //    headings would otherwise enter the PDF's bookmarks).
  for (let e = article; e.parentElement && e !== document.body; e = e.parentElement) {
    for (const sibling of [...e.parentElement.children]) {
      if (sibling !== e && sibling.tagName !== "SCRIPT") sibling.remove();
    }
  }

  // 1. Left out: the hidden setup cells and the folded code of the checks (their verdicts stay);
  //    what the web page folds is opened.
  document.querySelectorAll("div.cell.tag_hide-cell").forEach((c) => c.remove());
  document.querySelectorAll("div.cell.tag_hide-input details.hide").forEach((d) => d.remove());
  document.querySelectorAll("details").forEach((d) => d.setAttribute("open", ""));
  document.querySelectorAll(".toggle-hidden").forEach((e) => e.classList.remove("toggle-hidden"));
  document.querySelectorAll(".dropdown").forEach((e) => e.classList.remove("dropdown", "toggle"));

  // 2. Interactive figures (mlcourse's explorers, the optimizer playground, matplotlib's
  //    animations): one frame, and a caption naming the settings it shows and where the live one is.
  const liveOf = {};
  for (const part of plan.parts) for (const ch of part.chapters) {
    liveOf[ch.doc] = ch.live;
    for (const s of ch.sections) liveOf[s.doc] = s.live;
  }
  const docOf = (el) => {
    for (let s = el.closest("section"); s; s = s.parentElement && s.parentElement.closest("section")) {
      const prev = s.previousElementSibling;
      if (prev && prev.id && prev.id.startsWith("document-")) return prev.id.slice("document-".length);
    }
    return plan.root;
  };
  const whereLive = (el) => {
    const doc = docOf(el);
    const live = liveOf[doc] || {html: doc + ".html"};
    const s = sectionOf(doc);
    let text = `in the web edition of the book, on the page ${live.html}` + (s ? ` (${titleText(s)})` : "");
    if (live.colab) text += `, and in the chapter's notebook on Colab: ${live.colab}`;
    return text;
  };
  const controlValue = (standIn, control) => {
    if (control.tagName === "SELECT") return control.options[control.selectedIndex].text;
    const out = standIn.querySelector(`output[for="${control.id}"]`);
    if (out && out.textContent.trim()) return out.textContent.trim();
    const next = control.nextElementSibling;
    if (next && next.tagName === "SPAN" && next.textContent.trim()) return next.textContent.trim();
    return control.value;
  };
  const standIns = "div.mlc-explorer, div[id^='mlc-explorer-'], div.animation";
  for (const standIn of document.querySelectorAll(standIns)) {
    let what;
    if (standIn.classList.contains("animation")) {  // its last frame: the picture it builds up
      const slider = standIn.querySelector("input[type=range]");
      const frames = slider ? Number(slider.max) + 1 : 0;
      if (slider) {
        slider.value = slider.max;
        slider.dispatchEvent(new Event("input", {bubbles: true}));
      }
      what = `Animation, printed at its last frame${frames ? ` (frame ${frames} of ${frames})` : ""}. ` +
             "The animated version is ";
      found.animations++;
    } else {
      const shown = [...standIn.querySelectorAll("label[for]")].map((label) => {
        const control = document.getElementById(label.getAttribute("for"));
        return control ? `${label.textContent.trim()} = ${controlValue(standIn, control)}` : "";
      }).filter(Boolean);
      what = `Interactive figure, printed at one setting of its controls (${shown.join("; ")}). ` +
             "The live version, with its controls, is ";
      found.explorers++;
    }
    // the controls go, with whatever holds them inside the stand-in (but never the picture)
    const holders = new Set();
    const controls = "input, select, button, textarea, output, label, form, script";
    for (const c of standIn.querySelectorAll(controls)) {
      let e = c;
      while (e.parentElement && e.parentElement !== standIn) e = e.parentElement;
      holders.add(e.matches("img, svg, canvas") || e.querySelector("img, svg, canvas") ? c : e);
    }
    holders.forEach((e) => e.remove());
    standIn.appendChild(make("p", {class: "mlc-print-caption"}, what + whereLive(standIn) + "."));
  }
  // what else the web page adds for the screen: copy buttons and the like
  article.querySelectorAll("button").forEach((b) => b.remove());

  // 3. Solutions: out of the exercises' way, into a "Solutions" section at the chapter's end, with
  //    a link from each exercise to its solution.
  const moveSolutions = (chapter) => {
    const solutions = [...chapter.querySelectorAll("div.solution")];
    if (!solutions.length) return 0;
    const section = make("section", {class: "mlc-solutions", id: "solutions-" + chapter.id});
    section.appendChild(make("h3", {}, "Solutions"));
    for (const sol of solutions) {
      const target = sol.querySelector(".admonition-title a[href*='#']");
      const id = target && decodeURIComponent(target.getAttribute("href").split("#")[1]);
      const exercise = id && chapter.querySelector("#" + CSS.escape(id));  // (not yet in the document)
      if (exercise && sol.id) {
        const link = make("p", {class: "mlc-solution-link"});
        link.appendChild(make("a", {href: "#" + sol.id}, "Solution at the end of the chapter"));
        exercise.appendChild(link);
      }
      section.appendChild(sol);
    }
    chapter.appendChild(section);
    return solutions.length;
  };

  // 4. The book's structure: a title page, the contents, the front matter, then each part's
  //    heading with its chapters (the bookmarks follow the headings: part, chapter, section).
  const book = make("div", {class: "mlc-print"});
  const titlePage = make("div", {class: "mlc-title-page"});
  titlePage.appendChild(make("p", {class: "mlc-book-title"}, plan.title));
  if (plan.author) titlePage.appendChild(make("p", {}, plan.author));
  titlePage.appendChild(make("p", {}, "Print edition" + (plan.copyright ? `, © ${plan.copyright}` : "")));
  book.appendChild(titlePage);
  const contents = make("nav", {class: "mlc-contents", "aria-label": "Contents"});
  contents.appendChild(make("h1", {id: "mlc-contents"}, "Contents"));
  const contentsList = make("ol");
  contents.appendChild(contentsList);
  book.appendChild(contents);
  const entry = (list, section) => {
    const li = make("li");
    li.appendChild(make("a", {href: "#" + section.id}, titleText(section)));
    list.appendChild(li);
    return li;
  };

  const chapters = [];
  for (const part of plan.parts) for (const ch of part.chapters) {
    const s = sectionOf(ch.doc);
    if (!s) { found.missing.push(ch.doc); continue; }
    const subs = [];
    for (const sub of ch.sections) {
      const subSection = sectionOf(sub.doc);
      if (subSection) subs.push(subSection); else found.missing.push(sub.doc);
    }
    chapters.push([part, s, subs]);
  }
  for (const [, s, subs] of chapters) {  // out of the root page, which keeps the front matter
    for (const e of [s, ...subs]) {
      const marker = e.previousElementSibling;
      e.remove();
      if (marker && marker.id && marker.id.startsWith("document-")) marker.remove();
    }
  }
  for (const e of rootSection.querySelectorAll("div.toctree-wrapper")) if (!e.textContent.trim()) e.remove();
  relevel(rootSection, 1);
  book.appendChild(rootSection);
  entry(contentsList, rootSection);

  let currentPart = null, partList = null;
  for (const [part, s, subs] of chapters) {
    if (part !== currentPart) {
      currentPart = part;
      const id = "mlc-part-" + (plan.parts.indexOf(part) + 1);
      book.appendChild(make("h1", {class: "mlc-part-title", id}, part.caption));
      const li = make("li", {class: "mlc-contents-part"});
      li.appendChild(make("a", {href: "#" + id}, part.caption));
      partList = make("ol");
      li.appendChild(partList);
      contentsList.appendChild(li);
    }
    s.classList.add("mlc-chapter");
    found.solutionsMoved += moveSolutions(s);
    const li = entry(partList, s);
    if (subs.length) {
      const subList = make("ol");
      li.appendChild(subList);
      for (const sub of subs) {
        sub.classList.add("mlc-subchapter");
        s.appendChild(sub);
        entry(subList, sub);
      }
    }
    relevel(s, 2);
    book.appendChild(s);
    found.chapters.push(titleText(s));
  }
  article.replaceChildren(book);
  document.title = plan.title;

  // links between chapters point into this page, not at the single page's address on the server
  for (const a of document.querySelectorAll("a[href]")) {
    const m = a.getAttribute("href").match(/^[^#:]*\.html(#.*)$/);
    if (m) a.setAttribute("href", m[1]);
  }

  // 5. A display equation or a table wider than the column is set in a smaller size until it fits
  //    (down to half the size; the check below reports what still does not fit).
  const right = article.getBoundingClientRect().right + 1;
  const tooWide = (e) => e.getBoundingClientRect().right > right || e.scrollWidth > e.clientWidth + 1;
  let wide = [...document.querySelectorAll("mjx-container[display='true'], article table")].filter(tooWide);
  found.scaledEquations = wide.filter((e) => e.tagName !== "TABLE").length;
  found.scaledTables = wide.length - found.scaledEquations;
  for (let size = 90; wide.length && size >= 50; size -= 10) {
    for (const e of wide) e.style.fontSize = `${size}%`;
    wide = wide.filter(tooWide);
  }

  // the headings in reading order, as the bookmarks should name them
  found.headings = [...article.querySelectorAll("h1, h2, h3, h4, h5, h6")]
    .filter((h) => h.getClientRects().length)
    .map((h) => h.innerText.replace(/\s+/g, " ").replace(/ ?#$/, "").trim())
    .filter(Boolean);
  return found;
}
"""

# What must not be left in the page when it is printed: TeX that MathJax did not typeset or
# typeset as an error, controls that do nothing on paper, solutions between the exercises, images
# that did not load, code or equations running past the right margin. (Code and preformatted
# output may show TeX; that is what they are.)
CHECK = r"""
() => {
  const article = document.querySelector("article.bd-article");
  const raw = /\\\(|\\\)|\\\[|\\\]|\$\$|\\begin\{|\\frac|\\mathbf/;
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => n.parentElement.closest("pre, code, script, style, mjx-container, textarea")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const rawTex = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (raw.test(n.textContent)) rawTex.push(n.textContent.trim().slice(0, 120));
  }
  const errors = [...article.querySelectorAll("mjx-merror")].map((e) =>
    (e.getAttribute("data-mjx-error") || e.textContent).slice(0, 120));
  const interleaved = [...article.querySelectorAll("div.solution")]
    .filter((s) => !s.closest("section.mlc-solutions")).length;
  const controls = [...article.querySelectorAll("input, select, button, textarea")]
    .map((c) => c.outerHTML.slice(0, 100));
  const images = [...article.querySelectorAll("img")];
  const broken = images.filter((i) => !i.complete || i.naturalWidth === 0).map((i) => i.src.slice(0, 80));
  const right = article.getBoundingClientRect().right + 1;
  const overflowing = [...article.querySelectorAll("pre, mjx-container[display='true'], img, svg, table")]
    .filter((e) => e.getBoundingClientRect().right > right || e.scrollWidth > e.clientWidth + 1)
    .filter((e) => !e.closest("mjx-container") || e.matches("mjx-container"))
    .map((e) => `${e.tagName.toLowerCase()}: ${e.textContent.trim().slice(0, 60)}`);
  return {rawTex, errors, interleaved, controls, images: images.length, broken, overflowing};
}
"""

# MathJax's semantic enrichment (the speech text that a screen reader reads in the web book) is
# switched off in the page that is printed: the PDF has no use for it, and computing it for every
# formula of the book takes longer than typesetting them.
NO_ENRICHMENT = r"""
(() => {
  let value;
  Object.defineProperty(window, "MathJax", {
    configurable: true,
    get: () => value,
    set: (v) => {
      if (v && typeof v === "object" && !v.version) v.options = {...v.options, enableEnrichment: false};
      value = v;
    },
  });
})();
"""

FOOTER = ('<div style="font-size: 8px; width: 100%; text-align: center; color: #555;">'
          '<span class="pageNumber"></span></div>')


class _BookServer(http.server.SimpleHTTPRequestHandler):
    """Serves the single-page book, with its page at ``/`` (the links in it are relative to that)."""

    page = "index.html"

    def translate_path(self, path):
        if path.split("?")[0] in ("/", "/index.html"):
            path = "/" + self.page
        return super().translate_path(path)

    def log_message(self, *args):
        pass


def build_single_page(root: Path, path_output: Path) -> Path:
    """``jupyter-book build --builder singlehtml``, warnings as errors like the web book's build."""
    exe = Path(sys.executable).with_name("jupyter-book")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter_book.cli.main"]
    command += ["build", str(root), "--builder", "singlehtml", "-W", "-n", "--keep-going",
                "--path-output", str(path_output)]
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}  # the kernels draw inline
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"the single-page build failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return path_output / "_build" / "singlehtml"


def problems_of(found: dict, checked: dict) -> list[str]:
    """What keeps the prepared page from being printed, in words (nothing: an empty list)."""
    problems = []
    for key, what in [("rawTex", "places with raw TeX"), ("errors", "MathJax errors"),
                      ("controls", "interactive controls left on the page"),
                      ("broken", "images that did not load"),
                      ("overflowing", "blocks wider than the column")]:
        if checked[key]:
            problems.append(f"{len(checked[key])} {what}, e.g. {checked[key][:5]}")
    if found["missing"]:
        problems.append(f"pages of _toc.yml missing from the single page: {found['missing']}")
    if checked["interleaved"]:
        problems.append(f"{checked['interleaved']} solutions left between the exercises")
    return problems


def _in_order(needle: str, text: str) -> bool:
    """Whether the characters of ``needle`` occur in ``text`` in order (maybe with others between)."""
    rest = iter(text)
    return all(c in rest for c in needle)


def mend_outline(printed: Path, pdf: Path, headings: list[str], plan: dict) -> int:
    """Name the bookmarks after the headings, and give the PDF its title and author.

    Chromium builds the outline from the headings but names an entry after the text it laid out,
    which loses the space at a line break and, for some headings, repeats words. Each entry is
    matched, in reading order, with the next heading whose characters it contains in order (spaces
    ignored) and takes its name. The changed entries are appended to the printed file as an
    incremental update (the PDF standard's way to amend a file: the pages are not read or
    rewritten), which becomes ``pdf``. Returns how many entries were matched.
    """
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject, IndirectObject, NameObject, NumberObject, TextStringObject

    reader = PdfReader(printed)
    changed = {}  # object number -> (generation, new object)

    def entries(reference):
        while reference is not None:
            node = reference.get_object()
            yield reference, node
            if "/First" in node:
                yield from entries(node.raw_get("/First"))
            reference = node.raw_get("/Next") if "/Next" in node else None

    outlines = reader.trailer["/Root"].get("/Outlines")
    squashed = [re.sub(r"\s+", "", h) for h in headings]
    matched, k = 0, 0
    first = outlines.get_object().raw_get("/First") if outlines is not None and "/First" in outlines else None
    for reference, node in entries(first):
        title = re.sub(r"\s+", "", str(node.get("/Title", "")))
        for j in range(k, len(headings)):
            if squashed[j] and _in_order(squashed[j], title):
                node[NameObject("/Title")] = TextStringObject(headings[j])
                changed[reference.idnum] = (reference.generation, node)
                matched, k = matched + 1, j + 1
                break
    info_ref = reader.trailer.raw_get("/Info") if "/Info" in reader.trailer else None
    info = DictionaryObject(info_ref.get_object() if info_ref is not None else {})
    info[NameObject("/Title")] = TextStringObject(plan["title"])
    info[NameObject("/Author")] = TextStringObject(plan["author"])
    size = int(reader.trailer["/Size"])
    info_number, info_generation = (size, 0) if info_ref is None else (info_ref.idnum, info_ref.generation)
    changed[info_number] = (info_generation, info)

    data = printed.read_bytes()
    previous_xref = int(re.findall(rb"startxref\s+(\d+)", data[-2048:])[-1])
    with open(printed, "ab") as out:
        offset = len(data) + out.write(b"\n")
        xref = [b"xref\n"]
        for number, (generation, obj) in sorted(changed.items()):
            xref.append(f"{number} 1\n{offset:010d} {generation:05d} n \n".encode())
            body = io.BytesIO()
            body.write(f"{number} {generation} obj\n".encode())
            obj.write_to_stream(body)
            body.write(b"\nendobj\n")
            offset += out.write(body.getvalue())
        out.write(b"".join(xref))
        trailer = DictionaryObject({
            NameObject("/Size"): NumberObject(max(size, info_number + 1)),
            NameObject("/Root"): reader.trailer.raw_get("/Root"),
            NameObject("/Info"): IndirectObject(info_number, info_generation, reader),
            NameObject("/Prev"): NumberObject(previous_xref),
        })
        out.write(b"trailer\n")
        body = io.BytesIO()
        trailer.write_to_stream(body)
        out.write(body.getvalue() + f"\nstartxref\n{offset}\n%%EOF\n".encode())
    printed.replace(pdf)  # never a half-written book.pdf
    return matched


def print_pdf(single: Path, pdf: Path, plan: dict, *, timeout_s: float = 600) -> dict:
    """Open the single page in Chromium, prepare it for print, check it, print it to ``pdf``."""
    if CHROMIUM is None:
        sys.exit("Chromium is not installed (apt-get install chromium); the PDF is printed with it")
    from playwright.sync_api import sync_playwright

    page_file = f"{plan['root']}.html"
    if not (single / page_file).exists():
        sys.exit(f"no single-page book at {single / page_file}")
    handler = functools.partial(type("Handler", (_BookServer,), {"page": page_file}), directory=str(single))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            context = browser.new_context(color_scheme="light", viewport={"width": COLUMN_PX, "height": 1100})
            # nothing but the book itself: no fonts, scripts or launch services from other hosts
            context.route(re.compile(r"^(?!http://127\.0\.0\.1:)(?!data:)"), lambda route: route.abort())
            page = context.new_page()
            page.add_init_script(NO_ENRICHMENT)
            page.set_default_timeout(timeout_s * 1000)
            page.emulate_media(media="print")  # lay the page out as it will be printed, then measure it
            times = {"start": time.perf_counter()}
            page.goto(url, wait_until="load")
            page.wait_for_function("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
            page.evaluate("() => MathJax.startup.promise")  # every formula typeset
            times["typeset"] = time.perf_counter()
            page.add_style_tag(content=PRINT_CSS.read_text())
            found = page.evaluate(PREPARE, plan)
            checked = page.evaluate(CHECK)
            times["prepared"] = time.perf_counter()
            problems = problems_of(found, checked)
            if problems:
                sys.exit("the page is not ready to print:\n" + "\n".join(problems))
            pdf.parent.mkdir(parents=True, exist_ok=True)
            printed = pdf.with_suffix(".printed.pdf")
            page.pdf(path=str(printed), format="A4", print_background=True, outline=True, tagged=True,
                     display_header_footer=True, header_template="<span></span>", footer_template=FOOTER,
                     margin={k: f"{v}mm" for k, v in MARGIN_MM.items()})
            times["printed"] = time.perf_counter()
            browser.close()
    finally:
        server.shutdown()
    found["bookmarks"] = mend_outline(printed, pdf, found["headings"], plan)
    times["bookmarks"] = time.perf_counter()
    steps = list(times.items())
    found["times"] = {name: round(t - steps[k - 1][1]) for k, (name, t) in enumerate(steps) if k}
    return {**found, "images": checked["images"]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path-output", type=Path, default=ROOT,
                        help="where _build/ is (as jupyter-book's --path-output); default: the repository")
    parser.add_argument("--no-build", action="store_true",
                        help="print the single-page book already in _build/singlehtml, without building it")
    args = parser.parse_args(argv)
    out = args.path_output.resolve()
    start = time.perf_counter()
    single = out / "_build" / "singlehtml"
    if not args.no_build:
        single = build_single_page(ROOT, out)
    built = time.perf_counter()
    pdf = out / "_build" / "pdf" / "book.pdf"
    found = print_pdf(single, pdf, book_plan())
    done = time.perf_counter()
    print(f"{pdf}: {len(found['chapters'])} chapters and appendices; {found['solutionsMoved']} solutions "
          f"moved to their chapters' ends; {found['explorers']} interactive figures and "
          f"{found['animations']} animations printed as one frame; {found['scaledEquations']} equations "
          f"and {found['scaledTables']} tables set smaller to fit the column; {found['images']} images; "
          f"{found['bookmarks']} bookmarks. Seconds: single page built {built - start:.0f}, loaded and "
          f"typeset {found['times']['typeset']}, prepared {found['times']['prepared']}, printed "
          f"{found['times']['printed']}, bookmarks {found['times']['bookmarks']}; in all {done - start:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
