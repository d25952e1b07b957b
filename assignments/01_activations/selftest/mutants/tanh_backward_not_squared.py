# selftest: mutant
# description: tanh backward without the square, dx = dout * (1 - out)
# expect-lose: tanh_backward
# expect-feedback: square
import numpy as np


def tanh_backward(dout, cache):
    out = cache
    return dout * (1.0 - out)
