# selftest: alternative
# description: every multi-value result returned as a list instead of a tuple
import numpy as np


def softmax_forward(x, *, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    out = e / np.sum(e, axis=axis, keepdims=True)
    return [out, [out, axis]]


def attention_backward(dout, cache):
    q, k, v, weights = cache
    dv = np.swapaxes(weights, -1, -2) @ dout
    dweights = dout @ np.swapaxes(v, -1, -2)
    dscores = weights * (dweights - (dweights * weights).sum(axis=-1, keepdims=True)) / np.sqrt(q.shape[-1])
    return [dscores @ k, np.swapaxes(dscores, -1, -2) @ q, dv]


def layernorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    n, d = x_hat.shape
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=1, keepdims=True) - x_hat * (g * x_hat).mean(axis=1, keepdims=True))
    return [dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)]
