"""The confined notebook kernel that ``course autograde`` gives nbgrader (through a kernel
spec it writes for the run; not started by hand).

    python -m autograder.sandbox.kernel -f CONNECTION_FILE

nbgrader executes each student's notebook, so a notebook cell runs with the rights of
whoever grades: as root it could rewrite the gradebook, delete the course or read the
solutions. This launcher starts in the notebook's folder (``autograded/<student>/<hw>/``)
and, before the ordinary ipykernel takes over, gives the kernel what the per-call sandbox
gives student functions (``autograder.sandbox.isolation``): as root, a user id of its own
(a few threads, no process tree), no network (it talks to nbgrader over unix sockets), the
course's private folders and files hidden (only its own autograded folder shows) and a
read-only file system outside that folder and a scratch folder. Processes it leaves behind
are ended by ``course autograde`` (the uid is recorded in the socket folder).

It also hands the kernel this student's results, computed beforehand outside any kernel
(``COURSE_PRECOMPUTED``), which the hidden test cells print (``autograder.nbgrader_cell``):
a kernel cannot reach the suite or the reference, and need not.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from autograder.paths import private_paths
from autograder.sandbox.isolation import confine, unprivileged_ids

PRECOMPUTED = "COURSE_PRECOMPUTED"  # folder of <student>.json, set by course autograde
SOCKETS = "COURSE_KERNEL_SOCKETS"  # the folder of the kernels' unix sockets
SCRATCH = "COURSE_KERNEL_SCRATCH"  # where each kernel gets its home (removed by close())
RESULTS = "GRADER_CELL_RESULTS"  # what the kernel receives: this student's results (JSON)
MAX_TASKS = 64  # ipykernel runs a handful of threads
MEMORY_BYTES = 6 << 30
KERNEL_NAME = "course-confined"
SERVER = "COURSE_KERNEL_SERVER"  # the kernel server's socket (autograder.sandbox.kernel_server)
CLIENT = "autograder.sandbox.client.GradingKernelClient"  # nbgrader's kernel client
MANAGER = "autograder.sandbox.manager.GradingKernelManager"  # and its kernel manager
HEADER = struct.Struct("!I")  # a request's length, before it
# what the launcher passes on to its kernel (nbgrader's SIGKILL cannot be caught: the
# server ends the kernel when the launcher's connection closes)
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)


class ConfinedKernels:
    """The grader's side of one nbgrader run with confined kernels: a private folder with
    the kernel spec, the kernels' sockets, each student's precomputed results, and a
    kernel server (``kernel_server``) that forks kernels with ipykernel, numpy and
    matplotlib already imported.

        kernels = ConfinedKernels(tool_env())   # the server warms up meanwhile
        kernels.add_results("alice", report.cell_results(result))
        subprocess.run([... "nbgrader", "autograde", ..., *kernels.nbgrader_args()],
                       env=kernels.env(tool_env()))
        kernels.close()   # ends what the kernels left running, removes the folder
    """

    def __init__(self, base_env: dict[str, str] | None = None, server: bool = True) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="course-kernels-"))
        self.root.chmod(0o711)  # kernels (other users) pass through to their sockets
        self.results = self.root / "results"
        self.results.mkdir(mode=0o700)
        self.sockets = self.root / "sockets"
        self.sockets.mkdir()
        self.sockets.chmod(0o1733)  # anyone may create a socket; no one may list them
        self.scratch = self.root / "scratch"  # one private home per kernel, under it
        self.scratch.mkdir()
        self.scratch.chmod(0o711)
        spec = self.root / "jupyter" / "kernels" / KERNEL_NAME
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "autograder.sandbox.kernel", "-f",
                     "{connection_file}"],
            "display_name": "Python 3 (confined for grading)", "language": "python"}))
        self.server: subprocess.Popen | None = None
        self.server_address = ""  # set once the server has said it is ready
        if server:
            private = self.root / "server"
            private.mkdir(mode=0o700)  # only the grader reaches the server's socket
            self._address = str(private / "socket")
            self.server = subprocess.Popen(
                [sys.executable, "-m", "autograder.sandbox.kernel_server", self._address],
                cwd=private, env=self.env(dict(base_env or os.environ)),
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)

    def add_results(self, student: str, cells: dict[str, Any]) -> None:
        (self.results / f"{student}.json").write_text(json.dumps(cells))

    def nbgrader_args(self) -> list[str]:
        # a kernel is ended at once when its notebook is done: every output has arrived,
        # and a graceful shutdown costs ~0.4 s per notebook; the client is ready without
        # jupyter_client's 0.2 s of quiet (autograder.sandbox.client), and the end of a
        # killed kernel is noticed without a 0.1 s sleep (autograder.sandbox.manager)
        return [f"--Execute.kernel_name={KERNEL_NAME}",
                f"--Execute.kernel_manager_class={MANAGER}", "--KernelManager.transport=ipc",
                f"--KernelManager.ip={self.sockets / 'kernel'}",
                f"--KernelManager.client_factory={CLIENT}",
                "--Execute.shutdown_kernel=immediate"]

    def wait_for_server(self, timeout: float = 60.0) -> bool:
        """Wait until the kernel server is ready; False (kernels then start directly, more
        slowly) when it failed to start."""
        if self.server_address or self.server is None or self.server.stdout is None \
                or self.server.stdout.closed:  # ready, never started, or stopped
            return bool(self.server_address)
        ready, _, _ = select.select([self.server.stdout], [], [], timeout)
        if ready and self.server.stdout.readline().strip() == "ready":
            self.server_address = self._address
        else:
            self._stop_server()
        return bool(self.server_address)

    def env(self, base: dict[str, str]) -> dict[str, str]:
        path = os.pathsep.join(p for p in (str(self.root / "jupyter"),
                                           base.get("JUPYTER_PATH", "")) if p)
        env = {**base, "JUPYTER_PATH": path, PRECOMPUTED: str(self.results),
               SOCKETS: str(self.sockets), SCRATCH: str(self.scratch)}
        if self.server_address:
            env[SERVER] = self.server_address
        return env

    def close(self) -> None:
        """Stop the server, end what the kernels left running and remove the folder (with
        every kernel's home and private connection file)."""
        self._stop_server()
        uids = {int(p.name.removeprefix("uid-")) for p in self.sockets.glob("uid-*")}
        end_processes_of(uids)
        shutil.rmtree(self.root, ignore_errors=True)

    def _stop_server(self) -> None:
        self.server_address = ""
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait()
        if self.server is not None and self.server.stdout is not None:
            self.server.stdout.close()


def end_processes_of(uids: set[int]) -> int:
    """SIGKILL every process whose real uid is in ``uids``; returns how many."""
    ended = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            line = next(x for x in status.read_text().splitlines() if x.startswith("Uid:"))
            if int(line.split()[1]) in uids:
                os.kill(int(status.parent.name), signal.SIGKILL)
                ended += 1
        except (OSError, StopIteration, ValueError):
            continue
    return ended


def _chown_tree(root: str, uid: int, gid: int) -> None:
    os.chown(root, uid, gid)
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            os.chown(os.path.join(folder, name), uid, gid, follow_symlinks=False)


def prepare_kernel(connection: str) -> str:
    """Everything a confined kernel does before ipykernel starts, in the notebook's folder:
    take this student's results, a scratch home, the memory limit and, as root, a uid of
    its own in a private file system. Returns the kernel's private copy of the connection
    file. Runs in the launcher (direct start) or in the server's child
    (``kernel_server``)."""
    here = os.getcwd()
    student = Path(here).parent.name
    precomputed = os.environ.pop(PRECOMPUTED, "")
    sockets = os.environ.pop(SOCKETS, "")
    # in the run's folder, so that ConfinedKernels.close() removes it with the rest
    scratch = tempfile.mkdtemp(prefix="kernel-", dir=os.environ.pop(SCRATCH, "") or None)
    results = Path(precomputed) / f"{student}.json"
    if precomputed and results.is_file():
        os.environ[RESULTS] = results.read_text()
    private_copy = os.path.join(scratch, "connection.json")
    shutil.copyfile(connection, private_copy)
    os.environ.update(HOME=scratch, MPLCONFIGDIR=os.path.join(scratch, "matplotlib"),
                      IPYTHONDIR=os.path.join(scratch, "ipython"))
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    if os.geteuid() == 0:
        uid, gid = unprivileged_ids()
        if sockets:
            Path(sockets, f"uid-{uid}").touch()  # for course autograde's clean-up
        _chown_tree(scratch, uid, gid)
        _chown_tree(here, uid, gid)
        writable = [here, scratch, *([sockets] if sockets else [])]
        confine(hidden=[str(p) for p in private_paths()], writable=writable, ids=(uid, gid),
                max_tasks=MAX_TASKS)
        os.chdir(here)  # re-enter the folder through the new mounts
        os.environ["HOME"] = scratch
    return private_copy


def through_server(address: str, connection: str) -> int:
    """Have the kernel server fork this kernel; stay as its stand-in for nbgrader: pass
    interrupts on and end with its exit status. Raises OSError when the server cannot
    be reached (the caller then starts the kernel itself)."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(address)
    body = json.dumps({"cwd": os.getcwd(), "env": dict(os.environ),
                       "connection": os.path.abspath(connection)}).encode()
    socket.send_fds(conn, [HEADER.pack(len(body)) + body], [0, 1, 2])
    replies = conn.makefile("r")
    started = json.loads(replies.readline() or "{}")
    if "pid" not in started:
        raise OSError(f"the kernel server refused: {started.get('error', 'no reply')}")

    def forward(signum: int, _frame: object) -> None:
        with contextlib.suppress(OSError):
            conn.sendall(json.dumps({"signal": signum}).encode() + b"\n")

    for signum in FORWARDED:
        signal.signal(signum, forward)
    for line in replies:
        ended = json.loads(line)
        if "exit" in ended:
            code = int(ended["exit"])
            return code if code >= 0 else 128 - code
    return 1  # the server went away


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "-f":
        print("usage: python -m autograder.sandbox.kernel -f CONNECTION_FILE", file=sys.stderr)
        return 2
    connection = argv[1]
    server = os.environ.pop(SERVER, "")
    if server:
        try:
            return through_server(server, connection)
        except OSError as error:
            print(f"[course autograde] kernel server unavailable ({error}); starting the "
                  "kernel directly", file=sys.stderr)
    private_copy = prepare_kernel(connection)
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", private_copy])
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
