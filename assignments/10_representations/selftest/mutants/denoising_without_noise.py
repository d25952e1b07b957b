# selftest: mutant
# description: the denoising loss never corrupts its input (the rng is ignored)
# expect-lose: denoising_autoencoder_loss
# expect-feedback: the input was not corrupted
import numpy as np


def denoising_autoencoder_loss(x, w1, b1, w2, b2, drop_prob, rng):
    x_hat, cache = autoencoder_forward(x, w1, b1, w2, b2)  # noqa: F821 - defined by the reference solution above
    loss, dx_hat = reconstruction_loss(x_hat, x)  # noqa: F821
    _, dw1, db1, dw2, db2 = autoencoder_backward(dx_hat, cache)  # noqa: F821
    return loss, dw1, db1, dw2, db2
