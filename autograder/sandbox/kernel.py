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

import json
import os
import resource
import shutil
import signal
import sys
import tempfile
from pathlib import Path
from typing import Any

from autograder.paths import private_paths
from autograder.sandbox.isolation import confine, unprivileged_ids

PRECOMPUTED = "COURSE_PRECOMPUTED"  # folder of <student>.json, set by course autograde
SOCKETS = "COURSE_KERNEL_SOCKETS"  # the folder of the kernels' unix sockets
RESULTS = "GRADER_CELL_RESULTS"  # what the kernel receives: this student's results (JSON)
MAX_TASKS = 64  # ipykernel runs a handful of threads
MEMORY_BYTES = 6 << 30
KERNEL_NAME = "course-confined"


class ConfinedKernels:
    """The grader's side of one nbgrader run with confined kernels: a private folder with
    the kernel spec, the kernels' sockets and each student's precomputed results.

        kernels = ConfinedKernels()
        kernels.add_results("alice", report.cell_results(result))
        subprocess.run([... "nbgrader", "autograde", ..., *kernels.nbgrader_args()],
                       env=kernels.env(os.environ))
        kernels.close()   # ends what the kernels left running, removes the folder
    """

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="course-kernels-"))
        self.root.chmod(0o711)  # kernels (other users) pass through to their sockets
        self.results = self.root / "results"
        self.results.mkdir(mode=0o700)
        self.sockets = self.root / "sockets"
        self.sockets.mkdir()
        self.sockets.chmod(0o1733)  # anyone may create a socket; no one may list them
        spec = self.root / "jupyter" / "kernels" / KERNEL_NAME
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "autograder.sandbox.kernel", "-f",
                     "{connection_file}"],
            "display_name": "Python 3 (confined for grading)", "language": "python"}))

    def add_results(self, student: str, cells: dict[str, Any]) -> None:
        (self.results / f"{student}.json").write_text(json.dumps(cells))

    def nbgrader_args(self) -> list[str]:
        # a kernel is ended at once when its notebook is done: every output has arrived,
        # and a graceful shutdown costs ~0.4 s per notebook
        return [f"--Execute.kernel_name={KERNEL_NAME}", "--KernelManager.transport=ipc",
                f"--KernelManager.ip={self.sockets / 'kernel'}",
                "--Execute.shutdown_kernel=immediate"]

    def env(self, base: dict[str, str]) -> dict[str, str]:
        path = os.pathsep.join(p for p in (str(self.root / "jupyter"),
                                           base.get("JUPYTER_PATH", "")) if p)
        return {**base, "JUPYTER_PATH": path, PRECOMPUTED: str(self.results),
                SOCKETS: str(self.sockets)}

    def close(self) -> None:
        uids = {int(p.name.removeprefix("uid-")) for p in self.sockets.glob("uid-*")}
        end_processes_of(uids)
        shutil.rmtree(self.root, ignore_errors=True)


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


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "-f":
        print("usage: python -m autograder.sandbox.kernel -f CONNECTION_FILE", file=sys.stderr)
        return 2
    connection = argv[1]
    here = os.getcwd()
    student = Path(here).parent.name
    scratch = tempfile.mkdtemp(prefix="kernel-")
    precomputed = os.environ.pop(PRECOMPUTED, "")
    sockets = os.environ.pop(SOCKETS, "")
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
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", private_copy])
    return 1  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
