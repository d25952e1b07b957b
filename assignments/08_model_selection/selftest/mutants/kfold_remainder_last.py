# selftest: mutant
# description: kfold giving the extra samples to the last N % K folds instead of the first
# expect-lose: kfold
# expect-feedback: first N % K folds get one sample more
import numpy as np


def kfold(n_samples, n_splits=5, *, shuffle=False, rng=None):
    order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)
    folds, start = [], 0
    for k in range(n_splits):
        size = n_samples // n_splits + (1 if k >= n_splits - n_samples % n_splits else 0)
        val = np.sort(order[start:start + size])
        folds.append((np.setdiff1d(np.arange(n_samples), val), val))
        start += size
    return folds
