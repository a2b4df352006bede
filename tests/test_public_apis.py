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
        elif isinstance(node, ast.Assign) and _looked_up_library(node.value):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
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


def _looked_up_library(value: ast.expr) -> bool:
    """``sys.modules.get("lib...")``, ``sys.modules["lib..."]``,
    ``importlib.import_module("lib...")``: a library module reached by its name."""
    if isinstance(value, ast.Call) and ast.unparse(value.func) in (
            "sys.modules.get", "importlib.import_module", "import_module") and value.args:
        key = value.args[0]
    elif isinstance(value, ast.Subscript) and ast.unparse(value.value) == "sys.modules":
        key = value.slice
    else:
        return False
    return isinstance(key, ast.Constant) and isinstance(key.value, str) and _library(key.value)


def _subclass_uses(cls: ast.ClassDef) -> list[str]:
    """In a subclass of a library class: private methods it overrides and private
    attributes of ``self`` it reaches without defining them."""
    own = {n.name for n in cls.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
    for node in ast.walk(cls):
        if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            own.add(node.attr)
    found = [f"{n.lineno}: defines {cls.name}.{n.name}" for n in cls.body
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


def overrides(path: Path, use: str) -> bool:
    """Whether a private method that a class of ``path`` defines (``use`` is "N: defines
    Class._name") exists in one of its library bases, so that defining it overrides
    theirs; a private helper of the course's own is fine."""
    import importlib

    cls_name, _, name = use.split("defines ", 1)[1].partition(".")
    module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
    cls = getattr(module, cls_name)
    return any(name in vars(base) for base in cls.__mro__[1:]
               if _library(base.__module__))


@pytest.mark.parametrize("path", course_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_public_library_apis(path):
    """Does this module stay off the libraries' private names (outside the one module
    allowed to adapt them)?"""
    relative = str(path.relative_to(ROOT))
    uses = [use for use in private_uses(path.read_text())
            if " defines " not in use or overrides(path, use)]
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
    ("import sys\npyplot = sys.modules.get('matplotlib.pyplot')\n"
     "pyplot._draw_all_if_interactive = f\n", 1),
])
def test_the_scanner_finds_private_uses(source, expected):
    """Does the scanner find private uses of every kind, and only those?"""
    assert len(private_uses(source)) == expected, private_uses(source)
