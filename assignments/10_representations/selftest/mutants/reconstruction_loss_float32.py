# selftest: mutant
# description: the reconstruction loss's gradient is computed in float32
# expect-lose: reconstruction_loss
# expect-feedback: dtype float32
import numpy as np


def reconstruction_loss(x_hat, x):
    diff = (x_hat - x).astype(np.float32)
    n = x.shape[0]
    return float(np.sum(diff * diff) / n), 2.0 * diff / np.float32(n)
