"""Graded tests of softmax.py: the loss and gradient (naive, vectorized) and the classifier."""

from __future__ import annotations

import numpy as np

from autograder import expect
from autograder.expect import Failure
from autograder.sandbox.student import StudentError
from autograder.static import describe_chain, loop_lines
from autograder.suite import graded

NAIVE = "softmax.softmax_loss_naive"
VECTORIZED = "softmax.softmax_loss_vectorized"
ARG_NAMES = {"0": "W", "1": "X", "2": "y"}


def problem(seed: int, N: int, D: int, C: int, scale: float = 1.0):
    """Seeded W (D, C), X (N, D) with a trailing bias column of ones, y (N,)."""
    rng = np.random.default_rng(seed)
    W = 0.01 * rng.standard_normal((D, C))
    X = scale * rng.standard_normal((N, D))
    X[:, -1] = 1.0
    y = rng.integers(0, C, size=N)
    return W, X, y


def compare_loss(student, ref, name: str, seed: int, N: int, D: int, C: int, reg: float,
                 scale: float = 1.0, grad: bool = True) -> None:
    """The student's (loss, dW) equals the reference's on one seeded problem."""
    W, X, y = problem(seed, N, D, C, scale)
    W *= scale
    label = f"{name.rpartition('.')[2]} (N={N}, D={D}, C={C}, reg={reg:g})"
    out = expect.sequence(student.call(name, W, X, y, reg), 2, label)
    expect.not_mutated(student, label, ARG_NAMES)
    loss, dW = out
    ref_loss, ref_dW = ref.softmax.softmax_loss_vectorized(W, X, y, reg)
    loss = expect.scalar(loss, f"the loss of {label}")
    reg_loss = {"regularization term reg * sum(W * W)": reg * np.sum(W * W)}
    expect.close(f"the loss of {label}", loss, ref_loss, rtol=1e-7, N=N, terms=reg_loss,
                 hint="average the cross-entropy over the N examples and add reg * sum(W * W)")
    if grad:
        dW = expect.array(dW, f"dW of {label}", shape=W.shape)
        expect.close(f"dW of {label}", dW, ref_dW, rtol=1e-6, N=N,
                     terms={"regularization gradient 2 * reg * W": 2 * reg * W},
                     hint="the gradient of reg * sum(W * W) is 2 * reg * W; average over N")


# ----- naive ---------------------------------------------------------------------
@graded(points=2, cell="test_softmax_loss_naive", tags=[NAIVE.split(".")[1]], visible=True)
def naive_loss_small(student, ref):
    """softmax_loss_naive: the loss on a small batch, no regularization"""
    compare_loss(student, ref, NAIVE, seed=0, N=5, D=4, C=3, reg=0.0, grad=False)


@graded(points=3, cell="test_softmax_loss_naive", tags=[NAIVE.split(".")[1]], visible=True)
def naive_gradient_small(student, ref):
    """softmax_loss_naive: the gradient dW on a small batch, no regularization"""
    compare_loss(student, ref, NAIVE, seed=1, N=5, D=4, C=3, reg=0.0)


@graded(points=3, cell="test_softmax_loss_naive", tags=[NAIVE.split(".")[1]])
def naive_with_regularization(student, ref):
    """softmax_loss_naive: loss and gradient with L2 regularization"""
    compare_loss(student, ref, NAIVE, seed=2, N=20, D=7, C=5, reg=0.1)
    compare_loss(student, ref, NAIVE, seed=3, N=13, D=6, C=4, reg=2.5)


@graded(points=2, cell="test_softmax_loss_naive", tags=[NAIVE.split(".")[1]])
def naive_edge_cases(student, ref):
    """softmax_loss_naive: one example (N=1), two classes (C=2), scores large enough to
    overflow exp"""
    compare_loss(student, ref, NAIVE, seed=4, N=1, D=3, C=4, reg=0.05)
    compare_loss(student, ref, NAIVE, seed=5, N=9, D=5, C=2, reg=0.0)
    compare_loss(student, ref, NAIVE, seed=6, N=6, D=4, C=3, reg=0.0, scale=300.0)


# ----- vectorized ------------------------------------------------------------------
@graded(points=3, cell="test_softmax_loss_vectorized", tags=[VECTORIZED.split(".")[1]],
        visible=True)
def vectorized_matches(student, ref):
    """softmax_loss_vectorized: loss and gradient on batches of several shapes"""
    for seed, (N, D, C, reg) in enumerate([(5, 4, 3, 0.0), (50, 11, 10, 0.1), (1, 3, 2, 0.0),
                                           (200, 65, 10, 1e-3)]):
        compare_loss(student, ref, VECTORIZED, seed=10 + seed, N=N, D=D, C=C, reg=reg)


@graded(points=3, cell="test_softmax_loss_vectorized", tags=[VECTORIZED.split(".")[1]])
def vectorized_numerically_stable(student, ref):
    """softmax_loss_vectorized: stable for scores large enough to overflow exp (about 1e4)"""
    try:
        compare_loss(student, ref, VECTORIZED, seed=20, N=30, D=6, C=5, reg=0.0, scale=300.0)
    except Failure as exc:
        raise Failure(f"{exc}\nHint: shift each row of scores by its maximum before exp; "
                      "this does not change the softmax") from None


@graded(points=2, cell="test_softmax_loss_vectorized", tags=[VECTORIZED.split(".")[1]])
def vectorized_matches_numerical_gradient(student, ref):
    """softmax_loss_vectorized: dW agrees with a numerical gradient of your own loss"""
    W, X, y = problem(30, N=8, D=4, C=3)
    reg, h = 0.3, 1e-5
    _, dW = expect.sequence(student.call(VECTORIZED, W, X, y, reg), 2, "softmax_loss_vectorized")
    dW = expect.array(dW, "dW", shape=W.shape)
    numeric = np.zeros_like(W)
    for idx in np.ndindex(*W.shape):
        plus, minus = W.copy(), W.copy()
        plus[idx] += h
        minus[idx] -= h
        f_plus = expect.scalar(student.call(VECTORIZED, plus, X, y, reg)[0], "loss")
        f_minus = expect.scalar(student.call(VECTORIZED, minus, X, y, reg)[0], "loss")
        numeric[idx] = (f_plus - f_minus) / (2 * h)
    expect.nontrivial("the numerical gradient of your loss", numeric,
                      ref.softmax.softmax_loss_vectorized(W, X, y, reg)[1],
                      "the loss must depend on W")
    expect.close("dW against the numerical gradient of your loss", dW, numeric, rtol=1e-6,
                 hint="your loss and gradient disagree: one of them is inconsistent")


@graded(points=2, cell="test_softmax_loss_vectorized", tags=[VECTORIZED.split(".")[1]])
def vectorized_has_no_loops(student, ref):
    """softmax_loss_vectorized: written without Python loops"""
    path = student.submitted_file("softmax.py")
    if not path.is_file():
        expect.fail("softmax.py is missing from your submission")
    try:
        loops = loop_lines(path, "softmax_loss_vectorized")
    except SyntaxError as exc:
        expect.fail(f"softmax.py could not be imported: SyntaxError: {exc.msg} "
                    f"(line {exc.lineno})")
    except LookupError:
        expect.fail("softmax.py has no function softmax_loss_vectorized")
    where = sorted({describe_chain(via) for _, via in loops})
    expect.true(not loops, f"softmax_loss_vectorized runs Python loops at line(s) "
                f"{', '.join(str(line) for line, _ in loops)} of softmax.py, in "
                f"{'; '.join(where)}",
                "use matrix products and numpy indexing (e.g. probs[np.arange(N), y]) "
                "instead, without calling the naive version")
    # and it must still be correct: a loop-free stub that returns zeros earns nothing
    compare_loss(student, ref, VECTORIZED, seed=40, N=7, D=5, C=3, reg=0.01)


# ----- classifier -----------------------------------------------------------------
CLASSIFIER = "softmax.SoftmaxClassifier"


def blobs(seed: int, N: int, D: int, C: int, spread: float = 4.0):
    """Separable Gaussian blobs, one per class, with a bias column: X (N, D), y (N,)."""
    rng = np.random.default_rng(seed)
    centers = spread * rng.standard_normal((C, D))
    y = np.arange(N) % C
    X = centers[y] + rng.standard_normal((N, D))
    X[:, -1] = 1.0
    return X, y


def reference_classifier(ref, X, y, **train_kwargs):
    clf = ref.softmax.SoftmaxClassifier()
    history = clf.train(X, y, **train_kwargs)
    return clf, history


TRAIN_NOTE = ("SoftmaxClassifier.train runs minibatch SGD right on your own "
              "softmax_loss_vectorized and is judged right here; that function's own tests "
              "judge it")


def trained_with_own_loss(student, X, y, learning_rate, reg, num_iters, batch_size, seed):
    """(history, W) of the documented training loop run by the grader on the student's
    own softmax_loss_vectorized: what a right ``train`` gives when that loss is wrong (its
    own tests charge it); None when the student's loss cannot be used."""
    rng = np.random.default_rng(seed)
    N, D, C = X.shape[0], X.shape[1], int(np.max(y)) + 1
    W = 0.001 * rng.standard_normal((D, C))
    history = []
    try:
        for _ in range(num_iters):
            idx = rng.choice(N, size=batch_size, replace=True)
            loss, dW = student.call(VECTORIZED, W, X[idx], y[idx], reg)
            history.append(float(loss))
            W = W - learning_rate * np.asarray(dW, dtype=np.float64)
    except (StudentError, TypeError, ValueError, OverflowError):
        return None
    return np.array(history), W


def trained_on_own_loss(student, X, y, history, W, kwargs) -> bool:
    """True when ``history`` and ``W`` are those of the right loop on the student's loss."""
    own = trained_with_own_loss(student, X, y, **kwargs)
    return (own is not None and expect.agrees(history, own[0], 1e-6)
            and expect.agrees(W, own[1], 1e-6))


@graded(points=3, cell="test_softmax_classifier", tags=["SoftmaxClassifier.train"], visible=True)
def classifier_first_steps(student, ref):
    """SoftmaxClassifier.train: initial weights and the first losses for a seed"""
    X, y = blobs(50, N=40, D=6, C=3)
    kwargs = {"learning_rate": 1e-2, "reg": 1e-3, "num_iters": 3, "batch_size": 10, "seed": 7}
    clf = student.new(CLASSIFIER)
    history = clf.call("train", X, y, **kwargs)
    expect.not_mutated(student, "train", {"0": "X", "1": "y"})
    ref_clf, ref_history = reference_classifier(ref, X, y, **kwargs)
    history = expect.numbers(history, "the loss history", shape=(3,))
    W = expect.array(clf.get("W"), "self.W after training", shape=ref_clf.W.shape)
    if not (expect.agrees(history, ref_history, 1e-6) and expect.agrees(W, ref_clf.W, 1e-6)
            ) and trained_on_own_loss(student, X, y, history, W, kwargs):
        return expect.Passed(TRAIN_NOTE)
    expect.close("the loss history (3 iterations)", history, ref_history, rtol=1e-6,
                 hint="initialize W = 0.001 * rng.standard_normal((D, C)) with "
                      "rng = np.random.default_rng(seed), then sample each batch with "
                      "rng.choice(N, size=batch_size, replace=True)")
    expect.close("self.W after 3 iterations", W, ref_clf.W, rtol=1e-6,
                 hint="update W -= learning_rate * dW after computing the batch loss")
    return None


@graded(points=3, cell="test_softmax_classifier", tags=["SoftmaxClassifier.train"])
def classifier_training_run(student, ref):
    """SoftmaxClassifier.train: a longer run matches the reference, step for step"""
    X, y = blobs(51, N=120, D=9, C=4)
    kwargs = {"learning_rate": 5e-2, "reg": 1e-2, "num_iters": 40, "batch_size": 32, "seed": 3}
    clf = student.new(CLASSIFIER)
    history = clf.call("train", X, y, **kwargs)
    ref_clf, ref_history = reference_classifier(ref, X, y, **kwargs)
    history = expect.numbers(history, "the loss history", shape=(40,))
    W = expect.array(clf.get("W"), "self.W", shape=ref_clf.W.shape)
    if not (expect.agrees(history, ref_history, 1e-6) and expect.agrees(W, ref_clf.W, 1e-6)
            ) and trained_on_own_loss(student, X, y, history, W, kwargs):
        return expect.Passed(TRAIN_NOTE)
    expect.close("the loss history (40 iterations)", history, ref_history, rtol=1e-6)
    expect.close("self.W after training", W, ref_clf.W, rtol=1e-6)
    return None


@graded(points=2, cell="test_softmax_classifier", tags=["SoftmaxClassifier.predict"])
def classifier_predict(student, ref):
    """SoftmaxClassifier.predict: labels of the highest score for given weights"""
    rng = np.random.default_rng(60)
    W = rng.standard_normal((7, 5))
    X = rng.standard_normal((33, 7))
    clf = student.new(CLASSIFIER)
    clf.set("W", W)
    pred = expect.array(clf.call("predict", X), "predict(X)", shape=(33,), kind="iu")
    ref_clf = ref.softmax.SoftmaxClassifier()
    ref_clf.W = W
    expect.equal("predict(X)", pred, ref_clf.predict(X), hint="predict the argmax of X @ W")


@graded(points=2, cell="test_softmax_classifier",
        tags=["SoftmaxClassifier.train", "SoftmaxClassifier.predict", VECTORIZED.split(".")[1]])
def classifier_learns(student, ref):
    """SoftmaxClassifier: training then predicting separates well-separated classes"""
    X, y = blobs(70, N=300, D=5, C=3, spread=5.0)
    clf = student.new(CLASSIFIER)
    clf.call("train", X, y, learning_rate=0.1, reg=1e-4, num_iters=150, batch_size=50, seed=0)
    pred = expect.array(clf.call("predict", X), "predict(X)", shape=(300,), kind="iu")
    accuracy = float(np.mean(pred == y))
    expect.true(accuracy >= 0.9, f"training accuracy on separable blobs is {accuracy:.2f} "
                "(should be at least 0.90)")
