# selftest: mutant
# description: kfold with N // K samples in every fold: the last N % K samples are never validated
# expect-lose: kfold
# expect-feedback: never in a validation fold
import numpy as np


def kfold(n_samples, n_splits=5, *, shuffle=False, rng=None):
    order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)
    size = n_samples // n_splits
    folds = []
    for k in range(n_splits):
        val = np.sort(order[k * size:(k + 1) * size])
        folds.append((np.setdiff1d(np.arange(n_samples), val), val))
    return folds
