"""Tests of the reference softmax.py of hw1 (loss, gradient, classifier).

Loss values are compared with an independent computation (``np.logaddexp.reduce``) and
with closed forms; gradients with centered-difference numerical gradients. Values and
gradients have separate tolerances.
"""

from __future__ import annotations

import numpy as np
import pytest

from utils.gradient_check import eval_numerical_gradient

VALUE_RTOL = 1e-12  # loss against an independent float64 computation
GRAD_RTOL, GRAD_ATOL = 1e-6, 1e-9  # analytic against centered differences (h = 1e-5)
LOSS_FUNCTIONS = ["softmax_loss_naive", "softmax_loss_vectorized"]


def make_problem(seed: int, N: int, D: int, C: int, w_scale: float = 0.1,
                 x_scale: float = 1.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Seeded W (D, C), X (N, D) whose last column is the bias column of ones, y (N,)."""
    rng = np.random.default_rng(seed)
    W = w_scale * rng.standard_normal((D, C))
    X = x_scale * rng.standard_normal((N, D))
    X[:, -1] = 1.0
    y = rng.integers(0, C, size=N)
    return W, X, y


def independent_loss(W: np.ndarray, X: np.ndarray, y: np.ndarray, reg: float) -> float:
    """The regularized mean cross-entropy, computed with numpy's stable log-sum-exp."""
    scores = X @ W
    log_normalizers = np.logaddexp.reduce(scores, axis=1)
    data_loss = np.mean(log_normalizers - scores[np.arange(X.shape[0]), y])
    return float(data_loss + reg * np.sum(W * W))


def separable_blobs(seed: int, N: int, D: int, C: int) -> tuple[np.ndarray, np.ndarray]:
    """Well-separated Gaussian blobs, one per class, with a bias column: X (N, D), y (N,)."""
    rng = np.random.default_rng(seed)
    centers = 5.0 * rng.standard_normal((C, D))
    y = np.arange(N) % C
    X = centers[y] + rng.standard_normal((N, D))
    X[:, -1] = 1.0
    return X, y


# ----- loss values -------------------------------------------------------------------
@pytest.mark.parametrize("name", LOSS_FUNCTIONS)
@pytest.mark.parametrize("reg", [0.0, 0.3])
def test_loss_matches_independent_computation(softmax_ref, name, reg):
    """Does the loss equal numpy's log-sum-exp cross-entropy plus reg * sum(W * W)?"""
    W, X, y = make_problem(0, N=12, D=6, C=4)
    loss, _ = getattr(softmax_ref, name)(W, X, y, reg)
    assert isinstance(loss, float)
    np.testing.assert_allclose(loss, independent_loss(W, X, y, reg), rtol=VALUE_RTOL)


@pytest.mark.parametrize("name", LOSS_FUNCTIONS)
@pytest.mark.parametrize("C", [2, 3, 10])
def test_zero_weights_give_log_c(softmax_ref, name, C):
    """With W = 0 is the loss log(C) and dW = X^T (1/C - one_hot(y)) / N (closed forms)?"""
    _, X, y = make_problem(1, N=7, D=5, C=C)
    W = np.zeros((5, C))
    loss, dW = getattr(softmax_ref, name)(W, X, y, 0.5)
    one_hot = np.eye(C)[y]
    np.testing.assert_allclose(loss, np.log(C), rtol=VALUE_RTOL)
    np.testing.assert_allclose(dW, X.T @ (1.0 / C - one_hot) / X.shape[0], rtol=1e-12,
                               atol=1e-15)


# ----- gradients ----------------------------------------------------------------------
@pytest.mark.parametrize("name", LOSS_FUNCTIONS)
@pytest.mark.parametrize(("seed", "N", "D", "C", "reg"), [
    (2, 8, 5, 3, 0.0),
    (3, 8, 5, 3, 0.7),
    (4, 1, 4, 2, 0.0),
    (5, 20, 6, 10, 1e-2),
])
def test_gradient_matches_numerical(softmax_ref, name, seed, N, D, C, reg):
    """Does dW agree with a centered-difference gradient of the loss, with and without reg?"""
    loss_fn = getattr(softmax_ref, name)
    W, X, y = make_problem(seed, N, D, C, w_scale=0.5)
    _, dW = loss_fn(W, X, y, reg)
    numerical = eval_numerical_gradient(lambda w: loss_fn(w, X, y, reg)[0], W.copy())
    np.testing.assert_allclose(dW, numerical, rtol=GRAD_RTOL, atol=GRAD_ATOL)


# ----- naive == vectorized ---------------------------------------------------------------
@pytest.mark.parametrize(("seed", "N", "D", "C", "reg", "x_scale"), [
    pytest.param(10, 1, 3, 4, 0.0, 1.0, id="single-example"),
    pytest.param(11, 9, 5, 2, 0.0, 1.0, id="two-classes"),
    pytest.param(12, 50, 20, 10, 1e-3, 1.0, id="ten-classes-reg"),
    pytest.param(13, 64, 33, 7, 2.5, 1.0, id="strong-reg"),
    pytest.param(14, 30, 6, 5, 0.0, 1e4, id="scores-1e4"),
    pytest.param(15, 30, 6, 5, 0.1, 1e4, id="scores-1e4-reg"),
])
def test_naive_equals_vectorized(softmax_ref, seed, N, D, C, reg, x_scale):
    """Do the naive and vectorized versions give the same loss and dW on varied shapes?"""
    W, X, y = make_problem(seed, N, D, C, x_scale=x_scale)
    loss_naive, dW_naive = softmax_ref.softmax_loss_naive(W, X, y, reg)
    loss_vec, dW_vec = softmax_ref.softmax_loss_vectorized(W, X, y, reg)
    assert dW_naive.shape == dW_vec.shape == W.shape
    np.testing.assert_allclose(loss_vec, loss_naive, rtol=1e-10)
    np.testing.assert_allclose(dW_vec, dW_naive, rtol=1e-9, atol=1e-12 * x_scale)


@pytest.mark.parametrize("name", LOSS_FUNCTIONS)
def test_large_scores_are_stable(softmax_ref, name):
    """Are loss and dW finite and right for scores of ~1e4, where an unshifted exp overflows?"""
    W, X, y = make_problem(20, N=25, D=6, C=5, w_scale=1.0, x_scale=3e3)
    scores = X @ W
    with np.errstate(over="ignore"):
        assert not np.all(np.isfinite(np.exp(scores))), "the problem should overflow exp"
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        loss, dW = getattr(softmax_ref, name)(W, X, y, 0.0)
    assert np.isfinite(dW).all()
    np.testing.assert_allclose(loss, independent_loss(W, X, y, 0.0), rtol=1e-12)


@pytest.mark.parametrize("name", LOSS_FUNCTIONS)
def test_inputs_are_not_modified(softmax_ref, name):
    """Does the loss leave W, X and y exactly as they were?"""
    W, X, y = make_problem(30, N=10, D=4, C=3, x_scale=50.0)
    copies = (W.copy(), X.copy(), y.copy())
    getattr(softmax_ref, name)(W, X, y, 0.2)
    for before, after in zip(copies, (W, X, y), strict=True):
        np.testing.assert_array_equal(after, before)


@pytest.mark.parametrize("name", LOSS_FUNCTIONS)
@pytest.mark.parametrize(("change", "message"), [
    ("x_too_narrow", "append_bias"),
    ("y_too_short", "y must have shape"),
    ("label_too_large", r"\[0, C\)"),
    ("float_labels", "integer"),
    ("w_one_dimensional", "W must have shape"),
])
def test_bad_inputs_raise_clear_errors(softmax_ref, name, change, message):
    """Does a mismatched W, X or y raise a ValueError that names the problem?"""
    W, X, y = make_problem(31, N=6, D=4, C=3)
    bad = {
        "x_too_narrow": (W, X[:, :-1], y),
        "y_too_short": (W, X, y[:-1]),
        "label_too_large": (W, X, np.full_like(y, 3)),
        "float_labels": (W, X, y.astype(float)),
        "w_one_dimensional": (W[:, 0], X, y),
    }[change]
    with pytest.raises(ValueError, match=message):
        getattr(softmax_ref, name)(*bad, 0.0)


# ----- append_bias -------------------------------------------------------------------------
def test_append_bias(softmax_ref):
    """Does append_bias flatten images, add a final column of ones and keep its input?"""
    images = np.random.default_rng(40).random((4, 8, 8))
    before = images.copy()
    out = softmax_ref.append_bias(images)
    assert out.shape == (4, 65)
    np.testing.assert_array_equal(out[:, -1], np.ones(4))
    np.testing.assert_array_equal(out[:, :-1], before.reshape(4, 64))
    np.testing.assert_array_equal(images, before)
    with pytest.raises(ValueError, match="shape"):
        softmax_ref.append_bias(np.ones(3))


# ----- SoftmaxClassifier ----------------------------------------------------------------------
def test_train_follows_the_random_draw_contract(softmax_ref):
    """Does train draw W0 = 0.001 * normal((D, C)) and then choice(N, batch, replace=True)?"""
    X, y = separable_blobs(50, N=40, D=6, C=3)
    clf = softmax_ref.SoftmaxClassifier()
    history = clf.train(X, y, learning_rate=0.05, reg=1e-3, num_iters=2, batch_size=10, seed=7)
    rng = np.random.default_rng(7)
    W = 0.001 * rng.standard_normal((6, 3))
    expected = []
    for _ in range(2):
        idx = rng.choice(40, size=10, replace=True)
        loss, dW = softmax_ref.softmax_loss_vectorized(W, X[idx], y[idx], 1e-3)
        expected.append(loss)
        W = W - 0.05 * dW
    np.testing.assert_allclose(history, expected, rtol=1e-12)
    np.testing.assert_allclose(clf.W, W, rtol=1e-12)


def test_train_is_deterministic_for_a_seed(softmax_ref):
    """Do two runs with one seed agree exactly, and runs with different seeds differ?"""
    X, y = separable_blobs(51, N=60, D=5, C=4)
    runs = []
    for seed in (3, 3, 4):
        clf = softmax_ref.SoftmaxClassifier()
        runs.append((clf.train(X, y, num_iters=15, batch_size=8, seed=seed), clf.W))
    assert runs[0][0] == runs[1][0]
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    assert runs[0][0] != runs[2][0]


def test_train_keeps_existing_weights(softmax_ref):
    """Does train start from an assigned W (W = 0 gives a first loss of exactly log C)?"""
    X, y = separable_blobs(52, N=30, D=4, C=3)
    clf = softmax_ref.SoftmaxClassifier()
    clf.W = np.zeros((4, 3))
    history = clf.train(X, y, num_iters=3, batch_size=5, reg=0.0, seed=0)
    assert len(history) == 3
    np.testing.assert_allclose(history[0], np.log(3), rtol=1e-12)


def test_train_and_predict_learn_separable_classes(softmax_ref):
    """Does training on well-separated blobs reach >= 95% training accuracy?"""
    X, y = separable_blobs(53, N=300, D=5, C=3)
    clf = softmax_ref.SoftmaxClassifier()
    history = clf.train(X, y, learning_rate=0.1, reg=1e-4, num_iters=150, batch_size=50, seed=0)
    assert np.mean(history[-10:]) < 0.5 * history[0]
    y_pred = clf.predict(X)
    assert y_pred.shape == (300,) and np.issubdtype(y_pred.dtype, np.integer)
    assert np.mean(y_pred == y) >= 0.95


def test_predict_returns_the_highest_scoring_class(softmax_ref):
    """With W = identity, does predict(one-hot rows) return each row's hot index?"""
    C = 6
    clf = softmax_ref.SoftmaxClassifier()
    clf.W = np.eye(C)
    order = np.random.default_rng(54).permutation(C)
    np.testing.assert_array_equal(clf.predict(np.eye(C)[order]), order)


def test_predict_errors(softmax_ref):
    """Does predict explain a missing W and a wrongly shaped X?"""
    clf = softmax_ref.SoftmaxClassifier()
    with pytest.raises(ValueError, match="call train"):
        clf.predict(np.ones((2, 3)))
    clf.W = np.zeros((3, 2))
    with pytest.raises(ValueError, match=r"\(N, 3\)"):
        clf.predict(np.ones((2, 4)))


def test_train_rejects_bad_labels(softmax_ref):
    """Does train reject float labels and mismatched lengths with a ValueError?"""
    X, y = separable_blobs(55, N=20, D=3, C=2)
    clf = softmax_ref.SoftmaxClassifier()
    with pytest.raises(ValueError, match="integer"):
        clf.train(X, y.astype(float), num_iters=1)
    with pytest.raises(ValueError, match="shapes"):
        clf.train(X, y[:-1], num_iters=1)


def test_verbose_progress_goes_to_stdout(softmax_ref, capsys):
    """Does verbose training report progress on stdout and write nothing to stderr?"""
    X, y = separable_blobs(56, N=20, D=3, C=2)
    softmax_ref.SoftmaxClassifier().train(X, y, num_iters=5, batch_size=4, seed=0, verbose=True)
    captured = capsys.readouterr()
    assert "SoftmaxClassifier.train" in captured.out
    assert captured.err == ""
