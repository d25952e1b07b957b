# selftest: alternative
# description: kfold with np.array_split (its first N % K chunks are the larger ones) and np.setdiff1d; the permutation from rng.shuffle of an arange
import numpy as np


def kfold(n_samples, n_splits=5, *, shuffle=False, rng=None):
    if not 2 <= n_splits <= n_samples:
        raise ValueError("need 2 <= n_splits <= n_samples")
    order = np.arange(n_samples)
    if shuffle:
        rng.shuffle(order)  # the same draws as rng.permutation(n_samples)
    everything = np.arange(n_samples)
    return [(np.setdiff1d(everything, block), np.sort(block)) for block in np.array_split(order, n_splits)]
