"""Length-prefixed frames over a pipe, shared by the grader and the worker."""

from __future__ import annotations

import os
import select
import struct
import time

_HEADER = struct.Struct("<Q")
MAX_FRAME = 1 << 31  # 2 GiB: a sane upper bound for one request
MAX_REPLY = 256 << 20  # what one call into student code may send back


class FrameTooLarge(EOFError):
    """The other side announced a frame larger than allowed."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"a frame of {size} bytes is larger than the {limit} allowed")
        self.size, self.limit = size, limit


def write_frame(fd: int, payload: bytes) -> None:
    """Write one frame (length + payload) to ``fd``, looping over partial writes."""
    data = memoryview(_HEADER.pack(len(payload)) + payload)
    while data:
        written = os.write(fd, data)
        data = data[written:]


def read_exact(fd: int, size: int, deadline: float | None = None) -> bytes:
    """Read exactly ``size`` bytes; raises EOFError when the other side closed early and
    TimeoutError when ``deadline`` (a ``time.monotonic()`` value) passes first."""
    chunks = []
    remaining = size
    while remaining:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError("the other side stopped sending")
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError("pipe closed")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_frame(fd: int, deadline: float | None = None, max_size: int = MAX_FRAME) -> bytes:
    """Read one frame written by ``write_frame`` (before ``deadline``, if given)."""
    (size,) = _HEADER.unpack(read_exact(fd, _HEADER.size, deadline))
    if size > max_size:
        raise FrameTooLarge(size, max_size)
    return read_exact(fd, size, deadline)
