# selftest: mutant
# description: stratified_kfold that is plain k-fold on the samples (ignores the classes)
# expect-lose: stratified_kfold
# expect-feedback: spread every class evenly
import numpy as np


def stratified_kfold(y, n_splits=5, *, shuffle=False, rng=None):
    n = len(y)
    order = rng.permutation(n) if shuffle else np.arange(n)
    folds, start = [], 0
    for k in range(n_splits):
        size = n // n_splits + (1 if k < n % n_splits else 0)
        val = np.sort(order[start:start + size])
        folds.append((np.setdiff1d(np.arange(n), val), val))
        start += size
    return folds
