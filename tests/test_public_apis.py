"""Does the course's code use only the public, documented APIs of the libraries it builds
on? A private name (``_something``) of matplotlib, IPython, ipykernel, jupyter_client,
nbclient, nbconvert, nbgrader or traitlets, reached through an import, an attribute or an
override in a subclass, is the first thing a dependency upgrade breaks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = ("matplotlib", "IPython", "ipykernel", "jupyter_client", "nbclient", "nbconvert",
             "nbgrader", "traitlets", "zmq")
CHECKED = ("autograder", "utils")  # the course's packages
# the one module allowed to adapt a library's internals (none today): path -> reason
ALLOWED: dict[str, str] = {}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _library(module: str | None) -> bool:
    return bool(module) and module.split(".")[0] in LIBRARIES


def private_uses(source: str) -> list[str]:
    """``line: what`` for each private name of a library that ``source`` uses."""
    tree = ast.parse(source)
    names: set[str] = set()  # local names bound to a library (module, class, function)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _library(alias.name):
                    names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.ImportFrom) and _library(node.module):
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{node.lineno}: from {node.module} import {alias.name}")
                names.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            root = node.value
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in names:
                found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                and node.func.id in ("getattr", "setattr", "hasattr") and len(node.args) > 1 \
                and isinstance(node.args[1], ast.Constant) and isinstance(node.args[1].value, str) \
                and _private(node.args[1].value) and isinstance(node.args[0], ast.Name) \
                and node.args[0].id in names:
            found.append(f"{node.lineno}: {ast.unparse(node)}")
        elif isinstance(node, ast.ClassDef) and any(
                isinstance(base, ast.Name | ast.Attribute) and ast.unparse(base).split(".")[0]
                in names for base in node.bases):
            found.extend(_subclass_uses(node))
    return found


def _subclass_uses(cls: ast.ClassDef) -> list[str]:
    """In a subclass of a library class: private methods it overrides and private
    attributes of ``self`` it reaches without defining them."""
    own = {n.name for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    for node in ast.walk(cls):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            own.add(node.attr)
    found = [f"{n.lineno}: overrides {cls.name}.{n.name}" for n in cls.body
             if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and _private(n.name)]
    for node in ast.walk(cls):
        if isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(
                node.value, ast.Name) and node.value.id in ("self", "super") \
                and node.attr not in own:
            found.append(f"{node.lineno}: {ast.unparse(node)}")
        if isinstance(node, ast.Attribute) and _private(node.attr) and isinstance(
                node.value, ast.Call) and ast.unparse(node.value.func) == "super":
            found.append(f"{node.lineno}: {ast.unparse(node)}")
    return found


def course_modules() -> list[Path]:
    return sorted(p for package in CHECKED for p in (ROOT / package).rglob("*.py")
                  if "__pycache__" not in p.parts)


@pytest.mark.parametrize("path", course_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_public_library_apis(path):
    """Does this module stay off the libraries' private names (outside the one module
    allowed to adapt them)?"""
    relative = str(path.relative_to(ROOT))
    uses = private_uses(path.read_text())
    if relative in ALLOWED:
        return
    assert uses == [], f"{relative} uses private library names: {uses}"


@pytest.mark.parametrize("source, expected", [
    ("import matplotlib.text as mtext\nmtext._get_text_metrics_with_cache = f\n", 1),
    ("from IPython.core import ultratb\nultratb.FAST_THRESHOLD = 1\n", 0),
    ("from matplotlib import pyplot\nx = pyplot.rcParams._get('backend')\n", 1),
    ("from jupyter_client import AsyncKernelManager\n"
     "class M(AsyncKernelManager):\n    async def _async_wait(self):\n        pass\n", 1),
    ("from jupyter_client.asynchronous import AsyncKernelClient\n"
     "class C(AsyncKernelClient):\n    def f(self, r):\n"
     "        self._handle_kernel_info_reply(r)\n", 1),
    ("from nbclient import NotebookClient\nclass C(NotebookClient):\n"
     "    def f(self):\n        self._mine = 1\n        return self._mine\n", 0),
    ("import numpy as np\nnp._core\n", 0),
    ("from nbgrader.api import _private_helper\n", 1),
])
def test_the_scanner_finds_private_uses(source, expected):
    """Does the scanner find private uses of every kind, and only those?"""
    assert len(private_uses(source)) == expected, private_uses(source)
