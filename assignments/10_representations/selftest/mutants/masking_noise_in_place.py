# selftest: mutant
# description: masking noise zeroes the entries of x itself and returns x (the caller's clean data is destroyed)
# expect-lose: masking_noise denoising_autoencoder_loss
# expect-feedback: changed its input
import numpy as np


def masking_noise(x, drop_prob, rng):
    if not 0 <= drop_prob < 1:
        raise ValueError(f"drop_prob: expected a probability in [0, 1), got {drop_prob!r}")
    keep = rng.random(np.shape(x)) >= drop_prob
    x[~keep] = 0.0
    return x
