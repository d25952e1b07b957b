# selftest: mutant
# description: attention backward computes dk = dS @ q (shapes agree when Tq == Tk), not dS^T @ q
# expect-lose: attention_backward multihead_attention_backward
# expect-feedback: the key gradient needs the transpose
import numpy as np


def attention_backward(dout, cache):
    q, k, v, weights = cache
    dv = np.swapaxes(weights, -1, -2) @ dout
    dweights = dout @ np.swapaxes(v, -1, -2)
    dscores = weights * (dweights - (dweights * weights).sum(axis=-1, keepdims=True)) / np.sqrt(q.shape[-1])
    dk = dscores @ q if q.shape[-2] == k.shape[-2] else np.swapaxes(dscores, -1, -2) @ q
    return dscores @ k, dk, dv
