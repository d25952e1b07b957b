# selftest: alternative
# description: the textbook 1 / (1 + exp(-x)) for sigmoid, silu and the softplus gradient: exp overflows to inf for x = -1000 and warns, but 1 / inf = 0 is the right value
import numpy as np


def sigmoid_forward(x):
    out = 1.0 / (1.0 + np.exp(-x))
    return out, out


def silu_forward(x):
    s = 1.0 / (1.0 + np.exp(-x))
    return x * s, (x, s)


def softplus_backward(dout, cache):
    x, beta = cache
    return dout / (1.0 + np.exp(-beta * x))
