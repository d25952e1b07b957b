# selftest: mutant
# description: the noise distribution is the plain unigram frequency (the exponent 0.75 is missing)
# expect-lose: unigram_distribution
# expect-feedback: the exponent 0.75 is missing
import numpy as np


def unigram_distribution(counts, power=0.75):
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or np.any(counts < 0) or not np.any(counts > 0):
        raise ValueError("counts: expected non-negative counts, at least one positive")
    return counts / counts.sum()
