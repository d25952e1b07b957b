# selftest: mutant
# description: attention backward forgets the 1/sqrt(d) in dS (multi-head backward calls it)
# expect-lose: attention_backward multihead_attention_backward
# expect-feedback: scale is missing in the backward
import numpy as np


def attention_backward(dout, cache):
    q, k, v, weights = cache
    dv = np.swapaxes(weights, -1, -2) @ dout
    dweights = dout @ np.swapaxes(v, -1, -2)
    dscores = weights * (dweights - (dweights * weights).sum(axis=-1, keepdims=True))
    return dscores @ k, np.swapaxes(dscores, -1, -2) @ q, dv
