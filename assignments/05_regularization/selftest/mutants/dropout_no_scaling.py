# selftest: mutant
# description: dropout without the inverted scaling: survivors are not divided by (1 - p)
# expect-lose: dropout_forward
# expect-feedback: not scaled by 1/(1-p)
import numpy as np


def dropout_forward(x, p, *, train=True, rng=None):
    if not train or p == 0:
        mask = np.ones(x.shape)
    else:
        mask = (rng.random(x.shape) >= p).astype(np.float64)
    return x * mask, mask
