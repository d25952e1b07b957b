# selftest: mutant
# description: standardize without the constant-column guard: 0 / 0 = NaN
# expect-lose: standardize
# expect-feedback: constant column
import numpy as np


def standardize(x, mean=None, std=None):
    x = np.asarray(x, dtype=np.float64)
    if mean is None:
        mean = x.mean(axis=0)
        std = x.std(axis=0)
    with np.errstate(all="ignore"):
        return (x - mean) / std, mean, std
