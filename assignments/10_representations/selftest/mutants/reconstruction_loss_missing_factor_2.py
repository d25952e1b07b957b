# selftest: mutant
# description: the gradient of the reconstruction loss without its factor 2
# expect-lose: reconstruction_loss denoising_autoencoder_loss
# expect-feedback: the factor 2 is missing
import numpy as np


def reconstruction_loss(x_hat, x):
    diff = x_hat - x
    n = x.shape[0]
    return float(np.sum(diff * diff) / n), diff / n
