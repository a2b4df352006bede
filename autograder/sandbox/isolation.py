"""Confining a process that runs student code, further than a separate process can.

``confine()`` runs inside the worker (or a notebook kernel) before anything of the
submission is imported. As root (Gradescope, CI, ``sudo course ...``):

- new network and IPC namespaces: no network, not even loopback; no System V or POSIX
  message queue, semaphore or shared memory shared with anyone;
- a private mount namespace in which the course's private folders (reference solution,
  suites, other students' work) and the original submission are hidden behind empty
  folders; every mount is read-only except the process's own scratch folders, which are
  fresh size-capped tmpfs mounts holding a copy of what the grader put there; ``/dev/shm``
  is a small private tmpfs and ``/proc`` shows only the process's own user's processes
  (so not the grader's command line); all of it disappears with the process;
- then an unprivileged user id of its own (one per student process, no passwd entry, no
  supplementary groups), no new privileges through set-uid programs, and a cap on its
  processes (``RLIMIT_NPROC``: none for the per-call worker, a few threads for a kernel).

Where the mount namespace is refused (a container without ``CAP_SYS_ADMIN``, as Docker
gives by default), the process still drops to its own user id: the grader first checks
that this user can run the interpreter and cannot read any of the private folders (the
Gradescope set-up makes them readable by root only); if either check fails, confinement
stops with ``ConfinementError`` and student code does not run at all. Student code never
runs as root.

Dropping privileges needs an interpreter other users can read. Where it lies under a
private folder (a Python in ``/root/.pyenv``: ``/root`` is mode 700), that folder is
replaced, inside the mount namespace only, by an empty one showing just the entries the
interpreter needs.

As an ordinary user: an unprivileged user + network namespace for the same no-network
guarantee where the kernel allows it; the process keeps the grader's user.

``confine()`` returns a one-line description that the grader prints, so instructors know
which guarantees held on their machine.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import secrets
import stat
import sysconfig

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_REC = 32, 1024, 2048, 4096, 16384
MS_PRIVATE, MS_RELATIME, MS_STRICTATIME = 1 << 18, 1 << 21, 1 << 24
PR_SET_NO_NEW_PRIVS = 38
UID_BASE, UID_SPAN = 2_000_000_000, 100_000_000  # far from any real account
SCRATCH_BYTES = 64 << 20  # default size of a scratch folder (tmpfs, counted in memory)
SHM_BYTES = 16 << 20  # the private /dev/shm
# options of a mount that a read-only remount must keep
_KEPT_OPTIONS = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC,
                 "noatime": MS_NOATIME, "nodiratime": MS_NODIRATIME,
                 "relatime": MS_RELATIME, "strictatime": MS_STRICTATIME}


class ConfinementError(RuntimeError):
    """Student code cannot be confined on this machine (and must not run)."""


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name, use_errno=True) if name else None


def _unshare(flags: int) -> bool:
    libc = _libc()
    return libc is not None and libc.unshare(flags) == 0


def _mount(source: str | None, target: str, fstype: str | None, flags: int,
           data: str | None = None) -> bool:
    libc = _libc()
    if libc is None:
        return False
    enc = [None if v is None else v.encode() for v in (source, target, fstype, data)]
    return libc.mount(enc[0], enc[1], enc[2], ctypes.c_ulong(flags), enc[3]) == 0


def _no_new_privileges() -> None:
    libc = _libc()
    if libc is not None:
        libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)


def private_filesystem(hidden: list[str], writable: list[str], ids: tuple[int, int],
                       scratch_bytes: int = SCRATCH_BYTES, shared: list[str] | None = None
                       ) -> bool:
    """In a new mount namespace: let other users reach the interpreter, hide ``hidden``
    folders and files, turn each ``writable`` folder into a capped tmpfs owned by ``ids``
    (holding a copy of what it held), keep the ``shared`` folders writable as they are
    (a kernel's socket folder, which the grader reads too), make every other mount
    read-only, give the process a private ``/dev/shm`` and a ``/proc`` that hides other
    users' processes. A hidden folder that holds a writable one shows only the way to
    it. Needs root; returns whether the namespace could be made (False: nothing was
    changed)."""
    shared = list(shared or [])
    if not _unshare(CLONE_NEWNS) or not _mount(None, "/", None, MS_REC | MS_PRIVATE):
        return False
    ok = open_private_ancestors([*_interpreter_paths(), *writable, *shared])
    for path in hidden:
        inside = [w for w in (*writable, *shared) if _within(w, path)]
        if inside:
            ok &= _cover(path, sorted({_entry_toward(path, w) for w in inside}))
        elif os.path.isdir(path):
            ok &= _mount("tmpfs", path, "tmpfs", 0, "size=4k,mode=0")
        elif os.path.isfile(path):
            ok &= _mount(os.devnull, path, None, MS_BIND)
    ok &= _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, "hidepid=2")
    for path in writable:
        ok &= capped_scratch(path, scratch_bytes, ids)
    for path in shared:  # a bind copies the flags of the mount it is made from: make it rw
        ok &= _mount(path, path, None, MS_BIND) and _mount(None, path, None,
                                                          MS_REMOUNT | MS_BIND)
    ok &= read_only_mounts(except_under=[*writable, *shared])
    if os.path.isdir("/dev/shm"):
        ok &= _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
                     f"size={SHM_BYTES},mode=1777")
    return bool(ok)


def capped_scratch(path: str, size: int, ids: tuple[int, int]) -> bool:
    """Replace folder ``path`` (in this mount namespace) by a tmpfs of ``size`` bytes,
    owned by ``ids``, holding a copy of the regular files and folders it held."""
    old = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    try:
        if not _mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV,
                      f"size={size},mode=0700,uid={ids[0]},gid={ids[1]}"):
            return False
        _copy_into(old, path, ids)
        return True
    finally:
        os.close(old)


def _copy_into(src_fd: int, dest: str, ids: tuple[int, int]) -> None:
    for name in os.listdir(src_fd):
        info = os.stat(name, dir_fd=src_fd, follow_symlinks=False)
        target = os.path.join(dest, name)
        if stat.S_ISDIR(info.st_mode):
            child = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=src_fd)
            try:
                os.mkdir(target, 0o700)
                _copy_into(child, target, ids)
            finally:
                os.close(child)
        elif stat.S_ISREG(info.st_mode):
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=src_fd)
            try:
                with os.fdopen(os.dup(fd), "rb") as src, open(target, "xb") as out:
                    while chunk := src.read(1 << 20):
                        out.write(chunk)
            finally:
                os.close(fd)
            os.chmod(target, stat.S_IMODE(info.st_mode) & 0o700 | 0o600)
        else:
            continue
        os.chown(target, *ids, follow_symlinks=False)


def mount_points() -> list[tuple[str, int]]:
    """(mount point, flags to keep) of every mount this process sees, parents first."""
    found = []
    with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as fh:
        for line in fh:
            fields = line.split()
            point = _unescape(fields[4])
            flags = 0
            for option in fields[5].split(","):
                flags |= _KEPT_OPTIONS.get(option, 0)
            found.append((point, flags))
    return sorted(found, key=lambda entry: entry[0].count("/"))


def _unescape(field: str) -> str:
    """mountinfo writes space, tab, newline and backslash as octal escapes."""
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(code, char)
    return field


def read_only_mounts(except_under: list[str]) -> bool:
    """Remount every mount read-only, except those at or under ``except_under``."""
    keep = [os.path.realpath(p) for p in except_under]
    ok = True
    for point, flags in mount_points():
        if any(point == k or point.startswith(k.rstrip(os.sep) + os.sep) for k in keep):
            continue
        if not _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags):
            # a mount point hidden under another mount can be neither reached nor used
            ok &= not os.path.exists(point) or _is_read_only(point)
    return ok


def _is_read_only(path: str) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        return True


def _within(path: str, folder: str) -> bool:
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path != folder and path.startswith(folder.rstrip(os.sep) + os.sep)


def _entry_toward(folder: str, path: str) -> str:
    """The entry of ``folder`` on the way to ``path`` (which lies inside it)."""
    rest = os.path.relpath(os.path.realpath(path), os.path.realpath(folder))
    return os.path.join(folder, rest.split(os.sep)[0])


def unprivileged_ids() -> tuple[int, int]:
    """A fresh (uid, gid) for one student process when the grader is root.

    Each student process gets an id of its own, so that two submissions graded at once
    cannot signal each other's processes (as two processes of ``nobody`` could)."""
    uid = UID_BASE + secrets.randbelow(UID_SPAN)
    return uid, uid


def is_student_uid(uid: int) -> bool:
    """Whether ``uid`` is one that ``unprivileged_ids`` hands out."""
    return UID_BASE <= uid < UID_BASE + UID_SPAN


def _blocking_ancestor(path: str) -> tuple[str, str] | None:
    """(folder, entry): the first folder on the way to ``path`` that other users cannot
    enter, and the entry inside it that leads to ``path``; None when nothing blocks."""
    parts = os.path.abspath(path).strip(os.sep).split(os.sep)
    folder = os.sep
    for part in parts:
        try:
            if not os.stat(folder).st_mode & stat.S_IXOTH:
                return folder, os.path.join(folder, part)
        except OSError:
            return None
        folder = os.path.join(folder, part)
    return None


def open_private_ancestors(paths: list[str], max_depth: int = 8) -> bool:
    """Inside a private mount namespace (root only): cover each folder on the way to
    ``paths`` that other users cannot enter with an empty, enterable tmpfs, and bind just
    the needed entries back into it (level by level, when private folders are nested).
    The real folders are untouched; everything else in them stays out of sight. Returns
    whether all of it held."""
    # a path is reached through its own folders (a symlink's) and its target's
    routes = sorted({p for path in paths for p in (os.path.abspath(path), os.path.realpath(path))})
    for _ in range(max_depth):
        wanted: dict[str, set[str]] = {}
        for path in routes:
            found = _blocking_ancestor(path)
            if found:
                wanted.setdefault(found[0], set()).add(found[1])
        if not wanted:
            return True
        if not all(_cover(folder, sorted(entries)) for folder, entries in sorted(wanted.items())):
            return False
    return False


def _cover(folder: str, entries: list[str]) -> bool:
    """Mount an empty tmpfs (mode 755) on ``folder`` holding only ``entries``, bound back
    read-only from the real ones."""
    fds = {entry: os.open(entry, os.O_PATH) for entry in entries}
    try:
        if not _mount("tmpfs", folder, "tmpfs", 0, "size=64k,mode=0755"):
            return False
        ok = True
        for entry, fd in fds.items():
            if os.path.isdir(f"/proc/self/fd/{fd}"):
                os.mkdir(entry, 0o755)
            else:
                open(entry, "w").close()
            ok &= _mount(f"/proc/self/fd/{fd}", entry, None, MS_BIND | MS_REC)
            ok &= _mount(None, entry, None, MS_REMOUNT | MS_BIND | MS_RDONLY)
        ok &= _mount(None, folder, None, MS_REMOUNT | MS_RDONLY)
        return bool(ok)
    finally:
        for fd in fds.values():
            os.close(fd)


def readable_by_others(path: str) -> bool:
    """Whether a user other than the owner can reach ``path`` (and read it), through its
    own folders and, for a symlink, its target's."""
    return all(_reachable(p) for p in {os.path.abspath(path), os.path.realpath(path)})


def _reachable(path: str) -> bool:
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


def _interpreter_paths() -> list[str]:
    """What student code needs to read: the standard library, the installed packages
    (numpy among them) and this package (the grader's objective functions and the
    worker's own modules are imported by name there)."""
    import numpy

    paths = sysconfig.get_paths()
    return [paths["stdlib"], paths["platstdlib"], paths["purelib"],
            os.path.dirname(numpy.__file__), os.path.dirname(os.path.dirname(__file__))]


def unshared_interpreter_path() -> str | None:
    """The first folder of this interpreter and its packages that an unprivileged user
    cannot read, or None when it can run them all."""
    return next((p for p in _interpreter_paths() if not readable_by_others(p)), None)


def exposed(paths: list[str]) -> list[str]:
    """Those of ``paths`` that another user could list or read (through any of their
    entries: a folder is exposed when anything in it is)."""
    found = []
    for path in paths:
        if not os.path.lexists(path):
            continue
        if _reachable_by_others(path):
            found.append(path)
    return found


def _reachable_by_others(path: str) -> bool:
    """Whether another user can open ``path`` or, for a folder, anything below it."""
    try:
        parent_ok = all(os.stat(p).st_mode & stat.S_IXOTH for p in _parents(path))
    except OSError:
        return False
    if not parent_ok:
        return False
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return False
    if stat.S_ISDIR(mode):
        return bool(mode & (stat.S_IROTH | stat.S_IXOTH))
    return bool(mode & stat.S_IROTH)


def _parents(path: str) -> list[str]:
    parents, folder = [], os.path.dirname(os.path.abspath(path))
    while True:
        parents.append(folder)
        if folder == os.path.dirname(folder):
            return parents
        folder = os.path.dirname(folder)


def drop_privileges(ids: tuple[int, int], max_tasks: int) -> None:
    """Become ``ids`` for good, with at most ``max_tasks`` processes and threads besides
    this one, and no way back through set-uid programs."""
    uid, gid = ids
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
    _no_new_privileges()
    resource.setrlimit(resource.RLIMIT_NPROC, (max_tasks, max_tasks))
    if os.getuid() != uid or os.geteuid() != uid or os.getegid() != gid:
        raise ConfinementError("the privilege drop did not hold")


def confine(hidden: list[str] | tuple[str, ...] = (),
            writable: list[str] | tuple[str, ...] = (),
            ids: tuple[int, int] | None = None, max_tasks: int = 0,
            own: list[str] | tuple[str, ...] = (), scratch_bytes: int = SCRATCH_BYTES,
            shared: list[str] | tuple[str, ...] = ()) -> str:
    """Apply what this machine allows; return a description of what holds.

    ``hidden``: what student code must never read (reference, suites, other students'
    work); ``own``: what it need not see (its own original submission); ``writable``: the
    folders it may write besides ``shared`` ones (its scratch copies, each capped at
    ``scratch_bytes``); ``ids``: the (uid, gid) to drop to when root; ``max_tasks``: the
    processes and threads that user may run (0: none besides itself; a notebook kernel
    needs threads).
    Raises ``ConfinementError`` (as root) when student code would run as root or could
    read a ``hidden`` path.
    """
    if os.geteuid() != 0:
        network = _unshare(CLONE_NEWUSER | CLONE_NEWNET)
        parts = ["runs as the grader's own user (start the grader as root to drop "
                 "privileges)", "no network" if network else "network NOT blocked on this machine"]
        return "student code " + ", ".join(parts)
    ids = ids or unprivileged_ids()
    network = _unshare(CLONE_NEWNET)
    _unshare(CLONE_NEWIPC)
    net = "no network" if network else "network NOT blocked"
    if private_filesystem([*hidden, *own], list(writable), ids, scratch_bytes, list(shared)):
        fs = "reference and submission hidden, read-only file system"
    else:
        private = unshared_interpreter_path()
        if private:
            raise ConfinementError(
                f"student code cannot be confined: this machine refuses mount namespaces "
                f"(no CAP_SYS_ADMIN) and {private} is not readable by other users, so "
                "privileges cannot be dropped; run the grader with a Python that other "
                "users can read, or give it CAP_SYS_ADMIN")
        readable = exposed(list(hidden))
        if readable:
            raise ConfinementError(
                "student code cannot be confined: this machine refuses mount namespaces "
                "(no CAP_SYS_ADMIN) and other users can read "
                f"{', '.join(readable[:3])}; make them private first (chmod -R go-rwx)")
        for path in writable:
            os.chown(path, *ids)
        fs = ("private folders readable by root only (no mount namespace on this machine: "
              "the file system stays writable where permissions allow)")
    drop_privileges(ids, max_tasks)
    if not network:  # as the student's user, a user namespace may still be allowed
        network = _unshare(CLONE_NEWUSER | CLONE_NEWNET)
        net = "no network" if network else net
    os.environ["HOME"] = os.getcwd()
    tasks = ("cannot start processes" if not max_tasks
             else f"at most {max_tasks} processes and threads")
    return (f"student code runs as an unprivileged user of its own (uid {ids[0]}), {tasks}, "
            f"cannot signal others; {net}; {fs}")
