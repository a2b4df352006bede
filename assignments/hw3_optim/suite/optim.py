"""Graded tests of optim.py: momentum, Nesterov momentum, Adagrad, RMSProp and Adam.

Every rule is run for several consecutive steps, each call receiving the config its
previous call returned, and compared step by step with the reference run on the same
inputs: with default and non-default hyper-parameters, for parameters of several
shapes, on tiny gradients (where the position of epsilon matters), when resuming from a
given state, and on a quadratic whose gradient depends on the student's own iterates.

Where epsilon goes does not matter to what the assignment teaches, so Adagrad, RMSProp
and Adam are followed along several reference trajectories at once, one per accepted
convention: epsilon inside the square root (the lecture's form, the reference's), outside
it (PyTorch's form), and for Adam also outside it before the bias correction of the step
size (TensorFlow's form). The student's steps must follow one of them all the way; the
feedback says which one when it is not the lecture's.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

import numpy as np

from autograder import expect
from autograder.suite import graded

RULES = ("sgd_momentum", "sgd_nesterov_momentum", "adagrad", "rmsprop", "adam")
STATE_KEYS = {
    "sgd_momentum": ("velocity",),
    "sgd_nesterov_momentum": ("velocity",),
    "adagrad": ("a",),
    "rmsprop": ("a",),
    "adam": ("v", "a", "t"),
}
FORMULA_HINTS = {
    "sgd_momentum": "velocity = momentum * velocity - learning_rate * dw, then "
                    "next_w = w + velocity (the velocity starts at zeros)",
    "sgd_nesterov_momentum": "v_prev = velocity; velocity = momentum * velocity - "
                             "learning_rate * dw; next_w = w - momentum * v_prev + "
                             "(1 + momentum) * velocity",
    "adagrad": "a = a + dw * dw (a running sum), then "
               "next_w = w - learning_rate * dw / sqrt(a + epsilon)",
    "rmsprop": "a = decay_rate * a + (1 - decay_rate) * dw * dw, then "
               "next_w = w - learning_rate * dw / sqrt(a + epsilon)",
    "adam": "increment t first; v and a are running averages with beta1 and beta2; divide "
            "them by (1 - beta1**t) and (1 - beta2**t); next_w = w - learning_rate * v_hat "
            "/ sqrt(a_hat + epsilon)",
}
# Non-default hyper-parameters (every one differs from its default).
CUSTOM = {
    "sgd_momentum": {"learning_rate": 0.05, "momentum": 0.6},
    "sgd_nesterov_momentum": {"learning_rate": 0.05, "momentum": 0.6},
    "adagrad": {"learning_rate": 0.2, "epsilon": 1e-4},
    "rmsprop": {"learning_rate": 3e-3, "decay_rate": 0.9, "epsilon": 1e-5},
    "adam": {"learning_rate": 2e-2, "beta1": 0.7, "beta2": 0.95, "epsilon": 1e-6},
}
# Learning rates for the quadratic run (stable for curvatures up to 4).
QUADRATIC_CONFIG = {
    "sgd_momentum": {"learning_rate": 0.05},
    "sgd_nesterov_momentum": {"learning_rate": 0.05},
    "adagrad": {"learning_rate": 0.5},
    "rmsprop": {"learning_rate": 0.02},
    "adam": {"learning_rate": 0.05},
}
RTOL = 1e-7


# ----- helpers --------------------------------------------------------------------------
def gradients(seed: int, shape: tuple[int, ...], steps: int, scale: float = 1.0,
              zeros: bool = False) -> list[np.ndarray]:
    """``steps`` seeded gradients of ``shape``; with ``zeros`` a few entries are exactly 0."""
    rng = np.random.default_rng(seed)
    grads = [scale * rng.standard_normal(shape) for _ in range(steps)]
    if zeros:
        for g in grads:
            g.flat[:: 3] = 0.0
    return grads


def start_point(seed: int, shape: tuple[int, ...]) -> np.ndarray:
    return np.random.default_rng(seed + 1000).standard_normal(shape)


def describe(shape: tuple[int, ...], config: dict | None) -> str:
    if not config:
        return f"w of shape {shape}, default hyper-parameters"
    settings = ", ".join(f"{k}={v:g}" for k, v in config.items() if not isinstance(v, np.ndarray))
    return f"w of shape {shape}, {settings}" if settings else f"w of shape {shape}"


def student_step(student, rule: str, w: np.ndarray, g: np.ndarray, config: dict | None,
                 what: str) -> tuple[np.ndarray, dict]:
    """One call of the student's rule; checks what it returns and that w, dw are intact."""
    args = (w, g) if config is None else (w, g, config)
    out = expect.sequence(student.call(f"optim.{rule}", *args), 2, f"{rule}(w, dw, config)")
    expect.not_mutated(student, rule, {"0": "w", "1": "dw"})
    next_w, new_config = out
    next_w = expect.array(next_w, f"next_w ({what})", shape=np.shape(w))
    expect.true(isinstance(new_config, dict),
                f"{rule} should return (next_w, config) with config a dict, but the config it "
                f"returned is of type {type(new_config).__name__}",
                "return the config dict you received (or created), with the state stored in it")
    return next_w, new_config


# accepted places of epsilon: name -> the note the feedback gives (None: the lecture's)
CONVENTIONS = {
    "inside": None,
    "outside": "epsilon is added outside the square root (as PyTorch writes it); the "
               "lecture puts it inside: both are accepted",
    "outside, uncorrected": "epsilon is added outside the square root, before the bias "
                            "correction of the step size (as TensorFlow writes it); the "
                            "lecture puts it inside: both are accepted",
}


def conventions(rule: str) -> tuple[str, ...]:
    if rule == "adam":
        return tuple(CONVENTIONS)
    return ("inside", "outside") if rule in ("adagrad", "rmsprop") else ("inside",)


def reference_step(ref, rule: str, w: np.ndarray, g: np.ndarray, config: dict | None,
                   convention: str = "inside") -> tuple[np.ndarray, dict]:
    """One step of the reference, or of the same rule with epsilon placed as
    ``convention`` says (the state in config is the same in every convention)."""
    next_w, cfg = getattr(ref.optim, rule)(w.copy(), g.copy(), copy.deepcopy(config))
    if convention == "inside":
        return next_w, cfg
    lr, eps = cfg["learning_rate"], cfg["epsilon"]
    if rule == "adam":
        t = cfg["t"]
        if convention == "outside, uncorrected":
            size = lr * np.sqrt(1 - cfg["beta2"] ** t) / (1 - cfg["beta1"] ** t)
            return w - size * cfg["v"] / (np.sqrt(cfg["a"]) + eps), cfg
        v_hat, a_hat = cfg["v"] / (1 - cfg["beta1"] ** t), cfg["a"] / (1 - cfg["beta2"] ** t)
        return w - lr * v_hat / (np.sqrt(a_hat) + eps), cfg
    return w - lr * g / (np.sqrt(cfg["a"]) + eps), cfg


class Trajectories:
    """The reference's trajectories, one per accepted convention, followed along with
    the student's: a convention stays in the running while every student step agrees
    with its trajectory."""

    def __init__(self, ref, rule: str, w0: np.ndarray, config: dict | None) -> None:
        self.ref, self.rule = ref, rule
        self.state = {c: (w0, copy.deepcopy(config)) for c in conventions(rule)}

    def step(self, k: int, steps: int, next_w: np.ndarray, gradient, label: str) -> None:
        """Advance every trajectory by one step (``gradient(w)`` at its own iterate) and
        keep those the student's ``next_w`` agrees with; fail when none does."""
        moved = {}
        for convention, (w, cfg) in self.state.items():
            moved[convention] = reference_step(self.ref, self.rule, w, gradient(w), cfg,
                                               convention)
        kept = {c: v for c, v in moved.items() if expect.agrees(next_w, v[0], RTOL)}
        if not kept:
            check_step(self.rule, k, steps, next_w, next(iter(moved.values()))[0], label)
        self.state = kept

    @property
    def w(self) -> np.ndarray:
        return next(iter(self.state.values()))[0]

    def notes(self) -> list[str]:
        if "inside" in self.state:
            return []
        return [CONVENTIONS[next(iter(self.state))]]


def check_step(rule: str, k: int, steps: int, next_w: np.ndarray, ref_w: np.ndarray,
               label: str) -> None:
    hint = FORMULA_HINTS[rule] if k == 0 else (
        f"the earlier step(s) matched: check that the state is stored in config (key(s) "
        f"{', '.join(STATE_KEYS[rule])}) and read back at the next call instead of starting "
        f"from zeros again, and the formula: {FORMULA_HINTS[rule]}")
    expect.close(f"next_w after step {k + 1} of {steps} ({label})", next_w, ref_w, rtol=RTOL,
                 hint=hint)


def compare_run(student, ref, rule: str, shape: tuple[int, ...], steps: int, seed: int,
                config: dict | None = None, scale: float = 1.0, zeros: bool = False,
                label: str | None = None, notes: list[str] | None = None) -> dict:
    """Run the student's and the reference's rule on the same gradients, step by step.

    The first call gets ``config`` (or no config at all when it is None); each later call
    gets the config the previous call returned. Returns the student's last config; adds
    the note on the convention followed (if not the lecture's) to ``notes``."""
    label = label or describe(shape, config)
    grads = gradients(seed, shape, steps, scale, zeros)
    w = start_point(seed, shape)
    cfg = copy.deepcopy(config)
    paths = Trajectories(ref, rule, w, config)
    for k, g in enumerate(grads):
        w, cfg = student_step(student, rule, w, g, cfg, f"step {k + 1}, {label}")
        paths.step(k, steps, w, lambda _, g=g: g, label)
    if notes is not None:
        notes += paths.notes()
    return cfg


def quadratic_run(student, ref, rule: str, steps: int, seed: int) -> list[str]:
    """Minimize f(w) = 0.5 sum(c * w * w) with each side's own iterates; compare the paths
    and require the loss, evaluated by the grader at the student's last iterate, to fall.
    Returns the note on the convention followed."""
    rng = np.random.default_rng(seed)
    curvature = rng.uniform(0.2, 4.0, size=(3, 4))
    w = rng.standard_normal((3, 4))
    config = QUADRATIC_CONFIG[rule]
    cfg = dict(config)
    paths = Trajectories(ref, rule, w, config)
    label = f"{steps} steps on a quadratic, {describe((3, 4), config)}"

    def loss(x: np.ndarray) -> float:
        return float(0.5 * np.sum(curvature * x * x))

    first = loss(w)
    for k in range(steps):
        w, cfg = student_step(student, rule, w, curvature * w, cfg, label)
        paths.step(k, steps, w, lambda x: curvature * x, label)
    expect.true(loss(w) < 0.5 * first, f"the loss of the quadratic went from {first:.3g} to "
                f"{loss(w):.3g} in {steps} steps (it should at least halve)",
                "step against the gradient")
    return paths.notes()


def check_state(rule: str, cfg: dict, ref_cfg: dict, shape: tuple[int, ...], steps: int,
                label: str) -> None:
    """The config holds every state key with the reference's value after ``steps`` steps."""
    for key in STATE_KEYS[rule]:
        expect.true(key in cfg, f"the config returned by {rule} has no key {key!r} "
                    f"(its keys are {sorted(map(str, cfg))})",
                    f"store the state under the name(s) {', '.join(STATE_KEYS[rule])}")
        if key == "t":
            t = cfg["t"]
            expect.true(isinstance(t, int | np.integer) and not isinstance(t, bool),
                        f"config['t'] should be an integer (the step count), got {t!r}")
            expect.equal(f"config['t'] after {steps} step(s) ({label})", int(t), ref_cfg["t"])
        else:
            value = expect.array(cfg[key], f"config[{key!r}] ({label})", shape=shape)
            expect.close(f"config[{key!r}] after {steps} step(s) ({label})", value,
                         ref_cfg[key], rtol=RTOL, hint=FORMULA_HINTS[rule])


def same_number(value, expected: float) -> bool:
    """True when ``value`` is a real number equal to ``expected``."""
    if not isinstance(value, int | float | np.integer | np.floating) or isinstance(value, bool):
        return False
    try:
        return float(value) == expected
    except OverflowError:  # an integer too large for a float is not the default
        return False


def preset_state(rule: str, shape: tuple[int, ...], seed: int) -> dict:
    """A state as if training had been going on for a while."""
    rng = np.random.default_rng(seed)
    if rule in ("sgd_momentum", "sgd_nesterov_momentum"):
        return {"velocity": 0.1 * rng.standard_normal(shape)}
    if rule in ("adagrad", "rmsprop"):
        return {"a": rng.uniform(0.5, 3.0, size=shape)}
    return {"v": 0.3 * rng.standard_normal(shape), "a": rng.uniform(0.05, 1.0, size=shape),
            "t": 7}


# ----- test factories ---------------------------------------------------------------------
def first_steps(rule: str) -> Callable:
    def test(student, ref):
        notes: list[str] = []
        compare_run(student, ref, rule, (4, 5), steps=3, seed=1, notes=notes)
        return expect.passed(notes)

    test.__doc__ = (f"{rule}: the first 3 steps with default hyper-parameters, state carried "
                    "in config")
    return test


def hyperparameters_and_shapes(rule: str) -> Callable:
    def test(student, ref):
        notes: list[str] = []
        compare_run(student, ref, rule, (7,), steps=6, seed=2, config=CUSTOM[rule], notes=notes)
        compare_run(student, ref, rule, (2, 3, 4), steps=5, seed=3, config=CUSTOM[rule],
                    notes=notes)
        compare_run(student, ref, rule, (1,), steps=4, seed=4, notes=notes)
        compare_run(student, ref, rule, (6, 2), steps=4, seed=5, config={}, scale=30.0,
                    notes=notes)
        notes += quadratic_run(student, ref, rule, steps=40, seed=6)
        return expect.passed(notes)

    test.__doc__ = (f"{rule}: non-default hyper-parameters, shapes (7,), (2, 3, 4), (1,), "
                    "large gradients, and 40 steps on a quadratic")
    return test


def config_state(rule: str) -> Callable:
    def test(student, ref):
        shape = (3, 2)
        # defaults filled in, state stored under the documented names
        w, g = start_point(7, shape), gradients(7, shape, 1)[0]
        _, cfg = student_step(student, rule, w, g, None, "first call without a config")
        _, ref_cfg = reference_step(ref, rule, w, g, None)
        for key, default in ref_cfg.items():
            if key in STATE_KEYS[rule]:
                continue
            expect.true(key in cfg, f"the config returned by {rule} has no {key!r}",
                        f"keep the given config.setdefault({key!r}, ...) lines")
            expect.true(same_number(cfg[key], default), f"config[{key!r}] is {cfg[key]!r} "
                        "after a call without a config; it should be the documented default")
        check_state(rule, cfg, ref_cfg, shape, 1, "one step, defaults")
        # the caller's hyper-parameters are kept, the state follows them
        notes: list[str] = []
        cfg = compare_run(student, ref, rule, shape, steps=3, seed=8, config=CUSTOM[rule],
                          notes=notes)
        ref_cfg = copy.deepcopy(CUSTOM[rule])
        w = start_point(8, shape)
        for g in gradients(8, shape, 3):
            w, ref_cfg = reference_step(ref, rule, w, g, ref_cfg)
        for key, value in CUSTOM[rule].items():
            expect.true(same_number(cfg.get(key), value), f"config[{key!r}] was set to "
                        f"{value:g} by the "
                        f"caller but is {cfg.get(key)!r} after the call",
                        "set defaults with config.setdefault, which keeps given values")
        check_state(rule, cfg, ref_cfg, shape, 3, describe(shape, CUSTOM[rule]))
        # resuming from a state saved in the middle of training
        state = preset_state(rule, shape, seed=9)
        label = f"{describe(shape, None)}, resuming from a state in config"
        compare_run(student, ref, rule, shape, steps=2, seed=10, config=state, label=label,
                    notes=notes)
        return expect.passed(notes)

    test.__doc__ = (f"{rule}: the returned config holds the defaults and the state "
                    f"({', '.join(STATE_KEYS[rule])}); training resumes from a given state")
    return test


def small_gradients(rule: str) -> Callable:
    def test(student, ref):
        notes: list[str] = []
        compare_run(student, ref, rule, (5, 4), steps=4, seed=11, scale=1e-4, zeros=True,
                    notes=notes)
        compare_run(student, ref, rule, (8,), steps=4, seed=12, scale=1e-5, notes=notes)
        custom = {**CUSTOM[rule], "epsilon": 1e-2}
        compare_run(student, ref, rule, (3, 3), steps=3, seed=13, config=custom, scale=0.1,
                    notes=notes)
        return expect.passed(notes)

    test.__doc__ = (f"{rule}: tiny and zero gradients, and a large epsilon (where the "
                    "place of epsilon shows)")
    return test


def register(name: str, func: Callable, points: float, rule: str, visible: bool = False):
    globals()[name] = graded(points=points, cell=f"test_{rule}", tags=[rule],
                             visible=visible)(func)


# ----- the graded tests -------------------------------------------------------------------
for _rule in RULES:
    register(f"{_rule}_first_steps", first_steps(_rule), 2, _rule, visible=True)
    register(f"{_rule}_hyperparameters_and_shapes", hyperparameters_and_shapes(_rule), 2, _rule)
    register(f"{_rule}_config_state", config_state(_rule), 2, _rule)
    if _rule in ("adagrad", "rmsprop", "adam"):
        register(f"{_rule}_small_gradients", small_gradients(_rule), 2, _rule)
del _rule


@graded(points=2, cell="test_adam", tags=["adam"])
def adam_long_run(student, ref):
    """adam: 300 steps on a quadratic (bias correction and t over a long run)"""
    return expect.passed(quadratic_run(student, ref, "adam", steps=300, seed=14))
