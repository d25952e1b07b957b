# selftest: mutant
# description: softmax without subtracting the maximum: exp(1000) overflows to inf and inf / inf is NaN
# expect-lose: softmax_forward
# expect-feedback: NaN or inf
import numpy as np


def softmax_forward(x, *, axis=-1):
    e = np.exp(x)
    out = e / e.sum(axis=axis, keepdims=True)
    return out, (out, axis)
