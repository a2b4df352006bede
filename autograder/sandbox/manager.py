"""The kernel manager nbgrader uses for confined kernels (``ConfinedKernels.nbgrader_args``
passes ``--Execute.kernel_manager_class``).

nbgrader ends each kernel at once when its notebook is done (``shutdown_kernel=immediate``):
jupyter_client sends SIGKILL to the launcher's process group, then checks whether the
process has ended, and sleeps 0.1 s between checks. The first check comes before the
killed process has been reaped, so every notebook waited 0.1 s for a process that was
already gone (0.2 s per hw1 student). This manager checks every ``POLL_SECONDS`` instead;
it is otherwise jupyter_client's ``AsyncKernelManager``.
"""

from __future__ import annotations

from jupyter_client import AsyncKernelManager

POLL_SECONDS = 0.005


class GradingKernelManager(AsyncKernelManager):
    """``AsyncKernelManager`` that notices a killed kernel within ``POLL_SECONDS``."""

    async def _async_wait(self, pollinterval: float = 0.1) -> None:
        await super()._async_wait(pollinterval=min(pollinterval, POLL_SECONDS))
