"""The end of a forked child (a kernel of ``kernel_server``, a command of
``autograder.nbgrader_bridge.fork``): run what it was forked for, then leave at once."""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Callable
from typing import NoReturn


def exit_after(work: Callable[[], object]) -> NoReturn:
    """Run ``work``, then end this process with the status the interpreter would give
    (0; a ``SystemExit``'s code; 1 after printing an uncaught exception), without the
    clean-up that belongs to the parent it was forked from (atexit handlers, its files'
    buffers)."""
    code = 1
    try:
        work()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # noqa: BLE001 - as an uncaught exception would: traceback, exit 1
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)
