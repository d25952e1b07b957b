# selftest: alternative
# description: log-sum-exp forms: sigmoid as exp(-logaddexp(0, -x)), softplus as logaddexp(0, beta x) / beta, silu as x exp(-logaddexp(0, -x))
import numpy as np


def sigmoid_forward(x):
    out = np.exp(-np.logaddexp(0.0, -x))
    return out, out


def softplus_forward(x, *, beta=1.0):
    return np.logaddexp(0.0, beta * x) / beta, (x, beta)


def softplus_backward(dout, cache):
    x, beta = cache
    return dout * np.exp(-np.logaddexp(0.0, -beta * x))


def silu_forward(x):
    return x * np.exp(-np.logaddexp(0.0, -x)), x


def silu_backward(dout, cache):
    x = cache
    s = np.exp(-np.logaddexp(0.0, -x))
    return dout * (s + x * s * (1.0 - s))
