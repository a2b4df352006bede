"""Minibatch training loop for classification models (the ``Solver`` of hw2-hw4).

A model is anything with

* ``model.params``: a dict ``name -> ndarray`` of learnable parameters, and
* ``model.loss(X, y)``: returns ``(loss, grads)`` with ``grads`` keyed like
  ``params``; ``model.loss(X)`` (no labels) returns class scores ``(N, C)``.

Typical use::

    solver = Solver(model, data, update_rule=optim.adam,
                    optim_config={"learning_rate": 1e-3}, num_epochs=10, seed=0)
    solver.train()
    plot_training_history(solver=solver)

The update rule follows the optimizer contract of hw3:
``update(w, dw, config=None) -> (next_w, config)``. Each parameter gets its own copy of
``optim_config``, so optimizer state (velocities, moments) is never shared between
parameters.
"""

from __future__ import annotations

import copy
import math
import pickle
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from tqdm import tqdm

__all__ = ["Solver", "TrainingDivergedError"]

UpdateRule = Callable[[np.ndarray, np.ndarray, "dict[str, Any] | None"], tuple[np.ndarray, dict]]

_REQUIRED_DATA_KEYS = ("X_train", "y_train", "X_val", "y_val")
_BUILTIN_RULES = ("sgd",)


class Model(Protocol):
    """What the Solver needs from a model (see the module docstring)."""

    params: dict[str, np.ndarray]

    def loss(self, X: np.ndarray, y: np.ndarray | None = None) -> Any: ...


class TrainingDivergedError(FloatingPointError):
    """Raised when the training loss becomes NaN or infinite."""


def _plain_sgd(
    w: np.ndarray, dw: np.ndarray, config: dict[str, Any] | None = None
) -> tuple[np.ndarray, dict[str, Any]]:
    """One step of vanilla SGD: ``w - learning_rate * dw`` (``learning_rate`` default 1e-2)."""
    if config is None:
        config = {}
    config.setdefault("learning_rate", 1e-2)
    return w - config["learning_rate"] * dw, config


def _resolve_update_rule(update_rule: str | UpdateRule) -> UpdateRule:
    """Map ``update_rule`` to a callable or explain which values are accepted."""
    if callable(update_rule):
        return update_rule
    if update_rule == "sgd":
        return _plain_sgd
    raise ValueError(
        f"unknown update_rule {update_rule!r}: accepted are the string 'sgd' (built-in plain "
        "SGD) or a function update(w, dw, config=None) -> (next_w, config), "
        "e.g. update_rule=optim.adam after `import optim`"
    )


def _positive_int(name: str, value: Any) -> int:
    """Return ``value`` as an int, or raise ValueError unless it is a positive integer."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def _optional_positive_int(name: str, value: Any) -> int | None:
    """Like :func:`_positive_int` but ``None`` is allowed (meaning "all samples")."""
    return None if value is None else _positive_int(name, value)


def _check_pair(X: Any, y: Any, x_name: str, y_name: str) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(X, y)`` as arrays after checking they hold the same number of samples."""
    X_arr = np.asarray(X)
    y_arr = np.asarray(y)
    if X_arr.ndim < 1 or y_arr.ndim != 1:
        raise ValueError(
            f"{x_name} must be (N, ...) and {y_name} must be (N,), "
            f"got {x_name}: {X_arr.shape} and {y_name}: {y_arr.shape}"
        )
    if X_arr.shape[0] != y_arr.shape[0]:
        raise ValueError(
            f"{x_name} and {y_name} must hold the same number of samples N, "
            f"got {x_name}: {X_arr.shape} and {y_name}: {y_arr.shape}"
        )
    if X_arr.shape[0] == 0:
        raise ValueError(f"{x_name} is empty (shape {X_arr.shape}); there is nothing to use")
    return X_arr, y_arr


class Solver:
    """Train a classification model with minibatch gradient descent.

    Args:
        model: object with ``params`` (dict of arrays) and ``loss(X, y=None)``; see the
            module docstring.
        data: dict with ``X_train (N, ...)``, ``y_train (N,)``, ``X_val (N_val, ...)``,
            ``y_val (N_val,)``; other keys are ignored.
        update_rule: ``"sgd"`` or a function ``update(w, dw, config=None) -> (next_w,
            config)`` such as ``optim.adam``.
        optim_config: hyperparameters for the update rule, e.g. ``{"learning_rate": 1e-3}``;
            copied once per parameter.
        lr_decay: after every epoch each config's ``"learning_rate"`` is multiplied by this.
        batch_size: samples per minibatch (drawn with replacement).
        num_epochs: number of epochs; an epoch is ``max(N // batch_size, 1)`` iterations.
        num_train_samples: training samples used to measure training accuracy
            (``None``: all of them).
        num_val_samples: validation samples used to measure validation accuracy
            (``None``: all of them).
        checkpoint_name: when given, the model and training state are pickled to
            ``f"{checkpoint_name}_epoch_{epoch}.pkl"`` whenever accuracy is measured
            (epoch 0 before training, then after every epoch).
        print_every: when ``verbose``, print the loss every this many iterations.
        verbose: show a progress bar and print progress lines.
        seed: seed of ``np.random.default_rng`` used to draw minibatches and accuracy
            subsamples; the same seed gives the same training run.

    Attributes:
        loss_history: minibatch loss of every iteration, ``num_epochs * iterations_per_epoch``
            entries after ``train()``.
        train_acc_history, val_acc_history: accuracy before training (epoch 0) and after
            every epoch (``num_epochs + 1`` entries; entry ``e`` is after ``e`` epochs).
        best_val_acc: highest validation accuracy seen.
        best_params: copies of the parameters that reached ``best_val_acc``; ``train()``
            puts them back into ``model.params`` at the end.
        epoch: number of finished epochs.

    Raises:
        ValueError: on missing data keys, mismatched sample counts, bad sizes or an
            unknown ``update_rule`` string.
        TypeError: when ``model`` lacks ``params`` or ``loss``.
    """

    def __init__(
        self,
        model: Model,
        data: Mapping[str, Any],
        update_rule: str | UpdateRule = "sgd",
        optim_config: Mapping[str, Any] | None = None,
        lr_decay: float = 1.0,
        batch_size: int = 100,
        num_epochs: int = 10,
        num_train_samples: int | None = 1000,
        num_val_samples: int | None = None,
        checkpoint_name: str | Path | None = None,
        print_every: int = 10,
        verbose: bool = True,
        seed: int | None = None,
    ) -> None:
        if not isinstance(getattr(model, "params", None), dict) or not callable(
            getattr(model, "loss", None)
        ):
            raise TypeError(
                "model must have a dict attribute `params` and a method `loss(X, y=None)`, "
                f"got {type(model).__name__}"
            )
        if not isinstance(data, Mapping):
            raise TypeError(f"data must be a dict, got {type(data).__name__}")
        missing = [key for key in _REQUIRED_DATA_KEYS if key not in data]
        if missing:
            raise ValueError(
                f"data is missing the key(s) {missing}; it needs {list(_REQUIRED_DATA_KEYS)} "
                f"(it has {sorted(map(str, data))})"
            )
        if optim_config is not None and not isinstance(optim_config, Mapping):
            raise TypeError(f"optim_config must be a dict or None, got {type(optim_config)}")
        if not math.isfinite(lr_decay) or lr_decay <= 0:
            raise ValueError(f"lr_decay must be a positive number, got {lr_decay!r}")

        self.model = model
        self.X_train, self.y_train = _check_pair(
            data["X_train"], data["y_train"], "X_train", "y_train"
        )
        self.X_val, self.y_val = _check_pair(data["X_val"], data["y_val"], "X_val", "y_val")
        self.update_rule = _resolve_update_rule(update_rule)
        self.optim_config: dict[str, Any] = dict(optim_config or {})
        self.lr_decay = float(lr_decay)
        self.batch_size = _positive_int("batch_size", batch_size)
        self.num_epochs = _positive_int("num_epochs", num_epochs)
        self.num_train_samples = _optional_positive_int("num_train_samples", num_train_samples)
        self.num_val_samples = _optional_positive_int("num_val_samples", num_val_samples)
        self.checkpoint_name = checkpoint_name
        self.print_every = _positive_int("print_every", print_every)
        self.verbose = bool(verbose)
        self.seed = seed
        self._reset()

    def _reset(self) -> None:
        """Set up the bookkeeping state; called once by ``__init__``."""
        self._rng = np.random.default_rng(self.seed)
        self.epoch = 0
        self.best_val_acc = 0.0
        self.best_params: dict[str, np.ndarray] = {}
        self.loss_history: list[float] = []
        self.train_acc_history: list[float] = []
        self.val_acc_history: list[float] = []
        self.optim_configs = {name: copy.deepcopy(self.optim_config) for name in self.model.params}

    @property
    def iterations_per_epoch(self) -> int:
        """Iterations in one epoch: ``max(N_train // batch_size, 1)``."""
        return max(self.X_train.shape[0] // self.batch_size, 1)

    def _learning_rate_text(self) -> str:
        """Describe the current learning rate(s) for error messages."""
        rates = {cfg.get("learning_rate") for cfg in self.optim_configs.values()}
        rates.discard(None)
        if not rates:
            return "the update rule's default"
        return ", ".join(f"{rate:g}" for rate in sorted(rates))

    def _check_grads(self, grads: Any) -> None:
        """Raise ValueError unless ``grads`` has exactly the keys and shapes of the params."""
        if not isinstance(grads, Mapping):
            raise ValueError(
                f"model.loss(X, y) must return (loss, grads) with grads a dict, "
                f"got grads of type {type(grads).__name__}"
            )
        params = self.model.params
        if set(grads) != set(params):
            missing = sorted(set(params) - set(grads))
            extra = sorted(set(grads) - set(params))
            raise ValueError(
                "grads must have the same keys as model.params: "
                f"missing {missing}, unexpected {extra}"
            )
        for name, w in params.items():
            if np.shape(grads[name]) != np.shape(w):
                raise ValueError(
                    f"grads[{name!r}] has shape {np.shape(grads[name])} but "
                    f"params[{name!r}] has shape {np.shape(w)}"
                )

    def _step(self, iteration: int, num_iterations: int) -> float:
        """Draw one minibatch, compute the loss and gradients, and update every parameter."""
        batch_mask = self._rng.choice(self.X_train.shape[0], size=self.batch_size)
        X_batch = self.X_train[batch_mask]
        y_batch = self.y_train[batch_mask]

        # Overflow and NaN warnings would go to stderr; a non-finite loss is reported below.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            result = self.model.loss(X_batch, y_batch)
        if not (isinstance(result, tuple) and len(result) == 2):
            raise ValueError(
                f"model.loss(X, y) must return a tuple (loss, grads), got {type(result).__name__}"
            )
        loss, grads = result
        loss = float(np.asarray(loss))
        if not math.isfinite(loss):
            raise TrainingDivergedError(
                f"the training loss became {loss} at iteration {iteration + 1} of "
                f"{num_iterations} (epoch {self.epoch + 1}); training diverged. Try a lower "
                f"learning rate (now {self._learning_rate_text()}), e.g. 10 times smaller, "
                "or a smaller weight_scale; if that does not help, look for NaN in the "
                "loss, the gradients or the update rule."
            )
        self._check_grads(grads)
        self.loss_history.append(loss)

        for name, w in self.model.params.items():
            config = self.optim_configs[name]
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                out = self.update_rule(w, grads[name], config)
            if not (isinstance(out, tuple) and len(out) == 2):
                raise ValueError(
                    "update_rule must return a tuple (next_w, config), "
                    f"got {type(out).__name__} for parameter {name!r}"
                )
            next_w, next_config = out
            if np.shape(next_w) != np.shape(w):
                raise ValueError(
                    f"update_rule returned next_w of shape {np.shape(next_w)} for parameter "
                    f"{name!r} of shape {np.shape(w)}"
                )
            self.model.params[name] = next_w
            self.optim_configs[name] = next_config if next_config is not None else config
        return loss

    def _save_checkpoint(self) -> None:
        """Pickle the model and training state to ``{checkpoint_name}_epoch_{epoch}.pkl``."""
        if self.checkpoint_name is None:
            return
        checkpoint = {
            "model": self.model,
            "update_rule": getattr(self.update_rule, "__qualname__", repr(self.update_rule)),
            "lr_decay": self.lr_decay,
            "optim_config": self.optim_config,
            "batch_size": self.batch_size,
            "num_train_samples": self.num_train_samples,
            "num_val_samples": self.num_val_samples,
            "epoch": self.epoch,
            "loss_history": self.loss_history,
            "train_acc_history": self.train_acc_history,
            "val_acc_history": self.val_acc_history,
        }
        path = Path(f"{self.checkpoint_name}_epoch_{self.epoch}.pkl")
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.verbose:
            tqdm.write(f'Saving checkpoint to "{path}"', file=sys.stdout)
        with path.open("wb") as handle:
            pickle.dump(checkpoint, handle)

    def check_accuracy(
        self,
        X: np.ndarray,
        y: np.ndarray,
        num_samples: int | None = None,
        batch_size: int = 100,
    ) -> float:
        """Return the fraction of samples the model classifies correctly.

        Args:
            X: inputs ``(N, ...)``.
            y: integer labels ``(N,)``.
            num_samples: when smaller than ``N``, measure on this many samples drawn without
                replacement with the solver's random generator.
            batch_size: samples per call of ``model.loss(X)`` (bounds memory use).

        Returns:
            accuracy in ``[0, 1]``: mean of ``argmax(scores, axis=1) == y``.
        """
        X, y = _check_pair(X, y, "X", "y")
        num_samples = _optional_positive_int("num_samples", num_samples)
        batch_size = _positive_int("batch_size", batch_size)
        N = X.shape[0]
        if num_samples is not None and N > num_samples:
            mask = self._rng.choice(N, size=num_samples, replace=False)
            X, y = X[mask], y[mask]
            N = num_samples

        y_pred = np.empty(N, dtype=np.int64)
        for start in range(0, N, batch_size):
            stop = min(start + batch_size, N)
            scores = np.asarray(self.model.loss(X[start:stop]))
            if scores.ndim != 2 or scores.shape[0] != stop - start:
                raise ValueError(
                    f"model.loss(X) must return scores of shape (N, C) = ({stop - start}, C) "
                    f"for a batch of {stop - start} samples, got shape {scores.shape}"
                )
            y_pred[start:stop] = np.argmax(scores, axis=1)
        return float(np.mean(y_pred == y))

    def _record_accuracy(self) -> None:
        """Measure train/val accuracy, keep the best parameters, and save a checkpoint."""
        train_acc = self.check_accuracy(self.X_train, self.y_train, self.num_train_samples)
        val_acc = self.check_accuracy(self.X_val, self.y_val, self.num_val_samples)
        self.train_acc_history.append(train_acc)
        self.val_acc_history.append(val_acc)
        self._save_checkpoint()
        if self.verbose:
            tqdm.write(
                f"(Epoch {self.epoch} / {self.num_epochs}) "
                f"train acc: {train_acc:.4f}; val acc: {val_acc:.4f}",
                file=sys.stdout,
            )
        if not self.best_params or val_acc > self.best_val_acc:
            self.best_val_acc = val_acc
            self.best_params = {
                name: np.array(w, copy=True) for name, w in self.model.params.items()
            }

    def train(self) -> None:
        """Run ``num_epochs`` epochs of minibatch updates.

        Accuracy is measured before the first update and after every epoch. At the end
        ``model.params`` holds (copies of) the parameters with the best validation accuracy.

        Raises:
            TrainingDivergedError: (a ``FloatingPointError``) when the loss becomes NaN or
                infinite; the message names the iteration and the learning rate.
            ValueError: when the model's gradients do not match its parameters.
        """
        iterations_per_epoch = self.iterations_per_epoch
        num_iterations = self.num_epochs * iterations_per_epoch
        bar = tqdm(
            total=num_iterations,
            desc="training",
            unit="it",
            disable=not self.verbose,
            file=sys.stdout,
            dynamic_ncols=True,
        )
        try:
            if not self.train_acc_history:
                self._record_accuracy()  # epoch 0: the model before any update
            for t in range(num_iterations):
                loss = self._step(t, num_iterations)
                bar.update(1)
                bar.set_postfix(loss=f"{loss:.4f}", refresh=False)
                if self.verbose and t % self.print_every == 0:
                    tqdm.write(
                        f"(Iteration {t + 1} / {num_iterations}) loss: {loss:.6f}",
                        file=sys.stdout,
                    )

                epoch_end = (t + 1) % iterations_per_epoch == 0
                if epoch_end:
                    self.epoch += 1
                    for config in self.optim_configs.values():
                        if "learning_rate" in config:
                            config["learning_rate"] *= self.lr_decay
                    self._record_accuracy()
        finally:
            bar.close()

        self.model.params.update(
            {name: np.array(w, copy=True) for name, w in self.best_params.items()}
        )
