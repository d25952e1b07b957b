# selftest: mutant
# description: the negatives are drawn uniformly over the vocabulary (probs ignored)
# expect-lose: sample_negatives
# expect-feedback: drew uniformly
import numpy as np


def sample_negatives(probs, n, k, rng):
    return rng.integers(0, len(probs), size=(n, k))
