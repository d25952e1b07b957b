# selftest: mutant
# description: the reconstruction loss averaged over every entry (N*D, like mse) instead of over the N samples
# expect-lose: reconstruction_loss denoising_autoencoder_loss
# expect-feedback: averaged over every entry
import numpy as np


def reconstruction_loss(x_hat, x):
    diff = x_hat - x
    return float(np.mean(diff * diff)), 2.0 * diff / diff.size
