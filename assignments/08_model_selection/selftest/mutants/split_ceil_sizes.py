# selftest: mutant
# description: train_val_test_split with math.ceil sizes (0.07 * 100 = 7.000000000000001 becomes 8)
# expect-lose: train_val_test_split
# expect-feedback: nearest
import math

import numpy as np


def train_val_test_split(n_samples, *, val_fraction, test_fraction, rng):
    n_test = math.ceil(test_fraction * n_samples)
    n_val = math.ceil(val_fraction * n_samples)
    if n_test + n_val >= n_samples:
        raise ValueError("no training sample")
    p = rng.permutation(n_samples)
    return np.sort(p[n_test + n_val:]), np.sort(p[n_test:n_test + n_val]), np.sort(p[:n_test])
