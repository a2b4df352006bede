"""Corpus cases that attack the trust boundary: what a determined student tries against
the grader itself rather than against the tests.

Each class of attack has several variants: a file named like a library module (run as
root before confinement, if the grader let it be imported), links, devices and pipes in
the upload, links planted by a notebook kernel for root to follow, files planted where
the grader decides what to kill, the grader's environment and command line, files left
where anyone may write, text large enough to bloat a report, return values that cannot
be used, and processes that try to outlive their kernel. Every case is graded on all
three paths; the corpus tests also check that the secret, the token and the victim file
(``corpus_edits``) stay untouched and unseen on every path.
"""

from __future__ import annotations

import os
import stat
import textwrap
from collections.abc import Callable
from pathlib import Path

from corpus_edits import (
    EVERYTHING,
    GD,
    GD_ALL,
    HW,
    LITTER,
    NAIVE,
    SGD,
    SHM_KEY,
    SLEEP_SESSION,
    SOFTMAX_ALL,
    TRAIN,
    Case,
    Context,
    append,
    edit_notebook,
    insert_first,
    with_context,
    wrap,
)

# what an attack writes where it can: forged results, over the victim file
_OVERWRITE = """
import os
for _target in @TARGETS@:
    try:
        with open(_target, "w") as _fh:
            _fh.write('{"score": 1000, "tests": [], "output": "forged"}')
    except OSError:
        pass
"""


def _fill(code: str, ctx: Context) -> str:
    """``code`` with the run's paths in place of @VICTIM@, @SECRET@, @TARGETS@, @COURSE@."""
    targets = [str(ctx.victim), *(str(t) for t in ctx.targets)]
    return (textwrap.dedent(code).replace("@TARGETS@", repr(targets))
            .replace("@VICTIM@", repr(str(ctx.victim))).replace("@SECRET@", repr(str(ctx.secret)))
            .replace("@COURSE@", repr(str(ctx.course))).replace("@SLEEP@", SLEEP_SESSION))


def _files(contents: dict[str, str]) -> Callable[[Path, Context], None]:
    """Add these files (code with the run's paths filled in) to the submission."""
    def edit(folder: Path, ctx: Context) -> None:
        for name, code in contents.items():
            (folder / name).write_text(_fill(code, ctx))
    return edit


def _link(name: str, target: Callable[[Context], Path]) -> Callable[[Path, Context], None]:
    """Replace ``name`` by a symbolic link to ``target``."""
    def edit(folder: Path, ctx: Context) -> None:
        (folder / name).unlink(missing_ok=True)
        (folder / name).symlink_to(target(ctx))
    return edit


def _linked_folder(folder: Path, ctx: Context) -> None:
    """No modules at the top, and a folder that is a link to the reference's."""
    for name in ("softmax.py", "gradient_descent.py"):
        (folder / name).unlink()
    (folder / "final").symlink_to(ctx.course / "source" / HW, target_is_directory=True)


def _fifo(name: str) -> Callable[[Path, Context], None]:
    def edit(folder: Path, ctx: Context) -> None:
        (folder / name).unlink()
        os.mkfifo(folder / name)
    return edit


def _device(name: str) -> Callable[[Path, Context], None]:
    """A character device (/dev/zero's numbers): reading it never ends."""
    def edit(folder: Path, ctx: Context) -> None:
        (folder / name).unlink()
        os.mknod(folder / name, 0o644 | stat.S_IFCHR, os.makedev(1, 5))
    return edit


def _hard_link(folder: Path, ctx: Context) -> None:
    (folder / "softmax.py").unlink()
    os.link(ctx.references[0], folder / "softmax.py")
    os.link(ctx.secret, folder / "notes.txt")


def _in_notebook(name: str, code: str) -> Callable[[Path, Context], None]:
    """A first code cell, with the run's paths filled in, in notebook ``name``."""
    def edit(folder: Path, ctx: Context) -> None:
        edit_notebook(name, insert_first(_fill(code, ctx)))(folder, ctx)
    return edit


_LOOK_AROUND = """
import glob, os
needles = ("corpus-token", "corpus-secret", "--json", "results.json")
found = [f"env {k}={v}" for k, v in os.environ.items() if any(n in k + v for n in needles)]
for path in glob.glob("/proc/*/cmdline") + glob.glob("/proc/*/environ"):
    try:
        with open(path, "rb") as fh:
            data = fh.read().replace(b"\\0", b" ").decode(errors="replace")
    except OSError:
        continue
    found += [f"{path}: {data[max(0, data.find(n) - 80):data.find(n) + 80]}"
              for n in needles if n in data]
try:
    with open(@SECRET@) as fh:
        found.append("secret: " + fh.read())
except OSError as exc:
    found.append(f"secret unreadable ({type(exc).__name__})")
"""

_LITTER = f"""
import ctypes, os
for folder in ("/dev/shm", "/tmp", "/var/tmp", os.getcwd(), os.path.expanduser("~")):
    try:
        with open(os.path.join(folder, "{LITTER}-" + str(os.getpid())), "w") as fh:
            fh.write("left behind")
    except OSError:
        pass
ctypes.CDLL(None).shmget({SHM_KEY:#x}, 4096, 0o1000 | 0o666)  # IPC_CREAT: a System V segment
"""


BOUNDARY_CASES: tuple[Case, ...] = (
    # ----- files named like library modules: never imported, named in the report --------
    Case("shadow_json", "json.py at the top level overwrites files and exits when imported",
         _files({"json.py": _OVERWRITE + "os._exit(7)\n"}), notice="json.py"),
    Case("shadow_numpy", "numpy.py kills any interpreter that imports it",
         _files({"numpy.py": "import os\nos._exit(1)\n"}), notice="numpy.py"),
    Case("shadow_course", "autograder.py, utils.py and traceback.py forge results at import",
         _files({"autograder.py": _OVERWRITE, "utils.py": _OVERWRITE,
                 "traceback.py": _OVERWRITE + "raise SystemExit(5)\n"}),
         notice="autograder.py"),
    # ----- links, hard links, pipes and devices in the upload -----------------------------
    Case("link_to_reference", "softmax.py is a symbolic link to the reference solution",
         _link("softmax.py", lambda ctx: ctx.references[0]), SOFTMAX_ALL,
         ("symbolic link",)),
    Case("link_to_secret", "gradient_descent.py is a link to a root-only file",
         _link("gradient_descent.py", lambda ctx: ctx.secret), GD_ALL, ("symbolic link",)),
    Case("linked_folder", "the modules sit in a folder that is a link to the reference's",
         _linked_folder, EVERYTHING, ("missing",), notice="symbolic link"),
    Case("fifo_module", "softmax.py is a named pipe (reading it would never end)",
         _fifo("softmax.py"), SOFTMAX_ALL, ("named pipe",)),
    Case("device_module", "gradient_descent.py is a character device",
         _device("gradient_descent.py"), GD_ALL, ("device",), needs_root=True),
    Case("hard_links", "softmax.py is a hard link to the reference, notes.txt to a secret",
         _hard_link, SOFTMAX_ALL, ("hard link",), notice="notes.txt"),
    # ----- the grader's environment, command line and shared folders ----------------------
    Case("look_around", "minibatch_sgd reports the environment and every command line",
         wrap("gradient_descent.py", SGD,
              before=_LOOK_AROUND.replace("@SECRET@", "'/nonexistent'")
              + "raise RuntimeError(' | '.join(found) or 'nothing found')"),
         (SGD,), ("RuntimeError",)),
    Case("look_around_secret", "softmax_loss_naive reads a root-only file outside the course",
         with_context(lambda ctx: wrap(
             "softmax.py", NAIVE,
             before=_fill(_LOOK_AROUND, ctx) + "raise RuntimeError(' | '.join(found))")),
         (NAIVE,), ("unreadable",), needs_root=True),
    Case("litter", "gradient_descent leaves files in /dev/shm, /tmp and a System V segment",
         wrap("gradient_descent.py", GD, before=_LITTER), needs_root=True),
    # ----- text large enough to bloat a report --------------------------------------------
    Case("warning_flood", "softmax_loss_naive emits 100,000 long warnings, then is wrong",
         wrap("softmax.py", NAIVE, before="""
import warnings
for i in range(100_000):
    warnings.warn(f"flood {i} " + "w" * 2000)
""", after="(result[0] + 1.0, result[1])"), (NAIVE,), ("emitted warnings",)),
    Case("long_source_line", "softmax_loss_naive raises on a line of 1.5 million characters",
         append("softmax.py", "def softmax_loss_naive(W, X, y, reg):\n    raise ValueError("
                "'long line') if W is not None else '" + "y" * 1_500_000 + "'\n"),
         (NAIVE,), ("ValueError",)),
    Case("huge_message", "minibatch_sgd raises with a 30 MB message",
         wrap("gradient_descent.py", SGD, before="raise ValueError('z' * 30_000_000)"),
         (SGD,), ("ValueError",)),
    # ----- return values that cannot be used: the student's error, not the grader's -------
    Case("huge_int_loss", "softmax_loss_naive returns a 401-digit integer loss",
         wrap("softmax.py", NAIVE, after="(10 ** 400, result[1])"), (NAIVE,)),
    Case("string_history", "SoftmaxClassifier.train returns a list of strings",
         wrap("softmax.py", TRAIN, after="['loss'] * len(result)"), (TRAIN,), some=True),
    Case("nested_return", "gradient_descent returns lists nested 1,000 deep",
         wrap("gradient_descent.py", GD, before="""
nested = []
for _ in range(1000):
    nested = [nested]
""", after="nested"), (GD,)),
    # ----- notebook kernels (course autograde): links for root, processes, planted files --
    Case("notebook_relinks", "a cell replaces its notebooks and modules by links to a "
         "root-only file and to the instructor's solution notebook",
         _in_notebook("softmax.ipynb", """
import glob, os
for name in glob.glob("*.ipynb") + glob.glob("*.py"):
    solution = @COURSE@ + "/source/hw1_softmax/" + name
    target = solution if name.startswith("gradient") else @VICTIM@
    try:
        os.remove(name)
        os.symlink(target, name)
    except OSError as exc:
        print("relink", name, type(exc).__name__)
"""), needs_root=True),
    Case("notebook_outlives", "a cell starts a process in a session of its own that rewrites "
         "the notebook's files later", _in_notebook("gradient_descent.ipynb", """
import subprocess
subprocess.Popen(["sh", "-c", 'sleep @SLEEP@; for f in *; do echo rewritten > "$f"; done'],
                 start_new_session=True)
"""), needs_root=True),
    Case("notebook_plants", "a cell plants user-id files beside its sockets",
         _in_notebook("softmax.ipynb", """
import json, os, sys
try:
    ip = json.load(open(sys.argv[sys.argv.index("-f") + 1]))["ip"]
except Exception as exc:
    ip = ""
    print("no connection file", type(exc).__name__)
folder = os.path.dirname(ip)
for where in (folder, os.path.join(os.path.dirname(folder), "uids")):
    for name in ("uid-0", f"uid-{os.getuid()}", "uid-abc", "uid-65534", "65534", "0", "uid-"):
        try:
            open(os.path.join(where, name), "w").close()
        except OSError as exc:
            print(where, type(exc).__name__)
"""), needs_root=True),
    Case("notebook_look_around", "a cell prints the environment, command lines and a secret",
         _in_notebook("gradient_descent.ipynb", _LOOK_AROUND + "print(found)\n")),
    Case("notebook_flood", "a cell prints a 50 MB line and 200,000 short ones",
         _in_notebook("softmax.ipynb", """
print("x" * 50_000_000)
for i in range(200_000):
    print(i)
""")),
    Case("notebook_litter", "a cell leaves files in /dev/shm, /tmp and a System V segment",
         _in_notebook("gradient_descent.ipynb", _LITTER), needs_root=True),
)
