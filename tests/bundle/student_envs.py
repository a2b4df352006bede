"""Fresh virtual environments for the student-side tests, outside the repository.

Each environment is built once per test session, in the background: ``EnvFarm.start``
launches every build at once (two pip runs at a time), and ``EnvFarm.get`` waits for one.
The notebooks of one Python then run while pip fills the next environment.

- a *student* environment: ``python -m venv`` of the given Python, then
  ``pip install <wheel> ipykernel``, nothing else;
- the *Colab-like* one: Python 3.12 holding numpy, matplotlib and ipykernel at the versions
  of a Colab runtime, plus a stand-in ``google.colab`` package whose ``drive.mount`` links
  the mount point's ``MyDrive`` to the folder named by ``NNDL_FAKE_DRIVE``;
- the *hub image*: the wheel with JupyterLab and nbgrader at the project's pins;
- ``resolve-3.14``: no environment, pip's resolution for a Python this machine lacks.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
import time
import tomllib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

# What a Google Colab runtime came with (Python 3.12) when these tests were written.
COLAB_PYTHON = "3.12"
COLAB_PREINSTALLED = {"numpy": "2.0.2", "matplotlib": "3.10.0", "ipykernel": "6.17.1"}
STANDIN_COLAB = {
    "google/colab/__init__.py": '"""Stand-in for Colab\'s google.colab (tests only)."""\n',
    "google/colab/drive.py": '''"""Stand-in for google.colab.drive: MyDrive is $NNDL_FAKE_DRIVE."""
import os


def mount(mountpoint, force_remount=False, timeout_ms=120000, readonly=False):
    os.makedirs(mountpoint, exist_ok=True)
    link = os.path.join(mountpoint, "MyDrive")
    if not os.path.exists(link):
        os.symlink(os.environ["NNDL_FAKE_DRIVE"], link)
    print(f"Mounted at {mountpoint}")
''',
}
PIP_ENV = {"PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}


def python_executable(version: str) -> Path:
    """An interpreter of ``version`` ("3.12"): this one, pyenv's, or one on PATH."""
    if f"{sys.version_info.major}.{sys.version_info.minor}" == version:
        return Path(getattr(sys, "_base_executable", sys.executable))
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    found = sorted(glob.glob(f"{root}/versions/{version}.*/bin/python{version}"))
    if found:
        return Path(found[-1])
    which = shutil.which(f"python{version}")
    if which is None:
        raise FileNotFoundError(f"no Python {version} here (pyenv or PATH)")
    return Path(which)


def tree_size(folder: Path) -> int:
    """Bytes of the files under ``folder`` (links not followed)."""
    return sum(p.lstat().st_size for p in folder.rglob("*") if p.is_file()
               and not p.is_symlink())


@dataclass
class Env:
    """A built environment: where, which Python, and what building it cost."""

    name: str
    prefix: Path
    version: str
    install_seconds: float = 0.0
    size_bytes: int = 0
    pip_output: str = ""
    notes: dict[str, str] = field(default_factory=dict)

    @property
    def python(self) -> Path:
        return self.prefix / "bin" / "python"

    def script(self, name: str) -> Path:
        return self.prefix / "bin" / name

    def site_packages(self) -> Path:
        out = subprocess.run([str(self.python), "-c",
                              "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True)
        return Path(out.stdout.strip())

    def versions(self, *names: str) -> dict[str, str]:
        """Installed versions of ``names`` in this environment."""
        code = ("import importlib.metadata as m, sys\n"
                "for n in sys.argv[1:]: print(n, m.version(n))")
        out = subprocess.run([str(self.python), "-c", code, *names], capture_output=True,
                             text=True, check=True)
        return dict(line.split() for line in out.stdout.splitlines())

    def env(self, **extra: str) -> dict[str, str]:
        """A student's shell in this environment: its scripts first on PATH."""
        base = {k: v for k, v in os.environ.items()
                if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
        path = os.pathsep.join([str(self.prefix / "bin"), "/usr/local/bin", "/usr/bin", "/bin"])
        return {**base, **PIP_ENV, "PATH": path, "VIRTUAL_ENV": str(self.prefix), **extra}


def _run(cmd: list[str], env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1200)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n"
                           + (proc.stdout + proc.stderr)[-3000:])
    return proc.stdout


def _pip_install(env: Env, *requirements: str) -> None:
    started = time.perf_counter()
    env.pip_output = _run([str(env.python), "-m", "pip", "install", *requirements],
                          env={**os.environ, **PIP_ENV})
    env.install_seconds = time.perf_counter() - started


def build_student_env(prefix: Path, version: str, wheel: Path) -> Env:
    """A fresh venv of Python ``version`` holding only the wheel and ipykernel."""
    env = Env(f"student-{version}", prefix, version)
    _run([str(python_executable(version)), "-m", "venv", str(prefix)])
    _pip_install(env, str(wheel), "ipykernel")
    env.size_bytes = tree_size(prefix)
    return env


def build_colab_env(prefix: Path) -> Env:
    """A fresh Python 3.12 venv shaped like a Colab runtime (see the module docstring)."""
    env = Env("colab", prefix, COLAB_PYTHON)
    _run([str(python_executable(COLAB_PYTHON)), "-m", "venv", str(prefix)])
    _run([str(env.python), "-m", "pip", "install",
          *(f"{name}=={version}" for name, version in COLAB_PREINSTALLED.items())],
         env={**os.environ, **PIP_ENV})
    site = env.site_packages()
    for name, text in STANDIN_COLAB.items():
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(text)
    return env


def pinned(*names: str) -> list[str]:
    """``name==version`` for ``names`` as pyproject.toml pins them (the instructor side)."""
    root = Path(__file__).resolve().parents[2]
    deps = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    pins = {spec.partition("==")[0].lower(): spec for spec in deps}
    return [pins[name] for name in names]


def build_hub_env(prefix: Path, wheel: Path) -> Env:
    """A JupyterHub single-user image: the wheel, JupyterLab and nbgrader (pinned)."""
    env = Env("hub", prefix, "3.11")
    _run([str(python_executable("3.11")), "-m", "venv", str(prefix)])
    _pip_install(env, "--no-compile", str(wheel), *pinned("jupyterlab", "nbgrader"))
    return env


def resolve_for(prefix: Path, version: str, wheel: Path) -> Env:
    """pip's resolution of the wheel and ipykernel for a Python not on this machine: binary
    wheels only, as pip would install them there (``pip install --dry-run --report``)."""
    env = Env(f"resolve-{version}", prefix, version)
    prefix.mkdir(parents=True, exist_ok=True)
    report = prefix / "report.json"
    _run([sys.executable, "-m", "pip", "install", "--dry-run", "--quiet", "--ignore-installed",
          "--python-version", version, "--only-binary=:all:", "--target", str(prefix / "t"),
          "--report", str(report), str(wheel), "ipykernel"], env={**os.environ, **PIP_ENV})
    env.notes["report"] = str(report)
    return env


class EnvFarm:
    """Builds the session's environments in the background, two at a time.

    ``keep``: a folder where environments survive the session and are reused by the next
    one when built from the same wheel (``NNDL_TEST_ENVS``, for developers repeating these
    tests; a reused environment is not fresh, so CI never sets it).
    """

    def __init__(self, base: Path, wheel: Path, keep: Path | None = None) -> None:
        self.base = keep / wheel.stem if keep else base
        self.wheel, self.keep = wheel, keep
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="venv")
        self._futures: dict[str, Future[Env]] = {}

    def _submit(self, name: str, build, *args) -> None:
        stamp = self.base / f"{name}.json"

        def run() -> Env:
            if self.keep and stamp.is_file() and name != "colab":  # Colab's is changed
                return Env(**{**json.loads(stamp.read_text()), "prefix": self.base / name})
            shutil.rmtree(self.base / name, ignore_errors=True)
            env = build(self.base / name, *args)
            if self.keep:
                stamp.write_text(json.dumps({**vars(env), "prefix": str(env.prefix)}))
            return env

        self._futures[name] = self._pool.submit(run)

    def start(self, names: list[str]) -> None:
        """Queue the builds of ``names`` ("colab", "hub" or a Python version), in order."""
        self.base.mkdir(parents=True, exist_ok=True)
        for name in names:
            if name == "colab":
                self._submit(name, build_colab_env)
            elif name == "hub":
                self._submit(name, build_hub_env, self.wheel)
            elif name.startswith("resolve-"):
                self._submit(name, resolve_for, name.removeprefix("resolve-"), self.wheel)
            else:
                self._submit(name, build_student_env, name, self.wheel)

    def get(self, name: str) -> Env:
        """The environment ``name`` (a version such as "3.12", "colab" or "hub")."""
        return self._futures[name].result()

    def close(self) -> None:
        """Wait for running builds, then delete every environment (about 700 MB each)."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        if not self.keep:
            shutil.rmtree(self.base, ignore_errors=True)
