# selftest: mutant
# description: the tied weight's gradient keeps only the encoder's part x.T @ dz
# expect-lose: tied_autoencoder_backward
# expect-feedback: dw has only the encoder's part
import numpy as np


def tied_autoencoder_backward(dx_hat, cache):
    x, w, z = cache
    dz = dx_hat @ w
    return dz @ w.T, x.T @ dz, dz.sum(axis=0), dx_hat.sum(axis=0)
