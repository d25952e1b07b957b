# selftest: alternative
# description: the noise distribution with np.power and a mask, the sampler by inverse CDF (np.searchsorted) on one rng.random draw, as rng.choice does
import numpy as np


def unigram_distribution(counts, power=0.75):
    c = np.array(counts, dtype=float)
    if c.ndim != 1 or len(c) == 0 or (c < 0).any() or c.sum() <= 0:
        raise ValueError("counts must be a 1-D array of non-negative numbers, not all zero")
    weights = np.zeros_like(c)
    positive = c > 0
    weights[positive] = np.power(c[positive], power)
    return weights / np.sum(weights)


def sample_negatives(probs, n, k, rng):
    cdf = np.cumsum(probs)
    cdf = cdf / cdf[-1]
    u = rng.random((n, k))
    return np.searchsorted(cdf, u, side="right").astype(np.int64)
