# selftest: mutant
# description: attention zeroes the masked weights after the softmax, so the rows no longer sum to 1
# expect-lose: attention_forward multihead_attention_forward
# expect-feedback: the mask is applied after the softmax
import numpy as np


def attention_forward(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = e / e.sum(axis=-1, keepdims=True)
    if mask is not None:
        weights = np.where(mask, weights, 0.0)
    return weights @ v, (q, k, v, weights)
