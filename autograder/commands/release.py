"""``course release <hw>... | --all [--check]``: build release/<hw> from source/<hw>, and
the points column of the README's assignment table. Nothing is written into source/."""

from __future__ import annotations

import argparse
import filecmp
import shutil
import tempfile
from pathlib import Path

from autograder.commands import assignment_list
from autograder.manifest import load_assignment
from autograder.paths import course_root, release_dir, source_dir
from autograder.release.build import build_release
from autograder.release.points_table import points_cell, with_points


def add_parser(sub: argparse._SubParsersAction, name: str) -> None:
    p = sub.add_parser(name, help="build release/<hw> (student version) from source/<hw>")
    p.add_argument("assignments", nargs="*", metavar="HW")
    p.add_argument("--all", action="store_true", help="every assignment")
    p.add_argument("--check", action="store_true",
                   help="do not write; exit 1 when release/ differs from what would be built")


def differences(built: Path, current: Path) -> list[str]:
    """Files that differ between two folders (relative paths, with what differs)."""
    if not current.is_dir():
        return [f"{current} does not exist"]
    out = []
    built_files = {p.relative_to(built) for p in built.rglob("*") if p.is_file()}
    current_files = {p.relative_to(current) for p in current.rglob("*") if p.is_file()
                     and "__pycache__" not in p.parts and ".ipynb_checkpoints" not in p.parts}
    out += [f"missing: {p}" for p in sorted(built_files - current_files)]
    out += [f"extra: {p}" for p in sorted(current_files - built_files)]
    out += [f"differs: {p}" for p in sorted(built_files & current_files)
            if not filecmp.cmp(built / p, current / p, shallow=False)]
    return out


def release_one(hw: str, check: bool) -> bool:
    """Build release/<hw> (or compare it, with ``check``); False when it is stale."""
    with tempfile.TemporaryDirectory(prefix="course-release-") as tmp:
        built = build_release(hw, Path(tmp) / hw)
        target = release_dir(hw)
        diff = differences(built, target)
        if check:
            if diff:
                print(f"release/{hw} is stale ({len(diff)} difference(s)); run "
                      f"`course release {hw}`:")
                print("\n".join(f"  {d}" for d in diff[:20]))
            else:
                print(f"release/{hw} is up to date")
            return not diff
        existed = target.exists()
        staging = target.with_name(f".{hw}.new")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(built, staging)
        if existed:
            shutil.rmtree(target)
        staging.rename(target)
        print(f"release/{hw}: {sum(1 for p in target.rglob('*') if p.is_file())} files "
              f"({f'{len(diff)} changed' if existed else 'new'})")
        return True


def release_readme(hws: list[str], check: bool) -> bool:
    """Write (or compare) the README's points column for ``hws``; False when stale."""
    readme = course_root() / "README.md"
    if not readme.is_file():
        return True
    rows = {}
    for hw in hws:
        assignment = load_assignment(hw)
        rows[hw] = (assignment, points_cell(assignment, source_dir(hw)))
    text = readme.read_text()
    updated = with_points(text, rows)
    if updated == text:
        return True
    if check:
        print("README.md: the points column of the assignment table is stale; run "
              "`course release --all`")
        return False
    readme.write_text(updated)
    print("README.md: points column updated")
    return True


def run(args: argparse.Namespace) -> int:
    hws = assignment_list(args)
    fresh = [release_one(hw, args.check) for hw in hws]
    fresh.append(release_readme(hws, args.check))
    return 0 if all(fresh) else 1
