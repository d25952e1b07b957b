# selftest: mutant
# description: kfold whose training part is every sample, the validation fold included
# expect-lose: kfold
# expect-feedback: in both train_idx and val_idx
import numpy as np


def kfold(n_samples, n_splits=5, *, shuffle=False, rng=None):
    order = rng.permutation(n_samples) if shuffle else np.arange(n_samples)
    folds, start = [], 0
    for k in range(n_splits):
        size = n_samples // n_splits + (1 if k < n_samples % n_splits else 0)
        folds.append((np.arange(n_samples), np.sort(order[start:start + size])))
        start += size
    return folds
