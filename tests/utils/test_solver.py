"""Tests of utils.solver.Solver with a small softmax-regression model written here."""

from __future__ import annotations

import pickle
from typing import Any

import numpy as np
import pytest

from utils.solver import Solver, TrainingDivergedError


class SoftmaxRegression:
    """Linear classifier ``scores = X @ W + b`` with the mean softmax cross-entropy loss."""

    def __init__(self, D: int, C: int, seed: int = 0, weight_scale: float = 1e-2) -> None:
        rng = np.random.default_rng(seed)
        self.params = {"W": weight_scale * rng.standard_normal((D, C)), "b": np.zeros(C)}

    def loss(self, X: np.ndarray, y: np.ndarray | None = None) -> Any:
        scores = X @ self.params["W"] + self.params["b"]
        if y is None:
            return scores
        shifted = scores - scores.max(axis=1, keepdims=True)
        log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        N = X.shape[0]
        loss = -log_probs[np.arange(N), y].mean()
        dscores = np.exp(log_probs)
        dscores[np.arange(N), y] -= 1.0
        dscores /= N
        return loss, {"W": X.T @ dscores, "b": dscores.sum(axis=0)}


class NanAfter(SoftmaxRegression):
    """Softmax regression whose training loss turns NaN on its ``bad_call``-th call."""

    def __init__(self, D: int, C: int, bad_call: int) -> None:
        super().__init__(D, C)
        self.bad_call = bad_call
        self.calls = 0

    def loss(self, X: np.ndarray, y: np.ndarray | None = None) -> Any:
        out = super().loss(X, y)
        if y is None:
            return out
        self.calls += 1
        return (np.nan if self.calls >= self.bad_call else out[0]), out[1]


class WrongGrads(SoftmaxRegression):
    """Softmax regression that forgets the gradient of ``b``."""

    def loss(self, X: np.ndarray, y: np.ndarray | None = None) -> Any:
        out = super().loss(X, y)
        if y is None:
            return out
        return out[0], {"W": out[1]["W"]}


def blobs(N: int, C: int = 3, D: int = 2, spread: float = 0.3, seed: int = 0):
    """``N`` points around ``C`` centres on a circle of radius 3: ``X (N, D)``, ``y (N,)``."""
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(C) / C
    centres = np.zeros((C, D))
    centres[:, 0], centres[:, 1] = 3.0 * np.cos(angles), 3.0 * np.sin(angles)
    y = np.arange(N) % C
    X = centres[y] + spread * rng.standard_normal((N, D))
    return X, y


def make_data(N_train: int = 60, N_val: int = 30, seed: int = 0) -> dict[str, np.ndarray]:
    X, y = blobs(N_train + N_val, seed=seed)
    return {
        "X_train": X[:N_train],
        "y_train": y[:N_train],
        "X_val": X[N_train:],
        "y_val": y[N_train:],
    }


def adam(w: np.ndarray, dw: np.ndarray, config: dict | None = None):
    """Adam written for these tests (state ``m``, ``v``, ``t`` in ``config``)."""
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    config.setdefault("m", np.zeros_like(w))
    config.setdefault("v", np.zeros_like(w))
    config.setdefault("t", 0)
    config["t"] += 1
    config["m"] = 0.9 * config["m"] + 0.1 * dw
    config["v"] = 0.999 * config["v"] + 0.001 * dw * dw
    m_hat = config["m"] / (1 - 0.9 ** config["t"])
    v_hat = config["v"] / (1 - 0.999 ** config["t"])
    return w - config["learning_rate"] * m_hat / (np.sqrt(v_hat) + 1e-8), config


def ascend_after(w: np.ndarray, dw: np.ndarray, config: dict | None = None):
    """SGD for ``good_calls`` calls, then gradient *ascent* (ruins the model on purpose)."""
    config = {} if config is None else config
    config.setdefault("calls", 0)
    config["calls"] += 1
    sign = 1.0 if config["calls"] <= config["good_calls"] else -1.0
    return w - sign * config["learning_rate"] * dw, config


def quiet_solver(model: Any, data: dict, **kwargs: Any) -> Solver:
    kwargs.setdefault("verbose", False)
    kwargs.setdefault("seed", 0)
    return Solver(model, data, **kwargs)


def test_fits_separable_data():
    """Does SGD lower the loss and reach 100% training accuracy on separable blobs?"""
    data = make_data()
    model = SoftmaxRegression(2, 3)
    solver = quiet_solver(
        model, data, optim_config={"learning_rate": 0.5}, batch_size=20, num_epochs=20
    )
    solver.train()
    losses = np.asarray(solver.loss_history)
    assert losses[-5:].mean() < 0.5 * losses[:5].mean()
    assert solver.check_accuracy(data["X_train"], data["y_train"]) == 1.0
    assert solver.train_acc_history[-1] == 1.0


@pytest.mark.parametrize(
    ("N", "batch_size", "num_epochs"), [(60, 20, 3), (60, 100, 2), (61, 20, 2), (60, 1, 1)]
)
def test_history_lengths(N: int, batch_size: int, num_epochs: int):
    """Do the histories have one loss per iteration and one accuracy per epoch (+ start)?"""
    solver = quiet_solver(
        SoftmaxRegression(2, 3), make_data(N_train=N), batch_size=batch_size, num_epochs=num_epochs
    )
    solver.train()
    assert len(solver.loss_history) == num_epochs * max(N // batch_size, 1)
    assert len(solver.train_acc_history) == num_epochs + 1
    assert len(solver.val_acc_history) == num_epochs + 1
    assert solver.epoch == num_epochs


def _run(seed: int | None) -> Solver:
    solver = quiet_solver(
        SoftmaxRegression(2, 3),
        make_data(),
        seed=seed,
        batch_size=10,
        num_epochs=2,
        num_train_samples=20,
    )
    solver.train()
    return solver


def test_same_seed_same_run():
    """Does a seed make two training runs identical, and another seed change them?"""
    first, second, other = _run(3), _run(3), _run(4)
    assert first.loss_history == second.loss_history
    assert first.train_acc_history == second.train_acc_history
    np.testing.assert_array_equal(first.model.params["W"], second.model.params["W"])
    assert first.loss_history != other.loss_history


def test_callable_update_rule_keeps_state_per_parameter():
    """Is a callable update rule used, with its own config (state) for each parameter?"""
    data = make_data()
    model = SoftmaxRegression(2, 3)
    user_config = {"learning_rate": 5e-2}
    solver = quiet_solver(
        model, data, update_rule=adam, optim_config=user_config, batch_size=20, num_epochs=4
    )
    solver.train()
    iterations = len(solver.loss_history)
    configs = solver.optim_configs
    assert configs["W"] is not configs["b"]
    assert configs["W"]["m"].shape == model.params["W"].shape
    assert configs["b"]["m"].shape == model.params["b"].shape
    assert configs["W"]["t"] == iterations and configs["b"]["t"] == iterations
    assert user_config == {"learning_rate": 5e-2}
    assert solver.train_acc_history[-1] == 1.0


def test_lr_decay_after_each_epoch():
    """Is every learning rate multiplied by lr_decay once per epoch?"""
    seen: list[float] = []

    def recording_sgd(w, dw, config=None):
        seen.append(config["learning_rate"])
        return w - config["learning_rate"] * dw, config

    lr, decay, epochs, batch = 0.1, 0.5, 3, 20
    data = make_data()
    solver = quiet_solver(
        SoftmaxRegression(2, 3),
        data,
        update_rule=recording_sgd,
        optim_config={"learning_rate": lr},
        lr_decay=decay,
        batch_size=batch,
        num_epochs=epochs,
    )
    solver.train()
    per_epoch = data["X_train"].shape[0] // batch
    n_params = 2
    expected = [lr * decay ** (i // (per_epoch * n_params)) for i in range(len(seen))]
    np.testing.assert_allclose(seen, expected)
    for config in solver.optim_configs.values():
        assert config["learning_rate"] == pytest.approx(lr * decay**epochs)


def plain_sgd(w: np.ndarray, dw: np.ndarray, config: dict | None = None):
    """Reference SGD step with learning rate 1e-2."""
    return w - 1e-2 * dw, {} if config is None else config


def test_builtin_sgd_is_plain_sgd_with_default_rate():
    """Does update_rule="sgd" train exactly like plain SGD with learning rate 1e-2?"""
    runs = {}
    for rule in ("sgd", plain_sgd):
        solver = quiet_solver(
            SoftmaxRegression(2, 3), make_data(), update_rule=rule, batch_size=10, num_epochs=2
        )
        solver.train()
        runs[rule if isinstance(rule, str) else "reference"] = solver
    assert runs["sgd"].loss_history == runs["reference"].loss_history
    assert runs["sgd"].optim_configs["W"]["learning_rate"] == 1e-2


def test_best_params_are_restored():
    """After training, does the model hold the parameters of the best validation epoch?"""
    data = make_data()
    model = SoftmaxRegression(2, 3)
    solver = quiet_solver(
        model,
        data,
        update_rule=ascend_after,
        optim_config={"learning_rate": 0.5, "good_calls": 6},
        batch_size=20,
        num_epochs=6,
        num_train_samples=None,
    )
    solver.train()
    assert solver.best_val_acc == max(solver.val_acc_history)
    assert solver.val_acc_history[-1] < solver.best_val_acc
    for name, value in solver.best_params.items():
        np.testing.assert_array_equal(model.params[name], value)
    assert solver.check_accuracy(data["X_val"], data["y_val"]) == solver.best_val_acc
    model.params["W"] += 1.0
    assert not np.array_equal(model.params["W"], solver.best_params["W"])


def test_nan_loss_stops_with_clear_error():
    """Does a NaN loss stop training with a message naming the iteration and learning rate?"""
    model = NanAfter(2, 3, bad_call=4)
    solver = quiet_solver(
        model, make_data(), optim_config={"learning_rate": 0.3}, batch_size=20, num_epochs=3
    )
    with pytest.raises(FloatingPointError) as info:
        solver.train()
    assert isinstance(info.value, TrainingDivergedError)
    message = str(info.value)
    assert "iteration 4 of 9" in message
    assert "lower learning rate" in message and "0.3" in message
    assert len(solver.loss_history) == 3


def test_real_divergence_is_reported(capsys):
    """Does a far too large learning rate end in the divergence error, not in warnings?"""

    class Squares(SoftmaxRegression):
        def loss(self, X, y=None):
            scores = super().loss(X)
            if y is None:
                return scores
            W = self.params["W"]
            return float(np.sum(W**4)), {"W": 4 * W**3, "b": np.zeros_like(self.params["b"])}

    model = Squares(2, 3, weight_scale=1.0)
    solver = quiet_solver(
        model, make_data(), optim_config={"learning_rate": 10.0}, batch_size=20, num_epochs=20
    )
    with pytest.raises(TrainingDivergedError, match="learning rate"):
        solver.train()
    assert capsys.readouterr().err == ""


def test_checkpoints_written(tmp_path):
    """Is a checkpoint pickled for every epoch, holding the model and the histories?"""
    name = tmp_path / "run" / "softmax"
    solver = quiet_solver(
        SoftmaxRegression(2, 3), make_data(), batch_size=30, num_epochs=2, checkpoint_name=name
    )
    solver.train()
    files = sorted(p.name for p in (tmp_path / "run").iterdir())
    assert files == [f"softmax_epoch_{e}.pkl" for e in range(3)]
    with (tmp_path / "run" / "softmax_epoch_2.pkl").open("rb") as handle:
        checkpoint = pickle.load(handle)
    assert checkpoint["epoch"] == 2
    assert checkpoint["loss_history"] == solver.loss_history
    assert set(checkpoint["model"].params) == {"W", "b"}


def test_verbose_prints_progress_to_stdout_only(capsys):
    """Does verbose training print iteration and epoch lines on stdout and nothing on stderr?"""
    solver = Solver(
        SoftmaxRegression(2, 3), make_data(), batch_size=20, num_epochs=2, print_every=2, seed=0
    )
    solver.train()
    captured = capsys.readouterr()
    assert "(Iteration 1 / 6) loss:" in captured.out
    assert "(Iteration 3 / 6) loss:" in captured.out
    assert "(Epoch 2 / 2) train acc:" in captured.out
    assert captured.err == ""


def test_quiet_prints_nothing(capsys):
    """Does verbose=False keep training silent?"""
    quiet_solver(SoftmaxRegression(2, 3), make_data(), num_epochs=1).train()
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


@pytest.mark.parametrize("batch_size", [1, 7, 1000])
def test_check_accuracy_batches(batch_size: int):
    """Is check_accuracy the same whatever batch size it predicts with?"""
    data = make_data()
    model = SoftmaxRegression(2, 3, weight_scale=1.0, seed=5)
    solver = quiet_solver(model, data)
    X, y = data["X_val"], data["y_val"]
    expected = np.mean(np.argmax(model.loss(X), axis=1) == y)
    assert solver.check_accuracy(X, y, batch_size=batch_size) == expected


def test_check_accuracy_subsample_uses_solver_rng():
    """Does check_accuracy subsample with the solver's seeded generator?"""
    data = make_data()
    model = SoftmaxRegression(2, 3, weight_scale=1.0, seed=5)
    solver = quiet_solver(model, data, seed=11)
    X, y = data["X_train"], data["y_train"]
    mask = np.random.default_rng(11).choice(X.shape[0], size=10, replace=False)
    expected = np.mean(np.argmax(model.loss(X[mask]), axis=1) == y[mask])
    assert solver.check_accuracy(X, y, num_samples=10) == expected


@pytest.mark.parametrize("missing", ["X_train", "y_train", "X_val", "y_val"])
def test_missing_data_key(missing: str):
    """Does a missing data key raise a ValueError that names it?"""
    data = make_data()
    del data[missing]
    with pytest.raises(ValueError, match=missing):
        Solver(SoftmaxRegression(2, 3), data)


def test_unknown_update_rule_string():
    """Does an unknown update_rule string raise a ValueError listing what is accepted?"""
    with pytest.raises(ValueError, match="'sgd'") as info:
        Solver(SoftmaxRegression(2, 3), make_data(), update_rule="adam")
    assert "update(w, dw, config=None)" in str(info.value)


def test_grads_keys_must_match_params():
    """Do gradients missing a parameter raise a ValueError naming it?"""
    solver = quiet_solver(WrongGrads(2, 3), make_data(), num_epochs=1)
    with pytest.raises(ValueError, match=r"missing \['b'\]"):
        solver.train()


def test_mismatched_sample_counts():
    """Do X_train and y_train of different lengths raise a ValueError with both shapes?"""
    data = make_data()
    data["y_train"] = data["y_train"][:-1]
    with pytest.raises(ValueError, match=r"\(60, 2\).*\(59,\)"):
        Solver(SoftmaxRegression(2, 3), data)


@pytest.mark.parametrize(
    "kwargs", [{"batch_size": 0}, {"num_epochs": -1}, {"print_every": 1.5}, {"lr_decay": 0.0}]
)
def test_bad_sizes(kwargs: dict):
    """Are non-positive sizes and rates rejected with a ValueError naming the argument?"""
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        Solver(SoftmaxRegression(2, 3), make_data(), **kwargs)
