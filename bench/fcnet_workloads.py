"""The workloads of the FullyConnectedNet benchmarks, built inside ``bench.worker``
processes (see bench/isolated.py): ours with numpy, the baselines with numpy or PyTorch.

The network has the issue's shape: N=200 examples per batch, D=3072 (a flattened
CIFAR-10 image), hidden layers [100, 100, 100, 100], C=10 classes, ReLU, reg=1e-3,
weight_scale=5e-2, seed 0. A training *step* is ``net.loss(X, y)``: forward, softmax
loss, backward and L2 regularization, returning the loss and every gradient.

* ``numpy_step``: hw2's reference ``FullyConnectedNet`` (source/hw2_fcnet); with
  ``reg=0`` the same step without the L2 term, to show what that term costs.
* ``numpy_products``: only the matrix products a step cannot do without
  (``NecessaryProducts``), on preallocated arrays: the limit of any implementation.
* ``torch_step``: the same network, loss and parameters as a ``torch.nn.Sequential``
  with autograd, ``loss.backward()`` included.
* ``numpy_epoch`` / ``torch_epoch``: one epoch of minibatch SGD on CIFAR-10-sized random
  data (49,000 training and 1,000 validation images of shape (32, 32, 3)): our ``Solver``
  with the reference network, and the same model with ``torch.optim.SGD`` doing what the
  Solver does (minibatches of 200 drawn with replacement, accuracy on 1,000 training and
  all validation images before and after the epoch, the best parameters kept).

PyTorch is imported only by the ``torch_*`` factories, which run in a worker of their own
whose numpy BLAS is limited to one thread (numpy only builds the parameters there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from autograder.core.paths import source_dir
from autograder.core.suite import load_reference

N, D, HIDDEN, C = 200, 3072, [100, 100, 100, 100], 10
REG, WEIGHT_SCALE, SEED = 1e-3, 5e-2, 0
IMAGE = (32, 32, 3)  # CIFAR-10's image shape (D = 3072 numbers)
TRAIN_SIZE, VAL_SIZE = 49_000, 1_000  # the course's CIFAR-10 training / validation split
LEARNING_RATE = 1e-3
ACCURACY_SAMPLES, ACCURACY_BATCH = 1_000, 100  # Solver's defaults: num_train_samples, batch

Workload = tuple[Callable[[], object], dict[str, Any]]


def reference_net(dtype: Any, reg: float = REG) -> Any:
    """hw2's reference FullyConnectedNet of the benchmark's shape, in ``dtype``."""
    fc_net = load_reference(source_dir("hw2_fcnet"), ["layers", "activations", "fc_net"]).fc_net
    return fc_net.FullyConnectedNet(HIDDEN, input_dim=D, num_classes=C, reg=reg,
                                    weight_scale=WEIGHT_SCALE, dtype=dtype, seed=SEED)


def problem(dtype: Any, n: int = N) -> tuple[np.ndarray, np.ndarray]:
    """Seeded X (n, D) of ``dtype`` and labels y (n,)."""
    rng = np.random.default_rng(SEED)
    return rng.standard_normal((n, D)).astype(dtype), rng.integers(0, C, size=n)


def cifar_like(dtype: Any, train_size: int) -> dict[str, np.ndarray]:
    """Random data of CIFAR-10's shapes: the four arrays ``Solver`` needs."""
    rng, dtype = np.random.default_rng(SEED), np.dtype(dtype)
    return {"X_train": rng.standard_normal((train_size, *IMAGE), dtype=dtype),
            "y_train": rng.integers(0, C, size=train_size),
            "X_val": rng.standard_normal((VAL_SIZE, *IMAGE), dtype=dtype),
            "y_val": rng.integers(0, C, size=VAL_SIZE)}


def numpy_info() -> dict[str, Any]:
    from threadpoolctl import threadpool_info

    blas = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    return {"library": f"numpy {np.__version__}", "threads": max(blas, default=1)}


class NecessaryProducts:
    """The matrix products of one step, into preallocated outputs (callable).

    For layers i = 1, ..., L with input ``hs[i - 1]`` (``hs[0]`` is X) and upstream
    gradient ``douts[i - 1]`` (ones): the forward product ``hs[i] = hs[i - 1] @ W_i``, the
    weight gradient ``dWs[i - 1] = hs[i - 1].T @ douts[i - 1]`` and, for every layer but the
    first, the input gradient ``dhs[i - 1] = douts[i - 1] @ W_i.T``. Nothing needs the
    gradient with respect to the data X, so that is the whole list: 3 L - 1 products.
    """

    def __init__(self, params: dict[str, np.ndarray], X: np.ndarray) -> None:
        L = sum(1 for key in params if key.startswith("W"))
        self.Ws = [params[f"W{i}"] for i in range(1, L + 1)]
        dims = [X.shape[1], *(W.shape[1] for W in self.Ws)]
        self.hs = [X] + [np.empty((len(X), d), dtype=X.dtype) for d in dims[1:]]
        self.douts = [np.ones((len(X), d), dtype=X.dtype) for d in dims[1:]]
        self.dWs = [np.empty_like(W) for W in self.Ws]
        self.dhs = [None] + [np.empty((len(X), d), dtype=X.dtype) for d in dims[1:-1]]
        self.count = 3 * L - 1

    def __call__(self) -> None:
        for i, W in enumerate(self.Ws):
            np.matmul(self.hs[i], W, out=self.hs[i + 1])
        for i in reversed(range(len(self.Ws))):
            np.matmul(self.hs[i].T, self.douts[i], out=self.dWs[i])
            if i > 0:
                np.matmul(self.douts[i], self.Ws[i].T, out=self.dhs[i])


def summary(loss: float, grads: dict[str, np.ndarray]) -> dict[str, Any]:
    """The loss and each gradient's norm: what shows that two steps compute the same."""
    return {"loss": float(loss),
            "grad_norms": {key: float(np.linalg.norm(g)) for key, g in sorted(grads.items())}}


def numpy_step(dtype: str, reg: float = REG) -> Workload:
    net = reference_net(dtype, reg)
    X, y = problem(dtype)
    return (lambda: net.loss(X, y)), {**numpy_info(), **summary(*net.loss(X, y))}


def numpy_products(dtype: str) -> Workload:
    X, _ = problem(dtype)
    products = NecessaryProducts(reference_net(dtype).params, X)
    return products, {**numpy_info(), "products": products.count}


def numpy_epoch(dtype: str, train_size: int = TRAIN_SIZE) -> Workload:
    from utils.solver import Solver

    net, data = reference_net(dtype), cifar_like(dtype, train_size)
    initial = {key: value.copy() for key, value in net.params.items()}

    def epoch() -> list[float]:
        net.params = {key: value.copy() for key, value in initial.items()}
        solver = Solver(net, data, update_rule="sgd",
                        optim_config={"learning_rate": LEARNING_RATE}, batch_size=N,
                        num_epochs=1, num_train_samples=ACCURACY_SAMPLES, verbose=False,
                        seed=SEED)
        solver.train()
        return solver.loss_history

    return epoch, {**numpy_info(), "losses": epoch()}


# ----- PyTorch ---------------------------------------------------------------------------
def torch_model(params: dict[str, np.ndarray]) -> Any:
    """``params`` (W1, b1, ..., WL, bL) as Flatten -> (Linear -> ReLU) x (L - 1) -> Linear."""
    import torch

    L = sum(1 for key in params if key.startswith("W"))
    layers: list[Any] = [torch.nn.Flatten()]
    for i in range(1, L + 1):
        W, b = torch.from_numpy(params[f"W{i}"]), torch.from_numpy(params[f"b{i}"])
        linear = torch.nn.Linear(*W.shape, dtype=W.dtype)
        with torch.no_grad():
            linear.weight.copy_(W.T)  # Linear keeps W transposed: (out, in)
            linear.bias.copy_(b)
        layers += [linear, torch.nn.ReLU()] if i < L else [linear]
    return torch.nn.Sequential(*layers)


def torch_loss(model: Any, X: Any, y: Any) -> Any:
    """Our loss: mean cross-entropy + REG * the sum of the squared weights (no biases)."""
    import torch

    penalty = sum(layer.weight.square().sum() for layer in model
                  if isinstance(layer, torch.nn.Linear))
    return torch.nn.functional.cross_entropy(model(X), y) + REG * penalty


def torch_info() -> dict[str, Any]:
    import torch

    return {"library": f"PyTorch {torch.__version__.split('+')[0]} CPU",
            "threads": torch.get_num_threads()}


def torch_step(dtype: str) -> Workload:
    import torch

    model = torch_model(reference_net(dtype).params)
    X, y = (torch.from_numpy(a) for a in problem(dtype))

    def step() -> float:
        model.zero_grad(set_to_none=True)
        loss = torch_loss(model, X, y)
        loss.backward()
        return loss.item()

    loss = step()
    linears = [layer for layer in model if isinstance(layer, torch.nn.Linear)]
    grads = {name: grad.numpy() for i, layer in enumerate(linears, start=1)
             for name, grad in ((f"W{i}", layer.weight.grad.T), (f"b{i}", layer.bias.grad))}
    return step, {**torch_info(), **summary(loss, grads)}


def torch_epoch(dtype: str, train_size: int = TRAIN_SIZE) -> Workload:
    import torch

    model = torch_model(reference_net(dtype).params)
    initial = {key: value.clone() for key, value in model.state_dict().items()}
    data = {key: torch.from_numpy(value) for key, value in cifar_like(dtype, train_size).items()}

    def accuracy(X: Any, y: Any, rng: np.random.Generator, samples: int | None) -> float:
        if samples is not None and len(X) > samples:  # as Solver.check_accuracy
            mask = torch.from_numpy(rng.choice(len(X), size=samples, replace=False))
            X, y = X[mask], y[mask]
        with torch.no_grad():
            predicted = torch.cat([model(X[start:start + ACCURACY_BATCH]).argmax(dim=1)
                                   for start in range(0, len(X), ACCURACY_BATCH)])
        return (predicted == y).double().mean().item()

    def record(rng: np.random.Generator, best: tuple | None) -> tuple[float, dict]:
        """Solver._record_accuracy: both accuracies; the parameters when val is best."""
        accuracy(data["X_train"], data["y_train"], rng, ACCURACY_SAMPLES)
        val = accuracy(data["X_val"], data["y_val"], rng, None)
        if best is not None and val <= best[0]:
            return best
        return val, {key: value.clone() for key, value in model.state_dict().items()}

    def epoch() -> list[float]:
        model.load_state_dict(initial)
        optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
        rng = np.random.default_rng(SEED)
        best = record(rng, None)
        losses = []
        for _ in range(max(train_size // N, 1)):
            mask = torch.from_numpy(rng.choice(train_size, size=N))
            loss = torch_loss(model, data["X_train"][mask], data["y_train"][mask])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        best = record(rng, best)
        model.load_state_dict(best[1])
        return losses

    return epoch, {**torch_info(), "losses": epoch()}
