"""Build assignment folders for the ``utils.submit`` tests, with notebooks run for real.

``build_assignment(folder)`` writes a manifest, two notebooks executed by nbclient in the
installed ``python3`` kernel (math in all four delimiters, a matplotlib plot, a
300-character code line, a wide printed array and a 30-column HTML table), three modules
(one still a stub) and an artifact. ``ERROR_NOTEBOOK`` is the second notebook with a last
cell that really raised.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from pypdf import PdfReader

ASSIGNMENT = "hw0_fixture"
TITLE = "HW0: Fixture assignment for the submit tests"
NOTEBOOKS = ["softmax.ipynb", "gradient_descent.ipynb"]
MODULES = ["softmax.py", "gradient_descent.py", "features.py"]
ARTIFACTS = ["best_model.npz"]
ERROR_NOTEBOOK = "gradient_descent_error.ipynb"

LONG_TAIL = "END-OF-LONG-LINE-QX7"
_LONG_HEAD = "weights = [" + ", ".join(f"{i}.25" for i in range(38)) + "]  # "
LONG_LINE = _LONG_HEAD + "-" * (300 - len(_LONG_HEAD) - len(LONG_TAIL)) + LONG_TAIL
LONG_MODULE_TAIL = "# MODULE-LINE-END-ZK4"
LONG_MODULE_LINE = ("    scale = (" + " + ".join(f"{i}" for i in range(70)) + ")  "
                    + LONG_MODULE_TAIL)
OUTPUT_MARKER = "OUTPUT-MARKER"
TABLE_LAST_CELL = "row2col29"

SOFTMAX_CELLS = [
    ("markdown", "# Softmax classifier\n\n"
                 "The loss gradient $\\nabla_W L$ drives every update. The loss is\n\n"
                 "$$L = -\\frac{1}{N}\\sum_{i=1}^{N} \\log "
                 "\\frac{e^{s_{y_i}}}{\\sum_j e^{s_j}}$$\n\n"
                 "With LaTeX delimiters: \\(p_i = e^{s_i} / \\sum_j e^{s_j}\\) inline and\n\n"
                 "\\[ \\frac{\\partial L}{\\partial W} = \\frac{1}{N} X^\\top (P - Y) \\]\n"),
    ("code", "import numpy as np\nimport matplotlib.pyplot as plt\n"
             "rng = np.random.default_rng(0)"),
    ("code", LONG_LINE + "\nlen(weights)"),
    ("markdown", "## Training curve"),
    ("code", "losses = np.exp(-np.linspace(0, 3, 50)) + 0.05 * rng.random(50)\n"
             "plt.plot(losses)\nplt.xlabel('iteration')\nplt.ylabel('loss')\n"
             "plt.title('Training loss')\nplt.show()"),
    ("markdown", "## Wide outputs"),
    ("code", f"print('{OUTPUT_MARKER}', 6 * 7)"),
    ("code", "np.set_printoptions(linewidth=1000)\nprint(np.arange(40) * 1001)"),
    ("code", "from IPython.display import HTML\n"
             "rows = ''.join('<tr>' + ''.join(f'<td>row{r}col{c}</td>' for c in range(30))"
             " + '</tr>' for r in range(3))\nHTML('<table>' + rows + '</table>')"),
]
GD_CELLS = [
    ("markdown", "# Gradient descent\n\nEach step is \\(x_{k+1} = x_k - \\eta \\nabla f(x_k)\\)"
                 " and stops when\n\n\\[ \\lVert x_{k+1} - x_k \\rVert < \\varepsilon \\]\n"),
    ("code", "import numpy as np\nx = np.array([3.0, -2.0])\n"
             "for _ in range(100):\n    x = x - 0.1 * 2 * x\nprint('final point', x.round(6))"),
    ("markdown", "## Learning rates\n\nA rate $\\eta$ that is too large diverges."),
    ("code", "import matplotlib.pyplot as plt\n"
             "for eta in (0.1, 0.5, 0.9):\n"
             "    xs = [1.0]\n"
             "    for _ in range(20):\n"
             "        xs.append(xs[-1] - eta * 2 * xs[-1])\n"
             "    plt.plot(xs, label=f'eta={eta}')\nplt.legend()\nplt.show()"),
]
ERROR_CELL = ("code", "result = 1 / 0  # this cell fails on purpose")

SOFTMAX_PY = f'''"""Softmax loss (fixture)."""

import numpy as np


def softmax_loss_naive(W, X, y, reg):
    """Loss and gradient. W: (D, C), X: (N, D), y: (N,)."""
    scores = X @ W
    scores = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(len(y)), y]).mean() + reg * np.sum(W * W)
{LONG_MODULE_LINE}
    return loss * scale / scale, X.T @ probs
'''
GD_PY = '''"""Gradient descent (fixture: still a stub)."""


def gradient_descent(f, x0, learning_rate, tol=1e-6, max_iters=10_000):
    """Run gradient descent from x0: (D,)."""
    # YOUR CODE HERE
    raise NotImplementedError("gradient_descent is not implemented yet")
'''
FEATURES_PY = '''"""Feature helpers (fixture)."""


def add_bias(X):
    """X: (N, D) -> (N, D + 1) with a constant-1 column."""
    import numpy as np

    return np.hstack([X, np.ones((X.shape[0], 1))])
'''


def make_notebook(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [new_markdown_cell(src) if kind == "markdown" else new_code_cell(src)
                for kind, src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb


def execute(nb: nbformat.NotebookNode, folder: Path, allow_errors: bool = False) -> None:
    """Run ``nb`` top to bottom in a real kernel with cwd ``folder``."""
    NotebookClient(nb, kernel_name="python3", timeout=120, allow_errors=allow_errors,
                   resources={"metadata": {"path": str(folder)}}).execute()


def write_manifest(folder: Path, **overrides: object) -> None:
    data = {"assignment": ASSIGNMENT, "title": TITLE, "notebooks": NOTEBOOKS,
            "modules": MODULES, "artifacts": ARTIFACTS, **overrides}
    (folder / "assignment.json").write_text(json.dumps(data, indent=2), encoding="utf-8")


def build_assignment(folder: Path) -> Path:
    """Write the complete fixture assignment (plus ``ERROR_NOTEBOOK``) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    write_manifest(folder)
    for name, text in zip(MODULES, (SOFTMAX_PY, GD_PY, FEATURES_PY), strict=True):
        (folder / name).write_text(text, encoding="utf-8")
    np.savez(folder / ARTIFACTS[0], W=np.zeros((3, 2)))
    softmax = make_notebook(SOFTMAX_CELLS)
    execute(softmax, folder)
    nbformat.write(softmax, folder / NOTEBOOKS[0])
    gd = make_notebook([*GD_CELLS, ERROR_CELL])
    execute(gd, folder, allow_errors=True)
    nbformat.write(gd, folder / ERROR_NOTEBOOK)
    gd.cells.pop()  # the failing cell was last: the rest ran 1..k as saved
    nbformat.write(gd, folder / NOTEBOOKS[1])
    return folder


def copy_assignment(source: Path, target: Path) -> Path:
    """A private copy of a built fixture folder (tests edit their own copy)."""
    shutil.copytree(source, target)
    return target


def run_submit(*args: str, env: dict[str, str] | None = None,
               timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m utils.submit ARGS`` for real; returns the finished process."""
    return subprocess.run([sys.executable, "-m", "utils.submit", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


def page_texts(pdf: Path) -> list[str]:
    """The text layer of each page."""
    return [page.extract_text() for page in PdfReader(pdf).pages]


def squeeze(text: str) -> str:
    """``text`` without any whitespace (wrapped lines compare equal to unwrapped ones)."""
    return re.sub(r"\s+", "", text)


def outline_tree(pdf: Path) -> list[tuple[str, int, list]]:
    """The PDF outline as nested ``(title, 0-based page, children)``."""
    reader = PdfReader(pdf)

    def build(items: list) -> list[tuple[str, int, list]]:
        tree: list[tuple[str, int, list]] = []
        for item in items:
            if isinstance(item, list):
                title, page, _ = tree[-1]
                tree[-1] = (title, page, build(item))
            else:
                tree.append((str(item.title), reader.get_destination_page_number(item), []))
        return tree

    return build(reader.outline)


def markdown_headings(cells: list[tuple[str, str]]) -> list[tuple[int, str]]:
    """``(level, text)`` of the ``#``/``##`` headings in fixture cells, in order."""
    found = []
    for kind, source in cells:
        if kind == "markdown":
            for line in source.splitlines():
                match = re.match(r"^(#{1,2}) (.+)$", line)
                if match:
                    found.append((len(match.group(1)), match.group(2).strip()))
    return found


def add_markdown_cell(notebook: Path, source: str) -> None:
    """Append a Markdown cell to a saved notebook (execution counts are unaffected)."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells.append(new_markdown_cell(source))
    nbformat.write(nb, notebook)
