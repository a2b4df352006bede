"""End-to-end tests of the CIFAR-10 loader against a real local HTTP server.

The tests build a tiny archive in the exact format of the official
``cifar-10-python.tar.gz`` (pickled batches with the same keys, 20 images each)
and serve it from a ``ThreadingHTTPServer`` on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import socket
import tarfile
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from utils.data import DatasetError, default_cache_dir, load_cifar10, load_dataset
from utils.data.cifar10 import CIFAR10_FOLDER

PER_BATCH = 20
TRAIN_BATCHES = [f"data_batch_{i}" for i in range(1, 6)]
LABEL_NAMES = [
    b"airplane", b"automobile", b"bird", b"cat", b"deer",
    b"dog", b"frog", b"horse", b"ship", b"truck",
]  # fmt: skip
ARCHIVE_PATH = "/cifar-10-python.tar.gz"


# --------------------------------------------------------------------------- data


def _write_batch(path: Path, data: np.ndarray, labels: np.ndarray, name: str) -> None:
    """Write one batch the way the official (Python 2) pickles hold it."""
    entry = {
        b"batch_label": name.encode(),
        b"labels": [int(v) for v in labels],
        b"data": data,
        b"filenames": [f"img_{i}.png".encode() for i in range(len(labels))],
    }
    with open(path, "wb") as fh:
        pickle.dump(entry, fh, protocol=2)


def _write_tree(parent: Path, seed: int = 0, skip: tuple[str, ...] = ()) -> dict:
    """Create ``parent/cifar-10-batches-py/`` with random batches; return the raw rows."""
    rng = np.random.default_rng(seed)
    folder = parent / CIFAR10_FOLDER
    folder.mkdir(parents=True)
    raw = {}
    for name in [*TRAIN_BATCHES, "test_batch"]:
        data = rng.integers(0, 256, size=(PER_BATCH, 3072), dtype=np.uint8)
        labels = rng.integers(0, 10, size=PER_BATCH)
        raw[name] = (data, labels)
        if name not in skip:
            _write_batch(folder / name, data, labels, name)
    meta = {b"num_cases_per_batch": PER_BATCH, b"label_names": LABEL_NAMES, b"num_vis": 3072}
    with open(folder / "batches.meta", "wb") as fh:
        pickle.dump(meta, fh, protocol=2)
    return raw


def _tarball(tmp: Path, skip: tuple[str, ...] = ()) -> tuple[bytes, dict]:
    """Return the bytes of a .tar.gz holding ``cifar-10-batches-py/`` and the raw rows."""
    raw = _write_tree(tmp, skip=skip)
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(tmp / CIFAR10_FOLDER, arcname=CIFAR10_FOLDER)
    return buffer.getvalue(), raw


def _images(data: np.ndarray) -> np.ndarray:
    """Expected (N, 32, 32, 3) images: pixel (r, c) of channel ch is data[ch*1024 + r*32 + c]."""
    r = np.arange(32)[:, None, None]
    c = np.arange(32)[None, :, None]
    ch = np.arange(3)[None, None, :]
    return data[:, ch * 1024 + r * 32 + c]


def _md5(blob: bytes) -> str:
    return hashlib.md5(blob, usedforsecurity=False).hexdigest()


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> tuple[bytes, dict]:
    """The tiny archive's bytes and the rows it holds."""
    return _tarball(tmp_path_factory.mktemp("archive"))


# ------------------------------------------------------------------------- server


class _Server:
    """A real HTTP server on 127.0.0.1 whose routes the tests configure."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, bytes, int | None]] = {}
        self.requests: list[str] = []
        served = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                served.requests.append(self.path)
                if self.path not in served.routes:
                    self.send_error(404, "Not Found")
                    return
                status, body, length = served.routes[self.path]
                self.send_response(status)
                self.send_header("Content-Type", "application/gzip")
                self.send_header("Content-Length", str(len(body) if length is None else length))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def url(self, path: str) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}{path}"

    def serve(self, path: str, body: bytes, *, length: int | None = None) -> str:
        """Serve ``body`` at ``path``, announcing ``length`` bytes (default: the truth)."""
        self.routes[path] = (200, body, length)
        return self.url(path)


@pytest.fixture
def server():
    srv = _Server()
    srv.thread.start()
    try:
        yield srv
    finally:
        srv.httpd.shutdown()
        srv.httpd.server_close()
        srv.thread.join(timeout=10)


def _closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _leftovers(cache: Path) -> list[str]:
    """Everything in the cache folder (including hidden temp files)."""
    return sorted(os.listdir(cache)) if cache.exists() else []


# -------------------------------------------------------------------------- tests


def test_download_round_trips_every_pixel_and_label(server, archive, tmp_path, capsys):
    """Does a download return the archive's images (N, 32, 32, 3) uint8 and labels exactly?"""
    blob, raw = archive
    url = server.serve(ARCHIVE_PATH, blob)
    data = load_cifar10(tmp_path / "cache", download=True, url=url, md5=_md5(blob))

    expected_X = np.concatenate([_images(raw[name][0]) for name in TRAIN_BATCHES])
    expected_y = np.concatenate([raw[name][1] for name in TRAIN_BATCHES])
    assert data["X_train"].shape == (5 * PER_BATCH, 32, 32, 3)
    assert data["X_train"].dtype == np.uint8 and data["y_train"].dtype == np.int64
    assert np.array_equal(data["X_train"], expected_X)
    assert np.array_equal(data["y_train"], expected_y)
    assert np.array_equal(data["X_test"], _images(raw["test_batch"][0]))
    assert np.array_equal(data["y_test"], raw["test_batch"][1])
    assert data["class_names"] == [name.decode() for name in LABEL_NAMES]
    assert data["image_shape"] == (32, 32, 3)


def test_download_shows_a_progress_bar_and_keeps_only_the_data(server, archive, tmp_path, capsys):
    """Is a tqdm bar shown, and does the cache end up holding only the extracted folder?"""
    blob, _ = archive
    cache = tmp_path / "cache"
    load_cifar10(cache, url=server.serve(ARCHIVE_PATH, blob), md5=_md5(blob))
    out, err = capsys.readouterr()
    assert "cifar-10-python.tar.gz" in err and "100%" in err
    assert str(cache) in out
    assert _leftovers(cache) == [CIFAR10_FOLDER]


def test_cached_data_is_reused_without_any_request(server, archive, tmp_path):
    """After one download, do later calls (even with download=False) skip the network?"""
    blob, _ = archive
    url = server.serve(ARCHIVE_PATH, blob)
    first = load_cifar10(tmp_path, url=url, md5=_md5(blob))
    second = load_cifar10(tmp_path, url=url, md5=_md5(blob))
    third = load_cifar10(tmp_path, download=False)
    assert server.requests == [ARCHIVE_PATH]
    assert np.array_equal(first["X_train"], second["X_train"])
    assert np.array_equal(first["X_test"], third["X_test"])


def test_checksum_mismatch_names_both_hashes_and_keeps_nothing(server, archive, tmp_path):
    """Does a wrong MD5 raise DatasetError naming expected and actual hashes, leaving no file?"""
    blob, _ = archive
    wrong = _md5(b"something else")
    with pytest.raises(DatasetError, match="[Cc]hecksum") as info:
        load_cifar10(tmp_path, url=server.serve(ARCHIVE_PATH, blob), md5=wrong)
    assert wrong in str(info.value) and _md5(blob) in str(info.value)
    assert 'load_dataset("digits")' in str(info.value)
    assert _leftovers(tmp_path) == []


def test_truncated_transfer_is_reported_and_leaves_nothing(server, archive, tmp_path):
    """When the server sends half of what its Content-Length promised, is that said clearly?"""
    blob, _ = archive
    url = server.serve(ARCHIVE_PATH, blob[: len(blob) // 2], length=len(blob))
    with pytest.raises(DatasetError, match="cut off") as info:
        load_cifar10(tmp_path, url=url, md5=_md5(blob))
    assert str(len(blob)) in str(info.value)
    assert _leftovers(tmp_path) == []


def test_corrupt_archive_with_matching_checksum_is_reported(server, archive, tmp_path):
    """Is a damaged gzip (whose MD5 matches) refused as corrupt, with nothing left behind?"""
    blob, _ = archive
    cut = blob[: len(blob) // 2]
    with pytest.raises(DatasetError, match="corrupt or truncated"):
        load_cifar10(tmp_path, url=server.serve(ARCHIVE_PATH, cut), md5=_md5(cut))
    assert _leftovers(tmp_path) == []


def test_archive_without_a_batch_is_refused(server, tmp_path):
    """Does an archive that lacks test_batch raise DatasetError naming the missing file?"""
    blob, _ = _tarball(tmp_path / "src", skip=("test_batch",))
    cache = tmp_path / "cache"
    with pytest.raises(DatasetError, match="test_batch"):
        load_cifar10(cache, url=server.serve(ARCHIVE_PATH, blob), md5=_md5(blob))
    assert _leftovers(cache) == []


def test_offline_machine_gets_a_clear_message(tmp_path):
    """When the connection is refused, does the message say offline and suggest digits?"""
    url = f"http://127.0.0.1:{_closed_port()}{ARCHIVE_PATH}"
    with pytest.raises(DatasetError, match="offline") as info:
        load_cifar10(tmp_path, url=url, md5=_md5(b""))
    assert 'load_dataset("digits")' in str(info.value)
    assert _leftovers(tmp_path) == []


def test_http_404_is_reported(server, tmp_path):
    """Does a missing file on the server raise DatasetError quoting HTTP 404?"""
    with pytest.raises(DatasetError, match="HTTP 404"):
        load_cifar10(tmp_path, url=server.url("/no-such-file.tar.gz"), md5=_md5(b""))
    assert server.requests == ["/no-such-file.tar.gz"]
    assert _leftovers(tmp_path) == []


def test_download_false_without_cache_names_the_folder(server, tmp_path):
    """With download=False and an empty cache, is the error explicit about the folder?"""
    cache = tmp_path / "empty"
    with pytest.raises(DatasetError, match="download=False") as info:
        load_cifar10(cache, download=False, url=server.url(ARCHIVE_PATH))
    assert str(cache / CIFAR10_FOLDER) in str(info.value)
    assert server.requests == []


def test_incomplete_cache_folder_is_reported(tmp_path):
    """Does a cache folder missing a batch raise DatasetError naming the missing file?"""
    _write_tree(tmp_path, skip=("data_batch_3",))
    with pytest.raises(DatasetError, match="data_batch_3"):
        load_cifar10(tmp_path, download=False)


def test_corrupt_cached_batch_is_reported(tmp_path):
    """Is a damaged pickle in the cache refused with its path and a way to recover?"""
    _write_tree(tmp_path)
    bad = tmp_path / CIFAR10_FOLDER / "data_batch_2"
    bad.write_bytes(b"not a pickle")
    with pytest.raises(DatasetError, match="Delete the folder") as info:
        load_cifar10(tmp_path, download=False)
    assert str(bad) in str(info.value)


def test_cache_folder_comes_from_nndl_data(tmp_path, monkeypatch):
    """Without root, is the folder named by $NNDL_DATA used?"""
    raw = _write_tree(tmp_path)
    monkeypatch.setenv("NNDL_DATA", str(tmp_path))
    assert default_cache_dir() == tmp_path
    data = load_cifar10(download=False)
    assert np.array_equal(data["y_test"], raw["test_batch"][1])


def test_default_cache_folder_is_in_the_user_cache(monkeypatch, tmp_path):
    """Without $NNDL_DATA, is the cache ~/.cache/nndl on POSIX systems?"""
    monkeypatch.delenv("NNDL_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    expected = Path.home() / ".cache" / "nndl"
    if os.name == "nt":
        expected = Path(os.environ["LOCALAPPDATA"]) / "nndl"
    assert default_cache_dir() == expected


# ------------------------------------------------------------ load_dataset(cifar10)


@pytest.fixture
def tiny_cache(tmp_path) -> tuple[Path, dict]:
    return tmp_path, _write_tree(tmp_path)


def _raw_train(raw: dict) -> tuple[np.ndarray, np.ndarray]:
    X = np.concatenate([_images(raw[name][0]) for name in TRAIN_BATCHES])
    y = np.concatenate([raw[name][1] for name in TRAIN_BATCHES])
    return X, y


def test_dataset_holds_out_the_last_images_for_validation(tiny_cache):
    """Are the last num_val official training images the validation set, scaled to [0, 1]?"""
    root, raw = tiny_cache
    X, y = _raw_train(raw)
    data = load_dataset("cifar10", num_val=20, subtract_mean=False, root=root)
    assert data["X_train"].shape == (80, 3072) and data["X_val"].shape == (20, 3072)
    assert data["X_test"].shape == (PER_BATCH, 3072)
    assert np.array_equal(data["X_val"], X[-20:].reshape(20, -1) / 255.0)
    assert np.array_equal(data["y_val"], y[-20:])
    assert np.array_equal(data["X_train"], X[:80].reshape(80, -1) / 255.0)
    assert np.array_equal(data["mean"], np.zeros(3072))


def test_dataset_subtracts_the_training_mean(tiny_cache):
    """With subtract_mean, is the training mean (D,) removed from all three sets?"""
    root, _ = tiny_cache
    plain = load_dataset("cifar10", num_val=20, subtract_mean=False, root=root)
    centred = load_dataset("cifar10", num_val=20, root=root)
    mean = plain["X_train"].mean(axis=0)
    assert np.allclose(centred["mean"], mean, rtol=0, atol=1e-12)
    for part in ("train", "val", "test"):
        assert np.allclose(centred[f"X_{part}"], plain[f"X_{part}"] - mean, rtol=0, atol=1e-12)


def test_dataset_keeps_image_shape_and_subsamples(tiny_cache):
    """Do flatten=False, float32 and smaller num_* give (N, 32, 32, 3) float32 subsets?"""
    root, raw = tiny_cache
    X, _ = _raw_train(raw)
    data = load_dataset(
        "cifar10", num_train=30, num_val=10, num_test=5, flatten=False, dtype=np.float32,
        subtract_mean=False, root=root, seed=3,
    )  # fmt: skip
    assert data["X_train"].shape == (30, 32, 32, 3) and data["X_train"].dtype == np.float32
    assert data["X_test"].shape == (5, 32, 32, 3) and data["mean"].shape == (32, 32, 3)
    pool = (X[:90] / np.float32(255)).astype(np.float32)
    rows = {row.tobytes() for row in pool}
    assert all(row.tobytes() in rows for row in data["X_train"])
    again = load_dataset(
        "cifar10", num_train=30, num_val=10, num_test=5, flatten=False, dtype=np.float32,
        subtract_mean=False, root=root, seed=3,
    )  # fmt: skip
    assert np.array_equal(again["X_train"], data["X_train"])


def test_dataset_default_sizes_do_not_fit_a_tiny_cache(tiny_cache):
    """Does the default num_val=1000 on a 100-image cache raise a ValueError saying so?"""
    root, _ = tiny_cache
    with pytest.raises(ValueError, match="num_val=1000 is too large"):
        load_dataset("cifar10", root=root)
