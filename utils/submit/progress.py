"""Progress of an export: a tqdm bar in a terminal, one updating line in a notebook.

In a Jupyter kernel a tqdm bar goes to stderr, which the notebook shows as an error-coloured
box that stays behind, empty, once the bar is cleared. There the export runs in a worker
thread and only updates a ``Progress``; the kernel's main thread redraws one display from it
(``show_in_notebook``) and finally replaces it with the export's summary, so the cell ends
with exactly one output.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from tqdm import tqdm

REDRAW_SECONDS = 0.25


class Progress:
    """Files printed so far, out of ``total``, and the one being printed."""

    def __init__(self, total: int = 0) -> None:
        self.total = total
        self.done = 0
        self.current = ""
        self._lock = threading.Lock()

    def reset(self, total: int) -> None:
        with self._lock:
            self.total, self.done, self.current = total, 0, ""

    def set_postfix_str(self, text: str) -> None:
        with self._lock:
            self.current = text

    def update(self, n: int = 1) -> None:
        with self._lock:
            self.done += n

    def line(self) -> str:
        with self._lock:
            if not self.total:
                return "Exporting: checking the saved files..."
            return (f"Exporting: printed {self.done} of {self.total} files"
                    + (f" ({self.current})" if self.current else "") + "...")


class TerminalProgress(Progress):
    """``Progress`` drawn as a tqdm bar on stderr (cleared when done)."""

    def __init__(self, quiet: bool) -> None:
        super().__init__()
        self.quiet = quiet
        self._bar: tqdm | None = None

    def reset(self, total: int) -> None:
        super().reset(total)
        self.close()
        self._bar = tqdm(total=total, desc="Printing", unit="file", disable=self.quiet,
                         file=sys.stderr, leave=False)

    def set_postfix_str(self, text: str) -> None:
        super().set_postfix_str(text)
        if self._bar is not None:
            self._bar.set_postfix_str(text)

    def update(self, n: int = 1) -> None:
        super().update(n)
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def show_in_notebook(future: Future[Any], progress: Progress,
                     final: Callable[[Any], dict[str, str]]) -> Any:
    """Wait for ``future`` in a kernel's main thread, showing ``progress`` as one line that
    ``final(result)`` (the export's summary, a mime bundle) replaces at the end. Returns the
    future's result; its exception propagates, and the line then says the export stopped."""
    from IPython.display import display

    handle = display({"text/plain": progress.line()}, raw=True, display_id=True)
    shown = progress.line()
    try:
        while True:
            try:
                result = future.result(timeout=REDRAW_SECONDS)
                break
            except TimeoutError:
                if progress.line() != shown:
                    shown = progress.line()
                    handle.update({"text/plain": shown}, raw=True)
    except BaseException:
        handle.update({"text/plain": "Export stopped: see the message below."}, raw=True)
        raise
    handle.update(final(result), raw=True)
    return result
