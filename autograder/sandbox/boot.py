"""How the grader starts a process that will run near a submission.

    python -P -s [-S] .../autograder/sandbox/boot.py MODULE ARGS...

``-P`` keeps the working folder (which may hold a student's ``json.py``) out of the
interpreter's import path, so that nothing a submission holds is imported before the
process has confined itself (``isolation.confine``); the grader sets the process's whole
environment. For the per-call worker it also passes its own import path
(``GRADER_SYS_PATH``, see ``isolated_command``), so that student code sees exactly the
libraries the grader sees; kernels keep the interpreter's own, as a kernel started by
``python -m ipykernel_launcher`` has. MODULE is one of the course's own modules with a
``main(argv)``: ``autograder.sandbox.worker`` (one student's functions) or the nbgrader
bridge's kernel launcher and kernel server; it is named by the caller, so this file
depends on none of them.
"""

import json
import os
import sys

SYS_PATH = "GRADER_SYS_PATH"
PACKAGE = "autograder."  # the only modules this starts


def isolated_command(module: str, *args: str) -> list[str]:
    """The command line that runs ``module.main(args)`` isolated (with ``sys_path_env()``)."""
    if not module.startswith(PACKAGE):
        raise ValueError(f"not one of the course's modules: {module}")
    flags = ["-P", "-s", *(["-S"] if sys.flags.no_site else [])]
    return [sys.executable, *flags, os.path.realpath(__file__), module, *args]


def sys_path_env() -> dict[str, str]:
    """The grader's import path, without the entries that mean "the working folder"."""
    paths = [p for p in sys.path if p and p != "." and (os.path.isabs(p) or "__" in p)]
    return {SYS_PATH: json.dumps(paths)}


def main() -> int:
    paths = json.loads(os.environ.pop(SYS_PATH, "null") or "null")
    if isinstance(paths, list):
        sys.path[:] = [str(p) for p in paths]
    import importlib.util

    if importlib.util.find_spec("autograder") is None:  # not installed: where this file is
        sys.path.append(os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.realpath(__file__)))))
    if len(sys.argv) < 2 or not sys.argv[1].startswith(PACKAGE):
        print(f"usage: python -P {sys.argv[0]} {PACKAGE}MODULE ARGS...", file=sys.stderr)
        return 2
    module = importlib.import_module(sys.argv[1])
    sys.argv = [module.__file__ or sys.argv[1], *sys.argv[2:]]
    return int(module.main(sys.argv[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main())
