# selftest: mutant
# description: standardize treating every column with std < 1e-6 as constant (a threshold instead of "all values equal")
# expect-lose: standardize
# expect-feedback: tiny spread was treated as constant
import numpy as np


def standardize(x, mean=None, std=None):
    if (mean is None) != (std is None):
        raise ValueError("standardize: pass both mean and std, or neither")
    x = np.asarray(x, dtype=np.float64)
    if mean is None:
        mean = x.mean(axis=0)
        std = x.std(axis=0)
        std = np.where(std < 1e-6, 1.0, std)
        constant = np.ptp(x, axis=0) == 0
        mean = np.where(constant, x[0], mean)
    return (x - mean) / std, mean, std
