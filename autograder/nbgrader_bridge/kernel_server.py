"""A fork server for confined notebook kernels (started by ``ConfinedKernels``).

    python -P -s .../autograder/sandbox/boot.py autograder.nbgrader_bridge.kernel_server SOCKET

A kernel started from scratch spends ~1.5 s before the notebook's first line has run:
the interpreter, ipykernel, numpy and matplotlib are imported anew for each notebook.
This server imports them once, never runs student code, and forks one child per kernel.
The child confines itself exactly as the launcher would (``kernel.prepare_kernel``: own
uid, no network, private files hidden, read-only file system) and then becomes an
ordinary ipykernel with the launcher's environment, folder and standard streams.

The launcher (``autograder.nbgrader_bridge.kernel``, the process nbgrader manages)
talks to this server over ``SOCKET`` (a root-only folder): it sends its environment,
folder and stdio, receives the kernel's pid, forwards interrupts, and relays the
kernel's exit status. When the kernel ends, or the launcher dies (nbgrader kills it to
end the kernel), the server kills every process of the kernel's user id (chosen here,
one per kernel), so that nothing a notebook started, in its session or out of it,
outlives the kernel. Messages are JSON, one per line; the request is length-prefixed and
carries the launcher's stdin, stdout and stderr as passed file descriptors.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import importlib.util
import json
import os
import selectors
import signal
import socket
import sys
from typing import Any, NoReturn

from autograder.nbgrader_bridge.kernel import FORWARDED, HEADER, end_processes_of, prepare_kernel
from autograder.sandbox import names
from autograder.sandbox.child import exit_after
from autograder.sandbox.isolation import unprivileged_ids

# what a kernel and a notebook of this course import first (the rest is cheap):
# ipykernel.debugger (debugpy, ~0.2 s) and sqlite3 (history) are imported while ipykernel
# initializes. Not preloaded, as their import looks at the running shell:
# matplotlib_inline's backend, tqdm.auto.
PRELOAD = ("numpy", "ipykernel.kernelapp", "ipykernel.ipkernel", "ipykernel.zmqshell",
           "ipykernel.debugger", "sqlite3", "pdb", "faulthandler",
           "IPython.core.pylabtools", "IPython.extensions.autoreload", "matplotlib",
           "matplotlib.pyplot", "matplotlib.backends.backend_agg", "tqdm", "utils.checks",
           "utils.data", "utils.gradient_check", "utils.plots", "utils.solver")
INLINE = "module://matplotlib_inline.backend_inline"
MAX_REQUEST = 1 << 20
QUIET_DEBUGPY = "PYDEVD_DISABLE_FILE_VALIDATION"
PR_SET_PDEATHSIG = 1


# environment variables that the preloaded modules set at import (debugpy sets one only
# if it is missing); each kernel gets them again on top of its own environment
SET_BY_PRELOAD: dict[str, str] = {}


def preload() -> None:
    """Import what every kernel needs and warm matplotlib (font list, math text parser)
    without choosing a pyplot backend, which the notebook's ``%matplotlib`` does."""
    before = dict(os.environ)
    # debugpy would warn on stderr that breakpoints may be missed; no one debugs here
    os.environ.setdefault(QUIET_DEBUGPY, "1")
    for name in PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    if QUIET_DEBUGPY not in before:
        del os.environ[QUIET_DEBUGPY]
    SET_BY_PRELOAD.update((k, v) for k, v in os.environ.items() if before.get(k) != v)
    names.library_modules()  # each kernel leaves out files named like these
    with contextlib.suppress(ImportError):
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        figure = Figure()
        FigureCanvasAgg(figure)
        figure.add_subplot().set_title(r"warm-up $\alpha_1^2$")
        figure.canvas.draw()


def read_request(conn: socket.socket) -> tuple[dict[str, Any], list[int]]:
    """The launcher's request (cwd, env, connection file) and its stdio descriptors."""
    data, fds, _, _ = socket.recv_fds(conn, 65536, 3)
    if len(data) < HEADER.size or len(fds) != 3:
        for fd in fds:
            os.close(fd)
        raise ValueError("malformed kernel request")
    (size,) = HEADER.unpack_from(data)
    if size > MAX_REQUEST:
        raise ValueError("kernel request too large")
    body = data[HEADER.size:]
    while len(body) < size:
        chunk = conn.recv(size - len(body))
        if not chunk:
            raise ValueError("kernel request cut short")
        body += chunk
    return json.loads(body), fds


def send(conn: socket.socket, message: dict[str, Any]) -> None:
    with contextlib.suppress(OSError):
        conn.sendall(json.dumps(message).encode() + b"\n")


def become_kernel(request: dict[str, Any], fds: list[int], server: Server,
                  ids: tuple[int, int]) -> NoReturn:
    """In the forked child: drop the server's sockets, take the launcher's stdio, folder
    and environment, confine this process and run ipykernel in it. Never returns."""

    def run_kernel() -> None:
        signal.set_wakeup_fd(-1)
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        server.close_in_child()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        os.setsid()
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        connection = prepare_kernel(request["connection"], ids)
        _import_from_folder()
        _die_with_parent()
        _as_if_started_here()
        argv = ["-f", connection]
        if os.environ.get("JPY_PARENT_PID"):  # read when ipykernel was imported, here
            argv.append(f"--IPKernelApp.parent_handle={os.environ['JPY_PARENT_PID']}")
        launcher = importlib.util.find_spec("ipykernel_launcher")
        sys.argv = [launcher.origin if launcher else "ipykernel_launcher", *argv]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=argv)

    exit_after(run_kernel)


def _import_from_folder() -> None:
    """Put the kernel's folder ('') on sys.path where IPython would (before the first
    site-packages folder): the server runs with -P (``boot``), which IPython respects."""
    index = next((i for i, path in enumerate(sys.path)
                  if os.path.basename(path) in ("site-packages", "dist-packages")), 0)
    if "" not in sys.path:
        sys.path.insert(index, "")


def signal_kernel(pid: int, signum: int) -> None:
    """Signal a kernel and every process it started, as jupyter_client signals the process
    group of a kernel it launched itself (each forked kernel leads a session of its own).
    A process a notebook left behind would otherwise outlive the kernel and keep
    nbgrader's output open."""
    try:
        os.killpg(pid, signum)
    except ProcessLookupError:  # forked a moment ago: not yet the leader of its session
        with contextlib.suppress(OSError):
            os.kill(pid, signum)
    except OSError:
        pass


def _die_with_parent() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _as_if_started_here() -> None:
    """Undo what the preloaded modules took from the server's process, so the kernel is
    the one ``python -m ipykernel_launcher`` would start in this folder: numpy's global
    generator gets fresh entropy (``random`` reseeds itself at fork), matplotlib's
    default backend comes from this environment (ipykernel's inline one, unless
    MPLBACKEND says otherwise), and what the imports put in the environment is there."""
    for name, value in SET_BY_PRELOAD.items():
        os.environ.setdefault(name, value)
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()
    matplotlib = sys.modules.get("matplotlib")
    if matplotlib is not None:
        os.environ["MPLBACKEND"] = os.environ.get("MPLBACKEND") or INLINE
        matplotlib.rcParams["backend"] = os.environ["MPLBACKEND"]


class Server:
    """One listening socket; per launcher connection, one kernel child."""

    def __init__(self, path: str) -> None:
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        self.listener.listen(16)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.listener, selectors.EVENT_READ)
        self.wake_r, self.wake_w = os.pipe()
        for fd in (self.wake_r, self.wake_w):
            os.set_blocking(fd, False)
        signal.set_wakeup_fd(self.wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        self.selector.register(self.wake_r, selectors.EVENT_READ)
        # launcher connection -> its kernel's pid (None once the kernel has ended)
        self.kernels: dict[socket.socket, int | None] = {}
        self.uids: dict[socket.socket, int] = {}  # launcher connection -> its kernel's uid
        self.running = True

    def serve(self) -> None:
        signal.signal(signal.SIGTERM, self._stop)
        while self.running:
            for key, _ in self.selector.select():
                if key.fileobj is self.listener:
                    self._start_kernel()
                elif key.fileobj == self.wake_r:
                    with contextlib.suppress(BlockingIOError):
                        os.read(self.wake_r, 4096)
                    self._reap()
                else:
                    self._from_launcher(key.fileobj)
        for conn, pid in self.kernels.items():
            if pid is not None:
                signal_kernel(pid, signal.SIGKILL)
            self._end_user(conn)
            conn.close()

    def close_in_child(self) -> None:
        """Close every descriptor of the server (detached first, so that no socket object
        closes a number the kernel has reused by then)."""
        self.selector.close()
        for sock in [self.listener, *self.kernels]:
            os.close(sock.detach())
        os.close(self.wake_r)
        os.close(self.wake_w)
        self.kernels.clear()

    def _stop(self, *_: object) -> None:
        self.running = False

    def _start_kernel(self) -> None:
        conn, _ = self.listener.accept()
        try:
            request, fds = read_request(conn)
        except (OSError, ValueError) as error:
            send(conn, {"error": str(error)})
            conn.close()
            return
        sys.stdout.flush()
        sys.stderr.flush()
        ids = unprivileged_ids()
        pid = os.fork()
        if pid == 0:
            self.kernels[conn] = None
            become_kernel(request, fds, self, ids)
        for fd in fds:
            os.close(fd)
        self.kernels[conn] = pid
        self.uids[conn] = ids[0]
        self.selector.register(conn, selectors.EVENT_READ)
        send(conn, {"pid": pid})

    def _from_launcher(self, conn: socket.socket) -> None:
        pid = self.kernels.get(conn)
        try:
            data = conn.recv(4096)
        except OSError:
            data = b""
        if not data:  # the launcher is gone: so is its kernel
            if pid is not None:
                signal_kernel(pid, signal.SIGKILL)
            self._end_user(conn)
            self._forget(conn)
            return
        for line in data.splitlines():
            with contextlib.suppress(ValueError, KeyError, TypeError):
                signum = int(json.loads(line)["signal"])
                if signum in FORWARDED and pid is not None:
                    signal_kernel(pid, signum)

    def _reap(self) -> None:
        while True:
            try:  # WNOWAIT: the pid stays the kernel's until the processes it left are ended
                ended = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                return
            if ended is None:
                return
            pid = ended.si_pid
            signal_kernel(pid, signal.SIGKILL)  # what it started dies with it
            for conn, kernel in list(self.kernels.items()):
                if kernel == pid:
                    self._end_user(conn)
            _, status = os.waitpid(pid, 0)
            for conn, kernel in list(self.kernels.items()):
                if kernel == pid:
                    send(conn, {"exit": os.waitstatus_to_exitcode(status)})
                    self.kernels[conn] = None

    def _end_user(self, conn: socket.socket) -> None:
        """End every process of the kernel's user (as root; elsewhere there is none)."""
        uid = self.uids.pop(conn, None)
        if uid is not None and os.geteuid() == 0:
            end_processes_of({uid})

    def _forget(self, conn: socket.socket) -> None:
        self.kernels.pop(conn, None)
        with contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(conn)
        conn.close()


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: boot.py autograder.nbgrader_bridge.kernel_server SOCKET", file=sys.stderr)
        return 2
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # course autograde ends it on Ctrl-C
    preload()
    server = Server(argv[0])
    print("ready", flush=True)
    server.serve()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
