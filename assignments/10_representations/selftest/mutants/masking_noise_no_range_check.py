# selftest: mutant
# description: masking noise accepts a drop probability of 1 or below 0
# expect-lose: masking_noise
# expect-feedback: raise ValueError unless 0 <= drop_prob < 1
import numpy as np


def masking_noise(x, drop_prob, rng):
    keep = rng.random(np.shape(x)) >= drop_prob
    return np.where(keep, x, 0.0)
