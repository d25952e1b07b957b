# selftest: mutant
# description: the causal mask built with np.triu: every position sees only the future
# expect-lose: causal_mask
# expect-feedback: upper triangular
import numpy as np


def causal_mask(t):
    return np.triu(np.ones((t, t), dtype=bool))
