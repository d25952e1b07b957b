# selftest: mutant
# description: train_val_test_split cutting the permutation in the order train, val, test
# expect-lose: train_val_test_split
# expect-feedback: order train, val, test
import numpy as np


def train_val_test_split(n_samples, *, val_fraction, test_fraction, rng):
    n_test = int(np.floor(test_fraction * n_samples + 0.5))
    n_val = int(np.floor(val_fraction * n_samples + 0.5))
    n_train = n_samples - n_test - n_val
    if n_train < 1:
        raise ValueError("no training sample")
    p = rng.permutation(n_samples)
    return np.sort(p[:n_train]), np.sort(p[n_train:n_train + n_val]), np.sort(p[n_train + n_val:])
