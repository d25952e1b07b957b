# selftest: alternative
# description: both autoencoders with einsum, caches of their own layout (pre-activations), a sigmoid from exp(-|a|), lists returned
import numpy as np


def tied_autoencoder_forward(x, w, b_enc, b_dec):
    z = np.einsum("nd,dk->nk", x, w) + b_enc
    return np.einsum("nk,dk->nd", z, w) + b_dec, {"x": x, "w": w, "z": z}


def tied_autoencoder_backward(dx_hat, cache):
    x, w, z = cache["x"], cache["w"], cache["z"]
    dz = np.einsum("nd,dk->nk", dx_hat, w)
    dw_encoder = np.einsum("nd,nk->dk", x, dz)
    dw_decoder = np.einsum("nk,nd->kd", z, dx_hat).T  # the decoder's weight is w.T: transpose back
    return [np.einsum("nk,dk->nd", dz, w), dw_encoder + dw_decoder, dz.sum(axis=0), dx_hat.sum(axis=0)]


def autoencoder_forward(x, w1, b1, w2, b2):
    a1 = x @ w1 + b1
    a2 = np.tanh(a1) @ w2 + b2
    e = np.exp(-np.abs(a2))
    x_hat = np.where(a2 >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return x_hat, [x, w1, w2, a1, a2]


def autoencoder_backward(dx_hat, cache):
    x, w1, w2, a1, a2 = cache
    e = np.exp(-np.abs(a2))
    slope2 = e / (1.0 + e) ** 2  # sigmoid'(a) = e^{-|a|} / (1 + e^{-|a|})^2, symmetric in a
    da2 = dx_hat * slope2
    da1 = (da2 @ w2.T) / np.cosh(np.clip(a1, -350.0, 350.0)) ** 2
    return [da1 @ w1.T, x.T @ da1, da1.sum(axis=0), np.tanh(a1).T @ da2, da2.sum(axis=0)]
