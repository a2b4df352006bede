"""Tests of the reference normalization.py of hw4 (batch norm, layer norm).

Forward values are compared with independent numpy computations (``np.var``, explicit
loops for the running averages) and closed-form properties; backward passes with
centered-difference numerical gradients, and the two batch-norm backward passes with each
other. Values and gradients have separate tolerances.
"""

from __future__ import annotations

import numpy as np
import pytest

from utils.gradient_check import eval_numerical_gradient_array

VALUE_RTOL = 1e-12
GRAD_RTOL, GRAD_ATOL = 1e-6, 1e-8  # analytic against centered differences (h = 1e-5)
BACKWARDS = ["batchnorm_backward", "batchnorm_backward_alt"]
HALF_GAP = np.array([-1e-3, 1e-3])  # deviations from the mean of the values (0, 2e-3)


def make_batch(seed: int, N: int, D: int, loc: float = 3.0,
               scale: float = 2.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seeded x (N, D) with per-column offsets and scales, gamma (D,), beta (D,)."""
    rng = np.random.default_rng(seed)
    x = loc * rng.standard_normal(D) + scale * rng.uniform(0.5, 2.0, D) * rng.standard_normal(
        (N, D))
    gamma = rng.uniform(0.5, 2.0, D)
    beta = rng.standard_normal(D)
    return x, gamma, beta


def standardize(x: np.ndarray, axis: int, eps: float) -> np.ndarray:
    """(x - mean) / sqrt(var + eps) along ``axis`` with numpy's own mean and var."""
    mean = x.mean(axis=axis, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axis=axis, keepdims=True) + eps)


# ----- batch norm forward ----------------------------------------------------------------
@pytest.mark.parametrize(("N", "D"), [(1, 3), (2, 1), (7, 4), (200, 30)])
def test_train_forward_matches_numpy(norm_ref, N, D):
    """Does train mode give gamma * standardized x + beta, with numpy's biased variance?"""
    x, gamma, beta = make_batch(0, N, D)
    out, _ = norm_ref.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    np.testing.assert_allclose(out, gamma * standardize(x, 0, 1e-5) + beta, rtol=VALUE_RTOL,
                               atol=1e-12)


def test_train_forward_columns_have_beta_mean_and_gamma_std(norm_ref):
    """Has every output column the mean beta and (for large variance) the std gamma?"""
    x, gamma, beta = make_batch(1, 500, 6, scale=50.0)
    out, _ = norm_ref.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    np.testing.assert_allclose(out.mean(axis=0), beta, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), gamma, rtol=1e-6)


def test_eps_defaults_to_1e_minus_5_and_is_read(norm_ref):
    """Is eps 1e-5 by default, and does bn_param['eps'] replace it?"""
    x = np.array([[0.0], [2e-3]])  # variance 1e-6, comparable to eps
    gamma, beta = np.ones(1), np.zeros(1)
    out, _ = norm_ref.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    np.testing.assert_allclose(out[:, 0], HALF_GAP / np.sqrt(1e-6 + 1e-5), rtol=1e-12)
    out, _ = norm_ref.batchnorm_forward(x, gamma, beta, {"mode": "train", "eps": 1e-2})
    np.testing.assert_allclose(out[:, 0], HALF_GAP / np.sqrt(1e-6 + 1e-2), rtol=1e-12)


@pytest.mark.parametrize("momentum", [0.9, 0.5, 0.0])
def test_running_averages_after_several_steps(norm_ref, momentum):
    """Do the running mean and variance follow momentum * old + (1 - momentum) * batch,
    starting from zeros, over several batches?"""
    params = {"mode": "train"} if momentum == 0.9 else {"mode": "train", "momentum": momentum}
    expected_mean, expected_var = np.zeros(5), np.zeros(5)
    for step in range(6):
        x, gamma, beta = make_batch(10 + step, 40, 5)
        norm_ref.batchnorm_forward(x, gamma, beta, params)
        expected_mean = momentum * expected_mean + (1 - momentum) * x.mean(axis=0)
        expected_var = momentum * expected_var + (1 - momentum) * x.var(axis=0)
    np.testing.assert_allclose(params["running_mean"], expected_mean, rtol=1e-12)
    np.testing.assert_allclose(params["running_var"], expected_var, rtol=1e-12)


def test_running_averages_are_new_arrays(norm_ref):
    """Are the running averages replaced in bn_param, never updated in place?"""
    x, gamma, beta = make_batch(2, 10, 3)
    before_mean, before_var = np.ones(3), np.full(3, 2.0)
    params = {"mode": "train", "running_mean": before_mean, "running_var": before_var}
    norm_ref.batchnorm_forward(x, gamma, beta, params)
    assert params["running_mean"] is not before_mean
    np.testing.assert_array_equal(before_mean, np.ones(3))
    np.testing.assert_array_equal(before_var, np.full(3, 2.0))


def test_test_mode_uses_running_statistics(norm_ref):
    """Does test mode normalize with running_mean / running_var and leave them as they
    were, so that a single example gets the same output alone or in a batch?"""
    x, gamma, beta = make_batch(3, 9, 4)
    running_mean, running_var = np.arange(4.0), np.array([0.5, 1.0, 2.0, 4.0])
    params = {"mode": "test", "running_mean": running_mean, "running_var": running_var}
    out, cache = norm_ref.batchnorm_forward(x, gamma, beta, params)
    expected = gamma * (x - running_mean) / np.sqrt(running_var + 1e-5) + beta
    np.testing.assert_allclose(out, expected, rtol=VALUE_RTOL)
    np.testing.assert_array_equal(params["running_mean"], np.arange(4.0))
    alone, _ = norm_ref.batchnorm_forward(x[2:3], gamma, beta, params)
    np.testing.assert_allclose(alone[0], out[2], rtol=VALUE_RTOL)
    assert cache is None


def test_train_then_test_mode_approaches_the_data_statistics(norm_ref):
    """After many training batches from one distribution, does test mode standardize
    data of that distribution (output mean near beta, std near gamma)?"""
    rng = np.random.default_rng(4)
    mean, std = np.array([5.0, -2.0, 0.0]), np.array([3.0, 0.5, 1.0])
    gamma, beta = np.ones(3), np.zeros(3)
    params = {"mode": "train"}
    for _ in range(200):
        norm_ref.batchnorm_forward(mean + std * rng.standard_normal((64, 3)), gamma, beta,
                                   params)
    params["mode"] = "test"
    out, _ = norm_ref.batchnorm_forward(mean + std * rng.standard_normal((5000, 3)), gamma,
                                        beta, params)
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=0.1)
    np.testing.assert_allclose(out.std(axis=0), 1.0, atol=0.1)


def test_inputs_are_not_modified(norm_ref):
    """Are x, gamma and beta left untouched by the forward and both backward passes?"""
    x, gamma, beta = make_batch(5, 8, 3)
    copies = [x.copy(), gamma.copy(), beta.copy()]
    out, cache = norm_ref.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    dout = np.ones_like(out)
    norm_ref.batchnorm_backward(dout, cache)
    norm_ref.batchnorm_backward_alt(dout, cache)
    for original, copy in zip((x, gamma, beta), copies, strict=True):
        np.testing.assert_array_equal(original, copy)


# ----- batch norm backward ---------------------------------------------------------------
@pytest.mark.parametrize("backward", BACKWARDS)
@pytest.mark.parametrize(("seed", "N", "D"), [(20, 4, 5), (21, 12, 3), (22, 2, 2), (23, 1, 3)])
def test_backward_matches_numerical_gradient(norm_ref, backward, seed, N, D):
    """Do dx, dgamma and dbeta agree with centered differences of the train-mode forward?"""
    x, gamma, beta = make_batch(seed, N, D)
    dout = np.random.default_rng(seed + 100).standard_normal((N, D))

    def forward(x_, gamma_, beta_):
        return norm_ref.batchnorm_forward(x_, gamma_, beta_, {"mode": "train"})[0]

    _, cache = norm_ref.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    dx, dgamma, dbeta = getattr(norm_ref, backward)(dout, cache)
    num_dx = eval_numerical_gradient_array(lambda v: forward(v, gamma, beta), x, dout)
    num_dgamma = eval_numerical_gradient_array(lambda v: forward(x, v, beta), gamma, dout)
    num_dbeta = eval_numerical_gradient_array(lambda v: forward(x, gamma, v), beta, dout)
    np.testing.assert_allclose(dx, num_dx, rtol=GRAD_RTOL, atol=GRAD_ATOL)
    np.testing.assert_allclose(dgamma, num_dgamma, rtol=GRAD_RTOL, atol=GRAD_ATOL)
    np.testing.assert_allclose(dbeta, num_dbeta, rtol=GRAD_RTOL, atol=GRAD_ATOL)


@pytest.mark.parametrize(("N", "D"), [(3, 2), (64, 17), (500, 100)])
def test_alt_equals_graph_backward(norm_ref, N, D):
    """Does the closed-form backward equal the graph backward up to rounding?"""
    x, gamma, beta = make_batch(30, N, D)
    dout = np.random.default_rng(31).standard_normal((N, D))
    _, cache = norm_ref.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    for graph, alt in zip(norm_ref.batchnorm_backward(dout, cache),
                          norm_ref.batchnorm_backward_alt(dout, cache), strict=True):
        np.testing.assert_allclose(alt, graph, rtol=1e-9, atol=1e-12)


def test_dx_sums_to_zero_over_the_batch(norm_ref):
    """Is every column of dx summing to 0 (the output ignores shifts of a whole column)?"""
    x, gamma, beta = make_batch(32, 30, 4)
    dout = np.random.default_rng(33).standard_normal((30, 4))
    _, cache = norm_ref.batchnorm_forward(x, gamma, beta, {"mode": "train"})
    dx, _, _ = norm_ref.batchnorm_backward_alt(dout, cache)
    np.testing.assert_allclose(dx.sum(axis=0), 0.0, atol=1e-12)


# ----- layer norm ------------------------------------------------------------------------
@pytest.mark.parametrize(("N", "D"), [(1, 4), (6, 1), (10, 7)])
def test_layernorm_forward_matches_numpy(norm_ref, N, D):
    """Does layer norm standardize every row with numpy's mean and biased variance?"""
    x, gamma, beta = make_batch(40, N, D)
    out, _ = norm_ref.layernorm_forward(x, gamma, beta, {})
    np.testing.assert_allclose(out, gamma * standardize(x, 1, 1e-5) + beta, rtol=VALUE_RTOL,
                               atol=1e-12)


def test_layernorm_is_independent_of_the_batch(norm_ref):
    """Does an example get the same output alone and in a batch, with or without 'mode'?"""
    x, gamma, beta = make_batch(41, 8, 5)
    out, _ = norm_ref.layernorm_forward(x, gamma, beta, {"mode": "train"})
    alone, _ = norm_ref.layernorm_forward(x[3:4], gamma, beta, None)
    np.testing.assert_allclose(alone[0], out[3], rtol=VALUE_RTOL)


def test_layernorm_reads_eps(norm_ref):
    """Does ln_param['eps'] replace the default 1e-5?"""
    x = np.array([[0.0, 2e-3]])
    ones, zeros = np.ones(2), np.zeros(2)
    default, _ = norm_ref.layernorm_forward(x, ones, zeros, {})
    custom, _ = norm_ref.layernorm_forward(x, ones, zeros, {"eps": 1e-2})
    np.testing.assert_allclose(default[0], HALF_GAP / np.sqrt(1e-6 + 1e-5), rtol=1e-12)
    np.testing.assert_allclose(custom[0], HALF_GAP / np.sqrt(1e-6 + 1e-2), rtol=1e-12)


@pytest.mark.parametrize(("seed", "N", "D"), [(50, 4, 5), (51, 3, 12), (52, 1, 2)])
def test_layernorm_backward_matches_numerical_gradient(norm_ref, seed, N, D):
    """Do layer norm's dx, dgamma and dbeta agree with centered differences?"""
    x, gamma, beta = make_batch(seed, N, D)
    dout = np.random.default_rng(seed + 100).standard_normal((N, D))

    def forward(x_, gamma_, beta_):
        return norm_ref.layernorm_forward(x_, gamma_, beta_, {})[0]

    _, cache = norm_ref.layernorm_forward(x, gamma, beta, {})
    dx, dgamma, dbeta = norm_ref.layernorm_backward(dout, cache)
    np.testing.assert_allclose(dx, eval_numerical_gradient_array(
        lambda v: forward(v, gamma, beta), x, dout), rtol=GRAD_RTOL, atol=GRAD_ATOL)
    np.testing.assert_allclose(dgamma, eval_numerical_gradient_array(
        lambda v: forward(x, v, beta), gamma, dout), rtol=GRAD_RTOL, atol=GRAD_ATOL)
    np.testing.assert_allclose(dbeta, eval_numerical_gradient_array(
        lambda v: forward(x, gamma, v), beta, dout), rtol=GRAD_RTOL, atol=GRAD_ATOL)


def test_layernorm_is_batchnorm_of_the_transpose(norm_ref):
    """With gamma = 1 and beta = 0, is layer norm of x batch norm of x.T, transposed, and
    likewise for dx?"""
    x, _, _ = make_batch(53, 6, 9)
    dout = np.random.default_rng(54).standard_normal((6, 9))
    ln_out, ln_cache = norm_ref.layernorm_forward(x, np.ones(9), np.zeros(9), {})
    bn_out, bn_cache = norm_ref.batchnorm_forward(x.T, np.ones(6), np.zeros(6),
                                                  {"mode": "train"})
    np.testing.assert_allclose(ln_out, bn_out.T, rtol=1e-12, atol=1e-13)
    ln_dx = norm_ref.layernorm_backward(dout, ln_cache)[0]
    bn_dx = norm_ref.batchnorm_backward_alt(dout.T, bn_cache)[0]
    np.testing.assert_allclose(ln_dx, bn_dx.T, rtol=1e-9, atol=1e-12)


# ----- bad input -------------------------------------------------------------------------
@pytest.mark.parametrize(("call", "words"), [
    (lambda m: m.batchnorm_forward(np.ones((3, 2)), np.ones(2), np.zeros(2), {}), "mode"),
    (lambda m: m.batchnorm_forward(np.ones((3, 2)), np.ones(3), np.zeros(2),
                                   {"mode": "train"}), "(2,)"),
    (lambda m: m.batchnorm_forward(np.ones(3), np.ones(3), np.zeros(3),
                                   {"mode": "train"}), "(N, D)"),
    (lambda m: m.batchnorm_forward(np.ones((3, 2)), np.ones(2), np.zeros(2),
                                   {"mode": "test", "running_mean": np.zeros(5)}), "(5,)"),
    (lambda m: m.batchnorm_forward(np.ones((3, 2)), np.ones(2), np.zeros(2),
                                   {"mode": "train", "momentum": 1.5}), "momentum"),
    (lambda m: m.layernorm_forward(np.ones((3, 2)), np.ones(2), np.zeros(2), {"eps": -1}),
     "eps"),
    (lambda m: m.batchnorm_backward(np.ones((4, 2)), {"x": np.ones((3, 2))}), "(3, 2)"),
    (lambda m: m.batchnorm_backward_alt(np.ones((3, 2)), None), "train mode"),
])
def test_bad_input_raises_a_clear_value_error(norm_ref, call, words):
    """Does bad input raise ValueError naming what is wrong (the key, or the shapes)?"""
    with pytest.raises(ValueError) as info:
        call(norm_ref)
    assert words in str(info.value)
