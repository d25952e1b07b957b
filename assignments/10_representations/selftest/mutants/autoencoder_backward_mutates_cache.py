# selftest: mutant
# description: the backward computes the sigmoid's derivative in place in the cached x_hat
# expect-lose: autoencoder_backward
# expect-feedback: changed its input
import numpy as np


def autoencoder_backward(dx_hat, cache):
    x, w1, w2, z, x_hat = cache
    x_hat *= 1.0 - x_hat
    da2 = dx_hat * x_hat
    da1 = (da2 @ w2.T) * (1.0 - z * z)
    return da1 @ w1.T, x.T @ da1, da1.sum(axis=0), z.T @ da2, da2.sum(axis=0)
