# selftest: mutant
# description: train_val_test_split with Python's round(), which rounds halves to even (round(2.5) = 2)
# expect-lose: train_val_test_split
# expect-feedback: halves up
import numpy as np


def train_val_test_split(n_samples, *, val_fraction, test_fraction, rng):
    n_test = round(test_fraction * n_samples)
    n_val = round(val_fraction * n_samples)
    if n_test + n_val >= n_samples:
        raise ValueError("no training sample")
    p = rng.permutation(n_samples)
    return np.sort(p[n_test + n_val:]), np.sort(p[n_test:n_test + n_val]), np.sort(p[:n_test])
