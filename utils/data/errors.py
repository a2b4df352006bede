"""The one exception type the data loaders raise when a dataset cannot be provided."""

from __future__ import annotations

__all__ = ["OFFLINE_HINT", "DatasetError"]

OFFLINE_HINT = 'To work without CIFAR-10, use the embedded dataset: load_dataset("digits").'


class DatasetError(RuntimeError):
    """A dataset could not be downloaded, verified, extracted or read.

    The message names the cause (no connection, HTTP status, checksum mismatch,
    corrupt archive, missing cache folder) and what to do about it.
    """
