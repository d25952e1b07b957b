# selftest: mutant
# description: db summed over the units (axis=1) instead of over the batch
# expect-lose: linear_backward
# expect-feedback: wrong shape
import numpy as np


def linear_backward(dout, cache):
    x, w = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = dout.sum(axis=1)
    return dx, dw, db
