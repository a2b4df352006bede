"""Tracebacks of confined kernels, without parsing big library files anew in each kernel.

IPython formats each frame of a traceback with stack_data, which parses the frame's
whole source file (syntax tree, executing node, highlighting) the first time the file
appears in a process. A confined kernel lives for one notebook, so every kernel pays
that again: a student's empty array reaching matplotlib's ``imshow`` costs ~0.55 s the
first time, as ``matplotlib/axes/_axes.py`` alone has ~8,800 lines.

IPython already formats the frames of files longer than ``ultratb.FAST_THRESHOLD``
lines from the raw frame: the same file, line, function and neighbouring lines, only
without the highlighted expression. The kernel server lowers that threshold to
``LIBRARY_LINES``, which no course module or notebook cell reaches, so the student's
own frames look as before and big library files are not parsed. It also formats one
traceback before forking, so that no kernel imports the formatting machinery for its
first error (~0.08 s).
"""

from __future__ import annotations

import sys

from IPython.core import ultratb

# longer than any module of the course (the longest, utils/plots.py, has ~740 lines) and
# shorter than the library files that tracebacks of student errors usually pass through
LIBRARY_LINES = 1000
# the colour theme of ipykernel's shell (ZMQInteractiveShell.colors)
KERNEL_THEME = "neutral"


def install() -> None:
    """Lower IPython's threshold for raw-frame formatting, and format one traceback."""
    ultratb.FAST_THRESHOLD = min(ultratb.FAST_THRESHOLD, LIBRARY_LINES)
    try:
        _raise_for_warm_up()
    except ValueError:
        ultratb.VerboseTB(theme_name=KERNEL_THEME).structured_traceback(*sys.exc_info())


def _raise_for_warm_up() -> None:
    raise ValueError("formatted once by the kernel server, before any kernel is forked")
