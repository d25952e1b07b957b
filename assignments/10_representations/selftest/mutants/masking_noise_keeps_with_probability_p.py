# selftest: mutant
# description: masking noise keeps an entry with probability p (u < p) instead of dropping it
# expect-lose: masking_noise denoising_autoencoder_loss
# expect-feedback: p is the probability to DROP
import numpy as np


def masking_noise(x, drop_prob, rng):
    if not 0 <= drop_prob < 1:
        raise ValueError(f"drop_prob: expected a probability in [0, 1), got {drop_prob!r}")
    keep = rng.random(np.shape(x)) < drop_prob
    return np.where(keep, x, 0.0)
