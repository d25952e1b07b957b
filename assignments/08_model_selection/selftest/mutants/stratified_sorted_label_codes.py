# selftest: mutant
# description: stratified_kfold numbering the classes in sorted label order instead of by first appearance
# expect-lose: stratified_kfold
# expect-feedback: sorted label order
import numpy as np


def stratified_kfold(y, n_splits=5, *, shuffle=False, rng=None):
    y = np.asarray(y)
    classes, codes = np.unique(y, return_inverse=True)
    codes = codes.reshape(-1)
    dealt = np.sort(codes)
    allocation = np.stack([np.bincount(dealt[k::n_splits], minlength=len(classes)) for k in range(n_splits)])
    fold_of = np.empty(len(y), dtype=np.int64)
    for c in range(len(classes)):
        labels = np.repeat(np.arange(n_splits), allocation[:, c])
        fold_of[codes == c] = rng.permutation(labels) if shuffle else labels
    return [(np.flatnonzero(fold_of != k), np.flatnonzero(fold_of == k)) for k in range(n_splits)]
