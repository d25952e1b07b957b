# selftest: alternative
# description: standardize from explicit sums, constant columns found by comparing with the first row
import numpy as np


def standardize(x, mean=None, std=None):
    x = np.array(x, dtype=np.float64)
    if mean is None:
        n = x.shape[0]
        constant = np.all(x == x[0], axis=0)
        mean = np.sum(x, axis=0) / n
        mean = np.where(constant, x[0], mean)
        var = np.sum((x - mean) ** 2, axis=0) / n
        std = np.where(constant, 1.0, np.sqrt(var))
    else:
        mean, std = np.array(mean, dtype=np.float64), np.array(std, dtype=np.float64)
    z = np.empty_like(x)
    for j in range(x.shape[1]):
        z[:, j] = (x[:, j] - mean[j]) / std[j]
    return z, mean, std
