# selftest: alternative
# description: the reconstruction and denoising losses written out with explicit sums and no calls of the other tasks; masking by multiplication
import numpy as np


def reconstruction_loss(x_hat, x):
    n = len(x)
    sq = (x_hat - x) ** 2
    return sq.sum(axis=1).mean(), (x_hat - x) * (2.0 / n)


def masking_noise(x, drop_prob, rng):
    if drop_prob < 0 or drop_prob >= 1:
        raise ValueError("drop_prob must be in [0, 1)")
    u = rng.random(x.shape)
    return x * (u >= drop_prob)


def denoising_autoencoder_loss(x, w1, b1, w2, b2, drop_prob, rng):
    if not 0.0 <= drop_prob < 1.0:
        raise ValueError("drop_prob must be in [0, 1)")
    x_noisy = x * (rng.random(x.shape) >= drop_prob)
    z = np.tanh(x_noisy @ w1 + b1)
    x_hat = 1.0 / (1.0 + np.exp(-np.clip(z @ w2 + b2, -500.0, 500.0)))
    n = x.shape[0]
    loss = np.sum((x_hat - x) ** 2) / n
    da2 = 2.0 * (x_hat - x) / n * x_hat * (1.0 - x_hat)
    da1 = (da2 @ w2.T) * (1.0 - z ** 2)
    return loss, x_noisy.T @ da1, da1.sum(axis=0), z.T @ da2, da2.sum(axis=0)
