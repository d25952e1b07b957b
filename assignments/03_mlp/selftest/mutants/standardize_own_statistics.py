# selftest: mutant
# description: standardize ignores the given mean and std and always uses x's own (the test set's) statistics
# expect-lose: standardize
# expect-feedback: its own statistics
import numpy as np


def standardize(x, mean=None, std=None):
    x = np.asarray(x, dtype=np.float64)
    constant = np.ptp(x, axis=0) == 0
    mean = np.where(constant, x[0], x.mean(axis=0))
    std = np.where(constant, 1.0, x.std(axis=0))
    return (x - mean) / std, mean, std
