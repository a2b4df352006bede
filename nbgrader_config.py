"""nbgrader configuration for this course (the repository root is the course directory).

`course release` and `course autograde` pass per-run settings (temporary folders, student
lists) on the command line; what is here holds for every run, including plain `nbgrader`
commands typed by an instructor in this folder.
"""

import tomllib
from pathlib import Path

c = get_config()  # noqa: F821  (nbgrader injects get_config)

c.CourseDirectory.root = "."
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "*_submission.pdf",
                            "*_code.zip"]

# Students submit .py modules (the graded code): autograde must grade THEIR copies, never
# replace them with the source versions (which hold the solutions).
_here = Path(__file__).resolve().parent
_keep = {}
for _manifest in sorted(_here.glob("assignments/*/assignment.toml")):
    _data = tomllib.loads(_manifest.read_text())
    _keep[_manifest.parent.name] = list(_data.get("modules", [])) + list(_data.get("artifacts", []))
c.Autograde.exclude_overwriting = _keep

# Keep hidden tests out of the feedback students receive.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
    "nbgrader.preprocessors.ClearHiddenTests",
]
c.Execute.timeout = 120
