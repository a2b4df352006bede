"""Tests of the reference optim.py of hw3 (update rules, 2-D test functions, driver).

Expected values come from closed forms that do not reuse the rules' code: under a
constant gradient g every rule's iterates have a sum formula, momentum on a 1-D quadratic
is a linear recurrence (a matrix power), and Nesterov momentum in its usual look-ahead
form must give the same iterates as the rewritten rule.
"""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.gradient_check import eval_numerical_gradient

RULES = ["sgd", "sgd_momentum", "sgd_nesterov_momentum", "adagrad", "rmsprop", "adam"]
STATE_KEYS = {"sgd": (), "sgd_momentum": ("velocity",), "sgd_nesterov_momentum": ("velocity",),
              "adagrad": ("a",), "rmsprop": ("a",), "adam": ("v", "a", "t")}
# The defaults documented in API.md (the specification, not computed results).
DEFAULTS = {
    "sgd": {"learning_rate": 1e-2},
    "sgd_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "sgd_nesterov_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "adagrad": {"learning_rate": 1e-2, "epsilon": 1e-7},
    "rmsprop": {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8},
    "adam": {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
}
CONFIGS = {
    "sgd": {"learning_rate": 0.1},
    "sgd_momentum": {"learning_rate": 0.05, "momentum": 0.7},
    "sgd_nesterov_momentum": {"learning_rate": 0.05, "momentum": 0.7},
    "adagrad": {"learning_rate": 0.3, "epsilon": 1e-3},
    "rmsprop": {"learning_rate": 0.02, "decay_rate": 0.9, "epsilon": 1e-4},
    "adam": {"learning_rate": 0.05, "beta1": 0.8, "beta2": 0.99, "epsilon": 1e-3},
}


def run(rule, w0: np.ndarray, grads: list[np.ndarray], config: dict | None = None):
    """Apply ``rule`` once per gradient, carrying the config; returns (w, config)."""
    w, cfg = w0, config
    for g in grads:
        w, cfg = rule(w, g, cfg)
    return w, cfg


def constant_gradient_closed_form(name: str, w0: np.ndarray, g: np.ndarray, t: int,
                                  cfg: dict) -> np.ndarray:
    """w_t after t steps with the constant gradient g, from each rule's sum formula."""
    lr = cfg["learning_rate"]
    ks = np.arange(1, t + 1)
    if name == "sgd":
        return w0 - t * lr * g
    if name in ("sgd_momentum", "sgd_nesterov_momentum"):
        m = cfg["momentum"]
        # v_k = -lr g (1 - m^k) / (1 - m)
        v = [-lr * g * (1 - m**k) / (1 - m) for k in ks]
        total = np.sum(v, axis=0)
        if name == "sgd_momentum":
            return w0 + total  # w_t = w_0 + sum_k v_k
        return w0 + total + m * v[-1]  # the telescoped Nesterov update
    if name == "adagrad":
        # a_k = k g^2
        return w0 - lr * g * np.sum([1 / np.sqrt(k * g * g + cfg["epsilon"]) for k in ks],
                                    axis=0)
    if name == "rmsprop":
        beta = cfg["decay_rate"]
        # a_k = (1 - beta^k) g^2
        return w0 - lr * g * np.sum(
            [1 / np.sqrt((1 - beta**k) * g * g + cfg["epsilon"]) for k in ks], axis=0)
    # adam: the bias-corrected moments are exactly g and g^2
    return w0 - t * lr * g / np.sqrt(g * g + cfg["epsilon"])


# ----- closed forms -------------------------------------------------------------------------
@pytest.mark.parametrize("name", RULES)
@pytest.mark.parametrize("steps", [1, 2, 7])
@pytest.mark.parametrize("custom", [False, True])
def test_constant_gradient_matches_closed_form(optim_ref, name, steps, custom):
    """Under a constant gradient, do t steps land where each rule's sum formula says?"""
    rng = np.random.default_rng(steps)
    w0 = rng.standard_normal((3, 4))
    g = rng.standard_normal((3, 4))
    config = copy.deepcopy(CONFIGS[name]) if custom else None
    w, cfg = run(getattr(optim_ref, name), w0, [g] * steps, config)
    expected = constant_gradient_closed_form(name, w0, g, steps, cfg)
    np.testing.assert_allclose(w, expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", ["sgd_momentum", "sgd_nesterov_momentum"])
def test_momentum_constant_gradient_reaches_terminal_velocity(optim_ref, name):
    """After many steps of a constant gradient, is the velocity -lr g / (1 - momentum)?"""
    g = np.array([0.5, -2.0])
    _, cfg = run(getattr(optim_ref, name), np.zeros(2), [g] * 400, {"momentum": 0.9})
    np.testing.assert_allclose(cfg["velocity"], -cfg["learning_rate"] * g / 0.1, rtol=1e-12)


@pytest.mark.parametrize(("curvature", "lr", "momentum"), [(1.0, 0.1, 0.9), (8.0, 0.05, 0.5),
                                                           (0.3, 0.5, 0.99)])
def test_momentum_on_quadratic_is_a_linear_recurrence(optim_ref, curvature, lr, momentum):
    """On f(w) = c w^2 / 2, is momentum's (w_t, v_t) the t-th power of its 2x2 matrix?"""
    M = np.array([[1 - lr * curvature, momentum], [-lr * curvature, momentum]])
    w, cfg = np.array([1.5]), {"learning_rate": lr, "momentum": momentum}
    for t in range(1, 30):
        w, cfg = optim_ref.sgd_momentum(w, curvature * w, cfg)
        state = np.linalg.matrix_power(M, t) @ np.array([1.5, 0.0])
        np.testing.assert_allclose([w[0], cfg["velocity"][0]], state, rtol=1e-10, atol=1e-13)


def test_nesterov_equals_the_look_ahead_form(optim_ref):
    """Is the rewritten Nesterov rule the textbook method (gradient at theta + m v), with
    w = theta + m v?"""
    rng = np.random.default_rng(0)
    A = rng.standard_normal((4, 4))
    A = A @ A.T + np.eye(4)  # SPD
    lr, m = 0.02, 0.8
    theta = rng.standard_normal(4)
    v = np.zeros(4)
    w, cfg = theta.copy(), {"learning_rate": lr, "momentum": m}
    for _ in range(60):
        v = m * v - lr * A @ (theta + m * v)
        theta = theta + v
        w, cfg = optim_ref.sgd_nesterov_momentum(w, A @ w, cfg)
        np.testing.assert_allclose(w, theta + m * v, rtol=1e-10, atol=1e-13)


def test_adam_without_correction_would_start_slow(optim_ref):
    """Is Adam's first step lr * g / sqrt(g^2 + nu) (the uncorrected moments would give a
    step about (1 - beta1) / sqrt(1 - beta2) = 3.2 times larger)?"""
    g = np.array([1e-3, 1.0, -50.0])
    w, _ = optim_ref.adam(np.zeros(3), g)
    np.testing.assert_allclose(w, -1e-3 * g / np.sqrt(g * g + 1e-8), rtol=1e-12)


# ----- the contract ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", RULES)
def test_inputs_are_not_modified(optim_ref, name):
    """Do w, dw and the state arrays passed in keep their values?"""
    rng = np.random.default_rng(1)
    w, g = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    _, cfg = getattr(optim_ref, name)(w.copy(), g.copy())
    arrays = {k: v for k, v in cfg.items() if isinstance(v, np.ndarray)}
    saved = {k: v.copy() for k, v in arrays.items()}
    w_before, g_before = w.copy(), g.copy()
    next_w, _ = getattr(optim_ref, name)(w, g, cfg)
    np.testing.assert_array_equal(w, w_before)
    np.testing.assert_array_equal(g, g_before)
    assert next_w is not w
    for key, array in arrays.items():
        np.testing.assert_array_equal(array, saved[key])


@pytest.mark.parametrize("name", RULES)
def test_defaults_and_state_keys(optim_ref, name):
    """Does a call without config return the documented defaults and exactly the state keys?"""
    w = np.ones((2, 3))
    next_w, cfg = getattr(optim_ref, name)(w, np.full((2, 3), 0.5))
    assert next_w.shape == w.shape
    assert set(cfg) == set(DEFAULTS[name]) | set(STATE_KEYS[name])
    for key, value in DEFAULTS[name].items():
        assert cfg[key] == value
    for key in STATE_KEYS[name]:
        if key == "t":
            assert cfg["t"] == 1 and isinstance(cfg["t"], int)
        else:
            assert cfg[key].shape == w.shape


@pytest.mark.parametrize("name", RULES)
def test_given_hyperparameters_are_kept(optim_ref, name):
    """Does a rule keep the caller's hyper-parameters and use the same dict for its state?"""
    config = copy.deepcopy(CONFIGS[name])
    _, cfg = getattr(optim_ref, name)(np.zeros(4), np.ones(4), config)
    assert cfg is config
    for key, value in CONFIGS[name].items():
        assert cfg[key] == value


@pytest.mark.parametrize("name", RULES)
def test_float32_parameters_stay_float32(optim_ref, name):
    """Does a float32 parameter come back as float32 after several steps?"""
    w = np.ones((3, 3), dtype=np.float32)
    out, _ = run(getattr(optim_ref, name), w, [np.full((3, 3), 0.25, dtype=np.float32)] * 3)
    assert out.dtype == np.float32


@pytest.mark.parametrize("name", RULES)
def test_shape_mismatch_is_a_clear_error(optim_ref, name):
    """Does a gradient of the wrong shape raise ValueError naming both shapes?"""
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(2, 3\)"):
        getattr(optim_ref, name)(np.zeros((2, 3)), np.zeros((3, 2)))


@pytest.mark.parametrize("name", RULES)
def test_config_must_be_a_dict(optim_ref, name):
    """Does a config that is not a dict raise TypeError naming its type?"""
    with pytest.raises(TypeError, match="list"):
        getattr(optim_ref, name)(np.zeros(2), np.zeros(2), [0.1])


@pytest.mark.parametrize("name", RULES)
def test_zero_gradient_leaves_a_fresh_parameter_unchanged(optim_ref, name):
    """With zero state and a zero gradient, is every rule's step exactly zero (no nan)?"""
    w = np.arange(6.0).reshape(2, 3)
    next_w, _ = getattr(optim_ref, name)(w, np.zeros_like(w))
    np.testing.assert_array_equal(next_w, w)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=8),
       st.sampled_from(["adagrad", "rmsprop", "adam"]))
def test_adaptive_first_step_is_at_most_the_learning_rate(optim_ref, values, name):
    """Is every entry's first adaptive step at most learning_rate / sqrt(1 - decay)
    (adagrad and adam: learning_rate), whatever the gradient's size?"""
    g = np.array(values)
    next_w, cfg = getattr(optim_ref, name)(np.zeros_like(g), g)
    bound = cfg["learning_rate"] / np.sqrt(1 - cfg.get("decay_rate", 0.0))
    assert np.all(np.abs(next_w) <= bound * (1 + 1e-12))


# ----- convergence -----------------------------------------------------------------------------
@pytest.mark.parametrize(("name", "config", "steps"), [
    ("sgd", {"learning_rate": 0.09}, 300),
    ("sgd_momentum", {"learning_rate": 0.02}, 300),
    ("sgd_nesterov_momentum", {"learning_rate": 0.02}, 300),
    ("adagrad", {"learning_rate": 1.0}, 500),
    ("rmsprop", {"learning_rate": 0.01}, 800),
    ("adam", {"learning_rate": 0.1}, 500),
])
def test_rules_minimize_the_ill_conditioned_quadratic(optim_ref, name, config, steps):
    """Does each rule bring the elongated bowl's cost from 8 to below 1e-3?"""
    path, costs = optim_ref.run_update_rule(getattr(optim_ref, name),
                                            optim_ref.ill_conditioned_quadratic,
                                            np.array([-4.0, 0.0]), config, steps)
    assert costs[0] == pytest.approx(8.0)
    assert costs[-1] < 1e-3


# ----- the 2-D functions and the driver --------------------------------------------------------
@pytest.mark.parametrize("name", ["ill-conditioned quadratic", "Rosenbrock valley", "saddle"])
def test_test_function_gradients(optim_ref, name):
    """Does each 2-D function's gradient match a centered-difference gradient?"""
    f = optim_ref.TEST_FUNCTIONS[name]
    for point in np.random.default_rng(2).uniform(-2, 2, size=(6, 2)):
        numerical = eval_numerical_gradient(lambda x, f=f: f(x)[0], point.copy())
        np.testing.assert_allclose(f(point)[1], numerical, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize(("name", "point"), [("ill-conditioned quadratic", (0.0, 0.0)),
                                             ("Rosenbrock valley", (1.0, 1.0)),
                                             ("saddle", (0.0, 1.0)), ("saddle", (0.0, -1.0))])
def test_documented_minima_are_minima(optim_ref, name, point):
    """Is each documented minimum a zero of the gradient, lower than points around it?"""
    f = optim_ref.TEST_FUNCTIONS[name]
    x = np.array(point)
    cost, grad = f(x)
    np.testing.assert_allclose(grad, 0.0, atol=1e-12)
    around = x + 0.05 * np.random.default_rng(3).standard_normal((12, 2))
    assert all(f(p)[0] > cost for p in around)


def test_saddle_point(optim_ref):
    """Is the origin a stationary point of `saddle` that is a minimum along x_1 and a
    maximum along x_2?"""
    cost, grad = optim_ref.saddle(np.zeros(2))
    np.testing.assert_array_equal(grad, 0.0)
    assert optim_ref.saddle(np.array([0.1, 0.0]))[0] > cost
    assert optim_ref.saddle(np.array([0.0, 0.1]))[0] < cost


def test_test_function_rejects_wrong_shape(optim_ref):
    """Does a point of shape (3,) raise a ValueError naming its shape?"""
    with pytest.raises(ValueError, match=r"\(3,\)"):
        optim_ref.saddle(np.zeros(3))


def test_run_update_rule_path_and_costs(optim_ref):
    """Does run_update_rule return K + 1 points, their costs, and leave x0 and config alone?"""
    x0, config = np.array([-1.0, 1.5]), {"learning_rate": 0.01}
    path, costs = optim_ref.run_update_rule(optim_ref.adam, optim_ref.rosenbrock_valley, x0,
                                            config, num_steps=25)
    assert path.shape == (26, 2) and costs.shape == (26,)
    np.testing.assert_array_equal(path[0], x0)
    np.testing.assert_array_equal(x0, [-1.0, 1.5])
    assert config == {"learning_rate": 0.01}
    np.testing.assert_array_equal(costs, [optim_ref.rosenbrock_valley(p)[0] for p in path])


def test_run_update_rule_matches_manual_steps(optim_ref):
    """Is path[k] exactly the k-th iterate of calling the rule by hand?"""
    f = optim_ref.ill_conditioned_quadratic
    path, _ = optim_ref.run_update_rule(optim_ref.sgd_momentum, f, np.array([2.0, 1.0]),
                                        {"learning_rate": 0.02}, num_steps=10)
    w, cfg = np.array([2.0, 1.0]), {"learning_rate": 0.02}
    for k in range(1, 11):
        w, cfg = optim_ref.sgd_momentum(w, f(w)[1], cfg)
        np.testing.assert_array_equal(path[k], w)


def test_run_update_rule_stops_when_diverging(optim_ref):
    """Does a diverging run stop at the first non-finite cost and pad with nan?"""
    path, costs = optim_ref.run_update_rule(optim_ref.sgd, optim_ref.ill_conditioned_quadratic,
                                            np.array([1.0, 1.0]), {"learning_rate": 5.0},
                                            num_steps=2000)
    assert path.shape == (2001, 2)
    first_bad = int(np.argmax(~np.isfinite(costs)))
    assert 0 < first_bad < 2000
    assert np.all(np.isnan(costs[first_bad + 1:]))
    assert np.all(np.isfinite(costs[:first_bad]))


@pytest.mark.parametrize("num_steps", [-1, 2.5, True])
def test_run_update_rule_rejects_bad_num_steps(optim_ref, num_steps):
    """Does a num_steps that is not an integer >= 0 raise ValueError naming it?"""
    with pytest.raises(ValueError, match="num_steps"):
        optim_ref.run_update_rule(optim_ref.sgd, optim_ref.saddle, np.ones(2), None, num_steps)
