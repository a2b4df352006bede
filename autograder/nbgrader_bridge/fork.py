"""nbgrader commands forked from a process that has imported nbgrader once.

    python -m autograder.nbgrader_bridge.fork     (started by ``NbgraderForks``; requests on stdin)

``course autograde`` runs nbgrader once per batch of students and once more for their
feedback. Each ``python -m nbgrader`` first spends ~1.5 s of CPU importing nbgrader (its
package imports its Jupyter server extensions: jupyter_server, tornado, the exchange),
and that time holds up the batch too. This process imports nbgrader and runs no command
itself: for each request it forks a child, which takes the request's folder, environment
and output file, restores the default signal handlers and runs nbgrader's own ``main()``
as ``python -m nbgrader`` would, in a process of its own; its exit status comes back.
Requests and replies are JSON, one per line: ``{"argv", "cwd", "env", "output"}`` in,
``{"pid"}`` then ``{"exit"}`` out, one command at a time.

When this process is gone (it failed to start, or died), ``NbgraderForks`` starts
``python -m nbgrader`` instead: the slower way to the same result.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any, NoReturn

from autograder.sandbox.child import exit_after

NBGRADER = "nbgrader.apps.nbgraderapp"


class Command:
    """A running nbgrader command; ``terminate()`` it as a Popen (course autograde's
    Ctrl-C), ``NbgraderForks.wait`` for it."""

    def __init__(self, pid: int | None = None, proc: subprocess.Popen | None = None) -> None:
        self.pid = pid
        self.proc = proc
        self.returncode: int | None = None

    def terminate(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
        elif self.pid is not None and self.returncode is None:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGTERM)


class NbgraderForks:
    """The grader's side of one fork process, for one thread's commands in turn.

        forks = NbgraderForks(tool_env(), course)     # it imports nbgrader meanwhile
        command = forks.start(["autograde", hw, ...], course, env, log_path)
        status = forks.wait(command)
        forks.close()
    """

    def __init__(self, env: dict[str, str], cwd: Path) -> None:
        self.server: subprocess.Popen | None = subprocess.Popen(
            [sys.executable, "-m", "autograder.nbgrader_bridge.fork"], cwd=cwd, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def start(self, argv: list[str], cwd: Path, env: dict[str, str], output: Path) -> Command:
        """Start ``nbgrader <argv>`` in ``cwd`` with ``env``; its stdout and stderr are
        appended to the file ``output``."""
        pid = self._request({"argv": argv, "cwd": str(cwd), "env": env, "output": str(output)})
        if pid is not None:
            return Command(pid=pid)
        with open(output, "ab") as out:  # no fork process: the ordinary way
            proc = subprocess.Popen([sys.executable, "-m", "nbgrader", *argv], cwd=cwd,
                                    env=env, stdout=out, stderr=subprocess.STDOUT)
        return Command(proc=proc)

    def wait(self, command: Command) -> int:
        """``command``'s exit status (negative: ended by that signal)."""
        if command.proc is not None:
            command.returncode = command.proc.wait()
        else:
            exit_status = self._reply("exit")
            command.returncode = -signal.SIGKILL if exit_status is None else exit_status
        return command.returncode

    def close(self) -> None:
        server, self.server = self.server, None
        if server is None:
            return
        with contextlib.suppress(OSError):
            server.stdin.close()  # type: ignore[union-attr]  # it ends at end of input
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.stdout is not None:
            server.stdout.close()

    def _request(self, request: dict[str, Any]) -> int | None:
        if self.server is None or self.server.stdin is None or self.server.poll() is not None:
            return None
        try:
            self.server.stdin.write(json.dumps(request) + "\n")
            self.server.stdin.flush()
        except OSError:
            self.close()
            return None
        return self._reply("pid")

    def _reply(self, key: str) -> int | None:
        line = self.server.stdout.readline() if self.server and self.server.stdout else ""
        try:
            return int(json.loads(line)[key])
        except (ValueError, KeyError, TypeError):  # the fork process is gone
            self.close()
            return None


def run_command(request: dict[str, Any], server_cwd: str) -> NoReturn:
    """In the forked child: become ``python -m nbgrader <argv>``. Never returns."""

    def run() -> None:
        for signum in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        out = os.open(request["output"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        nothing = os.open(os.devnull, os.O_RDONLY)
        for target, fd in ((0, nothing), (1, out), (2, out)):
            os.dup2(fd, target)
        os.close(out)
        os.close(nothing)
        os.chdir(request["cwd"])
        if sys.path and sys.path[0] == server_cwd:  # python -m puts its folder first
            sys.path[0] = os.getcwd()
        os.environ.clear()
        os.environ.update(request["env"])
        sys.argv = ["nbgrader", *request["argv"]]
        sys.modules[NBGRADER].main()

    exit_after(run)


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the commands, not this
    server_cwd = os.getcwd()
    __import__(NBGRADER)
    for line in sys.stdin:
        try:
            request = json.loads(line)
        except ValueError:
            continue
        sys.stdout.flush()
        pid = os.fork()
        if pid == 0:
            run_command(request, server_cwd)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"exit": os.waitstatus_to_exitcode(status)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
