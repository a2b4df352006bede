"""Reading (never running) the student's source, for checks such as "no Python loops".

A check about what a function does follows what it actually runs: the functions of the
same file that it calls (directly, through a module-level alias such as ``f = g``, or as
a value passed on), and what a module-level alias of the graded name points to. So a
"vectorized" function that calls the naive loop, or a "closed form" that reaches the
graph version through a helper, is seen for what it is.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

_LOOPS = (ast.For, ast.While, ast.AsyncFor, ast.ListComp, ast.SetComp, ast.DictComp,
          ast.GeneratorExp)


@dataclass(frozen=True)
class Reached:
    """A function of the file reached from the graded one, and how."""

    name: str  # the function's own name (or Class.method)
    node: ast.FunctionDef | ast.Lambda
    via: tuple[str, ...]  # the chain of names from the graded function to this one


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8", errors="replace"), filename=path.name)


def _definitions(tree: ast.Module) -> tuple[dict[str, ast.AST], dict[str, str]]:
    """Module-level functions and classes by name, and aliases ``name = other`` (the last
    binding wins, as when the module runs)."""
    defs: dict[str, ast.AST] = {}
    aliases: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defs[node.name] = node
            aliases.pop(node.name, None)
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            target = node.targets[0].id
            if isinstance(node.value, ast.Name):
                aliases[target] = node.value.id
                defs.pop(target, None)
            elif isinstance(node.value, ast.Lambda):
                defs[target] = node.value
                aliases.pop(target, None)
    return defs, aliases


def _resolve(name: str, defs: dict[str, ast.AST], aliases: dict[str, str]) -> str | None:
    """The defined function a module-level name stands for (following aliases)."""
    seen = set()
    while name in aliases and name not in seen:
        seen.add(name)
        name = aliases[name]
    return name if name in defs else None


def find_function(path: Path, qualname: str) -> ast.FunctionDef | ast.Lambda | None:
    """The definition of ``func`` (or what its alias points to) or ``Class.method`` in
    ``path`` (None when absent)."""
    tree = _parse(path)
    defs, aliases = _definitions(tree)
    first, _, rest = qualname.partition(".")
    name = _resolve(first, defs, aliases)
    if name is None:
        return None
    node = defs[name]
    if not rest:
        return node if isinstance(node, ast.FunctionDef | ast.Lambda) else None
    if not isinstance(node, ast.ClassDef):
        return None
    found = None
    for child in node.body:
        if isinstance(child, ast.FunctionDef) and child.name == rest:
            found = child
    return found


def reached(path: Path, qualname: str) -> list[Reached]:
    """``qualname``'s definition and every module-level function of ``path`` it can run:
    names it calls or passes on, followed through aliases, transitively.

    Raises ``SyntaxError`` when the file does not parse and ``LookupError`` when the
    function is missing.
    """
    tree = _parse(path)
    defs, aliases = _definitions(tree)
    start = find_function(path, qualname)
    if start is None:
        raise LookupError(qualname)
    first = qualname.partition(".")[0]
    alias = _resolve(first, defs, aliases) if "." not in qualname else first
    via = (qualname,) if alias in (first, None) else (qualname, alias)
    out = [Reached(via[-1], start, via)]
    seen = {id(start)}
    queue = list(out)
    while queue:
        current = queue.pop(0)
        for node in ast.walk(current.node):
            if not (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)):
                continue
            name = _resolve(node.id, defs, aliases)
            target = defs.get(name) if name else None
            if not isinstance(target, ast.FunctionDef | ast.Lambda) or id(target) in seen:
                continue
            seen.add(id(target))
            item = Reached(name, target, (*current.via, name))
            out.append(item)
            queue.append(item)
    return out


def loop_lines(path: Path, qualname: str) -> list[tuple[int, tuple[str, ...]]]:
    """Python loops (and comprehensions) that ``qualname`` runs: (line, call chain) for
    each, in the function itself or in functions of the same file it reaches.

    Raises ``SyntaxError`` when the file does not parse and ``LookupError`` when the
    function is missing.
    """
    found = []
    for item in reached(path, qualname):
        lines = sorted({n.lineno for n in ast.walk(item.node) if isinstance(n, _LOOPS)})
        found.extend((line, item.via) for line in lines)
    return found


def reaches(path: Path, qualname: str, target: str) -> tuple[str, ...] | None:
    """The chain of calls by which ``qualname`` reaches the function ``target`` of the
    same file (directly, through an alias or a helper), or None."""
    defs, aliases = _definitions(_parse(path))
    goal = _resolve(target, defs, aliases)
    if goal is None:
        return None
    for item in reached(path, qualname):
        if item.name == goal and item.via != (qualname,):
            return item.via
    return None


def describe_chain(via: tuple[str, ...]) -> str:
    """'softmax_loss_naive (called by softmax_loss_vectorized)' style text."""
    if len(via) <= 1:
        return via[0] if via else ""
    return f"{via[-1]} (reached through {' -> '.join(via[:-1])})"
