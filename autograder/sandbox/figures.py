"""Inline figures of confined kernels, drawn once instead of twice, with text measured
once per kernel instead of once per renderer.

The inline backend shows a figure as a PNG cropped to its tight bounding box
(``bbox_inches="tight"``). To know that box, matplotlib draws the whole figure once
without painting, then resizes the figure to the box and draws it again on a new
renderer, which computes every tick and text layout a second time. Drawing the figure
once at its own size, measuring the box on that same renderer and cutting the box out
of the painted pixels gives the same picture for less: 0.38 s per student over the 8
figures of the hw1 notebooks (5.15 s -> 4.78 s of cells). When something is drawn
outside the figure (a label that the tight box would bring back into view), cutting
cannot show it, and the figure goes through matplotlib's own path.

matplotlib caches the size of each piece of text (and the parse of each math text) per
renderer, and every figure gets new renderers: one for ``tight_layout``, one for the
picture. An Agg renderer's measurements depend only on the text, its font properties,
the resolution and the font settings, so ``share_text_metrics`` keeps one cache for the
whole kernel (the tick labels of the next figure, a log axis's ``$10^{-2}$`` parsed once):
0.2 s per hw1 student.
"""

from __future__ import annotations

import contextlib
import io
import math
from binascii import b2a_base64
from collections.abc import Callable
from typing import Any

import matplotlib
import numpy as np
from matplotlib import text as mtext
from matplotlib.backends.backend_agg import RendererAgg
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.image import imsave
from matplotlib.mathtext import MathTextParser

# the settings, besides a text's font properties, that decide its measured size
FONT_SETTINGS = ("font.serif", "font.sans-serif", "font.cursive", "font.fantasy",
                 "font.monospace", "text.hinting", "text.hinting_factor",
                 "text.kerning_factor", "mathtext.fontset", "mathtext.rm", "mathtext.it",
                 "mathtext.bf", "mathtext.bfit", "mathtext.sf", "mathtext.tt", "mathtext.cal",
                 "mathtext.fallback", "mathtext.default")
MAX_MEASURED = 20_000  # texts kept by share_text_metrics (a few MB at most)


def tight_png(fig: Figure) -> bytes | None:
    """``fig`` as the PNG that ``savefig(format="png", bbox_inches="tight")`` would
    write, from one draw; None when that draw cannot give it (drawing outside the
    figure, or a transparent background). A layout engine lays the figure out during
    that draw, as it does during matplotlib's first one."""
    if matplotlib.rcParams["savefig.transparent"]:
        return None
    dpi = fig.dpi
    width, height = fig.bbox.size
    renderer = RendererAgg(width, height, dpi)
    fig.draw(renderer)
    box = fig.get_tightbbox(renderer)
    inches_w, inches_h = fig.get_size_inches()
    slack = 0.5 / dpi  # half a pixel: what rounding can put outside the figure
    if (box.x0 < -slack or box.y0 < -slack or box.x1 > inches_w + slack
            or box.y1 > inches_h + slack):
        return None
    box = box.padded(matplotlib.rcParams["savefig.pad_inches"])
    left, right = math.floor(box.x0 * dpi), math.ceil(box.x1 * dpi)
    top, bottom = math.floor((inches_h - box.y1) * dpi), math.ceil((inches_h - box.y0) * dpi)
    painted = np.asarray(renderer.buffer_rgba())
    # the padding may reach past the figure's edge: there, matplotlib paints the face
    face = np.array([round(255 * c) for c in to_rgba(fig.get_facecolor())], dtype=np.uint8)
    image = np.empty((bottom - top, right - left, 4), dtype=np.uint8)
    image[:] = face
    rows = slice(max(top, 0), min(bottom, painted.shape[0]))
    cols = slice(max(left, 0), min(right, painted.shape[1]))
    image[rows.start - top:rows.stop - top, cols.start - left:cols.stop - left] = \
        painted[rows, cols]
    out = io.BytesIO()
    # zlib level 1 instead of Pillow's 6: a hw1 student's 8 figures encode in 0.15 s
    # instead of 0.25 s, and take ~5% more room in the graded notebook
    imsave(out, image, format="png", dpi=dpi, pil_kwargs={"compress_level": 1})
    return out.getvalue()


def one_draw_print_figure(original: Callable[..., Any]) -> Callable[..., Any]:
    """IPython's ``print_figure``, taking the one-draw path for a plain tight PNG."""

    def print_figure(fig: Figure, fmt: str = "png", bbox_inches: Any = "tight",
                     base64: bool = False, **kwargs: Any) -> Any:
        plain = (fmt == "png" and bbox_inches == "tight" and not kwargs
                 and (fig.axes or fig.lines))
        data = None
        if plain:
            # whatever goes wrong here is matplotlib's path to report (the student's
            # own artist that fails to draw, say), with its usual traceback
            with contextlib.suppress(Exception):
                data = tight_png(fig)
        if data is None:
            return original(fig, fmt, bbox_inches=bbox_inches, base64=base64, **kwargs)
        return b2a_base64(data, newline=False).decode("ascii") if base64 else data

    print_figure.__doc__ = original.__doc__
    return print_figure


def font_settings() -> str:
    """The current values of ``FONT_SETTINGS``, as one hashable string."""
    return repr([matplotlib.rcParams._get(key) for key in FONT_SETTINGS])


def share_text_metrics() -> None:
    """Measure each text once per process for all Agg renderers of a resolution, and
    parse each math text once for all of them, instead of once per renderer. Other
    renderers keep matplotlib's cache."""
    measured: dict[tuple, tuple[float, float, float]] = {}
    parsers: dict[str, MathTextParser] = {}  # one per font settings
    own = mtext._get_text_metrics_with_cache
    agg_init = RendererAgg.__init__

    def text_metrics(renderer: Any, text: str, fontprop: Any, ismath: Any,
                     dpi: float) -> tuple[float, float, float]:
        if type(renderer) is not RendererAgg:
            return own(renderer, text, fontprop, ismath, dpi)
        key = (text, fontprop.copy(), ismath, dpi, renderer.dpi, font_settings())
        size = measured.get(key)
        if size is None:
            if len(measured) >= MAX_MEASURED:
                measured.clear()
            size = measured[key] = renderer.get_text_width_height_descent(
                text, fontprop, ismath=ismath)
        return size

    def init(self: RendererAgg, *args: Any, **kwargs: Any) -> None:
        agg_init(self, *args, **kwargs)
        self.mathtext_parser = parsers.setdefault(font_settings(), self.mathtext_parser)

    mtext._get_text_metrics_with_cache = text_metrics
    RendererAgg.__init__ = init


def install() -> None:
    """Use the one-draw path for the inline figures of this process (once, in a kernel
    just forked). Call it before the notebook's ``%matplotlib inline``, which binds
    IPython's ``print_figure``."""
    from IPython.core import pylabtools

    pylabtools.print_figure = one_draw_print_figure(pylabtools.print_figure)
