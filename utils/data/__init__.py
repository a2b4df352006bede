"""Datasets for the assignments.

``load_dataset("digits")`` works offline (scikit-learn's bundled 8x8 digits);
``load_dataset("cifar10")`` downloads CIFAR-10 once (about 163 MB) into a cache
folder (``$NNDL_DATA`` or ``~/.cache/nndl``) and reads it from there afterwards.
Every failure to provide a dataset raises :class:`DatasetError` with the reason.
"""

from utils.data.cache import default_cache_dir
from utils.data.cifar10 import CIFAR10_MD5, CIFAR10_URL, load_cifar10
from utils.data.dataset import DATASET_NAMES, load_dataset
from utils.data.digits import load_digits
from utils.data.errors import DatasetError
from utils.data.split import stratified_subsample

__all__ = [
    "CIFAR10_MD5",
    "CIFAR10_URL",
    "DATASET_NAMES",
    "DatasetError",
    "default_cache_dir",
    "load_cifar10",
    "load_dataset",
    "load_digits",
    "stratified_subsample",
]
