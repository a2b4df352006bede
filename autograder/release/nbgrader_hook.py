"""The preprocessor that makes nbgrader's own ``generate_assignment`` give `course release`'s
output, wherever it is started: `course release`, Formgrader's Generate button, or a plain
``nbgrader generate_assignment`` typed in the course folder.

``nbgrader_config.py`` puts ``CourseRelease`` first in ``GenerateAssignment.preprocessors``.
nbgrader has copied the source folder's other files (solutions included) into the release
folder by the time it converts the first notebook; ``CourseRelease`` then

1. turns that folder into the student version (``build.prepare_folder``); if anything goes
   wrong it deletes the folder, so a failed run leaves nothing a student could get;
2. completes the notebook from the suite (``build.release_notebook``) before nbgrader's
   own preprocessors see it, so the gradebook records the suite's points.

An exception fails nbgrader's run (the command exits 1; Formgrader reports the error).
nbgrader's ``post_convert_hook`` is not used: it is called after the copies are made and
nbgrader only logs its exceptions, so a failure there would still release solutions.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool

from autograder.manifest import load_assignment
from autograder.paths import CourseError, course_root
from autograder.release.build import check_cells, prepare_folder, release_notebook, suite_points


class CourseRelease(Preprocessor):
    """nbgrader preprocessor: the course's release steps (see the module docstring)."""

    enabled = Bool(True, help="always on: nbconvert's preprocessors default to off")

    def _folders(self, hw: str) -> tuple[Path, Path, Path]:
        """(course folder with the manifests, source folder, release folder) of ``hw``."""
        from nbgrader.converters import GenerateAssignment

        converter = getattr(self.parent, "parent", None)  # the exporter's parent
        if not isinstance(converter, GenerateAssignment):
            raise CourseError("CourseRelease belongs in GenerateAssignment.preprocessors only")
        coursedir = converter.coursedir
        root = Path(coursedir.root)
        source = Path(coursedir.format_path(coursedir.source_directory, ".", hw))
        release = Path(coursedir.format_path(coursedir.release_directory, ".", hw))
        # `course release` runs nbgrader in a scratch copy without the manifests
        course = root if (root / "assignments" / hw).is_dir() else course_root()
        return course, source.resolve(), release.resolve()

    def preprocess(self, nb: Any, resources: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        hw = resources["nbgrader"]["assignment"]
        course, source, release = self._folders(hw)
        try:
            assignment = load_assignment(hw, course / "assignments" / hw)
            prepare_folder(assignment, course, release)
        except BaseException:
            shutil.rmtree(release, ignore_errors=True)
            raise
        points = suite_points(assignment)
        check_cells(assignment, points, source)
        release_notebook(nb, assignment, points,
                         f"source/{hw}/{resources['nbgrader']['notebook']}.ipynb")
        return nb, resources
