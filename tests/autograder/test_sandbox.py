"""Tests of the student process: every way student code can fail becomes a message."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import numpy as np
import pytest

from autograder.core.limits import Limits
from autograder.sandbox.student import Student, StudentError

MODULE = '''
import os, sys, time
import numpy as np

def add(a, b):
    return a + b

def boom():
    raise ValueError("bad input")

def todo():
    raise NotImplementedError

def spin():
    while True:
        pass

def nap():
    time.sleep(60)

def hard_exit():
    os._exit(3)

def soft_exit():
    sys.exit(1)

def flood():
    while True:
        print("x" * 1000)

def chatty(x):
    print("debug", x)
    return x

def overflow():
    return np.exp(np.array([1000.0]))

def inplace(a):
    a[0] = 5.0
    return a

def hog():
    return np.ones(1 << 31)

def give_function():
    return lambda: 1

def segfault():
    import ctypes
    ctypes.string_at(0)

def write_file():
    with open("written.txt", "w") as fh:
        fh.write("hello")
    return os.getcwd()

def huge():
    return np.zeros((300 << 20) // 8)

def forge_partial_reply():
    import struct
    os.write(int(sys.argv[2]), struct.pack("<Q", 1000))  # announce a reply, then stall
    time.sleep(60)

class Counter:
    def __init__(self, start):
        self.count = start

    def bump(self, k=1):
        self.count += k
        return self.count
'''


@pytest.fixture(scope="module")
def submission(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("submission")
    (folder / "mod.py").write_text(MODULE)
    (folder / "broken.py").write_text("def f(:\n    pass\n")
    (folder / "stuck.py").write_text("while True:\n    pass\n\ndef f():\n    return 1\n")
    return folder


@pytest.fixture(scope="module")
def student(submission):
    with Student(submission, ["mod", "broken", "absent"], Limits(seconds=2)) as s:
        yield s


def test_call_returns_values(student):
    """Does a plain call return the student's value through the pipe?"""
    np.testing.assert_array_equal(student.call("mod.add", np.ones(3), 2), np.full(3, 3.0))


@pytest.mark.parametrize("name, kind, words", [
    ("mod.boom", "ValueError", "raised ValueError: bad input"),
    ("mod.todo", "not_implemented", "not implemented yet"),
    ("mod.spin", "timeout", "did not finish within 2 s"),
    ("mod.nap", "timeout", "did not finish within 2 s"),
    ("mod.hard_exit", "crashed", "exit code 3"),
    ("mod.soft_exit", "SystemExit", "do not call sys.exit"),
    ("mod.huge", "too_large", "too large to grade"),
    ("mod.forge_partial_reply", "timeout", "did not finish within 2 s"),
    ("mod.flood", "output_limit", "printed more than"),
    ("mod.hog", "memory", "ran out of memory"),
    ("mod.segfault", "crashed", "SIGSEGV"),
    ("mod.missing", "submission", "has no `missing`"),
    ("broken.f", "submission", "broken.py could not be imported: SyntaxError"),
    ("absent.f", "submission", "absent.py is missing from your submission"),
])
def test_failures_become_student_errors(student, name, kind, words):
    """Does each failure mode raise StudentError with a kind and a readable message?"""
    with pytest.raises(StudentError) as info:
        student.call(name)
    assert info.value.kind == kind
    assert words in str(info.value)


def test_a_hanging_import_costs_its_time_once(submission):
    """Does a file whose top level never finishes fail the first call with a message about
    the import, and every later call at once with the same message?"""
    with Student(submission, ["stuck", "mod"], Limits(seconds=1)) as s:
        with pytest.raises(StudentError, match="importing stuck.py did not finish") as first:
            s.call("stuck.f")
        assert "top level of stuck.py" in str(first.value)
        start = time.perf_counter()
        with pytest.raises(StudentError) as again:
            s.call("stuck.f")
        assert time.perf_counter() - start < 0.5
        assert str(again.value) == str(first.value)
        assert s.call("mod.add", 1, 2) == 3  # other modules are unaffected


def test_traceback_points_into_student_file(student):
    """Does the message show the student's file and line, not the grader's internals?"""
    with pytest.raises(StudentError) as info:
        student.call("mod.boom")
    assert "mod.py, line 9, in boom" in str(info.value)
    assert "autograder" not in str(info.value)


def test_process_recovers_after_a_crash(student):
    """Does the next call work after the worker was killed by a crash?"""
    with pytest.raises(StudentError):
        student.call("mod.hard_exit")
    assert student.call("mod.add", 1, 2) == 3


def test_output_and_warnings_are_captured(student):
    """Are prints and numpy warnings recorded for the message, never shown on the console?"""
    assert student.call("mod.chatty", 5) == 5
    assert "debug 5" in student.last.output
    out = student.call("mod.overflow")
    assert np.isinf(out[0])
    assert any("overflow" in w for w in student.last.warnings)


def test_in_place_modification_is_reported(student):
    """Does the call record which array argument the student modified?"""
    student.call("mod.inplace", np.zeros(3))
    assert student.last.mutated == ["0"]
    student.call("mod.add", np.zeros(3), 1)
    assert student.last.mutated == []


def test_objects_live_in_the_student_process(student):
    """Can the grader construct an object, call methods and read attributes?"""
    counter = student.new("mod.Counter", 10)
    assert counter.call("bump", k=5) == 15
    assert counter.get("count") == 15
    counter.set("count", 0)
    assert counter.call("bump") == 1


def test_objects_are_lost_after_a_crash(student):
    """Is a call on an object from a crashed process refused with a clear message?"""
    counter = student.new("mod.Counter", 0)
    with pytest.raises(StudentError):
        student.call("mod.hard_exit")
    with pytest.raises(StudentError, match="lost because an earlier call crashed"):
        counter.call("bump")


def test_unsupported_return_values_are_opaque(student):
    """Is a returned function described by its type rather than executed or pickled?"""
    value = student.call("mod.give_function")
    assert value.type_name == "function"


def test_submission_is_never_modified(submission):
    """Are the submission's files byte-identical after a run that writes files?"""
    def digest(folder: Path) -> dict[str, str]:
        return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}

    before = digest(submission)
    with Student(submission, ["mod"]) as s:
        workdir = s.call("mod.write_file")
    assert digest(submission) == before
    assert Path(workdir) != submission
    assert not Path(workdir).exists()  # the private copy is removed on close


def test_call_overhead_is_small(submission):
    """Is a round trip well under 5 ms once the process runs?"""
    with Student(submission, ["mod"]) as s:
        s.call("mod.add", 1, 2)
        start = time.perf_counter()
        for _ in range(50):
            s.call("mod.add", 1, 2)
        per_call = (time.perf_counter() - start) / 50
    assert per_call < 0.005


CONFINED = '''
import os, socket

def whoami():
    return os.getuid()

def connect(port):
    with socket.create_connection(("127.0.0.1", port), timeout=2):
        return "connected"

def fork():
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    return pid

def write_to(path):
    with open(path, "w") as fh:
        fh.write("forged")
    return "written"


def read(path):
    with open(path) as fh:
        return fh.read()


def signal(pid):
    os.kill(pid, 0)
    return "allowed"
'''


@pytest.fixture()
def secret(tmp_path) -> Path:
    folder = tmp_path / "reference"
    folder.mkdir()
    (folder / "answer.py").write_text("ANSWER = 42\n")
    return folder


@pytest.fixture()
def confined(tmp_path, secret):
    folder = tmp_path / "student"
    folder.mkdir()
    (folder / "c.py").write_text(CONFINED)
    with Student(folder, ["c"], Limits(seconds=5), hidden=[secret]) as s:
        yield s


def test_confinement_holds_as_described(confined, secret, tmp_path):
    """Does student code get what the grader says: no network; as root, no sight of the
    reference or the original submission and no writes outside its own folder; as an
    unprivileged user, no fork and no signal to the grader either?"""
    import socket
    import threading

    described = confined.isolation()
    if os.geteuid() == 0:  # as root the drop must work, whatever Python runs the grader
        assert "unprivileged user" in described and "read-only" in described, described
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    threading.Thread(target=server.accept, daemon=True).start()
    if "no network" in described:
        with pytest.raises(StudentError, match="OSError|unreachable|refused"):
            confined.call("c.connect", port)
    else:
        assert confined.call("c.connect", port) == "connected"
    server.close()

    results = tmp_path / "results.json"
    results.write_text("{}")
    if "reference and submission hidden" in described:
        with pytest.raises(StudentError, match="FileNotFoundError|PermissionError"):
            confined.call("c.read", str(secret / "answer.py"))
        with pytest.raises(StudentError, match="Read-only file system|PermissionError"):
            confined.call("c.write_to", str(results))
        assert confined.call("c.write_to", "scratch.txt") == "written"  # its own folder
    assert results.read_text() == "{}"
    assert (secret / "answer.py").read_text() == "ANSWER = 42\n"

    if "unprivileged user" in described:
        assert confined.call("c.whoami") not in (0, os.geteuid())
        with pytest.raises(StudentError, match="may not start processes") as info:
            confined.call("c.fork")
        assert info.value.kind == "no_processes"
        with pytest.raises(StudentError, match="PermissionError|not permitted"):
            confined.call("c.signal", os.getpid())
    else:
        assert "runs as root" in described or "own user" in described
        assert confined.call("c.whoami") == os.geteuid()


@pytest.mark.parametrize("mode, expected", [(0o755, True), (0o700, False)])
def test_privilege_drop_requires_a_shared_python(tmp_path, mode, expected):
    """Is a file under a private folder recognised as unreadable for other users?"""
    import shutil
    import tempfile

    from autograder.sandbox.isolation import readable_by_others

    base = Path(tempfile.mkdtemp(dir="/tmp"))  # /tmp itself is reachable by everyone
    try:
        base.chmod(0o755)
        folder = base / "home"
        folder.mkdir()
        target = folder / "lib.py"
        target.write_text("x = 1")
        target.chmod(0o644)
        folder.chmod(mode)
        assert readable_by_others(str(target)) is expected
    finally:
        shutil.rmtree(base)
