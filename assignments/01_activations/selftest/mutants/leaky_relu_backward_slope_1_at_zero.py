# selftest: mutant
# description: leaky relu backward with slope 1 at exactly 0 (x >= 0), where the convention is alpha
# expect-lose: leaky_relu_backward
# expect-feedback: exactly 0
import numpy as np


def leaky_relu_backward(dout, cache):
    x, alpha = cache
    return dout * np.where(x >= 0, 1.0, alpha)
