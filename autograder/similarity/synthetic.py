"""Synthetic submissions for the tests and the benchmark of ``course similarity``.

* ``solution_bodies``: the reference's solution regions, function by function;
* ``fill``: a student's module: the released stub with each ``# YOUR CODE HERE`` region
  replaced by a body (from the reference, a mutant or another author);
* ``disguise``: what a copier does to hide a copy without changing the program: rename
  variables, reorder the functions and methods, drop the comments and write new ones;
  ``reformat`` runs a real formatter (``ruff format``) on top.
"""

from __future__ import annotations

import ast
import io
import json
import re
import subprocess
import sys
import textwrap
import tokenize
from pathlib import Path

import numpy as np

_BEGIN, _END = "### BEGIN SOLUTION", "### END SOLUTION"
_HERE = re.compile(r"^(?P<indent>[ \t]*)# YOUR CODE HERE\n[ \t]*raise NotImplementedError\(.*\)\n",
                   re.MULTILINE)
_WORDS = ("first", "now", "compute", "the", "value", "here", "then", "careful", "step",
          "result", "shape", "update", "check", "store", "array", "loop", "batch", "keep")


def _functions(tree: ast.Module) -> list[tuple[str, int, int]]:
    """(qualname, first line, last line) of every function and method, outermost first."""
    found = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            found.append((node.name, node.lineno, node.end_lineno or node.lineno))
        elif isinstance(node, ast.ClassDef):
            for child in node.body:
                if isinstance(child, ast.FunctionDef):
                    found.append((f"{node.name}.{child.name}", child.lineno,
                                  child.end_lineno or child.lineno))
    return found


def _owner(tree: ast.Module, line: int) -> str:
    owners = [name for name, first, last in _functions(tree) if first <= line <= last]
    if not owners:
        raise ValueError(f"line {line} is not inside a function")
    return owners[-1]


def solution_bodies(source_text: str) -> dict[str, list[str]]:
    """The reference's solution regions (dedented), per function or method, in order."""
    tree = ast.parse(source_text)
    lines = source_text.split("\n")
    bodies: dict[str, list[str]] = {}
    start = None
    for number, line in enumerate(lines, start=1):
        if line.strip() == _BEGIN:
            start = number
        elif line.strip() == _END and start is not None:
            body = textwrap.dedent("\n".join(lines[start:number - 1]))
            bodies.setdefault(_owner(tree, start), []).append(body)
            start = None
    return bodies


def fill(stub_text: str, bodies: dict[str, list[str]]) -> str:
    """The stub with the regions of each function in ``bodies`` filled in, in order;
    functions not in ``bodies`` keep raising ``NotImplementedError``."""
    tree = ast.parse(stub_text)
    used: dict[str, int] = {}
    pieces, last = [], 0
    for m in _HERE.finditer(stub_text):
        owner = _owner(tree, stub_text.count("\n", 0, m.start()) + 1)
        if owner not in bodies:
            continue
        index = used.get(owner, 0)
        used[owner] = index + 1
        body = textwrap.indent(bodies[owner][index].strip("\n") + "\n", m.group("indent"))
        pieces += [stub_text[last:m.start()], body]
        last = m.end()
    missing = {name: len(b) - used.get(name, 0) for name, b in bodies.items()
               if len(b) != used.get(name, 0)}
    if missing:
        raise ValueError(f"regions not found in the stub for {missing}")
    return "".join(pieces) + stub_text[last:]


# ----- a copier's disguise --------------------------------------------------------------
def _local_names(func: ast.FunctionDef) -> set[str]:
    params = {a.arg for a in (*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs)}
    params |= {a.arg for a in (func.args.vararg, func.args.kwarg) if a}
    declared = {n for node in ast.walk(func) if isinstance(node, ast.Global | ast.Nonlocal)
                for n in node.names}
    stored = {n.id for n in ast.walk(func)
              if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    in_fstrings = {n.id for s in ast.walk(func) if isinstance(s, ast.JoinedStr)
                   for n in ast.walk(s) if isinstance(n, ast.Name)}  # one token: left alone
    return stored - params - declared - in_fstrings


def _global_names(tree: ast.Module) -> set[str]:
    return {n.id for node in tree.body if not isinstance(node, ast.FunctionDef | ast.ClassDef)
            for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def rename(text: str, rng: np.random.Generator, module_level: bool = False) -> str:
    """Rename every local variable of every function (and, with ``module_level``, every
    name assigned at the top level, as in a notebook cell) to a fresh name."""
    tree = ast.parse(text)
    scopes: list[tuple[int, int, set[str]]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            scopes.append((node.lineno, node.end_lineno or node.lineno, _local_names(node)))
    if module_level:
        scopes.append((1, len(text.split("\n")), _global_names(tree)))
    prefixes = ("tmp", "val", "arr", "res", "q", "z", "acc", "my", "cur", "out")
    mapping: dict[str, str] = {}
    for _, _, names in scopes:
        for name in sorted(names):
            if name not in mapping:
                mapping[name] = f"{prefixes[int(rng.integers(len(prefixes)))]}_{len(mapping)}"
    edits: list[tuple[int, int, int, str]] = []
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    depth = 0
    for i, tok in enumerate(tokens):
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
        if tok.type != tokenize.NAME:
            continue
        row, col = tok.start
        inside = [names for first, last, names in scopes if first <= row <= last]
        if not any(tok.string in names for names in inside):
            continue
        before = next((t for t in reversed(tokens[:i]) if t.type not in
                       (tokenize.NL, tokenize.COMMENT)), None)
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if before is not None and before.string in (".", "def", "class"):
            continue  # an attribute, or a function named like one of its variables
        if depth and after is not None and after.string == "=":
            continue  # a keyword argument
        edits.append((row, col, col + len(tok.string), mapping[tok.string]))
    lines = text.split("\n")
    for row, start, end, new in sorted(edits, reverse=True):
        line = lines[row - 1]
        lines[row - 1] = line[:start] + new + line[end:]
    return "\n".join(lines)


def _segments(body: list[ast.stmt], end: int) -> list[tuple[int, int, bool]]:
    """(first line, last line, is a def/class) of each statement of ``body``, each
    reaching to the next one, so that the blank lines and comments move along."""
    starts = [min([s.lineno, *(d.lineno for d in getattr(s, "decorator_list", []))])
              for s in body]
    return [(first, (starts[i + 1] - 1) if i + 1 < len(body) else end,
             isinstance(body[i], ast.FunctionDef | ast.ClassDef))
            for i, first in enumerate(starts)]


def _shuffle_defs(lines: list[str], body: list[ast.stmt], end: int,
                  rng: np.random.Generator) -> list[str]:
    """The statements of ``body`` with its functions and classes shuffled: what comes
    before the first of them stays first, other statements move after them all (they may
    use them, e.g. a table of functions)."""
    segments = _segments(body, end)
    first_def = next((i for i, s in enumerate(segments) if s[2]), len(segments))
    defs = [s for s in segments if s[2]]
    order = (segments[:first_def] + [defs[i] for i in rng.permutation(len(defs))]
             + [s for s in segments[first_def:] if not s[2]])
    out: list[str] = []
    for first, last, is_def in order:
        chunk = lines[first - 1:last]
        while chunk and not chunk[-1].strip():
            chunk = chunk[:-1]
        out += [*chunk, "", ""] if is_def else [*chunk, ""]
    return out


def reorder(text: str, rng: np.random.Generator) -> str:
    """Shuffle the module's functions and classes, and the methods of each class."""
    tree = ast.parse(text)
    lines = text.split("\n")
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    for cls in sorted(classes, key=lambda c: -c.lineno):  # bottom up: lines stay valid
        methods = [s for s in cls.body if isinstance(s, ast.FunctionDef)]
        if len(methods) < 2:
            continue
        first = min(s.lineno for s in cls.body)
        shuffled = _shuffle_defs(lines, cls.body, cls.end_lineno or first, rng)
        lines[first - 1:cls.end_lineno] = shuffled
    text = "\n".join(lines)
    tree = ast.parse(text)
    if not tree.body:
        return text
    first = min(s.lineno for s in tree.body)
    head = lines[:first - 1]
    body = _shuffle_defs(text.split("\n"), tree.body, len(text.split("\n")), rng)
    return "\n".join(head + body)


def recomment(text: str, rng: np.random.Generator, share: float = 0.3) -> str:
    """Drop every comment and write new ones above about ``share`` of the statements."""
    tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    lines = text.split("\n")
    for tok in reversed([t for t in tokens if t.type == tokenize.COMMENT]):
        row, col = tok.start
        line = lines[row - 1]
        lines[row - 1] = line[:col].rstrip() if line[:col].strip() else ""
    tree = ast.parse("\n".join(lines))
    starts = sorted({s.lineno for s in ast.walk(tree)
                     if isinstance(s, ast.stmt) and not isinstance(s, ast.FunctionDef
                                                                   | ast.ClassDef)},
                    reverse=True)
    for row in starts:
        if rng.random() < share:
            indent = re.match(r"[ \t]*", lines[row - 1]).group()
            words = " ".join(_WORDS[int(i)] for i in rng.integers(len(_WORDS), size=4))
            lines.insert(row - 1, f"{indent}# {words}")
    return "\n".join(lines)


def disguise(text: str, seed: int, module_level: bool = False) -> str:
    """A copy of ``text`` that a copier would hand in: renamed, reordered, recommented."""
    rng = np.random.default_rng(seed)
    text = rename(text, rng, module_level=module_level)
    text = reorder(text, rng)
    return recomment(text, rng)


def reformat(text: str, line_length: int = 72) -> str:
    """``text`` reformatted by ruff's formatter (black's style) at another line length."""
    proc = subprocess.run([sys.executable, "-m", "ruff", "format", "--isolated",
                           f"--line-length={line_length}", "-"], input=text,
                          capture_output=True, text=True, check=True)
    return proc.stdout


def set_cells(notebook: Path, sources: dict[str, str]) -> None:
    """Replace the source of the notebook's cells with these nbgrader ids (``grade_id``)."""
    nb = json.loads(notebook.read_text())
    found = set()
    for cell in nb["cells"]:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id in sources:
            cell["source"] = sources[grade_id]
            found.add(grade_id)
    if found != set(sources):
        raise ValueError(f"{notebook.name} has no cell(s) {sorted(set(sources) - found)}")
    notebook.write_text(json.dumps(nb, indent=1) + "\n")


def personalize(text: str, rng: np.random.Generator, count: int = 3) -> str:
    """Insert ``count`` harmless statements of the student's own (a scaled constant under
    a fresh name) at statement starts inside functions: what makes a real submission
    unlike any other, so that a copy of it is recognisable."""
    tree = ast.parse(text)
    starts = sorted({s.lineno for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)
                     for s in f.body[1:] if not isinstance(s, ast.FunctionDef)})
    lines = text.split("\n")
    for row in sorted(rng.choice(starts, size=min(count, len(starts)), replace=False),
                      reverse=True):
        indent = re.match(r"[ \t]*", lines[row - 1]).group()
        value = float(rng.integers(1, 10_000)) / 1000
        lines.insert(row - 1, f"{indent}scale_{int(rng.integers(1000))} = {value} * "
                              f"{int(rng.integers(2, 9))}")
    return "\n".join(lines)
