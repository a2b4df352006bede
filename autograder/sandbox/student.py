"""The grader's handle on a submission: call student functions in a child process.

    with Student(submission_dir, modules=["softmax"]) as student:
        loss, dW = student.call("softmax.softmax_loss_naive", W, X, y, 0.1)
        clf = student.new("softmax.SoftmaxClassifier")
        history = clf.call("train", X, y, num_iters=10, seed=0)
        W = clf.get("W")

The submission's modules are copied into a private temporary folder and run there, so
the submission itself is never modified. A file named like a library module
(``json.py``) is not copied (``notices`` says so), and the process starts isolated from
that folder (``boot``), so nothing of the student's is imported before it has confined
itself. A call that raises, runs too long, prints too much, uses too much memory or
kills its interpreter raises ``StudentError`` with a message meant for the student; the
worker is restarted on the next call when it died.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograder.core import textcap
from autograder.core.limits import Limits
from autograder.sandbox import codec, names
from autograder.sandbox.boot import isolated_command, sys_path_env
from autograder.sandbox.isolation import ConfinementError, unprivileged_ids
from autograder.sandbox.protocol import MAX_REPLY, FrameTooLarge, read_frame, write_frame

# the whole environment of a student process: nothing of the grader's (tokens, keys,
# paths) reaches it
_WORKER_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
    "PYTHONDONTWRITEBYTECODE": "1",
    "MPLBACKEND": "Agg",
}


@dataclass
class CallInfo:
    """What the last call reported besides its value."""

    output: str = ""
    output_bytes: int = 0
    warnings: list[str] = field(default_factory=list)
    mutated: list[str] = field(default_factory=list)
    seconds: float = 0.0


class StudentError(Exception):
    """Student code failed; ``str(err)`` is a message for the student.

    ``kind`` is one of: not_implemented, submission (missing file/name, import error),
    timeout, crashed, memory, output_limit, returned (unusable return value), or the
    exception type name raised by the student's code.
    """

    def __init__(self, message: str, kind: str, where: list[str] | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.where = where or []


class Student:
    """A running submission. Use as a context manager, or call ``close()``."""

    def __init__(self, submission_dir: str | Path, modules: list[str],
                 limits: Limits | None = None, given: list[Path] | tuple[Path, ...] = (),
                 hidden: list[Path] | tuple[Path, ...] = (),
                 refused: dict[str, str] | None = None) -> None:
        """``given``: the course's own copies of modules handed out complete; they replace
        whatever the submission holds under those names. ``hidden``: what the student
        process must never read (the grader refuses to run it where that cannot be
        ensured); the submission itself is hidden where the machine allows. ``refused``:
        files of the submission that were not taken in, with the reason
        (``autograder.core.intake``)."""
        self.submission_dir = Path(submission_dir)
        self.given = [Path(p) for p in given]
        self.hidden = [str(Path(p).resolve()) for p in hidden]
        self.own = [str(Path(submission_dir).resolve())]
        self.modules = [m.removesuffix(".py") for m in modules]
        self.refused = dict(refused or {})
        self.shadowing: dict[str, str] = {}  # file -> the library module it is named like
        self.limits = limits or Limits()
        self.last = CallInfo()
        self.restarts = 0
        self._imported: set[str] = set()  # modules imported by the running process
        self._broken: dict[str, StudentError] = {}  # modules whose import failed, for good
        self._proc: subprocess.Popen | None = None
        self._tmp = Path(tempfile.mkdtemp(prefix="grading-"))
        self._workdir = self._tmp / "work"
        self._generation = 0
        self._uids: set[int] = set()  # the user ids its processes ran as (as root)

    # ----- life cycle -------------------------------------------------------
    def _copy_submission(self) -> None:
        """A fresh private copy for every process, whatever the last one did to its own:
        the submission's top-level modules (regular files only, none named like a library
        module), then the given modules."""
        shutil.rmtree(self._workdir, ignore_errors=True)
        self._workdir.mkdir()
        files = []
        with os.scandir(self.submission_dir) as entries:
            for entry in entries:
                if entry.name.endswith(".py") and stat.S_ISREG(entry.stat(
                        follow_symlinks=False).st_mode):
                    files.append(entry.name)
        given = {path.name for path in self.given}
        self.shadowing = names.shadowing(files, own=[*self.modules, *(g[:-3] for g in given)])
        for name in sorted(set(files) - set(self.shadowing) - given):
            shutil.copyfile(self.submission_dir / name, self._workdir / name,
                            follow_symlinks=False)
        for path in self.given:
            shutil.copyfile(path, self._workdir / path.name)

    def submitted_file(self, name: str) -> Path:
        """The grader's copy of the submitted file ``name`` (which may not exist), for
        checks that read it; raises ``StudentError`` when the submission held it but it
        was not taken in (a link, a device...)."""
        reason = self.refused.get(name)
        if reason:
            raise StudentError(f"{name} {reason}, so it could not be graded: submit the file "
                               "itself", "submission")
        return self.submission_dir / name

    @property
    def notices(self) -> list[str]:
        """What the student should know about files that were not used."""
        return [names.describe(file, module) for file, module in sorted(self.shadowing.items())]

    def _start(self) -> None:
        self._copy_submission()
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        output_file = self._tmp / "output.txt"
        output_file.touch(mode=0o600)
        env = {**_WORKER_ENV, "HOME": str(self._workdir), "TMPDIR": str(self._workdir),
               **sys_path_env()}
        if os.geteuid() == 0:  # the worker drops to an unprivileged user: let it in
            uid, gid = unprivileged_ids()
            env["GRADER_IDS"] = f"{uid}:{gid}"
            self._uids.add(uid)
            for path in (self._tmp, self._workdir, output_file, *self._workdir.iterdir()):
                os.chown(path, uid, gid, follow_symlinks=False)
        env["GRADER_HIDDEN"] = json.dumps(self.hidden)
        env["GRADER_OWN"] = json.dumps(self.own)
        env["GRADER_WRITABLE"] = json.dumps([str(self._tmp.resolve())])
        cmd = isolated_command("autograder.sandbox.worker", str(to_child_r), str(from_child_w),
                               str(output_file),
                               str(self.limits.memory_bytes), str(self.limits.output_bytes),
                               str(self._workdir.resolve()))
        self._proc = subprocess.Popen(
            cmd, cwd=self._tmp, env=env, pass_fds=(to_child_r, from_child_w),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._send_fd, self._recv_fd = to_child_w, from_child_r
        self._generation += 1
        self._imported = set()

    def _stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for fd in (self._send_fd, self._recv_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()

    def close(self) -> None:
        self._stop()
        shutil.rmtree(self._tmp, ignore_errors=True)
        for uid in self._uids:  # files its processes left where anyone may write
            remove_files_of(uid)
        self._uids.clear()

    def __enter__(self) -> Student:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----- calls -------------------------------------------------------------
    def isolation(self) -> str:
        """What confinement holds for student code on this machine (one line)."""
        return str(self.request({"op": "ping"}, what="starting your code"))

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call the student's function ``module.function`` and return its value."""
        self._import(name.rpartition(".")[0])
        return self.request({"op": "call", "name": name, "args": args, "kwargs": kwargs},
                            what=f"{name.rpartition('.')[2]}()")

    def new(self, name: str, *args: Any, **kwargs: Any) -> RemoteObject:
        """Construct the student's class ``module.Class``; returns a handle on the object."""
        self._import(name.rpartition(".")[0])
        value = self.request({"op": "new", "name": name, "args": args, "kwargs": kwargs},
                             what=f"{name.rpartition('.')[2]}(...)")
        return RemoteObject(self, value["__object__"], value["type"], self._generation)

    def _import(self, module: str) -> None:
        """Import ``module`` in the student process on its own, once, so that code at the
        top level of the file that hangs, crashes or fails is reported as such, and only
        once: every later call into that module fails at once with the same message."""
        if module in self._broken:
            raise self._broken[module]
        if module in self._imported:
            return
        try:
            self.submitted_file(f"{module}.py")
        except StudentError as exc:
            self._broken[module] = exc
            raise
        try:
            self.request({"op": "import", "name": module}, what=f"importing {module}.py")
        except StudentError as exc:
            if exc.kind in ("timeout", "crashed", "memory", "output_limit", "too_large"):
                exc = StudentError(f"{exc} (code at the top level of {module}.py runs when "
                                   "the file is imported: keep it to definitions)",
                                   exc.kind, exc.where)
            self._broken[module] = exc
            raise exc from None
        self._imported.add(module)

    def request(self, message: dict[str, Any], what: str, timeout: float | None = None) -> Any:
        """Send one request; return the value or raise ``StudentError``."""
        if self._proc is None:
            self._start()
        limit = timeout or self.limits.seconds
        message = dict(message, cpu_seconds=limit + 1)
        self.last = CallInfo()
        try:
            write_frame(self._send_fd, pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
            raw = self._receive(limit)
        except FrameTooLarge as exc:
            self._restart()
            raise StudentError(f"{what} returned a value too large to grade ({exc.size >> 20} "
                               f"MiB; the limit is {MAX_REPLY >> 20} MiB)", "too_large") from None
        except TimeoutError:
            self._restart()
            raise StudentError(
                f"{what} did not finish within {limit:g} s (an infinite loop, or far too "
                "slow: look for loops that never end or work that should be vectorized)",
                "timeout") from None
        except (EOFError, BrokenPipeError, OSError):
            code = self._restart()
            raise StudentError(self._death_message(what, code), "crashed") from None
        try:
            reply = codec.decode(raw)
            if not isinstance(reply, dict) or "ok" not in reply:
                raise codec.CodecError("reply is not a record")
        except codec.CodecError as exc:
            self._restart()
            raise StudentError(f"{what} sent back an unreadable result ({exc})",
                               "crashed") from None
        try:
            self.last = CallInfo(
                output=textcap.cap(reply.get("output", "")),
                output_bytes=int(reply.get("output_bytes", 0)),
                warnings=textcap.cap_lines(reply.get("warnings", [])),
                mutated=textcap.cap_lines(reply.get("mutated", []), count=10),
                seconds=float(reply.get("seconds", 0.0)))
            error = None if reply["ok"] else dict(reply["error"])
        except (TypeError, ValueError, OverflowError, KeyError):
            self._restart()
            raise StudentError(f"{what} sent back an unreadable result", "crashed") from None
        if error is None:
            return reply.get("value")
        if error.get("kind") == "confinement":
            raise ConfinementError(textcap.cap(error.get("message", "")))
        raise self._error(what, error)

    def _receive(self, limit: float) -> bytes:
        """One reply, all of it within ``limit`` seconds (a process that announces a reply
        and then stalls times out like one that never answers)."""
        return read_frame(self._recv_fd, deadline=time.monotonic() + limit,
                          max_size=MAX_REPLY + (1 << 20))

    def _restart(self) -> int | None:
        proc = self._proc
        code = proc.poll() if proc else None
        if proc is not None and code is None:
            time.sleep(0.05)
            code = proc.poll()
        self._stop()
        self.restarts += 1
        return code

    def _death_message(self, what: str, code: int | None) -> str:
        if code is not None and code < 0:
            try:
                sig = signal.Signals(-code).name
            except ValueError:
                sig = f"signal {-code}"
            if sig == "SIGXCPU":
                return f"{what} used more CPU time than allowed ({self.limits.seconds:g} s)"
            return f"{what} crashed the Python interpreter (killed by {sig})"
        if code is not None:
            return (f"{what} ended the Python process (exit code {code}); do not call "
                    "sys.exit, os._exit or quit() in graded code")
        return f"{what} ended the Python process unexpectedly"

    def _error(self, what: str, error: dict[str, Any]) -> StudentError:
        kind = textcap.cap(error.get("kind", "error"), 100)
        message = textcap.cap(error.get("message", ""), 2000)
        where = textcap.cap_lines(error.get("where", []) if isinstance(error.get("where"), list)
                                  else [])
        if kind == "not_implemented":
            text = f"{what} is not implemented yet (it raises NotImplementedError)"
        elif kind == "submission":
            text = message
        elif kind == "memory":
            text = (f"{what} ran out of memory (limit {self.limits.memory_bytes >> 20} MiB): "
                    "avoid building huge intermediate arrays")
        elif kind == "too_large":
            text = f"{what} {message}"
        elif kind == "SystemExit":
            text = (f"{what} raised {message}: do not call sys.exit, exit() or quit() in "
                    "graded code")
        elif kind == "no_processes":
            text = (f"{what} tried to start a new process ({message}); graded code may not "
                    "start processes or shells")
        elif kind == "output_limit":
            text = (f"{what} printed more than {self.limits.describe_output()}; remove debugging "
                    "prints from graded functions")
        else:
            text = f"{what} raised {message}"
        if where:
            text += "\n  at " + "\n  at ".join(where)
        return StudentError(text, kind, where)


def remove_files_of(uid: int, folders: tuple[str, ...] = ("/tmp", "/var/tmp", "/dev/shm",
                                                           "/dev/mqueue")) -> None:
    """Remove what user ``uid`` (one student process's) left in the folders anyone may
    write to, and its System V IPC objects: where the machine gives no private mount and
    IPC namespaces, those are shared."""
    remove_ipc_of(uid)
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
                if info.st_uid != uid:
                    continue
                if stat.S_ISDIR(info.st_mode):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)
            except OSError:
                continue


# /proc/sysvipc file -> the libc call that removes one of its objects by id
_IPC_TABLES = {"shm": "shmctl", "msg": "msgctl", "sem": "semctl"}
IPC_RMID = 0


def remove_ipc_of(uid: int) -> None:
    """Remove the System V shared memory segments, message queues and semaphore sets
    that user ``uid`` owns or created. A child process that becomes that user removes
    them: without ``CAP_SYS_ADMIN``, only the owner may."""
    import ctypes

    doomed = []
    for table, call in _IPC_TABLES.items():
        try:
            with open(f"/proc/sysvipc/{table}") as fh:
                header, *rows = fh.read().splitlines()
        except OSError:
            continue
        columns = header.split()
        for row in rows:
            fields = dict(zip(columns, row.split(), strict=False))
            try:
                if uid in (int(fields["uid"]), int(fields["cuid"])):
                    doomed.append((table, call, int(fields[columns[1]])))
            except (KeyError, ValueError, IndexError):
                continue
    if not doomed:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    pid = os.fork()
    if pid == 0:  # only system calls here: the grader may run threads
        try:
            os.setgroups([])
            os.setgid(uid)
            os.setuid(uid)
            for table, call, ident in doomed:
                getattr(libc, call)(ident, *([0] if table == "sem" else []), IPC_RMID, None)
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


class RemoteObject:
    """A handle on an object living in the student process."""

    def __init__(self, student: Student, oid: int, type_name: str, generation: int) -> None:
        self._student = student
        self._oid = oid
        self.type_name = type_name
        self._generation = generation

    def _check_alive(self, what: str) -> None:
        if self._student._generation != self._generation or self._student._proc is None:
            raise StudentError(
                f"{what}: the {self.type_name} object was lost because an earlier call "
                "crashed or timed out", "crashed")

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        what = f"{self.type_name}.{method}()"
        self._check_alive(what)
        return self._student.request(
            {"op": "method", "obj": self._oid, "name": method, "args": args, "kwargs": kwargs},
            what=what)

    def get(self, attribute: str) -> Any:
        what = f"{self.type_name}.{attribute}"
        self._check_alive(what)
        return self._student.request({"op": "get", "obj": self._oid, "name": attribute}, what=what)

    def set(self, attribute: str, value: Any) -> None:
        what = f"setting {self.type_name}.{attribute}"
        self._check_alive(what)
        self._student.request({"op": "set", "obj": self._oid, "name": attribute,
                               "value": value}, what=what)
