"""Grading real-looking student code fairly: each bug costs points once, on the function
that has it; accepted conventions earn full marks with a note; values that cannot be used
are the student's error; messages say what the numbers show; degenerate answers earn
nothing. Each case is the reference solution with a student's edit, graded by the real
runner (student code in the sandbox) on the tests named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from autograder import runner

ROOT = Path(__file__).resolve().parents[2]
SUITES: dict[str, runner.LoadedSuite] = {}


def grade(hw: str, tmp_path: Path, edits: dict[str, list[tuple[str, str]]],
          tests: list[str]) -> dict[str, runner.TestResult]:
    """Grade the reference of ``hw`` with ``edits`` (file -> [(find, replace)], find
    "" appends) on the tests named ``tests`` (file.function)."""
    if hw not in SUITES:
        SUITES[hw] = runner.load(hw)
    suite = SUITES[hw]
    folder = tmp_path / "submission"
    shutil.copytree(ROOT / "source" / hw, folder)
    for name, changes in edits.items():
        text = (folder / name).read_text()
        for find, replace in changes:
            if find:
                assert find in text, f"{find!r} is not in {name}"
                text = text.replace(find, replace)
            else:
                text += replace
        (folder / name).write_text(text)
    chosen = [t for t in suite.tests if t.name in tests]
    assert len(chosen) == len(tests), "a test named here does not exist"
    result = runner.grade(runner.LoadedSuite(suite.assignment, chosen, suite.reference), folder)
    assert not result.grader_errors, [r.message for r in result.grader_errors]
    return {r.name: r for r in result.results}


def wrap(module_function: str, body: str) -> str:
    """Code appended to a module that replaces ``function`` by a wrapper around it."""
    return (f"\n\n_original = {module_function}\n\n\n"
            f"def {module_function}(*args, **kwargs):\n"
            f"    value = _original(*args, **kwargs)\n{body}\n")


# ----- values that cannot be used are the student's error ------------------------------
@pytest.mark.parametrize(("body", "needle"), [
    ("    return 10**400, value[1]", "integer of about 400 digits"),
    ("    return np.float64(np.inf), value[1]", "is inf (not finite)"),
    ("    return np.float32('nan'), value[1]", "is nan (not finite)"),
    ("    return str(value[0]), value[1]", "should be a number"),
    ("    return value[0], value[1].astype(str)", "dtype"),
])
def test_unusable_loss_values_are_reported_as_the_students(tmp_path, body, needle):
    """Does a loss the grader cannot use (a 400-digit int, inf or nan as numpy scalars,
    text) cost the test with a plain message, never an internal grader error?"""
    results = grade("hw1_softmax", tmp_path, {"softmax.py": [("", wrap(
        "softmax_loss_vectorized", body))]}, ["softmax.vectorized_matches"])
    result = results["softmax.vectorized_matches"]
    assert result.score == 0 and needle in result.message
    assert "internal" not in result.message and "np.float" not in result.message


@pytest.mark.parametrize("history", [
    "[str(v) for v in value[1]]", "[value[1]]", "[[[v]] for v in value[1][:-1]] + [[1.0, 2.0]]",
    "{'losses': value[1]}", "[10**500] * len(value[1])",
])
def test_unusable_histories_are_reported_as_the_students(tmp_path, history):
    """Is a loss history of strings, a nested or ragged list, a dict or huge integers the
    student's error on every test that reads it?"""
    results = grade("hw1_softmax", tmp_path, {"gradient_descent.py": [("", wrap(
        "minibatch_sgd", f"    return value[0], {history}"))]},
        ["gradient_descent.sgd_matches_reference", "gradient_descent.sgd_reduces_loss"])
    for result in results.values():
        assert result.score == 0 and "loss_history" in result.message


def test_deeply_nested_return_value_is_the_students(tmp_path):
    """Is a weight vector nested 300 lists deep (it cannot travel) the student's error?"""
    body = "    w = value[0]\n    for _ in range(300):\n        w = [w]\n    return w, value[1]"
    results = grade("hw1_softmax", tmp_path, {"gradient_descent.py": [("", wrap(
        "minibatch_sgd", body))]}, ["gradient_descent.sgd_reduces_loss"])
    assert results["gradient_descent.sgd_reduces_loss"].score == 0


# ----- a "reduces the loss" test judges the returned weights ----------------------------
def test_returning_w0_with_the_real_history_earns_nothing(tmp_path):
    """Does minibatch_sgd that records the right falling losses but returns w0 lose the
    'reduces the loss' points, with a message about the returned w?"""
    results = grade("hw1_softmax", tmp_path, {"gradient_descent.py": [(
        "    return w, loss_history\n", "    return w0, loss_history\n")]},
        ["gradient_descent.sgd_reduces_loss"])
    result = results["gradient_descent.sgd_reduces_loss"]
    assert result.score == 0 and "at the returned w" in result.message


# ----- "no loops" follows what the function runs ----------------------------------------
@pytest.mark.parametrize("code", [
    "\n\ndef _loss(W, X, y, reg):\n    return softmax_loss_naive(W, X, y, reg)\n\n\n"
    "def softmax_loss_vectorized(W, X, y, reg):\n    helper = _loss\n"
    "    return helper(W, X, y, reg)\n",
    "\n\nfast = softmax_loss_naive\nsoftmax_loss_vectorized = fast\n",
])
def test_a_vectorized_loss_that_runs_the_loop_is_not_loop_free(tmp_path, code):
    """Does the 'no loops' test see the naive loop reached through a helper or an alias,
    and name it?"""
    results = grade("hw1_softmax", tmp_path, {"softmax.py": [("", code)]},
                    ["softmax.vectorized_has_no_loops", "softmax.vectorized_matches"])
    assert results["softmax.vectorized_matches"].score > 0  # the values are right
    result = results["softmax.vectorized_has_no_loops"]
    assert result.score == 0 and "softmax_loss_naive" in result.message


# ----- hints read from the numbers ---------------------------------------------------------
def test_a_loss_not_averaged_says_n_times(tmp_path):
    """Does a naive loss summed over the batch say it is N times the expected value?"""
    results = grade("hw1_softmax", tmp_path, {"softmax.py": [("    loss /= N\n", "")]},
                    ["softmax.naive_loss_small"])
    assert "exactly N = 5 times the expected value" in results["softmax.naive_loss_small"].message


def test_a_missing_regularization_gradient_is_named(tmp_path):
    """Does a vectorized gradient without the regularization term say that term is
    missing?"""
    results = grade("hw1_softmax", tmp_path, {"softmax.py": [(
        "dW = (dscores.T @ X).T + 2 * reg * W", "dW = (dscores.T @ X).T")]},
        ["softmax.vectorized_matches"])
    assert "regularization gradient" in results["softmax.vectorized_matches"].message


def test_a_missing_bias_is_named(tmp_path):
    """Does an affine layer without its bias say the bias is missing?"""
    results = grade("hw2_fcnet", tmp_path, {"layers.py": [("    out += b\n", "")]},
                    ["layers.affine_forward_small"])
    assert "exactly the bias b" in results["layers.affine_forward_small"].message


# ----- each bug costs points once, on the function that has it -------------------------
def test_a_wrong_cache_layout_of_the_students_own_is_accepted(tmp_path):
    """Does an affine pair whose cache is (x, w) only (the backward reads just that) earn
    the backward points, with a note?"""
    results = grade("hw2_fcnet", tmp_path, {"layers.py": [
        ("    cache = (x, w, b)\n    return out, cache",
         "    cache = (x, w)\n    return out, cache"),
        ("    x, w, b = cache\n", "    x, w = cache\n")]},
        ["layers.affine_backward_small", "layers.affine_forward_small"])
    for result in results.values():
        assert result.passed
    assert "own forward pass" in results["layers.affine_backward_small"].message


def test_a_sigmoid_bug_is_not_charged_to_softplus(tmp_path):
    """Does a softplus_backward that reuses a buggy sigmoid_forward keep its points (with a
    note) while the sigmoid tests lose theirs?"""
    results = grade("hw2_fcnet", tmp_path, {"activations.py": [(
        "out = np.where(x >= 0, 1, e) / (1 + e)",
        "out = np.where(x >= 0, 1, e) / (1 + e) + 0.01")]},
        ["activations.softplus_backward", "activations.sigmoid_forward"])
    assert results["activations.softplus_backward"].passed
    assert "your sigmoid_forward" in results["activations.softplus_backward"].message
    assert results["activations.sigmoid_forward"].score == 0


def test_a_layer_bug_is_not_charged_to_the_network(tmp_path):
    """Does a network built right on a buggy affine_backward (db averaged) keep its points,
    while affine_backward loses its own?"""
    results = grade("hw2_fcnet", tmp_path, {"layers.py": [(
        "db = dout.sum(axis=0)", "db = dout.mean(axis=0)")]},
        ["fc_net.net_loss_and_gradients", "fc_net.sandwich_backward",
         "layers.affine_backward_small"])
    assert results["fc_net.net_loss_and_gradients"].passed
    assert results["fc_net.sandwich_backward"].passed
    assert results["layers.affine_backward_small"].score == 0
    assert "1/N" in results["layers.affine_backward_small"].message


def test_a_dropout_forward_bug_is_not_charged_to_the_backward_pass(tmp_path):
    """Does dropout_backward (dout * mask) keep its points when the forward pass forgets to
    divide by p?"""
    results = grade("hw4_bn_dropout", tmp_path, {"dropout.py": [(
        "mask = (rng.random(x.shape) < p) / p", "mask = (rng.random(x.shape) < p) * 1.0")]},
        ["dropout.dropout_backward_mask", "dropout.dropout_train_exact"])
    assert results["dropout.dropout_backward_mask"].passed
    assert results["dropout.dropout_train_exact"].score == 0


def test_a_dropout_that_never_drops_earns_nothing_on_its_tests(tmp_path):
    """Does a train mode that returns x unchanged lose the test-mode and the
    self-consistency points too?"""
    results = grade("hw4_bn_dropout", tmp_path, {"dropout.py": [(
        "mask = (rng.random(x.shape) < p) / p", "mask = np.ones_like(x)")]},
        ["dropout.dropout_test_mode", "dropout.dropout_backward_numerical"])
    for result in results.values():
        assert result.score == 0 and "drops no unit" in result.message


# ----- accepted conventions, each with a note -------------------------------------------
@pytest.mark.parametrize(("file", "edits", "tests", "note"), [
    ("activations.py", [("dx = dout * (x > 0)", "dx = np.where(x < 0, 0.0, dout)")],
     ["activations.relu_backward"], "slope from the right"),
    ("activations.py", [("dx = np.where(x > 0, dout, alpha * dout)",
                         "dx = dout * np.where(x >= 0, 1.0, alpha)")],
     ["activations.leaky_relu_backward"], "slope from the right"),
    ("activations.py", [("dx = np.where(x > 0, dout, dout * (out + alpha))",
                         "dx = dout * np.where(x < 0, alpha * np.exp(np.minimum(x, 0)), 1.0)")],
     ["activations.elu_backward"], "slope from the right"),
])
def test_either_slope_at_a_kink(tmp_path, file, edits, tests, note):
    """Does an activation whose derivative at exactly 0 is the right-hand one earn full
    marks, with a note saying which slope was found?"""
    results = grade("hw2_fcnet", tmp_path, {file: edits}, tests)
    for result in results.values():
        assert result.passed and note in result.message


@pytest.mark.parametrize(("edit", "rule", "note"), [
    (("v_hat / np.sqrt(a_hat + config[\"epsilon\"])",
      "v_hat / (config[\"epsilon\"] + a_hat ** 0.5)"), "adam", "PyTorch"),
    (("dw / np.sqrt(grad_sq_avg + config[\"epsilon\"])",
      "dw / (config[\"epsilon\"] + np.sqrt(grad_sq_avg))"), "rmsprop", "PyTorch"),
    (("dw / np.sqrt(grad_sq_sum + config[\"epsilon\"])",
      "dw / (np.sqrt(grad_sq_sum) + config[\"epsilon\"])"), "adagrad", "PyTorch"),
])
def test_epsilon_outside_the_square_root_is_accepted(tmp_path, edit, rule, note):
    """Does an optimizer with epsilon outside the square root earn every point of its
    tests, each saying which convention was found?"""
    names = [f"optim.{rule}_{kind}" for kind in ("first_steps", "small_gradients",
                                                 "config_state")]
    results = grade("hw3_optim", tmp_path, {"optim.py": [edit]}, names)
    for result in results.values():
        assert result.passed, result.message
    assert note in results[f"optim.{rule}_small_gradients"].message


def test_epsilon_squared_is_still_wrong(tmp_path):
    """Is an Adam that adds epsilon squared (neither convention) still caught?"""
    results = grade("hw3_optim", tmp_path, {"optim.py": [(
        "v_hat / np.sqrt(a_hat + config[\"epsilon\"])",
        "v_hat / np.sqrt(a_hat + config[\"epsilon\"] ** 0.5)")]}, ["optim.adam_small_gradients"])
    assert results["optim.adam_small_gradients"].score == 0


# ----- rounding: N = 1, one feature, values in the thousands -------------------------------
def test_batchnorm_closed_form_of_another_shape_passes_the_edge_cases(tmp_path):
    """Does a correct closed form written from x - mean (rounding differently from the
    reference) pass N=1, one feature and inputs in the thousands?"""
    code = ("    xc = cache['x'] - cache['mean']\n    istd = (var + eps) ** -0.5\n"
            "    dx = gamma * istd * (dout - dout.mean(axis=0) - xc * istd**2 * "
            "(dout * xc).mean(axis=0))\n")
    results = grade("hw4_bn_dropout", tmp_path, {"normalization.py": [(
        "    scale = gamma / (N * np.sqrt(var + eps))\n"
        "    dx = scale * (N * dout - dbeta - xhat * dgamma)\n", code)]},
        ["normalization.bn_alt_edge_cases", "normalization.bn_alt_matches",
         "normalization.bn_alt_is_a_closed_form"])
    for result in results.values():
        assert result.passed, result.message


# ----- feedback shows the notes ---------------------------------------------------------------
def test_notes_reach_the_feedback(tmp_path):
    """Do the table, results.json and the nbgrader cell summary show a passed test's note?"""
    from autograder import report

    suite = runner.load("hw2_fcnet")
    folder = tmp_path / "s"
    shutil.copytree(ROOT / "source" / "hw2_fcnet", folder)
    path = folder / "activations.py"
    path.write_text(path.read_text().replace("dx = dout * (x > 0)", "dx = dout * (x >= 0)"))
    chosen = [t for t in suite.tests if t.name == "activations.relu_backward"]
    result = runner.grade(runner.LoadedSuite(suite.assignment, chosen, suite.reference), folder)
    assert "slope from the right" in report.table(result)
    assert "slope from the right" in report.gradescope_json(result)["tests"][0]["output"]
    assert "slope from the right" in report.cell_summary(result)


def test_a_loss_bug_is_not_charged_to_training(tmp_path):
    """Does SoftmaxClassifier.train, right on top of a vectorized loss whose gradient is
    not averaged, keep its points (with a note) while the loss loses its own?"""
    results = grade("hw1_softmax", tmp_path, {"softmax.py": [("    dscores /= N\n", "")]},
                    ["softmax.classifier_first_steps", "softmax.classifier_training_run",
                     "softmax.vectorized_matches"])
    for name in ("softmax.classifier_first_steps", "softmax.classifier_training_run"):
        assert results[name].passed and "your own softmax_loss_vectorized" in results[
            name].message
    assert results["softmax.vectorized_matches"].score == 0
