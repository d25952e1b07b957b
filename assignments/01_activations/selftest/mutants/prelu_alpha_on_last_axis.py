# selftest: mutant
# description: prelu per-channel alpha left to NumPy broadcasting, which lines it up with the last axis of x instead of axis 1
# expect-lose: prelu_forward prelu_backward
# expect-feedback: last axis
import numpy as np


def prelu_forward(x, alpha):
    alpha = np.asarray(alpha)
    return np.where(x > 0, x, alpha * x), (x, alpha)


def prelu_backward(dout, cache):
    x, alpha = cache
    dx = dout * np.where(x > 0, 1.0, alpha)
    contribution = dout * np.where(x > 0, 0.0, x)
    if alpha.ndim == 1:
        dalpha = contribution.sum(axis=tuple(range(np.ndim(x) - 1)))
    else:
        dalpha = np.array(contribution.sum())
    return dx, dalpha
