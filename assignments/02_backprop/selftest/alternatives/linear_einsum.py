# selftest: alternative
# description: linear layer with np.einsum and np.tensordot instead of @
import numpy as np


def linear_forward(x, w, b):
    flat = x.reshape(len(x), -1)
    return np.einsum("nd,dm->nm", flat, w) + b[None, :], (x, w)


def linear_backward(dout, cache):
    x, w = cache
    flat = x.reshape(len(x), -1)
    dx = np.einsum("nm,dm->nd", dout, w).reshape(x.shape)
    dw = np.tensordot(flat, dout, axes=([0], [0]))
    db = np.einsum("nm->m", dout)
    return dx, dw, db
