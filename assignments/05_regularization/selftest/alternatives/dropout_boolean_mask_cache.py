# selftest: alternative
# description: dropout keeps another valid cache, the boolean keep-mask and the scale 1 / (1 - p) (float64 by Python's float), and its backward rebuilds the mask from them
import numpy as np


def dropout_forward(x, p, *, train=True, rng=None):
    if not 0 <= p < 1:
        raise ValueError("p must be in [0, 1)")
    if train and rng is None:
        raise ValueError("train mode needs an rng")
    if not train or p == 0:
        return x.copy(), (np.ones(x.shape, dtype=bool), 1.0)
    keep = rng.random(x.shape) >= p
    scale = 1.0 / (1.0 - p)
    return np.where(keep, x * scale, 0.0), (keep, scale)


def dropout_backward(dout, cache):
    keep, scale = cache
    return np.where(keep, dout * scale, 0.0)
