"""``python -m autograder`` is the ``course`` command."""

import os
import sys

# `python -m` puts the working folder first on the import path; when that is not the
# course (an instructor grading from inside a student's folder), a student's json.py
# there must not be imported by the grader
if sys.path and sys.path[0] in ("", os.getcwd()) and not os.path.isdir(
        os.path.join(sys.path[0] or ".", "autograder")):
    del sys.path[0]

from autograder.cli import main

sys.exit(main())
