"""The kernel client nbgrader uses for confined kernels (``ConfinedKernels.nbgrader_args``
passes ``--KernelManager.client_factory``).

jupyter_client's client is ready once the kernel has answered a ``kernel_info`` request
on the shell channel and sent something on iopub. Then it waits until iopub has been quiet
for 0.2 s, which drops the status messages of its own requests. nbclient ignores every
message that does not answer one of its requests, so that wait buys nothing, and it costs
0.2 s per notebook (0.4 s per hw1 student). This client takes what has already arrived and
goes on. Otherwise it is the same.
"""

from __future__ import annotations

import math
import time
from queue import Empty

import zmq
from jupyter_client.asynchronous import AsyncKernelClient

DRAIN_SECONDS = 0.01  # how long to wait for iopub messages that are already on their way
# a single message larger than this ends the connection (a confined kernel can write
# anything on its sockets; nbgrader would hold it all in memory)
MAX_MESSAGE_BYTES = 32 << 20


class GradingKernelClient(AsyncKernelClient):
    """``AsyncKernelClient`` whose ``wait_for_ready`` returns without the quiet period, and
    whose sockets refuse messages larger than ``MAX_MESSAGE_BYTES``."""

    def connect_iopub(self, identity: bytes | None = None) -> zmq.Socket:
        return _bounded(super().connect_iopub(identity))

    def connect_shell(self, identity: bytes | None = None) -> zmq.Socket:
        return _bounded(super().connect_shell(identity))

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        # made by KernelManager.client() (its client_factory), so the manager knows
        # whether the kernel lives: no heartbeat wait first, as in jupyter_client
        deadline = time.monotonic() + (math.inf if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:  # iopub is connected once the request's status message arrives
                    await self.iopub_channel.get_msg(timeout=0.2)
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    break
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} s")
        while True:
            try:
                await self.iopub_channel.get_msg(timeout=DRAIN_SECONDS)
            except Empty:
                return


def _bounded(socket: zmq.Socket) -> zmq.Socket:
    socket.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
    return socket
