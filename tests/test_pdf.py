"""The PDF edition (``python tools/build_pdf.py`` -> ``_build/pdf/book.pdf``), read back: its text with
PDFium (pypdfium2), its bookmarks and images with pypdf.

The session fixture prints the PDF from the HTML book's build when it is missing or older than that
build (or than the tool that prints it), once per run even under pytest-xdist. The tests read what
a reader gets: the pages, their text, the bookmarks and the embedded images.
"""

import json
import os
import re
import struct
import subprocess
import sys
import unicodedata
from functools import cache

import pytest
import yaml
from book_helpers import ROOT, book_environment, toc_entries

PDF = ROOT / "_build" / "pdf" / "book.pdf"
#: what the PDF is printed by: a change to any of them prints it again
PRINTER = [ROOT / "tools" / "build_pdf.py", ROOT / "_ext" / "print_edition.py",
           ROOT / "_ext" / "static" / "print.css"]

pytestmark = [pytest.mark.book, pytest.mark.slow]


@pytest.fixture(scope="session")
def book_pdf(built_book):
    """The PDF, printed (as the README says) unless it is newer than the HTML book and its printer.

    Like ``built_book``: the first pytest-xdist worker that needs it prints it while holding a
    lock and records the outcome for this run; the others wait and read the record. The lock is
    the PDF's own, not the build's: the tests of the built HTML go on while it prints.
    """
    from filelock import FileLock

    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    record = ROOT / "_build" / ".pytest-pdf.json"
    with FileLock(str(ROOT / "_build" / ".pytest-pdf.lock")):
        previous = json.loads(record.read_text()) if run and record.exists() else {}
        if run and previous.get("run") == run:
            returncode, log = previous["returncode"], previous["log"]
        else:
            sources = [*built_book.rglob("*.html"), *PRINTER]
            newest = max(path.stat().st_mtime for path in sources)
            returncode, log = 0, "up to date"
            if not PDF.exists() or PDF.stat().st_mtime < newest:
                result = subprocess.run([sys.executable, str(ROOT / "tools" / "build_pdf.py")], cwd=ROOT,
                                        env=book_environment(), capture_output=True, text=True, timeout=1500)
                returncode, log = result.returncode, f"{result.stdout[-6000:]}\n{result.stderr[-6000:]}"
            if run:
                record.write_text(json.dumps({"run": run, "returncode": returncode, "log": log}))
    assert returncode == 0, f"printing the PDF failed:\n{log}"
    return PDF


#: fonts of code and preformatted output (Chromium embeds DejaVu Sans Mono or Liberation Mono)
MONOSPACE = re.compile(r"Mono|Courier|Code", re.I)


def page_texts(path) -> tuple[list[str], list[str]]:
    """The text of every page, and the same without the characters set in a monospace font.

    Read with PDFium (pypdfium2), the PDF engine of Chromium, in C: reading the 540 pages with
    pypdf's text extraction, which parses every content stream in Python, took 76 s of the test
    run on 2 cores; PDFium takes 6.
    """
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(str(path))
    name, flags = ctypes.create_string_buffer(256), ctypes.c_int()
    monospace: dict[bytes, bool] = {}
    texts, prose = [], []
    try:
        for index in range(len(document)):
            page = document[index]
            text = page.get_textpage()
            texts.append(text.get_text_range())
            kept = []
            for k in range(text.count_chars()):
                size = pdfium_c.FPDFText_GetFontInfo(text.raw, k, name, len(name), ctypes.byref(flags))
                font = name.raw[:max(size - 1, 0)]  # (spaces PDFium adds between words have no font)
                if font not in monospace:
                    monospace[font] = bool(MONOSPACE.search(font.decode("latin-1")))
                if not monospace[font]:
                    kept.append(chr(pdfium_c.FPDFText_GetUnicode(text.raw, k)))
            prose.append("".join(kept))
            text.close()
            page.close()
    finally:
        document.close()
    return texts, prose


@cache
def read(path):
    """What a reader gets: the text of every page (and the same without code: ``prose``), the
    bookmarks (title, depth, page index), the embedded images (object number -> pixel size)."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    texts, prose = page_texts(path)
    assert len(texts) == len(reader.pages), f"PDFium reads {len(texts)} pages, pypdf {len(reader.pages)}"
    bookmarks = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                bookmarks.append((item.title, depth, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    images = {}
    for page in reader.pages:
        stack = [page.get("/Resources")]
        while stack:
            resources = stack.pop()
            objects = resources.get_object().get("/XObject") if resources is not None else None
            for ref in (objects.get_object().values() if objects is not None else []):
                obj = ref.get_object()
                if obj.get("/Subtype") == "/Image":
                    images[ref.idnum] = (int(obj["/Width"]), int(obj["/Height"]))
                elif obj.get("/Subtype") == "/Form":
                    stack.append(obj.get("/Resources"))
    return {"texts": texts, "prose": prose, "bookmarks": bookmarks, "images": images,
            "root": reader.trailer["/Root"], "metadata": reader.metadata}


def squash(text: str) -> str:
    """Text without whitespace and ligatures: a title that wraps in the PDF is the same title."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def html_title(html: str) -> str:
    """The first heading of a page of the HTML book, as a reader sees it (section number included)."""
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html.split('<article class="bd-article">', 1)[-1], re.S)
    text = re.sub(r'<a class="headerlink".*?</a>', "", heading.group(1), flags=re.S)
    text = re.sub(r"<[^>]+>", "", text)
    return re.sub(r"\s+", " ", text.replace("&#8217;", "’").replace("&amp;", "&")).strip()


@cache
def chapters(html_root):
    """(entry, title, HTML) of every page of the table of contents, in reading order."""
    return [(entry, html_title(html), html)
            for entry in toc_entries()
            for html in [(html_root / f"{entry}.html").read_text(encoding="utf-8")]]


def bookmark(bookmarks, title, depth=None):
    found = [b for b in bookmarks if b[0] == title and depth in (None, b[1])]
    assert len(found) == 1, f"the bookmarks hold {len(found)} entries named {title!r}, not one"
    return found[0]


def test_page_count(book_pdf):
    pages = len(read(book_pdf)["texts"])
    # measured: 526 pages (A4, 34 chapters and appendices); half the book missing would be under 300
    assert 300 < pages < 1500, f"{pages} pages"


def test_pdf_is_tagged_and_titled(book_pdf):
    pdf = read(book_pdf)
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert pdf["metadata"].title == config["title"]
    assert "/StructTreeRoot" in pdf["root"], "not a tagged PDF"
    assert pdf["root"]["/MarkInfo"]["/Marked"]


def test_bookmarks_parts_then_chapters(book_pdf, built_book):
    """The bookmarks: the contents and the front matter, then each part with its chapters inside."""
    pdf = read(book_pdf)
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    titles = {entry: title for entry, title, _ in chapters(built_book)}
    top = [title for title, depth, _ in pdf["bookmarks"] if depth == 0]
    assert top == ["Contents", titles[toc["root"]], *[part["caption"] for part in toc["parts"]]]
    for part in toc["parts"]:
        start = pdf["bookmarks"].index(bookmark(pdf["bookmarks"], part["caption"], depth=0))
        inside = []
        for title, depth, _ in pdf["bookmarks"][start + 1:]:
            if depth == 0:
                break
            if depth == 1:
                inside.append(title)
        assert inside == [titles[c["file"]] for c in part["chapters"]], part["caption"]


def test_every_chapter_and_appendix_in_order(book_pdf, built_book):
    """Each page of _toc.yml has its bookmark, starts on its page with its title, in reading order."""
    pdf = read(book_pdf)
    last = -1
    for entry, title, _ in chapters(built_book):
        _, _, page = bookmark(pdf["bookmarks"], title)
        assert page > last, f"{entry} ({title!r}) starts on page {page + 1}, before the page before it"
        assert squash(title) in squash(pdf["texts"][page]), f"{title!r} is not on its page {page + 1}"
        last = page


def test_page_numbers(book_pdf):
    texts = read(book_pdf)["texts"]
    unnumbered = [k + 1 for k, text in enumerate(texts) if not re.search(rf"(^|\n)\s*{k + 1}\s*$", text)]
    assert not unnumbered, f"pages without their number at the foot: {unnumbered[:10]}"


#: TeX that a reader must never see outside code: MathJax's delimiters, dollars around a formula,
#: and any TeX command
RAW_TEX = re.compile(r"\\[()\[\]]|\$\$|\$[^$\s][^$]{0,80}\$|\\[A-Za-z]+|\\[{}_^]")


def test_prose_is_the_text_without_the_code(book_pdf, built_book):
    """What test_no_raw_tex reads: every chapter's title is in it, none of the code is."""
    pdf = read(book_pdf)
    text, prose = squash("".join(pdf["texts"])), squash("".join(pdf["prose"]))
    missing = [title for _, title, _ in chapters(built_book) if squash(title) not in prose]
    assert not missing, f"chapter titles missing from the prose (monospace filter wrong?): {missing[:5]}"
    for code in ("check.answer(", "np."):  # in the book's code cells, never in its prose
        assert code in text and code not in prose, \
            f"{code!r} in the text: {code in text}; in the prose: {code in prose}"


def test_no_raw_tex(book_pdf):
    texts = read(book_pdf)["prose"]
    raw = [(k + 1, text[max(0, m.start() - 40):m.end() + 40]) for k, text in enumerate(texts)
           for m in RAW_TEX.finditer(text)]
    assert not raw, f"raw TeX on {len(raw)} places, e.g. (page, text): {raw[:5]}"


def png_size(path):
    return struct.unpack(">II", path.read_bytes()[16:24])


def test_figures_embedded_at_full_resolution(book_pdf, built_book):
    """Every figure of the HTML book is in the PDF, with all its pixels (as the PNG has them)."""
    pdf = read(book_pdf)
    figures = set()
    n_explorers = 0
    for _, _, html in chapters(built_book):
        figures |= set(re.findall(r'<img [^>]*src="(?:\.\./)*(_images/[^"]+\.png)"', html))
        n_explorers += html.count('class="mlc-explorer"') + html.count('<div class="animation">')
    sizes = set(pdf["images"].values())
    assert len(pdf["images"]) >= len(figures) + n_explorers, \
        f"{len(pdf['images'])} images in the PDF for {len(figures)} figures and {n_explorers} explorers"
    smaller = [f for f in sorted(figures) if png_size(built_book / f) not in sizes]
    assert not smaller, f"figures not embedded at their full size: {smaller[:5]}"


def running_text(texts, first: int = 0) -> str:
    """Pages ``first``, ``first + 1``, ... as one text, without the numbers at their feet (squashed)."""
    return "".join(squash(re.sub(rf"\s*{first + k + 1}\s*$", "", text)) for k, text in enumerate(texts))


def test_interactive_figures_printed_as_one_frame(book_pdf, built_book):
    """Each explorer and animation of the web book is one picture with a caption naming the live one."""
    text = running_text(read(book_pdf)["texts"])
    pages = [html for _, _, html in chapters(built_book)]
    explorers = sum(p.count('class="mlc-explorer"') + len(re.findall(r'id="mlc-explorer-[0-9a-f]+"', p))
                    for p in pages)
    animations = sum(p.count('<div class="animation">') for p in pages)
    assert explorers and text.count(squash("Interactive figure, printed at one setting")) == explorers
    assert text.count(squash("Animation, printed at its last frame")) == animations
    # every caption says where the live version is (a caption may run on to the next page)
    assert text.count(squash("is in the web edition of the book, on the page")) == explorers + animations


def test_solutions_at_the_end_of_each_chapter(book_pdf, built_book):
    """A chapter with exercises ends with one "Solutions" section, holding every solution; none is
    left between the exercises."""
    pdf = read(book_pdf)
    bookmarks = pdf["bookmarks"]
    starts = [bookmark(bookmarks, title)[2] for _, title, _ in chapters(built_book)] + [len(pdf["texts"])]
    checked = 0
    for k, (entry, title, html) in enumerate(chapters(built_book)):
        exercises = re.findall(r'<span class="caption-number">Exercise ([\d.]+) </span>', html)
        at = [b[0] for b in bookmarks].index(title)
        own = []  # this chapter's bookmarks one level down
        for t, depth, page in bookmarks[at + 1:]:
            if depth <= bookmarks[at][1]:
                break
            if depth == bookmarks[at][1] + 1:
                own.append((t, page))
        solutions = [page for t, page in own if t == "Solutions"]
        if not exercises:
            assert not solutions, f"{entry} has no exercises but a Solutions section"
            continue
        assert len(solutions) == 1 and own[-1][0] == "Solutions", \
            f"{entry}: the Solutions section is not the chapter's last, or not its only one"
        before = running_text(pdf["texts"][starts[k]:solutions[0]], starts[k])
        after = running_text(pdf["texts"][solutions[0]:starts[k + 1]], solutions[0])
        for number in exercises:
            assert f"Exercise{number}(" in before, f"{entry}: exercise {number} is not before its solutions"
            assert f"SolutiontoExercise{number}(" in after, f"{entry}: no solution {number} at the end"
        assert "Solutionto" not in before, f"{entry}: a solution is still among the exercises"
        checked += 1
    assert checked >= 25, f"only {checked} chapters with exercises"
