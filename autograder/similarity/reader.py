"""Steps 1-3 for one submission or known solution: read it, cut it into normalized units,
fingerprint them, and drop what the released stub already holds. This is what the
worker processes run; whatever a submission holds, it returns a ``Document`` (possibly
empty, with the reasons in ``problems``), never an exception.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import numpy as np

from autograder.similarity import collect
from autograder.similarity.fallback import raw_aliases, raw_tokens, raw_units
from autograder.similarity.fingerprint import Fingerprints, fingerprint
from autograder.similarity.normalize import (
    Context,
    StubUnit,
    Unit,
    defined_names,
    first_line,
    import_aliases,
    mark_given,
    split_units,
    tokens_of,
    unit_text,
)

MAX_TOKENS = {"student": 400_000, "known": 4_000_000}
_MAGIC = re.compile(r"^\s*(?:[%!].*|[\w.]+\?{1,2})$")
_TOP = re.compile(r"(?:@|def\s|async\s+def\s|class\s)")


@dataclass
class Stub:
    """What the released assignment already holds: units and cells left untouched are
    skipped, and fingerprints it has weigh nothing. Files are keyed by base name."""

    keep: frozenset[str] = frozenset()
    modules: dict[str, str] = field(default_factory=dict)  # file -> its released text
    units: dict[tuple[str, str], StubUnit] = field(default_factory=dict)
    cells: dict[str, frozenset[str]] = field(default_factory=dict)
    cell_lines: dict[str, frozenset[str]] = field(default_factory=dict)
    hashes: np.ndarray = field(default_factory=lambda: np.zeros(0, np.uint64))


@dataclass
class Document:
    """A submission or known solution, ready to compare: its units (without tokens), its
    fingerprints, the files read and the problems met."""

    name: str
    kind: str
    units: list[Unit]
    fps: Fingerprints
    files: list[str]
    problems: list[str]
    tokens: int = 0


def _base(file: str) -> str:
    return PurePosixPath(file).name


def _strip_magics(text: str) -> str:
    """IPython-only lines (``%magic``, ``!shell``, ``name?``) blanked, lines kept."""
    return "\n".join("" if _MAGIC.match(line) else line for line in text.split("\n"))


def _parse(text: str) -> tuple[ast.Module | None, str]:
    try:
        return ast.parse(text), ""
    except SyntaxError as exc:
        return None, f"line {exc.lineno}: {exc.msg}"
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        return None, type(exc).__name__


def _unit_from_nodes(file: str, name: str, nodes: list[ast.AST], lines: list[str],
                     ctx: Context) -> Unit:
    first = min(first_line(n) for n in nodes)
    last = max(getattr(n, "end_lineno", None) or first for n in nodes)
    unit = Unit(file=file, name=name, first_line=first, lines=lines[first - 1:last])
    try:
        tokens_of(nodes, unit, ctx)
    except (RecursionError, ValueError, MemoryError):  # too deep or huge to unparse
        unit.tokens, unit.starts, unit.ends = [], [], []
        for token, line in raw_tokens("\n".join(unit.lines), ctx):
            unit.tokens.append(token)
            unit.starts.append(line + first - 1)
            unit.ends.append(line + first - 1)
    return unit


def _parse_parts(lines: list[str]) -> tuple[ast.Module, list[tuple[int, str]]]:
    """A file that does not parse, cut before each top-level ``def``/``class`` (or its
    decorators): the parts that parse, as one module with the file's line numbers, and
    (first line offset, text) of the parts that do not."""
    starts = [i for i, line in enumerate(lines)
              if _TOP.match(line) and not (i and lines[i - 1].startswith("@"))]
    bounds = sorted({0, *starts, len(lines)})
    module, broken = ast.Module(body=[], type_ignores=[]), []
    for first, last in zip(bounds, bounds[1:], strict=False):
        text = "\n".join(lines[first:last])
        tree, _ = _parse(text)
        if tree is None:
            broken.append((first, text))
        else:
            ast.increment_lineno(tree, first)
            module.body += tree.body
    return module, broken


def module_units(file: str, text: str, stub: Stub, problems: list[str]) -> list[Unit]:
    """The units of a ``.py`` file that differ from the released stub's."""
    lines = text.split("\n")
    tree, error = _parse(text)
    broken: list[tuple[int, str]] = []
    if tree is None:
        tree, broken = _parse_parts(lines)
        problems.append(f"{file}: does not parse ({collect.safe(error, 80)}): "
                        f"{len(broken)} part(s) compared as plain tokens")
    aliases = import_aliases(tree)
    for _, part in broken:
        aliases.update(raw_aliases(part))
    ctx = Context(stub.keep, aliases)
    units = []
    for name, nodes in split_units(tree):
        released = stub.units.get((_base(file), name))
        if released is not None and released.text == unit_text(nodes, lines):
            continue
        unit = _unit_from_nodes(file, name, nodes, lines, ctx)
        mark_given(unit, released)
        units.append(unit)
    for offset, part in broken:
        for unit in raw_units(file, part, ctx, "<module>", offset):
            mark_given(unit, stub.units.get((_base(file), unit.name)))
            units.append(unit)
    return units


def notebook_units(file: str, cells: list[collect.Snippet], stub: Stub,
                   problems: list[str]) -> list[Unit]:
    """One unit per code cell that is not a released cell left untouched."""
    released = stub.cells.get(_base(file), frozenset())
    given = StubUnit("", stub.cell_lines.get(_base(file), frozenset()))
    parsed = []
    for cell in cells:
        if cell.text.strip() in released:
            continue
        text = _strip_magics(cell.text)
        tree, error = _parse(text)
        parsed.append((cell, text, tree, error))
    aliases: dict[str, str] = {}
    for _, text, tree, _ in parsed:
        aliases.update(import_aliases(tree) if tree is not None else raw_aliases(text))
    ctx = Context(stub.keep, aliases)
    units, broken = [], []
    for cell, text, tree, error in parsed:
        lines = cell.text.split("\n")
        if tree is not None and tree.body:
            unit = _unit_from_nodes(file, cell.label, tree.body, lines, ctx)
            unit.first_line, unit.lines = 1, lines
        else:
            if tree is None:
                broken.append(f"{cell.label} ({collect.safe(error, 60)})")
            unit = Unit(file=file, name=cell.label, first_line=1, lines=lines)
            for token, line in raw_tokens(text, ctx):
                unit.tokens.append(token)
                unit.starts.append(line)
                unit.ends.append(line)
        mark_given(unit, given)
        units.append(unit)
    if broken:
        shown = "; ".join(broken[:3]) + ("; ..." if len(broken) > 3 else "")
        problems.append(f"{file}: {len(broken)} cell(s) do not parse ({shown}): compared as "
                        "plain tokens")
    return units


def units_of(snippets: list[collect.Snippet], stub: Stub, problems: list[str]) -> list[Unit]:
    """Every unit of a submission's snippets, file by file in the order read."""
    units: list[Unit] = []
    notebooks: dict[str, list[collect.Snippet]] = {}
    for snippet in snippets:
        if snippet.label:
            notebooks.setdefault(snippet.file, []).append(snippet)
        elif stub.modules.get(_base(snippet.file)) != snippet.text:  # else all given
            units += module_units(snippet.file, snippet.text, stub, problems)
    for file, cells in notebooks.items():
        units += notebook_units(file, cells, stub, problems)
    return units


def read_document(loc: collect.Location, expected: set[str], stub: Stub) -> Document:
    """Steps 1-3 for one location (see the module docstring)."""
    doc = Document(loc.name, loc.kind, [], Fingerprints.empty(), [], [])
    try:
        source = collect.read_location(loc, expected)
        doc.files, doc.problems = source.files, source.problems
        units = units_of(source.snippets, stub, doc.problems)
        limit, total, kept = MAX_TOKENS[loc.kind], 0, []
        for unit in units:
            if total + len(unit.tokens) > limit:
                doc.problems.append(f"more than {limit:,} tokens of code: the rest (from "
                                    f"{unit.file} {unit.name} on) was not compared")
                break
            total += len(unit.tokens)
            kept.append(unit)
        fps = fingerprint(kept)
        doc.fps = fps.select(~np.isin(fps.hashes, stub.hashes))
        doc.tokens = total
        for unit in kept:
            unit.tokens, unit.starts, unit.ends = [], [], []
        doc.units = kept
    except Exception as exc:  # noqa: BLE001 - one submission must never stop the class
        doc.problems.append(f"internal error while reading it ({type(exc).__name__}: "
                            f"{collect.safe(str(exc), 80)}); please report it")
        doc.units, doc.fps = [], Fingerprints.empty()
    return doc


def build_stub(release: Path) -> Stub:
    """The ``Stub`` of a release folder (trusted: the course's own files)."""
    stub = Stub()
    keep: set[str] = set()
    source = collect.read_location(collect.Location("release", release, "known"), set())
    cells: dict[str, set[str]] = {}
    lines: dict[str, set[str]] = {}
    for snippet in source.snippets:
        base = _base(snippet.file)
        tree, _ = _parse(_strip_magics(snippet.text))
        if snippet.label:
            cells.setdefault(base, set()).add(snippet.text.strip())
            lines.setdefault(base, set()).update(
                line.strip() for line in snippet.text.split("\n"))
        elif tree is not None:
            stub.modules[base] = snippet.text
            keep |= defined_names(tree)
            text_lines = snippet.text.split("\n")
            for name, nodes in split_units(tree):
                text = unit_text(nodes, text_lines)
                stub.units[(base, name)] = StubUnit(
                    text, frozenset(line.strip() for line in text.split("\n")))
    stub.keep = frozenset(keep)
    stub.cells = {k: frozenset(v) for k, v in cells.items()}
    stub.cell_lines = {k: frozenset(v) for k, v in lines.items()}
    everything = Stub(keep=stub.keep)  # fingerprint every released unit, skipping none
    units = units_of(source.snippets, everything, [])
    stub.hashes = np.unique(fingerprint(units).hashes)
    return stub


# ----- many documents, in worker processes --------------------------------------------------
_WORKER: dict[str, object] = {}


def _init_worker(expected: set[str], stub: Stub) -> None:
    _WORKER["expected"], _WORKER["stub"] = expected, stub


def _read_in_worker(loc: collect.Location) -> Document:
    return read_document(loc, _WORKER["expected"], _WORKER["stub"])  # type: ignore[arg-type]


def _read_alone(loc: collect.Location, expected: set[str], stub: Stub) -> Document:
    """Read one location in a process of its own: if reading it kills that process, only
    this document is lost (and says so)."""
    try:
        with ProcessPoolExecutor(1, initializer=_init_worker,
                                 initargs=(expected, stub)) as pool:
            return pool.submit(_read_in_worker, loc).result()
    except BrokenProcessPool:
        return Document(loc.name, loc.kind, [], Fingerprints.empty(), [],
                        ["reading it crashed the reading process: not compared"])


def read_all(locations: list[collect.Location], expected: set[str], stub: Stub,
             workers: int, progress: Callable[[], None] = lambda: None) -> list[Document]:
    """``read_document`` for every location, in ``workers`` processes, in input order."""
    if workers <= 1 or len(locations) < 2:
        docs = []
        for loc in locations:
            docs.append(read_document(loc, expected, stub))
            progress()
        return docs
    done: dict[int, Document] = {}
    try:
        with ProcessPoolExecutor(workers, initializer=_init_worker,
                                 initargs=(expected, stub)) as pool:
            futures = {pool.submit(_read_in_worker, loc): i for i, loc in enumerate(locations)}
            for future in as_completed(futures):
                try:
                    done[futures[future]] = future.result()
                except BrokenProcessPool:
                    continue
                progress()
    except BrokenProcessPool:
        pass
    for i, loc in enumerate(locations):
        if i not in done:  # its process died (or a neighbour's did): retry it alone
            done[i] = _read_alone(loc, expected, stub)
            progress()
    return [done[i] for i in range(len(locations))]
