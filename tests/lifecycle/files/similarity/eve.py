import numpy as np


def leaky_relu_forward(inp, *, alpha=0.01):
    k = np.where(inp > 0, 1.0, alpha)
    return inp * k, (inp, alpha)


def sigmoid_forward(inp):
    # numerically safe version
    q = np.exp(-np.abs(inp))
    res = np.where(inp >= 0, 1.0 / (1.0 + q), q / (1.0 + q))
    return res, res


def sigmoid_backward(grad_out, saved):
    sig = saved
    return grad_out * sig * (1.0 - sig)


def leaky_relu_backward(grad_out, saved):
    inp, alpha = saved
    g = np.ones_like(inp)
    g[inp <= 0] = alpha
    return grad_out * g


def elu_forward(inp, *, alpha=1.0):
    neg = alpha * (np.exp(np.minimum(inp, 0.0)) - 1.0)
    res = np.where(inp > 0, inp, neg)
    return res, (inp, res, alpha)


def elu_backward(grad_out, saved):
    inp, res, alpha = saved
    slope = np.where(inp > 0, 1.0, res + alpha)
    return grad_out * slope
