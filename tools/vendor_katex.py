"""Fetch KaTeX for the tests: ``python tools/vendor_katex.py`` prints the path of ``katex.js``.

The reader's edition (``colab/book/``) is what the Colab buttons open, and Colab's Markdown cannot be
reached from the tests; KaTeX stands in for it. ``tests/test_reader_edition.py`` typesets every
formula of the edition with the KaTeX below, under ``node``.

KaTeX is fetched as the book's own JavaScript is (``_ext/vendor_assets.py``: ``npm pack``, pinned to
one version and checked against the tarball's SHA-512 integrity before anything is unpacked); only
the library itself (``dist/katex.js``) and its licence are kept, in ``.vendor-katex/`` at the
repository's root (git-ignored). A second run reuses them.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

from vendor_assets import Asset, VendorError, ensure, is_complete  # noqa: E402

KATEX = (
    Asset(
        "",
        "katex@0.19.1",
        "sha512-jG8uKntjSEcm2EpQOh0XturpPuuC9r3Sq5HLHdsFdWZT27E672SF19QEi+of0/YeOy15lDgRhKvr5614uRrEfA==",
        ("dist/katex.js", "LICENSE"),
    ),
)
VENDOR = ROOT / ".vendor-katex"

__all__ = ["VendorError", "ensure_katex", "katex_js"]


def katex_js(vendor: Path = VENDOR) -> Path | None:
    """The vendored ``katex.js`` when it is complete for the pinned version, else None."""
    return vendor / "dist" / "katex.js" if is_complete(vendor, KATEX) else None


def ensure_katex(vendor: Path = VENDOR, npm: str | None = None) -> Path:
    """Fetch and verify KaTeX into ``vendor`` unless it is there already; return ``katex.js``.

    Raises
    ------
    VendorError
        If npm is missing, ``npm pack`` fails, or the tarball's checksum is not the pinned one
        (nothing is installed then).
    """
    ensure(vendor, KATEX, npm)
    return vendor / "dist" / "katex.js"


def main() -> int:
    try:
        print(ensure_katex())
    except VendorError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
