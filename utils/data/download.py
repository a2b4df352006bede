"""Streamed, checksummed downloads that leave nothing behind when they fail."""

from __future__ import annotations

import hashlib
import http.client
import os
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from tqdm import tqdm

from utils.data.errors import OFFLINE_HINT, DatasetError

__all__ = ["CHUNK_SIZE", "download_verified"]

CHUNK_SIZE = 1 << 20  # bytes read per step (1 MiB)


def download_verified(
    url: str,
    folder: Path,
    md5: str,
    *,
    desc: str,
    timeout: float = 60.0,
) -> Path:
    """Download ``url`` into a new temporary file inside ``folder`` and check its MD5.

    The file is streamed in chunks with a tqdm progress bar (sized by the
    server's Content-Length). On success the caller owns the returned file and
    must delete it; on any failure (including Ctrl-C) it is removed here.

    Args:
        url: address to fetch (http, https or file).
        folder: existing folder that receives the temporary file.
        md5: expected hex MD5 digest of the whole file.
        desc: label of the progress bar.
        timeout: seconds to wait for the connection or for the next chunk.

    Returns:
        Path of the verified temporary file.

    Raises:
        DatasetError: no connection, an HTTP error, a cut-off transfer, a write
            error, or a checksum mismatch (the message names both digests).
    """
    fd, name = tempfile.mkstemp(dir=folder, prefix=f".{desc}.", suffix=".part")
    part = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            digest = _stream(url, out, desc=desc, timeout=timeout)
        if digest.lower() != md5.lower():
            raise DatasetError(
                f"Checksum mismatch for {url}: expected MD5 {md5.lower()}, "
                f"got {digest}. The file was damaged in transit or replaced; "
                f"nothing was kept, try again later. {OFFLINE_HINT}"
            )
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return part


def _stream(url: str, out: BinaryIO, *, desc: str, timeout: float) -> str:
    """Copy ``url`` into the open binary file ``out``; return the hex MD5 of what was read."""
    host = urlsplit(url).netloc or url
    try:
        response = urllib.request.urlopen(url, timeout=timeout)
    except urllib.error.HTTPError as err:
        raise DatasetError(
            f"Download of {url} failed: the server answered HTTP {err.code} {err.reason}. "
            f"{OFFLINE_HINT}"
        ) from None
    except urllib.error.URLError as err:
        raise DatasetError(
            f"Could not connect to {host} ({err.reason}); you seem to be offline or "
            f"the server is unreachable. {OFFLINE_HINT}"
        ) from None
    except (TimeoutError, OSError, ValueError) as err:
        raise DatasetError(f"Could not open {url} ({err}). {OFFLINE_HINT}") from None

    md5 = hashlib.md5(usedforsecurity=False)
    received = 0
    with response:
        length = response.headers.get("Content-Length") if hasattr(response, "headers") else None
        total = int(length) if length and length.isdigit() else None
        with tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=desc) as bar:
            while True:
                try:
                    chunk = response.read(CHUNK_SIZE)
                except http.client.IncompleteRead as err:
                    received += len(err.partial)
                    raise DatasetError(_cut_off(url, received, total)) from None
                except (TimeoutError, OSError) as err:
                    raise DatasetError(
                        f"The connection to {host} broke after {received} bytes ({err}). "
                        f"Nothing was kept; try again. {OFFLINE_HINT}"
                    ) from None
                if not chunk:
                    break
                try:
                    out.write(chunk)
                except OSError as err:
                    raise DatasetError(
                        f"Could not write the download to {out.name} ({err}); "
                        "is the disk full or the folder read-only?"
                    ) from None
                md5.update(chunk)
                received += len(chunk)
                bar.update(len(chunk))
    if total is not None and received != total:
        raise DatasetError(_cut_off(url, received, total))
    return md5.hexdigest()


def _cut_off(url: str, received: int, total: int | None) -> str:
    """Message for a transfer that ended before the announced length."""
    expected = f"of {total} " if total is not None else ""
    return (
        f"The download of {url} was cut off: received {received} bytes {expected}"
        f"(truncated transfer). Nothing was kept; try again. {OFFLINE_HINT}"
    )
