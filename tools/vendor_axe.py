"""Fetch axe-core for the tests: ``python tools/vendor_axe.py`` prints the path of ``axe.min.js``.

``tests/test_accessibility.py`` injects axe-core (Deque's accessibility rules engine) into every page
of the built book and runs its WCAG 2.1 A and AA rules. axe-core is for the test only, so it is not
part of the book: it is fetched as the book's own JavaScript is (``_ext/vendor_assets.py``: ``npm
pack``, pinned to one version and checked against the tarball's SHA-512 integrity before anything
is unpacked); only the library (``axe.min.js``) and its licence are kept, in ``.vendor-axe/`` at
the repository's root (git-ignored). A second run reuses them.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

from vendor_assets import Asset, VendorError, ensure, is_complete  # noqa: E402

AXE = (
    Asset(
        "",
        "axe-core@4.14.1",
        "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        ("axe.min.js", "LICENSE"),
    ),
)
VENDOR = ROOT / ".vendor-axe"

__all__ = ["VendorError", "axe_js", "ensure_axe"]


def axe_js(vendor: Path = VENDOR) -> Path | None:
    """The vendored ``axe.min.js`` when it is complete for the pinned version, else None."""
    return vendor / "axe.min.js" if is_complete(vendor, AXE) else None


def ensure_axe(vendor: Path = VENDOR, npm: str | None = None) -> Path:
    """Fetch and verify axe-core into ``vendor`` unless it is there already; return ``axe.min.js``.

    Raises
    ------
    VendorError
        If npm is missing, ``npm pack`` fails, or the tarball's checksum is not the pinned one
        (nothing is installed then).
    """
    ensure(vendor, AXE, npm)
    return vendor / "axe.min.js"


def main() -> int:
    try:
        print(ensure_axe())
    except VendorError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
