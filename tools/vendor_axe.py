"""Fetch axe-core for the tests: ``python tools/vendor_axe.py`` prints the path of ``axe.min.js``.

``tests/test_accessibility.py`` injects axe-core (Deque's accessibility rules engine) into every page
of the built book and runs its WCAG 2.1 A and AA rules. axe-core is for the test only, so it is not
part of the book: it comes from the npm registry through the ``npm`` client (``npm pack``), pinned to
one version and checked against the tarball's SHA-512 integrity before anything is unpacked; only
the library (``axe.min.js``) and its licence are kept, in ``.vendor-axe/`` at the repository's root
(git-ignored). A second run reuses them.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = "axe-core@4.14.1"
INTEGRITY = "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ=="
MEMBERS = ("axe.min.js", "LICENSE")
VENDOR = ROOT / ".vendor-axe"


class VendorError(RuntimeError):
    """axe-core could not be fetched or did not match its pinned checksum."""


def _integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def _stamp() -> str:
    return ".complete-" + hashlib.sha256(f"{SPEC} {INTEGRITY} {MEMBERS}".encode()).hexdigest()[:16]


def axe_js(vendor: Path = VENDOR) -> Path | None:
    """The vendored ``axe.min.js`` when it is complete for the pinned version, else None."""
    path = vendor / "axe.min.js"
    return path if (vendor / _stamp()).is_file() and path.is_file() else None


def ensure_axe(vendor: Path = VENDOR, npm: str | None = None) -> Path:
    """Fetch and verify axe-core into ``vendor`` unless it is there already; return ``axe.min.js``.

    Raises
    ------
    VendorError
        If npm is missing, ``npm pack`` fails, or the tarball's checksum is not the pinned one
        (nothing is installed then).
    """
    found = axe_js(vendor)
    if found is not None:
        return found
    npm = npm or shutil.which("npm")
    if npm is None:
        raise VendorError("npm is not installed: axe-core cannot be fetched (install Node.js and npm)")
    with tempfile.TemporaryDirectory(prefix="mlcourse-axe-") as tmp:
        tmp = Path(tmp)
        result = subprocess.run([npm, "pack", SPEC, "--json", "--pack-destination", str(tmp)],
                                capture_output=True, text=True, timeout=300, check=False)
        if result.returncode != 0:
            raise VendorError(f"npm pack {SPEC} failed:\n{result.stderr.strip()}")
        tarball = tmp / Path(json.loads(result.stdout)[0]["filename"]).name
        got = _integrity(tarball)
        if got != INTEGRITY:
            raise VendorError(f"{SPEC}: checksum mismatch, expected {INTEGRITY}, got {got}; "
                              f"nothing was installed")
        staging = tmp / "axe"
        with tarfile.open(tarball, "r:gz") as tar:
            for member in tar.getmembers():
                rel = member.name.removeprefix("package/")
                if not member.isfile() or rel not in MEMBERS:
                    continue
                target = staging / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with tar.extractfile(member) as src, open(target, "wb") as out:
                    shutil.copyfileobj(src, out)
        missing = [m for m in MEMBERS if not (staging / m).is_file()]
        if missing:
            raise VendorError(f"{SPEC}: {missing} not found in {tarball.name}")
        (staging / _stamp()).write_text(SPEC + "\n")
        shutil.rmtree(vendor, ignore_errors=True)
        shutil.move(str(staging), str(vendor))
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
