"""Train / validation / test splits ready for the assignments."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from utils.data.cifar10 import CIFAR10_MD5, CIFAR10_URL, load_cifar10
from utils.data.digits import load_digits
from utils.data.split import stratified_subsample

__all__ = ["DATASET_NAMES", "DIGITS_NUM_HELDOUT", "DIGITS_NUM_TEST", "DIGITS_NUM_VAL",
           "load_dataset"]

DATASET_NAMES = ("digits", "cifar10")
DIGITS_NUM_TEST = 360  # 20 % of 1797, rounded up as scikit-learn does: the test pool of seed 0
DIGITS_NUM_HELDOUT = 180  # of those, kept for the autograder: load_dataset never returns them
DIGITS_NUM_VAL = 180
HELDOUT_SEED = 2024  # draws the held-out half of seed 0's test pool (fixed once and for all)
CIFAR10_NUM_VAL = 1000


def load_dataset(
    name: str = "digits",
    num_train: int | None = None,
    num_val: int | None = None,
    num_test: int | None = None,
    seed: int | None = 0,
    subtract_mean: bool = True,
    flatten: bool = True,
    dtype: Any = np.float64,
    *,
    root: str | os.PathLike[str] | None = None,
    download: bool = True,
    url: str = CIFAR10_URL,
    md5: str = CIFAR10_MD5,
) -> dict[str, Any]:
    """Load a dataset as training, validation and test sets with pixels in [0, 1].

    ``"digits"`` (embedded, offline): 180 of the 1,797 images (a fixed, stratified half
    of seed 0's test pool) are held out for the autograder's accuracy credit and never
    returned, whatever the seed. With ``seed=0``, a stratified 80/20 split of all 1,797
    images (``random_state=0``) gives 1,437 train+val and 360 test images, of which the
    180 not held out are the test set; a second stratified split takes 180 of the 1,437
    for validation, leaving 1,257 for training. Another seed splits the 1,617 images
    that are not held out the same way: 180 test, 180 validation, 1,257 training.
    ``"cifar10"`` (downloaded once, see :func:`load_cifar10`): the last
    ``num_val`` (default 1,000) official training images are the validation set,
    the others (default 49,000) the training set; the 10,000 test images the test set.

    A ``num_*`` smaller than its set's size takes a stratified random subset
    (class proportions kept, drawn with ``np.random.default_rng(seed)``); the same
    arguments always give the same arrays.

    Args:
        name: ``"digits"`` or ``"cifar10"``.
        num_train, num_val, num_test: sizes of the three sets (None = all).
        seed: seed of the splits and subsets.
        subtract_mean: subtract the training set's per-feature mean from all sets.
        flatten: rows (N, D) when True; images (N, 8, 8) or (N, 32, 32, 3) otherwise.
        dtype: floating dtype of the images (np.float32 halves the memory).
        root, download, url, md5: passed on to :func:`load_cifar10`.

    Returns:
        dict with ``X_train`` (N_train, D), ``y_train`` (N_train,) int64, ``X_val``,
        ``y_val``, ``X_test``, ``y_test``, ``mean`` (D,) (zeros when
        ``subtract_mean`` is False; image-shaped when ``flatten`` is False),
        ``class_names`` (list of C str) and ``image_shape``.

    Raises:
        ValueError: unknown name, a ``num_*`` that is negative or larger than the
            data allows, or a non-floating dtype.
        DatasetError: CIFAR-10 could not be downloaded or read.
    """
    key = str(name).lower().replace("-", "").replace("_", "")
    float_dtype = np.dtype(dtype)
    if not np.issubdtype(float_dtype, np.floating):
        raise ValueError(f"dtype must be a floating type such as np.float64, got {float_dtype}")
    if key == "digits":
        raw = _digits_splits(num_train, num_val, num_test, seed)
    elif key == "cifar10":
        raw = _cifar10_splits(
            num_train, num_val, num_test, seed, root=root, download=download, url=url, md5=md5
        )
    else:
        raise ValueError(
            f"unknown dataset {name!r}; choose one of {', '.join(map(repr, DATASET_NAMES))}"
        )
    return _finish(raw, subtract_mean=subtract_mean, flatten=flatten, dtype=float_dtype)


def _digits_splits(
    num_train: int | None, num_val: int | None, num_test: int | None, seed: int | None
) -> dict[str, Any]:
    """Split the digits into fixed stratified pools, then subsample each pool."""
    data = load_digits()
    X, y = data["X"], data["y"]
    train, val, test = digits_pools(y, seed)
    rng = np.random.default_rng(seed)
    pools = {"train": (train, num_train), "val": (val, num_val), "test": (test, num_test)}
    out: dict[str, Any] = {}
    for part, (pool, wanted) in pools.items():
        n = _check_size(f"num_{part}", wanted, len(pool), "digits")
        chosen = pool[stratified_subsample(y[pool], n, rng)]
        out[f"X_{part}"], out[f"y_{part}"] = X[chosen], y[chosen]
    out["class_names"] = data["class_names"]
    out["image_shape"] = data["image_shape"]
    out["scale"] = 1.0  # load_digits already returns [0, 1]
    return out


DEFAULT_POOLS = Path(__file__).with_name("digits_pools_seed0.npz")


def sklearn_digits_pools(y: np.ndarray, seed: int | None) -> tuple[np.ndarray, ...]:
    """(train, val, test, heldout) index pools. ``heldout``: a stratified half of the test
    pool of scikit-learn's stratified 80/20 split with ``random_state=0``, drawn with
    ``HELDOUT_SEED``. For seed 0 the other pools are that split's (test minus the held-out
    half; a stratified validation split of the training part); for another seed, the same
    splits of the images that are not held out."""
    from sklearn.model_selection import train_test_split

    index = np.arange(y.shape[0])
    trainval, test = train_test_split(
        index, test_size=DIGITS_NUM_TEST, stratify=y, random_state=0
    )
    heldout = np.sort(test[stratified_subsample(y[test], DIGITS_NUM_HELDOUT,
                                                np.random.default_rng(HELDOUT_SEED))])
    if seed != 0:
        rest = np.setdiff1d(index, heldout)
        trainval, test = train_test_split(
            rest, test_size=DIGITS_NUM_TEST - DIGITS_NUM_HELDOUT, stratify=y[rest],
            random_state=seed,
        )
    test = np.setdiff1d(test, heldout)
    train, val = train_test_split(
        trainval, test_size=DIGITS_NUM_VAL, stratify=y[trainval], random_state=seed
    )
    return train, val, test, heldout


def digits_pools(y: np.ndarray, seed: int | None) -> tuple[np.ndarray, ...]:
    """The (train, val, test) pools for ``seed``: read from the shipped file for the
    default seed 0 (made by ``write_default_pools`` and checked against scikit-learn by a
    test), computed with scikit-learn otherwise. The held-out images are in none."""
    if seed == 0 and DEFAULT_POOLS.is_file():
        with np.load(DEFAULT_POOLS, allow_pickle=False) as pools:
            return pools["train"], pools["val"], pools["test"]
    return sklearn_digits_pools(y, seed)[:3]


def write_default_pools() -> Path:
    """Regenerate the shipped pools of seed 0 (run after a scikit-learn upgrade)."""
    train, val, test, heldout = sklearn_digits_pools(load_digits()["y"], 0)
    np.savez(DEFAULT_POOLS, train=train, val=val, test=test, heldout=heldout)
    return DEFAULT_POOLS


def _cifar10_splits(
    num_train: int | None,
    num_val: int | None,
    num_test: int | None,
    seed: int | None,
    **cifar_args: Any,
) -> dict[str, Any]:
    """Hold out the last ``num_val`` training images, then subsample train and test."""
    data = load_cifar10(**cifar_args)
    X_all, y_all = data["X_train"], data["y_train"]
    N = y_all.shape[0]
    n_val = _check_size(
        "num_val",
        num_val if num_val is not None else CIFAR10_NUM_VAL,
        N,
        "CIFAR-10 (official training images)",
    )
    pool = N - n_val
    n_train = _check_size(
        "num_train", num_train, pool, f"CIFAR-10 after holding out num_val={n_val}"
    )
    n_test = _check_size("num_test", num_test, data["y_test"].shape[0], "CIFAR-10 test")
    rng = np.random.default_rng(seed)
    train = stratified_subsample(y_all[:pool], n_train, rng)
    test = stratified_subsample(data["y_test"], n_test, rng)
    return {
        "X_train": X_all[train],
        "y_train": y_all[train],
        "X_val": X_all[pool:],
        "y_val": y_all[pool:],
        "X_test": data["X_test"][test],
        "y_test": data["y_test"][test],
        "class_names": data["class_names"],
        "image_shape": data["image_shape"],
        "scale": 255.0,
    }


def _check_size(arg: str, wanted: int | None, available: int, what: str) -> int:
    """Return ``wanted`` (or ``available`` when None) after checking it fits."""
    if wanted is None:
        return available
    if isinstance(wanted, bool) or int(wanted) != wanted:
        raise ValueError(f"{arg} must be a whole number, got {wanted!r}")
    wanted = int(wanted)
    if wanted < 0:
        raise ValueError(f"{arg} must be at least 0, got {wanted}")
    if wanted > available:
        raise ValueError(
            f"{arg}={wanted} is too large: {what} has only {available} images for this set"
        )
    return wanted


def _finish(
    raw: dict[str, Any], *, subtract_mean: bool, flatten: bool, dtype: np.dtype
) -> dict[str, Any]:
    """Scale to [0, 1] in ``dtype``, reshape, and subtract the training mean."""
    image_shape = tuple(raw["image_shape"])
    D = int(np.prod(image_shape))
    out: dict[str, Any] = {}
    for part in ("train", "val", "test"):
        X = raw[f"X_{part}"].astype(dtype)
        X /= dtype.type(raw["scale"])
        N = X.shape[0]
        out[f"X_{part}"] = X.reshape((N, D) if flatten else (N, *image_shape))
        out[f"y_{part}"] = np.asarray(raw[f"y_{part}"], dtype=np.int64)
    feature_shape = out["X_train"].shape[1:]
    if subtract_mean:
        if out["X_train"].shape[0] == 0:
            raise ValueError("subtract_mean=True needs num_train >= 1 (the mean of no images)")
        mean = out["X_train"].mean(axis=0, dtype=np.float64).astype(dtype)
        for part in ("train", "val", "test"):
            out[f"X_{part}"] -= mean
    else:
        mean = np.zeros(feature_shape, dtype=dtype)
    out["mean"] = mean
    out["class_names"] = list(raw["class_names"])
    out["image_shape"] = image_shape
    return out
