# selftest: alternative
# description: attention without any -inf: the shift is the maximum over the allowed keys only (np.max(where=mask)), masked entries are zeroed after exp, and a fully masked row divides by nothing (np.divide(where=)): no warning anywhere
import numpy as np


def attention_forward(q, k, v, mask=None):
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])
    if mask is not None and np.asarray(mask).dtype != bool:
        raise ValueError("mask must be boolean")
    allowed = np.ones(scores.shape, dtype=bool) if mask is None else np.broadcast_to(np.asarray(mask), scores.shape)
    shift = np.max(scores, axis=-1, keepdims=True, where=allowed, initial=-np.inf)
    shift = np.where(np.isfinite(shift), shift, 0.0)
    e = np.where(allowed, np.exp(np.where(allowed, scores - shift, 0.0)), 0.0)
    total = e.sum(axis=-1, keepdims=True)
    weights = np.divide(e, total, out=np.zeros_like(e), where=total > 0)
    return weights @ v, (q, k, v, weights)
