"""Step 3: winnowing (Schleimer, Wilkerson and Aiken, SIGMOD 2003) over each unit's tokens.

Every run of ``K`` consecutive tokens inside one unit is hashed; of every ``W``
consecutive hashes the smallest is kept (the rightmost on ties). Two units that share a
run of at least ``K + W - 1`` tokens are guaranteed to share a fingerprint, and a shared
fingerprint means a shared run of at least ``K`` tokens. Hashes are computed from the
tokens' CRC-32 with fixed constants, so they are the same in every process and run.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from autograder.similarity.normalize import NAME, Unit

K = 12  # tokens per k-gram: shorter shared runs are noise (a statement or two)
W = 6   # k-grams per window: shared runs of K + W - 1 = 17 tokens are always found
_BASE = np.uint64(0x9E3779B97F4A7C15)  # odd, so every power is odd and nothing cancels
_NONE = np.iinfo(np.uint64).max
_NAME_IDS = (np.uint64(0x5BD1E995), np.uint64(0x1B873593))  # a name: first + d * second
_IDS: dict[str, tuple[int, int]] = {}


@dataclass
class Fingerprints:
    """Selected k-grams of a document: hash, unit index, and the file lines they span."""

    hashes: np.ndarray  # uint64
    units: np.ndarray   # int32, index into the document's units
    first: np.ndarray   # int32, first file line of the k-gram
    last: np.ndarray    # int32, last file line of the k-gram

    @classmethod
    def empty(cls) -> Fingerprints:
        return cls(np.zeros(0, np.uint64), np.zeros(0, np.int32), np.zeros(0, np.int32),
                   np.zeros(0, np.int32))

    def __len__(self) -> int:
        return len(self.hashes)

    def select(self, keep: np.ndarray) -> Fingerprints:
        return Fingerprints(self.hashes[keep], self.units[keep], self.first[keep],
                            self.last[keep])


def token_info(token: str) -> tuple[int, int]:
    """A token's id (from its CRC-32) and its name code: n + 1 for a chosen name's
    placeholder ``$n``, 0 for any other token."""
    found = _IDS.get(token)
    if found is None:
        code = int(token[1:]) + 1 if token.startswith(NAME) and token[1:].isdigit() else 0
        found = _IDS[token] = (zlib.crc32(token.encode("utf-8", "surrogatepass")) + 1, code)
    return found


def previous_same(codes: np.ndarray) -> np.ndarray:
    """For each token, how many tokens back the same chosen name last occurred (``codes``
    identifies names; 0 is no name); a large value where there is none."""
    far = np.full(len(codes), np.iinfo(np.int64).max // 2, dtype=np.int64)
    named = np.flatnonzero(codes)
    if len(named) < 2:
        return far
    order = named[np.argsort(codes[named], kind="stable")]
    same = codes[order[1:]] == codes[order[:-1]]
    far[order[1:][same]] = order[1:][same] - order[:-1][same]
    return far


def kgram_hashes(ids: np.ndarray, codes: np.ndarray, k: int = K) -> np.ndarray:
    """Hash (mod 2**64) of every run of ``k`` tokens: ``len(ids) - k + 1`` values.

    A chosen name enters as "the same name as d tokens before, in this run" or "a name not
    seen before in this run", so a consistent renaming leaves every hash unchanged."""
    powers = np.ones(k, dtype=np.uint64)
    for i in range(k - 2, -1, -1):
        powers[i] = powers[i + 1] * _BASE
    window = np.lib.stride_tricks.sliding_window_view
    back = window(previous_same(codes), k)
    offsets = np.arange(k)
    seen = np.where(back <= offsets, back, 0).astype(np.uint64)
    values = np.where(window(codes, k) > 0, _NAME_IDS[0] + seen * _NAME_IDS[1], window(ids, k))
    hashes = (values * powers).sum(axis=1, dtype=np.uint64)
    return hashes ^ (hashes >> np.uint64(29))


def winnow(hashes: np.ndarray, w: int = W) -> np.ndarray:
    """Positions selected by winnowing: the rightmost minimum of every window of ``w``."""
    if len(hashes) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(hashes) <= w:
        return np.array([len(hashes) - 1 - int(np.argmin(hashes[::-1]))])
    windows = np.lib.stride_tricks.sliding_window_view(hashes, w)
    rightmost = w - 1 - np.argmin(windows[:, ::-1], axis=1)
    return np.unique(rightmost + np.arange(len(windows)))


def fingerprint(units: list[Unit], k: int = K, w: int = W) -> Fingerprints:
    """The winnowed fingerprints of a document's units (none crosses a unit's boundary)."""
    sizes = [len(u.tokens) for u in units]
    total = sum(sizes)
    if total < k:
        return Fingerprints.empty()
    info = np.array([_IDS.get(t) or token_info(t) for u in units for t in u.tokens],
                    dtype=np.int64).reshape(total, 2)
    ids = info[:, 0].astype(np.uint64)
    owner = np.repeat(np.arange(len(units), dtype=np.int64), sizes)
    codes = np.where(info[:, 1] > 0, info[:, 1] + (owner << 32), 0)  # names of one unit
    starts = np.array([s for u in units for s in u.starts], dtype=np.int32)
    ends = np.array([e for u in units for e in u.ends], dtype=np.int32)
    with np.errstate(over="ignore"):
        hashes = kgram_hashes(ids, codes, k)
    # winnow each unit on its own: w - 1 blanks around every unit keep each window inside
    # one unit, so a unit's fingerprints depend neither on its neighbours nor on its place
    valid = np.flatnonzero(owner[:len(hashes)] == owner[k - 1:])
    if not len(valid):
        return Fingerprints.empty()
    changes = np.concatenate(([0], np.flatnonzero(np.diff(owner[valid])) + 1, [len(valid)]))
    padded = np.insert(valid, np.repeat(changes, w - 1), -1)
    picked = padded[winnow(np.where(padded >= 0, hashes[padded], _NONE), w)]
    chosen = picked[picked >= 0]
    first = np.lib.stride_tricks.sliding_window_view(starts, k)[chosen].min(axis=1)
    last = np.lib.stride_tricks.sliding_window_view(ends, k)[chosen].max(axis=1)
    return Fingerprints(hashes[chosen], owner[chosen].astype(np.int32), first.astype(np.int32),
                        last.astype(np.int32))
