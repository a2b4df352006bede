"""Step 2 for code that does not parse: a plain tokenizer that follows the tree path's
rules as far as it can without a tree (comments and bare strings dropped, every string
one token, chosen names as placeholders, imports under their real names, ``;`` ending a
statement, ``{``/``}`` for indentation, no trailing commas). Its tokens only match other
unparsable code; ``reader`` uses it only for the parts of a file that do not parse.
"""

from __future__ import annotations

import keyword
import re

from autograder.similarity.normalize import BLOCK, END, KEEP, NAME, STMT, STRING, Context, Unit

_RAW = re.compile(r"""(?P<comment>\#[^\r\n]*)
    |(?P<string>(?:[rRbBuUfF]{0,2})(?:'''[\s\S]*?(?:'''|\Z)|\"\"\"[\s\S]*?(?:\"\"\"|\Z)
                 |'(?:\\.|[^'\\\r\n])*'?|"(?:\\.|[^"\\\r\n])*"?))
    |(?P<newline>\r?\n)
    |(?P<continuation>\\\r?\n)
    |(?P<space>[ \t\f]+)
    |(?P<token>[^\W\d]\w*|\d[\d_]*(?:\.[\d_]*)?(?:[eE][+-]?\d+)?[jJ]?
               |\.\d[\d_]*(?:[eE][+-]?\d+)?[jJ]?|\*\*=?|//=?|>>=?|<<=?|->|:=|\.\.\.
               |[-+*/%@&|^<>!=]=|\S)""", re.VERBOSE)
_RAW_DEF = re.compile(r"^(?:async[ \t]+)?(?:def|class)[ \t]+([^\W\d]\w*)")
_KEYWORDS = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)
_RAW_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w.]+)[ \t]+as[ \t]+(\w+)"
                         r"|^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(\w+)"
                         r"(?:[ \t]+as[ \t]+(\w+))?", re.MULTILINE)


def raw_aliases(text: str) -> dict[str, str]:
    """``import_aliases`` for text that does not parse (single-name imports only)."""
    aliases = {}
    for m in _RAW_IMPORT.finditer(text):
        if m.group(1):
            aliases[m.group(2)] = m.group(1)
        else:
            aliases[m.group(5) or m.group(4)] = f"{m.group(3)}.{m.group(4)}"
    return aliases


def raw_tokens(text: str, ctx: Context) -> list[tuple[str, int]]:
    """Tokens and their lines of source that does not parse, normalized like the tree path:
    comments and bare strings dropped, names renamed, ``;`` ends a statement, ``{``/``}``
    mark indentation, no trailing commas. Never raises."""
    out: list[tuple[str, int]] = []
    names: dict[str, str] = {}
    line, depth, indents, at_start, indent = 1, 0, [0], True, 0
    prev = ""
    for m in _RAW.finditer(text):
        kind, value = m.lastgroup, m.group()
        if kind in ("comment", "continuation", "space"):
            if kind == "space" and at_start:
                indent = len(value.expandtabs(8))
            line += value.count("\n")
            continue
        if kind == "newline":
            line += 1
            if depth == 0 and not at_start:
                if len(out) >= 2 and out[-1][0] == STRING and out[-2][0] in (STMT, BLOCK, END):
                    out.pop()  # a bare string statement (docstring)
                elif len(out) == 1 and out[-1][0] == STRING:
                    out.pop()
                elif out[-1][0] != ":":  # a block header's line opens a block instead
                    out.append((STMT, line - 1))
                at_start, indent = True, 0
            continue
        if at_start and depth == 0:
            if indent > indents[-1]:
                indents.append(indent)
                out.append((BLOCK, line))
            while indent < indents[-1]:
                indents.pop()
                out.append((END, line))
            at_start = False
        if kind == "string":
            token = STRING
            line += value.count("\n")
        else:
            token = value
            if value in "([{":
                depth += 1
            elif value in ")]}":
                depth = max(0, depth - 1)
                if out and out[-1][0] == ",":
                    out.pop()
            elif (value[0].isalpha() or value[0] == "_") and value not in _KEYWORDS:
                after = text[m.end():m.end() + 40].lstrip(" \t")
                keyword_arg = depth and after[:1] == "=" and after[:2] != "=="
                if prev != "." and not keyword_arg:
                    alias = ctx.aliases.get(value)
                    if alias is not None:
                        for part in re.split(r"(\.)", alias):
                            out.append((part, line))
                        prev = value
                        continue
                    if value in KEEP or value in ctx.keep:
                        token = value
                    else:
                        token = names.setdefault(value, f"{NAME}{len(names)}")
        out.append((token, line))
        prev = value
    out += [(END, line)] * (len(indents) - 1)
    return out


def raw_units(file: str, text: str, ctx: Context, default: str, offset: int = 0) -> list[Unit]:
    """Units of source that does not parse (lines ``offset + 1...`` of ``file``): one per
    top-level ``def``/``class`` line (a class keeps its methods), the rest as ``default``."""
    lines = text.split("\n")
    starts = [(i + 1, m.group(1)) for i, line in enumerate(lines)
              if (m := _RAW_DEF.match(line))]
    bounds = [(1, default)] + starts if not starts or starts[0][0] > 1 else starts
    units = []
    for idx, (first, name) in enumerate(bounds):
        last = bounds[idx + 1][0] - 1 if idx + 1 < len(bounds) else len(lines)
        chunk = "\n".join(lines[first - 1:last])
        unit = Unit(file=file, name=name, first_line=first + offset,
                    lines=lines[first - 1:last])
        for token, line in raw_tokens(chunk, ctx):
            unit.tokens.append(token)
            unit.starts.append(line + first - 1 + offset)
            unit.ends.append(line + first - 1 + offset)
        units.append(unit)
    return units
