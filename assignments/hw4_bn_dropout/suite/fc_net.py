"""Graded tests of fc_net.py: FullyConnectedNet with batch/layer normalization and dropout.

The student's network is built in the student process with the same arguments and seed as
the reference's, so initial parameters, losses and gradients can be compared directly;
gradients are also checked against numerical gradients of the student's own loss. Biases
are moved off zero first, so that no ReLU input sits exactly on its kink. Dropout masks
are frozen with an integer seed in ``dropout_param`` for those checks.
"""

from __future__ import annotations

import numpy as np

from autograder import expect
from autograder.suite import graded

NET = "fc_net.FullyConnectedNet"
INIT, LOSS = "FullyConnectedNet.__init__", "FullyConnectedNet.loss"
# the student's own layers that the network's loss runs (tags: a bug in them costs here too;
# the network may use either batch-norm backward pass, the reference's uses the closed form)
BN = ["batchnorm_forward", "batchnorm_backward_alt"]
LN = ["layernorm_forward", "layernorm_backward"]
DROP = ["dropout_forward", "dropout_backward"]
FROZEN_SEED = 123


def problem(seed: int, N: int = 8, D: int = 5, C: int = 3):
    """Seeded X (N, D) with offset columns, y (N,)."""
    rng = np.random.default_rng(seed)
    return 1.0 + 2.0 * rng.standard_normal((N, D)), rng.integers(0, C, size=N)


def describe(config: dict) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in config.items())


def build(student, ref, config: dict, hidden=(4, 3), D: int = 5, C: int = 3, seed: int = 0,
          bias_seed: int | None = None, freeze: bool = False):
    """(student net handle, reference net) built alike; optionally with random biases
    (the same on both sides) and dropout masks frozen by an integer seed."""
    kwargs = {"input_dim": D, "num_classes": C, "weight_scale": 0.5, "seed": seed, **config}
    net = student.new(NET, list(hidden), **kwargs)
    ref_net = ref.fc_net.FullyConnectedNet(list(hidden), **kwargs)
    if bias_seed is not None:
        rng = np.random.default_rng(bias_seed)
        params = {k: v.copy() for k, v in ref_net.params.items()}
        for name in params:
            if name.startswith("b") and not name.startswith("beta"):
                params[name] = 0.1 * rng.standard_normal(params[name].shape)
        ref_net.params = {k: v.copy() for k, v in params.items()}
        net.set("params", params)
    if freeze:
        frozen = {"mode": "train", "p": ref_net.dropout_keep_ratio, "seed": FROZEN_SEED}
        net.set("dropout_param", dict(frozen))
        ref_net.dropout_param = dict(frozen)
    return net, ref_net


def student_loss(net, X, y, label: str, keys) -> tuple[float, dict]:
    """(loss, grads) of the student's net, checked for type and keys."""
    loss, grads = expect.sequence(net.call("loss", X, y), 2, label)
    loss = expect.scalar(loss, f"the loss of {label}")
    if not isinstance(grads, dict):
        expect.fail(f"{label} should return grads as a dict, got {type(grads).__name__}")
    missing, extra = sorted(set(keys) - set(grads)), sorted(set(grads) - set(keys))
    expect.true(not missing and not extra, f"the grads of {label} have missing keys {missing} "
                f"and unexpected keys {extra}", "one gradient per entry of self.params")
    return loss, grads


def compare_loss(net, ref_net, X, y, label: str, hint: str) -> dict:
    """The student's train-mode loss and gradients equal the reference's; returns grads."""
    loss, grads = student_loss(net, X, y, label, ref_net.params)
    ref_loss, ref_grads = ref_net.loss(X, y)
    expect.close(f"the loss of {label}", loss, ref_loss, rtol=1e-7, hint=hint)
    for name, ref_grad in ref_grads.items():
        grad = expect.array(grads[name], f"grads[{name!r}] of {label}", shape=ref_grad.shape)
        expect.close(f"grads[{name!r}] of {label}", grad, ref_grad, rtol=1e-6, hint=hint)
    return grads


def numerical_check(net, ref_net, X, y, label: str, names: list[str], h: float = 1e-5) -> None:
    """Gradients of the student's loss for ``names`` against centered differences of that
    same loss (parameters sent to the student process for every evaluation)."""
    _, grads = student_loss(net, X, y, label, ref_net.params)
    params = {k: v.copy() for k, v in ref_net.params.items()}
    for name in names:
        numerical = np.zeros_like(params[name])
        for idx in np.ndindex(*params[name].shape):
            values = []
            for step in (h, -h):
                trial = {k: v.copy() for k, v in params.items()}
                trial[name][idx] += step
                net.set("params", trial)
                values.append(expect.scalar(net.call("loss", X, y)[0], f"the loss of {label}"))
            numerical[idx] = (values[0] - values[1]) / (2 * h)
        got = expect.array(grads[name], f"grads[{name!r}]", shape=numerical.shape)
        expect.nontrivial(f"the numerical gradient of your loss for {name}", numerical,
                          ref_net.loss(X, y)[1][name], "the loss must depend on every parameter")
        expect.close(f"grads[{name!r}] of {label} against the numerical gradient of your loss",
                     got, numerical, rtol=1e-5, hint="your loss and its gradients disagree")
    net.set("params", params)


# ----- normalization in the network ------------------------------------------------------
@graded(points=2, cell="test_fc_net_normalization", tags=[INIT], visible=True)
def fcnet_norm_parameters(student, ref):
    """FullyConnectedNet: parameter names, shapes and initial values with normalization"""
    for normalization in ("batchnorm", "layernorm"):
        config = {"normalization": normalization}
        net, ref_net = build(student, ref, config, hidden=(6, 4, 3), D=7, C=5, seed=11)
        params = net.get("params")
        label = f"FullyConnectedNet({describe(config)}).params"
        if not isinstance(params, dict):
            expect.fail(f"{label} should be a dict, got {type(params).__name__}")
        missing = sorted(set(ref_net.params) - set(params))
        extra = sorted(set(params) - set(ref_net.params))
        expect.true(not missing and not extra, f"{label} has missing keys {missing} and "
                    f"unexpected keys {extra}",
                    "add gamma_i and beta_i for every HIDDEN layer i (not the output layer)")
        for name, value in ref_net.params.items():
            got = expect.array(params[name], f"{label}[{name!r}]", shape=value.shape)
            expect.close(f"{label}[{name!r}]", got, value, rtol=1e-12,
                         hint="gamma starts at ones and beta at zeros; the weights are drawn "
                              "exactly as without normalization")


@graded(points=3, cell="test_fc_net_normalization", tags=[LOSS, *BN, *LN])
def fcnet_norm_loss(student, ref):
    """FullyConnectedNet.loss: train-mode loss and gradients with batch and layer norm"""
    configs = [{"normalization": "batchnorm"}, {"normalization": "layernorm", "reg": 0.2},
               {"normalization": "batchnorm", "activation": "tanh", "reg": 0.05}]
    for i, config in enumerate(configs):
        net, ref_net = build(student, ref, config, seed=20 + i, bias_seed=30 + i)
        X, y = problem(40 + i)
        compare_loss(net, ref_net, X, y, f"FullyConnectedNet({describe(config)}).loss(X, y)",
                     hint="every hidden layer is affine -> normalization -> activation; "
                          "the regularization covers the weights only")


@graded(points=3, cell="test_fc_net_normalization", tags=[LOSS, *BN])
def fcnet_norm_numerical(student, ref):
    """FullyConnectedNet.loss: gradients agree with numerical gradients of your loss (batch
    norm, at initialization)"""
    config = {"normalization": "batchnorm", "reg": 0.1}
    net, ref_net = build(student, ref, config, hidden=(3,), D=4, seed=50, bias_seed=51)
    X, y = problem(52, N=6, D=4)
    numerical_check(net, ref_net, X, y, f"FullyConnectedNet({describe(config)}).loss(X, y)",
                    ["W1", "b1", "gamma1", "beta1", "W2"])


@graded(points=2, cell="test_fc_net_normalization", tags=[LOSS, BN[0]])
def fcnet_norm_test_mode(student, ref):
    """FullyConnectedNet.loss: test-mode scores after training steps (running averages),
    deterministic and example by example"""
    config = {"normalization": "batchnorm"}
    net, ref_net = build(student, ref, config, seed=60, bias_seed=61)
    label = f"FullyConnectedNet({describe(config)})"
    for step in range(3):
        X, y = problem(62 + step, N=10)
        student_loss(net, X, y, f"{label}.loss(X, y)", ref_net.params)
        ref_net.loss(X, y)
    X_test = problem(70, N=7)[0]
    scores = expect.array(net.call("loss", X_test), f"{label}.loss(X) (test mode)",
                          shape=(7, 3))
    hint = ("loss(X) without labels runs batch norm in test mode, with the running averages "
            "that the training calls left in each layer's bn_param")
    expect.close(f"the test-mode scores of {label} after 3 training steps", scores,
                 ref_net.loss(X_test), rtol=1e-7, hint=hint)
    alone = expect.array(net.call("loss", X_test[2:3]), f"{label}.loss(X) for one example",
                         shape=(1, 3))
    expect.close(f"the test-mode scores of {label} for one example alone", alone,
                 scores[2:3], rtol=1e-9, hint=hint)


# ----- dropout in the network ------------------------------------------------------------
@graded(points=3, cell="test_fc_net_dropout", tags=[LOSS, *DROP, *BN], visible=True)
def fcnet_dropout_loss(student, ref):
    """FullyConnectedNet.loss: loss and gradients with dropout (masks frozen by a seed),
    alone and after batch norm"""
    configs = [{"dropout_keep_ratio": 0.6},
               {"dropout_keep_ratio": 0.75, "normalization": "batchnorm", "reg": 0.1}]
    for i, config in enumerate(configs):
        net, ref_net = build(student, ref, config, seed=80 + i, bias_seed=90 + i, freeze=True)
        X, y = problem(100 + i)
        compare_loss(net, ref_net, X, y, f"FullyConnectedNet({describe(config)}).loss(X, y)",
                     hint="every hidden layer ends with dropout_forward(h, self.dropout_param) "
                          "after the activation; the backward pass goes through "
                          "dropout_backward first")
    config = {"dropout_keep_ratio": 0.5}
    net, ref_net = build(student, ref, config, hidden=(4,), D=3, seed=110, bias_seed=111,
                         freeze=True)
    X, y = problem(112, N=6, D=3)
    numerical_check(net, ref_net, X, y, f"FullyConnectedNet({describe(config)}).loss(X, y)",
                    ["W1", "b1"])


@graded(points=3, cell="test_fc_net_dropout", tags=[LOSS, DROP[0]])
def fcnet_dropout_modes(student, ref):
    """FullyConnectedNet.loss: fresh masks in every training call, none at test time"""
    config = {"dropout_keep_ratio": 0.5}
    net, ref_net = build(student, ref, config, seed=120, bias_seed=121)
    X, y = problem(122)
    label = f"FullyConnectedNet({describe(config)})"
    losses = [student_loss(net, X, y, f"{label}.loss(X, y)", ref_net.params)[0]
              for _ in range(3)]
    expect.true(len(set(losses)) == 3, f"three training calls of {label}.loss(X, y) gave the "
                f"losses {', '.join(f'{v:.6f}' for v in losses)}: the masks did not change",
                "pass self.dropout_param (whose seed is the network's generator) to every "
                "dropout layer; do not fix the seed")
    scores = expect.array(net.call("loss", X), f"{label}.loss(X) (test mode)", shape=(8, 3))
    again = expect.array(net.call("loss", X), f"{label}.loss(X) (test mode)", shape=(8, 3))
    expect.close(f"two test-mode calls of {label}.loss(X)", again, scores, rtol=0.0,
                 hint="test mode must not drop any unit")
    expect.close(f"the test-mode scores of {label}", scores, ref_net.loss(X), rtol=1e-7,
                 hint="in test mode dropout is the identity (inverted dropout rescaled during "
                      "training)")
