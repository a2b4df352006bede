"""Deterministic, class-balanced subsets of labelled data."""

from __future__ import annotations

import numpy as np

__all__ = ["stratified_subsample"]


def stratified_subsample(y: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Pick ``n`` of the entries of ``y`` keeping the class proportions.

    Each class gets ``floor(n * count / N)`` entries; the entries left over go to
    the classes with the largest remainders (ties: smaller class label first), so
    the quota of every class is within one of its exact share.

    Args:
        y: (N,) integer labels.
        n: how many to pick, ``0 <= n <= N``.
        rng: source of the random choice within each class.

    Returns:
        (n,) int64 indices into ``y``, sorted increasingly (so the order of the
        original data is kept); ``arange(N)`` when ``n == N``.
    """
    y = np.asarray(y)
    N = y.shape[0]
    if not 0 <= n <= N:
        raise ValueError(f"cannot pick {n} entries out of {N}")
    if n == N:
        return np.arange(N, dtype=np.int64)
    classes, counts = np.unique(y, return_counts=True)
    quota, remainder = np.divmod(n * counts, N)
    leftover = n - int(quota.sum())
    quota[np.argsort(-remainder, kind="stable")[:leftover]] += 1
    picks = [
        rng.choice(np.flatnonzero(y == label), size=int(k), replace=False)
        for label, k in zip(classes, quota, strict=True)
    ]
    return np.sort(np.concatenate(picks)).astype(np.int64)
