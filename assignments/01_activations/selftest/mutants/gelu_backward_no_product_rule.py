# selftest: mutant
# description: gelu backward as Phi(x) alone: the product rule's x phi(x) term is missing
# expect-lose: gelu_backward
# expect-feedback: product rule
import numpy as np


def gelu_backward(dout, cache):
    from scipy.special import erf

    x = cache
    return dout * 0.5 * (1.0 + erf(x / np.sqrt(2.0)))
