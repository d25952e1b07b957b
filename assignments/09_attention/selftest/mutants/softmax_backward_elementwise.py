# selftest: mutant
# description: softmax backward with the sigmoid-like elementwise derivative s (1 - s)
# expect-lose: softmax_backward
# expect-feedback: each output depends on every input of its slice
import numpy as np


def softmax_backward(dout, cache):
    out, axis = cache
    return out * (1.0 - out) * dout
