# selftest: mutant
# description: leaky relu with the slope 0.01 written into the formulas: the alpha keyword is accepted but ignored
# expect-lose: leaky_relu_forward leaky_relu_backward
# expect-feedback: alpha passed
import numpy as np


def leaky_relu_forward(x, *, alpha=0.01):
    return np.where(x > 0, x, 0.01 * x), x


def leaky_relu_backward(dout, cache):
    x = cache
    return dout * np.where(x > 0, 1.0, 0.01)
