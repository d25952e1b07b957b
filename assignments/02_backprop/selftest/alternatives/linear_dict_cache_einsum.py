# selftest: alternative
# description: the linear layer keeps another valid cache, a dict of the flattened input, its original shape and w, and computes every product with np.einsum
import numpy as np


def linear_forward(x, w, b):
    flat = x.reshape(x.shape[0], -1)
    return np.einsum("nd,dm->nm", flat, w) + b, {"flat": flat, "shape": x.shape, "w": w}


def linear_backward(dout, cache):
    dx = np.einsum("nm,dm->nd", dout, cache["w"]).reshape(cache["shape"])
    return dx, np.einsum("nd,nm->dm", cache["flat"], dout), np.einsum("nm->m", dout)
