# selftest: mutant
# description: batchnorm backward with the mean path but without the variance path
# expect-lose: batchnorm_backward
# expect-feedback: variance path
import numpy as np


def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std, train = cache
    g = dout * gamma
    if train:
        n = dout.shape[0]
        dx = inv_std / n * (n * g - g.sum(axis=0))
    else:
        dx = g * inv_std
    return dx, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
