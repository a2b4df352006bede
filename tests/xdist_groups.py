"""Which tests one pytest-xdist worker runs whole (``make test`` runs ``-n 2 --dist
loadgroup``; a module of its own name, importable where ``conftest`` is ambiguous).

Each worker is a process of its own that builds its own session and module fixtures, so
tests sharing an expensive one are grouped: one worker builds it and runs them all.
"""

from __future__ import annotations

from fnmatch import fnmatch

# test files (relative to tests/, glob patterns) sharing a session fixture -> their group
ONE_WORKER: dict[str, str] = {
    "bundle/*": "bundle",  # the bundles and the fresh venvs of every Python
    "submit/*": "submit",  # the executed fixture assignment
    "grading/test_corpus_*": "corpus",  # the malformed-submission corpus
}

# groups that start first, the longest first: the bundle tests wait on pip filling fresh
# venvs (in background threads, while the other worker runs everything else)
FIRST = ("bundle", "corpus")


def group_of(path: str, slow: bool) -> str | None:
    """The group of a test in file ``path`` (relative to tests/): ``ONE_WORKER``'s, else
    its file when the test is slow (module fixtures that start kernels, courses or servers
    once), else none (any free worker runs it)."""
    for pattern, group in ONE_WORKER.items():
        if fnmatch(path, pattern):
            return group
    return path if slow else None
