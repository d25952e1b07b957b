# selftest: alternative
# description: stratified_kfold with plain Python loops and dicts: class codes by first appearance, round-robin dealing, blocks per class
import numpy as np


def stratified_kfold(y, n_splits=5, *, shuffle=False, rng=None):
    y = np.asarray(y)
    code_of = {}
    for label in y.tolist():
        if label not in code_of:
            code_of[label] = len(code_of)
    codes = [code_of[label] for label in y.tolist()]
    n_classes = len(code_of)
    allocation = [[0] * n_classes for _ in range(n_splits)]
    for position, code in enumerate(sorted(codes)):
        allocation[position % n_splits][code] += 1
    fold_of = [0] * len(codes)
    for c in range(n_classes):
        labels = []
        for k in range(n_splits):
            labels += [k] * allocation[k][c]
        if shuffle:
            labels = list(rng.permutation(np.array(labels)))
        members = [i for i, code in enumerate(codes) if code == c]
        for i, k in zip(members, labels):
            fold_of[i] = int(k)
    folds = []
    for k in range(n_splits):
        val = np.array([i for i in range(len(codes)) if fold_of[i] == k], dtype=np.int64)
        train = np.array([i for i in range(len(codes)) if fold_of[i] != k], dtype=np.int64)
        folds.append((train, val))
    return folds
