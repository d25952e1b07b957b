# selftest: mutant
# description: attention multiplies the scores by the mask, so masked keys get score 0 and still weight
# expect-lose: attention_forward multihead_attention_forward
# expect-feedback: the scores are multiplied by the mask
import numpy as np


def attention_forward(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores * mask
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = e / e.sum(axis=-1, keepdims=True)
    return weights @ v, (q, k, v, weights)
