# selftest: mutant
# description: the counts are normalised first and then raised to 0.75 (the result does not sum to 1)
# expect-lose: unigram_distribution
# expect-feedback: normalised before raising to the power
import numpy as np


def unigram_distribution(counts, power=0.75):
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or np.any(counts < 0) or not np.any(counts > 0):
        raise ValueError("counts: expected non-negative counts, at least one positive")
    return (counts / counts.sum()) ** power
