"""Graded tests of normalization.py: batch norm (forward, both backward passes) and layer
norm.

Forward values are compared with the reference on seeded batches of several shapes. The
running averages are followed over several training steps in ONE dict that stays alive in
the student process (``testfuncs.PersistentDict``) and read back through test mode.
Backward passes are given the reference's cache (the cache's layout is part of the given
code), so that a forward bug does not cost backward points; comparisons forgive rounding
of the size of dx's terms (at N=1 or D=1 the exact dx is 0). Tests tagged with both the
forward and the backward function also check them against numerical gradients of the
student's own forward pass, and require those to be non-trivial.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from autograder import expect
from autograder.expect import Failure
from autograder.static import reaches
from autograder.suite import graded
from autograder.testfuncs import PersistentDict

_spec = importlib.util.spec_from_file_location("_hw4_suite_common",
                                               Path(__file__).with_name("_common.py"))
common = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

BN_FWD = "normalization.batchnorm_forward"
BN_BWD = "normalization.batchnorm_backward"
BN_ALT = "normalization.batchnorm_backward_alt"
LN_FWD = "normalization.layernorm_forward"
LN_BWD = "normalization.layernorm_backward"
EPS = 1e-5

HINT_TRAIN = ("standardize every column with its batch mean and its biased variance "
              "(divide by N), then scale by gamma and shift by beta")
HINT_DGAMMA = "dgamma sums dout * xhat over the batch"
HINT_DBETA = "dbeta sums dout over the batch"
HINT_DX = ("x reaches the loss directly, through the mean and through the variance: "
           "all three paths contribute to dx")


def reference_state(ref, steps: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
                    **params) -> dict:
    """The reference's bn_param after the training steps."""
    state = {"mode": "train", **params}
    for x, gamma, beta in steps:
        ref.normalization.batchnorm_forward(x, gamma, beta, state)
    return state


def implied_running_stats(student, key: str,
                          D: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(running_mean, running_var, running_var if eps sat outside the root) read from
    test-mode outputs with gamma = 1, beta = 0, eps = 1e-5: out(0) = -m / s and
    out(1) - out(0) = 1 / s with s = sqrt(v + eps) (or sqrt(v) + eps)."""
    ones, zeros = np.ones(D), np.zeros(D)
    outs = []
    for value in (0.0, 1.0):
        out = student.call(BN_FWD, np.full((1, D), value), ones, zeros,
                           PersistentDict(key, mode="test"))
        out = expect.sequence(out, 2, "batchnorm_forward")[0]
        outs.append(expect.numbers(out, "out of batchnorm_forward (test mode)", (1, D))[0])
    inv_std = outs[1] - outs[0]
    if not np.all(np.isfinite(inv_std)) or np.any(inv_std <= 0):
        return None
    return -outs[0] / inv_std, 1.0 / inv_std**2 - EPS, (1.0 / inv_std - EPS) ** 2


def check_running_averages(student, ref, key: str, steps, probe: np.ndarray,
                           **params) -> None:
    """Train the student's bn_param (one persistent dict) on ``steps``, then compare its
    test-mode output on ``probe`` with the reference's; diagnose which average is off."""
    D = probe.shape[1]
    scalars = {k: v for k, v in params.items() if np.isscalar(v)}
    for i, (x, gamma, beta) in enumerate(steps):
        sent = PersistentDict(key, **(params if i == 0 else scalars), mode="train")
        common.forward(student, BN_FWD, (x, gamma, beta, sent),
                       f"batchnorm_forward (training step {i + 1})", x.shape)
    state = reference_state(ref, steps, **params)
    gamma, beta = np.ones(D), np.zeros(D)
    out, _ = common.forward(student, BN_FWD, (probe, gamma, beta,
                                              PersistentDict(key, mode="test")),
                            "batchnorm_forward (test mode)", probe.shape)
    state["mode"] = "test"
    expected, _ = ref.normalization.batchnorm_forward(probe, gamma, beta, state)
    setting = ", ".join(f"{k}={v:g}" for k, v in scalars.items()) or "defaults"
    if len(scalars) < len(params):
        setting += ", given initial running averages"
    what = f"test-mode output after {len(steps)} training steps ({setting})"
    try:
        expect.close(what, out, expected, rtol=1e-7)
    except Failure:
        implied = implied_running_stats(student, key, D)
        if implied is None:
            expect.fail(f"{what} is wrong, and test mode does not seem to use the running "
                        "averages", "in test mode normalize with bn_param['running_mean'] "
                        "and bn_param['running_var']")
        mean, var, var_outside = implied
        if (expect.agrees(mean, state["running_mean"], 1e-6)
                and not expect.agrees(var, state["running_var"], 1e-6)
                and expect.agrees(var_outside, state["running_var"], 1e-6)):
            expect.fail(f"{what} is wrong, although the running averages are right: test "
                        "mode divides by sqrt(running_var) + eps",
                        "add eps to the running variance inside the square root, as in "
                        "train mode")
        expect.close(f"the running mean after {len(steps)} steps ({setting})", mean,
                     state["running_mean"], rtol=1e-6,
                     hint="running = momentum * running + (1 - momentum) * batch statistic, "
                          "starting from zeros, with momentum = bn_param.get('momentum', 0.9)")
        expect.close(f"the running variance after {len(steps)} steps ({setting})", var,
                     state["running_var"], rtol=1e-6,
                     hint="average the biased batch variance (divide by N) the same way as "
                          "the mean")
        raise


# ----- batchnorm_forward -----------------------------------------------------------------
@graded(points=3, cell="test_batchnorm_forward", tags=["batchnorm_forward"], visible=True)
def bn_forward_train(student, ref):
    """batchnorm_forward: train-mode output on batches of several shapes"""
    for seed, (N, D) in enumerate([(4, 3), (50, 7), (2, 1), (1, 4)]):
        x, gamma, beta = common.batch(seed, N, D)
        label = f"batchnorm_forward in train mode (N={N}, D={D})"
        out, _ = common.forward(student, BN_FWD, (x, gamma, beta, {"mode": "train"}), label,
                                (N, D))
        expected, _ = ref.normalization.batchnorm_forward(x, gamma, beta, {"mode": "train"})
        expect.close(f"out of {label}", out, expected, rtol=1e-7, hint=HINT_TRAIN)


@graded(points=3, cell="test_batchnorm_forward", tags=["batchnorm_forward"])
def bn_forward_running_averages(student, ref):
    """batchnorm_forward: running mean and variance after several training steps"""
    steps = [common.batch(10 + i, 16, 5) for i in range(5)]
    probe = common.batch(20, 6, 5)[0]
    check_running_averages(student, ref, "hw4-running-default", steps, probe)
    steps = [common.batch(30 + i, 9, 3, loc=-2.0) for i in range(4)]
    check_running_averages(student, ref, "hw4-running-custom", steps, common.batch(40, 4, 3)[0],
                           momentum=0.5, running_mean=np.array([1.0, -1.0, 0.5]),
                           running_var=np.array([2.0, 0.5, 1.0]))


def test_mode_hint(out, x, gamma, beta, mean, var) -> str:
    """What a wrong test-mode output shows: eps outside the square root, batch statistics,
    or (by default) not the running averages."""
    outside = gamma * (x - mean) / (np.sqrt(var) + EPS) + beta
    if expect.agrees(out, outside, 1e-7):
        return ("the running averages are used, but divided by sqrt(running_var) + eps: add "
                "eps inside the square root, as in train mode")
    return "use bn_param['running_mean'] and bn_param['running_var'], not the batch statistics"


@graded(points=2, cell="test_batchnorm_forward", tags=["batchnorm_forward"])
def bn_forward_test_mode(student, ref):
    """batchnorm_forward: test mode normalizes with the running averages, example by example"""
    x, gamma, beta = common.batch(50, 7, 4)
    params = {"mode": "test", "running_mean": np.array([3.0, -1.0, 0.0, 0.5]),
              "running_var": np.array([4.0, 0.25, 1.0, 9.0])}
    label = "batchnorm_forward in test mode"
    out, _ = common.forward(student, BN_FWD, (x, gamma, beta, dict(params)), label, x.shape)
    expected, _ = ref.normalization.batchnorm_forward(x, gamma, beta, dict(params))
    hint = test_mode_hint(out, x, gamma, beta, params["running_mean"], params["running_var"])
    expect.close(f"out of {label}", out, expected, rtol=1e-7, hint=hint)
    alone, _ = common.forward(student, BN_FWD, (x[3:4], gamma, beta, dict(params)),
                              f"{label} (one example)", (1, 4))
    expect.close(f"out of {label} for a single example", alone, expected[3:4], rtol=1e-7,
                 hint=hint)
    key = "hw4-test-mode-keeps-averages"
    for repeat in range(2):
        sent = PersistentDict(key, **params) if repeat == 0 else PersistentDict(key)
        again, _ = common.forward(student, BN_FWD, (x, gamma, beta, sent), label, x.shape)
        expect.close(f"out of {label}, call {repeat + 1} with the same bn_param", again,
                     expected, rtol=1e-7,
                     hint="test mode must leave the running averages unchanged")


@graded(points=2, cell="test_batchnorm_forward", tags=["batchnorm_forward"])
def bn_forward_eps(student, ref):
    """batchnorm_forward: eps defaults to 1e-5 and bn_param['eps'] is used"""
    x = common.batch(60, 5, 3, scale=1e-3)[0]
    gamma, beta = np.ones(3), np.zeros(3)
    for params in ({"mode": "train"}, {"mode": "train", "eps": 1e-4}):
        which = "eps=1e-4" if "eps" in params else "default eps"
        label = f"batchnorm_forward with tiny variances ({which})"
        out, _ = common.forward(student, BN_FWD, (x, gamma, beta, dict(params)), label, x.shape)
        expected, _ = ref.normalization.batchnorm_forward(x, gamma, beta, dict(params))
        expect.close(f"out of {label}", out, expected, rtol=1e-7,
                     hint="add eps = bn_param.get('eps', 1e-5) to the variance inside the "
                          "square root")


# ----- batchnorm_backward ----------------------------------------------------------------
def backward_against_reference(student, ref, func: str, seed: int, N: int, D: int,
                               scale: float = 2.0) -> None:
    """The student's backward ``func`` on the reference's cache equals the reference (up
    to rounding of the size of dx's terms: at N=1 the exact dx is 0)."""
    x, gamma, beta = common.batch(seed, N, D, scale=scale)
    dout = np.random.default_rng(seed + 1000).standard_normal((N, D))
    _, cache = ref.normalization.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    label = f"{func.rpartition('.')[2]} (N={N}, D={D})"
    got = common.backward3(student, func, dout, cache, label, ((N, D), (D,), (D,)))
    expected = ref.normalization.batchnorm_backward(dout, cache)
    common.compare3(label, got, expected, rtol=1e-6, hints=(HINT_DX, HINT_DGAMMA, HINT_DBETA),
                    scale=common.dx_scale(cache, dout), N=N)


@graded(points=3, cell="test_batchnorm_backward", tags=["batchnorm_backward"], visible=True)
def bn_backward_matches(student, ref):
    """batchnorm_backward: dx, dgamma, dbeta on batches of several shapes"""
    for seed, (N, D) in enumerate([(4, 5), (30, 8), (3, 1)]):
        backward_against_reference(student, ref, BN_BWD, 100 + seed, N, D)


def backward_against_numerical(student, ref, fwd: str, bwd: str, seed: int, N: int, D: int,
                               params: dict) -> None:
    """The student's forward + backward agree with numerical gradients of that forward."""
    x, gamma, beta = common.batch(seed, N, D)
    dout = np.random.default_rng(seed + 1000).standard_normal((N, D))
    name = fwd.rpartition(".")[2]
    _, cache = common.forward(student, fwd, (x, gamma, beta, dict(params)), name, (N, D))
    label = f"{bwd.rpartition('.')[2]} (N={N}, D={D})"
    got = common.backward3(student, bwd, dout, cache, label, ((N, D), (D,), (D,)))

    def out(x_, gamma_, beta_):
        value = expect.sequence(student.call(fwd, x_, gamma_, beta_, dict(params)), 2, name)
        return expect.array(value[0], f"out of {name}", shape=(N, D))

    numerical = (expect.numerical_gradient(lambda v: out(v, gamma, beta), x, dout),
                 expect.numerical_gradient(lambda v: out(x, v, beta), gamma, dout),
                 expect.numerical_gradient(lambda v: out(x, gamma, v), beta, dout))
    ref_fwd = getattr(ref.normalization, name)
    ref_bwd = getattr(ref.normalization, bwd.rpartition(".")[2])
    correct = ref_bwd(dout, ref_fwd(x, gamma, beta, dict(params))[1])
    for gname, g, n, c in zip(("dx", "dgamma", "dbeta"), got, numerical, correct, strict=True):
        expect.nontrivial(f"the numerical gradient {gname} of your forward pass", n, c,
                          "the output must depend on x, gamma and beta")
        expect.close(f"{gname} of {label} against the numerical gradient of your forward pass",
                     g, n, rtol=1e-5, hint="your forward and backward passes disagree")


@graded(points=3, cell="test_batchnorm_backward", tags=["batchnorm_backward",
                                                         "batchnorm_forward"])
def bn_backward_numerical(student, ref):
    """batchnorm_backward: agrees with numerical gradients of your batchnorm_forward"""
    backward_against_numerical(student, ref, BN_FWD, BN_BWD, 110, 5, 3, {"mode": "train"})
    backward_against_numerical(student, ref, BN_FWD, BN_BWD, 111, 2, 2,
                               {"mode": "train", "eps": 1e-3})


@graded(points=2, cell="test_batchnorm_backward", tags=["batchnorm_backward"])
def bn_backward_edge_cases(student, ref):
    """batchnorm_backward: one example (N=1), one feature, inputs in the thousands"""
    backward_against_reference(student, ref, BN_BWD, 120, 1, 3)
    backward_against_reference(student, ref, BN_BWD, 121, 6, 1)
    backward_against_reference(student, ref, BN_BWD, 122, 20, 4, scale=3e3)


# ----- batchnorm_backward_alt ------------------------------------------------------------
@graded(points=3, cell="test_batchnorm_backward_alt", tags=["batchnorm_backward_alt"],
        visible=True)
def bn_alt_matches(student, ref):
    """batchnorm_backward_alt: dx, dgamma, dbeta on batches of several shapes"""
    for seed, (N, D) in enumerate([(4, 5), (64, 10), (3, 1)]):
        backward_against_reference(student, ref, BN_ALT, 200 + seed, N, D)


@graded(points=2, cell="test_batchnorm_backward_alt", tags=["batchnorm_backward_alt"])
def bn_alt_edge_cases(student, ref):
    """batchnorm_backward_alt: one example (N=1), inputs in the thousands, a large batch"""
    backward_against_reference(student, ref, BN_ALT, 210, 1, 3)
    backward_against_reference(student, ref, BN_ALT, 211, 20, 4, scale=3e3)
    backward_against_reference(student, ref, BN_ALT, 212, 300, 50)


@graded(points=1, cell="test_batchnorm_backward_alt", tags=["batchnorm_backward_alt"])
def bn_alt_is_a_closed_form(student, ref):
    """batchnorm_backward_alt: its own formula (it does not run batchnorm_backward, directly,
    through an alias or through a helper), and right"""
    path = student.submitted_file("normalization.py")
    if not path.is_file():
        expect.fail("normalization.py is missing from your submission")
    try:
        chain = reaches(path, "batchnorm_backward_alt", "batchnorm_backward")
    except SyntaxError as exc:
        expect.fail(f"normalization.py could not be imported: SyntaxError: {exc.msg} "
                    f"(line {exc.lineno})")
    except LookupError:
        expect.fail("normalization.py has no function batchnorm_backward_alt")
    expect.true(chain is None, f"batchnorm_backward_alt runs batchnorm_backward "
                f"({' -> '.join(chain or ())})", "derive and code the simplified formula")
    backward_against_reference(student, ref, BN_ALT, 220, 12, 6)


# ----- layer norm ------------------------------------------------------------------------
@graded(points=3, cell="test_layernorm", tags=["layernorm_forward"], visible=True)
def ln_forward(student, ref):
    """layernorm_forward: output on batches of several shapes; each example on its own"""
    for seed, (N, D, params) in enumerate([(4, 3, {}), (20, 9, {"mode": "train"}),
                                          (3, 1, {}), (5, 6, {"eps": 1e-3})]):
        x, gamma, beta = common.batch(300 + seed, N, D)
        label = f"layernorm_forward (N={N}, D={D}{', eps=1e-3' if 'eps' in params else ''})"
        out, _ = common.forward(student, LN_FWD, (x, gamma, beta, dict(params)), label, (N, D))
        expected, _ = ref.normalization.layernorm_forward(x, gamma, beta, dict(params))
        expect.close(f"out of {label}", out, expected, rtol=1e-7,
                     hint="standardize every ROW with its own mean and biased variance over "
                          "its D features, then scale by gamma and shift by beta per feature")
    x, gamma, beta = common.batch(310, 6, 5)
    alone, _ = common.forward(student, LN_FWD, (x[2:3], gamma, beta, {}),
                              "layernorm_forward (one example)", (1, 5))
    expected, _ = ref.normalization.layernorm_forward(x, gamma, beta, {})
    expect.close("out of layernorm_forward for one example alone", alone, expected[2:3],
                 rtol=1e-7, hint="layer norm must not use statistics of the batch")


@graded(points=3, cell="test_layernorm", tags=["layernorm_backward"])
def ln_backward_matches(student, ref):
    """layernorm_backward: dx, dgamma, dbeta on batches of several shapes"""
    for seed, (N, D) in enumerate([(4, 5), (16, 12), (2, 1), (1, 3)]):
        x, gamma, beta = common.batch(320 + seed, N, D)
        dout = np.random.default_rng(330 + seed).standard_normal((N, D))
        _, cache = ref.normalization.layernorm_forward(x, gamma, beta, {})
        label = f"layernorm_backward (N={N}, D={D})"
        got = common.backward3(student, LN_BWD, dout, cache, label, ((N, D), (D,), (D,)))
        expected = ref.normalization.layernorm_backward(dout, cache)
        common.compare3(label, got, expected, rtol=1e-6,
                        hints=("each row is normalized with its own statistics: the sums in "
                               "the closed form run over the D features of a row",
                               HINT_DGAMMA, HINT_DBETA), scale=common.dx_scale(cache, dout))


@graded(points=2, cell="test_layernorm", tags=["layernorm_backward", "layernorm_forward"])
def ln_backward_numerical(student, ref):
    """layernorm_backward: agrees with numerical gradients of your layernorm_forward"""
    backward_against_numerical(student, ref, LN_FWD, LN_BWD, 340, 3, 5, {})
    backward_against_numerical(student, ref, LN_FWD, LN_BWD, 341, 2, 2, {"eps": 1e-3})
