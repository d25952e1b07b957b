# selftest: alternative
# description: relu as x * (x > 0), and caches of other layouts than the docstring's (relu keeps its mask, leaky relu and elu keep the output, tanh keeps x and recomputes)
import numpy as np


def relu_forward(x):
    mask = x > 0
    return x * mask, mask


def relu_backward(dout, cache):
    mask = cache
    return dout * mask


def leaky_relu_forward(x, *, alpha=0.01):
    slope = np.where(x > 0, 1.0, alpha)
    return x * slope, {"slope": slope}


def leaky_relu_backward(dout, cache):
    return dout * cache["slope"]


def elu_forward(x, *, alpha=1.0):
    out = np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))
    return out, (out, x > 0, alpha)


def elu_backward(dout, cache):
    out, positive, alpha = cache
    return dout * np.where(positive, 1.0, out + alpha)


def tanh_forward(x):
    return np.tanh(x), x


def tanh_backward(dout, cache):
    x = cache
    return dout / np.cosh(np.clip(x, -350.0, 350.0)) ** 2
