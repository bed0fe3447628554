"""mlcourse.data: shapes, determinism, offline loading, clear errors."""

import numpy as np
import pytest

from mlcourse import data

pytestmark = pytest.mark.foundations


def test_digits_ship_with_scikit_learn():
    d = data.digits()
    assert d.X.shape == (1797, 64) and d.y.shape == (1797,) and d.images.shape == (1797, 8, 8)
    assert d.X.min() == 0.0 and d.X.max() == 1.0
    assert set(np.unique(d.y)) == set(range(10))
    np.testing.assert_array_equal(d.images.reshape(1797, 64), d.X)


@pytest.mark.parametrize("make", [data.toy_regression, data.two_moons])
def test_generators_are_seeded(make):
    a = make(50, 0.1, rng=np.random.default_rng(7))
    b = make(50, 0.1, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert a.X.shape[0] == a.y.shape[0] == 50
    assert a.description


def test_generators_reject_bad_input():
    with pytest.raises(TypeError, match=r"rng must be a numpy\.random\.Generator"):
        data.two_moons(10, rng=0)
    with pytest.raises(ValueError, match="n_samples must be >= 1"):
        data.toy_regression(0, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="noise must be >= 0"):
        data.two_moons(10, noise=-1, rng=np.random.default_rng(0))


def test_diabetes_ships_with_scikit_learn():
    from sklearn.datasets import load_diabetes

    d = data.diabetes()
    raw = load_diabetes()
    assert d.X.shape == (442, 10) and d.y.shape == (442,) and d.X.dtype == np.float64
    np.testing.assert_array_equal(d.X, raw.data)
    np.testing.assert_array_equal(d.y, raw.target)
    # the features are centred and scaled to unit norm by scikit-learn
    np.testing.assert_allclose(d.X.mean(axis=0), 0.0, atol=1e-15)
    np.testing.assert_allclose(np.linalg.norm(d.X, axis=0), 1.0, rtol=1e-12)
    assert "diabetes" in d.description


# --- MNIST on request: IDX reading, checksummed downloads, no partial files ----------------------

import gzip  # noqa: E402
import hashlib  # noqa: E402
import io  # noqa: E402
import struct  # noqa: E402


def idx_bytes(array) -> bytes:
    """An IDX file for a uint8 array, written from the format's definition."""
    array = np.asarray(array, dtype=np.uint8)
    return bytes([0, 0, 0x08, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()


def small_mnist(tmp_path, n_train=5, n_test=3):
    """Small stand-ins for the four MNIST files (gzip-compressed IDX), and their digests."""
    rng = np.random.default_rng(0)
    contents = {
        "train_images": rng.integers(0, 256, size=(n_train, 28, 28)),
        "train_labels": rng.integers(0, 10, size=n_train),
        "test_images": rng.integers(0, 256, size=(n_test, 28, 28)),
        "test_labels": rng.integers(0, 10, size=n_test),
    }
    blobs, files = {}, {}
    for key, array in contents.items():
        name = data.MNIST_FILES[key][0]
        blob = gzip.compress(idx_bytes(array))
        blobs[name] = blob
        files[key] = (name, hashlib.sha256(blob).hexdigest())
    return contents, blobs, files


class FakeServer:
    """Serves bytes from memory in place of the network; can fail halfway through a file."""

    def __init__(self, blobs, fail_after=None):
        self.blobs, self.fail_after, self.requests = blobs, fail_after, []

    def __call__(self, url):
        self.requests.append(url)
        blob = self.blobs[url.rsplit("/", 1)[-1]]
        server = self

        class Response(io.BytesIO):
            def read(self, n=-1):
                if server.fail_after is not None and self.tell() >= server.fail_after:
                    raise OSError("connection reset")
                return super().read(min(n, 7) if n and n > 0 else n)

            def __exit__(self, *exc):
                self.close()
                return False

        return Response(blob)


def test_read_idx_round_trip(tmp_path):
    array = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "a.idx").write_bytes(idx_bytes(array))
    (tmp_path / "a.idx.gz").write_bytes(gzip.compress(idx_bytes(array)))
    np.testing.assert_array_equal(data.read_idx(tmp_path / "a.idx"), array)
    np.testing.assert_array_equal(data.read_idx(tmp_path / "a.idx.gz"), array)


@pytest.mark.parametrize(
    "blob, pattern",
    [
        (b"\x00\x00", "fewer than the 4-byte header"),
        (b"\x01\x00\x08\x01" + b"\x00" * 8, "bad magic number"),
        (bytes([0, 0, 0x08, 3, 0, 0]), "truncated IDX header"),
        (idx_bytes(np.zeros((4, 4)))[:-3], r"corrupted or truncated IDX file: shape \(4, 4\) needs 16 bytes"),
        (idx_bytes(np.zeros(3)) + b"\x00", "needs 3 bytes of data, found 4"),
    ],
)
def test_read_idx_rejects_corrupted_files(tmp_path, blob, pattern):
    (tmp_path / "bad.idx").write_bytes(blob)
    with pytest.raises(ValueError, match=pattern):
        data.read_idx(tmp_path / "bad.idx")


def test_read_idx_rejects_corrupted_gzip(tmp_path):
    (tmp_path / "bad.idx.gz").write_bytes(gzip.compress(idx_bytes(np.zeros(10)))[:-6])
    with pytest.raises(ValueError, match="corrupted gzip data"):
        data.read_idx(tmp_path / "bad.idx.gz")


def test_mnist_downloads_on_request_and_checks_digests(tmp_path):
    contents, blobs, files = small_mnist(tmp_path)
    server = FakeServer(blobs)
    with pytest.raises(FileNotFoundError, match=r"call mnist\(download=True\)"):
        data.mnist(tmp_path, files=files, opener=server)
    assert server.requests == []  # nothing is fetched unless asked
    train, test = data.mnist(tmp_path, download=True, files=files, opener=server, mirror="mirror/")
    assert len(server.requests) == 4
    assert train.X.shape == (5, 784) and train.images.shape == (5, 28, 28) and test.y.shape == (3,)
    np.testing.assert_allclose(train.images * 255, contents["train_images"], rtol=1e-6)
    np.testing.assert_array_equal(test.y, contents["test_labels"])
    data.mnist(tmp_path, files=files, opener=server)  # now from the cache
    assert len(server.requests) == 4


def test_a_wrong_checksum_keeps_nothing(tmp_path):
    _, blobs, files = small_mnist(tmp_path)
    name, _ = files["train_labels"]
    with pytest.raises(ValueError, match=r"checksum mismatch .* the file was not kept"):
        data.fetch("mirror/" + name, tmp_path / name, "0" * 64, opener=FakeServer(blobs))
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_download_leaves_no_partial_file(tmp_path):
    _, blobs, files = small_mnist(tmp_path)
    name, digest = files["train_images"]
    with pytest.raises(OSError, match="connection reset"):
        data.fetch("mirror/" + name, tmp_path / name, digest, opener=FakeServer(blobs, fail_after=20))
    assert list(tmp_path.iterdir()) == []


def test_a_corrupted_cache_file_is_reported(tmp_path):
    _, blobs, files = small_mnist(tmp_path)
    data.mnist(tmp_path, download=True, files=files, opener=FakeServer(blobs))
    (tmp_path / files["test_labels"][0]).write_bytes(b"not what was downloaded")
    with pytest.raises(ValueError, match="does not have the expected SHA-256"):
        data.mnist(tmp_path, files=files)


def test_the_real_mnist_digests_are_pinned():
    assert {k: len(v[1]) for k, v in data.MNIST_FILES.items()} == dict.fromkeys(data.MNIST_FILES, 64)
    with pytest.raises(ValueError, match="sha256 must be 64 hexadecimal digits"):
        data.fetch("x", "y", "abc")
