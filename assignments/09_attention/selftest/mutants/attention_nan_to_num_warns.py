# selftest: mutant
# description: attention shifts by the row maximum also on a fully masked row (-inf - -inf = NaN) and repairs the NaN weights with np.nan_to_num: the values are right, but the subtraction warns
# expect-lose: attention_forward
# expect-feedback: emitted a warning on valid input, invalid value encountered in subtract
import numpy as np


def attention_forward(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype != bool:
            raise ValueError("mask must be boolean")
        scores = np.where(mask, scores, -np.inf)
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights = np.nan_to_num(e / e.sum(axis=-1, keepdims=True))
    return weights @ v, (q, k, v, weights)
