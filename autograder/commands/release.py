"""``course release <hw>... | --all [--check]``: build release/<hw> from source/<hw>."""

from __future__ import annotations

import argparse
import filecmp
import shutil
import tempfile
from pathlib import Path

from autograder.commands import assignment_list
from autograder.manifest import load_assignment
from autograder.paths import release_dir, source_dir
from autograder.release.build import build_release, stale_given


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


def run(args: argparse.Namespace) -> int:
    stale = 0
    for hw in assignment_list(args):
        outdated = stale_given(load_assignment(hw))
        if outdated and args.check:
            stale += 1
            print(f"source/{hw}: given module(s) {', '.join(outdated)} differ from their "
                  f"origin; run `course release {hw}` to refresh them")
            continue
        for name, text in outdated.items():
            (source_dir(hw) / name).write_text(text)
            print(f"source/{hw}/{name}: refreshed from its origin")
        with tempfile.TemporaryDirectory(prefix="course-release-") as tmp:
            built = build_release(hw, Path(tmp) / hw)
            target = release_dir(hw)
            diff = differences(built, target)
            if args.check:
                if diff:
                    stale += 1
                    print(f"release/{hw} is stale ({len(diff)} difference(s)); run "
                          f"`course release {hw}`:")
                    print("\n".join(f"  {d}" for d in diff[:20]))
                else:
                    print(f"release/{hw} is up to date")
                continue
            staging = target.with_name(f".{hw}.new")
            shutil.rmtree(staging, ignore_errors=True)
            shutil.copytree(built, staging)
            if target.exists():
                shutil.rmtree(target)
            staging.rename(target)
            print(f"release/{hw}: {sum(1 for p in target.rglob('*') if p.is_file())} files "
                  f"({len(diff)} changed)")
    return 1 if stale else 0
