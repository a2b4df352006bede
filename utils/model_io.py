"""Saving a trained model so it can be graded without retraining.

    save_model("best_model.npz", model, hidden_dims=[100, 100], input_dim=64,
               num_classes=10, activation="relu")

writes ``model.params`` and the constructor's keyword arguments (as JSON) into one
``.npz`` file, without pickle, so the grader can rebuild the network and score it on the
held-out test split in well under a second. ``load_model`` reads it back.
"""

from __future__ import annotations

import json
import math
import os
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "nndl-model-1"
_PARAM = "param:"
MAX_BYTES = 256 << 20  # what a saved model may hold once decompressed
MAX_ARRAYS = 256


def _jsonable(value: Any, name: str) -> Any:
    """Constructor arguments as JSON: numbers, strings, lists, None; dtypes by name."""
    if isinstance(value, type) and issubclass(value, np.generic):
        return {"dtype": np.dtype(value).name}
    if isinstance(value, np.dtype):
        return {"dtype": value.name}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | list):
        return [_jsonable(v, name) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"save_model: argument {name}={value!r} cannot be saved; use numbers, "
                    "strings, lists or a numpy dtype")


def _from_json(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"dtype"}:
        return np.dtype(value["dtype"]).type
    if isinstance(value, list):
        return [_from_json(v) for v in value]
    return value


def save_model(path: str | os.PathLike[str], model: Any, **constructor_kwargs: Any) -> Path:
    """Write ``model.params`` (dict of arrays) and ``constructor_kwargs`` to ``path`` (.npz).

    Returns the path written. Raises ``ValueError``/``TypeError`` naming what cannot be
    saved (a non-array parameter, a non-JSON argument).
    """
    params = getattr(model, "params", None)
    if not isinstance(params, dict) or not params:
        raise ValueError("save_model: the model has no `params` dictionary to save")
    arrays = {}
    for key, value in params.items():
        arr = np.asarray(value)
        if arr.dtype.kind not in "fiub":
            raise ValueError(f"save_model: parameter {key!r} has dtype {arr.dtype}, "
                             "expected numbers")
        arrays[_PARAM + str(key)] = arr
    config = {k: _jsonable(v, k) for k, v in constructor_kwargs.items()}
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    with open(tmp, "wb") as fh:
        np.savez_compressed(fh, __format__=np.array(FORMAT),
                            __config__=np.array(json.dumps(config)), **arrays)
    tmp.replace(path)
    return path


def check_declared_sizes(path: Path, max_bytes: int = MAX_BYTES) -> None:
    """Refuse (``ValueError``) a file whose arrays would take more than ``max_bytes`` once
    decompressed, judged from what the file declares (each member's size and each array's
    shape) before anything is decompressed, so that a small file cannot fill memory."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > MAX_ARRAYS:
                raise ValueError(f"{path.name} holds more than {MAX_ARRAYS} arrays")
            declared = sum(m.file_size for m in members)
            if declared > max_bytes:
                raise ValueError(f"{path.name} would take {declared >> 20} MiB once "
                                 f"decompressed; a saved model may take {max_bytes >> 20} MiB")
            for member in members:
                with archive.open(member) as fh:
                    _check_array_header(fh, member, path.name)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ValueError(f"{path.name} is not a readable .npz file ({exc})") from None


def _check_array_header(fh: Any, member: zipfile.ZipInfo, name: str) -> None:
    """An .npy member's header must declare no more data than the member holds."""
    version = np.lib.format.read_magic(fh)
    read = {(1, 0): np.lib.format.read_array_header_1_0,
            (2, 0): np.lib.format.read_array_header_2_0}.get(version)
    problem = None
    if read is None:
        problem = "has an unknown array format"
    else:
        shape, _, dtype = read(fh)
        if dtype.hasobject:
            problem = "holds Python objects"
        elif math.prod(shape) * dtype.itemsize > member.file_size:
            problem = "declares more data than it holds"
    if problem:
        raise ValueError(f"{name} is not a readable .npz file ({member.filename[:80]} "
                         f"{problem})")


def load_model(path: str | os.PathLike[str]) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """Read a file written by ``save_model``: (params, constructor_kwargs).

    Never unpickles anything. Raises ``ValueError`` with the reason when the file is not a
    saved model (missing, corrupt, another format).
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path.name} does not exist")
    check_declared_sizes(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            files = {name: data[name] for name in data.files}
    except (OSError, ValueError, EOFError) as exc:
        raise ValueError(f"{path.name} is not a readable .npz file ({exc})") from None
    if str(files.get("__format__", "")) != FORMAT or "__config__" not in files:
        raise ValueError(f"{path.name} was not written by utils.model_io.save_model")
    try:
        config = json.loads(str(files["__config__"]))
    except json.JSONDecodeError:
        raise ValueError(f"{path.name} has a corrupt configuration") from None
    if not isinstance(config, dict):
        raise ValueError(f"{path.name} has a corrupt configuration")
    params = {k.removeprefix(_PARAM): v for k, v in files.items() if k.startswith(_PARAM)}
    return params, {k: _from_json(v) for k, v in config.items()}
