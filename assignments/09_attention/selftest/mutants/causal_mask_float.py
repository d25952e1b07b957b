# selftest: mutant
# description: the causal mask as 0/1 floats instead of booleans
# expect-lose: causal_mask
# expect-feedback: return a boolean array
import numpy as np


def causal_mask(t):
    return np.tril(np.ones((t, t)))
