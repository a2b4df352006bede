"""Length-prefixed frames over a pipe, shared by the grader and the worker."""

from __future__ import annotations

import os
import struct

_HEADER = struct.Struct("<Q")
MAX_FRAME = 1 << 31  # 2 GiB: a sane upper bound for one message


def write_frame(fd: int, payload: bytes) -> None:
    """Write one frame (length + payload) to ``fd``, looping over partial writes."""
    data = memoryview(_HEADER.pack(len(payload)) + payload)
    while data:
        written = os.write(fd, data)
        data = data[written:]


def read_exact(fd: int, size: int) -> bytes:
    """Read exactly ``size`` bytes; raises EOFError when the other side closed early."""
    chunks = []
    remaining = size
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("pipe closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int) -> bytes:
    """Read one frame written by ``write_frame``."""
    (size,) = _HEADER.unpack(read_exact(fd, _HEADER.size))
    if size > MAX_FRAME:
        raise EOFError(f"frame of {size} bytes is larger than allowed")
    return read_exact(fd, size)
