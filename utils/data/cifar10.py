"""CIFAR-10 (python version): download once into a cache folder, then load from there.

The official archive holds ``cifar-10-batches-py/`` with five training batches,
one test batch and ``batches.meta``; each batch is a pickle whose ``b"data"`` is
``(N, 3072)`` uint8 in channel-major order (1024 red, 1024 green, 1024 blue values
per image) and whose ``b"labels"`` lists N class indices.
"""

from __future__ import annotations

import os
import pickle
import shutil
import tarfile
import tempfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from utils.data.cache import resolve_cache_dir
from utils.data.download import download_verified
from utils.data.errors import OFFLINE_HINT, DatasetError

__all__ = [
    "CIFAR10_ARCHIVE",
    "CIFAR10_FOLDER",
    "CIFAR10_MD5",
    "CIFAR10_URL",
    "load_cifar10",
]

CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
CIFAR10_MD5 = "c58f30108f718f92721af3b95e74349a"
CIFAR10_ARCHIVE = "cifar-10-python.tar.gz"
CIFAR10_FOLDER = "cifar-10-batches-py"

_TRAIN_BATCHES = tuple(f"data_batch_{i}" for i in range(1, 6))
_TEST_BATCH = "test_batch"
_META = "batches.meta"
_REQUIRED = (*_TRAIN_BATCHES, _TEST_BATCH, _META)
_IMAGE_SHAPE = (32, 32, 3)
# What unpickling a damaged or foreign file can raise.
_UNPICKLE_ERRORS = (
    OSError,
    EOFError,
    pickle.UnpicklingError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    ImportError,
)


def load_cifar10(
    root: str | os.PathLike[str] | None = None,
    download: bool = True,
    *,
    url: str = CIFAR10_URL,
    md5: str = CIFAR10_MD5,
    timeout: float = 60.0,
) -> dict[str, Any]:
    """Load CIFAR-10, downloading it into the cache folder the first time.

    Args:
        root: cache folder; default ``$NNDL_DATA``, else ``~/.cache/nndl``
            (``%LOCALAPPDATA%\\nndl`` on Windows). The data lives in
            ``<root>/cifar-10-batches-py/``; once there, no network is used.
        download: fetch the archive (~163 MB) when the data is not cached yet.
        url: where to fetch the archive from (default: the official address).
        md5: expected MD5 of the archive (default: the official one).
        timeout: seconds to wait for the server before giving up.

    Returns:
        dict with
        ``X_train``: (N_train, 32, 32, 3) uint8 (N_train = 50000),
        ``y_train``: (N_train,) int64 in [0, 10),
        ``X_test``: (N_test, 32, 32, 3) uint8 (N_test = 10000),
        ``y_test``: (N_test,) int64,
        ``class_names``: list of 10 str (``"airplane"``, ...),
        ``image_shape``: ``(32, 32, 3)``.

    Raises:
        DatasetError: the data is not cached and ``download`` is False, or the
            download, checksum, extraction or reading failed. Nothing half-written
            is left in the cache folder.
    """
    cache = resolve_cache_dir(root)
    folder = cache / CIFAR10_FOLDER
    if not folder.is_dir():
        if not download:
            raise DatasetError(
                f"CIFAR-10 is not in the cache folder {folder} and download=False. "
                f"Call load_cifar10(download=True) on a machine with internet, or copy "
                f"the extracted {CIFAR10_FOLDER}/ folder there. {OFFLINE_HINT}"
            )
        _download_and_extract(cache, url=url, md5=md5, timeout=timeout)
    missing = [name for name in _REQUIRED if not (folder / name).is_file()]
    if missing:
        raise DatasetError(
            f"The cached CIFAR-10 folder {folder} is incomplete (missing: "
            f"{', '.join(missing)}). Delete that folder and call load_cifar10 again."
        )
    return _read_folder(folder)


def _download_and_extract(cache: Path, *, url: str, md5: str, timeout: float) -> None:
    """Download, verify and extract the archive; rename the result into ``cache``."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise DatasetError(f"Cannot create the cache folder {cache} ({err}).") from None
    print(f"Downloading CIFAR-10 from {url} into {cache} (about 163 MB, once).")
    archive = download_verified(url, cache, md5, desc=CIFAR10_ARCHIVE, timeout=timeout)
    staging = Path(tempfile.mkdtemp(dir=cache, prefix=".cifar-10-extract."))
    try:
        _extract(archive, staging)
        extracted = staging / CIFAR10_FOLDER
        missing = [name for name in _REQUIRED if not (extracted / name).is_file()]
        if missing:
            raise DatasetError(
                f"The archive from {url} does not hold {CIFAR10_FOLDER}/ with "
                f"{', '.join(missing)}; is it the python version of CIFAR-10? {OFFLINE_HINT}"
            )
        try:
            os.replace(extracted, cache / CIFAR10_FOLDER)
        except OSError:
            # Another process may have finished the same download first.
            if not (cache / CIFAR10_FOLDER).is_dir():
                raise
    finally:
        archive.unlink(missing_ok=True)
        shutil.rmtree(staging, ignore_errors=True)
    print(f"CIFAR-10 is ready in {cache / CIFAR10_FOLDER}.")


def _extract(archive: Path, dest: Path) -> None:
    """Extract a .tar.gz into ``dest``, turning any damage into a DatasetError."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(dest, filter="data")
    except (tarfile.TarError, EOFError, zlib.error, OSError) as err:
        raise DatasetError(
            f"The downloaded archive is corrupt or truncated and cannot be extracted "
            f"({type(err).__name__}: {err}). Nothing was kept; try again. {OFFLINE_HINT}"
        ) from None


def _read_folder(folder: Path) -> dict[str, Any]:
    """Read the six batches and the class names from an extracted folder."""
    parts = [_read_batch(folder / name) for name in _TRAIN_BATCHES]
    X_test, y_test = _read_batch(folder / _TEST_BATCH)
    meta = _unpickle(folder / _META)
    try:
        class_names = [
            name.decode("utf-8") if isinstance(name, bytes) else str(name)
            for name in meta[b"label_names"]
        ]
    except (KeyError, TypeError, UnicodeDecodeError) as err:
        raise _corrupt(folder / _META, err) from None
    return {
        "X_train": np.concatenate([X for X, _ in parts]),
        "y_train": np.concatenate([y for _, y in parts]),
        "X_test": X_test,
        "y_test": y_test,
        "class_names": class_names,
        "image_shape": _IMAGE_SHAPE,
    }


def _read_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Return images (N, 32, 32, 3) uint8 and labels (N,) int64 from one batch file."""
    entry = _unpickle(path)
    try:
        data = np.asarray(entry[b"data"], dtype=np.uint8)
        labels = np.asarray(entry[b"labels"], dtype=np.int64)
    except (KeyError, TypeError, ValueError) as err:
        raise _corrupt(path, err) from None
    pixels = int(np.prod(_IMAGE_SHAPE))
    if data.ndim != 2 or data.shape[1] != pixels or labels.shape != (data.shape[0],):
        raise _corrupt(
            path,
            ValueError(
                f"expected data (N, {pixels}) and labels (N,), got {data.shape} and {labels.shape}"
            ),
        )
    H, W, C = _IMAGE_SHAPE
    images = data.reshape(-1, C, H, W).transpose(0, 2, 3, 1)
    return np.ascontiguousarray(images), labels


def _unpickle(path: Path) -> Any:
    """Load one of the archive's pickles (written by Python 2, hence bytes keys)."""
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh, encoding="bytes")
    except _UNPICKLE_ERRORS as err:
        raise _corrupt(path, err) from None


def _corrupt(path: Path, err: BaseException) -> DatasetError:
    """Error for a cached file that cannot be read, telling how to recover."""
    return DatasetError(
        f"The cached file {path} is unreadable ({type(err).__name__}: {err}). "
        f"Delete the folder {path.parent} and call load_cifar10 again."
    )
