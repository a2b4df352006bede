"""Tests of the reference's saved model that earns hw2's accuracy credit."""

from __future__ import annotations

from pathlib import Path

from autograder.model_credit import (
    accuracy_fraction,
    digits_heldout_split,
    saved_model_accuracy,
)
from autograder.suite import load_reference

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "source" / "hw2_fcnet"


def test_reference_model_earns_full_credit():
    """Does the committed best_model.npz reach at least 0.975 accuracy on the held-out
    digits, so that the reference gets the full accuracy credit?"""
    fc_net = load_reference(SOURCE, ["layers", "activations", "fc_net"]).fc_net
    X_test, y_test = digits_heldout_split()
    accuracy = saved_model_accuracy(SOURCE / "best_model.npz", fc_net.FullyConnectedNet,
                                    X_test, y_test)
    assert accuracy >= 0.975
    assert accuracy_fraction(accuracy, chance=0.1, target=0.97) == 1.0
