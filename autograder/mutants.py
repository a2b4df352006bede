"""Seeded bugs ("mutants") of the reference solution, used by ``course verify``.

``assignments/<hw>/mutants.toml``:

    [[mutant]]
    name = "loss not averaged over N"
    file = "softmax.py"
    find = "loss /= N"
    replace = ""

Each mutant is the reference with ``find`` replaced by ``replace`` (every occurrence) in
``file``; ``find`` must occur, so a mutant cannot silently go stale when the reference
changes. A mutant that needs several edits gives lists of equal length for both.

``[degenerate] loss_only_passes`` lists the tests that judge a loss value alone (see
``autograder.degenerate``). ``[[variant]]`` entries have the same fields plus an optional
``note``: correct code written another way (a convention the grader accepts, another
arrangement of the same formula). ``course verify`` requires full marks for each, with
``note`` (a part of the feedback's note on the accepted convention) in some test's
message.
"""

from __future__ import annotations

import shutil
import tomllib
from dataclasses import dataclass
from pathlib import Path

from autograder.paths import CourseError


@dataclass(frozen=True)
class Mutant:
    name: str
    file: str
    find: str | list[str]
    replace: str | list[str]

    def edits(self) -> list[tuple[str, str]]:
        finds = [self.find] if isinstance(self.find, str) else list(self.find)
        replaces = [self.replace] if isinstance(self.replace, str) else list(self.replace)
        if len(finds) != len(replaces):
            raise CourseError(f"mutant {self.name!r}: find and replace differ in length")
        return list(zip(finds, replaces, strict=True))


@dataclass(frozen=True)
class Variant(Mutant):
    note: str = ""


def load_variants(path: Path) -> list[Variant]:
    """The accepted variants of ``path`` (none when the file has no [[variant]])."""
    if not path.is_file():
        return []
    return [Variant(**entry) for entry in tomllib.loads(path.read_text()).get("variant", [])]


def loss_only_passes(path: Path) -> set[str]:
    """Tests (``file.function``) that judge a loss value alone, listed under
    ``[degenerate] loss_only_passes``: an answer with the right loss and zero gradients
    may earn them."""
    if not path.is_file():
        return set()
    table = tomllib.loads(path.read_text()).get("degenerate", {})
    return set(table.get("loss_only_passes", []))


def load_mutants(path: Path) -> list[Mutant]:
    if not path.is_file():
        raise CourseError(f"{path} does not exist: every assignment needs seeded bugs")
    data = tomllib.loads(path.read_text())
    mutants = [Mutant(**entry) for entry in data.get("mutant", [])]
    if not mutants:
        raise CourseError(f"{path} defines no [[mutant]]")
    return mutants


def copy_reference(reference: Path, dest: Path, file: str, what: str) -> Path:
    """Copy the reference folder's files (modules, notebooks, artifacts such as a saved
    model) to ``dest``; returns the path of the copy of ``file``, which must exist."""
    dest.mkdir(parents=True)
    for path in reference.iterdir():
        if path.is_file() and not path.name.startswith("."):
            shutil.copyfile(path, dest / path.name)
    target = dest / file
    if not target.is_file():
        raise CourseError(f"{what}: no file {file}")
    return target


def materialize(mutant: Mutant, reference: Path, dest: Path) -> Path:
    """Copy the reference folder's files (modules, notebooks, artifacts such as a saved
    model) to ``dest`` and apply ``mutant``; returns ``dest``. Only the mutated code
    differs from the reference, so a mutant loses points to real tests, not to a missing
    file."""
    target = copy_reference(reference, dest, mutant.file, f"mutant {mutant.name!r}")
    text = target.read_text()
    for find, replace in mutant.edits():
        if find not in text:
            raise CourseError(f"mutant {mutant.name!r}: {find!r} no longer occurs in "
                              f"{mutant.file}; update mutants.toml")
        text = text.replace(find, replace)
    target.write_text(text)
    return dest
