"""``%autoreload`` in confined kernels, watching only the files a notebook can change.

The course's notebooks start with ``%autoreload 2``, so that students' edits to their
``.py`` files take effect without a restart. Before every cell, IPython's autoreload then
reads the modification time of every imported module that has a file: about 1,200 once
numpy, matplotlib and ipykernel are loaded, 11 ms per cell, 0.3 s per hw1 student
(27 cells); loading the extension read 260 source files besides. While nbgrader runs a
notebook, only the notebook itself can change a file, and a confined kernel can write
only in its own folder and its home (the rest of the file system is read-only,
``autograder.sandbox.isolation``). So a module from anywhere else
(numpy, matplotlib, ``utils``) is looked at once and then skipped: 1.5 ms per cell, 15 ms
to load the extension. The student's modules are watched as before.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import Any


def watch_only(folders: Iterable[str]) -> None:
    """Make autoreload, once a notebook loads it, skip every module whose file lies
    outside ``folders``, and not read the source of such a module either (IPython keeps
    the source of every module it may reload: 260 files, 30 ms per kernel). Call it in
    the kernel before the notebook runs."""
    from IPython.extensions import autoreload

    # each folder as given and as resolved; a module's path is compared as it is (a
    # string operation: resolving the 1,200 paths took 0.1 s per kernel)
    roots = tuple({os.path.join(os.path.abspath(path), "")
                   for f in folders for path in (f, os.path.realpath(f))})

    def outside(module: Any) -> bool:
        filename = getattr(module, "__file__", None)
        return isinstance(filename, str) and not os.path.abspath(filename).startswith(roots)

    reloader = autoreload.ModuleReloader
    reloader.filename_and_mtime = _skipping(reloader.filename_and_mtime, outside)
    deduper = autoreload.DeduperReloader
    deduper.update_sources = _without_sources(deduper.update_sources, outside)


def _skipping(original: Callable[..., Any], outside: Callable[[Any], bool]
              ) -> Callable[..., Any]:
    def filename_and_mtime(self: Any, module: Any) -> Any:
        name = getattr(module, "__name__", None)
        if isinstance(name, str) and outside(module):
            self.skip_modules[name] = True  # ModuleReloader.check skips it from now on
            return None, None
        return original(self, module)

    filename_and_mtime.__doc__ = original.__doc__
    return filename_and_mtime


def _without_sources(original: Callable[..., Any], outside: Callable[[Any], bool]
                     ) -> Callable[..., Any]:
    def update_sources(self: Any) -> None:
        for name in sys.modules.keys() - self.source_by_modname.keys():
            if outside(sys.modules[name]):
                self.source_by_modname[name] = ""  # as IPython does for site-packages
        original(self)

    update_sources.__doc__ = original.__doc__
    return update_sources
