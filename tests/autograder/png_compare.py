"""Compare two PNGs of the same figure that may differ by a pixel or two of crop."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

REACH = 2  # pixels: how far the same content may sit apart in the two images


def pixels(png: bytes | str) -> np.ndarray:
    data = base64.b64decode(png) if isinstance(png, str) else png
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"), dtype=np.int16)


def crop_difference(a: bytes | str, b: bytes | str) -> tuple[tuple[int, int], float]:
    """(size difference in pixels, share of the pixels of ``a`` that differ by more than
    a third of the scale in some colour channel from every pixel of ``b`` within two
    pixels of the same place). The same figure cut at a sub-pixel offset gives ~0."""
    x, y = pixels(a), pixels(b)
    size = (abs(x.shape[0] - y.shape[0]), abs(x.shape[1] - y.shape[1]))
    h = min(x.shape[0], y.shape[0]) - 2 * REACH
    w = min(x.shape[1], y.shape[1]) - 2 * REACH
    inner = x[REACH:REACH + h, REACH:REACH + w]
    nearest = np.full((h, w), 255, dtype=np.int16)
    for u in range(2 * REACH + 1):
        for v in range(2 * REACH + 1):
            np.minimum(nearest, np.abs(inner - y[u:u + h, v:v + w]).max(axis=2), out=nearest)
    return size, float((nearest > 85).mean())


def same_picture(a: bytes | str, b: bytes | str) -> bool:
    """Do two PNGs show the same figure, up to two pixels of crop and 0.06% of pixels?
    (The test figures cut from one draw differ from matplotlib's by at most 0.037%; one
    3-pixel line drawn across a plot of ``test_figures`` changes 0.10%.)"""
    size, far = crop_difference(a, b)
    return max(size) <= REACH and far <= 0.0006
