"""The text files a bundle adds beside the released assignment: README, pip and conda files."""

from __future__ import annotations

from importlib import resources
from string import Template

from autograder.bundle.package import StudentPackage
from autograder.manifest import Assignment
from autograder.paths import CourseError

CONDA_ENV = "nndl-course"
MANIFEST = "assignment.json"


def requirements_txt(pkg: StudentPackage) -> str:
    extras = f"[{','.join(extra for extra, _ in pkg.extras)}]" if pkg.extras else ""
    return ("# The course library and JupyterLab. In this folder, with your environment "
            "active:\n#   pip install -r requirements.txt\n"
            f"./{pkg.wheel_name}{extras}\n")


def environment_yml(pkg: StudentPackage) -> str:
    return ("# conda env create -f environment-student.yml && conda activate "
            f"{CONDA_ENV}\n"
            f"name: {CONDA_ENV}\n"
            "channels:\n  - conda-forge\n"
            f"dependencies:\n  - python{pkg.requires_python}\n  - pip\n  - pip:\n"
            "      - -r requirements.txt\n")


def colab_url(template: str, hw: str, notebook: str) -> str:
    """``template`` with ``{hw}`` and ``{notebook}`` filled in."""
    try:
        return template.format(hw=hw, notebook=notebook)
    except (KeyError, IndexError, ValueError) as exc:
        raise CourseError(f"--colab-url {template!r}: only {{hw}} and {{notebook}} may "
                          f"appear in braces ({type(exc).__name__}: {exc})") from None


def check_colab_template(template: str) -> None:
    """Raise ``CourseError`` unless ``template`` is an https address holding {notebook}."""
    if not template.startswith("https://") or "{notebook}" not in template:
        raise CourseError(f"--colab-url {template!r} must be an https:// address holding "
                          "{notebook} (and usually {hw}), e.g. https://colab.research."
                          "google.com/github/ORG/REPO/blob/main/{hw}/{notebook}")
    colab_url(template, "hw", "notebook.ipynb")


def _colab_links(assignment: Assignment, template: str | None) -> str:
    if not template:
        return ""
    links = ", ".join(f"[{nb}]({colab_url(template, assignment.id, nb)})"
                      for nb in assignment.notebooks)
    return ("\nOpen in Colab: " + links + ". These open the course's copies, handy for "
            "reading; to work, open the notebooks from your Drive folder as in step 2, so "
            "that your work is saved there.\n")


def _file_rows(assignment: Assignment, released: list[str]) -> str:
    rows = []
    for name in released:
        if name in assignment.notebooks:
            what = "notebook: run it, answer its questions"
        elif name in assignment.modules:
            what = "**you complete this file** (graded)"
        elif name == MANIFEST:
            what = "the list of files you hand in (read by the export)"
        else:
            what = "given, complete: used by the notebooks, not graded"
        rows.append(f"| `{name}` | {what} |")
    return "\n".join(rows)


def readme(assignment: Assignment, released: list[str], pkg: StudentPackage,
           colab_template: str | None) -> str:
    """The bundle's README.md: set-up on a laptop, Colab and JupyterHub, and submitting."""
    text = resources.files("autograder.bundle").joinpath("readme.md.tpl").read_text("utf-8")
    return Template(text).substitute(
        title=assignment.title, hw=assignment.id, wheel=pkg.wheel_name,
        file_rows=_file_rows(assignment, released),
        colab_links=_colab_links(assignment, colab_template))
