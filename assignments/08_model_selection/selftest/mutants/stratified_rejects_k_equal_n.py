# selftest: mutant
# description: stratified_kfold checks its bound off by one, raising for K = N although the docstring allows 2 <= K <= N (leave-one-out of a single class)
# expect-lose: stratified_kfold
# expect-feedback: raised ValueError
import numpy as np

_documented_stratified_kfold = stratified_kfold


def stratified_kfold(y, n_splits=5, *, shuffle=False, rng=None):
    if n_splits >= len(y):
        raise ValueError("stratified_kfold: n_splits must be smaller than the number of samples")
    return _documented_stratified_kfold(y, n_splits, shuffle=shuffle, rng=rng)
