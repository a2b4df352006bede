"""Helpers of the tests that compare a reference network with the plain chain of its
layers (tests/hw2/test_hw2_fc_net_chain.py, tests/hw4/test_hw4_fc_net_chain.py)."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest


def add_l2_penalty(loss: float, grads: dict[str, np.ndarray], params: dict[str, np.ndarray],
                   reg: float) -> float:
    """The textbook L2 regularization: ``reg * np.sum(W * W)`` added to the loss (returned)
    and ``2 * reg * W`` to each weight gradient (in ``grads``)."""
    for key, W in params.items():
        if key.startswith("W"):
            loss += reg * np.sum(W * W)
            grads[key] = grads[key] + 2 * reg * W
    return float(loss)


def record_affine_inputs(monkeypatch: pytest.MonkeyPatch, fc_net: ModuleType) -> list:
    """The inputs x of every later ``affine_backward`` call that ``fc_net`` makes (its
    sandwiches look the function up in ``fc_net``'s namespace)."""
    inputs: list[np.ndarray] = []
    original = fc_net.affine_backward

    def recording(dout, cache):
        inputs.append(cache[0])
        return original(dout, cache)

    monkeypatch.setattr(fc_net, "affine_backward", recording)
    return inputs
