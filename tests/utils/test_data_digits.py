"""Tests of load_digits and load_dataset("digits") (offline, scikit-learn's bundled data)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import load_digits as sklearn_digits

from utils.data import load_dataset, load_digits

PARTS = ("train", "val", "test")


@pytest.fixture(scope="module")
def digits() -> dict:
    return load_digits()


@pytest.fixture(scope="module")
def default_split() -> dict:
    return load_dataset("digits")


@pytest.fixture(scope="module")
def raw_split() -> dict:
    return load_dataset("digits", subtract_mean=False)


def _sorted_rows(X: np.ndarray) -> np.ndarray:
    """Rows of X (N, D) in lexicographic order, to compare multisets of rows."""
    return X[np.lexsort(X.T[::-1])]


def test_load_digits_matches_scikit_learn_scaled_to_unit_range(digits):
    """Is X (1797, 64) float64 equal to scikit-learn's pixels / 16, with int64 labels?"""
    reference = sklearn_digits()
    assert digits["X"].shape == (1797, 64) and digits["X"].dtype == np.float64
    assert digits["y"].shape == (1797,) and digits["y"].dtype == np.int64
    assert np.array_equal(digits["X"], reference.data / reference.data.max())
    assert digits["X"].min() == 0.0 and digits["X"].max() == 1.0
    assert np.array_equal(digits["y"], reference.target)
    assert digits["class_names"] == [str(c) for c in range(10)]
    assert digits["image_shape"] == reference.images.shape[1:]


def test_default_split_sizes_and_dtypes(default_split):
    """Are the default sets 1257 / 180 / 180 rows of 64 float64 features with int64 labels
    (180 more digits are held out for the grader)?"""
    sizes = {part: default_split[f"X_{part}"].shape for part in PARTS}
    assert sizes == {"train": (1257, 64), "val": (180, 64), "test": (180, 64)}
    for part in PARTS:
        assert default_split[f"X_{part}"].dtype == np.float64
        assert default_split[f"y_{part}"].dtype == np.int64
        assert default_split[f"y_{part}"].shape == (sizes[part][0],)
    assert default_split["class_names"] == [str(c) for c in range(10)]
    assert default_split["image_shape"] == (8, 8)


def test_sets_and_heldout_partition_the_whole_dataset(raw_split, digits):
    """Do the three sets and the grader's held-out digits together hold every image exactly
    once (as a multiset of rows)?"""
    from autograder.model_credit import digits_heldout_split
    from utils.data import load_dataset

    X_held, y_held = digits_heldout_split()
    X_held = X_held + load_dataset("digits")["mean"]
    X = np.concatenate([raw_split[f"X_{part}"] for part in PARTS] + [X_held])
    y = np.concatenate([raw_split[f"y_{part}"] for part in PARTS] + [y_held])
    assert np.allclose(_sorted_rows(np.column_stack([X, y])),
                       _sorted_rows(np.column_stack([digits["X"], digits["y"]])), atol=1e-12)


@pytest.mark.parametrize("part", PARTS)
def test_each_set_is_stratified(part, raw_split, digits):
    """Does every class get its share of each set, within one image?"""
    y_part = raw_split[f"y_{part}"]
    share = len(y_part) * np.bincount(digits["y"]) / len(digits["y"])
    assert np.all(np.abs(np.bincount(y_part, minlength=10) - share) <= 1.0)


def test_same_seed_same_arrays_other_seed_other_arrays():
    """Is the split a function of the seed (equal for equal seeds, different otherwise)?"""
    a, b, c = (load_dataset("digits", seed=s) for s in (7, 7, 8))
    for key in ("X_train", "y_train", "X_val", "X_test", "mean"):
        assert np.array_equal(a[key], b[key])
    assert not np.array_equal(a["y_train"], c["y_train"])


def test_mean_subtraction_uses_the_training_mean(default_split, raw_split):
    """Is the training set's per-feature mean (D,) subtracted from all three sets?"""
    mean = raw_split["X_train"].mean(axis=0)
    assert default_split["mean"].shape == (64,)
    assert np.allclose(default_split["mean"], mean, rtol=0, atol=1e-15)
    assert np.allclose(default_split["X_train"].mean(axis=0), 0.0, rtol=0, atol=1e-12)
    for part in PARTS:
        expected = raw_split[f"X_{part}"] - mean
        assert np.allclose(default_split[f"X_{part}"], expected, rtol=0, atol=1e-15)


def test_without_mean_subtraction_pixels_stay_in_unit_range(raw_split):
    """With subtract_mean=False, is the mean all zeros and every pixel in [0, 1]?"""
    assert np.array_equal(raw_split["mean"], np.zeros(64))
    for part in PARTS:
        assert raw_split[f"X_{part}"].min() >= 0.0 and raw_split[f"X_{part}"].max() <= 1.0


def test_flatten_false_keeps_images(default_split):
    """Does flatten=False give (N, 8, 8) images with the same pixels and an (8, 8) mean?"""
    images = load_dataset("digits", flatten=False)
    assert images["X_train"].shape == (1257, 8, 8)
    assert images["X_test"].shape == (180, 8, 8)
    assert images["mean"].shape == (8, 8)
    assert np.array_equal(images["X_val"].reshape(180, 64), default_split["X_val"])


def test_float32_dtype_is_applied_everywhere():
    """Does dtype=np.float32 give float32 sets and mean?"""
    data = load_dataset("digits", dtype=np.float32)
    assert {data[key].dtype for key in ("X_train", "X_val", "X_test", "mean")} == {
        np.dtype(np.float32)
    }


@pytest.mark.parametrize(("num_train", "num_val", "num_test"), [(100, 20, 50), (15, 5, 12)])
def test_smaller_sizes_take_stratified_subsets_of_the_default_sets(
    num_train, num_val, num_test, raw_split
):
    """Is each smaller set a class-balanced subset of the corresponding default set?"""
    small = load_dataset(
        "digits", num_train=num_train, num_val=num_val, num_test=num_test, subtract_mean=False
    )
    for part, n in zip(PARTS, (num_train, num_val, num_test), strict=True):
        assert small[f"X_{part}"].shape == (n, 64)
        pool = {row.tobytes() for row in raw_split[f"X_{part}"]}
        assert all(row.tobytes() in pool for row in small[f"X_{part}"])
        share = n * np.bincount(raw_split[f"y_{part}"]) / len(raw_split[f"y_{part}"])
        assert np.all(np.abs(np.bincount(small[f"y_{part}"], minlength=10) - share) < 1.0)


def test_empty_validation_set_is_allowed():
    """Does num_val=0 give an empty (0, 64) validation set?"""
    data = load_dataset("digits", num_val=0)
    assert data["X_val"].shape == (0, 64) and data["y_val"].shape == (0,)


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"name": "mnist"}, "unknown dataset 'mnist'"),
        ({"num_train": 1258}, "num_train=1258 is too large"),
        ({"num_val": 181}, "num_val=181 is too large"),
        ({"num_test": 361}, "num_test=361 is too large"),
        ({"num_train": -1}, "num_train must be at least 0"),
        ({"num_train": 2.5}, "num_train must be a whole number"),
        ({"num_train": 0}, "num_train >= 1"),
        ({"dtype": np.int32}, "floating"),
    ],
    ids=["name", "train", "val", "test", "negative", "fraction", "zero_train", "dtype"],
)
def test_bad_arguments_raise_clear_value_errors(kwargs, words):
    """Is each bad argument refused with a ValueError that names it?"""
    with pytest.raises(ValueError, match=words):
        load_dataset(**kwargs)


def test_dataset_names_are_forgiving_about_case_and_dashes():
    """Are "Digits" and "DIGITS" the same dataset as "digits"?"""
    a = load_dataset("Digits", num_train=10, num_val=0, num_test=0)
    b = load_dataset("DIGITS", num_train=10, num_val=0, num_test=0)
    assert np.array_equal(a["X_train"], b["X_train"])


def test_digits_read_directly_equal_scikit_learns_loader():
    """Does reading the bundled CSV give exactly scikit-learn's digits (scaled to [0, 1])?"""
    from sklearn.datasets import load_digits as sklearn_digits

    from utils.data import load_digits

    ours, theirs = load_digits(), sklearn_digits()
    np.testing.assert_array_equal(ours["X"], theirs.data / 16.0)
    np.testing.assert_array_equal(ours["y"], theirs.target)
    assert ours["image_shape"] == theirs.images.shape[1:]


def test_shipped_default_split_is_scikit_learns():
    """Are the shipped seed-0 pools exactly what scikit-learn's stratified split gives?"""
    from utils.data import load_digits
    from utils.data.dataset import DEFAULT_POOLS, sklearn_digits_pools

    y = load_digits()["y"]
    with np.load(DEFAULT_POOLS) as shipped:
        for part, expected in zip(("train", "val", "test", "heldout"),
                                  sklearn_digits_pools(y, 0), strict=True):
            np.testing.assert_array_equal(shipped[part], expected)


def test_loading_data_does_not_import_scikit_learn():
    """Does load_dataset("digits") with the default seed avoid importing scikit-learn?"""
    import subprocess
    import sys

    code = ("import sys, utils.data as d; d.load_dataset('digits'); "
            "print('sklearn' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr
