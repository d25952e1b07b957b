# selftest: mutant
# description: the decoder's part of dw added as z.T @ dx_hat (K, D), not transposed back (a shape error unless D == K)
# expect-lose: tied_autoencoder_backward
# expect-feedback: not transposed back
import numpy as np


def tied_autoencoder_backward(dx_hat, cache):
    x, w, z = cache
    dz = dx_hat @ w
    return dz @ w.T, x.T @ dz + z.T @ dx_hat, dz.sum(axis=0), dx_hat.sum(axis=0)
