"""Reading (never running) the student's source, for checks such as "no Python loops"."""

from __future__ import annotations

import ast
from pathlib import Path

_LOOPS = (ast.For, ast.While, ast.AsyncFor, ast.ListComp, ast.SetComp, ast.DictComp,
          ast.GeneratorExp)


def find_function(path: Path, qualname: str) -> ast.FunctionDef | None:
    """The definition of ``func`` or ``Class.method`` in ``path`` (None when absent)."""
    tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"), filename=path.name)
    nodes: list[ast.AST] = [tree]
    for part in qualname.split("."):
        found = None
        for node in nodes:
            for child in getattr(node, "body", []):
                if isinstance(child, ast.FunctionDef | ast.ClassDef) and child.name == part:
                    found = child
        if found is None:
            return None
        nodes = [found]
    return nodes[0] if isinstance(nodes[0], ast.FunctionDef) else None


def loop_lines(path: Path, qualname: str) -> list[int]:
    """Line numbers of Python loops (and comprehensions) inside ``qualname`` in ``path``.

    Raises ``SyntaxError`` when the file does not parse and ``LookupError`` when the
    function is missing.
    """
    func = find_function(path, qualname)
    if func is None:
        raise LookupError(qualname)
    return sorted({node.lineno for node in ast.walk(func) if isinstance(node, _LOOPS)})
