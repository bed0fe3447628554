"""The npm fetch behind the book's offline JavaScript and the tests' KaTeX and axe-core.

``_ext/vendor_assets.py`` installs a package only when its tarball matches the pinned SHA-512
integrity. These tests give it a stand-in ``npm`` (a script that writes a tarball) so that they
run offline: a matching tarball is installed once and reused; a tarball with another checksum, or
without the wanted files, installs nothing and leaves what was there.
"""

import base64
import hashlib
import io
import stat
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "_ext"))

from vendor_assets import Asset, VendorError, ensure, is_complete  # noqa: E402


def _tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def _fake_npm(tmp_path: Path, tarball: bytes) -> str:
    """An executable that answers ``npm pack SPEC --json --pack-destination DIR`` with ``tarball``."""
    (tmp_path / "pkg.tgz").write_bytes(tarball)
    log = tmp_path / "npm-calls.txt"
    script = tmp_path / "npm"
    script.write_text(
        f"#!{sys.executable}\n"
        "import json, shutil, sys\n"
        f"open({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        "dest = sys.argv[sys.argv.index('--pack-destination') + 1]\n"
        f"shutil.copy({str(tmp_path / 'pkg.tgz')!r}, dest + '/demo-1.0.0.tgz')\n"
        "print(json.dumps([{'filename': 'demo-1.0.0.tgz'}]))\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


FILES = {"dist/lib.js": b"console.log('lib');\n", "LICENSE": b"MIT\n", "dist/lib.js.map": b"{}"}


def _asset(integrity: str, members=("dist/lib.js", "LICENSE")) -> tuple[Asset, ...]:
    return (Asset("", "demo@1.0.0", integrity, members),)


def test_a_matching_tarball_is_installed_once_and_reused(tmp_path):
    data = _tarball(FILES)
    npm = _fake_npm(tmp_path, data)
    vendor = tmp_path / "vendor"
    assets = _asset(_integrity(data))
    ensure(vendor, assets, npm)
    assert (vendor / "dist" / "lib.js").read_bytes() == FILES["dist/lib.js"]
    assert (vendor / "LICENSE").is_file()
    assert not (vendor / "dist" / "lib.js.map").exists()  # only the members asked for
    assert is_complete(vendor, assets)
    ensure(vendor, assets, npm)  # a second call finds it complete and does not call npm
    assert (tmp_path / "npm-calls.txt").read_text().count("pack demo@1.0.0") == 1
    # another pin (a new version, a new checksum) is not the installed one
    assert not is_complete(vendor, _asset(_integrity(data + b"x")))


def test_a_tarball_with_another_checksum_installs_nothing(tmp_path):
    data = _tarball(FILES)
    npm = _fake_npm(tmp_path, data)
    vendor = tmp_path / "vendor"
    vendor.mkdir()
    (vendor / "kept.txt").write_text("what was there before")
    pinned = _integrity(b"the tarball that was pinned")
    mismatch = r"demo@1\.0\.0: checksum mismatch, expected sha512-.*nothing was installed"
    with pytest.raises(VendorError, match=mismatch):
        ensure(vendor, _asset(pinned), npm)
    assert sorted(p.name for p in vendor.iterdir()) == ["kept.txt"]
    assert not is_complete(vendor, _asset(pinned))


def test_a_tarball_without_the_wanted_files_is_refused(tmp_path):
    data = _tarball({"README.md": b"no library here\n"})
    npm = _fake_npm(tmp_path, data)
    with pytest.raises(VendorError, match=r"demo@1\.0\.0: none of .*dist/lib\.js"):
        ensure(tmp_path / "vendor", _asset(_integrity(data)), npm)
    assert not (tmp_path / "vendor").exists()


def test_without_npm_the_error_names_what_cannot_be_fetched(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no npm on it
    with pytest.raises(VendorError, match=r"npm is not installed: demo@1\.0\.0 cannot be fetched"):
        ensure(tmp_path / "vendor", _asset(_integrity(b"")))


def test_the_tools_pin_one_version_each():
    sys.path.insert(0, str(ROOT / "tools"))
    import vendor_axe
    import vendor_katex

    for pins in (vendor_axe.AXE, vendor_katex.KATEX):
        (asset,) = pins
        assert asset.spec.count("@") == 1 and asset.integrity.startswith("sha512-")
        assert "LICENSE" in asset.members
