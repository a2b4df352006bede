"""Confined notebook kernels, forked by the kernel server or started directly: real
kernels, driven by jupyter_client and nbclient as nbgrader drives them."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from traitlets.config import Config

from autograder.nbgrader_bridge.client import GradingKernelClient
from autograder.nbgrader_bridge.kernel import KERNEL_NAME, ConfinedKernels
from autograder.release.build import tool_env

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # starts confined kernels
AS_ROOT = os.geteuid() == 0

# what a kernel reports about itself; the test compares it between the two ways of
# starting one (values that must differ from kernel to kernel are compared apart)
PROBE = [
    "import json, os, sys\nimport numpy as np",
    "%matplotlib inline\nimport matplotlib\nimport matplotlib.pyplot as plt",
    "import tqdm.auto\n"
    "facts = {'path': sys.path, 'cwd': os.getcwd(), 'backend': matplotlib.get_backend(),\n"
    "         'tqdm': tqdm.auto.tqdm.__module__, 'argv0': os.path.basename(sys.argv[0]),\n"
    "         'home_is_scratch': os.environ['HOME'] != os.getcwd(),\n"
    "         'has_results': 'GRADER_CELL_RESULTS' in os.environ,\n"
    "         'server_env_hidden': 'COURSE_KERNEL_SERVER' not in os.environ,\n"
    "         'mplbackend': os.environ.get('MPLBACKEND'), 'root': os.geteuid() == 0,\n"
    "         'pydevd': os.environ.get('PYDEVD_USE_FRAME_EVAL'),\n"
    "         'preloaded': sorted(m for m in ('pdb', 'sqlite3', 'debugpy') if m in sys.modules)}\n"
    "print(json.dumps(facts))",
    "print(json.dumps({'ppid': os.getppid(), 'random': float(np.random.rand()),\n"
    "                  'home': os.environ['HOME']}))",
    "fig, ax = plt.subplots()\nax.plot([1, 3, 2])\nax.set_title(r'$\\alpha$ plot')",
    "1 / 0",
    "from matplotlib.figure import Figure\n"
    "png = get_ipython().display_formatter.formatters['image/png']\n"
    "print(json.dumps({'png': png.lookup_by_type(Figure).func.__module__}))",
    "plt.imshow(np.array([]))",  # an error raised deep inside matplotlib's long files
]


def notebook_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "autograded" / "alice" / "hw1_softmax"
    folder.mkdir(parents=True)
    return folder


def manager_config(kernels: ConfinedKernels) -> Config:
    """The KernelManager settings that course autograde gives nbgrader, as traitlets config."""
    config = Config()
    for arg in kernels.nbgrader_args():
        key, value = arg.removeprefix("--").split("=", 1)
        section, name = key.split(".")
        if section == "KernelManager":
            config[section][name] = value
    return config


def run_probe(kernels: ConfinedKernels, folder: Path) -> list[dict]:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in PROBE])
    env_before = dict(os.environ)
    os.environ.update(kernels.env(tool_env()))
    try:
        client = NotebookClient(nb, kernel_name=KERNEL_NAME, allow_errors=True, timeout=60,
                                resources={"metadata": {"path": str(folder)}},
                                shutdown_kernel="immediate", config=manager_config(kernels))
        used = []
        client.on_cell_execute = lambda **_: used.append((type(client.km), type(client.kc)))
        client.execute()
        assert used and {client for _, client in used} == {GradingKernelClient}
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    return [cell.outputs for cell in nb.cells]


@pytest.fixture(scope="module")
def probes(tmp_path_factory):
    """The probe notebook run twice in server-forked kernels and once in a direct one."""
    tmp = tmp_path_factory.mktemp("kernels")
    runs = {}
    for mode in ("server", "direct"):
        kernels = ConfinedKernels(tool_env(), server=mode == "server")
        try:
            assert kernels.wait_for_server() == (mode == "server")
            kernels.add_results("alice", {"cell": {"points": 1}})
            folder = notebook_folder(tmp / mode)
            runs[mode] = [run_probe(kernels, folder) for _ in range(2 if mode == "server" else 1)]
            runs[mode + "_pid"] = kernels.server.pid if kernels.server else None
            runs[mode + "_folder"] = folder
            runs[mode + "_root"] = kernels.root
        finally:
            kernels.close()
    return runs


def facts(outputs: list, cell: int) -> dict:
    return json.loads(outputs[cell][0]["text"])


def test_server_kernels_are_forked_by_the_server(probes):
    """Did the server start the kernels (their parent), and a direct start not?"""
    for outputs in probes["server"]:
        assert facts(outputs, 3)["ppid"] == probes["server_pid"]
    assert facts(probes["direct"][0], 3)["ppid"] == os.getpid()  # the launcher became it


def test_server_kernels_look_like_direct_ones(probes):
    """Same sys.path (folder reached through ''), backend, tqdm flavour, environment and
    confinement as a kernel started from scratch, and the same kinds of output."""
    direct = probes["direct"][0]
    for outputs in probes["server"]:
        assert facts(outputs, 2) == {**facts(direct, 2), "cwd": facts(outputs, 2)["cwd"]}
        assert not facts(outputs, 2)["root"]
        assert [[o["output_type"] for o in cell] for cell in outputs] == \
            [[o["output_type"] for o in cell] for cell in direct]
        image = outputs[4][-1]
        assert image["output_type"] == "display_data" and "image/png" in image["data"]
        assert image["data"]["image/png"] == direct[4][-1]["data"]["image/png"]
        assert outputs[5][0]["ename"] == "ZeroDivisionError"
        assert facts(outputs, 6) == facts(direct, 6)  # matplotlib's own inline figures
        assert frame_headers(outputs[7]) == frame_headers(direct[7])
        assert cell_frame(outputs[7]) == cell_frame(direct[7])
    assert facts(direct, 6)["png"] == "IPython.core.pylabtools"
    assert len(frame_headers(direct[7])) >= 3  # pyplot, the Axes method, the image module
    assert facts(direct, 2)["has_results"] and facts(direct, 2)["backend"].endswith("inline")


def plain_traceback(outputs: list) -> list[str]:
    (error,) = [o for o in outputs if o["output_type"] == "error"]
    return [re.sub(r"\x1b\[[0-9;]*m", "", part) for part in error["traceback"]]


def frame_headers(outputs: list) -> list[str]:
    """The "File <path>:<line>, in <function>" line of each library frame."""
    return [part.splitlines()[0] for part in plain_traceback(outputs) if part.startswith("File ")]


def cell_frame(outputs: list) -> str:
    (part,) = [p for p in plain_traceback(outputs) if p.startswith("Cell In[")]
    return part


def test_kernel_homes_are_removed_with_the_run(probes):
    """Each kernel's home (with its copy of the connection file) lies in the run's folder
    and is gone after close(): a class of hundreds leaves nothing in /tmp."""
    for mode in ("server", "direct"):
        homes = [Path(facts(outputs, 3)["home"]) for outputs in probes[mode]]
        assert len(set(homes)) == len(homes)
        for home in homes:
            assert home.is_relative_to(probes[mode + "_root"]) and not home.exists()
        assert not probes[mode + "_root"].exists()


def test_each_forked_kernel_has_its_own_random_state(probes):
    """A fork inherits numpy's global generator; each kernel must draw fresh numbers."""
    first, second = (facts(outputs, 3)["random"] for outputs in probes["server"])
    assert first != second


@pytest.fixture()
def kernel(tmp_path):
    """A server-forked kernel driven by a KernelManager, as nbclient drives it."""
    kernels = ConfinedKernels(tool_env())
    assert kernels.wait_for_server()
    env = kernels.env(tool_env())
    km = KernelManager(kernel_name=KERNEL_NAME, transport="ipc",
                       ip=str(kernels.sockets / "kernel"))
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        km.start_kernel(cwd=str(notebook_folder(tmp_path)))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    client = km.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    yield kernels, km, client
    client.stop_channels()
    if km.is_alive():
        km.shutdown_kernel(now=True)
    kernels.close()


def ask(client, code: str, timeout: float = 30) -> tuple[dict, str]:
    out = []
    reply = client.execute_interactive(
        code, timeout=timeout, output_hook=lambda m: out.append(m["content"].get("text", "")))
    return reply["content"], "".join(out)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def wait_until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def test_an_interrupt_reaches_the_forked_kernel(kernel):
    """nbgrader interrupts a cell that runs past its timeout by signalling the launcher;
    the launcher must pass it on to the kernel the server forked."""
    _, km, client = kernel
    client.execute("import time\nfor _ in range(600): time.sleep(0.1)")
    time.sleep(1.0)
    km.interrupt_kernel()
    reply = client.get_shell_msg(timeout=10)["content"]
    assert reply["status"] == "error" and reply["ename"] == "KeyboardInterrupt"
    # and it lives on (asked through the reply: ipykernel itself sometimes drops the first
    # print after an interrupt, direct kernels too -- measured 2 in 12)
    again = client.execute_interactive("x = 6 * 7", user_expressions={"x": "x"}, timeout=30)
    assert again["content"]["user_expressions"]["x"]["data"]["text/plain"] == "42"


def test_killing_the_launcher_ends_the_kernel(kernel):
    """nbgrader ends a kernel by SIGKILL to the launcher's process group, which does not
    reach the forked kernel: the server must end it when the launcher goes."""
    _, km, client = kernel
    pid = int(ask(client, "import os; print(os.getpid())")[1])
    assert pid != km.provisioner.process.pid and alive(pid)
    km.shutdown_kernel(now=True)
    assert wait_until(lambda: not alive(pid))


# a process the notebook leaves behind, holding the kernel's stdout (nbgrader's output)
LEFTOVER = ("import os, subprocess\n"
            "child = subprocess.Popen(['sleep', '300'])\n"
            "print(os.getpid(), child.pid)")


def test_processes_the_kernel_started_end_with_it(kernel):
    """When nbgrader kills the launcher, the processes the kernel started must go too, as
    they do for a kernel started directly (jupyter_client kills its process group):
    a leftover holding nbgrader's output would stall the grading run."""
    _, km, client = kernel
    pid, child = map(int, ask(client, LEFTOVER)[1].split())
    assert alive(child)
    km.shutdown_kernel(now=True)
    assert wait_until(lambda: not alive(pid) and not alive(child))


def test_processes_end_with_a_kernel_that_exits(kernel):
    """A kernel that ends by itself (a crash, os._exit) takes its processes along."""
    _, km, client = kernel
    pid, child = map(int, ask(client, LEFTOVER)[1].split())
    client.execute("os._exit(0)")
    assert wait_until(lambda: not alive(pid) and not alive(child))
    assert wait_until(lambda: not km.is_alive())


def test_the_kernels_exit_status_reaches_nbgrader(kernel):
    """A kernel that exits (a student's os._exit) ends its launcher with the same code,
    so jupyter_client sees a dead kernel."""
    _, km, client = kernel
    client.execute("import os; os._exit(3)")
    assert wait_until(lambda: not km.is_alive())
    assert km.provisioner.process.returncode == 3


def test_closing_ends_the_server_and_its_kernels(kernel):
    kernels, _, client = kernel
    pid = int(ask(client, "import os; print(os.getpid())")[1])
    server = kernels.server.pid
    kernels.close()
    assert wait_until(lambda: not alive(pid) and not alive(server))


@pytest.mark.skipif(not AS_ROOT, reason="kernels drop privileges only when graded as root")
def test_forked_kernels_are_confined(kernel):
    """As root: the forked kernel runs as a user of its own, without network, and cannot
    see the course's private folders or write outside its own folder."""
    _, _, client = kernel
    code = f"""
import errno, json, os, socket
facts = {{'uid': os.getuid()}}
for name, attempt in [
        ('source', lambda: os.listdir({str(ROOT / "source")!r})),
        ('net', lambda: socket.create_connection(('127.0.0.1', 9), timeout=1)),
        ('write', lambda: open({str(ROOT / "README.md.kernel")!r}, 'w'))]:
    try:
        facts[name] = repr(attempt())
    except OSError as error:
        facts[name] = errno.errorcode[error.errno]
print(json.dumps(facts))
"""
    found = json.loads(ask(client, code)[1])
    assert found["uid"] >= 2_000_000_000
    assert found["source"] in ("[]", "EACCES")  # the reference is out of sight
    assert found["net"] == "ENETUNREACH"  # not even loopback
    assert found["write"] in ("EROFS", "EACCES")
    assert not (ROOT / "README.md.kernel").exists()


def test_kernels_start_directly_when_the_server_is_gone(tmp_path):
    """A dead server costs speed, not kernels: the launcher starts the kernel itself."""
    kernels = ConfinedKernels(tool_env())
    try:
        assert kernels.wait_for_server()
        kernels.server.kill()
        kernels.server.wait()
        nb_outputs = run_probe(kernels, notebook_folder(tmp_path))
        assert facts(nb_outputs, 3)["ppid"] != kernels.server.pid
        assert facts(nb_outputs, 2)["backend"].endswith("inline")
    finally:
        kernels.close()
