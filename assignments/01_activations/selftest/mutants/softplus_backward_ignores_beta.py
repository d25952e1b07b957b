# selftest: mutant
# description: softplus backward as sigmoid(x), forgetting the beta of the cache: the derivative is sigmoid(beta x)
# expect-lose: softplus_backward
# expect-feedback: beta
import numpy as np


def softplus_backward(dout, cache):
    x, beta = cache
    e = np.exp(-np.abs(x))
    return dout * np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
