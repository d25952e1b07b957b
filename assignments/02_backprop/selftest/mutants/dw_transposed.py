# selftest: mutant
# description: dW transposed: dw = dout^T x instead of x^T dout
# expect-lose: linear_backward
# expect-feedback: transposed
import numpy as np


def linear_backward(dout, cache):
    x, w = cache
    dx = (dout @ w.T).reshape(x.shape)
    dw = dout.T @ x.reshape(x.shape[0], -1)
    db = dout.sum(axis=0)
    return dx, dw, db
