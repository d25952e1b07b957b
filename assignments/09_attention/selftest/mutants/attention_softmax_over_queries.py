# selftest: mutant
# description: attention normalises the weights over the queries (axis -2) instead of the keys
# expect-lose: attention_forward multihead_attention_forward
# expect-feedback: the softmax runs over the queries
import numpy as np


def attention_forward(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    col_max = scores.max(axis=-2, keepdims=True)
    e = np.exp(scores - np.where(np.isfinite(col_max), col_max, 0.0))
    total = e.sum(axis=-2, keepdims=True)
    weights = e / np.where(total > 0.0, total, 1.0)
    return weights @ v, (q, k, v, weights)
