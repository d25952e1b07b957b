# selftest: mutant
# description: mse averaged over the rows (len(pred)) instead of over every entry
# expect-lose: mse
# expect-feedback: rows
import numpy as np


def mse(pred, target):
    diff = pred - target
    n = len(pred)
    return float(np.sum(diff * diff) / n), 2.0 * diff / n
