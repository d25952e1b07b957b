# selftest: mutant
# description: masking noise rescales the survivors by 1 / (1 - p), as dropout does
# expect-lose: masking_noise denoising_autoencoder_loss
# expect-feedback: rescaled by 1 / (1 - p)
import numpy as np


def masking_noise(x, drop_prob, rng):
    if not 0 <= drop_prob < 1:
        raise ValueError(f"drop_prob: expected a probability in [0, 1), got {drop_prob!r}")
    keep = rng.random(np.shape(x)) >= drop_prob
    return np.where(keep, x, 0.0) / (1.0 - drop_prob)
