"""Export an assignment for Gradescope: one PDF (notebooks + code) and the code zip.

From a terminal in the assignment folder::

    python -m utils.submit

or from the last cell of a notebook (save the notebook first)::

    from utils.submit import export_submission
    export_submission()
"""

from utils.submit.detect import find_browser
from utils.submit.errors import (
    BrowserError,
    BrowserNotFoundError,
    ManifestError,
    PreflightError,
    SubmitError,
)
from utils.submit.export import SubmissionResult, export_submission
from utils.submit.manifest import Manifest, load_manifest

__all__ = [
    "BrowserError",
    "BrowserNotFoundError",
    "Manifest",
    "ManifestError",
    "PreflightError",
    "SubmissionResult",
    "SubmitError",
    "export_submission",
    "find_browser",
    "load_manifest",
]
