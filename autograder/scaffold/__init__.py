"""What ``course new <hw>`` writes: a complete, minimal assignment.

    assignments/<hw>/assignment.toml      manifest
    assignments/<hw>/suite/<module>.py    one graded test (the only place points are typed)
    assignments/<hw>/mutants.toml         one seeded bug the test catches
    source/<hw>/<module>.py               one function with one solution region
    source/<hw>/<module>.ipynb            intro, imports, a public check that is the
                                          autograded cell
    tests/<hw>/test_<hw>_<module>_reference.py   the reference against closed forms

The text files are the ``*.tmpl`` files beside this one (``string.Template``: ``${hw}``,
``${title}``, ``${module}``); the notebook is built here.
"""

from __future__ import annotations

from pathlib import Path
from string import Template

HERE = Path(__file__).resolve().parent

NOTEBOOK_METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}


def _nbgrader(grade_id: str, grade: bool = False, points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": True, "schema_version": 3,
            "solution": False, "task": False}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def notebook(title: str, module: str) -> str:
    """The source notebook, as JSON text."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    cells = [
        new_markdown_cell(
            f"# {title}\n\n"
            "The mean squared error of predictions $P$ for targets $T$, both $N \\times D$, "
            "is\n\n"
            "$$\\mathrm{MSE}(P, T) = \\frac{1}{ND} \\sum_{i=1}^{N} \\sum_{j=1}^{D} "
            "(P_{ij} - T_{ij})^2 .$$\n\n"
            f"**What you write:** the function marked `# YOUR CODE HERE` in `{module}.py`.\n\n"
            "**How it is graded:** the cell titled *Test* runs public checks that print what "
            f"they measured; the grader runs more tests on your `{module}.py`.",
            id="intro"),
        new_code_cell(
            "%load_ext autoreload\n%autoreload 2\n\nimport os\n\nimport numpy as np\n"
            f"from {module} import mean_squared_error\n\n"
            "from utils.checks import check_close, checking\n\n"
            "# True while the autograder runs this notebook: expensive cells then do less "
            "work.\nFAST = bool(os.environ.get(\"NBGRADER_EXECUTION\"))",
            id="imports", metadata=_nbgrader("imports")),
        new_markdown_cell(
            "### Test: `mean_squared_error`\n\n"
            "The public check compares with a value worked out by hand; the grader also "
            "compares\nyour function with a reference on arrays of several shapes.",
            id="test-mse-heading"),
        new_code_cell(
            "with checking(\"mean_squared_error\"):\n"
            "    pred_check = np.array([[1.0, 2.0], [3.0, 4.0]])\n"
            "    target_check = np.array([[1.0, 0.0], [3.0, 2.0]])\n"
            "    check_close(\"mean_squared_error of a 2x2 example (two errors of 2)\",\n"
            "                mean_squared_error(pred_check, target_check), 2.0, atol=1e-12)",
            id="test-mse", metadata=_nbgrader("test_mean_squared_error", grade=True, points=0)),
    ]
    nb = new_notebook(cells=cells, metadata=NOTEBOOK_METADATA)
    return nbformat.writes(nb) + "\n"


def files(hw: str, title: str, module: str) -> dict[str, str]:
    """Relative path (from the course root) -> text, for every file of a new assignment."""
    fields = {"hw": hw, "title": title, "module": module}

    def render(name: str) -> str:
        return Template((HERE / f"{name}.tmpl").read_text()).substitute(fields)

    return {
        f"assignments/{hw}/assignment.toml": render("assignment.toml"),
        f"assignments/{hw}/suite/{module}.py": render("suite.py"),
        f"assignments/{hw}/mutants.toml": render("mutants.toml"),
        f"source/{hw}/{module}.py": render("module.py"),
        f"source/{hw}/{module}.ipynb": notebook(title, module),
        f"tests/{hw}/test_{hw}_{module}_reference.py": render("test_reference.py"),
    }
