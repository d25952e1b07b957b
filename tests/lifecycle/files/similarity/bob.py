import numpy as np


def sigmoid_forward(x):
    pos = x >= 0
    z = np.zeros_like(x, dtype=float)
    z[pos] = 1 / (1 + np.exp(-x[pos]))
    ex = np.exp(x[~pos])
    z[~pos] = ex / (1 + ex)
    return z, z.copy()


def sigmoid_backward(dout, cache):
    return dout * cache - dout * cache**2


def leaky_relu_forward(x, *, alpha=0.01):
    y = np.maximum(x, 0) + alpha * np.minimum(x, 0)
    return y, (x, alpha)


def leaky_relu_backward(dout, cache):
    inputs, a = cache
    mask = (inputs > 0).astype(float)
    return dout * (mask + a * (1 - mask))


def elu_forward(x, *, alpha=1.0):
    y = x.astype(float).copy()
    neg = x <= 0
    y[neg] = alpha * np.expm1(x[neg])
    return y, (x, alpha)


def elu_backward(dout, cache):
    inputs, a = cache
    d = np.ones_like(inputs, dtype=float)
    n = inputs <= 0
    d[n] = a * np.exp(inputs[n])
    return dout * d
