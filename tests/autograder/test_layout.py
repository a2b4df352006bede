"""The folders of autograder/ are layers: a module imports only from its own folder and the
layers below it, so the pipeline reads bottom-up from the folder names."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "autograder"

# bottom to top; folders on one level do not import each other
LAYERS = [
    ("core",),  # paths, manifest and limits, suite, intake, text caps, the student package
    ("sandbox",),  # the per-call sandbox: a confined process running student functions
    ("authoring",),  # what suites use: expectations, objective functions, source checks
    ("grading",),  # one submission: runner (suite in the sandbox) and report
    ("nbgrader_bridge",),  # cells, gradebook, confined kernels, batches, feedback
    ("release",),  # the students' files (stubs, notebooks), nbgrader's generate hook
    ("bundle", "gradescope", "verification", "similarity", "scaffold"),
    ("commands",),  # the `course` verbs
    ("",),  # autograder/cli.py, autograder/__main__.py
]
LEVEL = {folder: level for level, folders in enumerate(LAYERS) for folder in folders}


def folder_of(module: str) -> str:
    """``autograder.core.paths`` and ``autograder.core`` -> ``core``; ``autograder.cli``
    -> ``""`` (the top level)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and (PACKAGE / parts[1]).is_dir() else ""


def course_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every ``autograder`` module ``path`` imports, anywhere in it."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("autograder")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and \
                node.module.split(".")[0] == "autograder":
            if node.module == "autograder":  # from autograder import commands
                found += [(node.lineno, f"autograder.{a.name}") for a in node.names]
            else:
                found.append((node.lineno, node.module))
    return found


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def test_every_folder_has_a_layer():
    """Is every folder of autograder/ holding Python code placed in a layer?"""
    folders = {p.relative_to(PACKAGE).parts[0] for p in modules()
               if len(p.relative_to(PACKAGE).parts) > 1}
    assert folders <= set(LEVEL), f"folders without a layer: {sorted(folders - set(LEVEL))}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_module_imports_upward(path: Path):
    """Does this module import only from its own folder and the layers below it?"""
    rel = path.relative_to(PACKAGE)
    own = rel.parts[0] if len(rel.parts) > 1 else ""
    wrong = [f"line {line}: {module} ({folder_of(module) or 'top level'})"
             for line, module in course_imports(path)
             if folder_of(module) != own and not LEVEL[folder_of(module)] < LEVEL[own]]
    assert not wrong, f"{rel} (layer {own or 'top level'}) imports upward or sideways: {wrong}"


def test_the_student_library_never_imports_the_grader():
    """Does utils/ (what students install) import nothing of autograder/?"""
    offenders = [f"{p.relative_to(ROOT)}:{line}" for p in sorted((ROOT / "utils").rglob("*.py"))
                 for line, _ in course_imports(p)]
    assert not offenders, offenders


def test_the_layer_check_sees_an_upward_import(tmp_path: Path):
    """Would an import of the runner from a core module be seen?"""
    bad = tmp_path / "manifest.py"
    bad.write_text("def f():\n    from autograder.grading import runner\n")
    (line, module), = course_imports(bad)
    assert (line, folder_of(module)) == (2, "grading")
    assert LEVEL[folder_of(module)] > LEVEL["core"]
