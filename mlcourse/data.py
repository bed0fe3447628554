"""The data sets the book uses: shipped with a package, or generated from a seed.

Every loader returns a :class:`Dataset` with a one-line ``description``; every generator takes an
``rng`` (a ``numpy.random.Generator``), so the same seed gives the same data on every machine.

The book itself never downloads anything. For readers with a network (on Colab, say),
:func:`mnist` fetches MNIST on request (``download=True``) into a cache folder, checks every file's
SHA-256 and never leaves a partial file behind; :func:`read_idx` reads its IDX format.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ._validate import check_bool, check_int, check_positive, check_rng

__all__ = [
    "MNIST_FILES",
    "Dataset",
    "diabetes",
    "digits",
    "fetch",
    "mnist",
    "read_idx",
    "sha256_of",
    "toy_regression",
    "two_moons",
]


class Dataset(NamedTuple):
    """X: inputs of shape (n_samples, n_features); y: targets of shape (n_samples,)."""

    X: np.ndarray
    y: np.ndarray
    description: str
    images: np.ndarray | None = None


def digits() -> Dataset:
    """scikit-learn's handwritten digits: 1797 images of 8×8 pixels, labels 0–9, X scaled to [0, 1].

    The data ship with scikit-learn, so this works offline.
    """
    from sklearn.datasets import load_digits

    raw = load_digits()
    X = raw.data.astype(np.float64) / 16.0
    return Dataset(X, raw.target.astype(np.int64),
                   "1797 handwritten digits, 8×8 grey levels scaled to [0, 1], labels 0-9 (scikit-learn)",
                   raw.images.astype(np.float64) / 16.0)


def diabetes() -> Dataset:
    """scikit-learn's diabetes data: 442 patients, 10 standardised features, y = disease progression.

    A small real regression task that ships with scikit-learn (no download). ``y`` is a
    quantitative measure of disease progression one year after baseline (about 25 to 346).
    """
    from sklearn.datasets import load_diabetes

    raw = load_diabetes()
    return Dataset(raw.data.astype(np.float64), raw.target.astype(np.float64),
                   "442 diabetes patients, 10 centred and scaled features (age, sex, BMI, blood pressure, "
                   "six blood serum measurements), y = disease progression after one year (scikit-learn)")


def toy_regression(n_samples: int = 100, noise: float = 0.1, *, rng) -> Dataset:
    """Noisy samples of y = sin(2πx) at x uniform in [0, 1]: a one-dimensional regression task."""
    n = check_int(n_samples, "n_samples", minimum=1)
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = check_rng(rng)
    x = np.sort(rng.uniform(0.0, 1.0, size=n))
    y = np.sin(2 * np.pi * x) + noise * rng.normal(size=n)
    return Dataset(x[:, None], y, f"{n} samples of sin(2πx) + N(0, {noise:g}²) noise, x in [0, 1]")


def two_moons(n_samples: int = 200, noise: float = 0.1, *, rng) -> Dataset:
    """Two interleaving half circles in the plane, labels 0 and 1: a small classification task."""
    n = check_int(n_samples, "n_samples", minimum=2)
    noise = check_positive(noise, "noise", allow_zero=True)
    rng = check_rng(rng)
    n0 = n // 2
    t0, t1 = rng.uniform(0, np.pi, size=n0), rng.uniform(0, np.pi, size=n - n0)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    X = np.vstack([upper, lower]) + noise * rng.normal(size=(n, 2))
    y = np.concatenate([np.zeros(n0, dtype=np.int64), np.ones(n - n0, dtype=np.int64)])
    return Dataset(X, y, f"{n} points on two interleaving half circles with N(0, {noise:g}²) noise")


# --- MNIST, on request ---------------------------------------------------------------------------

#: The four MNIST files and their SHA-256 digests (the standard gzip-compressed IDX files).
MNIST_FILES: dict[str, tuple[str, str]] = {
    "train_images": ("train-images-idx3-ubyte.gz",
                     "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
    "train_labels": ("train-labels-idx1-ubyte.gz",
                     "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
    "test_images": ("t10k-images-idx3-ubyte.gz",
                    "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
    "test_labels": ("t10k-labels-idx1-ubyte.gz",
                    "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
}
#: A public mirror of the MNIST files (the one torchvision uses).
MNIST_MIRROR = "https://ossci-datasets.s3.amazonaws.com/mnist/"

# IDX type codes -> big-endian numpy types
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def _as_path(value, name: str) -> Path:
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a file path (a str or a pathlib.Path); got {type(value).__name__}")
    return Path(value)


def _check_opener(opener) -> None:
    if opener is not None and not callable(opener):
        raise TypeError(f"opener must be None or a function url -> file-like object; "
                        f"got {type(opener).__name__}")


def read_idx(path) -> np.ndarray:
    """Read an IDX file (optionally gzip-compressed), the format MNIST is distributed in.

    The format: two zero bytes, a type code, the number of dimensions d, then d big-endian
    32-bit sizes, then the values in row-major order.

    Raises
    ------
    ValueError
        If the file is not IDX, or is corrupted or truncated (the message says which).
    OSError
        If the file cannot be read (``FileNotFoundError`` when there is none).
    """
    path = _as_path(path, "path")
    raw = path.read_bytes()
    if path.suffix == ".gz":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as err:
            raise ValueError(f"{path.name}: corrupted gzip data ({err})") from None
    if len(raw) < 4:
        raise ValueError(f"{path.name}: not an IDX file: {len(raw)} bytes, fewer than the 4-byte header")
    code, ndim = raw[2], raw[3]
    if raw[:2] != b"\x00\x00" or code not in _IDX_TYPES or ndim == 0:
        raise ValueError(f"{path.name}: not an IDX file: bad magic number {raw[:4].hex()}")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path.name}: truncated IDX header: {ndim} dimensions need {header} bytes")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = np.dtype(_IDX_TYPES[code])
    expected = int(np.prod(shape)) * dtype.itemsize
    if len(raw) - header != expected:
        raise ValueError(
            f"{path.name}: corrupted or truncated IDX file: shape {shape} needs {expected} bytes of "
            f"data, found {len(raw) - header}"
        )
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def sha256_of(path) -> str:
    """The SHA-256 digest of a file, as 64 hexadecimal digits (``OSError`` if it cannot be read)."""
    digest = hashlib.sha256()
    with open(_as_path(path, "path"), "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(url: str, destination, sha256: str, *, opener: Callable | None = None) -> Path:
    """Download ``url`` to ``destination`` if its SHA-256 is ``sha256``; keep nothing otherwise.

    The data go to a temporary ``.part`` file beside the destination, which is renamed only after
    the digest matches, and removed on any failure (a network error, a wrong digest), so an
    interrupted download never leaves a file that looks complete.

    Parameters
    ----------
    url : str
    destination : path
    sha256 : str
        The expected digest (64 hexadecimal digits).
    opener : callable, optional
        ``opener(url)`` returns a readable file-like context manager; default
        ``urllib.request.urlopen``. (The tests pass one that serves bytes from memory.)
    """
    if not isinstance(url, str):
        raise TypeError(f"url must be a string; got {type(url).__name__}")
    if not isinstance(sha256, str) or len(sha256) != 64:
        raise ValueError(f"sha256 must be 64 hexadecimal digits; got {sha256!r}")
    destination = _as_path(destination, "destination")
    _check_opener(opener)
    if destination.exists() and sha256_of(destination) == sha256:
        return destination
    if opener is None:
        import urllib.request

        opener = urllib.request.urlopen
    destination.parent.mkdir(parents=True, exist_ok=True)
    part = destination.with_name(destination.name + ".part")
    try:
        digest = hashlib.sha256()
        with opener(url) as response, open(part, "wb") as out:
            for block in iter(lambda: response.read(1 << 20), b""):
                digest.update(block)
                out.write(block)
        if digest.hexdigest() != sha256:
            raise ValueError(
                f"checksum mismatch for {url}: expected sha256 {sha256}, got {digest.hexdigest()}; "
                "the file was not kept"
            )
        os.replace(part, destination)
    finally:
        part.unlink(missing_ok=True)
    return destination


def _default_cache() -> Path:
    return Path(os.environ.get("MLCOURSE_DATA", Path.home() / ".cache" / "mlcourse")) / "mnist"


def mnist(cache_dir=None, *, download: bool = False, mirror: str = MNIST_MIRROR,
          opener: Callable | None = None, files: dict | None = None) -> tuple[Dataset, Dataset]:
    """MNIST (60,000 training and 10,000 test digits, 28×28), from a local cache.

    Nothing is downloaded unless ``download=True``: then missing files are fetched from
    ``mirror`` (about 11 MB) and checked against their SHA-256. Files already in the cache are
    checked too. Pixels are scaled to [0, 1] and stored as float32 (in float64 the training images
    alone would take 376 MB).

    Parameters
    ----------
    cache_dir : path, optional
        Default: ``$MLCOURSE_DATA/mnist``, or ``~/.cache/mlcourse/mnist``.
    download : bool
        Fetch the files that are not in the cache.
    mirror : str
        Base address of the files.
    opener : callable, optional
        Passed to :func:`fetch`.
    files : dict, optional
        Overrides :data:`MNIST_FILES` (name -> (file name, sha256)); for tests.

    Returns
    -------
    (train, test) : two Datasets with X of shape (n, 784), y of shape (n,), images (n, 28, 28).

    Raises
    ------
    FileNotFoundError
        When a file is not in the cache and ``download`` is False.
    OSError
        When a file cannot be read or fetched (no network, say).
    """
    files = MNIST_FILES if files is None else files
    if not isinstance(files, dict):
        raise TypeError(f"files must be a dict name -> (file name, sha256); got {type(files).__name__}")
    missing_keys = set(MNIST_FILES) - set(files)
    if missing_keys:
        raise ValueError(f"files must name {sorted(MNIST_FILES)}; missing {sorted(missing_keys)}")
    if not isinstance(mirror, str):
        raise TypeError(f"mirror must be a string (the base address of the files); "
                        f"got {type(mirror).__name__}")
    _check_opener(opener)
    download = check_bool(download, "download")
    cache = _as_path(cache_dir, "cache_dir") if cache_dir is not None else _default_cache()
    paths = {}
    for key, (name, digest) in files.items():
        path = cache / name
        if not path.exists():
            if not download:
                raise FileNotFoundError(
                    f"{name} is not in {cache}; call mnist(download=True) to fetch MNIST "
                    "(about 11 MB, checked by SHA-256), or use mlcourse.data.digits(), which ships offline"
                )
            fetch(mirror + name, path, digest, opener=opener)
        elif sha256_of(path) != digest:
            raise ValueError(f"{path} does not have the expected SHA-256 (corrupted?); delete it and retry")
        paths[key] = path

    def split(images_key, labels_key, what):
        images = read_idx(paths[images_key])
        labels = read_idx(paths[labels_key]).astype(np.int64)
        if images.ndim != 3 or labels.shape != images.shape[:1]:
            raise ValueError(f"MNIST {what}: images {images.shape} and labels {labels.shape} do not match")
        scaled = images.astype(np.float32) / np.float32(255)
        return Dataset(scaled.reshape(len(scaled), -1), labels,
                       f"MNIST {what}: {len(labels)} handwritten digits, 28×28 grey levels in [0, 1]",
                       scaled)

    return split("train_images", "train_labels", "training set"), split("test_images", "test_labels",
                                                                         "test set")
