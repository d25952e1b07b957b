# selftest: mutant
# description: kfold that ignores shuffle=True (consecutive blocks of 0..N-1 always)
# expect-lose: kfold
# expect-feedback: shuffle was ignored
import numpy as np


def kfold(n_samples, n_splits=5, *, shuffle=False, rng=None):
    folds, start = [], 0
    for k in range(n_splits):
        size = n_samples // n_splits + (1 if k < n_samples % n_splits else 0)
        val = np.arange(start, start + size)
        folds.append((np.setdiff1d(np.arange(n_samples), val), val))
        start += size
    return folds
