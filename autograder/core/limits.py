"""The limits of each call into student code, and their defaults (declared here only;
an assignment's manifest may override them, see ``manifest``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Resource limits for each call into student code."""

    seconds: float = 10.0  # wall-clock time per call
    memory_bytes: int = 2 << 30  # address space of the student process
    output_bytes: int = 1 << 20  # what one call may print

    def describe_output(self) -> str:
        return f"{self.output_bytes // 1024} KiB"
