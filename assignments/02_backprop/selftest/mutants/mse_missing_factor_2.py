# selftest: mutant
# description: mse gradient without the factor 2 of the square
# expect-lose: mse
# expect-feedback: factor 2
import numpy as np


def mse(pred, target):
    diff = pred - target
    return float(np.mean(diff * diff)), diff / diff.size
