# selftest: mutant
# description: softmax always along the last axis, whatever axis= says
# expect-lose: softmax_forward
# expect-feedback: not along axis=
import numpy as np


def softmax_forward(x, *, axis=-1):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    out = e / e.sum(axis=-1, keepdims=True)
    return out, (out, axis)
