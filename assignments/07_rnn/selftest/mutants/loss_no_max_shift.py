# selftest: mutant
# description: temporal loss computes the softmax without subtracting the maximum (overflows for large scores)
# expect-lose: temporal_softmax_cross_entropy
# expect-feedback: NaN
import numpy as np


def temporal_softmax_cross_entropy(x, y, mask):
    n, t_len, vocab = x.shape
    mask = np.asarray(mask, dtype=bool)
    y = np.where(mask, np.asarray(y), 0)
    probs = np.exp(x) / np.exp(x).sum(axis=2, keepdims=True)
    rows, steps = np.arange(n)[:, None], np.arange(t_len)[None, :]
    loss = -np.sum(np.where(mask, np.log(probs[rows, steps, y]), 0.0)) / n
    dx = probs.copy()
    dx[rows, steps, y] -= 1.0
    dx = np.where(mask[:, :, None], dx, 0.0) / n
    return float(loss), dx
