# selftest: mutant
# description: the textbook 1 / (1 + exp(-x)) for sigmoid, silu and the softplus gradient: exp overflows to inf for x = -1000 and warns; 1 / inf = 0 is the right value, but a warning on valid input breaks the contract
# expect-lose: sigmoid_forward silu_forward softplus_backward
# expect-feedback: emitted a warning on valid input, overflow encountered in exp
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
