"""Building the Gradescope autograder zip (see ``build.py``)."""
