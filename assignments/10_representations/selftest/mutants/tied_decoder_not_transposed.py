# selftest: mutant
# description: the tied decoder multiplies by w instead of w.T (runs only when D == K)
# expect-lose: tied_autoencoder_forward tied_autoencoder_backward
# expect-feedback: the decoder must use the transposed weights
import numpy as np


def tied_autoencoder_forward(x, w, b_enc, b_dec):
    z = x @ w + b_enc
    return z @ w + b_dec, (x, w, z)
