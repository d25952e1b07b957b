# selftest: mutant
# description: the denoising loss compares the reconstruction with the noisy input
# expect-lose: denoising_autoencoder_loss
# expect-feedback: compared the reconstruction with the noisy input
import numpy as np


def denoising_autoencoder_loss(x, w1, b1, w2, b2, drop_prob, rng):
    x_noisy = masking_noise(x, drop_prob, rng)  # noqa: F821 - defined by the reference solution above
    x_hat, cache = autoencoder_forward(x_noisy, w1, b1, w2, b2)  # noqa: F821
    loss, dx_hat = reconstruction_loss(x_hat, x_noisy)  # noqa: F821
    _, dw1, db1, dw2, db2 = autoencoder_backward(dx_hat, cache)  # noqa: F821
    return loss, dw1, db1, dw2, db2
