"""The confined notebook kernel that ``course autograde`` gives nbgrader (through a kernel
spec it writes for the run; not started by hand).

    python -P -s .../autograder/sandbox/boot.py autograder.nbgrader_bridge.kernel -f CONNECTION_FILE

nbgrader executes each student's notebook, so a notebook cell runs with the rights of
whoever grades: as root it could rewrite the gradebook, delete the course or read the
solutions. This launcher is started (isolated, ``boot``: nothing in the notebook's folder
is imported) in the notebook's folder (``autograded/<student>/<hw>/``). Before the
ordinary ipykernel takes over, it copies that folder's regular files into a scratch
folder of the kernel's own and moves there, so that the folder nbgrader writes the
graded notebook into stays the grader's (a kernel can neither replace a file there by a
link nor rewrite it later), and gives the kernel what the per-call sandbox gives student
functions (``autograder.sandbox.isolation``): an environment of its own (nothing of the
grader's), and as root a user id of its own (a few threads), no network (it talks to
nbgrader over unix sockets), the course's private folders hidden, a read-only file
system outside its capped scratch folder and the socket folder. The processes of that
user id are ended when the kernel ends (``kernel_server``) and, whatever happens, when
``course autograde`` closes the run (the ids are recorded where only root can write).

It also hands the kernel this student's results, computed beforehand outside any kernel
(``COURSE_PRECOMPUTED``), which the hidden test cells print (``autograder.nbgrader_bridge.cell``):
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

from autograder.core.intake import Intake, copy_tree
from autograder.core.paths import private_paths
from autograder.sandbox import names
from autograder.sandbox.boot import isolated_command
from autograder.sandbox.isolation import confine, is_student_uid, unprivileged_ids

PRECOMPUTED = "COURSE_PRECOMPUTED"  # folder of <student>.json, set by course autograde
SOCKETS = "COURSE_KERNEL_SOCKETS"  # the folder of the kernels' unix sockets
SCRATCH = "COURSE_KERNEL_SCRATCH"  # where each kernel gets its home (removed by close())
UIDS = "COURSE_KERNEL_UIDS"  # root-only folder: one empty file per kernel's user id
RESULTS = "GRADER_CELL_RESULTS"  # what the kernel receives: this student's results (JSON)
MAX_TASKS = 64  # ipykernel runs a handful of threads
MEMORY_BYTES = 6 << 30
SCRATCH_BYTES = 256 << 20  # a kernel's folder copy and home (a notebook saves a model)
# what a kernel keeps of the environment nbgrader gives it; the rest is set here
KERNEL_ENV = ("NBGRADER_EXECUTION", "JPY_PARENT_PID", "MPLBACKEND", "OPENBLAS_NUM_THREADS",
              "OMP_NUM_THREADS", "MKL_NUM_THREADS", "LANG", "LC_ALL", "TZ")
KERNEL_NAME = "course-confined"
LAUNCHER = "autograder.nbgrader_bridge.kernel"  # this module, started by sandbox.boot
KERNEL_SERVER = "autograder.nbgrader_bridge.kernel_server"
SERVER = "COURSE_KERNEL_SERVER"  # the kernel server's socket (KERNEL_SERVER)
CLIENT = "autograder.nbgrader_bridge.client.GradingKernelClient"  # nbgrader's kernel client
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
        self.uids = self.root / "uids"
        self.uids.mkdir(mode=0o700)
        self.sockets = self.root / "sockets"
        self.sockets.mkdir()
        self.sockets.chmod(0o1733)  # anyone may create a socket; no one may list them
        self.scratch = self.root / "scratch"  # one private home per kernel, under it
        self.scratch.mkdir()
        self.scratch.chmod(0o711)
        spec = self.root / "jupyter" / "kernels" / KERNEL_NAME
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": isolated_command(LAUNCHER, "-f", "{connection_file}"),
            "display_name": "Python 3 (confined for grading)", "language": "python"}))
        self.server: subprocess.Popen | None = None
        self.server_address = ""  # set once the server has said it is ready
        if server:
            private = self.root / "server"
            private.mkdir(mode=0o700)  # only the grader reaches the server's socket
            self._address = str(private / "socket")
            self.server = subprocess.Popen(
                isolated_command(KERNEL_SERVER, self._address),
                cwd=private, env=self.env(dict(base_env or os.environ)),
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True)

    def add_results(self, student: str, cells: dict[str, Any]) -> None:
        (self.results / f"{student}.json").write_text(json.dumps(cells))

    def nbgrader_args(self) -> list[str]:
        # a kernel is ended at once when its notebook is done: every output has arrived,
        # and a graceful shutdown costs ~0.4 s per notebook; the client bounds message
        # sizes (autograder.nbgrader_bridge.client)
        return [f"--Execute.kernel_name={KERNEL_NAME}", "--KernelManager.transport=ipc",
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
               SOCKETS: str(self.sockets), SCRATCH: str(self.scratch), UIDS: str(self.uids)}
        if self.server_address:
            env[SERVER] = self.server_address
        return env

    def close(self) -> None:
        """Stop the server, end what the kernels left running and remove the folder (with
        every kernel's home and private connection file)."""
        try:
            self._stop_server()
        finally:
            end_processes_of(recorded_uids(self.uids))
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


def record_uid(folder: str, uid: int) -> None:
    """Note (as root, before the kernel runs) that a kernel runs as ``uid``."""
    Path(folder, str(uid)).touch(mode=0o600)


def recorded_uids(folder: Path) -> set[int]:
    """The kernels' user ids noted in ``folder`` (only student ids; nothing else)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return set()
    return {int(n) for n in names if n.isdigit() and is_student_uid(int(n))}


def end_processes_of(uids: set[int]) -> int:
    """SIGKILL every process whose real uid is in ``uids`` (student ids only); returns
    how many."""
    uids = {uid for uid in uids if is_student_uid(uid)}
    if not uids:
        return 0
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


def kernel_env(home: str, results: str | None) -> dict[str, str]:
    """The whole environment of a kernel: what a notebook needs of nbgrader's
    (``KERNEL_ENV``) and its own folders; no token, key or path of the grader's."""
    env = {k: os.environ[k] for k in KERNEL_ENV if k in os.environ}
    env.update(PATH=os.pathsep.join([os.path.dirname(sys.executable), "/usr/local/bin",
                                     "/usr/bin", "/bin"]),
               HOME=home, TMPDIR=home, MPLCONFIGDIR=os.path.join(home, ".matplotlib"),
               IPYTHONDIR=os.path.join(home, ".ipython"))
    if results is not None:
        env[RESULTS] = results
    return env


def prepare_kernel(connection: str, ids: tuple[int, int] | None = None) -> str:
    """Everything a confined kernel does before ipykernel starts, in the notebook's folder:
    take this student's results, copy the folder into a scratch folder of its own and
    move there, take its own environment, the memory limit and, as root, the user id
    ``ids`` (a fresh one when None) in a private file system. Returns the kernel's
    private copy of the connection file. Runs in the launcher (direct start) or in the
    server's child (``kernel_server``)."""
    here = os.getcwd()
    student = Path(here).parent.name
    precomputed = os.environ.get(PRECOMPUTED, "")
    sockets = os.environ.get(SOCKETS, "")
    # in the run's folder, so that ConfinedKernels.close() removes it with the rest
    scratch = tempfile.mkdtemp(prefix="kernel-", dir=os.environ.get(SCRATCH) or None)
    results = Path(precomputed) / f"{student}.json"
    cells = results.read_text() if precomputed and results.is_file() else None
    work, home = os.path.join(scratch, "work"), os.path.join(scratch, "home")
    os.mkdir(home, 0o700)
    os.mkdir(work, 0o700)
    source = os.open(here, os.O_RDONLY | os.O_DIRECTORY)
    try:
        copy_tree(source, Path(work), Intake(Path(work), Path(here)))
    finally:
        os.close(source)
    for name in names.shadowing(os.listdir(work)):  # not imported in place of a library
        os.unlink(os.path.join(work, name))
    private_copy = os.path.join(scratch, "connection.json")
    shutil.copyfile(connection, private_copy)
    uids = os.environ.get(UIDS, "")
    env = kernel_env(home, cells)
    os.environ.clear()
    os.environ.update(env)
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    if os.geteuid() == 0:
        ids = ids or unprivileged_ids()
        if uids:
            record_uid(uids, ids[0])  # for course autograde's clean-up
        _chown_tree(scratch, *ids)
        confine(hidden=[str(p) for p in private_paths()], own=[here], writable=[scratch],
                shared=[sockets] if sockets else [], ids=ids, max_tasks=MAX_TASKS,
                scratch_bytes=SCRATCH_BYTES)
    os.chdir(work)
    os.environ["HOME"] = home
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
        print(f"usage: boot.py {LAUNCHER} -f CONNECTION_FILE", file=sys.stderr)
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
    os.execv(sys.executable, [sys.executable, "-s", "-m", "ipykernel_launcher", "-f",
                              private_copy])
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
