# selftest: mutant
# description: stratified_kfold splitting each class into K blocks on its own with np.array_split
# expect-lose: stratified_kfold
# expect-feedback: each class split into K blocks on its own
import numpy as np


def stratified_kfold(y, n_splits=5, *, shuffle=False, rng=None):
    y = np.asarray(y)
    fold_of = np.empty(len(y), dtype=np.int64)
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        if shuffle:
            members = rng.permutation(members)
        for k, block in enumerate(np.array_split(members, n_splits)):
            fold_of[block] = k
    return [(np.flatnonzero(fold_of != k), np.flatnonzero(fold_of == k)) for k in range(n_splits)]
