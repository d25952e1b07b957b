# selftest: mutant
# description: attention forgets the 1/sqrt(d) scale of the scores (multi-head attention calls it, so it is wrong too)
# expect-lose: attention_forward multihead_attention_forward
# expect-feedback: divide q k^T by sqrt(d)
import numpy as np


def attention_forward(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    row_max = scores.max(axis=-1, keepdims=True)
    e = np.exp(scores - np.where(np.isfinite(row_max), row_max, 0.0))
    total = e.sum(axis=-1, keepdims=True)
    weights = e / np.where(total > 0.0, total, 1.0)
    return weights @ v, (q, k, v, weights)
