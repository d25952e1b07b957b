# selftest: alternative
# description: train_val_test_split with int(x + 0.5) sizes and boolean masks over a permutation from rng.shuffle
import numpy as np


def train_val_test_split(n_samples, *, val_fraction, test_fraction, rng):
    n_test = int(test_fraction * n_samples + 0.5)
    n_val = int(val_fraction * n_samples + 0.5)
    if n_samples - n_test - n_val < 1:
        raise ValueError(f"{n_val} validation and {n_test} test samples leave no training sample")
    order = np.arange(n_samples)
    rng.shuffle(order)
    role = np.zeros(n_samples, dtype=np.int64)  # 0 train, 1 val, 2 test
    role[order[:n_test]] = 2
    role[order[n_test:n_test + n_val]] = 1
    return tuple(np.flatnonzero(role == r) for r in (0, 1, 2))
