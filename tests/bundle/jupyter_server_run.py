"""Start a real Jupyter server (``jupyter lab`` or ``jupyter server``) on 127.0.0.1 for a
test, and talk to it over HTTP and its terminal websocket."""

from __future__ import annotations

import json
import os
import secrets
import shlex
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    token: str
    log: Path

    def get(self, path: str) -> tuple[int, str]:
        """(HTTP status, body) of GET ``path``."""
        request = urllib.request.Request(self.url + path,
                                         headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def post(self, path: str) -> dict:
        request = urllib.request.Request(self.url + path, data=b"{}", method="POST",
                                         headers={"Authorization": f"token {self.token}",
                                                  "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


@contextmanager
def jupyter(command: list[str], root: Path, env: dict[str, str], log: Path,
            tty: bool = False) -> Iterator[Server]:
    """Run ``command`` (e.g. ``[".../jupyter-lab"]``) serving ``root``; stop it afterwards.

    ``tty``: run it on a pseudo-terminal (``script``), as when a student types the command
    in a terminal; Jupyter then starts its terminals as that user's interactive shell
    rather than as a login shell (which would take PATH from /etc/profile).
    """
    port, token = free_port(), secrets.token_hex(16)
    args = [*command, "--no-browser", "--allow-root", f"--ServerApp.port={port}",
            "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}", "--ServerApp.port_retries=0"]
    if tty:
        args = ["script", "--quiet", "--flush", "--return", "--command", shlex.join(args),
                "/dev/null"]
    with open(log, "w") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env,
                                cwd=root, start_new_session=True)
    server = Server(f"http://127.0.0.1:{port}", token, log)
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{command[0]} exited: {log.read_text()[-3000:]}")
            try:
                if server.get("/api/status")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{command[0]} did not start: {log.read_text()[-3000:]}")
            time.sleep(0.3)
        yield server
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the server (and `script`, when on a tty)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def terminal_output(server: Server, command: str, timeout: float = 60) -> str:
    """Open a terminal in the server, type ``command``, return what the terminal showed
    until the command finished (a marker echoed afterwards, computed by the shell so that
    the echoed command line does not already hold it)."""
    import asyncio

    from tornado.websocket import websocket_connect

    name = server.post("/api/terminals")["name"]
    url = (server.url.replace("http://", "ws://") + f"/terminals/websocket/{name}"
           f"?token={server.token}")

    async def talk() -> str:
        conn = await websocket_connect(url)
        await conn.write_message(json.dumps(["stdin", f"{command}; echo END$((40+2))\r"]))
        seen = ""
        deadline = time.monotonic() + timeout
        while "END42" not in seen and time.monotonic() < deadline:
            message = await asyncio.wait_for(conn.read_message(), timeout)
            if message is None:
                break
            kind, *payload = json.loads(message)
            if kind == "stdout":
                seen += payload[0]
        conn.close()
        return seen

    return asyncio.run(talk())
