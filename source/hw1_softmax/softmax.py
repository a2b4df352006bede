"""A linear softmax classifier: its loss, its gradient and minibatch training.

Notation (the lecture's, with the batch stored row by row):

* ``X: (N, D)`` holds N examples x^(i) as rows. The bias is folded into the weights: the
  last column of X is all ones (see ``append_bias``), so the last row of W is the bias b.
* ``W: (D, C)`` holds one weight vector w_j per class as its columns.
* ``y: (N,)`` holds integer labels y^(i) in [0, C).
* The class scores are ``a = X @ W`` with shape (N, C): a_j(x^(i)) = w_j^T x^(i).

The softmax turns the scores of example i into class probabilities

    softmax_j(x^(i)) = exp(a_j(x^(i))) / sum_k exp(a_k(x^(i)))

and the loss is the average negative log-probability of the true classes plus an L2
penalty on the weights (the bias row is included; it is part of W):

    L(W) = (1/N) sum_i [ log sum_k exp(a_k(x^(i))) - a_{y^(i)}(x^(i)) ] + reg * sum(W * W)

Write the parts marked ``# YOUR CODE HERE``; everything else is given.
"""

from __future__ import annotations

import sys

import numpy as np
from tqdm import tqdm


def append_bias(X: np.ndarray) -> np.ndarray:
    """Append a column of ones to X so that the last row of W acts as the bias.

    Args:
        X: (N, d) data, or any (N, ...) array (it is flattened to (N, d) first).

    Returns:
        (N, d + 1) float array; the input is not modified.
    """
    X = np.asarray(X)
    if X.ndim < 2:
        raise ValueError(f"append_bias expects X of shape (N, d), got shape {X.shape}")
    flat = X.reshape(X.shape[0], -1)
    return np.hstack([flat, np.ones((flat.shape[0], 1), dtype=np.result_type(flat, 1.0))])


def check_problem(W: np.ndarray, X: np.ndarray, y: np.ndarray) -> None:
    """Raise ValueError, naming the shapes, unless W (D, C), X (N, D), y (N,) fit together."""
    W, X, y = np.asarray(W), np.asarray(X), np.asarray(y)
    if W.ndim != 2:
        raise ValueError(f"W must have shape (D, C), got shape {W.shape}")
    if X.ndim != 2:
        raise ValueError(f"X must have shape (N, D), got shape {X.shape}")
    if X.shape[1] != W.shape[0]:
        raise ValueError(f"X has shape {X.shape} but W has shape {W.shape}: X.shape[1] must "
                         "equal W.shape[0] (did you forget append_bias?)")
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape (N,) = ({X.shape[0]},), got shape {y.shape}")
    if y.size and not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must hold integer class labels, got dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= W.shape[1]):
        raise ValueError(f"labels in y must lie in [0, C) = [0, {W.shape[1]}), "
                         f"got values from {y.min()} to {y.max()}")
    if X.shape[0] == 0:
        raise ValueError("X holds no examples (N = 0): the average loss is undefined")


def softmax_loss_naive(W: np.ndarray, X: np.ndarray, y: np.ndarray,
                       reg: float) -> tuple[float, np.ndarray]:
    """Softmax loss and its gradient, written with explicit Python loops.

    Args:
        W: (D, C) weights, one column per class.
        X: (N, D) examples as rows (bias column included).
        y: (N,) integer labels in [0, C).
        reg: L2 regularization strength.

    Returns:
        loss: the scalar L(W) defined in the module docstring.
        dW: (D, C) gradient of the loss with respect to W.

    What to compute, one example i at a time:

    1. the scores a_j = w_j^T x^(i) for j = 0, ..., C - 1 (w_j is column j of W);
    2. shift them by their maximum, a - max(a): the softmax does not change, and the
       exponentials can no longer overflow (scores of 1e4 would otherwise give inf);
    3. add log sum_k exp(a_k) - a_{y^(i)} to the loss;
    4. for every class j, add (softmax_j(x^(i)) - [j == y^(i)]) * x^(i) to column j of
       dW, where [j == y^(i)] is 1 for the true class and 0 otherwise.

    Then divide both by N, and add reg * sum(W * W) to the loss and 2 * reg * W to dW.
    Do not modify W, X or y.
    """
    check_problem(W, X, y)
    loss = 0.0
    dW = np.zeros(W.shape, dtype=np.result_type(W, 1.0))
    ### BEGIN SOLUTION
    N, C = X.shape[0], W.shape[1]
    for i in range(N):
        scores = np.zeros(C, dtype=dW.dtype)
        for j in range(C):
            scores[j] = X[i] @ W[:, j]
        scores = scores - np.max(scores)
        exp_scores = np.exp(scores)
        normalizer = np.sum(exp_scores)
        loss += np.log(normalizer) - scores[y[i]]
        for j in range(C):
            prob = exp_scores[j] / normalizer
            indicator = 1.0 if j == y[i] else 0.0
            dW[:, j] += (prob - indicator) * X[i]
    loss /= N
    dW /= N
    loss += reg * np.sum(W * W)
    dW += 2 * reg * W
    ### END SOLUTION
    return float(loss), dW


def softmax_loss_vectorized(W: np.ndarray, X: np.ndarray, y: np.ndarray,
                            reg: float) -> tuple[float, np.ndarray]:
    """Softmax loss and its gradient without any Python loop.

    Same inputs and outputs as ``softmax_loss_naive`` (W: (D, C), X: (N, D), y: (N,)), and
    the same numbers up to rounding. Work on whole arrays instead:

    * scores = X @ W has shape (N, C); subtract each row's maximum (``keepdims=True``);
    * the log-probabilities are the shifted scores minus log sum_k exp(...) of their row;
    * pick the true class of every row at once with ``log_probs[np.arange(N), y]``;
    * the gradient of the averaged loss with respect to the scores is
      (probs - one_hot(y)) / N, an (N, C) array; the chain rule through scores = X @ W
      turns it into dW with one matrix product.

    Do not forget the regularization, and do not modify W, X or y.
    """
    check_problem(W, X, y)
    loss = 0.0
    dW = np.zeros(W.shape, dtype=np.result_type(W, 1.0))
    ### BEGIN SOLUTION
    N = X.shape[0]
    rows = np.arange(N)
    scores = X @ W
    shifted = scores - np.max(scores, axis=1, keepdims=True)
    log_probs = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    loss = -np.mean(log_probs[rows, y]) + reg * np.sum(W * W)
    dscores = np.exp(log_probs)
    dscores[rows, y] -= 1.0
    dscores /= N
    dW = (dscores.T @ X).T + 2 * reg * W  # = X.T @ dscores, but reads X row by row
    ### END SOLUTION
    return float(loss), dW


class SoftmaxClassifier:
    """A linear classifier trained with minibatch stochastic gradient descent.

    Attributes:
        W: (D, C) weights, or None until ``train`` initializes them (or you assign them).
    """

    def __init__(self) -> None:
        self.W: np.ndarray | None = None

    def train(self, X: np.ndarray, y: np.ndarray, learning_rate: float = 1e-3,
              reg: float = 1e-5, num_iters: int = 100, batch_size: int = 200,
              seed: int | None = None, verbose: bool = False) -> list[float]:
        """Fit W by minibatch SGD on the softmax loss.

        Args:
            X: (N, D) training examples (bias column included).
            y: (N,) integer labels in [0, C); C is taken as max(y) + 1.
            learning_rate: the step size of every update.
            reg: L2 regularization strength.
            num_iters: how many updates to take.
            batch_size: examples per minibatch, drawn with replacement.
            seed: seed of the random generator (initial weights and minibatches).
            verbose: show a progress bar with the current loss.

        Returns:
            loss_history: num_iters floats, the minibatch loss before each update.

        The generator and the initial weights are given. In each iteration:

        1. draw the minibatch indices with ``idx = rng.choice(N, size=batch_size,
           replace=True)`` (exactly this call, so that a seed always gives the same run)
           and take X_batch = X[idx], y_batch = y[idx];
        2. compute the batch loss and gradient with ``softmax_loss_vectorized``;
        3. append the loss to loss_history;
        4. step against the gradient: W <- W - learning_rate * dW.
        """
        X, y = np.asarray(X), np.asarray(y)
        if X.ndim != 2 or y.shape != (X.shape[0],):
            raise ValueError(f"train expects X (N, D) and y (N,), got shapes {X.shape} "
                             f"and {y.shape}")
        if X.shape[0] == 0:
            raise ValueError("train needs at least one example, got N = 0")
        if batch_size < 1 or num_iters < 0:
            raise ValueError(f"batch_size must be >= 1 and num_iters >= 0, got "
                             f"batch_size={batch_size}, num_iters={num_iters}")
        if not np.issubdtype(y.dtype, np.integer) or np.min(y) < 0:
            raise ValueError(f"y must hold non-negative integer labels, got dtype {y.dtype}")
        N, D = X.shape
        C = int(np.max(y)) + 1
        rng = np.random.default_rng(seed)
        if self.W is None:
            self.W = 0.001 * rng.standard_normal((D, C))
        elif self.W.shape[0] != D:
            raise ValueError(f"self.W has shape {self.W.shape} but X has shape {X.shape}: "
                             "they do not fit together")

        loss_history: list[float] = []
        progress = tqdm(range(num_iters), desc="SoftmaxClassifier.train", disable=not verbose,
                        file=sys.stdout, mininterval=0.5)
        for it in progress:
            ### BEGIN SOLUTION
            idx = rng.choice(N, size=batch_size, replace=True)
            X_batch, y_batch = X[idx], y[idx]
            loss, dW = softmax_loss_vectorized(self.W, X_batch, y_batch, reg)
            loss_history.append(loss)
            self.W = self.W - learning_rate * dW
            ### END SOLUTION
            if verbose and (it % 10 == 0 or it == num_iters - 1):
                progress.set_postfix(loss=f"{loss_history[-1]:.4f}", refresh=False)
        return loss_history

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Predict labels for examples.

        Args:
            X: (N, D) examples (bias column included).

        Returns:
            y_pred: (N,) integers, the class with the highest score for each example.
        """
        if self.W is None:
            raise ValueError("the classifier has no weights yet: call train (or set W) first")
        X = np.asarray(X)
        if X.ndim != 2 or X.shape[1] != self.W.shape[0]:
            raise ValueError(f"predict expects X of shape (N, {self.W.shape[0]}) to match W "
                             f"{self.W.shape}, got shape {X.shape}")
        y_pred = np.zeros(X.shape[0], dtype=np.int64)
        ### BEGIN SOLUTION
        y_pred = np.argmax(X @ self.W, axis=1)
        ### END SOLUTION
        return y_pred
