"""Tests of autograder.degenerate: the trivial answers `course verify` tries."""

from __future__ import annotations

import importlib.util
import sys
import textwrap

import numpy as np
import pytest

from autograder.degenerate import KINDS, Degenerate, degenerates, locate, materialize

MODULE = textwrap.dedent('''
    import numpy as np

    def loss(W, X):
        return float(np.sum(X @ W)), 2 * W + 1

    def forward(x, param):
        param["calls"] = param.get("calls", 0) + 1  # a side effect (like running averages)
        return 3 * x + 1, (x, "tag", 7)

    def step(w, dw, config=None):
        config = {} if config is None else config
        config.setdefault("learning_rate", 0.5)
        config["a"] = config.get("a", np.zeros_like(w)) + dw * dw
        return w - config["learning_rate"] * dw, config

    class Net:
        def __init__(self, n):
            self.params = {"W": np.ones((n, 2)), "b": np.ones(2)}
            self.n = n
            self.trained = False

        def train(self, X):
            self.trained = True
            return [1.0, 0.5, 0.25]

        def predict(self, X):
            return np.argmax(X @ self.params["W"], axis=1)
''')


def load(tmp_path, target: str, kind: str):
    source = tmp_path / "ref"
    source.mkdir(exist_ok=True)
    (source / "mod.py").write_text(MODULE)
    folder = materialize(Degenerate(target, "mod.py", kind), source,
                         tmp_path / f"{target}-{kind}".replace(" ", "_"))
    spec = importlib.util.spec_from_file_location(f"dg_{abs(hash(str(folder)))}",
                                                  folder / "mod.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


W, X = np.ones((3, 2)), np.arange(6.0).reshape(2, 3)


def test_zeros_keep_structure_and_shapes(tmp_path):
    """Do zeros keep tuples, shapes, dtypes, strings and integers, zeroing the numbers?"""
    m = load(tmp_path, "forward", "zeros")
    out, (x, tag, seven) = m.forward(X, {})
    assert out.shape == X.shape and not out.any() and not x.any()
    assert tag == "tag" and seven == 7
    loss, dW = load(tmp_path, "loss", "zeros").loss(W, X)
    assert loss == 0.0 and dW.shape == W.shape and not dW.any()


def test_random_values_differ_from_call_to_call(tmp_path):
    """Are random answers of the right shape and new at every call?"""
    m = load(tmp_path, "loss", "random")
    (_, a), (_, b) = m.loss(W, X), m.loss(W, X)
    assert a.shape == W.shape and not np.array_equal(a, b)


def test_pass_through_returns_the_input(tmp_path):
    """Does pass-through return the input for a layer and w unchanged for an optimizer?"""
    out, _ = load(tmp_path, "forward", "pass-through").forward(X, {})
    np.testing.assert_array_equal(out, X)
    w = np.arange(4.0)
    next_w, config = load(tmp_path, "step", "pass-through").step(w, np.ones(4))
    np.testing.assert_array_equal(next_w, w)
    assert config["learning_rate"] == 0.5  # numbers in dicts (hyper-parameters) are kept


def test_loss_only_keeps_the_loss_and_zeros_the_gradient(tmp_path):
    """Does 'loss only' keep the loss and zero every gradient?"""
    loss, dW = load(tmp_path, "loss", "loss only").loss(W, X)
    assert loss == float(np.sum(X @ W)) and not dW.any()


def test_no_side_effects(tmp_path):
    """Does a degenerate answer leave its arguments alone (no running averages kept)?"""
    param: dict = {}
    load(tmp_path, "forward", "zeros").forward(X, param)
    assert param == {}


def test_methods_and_init(tmp_path):
    """Does a degenerate method leave the object untouched, and a degenerate __init__ keep
    the parameters' structure with degraded values?"""
    m = load(tmp_path, "Net.train", "zeros")
    net = m.Net(3)
    assert net.train(X) == [0.0, 0.0, 0.0] and net.trained is False
    net = load(tmp_path, "Net.__init__", "zeros").Net(3)
    assert set(net.params) == {"W", "b"} and not net.params["W"].any() and net.n == 3
    labels = load(tmp_path, "Net.predict", "random").Net(3).predict(np.ones((4, 3)))
    assert labels.shape == (4,) and labels.dtype.kind == "i"


def test_locate_and_list(tmp_path):
    """Are tags located in their module (functions and methods, not classes or other
    names), with every kind except pass-through and loss only for __init__?"""
    (tmp_path / "mod.py").write_text(MODULE)
    assert locate("loss", ["mod.py"], tmp_path) == "mod.py"
    assert locate("Net.train", ["mod.py"], tmp_path) == "mod.py"
    assert locate("Net", ["mod.py"], tmp_path) is None
    assert locate("best_model", ["mod.py"], tmp_path) is None
    found = degenerates(["loss", "Net.__init__", "best_model"], ["mod.py"], tmp_path)
    assert {(d.target, d.kind) for d in found} == (
        {("loss", k) for k in KINDS} | {("Net.__init__", "zeros"), ("Net.__init__", "random")})


@pytest.mark.parametrize(("hw", "expected"), [
    ("hw1_softmax", {"softmax_loss_naive", "softmax_loss_vectorized", "gradient_descent",
                     "minibatch_sgd", "SoftmaxClassifier.train", "SoftmaxClassifier.predict"}),
    ("hw3_optim", {"sgd_momentum", "sgd_nesterov_momentum", "adagrad", "rmsprop", "adam",
                   "xavier_init", "he_init"}),
])
def test_every_graded_function_of_an_assignment_gets_degenerate_answers(hw, expected):
    """Does every graded function of an assignment get its degenerate answers?"""
    from autograder import runner
    from autograder.paths import source_dir

    suite = runner.load(hw)
    tags = {t for test in suite.tests for t in test.tags}
    found = degenerates(tags, suite.assignment.modules, source_dir(hw))
    assert {d.target for d in found} == expected
    assert len(found) == len(expected) * len(KINDS)
