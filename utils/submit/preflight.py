"""Pre-flight checks on the saved files, before anything is rendered.

Refusals (the export stops unless forced): a listed notebook or module is missing, a
notebook cannot be read, was not run top to bottom in one go, or holds an error output.
Warnings (listed, never a refusal): a module still raising ``NotImplementedError``, a module
that does not parse, a listed artifact that is missing.

Code cells that call the export itself (``export_submission`` / ``utils.submit``) are
exempt: a notebook's last cell may run the export after the notebook was saved.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from utils.submit.manifest import Manifest

Cell = Mapping[str, Any]

RERUN_HINT = ("Restart the kernel and run every cell (Kernel > Restart Kernel and Run All "
              "Cells), save the notebook, then export again.")
_EXPORT_CALL = re.compile(r"\bexport_submission\b|\butils\.submit\b|\butils\s+import\s+submit\b")


@dataclass
class Findings:
    """Problems found by the checks: ``refusals`` stop the export, ``warnings`` do not."""

    refusals: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def extend(self, other: Findings) -> None:
        self.refusals.extend(other.refusals)
        self.warnings.extend(other.warnings)


def cell_source(cell: Cell) -> str:
    """A cell's source as one string (saved notebooks may store a list of lines)."""
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def describe_cell(index: int, cell: Cell) -> str:
    """``cell 7 (code: "W = np.zeros(...")`` -- a 1-based position plus a snippet."""
    lines = cell_source(cell).splitlines()
    first = next((line.strip() for line in lines if line.strip()), "")
    if len(first) > 40:
        first = first[:37] + "..."
    return f'cell {index} ({cell.get("cell_type", "?")}: "{first}")'


def is_export_cell(cell: Cell) -> bool:
    """True for a code cell that runs the export itself (exempt from the checks)."""
    return cell.get("cell_type") == "code" and bool(_EXPORT_CALL.search(cell_source(cell)))


def check_execution(name: str, nb: Mapping[str, Any]) -> list[str]:
    """Refusals when code cells were skipped or not run top to bottom (counts 1..k).

    Empty code cells never get a count. An export cell may be unrun or re-run; when its
    count fits the sequence it takes its place in it.
    """
    never_run: list[str] = []
    out_of_order: str | None = None
    expected = 1
    for index, cell in enumerate(nb["cells"], start=1):
        if cell.get("cell_type") != "code" or not cell_source(cell).strip():
            continue
        count = cell.get("execution_count")
        if is_export_cell(cell):
            if count == expected:
                expected += 1
        elif count is None:
            never_run.append(describe_cell(index, cell))
        elif count == expected:
            expected += 1
        else:
            out_of_order = out_of_order or (
                f"{name}: not run top to bottom in one go: {describe_cell(index, cell)} "
                f"shows In [{count}] where In [{expected}] was expected. " + RERUN_HINT)
            expected = count + 1
    problems: list[str] = []
    if never_run:
        shown = "; ".join(never_run[:3]) + ("; ..." if len(never_run) > 3 else "")
        problems.append(f"{name}: {len(never_run)} code cell(s) never ran: {shown}. "
                        + RERUN_HINT)
    if out_of_order:
        problems.append(out_of_order)
    return problems


def check_errors(name: str, nb: Mapping[str, Any]) -> list[str]:
    """Refusals naming every cell whose saved outputs hold an error (a traceback)."""
    problems: list[str] = []
    for index, cell in enumerate(nb["cells"], start=1):
        if cell.get("cell_type") != "code" or is_export_cell(cell):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                value = str(output.get("evalue", "")).strip().splitlines()
                detail = f"{output.get('ename', 'Error')}: {value[0] if value else ''}".strip()
                problems.append(f"{name}, {describe_cell(index, cell)} ended with an error "
                                f"({detail}). Fix it, then run all cells again and save.")
                break
    return problems


def read_notebook(path: Path) -> dict[str, Any]:
    """The saved notebook's JSON (format 4); ``ValueError`` names the file if unreadable.

    Plain ``json`` keeps the checks fast (importing nbformat takes about a second).
    """
    fix = "Open it in Jupyter and save it again."
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ValueError(f"{path.name} cannot be read as a notebook ({exc}). {fix}") from None
    cells = data.get("cells") if isinstance(data, dict) else None
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise ValueError(f"{path.name} is not a Jupyter notebook (no list of cells). {fix}")
    if data.get("nbformat") != 4:
        raise ValueError(f"{path.name} uses notebook format {data.get('nbformat')!r}, "
                         f"not 4. {fix}")
    return data


def check_notebook(path: Path) -> Findings:
    """Execution order and error outputs of one saved notebook."""
    try:
        nb = read_notebook(path)
    except ValueError as exc:
        return Findings(refusals=[str(exc)])
    return Findings(refusals=check_execution(path.name, nb) + check_errors(path.name, nb))


def _raises_not_implemented(node: ast.Raise) -> bool:
    exc = node.exc
    if isinstance(exc, ast.Call):
        exc = exc.func
    return isinstance(exc, ast.Name) and exc.id == "NotImplementedError"


def stub_functions(source: str) -> list[tuple[str, int]]:
    """(qualified name, line) of each ``raise NotImplementedError`` in ``source``.

    Raises ``SyntaxError`` when the source does not parse.
    """
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, scope: list[str]) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                visit(child, [*scope, child.name])
            else:
                if isinstance(child, ast.Raise) and _raises_not_implemented(child):
                    found.append((".".join(scope) or "<module>", child.lineno))
                visit(child, scope)

    visit(ast.parse(source), [])
    return found


def check_module(path: Path) -> Findings:
    """Warnings for stubs still raising ``NotImplementedError`` or a module that won't parse."""
    try:
        source = path.read_text(encoding="utf-8")
        stubs = stub_functions(source)
    except SyntaxError as exc:
        return Findings(warnings=[f"{path.name} does not parse (line {exc.lineno}: {exc.msg}); "
                                  "the autograder cannot import it."])
    except (OSError, UnicodeDecodeError) as exc:
        return Findings(warnings=[f"{path.name} cannot be read ({exc})."])
    return Findings(warnings=[f"{path.name}: {name} (line {line}) still raises "
                              "NotImplementedError -- not implemented yet?"
                              for name, line in stubs])


def check_assignment(folder: Path, manifest: Manifest) -> Findings:
    """All file-level checks for the manifest's files in ``folder``."""
    findings = Findings()
    for name in [*manifest.notebooks, *manifest.modules]:
        if not (folder / name).is_file():
            findings.refusals.append(f"{name} is missing from {folder}. It is listed in "
                                     "assignment.json; restore it (do not rename it).")
    for name in manifest.artifacts:
        if not (folder / name).is_file():
            findings.warnings.append(f"{name} is missing (the autograder reads it); create it "
                                     "by running the notebook cell that saves it.")
    for name in manifest.notebooks:
        if (folder / name).is_file():
            findings.extend(check_notebook(folder / name))
    for name in manifest.modules:
        if (folder / name).is_file():
            findings.extend(check_module(folder / name))
    return findings
