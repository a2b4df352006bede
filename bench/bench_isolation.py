"""What isolating student code costs: a call through the sandbox against a direct call,
starting the student process, and grading one hw1 submission with the sandbox against
the same suite calling the modules in the grader's own process (the baseline)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from autograder.authoring.expect import Failure
from autograder.core.paths import source_dir
from autograder.grading import runner
from autograder.sandbox.student import CallInfo, Student, StudentError
from bench.timing import median_seconds

HW = "hw1_softmax"


class InProcess:
    """The ``Student`` interface without a sandbox: the modules imported by the grader.
    For this benchmark only (no limits, no isolation)."""

    def __init__(self, folder: Path, modules: list[str]) -> None:
        self.submission_dir = folder
        self.last = CallInfo()
        sys.path.insert(0, str(folder))
        self.modules: dict[str, ModuleType] = {}
        for name in modules:
            spec = importlib.util.spec_from_file_location(f"inproc_{name}", folder / f"{name}.py")
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            self.modules[name] = module

    def _run(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        before = [(i, a, a.copy()) for i, a in enumerate(args) if isinstance(a, np.ndarray)]
        value = fn(*args, **kwargs)
        self.last = CallInfo(mutated=[str(i) for i, a, b in before
                                      if not np.array_equal(a, b, equal_nan=True)])
        return value

    def _resolve(self, name: str) -> Any:
        module, _, attr = name.rpartition(".")
        return getattr(self.modules[module], attr)

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return self._run(self._resolve(name), *args, **kwargs)

    def new(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return _Object(self, self._resolve(name)(*args, **kwargs))


class _Object:
    def __init__(self, owner: InProcess, obj: Any) -> None:
        self.owner, self.obj = owner, obj

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        return self.owner._run(getattr(self.obj, method), *args, **kwargs)

    def get(self, attribute: str) -> Any:
        return getattr(self.obj, attribute)

    def set(self, attribute: str, value: Any) -> None:
        setattr(self.obj, attribute, value)


def run(repeats: int = 5) -> list[dict]:
    suite = runner.load(HW)
    folder = source_dir(HW)
    names = suite.assignment.module_names

    def grade_sandboxed() -> None:
        result = runner.grade(suite, folder)
        assert result.score == result.max_score, "the reference must earn every point"

    def grade_in_process() -> None:
        student = InProcess(folder, names)
        for test in suite.tests:
            try:
                test.func(student, suite.reference)
            except (Failure, StudentError) as exc:
                raise AssertionError(f"{test.name}: {exc}") from None

    with Student(folder, names, suite.assignment.limits) as student:
        student.call("softmax.append_bias", np.ones((2, 2)))  # started, module imported
        small = np.ones((4, 4))
        calls = 200
        through = median_seconds(lambda: [student.call("softmax.append_bias", small)
                                  for _ in range(calls)], repeats, warm_up=False) / calls
    direct_module = InProcess(folder, names).modules["softmax"]
    direct = median_seconds(lambda: [direct_module.append_bias(small) for _ in range(calls)],
                    repeats) / calls
    start_up = median_seconds(lambda: _start_once(folder, names), repeats, warm_up=False)
    in_process = median_seconds(grade_in_process, repeats, warm_up=False)
    sandboxed = median_seconds(grade_sandboxed, repeats, warm_up=False)
    return [
        {"benchmark": "one call into student code (append_bias, 4x4), through the sandbox",
         "baseline": "direct call", "baseline_s": direct, "ours_s": through,
         "ratio": direct / through, "note": f"overhead {1e3 * (through - direct):.2f} ms/call"},
        {"benchmark": "starting a student process (confinement, numpy import)",
         "baseline": "-", "baseline_s": float("nan"), "ours_s": start_up, "ratio": float("nan"),
         "note": "once per submission, and after a crash or timeout"},
        {"benchmark": f"grading one {HW} submission (reference), whole suite",
         "baseline": "same tests, modules in the grader's process", "baseline_s": in_process,
         "ours_s": sandboxed, "ratio": in_process / sandboxed,
         "note": f"isolation adds {sandboxed - in_process:.2f} s"},
    ]


def _start_once(folder: Path, names: list[str]) -> None:
    with Student(folder, names) as student:
        student.isolation()


if __name__ == "__main__":
    from bench.__main__ import table

    print(table(run()))
