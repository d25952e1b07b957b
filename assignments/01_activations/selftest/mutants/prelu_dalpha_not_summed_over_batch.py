# selftest: mutant
# description: prelu dalpha summed within each example but not over the batch: shape (N, C) or (N,) instead of alpha's shape
# expect-lose: prelu_backward
# expect-feedback: alpha's shape
import numpy as np


def prelu_backward(dout, cache):
    x, alpha = cache
    a = alpha.reshape((1, -1) + (1,) * (np.ndim(x) - 2)) if alpha.ndim == 1 else alpha
    dx = dout * np.where(x > 0, 1.0, a)
    contribution = dout * np.where(x > 0, 0.0, x)
    if alpha.ndim == 1:
        dalpha = contribution.sum(axis=tuple(range(2, np.ndim(x))))
    else:
        dalpha = contribution.reshape(x.shape[0], -1).sum(axis=1)
    return dx, dalpha
