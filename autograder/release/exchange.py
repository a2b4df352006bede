"""nbgrader's ``release_assignment`` (and Formgrader's Release button), refusing a
release folder that students must not get.

``nbgrader_config.py`` makes ``CheckedReleaseAssignment`` the exchange's release plugin.
Before nbgrader copies ``release/<hw>`` to the exchange it checks what any release must
satisfy (``build.check_release``): no solution markers, no submitted artifact such as
the reference's ``best_model.npz``, every module the stub of its source. A folder copied
or edited by hand, or generated before the source changed, is refused with the command
that rebuilds it.
"""

from __future__ import annotations

from pathlib import Path

from nbgrader.exchange.default import ExchangeReleaseAssignment

from autograder.manifest import load_assignment
from autograder.paths import CourseError, course_root
from autograder.release.build import check_release


class CheckedReleaseAssignment(ExchangeReleaseAssignment):
    """The default exchange's release, after ``check_release`` passes."""

    def copy_files(self) -> None:
        hw = self.coursedir.assignment_id
        root = Path(self.coursedir.root)
        course = root if (root / "assignments" / hw).is_dir() else course_root()
        try:
            check_release(load_assignment(hw, course / "assignments" / hw), course,
                          Path(self.src_path))
        except CourseError as exc:
            self.fail(f"{exc}. Run `course release {hw}` (or Formgrader's Generate) first.")
        super().copy_files()
