# selftest: mutant
# description: layernorm backward copied from batchnorm: the dx sums run over the batch axis
# expect-lose: layernorm_backward
# expect-feedback: batch axis
import numpy as np


def layernorm_backward(dout, cache):
    x_hat, gamma, inv_std = cache
    n = x_hat.shape[0]
    g = dout * gamma
    dx = inv_std / n * (n * g - g.sum(axis=0) - x_hat * (g * x_hat).sum(axis=0))
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
