# selftest: mutant
# description: sigmoid as e^x / (1 + e^x) everywhere: inf / inf = NaN for large positive x (and the NaN reaches the backward through the cache)
# expect-lose: sigmoid_forward sigmoid_backward
# expect-feedback: NaN, numerically stable
import numpy as np


def sigmoid_forward(x):
    e = np.exp(x)
    out = e / (1.0 + e)
    return out, out
