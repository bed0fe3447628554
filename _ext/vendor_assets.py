"""Serve the book's JavaScript from the book itself, so that it reads offline.

A Sphinx extension (loaded through ``_config.yml``'s ``local_extensions``). At the start of every
build it makes sure that three packages from the npm registry are unpacked in ``_vendor/``
(git-ignored): MathJax 3 (renders the mathematics), RequireJS and the Jupyter widgets HTML manager
(render the embedded ipywidgets without a kernel). It then points Sphinx (``mathjax_path``,
``html_static_path``) and MyST-NB (``nb_ipywidgets_js``) at those copies, so the built site loads
nothing from other hosts.

The packages are fetched with the ``npm`` client the first time (``npm pack``, then a SHA-512
check of each tarball against the pin below; nothing is kept from a tarball that fails the check),
and reused afterwards. The same fetch serves the tests' own JavaScript (``tools/vendor_katex.py``,
``tools/vendor_axe.py``: :func:`ensure` with their pins). Without ``npm`` the build still succeeds
but the pages load these scripts from public CDNs (MyST-NB's and Sphinx's defaults), and the build
says so; set ``MLCOURSE_REQUIRE_VENDOR=1`` to make that an error instead (CI does).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

VENDOR_DIR = "_vendor"


class VendorError(ExtensionError):
    """A package could not be fetched, or its tarball did not match its pinned checksum."""


@dataclass(frozen=True)
class Asset:
    """One npm package: which files of it the book serves, and where."""

    name: str  # folder under the vendor folder ("" for the folder itself)
    spec: str  # npm package@version
    integrity: str  # npm's sha512 integrity of the tarball
    members: tuple[str, ...]  # paths inside the package (folders end with "/")
    strip: str = ""  # prefix removed from the paths when unpacking
    skip_suffixes: tuple[str, ...] = (".map",)


ASSETS = (
    Asset(
        "mathjax",
        "mathjax@3.2.2",
        "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw==",
        ("es5/tex-mml-chtml.js", "es5/input/", "es5/output/chtml/", "es5/ui/", "es5/a11y/", "es5/sre/"),
        strip="es5/",
    ),
    Asset(
        "requirejs",
        "requirejs@2.3.7",
        "sha512-DouTG8T1WanGok6Qjg2SXuCMzszOo0eHeH9hDZ5Y4x8Je+9JB38HdTLT4/VA8OaUhBa0JPVHJ0pyBkM1z+pDsw==",
        ("require.js",),
    ),
    Asset(
        "@jupyter-widgets/html-manager/dist",  # where the manager looks for its fonts, under _static/
        "@jupyter-widgets/html-manager@1.0.15",
        "sha512-5thBIV6ymNgmPVOHvzx+gGy8ZSKmSazhtGw4/c4xJDVzRhG9PTeQsRjF3FUTopvFi//SABeNz1yp47bCrJ3CQA==",
        ("dist/",),
        strip="dist/",
    ),
)

#: what the pages load, relative to _static/ (html_static_path copies _vendor/ there)
MATHJAX_PATH = "mathjax/tex-mml-chtml.js"
IPYWIDGETS_JS = {"requirejs/require.js": {}, "@jupyter-widgets/html-manager/dist/embed-amd.js": {}}


def manifest_stamp(assets: tuple[Asset, ...] = ASSETS) -> str:
    """A name that changes whenever the pinned assets change."""
    text = json.dumps([(a.name, a.spec, a.integrity, a.members, a.strip) for a in assets])
    return ".complete-" + hashlib.sha256(text.encode()).hexdigest()[:16]


def is_complete(vendor: Path, assets: tuple[Asset, ...] = ASSETS) -> bool:
    """Whether ``vendor`` holds exactly these pinned assets, fetched and verified."""
    return (vendor / manifest_stamp(assets)).is_file()


def sha512_integrity(path: Path) -> str:
    digest = hashlib.sha512(path.read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode()


def unpack(tarball: Path, asset: Asset, dest: Path) -> int:
    """Copy the asset's members from an npm tarball (files live under package/) into dest."""
    count = 0
    with tarfile.open(tarball, "r:gz") as tar:
        for member in tar.getmembers():
            if not member.isfile() or not member.name.startswith("package/"):
                continue
            rel = member.name.removeprefix("package/")
            wanted = any(rel == m or (m.endswith("/") and rel.startswith(m)) for m in asset.members)
            if not wanted or rel.endswith(asset.skip_suffixes):
                continue
            target = dest / rel.removeprefix(asset.strip)
            if ".." in Path(rel).parts:
                raise VendorError(f"{asset.spec}: refusing the path {member.name!r} in its tarball")
            target.parent.mkdir(parents=True, exist_ok=True)
            with tar.extractfile(member) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out)
            count += 1
    if count == 0:
        raise VendorError(f"{asset.spec}: none of {asset.members} found in {tarball.name}")
    return count


def fetch(vendor: Path, npm: str, assets: tuple[Asset, ...] = ASSETS) -> None:
    """Fetch every asset with npm, verify it, and install the set into ``vendor`` atomically."""
    with tempfile.TemporaryDirectory(prefix="mlcourse-vendor-") as tmp:
        tmp = Path(tmp)
        staging = tmp / "vendor"
        staging.mkdir()
        for asset in assets:
            result = subprocess.run(
                [npm, "pack", asset.spec, "--json", "--pack-destination", str(tmp)],
                capture_output=True,
                text=True,
                timeout=300,
            )
            if result.returncode != 0:
                raise VendorError(f"npm pack {asset.spec} failed:\n{result.stderr.strip()}")
            filename = json.loads(result.stdout)[0]["filename"]
            tarball = tmp / Path(filename).name
            found = sha512_integrity(tarball)
            if found != asset.integrity:
                raise VendorError(
                    f"{asset.spec}: checksum mismatch, expected {asset.integrity}, got {found}; "
                    "nothing was installed"
                )
            n = unpack(tarball, asset, staging / asset.name)
            logger.info(f"[vendor_assets] {asset.spec}: {n} files, checksum verified")
        (staging / manifest_stamp(assets)).write_text("\n".join(a.spec for a in assets) + "\n")
        old = vendor.with_name(vendor.name + ".old")
        if vendor.exists():
            vendor.rename(old)
        shutil.move(str(staging), str(vendor))
        shutil.rmtree(old, ignore_errors=True)


def ensure(vendor: Path, assets: tuple[Asset, ...], npm: str | None = None) -> None:
    """Fetch and verify ``assets`` into ``vendor`` unless they are there already.

    Raises
    ------
    VendorError
        If npm is missing, ``npm pack`` fails, or a tarball's checksum is not the pinned one
        (nothing is installed then).
    """
    if is_complete(vendor, assets):
        return
    npm = npm or shutil.which("npm")
    if npm is None:
        names = ", ".join(a.spec for a in assets)
        raise VendorError(f"npm is not installed: {names} cannot be fetched (install Node.js and npm)")
    fetch(vendor, npm, assets)


def configure(app: Sphinx, config) -> None:
    vendor = Path(app.srcdir) / VENDOR_DIR
    if not is_complete(vendor):
        npm = shutil.which("npm")
        if npm is None:
            if os.environ.get("MLCOURSE_REQUIRE_VENDOR") == "1":
                raise ExtensionError(
                    "MLCOURSE_REQUIRE_VENDOR=1 but npm is not installed: the book's MathJax, RequireJS "
                    "and widget manager cannot be fetched (install Node.js and npm)"
                )
            logger.info(
                "[vendor_assets] npm not found: pages will load MathJax and the widget manager from "
                "public CDNs (install Node.js and npm for a book that reads offline)"
            )
            return
        fetch(vendor, npm)
    config.html_static_path = [*config.html_static_path, str(vendor)]
    config.mathjax_path = MATHJAX_PATH
    config.nb_ipywidgets_js = dict(IPYWIDGETS_JS)


def setup(app: Sphinx) -> dict:
    # before Sphinx validates html_static_path (priority 800)
    app.connect("config-inited", configure, priority=400)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
