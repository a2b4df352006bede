"""Each assignment's tuned reference model against scikit-learn: training time and accuracy.

All four rows use one split, ``load_dataset("digits")`` with its default seed 0: 1,257
training, 180 validation and 360 test images of 64 pixels in [0, 1] minus the training
mean. Every model learns from ``X_train`` only (or from shifted copies of it where the
notebook's recipe adds them; scikit-learn then gets exactly the same enlarged array).
Our Solver-trained models also watch ``X_val`` the way their notebooks do: the Solver
measures the validation accuracy after every epoch and keeps the best parameters.
scikit-learn never sees ``X_val``. Accuracies are on ``X_test``.

``ours_s`` is the wall time of ``SoftmaxClassifier.train`` / ``Solver.train`` (the
Solver's per-epoch accuracy checks included); ``baseline_s`` is that of scikit-learn's
``fit``. Each is the median of ``repeats`` runs, each run on a freshly built model with
the same seeds (so every run gives the same accuracy), building it outside the timer
(hence ``timed_training`` rather than ``bench.timing.median_seconds``). There is no
untimed warm-up run: one training takes seconds. The hw2 and hw4 rows time
at most ``SLOW_REPEATS = 3`` runs per side (one run takes 5-12 s on a 2-core machine), so
that ``run(5)`` stays under about 3 minutes; their note says so when it applies. Both
sides run on one thread (``threadpool_limits(limits=1)``: BLAS and OpenMP), as the hw3
notebooks do.

Settings (the non-FAST values of the solution notebooks):

* **hw1** ``SoftmaxClassifier`` (source/hw1_softmax/softmax.ipynb, cells 23-24): minibatch
  SGD on the bias-augmented data (``append_bias``), learning_rate=1.0, reg=1e-4,
  num_iters=1500, batch_size=200, seed=0. The learning rate and reg are hard-coded: they
  are what the notebook's grid search (learning rates 0.1, 0.3, 1, 3 x reg 0, 1e-4, 1e-3,
  1e-2, 1500 iterations each, best validation accuracy, ties to the larger reg) selects
  on this split (validation accuracy 0.961); the search takes about 10 s, so it is not
  rerun here. Baseline: ``LogisticRegression`` (multinomial, lbfgs, max_iter=1000) with
  ``C = 1 / (2 * reg * N_train) = 3.98``, the same L2 penalty per example as ours (our
  loss is ``mean + reg * sum(W**2)``, scikit-learn's ``mean + sum(W**2) / (2 C N)``; ours
  also penalizes the bias row).
* **hw2** ``FullyConnectedNet`` (source/hw2_fcnet/fc_net.ipynb, cells 3, 20-24): the search
  winner ``best_candidate`` hidden_dims=[256, 256], relu, weight_scale=0.15, reg=1e-3,
  plain SGD learning_rate=0.2, lr_decay=0.95, batch_size=64, 40 epochs (``final_epochs``),
  seed 0, on the training set plus its four one-pixel shifts (``shifted_copies``: 6,285
  examples). Retraining it reproduces source/hw2_fcnet/best_model.npz to 1e-14; the
  architecture, reg and weight_scale are checked against its kwargs. Baseline:
  ``MLPClassifier((256, 256), relu, adam, learning_rate_init=1e-3 (default), alpha=0.128,
  batch_size=64, max_iter=40)``.
* **hw3** Adam + He initialization (source/hw3_optim/initialization.ipynb, cells 13 and
  16-17, "your choice"; training.ipynb only compares update rules on a [100, 100] net
  and fixes no final model): ``FullyConnectedNet([256, 256], reg=1e-4)`` re-initialized
  with ``he_init``, Adam learning_rate=3e-3, batch_size=50, 20 epochs, seed 0. Baseline:
  ``MLPClassifier((256, 256), relu, adam, learning_rate_init=3e-3, alpha=0.01,
  batch_size=50, max_iter=20)``.
* **hw4** (source/hw4_bn_dropout/best_model.ipynb, cells 7-11): the configuration the
  notebook picks on validation loss, "batch norm + dropout 0.8 + shifts":
  hidden_dims=[256, 256], batchnorm, dropout_keep_ratio=0.8, relu, reg=0, weight_scale=0.1,
  Adam learning_rate=3e-3, lr_decay=0.85, batch_size=200, 15 epochs, seed 0, on the
  training set plus its eight one-pixel shifts (11,313 examples). Retraining it gives
  source/hw4_bn_dropout/best_model.npz (after ``inference_network``) to 1e-14; its kwargs
  are checked. Baseline: ``MLPClassifier((256, 256), relu, adam, learning_rate_init=3e-3,
  alpha=0, batch_size=200, max_iter=15)``: scikit-learn has neither batch norm nor
  dropout, and our reg is 0.

scikit-learn's alpha is matched to our reg: its penalty is ``0.5 * alpha * sum(W**2)``
divided by the batch size, ours ``reg * sum(W**2)``, so ``alpha = 2 * reg * batch_size``.
Its MLPs use the same hidden sizes, batch size and number of epochs as ours (``max_iter``
counts epochs), ``random_state=0``, and may stop earlier when the training loss stops
improving (``n_iter_no_change=10``); the note gives the epochs they ran.
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from threadpoolctl import threadpool_limits

from autograder.core.paths import source_dir
from bench.reference import reference_module
from utils.data import load_dataset
from utils.model_io import load_model
from utils.solver import Solver

SEED = 0
SLOW_REPEATS = 3  # runs per side at most for the hw2 and hw4 rows
Model = TypeVar("Model")

# hw1: the result of softmax.ipynb's search on this split (see the module docstring)
HW1 = {"learning_rate": 1.0, "reg": 1e-4, "num_iters": 1500, "batch_size": 200}
# hw2: fc_net.ipynb's best_candidate, trained with train_candidate for final_epochs
HW2_NET = {"hidden_dims": [256, 256], "activation": "relu", "reg": 1e-3, "weight_scale": 0.15}
HW2_TRAIN = {"learning_rate": 0.2, "lr_decay": 0.95, "batch_size": 64, "num_epochs": 40}
# hw3: initialization.ipynb's "your choice" contender
HW3 = {"hidden_dims": [256, 256], "reg": 1e-4, "learning_rate": 3e-3, "batch_size": 50,
       "num_epochs": 20}
# hw4: best_model.ipynb's "batch norm + dropout 0.8 + shifts" (DEFAULTS filled in)
HW4_NET = {"hidden_dims": [256, 256], "normalization": "batchnorm", "dropout_keep_ratio": 0.8,
           "activation": "relu", "reg": 0.0, "weight_scale": 0.1}
HW4_TRAIN = {"learning_rate": 3e-3, "lr_decay": 0.85, "batch_size": 200, "num_epochs": 15}


def timed_training(prepare: Callable[[], tuple[Callable[[], object], Model]],
                   repeats: int) -> tuple[float, Model]:
    """Median seconds of ``train()`` over ``repeats`` fresh ``(train, model) = prepare()``
    (only ``train`` is timed), and the model of the last run."""
    times = []
    for _ in range(repeats):
        train, model = prepare()
        start = time.perf_counter()
        train()
        times.append(time.perf_counter() - start)
    return statistics.median(times), model


def accuracy(y_pred: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.asarray(y_pred) == y))


def net_accuracy(net: Any, X: np.ndarray, y: np.ndarray) -> float:
    """Test-mode accuracy of a network whose ``loss(X)`` returns scores."""
    return accuracy(np.argmax(net.loss(X), axis=1), y)


def check_saved_kwargs(hw: str, expected: dict[str, Any]) -> None:
    """Raise unless source/<hw>/best_model.npz was saved with ``expected`` constructor kwargs."""
    _, kwargs = load_model(source_dir(hw) / "best_model.npz")
    differing = {k: (v, kwargs.get(k)) for k, v in expected.items() if kwargs.get(k) != v}
    if differing:
        raise RuntimeError(f"{hw}/best_model.npz no longer matches the benchmarked settings "
                           f"(setting: (benchmarked, saved)): {differing}")


def shifted_copies(data: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """fc_net.ipynb's augmentation: the training set and its 4 one-pixel shifts (5N rows)."""
    X, y, mean = data["X_train"], data["y_train"], data["mean"]
    images = (X + mean).reshape(-1, *data["image_shape"])
    copies = [X]
    for axis, step in ((1, 1), (1, -1), (2, 1), (2, -1)):
        moved = np.roll(images, step, axis=axis)
        edge = [slice(None)] * moved.ndim
        edge[axis] = 0 if step == 1 else -1  # the row or column that wrapped around
        moved[tuple(edge)] = 0.0
        copies.append(moved.reshape(X.shape[0], -1) - mean)
    return np.concatenate(copies), np.tile(y, 5)


def shift_images(X: np.ndarray, mean: np.ndarray, image_shape: tuple[int, int], dy: int,
                 dx: int) -> np.ndarray:
    """best_model.ipynb's shift: images (N, D) moved by (dy, dx) pixels, new pixels black."""
    images = (X + mean).reshape(len(X), *image_shape)
    shifted = np.zeros_like(images)
    H, W = image_shape
    shifted[:, max(dy, 0):H + min(dy, 0), max(dx, 0):W + min(dx, 0)] = (
        images[:, max(-dy, 0):H + min(-dy, 0), max(-dx, 0):W + min(-dx, 0)])
    return shifted.reshape(len(X), -1) - mean


def eight_shifts(data: dict[str, Any]) -> tuple[np.ndarray, np.ndarray]:
    """best_model.ipynb's augmentation: the training set and its 8 one-pixel shifts (9N)."""
    moves = [(dy, dx) for dy in (-1, 0, 1) for dx in (-1, 0, 1) if (dy, dx) != (0, 0)]
    extra = [shift_images(data["X_train"], data["mean"], data["image_shape"], dy, dx)
             for dy, dx in moves]
    return (np.concatenate([data["X_train"], *extra]),
            np.tile(data["y_train"], 1 + len(extra)))


def mlp(hidden: list[int], alpha: float, batch_size: int, epochs: int,
        learning_rate: float = 1e-3) -> MLPClassifier:
    return MLPClassifier(hidden_layer_sizes=tuple(hidden), activation="relu", solver="adam",
                         alpha=alpha, batch_size=batch_size, learning_rate_init=learning_rate,
                         max_iter=epochs, random_state=SEED)


def time_mlp(make: Callable[[], MLPClassifier], X: np.ndarray, y: np.ndarray,
             repeats: int) -> tuple[float, MLPClassifier]:
    def prepare() -> tuple[Callable[[], object], MLPClassifier]:
        est = make()
        return (lambda: est.fit(X, y)), est

    with warnings.catch_warnings():  # it warns when it stops at max_iter
        warnings.simplefilter("ignore", ConvergenceWarning)
        return timed_training(prepare, repeats)


def mlp_text(est: MLPClassifier) -> str:
    return (f"MLPClassifier(hidden_layer_sizes={est.hidden_layer_sizes}, adam, "
            f"learning_rate_init={est.learning_rate_init:g}, "
            f"alpha={est.alpha:g}, batch_size={est.batch_size}, max_iter={est.max_iter}) "
            f"ran {est.n_iter_} epochs")


def capped(repeats: int) -> tuple[int, str]:
    """Runs per side for a slow row, and the note's remark when fewer than ``repeats``."""
    runs = min(repeats, SLOW_REPEATS)
    return runs, (f"; times: median of {runs} runs (capped)" if runs < repeats else "")


def row(hw: str, model: str, n_train: int, baseline: str, base: tuple[float, float],
        ours: tuple[float, float], details: str) -> dict:
    """One result row from (seconds, test accuracy) of the baseline and of ours."""
    return {"benchmark": f"{hw} {model} training on digits ({n_train:,} train, 360 test)",
            "baseline": f"scikit-learn {baseline}",
            "baseline_s": base[0], "ours_s": ours[0], "ratio": base[0] / ours[0],
            "note": f"test accuracy: ours {ours[1]:.3f}, scikit-learn {base[1]:.3f}; {details}"}


def bench_hw1(data: dict[str, Any], repeats: int) -> dict:
    softmax = reference_module("hw1_softmax", "softmax")
    X_train, y_train = softmax.append_bias(data["X_train"]), data["y_train"]
    X_test, y_test = softmax.append_bias(data["X_test"]), data["y_test"]

    def prepare_ours() -> tuple[Callable[[], object], Any]:
        clf = softmax.SoftmaxClassifier()
        return (lambda: clf.train(X_train, y_train, seed=SEED, **HW1)), clf

    ours_s, clf = timed_training(prepare_ours, repeats)
    C = 1.0 / (2 * HW1["reg"] * len(y_train))

    def prepare_base() -> tuple[Callable[[], object], LogisticRegression]:
        est = LogisticRegression(C=C, max_iter=1000)
        return (lambda: est.fit(data["X_train"], y_train)), est

    base_s, est = timed_training(prepare_base, repeats)
    return row("hw1", "SoftmaxClassifier", len(y_train), "LogisticRegression (lbfgs)",
               (base_s, est.score(data["X_test"], y_test)),
               (ours_s, accuracy(clf.predict(X_test), y_test)),
               f"ours: SGD lr {HW1['learning_rate']:g}, reg {HW1['reg']:g}, "
               f"{HW1['num_iters']} iterations of batch {HW1['batch_size']}; "
               f"LogisticRegression(C={C:.2f}, max_iter=1000) converged in "
               f"{int(np.max(est.n_iter_))} lbfgs iterations")


def bench_hw2(data: dict[str, Any], repeats: int) -> dict:
    check_saved_kwargs("hw2_fcnet", HW2_NET)
    fc_net = reference_module("hw2_fcnet", "fc_net")
    X_aug, y_aug = shifted_copies(data)
    train_data = dict(data, X_train=X_aug, y_train=y_aug)

    def prepare_ours() -> tuple[Callable[[], object], Any]:
        net = fc_net.FullyConnectedNet(input_dim=X_aug.shape[1], num_classes=10, seed=SEED,
                                       **HW2_NET)
        solver = Solver(net, train_data, optim_config={"learning_rate": HW2_TRAIN["learning_rate"]},
                        lr_decay=HW2_TRAIN["lr_decay"], batch_size=HW2_TRAIN["batch_size"],
                        num_epochs=HW2_TRAIN["num_epochs"], verbose=False, seed=SEED)
        return solver.train, net

    runs, remark = capped(repeats)
    ours_s, net = timed_training(prepare_ours, runs)
    alpha = 2 * HW2_NET["reg"] * HW2_TRAIN["batch_size"]
    base_s, est = time_mlp(lambda: mlp(HW2_NET["hidden_dims"], alpha, HW2_TRAIN["batch_size"],
                                       HW2_TRAIN["num_epochs"]), X_aug, y_aug, runs)
    return row("hw2", f"FullyConnectedNet {HW2_NET['hidden_dims']}", len(y_aug),
               "MLPClassifier (adam)", (base_s, est.score(data["X_test"], data["y_test"])),
               (ours_s, net_accuracy(net, data["X_test"], data["y_test"])),
               f"train = 1,257 + 4 one-pixel shifts; ours: SGD lr "
               f"{HW2_TRAIN['learning_rate']:g} (decay {HW2_TRAIN['lr_decay']:g}/epoch), reg "
               f"{HW2_NET['reg']:g}, {HW2_TRAIN['num_epochs']} epochs of batch "
               f"{HW2_TRAIN['batch_size']}, best-val params; {mlp_text(est)}{remark}")


def bench_hw3(data: dict[str, Any], repeats: int) -> dict:
    fc_net = reference_module("hw3_optim", "fc_net")
    init = reference_module("hw3_optim", "init")
    optim = reference_module("hw3_optim", "optim")
    D = data["X_train"].shape[1]

    def prepare_ours() -> tuple[Callable[[], object], Any]:
        net = fc_net.FullyConnectedNet(HW3["hidden_dims"], input_dim=D, num_classes=10,
                                       reg=HW3["reg"], seed=SEED)
        net.params = init.initialize_weights(net.params, init.he_init,
                                             np.random.default_rng(SEED))
        solver = Solver(net, data, update_rule=optim.adam,
                        optim_config={"learning_rate": HW3["learning_rate"]},
                        batch_size=HW3["batch_size"], num_epochs=HW3["num_epochs"],
                        num_train_samples=None, verbose=False, seed=SEED)
        return solver.train, net

    ours_s, net = timed_training(prepare_ours, repeats)
    alpha = 2 * HW3["reg"] * HW3["batch_size"]
    base_s, est = time_mlp(lambda: mlp(HW3["hidden_dims"], alpha, HW3["batch_size"],
                                       HW3["num_epochs"], HW3["learning_rate"]),
                           data["X_train"], data["y_train"], repeats)
    return row("hw3", f"FullyConnectedNet {HW3['hidden_dims']} (Adam + He init)",
               len(data["y_train"]), "MLPClassifier (adam)",
               (base_s, est.score(data["X_test"], data["y_test"])),
               (ours_s, net_accuracy(net, data["X_test"], data["y_test"])),
               f"ours: Adam lr {HW3['learning_rate']:g}, reg {HW3['reg']:g}, "
               f"{HW3['num_epochs']} epochs of batch {HW3['batch_size']}, best-val params; "
               f"{mlp_text(est)}")


def bench_hw4(data: dict[str, Any], repeats: int) -> dict:
    saved = {k: v for k, v in HW4_NET.items() if k not in ("normalization", "weight_scale")}
    check_saved_kwargs("hw4_bn_dropout", saved)  # batch norm is folded away when saving
    fc_net = reference_module("hw4_bn_dropout", "fc_net")
    optim = reference_module("hw4_bn_dropout", "optim")
    X_aug, y_aug = eight_shifts(data)
    train_data = dict(data, X_train=X_aug, y_train=y_aug)

    def prepare_ours() -> tuple[Callable[[], object], Any]:
        net = fc_net.FullyConnectedNet(input_dim=X_aug.shape[1], num_classes=10, seed=SEED,
                                       **HW4_NET)
        solver = Solver(net, train_data, update_rule=optim.adam,
                        optim_config={"learning_rate": HW4_TRAIN["learning_rate"]},
                        lr_decay=HW4_TRAIN["lr_decay"], batch_size=HW4_TRAIN["batch_size"],
                        num_epochs=HW4_TRAIN["num_epochs"], num_train_samples=1000,
                        verbose=False, seed=SEED)
        return solver.train, net

    runs, remark = capped(repeats)
    ours_s, net = timed_training(prepare_ours, runs)
    alpha = 2 * HW4_NET["reg"] * HW4_TRAIN["batch_size"]
    base_s, est = time_mlp(lambda: mlp(HW4_NET["hidden_dims"], alpha, HW4_TRAIN["batch_size"],
                                       HW4_TRAIN["num_epochs"], HW4_TRAIN["learning_rate"]),
                           X_aug, y_aug, runs)
    return row("hw4", f"FullyConnectedNet {HW4_NET['hidden_dims']} (batch norm + dropout "
                      f"{HW4_NET['dropout_keep_ratio']:g})", len(y_aug), "MLPClassifier (adam)",
               (base_s, est.score(data["X_test"], data["y_test"])),
               (ours_s, net_accuracy(net, data["X_test"], data["y_test"])),
               f"train = 1,257 + 8 one-pixel shifts; ours: Adam lr "
               f"{HW4_TRAIN['learning_rate']:g} (decay {HW4_TRAIN['lr_decay']:g}/epoch), "
               f"{HW4_TRAIN['num_epochs']} epochs of batch {HW4_TRAIN['batch_size']}, "
               f"best-val params; {mlp_text(est)}{remark}")


def run(repeats: int = 5) -> list[dict]:
    """Training time and test accuracy of the four reference models vs scikit-learn."""
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    data = load_dataset("digits", seed=SEED)
    with threadpool_limits(limits=1):
        return [bench(data, repeats) for bench in (bench_hw1, bench_hw2, bench_hw3, bench_hw4)]


if __name__ == "__main__":
    from bench.__main__ import table

    print(table(run(int(sys.argv[1]) if len(sys.argv) > 1 else 5)))
