# selftest: mutant
# description: kfold whose validation blocks overlap by one sample (the next block starts at the last index of the previous)
# expect-lose: kfold
# expect-feedback: overlaps fold
import numpy as np


def kfold(n_samples, n_splits=5, *, shuffle=False, rng=None):
    order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)
    folds, start = [], 0
    for k in range(n_splits):
        size = n_samples // n_splits + (1 if k < n_samples % n_splits else 0)
        val = np.sort(order[max(start - 1, 0):start + size])
        folds.append((np.setdiff1d(np.arange(n_samples), val), val))
        start += size
    return folds
