"""The small handwritten-digits dataset bundled with scikit-learn (works offline)."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.datasets import load_digits as _sklearn_digits

__all__ = ["DIGITS_MAX_PIXEL", "load_digits"]

DIGITS_MAX_PIXEL = 16.0  # pixels are integers 0..16 in the bundled data


def load_digits() -> dict[str, Any]:
    """Load the 1,797 8x8 grey-scale digit images shipped with scikit-learn.

    Returns:
        dict with
        ``X``: (N, D) float64 in [0, 1] (N = 1797, D = 64 = 8 * 8, row-major pixels),
        ``y``: (N,) int64 labels in [0, 10),
        ``class_names``: ``["0", ..., "9"]``,
        ``image_shape``: ``(8, 8)``.
    """
    bunch = _sklearn_digits()
    X = np.asarray(bunch.data, dtype=np.float64) / DIGITS_MAX_PIXEL
    y = np.asarray(bunch.target, dtype=np.int64)
    return {
        "X": X,
        "y": y,
        "class_names": [str(c) for c in bunch.target_names],
        "image_shape": tuple(int(s) for s in bunch.images.shape[1:]),
    }
