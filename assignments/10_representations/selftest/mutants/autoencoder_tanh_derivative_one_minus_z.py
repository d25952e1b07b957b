# selftest: mutant
# description: the encoder's tanh derivative written 1 - z instead of 1 - z**2
# expect-lose: autoencoder_backward denoising_autoencoder_loss
# expect-feedback: 1 - z instead of 1 - z**2
import numpy as np


def autoencoder_backward(dx_hat, cache):
    x, w1, w2, z, x_hat = cache
    da2 = dx_hat * x_hat * (1.0 - x_hat)
    da1 = (da2 @ w2.T) * (1.0 - z)
    return da1 @ w1.T, x.T @ da1, da1.sum(axis=0), z.T @ da2, da2.sum(axis=0)
