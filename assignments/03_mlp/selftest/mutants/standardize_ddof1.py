# selftest: mutant
# description: standardize with the sample std (ddof=1) instead of the population std
# expect-lose: standardize
# expect-feedback: ddof=1
import numpy as np


def standardize(x, mean=None, std=None):
    x = np.asarray(x, dtype=np.float64)
    if mean is None:
        constant = np.ptp(x, axis=0) == 0
        mean = np.where(constant, x[0], x.mean(axis=0))
        std = np.where(constant, 1.0, x.std(axis=0, ddof=1) if x.shape[0] > 1 else 1.0)
    return (x - mean) / std, np.asarray(mean, dtype=np.float64), np.asarray(std, dtype=np.float64)
