"""Run notebooks top to bottom in a kernel of another environment's Python.

nbclient (this process) drives a real ipykernel started by the environment's own
interpreter, through a kernel spec written for it, as Jupyter would from that environment.
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

KERNEL = "student"


def kernel_manager(python: Path, spec_dir: Path) -> KernelManager:
    """A kernel manager whose only kernel runs ``python -m ipykernel_launcher``."""
    folder = spec_dir / "kernels" / KERNEL
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": f"student ({python})", "language": "python"}
    (folder / "kernel.json").write_text(json.dumps(spec))
    specs = KernelSpecManager(kernel_dirs=[str(spec_dir / "kernels")])
    return KernelManager(kernel_name=KERNEL, kernel_spec_manager=specs)


def run_notebook(path: Path, python: Path, spec_dir: Path, env: dict[str, str],
                 cwd: Path | None = None, timeout: int = 900) -> nbformat.NotebookNode:
    """Execute ``path`` in place (outputs saved, like a student's Run All and save) with the
    kernel started in ``cwd`` (default: the notebook's folder). Raises on a cell error."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, km=kernel_manager(python, spec_dir), timeout=timeout,
                            resources={"metadata": {"path": str(cwd or path.parent)}})
    try:
        client.execute(env=env)
    finally:
        nbformat.write(nb, path)
    return nb


def outputs_text(cells: list[nbformat.NotebookNode], stream: str | None = None) -> str:
    """All text these cells printed (``stream`` = "stdout"/"stderr" for one stream)."""
    parts = []
    for cell in cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and stream in (None, out.get("name")):
                parts.append(out.get("text", ""))
    return "".join(parts)
