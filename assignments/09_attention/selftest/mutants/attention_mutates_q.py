# selftest: mutant
# description: attention scales the caller's q in place (q /= sqrt(d)); the output is right
# expect-lose: attention_forward
# expect-feedback: changed its input
import numpy as np


def attention_forward(q, k, v, mask=None):
    q /= np.sqrt(q.shape[-1])
    scores = q @ np.swapaxes(k, -1, -2)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    row_max = scores.max(axis=-1, keepdims=True)
    e = np.exp(scores - np.where(np.isfinite(row_max), row_max, 0.0))
    total = e.sum(axis=-1, keepdims=True)
    weights = e / np.where(total > 0.0, total, 1.0)
    return weights @ v, (q * np.sqrt(q.shape[-1]), k, v, weights)
