"""Step 4: weigh every fingerprint by how rare it is, and rank the pairs by evidence.

A fingerprint's *rarity* depends on ``df``, the number of documents (submissions, the
reference, the known solutions) that contain it:

    rarity(df) = clip(log(C / df) / log(C / 2), 0, 1),   C = max(MIN_COMMON, ceil(COMMON * M))

for ``M`` documents: 1 for code only two documents share, falling to 0 for code that
``C`` or more documents share (in a small class, a group of three or four copying from
each other still weighs something). What most correct solutions write alike (a two-line
``affine_forward``, ``dW /= N``, the loop the docstring spells out) is therefore not
evidence, while an unusual passage that two documents share is. The released stub's
fingerprints were removed before (``reader``): it contributes nothing.

A pair's *evidence* is the sum of the rarity of the fingerprints it shares: roughly the
number of unusual shared k-grams, each standing for about ``W / 2`` tokens of code.
Pairs of two known solutions are not reported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from autograder.similarity import FLAG_EVIDENCE
from autograder.similarity.reader import Document

COMMON = 0.05        # code found in 5% of the documents is common ...
MIN_COMMON = 5       # ... and in at least 5
CONTEXT_GAP = 1      # matched lines this close merge into one region


@dataclass(frozen=True)
class Weights:
    """Every fingerprint of the population (sorted), its document count and rarity."""

    hashes: np.ndarray
    df: np.ndarray
    rarity: np.ndarray
    common_df: int

    def of(self, hashes: np.ndarray) -> np.ndarray:
        """The rarity of each of ``hashes`` (0 for a fingerprint not in the population)."""
        if len(self.hashes) == 0:
            return np.zeros(len(hashes))
        idx = np.clip(np.searchsorted(self.hashes, hashes), 0, len(self.hashes) - 1)
        return np.where(self.hashes[idx] == hashes, self.rarity[idx], 0.0)


@dataclass
class Pair:
    """Two documents (indices) and what they share."""

    a: int
    b: int
    evidence: float
    rare: int            # fingerprints shared with rarity > 0
    shared: int = 0      # every shared fingerprint, common ones included
    share_a: float = 0.0  # shared / a's fingerprints
    share_b: float = 0.0
    flagged: bool = False


@dataclass
class Region:
    """Lines of unit A and of unit B that hold the same code."""

    a_first: int
    a_last: int
    b_first: int
    b_last: int
    evidence: float


@dataclass
class UnitMatch:
    """What one unit of A shares with one unit of B."""

    a_unit: int
    b_unit: int
    evidence: float
    shared: int
    regions: list[Region] = field(default_factory=list)


def common_df(documents: int) -> int:
    return max(MIN_COMMON, math.ceil(COMMON * documents))


def rarity(df: np.ndarray, common: int) -> np.ndarray:
    df = np.maximum(np.asarray(df, dtype=float), 2.0)
    return np.clip(np.log(common / df) / math.log(common / 2), 0.0, 1.0)


def weigh(docs: list[Document]) -> Weights:
    """Count in how many documents each fingerprint occurs; derive its rarity."""
    per_doc = [np.unique(d.fps.hashes) for d in docs]
    if not per_doc or not sum(len(h) for h in per_doc):
        empty = np.zeros(0, np.uint64)
        return Weights(empty, np.zeros(0, np.int64), np.zeros(0), common_df(len(docs)))
    hashes, df = np.unique(np.concatenate(per_doc), return_counts=True)
    common = common_df(sum(1 for h in per_doc if len(h)))
    return Weights(hashes, df, rarity(df, common), common)


def rank_pairs(docs: list[Document], weights: Weights,
               flag_evidence: float = FLAG_EVIDENCE) -> list[Pair]:
    """Every pair (student-student or student-known) sharing an unusual fingerprint,
    by decreasing evidence, then by name."""
    per_doc = [np.unique(d.fps.hashes) for d in docs]
    owners = np.concatenate([np.full(len(h), i, np.int64) for i, h in enumerate(per_doc)]
                            or [np.zeros(0, np.int64)])
    hashes = np.concatenate(per_doc or [np.zeros(0, np.uint64)])
    rare = weights.of(hashes) > 0
    hashes, owners = hashes[rare], owners[rare]
    order = np.lexsort((owners, hashes))
    hashes, owners = hashes[order], owners[order]
    bounds = np.flatnonzero(np.diff(hashes)) + 1
    starts = np.concatenate(([0], bounds)) if len(hashes) else np.zeros(0, np.int64)
    sizes = np.diff(np.concatenate((starts, [len(hashes)])))
    n = len(docs)
    keys, values = [], []
    for size in np.unique(sizes):
        if size < 2:
            continue
        group_starts = starts[sizes == size]
        members = owners[group_starts[:, None] + np.arange(size)]  # (groups, size), sorted
        weight = weights.of(hashes[group_starts])
        i, j = np.triu_indices(size, k=1)
        keys.append((members[:, i] * n + members[:, j]).ravel())
        values.append(np.repeat(weight, len(i)))
    if not keys:
        return []
    all_keys = np.concatenate(keys)
    pair_keys, inverse = np.unique(all_keys, return_inverse=True)
    evidence = np.bincount(inverse, weights=np.concatenate(values))
    counts = np.bincount(inverse)
    known = np.array([d.kind == "known" for d in docs])
    pairs = []
    for key, ev, count in zip(pair_keys.tolist(), evidence.tolist(), counts.tolist(),
                              strict=True):
        a, b = divmod(key, n)
        if known[a] and known[b]:
            continue
        if known[a]:  # a student first, the known solution second
            a, b = b, a
        pairs.append(Pair(a, b, round(ev, 6), count, flagged=ev >= flag_evidence))
    pairs.sort(key=lambda p: (-p.evidence, docs[p.a].name, docs[p.b].name))
    return pairs


def fill_shares(pairs: list[Pair], docs: list[Document]) -> None:
    """Set ``shared``, ``share_a`` and ``share_b`` (common fingerprints included) of the
    pairs that will be listed."""
    cache: dict[int, np.ndarray] = {}

    def unique(i: int) -> np.ndarray:
        if i not in cache:
            cache[i] = np.unique(docs[i].fps.hashes)
        return cache[i]

    for pair in pairs:
        a, b = unique(pair.a), unique(pair.b)
        pair.shared = len(np.intersect1d(a, b, assume_unique=True))
        pair.share_a = pair.shared / max(1, len(a))
        pair.share_b = pair.shared / max(1, len(b))


def _regions(a_spans: list[tuple[int, int, float]],
             b_spans: list[tuple[int, int, float]]) -> list[Region]:
    """Merge shared k-grams (in A's order, with their lines in A and in B) into regions
    that are contiguous on both sides."""
    regions: list[Region] = []
    for (af, al, weight), (bf, bl, _) in zip(a_spans, b_spans, strict=True):
        last = regions[-1] if regions else None
        if (last is not None and af <= last.a_last + CONTEXT_GAP
                and last.b_first - CONTEXT_GAP <= bf <= last.b_last + CONTEXT_GAP):
            last.a_last, last.b_last = max(last.a_last, al), max(last.b_last, bl)
            last.evidence += weight
        else:
            regions.append(Region(af, al, bf, bl, weight))
    return regions


def unit_matches(a: Document, b: Document, weights: Weights) -> list[UnitMatch]:
    """The per-function breakdown of a pair: for each unit of A and unit of B that share
    fingerprints, the evidence and the matching regions (common ones included, with
    evidence 0), by decreasing evidence."""
    shared = np.intersect1d(a.fps.hashes, b.fps.hashes)
    if not len(shared):
        return []
    weight_of = dict(zip(shared.tolist(), weights.of(shared).tolist(), strict=True))
    b_first: dict[tuple[int, int], tuple[int, int]] = {}
    b_units: dict[int, list[int]] = {}
    in_b = np.flatnonzero(np.isin(b.fps.hashes, shared))
    for i in in_b.tolist():
        h, unit = int(b.fps.hashes[i]), int(b.fps.units[i])
        if (h, unit) not in b_first:
            b_first[(h, unit)] = (int(b.fps.first[i]), int(b.fps.last[i]))
            b_units.setdefault(h, []).append(unit)
    spans: dict[tuple[int, int], tuple[list, list]] = {}
    seen: dict[tuple[int, int], set[int]] = {}
    for i in np.flatnonzero(np.isin(a.fps.hashes, shared)).tolist():
        h, unit = int(a.fps.hashes[i]), int(a.fps.units[i])
        for ub in b_units[h]:
            key = (unit, ub)
            a_side, b_side = spans.setdefault(key, ([], []))
            a_side.append((int(a.fps.first[i]), int(a.fps.last[i]), weight_of[h]))
            b_side.append((*b_first[(h, ub)], weight_of[h]))
            seen.setdefault(key, set()).add(h)
    matches = []
    for (ua, ub), (a_side, b_side) in spans.items():
        hashes = sorted(seen[(ua, ub)])
        matches.append(UnitMatch(ua, ub, round(sum(weight_of[h] for h in hashes), 6),
                                 len(hashes), _regions(a_side, b_side)))
    matches.sort(key=lambda m: (-m.evidence, -m.shared, m.a_unit, m.b_unit))
    return matches
