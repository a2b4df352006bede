"""The kernel client nbgrader uses for confined kernels (``ConfinedKernels.nbgrader_args``
passes ``--KernelManager.client_factory``): jupyter_client's own, whose sockets refuse a
single message larger than ``MAX_MESSAGE_BYTES`` (a confined kernel can write anything on
its sockets, and nbgrader would hold it all in memory; such a kernel loses its
connection, and its notebook only its feedback)."""

from __future__ import annotations

import zmq
from jupyter_client.asynchronous import AsyncKernelClient

MAX_MESSAGE_BYTES = 32 << 20


class GradingKernelClient(AsyncKernelClient):
    """``AsyncKernelClient`` whose sockets refuse messages larger than
    ``MAX_MESSAGE_BYTES``."""

    def connect_iopub(self, identity: bytes | None = None) -> zmq.Socket:
        return _bounded(super().connect_iopub(identity))

    def connect_shell(self, identity: bytes | None = None) -> zmq.Socket:
        return _bounded(super().connect_shell(identity))


def _bounded(socket: zmq.Socket) -> zmq.Socket:
    socket.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
    return socket
