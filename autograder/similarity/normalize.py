"""Step 2: Python source -> units (functions, methods, module-level code, notebook cells),
each with a normalized token stream that a copier's cosmetic edits do not change.

The stream is built from the syntax tree, one statement at a time, expressions in prefix
order (which needs no parentheses), so that:

* formatting disappears: line breaks, spacing, parentheses, trailing commas, quotes,
  ``elif`` written as ``else: if``;
* comments, docstrings and other bare strings disappear, every string or f-string becomes
  one token ``'S'``, type annotations are dropped;
* every name a student chooses (variables, parameters, helper functions) becomes a
  placeholder ``$n`` (the n-th such name of the unit), which fingerprinting turns into
  "the same name as d tokens before" (``fingerprint``): a consistent renaming changes
  nothing, while which value flows where still counts. What the program depends on
  stays: attributes (``.shape``), keyword names (``axis=``), builtins, the names the
  released assignment defines (``softmax_loss``), and imported modules under their real
  name (``np.sum`` and ``from numpy import sum`` both read ``numpy . sum``);
* reordering functions changes nothing, because each unit is fingerprinted on its own
  and documents are compared as sets.

Each token keeps the lines of the statement it came from, so matches can be shown in the
original text. Code that does not parse is still compared: every top-level function that
parses on its own through the tree, the rest through ``fallback``.
"""

from __future__ import annotations

import ast
import builtins
import copy
from dataclasses import dataclass, field

STRING = "'S'"
NAME = "$"  # + the name's number in its unit
BLOCK, END, STMT = "{", "}", ";"
MODULE_UNIT = "<module>"

_BLOCK_FIELDS = ("body", "handlers", "orelse", "finalbody", "cases")
_BLOCK_WORDS = {"orelse": "else", "finalbody": "finally"}
KEEP = frozenset(dir(builtins)) | {"self", "cls"}

@dataclass
class Unit:
    """One function, method, block of module-level code or notebook cell of one file.

    ``lines`` are the unit's source lines, the first being line ``first_line`` of the file
    (or cell); ``given`` the offsets in ``lines`` of lines the released stub also has;
    ``tokens[i]`` came from file lines ``starts[i]..ends[i]``.
    """

    file: str
    name: str
    first_line: int
    lines: list[str]
    tokens: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    given: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class StubUnit:
    """The released stub's version of a unit: its text and its stripped lines."""

    text: str
    lines: frozenset[str]


@dataclass
class Context:
    """What normalization needs to know about the assignment and the file.

    ``keep``: names the released assignment defines (they cannot be renamed);
    ``aliases``: import names of this file -> the imported module or object.
    """

    keep: frozenset[str] = frozenset()
    aliases: dict[str, str] = field(default_factory=dict)


_SKIPPED_FIELDS = frozenset({"ctx", "kind", "type_comment", "annotation", "returns",
                             "type_params", "simple"})
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//",
        ast.Mod: "%", ast.Pow: "**", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
        ast.BitOr: "|", ast.BitXor: "^", ast.BitAnd: "&", ast.And: "and", ast.Or: "or",
        ast.Not: "not", ast.Invert: "~", ast.UAdd: "+u", ast.USub: "-u", ast.Eq: "==",
        ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=",
        ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}


def _line(node: ast.AST) -> int:
    line = getattr(node, "lineno", None)
    if line is None and isinstance(node, ast.match_case):
        line = node.pattern.lineno
    return line or 1


class _Emitter:
    """One unit's tree -> its canonical tokens, statement by statement.

    Expressions come out in prefix order (``x - y - z`` reads ``- - x y z``), which needs
    no parentheses, so the source's line breaks, brackets and spacing leave no trace.
    """

    def __init__(self, ctx: Context, unit: Unit) -> None:
        self.ctx, self.unit = ctx, unit
        self.locals: dict[str, str] = {}
        self.out: list[str] = []
        self.special = {
            ast.Name: self._name, ast.Constant: self._constant, ast.JoinedStr: self._string,
            ast.Attribute: self._attribute, ast.BinOp: self._binop, ast.BoolOp: self._boolop,
            ast.UnaryOp: self._unaryop, ast.Compare: self._compare, ast.Call: self._call,
            ast.keyword: self._keyword, ast.Subscript: self._subscript, ast.arg: self._arg,
            ast.alias: self._alias, ast.AugAssign: self._augassign,
            ast.AnnAssign: self._annassign,
        }

    # ----- names -------------------------------------------------------------------
    def local(self, ident: str) -> str:
        """The placeholder of a name the student chose."""
        found = self.locals.get(ident)
        if found is None:
            found = self.locals[ident] = f"{NAME}{len(self.locals)}"
        return found

    def name(self, ident: str) -> str:
        if ident in self.ctx.aliases:
            return self.ctx.aliases[ident]
        if ident in KEEP or ident in self.ctx.keep:
            return ident
        return self.local(ident)

    def ident(self, node: ast.AST, field_name: str, value: str) -> str:
        """An identifier found in ``node.<field_name>`` (not a ``Name``)."""
        if field_name in ("attr", "module", "kwd_attrs"):
            return value
        if field_name == "name" and isinstance(node, _DEFINITIONS) and value in self.ctx.keep:
            return value
        return self.local(value)

    # ----- expressions -------------------------------------------------------------
    def node(self, node: ast.AST) -> None:
        special = self.special.get(type(node))
        if special is not None:
            special(node)
            return
        out = self.out
        out.append(type(node).__name__)
        for field_name in node._fields:
            if field_name in _SKIPPED_FIELDS or field_name in _BLOCK_FIELDS:
                continue
            value = getattr(node, field_name, None)
            if isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        self.node(item)
                    elif isinstance(item, str):
                        out.append(self.ident(node, field_name, item))
                    else:
                        out.append("_")
                out.append(")")
            elif isinstance(value, ast.AST):
                self.node(value)
            elif value is None:
                out.append("_")
            elif isinstance(value, str):
                out.append(self.ident(node, field_name, value))
            else:
                out.append(repr(value))

    def _name(self, node: ast.Name) -> None:
        resolved = self.name(node.id)
        if "." in resolved:  # an imported object: its module's path, as an attribute reads
            first, *rest = resolved.split(".")
            self.out.append(first)
            for part in rest:
                self.out += [".", part]
        else:
            self.out.append(resolved)

    def _constant(self, node: ast.Constant) -> None:
        value = node.value
        self.out.append(STRING if isinstance(value, str | bytes) else repr(value))

    def _string(self, node: ast.AST) -> None:
        self.out.append(STRING)

    def _attribute(self, node: ast.Attribute) -> None:
        self.node(node.value)
        self.out += [".", node.attr]

    def _binop(self, node: ast.BinOp) -> None:
        self.out.append(_OPS.get(type(node.op), "?"))
        self.node(node.left)
        self.node(node.right)

    def _boolop(self, node: ast.BoolOp) -> None:
        self.out.append(_OPS.get(type(node.op), "?"))
        for value in node.values:
            self.node(value)
        self.out.append(")")

    def _unaryop(self, node: ast.UnaryOp) -> None:
        self.out.append(_OPS.get(type(node.op), "?"))
        self.node(node.operand)

    def _compare(self, node: ast.Compare) -> None:
        self.out.append("cmp")
        self.node(node.left)
        for op, right in zip(node.ops, node.comparators, strict=False):
            self.out.append(_OPS.get(type(op), "?"))
            self.node(right)
        self.out.append(")")

    def _call(self, node: ast.Call) -> None:
        self.node(node.func)
        self.out.append("(")
        for arg in node.args:
            self.node(arg)
        for kw in node.keywords:
            self.node(kw)
        self.out.append(")")

    def _keyword(self, node: ast.keyword) -> None:
        self.out += [node.arg or "**", "="]
        self.node(node.value)

    def _subscript(self, node: ast.Subscript) -> None:
        self.node(node.value)
        self.out.append("[")
        self.node(node.slice)
        self.out.append("]")

    def _arg(self, node: ast.arg) -> None:
        self.out.append(self.local(node.arg))

    def _alias(self, node: ast.alias) -> None:
        self.out.append(node.name)

    def _augassign(self, node: ast.AugAssign) -> None:
        self.out.append(_OPS.get(type(node.op), "?") + "=")
        self.node(node.target)
        self.node(node.value)

    def _annassign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:  # x: T = v is x = v; a bare x: T is nothing
            self.out.append("Assign")
            self.node(node.target)
            self.out.append(")")
            self.node(node.value)

    # ----- statements --------------------------------------------------------------
    def _flush(self, first: int, last: int) -> None:
        unit = self.unit
        unit.tokens += self.out
        unit.starts += [first] * len(self.out)
        unit.ends += [last] * len(self.out)
        self.out = []

    def _marker(self, token: str, line: int) -> None:
        self.out.append(token)
        self._flush(line, line)

    def statements(self, nodes: list[ast.AST]) -> None:
        for node in nodes:
            if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                    and isinstance(node.value.value, str | bytes)):
                continue  # a docstring or another bare string
            first, last = _line(node), getattr(node, "end_lineno", None) or _line(node)
            blocks = [(name, getattr(node, name)) for name in _BLOCK_FIELDS
                      if getattr(node, name, None)]
            self.node(node)  # the statement, or the header of a compound one
            if not blocks:
                self.out.append(STMT)
                self._flush(first, last)
                continue
            self._flush(first, max(first, _line(blocks[0][1][0]) - 1))
            for name, children in blocks:
                if name in _BLOCK_WORDS:
                    self._marker(_BLOCK_WORDS[name], _line(children[0]))
                self._marker(BLOCK, _line(children[0]))
                self.statements(children)
                self._marker(END, getattr(children[-1], "end_lineno", None) or last)


def import_aliases(tree: ast.Module) -> dict[str, str]:
    """Names bound by the module's top-level imports -> what they import."""
    aliases: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
                else:  # "import numpy.linalg" binds numpy
                    top = alias.name.split(".")[0]
                    aliases[top] = top
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                if alias.name != "*":
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def defined_names(tree: ast.Module) -> set[str]:
    """Names a module defines at its top level (functions, classes, assigned names)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
    return names


def first_line(node: ast.AST) -> int:
    decorators = getattr(node, "decorator_list", [])
    return min([_line(node), *(_line(d) for d in decorators)])


def split_units(tree: ast.Module, default: str = MODULE_UNIT) -> list[tuple[str, list[ast.AST]]]:
    """The units of a module: each function, each method (``Class.method``), the rest of
    each class (``Class``) and the module-level statements (``default``), in file order."""
    units: dict[str, list[ast.AST]] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            units.setdefault(node.name, []).append(node)
        elif isinstance(node, ast.ClassDef):
            header = copy.copy(node)  # "class Name(Base):" alone; the body follows
            header.body = []
            header.end_lineno = max(node.lineno, first_line(node.body[0]) - 1)
            rest: list[ast.AST] = [header]
            for child in node.body:
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    units.setdefault(f"{node.name}.{child.name}", []).append(child)
                else:
                    rest.append(child)
            units.setdefault(node.name, []).extend(rest)
        else:
            units.setdefault(default, []).append(node)
    return list(units.items())


def unit_text(nodes: list[ast.AST], lines: list[str]) -> str:
    """The unit's source text, statement by statement, with trailing spaces removed."""
    parts = []
    for node in nodes:
        first, last = first_line(node), getattr(node, "end_lineno", None) or _line(node)
        parts += [line.rstrip() for line in lines[first - 1:last]]
    return "\n".join(parts)


def tokens_of(nodes: list[ast.AST], unit: Unit, ctx: Context) -> None:
    """Fill ``unit``'s tokens from ``nodes``."""
    _Emitter(ctx, unit).statements(nodes)


def mark_given(unit: Unit, stub: StubUnit | None) -> None:
    """Record which of the unit's lines the released stub has too (shown dimmed)."""
    if stub is None:
        return
    unit.given = [i for i, line in enumerate(unit.lines)
                  if len(line.strip()) > 3 and line.strip() in stub.lines]
