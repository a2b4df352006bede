"""Grading one submission: its suite run against the sandboxed student (``runner``) and
the results as a table, JSON or Gradescope's results.json (``report``)."""
