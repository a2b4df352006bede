"""``%autoreload`` in confined kernels, watching only the files a notebook can change.

The course's notebooks start with ``%autoreload 2``, so that students' edits to their
``.py`` files take effect without a restart. Before every cell, IPython's autoreload then
reads the modification time of every imported module that has a file: about 1,200 once
numpy, matplotlib and ipykernel are loaded, 11 ms per cell, 0.3 s per hw1 student
(27 cells). While nbgrader runs a notebook, only the notebook itself can change a file,
and a confined kernel can write only in its own folder and its home (the rest of the file
system is read-only, ``autograder.sandbox.isolation``). So a module from anywhere else
(numpy, matplotlib, ``utils``) is looked at once and then skipped; the student's modules
are watched as before.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any


def watch_only(folders: Iterable[str]) -> None:
    """Make autoreload, once a notebook loads it, skip every module whose file lies
    outside ``folders``. Call it in the kernel before the notebook runs."""
    from IPython.extensions import autoreload

    roots = tuple(os.path.join(os.path.realpath(f), "") for f in folders)
    reloader = autoreload.ModuleReloader
    reloader.filename_and_mtime = _skipping_outside(reloader.filename_and_mtime, roots)


def _skipping_outside(original: Callable[..., Any], roots: tuple[str, ...]
                      ) -> Callable[..., Any]:
    def filename_and_mtime(self: Any, module: Any) -> Any:
        filename = getattr(module, "__file__", None)
        name = getattr(module, "__name__", None)
        if isinstance(filename, str) and isinstance(name, str) \
                and not os.path.realpath(filename).startswith(roots):
            self.skip_modules[name] = True  # ModuleReloader.check skips it from now on
            return None, None
        return original(self, module)

    filename_and_mtime.__doc__ = original.__doc__
    return filename_and_mtime
