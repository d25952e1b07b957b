# selftest: mutant
# description: kfold with shuffle=True returning the validation blocks in permutation order, not sorted
# expect-lose: kfold
# expect-feedback: not sorted ascending
import numpy as np


def kfold(n_samples, n_splits=5, *, shuffle=False, rng=None):
    order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)
    folds, start = [], 0
    for k in range(n_splits):
        size = n_samples // n_splits + (1 if k < n_samples % n_splits else 0)
        val = order[start:start + size].astype(np.int64)
        folds.append((np.setdiff1d(np.arange(n_samples), val), val))
        start += size
    return folds
