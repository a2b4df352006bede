"""The malformed-submission corpus: real hw1 submission folders, each broken one way.

Every case starts from a correct submission (the reference modules with the released
notebooks) and damages it the way students do, by mistake or on purpose. A case states
what it must cost: ``lost`` names the graded functions (test tags) whose tests lose all
their points, and ``words`` what their messages must say; every other test keeps all of
its points. The three grading paths (``course grade``, ``course autograde`` through
nbgrader, Gradescope's ``run_autograder``) are held to the same statement.

Cases marked ``needs_root`` rely on what the grader can only enforce as root (a user of
its own for student code, the course's folders hidden, a read-only file system): CI and
Gradescope run as root.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from boundary_cases import BOUNDARY_CASES
from corpus_edits import (
    EVERYTHING,
    GD,
    GD_ALL,
    HW,
    LEFTOVER_MARKERS,
    NAIVE,
    PREDICT,
    SGD,
    SLEEP_FORK,
    SLEEP_SHELL,
    SOFTMAX_ALL,
    Case,
    Context,
    append,
    delete,
    delete_cell,
    duplicate_cell,
    edit_locked_cell,
    edit_notebook,
    insert_first,
    prepend,
    replace,
    split_cell,
    with_context,
    wrap,
)

__all__ = ["CASES", "HW", "LEFTOVER_MARKERS", "Case", "Context"]

def _old_nbformat(folder: Path, ctx: Context) -> None:
    import nbformat

    path = folder / "gradient_descent.ipynb"
    nb = nbformat.read(path, as_version=4)
    path.write_text(nbformat.writes(nbformat.convert(nb, 3), version=3))


def _corrupt_json(folder: Path, ctx: Context) -> None:
    (folder / "softmax.ipynb").write_text('{"cells": [ {"cell_type": "code", "source": ')


def _empty(folder: Path, ctx: Context) -> None:
    for path in folder.iterdir():
        path.unlink()


def _odd_names(folder: Path, ctx: Context) -> None:
    (folder / "notes (final) é ✓.txt").write_text("résumé of my work\n")
    shutil.copyfile(folder / "softmax.py", folder / "softmax copy (2).py")


def _nested(folder: Path, ctx: Context) -> None:
    inner = folder / "Homework 1 – final" / HW
    inner.mkdir(parents=True)
    for path in sorted(folder.iterdir()):
        if path.is_file():
            path.rename(inner / path.name)
    junk = folder / "__MACOSX" / "Homework 1 – final" / HW
    junk.mkdir(parents=True)
    for name in ("._softmax.py", "._gradient_descent.py"):
        (junk / name).write_bytes(b"\x00\x05\x16\x07 resource fork")


def _helper_module(folder: Path, ctx: Context) -> None:
    (folder / "my_helpers.py").write_text("def double(x):\n    return 2 * x\n")
    prepend("softmax.py", "from my_helpers import double  # noqa: F401")(folder, ctx)


def _read_reference(ctx: Context) -> Callable[[Path, Context], None]:
    paths = [str(p) for p in ctx.references]
    return append("softmax.py", f"""
def softmax_loss_naive(W, X, y, reg):
    import importlib.util
    for path in {paths!r}:
        try:
            spec = importlib.util.spec_from_file_location("the_reference", path)
            reference = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(reference)
        except OSError as exc:
            error = exc
            continue
        return reference.softmax_loss_naive(W, X, y, reg)
    raise error
""")


def _forge(ctx: Context) -> Callable[[Path, Context], None]:
    targets = [str(p) for p in ctx.targets]
    forged = json.dumps({"score": 1000, "tests": [], "output": "forged"})
    return wrap("gradient_descent.py", "minibatch_sgd", before=f"""
for target in {targets!r}:
    try:
        with open(target, "w") as fh:
            fh.write({forged!r})
    except OSError:
        pass
""")


def _delete_everything(ctx: Context) -> Callable[[Path, Context], None]:
    victims = [str(ctx.course / "source"), str(ctx.course / "assignments"),
               str(ctx.course / "submitted")]
    return wrap("gradient_descent.py", "gradient_descent", before=f"""
import shutil
for victim in {victims!r}:
    shutil.rmtree(victim, ignore_errors=True)
for name in os.listdir("."):
    if name.endswith(".ipynb"):
        os.remove(name)
""")


MISTAKES: tuple[Case, ...] = (
    # ----- files that do not load --------------------------------------------------------
    Case("syntax_error", "softmax.py does not parse",
         append("softmax.py", "def unfinished(:\n    pass"), SOFTMAX_ALL,
         ("softmax.py could not be imported", "SyntaxError")),
    Case("import_error", "gradient_descent.py imports a package that is not installed",
         prepend("gradient_descent.py", "import numpy_extras_that_do_not_exist"), GD_ALL,
         ("could not be imported", "ModuleNotFoundError")),
    Case("raises_at_import", "gradient_descent.py raises while it is imported",
         append("gradient_descent.py", "raise RuntimeError('half-finished edit')"), GD_ALL,
         ("RuntimeError", "half-finished edit")),
    Case("exits_at_import", "gradient_descent.py kills its interpreter while imported",
         append("gradient_descent.py", "import os\nos._exit(3)"), GD_ALL,
         ("ended the Python process", "top level of gradient_descent.py")),
    Case("hangs_at_import", "gradient_descent.py never finishes importing",
         append("gradient_descent.py", "while True:\n    pass"), GD_ALL,
         ("importing gradient_descent.py did not finish",)),
    Case("missing_module", "gradient_descent.py was not handed in",
         delete("gradient_descent.py"), GD_ALL, ("gradient_descent.py is missing",)),
    Case("empty_submission", "nothing at all was handed in", _empty, EVERYTHING,
         ("is missing from your submission",)),
    # ----- wrong names, signatures and return values ---------------------------------------
    Case("renamed_function", "minibatch_sgd was renamed",
         replace("gradient_descent.py", "def minibatch_sgd(", "def minibatch_SGD("), (SGD,),
         ("has no `minibatch_sgd`",)),
    Case("deleted_method", "SoftmaxClassifier.predict was deleted",
         append("softmax.py", "del SoftmaxClassifier.predict"), (PREDICT,),
         ("AttributeError", "predict")),
    Case("wrong_signature", "minibatch_sgd lost its last parameters",
         append("gradient_descent.py", """
def minibatch_sgd(loss_and_grad, w0, X, y, learning_rate):
    return w0, []
"""), (SGD,), ("TypeError",)),
    Case("wrong_return_type", "softmax_loss_naive returns a string",
         append("softmax.py", "def softmax_loss_naive(W, X, y, reg):\n    return 'done'"),
         (NAIVE,), ("should return 2 values", "str")),
    Case("wrong_shape", "predict returns a column instead of a vector",
         wrap("softmax.py", "SoftmaxClassifier.predict", after="result[:, None]"),
         (PREDICT,), ("has shape",)),
    Case("wrong_dtype", "predict returns float labels",
         wrap("softmax.py", "SoftmaxClassifier.predict", after="result.astype(float)"),
         (PREDICT,), ("dtype float64",)),
    Case("nan_loss", "softmax_loss_naive returns a NaN loss",
         wrap("softmax.py", NAIVE, after="(float('nan'), result[1])"), (NAIVE,),
         ("not finite",)),
    Case("inf_weights", "minibatch_sgd returns infinite weights and losses",
         wrap("gradient_descent.py", SGD,
              after="(result[0] * float('inf'), [float('inf')] * len(result[1]))"), (SGD,),
         ("non-finite",)),
    Case("lying_object", "softmax_loss_naive returns objects that claim to equal anything",
         append("softmax.py", """
class Liar(float):
    def __eq__(self, other):
        return True
    __hash__ = float.__hash__

def softmax_loss_naive(W, X, y, reg):
    return Liar(0.0), Liar(0.0)
"""), (NAIVE,), ("is wrong",)),
    # ----- code that never ends or eats the machine --------------------------------------
    Case("infinite_loop", "gradient_descent loops forever",
         wrap("gradient_descent.py", GD, before="while True:\n    pass"), (GD,),
         ("did not finish",)),
    Case("sigint_ignoring_loop", "minibatch_sgd ignores interrupts and loops forever",
         wrap("gradient_descent.py", SGD, before="""
signal.signal(signal.SIGINT, signal.SIG_IGN)
signal.signal(signal.SIGTERM, signal.SIG_IGN)
while True:
    pass
"""), (SGD,), ("did not finish",)),
    Case("sleeps", "predict sleeps for an hour",
         wrap("softmax.py", "SoftmaxClassifier.predict", before="time.sleep(3600)"),
         (PREDICT,), ("did not finish",)),
    Case("memory_bomb", "softmax_loss_naive allocates until memory runs out",
         wrap("softmax.py", NAIVE, before="""
hog = []
while True:
    hog.append(bytearray(1 << 24))
"""), (NAIVE,), ("ran out of memory",)),
    Case("output_flood", "minibatch_sgd prints 100 MB",
         wrap("gradient_descent.py", SGD, before="""
line = "x" * 999
for _ in range(100_000):
    print(line)
"""), (SGD,), ("printed more than",)),
    Case("huge_return", "softmax_loss_naive returns a 280 MB array",
         wrap("softmax.py", NAIVE, after="(result[0], __import__('numpy').zeros(35_000_000))"),
         (NAIVE,), ("too large to grade",)),
    # ----- the process and its parent ---------------------------------------------------
    Case("sys_exit", "predict calls sys.exit",
         wrap("softmax.py", "SoftmaxClassifier.predict", before="sys.exit(0)"), (PREDICT,),
         ("do not call sys.exit",)),
    Case("os_exit", "minibatch_sgd calls os._exit",
         wrap("gradient_descent.py", SGD, before="os._exit(1)"), (SGD,),
         ("ended the Python process",)),
    Case("segfault", "softmax_loss_naive crashes the interpreter",
         wrap("softmax.py", NAIVE, before="import ctypes\nctypes.string_at(0)"), (NAIVE,),
         ("crashed the Python interpreter", "SIGSEGV")),
    Case("fork", "gradient_descent forks a child that outlives it",
         wrap("gradient_descent.py", GD, before=f"""
if os.fork() == 0:
    os.execvp("sleep", ["sleep", "{SLEEP_FORK}"])
"""), (GD,), ("may not start processes",), needs_root=True),
    Case("shell", "minibatch_sgd starts a shell command",
         wrap("gradient_descent.py", SGD,
              before=f"subprocess.Popen(['sh', '-c', 'sleep {SLEEP_SHELL}'])"), (SGD,),
         ("may not start processes",), needs_root=True),
    Case("kill_parent", "gradient_descent signals every process it can, then the grader",
         wrap("gradient_descent.py", GD, before="""
if os.geteuid() == 0:  # never signal everything as root: that would stop the test machine
    raise RuntimeError("student code still runs as root")
try:
    os.kill(-1, signal.SIGKILL)
except OSError:
    pass
os.kill(os.getppid(), signal.SIGKILL)
"""), (GD,), ("PermissionError",), needs_root=True),
    # ----- harmless noise costs nothing ---------------------------------------------------
    Case("debug_prints", "softmax_loss_naive prints debugging lines, also to stderr",
         wrap("softmax.py", NAIVE, before="""
print("debug: W has shape", args[0].shape)
print("warning: this is slow", file=sys.stderr)
""")),
    Case("numpy_warnings", "softmax_loss_naive triggers numpy RuntimeWarnings",
         wrap("softmax.py", NAIVE, before="""
import numpy
numpy.log(numpy.zeros(3))
numpy.float64(1e308) * 10
""")),
    Case("helper_module", "softmax.py imports a helper module of the student's own",
         _helper_module),
    Case("odd_file_names", "files with spaces and unicode in their names", _odd_names,
         student="zoë ñandú"),
    Case("nested_folders", "an upload with extra folders (and macOS junk)", _nested,
         folder=f"Homework 1 – final/{HW}"),
    # ----- gaming the grader ---------------------------------------------------------------
    Case("monkeypatch_numpy", "softmax.py patches numpy's comparisons, then returns zeros",
         append("softmax.py", """
np.allclose = lambda *a, **k: True
np.isclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None

def softmax_loss_naive(W, X, y, reg):
    return 0.0, np.zeros_like(W)
"""), (NAIVE,), ("is wrong",)),
    Case("read_reference", "softmax_loss_naive loads the reference solution from disk",
         with_context(_read_reference), (NAIVE,), ("PermissionError",), needs_root=True),
    Case("import_reference", "softmax_loss_naive asks the grading engine for the reference",
         append("softmax.py", """
def softmax_loss_naive(W, X, y, reg):
    from autograder.grading import runner
    return runner.load("hw1_softmax").reference.softmax.softmax_loss_naive(W, X, y, reg)
"""), (NAIVE,), ("raised",), needs_root=True),
    Case("forge_results", "minibatch_sgd writes a forged results.json and grades",
         with_context(_forge), needs_root=True),
    Case("delete_files", "gradient_descent deletes the course's and its own files",
         with_context(_delete_everything), needs_root=True),
    # ----- notebooks that nbgrader cannot run as released -----------------------------------
    Case("corrupt_notebook", "softmax.ipynb is not valid JSON", _corrupt_json),
    Case("old_nbformat", "gradient_descent.ipynb saved in nbformat 3", _old_nbformat),
    Case("missing_notebook", "softmax.ipynb was not handed in", delete("softmax.ipynb")),
    Case("deleted_test_cell", "a graded test cell was deleted",
         edit_notebook("softmax.ipynb", delete_cell)),
    Case("duplicated_test_cell", "a graded test cell was copied",
         edit_notebook("softmax.ipynb", duplicate_cell)),
    Case("split_test_cell", "a graded test cell was split in two",
         edit_notebook("softmax.ipynb", split_cell)),
    Case("edited_locked_cell", "a graded test cell was replaced by a claim of full marks",
         edit_notebook("gradient_descent.ipynb", edit_locked_cell)),
    Case("notebook_exits", "a notebook cell kills the kernel",
         edit_notebook("gradient_descent.ipynb", insert_first("import os\nos._exit(1)"))),
    Case("notebook_sigint_loop", "a notebook cell ignores interrupts and loops forever",
         edit_notebook("softmax.ipynb", insert_first(
             "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
             "while True:\n    pass"))),
)

CASES: tuple[Case, ...] = MISTAKES + BOUNDARY_CASES
