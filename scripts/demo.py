"""`make demo`: the main job, end to end, offline, on the embedded digits dataset.

1. Student side: load digits, check a gradient numerically, train a small model with the
   Solver and save its training curves.
2. Instructor side, for every assignment: release check, `course verify`, a simulated
   class (reference with its written answers, untouched release, two seeded bugs)
   autograded through the real nbgrader, the grades table (the written answers waiting
   for manual grading in Formgrader), and the Gradescope zip built and run on one
   submission.

Everything it writes goes to build/demo/ (git-ignored).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np

from autograder.mutants import load_mutants
from autograder.paths import all_assignments, course_root
from autograder.simulate import answer_written_questions, make_course, make_submission
from utils.data import load_dataset
from utils.gradient_check import grad_check_sparse
from utils.plots import plot_training_history
from utils.solver import Solver

ROOT = course_root()
OUT = ROOT / "build" / "demo"


def banner(text: str) -> None:
    print(f"\n=== {text} " + "=" * max(0, 74 - len(text)), flush=True)


def course(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> str:
    """Run the `course` command for real; stop the demo if it fails."""
    print(f"$ course {' '.join(args)}", flush=True)
    proc = subprocess.run([sys.executable, "-m", "autograder", *args], cwd=cwd, env=env,
                          capture_output=True, text=True)
    print(proc.stdout.rstrip())
    if proc.returncode != 0:
        print(proc.stderr.rstrip())
        raise SystemExit(f"demo stopped: `course {args[0]}` exited {proc.returncode}")
    return proc.stdout


def reference_softmax():
    spec = importlib.util.spec_from_file_location("demo_softmax",
                                                  ROOT / "source/hw1_softmax/softmax.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class SoftmaxModel:
    """A linear softmax classifier in the Solver's model contract (params, loss)."""

    def __init__(self, D: int, C: int, softmax, seed: int = 0) -> None:
        rng = np.random.default_rng(seed)
        self.params = {"W": 1e-3 * rng.standard_normal((D + 1, C))}
        self.softmax = softmax
        self.reg = 1e-4

    def loss(self, X, y=None):
        Xb = self.softmax.append_bias(X)
        if y is None:
            return Xb @ self.params["W"]
        loss, dW = self.softmax.softmax_loss_vectorized(self.params["W"], Xb, y, self.reg)
        return loss, {"W": dW}


def student_side() -> None:
    banner("student side: data, gradient check, training")
    data = load_dataset("digits")
    for key in ("X_train", "X_val", "X_test"):
        print(f"{key}: {data[key].shape}")
    softmax = reference_softmax()
    rng = np.random.default_rng(0)
    X = softmax.append_bias(data["X_train"][:100])
    y = data["y_train"][:100]
    W = 1e-3 * rng.standard_normal((X.shape[1], 10))
    _, dW = softmax.softmax_loss_vectorized(W, X, y, 0.1)
    errors = grad_check_sparse(lambda w: softmax.softmax_loss_vectorized(w, X, y, 0.1)[0],
                               W, dW, num_checks=5, seed=0)
    print(f"gradient check: largest relative error {np.max(errors):.1e} (expected < 1e-7)")

    model = SoftmaxModel(data["X_train"].shape[1], 10, softmax)
    solver = Solver(model, data, update_rule="sgd", optim_config={"learning_rate": 0.5},
                    num_epochs=10, batch_size=100, verbose=False, seed=0)
    solver.train()
    test_acc = float(np.mean(np.argmax(model.loss(data["X_test"]), axis=1) == data["y_test"]))
    print(f"softmax classifier with the Solver: best val accuracy {solver.best_val_acc:.3f}, "
          f"test accuracy {test_acc:.3f}")
    fig = plot_training_history(solver=solver, title="Softmax classifier on digits")
    OUT.mkdir(parents=True, exist_ok=True)
    fig.savefig(OUT / "training_history.png", dpi=80)
    print(f"training curves: {OUT / 'training_history.png'}")


def instructor_side(hw: str, demo_course: Path) -> None:
    banner(f"instructor side: {hw}")
    course("release", hw, "--check")
    course("verify", hw)

    mutants = load_mutants(ROOT / "assignments" / hw / "mutants.toml")
    submitted = demo_course / "submitted"
    answered = answer_written_questions(make_submission(submitted / "ada_reference" / hw, hw,
                                                        "source"), hw)
    make_submission(submitted / "ben_untouched" / hw, hw, "release")
    make_submission(submitted / "cy_bug" / hw, hw, mutant=mutants[0])
    make_submission(submitted / "di_bug" / hw, hw, mutant=mutants[-1])
    print(f"simulated class: ada (reference, {answered} written answers), ben (untouched "
          f"release), cy ({mutants[0].name}), di ({mutants[-1].name})")
    env = {**os.environ, "COURSE_ROOT": str(demo_course)}
    start = time.perf_counter()
    course("autograde", hw, "--workers", "2", cwd=demo_course, env=env)
    print(f"(nbgrader autograde of 4 submissions: {time.perf_counter() - start:.1f} s)")
    print(f"ada's written answers wait for manual grading: `cd {demo_course} && jupyter lab`, "
          "then Nbgrader > Formgrader > Manage Submissions")

    zips = OUT / "gradescope"
    course("gradescope", hw, "--out", str(zips))
    box = OUT / "autograder"
    shutil.rmtree(box, ignore_errors=True)
    with zipfile.ZipFile(zips / f"{hw}_autograder.zip") as zf:
        zf.extractall(box / "source")
    make_submission(box / "submission", hw, mutant=mutants[0])
    subprocess.run(["bash", str(box / "source" / "run_autograder")], check=True,
                   env={**os.environ, "AUTOGRADER_ROOT": str(box),
                        "AUTOGRADER_PYTHON": sys.executable}, capture_output=True)
    results = json.loads((box / "results" / "results.json").read_text())
    print(f"Gradescope run_autograder on cy's submission: score {results['score']:g}, "
          f"{len(results['tests'])} tests in results.json")


def main() -> None:
    start = time.perf_counter()
    student_side()
    demo_course = OUT / "course"  # one course folder holding every assignment, as in class
    shutil.rmtree(demo_course, ignore_errors=True)
    make_course(demo_course, all_assignments())
    for hw in all_assignments():
        instructor_side(hw, demo_course)
    banner(f"demo finished in {time.perf_counter() - start:.0f} s; outputs in {OUT}")


if __name__ == "__main__":
    main()
