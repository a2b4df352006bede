"""Tests of saving a model (utils.model_io) and crediting its accuracy (model_credit)."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.expect import Failure
from autograder.model_credit import accuracy_fraction, saved_model_accuracy
from utils.model_io import load_model, save_model


class LinearNet:
    """A tiny network in the course's model contract: params W1, b1; loss(X) -> scores."""

    def __init__(self, hidden_dims=(), input_dim=4, num_classes=3, dtype=np.float64,
                 seed=None):
        rng = np.random.default_rng(seed)
        self.params = {"W1": rng.standard_normal((input_dim, num_classes)).astype(dtype),
                       "b1": np.zeros(num_classes, dtype=dtype)}

    def loss(self, X, y=None):
        return X @ self.params["W1"] + self.params["b1"]


def problem(seed=0, N=300):
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((4, 3))
    X = rng.standard_normal((N, 4))
    return W, X, np.argmax(X @ W, axis=1)


def test_round_trip_keeps_params_and_arguments(tmp_path):
    """Does load_model return the saved arrays and constructor arguments (dtype too)?"""
    net = LinearNet(seed=1, dtype=np.float32)
    path = save_model(tmp_path / "m.npz", net, hidden_dims=[], input_dim=4, num_classes=3,
                      dtype=np.float32)
    params, kwargs = load_model(path)
    assert kwargs == {"hidden_dims": [], "input_dim": 4, "num_classes": 3, "dtype": np.float32}
    for name, value in net.params.items():
        np.testing.assert_array_equal(params[name], value)
        assert params[name].dtype == value.dtype


def test_perfect_weights_earn_full_credit(tmp_path):
    """Does a model with the generating weights score 100% and full credit?"""
    W, X, y = problem()
    net = LinearNet()
    net.params["W1"] = W
    save_model(tmp_path / "best.npz", net, input_dim=4, num_classes=3)
    accuracy = saved_model_accuracy(tmp_path / "best.npz", LinearNet, X, y)
    assert accuracy == 1.0
    assert accuracy_fraction(accuracy, chance=1 / 3, target=0.9) == 1.0


@pytest.mark.parametrize("accuracy, expected", [(0.1, 0.0), (0.05, 0.0), (0.55, 0.5),
                                                (1.0, 1.0)])
def test_credit_is_linear_from_chance_to_target(accuracy, expected):
    """Is credit 0 at chance, 1 at the target, linear between, clipped outside?"""
    assert accuracy_fraction(accuracy, chance=0.1, target=1.0) == pytest.approx(expected)


def test_missing_file_says_how_to_make_it(tmp_path):
    """Does a missing model file fail with a message pointing at the notebook?"""
    _, X, y = problem()
    with pytest.raises(Failure, match="missing from your submission"):
        saved_model_accuracy(tmp_path / "best_model.npz", LinearNet, X, y)


@pytest.mark.parametrize("content, words", [
    (b"not a zip", "not a readable .npz"),
    (None, "not written by utils.model_io"),
])
def test_foreign_files_are_refused(tmp_path, content, words):
    """Are a corrupt file and a foreign .npz refused with a reason, never unpickled?"""
    path = tmp_path / "best_model.npz"
    if content is None:
        np.savez(path, W1=np.zeros((4, 3)))
    else:
        path.write_bytes(content)
    _, X, y = problem()
    with pytest.raises(Failure, match=words):
        saved_model_accuracy(path, LinearNet, X, y)


def test_pickled_object_arrays_are_never_loaded(tmp_path):
    """Is an .npz holding a pickled object array refused instead of unpickled?"""
    path = tmp_path / "best_model.npz"
    np.savez(path, __format__=np.array("nndl-model-1"), __config__=np.array("{}"),
             **{"param:W1": np.array([object()], dtype=object)})
    _, X, y = problem()
    with pytest.raises(Failure, match="not a readable"):
        saved_model_accuracy(path, LinearNet, X, y)


@pytest.mark.parametrize("change, words", [
    ({"input_dim": 5}, "shape"),
    ({"bogus": 1}, "unknown constructor arguments"),
    ({"hidden_dims": [10**6]}, "hidden_dims must be"),
])
def test_inconsistent_saves_are_refused(tmp_path, change, words):
    """Are wrong shapes, unknown arguments and absurd sizes reported clearly?"""
    net = LinearNet()
    save_model(tmp_path / "m.npz", net, **{"input_dim": 4, "num_classes": 3, **change})
    _, X, y = problem()
    with pytest.raises(Failure, match=words):
        saved_model_accuracy(tmp_path / "m.npz", LinearNet, X, y)


def test_non_finite_parameters_are_refused(tmp_path):
    """Is a model with nan weights refused rather than scored?"""
    net = LinearNet()
    net.params["W1"][0, 0] = np.nan
    save_model(tmp_path / "m.npz", net, input_dim=4, num_classes=3)
    _, X, y = problem()
    with pytest.raises(Failure, match="nan or inf"):
        saved_model_accuracy(tmp_path / "m.npz", LinearNet, X, y)


def test_shipped_heldout_split_is_never_given_to_students():
    """Is the split shipped with the grader exactly the held-out digits, preprocessed like
    load_dataset's sets, and absent from every set load_dataset gives for several seeds
    (refresh with autograder.model_credit.write_digits_heldout_split)?"""
    from autograder.model_credit import digits_heldout_split
    from utils.data import load_dataset, load_digits

    X, y = digits_heldout_split()
    assert X.shape == (180, 64) and y.shape == (180,)
    assert np.all(np.bincount(y, minlength=10) >= 17)  # stratified: every class present
    raw = load_digits()["X"]
    heldout_rows = {row.tobytes() for row in raw[matching_rows(raw, X + load_dataset(
        "digits")["mean"])]}
    assert len(heldout_rows) == len({r.tobytes() for r in X})
    for seed in (0, 1, 7):
        data = load_dataset("digits", seed=seed)
        for part in ("train", "val", "test"):
            given = data[f"X_{part}"] + data["mean"]
            overlap = {row.tobytes() for row in raw[matching_rows(raw, given)]} & heldout_rows
            assert not overlap, f"seed {seed}: {part} holds {len(overlap)} held-out images"


def matching_rows(raw: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Indices of the images of ``raw`` that ``rows`` are (up to rounding)."""
    exact = {np.round(r, 6).tobytes(): i for i, r in enumerate(raw)}
    return np.array([exact[np.round(r, 6).tobytes()] for r in rows])
