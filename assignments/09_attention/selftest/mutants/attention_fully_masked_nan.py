# selftest: mutant
# description: attention with a plain max shift: a fully masked row computes -inf - (-inf) = NaN
# expect-lose: attention_forward
# expect-feedback: fully masked query is NaN
import numpy as np


def attention_forward(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    with np.errstate(invalid="ignore"):
        e = np.exp(scores - scores.max(axis=-1, keepdims=True))
        weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ v, (q, k, v, weights)
