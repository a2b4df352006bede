"""What the bundle tests build and where they run it (imported by a name of its own: a
folder's ``conftest`` module shares its name with every other folder's)."""

from __future__ import annotations

from repo_layout import ASSIGNMENTS, ROOT

__all__ = ["ASSIGNMENTS", "COLAB_HW", "COLAB_URL", "PLAN", "ROOT"]

# Which completed assignment runs on which fresh Python: every assignment runs once, and
# every Python runs at least one (the Colab-like 3.12 environment runs hw1_softmax).
PLAN = {"3.11": ["hw4_bn_dropout"], "3.12": ["hw2_fcnet"], "3.13": ["hw3_optim"]}
COLAB_HW = "hw1_softmax"
COLAB_URL = "https://colab.research.google.com/github/example/nndl/blob/main/{hw}/{notebook}"
