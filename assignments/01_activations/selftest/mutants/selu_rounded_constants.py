# selftest: mutant
# description: selu with the constants rounded to four decimals, lambda = 1.0507 and alpha = 1.6733
# expect-lose: selu_forward selu_backward
# expect-feedback: rounded constants
import numpy as np


def selu_forward(x):
    return 1.0507 * np.where(x > 0, x, 1.6733 * np.expm1(np.minimum(x, 0))), x


def selu_backward(dout, cache):
    x = cache
    return dout * 1.0507 * np.where(x > 0, 1.0, 1.6733 * np.exp(np.minimum(x, 0)))
