# selftest: mutant
# description: the decoder has no sigmoid (x_hat = z @ w2 + b2); the backward is consistent with it
# expect-lose: autoencoder_forward autoencoder_backward denoising_autoencoder_loss
# expect-feedback: the sigmoid is missing on the decoder
import numpy as np


def autoencoder_forward(x, w1, b1, w2, b2):
    z = np.tanh(x @ w1 + b1)
    x_hat = z @ w2 + b2
    return x_hat, (x, w1, w2, z, x_hat)


def autoencoder_backward(dx_hat, cache):
    x, w1, w2, z, x_hat = cache
    da1 = (dx_hat @ w2.T) * (1.0 - z * z)
    return da1 @ w1.T, x.T @ da1, da1.sum(axis=0), z.T @ dx_hat, dx_hat.sum(axis=0)
