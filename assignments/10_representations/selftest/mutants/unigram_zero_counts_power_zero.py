# selftest: mutant
# description: counts ** power with power = 0 gives words of count 0 a probability (0 ** 0 = 1)
# expect-lose: unigram_distribution
# expect-feedback: probs with power=0.0, words of count 0 got a probability
import numpy as np


def unigram_distribution(counts, power=0.75):
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or np.any(counts < 0) or not np.any(counts > 0):
        raise ValueError("counts: expected non-negative counts, at least one positive")
    weights = counts ** power
    return weights / weights.sum()
