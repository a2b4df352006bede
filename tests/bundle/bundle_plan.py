"""What the student-bundle tests share (a module of its own name: several test folders'
conftest modules cannot be told apart by import)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = sorted(p.parent.name for p in (ROOT / "assignments").glob("*/assignment.toml"))
# Which completed assignment runs on which fresh Python: every assignment runs once, and
# every Python runs at least one (the Colab-like 3.12 environment runs hw1_softmax).
PLAN = {"3.11": ["hw4_bn_dropout"], "3.12": ["hw2_fcnet"], "3.13": ["hw3_optim"]}
COLAB_HW = "hw1_softmax"
COLAB_URL = "https://colab.research.google.com/github/example/nndl/blob/main/{hw}/{notebook}"
