"""The kernel manager of confined kernels notices a killed kernel without jupyter_client's
0.1 s sleep (autograder.sandbox.manager), with a real kernel."""

from __future__ import annotations

import asyncio
import sys

import pytest

from autograder.sandbox.manager import POLL_SECONDS, GradingKernelManager


async def kill_and_record_sleeps(monkeypatch: pytest.MonkeyPatch) -> tuple[list[float], bool]:
    """Start a kernel, end it as nbgrader does, and return the sleeps of the wait for its
    end, and whether it still lives."""
    manager = GradingKernelManager(kernel_name="python3")
    await manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=60)
    finally:
        client.stop_channels()
    sleeps: list[float] = []
    real_sleep = asyncio.sleep

    async def recording_sleep(seconds: float, *args, **kwargs):
        if sys._getframe(1).f_code.co_name == "_async_wait":  # not the 0.01 s elsewhere
            sleeps.append(seconds)
        return await real_sleep(seconds, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(asyncio, "sleep", recording_sleep)
        await manager.shutdown_kernel(now=True)  # what nbgrader does when a notebook is done
    return sleeps, await manager.is_alive()


def test_a_killed_kernel_is_noticed_within_the_short_poll(monkeypatch):
    sleeps, alive = asyncio.run(kill_and_record_sleeps(monkeypatch))
    assert not alive
    assert all(seconds <= POLL_SECONDS for seconds in sleeps), sleeps
