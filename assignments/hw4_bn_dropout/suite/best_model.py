"""Graded test of the best model: accuracy credit for the network saved by best_model.ipynb.

The saved parameters are loaded into the REFERENCE network class (so only the trained
parameters are judged) and scored in test mode on the digits that ``load_dataset`` holds
out, shipped with the grader (``autograder.model_credit.digits_heldout_split``): students
never get them, their notebooks keep a test split of their own.
"""

from __future__ import annotations

from autograder import expect
from autograder.model_credit import (
    accuracy_fraction,
    digits_heldout_split,
    saved_model_accuracy,
)
from autograder.suite import graded

CHANCE = 0.1  # ten classes
TARGET = 0.97  # full points from here on (scikit-learn's MLPClassifier gets about 0.975)


@graded(points=10, cell="test_best_model", tags=["best_model"])
def best_model_accuracy(student, ref):
    """best_model.npz: accuracy of your saved best network on held-out digits (full points
    at 0.97)"""
    path = student.submitted_file("best_model.npz")
    if not path.is_file():
        expect.fail("best_model.npz is missing from your submission: not implemented yet "
                    "(run the last section of best_model.ipynb, which trains and saves your "
                    "best network, and submit best_model.npz with your code)")
    X_test, y_test = digits_heldout_split()
    accuracy = saved_model_accuracy(path, ref.fc_net.FullyConnectedNet, X_test, y_test)
    fraction = accuracy_fraction(accuracy, chance=CHANCE, target=TARGET)
    expect.true(fraction > 0, f"your saved network's test accuracy is {accuracy:.3f}, no "
                f"better than chance ({CHANCE:.2f})")
    return fraction
