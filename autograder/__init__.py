"""The course's grading engine and the ``course`` command (instructor side)."""
