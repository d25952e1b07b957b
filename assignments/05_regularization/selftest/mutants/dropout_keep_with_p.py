# selftest: mutant
# description: dropout keeping each entry with probability p instead of 1 - p (mask u < p)
# expect-lose: dropout_forward
# expect-feedback: probability to DROP
import numpy as np


def dropout_forward(x, p, *, train=True, rng=None):
    if not train or p == 0:
        mask = np.ones(x.shape)
    else:
        mask = (rng.random(x.shape) < p) / (1 - p)
    return x * mask, mask
