"""Accuracy credit for a saved model, without retraining.

The notebook saves the student's best network with ``utils.model_io.save_model``; a suite
test rebuilds it with the REFERENCE network class (so only the student's parameters are
judged, not their forward pass), scores it on the digits that ``load_dataset`` holds out
(``digits_heldout_split``: students never get them), and awards

    fraction = clip((accuracy - chance) / (target - chance), 0, 1)

of its points: full points at the target accuracy, none at chance level.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import numpy as np

from autograder import expect
from utils.model_io import load_model

HELDOUT_SPLIT = Path(__file__).resolve().parent / "data" / "digits_heldout.npz"


def digits_heldout_split() -> tuple[np.ndarray, np.ndarray]:
    """(X (180, 64), y (180,)): the digits that ``utils.data.load_dataset("digits")`` holds
    out (for every seed), preprocessed like its sets (pixels in [0, 1], seed 0's training
    mean subtracted). Students' notebooks keep a test split of their own; this one they
    never get, so the accuracy credit measures a model that was not chosen on it. Shipped
    with the grader because the Gradescope container has no scikit-learn;
    tests/autograder/test_model_credit.py keeps it in step; refresh it with
    ``write_digits_heldout_split()``."""
    with np.load(HELDOUT_SPLIT, allow_pickle=False) as split:
        return split["X"], split["y"]


def write_digits_heldout_split() -> Path:
    from utils.data import load_dataset, load_digits
    from utils.data.dataset import DEFAULT_POOLS

    digits = load_digits()
    with np.load(DEFAULT_POOLS, allow_pickle=False) as pools:
        heldout = pools["heldout"]
    X = digits["X"][heldout] - load_dataset("digits")["mean"]
    np.savez_compressed(HELDOUT_SPLIT, X=X, y=digits["y"][heldout])
    return HELDOUT_SPLIT


def accuracy_fraction(accuracy: float, chance: float, target: float) -> float:
    """The documented linear credit: 0 at ``chance``, 1 at ``target`` and above."""
    if not target > chance:
        raise ValueError("target must be above chance")
    return float(np.clip((accuracy - chance) / (target - chance), 0.0, 1.0))


def build_saved_model(path: Path, net_class: type, limits: dict[str, Any] | None = None) -> Any:
    """Rebuild the network saved at ``path`` with ``net_class``; raises ``Failure`` with a
    message for the student when the file or its contents do not fit."""
    if not path.is_file():
        expect.fail(f"{path.name} is missing from your submission: run the notebook's "
                    "last section, which saves your best model, and submit the file")
    try:
        params, kwargs = load_model(path)
    except ValueError as exc:
        expect.fail(str(exc))
    allowed = set(inspect.signature(net_class).parameters) - {"seed"}
    unknown = sorted(set(kwargs) - allowed)
    if unknown:
        expect.fail(f"{path.name} has unknown constructor arguments {unknown}")
    limits = limits or {"max_hidden_units": 4096, "max_layers": 12}
    hidden = kwargs.get("hidden_dims", [])
    if (not isinstance(hidden, list) or len(hidden) > limits["max_layers"]
            or any(not isinstance(h, int) or not 0 < h <= limits["max_hidden_units"]
                   for h in hidden)):
        expect.fail(f"{path.name}: hidden_dims must be a list of at most "
                    f"{limits['max_layers']} positive sizes up to {limits['max_hidden_units']}")
    try:
        net = net_class(**kwargs, seed=0)
    except Exception as exc:  # noqa: BLE001 - bad saved arguments are the student's input
        expect.fail(f"{path.name}: the saved arguments do not build a network ({exc})")
    missing = sorted(set(net.params) - set(params))
    extra = sorted(set(params) - set(net.params))
    if missing or extra:
        expect.fail(f"{path.name}: parameters do not match the saved architecture "
                    f"(missing {missing}, unexpected {extra})")
    for name, value in params.items():
        if value.shape != net.params[name].shape:
            expect.fail(f"{path.name}: parameter {name} has shape {value.shape}, the "
                        f"architecture needs {net.params[name].shape}")
        if not np.all(np.isfinite(value)):
            expect.fail(f"{path.name}: parameter {name} holds nan or inf")
        net.params[name] = value.astype(net.params[name].dtype)
    return net


def saved_model_accuracy(path: Path, net_class: type, X: np.ndarray, y: np.ndarray,
                         batch_size: int = 500) -> float:
    """Test accuracy of the model saved at ``path``, rebuilt with ``net_class``.

    ``X: (N, D)``, ``y: (N,)``. Scores come from ``net.loss(X)`` (test mode).
    """
    net = build_saved_model(path, net_class)
    if X.shape[1] != net.params["W1"].shape[0]:
        expect.fail(f"{path.name}: the network expects {net.params['W1'].shape[0]} input "
                    f"features, the test data has {X.shape[1]}")
    predictions = []
    with np.errstate(all="ignore"):
        for start in range(0, X.shape[0], batch_size):
            predictions.append(np.argmax(net.loss(X[start:start + batch_size]), axis=1))
    return float(np.mean(np.concatenate(predictions) == y))
