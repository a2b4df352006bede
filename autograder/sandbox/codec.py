"""A data-only wire format for values coming back from student code.

``encode`` turns a value into bytes: a JSON header describing the structure, followed by
the raw bytes of every numeric array. ``decode`` rebuilds the value and never calls
anything the bytes name, so a malicious return value cannot execute code in the grader
(unlike ``pickle``). Unsupported objects become an ``Opaque`` record with their type name,
which the tests report as "returned an object of type X".
"""

from __future__ import annotations

import json
import math
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

# numeric kinds only: bool, signed/unsigned int, float, complex
_ARRAY_KINDS = frozenset("biufc")
_MAX_DEPTH = 64


@dataclass(frozen=True)
class Opaque:
    """Stands in for a value the codec does not carry (a function, a custom object...)."""

    type_name: str
    summary: str

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


class CodecError(ValueError):
    """The bytes do not describe a valid value."""


class TooLarge(ValueError):
    """The arrays of a value hold more than ``encode``'s ``max_bytes``."""

    def __init__(self, size: int) -> None:
        super().__init__(f"at least {size} bytes of array data")
        self.size = size


class _Buffers(list):
    """The arrays' bytes, refused once they would pass ``max_bytes`` (before copying)."""

    def __init__(self, max_bytes: int | None) -> None:
        super().__init__()
        self.max_bytes = max_bytes
        self.total = 0

    def add(self, arr: np.ndarray) -> None:
        self.total += arr.nbytes
        if self.max_bytes is not None and self.total > self.max_bytes:
            raise TooLarge(self.total)
        self.append(np.ascontiguousarray(arr).tobytes())


def encode(value: Any, max_bytes: int | None = None) -> bytes:
    """Serialize ``value`` into a self-describing byte string; raises ``TooLarge`` as soon
    as its arrays pass ``max_bytes`` (so a huge result costs no copy)."""
    buffers = _Buffers(max_bytes)
    header = _describe(value, buffers, depth=0)
    head = json.dumps(header, allow_nan=True).encode()
    parts = [struct.pack("<II", len(head), len(buffers)), head]
    for buf in buffers:
        parts.append(struct.pack("<Q", len(buf)))
        parts.append(buf)
    return b"".join(parts)


def decode(data: bytes) -> Any:
    """Rebuild a value from ``encode``'s bytes; raises ``CodecError`` on malformed input."""
    try:
        head_len, n_buffers = struct.unpack_from("<II", data, 0)
        offset = 8
        header = json.loads(data[offset : offset + head_len])
        offset += head_len
        buffers = []
        for _ in range(n_buffers):
            (size,) = struct.unpack_from("<Q", data, offset)
            offset += 8
            buffers.append(data[offset : offset + size])
            offset += size
        return _rebuild(header, buffers, depth=0)
    except CodecError:
        raise
    except Exception as exc:  # noqa: BLE001 - struct/json/numpy errors all mean "malformed"
        raise CodecError(f"malformed result message: {exc}") from None


def _describe(value: Any, buffers: _Buffers, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        return {"opaque": "nested structure", "summary": "nested too deeply"}
    if value is None or type(value) is bool:
        return {"v": value}
    if isinstance(value, str):  # str subclasses, np.str_ included, travel as plain text
        return {"v": str.__str__(value)}
    # numpy scalars before int and float: np.float64 is a float subclass (whose repr,
    # "np.float64(inf)", is no float literal); they travel as 0-d arrays and come back
    # as the same numpy type, inf and nan included
    if isinstance(value, np.ndarray | np.generic):
        arr = np.asarray(value)
        if arr.dtype.kind not in _ARRAY_KINDS:
            return {"opaque": f"numpy array of dtype {arr.dtype}", "summary": ""}
        buffers.add(arr)
        return {
            "nd": len(buffers) - 1,
            "dtype": arr.dtype.str,
            "shape": list(arr.shape),
            "scalar": isinstance(value, np.generic),
        }
    if isinstance(value, int):  # bool was handled above; hex has no digit limit
        return {"int": int.__format__(value, "x")}
    if isinstance(value, float):  # the plain float's value, whatever a subclass defines
        number = float.__float__(value)
        return {"float": number if math.isfinite(number) else repr(number)}
    if isinstance(value, tuple | list):
        key = "tuple" if isinstance(value, tuple) else "list"
        return {key: [_describe(v, buffers, depth + 1) for v in value]}
    if isinstance(value, dict):
        items = [[_describe(k, buffers, depth + 1), _describe(v, buffers, depth + 1)]
                 for k, v in value.items()]
        return {"dict": items}
    kind = type(value)
    name = kind.__qualname__
    if kind.__module__ != "builtins":
        name = f"{kind.__module__}.{name}"
    return {"opaque": name, "summary": ""}


def _rebuild(node: Any, buffers: list[bytes], depth: int) -> Any:
    if depth > _MAX_DEPTH + 1 or not isinstance(node, dict) or len(node) == 0:
        raise CodecError("malformed result structure")
    if "v" in node:
        if node["v"] is not None and not isinstance(node["v"], bool | str):
            raise CodecError("malformed plain value")
        return node["v"]
    if "int" in node:
        return int(node["int"], 16)
    if "float" in node:
        v = node["float"]
        return float(v)
    if "nd" in node:
        dtype = np.dtype(node["dtype"])
        if dtype.kind not in _ARRAY_KINDS:
            raise CodecError(f"refused array dtype {dtype}")
        shape = tuple(int(s) for s in node["shape"])
        arr = np.frombuffer(buffers[int(node["nd"])], dtype=dtype).reshape(shape).copy()
        return arr[()] if node.get("scalar") else arr
    if "tuple" in node:
        return tuple(_rebuild(v, buffers, depth + 1) for v in node["tuple"])
    if "list" in node:
        return [_rebuild(v, buffers, depth + 1) for v in node["list"]]
    if "dict" in node:
        out = {}
        for k, v in node["dict"]:
            key = _rebuild(k, buffers, depth + 1)
            try:
                out[key] = _rebuild(v, buffers, depth + 1)
            except TypeError:
                raise CodecError("unhashable dictionary key") from None
        return out
    if "opaque" in node:
        return Opaque(str(node["opaque"]), str(node.get("summary", "")))
    raise CodecError("unknown value kind")
