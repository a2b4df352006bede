"""hw3 reference: what the update rules and the initialization buy, in seconds.

Two rows:

* **time to target**: training seconds until the validation accuracy first reaches 0.95
  on the digits, for a FullyConnectedNet with hidden layers [256, 256] (ReLU, reg=1e-4,
  batch size 50, seed 0). Baseline: plain SGD (learning rate 0.3) from the network's
  default initialization (Gaussian, std 1e-2); ours: Adam (learning rate 3e-3) from He
  initialization, the combination of the third notebook. Each run first finds the epoch
  E at which the target is reached, then times fresh runs of exactly E epochs (accuracy
  checks included): the median of ``repeats``.
* **update cost**: one Adam update of every parameter of that network, against one
  forward + backward pass (``net.loss(X, y)``) on a batch of 50, median of ``repeats``
  rounds of 20 calls. The update's elementwise work grows with the number of parameters,
  the step's with the batch size; the ratio says how they compare here.

Both use one BLAS thread (the matrices are small; several threads only compete).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

from bench.reference import reference_module
from utils.data import load_dataset
from utils.solver import Solver

HIDDEN, REG, BATCH, TARGET, SEED = [256, 256], 1e-4, 50, 0.95, 0


def make_run(rule: Callable, config: dict[str, Any], he: bool, data: dict,
             num_epochs: int) -> Solver:
    """A Solver (not yet trained) for one configuration."""
    fc_net = reference_module("hw3_optim", "fc_net")
    init = reference_module("hw3_optim", "init")
    net = fc_net.FullyConnectedNet(HIDDEN, input_dim=data["X_train"].shape[1], num_classes=10,
                                   reg=REG, seed=SEED)
    if he:
        net.params = init.initialize_weights(net.params, init.he_init,
                                             np.random.default_rng(SEED))
    return Solver(net, data, update_rule=rule, optim_config=dict(config), batch_size=BATCH,
                  num_epochs=num_epochs, num_train_samples=None, verbose=False, seed=SEED)


def epochs_to_target(rule: Callable, config: dict[str, Any], he: bool, data: dict,
                     max_epochs: int) -> int:
    solver = make_run(rule, config, he, data, max_epochs)
    solver.train()
    reached = [e for e, acc in enumerate(solver.val_acc_history) if acc >= TARGET]
    if not reached:
        raise RuntimeError(f"the target {TARGET} was not reached in {max_epochs} epochs")
    return reached[0]


def seconds_to_target(rule: Callable, config: dict[str, Any], he: bool, data: dict,
                      epochs: int, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        solver = make_run(rule, config, he, data, epochs)
        start = time.perf_counter()
        solver.train()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def update_cost(repeats: int, data: dict) -> tuple[float, float]:
    """(seconds of one forward+backward step, seconds of one Adam update of all params)."""
    optim = reference_module("hw3_optim", "optim")
    solver = make_run(optim.adam, {}, True, data, 1)
    net = solver.model
    X, y = data["X_train"][:BATCH], data["y_train"][:BATCH]
    _, grads = net.loss(X, y)
    configs = {name: {} for name in net.params}

    def step() -> None:
        net.loss(X, y)

    def adam_all() -> None:
        for name, w in net.params.items():
            optim.adam(w, grads[name], configs[name])

    result = []
    for fn in (step, adam_all):
        fn()
        rounds = []
        for _ in range(repeats):
            start = time.perf_counter()
            for _ in range(20):
                fn()
            rounds.append((time.perf_counter() - start) / 20)
        result.append(statistics.median(rounds))
    return result[0], result[1]


def run(repeats: int = 5) -> list[dict]:
    """Time to the target accuracy (SGD + default init vs Adam + He) and Adam's cost."""
    if repeats < 1:
        raise ValueError(f"repeats must be >= 1, got {repeats}")
    optim = reference_module("hw3_optim", "optim")
    data = load_dataset("digits")
    baseline = (optim.sgd, {"learning_rate": 0.3}, False)
    ours = (optim.adam, {"learning_rate": 3e-3}, True)
    with threadpool_limits(limits=1, user_api="blas"):
        base_epochs = epochs_to_target(*baseline, data, max_epochs=60)
        our_epochs = epochs_to_target(*ours, data, max_epochs=20)
        base_s = seconds_to_target(*baseline, data, base_epochs, repeats)
        our_s = seconds_to_target(*ours, data, our_epochs, repeats)
        step_s, adam_s = update_cost(repeats, data)
    return [
        {"benchmark": f"hw3 training time to val acc {TARGET} (digits, FC net {HIDDEN}, "
                      f"batch {BATCH})",
         "baseline": "plain SGD, default init",
         "baseline_s": base_s, "ours_s": our_s, "ratio": base_s / our_s,
         "note": f"ours = Adam + He init; {base_epochs} vs {our_epochs} epochs "
                 f"({base_epochs / our_epochs:.1f}x fewer)"},
        {"benchmark": f"hw3 Adam update of all parameters (FC net {HIDDEN})",
         "baseline": f"one forward + backward step (batch {BATCH})",
         "baseline_s": step_s, "ours_s": adam_s, "ratio": step_s / adam_s,
         "note": "ratio < 1: at this batch size an Adam update of the 85k parameters "
                 "costs about as much as the step itself"},
    ]


if __name__ == "__main__":
    for row in run(3):
        print(row)
