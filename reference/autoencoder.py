"""Autoencoders: a linear one with tied weights, a non-linear one and a denoising one, with their
reconstruction loss.

    out, cache = name_forward(x, *params)
    grads      = name_backward(dout, cache)      # (dx, dparam1, ...) in parameter order
    loss, dx_hat = reconstruction_loss(x_hat, x)

Samples are rows: x is (N, D), a code is (N, K). Weights are stored (inputs, outputs) as in the
rest of the course, so the encoder computes x @ w. float64 in gives float64 out; inputs are
never mutated; randomness comes only from an ``rng`` argument. Every body is self-contained or
calls graded functions defined above it (the bodies are inlined into the notebook).

The linear tied autoencoder minimises the same squared error as PCA with K components: at a
minimum, the columns of w span the top-K principal subspace of the centred data (Baldi and
Hornik, 1989), though they need not be the principal directions themselves.
"""

from __future__ import annotations

import numpy as np

from reference._validate import shapes


@shapes(x_hat=("N", "D"), x=("N", "D"))
def reconstruction_loss(x_hat, x):
    """Squared reconstruction error: summed over the D features, averaged over the N samples.

    x_hat: (N, D) reconstruction; x: (N, D) target.
    Returns (loss, dx_hat): loss a float, dx_hat (N, D).
    Formula: L = \\frac{1}{N} \\sum_n \\lVert \\hat x_n - x_n \\rVert^2,\\ \\partial L / \\partial \\hat x = \\frac{2}{N} (\\hat x - x).
    """
    diff = x_hat - x
    n = x.shape[0]
    return float(np.sum(diff * diff) / n), 2.0 * diff / n


@shapes(x=("N", "D"), w=("D", "K"), b_enc=("K",), b_dec=("D",))
def tied_autoencoder_forward(x, w, b_enc, b_dec):
    """Linear autoencoder with tied weights: the decoder uses the transpose of the encoder's w.

    x: (N, D) inputs; w: (D, K) encoder weights (the decoder's are w.T, (K, D)); b_enc: (K,)
    code bias; b_dec: (D,) reconstruction bias.
    Returns x_hat: (N, D) and cache = (x, w, z) with z: (N, K) the code.
    Formula: z = x W + b_{enc},\\ \\hat x = z W^T + b_{dec}.
    """
    z = x @ w + b_enc
    x_hat = z @ w.T + b_dec
    return x_hat, (x, w, z)


def tied_autoencoder_backward(dx_hat, cache):
    """Gradients of the tied linear autoencoder; w gets the sum of its encoder and decoder parts.

    dx_hat: (N, D) upstream gradient; cache = (x, w, z) from tied_autoencoder_forward.
    Returns dx: (N, D), dw: (D, K), db_enc: (K,), db_dec: (D,).
    Formula: dz = d\\hat x\\, W,\\ dx = dz\\, W^T,\\ dW = x^T dz + d\\hat x^T z,\\ db_{enc} = \\sum_n dz_n,\\ db_{dec} = \\sum_n d\\hat x_n.
    """
    x, w, z = cache
    dz = dx_hat @ w
    return dz @ w.T, x.T @ dz + dx_hat.T @ z, dz.sum(axis=0), dx_hat.sum(axis=0)


@shapes(x=("N", "D"), w1=("D", "K"), b1=("K",), w2=("K", "D"), b2=("D",))
def autoencoder_forward(x, w1, b1, w2, b2):
    """Non-linear autoencoder: a tanh encoder to a code of size K, a sigmoid decoder back to D.

    x: (N, D) inputs (in [0, 1] for a sigmoid decoder to fit); w1: (D, K); b1: (K,); w2: (K, D);
    b2: (D,).
    Returns x_hat: (N, D) and cache = (x, w1, w2, z, x_hat) with z: (N, K) the code.
    Formula: z = \\tanh(x W_1 + b_1),\\ \\hat x = \\sigma(z W_2 + b_2),\\ \\sigma(a) = 1 / (1 + e^{-a}).
    """
    z = np.tanh(x @ w1 + b1)
    x_hat = 0.5 * (1.0 + np.tanh(0.5 * (z @ w2 + b2)))  # the sigmoid, without overflow
    return x_hat, (x, w1, w2, z, x_hat)


def autoencoder_backward(dx_hat, cache):
    """Gradients of the non-linear autoencoder.

    dx_hat: (N, D) upstream gradient; cache = (x, w1, w2, z, x_hat) from autoencoder_forward.
    Returns dx: (N, D), dw1: (D, K), db1: (K,), dw2: (K, D), db2: (D,).
    Formula: da_2 = d\\hat x \\odot \\hat x (1 - \\hat x),\\ dz = da_2 W_2^T,\\ da_1 = dz \\odot (1 - z^2),\\ dx = da_1 W_1^T,\\ dW_1 = x^T da_1,\\ dW_2 = z^T da_2.
    """
    x, w1, w2, z, x_hat = cache
    da2 = dx_hat * x_hat * (1.0 - x_hat)
    da1 = (da2 @ w2.T) * (1.0 - z * z)
    return da1 @ w1.T, x.T @ da1, da1.sum(axis=0), z.T @ da2, da2.sum(axis=0)


def masking_noise(x, drop_prob, rng):
    """Masking noise for a denoising autoencoder: each entry is set to 0 with probability drop_prob.

    x: any shape; drop_prob: a float in [0, 1) (ValueError otherwise); rng: np.random.Generator.
    The mask is drawn with exactly one call, keep = rng.random(x.shape) >= drop_prob, also when
    drop_prob is 0. The survivors are NOT rescaled (unlike dropout): the target stays the clean x.
    Returns x_noisy: x's shape, a new array.
    Formula: \\tilde x_i = x_i [u_i \\ge p],\\ u_i \\sim U[0, 1).
    """
    if not 0 <= drop_prob < 1:
        raise ValueError(f"drop_prob: expected a probability in [0, 1), got {drop_prob!r}")
    keep = rng.random(np.shape(x)) >= drop_prob
    return np.where(keep, x, 0.0)


def denoising_autoencoder_loss(x, w1, b1, w2, b2, drop_prob, rng):
    """Loss and parameter gradients of a denoising autoencoder on one batch.

    x: (N, D) clean inputs; w1, b1, w2, b2 as in autoencoder_forward; drop_prob, rng as in
    masking_noise (called once, on x). The corrupted batch goes through the autoencoder and the
    reconstruction is compared with the CLEAN x.
    Returns (loss, dw1, db1, dw2, db2): loss a float, gradients shaped like their parameters.
    Formula: \\tilde x = \\mathrm{mask}(x),\\ L = \\frac{1}{N} \\sum_n \\lVert f(\\tilde x_n) - x_n \\rVert^2.
    """
    x_noisy = masking_noise(x, drop_prob, rng)
    x_hat, cache = autoencoder_forward(x_noisy, w1, b1, w2, b2)
    loss, dx_hat = reconstruction_loss(x_hat, x)
    _, dw1, db1, dw2, db2 = autoencoder_backward(dx_hat, cache)
    return loss, dw1, db1, dw2, db2
