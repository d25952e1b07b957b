import numpy as np


def sigmoid_forward(x):
    # stable: exp of a non-positive number only
    e = np.exp(-np.abs(x))
    out = np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return out, out


def sigmoid_backward(dout, cache):
    s = cache
    return dout * s * (1.0 - s)


def leaky_relu_forward(x, *, alpha=0.01):
    slopes = np.where(x > 0, 1.0, alpha)
    return x * slopes, (x, alpha)


def leaky_relu_backward(dout, cache):
    x, alpha = cache
    grad = np.ones_like(x)
    grad[x <= 0] = alpha
    return dout * grad


def elu_forward(x, *, alpha=1.0):
    negative_part = alpha * (np.exp(np.minimum(x, 0.0)) - 1.0)
    result = np.where(x > 0, x, negative_part)
    return result, (x, result, alpha)


def elu_backward(dout, cache):
    x, result, alpha = cache
    local = np.where(x > 0, 1.0, result + alpha)
    return dout * local
