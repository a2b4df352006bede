"""nbgrader configuration for this course (the folder of this file is the course directory).

It holds for every run of nbgrader here: `course release` and `course autograde`, plain
`nbgrader` commands typed in this folder, and Formgrader in JupyterLab. `course` passes
per-run settings (temporary folders, student lists) on the command line.
"""

import importlib.util
import tomllib
from pathlib import Path

c = get_config()  # noqa: F821  (nbgrader injects get_config)

_here = Path(__file__).resolve().parent
c.CourseDirectory.root = str(_here)

# Every way of generating an assignment (`course release`, Formgrader's Generate button,
# `nbgrader generate_assignment`) gives the same student version: CourseRelease strips the
# solutions from the modules nbgrader copies verbatim, generates the modules handed out
# from earlier assignments, leaves out the reference's artifacts, writes assignment.json,
# and completes the autograded cells from the suite (points, heading, hidden block). If it
# cannot be imported, generating and releasing fail instead of releasing the solutions.
try:
    from nbgrader.converters import GenerateAssignment

    from autograder.release.build import CLUTTER
    from autograder.release.nbgrader_hook import CourseRelease

    c.CourseDirectory.ignore = list(CLUTTER)
    c.GenerateAssignment.preprocessors = [
        CourseRelease, *GenerateAssignment.class_traits()["preprocessors"].default()]
    # `nbgrader release_assignment` and Formgrader's Release button check the folder first
    c.ExchangeFactory.release_assignment = "autograder.release.exchange.CheckedReleaseAssignment"
except Exception as _exc:  # noqa: BLE001 - any failure must block releasing
    _broken = f"autograder.release: unavailable ({_exc})"
    c.GenerateAssignment.preprocessors = [_broken]
    c.ExchangeFactory.release_assignment = _broken

# Students submit .py modules (the graded code): autograde must grade THEIR copies, never
# replace them with the source versions (which hold the solutions).
# (A config file that raises is skipped whole by nbgrader, CourseRelease included: nothing
# here may raise. A broken manifest is reported by `course` and by CourseRelease.)
_keep = {}
for _manifest in sorted(_here.glob("assignments/*/assignment.toml")):
    try:
        _data = tomllib.loads(_manifest.read_text())
        _keep[_manifest.parent.name] = [*_data.get("modules", []), *_data.get("artifacts", [])]
    except (OSError, ValueError, TypeError):
        continue
c.Autograde.exclude_overwriting = _keep

# Keep hidden tests out of the feedback students receive.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
]
c.Execute.timeout = 120

# Formgrader's grading pages load MathJax from this Jupyter server (jupyter-server-mathjax)
# rather than a CDN, so math renders offline; nbgrader's own templates come next.
try:
    _formgrader = importlib.util.find_spec("nbgrader.server_extensions.formgrader")
    _autograder = importlib.util.find_spec("autograder")
    c.HTMLExporter.extra_template_basedirs = [
        str(Path(_autograder.origin).parent / "formgrader_templates"),
        str(Path(_formgrader.submodule_search_locations[0]) / "templates")]
except (ImportError, AttributeError, TypeError):
    pass
