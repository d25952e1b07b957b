# selftest: mutant
# description: standardize divides constant columns by their zero std and repairs the NaN afterwards with np.nan_to_num: the values are right, but 0 / 0 warns (invalid value)
# expect-lose: standardize
# expect-feedback: emitted a warning on valid input, invalid value encountered in divide
import numpy as np


def standardize(x, mean=None, std=None):
    if (mean is None) != (std is None):
        raise ValueError("standardize: pass both mean and std, or neither")
    x = np.asarray(x, dtype=np.float64)
    if mean is None:
        if x.shape[0] == 0:
            raise ValueError("standardize: x has no rows")
        constant = np.ptp(x, axis=0) == 0
        mean = np.where(constant, x[0], x.mean(axis=0))
        spread = np.where(constant, 0.0, x.std(axis=0))
        return np.nan_to_num((x - mean) / spread), mean, np.where(constant, 1.0, spread)
    mean, std = np.array(mean, dtype=np.float64), np.array(std, dtype=np.float64)
    if np.any(std <= 0):
        raise ValueError("standardize: std must be positive in every column")
    return (x - mean) / std, mean, std
