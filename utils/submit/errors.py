"""The ways an export can stop, each with the exit code the command line uses.

``SubmitError`` and its subclasses carry a message written for students: what is wrong and
how to fix it. The command line prints the message (never a traceback) and exits with
``exit_code``.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2


class SubmitError(Exception):
    """Base class: the export stopped for a reason the student can fix."""

    exit_code = EXIT_USAGE


class ManifestError(SubmitError):
    """``assignment.json`` is missing or malformed (wrong folder or damaged download)."""

    exit_code = EXIT_USAGE


class BrowserNotFoundError(SubmitError):
    """No Chromium-family browser was found (or the one named does not exist)."""

    exit_code = EXIT_USAGE


class BrowserError(SubmitError):
    """The browser started but failed while rendering or printing."""

    exit_code = EXIT_USAGE


class PreflightError(SubmitError):
    """One or more pre-flight checks refused the export; ``problems`` lists them."""

    exit_code = EXIT_REFUSED

    def __init__(self, problems: list[str], note: str = "",
                 warnings: tuple[str, ...] | list[str] = ()) -> None:
        self.problems = list(problems)
        self.warnings = list(warnings)
        lines = ["The export was refused; nothing was written. Fix these and export again",
                 "(or pass --force / force=True to export anyway with the problems stamped",
                 "on the first page):"]
        lines += [f"  - {problem}" for problem in self.problems]
        if self.warnings:
            lines.append("Warnings (these alone would not stop the export):")
            lines += [f"  - {warning}" for warning in self.warnings]
        if note:
            lines.append(note)
        super().__init__("\n".join(lines))


def _render_traceback_(self: SubmitError) -> list[str]:
    """IPython shows this instead of a traceback when a notebook cell raises the error."""
    return [f"{type(self).__name__}:", *str(self).splitlines()]


SubmitError._render_traceback_ = _render_traceback_  # type: ignore[attr-defined]
