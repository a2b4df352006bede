"""Build the student library's wheel: ``utils`` alone, installable with plain ``pip``.

The wheel follows the binary distribution format (PEP 427 and its successors): the package
files, a ``.data/data`` file that enables the library's Jupyter server extension (it puts
the environment's scripts on the PATH of JupyterLab's terminals), and a ``.dist-info``
folder with METADATA, WHEEL, entry points and RECORD. It is built directly from the
declaration (``package.py``) in a few milliseconds, byte for byte the same for the same
files: entries are sorted and carry a fixed time stamp.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from pathlib import Path

from autograder.bundle.package import StudentPackage, student_package

STAMP = (2020, 1, 1, 0, 0, 0)  # any fixed date after 1980 (zip's epoch)
GENERATOR = "autograder.bundle.wheel"
SERVER_EXTENSION = "utils.terminal_path"  # the module jupyter_server loads


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return f"sha256={digest.decode()}"


def metadata_text(pkg: StudentPackage) -> str:
    """The METADATA file (core metadata 2.1)."""
    lines = ["Metadata-Version: 2.1", f"Name: {pkg.name}", f"Version: {pkg.version}",
             f"Summary: {pkg.summary}", f"Requires-Python: {pkg.requires_python}"]
    lines += [f"Requires-Dist: {dep}" for dep in pkg.dependencies]
    for extra, requirements in pkg.extras:
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {req}; extra == "{extra}"' for req in requirements]
    return "\n".join(lines) + "\n"


def wheel_text() -> str:
    return (f"Wheel-Version: 1.0\nGenerator: {GENERATOR}\nRoot-Is-Purelib: true\n"
            "Tag: py3-none-any\n")


def entry_points_text(pkg: StudentPackage) -> str:
    lines = ["[console_scripts]", *(f"{cmd} = {target}" for cmd, target in pkg.scripts)]
    return "\n".join(lines) + "\n"


def server_config_text() -> str:
    """jupyter_server's drop-in config enabling the library's server extension."""
    config = {"ServerApp": {"jpserver_extensions": {SERVER_EXTENSION: True}}}
    return json.dumps(config, indent=2) + "\n"


def wheel_entries(pkg: StudentPackage) -> list[tuple[str, bytes]]:
    """Every file of the wheel but RECORD, as (archive path, bytes), in archive order."""
    dist_info = f"{pkg.wheel_stem}-{pkg.version}.dist-info"
    data = f"{pkg.wheel_stem}-{pkg.version}.data/data"
    entries = [(path.relative_to(pkg.root).as_posix(), path.read_bytes())
               for path in pkg.files()]
    entries.append((f"{data}/etc/jupyter/jupyter_server_config.d/{pkg.name}.json",
                    server_config_text().encode()))
    entries += [(f"{dist_info}/METADATA", metadata_text(pkg).encode()),
                (f"{dist_info}/WHEEL", wheel_text().encode()),
                (f"{dist_info}/entry_points.txt", entry_points_text(pkg).encode()),
                (f"{dist_info}/top_level.txt", f"{pkg.package}\n".encode())]
    return entries


def build_wheel(out_dir: Path, pkg: StudentPackage | None = None) -> Path:
    """Write the wheel into ``out_dir`` (created) and return its path."""
    pkg = pkg or student_package()
    entries = wheel_entries(pkg)
    record_path = f"{pkg.wheel_stem}-{pkg.version}.dist-info/RECORD"
    record = "".join(f"{name},{_record_hash(body)},{len(body)}\n" for name, body in entries)
    entries.append((record_path, (record + f"{record_path},,\n").encode()))
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / pkg.wheel_name
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, body in entries:
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, body)
    partial.replace(target)
    return target
