# selftest: mutant
# description: dx left flat (N, D) instead of being reshaped to x's shape
# expect-lose: linear_backward
# expect-feedback: wrong shape
import numpy as np


def linear_backward(dout, cache):
    x, w = cache
    dx = dout @ w.T
    dw = x.reshape(x.shape[0], -1).T @ dout
    db = dout.sum(axis=0)
    return dx, dw, db
