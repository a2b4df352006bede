r"""Keep Markdown from mangling math before MathJax sees it.

Markdown reads ``\(`` as an escaped parenthesis and ``_`` / ``*`` inside math as emphasis,
so ``\(x_i\)`` would print as ``(x_i)``. Like JupyterLab, every math region of a Markdown
cell is swapped for a placeholder before the Markdown step and put back, HTML-escaped and
with its own delimiters, afterwards. Math regions: ``$..$``, ``$$..$$``, ``\(..\)``,
``\[..\]``, ``\begin{env}..\end{env}``; ``\$`` is kept as ``\$`` (a literal dollar for
MathJax). Code spans and fenced code blocks are left alone; an unbalanced delimiter stays
text, where the raw-math check after rendering finds it.
"""

from __future__ import annotations

import html
import re

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BEGIN = re.compile(r"\\begin\{([A-Za-z]+\*?)\}")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_TOKEN = "nndlmath{}x"
_TOKEN_RE = re.compile(r"nndlmath(\d+)x")


def _closing(text: str, start: int, closer: str) -> int:
    """Index of the first ``closer`` at or after ``start`` not behind a backslash, or -1."""
    i = start
    while i < len(text):
        if text.startswith(closer, i):
            return i
        i += 2 if text[i] == "\\" else 1
    return -1


def _math_end(text: str, i: int) -> int:
    """End index of the math region starting at ``text[i]``, or -1 when none starts there."""
    if text.startswith("$$", i):
        end = _closing(text, i + 2, "$$")
        return -1 if end < 0 else end + 2
    if text[i] == "$":
        end = _closing(text, i + 1, "$")
        if end <= i + 1 or _BLANK_LINE.search(text, i, end):
            return -1
        return end + 1
    if text.startswith(("\\(", "\\["), i):
        closer = "\\)" if text[i + 1] == "(" else "\\]"
        end = _closing(text, i + 2, closer)
        if end < 0 or (closer == "\\)" and _BLANK_LINE.search(text, i, end)):
            return -1
        return end + 2
    begin = _BEGIN.match(text, i)
    if begin:
        end = text.find(f"\\end{{{begin.group(1)}}}", begin.end())
        return -1 if end < 0 else end + len(begin.group(1)) + 6
    return -1


def _mask_text(text: str, maths: list[str]) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "`":
            run = len(text) - i - len(text[i:].lstrip("`"))
            end = text.find("`" * run, i + run)
            stop = i + run if end < 0 else end + run
            out.append(text[i:stop])
            i = stop
            continue
        if ch in "$\\":
            if text.startswith("\\$", i):
                end = i + 2
            elif text.startswith("\\\\", i):
                out.append("\\\\")
                i += 2
                continue
            else:
                end = _math_end(text, i)
            if end > 0:
                out.append(_TOKEN.format(len(maths)))
                maths.append(text[i:end])
                i = end
                continue
        out.append(ch)
        i += 1
    return "".join(out)


def mask_math(markdown: str) -> tuple[str, list[str]]:
    """``markdown`` with math swapped for placeholders, and the math pieces in order."""
    maths: list[str] = []
    chunks: list[tuple[bool, list[str]]] = []  # (inside a code fence, lines)
    fence: str | None = None
    for line in markdown.splitlines(keepends=True):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)
            chunks.append((True, [line]))
        elif fence is not None:
            chunks[-1][1].append(line)
            stripped = line.strip()
            if stripped.startswith(fence) and not stripped.strip(fence[0]):
                fence = None
        elif chunks and not chunks[-1][0]:
            chunks[-1][1].append(line)
        else:
            chunks.append((False, [line]))
    masked = "".join("".join(lines) if in_fence else _mask_text("".join(lines), maths)
                     for in_fence, lines in chunks)
    return masked, maths


def unmask_math(rendered_html: str, maths: list[str]) -> str:
    """Put the math pieces back (HTML-escaped) where ``mask_math`` left placeholders."""
    def restore(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return html.escape(maths[index], quote=True) if index < len(maths) else match.group(0)

    return _TOKEN_RE.sub(restore, rendered_html)
