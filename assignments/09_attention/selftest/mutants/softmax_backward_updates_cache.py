# selftest: mutant
# description: softmax backward computes in place in the cached output, so a second call is wrong
# expect-lose: softmax_backward
# expect-feedback: in place
import numpy as np


def softmax_backward(dout, cache):
    out, axis = cache
    out *= dout - (dout * out).sum(axis=axis, keepdims=True)
    return out
