# selftest: mutant
# description: train_val_test_split with every size truncated by int(): the sizes do not add up to N and samples are lost
# expect-lose: train_val_test_split
# expect-feedback: samples were lost, in none of the three sets
import numpy as np


def train_val_test_split(n_samples, *, val_fraction, test_fraction, rng):
    n_test = int(test_fraction * n_samples)
    n_val = int(val_fraction * n_samples)
    n_train = int((1 - val_fraction - test_fraction) * n_samples)
    if n_train < 1:
        raise ValueError("no training sample")
    p = rng.permutation(n_samples)
    return (np.sort(p[n_test + n_val:n_test + n_val + n_train]), np.sort(p[n_test:n_test + n_val]),
            np.sort(p[:n_test]))
