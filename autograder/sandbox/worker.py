"""The child process that runs student code (started by ``Student``; not run by hand).

It reads pickled requests from the grader on one pipe, runs the student's function or
method with output captured and warnings recorded, and answers on another pipe in the
data-only ``codec`` format. Limits (memory, file size, CPU time) are set on itself.

Started through ``autograder.sandbox.boot`` (so that nothing in the student's folder is
imported before ``confine()``), in a folder of the grader's; the student's copy is
WORKDIR, which it enters once confined:

    python -P -s boot.py autograder.sandbox.worker READ_FD WRITE_FD OUTPUT_FILE \
        MEMORY_BYTES OUTPUT_BYTES WORKDIR
"""

from __future__ import annotations

import errno
import importlib
import io
import json
import os
import pickle
import re
import resource
import signal
import sys
import time
import traceback
import warnings
from typing import Any

from autograder.sandbox import codec
from autograder.sandbox.isolation import ConfinementError, confine
from autograder.sandbox.protocol import MAX_REPLY, read_frame, write_frame

MAX_TEXT = 4000
MAX_WARNINGS = 20  # distinct warnings recorded per call
LINE = 300  # characters kept of one warning or one traceback line


class Worker:
    def __init__(self, out_fd: int, output_limit: int) -> None:
        self.out_fd = out_fd
        self.output_limit = output_limit
        self.objects: dict[int, Any] = {}
        self.import_errors: dict[str, str] = {}
        self.isolation = ""
        self.cwd = os.path.realpath(os.getcwd())

    # ----- resolving names -------------------------------------------------
    def module(self, name: str) -> Any:
        if name in self.import_errors:
            raise _Reported(self.import_errors[name])
        path = os.path.join(self.cwd, name + ".py")
        if not os.path.exists(path):
            msg = f"{name}.py is missing from your submission"
            self.import_errors[name] = msg
            raise _Reported(msg)
        try:
            return importlib.import_module(name)
        except BaseException as exc:  # noqa: BLE001 - SyntaxError, SystemExit at import...
            msg = f"{name}.py could not be imported: {self.describe(exc)}"
            self.import_errors[name] = msg
            raise _Reported(msg) from None

    def resolve(self, qualname: str) -> Any:
        module_name, _, attr = qualname.rpartition(".")
        mod = self.module(module_name)
        if not hasattr(mod, attr):
            raise _Reported(
                f"{module_name}.py has no `{attr}` (was it renamed or deleted? "
                "The graded names must stay exactly as in the assignment)"
            )
        return getattr(mod, attr)

    # ----- running -----------------------------------------------------------
    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request["op"]
        if request.get("cpu_seconds"):
            used = resource.getrusage(resource.RUSAGE_SELF)
            spent = used.ru_utime + used.ru_stime
            _limit(resource.RLIMIT_CPU, int(spent + request["cpu_seconds"]) + 1)
        if op == "ping":
            return {"ok": True, "value": self.isolation}
        if op == "import":
            return self.run(lambda: self.module(request["name"]) and None, [], {})
        if op == "drop":
            self.objects.pop(request["obj"], None)
            return {"ok": True, "value": None}
        if op == "get":
            target = self.objects[request["obj"]]
            return self.run(lambda: getattr(target, request["name"]), [], {})
        if op == "set":
            target = self.objects[request["obj"]]
            return self.run(lambda: setattr(target, request["name"], request["value"]), [], {})
        args, kwargs = request.get("args", ()), request.get("kwargs", {})
        if op == "call":
            return self.run(lambda: self.resolve(request["name"])(*args, **kwargs), args, kwargs)
        if op == "new":
            reply = self.run(lambda: self.resolve(request["name"])(*args, **kwargs), args, kwargs)
            if reply["ok"]:
                obj = reply["value"]
                self.objects[id(obj)] = obj
                reply["value"] = {"__object__": id(obj), "type": type(obj).__name__}
            return reply
        if op == "method":
            target = self.objects[request["obj"]]
            return self.run(lambda: getattr(target, request["name"])(*args, **kwargs), args, kwargs)
        raise ValueError(f"unknown op {op!r}")

    def run(self, thunk, args, kwargs) -> dict[str, Any]:
        watched = [(i, a, a.copy()) for i, a in enumerate(args) if _is_array(a)]
        watched += [(k, a, a.copy()) for k, a in kwargs.items() if _is_array(a)]
        _reset_output()
        start = time.perf_counter()
        caught: set[str] = set()
        with warnings.catch_warnings():
            warnings.simplefilter("always")
            warnings.showwarning = _recorder(caught)
            try:
                value = thunk()
                reply: dict[str, Any] = {"ok": True, "value": value}
            except _Reported as exc:
                reply = {"ok": False, "error": {"kind": "submission", "message": str(exc)}}
            except BaseException as exc:  # noqa: BLE001 - student code may raise anything
                reply = {"ok": False, "error": self.error_record(exc)}
        reply["seconds"] = time.perf_counter() - start
        reply["warnings"] = sorted(caught)
        reply["mutated"] = [str(k) for k, a, before in watched if not _same(a, before)]
        reply["output"], reply["output_bytes"] = _read_output()
        return reply

    def error_record(self, exc: BaseException) -> dict[str, Any]:
        kind = type(exc).__name__
        if isinstance(exc, NotImplementedError):
            kind = "not_implemented"
        elif isinstance(exc, OSError) and exc.errno == 27:  # EFBIG: output limit reached
            kind = "output_limit"
        elif isinstance(exc, MemoryError):
            kind = "memory"
        elif isinstance(exc, OSError) and _started_a_process(exc):
            kind = "no_processes"
        return {
            "kind": kind,
            "type": type(exc).__name__,
            "message": self.describe(exc),
            "where": self.student_frames(exc),
        }

    def describe(self, exc: BaseException) -> str:
        """One readable line for an exception, without the private folder's path."""
        if isinstance(exc, SyntaxError):
            where = f"{os.path.basename(exc.filename or '?')}, line {exc.lineno}"
            code = (exc.text or "").strip()
            text = f"{type(exc).__name__}: {exc.msg} ({where}: {code})"
        else:
            text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return text.replace(self.cwd + os.sep, "")[:MAX_TEXT]

    def student_frames(self, exc: BaseException) -> list[str]:
        """The traceback lines that point into the student's own files."""
        frames = []
        for frame in traceback.extract_tb(exc.__traceback__):
            path = os.path.realpath(frame.filename)
            if os.path.dirname(path) == self.cwd:
                line = (frame.line or "").strip()[:LINE]
                name = os.path.basename(path)
                frames.append(f"{name}, line {frame.lineno}, in {frame.name}: {line}")
        return frames[-5:]


_PROCESS_CALL = re.compile(r"\b(fork\w*|spawn\w*|system|popen|Popen|exec\w*|run|"
                           r"check_output|check_call|call|Pool|Process)\s*\(")


def _started_a_process(exc: OSError) -> bool:
    """Whether ``exc`` is the refusal of a new process (fork, subprocess, multiprocessing)."""
    if exc.errno not in (errno.EAGAIN, errno.EPERM, errno.ENOMEM):
        return False
    frames = traceback.extract_tb(exc.__traceback__)
    if any(os.path.basename(f.filename) in ("subprocess.py", "popen_fork.py", "pty.py")
           or f"{os.sep}multiprocessing{os.sep}" in f.filename for f in frames):
        return True
    return bool(frames) and bool(_PROCESS_CALL.search(frames[-1].line or ""))


def _recorder(caught: set[str]):
    """``warnings.showwarning`` that keeps the first ``MAX_WARNINGS`` distinct warnings
    (``category: message``, cut to ``LINE`` characters) and drops the rest."""

    def record(message, category, filename, lineno, file=None, line=None) -> None:
        if len(caught) < MAX_WARNINGS:
            caught.add(f"{getattr(category, '__name__', 'Warning')}: {message}"[:LINE])

    return record


class _Reported(Exception):
    """A problem with the submission itself (missing file, import error, renamed name)."""


def _is_array(value: Any) -> bool:
    import numpy as np

    return isinstance(value, np.ndarray)


def _same(a: Any, before: Any) -> bool:
    import numpy as np

    return a.shape == before.shape and np.array_equal(a, before, equal_nan=True)


def _reset_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001
            pass
    try:
        os.ftruncate(1, 0)
    except OSError:
        pass


def _read_output() -> tuple[str, int]:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # noqa: BLE001
            pass
    try:
        size = os.fstat(1).st_size
        data = os.pread(1, MAX_TEXT, 0)
    except OSError:
        return "", 0
    return data.decode(errors="replace"), size


def _limit(kind: int, value: int) -> None:
    try:
        _soft, hard = resource.getrlimit(kind)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(kind, (value, hard))
    except (ValueError, OSError):
        pass


def main(argv: list[str]) -> int:
    read_fd, write_fd = int(argv[0]), int(argv[1])
    output_file, memory_bytes, output_bytes = argv[2], int(argv[3]), int(argv[4])
    workdir = argv[5]

    # stdout/stderr of student code go to a capture file (appending), never to the grader.
    fd = os.open(output_file, os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    os.close(devnull)
    sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", buffering=0), write_through=True)
    sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", buffering=0), write_through=True)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write over the limit fails with EFBIG
    _limit(resource.RLIMIT_CORE, 0)
    if memory_bytes > 0:
        _limit(resource.RLIMIT_AS, memory_bytes)

    ids = os.environ.pop("GRADER_IDS", "")
    try:
        isolation = confine(hidden=json.loads(os.environ.pop("GRADER_HIDDEN", "[]")),
                            own=json.loads(os.environ.pop("GRADER_OWN", "[]")),
                            writable=json.loads(os.environ.pop("GRADER_WRITABLE", "[]")),
                            ids=tuple(map(int, ids.split(":"))) if ids else None)
    except ConfinementError as exc:  # nothing of the student's is imported: say why
        return refuse(read_fd, write_fd, str(exc))
    _limit(resource.RLIMIT_FSIZE, output_bytes)  # once the scratch copy is made
    import numpy  # noqa: F401  (imported before student code so its cost is not theirs)

    os.chdir(workdir)  # through the new (writable) mount
    sys.path.insert(0, os.getcwd())
    worker = Worker(write_fd, output_bytes)
    worker.isolation = isolation
    while True:
        try:
            raw = read_frame(read_fd)
        except EOFError:
            return 0
        request = pickle.loads(raw)
        try:
            reply = worker.handle(request)
            try:
                payload = codec.encode(reply, max_bytes=MAX_REPLY)
                size = len(payload)
            except codec.TooLarge as exc:
                size = exc.size
            if size > MAX_REPLY:
                payload = _failure("too_large", f"returned a value too large to grade "
                                   f"({size >> 20} MiB or more; the limit is "
                                   f"{MAX_REPLY >> 20} MiB)")
        except MemoryError:  # the reply itself did not fit in the memory limit
            payload = _failure("too_large", "returned a value too large to grade (it does "
                               "not fit in the memory limit twice)")
        except BaseException as exc:  # noqa: BLE001 - report, never die silently
            payload = _failure("worker", f"{type(exc).__name__}: {exc}", type(exc).__name__)
        write_frame(write_fd, payload)


def refuse(read_fd: int, write_fd: int, reason: str) -> int:
    """Answer every request with ``reason`` (student code cannot be confined here)."""
    while True:
        try:
            read_frame(read_fd)
        except EOFError:
            return 0
        write_frame(write_fd, _failure("confinement", reason))


def _failure(kind: str, message: str, type_name: str = "") -> bytes:
    """An error reply built by the worker itself (not from an exception of student code)."""
    return codec.encode({"ok": False, "error": {
        "kind": kind, "type": type_name or kind, "message": message[:MAX_TEXT], "where": []},
        "output": "", "output_bytes": 0, "warnings": [], "mutated": []})


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
