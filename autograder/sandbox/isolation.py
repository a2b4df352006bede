"""Confining the student process further than a separate process can.

``confine()`` runs inside the worker before any student code is imported:

- as root (Gradescope containers, most CI): move into a new network namespace (no
  network, not even loopback), then drop to the unprivileged user ``nobody`` with no
  supplementary groups, and forbid new processes (RLIMIT_NPROC = 0), so student code can
  neither reach the network, nor fork, nor write files owned by the grader;
- as an ordinary user: try an unprivileged user + network namespace for the same
  no-network guarantee; processes stay possible (they are killed with the process group).

Dropping to ``nobody`` needs a Python installation that other users can read (true in
Gradescope containers and system Pythons; false for a Python under a private home folder
such as ``/root/.pyenv``). Where it cannot read it, the grader keeps its user and says so.

It returns a one-line description that the grader prints, so instructors know which
guarantees held on their machine.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import pwd
import resource
import stat
import sysconfig

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
NOBODY = "nobody"


def _unshare(flags: int) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    return libc.unshare(flags) == 0


def unprivileged_ids() -> tuple[int, int]:
    """(uid, gid) of the user student code runs as when the grader is root."""
    try:
        entry = pwd.getpwnam(NOBODY)
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        return 65534, 65534


def readable_by_others(path: str) -> bool:
    """Whether a user other than the owner can reach ``path`` (and read it)."""
    path = os.path.realpath(path)
    try:
        if not os.stat(path).st_mode & stat.S_IROTH:
            return False
        parent = os.path.dirname(path)
        while True:
            if not os.stat(parent).st_mode & stat.S_IXOTH:
                return False
            if parent == os.path.dirname(parent):
                return True
            parent = os.path.dirname(parent)
    except OSError:
        return False


def python_is_shared() -> bool:
    """Whether an unprivileged user can run this interpreter with its packages."""
    import numpy

    paths = [sysconfig.get_paths()["stdlib"], os.path.dirname(numpy.__file__),
             os.path.dirname(os.path.dirname(__file__))]
    return all(readable_by_others(p) for p in paths)


def confine() -> str:
    """Apply what this machine allows; return a description of what holds."""
    if os.geteuid() == 0:
        network = _unshare(CLONE_NEWNET)
        if not python_is_shared():
            os.environ["HOME"] = os.getcwd()
            return ("student code runs as root: this Python installation is not readable "
                    "by other users, so privileges cannot be dropped; "
                    + ("no network" if network else "network NOT blocked"))
        uid, gid = unprivileged_ids()
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)
        resource.setrlimit(resource.RLIMIT_NPROC, (0, 0))
        os.environ["HOME"] = os.getcwd()
        parts = [f"runs as unprivileged user {NOBODY}", "cannot start processes"]
        parts.append("no network" if network else "network NOT blocked (unshare failed)")
        return "student code " + ", ".join(parts)
    network = _unshare(CLONE_NEWUSER | CLONE_NEWNET)
    parts = ["runs as the grader's own user (start the grader as root to drop privileges)"]
    parts.append("no network" if network else "network NOT blocked on this machine")
    return "student code " + ", ".join(parts)
