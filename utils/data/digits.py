"""The small handwritten-digits dataset bundled with scikit-learn (works offline)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np

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
    table = np.loadtxt(digits_file(), delimiter=",", dtype=np.float64)
    X = table[:, :-1] / DIGITS_MAX_PIXEL
    y = table[:, -1].astype(np.int64)
    return {
        "X": X,
        "y": y,
        "class_names": [str(c) for c in range(10)],
        "image_shape": (8, 8),
    }


def digits_file() -> Path:
    """The CSV file of the digits inside the installed scikit-learn package.

    Reading it directly (what ``sklearn.datasets.load_digits`` does) avoids importing
    scikit-learn, which costs about a second in every notebook that loads data.
    """
    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("scikit-learn is not installed: it ships the digits dataset")
    return Path(spec.submodule_search_locations[0]) / "datasets" / "data" / "digits.csv.gz"
