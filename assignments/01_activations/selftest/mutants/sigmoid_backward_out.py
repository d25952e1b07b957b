# selftest: mutant
# description: sigmoid backward multiplies by the cached output alone, dx = dout * out, instead of out * (1 - out)
# expect-lose: sigmoid_backward
# expect-feedback: out * (1 - out)
import numpy as np


def sigmoid_backward(dout, cache):
    out = cache
    return dout * out
