# selftest: mutant
# description: the tied weight's gradient keeps only the decoder's part dx_hat.T @ z
# expect-lose: tied_autoencoder_backward
# expect-feedback: dw has only the decoder's part
import numpy as np


def tied_autoencoder_backward(dx_hat, cache):
    x, w, z = cache
    dz = dx_hat @ w
    return dz @ w.T, dx_hat.T @ z, dz.sum(axis=0), dx_hat.sum(axis=0)
