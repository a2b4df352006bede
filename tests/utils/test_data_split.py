"""Tests of utils.data.split.stratified_subsample."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from utils.data import stratified_subsample


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.integers(0, 4), min_size=1, max_size=60),
    st.data(),
    st.integers(0, 2**32 - 1),
)
def test_subsample_keeps_class_shares_within_one(labels, data, seed):
    """For any labels and n, are n sorted distinct indices drawn, each class near its share?"""
    y = np.array(labels)
    n = data.draw(st.integers(0, len(y)))
    idx = stratified_subsample(y, n, np.random.default_rng(seed))
    assert idx.shape == (n,) and idx.dtype == np.int64
    assert np.all(np.diff(idx) > 0)
    assert idx.size == 0 or (idx[0] >= 0 and idx[-1] < len(y))
    share = n * np.bincount(y, minlength=5) / len(y)
    assert np.all(np.abs(np.bincount(y[idx], minlength=5) - share) < 1.0)


def test_subsample_is_deterministic_for_a_seed():
    """Do two generators with the same seed pick the same indices?"""
    y = np.random.default_rng(0).integers(0, 10, size=500)
    a = stratified_subsample(y, 123, np.random.default_rng(5))
    b = stratified_subsample(y, 123, np.random.default_rng(5))
    assert np.array_equal(a, b)


def test_taking_everything_keeps_the_order():
    """Is n == N the identity selection arange(N)?"""
    y = np.array([2, 0, 1, 1, 0])
    assert np.array_equal(stratified_subsample(y, 5, np.random.default_rng(0)), np.arange(5))


@pytest.mark.parametrize("n", [-1, 6])
def test_impossible_sizes_are_refused(n):
    """Is asking for fewer than 0 or more than N entries a ValueError naming both numbers?"""
    with pytest.raises(ValueError, match=f"cannot pick {n} entries out of 5"):
        stratified_subsample(np.zeros(5, dtype=int), n, np.random.default_rng(0))
