# selftest: mutant
# description: batchnorm backward treating the batch mean and variance as constants (dx = dout * gamma * inv_std in train mode)
# expect-lose: batchnorm_backward
# expect-feedback: mean-gradient
import numpy as np


def batchnorm_backward(dout, cache):
    x_hat, gamma, inv_std, train = cache
    return dout * gamma * inv_std, (dout * x_hat).sum(axis=0), dout.sum(axis=0)
